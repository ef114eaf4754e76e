//! Loading the key fixtures (made once with `openssl`, see
//! `tests/fixtures/keys/README.md`) in every supported format, and the error for each
//! kind of bad input.

use std::path::{Path, PathBuf};

use alikassa_client::credentials::{CredentialError, KeyFormat, PrivateKey, PublicKey};
use alikassa_client::signing::{Digest, RsaSigner, Signer};

/// The fixtures' password (also in `password-no-newline.txt`; `password.txt` has a
/// trailing newline).
const PASSWORD: &str = "k3y-Fixture-pw-7Qm2";
const WRONG: &str = "not-the-Fixture-pw-42";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    let path = fixture(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "alikassa-keys-{tag}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.0.join(name), bytes).expect("write temp file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every supported fixture: file, whether it needs the password, its format, and a
/// line its header must contain (so a mis-generated fixture cannot pass unnoticed).
const SUPPORTED: &[(&str, KeyFormat, &str)] = &[
    (
        "private-pkcs8-aes256-sha256.pem",
        KeyFormat::EncryptedPkcs8,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----",
    ),
    (
        "private-pkcs8-aes128-sha1.pem",
        KeyFormat::EncryptedPkcs8,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----",
    ),
    (
        "private-pkcs8-des3.pem",
        KeyFormat::EncryptedPkcs8,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----",
    ),
    (
        "private-legacy-aes128.pem",
        KeyFormat::LegacyEncryptedPkcs1,
        "DEK-Info: AES-128-CBC,",
    ),
    (
        "private-legacy-aes192.pem",
        KeyFormat::LegacyEncryptedPkcs1,
        "DEK-Info: AES-192-CBC,",
    ),
    (
        "private-legacy-aes256.pem",
        KeyFormat::LegacyEncryptedPkcs1,
        "DEK-Info: AES-256-CBC,",
    ),
    (
        "private-legacy-des3.pem",
        KeyFormat::LegacyEncryptedPkcs1,
        "DEK-Info: DES-EDE3-CBC,",
    ),
    (
        "private-pkcs1.pem",
        KeyFormat::Pkcs1,
        "-----BEGIN RSA PRIVATE KEY-----",
    ),
    (
        "private-pkcs8.pem",
        KeyFormat::Pkcs8,
        "-----BEGIN PRIVATE KEY-----",
    ),
];

fn encrypted() -> impl Iterator<Item = &'static (&'static str, KeyFormat, &'static str)> {
    SUPPORTED.iter().filter(|(_, f, _)| f.is_encrypted())
}

/// Neither the password nor any piece of key material may appear in an error.
fn assert_clean(err: &CredentialError, key_file: Option<&str>) {
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        texts.push(s.to_string());
        source = s.source();
    }
    let mut secrets: Vec<String> = vec![PASSWORD.to_owned(), WRONG.to_owned()];
    if let Some(name) = key_file {
        let pem = String::from_utf8_lossy(&read(name)).into_owned();
        for line in pem
            .lines()
            .filter(|l| !l.starts_with("-----") && !l.contains(':'))
        {
            // Any 12-character run of the base64 body would be key material.
            let chars: Vec<char> = line.chars().collect();
            for w in chars.windows(12).step_by(6) {
                secrets.push(w.iter().collect());
            }
        }
    }
    for text in &texts {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "error text leaks {secret:?}: {text}"
            );
        }
    }
}

fn load(name: &str, password: Option<&str>) -> Result<PrivateKey, CredentialError> {
    PrivateKey::from_pem(&read(name), password.map(str::as_bytes))
}

