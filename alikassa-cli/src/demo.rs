//! `alikassa demo`: every service end to end against an in-process sandbox, with a
//! fresh merchant key and a fresh notification key; no account, key or network.
//!
//! For each service it creates a payment (or payout) with realistic data, lets the
//! sandbox drive it to a final status (by the amount's cents, see the sandbox README;
//! one in four is left `wait` and finished through the control API), waits for the
//! status endpoint to say final, and receives the notification on a local HTTP
//! endpoint, verifying its signature as a merchant would.

use std::time::{Duration, Instant};

use alikassa_client::notification::NotificationVerifier;
use alikassa_client::types::catalogue::{self, Direction, ServiceInfo};
use alikassa_client::types::{PaymentRequest, PaymentStatus, PayoutRequest, StatusQuery};
use alikassa_client::{Client, PrivateKey, PublicKey};
use alikassa_sandbox::{Account, NotificationInbox, Sandbox, SandboxConfig};
use serde_json::{json, Value};

use crate::failure::{Failure, Kind};
use crate::{keygen, table};

/// How long one transaction may take to become final and notified.
const PATIENCE: Duration = Duration::from_secs(20);

fn fail(what: &str) -> impl Fn(String) -> Failure + '_ {
    move |e| Failure::new(Kind::Internal, format!("demo: {what}: {e}"))
}

pub fn run() -> Result<(), Failure> {
    crate::runtime()?.block_on(demo())
}

/// What the demo saw for one service.
struct Outcome {
    service: &'static str,
    direction: &'static str,
    order_id: String,
    status: String,
    notified: String,
}

