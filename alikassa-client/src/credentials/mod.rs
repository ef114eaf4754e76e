//! Loading the merchant's RSA keys.
//!
//! AliKassa hands out an archive with `private.pem`, `password.txt` and `public.pem`.
//! [`PrivateKey`] reads every format those archives have used:
//!
//! | PEM label                | Encryption                                                      |
//! |--------------------------|-----------------------------------------------------------------|
//! | `ENCRYPTED PRIVATE KEY`  | PKCS#8 PBES2: PBKDF2 (HMAC-SHA1/SHA-2) or scrypt, AES-128/192/256-CBC or DES-EDE3-CBC |
//! | `RSA PRIVATE KEY`        | legacy `Proc-Type: 4,ENCRYPTED` / `DEK-Info`: AES-128/192/256-CBC, DES-EDE3-CBC |
//! | `RSA PRIVATE KEY`        | none (PKCS#1)                                                   |
//! | `PRIVATE KEY`            | none (PKCS#8)                                                   |
//!
//! The key is parsed and decrypted once; password bytes and decrypted DER are zeroized.
//! PKCS#8 PBES1 (`pbeWithSHA1And3-KeyTripleDES-CBC`, OpenSSL 1.0's `-topk8` default)
//! is rejected with [`CredentialError::UnsupportedAlgorithm`], whose message gives the
//! [`CONVERT_COMMAND`] that rewrites the key as PBES2.
//!
//! [`PublicKey`] reads `public.pem` and verifies signatures (notifications, sandbox).

mod legacy_pem;
mod oids;
mod pem;
mod pkcs8_key;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs8::{DecodePublicKey as _, EncodePublicKey as _, LineEnding};
use rsa::traits::PublicKeyParts as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use zeroize::Zeroizing;

use crate::signing::{Digest, SignatureError};

/// File name of the private key in a certificate directory.
pub const PRIVATE_KEY_FILE: &str = "private.pem";
/// File name of the private key's password in a certificate directory.
pub const PASSWORD_FILE: &str = "password.txt";
/// File name of the public key in a certificate directory.
pub const PUBLIC_KEY_FILE: &str = "public.pem";

/// The `openssl` command that rewrites a key this crate cannot decrypt (PBES1, an
/// exotic cipher) as PKCS#8 PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC.
pub const CONVERT_COMMAND: &str =
    "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in private.pem -out private-new.pem";

/// How a private key was stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFormat {
    /// PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2); the provider's current archives.
    EncryptedPkcs8,
    /// Legacy OpenSSL `RSA PRIVATE KEY` with `Proc-Type: 4,ENCRYPTED` and `DEK-Info`.
    LegacyEncryptedPkcs1,
    /// Unencrypted PKCS#8 `PRIVATE KEY`.
    Pkcs8,
    /// Unencrypted PKCS#1 `RSA PRIVATE KEY`.
    Pkcs1,
}

impl KeyFormat {
    /// Whether a password is needed to read this format.
    pub fn is_encrypted(self) -> bool {
        matches!(self, Self::EncryptedPkcs8 | Self::LegacyEncryptedPkcs1)
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EncryptedPkcs8 => "PKCS#8 `ENCRYPTED PRIVATE KEY`",
            Self::LegacyEncryptedPkcs1 => "legacy encrypted `RSA PRIVATE KEY` (DEK-Info)",
            Self::Pkcs8 => "PKCS#8 `PRIVATE KEY`",
            Self::Pkcs1 => "PKCS#1 `RSA PRIVATE KEY`",
        })
    }
}

