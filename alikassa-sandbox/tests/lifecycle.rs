//! Final statuses (amount rule, control endpoint, Rust handle, hosted page) and
//! notifications (signature, order, retries).

mod common;

use std::time::Duration;

use alikassa_client::credentials::PublicKey;
use alikassa_client::notification::NotificationVerifier;
use alikassa_client::signing::Digest;
use alikassa_sandbox::{
    ControlError, DeliveryOutcome, NotificationPolicy, NotificationRecord, RunningSandbox,
};
use alikassa_types::catalogue::Direction;
use alikassa_types::notification::signed_bytes;
use alikassa_types::PaymentStatus;
use common::*;
use serde_json::{json, Value};

async fn payment_status(sandbox: &RunningSandbox, order_id: &str) -> Value {
    let r = call(
        sandbox,
        "/v1/payment/status",
        &keys().payment,
        &json!({"order_id": order_id}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// Waits (bounded) until notification `n` (0-based) is done.
async fn notification_done(sandbox: &RunningSandbox, n: usize) -> NotificationRecord {
    eventually(500, || async {
        sandbox
            .notifications()
            .get(n)
            .filter(|r| r.outcome.is_done())
            .cloned()
    })
    .await
    .unwrap_or_else(|| panic!("notification {n} not done: {:?}", sandbox.notifications()))
}

#[tokio::test]
async fn amount_rule_with_a_settle_delay() {
    let sandbox = start(config().settle_delay(Duration::from_millis(20))).await;
    let k = keys();
    for (order, amount) in [
        ("r-paid", "10.00"),
        ("r-fail", "10.01"),
        ("r-cancel", "10.02"),
        ("r-wait", "10.03"),
    ] {
        let c = call(
            &sandbox,
            "/v1/payment",
            &k.payment,
            &idr_payment(order, amount),
        )
        .await;
        assert_eq!(c.json()["payment_status"], "wait");
    }
    for (order, expected) in [
        ("r-paid", "paid"),
        ("r-fail", "fail"),
        ("r-cancel", "cancel"),
    ] {
        let reached = eventually(500, || async {
            let s = payment_status(&sandbox, order).await;
            (s["payment_status"] != "wait").then_some(s)
        })
        .await
        .unwrap_or_else(|| panic!("{order} never left wait"));
        assert_eq!(reached["payment_status"], expected, "{order}");
        if expected != "paid" {
            assert_eq!(reached["payment_amount"], "0.000000000");
            assert_eq!(reached["commission_amount"], "0.000000000");
            assert_eq!(
                reached["account_old_balance"],
                reached["account_new_balance"]
            );
        }
        if expected == "fail" {
            assert!(reached["payment_error_message"].is_string());
        }
    }
    // Once the others are final, .03 is still waiting: it waits until told.
    assert_eq!(
        payment_status(&sandbox, "r-wait").await["payment_status"],
        "wait"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn amount_rule_applies_to_payouts() {
    let sandbox = start(config()).await;
    let k = keys();
    for (order, amount, expected) in [
        ("po-1", "5.01", "fail"),
        ("po-2", "5.02", "cancel"),
        ("po-3", "5.03", "wait"),
        ("po-4", "5.00", "paid"),
    ] {
        call(
            &sandbox,
            "/v1/payout",
            &k.payout,
            &sbp_payout(order, amount),
        )
        .await;
        let s = call(
            &sandbox,
            "/v1/payout/status",
            &k.payout,
            &json!({"order_id": order}),
        )
        .await
        .json();
        assert_eq!(s["payment_status"], expected, "{order}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn control_endpoint_and_rust_handle() {
    let sandbox = start(config()).await;
    let k = keys();
    let id = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("c-1", "20.03"),
    )
    .await
    .json()["id"]
        .as_u64()
        .unwrap();
    assert_eq!(
        sandbox.status(Direction::Payment, id),
        Some(PaymentStatus::Wait)
    );

    let r = post_json(
        &sandbox,
        &format!("/sandbox/control/payment/{id}"),
        &json!({"status": "paid"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["payment_status"], "paid");
    assert_eq!(r.json()["commission_amount"], "0.600000000");
    assert_eq!(
        payment_status(&sandbox, "c-1").await["payment_status"],
        "paid"
    );

    // Final is final.
    let r = post_json(
        &sandbox,
        &format!("/sandbox/control/payment/{id}"),
        &json!({"status": "fail"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (
            409,
            json!({"message": format!("Payment {id} is already paid.")})
        )
    );
    assert_eq!(
        sandbox.set_status(Direction::Payment, id, PaymentStatus::Cancel),
        Err(ControlError::AlreadyFinal(PaymentStatus::Paid))
    );

    // Wrong direction, unknown id, not a final status.
    let r = post_json(
        &sandbox,
        &format!("/sandbox/control/payout/{id}"),
        &json!({"status": "paid"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"message": "Payout not found"}))
    );
    let r = post_json(
        &sandbox,
        "/sandbox/control/payment/1",
        &json!({"status": "paid"}),
    )
    .await;
    assert_eq!(r.status, 404);

    // The Rust handle, on a payout.
    let pid = call(
        &sandbox,
        "/v1/payout",
        &k.payout,
        &sbp_payout("c-2", "20.03"),
    )
    .await
    .json()["id"]
        .as_u64()
        .unwrap();
    assert_eq!(
        sandbox.set_status(Direction::Payout, pid, PaymentStatus::Wait),
        Err(ControlError::NotFinal(PaymentStatus::Wait))
    );
    let r = post_json(
        &sandbox,
        &format!("/sandbox/control/payout/{pid}"),
        &json!({"status": "wait"}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        sandbox.set_status(Direction::Payment, pid, PaymentStatus::Fail),
        Err(ControlError::NotFound)
    );
    assert_eq!(
        sandbox.set_status(Direction::Payout, pid, PaymentStatus::Cancel),
        Ok(())
    );
    let s = call(
        &sandbox,
        "/v1/payout/status",
        &k.payout,
        &json!({"id": pid.to_string()}),
    )
    .await
    .json();
    assert_eq!(s["payment_status"], "cancel");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn hosted_page_buttons_set_the_status() {
    let sandbox = start(config()).await;
    let k = keys();
    let c = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("page-<1>", "30.03"),
    )
    .await
    .json();
    let url = c["url"].as_str().unwrap().to_string();
    let path = url.strip_prefix(sandbox.base_url()).unwrap().to_string();

    let page = send(sandbox.addr(), "GET", &path, &[], Vec::new())
        .await
        .unwrap();
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let html = page.text();
    for action in ["paid", "fail", "cancel"] {
        assert!(
            html.contains(&format!("action=\"{path}/{action}\"")),
            "{action} button missing: {html}"
        );
    }
    assert!(html.contains("page-&lt;1&gt;"), "order id escaped: {html}");

    let r = send(
        sandbox.addr(),
        "POST",
        &format!("{path}/fail"),
        &[],
        Vec::new(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.text().contains("fail"));
    assert_eq!(
        payment_status(&sandbox, "page-<1>").await["payment_status"],
        "fail"
    );
    let r = send(
        sandbox.addr(),
        "POST",
        &format!("{path}/paid"),
        &[],
        Vec::new(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 409);
    let after = send(sandbox.addr(), "GET", &path, &[], Vec::new())
        .await
        .unwrap()
        .text();
    assert!(!after.contains("<form"), "no buttons once final");

    // With a success_redirect_url, "pay" redirects there.
    let mut body = idr_payment("page-2", "30.03");
    body["success_redirect_url"] = json!("https://shop.example/thanks");
    let c = call(&sandbox, "/v1/payment", &k.payment, &body)
        .await
        .json();
    assert_eq!(c["success_redirect_url"], "https://shop.example/thanks");
    let path = c["url"]
        .as_str()
        .unwrap()
        .strip_prefix(sandbox.base_url())
        .unwrap()
        .to_string();
    let r = send(
        sandbox.addr(),
        "POST",
        &format!("{path}/paid"),
        &[],
        Vec::new(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("https://shop.example/thanks"));
    assert_eq!(
        payment_status(&sandbox, "page-2").await["payment_status"],
        "paid"
    );

    let r = send(
        sandbox.addr(),
        "GET",
        "/pay/00000000-0000-4000-8000-000000000000",
        &[],
        Vec::new(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn notification_is_delivered_and_verifies() {
    let merchant = Merchant::start(&[]).await;
    let sandbox = start(config()).await;
    let k = keys();
    let mut body = idr_payment("n-1/é", "100.00");
    body["notification_endpoint_url"] = json!(merchant.url());
    let id = call(&sandbox, "/v1/payment", &k.payment, &body)
        .await
        .json()["id"]
        .as_u64()
        .unwrap();

    let record = notification_done(&sandbox, 0).await;
    assert_eq!(record.outcome, DeliveryOutcome::Delivered, "{record:?}");
    assert_eq!(record.attempts.len(), 1);
    assert_eq!(record.attempts[0].status, Some(200));
    assert_eq!(
        (record.direction, record.id, record.status.clone()),
        (Direction::Payment, id, PaymentStatus::Paid)
    );

    let queries = merchant.queries();
    assert_eq!(queries.len(), 1);
    let params = parse_query(&queries[0]);
    let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    // The merchant's own parameter first, then the documented order.
    assert_eq!(
        names,
        [
            "shop",
            "type",
            "id",
            "order_id",
            "payment_status",
            "amount",
            "payment_amount",
            "commission_amount",
            "is_partial_payment",
            "account",
            "service",
            "desc",
            "sign"
        ]
    );
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap()
    };
    assert_eq!(get("type"), "payment");
    assert_eq!(get("id"), id.to_string());
    assert_eq!(get("order_id"), "n-1/é");
    assert_eq!(get("payment_status"), "paid");
    assert_eq!(get("amount"), "100.000000000");
    assert_eq!(get("commission_amount"), "3.000000000");
    assert_eq!(get("is_partial_payment"), "0");
    assert_eq!(get("account"), ACCOUNT);
    assert_eq!(get("service"), "online_banking_idr_hpp");

    // The sign verifies with the notification public key over the shared
    // definition of the signed bytes: the sandbox's parameters, `sign` excepted.
    let public =
        PublicKey::from_pem(sandbox.notification_public_key_pem().unwrap().as_bytes()).unwrap();
    assert_eq!(public, public_key("notification"));
    let ours: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "shop")
        .cloned()
        .collect();
    let message = signed_bytes(ours.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
    assert!(String::from_utf8_lossy(&message).starts_with(&format!(
        "{{\"type\":\"payment\",\"id\":{id},\"order_id\":\"n-1\\/\\u00e9\""
    )));
    public
        .verify(Digest::Sha1, &message, get("sign"))
        .expect("sign verifies");
    // Tampering breaks it.
    let mut tampered = ours.clone();
    tampered[3].1 = "fail".into();
    let message = signed_bytes(tampered.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
    assert!(public.verify(Digest::Sha1, &message, get("sign")).is_err());

    // The client's verifier accepts what the sandbox sends.
    let verifier = NotificationVerifier::new(public);
    let query = queries[0].split_once('&').map(|(_, rest)| rest).unwrap();
    let verified = verifier
        .verify_query(query)
        .expect("the client verifies it");
    assert_eq!(verified.notification.id, id);
    assert_eq!(verified.notification.payment_status, PaymentStatus::Paid);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn notification_is_retried_until_200() {
    let merchant = Merchant::start(&[500, 404]).await;
    let sandbox = start(config()).await;
    let k = keys();
    let mut body = sbp_payout("n-2", "10.01");
    body["notification_endpoint_url"] = json!(merchant.url());
    call(&sandbox, "/v1/payout", &k.payout, &body).await;

    let record = notification_done(&sandbox, 0).await;
    assert_eq!(record.outcome, DeliveryOutcome::Delivered);
    let statuses: Vec<Option<u16>> = record.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(404), Some(200)]);
    assert_eq!(record.param("type"), Some("payout"));
    assert_eq!(record.param("payment_status"), Some("fail"));
    let queries = merchant.queries();
    assert_eq!(queries.len(), 3);
    assert!(
        queries.iter().all(|q| *q == queries[0]),
        "every attempt sends the same notification"
    );

    // The HTTP listing shows the same.
    let listed = send(
        sandbox.addr(),
        "GET",
        "/sandbox/notifications",
        &[],
        Vec::new(),
    )
    .await
    .unwrap()
    .json();
    assert_eq!(listed["notifications"][0]["outcome"], "delivered");
    assert_eq!(
        listed["notifications"][0]["attempts"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn notification_gives_up_after_max_attempts() {
    let merchant = Merchant::start(&[503, 503, 503, 503]).await;
    let policy = NotificationPolicy::default()
        .max_attempts(2)
        .backoff(Duration::from_millis(5), Duration::from_millis(5));
    let sandbox = start(config().notification_policy(policy)).await;
    let k = keys();
    let mut body = idr_payment("n-3", "10.00");
    body["notification_endpoint_url"] = json!(merchant.url());
    call(&sandbox, "/v1/payment", &k.payment, &body).await;
    let record = notification_done(&sandbox, 0).await;
    assert_eq!(record.outcome, DeliveryOutcome::GaveUp);
    assert_eq!(record.attempts.len(), 2);
    assert_eq!(merchant.queries().len(), 2);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn notification_to_a_closed_port_is_an_error_attempt() {
    // Bind then drop: the port is very likely closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let policy = NotificationPolicy::default()
        .max_attempts(2)
        .backoff(Duration::from_millis(5), Duration::from_millis(5));
    let sandbox = start(config().notification_policy(policy)).await;
    let mut body = idr_payment("n-4", "10.00");
    body["notification_endpoint_url"] = json!(format!("http://127.0.0.1:{port}/cb"));
    call(&sandbox, "/v1/payment", &keys().payment, &body).await;
    let record = notification_done(&sandbox, 0).await;
    assert_eq!(record.outcome, DeliveryOutcome::GaveUp);
    assert!(
        record
            .attempts
            .iter()
            .all(|a| a.status.is_none() && a.error.is_some()),
        "{record:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn notifications_leave_only_for_loopback_http() {
    let sandbox = start(config()).await;
    let k = keys();
    let mut body = idr_payment("n-5", "10.00");
    body["notification_endpoint_url"] = json!("https://shop.example/notify");
    call(&sandbox, "/v1/payment", &k.payment, &body).await;
    let record = notification_done(&sandbox, 0).await;
    assert!(
        matches!(record.outcome, DeliveryOutcome::Refused(_)),
        "{record:?}"
    );
    assert!(record.attempts.is_empty());
    assert!(record.url.is_empty());
    sandbox.shutdown().await;

    // Without a notification key nothing is sent either.
    let merchant = Merchant::start(&[]).await;
    let sandbox = start(
        alikassa_sandbox::SandboxConfig::new()
            .account(account())
            .settle_delay(Duration::ZERO),
    )
    .await;
    assert_eq!(sandbox.notification_public_key_pem(), None);
    let mut body = idr_payment("n-6", "10.00");
    body["notification_endpoint_url"] = json!(merchant.url());
    call(&sandbox, "/v1/payment", &k.payment, &body).await;
    let record = notification_done(&sandbox, 0).await;
    assert!(
        matches!(&record.outcome, DeliveryOutcome::Refused(r) if r.contains("notification key")),
        "{record:?}"
    );
    assert!(merchant.queries().is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn no_notification_without_an_url() {
    let sandbox = start(config()).await;
    call(
        &sandbox,
        "/v1/payment",
        &keys().payment,
        &idr_payment("n-7", "10.00"),
    )
    .await;
    assert_eq!(
        payment_status(&sandbox, "n-7").await["payment_status"],
        "paid"
    );
    assert!(sandbox.notifications().is_empty());
    sandbox.shutdown().await;
}
