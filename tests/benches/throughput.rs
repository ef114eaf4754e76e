//! Payments created per second against the sandbox: this SDK's client (key decrypted
//! once, pooled connections) versus the provider's Python sample (reads and decrypts
//! the key and opens a connection on every call), in one run.
//!
//! `cargo bench -p alikassa-tests --bench throughput`. A standalone benchmark, not
//! criterion: each side is one timed loop of sequential creates, on the same sandbox.
//! Needs python3 with `cryptography` and `requests`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use alikassa_client::types::requests::PaymentCardNumberRubHpp;
use alikassa_client::{Client, PublicKey};
use alikassa_sandbox::{Account, Sandbox, SandboxConfig};

const ACCOUNT: &str = "93d5df06-996c-48c3-9847-348d6b580b80";
const CLIENT_N: usize = 400;
const PYTHON_N: usize = 100;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let keys = root.join("../alikassa-client/tests/fixtures/keys/archive");
    let public = PublicKey::from_pem(&std::fs::read(keys.join("public.pem")).unwrap()).unwrap();
    let sandbox = Sandbox::start_blocking(
        SandboxConfig::new()
            .account(Account::new(ACCOUNT, public))
            .settle_delay(Duration::from_secs(3600)),
    )
    .unwrap();

    // The client.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder()
        .account(ACCOUNT)
        .cert_dir(&keys)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let started = Instant::now();
    rt.block_on(async {
        for i in 0..CLIENT_N {
            let r = PaymentCardNumberRubHpp::new(
                "500".parse().unwrap(),
                format!("bench-rs-{i}"),
                "18.191.80.10".parse().unwrap(),
                "u-1",
            );
            client.create_payment(r).await.unwrap();
        }
    });
    let rust_rate = CLIENT_N as f64 / started.elapsed().as_secs_f64();

    // The provider's Python sample: its request_payment, called in a loop.
    let dir = std::env::temp_dir().join(format!("alikassa-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("cert/payment")).unwrap();
    for f in ["private.pem", "password.txt"] {
        std::fs::copy(keys.join(f), dir.join("cert/payment").join(f)).unwrap();
    }
    let sample =
        std::fs::read_to_string(root.join("fixtures/provider-samples/002_payment.py")).unwrap();
    let function = &sample[..sample.find("payment = request_payment(").unwrap()];
    let script = format!(
        "{}\nimport time\nn = {PYTHON_N}\nt = time.perf_counter()\nfor i in range(n):\n    r = request_payment('v1/payment', '{ACCOUNT}', {{'amount': '500.00', 'order_id': 'bench-py-%d' % i, 'service': 'payment_card_number_rub_hpp', 'customer_ip': '18.191.80.10', 'customer_user_id': 'u-1'}})\n    assert r['payment_status'] == 'wait', r\nprint(n / (time.perf_counter() - t))\n",
        function.replace("https://api-merchant.alikassa.com/", &format!("{}/", sandbox.base_url()))
    );
    std::fs::write(dir.join("bench.py"), script).unwrap();
    let out = Command::new("python3")
        .arg("bench.py")
        .current_dir(&dir)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python_rate: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    println!("client (pooled, key decrypted once): {rust_rate:.0} payments/s over {CLIENT_N}");
    println!("provider's Python sample:            {python_rate:.0} payments/s over {PYTHON_N}");
    println!("ratio: {:.1}x", rust_rate / python_rate);
    sandbox.shutdown();
}
