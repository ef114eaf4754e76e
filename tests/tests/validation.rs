//! Validation of every field kind on the generated types, through both doors: the
//! typed constructors (`validate`) and JSON (`from_json`, what the sandbox and the
//! command line use).

use alikassa_types::requests::{OnlineBankingIdrHpp, PaymentCardSbpRub, VirtualAccountRub};
use alikassa_types::{banks::OnlineBankingIdrHppBank, Amount, PaymentRequest, PayoutRequest};
use proptest::prelude::*;
use serde_json::{json, Value};

fn idr(order_id: &str) -> OnlineBankingIdrHpp {
    OnlineBankingIdrHpp::new(
        "100".parse().unwrap(),
        order_id,
        "10.0.0.1".parse().unwrap(),
        OnlineBankingIdrHppBank::Bni,
        "Budi",
        "Santoso",
    )
}

fn fields_at_fault(e: &alikassa_types::InvalidRequest) -> Vec<&str> {
    e.errors.iter().map(|f| f.field.as_str()).collect()
}

proptest! {
    #[test]
    fn string_128_limit(len in 0usize..300, ch in prop::sample::select(vec!['a', 'я', '字', '😀'])) {
        let id: String = std::iter::repeat_n(ch, len).collect();
        let r = idr(&id).validate();
        prop_assert_eq!(r.is_ok(), (1..=128).contains(&len));
        if let Err(e) = r {
            prop_assert_eq!(fields_at_fault(&e), vec!["order_id"]);
        }
    }

    #[test]
    fn max_255_urls(len in 200usize..300) {
        let url = format!("https://x/{}", "a".repeat(len - 10));
        let r = idr("1").notification_endpoint_url(url.clone()).validate();
        prop_assert_eq!(r.is_ok(), url.chars().count() <= 255);
    }

    #[test]
    fn phone_numbers(digits in "[0-9]{0,20}", junk in prop::option::of("[+ ()-]")) {
        let number = match &junk { Some(j) => format!("{j}{digits}"), None => digits.clone() };
        let r = PaymentCardSbpRub::new("1".parse().unwrap(), "o", number.clone(), "100000000111").validate();
        prop_assert_eq!(r.is_ok(), junk.is_none() && (10..=15).contains(&digits.len()), "{}", number);
    }

    #[test]
    fn bic_is_nine_digits(bic in "[0-9a]{0,12}") {
        let r = VirtualAccountRub::new("1".parse().unwrap(), "o", "40817120273018899310", "100000000111", bic.clone()).validate();
        prop_assert_eq!(r.is_ok(), bic.len() == 9 && bic.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn ints_from_json(n in any::<i64>(), as_string in any::<bool>()) {
        let v = if as_string { json!(n.to_string()) } else { json!(n) };
        let r = PaymentRequest::from_json(&json!({
            "amount": "1.00", "order_id": "o", "service": "payment_card_bdt_hpp", "customer_ip": "1.2.3.4",
            "customer_code": "bkash", "success_redirect_id": v,
        }));
        prop_assert_eq!(r.is_ok(), n >= 0);
    }

    #[test]
    fn amounts_from_json(cents in 0u64..200_000_000_000, as_number in any::<bool>()) {
        let text = format!("{}.{:02}", cents / 100, cents % 100);
        let v: Value = if as_number { serde_json::from_str(&text).unwrap() } else { json!(text) };
        let r = PayoutRequest::from_json(&json!({
            "amount": v, "order_id": "o", "service": "payment_card_sbp_rub", "number": "79031112233", "customer_code": "100000000111",
        }));
        let ok = cents > 0 && cents < 100_000_000_000;
        prop_assert_eq!(r.is_ok(), ok, "{}", text);
        if let Ok(r) = r {
            prop_assert_eq!(r.amount(), text.parse::<Amount>().unwrap());
        }
    }

    #[test]
    fn ips_from_json(a in any::<[u8; 4]>(), v6 in any::<bool>()) {
        let ip = if v6 { std::net::Ipv6Addr::from([a[0], a[1], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, a[2], a[3], 0, 1]).to_string() } else { std::net::Ipv4Addr::from(a).to_string() };
        let r = PaymentRequest::from_json(&json!({
            "amount": 5, "order_id": 17, "service": "payment_card_sbp_rub_card", "customer_ip": ip, "customer_user_id": "u1",
        }));
        prop_assert!(r.is_ok());
    }
}

#[test]
fn json_reports_every_problem_at_once() {
    let e = PaymentRequest::from_json(&json!({
        "service": "online_banking_idr_hpp",
        "amount": "1.001",
        "order_id": "",
        "customer_ip": "300.1.1.1",
        "customer_code": "NOPE",
        "customer_first_name": "Budi",
        "success_redirect_id": "x",
    }))
    .unwrap_err();
    assert_eq!(
        fields_at_fault(&e),
        [
            "amount",
            "order_id",
            "customer_ip",
            "customer_code",
            "customer_last_name",
            "success_redirect_id"
        ]
    );
    let laravel = Value::Object(e.to_laravel_errors());
    assert_eq!(
        laravel["order_id"],
        json!(["The order id field is required."])
    );
    assert_eq!(
        laravel["customer_ip"],
        json!(["The customer ip must be a valid IP address."])
    );
    assert_eq!(
        laravel["customer_code"],
        json!(["The selected customer code is invalid."])
    );
    assert_eq!(
        laravel["amount"],
        json!(["The amount must have at most 2 decimal places."])
    );
}

#[test]
fn the_body_is_php_json_in_documented_order() {
    let r = OnlineBankingIdrHpp::new(
        "500".parse().unwrap(),
        "A/1",
        "18.191.80.10".parse().unwrap(),
        OnlineBankingIdrHppBank::Bca,
        "Иван",
        "O'Brien",
    )
    .notification_endpoint_url("https://shop.example/notify?a=1&b=2")
    .success_redirect_id(1);
    let body = PaymentRequest::from(r).to_body().unwrap();
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"amount":"500.00","order_id":"A\/1","service":"online_banking_idr_hpp","customer_ip":"18.191.80.10","customer_code":"BCA","customer_first_name":"\u0418\u0432\u0430\u043d","customer_last_name":"O'Brien","success_redirect_id":1,"notification_endpoint_url":"https:\/\/shop.example\/notify?a=1&b=2"}"#
    );
}
