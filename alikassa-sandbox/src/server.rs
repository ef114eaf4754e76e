//! The HTTP side: accepting connections, routing, the API endpoints, the hosted
//! page and the `/sandbox/*` control endpoints.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use alikassa_types::catalogue::{self, Direction, ServiceInfo};
use alikassa_types::{
    InvalidRequest, PaymentCreated, PaymentRequest, PaymentStatus, PayoutCreated, PayoutRequest,
    StatusQuery,
};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tracing::{debug, info, info_span, warn, Instrument};

use crate::config::{Account, DigestPolicy};
use crate::error::ControlError;
use crate::faults::{Endpoint, Fault, FaultKind, FaultSet};
use crate::notify::{Job, Notifier};
use crate::page;
use crate::rules::scripted_status;
use crate::store::{self, Store, Txn, CARD_HOLDER};

/// The largest request body read; a larger one is answered 413.
const MAX_BODY: usize = 64 * 1024;
/// How long a graceful shutdown waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

type Body = Full<Bytes>;

/// State shared by the server, the background tasks and the handle.
pub(crate) struct Shared {
    pub base_url: String,
    pub accounts: HashMap<String, Account>,
    pub digests: DigestPolicy,
    pub settle_delay: Duration,
    pub commission_bps: u32,
    pub store: Mutex<Store>,
    pub faults: Mutex<FaultSet>,
    pub notifier: Arc<Notifier>,
    pub runtime: tokio::runtime::Handle,
    pub shutdown: watch::Receiver<bool>,
    pub notification_public_pem: Option<String>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("base_url", &self.base_url)
            .field("accounts", &self.accounts.len())
            .field("digests", &self.digests)
            .field("settle_delay", &self.settle_delay)
            .field("commission_bps", &self.commission_bps)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock is a sandbox bug; the books stay readable.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn faults(&self) -> MutexGuard<'_, FaultSet> {
        // As above: the fault list is always consistent between statements.
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves payment or payout `id` of `direction` to a final status, books it
    /// and sends its notification.
    pub fn set_status(
        self: &Arc<Self>,
        direction: Direction,
        id: u64,
        status: PaymentStatus,
    ) -> Result<Txn, ControlError> {
        let (txn, job) = {
            let mut store = self.store();
            if store.get(id).is_none_or(|t| t.direction != direction) {
                return Err(ControlError::NotFound);
            }
            let txn = store.settle(id, status, self.commission_bps)?;
            let job = txn
                .notification_url
                .as_ref()
                .map(|url| notification_job(&store, &txn, url));
            (txn, job)
        };
        info!(direction = txn.direction.as_str(), id, order_id = %txn.order_id, status = %txn.status, "final status");
        if let Some(job) = job {
            self.notifier
                .notify(&self.runtime, self.shutdown.clone(), job);
        }
        Ok(txn)
    }

    /// Applies the amount rule to a new payment or payout: now when the settle
    /// delay is zero, else after it.
    fn schedule(self: &Arc<Self>, direction: Direction, id: u64, amount: &alikassa_types::Amount) {
        let Some(status) = scripted_status(amount) else {
            debug!(id, "amount rule: stays wait");
            return;
        };
        if self.settle_delay.is_zero() {
            let _ = self.set_status(direction, id, status);
            return;
        }
        let shared = Arc::clone(self);
        let mut shutdown = self.shutdown.clone();
        let delay = self.settle_delay;
        self.runtime.spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(delay) => {
                    // Already final (page, control endpoint) is not an error here.
                    let _ = shared.set_status(direction, id, status);
                }
                _ = crate::server::stopped(&mut shutdown) => {}
            }
        });
    }
}

