//! One enum per bank-code table.

use alikassa_spec::{BankTable, Spec};
use proc_macro2::TokenStream;
use quote::quote;

use crate::names::{pascal, type_ident};

/// The enum's name for a table: `online_banking_idr_hpp` -> `OnlineBankingIdrHppBank`.
pub fn enum_name(table: &str) -> String {
    format!("{}Bank", pascal(table))
}

pub fn generate(spec: &Spec) -> TokenStream {
    let enums = spec.bank_tables.iter().map(bank_enum);
    quote! {
        //! Bank codes (`customer_code`), one enum per table of the documents.
        use std::fmt;
        use std::str::FromStr;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};
        use crate::UnknownCode;
        #(#enums)*
    }
}

fn bank_enum(t: &BankTable) -> TokenStream {
    let name = type_ident(&enum_name(&t.name));
    let doc = format!(
        " Bank codes of `{}` ({}, \"{}\").",
        t.name, t.source, t.section
    );
    let kind = format!("bank code of {}", t.name);
    let variants: Vec<_> = t.banks.iter().map(|b| type_ident(&b.code)).collect();
    let codes: Vec<_> = t.banks.iter().map(|b| b.code.as_str()).collect();
    let names: Vec<_> = t.banks.iter().map(|b| b.display_name()).collect();
    let docs: Vec<_> = t
        .banks
        .iter()
        .map(|b| format!(" `{}`: {}", b.code, b.display_name()))
        .collect();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #docs] #variants, )*
        }
        impl #name {
            /// Every code of the table, in documented order.
            pub const ALL: &'static [Self] = &[ #( Self::#variants ),* ];
            /// The wire value (`customer_code`).
            pub fn code(self) -> &'static str {
                match self { #( Self::#variants => #codes, )* }
            }
            /// The bank's name as documented (the code when the document gives none).
            pub fn name(self) -> &'static str {
                match self { #( Self::#variants => #names, )* }
            }
        }
        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
        impl FromStr for #name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s {
                    #( #codes => Ok(Self::#variants), )*
                    _ => Err(UnknownCode::new(#kind, s)),
                }
            }
        }
        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    }
}
