//! The `alikassa` binary, run as a program would run it: output shapes and exit codes.

use std::path::PathBuf;
use std::time::Duration;

use alikassa_client::PublicKey;
use alikassa_sandbox::{Account, BlockingSandbox, Sandbox, SandboxConfig};
use assert_cmd::Command;
use serde_json::Value;

const ACCOUNT: &str = "93d5df06-996c-48c3-9847-348d6b580b80";

fn keys() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../alikassa-client/tests/fixtures/keys/archive")
}

fn alikassa() -> Command {
    let mut c = Command::cargo_bin("alikassa").unwrap();
    for v in [
        "ALIKASSA_ACCOUNT",
        "ALIKASSA_CERT_DIR",
        "ALIKASSA_BASE_URL",
        "ALIKASSA_DIGEST",
        "ALIKASSA_PAYOUT_CERT_DIR",
    ] {
        c.env_remove(v);
    }
    c
}

fn sandbox() -> BlockingSandbox {
    let public = PublicKey::from_pem(&std::fs::read(keys().join("public.pem")).unwrap()).unwrap();
    Sandbox::start_blocking(
        SandboxConfig::new()
            .account(Account::new(ACCOUNT, public))
            .settle_delay(Duration::ZERO),
    )
    .unwrap()
}

fn against(s: &BlockingSandbox) -> Command {
    against_url(s.base_url())
}

