//! The catalogue: static data for `alikassa_types::catalogue`, and the same facts as
//! JSON for `cargo xtask catalogue` / `alikassa services --json`.

use alikassa_spec::{Direction, Flow, Service, Spec};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Value};

fn banks<'a>(spec: &'a Spec, s: &Service) -> Vec<(&'a str, &'a str)> {
    s.bank_table
        .as_ref()
        .and_then(|t| spec.bank_table(t))
        .map(|t| {
            t.banks
                .iter()
                .map(|b| (b.code.as_str(), b.display_name()))
                .collect()
        })
        .unwrap_or_default()
}

pub fn rust(spec: &Spec) -> TokenStream {
    let services = spec.services.iter().map(|s| {
        let code = &s.code;
        let direction = match s.direction {
            Direction::Payment => quote!(Direction::Payment),
            Direction::Payout => quote!(Direction::Payout),
        };
        let flow = match s.flow {
            Some(Flow::Hosted) => quote!(Some(Flow::Hosted)),
            Some(Flow::HostToHost) => quote!(Some(Flow::HostToHost)),
            None => quote!(None),
        };
        let (region, currency, source, section) = (&s.region, &s.currency, &s.source, &s.section);
        let returns = &s.returns;
        let fields = s.fields.iter().map(|f| {
            let (name, required, ty, description) = (&f.name, f.required, &f.documented_type, &f.description);
            quote!(FieldInfo { name: #name, required: #required, documented_type: #ty, description: #description })
        });
        let banks = banks(spec, s).into_iter().map(|(code, name)| quote!(BankInfo { code: #code, name: #name }));
        quote! {
            ServiceInfo {
                code: #code,
                direction: #direction,
                flow: #flow,
                region: #region,
                currency: #currency,
                source: #source,
                section: #section,
                returns: &[ #( #returns ),* ],
                fields: &[ #( #fields ),* ],
                banks: &[ #( #banks ),* ],
            }
        }
    });
    quote! {
        //! The catalogue's data.
        use crate::catalogue::{BankInfo, Direction, FieldInfo, Flow, ServiceInfo};
        /// Every service, in document order.
        pub static SERVICES: &[ServiceInfo] = &[ #( #services ),* ];
        /// The same, as JSON.
        pub const CATALOGUE_JSON: &str = include_str!("catalogue.json");
    }
}

pub fn json(spec: &Spec) -> String {
    let services: Vec<Value> = spec
        .services
        .iter()
        .map(|s| {
            let fields: Vec<Value> = s
                .fields
                .iter()
                .map(|f| {
                    let mut v = json!({"name": f.name, "required": f.required, "type": f.documented_type, "description": f.description});
                    if let Some(fmt) = f.format {
                        v["format"] = json!(format!("{fmt:?}").to_lowercase());
                    }
                    if f.banks {
                        v["bank_table"] = json!(s.bank_table);
                    }
                    v
                })
                .collect();
            let banks: Vec<Value> = banks(spec, s).into_iter().map(|(code, name)| json!({"code": code, "name": name})).collect();
            json!({
                "code": s.code,
                "direction": s.direction.as_str(),
                "region": s.region,
                "currency": s.currency,
                "flow": s.flow.map(|f| f.as_str()),
                "source": s.source,
                "section": s.section,
                "returns": s.returns,
                "fields": fields,
                "banks": banks,
            })
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&json!({ "services": services })).unwrap_or_default();
    out.push('\n');
    out
}