/// Why a key could not be loaded. Messages never contain the password or key material.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialError {
    /// A key or password file is missing or unreadable.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The password does not decrypt the key.
    WrongPassword {
        /// The key's format.
        format: KeyFormat,
    },
    /// The key is encrypted and no password was given.
    PasswordRequired {
        /// The key's format.
        format: KeyFormat,
        /// The password file that was looked for, when loading from a directory.
        password_file: Option<PathBuf>,
    },
    /// The PEM or DER data is truncated or damaged.
    Malformed {
        /// What is wrong (never the data itself).
        detail: String,
    },
    /// The key is not an RSA key (e.g. an EC key).
    NotRsa {
        /// What was found, e.g. "an EC key (curve P-256)".
        found: String,
    },
    /// The key is encrypted with an algorithm this crate does not implement.
    UnsupportedAlgorithm {
        /// The algorithm's name, e.g. `pbeWithSHA1And3-KeyTripleDES-CBC`.
        algorithm: String,
        /// Context, e.g. " (PKCS#12 PBE, i.e. PKCS#8 PBES1: ...)"; may be empty.
        detail: String,
    },
    /// The PEM data holds something other than the expected kind of key.
    UnexpectedPem {
        /// What was expected, e.g. "a private key".
        expected: &'static str,
        /// The PEM labels found, e.g. "`CERTIFICATE`".
        found: String,
        /// How to get the right thing, when known.
        hint: Option<&'static str>,
    },
    /// The key decodes but is not a valid RSA key.
    InvalidKey {
        /// What is wrong.
        detail: String,
    },
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "cannot read `{}`: {source}", path.display()),
            Self::WrongPassword { format } => {
                write!(f, "wrong password for the {format} private key")
            }
            Self::PasswordRequired {
                format,
                password_file,
            } => {
                write!(
                    f,
                    "the {format} private key is encrypted but no password was given{}",
                    missing_file_note(password_file.as_deref())
                )
            }
            Self::Malformed { detail } => write!(f, "malformed key data: {detail}"),
            Self::NotRsa { found } => {
                write!(f, "not an RSA key: found {found}; AliKassa keys are RSA")
            }
            Self::UnsupportedAlgorithm { algorithm, detail } => {
                write!(f, "unsupported key encryption algorithm `{algorithm}`{detail}; convert the key with: {CONVERT_COMMAND}")
            }
            Self::UnexpectedPem {
                expected,
                found,
                hint,
            } => write!(f, "expected {expected}, found {found}{}", hint_note(hint)),
            Self::InvalidKey { detail } => write!(f, "invalid RSA key: {detail}"),
        }
    }
}

impl std::error::Error for CredentialError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl CredentialError {
    pub(crate) fn malformed(detail: String) -> Self {
        Self::Malformed { detail }
    }
}

fn missing_file_note(path: Option<&Path>) -> String {
    path.map(|p| format!(" (`{}` does not exist)", p.display()))
        .unwrap_or_default()
}

fn hint_note(hint: &Option<&'static str>) -> String {
    hint.map(|h| format!("; {h}")).unwrap_or_default()
}

