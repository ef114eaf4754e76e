//! The checked spec: what the generator and the tests consume.

use crate::field_type::{FieldKind, Format};

/// The whole checked spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The production base URL.
    pub base_url: String,
    pub endpoints: Vec<Endpoint>,
    pub statuses: Vec<Status>,
    pub status_query: StatusQuery,
    pub records: Vec<Record>,
    pub error_responses: Vec<ErrorResponse>,
    pub contradictions: Vec<Contradiction>,
    /// One per provider document, in the documents' own order (by file name).
    pub documents: Vec<Document>,
    /// Every service, payments and payouts, in document order then table order.
    pub services: Vec<Service>,
    /// Every bank-code table, in the same order as the services that use them.
    pub bank_tables: Vec<BankTable>,
}

impl Spec {
    /// The bank table a service's `customer_code` is restricted to, if any.
    pub fn bank_table(&self, name: &str) -> Option<&BankTable> {
        self.bank_tables.iter().find(|t| t.name == name)
    }

    /// A response record by its name in `api.yaml`.
    pub fn record(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name == name)
    }

    /// The services of one direction, in catalogue order.
    pub fn services_of(&self, direction: Direction) -> impl Iterator<Item = &Service> {
        self.services
            .iter()
            .filter(move |s| s.direction == direction)
    }
}

/// A provider document transcribed in `spec/documents/`.
#[derive(Debug, Clone)]
pub struct Document {
    /// The spec file, e.g. `documents/id.yaml`.
    pub spec_file: String,
    /// The provider document it transcribes, e.g. `000_a52569272cf5232d.txt`.
    pub source: String,
    pub title: String,
    pub region: String,
    pub currency: String,
}

/// Payment (money in) or payout (money out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Payment,
    Payout,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Payment => "payment",
            Direction::Payout => "payout",
        }
    }
}

/// How a payment reaches the payer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The merchant redirects the payer to the returned `url`.
    Hosted,
    /// The merchant shows the returned `cardNumber` / `cardHolderName` itself.
    HostToHost,
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Hosted => "hosted",
            Flow::HostToHost => "host_to_host",
        }
    }
}

/// One service code and the request it takes.
#[derive(Debug, Clone)]
pub struct Service {
    pub code: String,
    pub direction: Direction,
    /// Payments only; payouts have no payer-facing flow.
    pub flow: Option<Flow>,
    /// Fields of the `payment_created` record this service fills in (payments only).
    pub returns: Vec<String>,
    pub region: String,
    pub currency: String,
    /// The provider document it comes from.
    pub source: String,
    /// The section of that document.
    pub section: String,
    /// Its request fields, in documented (and wire) order; `service` included.
    pub fields: Vec<Field>,
    /// The bank-code table `customer_code` must come from, if the document has one.
    pub bank_table: Option<String>,
}

/// A request field as one service's table documents it.
#[derive(Debug, Clone)]
pub struct Field {
    /// Wire name, exactly as documented.
    pub name: String,
    /// The type as the document writes it, e.g. `string (128)`.
    pub documented_type: String,
    pub kind: FieldKind,
    pub format: Option<Format>,
    pub required: bool,
    pub description: String,
    pub example: Option<String>,
    /// True for the field whose values come from the service's bank table.
    pub banks: bool,
}

/// A bank-code table.
#[derive(Debug, Clone)]
pub struct BankTable {
    /// Its name in the spec (the service code it belongs to).
    pub name: String,
    pub source: String,
    pub section: String,
    pub banks: Vec<Bank>,
}

/// One row of a bank-code table.
#[derive(Debug, Clone)]
pub struct Bank {
    pub code: String,
    /// The bank's name; some documents give none (then the code stands for it).
    pub name: Option<String>,
}

impl Bank {
    /// The name to show a person: the documented name, or the code when there is none.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.code)
    }
}

/// A response or message shape (`records:` in `api.yaml`).
#[derive(Debug, Clone)]
pub struct Record {
    pub name: String,
    pub description: String,
    pub sources: Vec<String>,
    pub fields: Vec<RecordField>,
}

/// One field of a record.
#[derive(Debug, Clone)]
pub struct RecordField {
    pub name: String,
    pub kind: RecordKind,
    /// A response missing a required field is an error, not a default.
    pub required: bool,
    pub description: String,
}

/// What a response field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    String,
    Int,
    Amount,
    Bool,
    Status,
}

/// An endpoint of the API.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub name: String,
    pub method: String,
    pub path: String,
    pub certificate: Certificate,
    pub request: EndpointRequest,
    pub response: String,
    pub sources: Vec<String>,
}

/// Which of the merchant's certificates signs an endpoint's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certificate {
    Payment,
    Payout,
}

/// What an endpoint's request body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointRequest {
    /// A service's own field table.
    Service,
    /// `order_id` or `id`.
    StatusQuery,
    /// `{}`.
    Empty,
}

/// A `payment_status` value.
#[derive(Debug, Clone)]
pub struct Status {
    pub value: String,
    pub is_final: bool,
    pub description: String,
}

/// The request of the status endpoints: exactly one of `one_of`.
#[derive(Debug, Clone)]
pub struct StatusQuery {
    pub source: String,
    pub one_of: Vec<String>,
    pub fields: Vec<Field>,
}

/// A documented error answer.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    pub name: String,
    pub status: u16,
    pub body: String,
    pub sources: Vec<String>,
}

/// Two documents disagree; the spec records both readings and the decision.
#[derive(Debug, Clone)]
pub struct Contradiction {
    pub id: String,
    pub readings: Vec<String>,
    pub decision: String,
}
