//! The provider's documented answers decode into the generated records.

use alikassa_types::{
    Amount, PaymentCreated, PaymentDetails, PaymentStatus, PayoutCreated, PayoutDetails,
};

/// The "Success Response (HTTP 200)" of 004 (Check Payment Status), verbatim.
const STATUS_SAMPLE: &str = r#"{
"url": "https://redirectlinkpay.com/293259c3-688b-33c1-a832-d77e1cd82f45",
"antiFraud": false,
"payment_status": "paid",
"id": 112412553,
"order_id": "1756900030",
"amount": "10.000000000",
"payment_amount": "10.000000000",
"is_partial_payment": false,
"hold_amount": "",
"hold_at": null,
"account_payment_amount": "9.000000000",
"commission_amount": "1.000000000",
"currency": "EUR",
"service_code": "payment_card_eur_card",
"account_old_balance": "16.00000000",
"account_new_balance": "25.00000000",
"crypto_network": null,
"crypto_txid": null,
"customer_phone": null,
"customer_card_number": null,
"payment_error_message": null,
"card_number": null,
"card_holder_name": null,
"bank": null,
"bik_bank": null
}"#;

#[test]
fn the_status_sample_decodes() {
    let d: PaymentDetails = serde_json::from_str(STATUS_SAMPLE).unwrap();
    assert_eq!(d.id, 112412553);
    assert_eq!(d.payment_status, PaymentStatus::Paid);
    assert!(d.payment_status.is_final());
    assert_eq!(d.anti_fraud, Some(false));
    assert_eq!(d.amount, Some("10".parse::<Amount>().unwrap()));
    assert_eq!(d.amount.unwrap().to_string(), "10.000000000");
    assert_eq!(d.hold_amount, None);
    assert_eq!(d.hold_at, None);
    assert_eq!(
        d.commission_amount.unwrap().as_decimal() + d.account_payment_amount.unwrap().as_decimal(),
        d.amount.unwrap().as_decimal()
    );
    assert_eq!(d.currency.as_deref(), Some("EUR"));
    // Written back, the amounts are as the provider wrote them.
    let back = serde_json::to_value(&d).unwrap();
    assert_eq!(back["amount"], "10.000000000");
    assert_eq!(back["account_old_balance"], "16.00000000");
    assert_eq!(back["antiFraud"], false);
}

#[test]
fn creation_samples_decode() {
    // 000 "Success Response Example" and 002's host-to-host card example.
    let hosted: PaymentCreated = serde_json::from_str(
        r#"{"url": "https://pay-merchant.alikassa.com/bd291fe1-5c19-4113-ae62-a2d3c4d01d20", "payment_status": "wait", "id": 108465371, "uuid": "bd291fe1-5c19-4113-ae62-a2d3c4d01d20", "success_redirect_url": null}"#,
    )
    .unwrap();
    assert_eq!(hosted.id, 108465371);
    assert_eq!(hosted.payment_status, PaymentStatus::Wait);
    assert!(!hosted.payment_status.is_final());
    assert_eq!(hosted.card_number, None);
    let h2h: PaymentCreated = serde_json::from_str(
        r#"{"url": null, "payment_status": "wait", "id": 108465371, "uuid": "bd291fe1-5c19-4113-ae62-a2d3c4d01d20", "success_redirect_url": null, "cardNumber": "1111111111110019", "cardHolderName": "Name Patronymic L."}"#,
    )
    .unwrap();
    assert_eq!(h2h.url, None);
    assert_eq!(h2h.card_number.as_deref(), Some("1111111111110019"));
    assert_eq!(h2h.card_holder_name.as_deref(), Some("Name Patronymic L."));
    let payout: PayoutCreated =
        serde_json::from_str(r#"{"id": "5001", "payment_status": "wait"}"#).unwrap();
    assert_eq!(payout.id, 5001);
}

#[test]
fn what_would_mislead_is_an_error() {
    let missing_id =
        serde_json::from_str::<PaymentCreated>(r#"{"payment_status": "wait"}"#).unwrap_err();
    assert!(
        missing_id.to_string().contains("missing field `id`"),
        "{missing_id}"
    );
    let missing_status = serde_json::from_str::<PayoutCreated>(r#"{"id": 1}"#).unwrap_err();
    assert!(
        missing_status.to_string().contains("payment_status"),
        "{missing_status}"
    );
    let bad_id =
        serde_json::from_str::<PayoutCreated>(r#"{"id": "12a", "payment_status": "wait"}"#)
            .unwrap_err();
    assert!(bad_id.to_string().contains("field `id`"), "{bad_id}");
    let bad_amount = serde_json::from_str::<PayoutDetails>(
        r#"{"id": 1, "payment_status": "paid", "amount": "ten"}"#,
    )
    .unwrap_err();
    assert!(
        bad_amount.to_string().contains("field `amount`"),
        "{bad_amount}"
    );
    let not_object = serde_json::from_str::<PayoutDetails>("[]").unwrap_err();
    assert!(
        not_object.to_string().contains("JSON object"),
        "{not_object}"
    );
}

#[test]
fn new_fields_and_statuses_are_tolerated() {
    let d: PayoutDetails = serde_json::from_str(
        r#"{"id": 7, "payment_status": "refunded", "amount": 12.5, "is_partial_payment": "0", "RRN": 123456, "card_brand": "VISA"}"#,
    )
    .unwrap();
    assert_eq!(d.payment_status, PaymentStatus::Unknown("refunded".into()));
    assert!(
        !d.payment_status.is_final(),
        "an unknown status is not final: keep asking"
    );
    assert_eq!(d.amount.unwrap().to_string(), "12.50");
    assert_eq!(d.is_partial_payment, Some(false));
    assert_eq!(d.rrn.as_deref(), Some("123456"));
}
