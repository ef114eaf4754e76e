//! Signing request bodies for the `Sign` header.
//!
//! AliKassa authenticates a request by an RSA PKCS#1 v1.5 signature over the exact
//! body bytes, sent base64-encoded in the `Sign` header. The digest is SHA1 by default
//! (the provider's PHP samples and status document) and SHA256 on request.
//!
//! Signing goes through the [`Signer`] trait. [`RsaSigner`] implements it with the
//! pure-Rust `rsa` crate. That crate has an open advisory, RUSTSEC-2023-0071 (the
//! "Marvin" timing side channel, no fixed release); it matters mostly where an
//! attacker can time many private-key operations on chosen inputs. Merchants who need
//! more can plug in another backend (OpenSSL, an HSM or KMS) by implementing
//! [`Signer`].

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine as _;

use crate::credentials::{self, PrivateKey, PublicKey};

/// The hash under the RSA PKCS#1 v1.5 signature.
///
/// ```
/// use alikassa_client::signing::Digest;
///
/// assert_eq!(Digest::default(), Digest::Sha1);
/// assert_eq!("sha256".parse::<Digest>()?, Digest::Sha256);
/// assert_eq!(Digest::Sha256.to_string(), "sha256");
/// # Ok::<(), alikassa_client::signing::ParseDigestError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Digest {
    /// SHA-1: the provider's PHP samples (`openssl_sign` default) and status document.
    #[default]
    Sha1,
    /// SHA-256: the payment documents' JS/Python/Java/Go samples.
    Sha256,
}

impl Digest {
    /// The lower-case name, `"sha1"` or `"sha256"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
        }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A digest name other than `sha1` / `sha256`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDigestError(String);

impl fmt::Display for ParseDigestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown digest `{}`: expected `sha1` or `sha256`",
            self.0
        )
    }
}

impl std::error::Error for ParseDigestError {}

impl FromStr for Digest {
    type Err = ParseDigestError;

    /// Accepts `sha1`, `sha256`, case-insensitively, with or without a dash.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "sha1" => Ok(Self::Sha1),
            "sha256" => Ok(Self::Sha256),
            _ => Err(ParseDigestError(s.to_owned())),
        }
    }
}

/// A signing backend failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignError {
    /// The backend (RSA implementation, HSM, ...) reported an error.
    Backend(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Backend(e) => write!(f, "signing failed: {e}"),
        }
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Backend(e) => Some(e.as_ref()),
        }
    }
}

impl SignError {
    /// Wrap a backend's error.
    pub fn backend(err: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self::Backend(err.into())
    }
}

/// A `Sign` value did not verify. Never contains the signature itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The value is not base64.
    NotBase64,
    /// The signature does not match the message under this public key and digest.
    Mismatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotBase64 => "the signature is not valid base64",
            Self::Mismatch => "the signature does not match the message, public key and digest",
        })
    }
}

impl std::error::Error for SignatureError {}

/// Produces the RSA PKCS#1 v1.5 signature of a request body.
///
/// Implement this to sign with something other than [`RsaSigner`] (OpenSSL, an HSM).
/// The signature must be deterministic PKCS#1 v1.5 over [`digest`](Self::digest) of
/// exactly the bytes given.
///
/// ```
/// use alikassa_client::credentials::PrivateKey;
/// use alikassa_client::signing::{Digest, RsaSigner, Signer};
///
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/archive");
/// let signer: Box<dyn Signer> =
///     Box::new(RsaSigner::new(PrivateKey::from_dir(dir.as_ref())?, Digest::Sha1));
/// let sign = signer.sign_base64(br#"{"order_id":"42"}"#)?;
/// assert_eq!(sign.len(), 344); // base64 of 256 bytes (RSA-2048)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Signer: Send + Sync {
    /// The raw signature of `body`.
    fn sign(&self, body: &[u8]) -> Result<Vec<u8>, SignError>;

    /// The digest this signer uses.
    fn digest(&self) -> Digest;

    /// The `Sign` header value for `body`: [`sign_header`] of [`sign`](Self::sign).
    fn sign_base64(&self, body: &[u8]) -> Result<String, SignError> {
        Ok(sign_header(&self.sign(body)?))
    }
}

/// The `Sign` header value for a raw signature: standard base64 with padding, as the
/// provider's samples (`base64_encode`, `base64.b64encode`) produce.
///
/// ```
/// assert_eq!(alikassa_client::signing::sign_header(&[0xfb, 0xff]), "+/8=");
/// ```
pub fn sign_header(signature: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(signature)
}

impl<S: Signer + ?Sized> Signer for &S {
    fn sign(&self, body: &[u8]) -> Result<Vec<u8>, SignError> {
        (**self).sign(body)
    }
    fn digest(&self) -> Digest {
        (**self).digest()
    }
}

impl<S: Signer + ?Sized> Signer for Box<S> {
    fn sign(&self, body: &[u8]) -> Result<Vec<u8>, SignError> {
        (**self).sign(body)
    }
    fn digest(&self) -> Digest {
        (**self).digest()
    }
}

impl<S: Signer + ?Sized> Signer for Arc<S> {
    fn sign(&self, body: &[u8]) -> Result<Vec<u8>, SignError> {
        (**self).sign(body)
    }
    fn digest(&self) -> Digest {
        (**self).digest()
    }
}

/// RSA PKCS#1 v1.5 signing with the pure-Rust `rsa` crate.
///
/// Signatures are deterministic and byte-identical to `openssl dgst -sha1 -sign`.
/// The private operation is blinded with fresh randomness from the OS (this changes
/// timing, not the result). `Debug` does not show the key.
///
/// ```
/// use alikassa_client::credentials::PrivateKey;
/// use alikassa_client::signing::{Digest, RsaSigner, Signer};
///
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/archive");
/// let signer = RsaSigner::new(PrivateKey::from_dir(dir.as_ref())?, Digest::Sha256);
/// let body = br#"{"amount":"500.00"}"#;
/// assert_eq!(signer.sign(body)?, signer.sign(body)?);
/// signer.public_key().verify(Digest::Sha256, body, &signer.sign_base64(body)?)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct RsaSigner {
    key: PrivateKey,
    digest: Digest,
}

impl RsaSigner {
    /// A signer using `key` and `digest`.
    pub fn new(key: PrivateKey, digest: Digest) -> Self {
        Self { key, digest }
    }

    /// The private key.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The public key matching the signing key.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
}

impl Signer for RsaSigner {
    fn sign(&self, body: &[u8]) -> Result<Vec<u8>, SignError> {
        let (scheme, hashed) = credentials::pkcs1v15_scheme(self.digest, body);
        self.key
            .rsa()
            .sign_with_rng(&mut rsa::rand_core::OsRng, scheme, &hashed)
            .map_err(SignError::backend)
    }

    fn digest(&self) -> Digest {
        self.digest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_names_round_trip() {
        for d in [Digest::Sha1, Digest::Sha256] {
            assert_eq!(d.to_string().parse::<Digest>(), Ok(d));
        }
        assert_eq!("SHA-1".parse::<Digest>(), Ok(Digest::Sha1));
        assert_eq!("Sha-256".parse::<Digest>(), Ok(Digest::Sha256));
        assert!("md5".parse::<Digest>().is_err());
        assert!("sha512".parse::<Digest>().is_err());
    }

    fn assert_signer<S: Signer>() {}

    #[test]
    fn smart_pointers_are_signers() {
        assert_signer::<RsaSigner>();
        assert_signer::<Box<dyn Signer>>();
        assert_signer::<Arc<dyn Signer>>();
        assert_signer::<&RsaSigner>();
    }
}
