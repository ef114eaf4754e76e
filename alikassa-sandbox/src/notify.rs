//! Notifications: an HTTP GET to `notification_endpoint_url` when a payment or
//! payout reaches a final status, signed with the sandbox's notification key,
//! retried until HTTP 200.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use alikassa_client::credentials::PrivateKey;
use alikassa_client::signing::{Digest, RsaSigner};
use alikassa_types::catalogue::Direction;
use alikassa_types::notification::{signed_bytes, SIGN};
use alikassa_types::PaymentStatus;
use bytes::Bytes;
use http_body_util::Empty;
use hyper::header::USER_AGENT;
use hyper::{Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::config::NotificationPolicy;

/// The `User-Agent` of the sandbox's notifications.
const AGENT: &str = "AliKassa-Sandbox/0.1 (notification)";

/// One notification: what was sent where, and how each attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotificationRecord {
    /// Payment or payout.
    pub direction: Direction,
    /// Its AliKassa id.
    pub id: u64,
    /// Its `order_id`.
    pub order_id: String,
    /// The final status notified.
    pub status: PaymentStatus,
    /// The merchant's `notification_endpoint_url`, as given.
    pub endpoint: String,
    /// The URL requested (the endpoint with the query appended); empty when refused.
    pub url: String,
    /// The query parameters in the order sent, `sign` last.
    pub params: Vec<(String, String)>,
    /// Every attempt so far, first first.
    pub attempts: Vec<DeliveryAttempt>,
    /// Where delivery stands.
    pub outcome: DeliveryOutcome,
}

impl NotificationRecord {
    /// The value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP attempt to deliver a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// The HTTP status answered, if any answer came.
    pub status: Option<u16>,
    /// Why no answer came (connection refused, timeout...).
    pub error: Option<String>,
}

/// Where the delivery of a notification stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// Attempts are still to come.
    Pending,
    /// An attempt was answered with HTTP 200.
    Delivered,
    /// Every attempt failed.
    GaveUp,
    /// Never sent: the URL is not `http://` on a loopback address, or the sandbox
    /// has no notification key. The reason says which.
    Refused(String),
}

impl DeliveryOutcome {
    /// True once nothing more will happen.
    pub fn is_done(&self) -> bool {
        !matches!(self, DeliveryOutcome::Pending)
    }
}

/// What a final status hands to the notifier.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub direction: Direction,
    pub id: u64,
    pub order_id: String,
    pub status: PaymentStatus,
    pub endpoint: String,
    /// Every parameter but `sign`, in the documented order.
    pub params: Vec<(String, String)>,
}

/// Sends notifications and keeps their records.
pub(crate) struct Notifier {
    signer: Option<RsaSigner>,
    policy: NotificationPolicy,
    client: Client<HttpConnector, Empty<Bytes>>,
    records: Mutex<Vec<NotificationRecord>>,
}

