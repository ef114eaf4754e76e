//! The real spec: what the documents hold, as the catalogue and the generated types
//! expose it.

use std::collections::BTreeMap;

use alikassa_types::catalogue::{self, Direction};
use serde_json::Value;

fn spec() -> alikassa_spec::Spec {
    alikassa_spec::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec")).expect("spec/ loads")
}

#[test]
fn catalogue_snapshot() {
    // Reviewing this diff is how a document change is reviewed.
    let json: Value = serde_json::from_str(catalogue::catalogue_json()).unwrap();
    insta::assert_json_snapshot!("catalogue", json);
}

#[test]
fn catalogue_json_is_what_the_spec_gives() {
    assert_eq!(
        catalogue::catalogue_json(),
        alikassa_codegen::catalogue_json(&spec())
    );
}

#[test]
fn every_documented_service_is_there() {
    let services = catalogue::services();
    let mut per_region: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for s in services {
        *per_region
            .entry((s.region, s.direction.as_str()))
            .or_default() += 1;
    }
    let expected: BTreeMap<(&str, &str), usize> = [
        (("ID", "payment"), 4),
        (("MY", "payment"), 3),
        (("BD", "payment"), 1),
        (("RU", "payment"), 6),
        (("ID", "payout"), 1),
        (("MY", "payout"), 1),
        (("RU", "payout"), 2),
    ]
    .into_iter()
    .collect();
    assert_eq!(per_region, expected);
    assert_eq!(services.len(), 18);
    let currencies: BTreeMap<&str, &str> =
        services.iter().map(|s| (s.region, s.currency)).collect();
    assert_eq!(
        currencies,
        [("BD", "BDT"), ("ID", "IDR"), ("MY", "MYR"), ("RU", "RUB")]
            .into_iter()
            .collect()
    );
}

#[test]
fn bank_tables_hold_all_108_codes() {
    let spec = spec();
    assert_eq!(spec.bank_tables.len(), 10);
    assert_eq!(
        spec.bank_tables
            .iter()
            .map(|t| t.banks.len())
            .sum::<usize>(),
        108
    );
    let sizes: Vec<(&str, usize)> = spec
        .bank_tables
        .iter()
        .map(|t| (t.name.as_str(), t.banks.len()))
        .collect();
    assert_eq!(
        sizes,
        [
            ("online_banking_idr_hpp", 7),
            ("qr_code_idr_hpp", 6),
            ("virtual_account_idr_hpp", 9),
            ("local_bank_transfer_idr_hpp", 4),
            ("payment_card_idr", 25),
            ("online_banking_myr_hpp", 33),
            ("qr_code_myr_hpp", 1),
            ("e_wallet_myr_hpp", 4),
            ("payment_card_myr", 16),
            ("payment_card_bdt_hpp", 3),
        ]
    );
}

#[test]
fn required_fields_are_the_documented_ones() {
    let required = |code: &str| -> Vec<&str> {
        catalogue::service(code)
            .unwrap()
            .required_fields()
            .collect()
    };
    let id_payment = [
        "amount",
        "order_id",
        "service",
        "customer_ip",
        "customer_code",
        "customer_first_name",
        "customer_last_name",
    ];
    for code in [
        "online_banking_idr_hpp",
        "qr_code_idr_hpp",
        "virtual_account_idr_hpp",
        "local_bank_transfer_idr_hpp",
        "online_banking_myr_hpp",
        "qr_code_myr_hpp",
        "e_wallet_myr_hpp",
    ] {
        assert_eq!(required(code), id_payment, "{code}");
    }
    assert_eq!(
        required("payment_card_bdt_hpp"),
        [
            "amount",
            "order_id",
            "service",
            "customer_ip",
            "customer_code"
        ]
    );
    for code in [
        "payment_card_number_rub_hpp",
        "payment_card_sbp_rub_card",
        "payment_card_sberpay_rub_card",
        "virtual_account_rub_hpp",
        "virtual_account_rub_card",
    ] {
        assert_eq!(
            required(code),
            [
                "amount",
                "order_id",
                "service",
                "customer_ip",
                "customer_user_id"
            ],
            "{code}"
        );
    }
    assert_eq!(
        required("payment_card_number_card"),
        [
            "amount",
            "order_id",
            "service",
            "customer_ip",
            "customer_user_id",
            "customer_code"
        ]
    );
    let card_payout = [
        "amount",
        "order_id",
        "service",
        "number",
        "customer_code",
        "customer_first_name",
        "customer_last_name",
    ];
    assert_eq!(required("payment_card_idr"), card_payout);
    assert_eq!(required("payment_card_myr"), card_payout);
    assert_eq!(
        required("payment_card_sbp_rub"),
        ["amount", "order_id", "service", "number", "customer_code"]
    );
    assert_eq!(
        required("virtual_account_rub"),
        [
            "amount",
            "order_id",
            "service",
            "number",
            "customer_code",
            "bik_bank"
        ]
    );
}

/// A valid value for a field of the given documented type.
fn sample(name: &str, ty: &str, bank: Option<&str>) -> Value {
    if let Some(code) = bank {
        return Value::from(code);
    }
    match (name, ty) {
        (_, "decimal (11.2)") => Value::from("1500.50"),
        (_, "ip") => Value::from("18.191.80.10"),
        (_, "int") => Value::from(7),
        (_, "phone") => Value::from("79031112233"),
        ("bik_bank", _) => Value::from("041351902"),
        _ => Value::from(format!("{name}-value")),
    }
}

