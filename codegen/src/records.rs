//! Response and message records: lenient where the documents show variety, strict
//! where a wrong value would mislead (a required field missing is an error).

use alikassa_spec::{Record, RecordKind, Spec};
use proc_macro2::TokenStream;
use quote::quote;

use crate::names::{ident, pascal, snake, type_ident};
use crate::CodegenError;

fn record(r: &Record) -> Result<TokenStream, CodegenError> {
    let name = type_ident(&pascal(&r.name));
    let doc = crate::doc_lines(&format!(
        "{}\n\nFrom {}.",
        r.description,
        r.sources.join(", ")
    ));
    let mut seen = std::collections::BTreeSet::new();
    let mut defs = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for f in &r.fields {
        let rust = snake(&f.name);
        if !seen.insert(rust.clone()) {
            return Err(CodegenError(format!(
                "record `{}`: two fields map to the Rust name `{rust}`",
                r.name
            )));
        }
        let id = ident(&rust);
        let wire = f.name.as_str();
        let doc = format!(" {} (`{wire}`).", f.description.trim_end_matches('.'));
        // Amounts and flags are optional whatever the spec says: the documents show
        // them as "" and null.
        let required = f.required && !matches!(f.kind, RecordKind::Amount | RecordKind::Bool);
        let (ty, reader) = match (f.kind, required) {
            (RecordKind::String, true) => (quote!(String), quote!(lenient::string)),
            (RecordKind::String, false) => (quote!(Option<String>), quote!(lenient::opt_string)),
            (RecordKind::Int, true) => (quote!(u64), quote!(lenient::int)),
            (RecordKind::Int, false) => (quote!(Option<u64>), quote!(lenient::opt_int)),
            (RecordKind::Amount, _) => (quote!(Option<Amount>), quote!(lenient::amount)),
            (RecordKind::Bool, _) => (quote!(Option<bool>), quote!(lenient::opt_bool)),
            (RecordKind::Status, true) => {
                (quote!(PaymentStatus), quote!(PaymentStatus::deserialize))
            }
            (RecordKind::Status, false) => (
                quote!(Option<PaymentStatus>),
                quote!(Option::<PaymentStatus>::deserialize),
            ),
        };
        defs.push(quote!(#[doc = #doc] pub #id: #ty,));
        if required {
            reads.push(quote!(#id: lenient::required(&mut object, #wire, #reader)?,));
            let arg = if f.kind == RecordKind::String {
                quote!(impl Into<String>)
            } else {
                ty.clone()
            };
            params.push(quote!(#id: #arg));
            inits.push(if f.kind == RecordKind::String {
                quote!(#id: #id.into(),)
            } else {
                quote!(#id,)
            });
        } else {
            reads.push(quote!(#id: lenient::optional(&mut object, #wire, #reader)?,));
            inits.push(quote!(#id: None,));
        }
        writes.push(quote!(m.serialize_entry(#wire, &self.#id)?;));
    }
    let n = r.fields.len();
    let default = if params.is_empty() {
        quote!(Default,)
    } else {
        quote!()
    };
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, #default)]
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
        impl Serialize for #name {
            /// Every field in documented order, `null` when absent (as the provider writes them).
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(#n))?;
                #( #writes )*
                m.end()
            }
        }
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let mut object = lenient::object(d)?;
                Ok(Self { #( #reads )* })
            }
        }
    })
}

pub fn generate(spec: &Spec) -> Result<TokenStream, CodegenError> {
    let records = spec
        .records
        .iter()
        .map(record)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        //! Response and notification records. Unknown fields are ignored; amounts,
        //! ids and flags decode leniently (see `crate::lenient`); a missing required
        //! field is an error.
        use serde::de::{Deserialize, Deserializer};
        use serde::ser::{Serialize, SerializeMap, Serializer};
        use crate::{lenient, Amount, PaymentStatus};
        #( #records )*
    })
}