/// The merchant's RSA private key, parsed and decrypted once.
///
/// `Debug` shows the key size only.
///
/// ```
/// use alikassa_client::credentials::PrivateKey;
///
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/archive");
/// let key = PrivateKey::from_dir(std::path::Path::new(dir))?;
/// assert_eq!(key.bits(), 2048);
/// assert_eq!(format!("{key:?}"), "PrivateKey { bits: 2048, format: EncryptedPkcs8, .. }");
/// # Ok::<(), alikassa_client::credentials::CredentialError>(())
/// ```
#[derive(Clone)]
pub struct PrivateKey {
    // Shared: clones (one per signer) do not copy the key material, and the last one
    // dropped zeroizes it (`RsaPrivateKey` is `ZeroizeOnDrop`).
    key: Arc<RsaPrivateKey>,
    format: KeyFormat,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.bits())
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Parse (and decrypt) a PEM private key.
    ///
    /// `password` is ignored for an unencrypted key. It is tried as given, then with
    /// trailing `\r`/`\n` removed, then with surrounding ASCII whitespace removed (what
    /// the provider's Python sample's `password.strip()` does), so the bytes of a
    /// `password.txt` ending in a newline work.
    ///
    /// ```
    /// use alikassa_client::credentials::PrivateKey;
    ///
    /// let pem = include_bytes!(concat!(
    ///     env!("CARGO_MANIFEST_DIR"),
    ///     "/tests/fixtures/keys/private-legacy-aes256.pem"
    /// ));
    /// let key = PrivateKey::from_pem(pem, Some(b"k3y-Fixture-pw-7Qm2\n"))?;
    /// assert!(key.public_key_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
    /// # Ok::<(), alikassa_client::credentials::CredentialError>(())
    /// ```
    pub fn from_pem(pem: &[u8], password: Option<&[u8]>) -> Result<Self, CredentialError> {
        let blocks = pem::parse(pem)?;
        let Some(block) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) else {
            return Err(CredentialError::UnexpectedPem {
                expected:
                    "a private key (`ENCRYPTED PRIVATE KEY`, `RSA PRIVATE KEY` or `PRIVATE KEY`)",
                found: labels(&blocks),
                hint: None,
            });
        };
        let (key, format) =
            match block.label.as_str() {
                "ENCRYPTED PRIVATE KEY" => {
                    let info = pkcs8_key::prepare_encrypted(&block.der)?;
                    let format = KeyFormat::EncryptedPkcs8;
                    let key = with_password(password, format, |pw| pkcs8_key::decrypt(&info, pw))?;
                    (key, format)
                }
                "PRIVATE KEY" => (pkcs8_key::parse_plain(&block.der)?, KeyFormat::Pkcs8),
                "RSA PRIVATE KEY" => match legacy_pem::prepare(block)? {
                    Some(encrypted) => {
                        let format = KeyFormat::LegacyEncryptedPkcs1;
                        let key = with_password(password, format, |pw| encrypted.decrypt(pw))?;
                        (key, format)
                    }
                    None => (parse_pkcs1(&block.der)?, KeyFormat::Pkcs1),
                },
                "EC PRIVATE KEY" => {
                    let curve = pkcs8_key::sec1_curve(&block.der)
                        .map(|c| format!(" (curve {c})"))
                        .unwrap_or_default();
                    return Err(CredentialError::NotRsa {
                        found: format!("an EC key{curve} (SEC1 `EC PRIVATE KEY`)"),
                    });
                }
                "DSA PRIVATE KEY" => {
                    return Err(CredentialError::NotRsa {
                        found: "a DSA key (`DSA PRIVATE KEY`)".to_owned(),
                    })
                }
                "OPENSSH PRIVATE KEY" => return Err(CredentialError::UnexpectedPem {
                    expected: "a PEM private key",
                    found: "an OpenSSH-format key (`OPENSSH PRIVATE KEY`)".to_owned(),
                    hint: Some(
                        "convert it with `ssh-keygen -p -m PKCS8 -f <file>` (rewrites the file)",
                    ),
                }),
                other => {
                    return Err(CredentialError::UnexpectedPem {
                        expected: "an RSA private key",
                        found: format!("`{other}`"),
                        hint: None,
                    })
                }
            };
        Ok(Self {
            key: Arc::new(key),
            format,
        })
    }

    /// Read `private.pem` (and `password.txt`, if present) from a directory holding
    /// the unpacked AliKassa certificate archive.
    ///
    /// `password.txt` may be absent when the key is not encrypted, and may end in a
    /// newline (see [`from_pem`](Self::from_pem)).
    ///
    /// ```
    /// use alikassa_client::credentials::{CredentialError, PrivateKey};
    ///
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/archive");
    /// let key = PrivateKey::from_dir(std::path::Path::new(dir))?;
    /// assert_eq!(key.bits(), 2048);
    ///
    /// let err = PrivateKey::from_dir(std::path::Path::new("/no/such/dir")).unwrap_err();
    /// assert!(matches!(err, CredentialError::Io { .. }));
    /// assert!(err.to_string().contains("/no/such/dir/private.pem"));
    /// # Ok::<(), CredentialError>(())
    /// ```
    pub fn from_dir(dir: &Path) -> Result<Self, CredentialError> {
        let key_path = dir.join(PRIVATE_KEY_FILE);
        let pem = read(&key_path)?;
        let password_path = dir.join(PASSWORD_FILE);
        let password = match std::fs::read(&password_path) {
            Ok(bytes) => Some(Zeroizing::new(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(CredentialError::Io {
                    path: password_path,
                    source,
                })
            }
        };
        Self::from_pem(&pem, password.as_ref().map(|p| p.as_slice())).map_err(|e| match e {
            CredentialError::PasswordRequired { format, .. } => CredentialError::PasswordRequired {
                format,
                password_file: Some(password_path),
            },
            other => other,
        })
    }

    /// Read a PEM private key file; see [`from_pem`](Self::from_pem).
    ///
    /// ```
    /// use alikassa_client::credentials::PrivateKey;
    ///
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/private-pkcs1.pem");
    /// let key = PrivateKey::from_file(std::path::Path::new(path), None)?;
    /// assert_eq!(key.bits(), 2048);
    /// # Ok::<(), alikassa_client::credentials::CredentialError>(())
    /// ```
    pub fn from_file(path: &Path, password: Option<&[u8]>) -> Result<Self, CredentialError> {
        Self::from_pem(&read(path)?, password)
    }

    /// The matching public key as a `-----BEGIN PUBLIC KEY-----` (SPKI) PEM string,
    /// LF line endings; the same text as `openssl pkey -pubout` writes.
    pub fn public_key_pem(&self) -> String {
        self.public_key().to_pem()
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.to_public_key())
    }

    /// The modulus size in bits (2048 for the provider's keys).
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }

    /// How the key was stored.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// The parsed key, for the signing backend.
    pub(crate) fn rsa(&self) -> &RsaPrivateKey {
        &self.key
    }
}

