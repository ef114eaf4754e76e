//! Signatures made by [`RsaSigner`] against the `openssl` command line and Python's
//! `cryptography` (the provider's own sample code).
//!
//! Both tools are required: when one is missing these tests fail (CI installs them).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use alikassa_client::credentials::{PrivateKey, PublicKey};
use alikassa_client::signing::{Digest, RsaSigner, Signer};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
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
            "alikassa-interop-{tag}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run a required external tool; a missing tool is a test failure, not a skip.
fn run(program: &str, args: &[&std::ffi::OsStr], install_hint: &str) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "`{program}` is required by this test and could not be run ({e}); {install_hint}"
            )
        })
}

fn openssl(args: &[&std::ffi::OsStr]) -> Output {
    run(
        "openssl",
        args,
        "install OpenSSL (e.g. `apt-get install openssl`)",
    )
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

/// Request bodies as the client sends them: PHP-`json_encode`-style escapes, non-ASCII,
/// empty, binary, large.
fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "payment",
            br#"{"order_id":"ord-1","amount":"500.00","customer_ip":"127.0.0.1","success_redirect_url":"https:\/\/shop.example\/ok","customer_first_name":"\u0418\u0432\u0430\u043d","service":"payment_card_rub_hpp"}"#.to_vec(),
        ),
        ("empty", Vec::new()),
        ("utf8", "{\"name\":\"Иван Петров\"}".as_bytes().to_vec()),
        ("binary", (0..=255u8).collect()),
        (
            "large",
            (0..100_000u32).map(|i| (i % 251) as u8).collect(),
        ),
    ]
}

fn signer(digest: Digest) -> RsaSigner {
    let key = PrivateKey::from_dir(&fixture("archive")).expect("fixture archive loads");
    RsaSigner::new(key, digest)
}

