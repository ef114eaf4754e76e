//! The two cryptographic operations of the sandbox, on top of `alikassa-client`'s
//! keys: checking a request's `Sign`, and signing a notification.

use alikassa_client::credentials::PublicKey;
use alikassa_client::signing::{RsaSigner, Signer};

use crate::config::DigestPolicy;

/// Whether `sign` (base64) verifies over exactly `body` with one of the digests
/// `policy` accepts.
pub(crate) fn verifies(key: &PublicKey, policy: DigestPolicy, body: &[u8], sign: &str) -> bool {
    policy
        .candidates()
        .into_iter()
        .any(|digest| key.verify(digest, body, sign).is_ok())
}

/// The base64 signature of `bytes` (RSA PKCS#1 v1.5 with the signer's digest).
pub(crate) fn sign_base64(signer: &RsaSigner, bytes: &[u8]) -> Result<String, String> {
    signer
        .sign_base64(bytes)
        .map_err(|e| format!("cannot sign the notification: {e}"))
}
