#![doc = include_str!("../README.md")]

mod client;
pub mod credentials;
mod decode;
mod error;
pub mod notification;
pub mod signing;
mod transport;

pub use alikassa_types as types;
pub use client::{
    Client, ClientBuilder, PreparedRequest, Reconciled, DEFAULT_CERT_DIR, DEFAULT_TIMEOUT,
    ENV_ACCOUNT, ENV_BASE_URL, ENV_CERT_DIR, ENV_PAYOUT_CERT_DIR,
};
pub use credentials::{CredentialError, PrivateKey, PublicKey};
pub use error::Error;
pub use signing::{Digest, RsaSigner, SignError, Signer};
pub use transport::Roots;
