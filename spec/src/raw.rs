//! The YAML as written, before any check. Unknown keys are rejected so a typo in a
//! key name is an error, not a silently missing fact.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    pub base_url: String,
    pub transcribes: Vec<String>,
    pub endpoints: Vec<Endpoint>,
    pub statuses: Vec<Status>,
    pub status_query: StatusQuery,
    pub records: indexmap_lite::OrderedMap<Record>,
    pub errors: indexmap_lite::OrderedMap<ErrorResponse>,
    #[serde(default)]
    pub contradictions: Vec<Contradiction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    pub method: String,
    pub path: String,
    pub certificate: String,
    pub request: String,
    pub response: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    pub value: String,
    #[serde(rename = "final")]
    pub is_final: bool,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    pub source: String,
    pub one_of: Vec<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub description: String,
    pub sources: Vec<String>,
    pub fields: Vec<RecordField>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordField {
    pub name: String,
    pub kind: Option<String>,
    #[serde(default)]
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorResponse {
    pub status: u16,
    pub body: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contradiction {
    pub id: String,
    pub readings: Vec<String>,
    pub decision: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentFile {
    pub document: String,
    pub title: String,
    pub region: String,
    pub currency: String,
    pub field_sets: indexmap_lite::OrderedMap<Vec<Field>>,
    pub services: Vec<Service>,
    #[serde(default)]
    pub bank_tables: indexmap_lite::OrderedMap<BankTable>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub required: bool,
    pub description: String,
    pub example: Option<String>,
    #[serde(default)]
    pub banks: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub code: String,
    pub direction: String,
    pub flow: Option<String>,
    #[serde(default)]
    pub returns: Vec<String>,
    pub section: String,
    pub fields: String,
    pub banks: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankTable {
    pub section: String,
    pub banks: Vec<Bank>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bank {
    pub code: String,
    pub name: Option<String>,
}

/// A YAML mapping that keeps the order it was written in (the documents' order is
/// the wire order and the catalogue order), and reports duplicate keys.
pub mod indexmap_lite {
    use super::*;
    use serde::de::{Deserializer, MapAccess, Visitor};
    use std::fmt;
    use std::marker::PhantomData;

    #[derive(Debug)]
    pub struct OrderedMap<V> {
        pub entries: Vec<(String, V)>,
        pub duplicates: Vec<String>,
    }

    impl<V> Default for OrderedMap<V> {
        fn default() -> Self {
            OrderedMap {
                entries: Vec::new(),
                duplicates: Vec::new(),
            }
        }
    }

    impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V2<V>(PhantomData<V>);
            impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
                type Value = OrderedMap<V>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a mapping")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                    let mut out = OrderedMap::default();
                    let mut seen = BTreeMap::new();
                    while let Some((k, v)) = a.next_entry::<String, V>()? {
                        if seen.insert(k.clone(), ()).is_some() {
                            out.duplicates.push(k.clone());
                        }
                        out.entries.push((k, v));
                    }
                    Ok(out)
                }
            }
            d.deserialize_map(V2(PhantomData))
        }
    }
}