/// The notification of a payment or payout that just became final.
fn notification_job(store: &Store, txn: &Txn, url: &str) -> Job {
    let (paid, commission) = match txn.direction {
        Direction::Payout => {
            let d = store.payout_details(txn);
            (d.payment_amount, d.commission_amount)
        }
        _ => {
            let d = store.payment_details(txn);
            (d.payment_amount, d.commission_amount)
        }
    };
    let text = |a: Option<alikassa_types::Amount>| a.map(|a| a.to_string()).unwrap_or_default();
    let kind = txn.direction.as_str();
    let params = [
        ("type", kind.to_string()),
        ("id", txn.id.to_string()),
        ("order_id", txn.order_id.clone()),
        ("payment_status", txn.status.as_str().to_string()),
        ("amount", text(store::amount(txn.amount))),
        ("payment_amount", text(paid)),
        ("commission_amount", text(commission)),
        ("is_partial_payment", "0".to_string()),
        ("account", txn.account.clone()),
        ("service", txn.service.code.to_string()),
        (
            "desc",
            format!(
                "{} {} / order {}",
                if kind == "payout" {
                    "Payout"
                } else {
                    "Payment"
                },
                txn.id,
                txn.order_id
            ),
        ),
    ];
    Job {
        direction: txn.direction,
        id: txn.id,
        order_id: txn.order_id.clone(),
        status: txn.status.clone(),
        endpoint: url.to_string(),
        params: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

/// Resolves once shutdown is asked (or the handle is gone).
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: drop it here.
    let _ = shutdown.wait_for(|stop| *stop).await.map(|_| ());
}

/// Accepts connections until shutdown, then closes them gracefully.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    let mut stop = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let shared = Arc::clone(&shared);
                let shutdown = shutdown.clone();
                connections.spawn(connection(stream, peer, shared, shutdown));
            }
            _ = crate::server::stopped(&mut stop) => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        warn!("connections still open after the grace period; closing them");
        connections.abort_all();
    }
    info!("sandbox stopped");
}

/// Serves one connection. A fault that drops the connection wakes `kill`, and the
/// connection is then dropped without an answer.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let kill = Arc::new(Notify::new());
    let service = {
        let kill = Arc::clone(&kill);
        service_fn(move |req| handle(Arc::clone(&shared), Arc::clone(&kill), req))
    };
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    debug!(%peer, error = %e, "connection ended with an error");
                }
                break;
            }
            _ = kill.notified() => {
                debug!(%peer, "connection dropped by a fault");
                break;
            }
            _ = crate::server::stopped(&mut shutdown), if !closing => {
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
        }
    }
}

/// One request: a span, the route, a log line with the status.
async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let span = info_span!(
        "sandbox_request",
        method = %req.method(),
        path = %req.uri().path(),
        account = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    async move {
        let started = Instant::now();
        match route(&shared, req).await {
            Some(response) => {
                let status = response.status().as_u16();
                tracing::Span::current().record("status", status);
                info!(
                    status,
                    latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "answered"
                );
                Ok(response)
            }
            None => {
                info!("dropping the connection without an answer (fault)");
                kill.notify_one();
                std::future::pending().await
            }
        }
    }
    .instrument(span)
    .await
}