fn json_out(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn temp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("alikassa-cli-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    p
}

#[test]
fn services_json_is_the_catalogue() {
    let out = alikassa().args(["services", "--json"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        alikassa_types::catalogue::catalogue_json()
    );
}

#[test]
fn services_table_lists_every_code() {
    let out = alikassa().arg("services").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for s in alikassa_types::catalogue::services() {
        assert!(text.contains(s.code), "{}", s.code);
    }
}

#[test]
fn banks() {
    let out = alikassa()
        .args(["banks", "qr_code_idr_hpp", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let banks = json_out(&out);
    assert_eq!(
        banks[0],
        serde_json::json!({"code": "QRIS", "name": "QRIS"})
    );
    assert_eq!(banks.as_array().unwrap().len(), 6);
    alikassa()
        .args(["banks", "no_such_service"])
        .assert()
        .code(2);
}

#[test]
fn usage_errors_exit_2() {
    alikassa().assert().code(2);
    alikassa().args(["payment", "status"]).assert().code(2);
    alikassa()
        .args(["--digest", "md5", "services"])
        .assert()
        .code(2);
    // No account.
    alikassa()
        .args(["payment", "status", "--order-id", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("account"));
}

#[test]
fn sign_matches_openssl() {
    let body = br#"{"amount":"500.00","order_id":"1","service":"payment_card_sbp_rub_card"}"#;
    for (digest, flag) in [("sha1", "-sha1"), ("sha256", "-sha256")] {
        let out = alikassa()
            .args(["sign", "--digest", digest])
            .arg("--cert-dir")
            .arg(keys())
            .write_stdin(body.to_vec())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ours = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let dir = temp(&format!("sign-{digest}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("body"), body).unwrap();
        let openssl = std::process::Command::new("openssl")
            .args(["dgst", flag, "-sign"])
            .arg(keys().join("private.pem"))
            .arg("-passin")
            .arg(format!("file:{}", keys().join("password.txt").display()))
            .arg(dir.join("body"))
            .output()
            .expect("openssl is required (CI installs it)");
        assert!(openssl.status.success());
        use base64::Engine;
        assert_eq!(
            ours,
            base64::engine::general_purpose::STANDARD.encode(&openssl.stdout),
            "{digest}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
    alikassa()
        .args(["sign", "--cert-dir", "/nonexistent"])
        .write_stdin("x")
        .assert()
        .code(6);
}

#[test]
fn keygen_writes_an_archive_openssl_reads() {
    let dir = temp("keygen");
    alikassa()
        .args(["keygen", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let pem = std::fs::read_to_string(dir.join("private.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let password = std::fs::read(dir.join("password.txt")).unwrap();
    assert!(
        !password.ends_with(b"\n"),
        "no trailing newline, as the provider's archive"
    );
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(dir.join("private.pem"))
        .arg("-passin")
        .arg(format!("file:{}", dir.join("password.txt").display()))
        .output()
        .expect("openssl is required");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(dir.join("public.pem")).unwrap()
    );
    let params = std::process::Command::new("openssl")
        .args(["asn1parse", "-in"])
        .arg(dir.join("private.pem"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&params.stdout);
    assert!(
        text.contains("PBES2") && text.contains("hmacWithSHA256") && text.contains("aes-256-cbc"),
        "{text}"
    );
    // Refuses to overwrite.
    alikassa()
        .args(["keygen", "--out"])
        .arg(&dir)
        .assert()
        .code(2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn payment_create_and_status_against_the_sandbox() {
    let s = sandbox();
    let input = r#"{"service": "payment_card_sbp_rub_card", "amount": "3000.00", "order_id": "cli-1", "customer_ip": "18.191.80.10", "customer_user_id": "u-1"}"#;
    let out = against(&s)
        .args(["payment", "create", "--json", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created = json_out(&out);
    assert_eq!(created["payment_status"], "wait");
    assert_eq!(created["cardNumber"], "79031112233");
    let id = created["id"].as_u64().unwrap();

    let out = against(&s)
        .args([
            "payment",
            "status",
            "--order-id",
            "cli-1",
            "--wait",
            "--max-wait",
            "20",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let details = json_out(&out);
    assert_eq!(details["payment_status"], "paid");
    assert_eq!(details["id"].as_u64(), Some(id));
    assert_eq!(details["amount"], "3000.000000000");

    // The same order_id again: the API refuses it (exit 4).
    against(&s)
        .args(["payment", "create", "--json", "-"])
        .write_stdin(input)
        .assert()
        .code(4)
        .stderr(predicates::str::contains("order_id"));
    // Unknown id: 404 (exit 4).
    against(&s)
        .args(["payment", "status", "--id", "999999999"])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("not found"));
}

#[test]
fn payout_create_from_a_file() {
    let s = sandbox();
    let dir = temp("payout");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("payout.json");
    std::fs::write(&file, r#"{"service": "virtual_account_rub", "amount": 1500, "order_id": 77, "number": "40817120273018899310", "customer_code": "100000000111", "bik_bank": "041351902"}"#).unwrap();
    let out = against(&s)
        .args(["payout", "create", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_out(&out)["payment_status"], "wait");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn invalid_requests_exit_3_and_are_not_sent() {
    let s = sandbox();
    for (input, field) in [
        (
            r#"{"service": "payment_card_sbp_rub_card", "amount": "10.001", "order_id": "x", "customer_ip": "1.2.3.4", "customer_user_id": "u"}"#,
            "amount",
        ),
        (
            r#"{"service": "payment_card_sbp_rub_card", "amount": "10", "order_id": "x", "customer_ip": "1.2.3.4"}"#,
            "customer_user_id",
        ),
        (
            r#"{"service": "payment_card_sbp_rub_card", "amount": "10", "order_id": "x", "customer_ip": "1.2.3.4", "customer_user_id": "u", "notification_url": "typo"}"#,
            "notification_url",
        ),
        (
            r#"{"service": "no_such_service", "amount": "10"}"#,
            "service",
        ),
    ] {
        against(&s)
            .args(["payment", "create", "--json", "-"])
            .write_stdin(input)
            .assert()
            .code(3)
            .stderr(predicates::str::contains(field));
    }
    against(&s)
        .args(["payment", "create", "--json", "-"])
        .write_stdin("{not json")
        .assert()
        .code(2);
    // Nothing reached the sandbox: the order ids are all unused.
    against(&s)
        .args(["payment", "status", "--order-id", "x"])
        .assert()
        .code(4);
}

#[test]
fn transport_failures_exit_5() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    alikassa()
        .args(["--account", ACCOUNT, "--base-url", &url])
        .arg("--cert-dir")
        .arg(keys())
        .args(["payment", "status", "--id", "1"])
        .assert()
        .code(5);
    alikassa()
        .args([
            "--account",
            ACCOUNT,
            "--base-url",
            "http://api-merchant.alikassa.com",
        ])
        .arg("--cert-dir")
        .arg(keys())
        .args(["payment", "status", "--id", "1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("loopback"));
}

#[test]
fn environment_variables_configure_it() {
    let s = sandbox();
    alikassa()
        .env("ALIKASSA_ACCOUNT", ACCOUNT)
        .env("ALIKASSA_CERT_DIR", keys())
        .env("ALIKASSA_BASE_URL", s.base_url())
        .args(["payment", "status", "--order-id", "nothing-here"])
        .assert()
        .code(4);
}

#[test]
fn the_demo_finishes_every_service_with_a_verified_notification() {
    let out = alikassa().arg("demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let services = alikassa_types::catalogue::services();
    for s in services {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{} ", s.code)))
            .unwrap_or_else(|| panic!("no row for {}", s.code));
        assert!(line.trim_end().ends_with("verified"), "{line}");
        assert!(
            ["paid", "fail", "cancel"]
                .iter()
                .any(|st| line.contains(&format!(" {st} "))),
            "{line}"
        );
    }
    assert!(text.contains(&format!(
        "{} services: every one final with a verified notification",
        services.len()
    )));
}

#[test]
fn sandbox_serves_and_prints_its_base_url_and_account() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("alikassa"))
        .args(["--account", ACCOUNT, "sandbox", "--addr", "127.0.0.1:0"])
        .arg("--cert-dir")
        .arg(keys())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap();
    let account = lines.next().unwrap().unwrap();
    assert_eq!(account, format!("account: {ACCOUNT}"));
    let base_url = base.strip_prefix("base_url: ").unwrap().to_string();
    // It answers: a status query for an unknown order is the documented 404.
    against_url(&base_url)
        .args(["payment", "status", "--order-id", "none"])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("Payment not found"));
    child.kill().unwrap();
    let _ = child.wait();
}

fn against_url(url: &str) -> Command {
    let mut c = alikassa();
    c.args(["--account", ACCOUNT, "--base-url", url])
        .arg("--cert-dir")
        .arg(keys());
    c
}
