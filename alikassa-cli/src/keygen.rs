//! `alikassa keygen`: a key set shaped like the provider's archive: `private.pem`
//! (PKCS#8 `ENCRYPTED PRIVATE KEY`, PBES2 PBKDF2-HMAC-SHA256 2048 iterations +
//! AES-256-CBC, as current archives), `password.txt` (no trailing newline: the PHP
//! sample passes the file's bytes unchanged), `public.pem`.

use std::path::{Path, PathBuf};

use pkcs8::pkcs5::pbes2;
use pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding, PrivateKeyInfo};
use rand_core::{OsRng, RngCore};

use crate::failure::{Failure, Kind};

/// The files written.
pub struct KeySet {
    pub private_pem: PathBuf,
    pub password: PathBuf,
    pub public_pem: PathBuf,
}

fn internal(what: &str) -> impl Fn(String) -> Failure + '_ {
    move |e| Failure::new(Kind::Internal, format!("{what}: {e}"))
}

/// Generates an RSA-2048 key and writes the three files into `dir` (created if
/// needed; existing key files are not overwritten).
pub fn write_key_set(dir: &Path) -> Result<KeySet, Failure> {
    let set = KeySet {
        private_pem: dir.join("private.pem"),
        password: dir.join("password.txt"),
        public_pem: dir.join("public.pem"),
    };
    for p in [&set.private_pem, &set.password, &set.public_pem] {
        if p.exists() {
            return Err(Failure::usage(format!(
                "{} exists; choose an empty directory",
                p.display()
            )));
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", dir.display())))?;

    let key = rsa::RsaPrivateKey::new(&mut OsRng, 2048)
        .map_err(|e| internal("key generation")(e.to_string()))?;
    let mut random = [0u8; 56];
    OsRng.fill_bytes(&mut random);
    let password: String = random[..24]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let (salt, iv) = random[24..].split_at(16);
    let iv: [u8; 16] = iv
        .try_into()
        .map_err(|_| internal("iv")("wrong length".into()))?;

    let der = key
        .to_pkcs8_der()
        .map_err(|e| internal("PKCS#8 encoding")(e.to_string()))?;
    let info = PrivateKeyInfo::try_from(der.as_bytes())
        .map_err(|e| internal("PKCS#8 encoding")(e.to_string()))?;
    let params = pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, salt, &iv)
        .map_err(|e| internal("PBES2 parameters")(e.to_string()))?;
    let encrypted = info
        .encrypt_with_params(params, password.as_bytes())
        .map_err(|e| internal("encryption")(e.to_string()))?;
    let pem = encrypted
        .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
        .map_err(|e| internal("PEM encoding")(e.to_string()))?;
    let public = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| internal("public key encoding")(e.to_string()))?;

    write_private(&set.private_pem, pem.as_bytes())?;
    write_private(&set.password, password.as_bytes())?;
    std::fs::write(&set.public_pem, public)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", set.public_pem.display())))?;
    Ok(set)
}

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

/// Writes a secret readable by its owner only (on Unix).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::usage(format!("cannot write {}: {e}", path.display()));
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
        f.write_all(bytes).map_err(fail)
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, bytes).map_err(fail)
    }
}

/// A fresh RSA-2048 key that never leaves the process (the sandbox's notification key
/// in `alikassa sandbox` and `alikassa demo`).
pub fn in_memory_key() -> Result<alikassa_client::PrivateKey, Failure> {
    let key = rsa::RsaPrivateKey::new(&mut OsRng, 2048)
        .map_err(|e| internal("key generation")(e.to_string()))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| internal("PKCS#8 encoding")(e.to_string()))?;
    alikassa_client::PrivateKey::from_pem(pem.as_bytes(), None)
        .map_err(|e| internal("key loading")(e.to_string()))
}