#[test]
fn every_supported_format_loads_the_same_key() {
    let public_pem = String::from_utf8(read("public.pem")).expect("public.pem is text");
    let public = PublicKey::from_pem(public_pem.as_bytes()).expect("public.pem");
    let body = br#"{"order_id":"fixture-1","amount":"500.00"}"#;
    let mut reference_sig: Option<Vec<u8>> = None;
    for &(name, format, header) in SUPPORTED {
        let text = String::from_utf8(read(name)).expect("fixture is text");
        assert!(text.contains(header), "{name} should contain {header:?}");

        let passwords: &[Option<&str>] = if format.is_encrypted() {
            &[
                Some(PASSWORD),
                Some("k3y-Fixture-pw-7Qm2\n"),
                Some("k3y-Fixture-pw-7Qm2\r\n"),
            ]
        } else {
            // The password is ignored for an unencrypted key.
            &[None, Some(PASSWORD)]
        };
        for &password in passwords {
            let key = load(name, password)
                .unwrap_or_else(|e| panic!("{name} with {password:?} should load: {e}"));
            assert_eq!(key.format(), format, "{name}");
            assert_eq!(key.bits(), 2048, "{name}");
            assert_eq!(
                key.public_key_pem(),
                public_pem,
                "{name}: public key differs"
            );
            assert_eq!(key.public_key(), public, "{name}");
            assert_eq!(
                format!("{key:?}"),
                format!("PrivateKey {{ bits: 2048, format: {format:?}, .. }}")
            );

            let sig = RsaSigner::new(key, Digest::Sha1).sign(body).expect("sign");
            match &reference_sig {
                None => reference_sig = Some(sig),
                Some(r) => assert_eq!(&sig, r, "{name}: signature differs"),
            }
        }
    }
}