async fn demo() -> Result<(), Failure> {
    let work =
        std::env::temp_dir().join(format!("alikassa-demo-{}-{}", std::process::id(), nanos()));
    let merchant_dir = work.join("cert/payment");
    eprintln!(
        "generating a merchant key set in {} ...",
        merchant_dir.display()
    );
    keygen::write_key_set(&merchant_dir)?;
    let merchant_key = PrivateKey::from_dir(&merchant_dir)
        .map_err(|e| fail("loading the new key")(e.to_string()))?;
    let notification_key = keygen::in_memory_key()?;

    let account = crate::sandbox_cmd::random_uuid();
    let receiver = NotificationInbox::start()
        .await
        .map_err(|e| fail("notification endpoint")(e.to_string()))?;
    let sandbox = Sandbox::start(
        SandboxConfig::new()
            .account(Account::new(account.clone(), merchant_key.public_key()))
            .notification_key(notification_key)
            .settle_delay(Duration::from_millis(200)),
    )
    .await
    .map_err(|e| fail("starting the sandbox")(e.to_string()))?;
    let verifier_pem = sandbox
        .notification_public_key_pem()
        .unwrap_or_default()
        .to_string();
    let verifier = NotificationVerifier::new(
        PublicKey::from_pem(verifier_pem.as_bytes())
            .map_err(|e| fail("notification key")(e.to_string()))?,
    );
    eprintln!("sandbox at {}, account {account}", sandbox.base_url());

    let client = Client::builder()
        .account(&account)
        .payment_key(merchant_key.clone())
        .base_url(sandbox.base_url())
        .build()?;

    let mut outcomes = Vec::new();
    for (i, service) in catalogue::services().iter().enumerate() {
        let order_id = format!("demo-{}-{}", i + 1, nanos() % 1_000_000);
        let cents = ["00", "01", "02", "03"][i % 4];
        let body = request_for(service, &order_id, cents, receiver.url());
        let (id, mut status) = match service.direction {
            Direction::Payout => {
                let r = PayoutRequest::from_json(&body)
                    .map_err(|e| fail(service.code)(e.to_string()))?;
                let c = client.create_payout(r).await?;
                (c.id, c.payment_status)
            }
            _ => {
                let r = PaymentRequest::from_json(&body)
                    .map_err(|e| fail(service.code)(e.to_string()))?;
                let c = client.create_payment(r).await?;
                (c.id, c.payment_status)
            }
        };
        let started = Instant::now();
        let mut nudged = false;
        while !status.is_final() {
            if started.elapsed() > PATIENCE {
                break;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
            let query = StatusQuery::OrderId(order_id.clone());
            status = match service.direction {
                Direction::Payout => client.payout_status(query).await?.payment_status,
                _ => client.payment_status(query).await?.payment_status,
            };
            // `.03` stays `wait` until told: finish it as an operator would.
            if !status.is_final()
                && cents == "03"
                && !nudged
                && started.elapsed() > Duration::from_millis(400)
            {
                sandbox
                    .set_status(service.direction, id, PaymentStatus::Paid)
                    .map_err(|e| fail("control")(e.to_string()))?;
                nudged = true;
            }
        }
        let notified = match receiver.wait_for(id, PATIENCE).await {
            Some(query) => match verifier.verify_query(&query) {
                Ok(n)
                    if n.notification.payment_status == status
                        && n.notification.order_id.as_deref() == Some(order_id.as_str()) =>
                {
                    "verified".to_string()
                }
                Ok(n) => format!("verified, but says {}", n.notification.payment_status),
                Err(e) => format!("REJECTED: {e}"),
            },
            None => "not received".to_string(),
        };
        outcomes.push(Outcome {
            service: service.code,
            direction: service.direction.as_str(),
            order_id,
            status: status.to_string(),
            notified,
        });
    }
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&work);

    let rows: Vec<Vec<String>> = outcomes
        .iter()
        .map(|o| {
            vec![
                o.service.to_string(),
                o.direction.to_string(),
                o.order_id.clone(),
                o.status.clone(),
                o.notified.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &["service", "direction", "order_id", "status", "notification"],
            &rows
        )
    );
    let bad: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.notified != "verified" || !PaymentStatus::from_wire(&o.status).is_final())
        .collect();
    if bad.is_empty() {
        println!(
            "{} services: every one final with a verified notification",
            outcomes.len()
        );
        Ok(())
    } else {
        Err(Failure::new(
            Kind::Internal,
            format!(
                "{} service(s) did not finish with a verified notification: {}",
                bad.len(),
                bad.iter().map(|o| o.service).collect::<Vec<_>>().join(", ")
            ),
        ))
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// Realistic data for a service, every required field and the notification URL.
fn request_for(s: &ServiceInfo, order_id: &str, cents: &str, notify_url: &str) -> Value {
    let major = match s.currency {
        "IDR" => "150000",
        "MYR" => "250",
        "BDT" => "1500",
        _ => "3000",
    };
    let (first, last) = match s.region {
        "ID" => ("Budi", "Santoso"),
        "MY" => ("Aisyah", "Binti Ahmad"),
        "BD" => ("Rahim", "Uddin"),
        _ => ("Иван", "Петров"),
    };
    let mut body = serde_json::Map::new();
    for f in s
        .fields
        .iter()
        .filter(|f| f.required || f.name == "notification_endpoint_url")
    {
        let v = match f.name {
            "amount" => json!(format!("{major}.{cents}")),
            "order_id" => json!(order_id),
            "service" => json!(s.code),
            "customer_ip" => json!("18.191.80.10"),
            "customer_code" => json!(s.banks.first().map(|b| b.code).unwrap_or("100000000111")),
            "customer_first_name" => json!(first),
            "customer_last_name" => json!(last),
            "customer_user_id" => json!("customer-1042"),
            "number" if f.documented_type == "phone" => json!("79031112233"),
            "number" if s.region == "RU" => json!("40817120273018899310"),
            "number" => json!("1234567890"),
            "bik_bank" => json!("041351902"),
            "notification_endpoint_url" => json!(notify_url),
            other => json!(format!("{other}-1")),
        };
        body.insert(f.name.to_string(), v);
    }
    Value::Object(body)
}
