//! Response and message records: lenient where the documents show variety, strict
//! where a wrong value would mislead (a required field missing is an error).

use alikassa_spec::{Record, RecordKind, Spec};
use proc_macro2::TokenStream;
use quote::quote;

use crate::names::{ident, pascal, snake, type_ident};
use crate::CodegenError;

fn record(r: &Record) -> Result<TokenStream, CodegenError> {
    let name = type_ident(&pascal(&r.name));
    let doc = crate::doc_lines(&format!("{}\n\nFrom {}.", r.description, r.sources.join(", ")));
    let mut seen = std::collections::BTreeSet::new();
    let mut defs = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &r.fields {
        let rust = snake(&f.name);
        if !seen.insert(rust.clone()) {
            return Err(CodegenError(format!("record `{}`: two fields map to the Rust name `{rust}`", r.name)));
        }
        let id = ident(&rust);
        let wire = f.name.as_str();
        let rename = if rust != f.name { quote!(#[serde(rename = #wire)]) } else { quote!() };
        let doc = format!(" {} (`{wire}`).", f.description.trim_end_matches('.'));
        let (ty, de) = match (f.kind, f.required) {
            (RecordKind::String, true) => (quote!(String), quote!(#[serde(deserialize_with = "crate::lenient::string")])),
            (RecordKind::String, false) => (quote!(Option<String>), quote!(#[serde(default, deserialize_with = "crate::lenient::opt_string")])),
            (RecordKind::Int, true) => (quote!(u64), quote!(#[serde(deserialize_with = "crate::lenient::int")])),
            (RecordKind::Int, false) => (quote!(Option<u64>), quote!(#[serde(default, deserialize_with = "crate::lenient::opt_int")])),
            (RecordKind::Amount, _) => (quote!(Option<Amount>), quote!(#[serde(default, deserialize_with = "crate::lenient::amount")])),
            (RecordKind::Bool, _) => (quote!(Option<bool>), quote!(#[serde(default, deserialize_with = "crate::lenient::opt_bool")])),
            (RecordKind::Status, true) => (quote!(PaymentStatus), quote!()),
            (RecordKind::Status, false) => (quote!(Option<PaymentStatus>), quote!(#[serde(default)])),
        };
        defs.push(quote!(#[doc = #doc] #rename #de pub #id: #ty,));
        let required = f.required && !matches!(f.kind, RecordKind::Amount | RecordKind::Bool);
        if required {
            let arg = if f.kind == RecordKind::String { quote!(impl Into<String>) } else { ty.clone() };
            let val = if f.kind == RecordKind::String { quote!(#id.into()) } else { quote!(#id) };
            params.push(quote!(#id: #arg));
            inits.push(quote!(#id: #val,));
        } else {
            inits.push(quote!(#id: None,));
        }
    }
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #( #defs )*
        }
        impl #name {
            /// A record with the required fields set and every other one `None`.
            pub fn new(#( #params ),*) -> Self {
                Self { #( #inits )* }
            }
        }
    })
}

pub fn generate(spec: &Spec) -> Result<TokenStream, CodegenError> {
    let records = spec.records.iter().map(record).collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        //! Response and notification records. Unknown fields are ignored; amounts,
        //! ids and flags decode leniently (see `crate::lenient`); a missing required
        //! field is an error.
        use serde::{Deserialize, Serialize};
        use crate::{Amount, PaymentStatus};
        #( #records )*
    })
}
