//! Property tests: untrusted input (key files, answers, notifications) gives a value
//! or an error, never a panic.

use alikassa_client::notification::NotificationVerifier;
use alikassa_client::types::{PaymentCreated, PaymentDetails};
use alikassa_client::PrivateKey;
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
        prop::sample::select(vec!["wait", "paid", "10.000000000", "", "-1", "1e5"])
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(serde_json::Value::from)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn damaged_keys_are_errors(cut in 0usize..2000, flip in 0usize..2000, bit in 0u8..8) {
        for name in ["private-pkcs8-aes256-sha256.pem", "private-legacy-aes128.pem", "private-pkcs1.pem"] {
            let mut pem = fixture(name);
            let at = flip % pem.len();
            pem[at] ^= 1 << bit;
            let _ = PrivateKey::from_pem(&pem, Some(b"k3y-Fixture-pw-7Qm2"));
            let cut = cut % pem.len();
            prop_assert!(PrivateKey::from_pem(&pem[..cut], Some(b"k3y-Fixture-pw-7Qm2")).is_err());
        }
    }

    #[test]
    fn arbitrary_answers_decode_or_fail(fields in prop::collection::vec((prop::sample::select(vec!["id", "payment_status", "amount", "url", "antiFraud", "hold_at", "is_partial_payment", "cardNumber"]), json_value()), 0..8)) {
        let object: serde_json::Map<String, serde_json::Value> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let text = serde_json::Value::Object(object).to_string();
        let _ = serde_json::from_str::<PaymentDetails>(&text);
        let _ = serde_json::from_str::<PaymentCreated>(&text);
    }

    #[test]
    fn arbitrary_notifications_are_rejected(query in "[a-z_=&%0-9A-F+]{0,120}") {
        let verifier = NotificationVerifier::from_pem(&fixture("public.pem")).unwrap();
        prop_assert!(verifier.verify_query(&query).is_err());
        prop_assert!(verifier.verify_json(query.as_bytes()).is_err());
    }
}
