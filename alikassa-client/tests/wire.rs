//! The client against a local HTTP server written here: what goes on the wire, and
//! every error path (400, 404, 5xx, HTML 502, empty body, dropped connection,
//! refused connection, timeout).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alikassa_client::types::banks::PaymentCardIdrBank;
use alikassa_client::types::requests::{PaymentCardIdr, PaymentCardNumberRubHpp};
use alikassa_client::types::StatusQuery;
use alikassa_client::{Client, Digest, Error, PublicKey, Reconciled};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ACCOUNT: &str = "93d5df06-996c-48c3-9847-348d6b580b80";

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// What the server does with a request.
#[derive(Clone)]
enum Action {
    Respond(u16, &'static str, String),
    /// Reads the request, then closes without answering.
    Drop,
    /// Reads the request, then waits this long before answering 200.
    Hang(Duration),
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn server(action: Action) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (log, action) = (log.clone(), action.clone());
            tokio::spawn(async move { serve(stream, action, log).await });
        }
    });
    Server { base, seen }
}

async fn serve(mut stream: TcpStream, action: Action, log: Arc<Mutex<Vec<Seen>>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    log.lock().unwrap().push(Seen {
        head,
        body: buf[head_end..].to_vec(),
    });
    let (status, ctype, body) = match action {
        Action::Drop => return,
        Action::Hang(d) => {
            tokio::time::sleep(d).await;
            (
                200,
                "application/json",
                r#"{"id": 1, "payment_status": "wait"}"#.to_string(),
            )
        }
        Action::Respond(s, c, b) => (s, c, b),
    };
    let resp = format!("HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    let _ = stream.write_all(resp.as_bytes()).await;
}

fn client(base: &str) -> Client {
    Client::builder()
        .account(ACCOUNT)
        .cert_dir(fixture("keys/archive"))
        .payout_cert_dir(fixture("payout-archive"))
        .base_url(base)
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap()
}

fn rub_payment(order_id: &str) -> PaymentCardNumberRubHpp {
    PaymentCardNumberRubHpp::new(
        "500".parse().unwrap(),
        order_id,
        "18.191.80.10".parse().unwrap(),
        "customer-7",
    )
    .notification_endpoint_url("https://shop.example/notify")
}

fn json(status: u16, body: &str) -> Action {
    Action::Respond(status, "application/json", body.to_string())
}

#[tokio::test]
async fn a_payment_goes_out_signed_as_documented() {
    let s = server(json(200, r#"{"url": "https://pay.example/x", "payment_status": "wait", "id": 108465371, "uuid": "u", "success_redirect_url": null}"#)).await;
    let created = client(&s.base)
        .create_payment(rub_payment("order-1"))
        .await
        .unwrap();
    assert_eq!(created.id, 108465371);
    assert_eq!(created.url.as_deref(), Some("https://pay.example/x"));

    let seen = s.seen.lock().unwrap()[0].clone();
    assert!(
        seen.head.starts_with("POST /v1/payment HTTP/1.1\r\n"),
        "{}",
        seen.head
    );
    assert_eq!(
        seen.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(seen.header("account").as_deref(), Some(ACCOUNT));
    assert!(seen
        .header("user-agent")
        .unwrap()
        .starts_with("alikassa-rs/"));
    assert_eq!(
        String::from_utf8(seen.body.clone()).unwrap(),
        r#"{"amount":"500.00","order_id":"order-1","service":"payment_card_number_rub_hpp","customer_ip":"18.191.80.10","customer_user_id":"customer-7","notification_endpoint_url":"https:\/\/shop.example\/notify"}"#
    );
    // The Sign header verifies, with SHA1, over exactly the bytes received.
    let public =
        PublicKey::from_pem(&std::fs::read(fixture("keys/archive/public.pem")).unwrap()).unwrap();
    public
        .verify(Digest::Sha1, &seen.body, &seen.header("sign").unwrap())
        .unwrap();
}

#[tokio::test]
async fn a_payout_is_signed_with_the_payout_key() {
    let s = server(json(200, r#"{"id": 77, "payment_status": "wait"}"#)).await;
    let payout = PaymentCardIdr::new(
        "250000".parse().unwrap(),
        "p-1",
        "1234567890",
        PaymentCardIdrBank::Bcad,
        "Siti",
        "Rahma",
    );
    let created = client(&s.base).create_payout(payout).await.unwrap();
    assert_eq!(created.id, 77);
    let seen = s.seen.lock().unwrap()[0].clone();
    assert!(seen.head.starts_with("POST /v1/payout "));
    let payout_key =
        PublicKey::from_pem(&std::fs::read(fixture("payout-archive/public.pem")).unwrap()).unwrap();
    let payment_key =
        PublicKey::from_pem(&std::fs::read(fixture("keys/archive/public.pem")).unwrap()).unwrap();
    let sign = seen.header("sign").unwrap();
    payout_key.verify(Digest::Sha1, &seen.body, &sign).unwrap();
    assert!(payment_key.verify(Digest::Sha1, &seen.body, &sign).is_err());
}

#[tokio::test]
async fn sha256_is_selectable() {
    let s = server(json(200, r#"{"id": 1, "payment_status": "wait"}"#)).await;
    let c = Client::builder()
        .account(ACCOUNT)
        .cert_dir(fixture("keys/archive"))
        .base_url(&s.base)
        .digest(Digest::Sha256)
        .build()
        .unwrap();
    c.create_payment(rub_payment("o")).await.unwrap();
    let seen = s.seen.lock().unwrap()[0].clone();
    let public =
        PublicKey::from_pem(&std::fs::read(fixture("keys/archive/public.pem")).unwrap()).unwrap();
    public
        .verify(Digest::Sha256, &seen.body, &seen.header("sign").unwrap())
        .unwrap();
    assert!(public
        .verify(Digest::Sha1, &seen.body, &seen.header("sign").unwrap())
        .is_err());
}

#[tokio::test]
async fn an_invalid_request_is_not_sent() {
    let s = server(json(200, "{}")).await;
    let e = client(&s.base)
        .create_payment(rub_payment(&"x".repeat(129)))
        .await
        .unwrap_err();
    match &e {
        Error::InvalidRequest(r) => assert_eq!(r.errors[0].field, "order_id"),
        other => panic!("{other:?}"),
    }
    assert!(!e.outcome_unknown() && !e.is_retryable());
    assert!(s.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn validation_errors_come_back_per_field() {
    let s = server(json(400, r#"{"message": "The given data was invalid.", "errors": {"order_id": ["The order id has already been taken."]}}"#)).await;
    let e = client(&s.base)
        .create_payment(rub_payment("dup"))
        .await
        .unwrap_err();
    match &e {
        Error::Validation { message, errors } => {
            assert_eq!(message, "The given data was invalid.");
            assert_eq!(errors["order_id"], ["The order id has already been taken."]);
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.outcome_unknown() && !e.is_retryable());
}

#[tokio::test]
async fn not_found_and_reconcile() {
    let s = server(json(404, r#"{"message": "Payment not found"}"#)).await;
    let c = client(&s.base);
    let e = c
        .payment_status(StatusQuery::Id("100000536".into()))
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::NotFound { message } if message == "Payment not found"));
    assert_eq!(
        c.reconcile_payment("lost-1").await.unwrap(),
        Reconciled::NotCreated
    );
    let seen = s.seen.lock().unwrap().clone();
    assert!(seen[0].head.starts_with("POST /v1/payment/status "));
    assert_eq!(seen[0].body, br#"{"id":"100000536"}"#);
    assert_eq!(seen[1].body, br#"{"order_id":"lost-1"}"#);
}

#[tokio::test]
async fn reconcile_finds_what_arrived() {
    let s = server(json(
        200,
        r#"{"id": 5, "payment_status": "paid", "order_id": "lost-2", "amount": "500.000000000"}"#,
    ))
    .await;
    match client(&s.base).reconcile_payout("lost-2").await.unwrap() {
        Reconciled::Found(d) => assert_eq!(d.order_id.as_deref(), Some("lost-2")),
        other => panic!("{other:?}"),
    }
    assert!(s.seen.lock().unwrap()[0]
        .head
        .starts_with("POST /v1/payout/status "));
}

#[tokio::test]
async fn server_errors_leave_the_outcome_unknown() {
    let s = server(json(500, r#"{"message": "Internal server error"}"#)).await;
    let e = client(&s.base)
        .create_payment(rub_payment("o"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Server { status: 500, .. }));
    assert!(e.outcome_unknown() && e.is_retryable());
}

#[tokio::test]
async fn an_html_502_gives_status_and_excerpt() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "nginx ".repeat(300)
    );
    let s = server(Action::Respond(502, "text/html", page)).await;
    let e = client(&s.base)
        .create_payment(rub_payment("o"))
        .await
        .unwrap_err();
    match &e {
        Error::UnexpectedResponse {
            status, excerpt, ..
        } => {
            assert_eq!(*status, 502);
            assert!(excerpt.contains("502 Bad Gateway"));
            assert!(excerpt.len() <= 520);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.outcome_unknown());
}

#[tokio::test]
async fn an_empty_200_is_not_a_payment() {
    let s = server(Action::Respond(200, "application/json", String::new())).await;
    let e = client(&s.base)
        .create_payment(rub_payment("o"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse { status: 200, .. }));
    assert!(
        e.outcome_unknown(),
        "a 200 we cannot read may be a created payment"
    );
}

#[tokio::test]
async fn a_200_without_id_is_an_error() {
    let s = server(json(200, r#"{"payment_status": "wait"}"#)).await;
    let e = client(&s.base)
        .create_payment(rub_payment("o"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("id"), "{e}");
}

#[tokio::test]
async fn a_dropped_connection_after_sending_is_outcome_unknown() {
    let s = server(Action::Drop).await;
    let e = client(&s.base)
        .create_payment(rub_payment("o"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { sent: true, .. }), "{e:?}");
    assert!(e.outcome_unknown());
    assert_eq!(s.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_sent_nothing() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let e = client(&base)
        .create_payment(rub_payment("o"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { sent: false, .. }), "{e:?}");
    assert!(!e.outcome_unknown() && e.is_retryable());
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let s = server(Action::Hang(Duration::from_secs(5))).await;
    let e = client(&s.base)
        .create_payment(rub_payment("o"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(e.outcome_unknown());
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let s = server(json(
        400,
        r#"{"message": "The given data was invalid.", "errors": {}}"#,
    ))
    .await;
    let c = client(&s.base);
    let prepared = c.prepare_payment(&rub_payment("o").into()).unwrap();
    let password = std::fs::read_to_string(fixture("keys/archive/password.txt")).unwrap();
    let e = c.create_payment(rub_payment("o")).await.unwrap_err();
    for text in [
        format!("{c:?}"),
        format!("{prepared:?}"),
        format!("{e:?}"),
        e.to_string(),
    ] {
        assert!(!text.contains(password.trim()), "{text}");
        assert!(!text.contains("PRIVATE KEY"), "{text}");
        assert!(!text.contains(prepared.sign()), "{text}");
    }
}

#[test]
fn plain_http_only_to_loopback() {
    let b = || {
        Client::builder()
            .account(ACCOUNT)
            .cert_dir(fixture("keys/archive"))
    };
    assert!(b().base_url("http://127.0.0.1:9").build().is_ok());
    let e = b()
        .base_url("http://api-merchant.alikassa.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(e, Error::Config(_)) && e.to_string().contains("loopback"),
        "{e}"
    );
    let e = b().account("not-a-uuid").build().unwrap_err();
    assert!(e.to_string().contains("UUID"), "{e}");
    let e = Client::builder()
        .account(ACCOUNT)
        .cert_dir("/nonexistent")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Credentials(_)), "{e:?}");
}
