//! The generator's output on a small fixture spec, and the loader's messages on
//! broken variants of it. Reviewing these snapshots is how a generator change is
//! reviewed.

use std::path::PathBuf;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs/minimal")
}

fn fixture_sources() -> (String, Vec<(String, String)>) {
    let dir = fixture_dir();
    let api = std::fs::read_to_string(dir.join("api.yaml")).unwrap();
    let doc = std::fs::read_to_string(dir.join("documents/demo.yaml")).unwrap();
    (api, vec![("documents/demo.yaml".to_string(), doc)])
}

#[test]
fn generated_files_for_the_fixture_spec() {
    let spec = alikassa_spec::load(fixture_dir()).expect("the fixture spec loads");
    let files = alikassa_codegen::generate(&spec).expect("the fixture spec generates");
    for f in files {
        let name = f.path.replace('/', "__");
        insta::assert_snapshot!(format!("minimal__{name}"), f.contents);
    }
}

/// Applies `edits` (from, to) to the fixture's document (`doc`) or api (`api`) file
/// and returns the loader's error message.
fn broken(api_edits: &[(&str, &str)], doc_edits: &[(&str, &str)]) -> String {
    let (mut api, mut docs) = fixture_sources();
    for (from, to) in api_edits {
        assert!(api.contains(from), "fixture api.yaml has no `{from}`");
        api = api.replacen(from, to, 1);
    }
    for (from, to) in doc_edits {
        assert!(
            docs[0].1.contains(from),
            "fixture demo.yaml has no `{from}`"
        );
        docs[0].1 = docs[0].1.replacen(from, to, 1);
    }
    match alikassa_spec::load_from_sources(&api, &docs) {
        Ok(_) => panic!("the broken spec loaded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn loader_errors_name_file_and_entry() {
    let cases: Vec<(&str, String)> = vec![
        (
            "unknown_field_set",
            broken(&[], &[("fields: payment, banks", "fields: paymnt, banks")]),
        ),
        (
            "unknown_bank_table",
            broken(&[], &[("banks: demo_hpp }", "banks: demo_hp }")]),
        ),
        (
            "duplicate_bank_code",
            broken(&[], &[("code: xyz", "code: ABC")]),
        ),
        (
            "duplicate_service",
            broken(&[], &[("code: demo_payout", "code: demo_hpp")]),
        ),
        (
            "required_field_without_type",
            broken(
                &[],
                &[(
                    "name: customer_ip, type: ip, required",
                    "name: customer_ip, required",
                )],
            ),
        ),
        ("unknown_type", broken(&[], &[("type: ip", "type: ipv4")])),
        (
            "unknown_format",
            broken(&[], &[("format: bic", "format: iban")]),
        ),
        (
            "unknown_key",
            broken(
                &[],
                &[("title: Demo solution", "title: Demo solution\ntitel: typo")],
            ),
        ),
        (
            "payment_without_flow",
            broken(&[], &[("flow: hosted, ", "")]),
        ),
        (
            "returns_unknown_field",
            broken(&[], &[("returns: [url]", "returns: [link]")]),
        ),
        (
            "unknown_source",
            broken(
                &[("sources: [demo.txt] }", "sources: [nowhere.txt] }")],
                &[],
            ),
        ),
        (
            "unknown_record",
            broken(
                &[("response: payment_details", "response: payment_detail")],
                &[],
            ),
        ),
        (
            "unknown_record_kind",
            broken(&[("kind: bool", "kind: boolean")], &[]),
        ),
        (
            "one_of_not_a_field",
            broken(
                &[("one_of: [order_id, id]", "one_of: [order_id, uuid]")],
                &[],
            ),
        ),
        ("not_yaml", broken(&[], &[("field_sets:", "field_sets: [")])),
    ];
    for (name, message) in cases {
        insta::assert_snapshot!(format!("loader_error__{name}"), message);
    }
}
