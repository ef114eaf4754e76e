//! The endpoints: path and signing certificate of each operation.

use alikassa_spec::{Certificate, Spec};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn generate(spec: &Spec) -> TokenStream {
    let base_url = &spec.base_url;
    let consts = spec.endpoints.iter().map(|e| {
        let id = format_ident!("{}", e.name.to_uppercase());
        let (name, method, path) = (&e.name, &e.method, &e.path);
        let certificate = match e.certificate {
            Certificate::Payment => quote!(Certificate::Payment),
            Certificate::Payout => quote!(Certificate::Payout),
        };
        let doc = format!(" `{method} {path}`, signed with the {} certificate (from {}).", format!("{:?}", e.certificate).to_lowercase(), e.sources.join(", "));
        quote! {
            #[doc = #doc]
            pub const #id: Endpoint = Endpoint { name: #name, method: #method, path: #path, certificate: #certificate };
        }
    });
    let ids = spec
        .endpoints
        .iter()
        .map(|e| format_ident!("{}", e.name.to_uppercase()));
    quote! {
        //! Endpoints of the API.
        use crate::catalogue::{Certificate, Endpoint};
        /// The production base URL.
        pub const BASE_URL: &str = #base_url;
        #( #consts )*
        /// Every endpoint.
        pub const ALL: &[Endpoint] = &[ #( #ids ),* ];
    }
}
