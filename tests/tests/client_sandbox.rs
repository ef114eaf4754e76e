//! The client against the sandbox, for every service: create, status, final status,
//! verified notification; the 400 / 404 / duplicate answers; every fault kind, with
//! the reconcile path a merchant takes when the outcome is unknown.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use alikassa_client::notification::NotificationVerifier;
use alikassa_client::types::catalogue::{self, Direction};
use alikassa_client::types::{PaymentRequest, PaymentStatus, PayoutRequest, StatusQuery};
use alikassa_client::{Client, Error, PrivateKey, PublicKey, Reconciled};
use alikassa_sandbox::{
    Account, Endpoint, Fault, FaultKind, NotificationInbox, RunningSandbox, Sandbox, SandboxConfig,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACCOUNT: &str = "93d5df06-996c-48c3-9847-348d6b580b80";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn merchant_dir() -> PathBuf {
    root().join("alikassa-client/tests/fixtures/keys/archive")
}

async fn start(settle: Duration) -> (RunningSandbox, Client) {
    let public =
        PublicKey::from_pem(&std::fs::read(merchant_dir().join("public.pem")).unwrap()).unwrap();
    let notification = PrivateKey::from_pem(
        &std::fs::read(root().join("alikassa-sandbox/tests/fixtures/notification/private.pem"))
            .unwrap(),
        None,
    )
    .unwrap();
    let sandbox = Sandbox::start(
        SandboxConfig::new()
            .account(Account::new(ACCOUNT, public))
            .notification_key(notification)
            .settle_delay(settle),
    )
    .await
    .unwrap();
    let client = Client::builder()
        .account(ACCOUNT)
        .cert_dir(merchant_dir())
        .base_url(sandbox.base_url())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    (sandbox, client)
}

fn body(code: &str, order_id: &str, amount: &str, notify: Option<&str>) -> Value {
    let s = catalogue::service(code).unwrap();
    let mut o = serde_json::Map::new();
    for f in s.fields.iter().filter(|f| f.required) {
        let v = match f.name {
            "amount" => json!(amount),
            "order_id" => json!(order_id),
            "service" => json!(code),
            "customer_ip" => json!("203.0.113.7"),
            "customer_code" => json!(s.banks.first().map(|b| b.code).unwrap_or("100000000111")),
            "number" if f.documented_type == "phone" => json!("79031112233"),
            "bik_bank" => json!("041351902"),
            other => json!(format!("{other}-x")),
        };
        o.insert(f.name.into(), v);
    }
    if let Some(url) = notify {
        o.insert("notification_endpoint_url".into(), json!(url));
    }
    Value::Object(o)
}

async fn create(
    client: &Client,
    v: &Value,
) -> Result<(u64, Option<String>, Option<String>), Error> {
    match catalogue::service(v["service"].as_str().unwrap())
        .unwrap()
        .direction
    {
        Direction::Payout => client
            .create_payout(PayoutRequest::from_json(v)?)
            .await
            .map(|c| (c.id, None, None)),
        _ => client
            .create_payment(PaymentRequest::from_json(v)?)
            .await
            .map(|c| (c.id, c.url, c.card_number)),
    }
}

async fn status(
    client: &Client,
    direction: Direction,
    order_id: &str,
) -> Result<PaymentStatus, Error> {
    let q = StatusQuery::OrderId(order_id.into());
    match direction {
        Direction::Payout => client.payout_status(q).await.map(|d| d.payment_status),
        _ => client.payment_status(q).await.map(|d| d.payment_status),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_end_to_end() {
    let (sandbox, client) = start(Duration::from_millis(50)).await;
    let inbox = NotificationInbox::start().await.unwrap();
    let url = inbox.url().to_string();
    let verifier = NotificationVerifier::new(
        PublicKey::from_pem(sandbox.notification_public_key_pem().unwrap().as_bytes()).unwrap(),
    );
    let outcomes = [
        ("1500.00", PaymentStatus::Paid),
        ("1500.01", PaymentStatus::Fail),
        ("1500.02", PaymentStatus::Cancel),
    ];
    for (i, s) in catalogue::services().iter().enumerate() {
        let (amount, expected) = &outcomes[i % outcomes.len()];
        let order_id = format!("e2e-{i}");
        let (id, url_field, card) = create(&client, &body(s.code, &order_id, amount, Some(&url)))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", s.code));
        if s.direction == Direction::Payment {
            assert_eq!(
                url_field.is_some(),
                s.returns.contains(&"url"),
                "{}: url",
                s.code
            );
            assert_eq!(
                card.is_some(),
                s.returns.contains(&"cardNumber"),
                "{}: cardNumber",
                s.code
            );
        }
        let started = Instant::now();
        let final_status = loop {
            let st = status(&client, s.direction, &order_id).await.unwrap();
            if st.is_final() || started.elapsed() > Duration::from_secs(10) {
                break st;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(&final_status, expected, "{}", s.code);
        let query = inbox
            .wait_for(id, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("{}: no notification", s.code));
        let n = verifier
            .verify_query(&query)
            .unwrap_or_else(|e| panic!("{}: {e}", s.code));
        assert_eq!(n.notification.payment_status, *expected);
        assert_eq!(n.notification.id, id);
        assert_eq!(n.is_payout(), s.direction == Direction::Payout);
        // Altered, it no longer verifies.
        let forged = query
            .replace(
                &format!("payment_status={}", expected.as_str()),
                "payment_status=paid",
            )
            .replace("amount=1500", "amount=9500");
        assert!(verifier.verify_query(&forged).is_err(), "{}", s.code);
        // The status endpoint, the authority, agrees.
        assert_eq!(
            client.confirm_notification(&n).await.unwrap().status(),
            expected
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn answers_400_404_and_duplicate() {
    let (sandbox, client) = start(Duration::from_secs(60)).await;
    let v = body("qr_code_myr_hpp", "dup-1", "250.00", None);
    create(&client, &v).await.unwrap();
    match create(&client, &v).await.unwrap_err() {
        Error::Validation { message, errors } => {
            assert_eq!(message, "The given data was invalid.");
            assert_eq!(errors["order_id"], ["The order id has already been taken."]);
        }
        e => panic!("{e:?}"),
    }
    let e = client
        .payment_status(StatusQuery::Id("424242".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::NotFound { message } if message == "Payment not found"),
        "{e:?}"
    );
    // A request the client would refuse, sent raw: the sandbox answers 400 per field too.
    let raw = br#"{"amount":"1.001","order_id":"r","service":"qr_code_myr_hpp","customer_ip":"x","customer_code":"NOPE"}"#;
    let signer = alikassa_client::RsaSigner::new(
        PrivateKey::from_dir(&merchant_dir()).unwrap(),
        alikassa_client::Digest::Sha1,
    );
    let sign = alikassa_client::Signer::sign_base64(&signer, raw).unwrap();
    let answer = raw_post(sandbox.base_url(), "/v1/payment", raw, &sign).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    for field in [
        "amount",
        "customer_ip",
        "customer_code",
        "customer_first_name",
        "customer_last_name",
    ] {
        assert!(
            answer.contains(&format!("\"{field}\"")),
            "{field}: {answer}"
        );
    }
    sandbox.shutdown().await;
}

async fn raw_post(base: &str, path: &str, body: &[u8], sign: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccount: {ACCOUNT}\r\nSign: {sign}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).to_string()
}

#[tokio::test]
async fn faults_and_the_reconcile_path() {
    let (sandbox, client) = start(Duration::from_secs(60)).await;
    let v = |o: &str| body("payment_card_number_rub_hpp", o, "3000.00", None);

    // 500: outcome unknown; nothing was processed, so reconcile says re-create.
    sandbox.inject(
        Fault::new(FaultKind::ServerError)
            .on(Endpoint::CreatePayment)
            .times(1),
    );
    let e = create(&client, &v("f-500")).await.unwrap_err();
    assert!(
        matches!(e, Error::Server { status: 500, .. }) && e.outcome_unknown(),
        "{e:?}"
    );
    assert_eq!(
        client.reconcile_payment("f-500").await.unwrap(),
        Reconciled::NotCreated
    );
    create(&client, &v("f-500")).await.unwrap();

    // HTML 502 from a proxy.
    sandbox.inject(
        Fault::new(FaultKind::BadGateway)
            .on(Endpoint::CreatePayment)
            .times(1),
    );
    let e = create(&client, &v("f-502")).await.unwrap_err();
    assert!(
        matches!(&e, Error::UnexpectedResponse { status: 502, .. }) && e.outcome_unknown(),
        "{e:?}"
    );

    // Dropped before processing: unknown to the caller, reconcile shows nothing arrived.
    sandbox.inject(
        Fault::new(FaultKind::DropBeforeProcessing)
            .on(Endpoint::CreatePayment)
            .times(1),
    );
    let e = create(&client, &v("f-drop-before")).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(
        client.reconcile_payment("f-drop-before").await.unwrap(),
        Reconciled::NotCreated
    );

    // Dropped after processing: the payment exists; reconcile finds it, no double create.
    sandbox.inject(
        Fault::new(FaultKind::DropAfterProcessing)
            .on(Endpoint::CreatePayment)
            .times(1),
    );
    let e = create(&client, &v("f-drop-after")).await.unwrap_err();
    assert!(
        matches!(e, Error::Transport { sent: true, .. }) && e.outcome_unknown(),
        "{e:?}"
    );
    match client.reconcile_payment("f-drop-after").await.unwrap() {
        Reconciled::Found(d) => assert_eq!(d.order_id.as_deref(), Some("f-drop-after")),
        other => panic!("{other:?}"),
    }

    // Latency beyond the client's timeout: Timeout, outcome unknown. The merchant's
    // path: reconcile, re-create only if it did not arrive; either way one payment.
    sandbox.inject(
        Fault::new(FaultKind::Latency(Duration::from_secs(3)))
            .on(Endpoint::CreatePayment)
            .times(1),
    );
    let e = create(&client, &v("f-slow")).await.unwrap_err();
    assert!(
        matches!(e, Error::Timeout { .. }) && e.outcome_unknown(),
        "{e:?}"
    );
    if client.reconcile_payment("f-slow").await.unwrap() == Reconciled::NotCreated {
        create(&client, &v("f-slow")).await.unwrap();
    }
    assert!(matches!(
        client.reconcile_payment("f-slow").await.unwrap(),
        Reconciled::Found(_)
    ));

    // A fault on the status endpoint only.
    sandbox.inject(
        Fault::new(FaultKind::ServerError)
            .on(Endpoint::PaymentStatus)
            .times(1),
    );
    assert!(client
        .payment_status(StatusQuery::OrderId("f-500".into()))
        .await
        .unwrap_err()
        .is_retryable());
    assert!(client
        .payment_status(StatusQuery::OrderId("f-500".into()))
        .await
        .is_ok());
    sandbox.shutdown().await;
}
