//! Typed requests, responses, bank codes and validation for the AliKassa merchant
//! API v1.
//!
//! Most of this crate is generated from `spec/` by `cargo xtask codegen`: one request
//! type per service (required fields are constructor arguments, so leaving one out
//! does not compile), a bank-code enum per table, the response records and the
//! status enum. Hand-written: [`Amount`], validation and PHP-compatible JSON.
//!
//! ```
//! use alikassa_types::{requests::OnlineBankingIdrHpp, banks::OnlineBankingIdrHppBank, PaymentRequest};
//!
//! let req = OnlineBankingIdrHpp::new(
//!     "150000".parse().unwrap(),
//!     "order-1001",
//!     "18.191.80.10".parse().unwrap(),
//!     OnlineBankingIdrHppBank::Bca,
//!     "Budi",
//!     "Santoso",
//! )
//! .notification_endpoint_url("https://shop.example/alikassa/notify");
//! req.validate().unwrap();
//! let body = PaymentRequest::from(req).to_body().unwrap();
//! assert!(body.starts_with(br#"{"amount":"150000.00","order_id":"order-1001","service":"online_banking_idr_hpp""#));
//! ```

mod amount;
pub mod catalogue;
#[rustfmt::skip] // prettyplease output; `cargo xtask codegen --check` guards it.
mod generated;
pub mod lenient;
pub mod notification;
pub mod php_json;
pub mod validate;

pub use amount::{Amount, AmountError};
pub use generated::records::*;
pub use generated::requests::{PaymentRequest, PayoutRequest, StatusQuery};
pub use generated::{banks, endpoints, records, requests, status::PaymentStatus};
pub use validate::{FieldError, InvalidRequest};

/// A code that is not in its table (a bank code, a service code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// What kind of code, e.g. "bank code of online_banking_idr_hpp".
    pub kind: &'static str,
    /// The code given (at most 100 characters of it).
    pub code: String,
}

impl UnknownCode {
    /// An unknown code of `kind`.
    pub fn new(kind: &'static str, code: &str) -> Self {
        UnknownCode {
            kind,
            code: code.chars().take(100).collect(),
        }
    }
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not a known {}", self.code, self.kind)
    }
}

impl std::error::Error for UnknownCode {}
