//! Client for the AliKassa merchant API v1.
//!
//! Typed requests come from [`alikassa_types`] (re-exported as [`types`]). Each call
//! validates the request against the documents, encodes it as the provider's PHP
//! sample does, signs exactly those bytes (RSA PKCS#1 v1.5, SHA1 by default) and
//! sends them over HTTPS with certificate verification always on.
//!
//! See [`Client`] for an example, and the crate's README.

pub mod credentials;
mod client;
mod decode;
mod error;
pub mod notification;
pub mod signing;
mod transport;

pub use alikassa_types as types;
pub use client::{Client, ClientBuilder, PreparedRequest, Reconciled, DEFAULT_CERT_DIR, DEFAULT_TIMEOUT, ENV_ACCOUNT, ENV_BASE_URL, ENV_CERT_DIR, ENV_PAYOUT_CERT_DIR};
pub use credentials::{CredentialError, PrivateKey, PublicKey};
pub use error::Error;
pub use signing::{Digest, RsaSigner, SignError, Signer};
pub use transport::Roots;
