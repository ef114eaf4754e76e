//! The YAML transcription of AliKassa's documents, loaded and checked.
//!
//! `spec/api.yaml` holds what every document shares (endpoints, statuses, response
//! records, contradictions); `spec/documents/*.yaml` hold one provider document each
//! (services, request field tables, bank-code tables). [`load`] reads both, checks
//! them against each other and returns a [`Spec`], or every problem found, each
//! naming the file and the entry at fault.
//!
//! This crate is generator-side only: merchants' builds never compile it.
//!
//! ```
//! let spec = alikassa_spec::load(concat!(env!("CARGO_MANIFEST_DIR"))).unwrap();
//! assert!(spec.services.iter().any(|s| s.code == "qr_code_idr_hpp"));
//! ```

mod error;
mod field_type;
mod load;
mod model;
mod raw;

pub use error::{SpecError, SpecErrors};
pub use field_type::{FieldKind, Format};
pub use load::{load, load_from_sources};
pub use model::*;