fn parse(
    direction: Direction,
    v: &Value,
) -> Result<(Vec<u8>, String), alikassa_types::InvalidRequest> {
    Ok(match direction {
        Direction::Payment => {
            let r = alikassa_types::PaymentRequest::from_json(v)?;
            (r.to_body().unwrap(), r.service().to_string())
        }
        _ => {
            let r = alikassa_types::PayoutRequest::from_json(v)?;
            (r.to_body().unwrap(), r.service().to_string())
        }
    })
}

#[test]
fn every_service_round_trips_with_exactly_its_fields() {
    for s in catalogue::services() {
        let first_bank = s.banks.first().map(|b| b.code);
        let field_value = |f: &catalogue::FieldInfo| {
            if f.name == "service" {
                Value::from(s.code)
            } else {
                sample(
                    f.name,
                    f.documented_type,
                    if f.name == "customer_code" {
                        first_bank
                    } else {
                        None
                    },
                )
            }
        };
        // Required fields only: the body holds exactly them, in documented order.
        let mut object = serde_json::Map::new();
        for f in s.fields.iter().filter(|f| f.required) {
            object.insert(f.name.to_string(), field_value(f));
        }
        object.insert("not_documented".into(), Value::from("dropped"));
        let (body, service) = parse(s.direction, &Value::Object(object))
            .unwrap_or_else(|e| panic!("{}: {e}", s.code));
        assert_eq!(service, s.code);
        let sent: serde_json::Map<String, Value> = serde_json::from_slice(&body).unwrap();
        let keys: Vec<&str> = sent.keys().map(String::as_str).collect();
        assert_eq!(keys, s.required_fields().collect::<Vec<_>>(), "{}", s.code);
        assert_eq!(sent["amount"], "1500.50");

        // Every field: all of them, in documented order.
        let all: serde_json::Map<String, Value> = s
            .fields
            .iter()
            .map(|f| (f.name.to_string(), field_value(f)))
            .collect();
        let (body, _) =
            parse(s.direction, &Value::Object(all)).unwrap_or_else(|e| panic!("{}: {e}", s.code));
        let sent: serde_json::Map<String, Value> = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            sent.keys().map(String::as_str).collect::<Vec<_>>(),
            s.fields.iter().map(|f| f.name).collect::<Vec<_>>()
        );

        // Each required field left out is reported by name.
        for f in s
            .fields
            .iter()
            .filter(|f| f.required && f.name != "service")
        {
            let partial: serde_json::Map<String, Value> = s
                .fields
                .iter()
                .filter(|g| g.required && g.name != f.name)
                .map(|g| (g.name.to_string(), field_value(g)))
                .collect();
            let err = parse(s.direction, &Value::Object(partial)).expect_err(f.name);
            assert_eq!(err.errors.len(), 1, "{}: {err}", s.code);
            assert_eq!(err.errors[0].field, f.name);
        }

        // Every bank code of the table is accepted; an unknown one is not.
        for b in s.banks {
            let mut object: serde_json::Map<String, Value> = s
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.to_string(), field_value(f)))
                .collect();
            object.insert("customer_code".into(), Value::from(b.code));
            let (body, _) = parse(s.direction, &Value::Object(object.clone())).unwrap();
            let sent: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(sent["customer_code"], b.code);
            object.insert("customer_code".into(), Value::from(format!("{}X", b.code)));
            let err = parse(s.direction, &Value::Object(object)).unwrap_err();
            assert_eq!(err.errors[0].field, "customer_code");
        }
    }
}

#[test]
fn a_service_of_the_other_direction_is_refused() {
    let v = serde_json::json!({"service": "payment_card_idr", "amount": "1.00"});
    let err = alikassa_types::PaymentRequest::from_json(&v).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request: service: The selected service is invalid."
    );
}

#[test]
fn bank_enums_match_the_catalogue() {
    use alikassa_types::banks::{
        OnlineBankingMyrHppBank, PaymentCardBdtHppBank, PaymentCardIdrBank,
    };
    assert_eq!(PaymentCardIdrBank::ALL.len(), 25);
    assert_eq!(PaymentCardIdrBank::Bjb.name(), "Bank Jabar (BJB)");
    assert_eq!(
        "SEABANK".parse::<PaymentCardIdrBank>().unwrap(),
        PaymentCardIdrBank::Seabank
    );
    assert!(
        "seabank".parse::<PaymentCardIdrBank>().is_err(),
        "codes are case-sensitive as documented"
    );
    assert_eq!(OnlineBankingMyrHppBank::Sctbfpx.to_string(), "SCTBFPX");
    assert_eq!(PaymentCardBdtHppBank::Bkash.code(), "bkash");
    for s in catalogue::services() {
        for b in s.banks {
            assert!(!b.name.is_empty());
        }
    }
}

#[test]
fn merchant_crates_do_not_compile_the_generator() {
    for krate in ["alikassa-types", "alikassa-client"] {
        let out = std::process::Command::new(env!("CARGO"))
            .args([
                "tree",
                "--offline",
                "-e",
                "normal,build",
                "--prefix",
                "none",
                "-p",
                krate,
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo tree runs");
        assert!(
            out.status.success(),
            "cargo tree -p {krate}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8_lossy(&out.stdout);
        // No proc macro at all: serde derives, thiserror and tokio/tracing macros
        // would each compile syn in a merchant's build.
        for forbidden in [
            "syn ",
            "quote ",
            "proc-macro2 ",
            "prettyplease ",
            "serde_yaml ",
            "alikassa-spec ",
            "alikassa-codegen ",
        ] {
            assert!(
                !tree.lines().any(|l| l.starts_with(forbidden)),
                "{krate} depends on {forbidden}:\n{tree}"
            );
        }
    }
}
