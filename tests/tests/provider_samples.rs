//! The provider's own sample code (PHP and Python, from the documents) against the
//! sandbox, changed only in the host: the sandbox accepts what the provider accepts.
//! See `tests/fixtures/provider-samples/README.md`. CI installs php-cli, php-curl,
//! and Python's `cryptography` and `requests`; a missing one fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use alikassa_client::PublicKey;
use alikassa_sandbox::{Account, BlockingSandbox, Sandbox, SandboxConfig};

/// The account the samples hard-code.
const SAMPLE_ACCOUNT: &str = "93d5df06-996c-48c3-9847-348d6b580b80";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sandbox() -> BlockingSandbox {
    let keys = root().join("../alikassa-client/tests/fixtures/keys/archive");
    let public = PublicKey::from_pem(&std::fs::read(keys.join("public.pem")).unwrap()).unwrap();
    Sandbox::start_blocking(
        SandboxConfig::new()
            .account(Account::new(SAMPLE_ACCOUNT, public))
            .settle_delay(Duration::from_secs(600)),
    )
    .unwrap()
}

/// A directory holding the sample, with its hosts pointed at the sandbox, and
/// `cert/payment/` holding the fixture archive (a password file ending in a newline,
/// which the samples `strip()`/pass through).
fn prepare(sample: &str, base_url: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "alikassa-sample-{}-{}-{sample}",
        std::process::id(),
        base_url.rsplit(':').next().unwrap_or("")
    ));
    let certs = dir.join("cert/payment");
    std::fs::create_dir_all(&certs).unwrap();
    let archive = root().join("../alikassa-client/tests/fixtures/keys/archive");
    for f in ["private.pem", "password.txt", "public.pem"] {
        std::fs::copy(archive.join(f), certs.join(f)).unwrap();
    }
    let code =
        std::fs::read_to_string(root().join("fixtures/provider-samples").join(sample)).unwrap();
    let code = code
        .replace(
            "https://api-merchant.alikassa.com/",
            &format!("{base_url}/"),
        )
        .replace("https://api-merchant.alikassa.io/", &format!("{base_url}/"))
        .replace("hostname: 'api-merchant.alikassa.com'", "");
    assert!(
        !code.contains("alikassa.com/") && !code.contains("alikassa.io/"),
        "a host was left in {sample}"
    );
    std::fs::write(dir.join(sample), edit(code)).unwrap();
    dir
}

fn run(interpreter: &str, dir: &Path, sample: &str) -> String {
    let out = Command::new(interpreter)
        .arg(sample)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("`{interpreter}` must be installed for this test (CI installs it): {e}")
        });
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{sample}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
    stdout
}

fn unchanged(code: String) -> String {
    code
}

#[test]
fn the_python_payment_sample_signs_with_sha256_and_is_checked_against_the_tables() {
    let s = sandbox();
    // As published: the signature is accepted, then the tables' rules apply.
    let out = run(
        "python3",
        &prepare("002_payment.py", s.base_url(), unchanged),
        "002_payment.py",
    );
    assert!(out.contains("The given data was invalid."), "{out}");
    // Unknown service: the only error (its other fields have no table to be checked against).
    assert!(
        out.contains("'errors': {'service': ['The selected service is invalid.']}"),
        "{out}"
    );
    assert!(
        !out.contains("signature") && !out.contains("account"),
        "{out}"
    );
    // The same script with a documented service and its required field: created.
    let documented = |c: String| {
        c.replace(
            "'service': 'payment_card_rub_hpp',",
            "'service': 'payment_card_number_rub_hpp', 'customer_user_id': 'u-1',",
        )
    };
    let out = run(
        "python3",
        &prepare("002_payment.py", s.base_url(), documented),
        "002_payment.py",
    );
    assert!(
        out.contains("'payment_status': 'wait'") && out.contains("'url': 'http://127.0.0.1"),
        "{out}"
    );
}

#[test]
fn the_php_payment_sample_signs_with_sha1_and_is_accepted() {
    let s = sandbox();
    let out = run(
        "php",
        &prepare("002_payment.php", s.base_url(), unchanged),
        "002_payment.php",
    );
    assert!(out.contains("The given data was invalid."), "{out}");
    assert!(
        out.contains("[\"service\"]") && out.contains("The selected service is invalid."),
        "{out}"
    );
    let documented = |c: String| {
        c.replace(
            "'service' => 'payment_card_rub_hpp',",
            "'service' => 'payment_card_number_rub_hpp', 'customer_user_id' => 'u-1',",
        )
    };
    let out = run(
        "php",
        &prepare("002_payment.php", s.base_url(), documented),
        "002_payment.php",
    );
    assert!(
        out.contains("[\"payment_status\"]=>\n  string(4) \"wait\""),
        "{out}"
    );
}

#[test]
fn the_status_samples_are_answered() {
    let s = sandbox();
    // Id 100000536 does not exist in a fresh sandbox: the documented 404 answer.
    let out = run(
        "python3",
        &prepare("004_status.py", s.base_url(), unchanged),
        "004_status.py",
    );
    assert!(out.contains("'message': 'Payment not found'"), "{out}");
    let out = run(
        "php",
        &prepare("004_status.php", s.base_url(), unchanged),
        "004_status.php",
    );
    assert!(out.contains("Payment not found"), "{out}");
}
