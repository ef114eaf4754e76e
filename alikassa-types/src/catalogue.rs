//! The catalogue of services: every service code with its region, currency,
//! direction, flow, fields and bank codes, as the spec transcribes the documents.
//!
//! ```
//! let s = alikassa_types::catalogue::service("qr_code_idr_hpp").unwrap();
//! assert_eq!(s.currency, "IDR");
//! assert!(s.banks.iter().any(|b| b.code == "QRIS"));
//! assert!(alikassa_types::catalogue::catalogue_json().contains("\"services\""));
//! ```

use crate::generated::catalogue as data;

/// Payment (money in) or payout (money out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Direction {
    /// `v1/payment`, signed with the payment certificate.
    Payment,
    /// `v1/payout`, signed with the payout certificate.
    Payout,
}

impl Direction {
    /// `payment` or `payout`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Payment => "payment",
            Direction::Payout => "payout",
        }
    }
}

/// How a payment reaches the payer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flow {
    /// Redirect the payer to the returned `url`.
    Hosted,
    /// Show the returned `cardNumber` / `cardHolderName` yourself.
    HostToHost,
}

impl Flow {
    /// `hosted` or `host_to_host`.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Hosted => "hosted",
            Flow::HostToHost => "host_to_host",
        }
    }
}

/// Which of the merchant's certificates signs a request (provider-pages-notes.md:
/// payments and payouts have separate archives).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Certificate {
    /// "API certificate for payments": `v1/payment*`.
    Payment,
    /// The payout certificate: `v1/payout*`, `v1/account/*`.
    Payout,
}

/// An endpoint of the API (see [`crate::endpoints`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// The operation, e.g. `create_payment`.
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path under the base URL, e.g. `v1/payment`.
    pub path: &'static str,
    /// The certificate that signs it.
    pub certificate: Certificate,
}

/// One service code.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ServiceInfo {
    /// The `service` value, e.g. `online_banking_idr_hpp`.
    pub code: &'static str,
    pub direction: Direction,
    /// Payments only.
    pub flow: Option<Flow>,
    /// ISO 3166 country code of the document, e.g. `ID`.
    pub region: &'static str,
    /// ISO 4217 currency, e.g. `IDR`.
    pub currency: &'static str,
    /// The provider document the service comes from.
    pub source: &'static str,
    /// The section of that document.
    pub section: &'static str,
    /// Fields of the creation response this service fills in.
    pub returns: &'static [&'static str],
    /// Request fields in documented (wire) order, `service` included.
    pub fields: &'static [FieldInfo],
    /// Allowed `customer_code` values; empty when the document lists none.
    pub banks: &'static [BankInfo],
}

impl ServiceInfo {
    /// The names of the required fields, in order.
    pub fn required_fields(&self) -> impl Iterator<Item = &'static str> {
        self.fields.iter().filter(|f| f.required).map(|f| f.name)
    }
}

/// One request field of a service.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FieldInfo {
    /// Wire name, exactly as documented.
    pub name: &'static str,
    pub required: bool,
    /// The type as the document writes it, e.g. `string (128)`.
    pub documented_type: &'static str,
    pub description: &'static str,
}

/// One bank code.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct BankInfo {
    /// The `customer_code` value.
    pub code: &'static str,
    /// The bank's name (the code itself when the document gives none).
    pub name: &'static str,
}

/// Every service, payments then payouts per document, in document order.
pub fn services() -> &'static [ServiceInfo] {
    data::SERVICES
}

/// One service by code.
pub fn service(code: &str) -> Option<&'static ServiceInfo> {
    data::SERVICES.iter().find(|s| s.code == code)
}

/// The catalogue as JSON (`{"services": [...]}`), as `cargo xtask catalogue` and
/// `alikassa services --json` print it.
pub fn catalogue_json() -> &'static str {
    data::CATALOGUE_JSON
}
