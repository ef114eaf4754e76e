//! The body the client signs and sends equals, byte for byte, what the provider's PHP
//! sample (`json_encode($data)`) produces for the same data, for every service.
//!
//! Golden files: `fixtures/php-bodies/<service>.php.json`, written by
//! `php fixtures/php-bodies/make.php` (PHP 8.2) from `<service>.input.json`, which hold
//! every field of the service with values that exercise the escaping (`/`, non-ASCII,
//! quotes, backslash). Amounts are given with two decimals, as the SDK always sends.
//! `golden_files_are_what_php_writes` runs PHP again (CI installs php-cli) so the
//! golden files cannot drift from PHP.

use std::path::PathBuf;

use alikassa_client::types::catalogue::{self, Direction};
use alikassa_client::types::{PaymentRequest, PayoutRequest};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/php-bodies")
}

fn body(direction: Direction, input: &serde_json::Value) -> Vec<u8> {
    match direction {
        Direction::Payout => PayoutRequest::from_json(input).unwrap().to_body().unwrap(),
        _ => PaymentRequest::from_json(input).unwrap().to_body().unwrap(),
    }
}

#[test]
fn every_service_encodes_as_php_does() {
    for s in catalogue::services() {
        let input: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir().join(format!("{}.input.json", s.code))).unwrap(),
        )
        .unwrap();
        let golden = std::fs::read(dir().join(format!("{}.php.json", s.code))).unwrap();
        let ours = body(s.direction, &input);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&golden),
            "{}",
            s.code
        );
        // Every documented field is in the input, so the body carries all of them.
        let sent: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&ours).unwrap();
        assert_eq!(sent.len(), s.fields.len(), "{}", s.code);
    }
}

#[test]
fn golden_files_are_what_php_writes() {
    let out = std::env::temp_dir().join(format!("alikassa-php-bodies-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let status = std::process::Command::new("php")
        .arg(dir().join("make.php"))
        .arg(&out)
        .status()
        .expect("`php` must be installed for this test (CI installs php-cli)");
    assert!(status.success());
    for s in catalogue::services() {
        let name = format!("{}.php.json", s.code);
        assert_eq!(
            std::fs::read(out.join(&name)).unwrap(),
            std::fs::read(dir().join(&name)).unwrap(),
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}
