//! Fault injection: latency, 500 and 502 answers, dropped connections, per
//! endpoint, one-shot or persistent, switchable while the sandbox runs.

use std::fmt;
use std::time::Duration;

use serde_json::{json, Map, Value};

/// One of the five API endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v1/payment`
    CreatePayment,
    /// `POST /v1/payout`
    CreatePayout,
    /// `POST /v1/payment/status`
    PaymentStatus,
    /// `POST /v1/payout/status`
    PayoutStatus,
    /// `POST /v1/account/balance`
    AccountBalance,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 5] = [
        Endpoint::CreatePayment,
        Endpoint::CreatePayout,
        Endpoint::PaymentStatus,
        Endpoint::PayoutStatus,
        Endpoint::AccountBalance,
    ];

    /// The path as the spec writes it, e.g. `v1/payment/status` (from the generated
    /// `alikassa_types::endpoints`, so the sandbox serves exactly the spec's paths).
    pub fn path(self) -> &'static str {
        use alikassa_types::endpoints as spec;
        match self {
            Endpoint::CreatePayment => spec::CREATE_PAYMENT.path,
            Endpoint::CreatePayout => spec::CREATE_PAYOUT.path,
            Endpoint::PaymentStatus => spec::PAYMENT_STATUS.path,
            Endpoint::PayoutStatus => spec::PAYOUT_STATUS.path,
            Endpoint::AccountBalance => spec::ACCOUNT_BALANCE.path,
        }
    }

    /// The endpoint at `path`, with or without the leading `/`.
    ///
    /// ```
    /// use alikassa_sandbox::Endpoint;
    /// assert_eq!(Endpoint::from_path("/v1/payout/status"), Some(Endpoint::PayoutStatus));
    /// assert_eq!(Endpoint::from_path("v1/nothing"), None);
    /// ```
    pub fn from_path(path: &str) -> Option<Endpoint> {
        let path = path.trim_start_matches('/').trim_end_matches('/');
        Endpoint::ALL.into_iter().find(|e| e.path() == path)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// The answer comes this much later; the request is then handled normally.
    Latency(Duration),
    /// HTTP 500 `{"message": "Internal server error"}`; nothing is processed.
    ServerError,
    /// HTTP 502 with an HTML page, as a proxy in front of the API gives;
    /// nothing is processed.
    BadGateway,
    /// The connection is closed before the request is read: nothing is stored,
    /// no answer.
    DropBeforeProcessing,
    /// The request is processed (a payment is stored, its status moves on), then
    /// the connection is closed without an answer: the outcome is unknown to the
    /// caller.
    DropAfterProcessing,
}

impl FaultKind {
    /// The name used by `POST /sandbox/faults`: `latency`, `server_error`,
    /// `bad_gateway`, `drop_before`, `drop_after`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Latency(_) => "latency",
            FaultKind::ServerError => "server_error",
            FaultKind::BadGateway => "bad_gateway",
            FaultKind::DropBeforeProcessing => "drop_before",
            FaultKind::DropAfterProcessing => "drop_after",
        }
    }
}

/// A fault to inject: what, on which endpoint (all by default), how many times
/// (once by default).
///
/// ```
/// use std::time::Duration;
/// use alikassa_sandbox::{Endpoint, Fault, FaultKind};
/// let f = Fault::new(FaultKind::ServerError).on(Endpoint::CreatePayment).times(2);
/// assert_eq!(f.remaining(), Some(2));
/// let slow = Fault::new(FaultKind::Latency(Duration::from_millis(300))).persistent();
/// assert_eq!(slow.remaining(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    kind: FaultKind,
    endpoint: Option<Endpoint>,
    remaining: Option<u32>,
}

