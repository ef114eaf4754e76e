//! Per-request CPU cost of the client, and what share of it is the RSA signature.
//!
//! `cargo bench -p alikassa-client --bench prepare`; results in the crate README.

use std::hint::black_box;

use alikassa_client::types::banks::OnlineBankingIdrHppBank;
use alikassa_client::types::requests::OnlineBankingIdrHpp;
use alikassa_client::types::PaymentRequest;
use alikassa_client::{Client, Digest, PrivateKey, RsaSigner, Signer};
use criterion::{criterion_group, criterion_main, Criterion};

fn dir() -> String {
    format!("{}/tests/fixtures/keys/archive", env!("CARGO_MANIFEST_DIR"))
}

fn request() -> PaymentRequest {
    OnlineBankingIdrHpp::new(
        "150000".parse().unwrap(),
        "order-1001",
        "18.191.80.10".parse().unwrap(),
        OnlineBankingIdrHppBank::Bca,
        "Budi",
        "Santoso",
    )
    .notification_endpoint_url("https://shop.example/alikassa/notify")
    .success_redirect_url("https://shop.example/thanks")
    .into()
}

fn benches(c: &mut Criterion) {
    let req = request();
    let body = req.to_body().unwrap();
    c.bench_function("validate_and_encode", |b| {
        b.iter(|| {
            let r = black_box(&req);
            r.validate().unwrap();
            r.to_body().unwrap()
        })
    });
    for digest in [Digest::Sha1, Digest::Sha256] {
        let signer = RsaSigner::new(
            PrivateKey::from_dir(std::path::Path::new(&dir())).unwrap(),
            digest,
        );
        c.bench_function(&format!("sign_{digest}"), |b| {
            b.iter(|| signer.sign(black_box(&body)).unwrap())
        });
    }
    let client = Client::builder()
        .account("93d5df06-996c-48c3-9847-348d6b580b80")
        .cert_dir(dir())
        .build()
        .unwrap();
    c.bench_function("prepare_payment_sha1", |b| {
        b.iter(|| client.prepare_payment(black_box(&req)).unwrap())
    });
}

criterion_group!(prepare, benches);
criterion_main!(prepare);
