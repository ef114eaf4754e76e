//! Reading the YAML and checking it: every cross-reference resolves, nothing is
//! defined twice, every type parses. All problems are collected, each naming its
//! file and entry.

use std::collections::BTreeSet;
use std::path::Path;

use crate::error::{SpecError, SpecErrors};
use crate::field_type::{FieldKind, Format};
use crate::model::*;
use crate::raw;

/// Loads `DIR/api.yaml` and `DIR/documents/*.yaml`.
pub fn load(dir: impl AsRef<Path>) -> Result<Spec, SpecErrors> {
    let dir = dir.as_ref();
    let fail = |file: &str, problem: String| {
        SpecErrors(vec![SpecError {
            file: file.into(),
            entry: String::new(),
            problem,
        }])
    };
    let api = std::fs::read_to_string(dir.join("api.yaml"))
        .map_err(|e| fail("api.yaml", format!("cannot read: {e}")))?;
    let docs_dir = dir.join("documents");
    let mut names: Vec<_> = std::fs::read_dir(&docs_dir)
        .map_err(|e| fail("documents", format!("cannot read directory: {e}")))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut docs = Vec::new();
    for n in names {
        let file = format!("documents/{n}");
        let text = std::fs::read_to_string(docs_dir.join(&n))
            .map_err(|e| fail(&file, format!("cannot read: {e}")))?;
        docs.push((file, text));
    }
    load_from_sources(&api, &docs)
}