#[test]
fn password_files_with_and_without_newline() {
    let key = read("private-pkcs8-aes256-sha256.pem");
    for file in ["password.txt", "password-no-newline.txt"] {
        let pw = read(file);
        PrivateKey::from_pem(&key, Some(&pw)).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    assert!(read("password.txt").ends_with(b"\n"));
    assert!(!read("password-no-newline.txt").ends_with(b"\n"));
}

#[test]
fn from_dir_reads_the_archive_layout() {
    let key = PrivateKey::from_dir(&fixture("archive")).expect("archive");
    assert_eq!(key.format(), KeyFormat::EncryptedPkcs8);
    assert_eq!(key.public_key_pem().as_bytes(), read("archive/public.pem"));

    // password.txt ending in "\n" and "\r\n", for every encrypted format.
    for &(name, format, _) in encrypted() {
        for ending in ["\n", "\r\n", ""] {
            let dir = TempDir::new("newline");
            dir.write("private.pem", &read(name));
            dir.write("password.txt", format!("{PASSWORD}{ending}").as_bytes());
            let key = PrivateKey::from_dir(&dir.0)
                .unwrap_or_else(|e| panic!("{name} with ending {ending:?}: {e}"));
            assert_eq!(key.format(), format);
        }
    }

    // An unencrypted key needs no password.txt.
    let dir = TempDir::new("plain");
    dir.write("private.pem", &read("private-pkcs1.pem"));
    assert_eq!(
        PrivateKey::from_dir(&dir.0).expect("plain").format(),
        KeyFormat::Pkcs1
    );
}

#[test]
fn from_dir_errors_name_the_file() {
    let dir = TempDir::new("missing");
    let err = PrivateKey::from_dir(&dir.0).expect_err("no private.pem");
    match &err {
        CredentialError::Io { path, source } => {
            assert_eq!(path, &dir.0.join("private.pem"));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(err
        .to_string()
        .contains(&*dir.0.join("private.pem").to_string_lossy()));

    // Encrypted key and no password.txt.
    dir.write("private.pem", &read("private-legacy-aes256.pem"));
    let err = PrivateKey::from_dir(&dir.0).expect_err("no password.txt");
    match &err {
        CredentialError::PasswordRequired {
            format: KeyFormat::LegacyEncryptedPkcs1,
            password_file: Some(p),
        } => assert_eq!(p, &dir.0.join("password.txt")),
        other => panic!("expected PasswordRequired, got {other:?}"),
    }
    assert!(err.to_string().contains("password.txt"), "{err}");

    // password.txt that cannot be read (a directory).
    std::fs::create_dir(dir.0.join("password.txt")).expect("mkdir");
    match PrivateKey::from_dir(&dir.0) {
        Err(CredentialError::Io { path, .. }) => assert_eq!(path, dir.0.join("password.txt")),
        other => panic!("expected Io for password.txt, got {other:?}"),
    }

    // Wrong password in password.txt.
    let dir = TempDir::new("wrong");
    dir.write("private.pem", &read("private-pkcs8-aes256-sha256.pem"));
    dir.write("password.txt", format!("{WRONG}\n").as_bytes());
    let err = PrivateKey::from_dir(&dir.0).expect_err("wrong password");
    assert!(
        matches!(err, CredentialError::WrongPassword { .. }),
        "{err:?}"
    );
    assert_clean(&err, Some("private-pkcs8-aes256-sha256.pem"));
}

#[test]
fn wrong_password_for_every_encrypted_format() {
    for &(name, format, _) in encrypted() {
        for wrong in [WRONG, "", "k3y-Fixture-pw-7Qm", "K3Y-FIXTURE-PW-7QM2"] {
            let err = load(name, Some(wrong)).expect_err(name);
            match &err {
                CredentialError::WrongPassword { format: f } => assert_eq!(*f, format, "{name}"),
                other => panic!("{name} with {wrong:?}: expected WrongPassword, got {other:?}"),
            }
            assert_clean(&err, Some(name));
            assert!(err.to_string().contains("wrong password"), "{err}");
        }
    }
}

/// A wrong password yields valid-looking padding about once in 256 tries; among a
/// few thousand passwords some do, and they must still come out as a wrong password.
#[test]
fn many_wrong_passwords_are_all_wrong_password() {
    let legacy = read("private-legacy-aes128.pem");
    let legacy3 = read("private-legacy-des3.pem");
    for i in 0..3000 {
        let pw = format!("wrong-{i}");
        for pem in [&legacy, &legacy3] {
            match PrivateKey::from_pem(pem, Some(pw.as_bytes())) {
                Err(CredentialError::WrongPassword { .. }) => {}
                other => panic!("legacy key with {pw:?}: expected WrongPassword, got {other:?}"),
            }
        }
    }
    let pkcs8 = read("private-pkcs8-aes128-sha1.pem");
    for i in 0..600 {
        let pw = format!("wrong-{i}");
        match PrivateKey::from_pem(&pkcs8, Some(pw.as_bytes())) {
            Err(CredentialError::WrongPassword { .. }) => {}
            other => panic!("pkcs8 key with {pw:?}: expected WrongPassword, got {other:?}"),
        }
    }
}

#[test]
fn encrypted_key_without_password() {
    for &(name, format, _) in encrypted() {
        match load(name, None) {
            Err(CredentialError::PasswordRequired {
                format: f,
                password_file: None,
            }) => assert_eq!(f, format),
            other => panic!("{name}: expected PasswordRequired, got {other:?}"),
        }
    }
}

#[test]
fn pbes1_is_unsupported_and_names_the_algorithm() {
    let name = "private-pkcs8-pbes1-sha1-3des.pem";
    // Reported before a password is needed, and with the right password too.
    for password in [None, Some(PASSWORD)] {
        let err = load(name, password).expect_err("PBES1");
        match &err {
            CredentialError::UnsupportedAlgorithm { algorithm, .. } => {
                assert_eq!(algorithm, "pbeWithSHA1And3-KeyTripleDES-CBC")
            }
            other => panic!("expected UnsupportedAlgorithm, got {other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains("pbeWithSHA1And3-KeyTripleDES-CBC"), "{text}");
        assert!(
            text.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256"),
            "{text}"
        );
        assert_clean(&err, Some(name));
    }
}

#[test]
fn ec_keys_are_not_rsa() {
    for name in ["ec-sec1.pem", "ec-pkcs8.pem"] {
        let err = load(name, None).expect_err(name);
        match &err {
            CredentialError::NotRsa { found } => {
                assert!(
                    found.contains("EC") && found.contains("P-256"),
                    "{name}: {found}"
                )
            }
            other => panic!("{name}: expected NotRsa, got {other:?}"),
        }
        assert_clean(&err, Some(name));
    }
    match PublicKey::from_pem(&read("ec-public.pem")) {
        Err(CredentialError::NotRsa { found }) => assert!(found.contains("P-256"), "{found}"),
        other => panic!("ec-public.pem: expected NotRsa, got {other:?}"),
    }
}

#[test]
fn truncated_and_damaged_files_are_malformed() {
    let err = load("truncated.pem", Some(PASSWORD)).expect_err("truncated");
    match &err {
        CredentialError::Malformed { detail } => assert!(detail.contains("truncated"), "{detail}"),
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert_clean(&err, Some("private-pkcs8-aes256-sha256.pem"));

    // Valid armour around a DER cut short (whole base64 lines removed).
    for (name, password) in [
        ("private-pkcs8.pem", None),
        ("private-pkcs1.pem", None),
        ("private-pkcs8-aes256-sha256.pem", Some(PASSWORD)),
        ("private-legacy-aes256.pem", Some(PASSWORD)),
        ("private-legacy-des3.pem", Some(PASSWORD)),
        ("public.pem", None),
    ] {
        let text = String::from_utf8(read(name)).expect("text");
        let lines: Vec<&str> = text.lines().collect();
        let end = lines.len() - 1;
        let mut cut: Vec<&str> = lines[..end - 4].to_vec();
        cut.push(lines[end]);
        let cut = cut.join("\n");
        let err = if name == "public.pem" {
            let mut cut2: Vec<&str> = lines[..end - 2].to_vec();
            cut2.push(lines[end]);
            PublicKey::from_pem(cut2.join("\n").as_bytes()).expect_err(name)
        } else {
            load_bytes(cut.as_bytes(), password).expect_err(name)
        };
        assert!(
            matches!(err, CredentialError::Malformed { .. }),
            "{name} cut short: expected Malformed, got {err:?}"
        );
        assert_clean(&err, Some(name));
    }

    // A legacy key cut on a block boundary under a *wrong* password is still a wrong
    // password (the format cannot tell more).
    let text = String::from_utf8(read("private-legacy-aes128.pem")).expect("text");
    let lines: Vec<&str> = text.lines().collect();
    let mut cut: Vec<&str> = lines[..lines.len() - 5].to_vec();
    cut.push(lines[lines.len() - 1]);
    assert!(matches!(
        load_bytes(cut.join("\n").as_bytes(), Some(WRONG)),
        Err(CredentialError::WrongPassword { .. })
    ));

    for junk in [
        &b""[..],
        b"hello",
        b"\x30\x82\x04\xa4\x02\x01",
        b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
    ] {
        assert!(
            matches!(
                load_bytes(junk, None),
                Err(CredentialError::Malformed { .. })
            ),
            "{junk:?}"
        );
    }
}

fn load_bytes(pem: &[u8], password: Option<&str>) -> Result<PrivateKey, CredentialError> {
    PrivateKey::from_pem(pem, password.map(str::as_bytes))
}

#[test]
fn wrong_kind_of_pem_is_unexpected() {
    match load("public.pem", None) {
        Err(CredentialError::UnexpectedPem { found, .. }) => assert!(found.contains("PUBLIC KEY")),
        other => panic!("expected UnexpectedPem, got {other:?}"),
    }
    match PublicKey::from_pem(&read("private-pkcs8.pem")) {
        Err(CredentialError::UnexpectedPem { hint: Some(h), .. }) => assert!(h.contains("pubout")),
        other => panic!("expected UnexpectedPem, got {other:?}"),
    }
}

#[test]
fn public_key_formats_agree() {
    let spki = PublicKey::from_pem(&read("public.pem")).expect("spki");
    let pkcs1 = PublicKey::from_pem(&read("public-pkcs1.pem")).expect("pkcs1");
    assert_eq!(spki, pkcs1);
    assert_eq!(spki.bits(), 2048);
    assert_eq!(pkcs1.to_pem().as_bytes(), read("public.pem"));
    assert_eq!(format!("{spki:?}"), "PublicKey { bits: 2048, .. }");
    let from_file = PublicKey::from_file(&fixture("public.pem")).expect("file");
    assert_eq!(from_file, spki);
}

#[test]
fn signer_debug_hides_the_key() {
    let signer = RsaSigner::new(
        load("private-pkcs1.pem", None).expect("key"),
        Digest::Sha256,
    );
    let debug = format!("{signer:?}");
    assert_eq!(
        debug,
        "RsaSigner { key: PrivateKey { bits: 2048, format: Pkcs1, .. }, digest: Sha256 }"
    );
}
