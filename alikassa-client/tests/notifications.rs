//! Notifications signed as `provider-pages-notes.md` describes (the parameters but
//! `sign`, in order, as a PHP-encoded JSON object with `id` an integer; SHA1), in
//! both shapes (GET query, JSON body), with the field list varying.

use alikassa_client::notification::{NotificationError, NotificationVerifier};
use alikassa_client::types::notification::signed_bytes;
use alikassa_client::types::PaymentStatus;
use alikassa_client::{Digest, PrivateKey, RsaSigner, Signer};

fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys/archive")
}

fn sign(params: &[(&str, &str)], digest: Digest) -> String {
    let signer = RsaSigner::new(PrivateKey::from_dir(&dir()).unwrap(), digest);
    signer
        .sign_base64(&signed_bytes(params.iter().copied()).unwrap())
        .unwrap()
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query(params: &[(&str, &str)], sign: &str) -> String {
    let mut q: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    q.push(format!("sign={}", encode(sign)));
    q.join("&")
}

fn verifier() -> NotificationVerifier {
    NotificationVerifier::from_pem(&std::fs::read(dir().join("public.pem")).unwrap()).unwrap()
}

const PARAMS: [(&str, &str); 11] = [
    ("type", "payment"),
    ("id", "108465371"),
    ("order_id", "order/1001"),
    ("payment_status", "paid"),
    ("amount", "500.000000000"),
    ("payment_amount", "500.000000000"),
    ("commission_amount", "15.000000000"),
    ("is_partial_payment", "0"),
    ("account", "93d5df06-996c-48c3-9847-348d6b580b80"),
    ("service", "payment_card_number_rub_hpp"),
    ("desc", "Заказ №1001"),
];

#[test]
fn a_documented_notification_verifies() {
    let q = query(&PARAMS, &sign(&PARAMS, Digest::Sha1));
    let n = verifier().verify_query(&q).unwrap();
    assert_eq!(n.notification.id, 108465371);
    assert_eq!(n.notification.payment_status, PaymentStatus::Paid);
    assert_eq!(n.notification.order_id.as_deref(), Some("order/1001"));
    assert_eq!(n.notification.amount.unwrap().to_string(), "500.000000000");
    assert_eq!(n.notification.is_partial_payment, Some(false));
    assert!(!n.is_payout());
    assert_eq!(n.params.len(), PARAMS.len());
}

#[test]
fn the_field_list_may_change() {
    // Older notifications lack commission_amount; some carry card_brand.
    let older: Vec<(&str, &str)> = PARAMS
        .iter()
        .copied()
        .filter(|(k, _)| *k != "commission_amount")
        .collect();
    let n = verifier()
        .verify_query(&query(&older, &sign(&older, Digest::Sha1)))
        .unwrap();
    assert_eq!(n.notification.commission_amount, None);
    let mut newer = PARAMS.to_vec();
    newer.insert(5, ("card_brand", "VISA"));
    let n = verifier()
        .verify_query(&query(&newer, &sign(&newer, Digest::Sha1)))
        .unwrap();
    assert!(n
        .params
        .iter()
        .any(|(k, v)| k == "card_brand" && v == "VISA"));
}

#[test]
fn a_json_body_verifies() {
    let s = sign(&PARAMS, Digest::Sha1);
    let mut body = serde_json::Map::new();
    for (k, v) in PARAMS {
        let value = match k {
            "id" => serde_json::json!(108465371),
            _ => serde_json::json!(v),
        };
        body.insert(k.into(), value);
    }
    body.insert("sign".into(), serde_json::json!(s));
    let n = verifier()
        .verify_json(serde_json::Value::Object(body).to_string().as_bytes())
        .unwrap();
    assert_eq!(n.notification.id, 108465371);
}

#[test]
fn forged_altered_or_unsigned_is_an_error() {
    let s = sign(&PARAMS, Digest::Sha1);
    let v = verifier();
    let altered = query(&PARAMS, &s).replace("payment_status=paid", "payment_status=fail");
    assert_eq!(
        v.verify_query(&altered).unwrap_err(),
        NotificationError::BadSignature
    );
    let reordered: Vec<(&str, &str)> = PARAMS.iter().rev().copied().collect();
    assert_eq!(
        v.verify_query(&query(&reordered, &s)).unwrap_err(),
        NotificationError::BadSignature
    );
    let unsigned: Vec<String> = PARAMS
        .iter()
        .map(|(k, x)| format!("{k}={}", encode(x)))
        .collect();
    assert_eq!(
        v.verify_query(&unsigned.join("&")).unwrap_err(),
        NotificationError::Unsigned
    );
    // Signed by another key.
    let other = PrivateKey::from_dir(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/payout-archive"),
    )
    .unwrap();
    let forged = RsaSigner::new(other, Digest::Sha1)
        .sign_base64(&signed_bytes(PARAMS.iter().copied()).unwrap())
        .unwrap();
    assert_eq!(
        v.verify_query(&query(&PARAMS, &forged)).unwrap_err(),
        NotificationError::BadSignature
    );
}

#[test]
fn sha256_only_when_asked_for() {
    let q = query(&PARAMS, &sign(&PARAMS, Digest::Sha256));
    assert_eq!(
        verifier().verify_query(&q).unwrap_err(),
        NotificationError::BadSignature
    );
    assert!(verifier()
        .accept_digests(&[Digest::Sha1, Digest::Sha256])
        .verify_query(&q)
        .is_ok());
}

#[test]
fn signed_but_missing_a_required_field_is_invalid() {
    let params: Vec<(&str, &str)> = PARAMS
        .iter()
        .copied()
        .filter(|(k, _)| *k != "payment_status")
        .collect();
    match verifier().verify_query(&query(&params, &sign(&params, Digest::Sha1))) {
        Err(NotificationError::Invalid(m)) => assert!(m.contains("payment_status"), "{m}"),
        other => panic!("{other:?}"),
    }
}
