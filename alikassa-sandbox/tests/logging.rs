//! The sandbox logs each request in a span, and never the `Sign` header.

mod common;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use alikassa_client::signing::Signer;
use common::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Writes every span and event, with all their fields, to one string.
#[derive(Clone, Default)]
struct Capture {
    log: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        line.push('\n');
        self.log.lock().unwrap().push_str(&line);
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record");
        values.record(&mut Fields(&mut line));
        line.push('\n');
        self.log.lock().unwrap().push_str(&line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}", event.metadata().level());
        event.record(&mut Fields(&mut line));
        line.push('\n');
        self.log.lock().unwrap().push_str(&line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn requests_are_logged_without_the_sign() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let sandbox = start(config()).await;
    let k = keys();

    let good = alikassa_types::php_json::to_vec(&idr_payment("log-1", "10.00")).unwrap();
    let good_sign = k.payment.sign_base64(&good).unwrap();
    let r = post_signed(&sandbox, "/v1/payment", &k.payment, &good)
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    // A rejected one too: its Sign must not appear either.
    let bad_sign = k.other.sign_base64(&good).unwrap();
    let r = post_signed(&sandbox, "/v1/payment", &k.other, &good)
        .await
        .unwrap();
    assert_eq!(r.status, 403);
    sandbox.shutdown().await;

    let log = capture.log.lock().unwrap().clone();
    assert!(
        log.contains("span sandbox_request method=POST path=/v1/payment"),
        "{log}"
    );
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("status=403"), "{log}");
    assert!(log.contains("payment created"), "{log}");
    for sign in [&good_sign, &bad_sign] {
        assert!(
            !log.contains(sign.as_str()),
            "the Sign header leaked into the log"
        );
        assert!(
            !log.contains(&sign[..40]),
            "part of the Sign header leaked into the log"
        );
    }
}