impl Notifier {
    /// Notifications are signed with `key` using SHA1, as the provider's PHP sample
    /// verifies them.
    pub fn new(key: Option<&PrivateKey>, policy: NotificationPolicy) -> Self {
        let client = Client::builder(TokioExecutor::new()).build_http();
        let signer = key.map(|k| RsaSigner::new(k.clone(), Digest::Sha1));
        Notifier {
            signer,
            policy,
            client,
            records: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<NotificationRecord>> {
        // A panic while holding this lock is a sandbox bug; the records stay usable.
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every notification so far, oldest first.
    pub fn records(&self) -> Vec<NotificationRecord> {
        self.lock().clone()
    }

    /// Records the notification and, when it may be sent, starts delivering it.
    pub fn notify(
        self: &Arc<Self>,
        runtime: &tokio::runtime::Handle,
        shutdown: watch::Receiver<bool>,
        job: Job,
    ) {
        let prepared = self.prepare(&job);
        let mut record = NotificationRecord {
            direction: job.direction,
            id: job.id,
            order_id: job.order_id,
            status: job.status,
            endpoint: job.endpoint,
            url: String::new(),
            params: job.params,
            attempts: Vec::new(),
            outcome: DeliveryOutcome::Pending,
        };
        match prepared {
            Err(reason) => {
                warn!(id = record.id, endpoint = %record.endpoint, %reason, "notification not sent");
                record.outcome = DeliveryOutcome::Refused(reason);
                self.lock().push(record);
            }
            Ok((uri, sign)) => {
                record.params.push((SIGN.to_string(), sign));
                record.url = uri.to_string();
                let index = {
                    let mut records = self.lock();
                    records.push(record);
                    records.len() - 1
                };
                runtime.spawn(Arc::clone(self).deliver(index, uri, shutdown));
            }
        }
    }

    /// The URL to request and the `sign`, or why the notification is not sent.
    fn prepare(&self, job: &Job) -> Result<(Uri, String), String> {
        let base = loopback_http(&job.endpoint)?;
        let signer = self
            .signer
            .as_ref()
            .ok_or("the sandbox has no notification key")?;
        let bytes = signed_bytes(job.params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| format!("cannot encode the signed bytes: {e}"))?;
        let sign = crate::crypto::sign_base64(signer, &bytes)?;
        let mut query = String::new();
        for (k, v) in job
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([(SIGN, sign.as_str())])
        {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&form_encode(k));
            query.push('=');
            query.push_str(&form_encode(v));
        }
        let path = base.path();
        let url = match base.query() {
            Some(q) if !q.is_empty() => format!("http://{}{path}?{q}&{query}", authority(&base)),
            _ => format!("http://{}{path}?{query}", authority(&base)),
        };
        let uri = url
            .parse::<Uri>()
            .map_err(|e| format!("cannot build the notification URL: {e}"))?;
        Ok((uri, sign))
    }

    async fn deliver(self: Arc<Self>, index: usize, uri: Uri, mut shutdown: watch::Receiver<bool>) {
        let policy = self.policy;
        for number in 1..=policy.max_attempts {
            let wait = policy.delay_before(number);
            if !wait.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = crate::server::stopped(&mut shutdown) => return,
                }
            }
            let request = Request::get(uri.clone())
                .header(USER_AGENT, AGENT)
                .body(Empty::new());
            let attempt = match request {
                Err(e) => DeliveryAttempt {
                    number,
                    status: None,
                    error: Some(e.to_string()),
                },
                Ok(request) => {
                    let sent =
                        tokio::time::timeout(policy.attempt_timeout, self.client.request(request));
                    tokio::select! {
                        r = sent => match r {
                            Ok(Ok(response)) => DeliveryAttempt { number, status: Some(response.status().as_u16()), error: None },
                            Ok(Err(e)) => DeliveryAttempt { number, status: None, error: Some(error_chain(&e)) },
                            Err(_) => DeliveryAttempt { number, status: None, error: Some("timed out".into()) },
                        },
                        _ = crate::server::stopped(&mut shutdown) => return,
                    }
                }
            };
            let delivered = attempt.status == Some(200);
            let mut records = self.lock();
            let Some(record) = records.get_mut(index) else {
                return;
            };
            info!(
                id = record.id,
                endpoint = %record.endpoint,
                attempt = number,
                status = attempt.status,
                error = attempt.error.as_deref(),
                "notification attempt"
            );
            record.attempts.push(attempt);
            if delivered {
                record.outcome = DeliveryOutcome::Delivered;
                return;
            }
            if number == policy.max_attempts {
                warn!(id = record.id, endpoint = %record.endpoint, attempts = number, "notification given up");
                record.outcome = DeliveryOutcome::GaveUp;
            }
        }
    }
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("signer", &self.signer.is_some())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

fn authority(uri: &Uri) -> &str {
    uri.authority().map_or("", |a| a.as_str())
}

/// Parses `url` and checks it is `http://` on a loopback host: the sandbox never
/// sends anything off this machine.
pub(crate) fn loopback_http(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .trim()
        .parse()
        .map_err(|_| "not a valid URL".to_string())?;
    if uri.scheme_str() != Some("http") {
        return Err("the sandbox only notifies http:// URLs".into());
    }
    let authority = uri.authority().ok_or("the URL has no host")?;
    if authority.as_str().contains('@') {
        return Err("the URL carries credentials".into());
    }
    let host = authority.host();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err(format!(
            "the sandbox only notifies loopback hosts, not `{}`",
            host.chars().take(100).collect::<String>()
        ));
    }
    Ok(uri)
}

/// `application/x-www-form-urlencoded`, as PHP's `http_build_query` writes it:
/// letters, digits and `-_.` as they are, space as `+`, the rest `%XX`.
pub(crate) fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http() {
        for ok in [
            "http://127.0.0.1:8080/cb",
            "http://localhost/cb?x=1",
            "http://[::1]:9/",
            "http://127.9.9.9",
        ] {
            assert!(loopback_http(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://127.0.0.1/cb",
            "http://example.com/cb",
            "http://10.0.0.1/cb",
            "http://user:pw@127.0.0.1/cb",
            "ftp://127.0.0.1/",
            "not a url",
            "http://127.0.0.1.example.com/",
        ] {
            assert!(loopback_http(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn form_encoding_matches_php() {
        assert_eq!(form_encode("a b/c+d=é~"), "a+b%2Fc%2Bd%3D%C3%A9%7E");
        assert_eq!(form_encode("Abc-1_2.3"), "Abc-1_2.3");
    }
}
