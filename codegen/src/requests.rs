//! One request type per service, the `PaymentRequest` / `PayoutRequest` enums over
//! them, and `StatusQuery`.

use alikassa_spec::{Direction, Field, FieldKind, Format, Service, Spec};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::banks::enum_name;
use crate::names::{ident, pascal, type_ident};
use crate::CodegenError;

/// What a field is in Rust.
struct RustField<'a> {
    field: &'a Field,
    ident: proc_macro2::Ident,
    /// The type of the value (without `Option`).
    ty: TokenStream,
    /// Constructor parameter / setter argument type.
    arg: TokenStream,
    /// Converts the argument into the value.
    into: TokenStream,
    /// The `validate::read` function for `from_json`.
    reader: TokenStream,
    /// A `String`-like field (checked for length, borrowed as `&str`).
    is_text: bool,
}

fn rust_field<'a>(service: &Service, f: &'a Field) -> Result<RustField<'a>, CodegenError> {
    let id = ident(&f.name);
    let (ty, arg, into, reader, is_text) = match f.kind {
        FieldKind::Decimal { precision: 11, scale: 2 } => {
            (quote!(Amount), quote!(Amount), quote!(#id), quote!(read::amount), false)
        }
        FieldKind::Decimal { precision, scale } => {
            return Err(CodegenError(format!(
                "service `{}`: field `{}` is decimal ({precision}.{scale}); `Amount` implements decimal (11.2) only",
                service.code, f.name
            )))
        }
        FieldKind::String { .. } if f.banks => {
            let table = service.bank_table.as_deref().unwrap_or_default();
            let e = type_ident(&enum_name(table));
            (quote!(crate::banks::#e), quote!(crate::banks::#e), quote!(#id), quote!(read::bank::<crate::banks::#e>), false)
        }
        FieldKind::String { .. } | FieldKind::Phone => {
            (quote!(String), quote!(impl Into<String>), quote!(#id.into()), quote!(read::text), true)
        }
        FieldKind::Ip => (quote!(IpAddr), quote!(IpAddr), quote!(#id), quote!(read::ip), false),
        FieldKind::Int => (quote!(u64), quote!(u64), quote!(#id), quote!(read::int), false),
    };
    Ok(RustField {
        field: f,
        ident: id,
        ty,
        arg,
        into,
        reader,
        is_text,
    })
}

/// The checks of a field's value, on `x: &T` with a `Validator` named `v`; empty
/// when the Rust type already guarantees the documented kind (ip, int, bank code).
fn check(rf: &RustField) -> TokenStream {
    let name = rf.field.name.as_str();
    let max = match rf.field.kind {
        FieldKind::String { max: Some(m) } => quote!(Some(#m)),
        _ => quote!(None),
    };
    let mut out = match rf.field.kind {
        FieldKind::Decimal { .. } => quote!(v.amount(#name, x);),
        FieldKind::Phone => quote!(v.phone(#name, x);),
        FieldKind::String { .. } if rf.is_text && rf.field.required => {
            quote!(v.string(#name, x, #max);)
        }
        FieldKind::String { .. } if rf.is_text => quote!(v.opt_string(#name, Some(x), #max);),
        _ => quote!(),
    };
    if rf.field.format == Some(Format::Bic) {
        out.extend(quote!(v.bic(#name, x);));
    }
    out
}

/// `check` applied to a field of `self` (`validate`).
fn check_self(rf: &RustField) -> TokenStream {
    let body = check(rf);
    if body.is_empty() {
        return body;
    }
    let id = &rf.ident;
    if rf.field.required {
        quote!({ let x = &self.#id; #body })
    } else {
        quote!(if let Some(x) = &self.#id { #body })
    }
}

/// `check` applied to a field read from JSON (`from_json`), present or not.
fn check_read(rf: &RustField) -> TokenStream {
    let body = check(rf);
    if body.is_empty() {
        return body;
    }
    let id = &rf.ident;
    quote!(if let Some(x) = &#id { let v = f.validator(); #body })
}

pub fn struct_name(service: &Service) -> proc_macro2::Ident {
    type_ident(&service.code)
}

fn service_struct(spec: &Spec, s: &Service) -> Result<TokenStream, CodegenError> {
    let name = struct_name(s);
    let code = s.code.as_str();
    let fields: Vec<RustField> = s
        .fields
        .iter()
        .filter(|f| f.name != "service")
        .map(|f| rust_field(s, f))
        .collect::<Result<_, _>>()?;
    let required: Vec<&RustField> = fields.iter().filter(|f| f.field.required).collect();
    let optional: Vec<&RustField> = fields.iter().filter(|f| !f.field.required).collect();

    let flow = s
        .flow
        .map(|f| format!(", {}", f.as_str().replace('_', "-")))
        .unwrap_or_default();
    let doc = format!(
        "`{code}`: {} in {} ({}){flow}.\n\nFrom `{}`, \"{}\".",
        s.direction.as_str(),
        s.region,
        s.currency,
        s.source,
        s.section
    );
    let bank_doc = s
        .bank_table
        .as_ref()
        .and_then(|t| spec.bank_table(t))
        .map(|t| {
            format!(
                " `customer_code` is one of {} codes of table `{}`.",
                t.banks.len(),
                t.name
            )
        })
        .unwrap_or_default();
    let field_defs = fields.iter().map(|rf| {
        let id = &rf.ident;
        let ty = &rf.ty;
        let doc = format!(
            " {}. Wire `{}`, `{}`, {}.",
            rf.field.description.trim_end_matches('.'),
            rf.field.name,
            rf.field.documented_type,
            if rf.field.required {
                "required"
            } else {
                "optional"
            }
        );
        if rf.field.required {
            quote!(#[doc = #doc] pub #id: #ty,)
        } else {
            quote!(#[doc = #doc] pub #id: Option<#ty>,)
        }
    });
    let params = required.iter().map(|rf| {
        let id = &rf.ident;
        let arg = &rf.arg;
        quote!(#id: #arg)
    });
    let inits = fields.iter().map(|rf| {
        let id = &rf.ident;
        let into = &rf.into;
        match (rf.field.required, rf.is_text) {
            (true, true) => quote!(#id: #into,),
            (true, false) => quote!(#id,),
            (false, _) => quote!(#id: None,),
        }
    });
    let setters = optional.iter().map(|rf| {
        let id = &rf.ident;
        let arg = &rf.arg;
        let into = &rf.into;
        let doc = format!(" Sets `{}`.", rf.field.name);
        quote! {
            #[doc = #doc]
            pub fn #id(mut self, #id: #arg) -> Self {
                self.#id = Some(#into);
                self
            }
        }
    });
    let checks = fields.iter().map(check_self);
    let reads = fields.iter().map(|rf| {
        let id = &rf.ident;
        let name = rf.field.name.as_str();
        let reader = &rf.reader;
        let check = check_read(rf);
        if rf.field.required {
            quote!(let #id = f.required(#name, #reader); #check)
        } else {
            quote!(let #id = f.optional(#name, #reader); #check)
        }
    });
    let req_ids: Vec<_> = required.iter().map(|rf| &rf.ident).collect();
    let all_ids: Vec<_> = fields.iter().map(|rf| &rf.ident).collect();
    let entries = s.fields.iter().map(|f| {
        let name = f.name.as_str();
        if f.name == "service" {
            return quote!(m.serialize_entry("service", Self::SERVICE)?;);
        }
        let id = ident(&f.name);
        if f.required {
            quote!(m.serialize_entry(#name, &self.#id)?;)
        } else {
            quote!(if let Some(x) = &self.#id { m.serialize_entry(#name, x)?; })
        }
    });
    let count_present = optional.iter().map(|rf| {
        let id = &rf.ident;
        quote!(+ usize::from(self.#id.is_some()))
    });
    let n_required = required.len() + 1;
    let direction = match s.direction {
        Direction::Payment => quote!(Direction::Payment),
        Direction::Payout => quote!(Direction::Payout),
    };

    let doc = crate::doc_lines(&doc);
    Ok(quote! {
        #doc
        #[doc = ""]
        #[doc = " Required fields are the arguments of [`new`](Self::new); optional ones have setters."]
        #[doc = #bank_doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct #name {
            #( #field_defs )*
        }
        impl #name {
            /// The `service` value this type sends.
            pub const SERVICE: &'static str = #code;
            /// Payment or payout.
            pub const DIRECTION: Direction = #direction;
            /// A request with every required field; optional ones are unset.
            #[allow(clippy::too_many_arguments)]
            pub fn new(#( #params ),*) -> Self {
                Self { #( #inits )* }
            }
            #( #setters )*
            /// Checks every documented limit; the error names each field at fault.
            pub fn validate(&self) -> Result<(), InvalidRequest> {
                let mut v = Validator::new();
                #( #checks )*
                v.finish()
            }
            /// Reads the request from a JSON object as the provider does (amounts as
            /// strings or numbers, ids as numbers or digit strings, unknown fields
            /// ignored), then validates it. Every problem is reported at once.
            pub fn from_json(object: &Map<String, Value>) -> Result<Self, InvalidRequest> {
                let mut f = JsonFields::new(object);
                #( #reads )*
                let built = match ( #( #req_ids ),* ) {
                    ( #( Some(#req_ids) ),* ) => Some(Self { #( #all_ids ),* }),
                    _ => None,
                };
                f.finish(built)
            }
        }
        impl Serialize for #name {
            /// The documented field order; absent optional fields are omitted.
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(#n_required #( #count_present )*))?;
                #( #entries )*
                m.end()
            }
        }
    })
}

/// Accessors every service of a direction shares: a field present in all of them
/// with the same Rust type.
fn common_accessors(
    services: &[&Service],
    variants: &[proc_macro2::Ident],
) -> Result<TokenStream, CodegenError> {
    let Some(first) = services.first() else {
        return Ok(quote!());
    };
    let mut out = TokenStream::new();
    for f in first.fields.iter().filter(|f| f.name != "service") {
        let all: Vec<&Field> = services
            .iter()
            .filter_map(|s| s.fields.iter().find(|g| g.name == f.name))
            .collect();
        if all.len() != services.len()
            || all.iter().any(|g| {
                g.required != f.required
                    || g.banks
                    || std::mem::discriminant(&g.kind) != std::mem::discriminant(&f.kind)
            })
        {
            continue;
        }
        let rf = rust_field(first, f)?;
        let id = &rf.ident;
        let ty = &rf.ty;
        let doc = format!(" `{}` of whichever service this is.", f.name);
        let (ret, body) = match (rf.is_text, f.required) {
            (true, true) => (quote!(&str), quote!(&r.#id)),
            (true, false) => (quote!(Option<&str>), quote!(r.#id.as_deref())),
            (false, true) => (quote!(#ty), quote!(r.#id)),
            (false, false) => (quote!(Option<#ty>), quote!(r.#id)),
        };
        out.extend(quote! {
            #[doc = #doc]
            pub fn #id(&self) -> #ret {
                match self { #( Self::#variants(r) => #body, )* }
            }
        });
    }
    Ok(out)
}

fn direction_enum(spec: &Spec, direction: Direction) -> Result<TokenStream, CodegenError> {
    let services: Vec<&Service> = spec.services_of(direction).collect();
    let name = format_ident!("{}Request", pascal(direction.as_str()));
    let variants: Vec<_> = services.iter().map(|s| struct_name(s)).collect();
    let codes: Vec<_> = services.iter().map(|s| s.code.as_str()).collect();
    let accessors = common_accessors(&services, &variants)?;
    let doc = format!(
        " Any `v1/{}` request: one variant per service.",
        direction.as_str()
    );
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = concat!(" `", #codes, "`")] #variants(#variants), )*
        }
        #( impl From<#variants> for #name { fn from(r: #variants) -> Self { Self::#variants(r) } } )*
        impl #name {
            /// Every service code of this direction.
            pub const SERVICES: &'static [&'static str] = &[ #( #codes ),* ];
            /// The `service` value.
            pub fn service(&self) -> &'static str {
                match self { #( Self::#variants(_) => #variants::SERVICE, )* }
            }
            #accessors
            /// Checks every documented limit of the service's fields.
            pub fn validate(&self) -> Result<(), InvalidRequest> {
                match self { #( Self::#variants(r) => r.validate(), )* }
            }
            /// The body to sign and send: documented field order, PHP `json_encode` escaping.
            pub fn to_body(&self) -> Result<Vec<u8>, serde_json::Error> {
                crate::php_json::to_vec(self)
            }
            /// Reads a request from a JSON object holding `service` and the fields.
            pub fn from_json(value: &Value) -> Result<Self, InvalidRequest> {
                let Some(object) = value.as_object() else {
                    return Err(InvalidRequest::single("request", "The request must be a JSON object."));
                };
                match object.get("service") {
                    None | Some(Value::Null) => Err(InvalidRequest::single("service", required_message("service"))),
                    Some(Value::String(code)) => match code.as_str() {
                        #( #codes => #variants::from_json(object).map(Self::#variants), )*
                        _ => Err(InvalidRequest::single("service", "The selected service is invalid.")),
                    },
                    Some(_) => Err(InvalidRequest::single("service", "The selected service is invalid.")),
                }
            }
        }
        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self { #( Self::#variants(r) => r.serialize(s), )* }
            }
        }
    })
}

fn status_query(spec: &Spec) -> Result<TokenStream, CodegenError> {
    let q = &spec.status_query;
    let mut variants = Vec::new();
    let mut names = Vec::new();
    let mut maxes = Vec::new();
    for n in &q.one_of {
        let Some(f) = q.fields.iter().find(|f| &f.name == n) else {
            return Err(CodegenError(format!("status_query: `{n}` is not a field")));
        };
        let FieldKind::String { max } = f.kind else {
            return Err(CodegenError(format!(
                "status_query: `{n}` must be a string field"
            )));
        };
        variants.push(type_ident(n));
        names.push(n.as_str());
        maxes.push(match max {
            Some(m) => quote!(Some(#m)),
            None => quote!(None),
        });
    }
    let list = names.join(" or ");
    let doc = format!(
        " The request of the status endpoints: {list}, exactly one (from `{}`).",
        q.source
    );
    let missing = format!("The {list} field is required.").replace('_', " ");
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum StatusQuery {
            #( #[doc = concat!(" By `", #names, "`.")] #variants(String), )*
        }
        impl StatusQuery {
            /// Checks the documented limit of the value.
            pub fn validate(&self) -> Result<(), InvalidRequest> {
                let mut v = Validator::new();
                match self { #( Self::#variants(x) => v.string(#names, x, #maxes), )* }
                v.finish()
            }
            /// The body to sign and send.
            pub fn to_body(&self) -> Result<Vec<u8>, serde_json::Error> {
                crate::php_json::to_vec(self)
            }
            /// Reads a query from a JSON object; the first of the documented keys present wins.
            pub fn from_json(value: &Value) -> Result<Self, InvalidRequest> {
                let Some(object) = value.as_object() else {
                    return Err(InvalidRequest::single("request", "The request must be a JSON object."));
                };
                #(
                    if let Some(v) = object.get(#names).filter(|v| !v.is_null()) {
                        let q = Self::#variants(read::text(#names, v).map_err(|m| InvalidRequest::single(#names, m))?);
                        q.validate()?;
                        return Ok(q);
                    }
                )*
                Err(InvalidRequest { errors: vec![ #( FieldError { field: #names.into(), message: #missing.into() } ),* ] })
            }
        }
        impl Serialize for StatusQuery {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                match self { #( Self::#variants(x) => m.serialize_entry(#names, x)?, )* }
                m.end()
            }
        }
    })
}

pub fn generate(spec: &Spec) -> Result<TokenStream, CodegenError> {
    let structs = spec
        .services
        .iter()
        .map(|s| service_struct(spec, s))
        .collect::<Result<Vec<_>, _>>()?;
    let payments = direction_enum(spec, Direction::Payment)?;
    let payouts = direction_enum(spec, Direction::Payout)?;
    let query = status_query(spec)?;
    Ok(quote! {
        //! Requests: one type per service, and the status query.
        use std::net::IpAddr;
        use serde::ser::{Serialize, SerializeMap, Serializer};
        use serde_json::{Map, Value};
        use crate::catalogue::Direction;
        use crate::validate::{read, required_message, FieldError, InvalidRequest, JsonFields, Validator};
        use crate::Amount;
        #( #structs )*
        #payments
        #payouts
        #query
    })
}