/// Loads a spec from text: `api.yaml`'s contents and `(file name, contents)` of each
/// document file. Used by [`load`] and by tests on in-memory fixtures.
pub fn load_from_sources(api: &str, documents: &[(String, String)]) -> Result<Spec, SpecErrors> {
    let mut cx = Checker::default();
    let api: Option<raw::Api> = cx.parse("api.yaml", api);
    let mut raw_docs = Vec::new();
    for (file, text) in documents {
        if let Some(d) = cx.parse::<raw::DocumentFile>(file, text) {
            raw_docs.push((file.clone(), d));
        }
    }
    // A file that does not parse makes every later check noise: report parse errors alone.
    let Some(api) = api.filter(|_| cx.errors.is_empty()) else {
        return Err(SpecErrors(cx.errors));
    };
    // Documents in the provider's order (their file names are numbered).
    raw_docs.sort_by(|a, b| a.1.document.cmp(&b.1.document));

    let mut spec = Spec {
        base_url: api.base_url.clone(),
        endpoints: Vec::new(),
        statuses: Vec::new(),
        status_query: StatusQuery {
            source: String::new(),
            one_of: Vec::new(),
            fields: Vec::new(),
        },
        records: Vec::new(),
        error_responses: Vec::new(),
        contradictions: Vec::new(),
        documents: Vec::new(),
        services: Vec::new(),
        bank_tables: Vec::new(),
    };
    for (file, d) in &raw_docs {
        cx.document(&mut spec, file, d);
    }
    let known_sources: BTreeSet<String> = spec
        .documents
        .iter()
        .map(|d| d.source.clone())
        .chain(api.transcribes.iter().cloned())
        .collect();
    cx.api(&mut spec, &api, &known_sources);

    if cx.errors.is_empty() {
        Ok(spec)
    } else {
        Err(SpecErrors(cx.errors))
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<SpecError>,
}

impl Checker {
    fn err(&mut self, file: &str, entry: impl Into<String>, problem: impl Into<String>) {
        self.errors.push(SpecError {
            file: file.into(),
            entry: entry.into(),
            problem: problem.into(),
        });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: &str, text: &str) -> Option<T> {
        match serde_yaml::from_str(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.err(file, "", e.to_string());
                None
            }
        }
    }

    fn duplicates<'a>(
        &mut self,
        file: &str,
        entry: &str,
        what: &str,
        names: impl Iterator<Item = &'a str>,
    ) {
        let mut seen = BTreeSet::new();
        for n in names {
            if !seen.insert(n) {
                self.err(file, entry, format!("{what} `{n}` is defined twice"));
            }
        }
    }

    fn field(&mut self, file: &str, entry: &str, f: &raw::Field) -> Option<Field> {
        let entry = format!("{entry}: field `{}`", f.name);
        let Some(ty) = &f.ty else {
            let what = if f.required {
                "required field"
            } else {
                "field"
            };
            self.err(file, &entry, format!("{what} without a type"));
            return None;
        };
        let Some(kind) = FieldKind::parse(ty) else {
            self.err(file, &entry, format!("unknown type `{ty}` (expected decimal (P.S), string, string (N), string|max:N, ip, int or phone)"));
            return None;
        };
        let format = match &f.format {
            None => None,
            Some(s) => match Format::parse(s) {
                Some(fm) => Some(fm),
                None => {
                    self.err(file, &entry, format!("unknown format `{s}` (expected bic)"));
                    return None;
                }
            },
        };
        if format.is_some() && !matches!(kind, FieldKind::String { .. }) {
            self.err(file, &entry, "a format applies to string fields only");
        }
        if f.banks && !matches!(kind, FieldKind::String { .. }) {
            self.err(file, &entry, "a bank-code field must be a string");
        }
        Some(Field {
            name: f.name.clone(),
            documented_type: ty.clone(),
            kind,
            format,
            required: f.required,
            description: f.description.clone(),
            example: f.example.clone(),
            banks: f.banks,
        })
    }

    fn document(&mut self, spec: &mut Spec, file: &str, d: &raw::DocumentFile) {
        spec.documents.push(Document {
            spec_file: file.to_string(),
            source: d.document.clone(),
            title: d.title.clone(),
            region: d.region.clone(),
            currency: d.currency.clone(),
        });
        for dup in &d.field_sets.duplicates {
            self.err(file, format!("field set `{dup}`"), "defined twice");
        }
        for dup in &d.bank_tables.duplicates {
            self.err(file, format!("bank table `{dup}`"), "defined twice");
        }
        let mut used_sets = BTreeSet::new();
        let mut used_tables = BTreeSet::new();
        for s in &d.services {
            let entry = format!("service `{}`", s.code);
            if spec.services.iter().any(|o| o.code == s.code) {
                self.err(file, &entry, "service code is defined twice");
                continue;
            }
            let direction = match s.direction.as_str() {
                "payment" => Direction::Payment,
                "payout" => Direction::Payout,
                other => {
                    self.err(
                        file,
                        &entry,
                        format!("unknown direction `{other}` (expected payment or payout)"),
                    );
                    continue;
                }
            };
            let flow = match (direction, s.flow.as_deref()) {
                (Direction::Payment, Some("hosted")) => Some(Flow::Hosted),
                (Direction::Payment, Some("host_to_host")) => Some(Flow::HostToHost),
                (Direction::Payment, Some(other)) => {
                    self.err(
                        file,
                        &entry,
                        format!("unknown flow `{other}` (expected hosted or host_to_host)"),
                    );
                    None
                }
                (Direction::Payment, None) => {
                    self.err(file, &entry, "a payment service needs a flow");
                    None
                }
                (Direction::Payout, Some(_)) => {
                    self.err(file, &entry, "a payout has no flow");
                    None
                }
                (Direction::Payout, None) => None,
            };
            if direction == Direction::Payment && s.returns.is_empty() {
                self.err(
                    file,
                    &entry,
                    "a payment service must say which response fields it returns",
                );
            }
            if direction == Direction::Payout && !s.returns.is_empty() {
                self.err(file, &entry, "`returns` applies to payments only");
            }
            // Count references first, so one broken service does not make its table
            // and field set look unused as well.
            used_sets.insert(s.fields.clone());
            if let Some(t) = &s.banks {
                used_tables.insert(t.clone());
            }
            let Some((_, raw_fields)) = d.field_sets.entries.iter().find(|(n, _)| *n == s.fields)
            else {
                self.err(
                    file,
                    &entry,
                    format!("field set `{}` is not defined", s.fields),
                );
                continue;
            };
            let set_entry = format!("field set `{}`", s.fields);
            let fields: Vec<Field> = raw_fields
                .iter()
                .filter_map(|f| self.field(file, &set_entry, f))
                .collect();
            if fields.len() != raw_fields.len() {
                continue;
            }
            self.duplicates(
                file,
                &set_entry,
                "field",
                fields.iter().map(|f| f.name.as_str()),
            );
            if !fields.iter().any(|f| f.name == "service" && f.required) {
                self.err(file, &set_entry, "has no required `service` field");
            }
            let bank_fields = fields.iter().filter(|f| f.banks).count();
            match (&s.banks, bank_fields) {
                (Some(t), 1) => {
                    if !d.bank_tables.entries.iter().any(|(n, _)| n == t) {
                        self.err(file, &entry, format!("bank table `{t}` is not defined"));
                    }
                }
                (Some(_), 0) => self.err(
                    file,
                    &entry,
                    format!(
                        "has a bank table but field set `{}` marks no field `banks: true`",
                        s.fields
                    ),
                ),
                (None, 0) => {}
                (None, _) => self.err(
                    file,
                    &entry,
                    format!(
                        "field set `{}` has a bank-code field but the service names no bank table",
                        s.fields
                    ),
                ),
                (_, _) => self.err(
                    file,
                    &set_entry,
                    "more than one field is marked `banks: true`",
                ),
            }
            spec.services.push(Service {
                code: s.code.clone(),
                direction,
                flow,
                returns: s.returns.clone(),
                region: d.region.clone(),
                currency: d.currency.clone(),
                source: d.document.clone(),
                section: s.section.clone(),
                fields,
                bank_table: s.banks.clone(),
            });
        }
        for (name, _) in &d.field_sets.entries {
            if !used_sets.contains(name) {
                self.err(file, format!("field set `{name}`"), "is used by no service");
            }
        }
        for (name, t) in &d.bank_tables.entries {
            let entry = format!("bank table `{name}`");
            if !used_tables.contains(name) {
                self.err(file, &entry, "is used by no service");
            }
            if spec.bank_tables.iter().any(|o| &o.name == name) {
                self.err(
                    file,
                    &entry,
                    "a bank table of this name is defined in another document",
                );
                continue;
            }
            if t.banks.is_empty() {
                self.err(file, &entry, "has no banks");
            }
            self.duplicates(
                file,
                &entry,
                "bank code",
                t.banks.iter().map(|b| b.code.as_str()),
            );
            for b in &t.banks {
                if b.code.is_empty() || !b.code.chars().all(|c| c.is_ascii_alphanumeric()) {
                    self.err(
                        file,
                        &entry,
                        format!("bank code `{}` is not alphanumeric", b.code),
                    );
                }
            }
            spec.bank_tables.push(BankTable {
                name: name.clone(),
                source: d.document.clone(),
                section: t.section.clone(),
                banks: t
                    .banks
                    .iter()
                    .map(|b| Bank {
                        code: b.code.clone(),
                        name: b.name.clone(),
                    })
                    .collect(),
            });
        }
    }

    fn sources(&mut self, entry: &str, sources: &[String], known: &BTreeSet<String>) {
        for s in sources {
            if !known.contains(s) {
                self.err("api.yaml", entry, format!("source `{s}` is neither a document file's `document:` nor listed in `transcribes:`"));
            }
        }
    }

    fn api(&mut self, spec: &mut Spec, api: &raw::Api, known: &BTreeSet<String>) {
        const FILE: &str = "api.yaml";
        for dup in &api.records.duplicates {
            self.err(FILE, format!("record `{dup}`"), "defined twice");
        }
        for (name, r) in &api.records.entries {
            let entry = format!("record `{name}`");
            self.sources(&entry, &r.sources, known);
            self.duplicates(
                FILE,
                &entry,
                "field",
                r.fields.iter().map(|f| f.name.as_str()),
            );
            let mut fields = Vec::new();
            for f in &r.fields {
                let fentry = format!("{entry}: field `{}`", f.name);
                let kind = match f.kind.as_deref() {
                    Some("string") => RecordKind::String,
                    Some("int") => RecordKind::Int,
                    Some("amount") => RecordKind::Amount,
                    Some("bool") => RecordKind::Bool,
                    Some("status") => RecordKind::Status,
                    Some(other) => {
                        self.err(FILE, &fentry, format!("unknown kind `{other}` (expected string, int, amount, bool or status)"));
                        continue;
                    }
                    None => {
                        self.err(FILE, &fentry, "field without a kind");
                        continue;
                    }
                };
                fields.push(RecordField {
                    name: f.name.clone(),
                    kind,
                    required: f.required,
                    description: f.description.clone(),
                });
            }
            spec.records.push(Record {
                name: name.clone(),
                description: r.description.clone(),
                sources: r.sources.clone(),
                fields,
            });
        }

        let mut names = BTreeSet::new();
        for e in &api.endpoints {
            let entry = format!("endpoint `{}`", e.name);
            if !names.insert(e.name.clone()) {
                self.err(FILE, &entry, "defined twice");
            }
            self.sources(&entry, &e.sources, known);
            if spec.record(&e.response).is_none() {
                self.err(
                    FILE,
                    &entry,
                    format!("response record `{}` is not defined", e.response),
                );
            }
            let certificate = match e.certificate.as_str() {
                "payment" => Certificate::Payment,
                "payout" => Certificate::Payout,
                other => {
                    self.err(
                        FILE,
                        &entry,
                        format!("unknown certificate `{other}` (expected payment or payout)"),
                    );
                    continue;
                }
            };
            let request = match e.request.as_str() {
                "service" => EndpointRequest::Service,
                "status_query" => EndpointRequest::StatusQuery,
                "empty" => EndpointRequest::Empty,
                other => {
                    self.err(
                        FILE,
                        &entry,
                        format!(
                            "unknown request `{other}` (expected service, status_query or empty)"
                        ),
                    );
                    continue;
                }
            };
            spec.endpoints.push(Endpoint {
                name: e.name.clone(),
                method: e.method.clone(),
                path: e.path.clone(),
                certificate,
                request,
                response: e.response.clone(),
                sources: e.sources.clone(),
            });
        }

        self.duplicates(
            FILE,
            "statuses",
            "status",
            api.statuses.iter().map(|s| s.value.as_str()),
        );
        spec.statuses = api
            .statuses
            .iter()
            .map(|s| Status {
                value: s.value.clone(),
                is_final: s.is_final,
                description: s.description.clone(),
            })
            .collect();

        let q = &api.status_query;
        self.sources("status_query", std::slice::from_ref(&q.source), known);
        let fields: Vec<Field> = q
            .fields
            .iter()
            .filter_map(|f| self.field(FILE, "status_query", f))
            .collect();
        for n in &q.one_of {
            if !fields.iter().any(|f| &f.name == n) {
                self.err(
                    FILE,
                    "status_query",
                    format!("one_of names `{n}`, which is not one of its fields"),
                );
            }
        }
        spec.status_query = StatusQuery {
            source: q.source.clone(),
            one_of: q.one_of.clone(),
            fields,
        };

        for (name, e) in &api.errors.entries {
            self.sources(&format!("error `{name}`"), &e.sources, known);
            spec.error_responses.push(ErrorResponse {
                name: name.clone(),
                status: e.status,
                body: e.body.clone(),
                sources: e.sources.clone(),
            });
        }
        self.duplicates(
            FILE,
            "contradictions",
            "contradiction",
            api.contradictions.iter().map(|c| c.id.as_str()),
        );
        spec.contradictions = api
            .contradictions
            .iter()
            .map(|c| Contradiction {
                id: c.id.clone(),
                readings: c.readings.clone(),
                decision: c.decision.clone(),
            })
            .collect();

        // Services name the response fields they return: those must exist.
        if let Some(created) = spec.record("payment_created").cloned() {
            for s in &spec.services {
                for r in &s.returns {
                    if !created.fields.iter().any(|f| &f.name == r) {
                        let file = spec
                            .documents
                            .iter()
                            .find(|d| d.source == s.source)
                            .map(|d| d.spec_file.clone())
                            .unwrap_or_default();
                        self.err(
                            &file,
                            format!("service `{}`", s.code),
                            format!("returns `{r}`, which record `payment_created` does not have"),
                        );
                    }
                }
            }
        } else if spec.services.iter().any(|s| !s.returns.is_empty()) {
            self.err(
                FILE,
                "records",
                "record `payment_created` is not defined but services name fields they return",
            );
        }
        // Bank tables in the order of the services that use them.
        let order: Vec<String> = spec
            .services
            .iter()
            .filter_map(|s| s.bank_table.clone())
            .collect();
        spec.bank_tables.sort_by_key(|t| {
            order
                .iter()
                .position(|o| *o == t.name)
                .unwrap_or(usize::MAX)
        });
    }
}