/// `None` means: drop the connection without answering.
async fn route(shared: &Arc<Shared>, req: Request<Incoming>) -> Option<Response<Body>> {
    let path = req.uri().path().to_string();
    if let Some(endpoint) = Endpoint::from_path(&path) {
        if req.method() != Method::POST {
            let message = format!(
                "The {} method is not supported for route {}. Supported methods: POST.",
                req.method(),
                endpoint.path()
            );
            let mut r = json_message(StatusCode::METHOD_NOT_ALLOWED, &message);
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
            return Some(r);
        }
        return api(shared, endpoint, req).await;
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = req.method().clone();
    let response = match (&method, segments.as_slice()) {
        (&Method::GET, [""]) => json_response(
            StatusCode::OK,
            &json!({
                "message": "AliKassa sandbox",
                "endpoints": Endpoint::ALL.iter().map(|e| e.path()).collect::<Vec<_>>(),
            }),
        ),
        (&Method::GET, ["pay", uuid]) => hosted_page(shared, uuid),
        (&Method::POST, ["pay", uuid, action]) => hosted_action(shared, uuid, action),
        (&Method::POST, ["sandbox", "control", direction, id]) => {
            let (direction, id) = (direction.to_string(), id.to_string());
            match read_body(req).await {
                Ok(body) => control(shared, &direction, &id, &body),
                Err(r) => r,
            }
        }
        (&Method::GET, ["sandbox", "faults"]) => faults_list(shared),
        (&Method::DELETE, ["sandbox", "faults"]) => {
            shared.faults().clear();
            info!("faults cleared");
            faults_list(shared)
        }
        (&Method::POST, ["sandbox", "faults"]) => match read_body(req).await {
            Ok(body) => add_fault(shared, &body),
            Err(r) => r,
        },
        (&Method::GET, ["sandbox", "notifications"]) => notifications_list(shared),
        (&Method::GET, ["sandbox", "notification-key"]) => match &shared.notification_public_pem {
            Some(pem) => text_response(StatusCode::OK, "application/x-pem-file", pem.clone()),
            None => json_message(
                StatusCode::NOT_FOUND,
                "The sandbox has no notification key.",
            ),
        },
        _ => json_message(StatusCode::NOT_FOUND, "Not Found"),
    };
    Some(response)
}

/// The five API endpoints, behind the fault injector.
async fn api(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    req: Request<Incoming>,
) -> Option<Response<Body>> {
    let hit = shared.faults().take(endpoint);
    if !hit.latency.is_zero() {
        info!(
            latency_ms = u64::try_from(hit.latency.as_millis()).unwrap_or(u64::MAX),
            "fault: latency"
        );
        tokio::time::sleep(hit.latency).await;
    }
    match hit.fault {
        Some(FaultKind::ServerError) => {
            info!("fault: 500");
            return Some(json_message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            ));
        }
        Some(FaultKind::BadGateway) => {
            info!("fault: 502");
            return Some(text_response(
                StatusCode::BAD_GATEWAY,
                "text/html",
                page::BAD_GATEWAY.to_string(),
            ));
        }
        Some(FaultKind::DropBeforeProcessing) => {
            info!("fault: drop before processing");
            return None;
        }
        _ => {}
    }
    let response = process(shared, endpoint, req).await;
    if hit.fault == Some(FaultKind::DropAfterProcessing) {
        info!(
            would_answer = response.status().as_u16(),
            "fault: drop after processing"
        );
        return None;
    }
    Some(response)
}

/// Authenticates, reads, validates and answers one API request.
async fn process(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    req: Request<Incoming>,
) -> Response<Body> {
    let account_uuid = match req
        .headers()
        .get("account")
        .map(|v| v.to_str().map(str::trim))
    {
        None | Some(Ok("")) => {
            return json_message(StatusCode::UNAUTHORIZED, "The Account header is required.")
        }
        Some(Err(_)) => return json_message(StatusCode::UNAUTHORIZED, "Unknown account."),
        Some(Ok(uuid)) => uuid.to_string(),
    };
    tracing::Span::current().record(
        "account",
        account_uuid.chars().take(64).collect::<String>().as_str(),
    );
    let Some(account) = shared.accounts.get(&account_uuid) else {
        return json_message(StatusCode::UNAUTHORIZED, "Unknown account.");
    };
    // The Sign header is a credential: read here, never logged.
    let sign = match req
        .headers()
        .get("sign")
        .map(|v| v.to_str().map(|s| s.trim().to_string()))
    {
        None => return json_message(StatusCode::UNAUTHORIZED, "The Sign header is required."),
        Some(Ok(s)) if s.is_empty() => {
            return json_message(StatusCode::UNAUTHORIZED, "The Sign header is required.")
        }
        Some(Ok(s)) => s,
        Some(Err(_)) => return json_message(StatusCode::FORBIDDEN, "Invalid signature."),
    };
    let body = match read_body(req).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let key = match endpoint {
        Endpoint::CreatePayment | Endpoint::PaymentStatus => &account.payment_key,
        _ => account.payout_key.as_ref().unwrap_or(&account.payment_key),
    };
    if !crate::crypto::verifies(key, shared.digests, &body, &sign) {
        info!("signature does not verify");
        return json_message(StatusCode::FORBIDDEN, "Invalid signature.");
    }
    let value: Value =
        if body.iter().all(u8::is_ascii_whitespace) && endpoint == Endpoint::AccountBalance {
            Value::Object(Map::new())
        } else {
            match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(_) => {
                    return invalid(&InvalidRequest::single(
                        "request",
                        "The request body is not valid JSON.",
                    ))
                }
            }
        };
    match endpoint {
        Endpoint::CreatePayment => create_payment(shared, &account_uuid, &value),
        Endpoint::CreatePayout => create_payout(shared, &account_uuid, &value),
        Endpoint::PaymentStatus => status(shared, &account_uuid, Direction::Payment, &value),
        Endpoint::PayoutStatus => status(shared, &account_uuid, Direction::Payout, &value),
        Endpoint::AccountBalance => {
            let currency = value
                .get("currency")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .unwrap_or(account.default_currency());
            json_response(
                StatusCode::OK,
                &shared.store().account_balance(&account_uuid, currency),
            )
        }
    }
}