/// An RSA public key, e.g. the merchant's `public.pem`, for verifying `Sign` values.
///
/// ```
/// use alikassa_client::credentials::{PrivateKey, PublicKey};
/// use alikassa_client::signing::{Digest, RsaSigner, Signer};
///
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/archive");
/// let public = PublicKey::from_pem(&std::fs::read(format!("{dir}/public.pem"))?)?;
/// let signer = RsaSigner::new(PrivateKey::from_dir(dir.as_ref())?, Digest::Sha1);
/// let sign = signer.sign_base64(b"{\"amount\":\"500.00\"}")?;
/// public.verify(Digest::Sha1, b"{\"amount\":\"500.00\"}", &sign)?;
/// assert!(public.verify(Digest::Sha1, b"{\"amount\":\"501.00\"}", &sign).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(RsaPublicKey);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    /// Parse a `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1) PEM document.
    ///
    /// ```
    /// use alikassa_client::credentials::PublicKey;
    ///
    /// let spki = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/public.pem"));
    /// let pkcs1 = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/public-pkcs1.pem"));
    /// assert_eq!(PublicKey::from_pem(spki)?, PublicKey::from_pem(pkcs1)?);
    /// # Ok::<(), alikassa_client::credentials::CredentialError>(())
    /// ```
    pub fn from_pem(pem: &[u8]) -> Result<Self, CredentialError> {
        let blocks = pem::parse(pem)?;
        if let Some(block) = blocks.iter().find(|b| b.label == "PUBLIC KEY") {
            let spki =
                pkcs8::SubjectPublicKeyInfoRef::try_from(block.der.as_slice()).map_err(|e| {
                    CredentialError::malformed(format!("the `PUBLIC KEY` is not valid DER: {e}"))
                })?;
            if spki.algorithm.oid != oids::RSA_ENCRYPTION {
                return Err(CredentialError::NotRsa {
                    found: pkcs8_key::describe_algorithm(&spki.algorithm),
                });
            }
            return RsaPublicKey::from_public_key_der(&block.der)
                .map(Self)
                .map_err(|e| CredentialError::InvalidKey {
                    detail: e.to_string(),
                });
        }
        if let Some(block) = blocks.iter().find(|b| b.label == "RSA PUBLIC KEY") {
            return RsaPublicKey::from_pkcs1_der(&block.der)
                .map(Self)
                .map_err(|e| {
                    CredentialError::malformed(format!("the `RSA PUBLIC KEY` is not valid: {e}"))
                });
        }
        let hint = if blocks.iter().any(|b| b.label == "CERTIFICATE") {
            Some("extract the key with `openssl x509 -in cert.pem -pubkey -noout`")
        } else if blocks.iter().any(|b| b.label.ends_with("PRIVATE KEY")) {
            Some("this is a private key; `openssl pkey -in private.pem -pubout` prints its public key")
        } else {
            None
        };
        Err(CredentialError::UnexpectedPem {
            expected: "a public key (`PUBLIC KEY` or `RSA PUBLIC KEY`)",
            found: labels(&blocks),
            hint,
        })
    }

    /// Read a PEM public key file; see [`from_pem`](Self::from_pem).
    pub fn from_file(path: &Path) -> Result<Self, CredentialError> {
        Self::from_pem(&read(path)?)
    }

    /// Verify a base64 `Sign` value: RSA PKCS#1 v1.5 over `digest(message)`.
    ///
    /// See the example on [`PublicKey`].
    pub fn verify(
        &self,
        digest: Digest,
        message: &[u8],
        signature_b64: &str,
    ) -> Result<(), SignatureError> {
        let signature = base64::engine::general_purpose::STANDARD
            .decode(signature_b64.trim_ascii())
            .map_err(|_| SignatureError::NotBase64)?;
        self.verify_bytes(digest, message, &signature)
    }

    /// Verify a raw (not base64) RSA PKCS#1 v1.5 signature over `digest(message)`.
    pub fn verify_bytes(
        &self,
        digest: Digest,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let (scheme, hashed) = pkcs1v15_scheme(digest, message);
        self.0
            .verify(scheme, &hashed, signature)
            .map_err(|_| SignatureError::Mismatch)
    }

    /// The key as a `-----BEGIN PUBLIC KEY-----` (SPKI) PEM string with LF line endings.
    pub fn to_pem(&self) -> String {
        self.0
            .to_public_key_pem(LineEnding::LF)
            // Encoding a valid in-memory RSA public key as SPKI has no failure path
            // (the DER lengths are bounded by the key size).
            .expect("SPKI encoding of an RSA public key")
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.0.n().bits()
    }
}

