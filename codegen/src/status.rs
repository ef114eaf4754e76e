//! The `payment_status` enum, open to values the documents do not list yet.

use alikassa_spec::Spec;
use proc_macro2::TokenStream;
use quote::quote;

use crate::names::type_ident;

pub fn generate(spec: &Spec) -> TokenStream {
    let variants: Vec<_> = spec.statuses.iter().map(|s| type_ident(&s.value)).collect();
    let values: Vec<_> = spec.statuses.iter().map(|s| s.value.as_str()).collect();
    let docs: Vec<_> = spec
        .statuses
        .iter()
        .map(|s| {
            format!(
                " `{}`: {}{}",
                s.value,
                s.description,
                if s.is_final { " (final)" } else { "" }
            )
        })
        .collect();
    let finals: Vec<_> = spec
        .statuses
        .iter()
        .filter(|s| s.is_final)
        .map(|s| type_ident(&s.value))
        .collect();
    quote! {
        //! `payment_status` values.
        use std::fmt;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        /// The status of a payment or payout.
        ///
        /// A value the documents do not list is kept as `Unknown` rather than
        /// rejected, and is not final: keep asking the status endpoint.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum PaymentStatus {
            #( #[doc = #docs] #variants, )*
            /// A value this version does not know.
            Unknown(String),
        }
        impl PaymentStatus {
            /// Every documented status.
            pub const DOCUMENTED: &'static [PaymentStatus] = &[ #( PaymentStatus::#variants ),* ];
            /// Decodes a wire value; anything undocumented is `Unknown`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_string()),
                }
            }
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(s) => s,
                }
            }
            /// True when the status will not change any more.
            pub fn is_final(&self) -> bool {
                matches!(self, #( Self::#finals )|* )
            }
        }
        impl fmt::Display for PaymentStatus {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for PaymentStatus {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }
        impl Serialize for PaymentStatus {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for PaymentStatus {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    }
}