#[test]
fn openssl_verifies_our_signatures_and_signs_identically() {
    let tmp = TempDir::new("openssl");
    let public = fixture("public.pem");
    let password = fixture("password.txt");
    for digest in [Digest::Sha1, Digest::Sha256] {
        let signer = signer(digest);
        let dgst = format!("-{digest}");
        for (label, body) in bodies() {
            let ours = signer.sign(&body).expect("sign");
            assert_eq!(ours.len(), 256, "RSA-2048 signature length");
            let body_path = tmp.file(&format!("{label}.bin"), &body);
            let sig_path = tmp.file(&format!("{label}-{digest}.sig"), &ours);

            // openssl dgst -sha1 -verify public.pem -signature sig.bin body.bin
            let out = openssl(&[
                os("dgst"),
                os(&dgst),
                os("-verify"),
                public.as_os_str(),
                os("-signature"),
                sig_path.as_os_str(),
                body_path.as_os_str(),
            ]);
            assert!(
                out.status.success()
                    && String::from_utf8_lossy(&out.stdout).contains("Verified OK"),
                "openssl rejected our {digest} signature of {label}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );

            // openssl dgst -sha1 -sign private.pem -passin file:password.txt body.bin,
            // with the key in each encrypted format.
            for key_file in [
                "private-pkcs8-aes256-sha256.pem",
                "private-legacy-des3.pem",
                "private-pkcs1.pem",
            ] {
                let theirs_path = tmp.0.join(format!("{label}-{digest}-openssl.sig"));
                let out = openssl(&[
                    os("dgst"),
                    os(&dgst),
                    os("-sign"),
                    fixture(key_file).as_os_str(),
                    os("-passin"),
                    os(&format!("file:{}", password.display())),
                    os("-out"),
                    theirs_path.as_os_str(),
                    body_path.as_os_str(),
                ]);
                assert!(
                    out.status.success(),
                    "openssl dgst -sign failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let theirs = std::fs::read(&theirs_path).expect("openssl signature");
                assert_eq!(
                    theirs, ours,
                    "{digest} signature of {label} differs from `openssl dgst -sign` with {key_file}"
                );
                // And ours verifies what openssl made.
                signer
                    .public_key()
                    .verify_bytes(digest, &body, &theirs)
                    .expect("openssl's signature verifies with PublicKey");
            }
        }

        // Control: openssl must reject our signature over different bytes and under the
        // other digest, or the checks above prove nothing.
        let body = b"{\"amount\":\"500.00\"}";
        let sig_path = tmp.file("control.sig", &signer.sign(body).expect("sign"));
        let other_body = tmp.file("control.bin", b"{\"amount\":\"500.01\"}");
        let same_body = tmp.file("control-same.bin", body);
        let other_dgst = match digest {
            Digest::Sha1 => "-sha256",
            Digest::Sha256 => "-sha1",
        };
        for (d, b) in [(dgst.as_str(), &other_body), (other_dgst, &same_body)] {
            let out = openssl(&[
                os("dgst"),
                os(d),
                os("-verify"),
                public.as_os_str(),
                os("-signature"),
                sig_path.as_os_str(),
                b.as_os_str(),
            ]);
            assert!(
                !out.status.success(),
                "openssl accepted a signature it should reject ({d})"
            );
        }
    }
}

/// The provider's Python sample, verbatim in its signing steps, plus a verify of our
/// signature with `public.pem`.
const PYTHON_SAMPLE: &str = r#"
import base64, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

key_path, password_path, public_path, digest = sys.argv[1:5]
pairs = sys.argv[5:]
with open(password_path, 'rb') as f:
    password = f.read().strip()
with open(key_path, 'rb') as f:
    private_key = serialization.load_pem_private_key(f.read(), password=password)
with open(public_path, 'rb') as f:
    public_key = serialization.load_pem_public_key(f.read())
hash_alg = {'sha1': hashes.SHA1, 'sha256': hashes.SHA256}[digest]
for i in range(0, len(pairs), 2):
    with open(pairs[i], 'rb') as f:
        data_bytes = f.read()
    signature = private_key.sign(data_bytes, padding.PKCS1v15(), hash_alg())
    sign = base64.b64encode(signature).decode('utf-8')
    public_key.verify(base64.b64decode(pairs[i + 1]), data_bytes, padding.PKCS1v15(), hash_alg())
    print(sign)
"#;

fn require_python_cryptography() {
    let out = run(
        "python3",
        &[os("-c"), os("import cryptography")],
        "install Python 3 (e.g. `apt-get install python3`)",
    );
    assert!(
        out.status.success(),
        "Python's `cryptography` package is required by this test \
         (`pip install cryptography` or `apt-get install python3-cryptography`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn python_cryptography_signs_identically_and_verifies_ours() {
    require_python_cryptography();
    let tmp = TempDir::new("python");
    for key_file in ["archive/private.pem", "private-legacy-aes256.pem"] {
        for digest in [Digest::Sha1, Digest::Sha256] {
            let signer = signer(digest);
            let mut args: Vec<std::ffi::OsString> = vec![
                "-c".into(),
                PYTHON_SAMPLE.into(),
                fixture(key_file).into(),
                // With the trailing newline: the sample's `.strip()` removes it.
                fixture("password.txt").into(),
                fixture("public.pem").into(),
                digest.to_string().into(),
            ];
            let mut ours = Vec::new();
            for (label, body) in bodies() {
                let sign = signer.sign_base64(&body).expect("sign");
                args.push(tmp.file(&format!("{label}.bin"), &body).into());
                args.push(sign.clone().into());
                ours.push(sign);
            }
            let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
            let out = run("python3", &args, "install Python 3");
            assert!(
                out.status.success(),
                "the Python sample failed with {key_file} / {digest} (did it reject our signature?): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let stdout = String::from_utf8(out.stdout).expect("utf-8");
            let theirs: Vec<&str> = stdout.lines().collect();
            assert_eq!(
                theirs, ours,
                "Sign values differ from the Python sample ({key_file}, {digest})"
            );
        }
    }

    // Control: Python must reject a signature over other bytes.
    let signer = signer(Digest::Sha1);
    let body = tmp.file("control.bin", b"{\"amount\":\"500.00\"}");
    let bad = signer
        .sign_base64(b"{\"amount\":\"500.01\"}")
        .expect("sign");
    let out = run(
        "python3",
        &[
            os("-c"),
            os(PYTHON_SAMPLE),
            fixture("archive/private.pem").as_os_str(),
            fixture("password.txt").as_os_str(),
            fixture("public.pem").as_os_str(),
            os("sha1"),
            body.as_os_str(),
            os(&bad),
        ],
        "install Python 3",
    );
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("InvalidSignature"),
        "Python accepted a signature over different bytes"
    );
}

#[test]
fn our_verify_accepts_openssl_and_rejects_tampering() {
    let public = PublicKey::from_file(&fixture("public.pem")).expect("public.pem");
    let signer = signer(Digest::Sha1);
    let body = b"{\"order_id\":\"x\"}";
    let sign = signer.sign_base64(body).expect("sign");
    public.verify(Digest::Sha1, body, &sign).expect("verifies");
    assert!(public.verify(Digest::Sha256, body, &sign).is_err());
    assert!(public
        .verify(Digest::Sha1, b"{\"order_id\":\"y\"}", &sign)
        .is_err());
    assert!(public.verify(Digest::Sha1, body, "not base64!").is_err());
    let mut raw = signer.sign(body).expect("sign");
    raw[100] ^= 1;
    assert!(public.verify_bytes(Digest::Sha1, body, &raw).is_err());
}
