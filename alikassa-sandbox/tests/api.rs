//! The API endpoints over real HTTP: creation, status, balance, validation,
//! authentication.

mod common;

use alikassa_client::signing::{Digest, RsaSigner};
use alikassa_sandbox::{Account, DigestPolicy};
use alikassa_types::Amount;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn payment_create_and_status() {
    let sandbox = start(config()).await;
    let k = keys();

    // .03 stays `wait`: the answer and the status are stable.
    let created = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("order-1", "10.03"),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.content_type, "application/json");
    let c = created.json();
    let id = c["id"].as_u64().expect("id");
    let uuid = c["uuid"].as_str().expect("uuid").to_string();
    assert!(id >= 100_000_001);
    assert_eq!(c["payment_status"], "wait");
    assert_eq!(c["url"], format!("{}/pay/{uuid}", sandbox.base_url()));
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "{uuid}");
    assert_eq!(c["success_redirect_url"], Value::Null);
    // Hosted: the host-to-host fields are there, null.
    assert_eq!(c["cardNumber"], Value::Null);
    assert_eq!(c["cardHolderName"], Value::Null);

    let s = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"id": id.to_string()}),
    )
    .await;
    assert_eq!(s.status, 200);
    let s = s.json();
    assert_eq!(s["payment_status"], "wait");
    assert_eq!(s["id"], id);
    assert_eq!(s["order_id"], "order-1");
    assert_eq!(s["amount"], "10.030000000");
    assert_eq!(s["payment_amount"], "0.000000000");
    assert_eq!(s["commission_amount"], "0.000000000");
    assert_eq!(s["currency"], "IDR");
    assert_eq!(s["service_code"], "online_banking_idr_hpp");
    assert_eq!(s["is_partial_payment"], false);
    assert_eq!(s["antiFraud"], false);
    for field in [
        "url",
        "antiFraud",
        "payment_status",
        "id",
        "order_id",
        "amount",
        "payment_amount",
        "is_partial_payment",
        "hold_amount",
        "hold_at",
        "account_payment_amount",
        "commission_amount",
        "currency",
        "service_code",
        "account_old_balance",
        "account_new_balance",
        "crypto_network",
        "crypto_txid",
        "customer_phone",
        "customer_card_number",
        "payment_error_message",
        "card_number",
        "card_holder_name",
        "bank",
        "bik_bank",
    ] {
        assert!(s.get(field).is_some(), "status answer lacks {field}");
    }
    // The client's record type reads it.
    let details: alikassa_types::PaymentDetails =
        serde_json::from_value(s).expect("decodes as PaymentDetails");
    assert_eq!(details.id, id);

    // By order_id, the same payment.
    let by_order = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "order-1"}),
    )
    .await
    .json();
    assert_eq!(by_order["id"], id);

    // Anything else is paid at once (settle delay zero), 3 % commission.
    let paid = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("order-2", "100.00"),
    )
    .await
    .json();
    assert_eq!(
        paid["payment_status"], "wait",
        "a create answer is always wait"
    );
    let s = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "order-2"}),
    )
    .await
    .json();
    assert_eq!(s["payment_status"], "paid");
    assert_eq!(s["amount"], "100.000000000");
    assert_eq!(s["payment_amount"], "100.000000000");
    assert_eq!(s["commission_amount"], "3.000000000");
    assert_eq!(s["account_payment_amount"], "97.000000000");
    assert_eq!(s["account_old_balance"], "0.00000000");
    assert_eq!(s["account_new_balance"], "97.00000000");
    assert_eq!(
        sandbox.balance(ACCOUNT, "IDR"),
        Some("97".parse::<Amount>().unwrap())
    );

    // A second paid payment starts from the first one's balance.
    call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("order-3", "10.00"),
    )
    .await;
    let s = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "order-3"}),
    )
    .await
    .json();
    assert_eq!(s["account_old_balance"], "97.00000000");
    assert_eq!(s["account_new_balance"], "106.70000000");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn host_to_host_services_return_their_details() {
    let sandbox = start(config()).await;
    let k = keys();
    let cases = [
        ("payment_card_number_card", false, "1111111111110019"),
        ("payment_card_sbp_rub_card", false, "79031112233"),
        ("payment_card_sberpay_rub_card", true, "79031112233"),
        ("virtual_account_rub_card", false, "40817810099910004312"),
        ("virtual_account_rub_hpp", true, "40817810099910004312"),
    ];
    for (i, (service, has_url, number)) in cases.into_iter().enumerate() {
        let c = call(
            &sandbox,
            "/v1/payment",
            &k.payment,
            &rub_payment(service, &format!("h2h-{i}"), "500.03"),
        )
        .await;
        assert_eq!(c.status, 200, "{service}: {}", c.text());
        let c = c.json();
        assert_eq!(c["url"].is_string(), has_url, "{service}");
        assert_eq!(c["cardNumber"], number, "{service}");
        assert_eq!(c["cardHolderName"], "Name Patronymic L.", "{service}");
        if service == "virtual_account_rub_card" {
            assert_eq!(number.len(), 20);
        }
        let s = call(
            &sandbox,
            "/v1/payment/status",
            &k.payment,
            &json!({"id": c["id"]}),
        )
        .await
        .json();
        assert_eq!(s["card_number"], number);
        assert_eq!(s["currency"], "RUB");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn payout_create_status_and_balance() {
    let sandbox =
        start(config().account(account().opening_balance("RUB", "1000".parse().unwrap()))).await;
    let k = keys();

    let c = call(
        &sandbox,
        "/v1/payout",
        &k.payout,
        &sbp_payout("p-1", "100.00"),
    )
    .await;
    assert_eq!(c.status, 200, "{}", c.text());
    let c = c.json();
    assert_eq!(c["payment_status"], "wait");
    assert_eq!(
        c.as_object().map(|o| o.len()),
        Some(2),
        "PayoutCreated is id + payment_status: {c}"
    );
    let id = c["id"].as_u64().expect("id");

    let s = call(
        &sandbox,
        "/v1/payout/status",
        &k.payout,
        &json!({"id": id.to_string()}),
    )
    .await;
    assert_eq!(s.status, 200, "{}", s.text());
    let s = s.json();
    assert_eq!(s["payment_status"], "paid");
    assert_eq!(s["order_id"], "p-1");
    assert_eq!(s["card_mask"], "*******2233");
    assert_eq!(s["amount"], "100.000000000");
    assert_eq!(s["commission_amount"], "3.000000000");
    assert_eq!(s["account_payment_amount"], "103.000000000");
    assert_eq!(s["account_old_balance"], "1000.00000000");
    assert_eq!(s["account_new_balance"], "897.00000000");
    assert_eq!(s["service_code"], "payment_card_sbp_rub");
    assert!(s["RRN"].is_string());
    let details: alikassa_types::PayoutDetails =
        serde_json::from_value(s).expect("decodes as PayoutDetails");
    assert_eq!(details.id, id);

    // A payout still waiting counts in pending_payouts.
    call(
        &sandbox,
        "/v1/payout",
        &k.payout,
        &sbp_payout("p-2", "50.03"),
    )
    .await;
    let b = post_signed(&sandbox, "/v1/account/balance", &k.payout, b"")
        .await
        .expect("answer");
    assert_eq!(b.status, 200, "{}", b.text());
    assert_eq!(
        b.json(),
        json!({"currency": "RUB", "balance": "897.00000000", "hold": "0.00000000", "rolling_reserve": "0.00000000", "pending_payouts": "50.03000000"})
    );
    let b = call(
        &sandbox,
        "/v1/account/balance",
        &k.payout,
        &json!({"currency": "IDR"}),
    )
    .await
    .json();
    assert_eq!(b["currency"], "IDR");
    assert_eq!(b["balance"], "0.00000000");

    // Payouts and the account endpoint verify with the payout key, not the payment key.
    let wrong = call(
        &sandbox,
        "/v1/payout",
        &k.payment,
        &sbp_payout("p-3", "10.00"),
    )
    .await;
    assert_eq!(wrong.status, 403);
    let wrong = post_signed(&sandbox, "/v1/account/balance", &k.payment, b"")
        .await
        .expect("answer");
    assert_eq!(wrong.status, 403);
    // Payments verify with the payment key only.
    let wrong = call(
        &sandbox,
        "/v1/payment",
        &k.payout,
        &idr_payment("x-1", "10.00"),
    )
    .await;
    assert_eq!(wrong.status, 403);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn one_key_signs_everything_without_a_payout_key() {
    let sandbox = start(config().account(Account::new(ACCOUNT, public_key("payment")))).await;
    let k = keys();
    assert_eq!(
        call(
            &sandbox,
            "/v1/payout",
            &k.payment,
            &sbp_payout("p-1", "10.00")
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(
            &sandbox,
            "/v1/payout",
            &k.payout,
            &sbp_payout("p-2", "10.00")
        )
        .await
        .status,
        403
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn validation_errors_are_laravel_shaped() {
    let sandbox = start(config()).await;
    let k = keys();

    let mut body = idr_payment("v-1", "10.00");
    body.as_object_mut().unwrap().remove("customer_ip");
    let r = call(&sandbox, "/v1/payment", &k.payment, &body).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"message": "The given data was invalid.", "errors": {"customer_ip": ["The customer ip field is required."]}})
    );

    let mut body = idr_payment("v-2", "10.00");
    body["customer_code"] = json!("NOSUCHBANK");
    let r = call(&sandbox, "/v1/payment", &k.payment, &body).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"message": "The given data was invalid.", "errors": {"customer_code": ["The selected customer code is invalid."]}})
    );

    // Several problems at once.
    let mut body = idr_payment("v-3", "10.001");
    body["customer_ip"] = json!("not-an-ip");
    let r = call(&sandbox, "/v1/payment", &k.payment, &body)
        .await
        .json();
    assert!(r["errors"]["amount"].is_array(), "{r}");
    assert!(r["errors"]["customer_ip"].is_array(), "{r}");

    // A payout service on the payment endpoint.
    let mut body = sbp_payout("v-4", "10.00");
    body["customer_ip"] = json!("18.191.80.10");
    let r = call(&sandbox, "/v1/payment", &k.payment, &body).await;
    assert_eq!(
        r.json()["errors"]["service"][0],
        "The selected service is invalid."
    );

    // A bad BIC on a payout.
    let body = json!({"amount": "10.00", "order_id": "v-5", "service": "virtual_account_rub", "number": "40817120273018899310", "customer_code": "100000000111", "bik_bank": "12345"});
    let r = call(&sandbox, "/v1/payout", &k.payout, &body).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["errors"]["bik_bank"][0],
        "The bik bank must be 9 digits."
    );

    // Status without order_id or id.
    let r = call(&sandbox, "/v1/payment/status", &k.payment, &json!({})).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["message"], "The given data was invalid.");

    // Nothing invalid was stored.
    let r = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "v-1"}),
    )
    .await;
    assert_eq!(r.status, 404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn accepts_what_the_provider_accepts() {
    let sandbox = start(config()).await;
    let k = keys();
    // The RU sample: amount as a number, an unknown field, ids as numbers.
    let body = json!({
        "order_id": 1756900030,
        "amount": 500,
        "customer_browser_user_agent": "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:84.0) Gecko/20100101 Firefox/84.0",
        "customer_ip": "18.191.80.10",
        "customer_user_id": "u1",
        "success_redirect_id": 1,
        "notification_endpoint_id": "5",
        "service": "payment_card_number_rub_hpp",
    });
    let r = call(&sandbox, "/v1/payment", &k.payment, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "1756900030"}),
    )
    .await
    .json();
    assert_eq!(s["amount"], "500.000000000");
    // The status query's id as a number too.
    let s = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"id": s["id"]}),
    )
    .await;
    assert_eq!(s.status, 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn invalid_json_is_a_400_with_a_message() {
    let sandbox = start(config()).await;
    let k = keys();
    let r = post_signed(&sandbox, "/v1/payment", &k.payment, b"{\"amount\": ")
        .await
        .expect("answer");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"message": "The given data was invalid.", "errors": {"request": ["The request body is not valid JSON."]}})
    );
    let r = post_signed(&sandbox, "/v1/payment", &k.payment, b"[1,2]")
        .await
        .expect("answer");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["errors"]["request"][0],
        "The request must be a JSON object."
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn duplicate_order_id_is_rejected_per_direction() {
    let sandbox = start(config()).await;
    let k = keys();
    assert_eq!(
        call(
            &sandbox,
            "/v1/payment",
            &k.payment,
            &idr_payment("dup", "10.00")
        )
        .await
        .status,
        200
    );
    let again = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("dup", "20.00"),
    )
    .await;
    assert_eq!(again.status, 400);
    assert_eq!(
        again.json(),
        json!({"message": "The given data was invalid.", "errors": {"order_id": ["The order id has already been taken."]}})
    );
    // A payout may use the same order_id.
    assert_eq!(
        call(
            &sandbox,
            "/v1/payout",
            &k.payout,
            &sbp_payout("dup", "10.00")
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(
            &sandbox,
            "/v1/payout",
            &k.payout,
            &sbp_payout("dup", "10.00")
        )
        .await
        .status,
        400
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let other_account = "0b0b0b0b-0000-4000-8000-000000000000";
    let sandbox = start(config().account(Account::new(other_account, public_key("other")))).await;
    let k = keys();
    let r = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"id": "999999999"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"message": "Payment not found"}))
    );
    let r = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "nope"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"message": "Payment not found"}))
    );
    let r = call(
        &sandbox,
        "/v1/payout/status",
        &k.payout,
        &json!({"id": "abc"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"message": "Payout not found"}))
    );

    // A payment id is not a payout id.
    let id = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("mine", "10.00"),
    )
    .await
    .json()["id"]
        .clone();
    let r = call(&sandbox, "/v1/payout/status", &k.payout, &json!({"id": id})).await;
    assert_eq!(r.status, 404);

    // Another account does not see it.
    let bytes = alikassa_types::php_json::to_vec(&json!({"id": id})).unwrap();
    let sign = alikassa_client::signing::Signer::sign_base64(&k.other, &bytes).unwrap();
    let r = send(
        sandbox.addr(),
        "POST",
        "/v1/payment/status",
        &[("account", other_account), ("sign", &sign)],
        bytes,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn authentication_failures() {
    let sandbox = start(config()).await;
    let k = keys();
    let body = alikassa_types::php_json::to_vec(&idr_payment("auth-1", "10.00")).unwrap();
    let sign = alikassa_client::signing::Signer::sign_base64(&k.payment, &body).unwrap();
    let addr = sandbox.addr();

    let r = send(
        addr,
        "POST",
        "/v1/payment",
        &[("sign", &sign)],
        body.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"message": "The Account header is required."}))
    );
    let r = send(
        addr,
        "POST",
        "/v1/payment",
        &[
            ("account", "11111111-2222-4333-8444-555555555555"),
            ("sign", &sign),
        ],
        body.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"message": "Unknown account."}))
    );
    let r = send(
        addr,
        "POST",
        "/v1/payment",
        &[("account", ACCOUNT)],
        body.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"message": "The Sign header is required."}))
    );
    let r = send(
        addr,
        "POST",
        "/v1/payment",
        &[("account", ACCOUNT), ("sign", "not base64!")],
        body.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (403, json!({"message": "Invalid signature."}))
    );

    // Signed by a stranger.
    let r = post_signed(&sandbox, "/v1/payment", &k.other, &body)
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (403, json!({"message": "Invalid signature."}))
    );
    // The right key over other bytes: the same JSON re-encoded differently.
    let mut altered = body.clone();
    altered.push(b' ');
    let r = send(
        addr,
        "POST",
        "/v1/payment",
        &[("account", ACCOUNT), ("sign", &sign)],
        altered,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 403);
    // Nothing was stored by any of them.
    let r = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "auth-1"}),
    )
    .await;
    assert_eq!(r.status, 404);
    // And the genuine one passes.
    let r = send(
        addr,
        "POST",
        "/v1/payment",
        &[("account", ACCOUNT), ("sign", &sign)],
        body,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sha256_is_accepted_by_default_and_strict_mode_picks_one() {
    let sha256 = RsaSigner::new(payment_key(), Digest::Sha256);
    let sha1 = keys().payment;

    let sandbox = start(config()).await;
    assert_eq!(
        call(
            &sandbox,
            "/v1/payment",
            &sha256,
            &idr_payment("d-1", "10.00")
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(&sandbox, "/v1/payment", &sha1, &idr_payment("d-2", "10.00"))
            .await
            .status,
        200
    );
    sandbox.shutdown().await;

    let strict = start(config().digests(DigestPolicy::Only(Digest::Sha1))).await;
    assert_eq!(
        call(
            &strict,
            "/v1/payment",
            &sha256,
            &idr_payment("d-1", "10.00")
        )
        .await
        .status,
        403
    );
    assert_eq!(
        call(&strict, "/v1/payment", &sha1, &idr_payment("d-2", "10.00"))
            .await
            .status,
        200
    );
    strict.shutdown().await;

    let strict = start(config().digests(DigestPolicy::Only(Digest::Sha256))).await;
    assert_eq!(
        call(&strict, "/v1/payment", &sha1, &idr_payment("d-1", "10.00"))
            .await
            .status,
        403
    );
    assert_eq!(
        call(
            &strict,
            "/v1/payment",
            &sha256,
            &idr_payment("d-2", "10.00")
        )
        .await
        .status,
        200
    );
    strict.shutdown().await;
}

#[tokio::test]
async fn routing_answers() {
    let sandbox = start(config()).await;
    let r = send(sandbox.addr(), "GET", "/v1/payment", &[], Vec::new())
        .await
        .unwrap();
    assert_eq!(r.status, 405);
    assert_eq!(
        r.json()["message"],
        "The GET method is not supported for route v1/payment. Supported methods: POST."
    );
    let r = send(sandbox.addr(), "POST", "/v2/payment", &[], Vec::new())
        .await
        .unwrap();
    assert_eq!((r.status, r.json()), (404, json!({"message": "Not Found"})));
    let r = send(
        sandbox.addr(),
        "GET",
        "/sandbox/notification-key",
        &[],
        Vec::new(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        Some(r.text().as_str()),
        sandbox.notification_public_key_pem()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let sandbox = start(config()).await;
    let addr = sandbox.addr();
    assert!(send(addr, "GET", "/", &[], Vec::new()).await.is_ok());
    sandbox.shutdown().await;
    assert!(send(addr, "GET", "/", &[], Vec::new()).await.is_err());
}
