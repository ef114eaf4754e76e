//! Fault injection over real HTTP, through the Rust API and `POST /sandbox/faults`.

mod common;

use std::time::Duration;

use alikassa_sandbox::{Endpoint, Fault, FaultKind};
use common::*;
use serde_json::json;

#[tokio::test]
async fn server_error_is_one_shot_and_stores_nothing() {
    let sandbox = start(config()).await;
    let k = keys();
    sandbox.inject(Fault::new(FaultKind::ServerError).on(Endpoint::CreatePayment));
    let r = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("f-1", "10.00"),
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (500, json!({"message": "Internal server error"}))
    );
    assert!(sandbox.faults().is_empty(), "a one-shot fault is used up");
    let r = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "f-1"}),
    )
    .await;
    assert_eq!(r.status, 404, "nothing stored");
    // The same request now goes through.
    assert_eq!(
        call(
            &sandbox,
            "/v1/payment",
            &k.payment,
            &idr_payment("f-1", "10.00")
        )
        .await
        .status,
        200
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn faults_apply_only_to_their_endpoint() {
    let sandbox = start(config()).await;
    let k = keys();
    sandbox.inject(Fault::new(FaultKind::ServerError).on(Endpoint::PayoutStatus));
    assert_eq!(
        call(
            &sandbox,
            "/v1/payment",
            &k.payment,
            &idr_payment("f-1", "10.00")
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(
            &sandbox,
            "/v1/payment/status",
            &k.payment,
            &json!({"order_id": "f-1"})
        )
        .await
        .status,
        200
    );
    assert_eq!(sandbox.faults().len(), 1);
    assert_eq!(
        call(
            &sandbox,
            "/v1/payout/status",
            &k.payout,
            &json!({"order_id": "x"})
        )
        .await
        .status,
        500
    );
    assert!(sandbox.faults().is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_gateway_is_an_html_page() {
    let sandbox = start(config()).await;
    let k = keys();
    sandbox.inject(Fault::new(FaultKind::BadGateway));
    let r = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"id": "1"}),
    )
    .await;
    assert_eq!(r.status, 502);
    assert_eq!(r.content_type, "text/html");
    assert!(
        r.text().contains("<h1>502 Bad Gateway</h1>"),
        "{}",
        r.text()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn latency_delays_then_answers_normally() {
    let sandbox = start(config()).await;
    let k = keys();
    sandbox.inject(
        Fault::new(FaultKind::Latency(Duration::from_millis(30))).on(Endpoint::CreatePayment),
    );
    let r = call(
        &sandbox,
        "/v1/payment",
        &k.payment,
        &idr_payment("slow", "10.00"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(sandbox.faults().is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn drop_before_processing_stores_nothing() {
    let sandbox = start(config()).await;
    let k = keys();
    sandbox.inject(Fault::new(FaultKind::DropBeforeProcessing).on(Endpoint::CreatePayment));
    let body = alikassa_types::php_json::to_vec(&idr_payment("drop-1", "10.00")).unwrap();
    let r = post_signed(&sandbox, "/v1/payment", &k.payment, &body).await;
    assert!(r.is_err(), "no answer expected, got {r:?}");
    let s = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "drop-1"}),
    )
    .await;
    assert_eq!(s.status, 404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn drop_after_processing_stores_the_payment() {
    let sandbox = start(config()).await;
    let k = keys();
    sandbox.inject(Fault::new(FaultKind::DropAfterProcessing).on(Endpoint::CreatePayment));
    let body = alikassa_types::php_json::to_vec(&idr_payment("drop-2", "10.00")).unwrap();
    let r = post_signed(&sandbox, "/v1/payment", &k.payment, &body).await;
    assert!(r.is_err(), "no answer expected, got {r:?}");
    // The outcome was unknown to the caller, yet the payment exists (and settled).
    let s = call(
        &sandbox,
        "/v1/payment/status",
        &k.payment,
        &json!({"order_id": "drop-2"}),
    )
    .await;
    assert_eq!(s.status, 200);
    assert_eq!(s.json()["payment_status"], "paid");
    // Re-creating it instead of reconciling is a duplicate.
    let again = post_signed(&sandbox, "/v1/payment", &k.payment, &body)
        .await
        .expect("an answer");
    assert_eq!(again.status, 400);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn persistent_faults_last_until_cleared() {
    let sandbox = start(config()).await;
    let k = keys();
    sandbox.inject(
        Fault::new(FaultKind::ServerError)
            .on(Endpoint::AccountBalance)
            .persistent(),
    );
    for _ in 0..3 {
        let r = post_signed(&sandbox, "/v1/account/balance", &k.payout, b"")
            .await
            .expect("answer");
        assert_eq!(r.status, 500);
    }
    sandbox.clear_faults();
    let r = post_signed(&sandbox, "/v1/account/balance", &k.payout, b"")
        .await
        .expect("answer");
    assert_eq!(r.status, 200);

    // `times(n)`: exactly n requests.
    sandbox.inject(
        Fault::new(FaultKind::BadGateway)
            .on(Endpoint::AccountBalance)
            .times(2),
    );
    let statuses = [
        post_signed(&sandbox, "/v1/account/balance", &k.payout, b"")
            .await
            .expect("answer")
            .status,
        post_signed(&sandbox, "/v1/account/balance", &k.payout, b"")
            .await
            .expect("answer")
            .status,
        post_signed(&sandbox, "/v1/account/balance", &k.payout, b"")
            .await
            .expect("answer")
            .status,
    ];
    assert_eq!(statuses, [502, 502, 200]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn faults_over_http() {
    let sandbox = start(config()).await;
    let k = keys();
    let r = post_json(
        &sandbox,
        "/sandbox/faults",
        &json!({"endpoint": "v1/payout", "kind": "drop_before", "persistent": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"faults": [{"endpoint": "v1/payout", "kind": "drop_before", "persistent": true}]})
    );
    let r = post_json(
        &sandbox,
        "/sandbox/faults",
        &json!({"kind": "latency", "latency_ms": 5, "times": 2}),
    )
    .await;
    assert_eq!(
        r.json()["faults"][1],
        json!({"endpoint": "*", "kind": "latency", "latency_ms": 5, "times": 2})
    );
    assert_eq!(sandbox.faults().len(), 2);

    for order in ["h-1", "h-2"] {
        let body = alikassa_types::php_json::to_vec(&sbp_payout(order, "10.00")).unwrap();
        assert!(post_signed(&sandbox, "/v1/payout", &k.payout, &body)
            .await
            .is_err());
    }
    let listed = send(sandbox.addr(), "GET", "/sandbox/faults", &[], Vec::new())
        .await
        .unwrap()
        .json();
    assert_eq!(
        listed["faults"].as_array().map(Vec::len),
        Some(1),
        "the latency fault is used up: {listed}"
    );

    let cleared = send(sandbox.addr(), "DELETE", "/sandbox/faults", &[], Vec::new())
        .await
        .unwrap();
    assert_eq!(cleared.json(), json!({"faults": []}));
    assert_eq!(
        call(
            &sandbox,
            "/v1/payout",
            &k.payout,
            &sbp_payout("h-3", "10.00")
        )
        .await
        .status,
        200
    );

    let bad = post_json(&sandbox, "/sandbox/faults", &json!({"kind": "meteor"})).await;
    assert_eq!(bad.status, 400);
    assert!(bad.json()["message"]
        .as_str()
        .unwrap_or("")
        .contains("kind"));
    sandbox.shutdown().await;
}