impl Fault {
    /// A one-shot fault on every endpoint.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            endpoint: None,
            remaining: Some(1),
        }
    }

    /// Only on `endpoint`.
    pub fn on(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// For the next `n` matching requests (at least 1).
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n.max(1));
        self
    }

    /// For every matching request until cleared.
    pub fn persistent(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// What goes wrong.
    pub fn kind(&self) -> FaultKind {
        self.kind
    }

    /// The endpoint it applies to; `None` for all.
    pub fn endpoint(&self) -> Option<Endpoint> {
        self.endpoint
    }

    /// Requests left to fault; `None` when persistent.
    pub fn remaining(&self) -> Option<u32> {
        self.remaining
    }

    /// Reads the `POST /sandbox/faults` body:
    /// `{"endpoint": "v1/payment", "kind": "latency", "latency_ms": 250, "times": 2}`
    /// or `{"kind": "server_error", "persistent": true}`.
    ///
    /// ```
    /// use alikassa_sandbox::{Endpoint, Fault, FaultKind};
    /// let f = Fault::from_json(&serde_json::json!({"endpoint": "v1/payout", "kind": "drop_after"})).unwrap();
    /// assert_eq!(f, Fault::new(FaultKind::DropAfterProcessing).on(Endpoint::CreatePayout));
    /// assert!(Fault::from_json(&serde_json::json!({"kind": "sunspots"})).is_err());
    /// ```
    pub fn from_json(v: &Value) -> Result<Fault, String> {
        let o = v.as_object().ok_or("the fault must be a JSON object")?;
        let kind = match o.get("kind").and_then(Value::as_str) {
            Some("latency") => {
                let ms = o
                    .get("latency_ms")
                    .and_then(Value::as_u64)
                    .ok_or("latency needs `latency_ms`, a non-negative integer")?;
                FaultKind::Latency(Duration::from_millis(ms))
            }
            Some("server_error") => FaultKind::ServerError,
            Some("bad_gateway") => FaultKind::BadGateway,
            Some("drop_before") => FaultKind::DropBeforeProcessing,
            Some("drop_after") => FaultKind::DropAfterProcessing,
            _ => return Err(
                "`kind` must be one of latency, server_error, bad_gateway, drop_before, drop_after"
                    .into(),
            ),
        };
        let mut fault = Fault::new(kind);
        match o.get("endpoint") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s == "*" => {}
            Some(Value::String(s)) => {
                let e = Endpoint::from_path(s)
                    .ok_or_else(|| format!("unknown endpoint `{}`", excerpt(s)))?;
                fault = fault.on(e);
            }
            Some(_) => return Err("`endpoint` must be a string such as \"v1/payment\"".into()),
        }
        let persistent = match o.get("persistent") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err("`persistent` must be true or false".into()),
        };
        match (o.get("times").filter(|v| !v.is_null()), persistent) {
            (Some(_), true) => return Err("give `times` or `persistent`, not both".into()),
            (Some(t), false) => {
                let n = t
                    .as_u64()
                    .filter(|n| (1..=u64::from(u32::MAX)).contains(n))
                    .ok_or("`times` must be a positive integer")?;
                fault = fault.times(u32::try_from(n).unwrap_or(u32::MAX));
            }
            (None, true) => fault = fault.persistent(),
            (None, false) => {}
        }
        Ok(fault)
    }

    /// The fault as `GET /sandbox/faults` lists it.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert(
            "endpoint".into(),
            self.endpoint.map_or(json!("*"), |e| json!(e.path())),
        );
        o.insert("kind".into(), json!(self.kind.name()));
        if let FaultKind::Latency(d) = self.kind {
            o.insert(
                "latency_ms".into(),
                json!(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            );
        }
        match self.remaining {
            Some(n) => o.insert("times".into(), json!(n)),
            None => o.insert("persistent".into(), json!(true)),
        };
        Value::Object(o)
    }
}

fn excerpt(s: &str) -> String {
    s.chars().take(60).collect()
}

/// What a request meets: the total added latency and the first other fault.
#[derive(Debug, Default)]
pub(crate) struct Hit {
    pub latency: Duration,
    pub fault: Option<FaultKind>,
}

/// The faults in force, in the order injected.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    faults: Vec<Fault>,
}

impl FaultSet {
    pub fn push(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }

    pub fn list(&self) -> Vec<Fault> {
        self.faults.clone()
    }

    /// Consumes what applies to one request on `endpoint`: every latency fault,
    /// and the first fault of another kind.
    pub fn take(&mut self, endpoint: Endpoint) -> Hit {
        let mut hit = Hit::default();
        for f in &mut self.faults {
            if f.endpoint.is_some_and(|e| e != endpoint) {
                continue;
            }
            let used = match f.kind {
                FaultKind::Latency(d) => {
                    hit.latency = hit.latency.saturating_add(d);
                    true
                }
                other if hit.fault.is_none() => {
                    hit.fault = Some(other);
                    true
                }
                _ => false,
            };
            if used {
                if let Some(n) = &mut f.remaining {
                    *n = n.saturating_sub(1);
                }
            }
        }
        self.faults.retain(|f| f.remaining != Some(0));
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_faults_are_consumed_in_order() {
        let mut set = FaultSet::default();
        set.push(Fault::new(FaultKind::ServerError).on(Endpoint::CreatePayment));
        set.push(Fault::new(FaultKind::BadGateway));
        set.push(Fault::new(FaultKind::Latency(Duration::from_millis(5))).persistent());
        let hit = set.take(Endpoint::PaymentStatus);
        assert_eq!(hit.fault, Some(FaultKind::BadGateway));
        assert_eq!(hit.latency, Duration::from_millis(5));
        let hit = set.take(Endpoint::CreatePayment);
        assert_eq!(hit.fault, Some(FaultKind::ServerError));
        let hit = set.take(Endpoint::CreatePayment);
        assert_eq!(hit.fault, None);
        assert_eq!(set.list().len(), 1);
    }

    #[test]
    fn json_round_trip() {
        for f in [
            Fault::new(FaultKind::Latency(Duration::from_millis(20)))
                .on(Endpoint::AccountBalance)
                .times(3),
            Fault::new(FaultKind::DropBeforeProcessing).persistent(),
        ] {
            assert_eq!(Fault::from_json(&f.to_json()), Ok(f));
        }
        assert!(Fault::from_json(&json!({"kind": "latency"})).is_err());
        assert!(Fault::from_json(&json!({"kind": "bad_gateway", "times": 0})).is_err());
        assert!(
            Fault::from_json(&json!({"kind": "bad_gateway", "times": 2, "persistent": true}))
                .is_err()
        );
        assert!(Fault::from_json(&json!({"kind": "bad_gateway", "endpoint": "v2/x"})).is_err());
    }
}