/// An optional text field of the request, only when the service has that field.
fn field(service: &ServiceInfo, object: &Value, name: &str) -> Option<String> {
    if !service.fields.iter().any(|f| f.name == name) {
        return None;
    }
    match object.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn order_taken() -> Response<Body> {
    invalid(&InvalidRequest::single(
        "order_id",
        "The order id has already been taken.",
    ))
}

fn create_payment(shared: &Arc<Shared>, account: &str, value: &Value) -> Response<Body> {
    let request = match PaymentRequest::from_json(value) {
        Ok(r) => r,
        Err(e) => return invalid(&e),
    };
    let Some(service) = catalogue::service(request.service()) else {
        warn!(
            service = request.service(),
            "service missing from the catalogue"
        );
        return json_message(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    };
    let returns = |f: &str| service.returns.contains(&f);
    let txn = {
        let mut store = shared.store();
        if store.order_taken(account, Direction::Payment, request.order_id()) {
            return order_taken();
        }
        let (id, uuid) = store.allocate();
        let txn = Txn {
            id,
            url: returns("url").then(|| format!("{}/pay/{uuid}", shared.base_url)),
            uuid,
            direction: Direction::Payment,
            account: account.to_string(),
            service,
            order_id: request.order_id().to_string(),
            amount: request.amount().as_decimal(),
            status: PaymentStatus::Wait,
            card_number: returns("cardNumber")
                .then(|| store::h2h_details(service.code).to_string()),
            card_holder_name: returns("cardHolderName").then(|| CARD_HOLDER.to_string()),
            number: None,
            success_redirect_url: field(service, value, "success_redirect_url"),
            fail_redirect_url: field(service, value, "fail_redirect_url"),
            notification_url: request.notification_endpoint_url().map(str::to_string),
            settlement: None,
        };
        store.insert(txn.clone());
        txn
    };
    info!(id = txn.id, order_id = %txn.order_id, service = service.code, amount = %request.amount(), "payment created");
    let mut created = PaymentCreated::new(PaymentStatus::Wait, txn.id);
    created.url = txn.url.clone();
    created.uuid = Some(txn.uuid.clone());
    created.success_redirect_url = txn.success_redirect_url.clone();
    created.card_number = txn.card_number.clone();
    created.card_holder_name = txn.card_holder_name.clone();
    let response = json_response(StatusCode::OK, &created);
    shared.schedule(Direction::Payment, txn.id, &request.amount());
    response
}

fn create_payout(shared: &Arc<Shared>, account: &str, value: &Value) -> Response<Body> {
    let request = match PayoutRequest::from_json(value) {
        Ok(r) => r,
        Err(e) => return invalid(&e),
    };
    let Some(service) = catalogue::service(request.service()) else {
        warn!(
            service = request.service(),
            "service missing from the catalogue"
        );
        return json_message(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    };
    let txn = {
        let mut store = shared.store();
        if store.order_taken(account, Direction::Payout, request.order_id()) {
            return order_taken();
        }
        let (id, uuid) = store.allocate();
        let txn = Txn {
            id,
            uuid,
            direction: Direction::Payout,
            account: account.to_string(),
            service,
            order_id: request.order_id().to_string(),
            amount: request.amount().as_decimal(),
            status: PaymentStatus::Wait,
            url: None,
            card_number: None,
            card_holder_name: None,
            number: field(service, value, "number"),
            success_redirect_url: None,
            fail_redirect_url: None,
            notification_url: request.notification_endpoint_url().map(str::to_string),
            settlement: None,
        };
        store.insert(txn.clone());
        txn
    };
    info!(id = txn.id, order_id = %txn.order_id, service = service.code, amount = %request.amount(), "payout created");
    let response = json_response(
        StatusCode::OK,
        &PayoutCreated::new(txn.id, PaymentStatus::Wait),
    );
    shared.schedule(Direction::Payout, txn.id, &request.amount());
    response
}

fn status(
    shared: &Arc<Shared>,
    account: &str,
    direction: Direction,
    value: &Value,
) -> Response<Body> {
    let query = match StatusQuery::from_json(value) {
        Ok(q) => q,
        Err(e) => return invalid(&e),
    };
    let store = shared.store();
    match (store.find(account, direction, &query), direction) {
        (None, Direction::Payout) => json_message(StatusCode::NOT_FOUND, "Payout not found"),
        (None, _) => json_message(StatusCode::NOT_FOUND, "Payment not found"),
        (Some(txn), Direction::Payout) => json_response(StatusCode::OK, &store.payout_details(txn)),
        (Some(txn), _) => json_response(StatusCode::OK, &store.payment_details(txn)),
    }
}

fn hosted_page(shared: &Arc<Shared>, uuid: &str) -> Response<Body> {
    let store = shared.store();
    match store
        .id_by_uuid(uuid)
        .and_then(|id| store.get(id))
        .filter(|t| t.direction == Direction::Payment)
    {
        Some(txn) => html(StatusCode::OK, page::payment_page(txn)),
        None => html(
            StatusCode::NOT_FOUND,
            page::message_page("Payment not found", "No payment has this link."),
        ),
    }
}

fn hosted_action(shared: &Arc<Shared>, uuid: &str, action: &str) -> Response<Body> {
    let status = match action {
        "paid" => PaymentStatus::Paid,
        "fail" => PaymentStatus::Fail,
        "cancel" => PaymentStatus::Cancel,
        _ => {
            return html(
                StatusCode::NOT_FOUND,
                page::message_page("Not found", "The action is paid, fail or cancel."),
            )
        }
    };
    let Some(id) = shared.store().id_by_uuid(uuid) else {
        return html(
            StatusCode::NOT_FOUND,
            page::message_page("Payment not found", "No payment has this link."),
        );
    };
    match shared.set_status(Direction::Payment, id, status) {
        Ok(txn) => {
            let redirect = if txn.status == PaymentStatus::Paid {
                &txn.success_redirect_url
            } else {
                &txn.fail_redirect_url
            };
            match redirect.as_deref().map(HeaderValue::from_str) {
                Some(Ok(location)) => {
                    let mut r = html(StatusCode::SEE_OTHER, page::result_page(&txn));
                    r.headers_mut().insert(LOCATION, location);
                    r
                }
                _ => html(StatusCode::OK, page::result_page(&txn)),
            }
        }
        Err(ControlError::AlreadyFinal(s)) => html(
            StatusCode::CONFLICT,
            page::message_page("Already final", &format!("Payment {id} is already {s}.")),
        ),
        Err(_) => html(
            StatusCode::NOT_FOUND,
            page::message_page("Payment not found", "No payment has this link."),
        ),
    }
}

/// `POST /sandbox/control/{payment|payout}/{id}` with `{"status": "paid"}`.
fn control(shared: &Arc<Shared>, direction: &str, id: &str, body: &[u8]) -> Response<Body> {
    let (direction, noun) = match direction {
        "payment" => (Direction::Payment, "Payment"),
        "payout" => (Direction::Payout, "Payout"),
        _ => return json_message(StatusCode::NOT_FOUND, "Not Found"),
    };
    let Ok(id) = id.parse::<u64>() else {
        return json_message(StatusCode::NOT_FOUND, &format!("{noun} not found"));
    };
    let status = match serde_json::from_slice::<Value>(body)
        .ok()
        .as_ref()
        .and_then(|v| v.get("status"))
        .and_then(Value::as_str)
    {
        Some(s) => PaymentStatus::from_wire(s),
        None => {
            return json_message(
                StatusCode::BAD_REQUEST,
                "The body must be {\"status\": \"paid\" | \"fail\" | \"cancel\"}.",
            )
        }
    };
    match shared.set_status(direction, id, status) {
        Ok(txn) => {
            let store = shared.store();
            match direction {
                Direction::Payout => json_response(StatusCode::OK, &store.payout_details(&txn)),
                _ => json_response(StatusCode::OK, &store.payment_details(&txn)),
            }
        }
        Err(ControlError::NotFound) => {
            json_message(StatusCode::NOT_FOUND, &format!("{noun} not found"))
        }
        Err(ControlError::AlreadyFinal(s)) => json_message(
            StatusCode::CONFLICT,
            &format!("{noun} {id} is already {s}."),
        ),
        Err(e) => json_message(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

fn faults_list(shared: &Arc<Shared>) -> Response<Body> {
    let faults: Vec<Value> = shared.faults().list().iter().map(Fault::to_json).collect();
    json_response(StatusCode::OK, &json!({ "faults": faults }))
}

fn add_fault(shared: &Arc<Shared>, body: &[u8]) -> Response<Body> {
    let parsed = serde_json::from_slice::<Value>(body)
        .map_err(|_| "the body is not valid JSON".to_string())
        .and_then(|v| Fault::from_json(&v));
    match parsed {
        Ok(fault) => {
            info!(fault = %fault.to_json(), "fault injected");
            shared.faults().push(fault);
            faults_list(shared)
        }
        Err(message) => json_message(StatusCode::BAD_REQUEST, &message),
    }
}

fn notifications_list(shared: &Arc<Shared>) -> Response<Body> {
    let list: Vec<Value> = shared
        .notifier
        .records()
        .iter()
        .map(|r| {
            json!({
                "type": r.direction.as_str(),
                "id": r.id,
                "order_id": r.order_id,
                "payment_status": r.status.as_str(),
                "endpoint": r.endpoint,
                "url": r.url,
                "params": r.params.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
                "attempts": r.attempts.iter().map(|a| json!({"number": a.number, "status": a.status, "error": a.error})).collect::<Vec<_>>(),
                "outcome": match &r.outcome {
                    crate::DeliveryOutcome::Pending => json!("pending"),
                    crate::DeliveryOutcome::Delivered => json!("delivered"),
                    crate::DeliveryOutcome::GaveUp => json!("gave_up"),
                    crate::DeliveryOutcome::Refused(reason) => json!({"refused": reason}),
                },
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "notifications": list }))
}

/// The body, at most [`MAX_BODY`] bytes; else the answer to give.
async fn read_body(req: Request<Incoming>) -> Result<Bytes, Response<Body>> {
    match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(json_message(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large.",
        )),
        Err(_) => Err(json_message(
            StatusCode::BAD_REQUEST,
            "The request body could not be read.",
        )),
    }
}

/// 400 `{"message": "The given data was invalid.", "errors": {...}}`.
fn invalid(e: &InvalidRequest) -> Response<Body> {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({ "message": "The given data was invalid.", "errors": Value::Object(e.to_laravel_errors()) }),
    )
}

fn json_message(status: StatusCode, message: &str) -> Response<Body> {
    json_response(status, &json!({ "message": message }))
}

fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(body) => text_response(status, "application/json", body),
        Err(e) => {
            warn!(error = %e, "cannot encode an answer");
            text_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "application/json",
                br#"{"message":"Internal server error"}"#.to_vec(),
            )
        }
    }
}

fn html(status: StatusCode, page: String) -> Response<Body> {
    let mut r = text_response(status, "text/html; charset=utf-8", page);
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn text_response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}
