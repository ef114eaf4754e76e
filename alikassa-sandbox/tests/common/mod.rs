//! Shared by the sandbox's integration tests: fixture keys, a one-connection-per-
//! request HTTP client, signed requests, and a merchant notification endpoint.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alikassa_client::credentials::{PrivateKey, PublicKey};
use alikassa_client::signing::{Digest, RsaSigner, Signer};
use alikassa_sandbox::{Account, NotificationPolicy, RunningSandbox, Sandbox, SandboxConfig};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};

/// The account UUID of the provider's samples.
pub const ACCOUNT: &str = "93d5df06-996c-48c3-9847-348d6b580b80";

pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// The merchant's payment key, loaded from the archive-shaped directory.
pub fn payment_key() -> PrivateKey {
    PrivateKey::from_dir(&fixture("payment")).expect("payment fixture key")
}

pub fn plain_key(dir: &str) -> PrivateKey {
    PrivateKey::from_pem(&read(&format!("{dir}/private.pem")), None).expect("fixture key")
}

pub fn public_key(dir: &str) -> PublicKey {
    PublicKey::from_pem(&read(&format!("{dir}/public.pem"))).expect("fixture public key")
}

/// Keys of one test: the merchant's two signers and a stranger's.
pub struct Keys {
    pub payment: RsaSigner,
    pub payout: RsaSigner,
    pub other: RsaSigner,
}

pub fn keys() -> Keys {
    Keys {
        payment: RsaSigner::new(payment_key(), Digest::Sha1),
        payout: RsaSigner::new(plain_key("payout"), Digest::Sha1),
        other: RsaSigner::new(plain_key("other"), Digest::Sha1),
    }
}

/// The usual account: payment key, separate payout key, opening RUB balance 0.
pub fn account() -> Account {
    Account::new(ACCOUNT, public_key("payment")).payout_key(public_key("payout"))
}

/// A config with the usual account, the notification key, settling at once, and
/// quick notification retries.
pub fn config() -> SandboxConfig {
    SandboxConfig::new()
        .account(account())
        .notification_key(plain_key("notification"))
        .settle_delay(Duration::ZERO)
        .notification_policy(
            NotificationPolicy::default()
                .max_attempts(5)
                .backoff(Duration::from_millis(10), Duration::from_millis(40))
                .attempt_timeout(Duration::from_secs(5)),
        )
}

pub async fn start(config: SandboxConfig) -> RunningSandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// An answer: status, content type and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request on a fresh connection (no pool, no retry); `Err` when the
/// connection ends without an answer.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<Answer, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(req)
        .await
        .map_err(|e| format!("request: {e}"))?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header("content-type").unwrap_or_default();
    let location = header("location");
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("body: {e}"))?
        .to_bytes();
    Ok(Answer {
        status,
        content_type,
        location,
        body,
    })
}

/// A POST of exactly `body`, with the `Account` header and the `Sign` of `signer`.
pub async fn post_signed(
    sandbox: &RunningSandbox,
    path: &str,
    signer: &dyn Signer,
    body: &[u8],
) -> Result<Answer, String> {
    let sign = signer.sign_base64(body).expect("sign");
    send(
        sandbox.addr(),
        "POST",
        path,
        &[
            ("content-type", "application/json"),
            ("account", ACCOUNT),
            ("sign", &sign),
        ],
        body.to_vec(),
    )
    .await
}

/// A POST of a JSON value, encoded as PHP would, signed.
pub async fn call(
    sandbox: &RunningSandbox,
    path: &str,
    signer: &dyn Signer,
    body: &Value,
) -> Answer {
    let bytes = alikassa_types::php_json::to_vec(body).expect("encode");
    post_signed(sandbox, path, signer, &bytes)
        .await
        .expect("an answer")
}

/// A POST without signing (control and fault endpoints).
pub async fn post_json(sandbox: &RunningSandbox, path: &str, body: &Value) -> Answer {
    send(
        sandbox.addr(),
        "POST",
        path,
        &[("content-type", "application/json")],
        serde_json::to_vec(body).expect("encode"),
    )
    .await
    .expect("an answer")
}

/// Polls `check` until it gives `Some`, at most `tries` times, 20 ms apart.
pub async fn eventually<T, F, Fut>(tries: u32, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..tries {
        if let Some(t) = check().await {
            return Some(t);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// A hosted-page payment request body.
pub fn idr_payment(order_id: &str, amount: &str) -> Value {
    serde_json::json!({
        "amount": amount,
        "order_id": order_id,
        "service": "online_banking_idr_hpp",
        "customer_ip": "18.191.80.10",
        "customer_code": "BCA",
        "customer_first_name": "Budi",
        "customer_last_name": "Santoso",
    })
}

/// A host-to-host RU payment request body.
pub fn rub_payment(service: &str, order_id: &str, amount: &str) -> Value {
    serde_json::json!({
        "amount": amount,
        "order_id": order_id,
        "service": service,
        "customer_ip": "18.191.80.10",
        "customer_user_id": "user-7",
        "customer_code": "100000000111",
    })
}

/// An SBP payout request body.
pub fn sbp_payout(order_id: &str, amount: &str) -> Value {
    serde_json::json!({
        "amount": amount,
        "order_id": order_id,
        "service": "payment_card_sbp_rub",
        "number": "79031112233",
        "customer_code": "100000000111",
    })
}

/// A merchant's notification endpoint on loopback: records each request's query
/// and answers the scripted statuses in turn (200 once the script is used up).
pub struct Merchant {
    pub addr: SocketAddr,
    pub queries: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Merchant {
    pub async fn start(script: &[u16]) -> Merchant {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let queries = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(
            script.iter().copied().collect::<VecDeque<u16>>(),
        ));
        let recorded = Arc::clone(&queries);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let recorded = Arc::clone(&recorded);
                let script = Arc::clone(&script);
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                        recorded
                            .lock()
                            .unwrap()
                            .push(req.uri().query().unwrap_or("").to_string());
                        let status = script.lock().unwrap().pop_front().unwrap_or(200);
                        async move {
                            let mut r = Response::new(Full::new(Bytes::from_static(b"OK")));
                            *r.status_mut() =
                                StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                            Ok::<_, Infallible>(r)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Merchant {
            addr,
            queries,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/alikassa/notify?shop=7", self.addr)
    }

    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().unwrap().clone()
    }
}

impl Drop for Merchant {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `application/x-www-form-urlencoded` pairs, in order.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3).expect("a percent-escape");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}