/// The PKCS#1 v1.5 scheme for `digest` and the hash of `message`.
pub(crate) fn pkcs1v15_scheme(digest: Digest, message: &[u8]) -> (Pkcs1v15Sign, Vec<u8>) {
    use sha2::Digest as _;
    match digest {
        Digest::Sha1 => (
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            sha1::Sha1::digest(message).to_vec(),
        ),
        Digest::Sha256 => (
            Pkcs1v15Sign::new::<sha2::Sha256>(),
            sha2::Sha256::digest(message).to_vec(),
        ),
    }
}

fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, CredentialError> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|source| CredentialError::Io {
            path: path.to_owned(),
            source,
        })
}

fn parse_pkcs1(der: &[u8]) -> Result<RsaPrivateKey, CredentialError> {
    use pkcs1::der::Decode as _;
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    pkcs1::RsaPrivateKey::from_der(der).map_err(|e| {
        CredentialError::malformed(format!(
            "the `RSA PRIVATE KEY` is not valid PKCS#1 DER: {e}"
        ))
    })?;
    RsaPrivateKey::from_pkcs1_der(der).map_err(|e| CredentialError::InvalidKey {
        detail: e.to_string(),
    })
}

fn labels(blocks: &[pem::PemBlock]) -> String {
    blocks
        .iter()
        .map(|b| format!("`{}`", b.label))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Run `decrypt` with each reading of `password` (see [`PrivateKey::from_pem`]) until
/// one is not a wrong password.
fn with_password<T>(
    password: Option<&[u8]>,
    format: KeyFormat,
    mut decrypt: impl FnMut(&[u8]) -> Result<T, CredentialError>,
) -> Result<T, CredentialError> {
    let Some(password) = password else {
        return Err(CredentialError::PasswordRequired {
            format,
            password_file: None,
        });
    };
    let mut last = CredentialError::WrongPassword { format };
    for candidate in password_candidates(password) {
        match decrypt(candidate) {
            Err(e @ CredentialError::WrongPassword { .. }) => last = e,
            other => return other,
        }
    }
    Err(last)
}

/// The password as given, without trailing CR/LF, and `strip()`ped like Python's
/// `bytes.strip()`; duplicates removed.
fn password_candidates(password: &[u8]) -> Vec<&[u8]> {
    let mut out = vec![password];
    let mut no_newline = password;
    while let [rest @ .., b'\n' | b'\r'] = no_newline {
        no_newline = rest;
    }
    for candidate in [no_newline, password.trim_ascii()] {
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_candidates_strip_newlines_then_whitespace() {
        assert_eq!(password_candidates(b"pw"), vec![&b"pw"[..]]);
        assert_eq!(password_candidates(b"pw\n"), vec![&b"pw\n"[..], b"pw"]);
        assert_eq!(password_candidates(b"pw\r\n"), vec![&b"pw\r\n"[..], b"pw"]);
        assert_eq!(
            password_candidates(b" pw \n"),
            vec![&b" pw \n"[..], b" pw ", b"pw"]
        );
    }
}
