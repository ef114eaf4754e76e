//! Notifications: what AliKassa sends to `notification_endpoint_url` when a payment
//! or payout reaches a final status.
//!
//! Parse and verify them with the notification certificate's `public.pem`; a
//! forged, altered or unsigned notification is an error, never a value. A verified
//! notification is still only a hint: [`Client::confirm_notification`] asks the
//! status endpoint, the authority.
//!
//! ```
//! use alikassa_client::notification::{NotificationError, NotificationVerifier};
//! let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/archive/public.pem")).unwrap();
//! let verifier = NotificationVerifier::from_pem(&pem).unwrap();
//! let forged = "type=payment&id=1&order_id=o1&payment_status=paid&sign=AAAA";
//! assert!(matches!(verifier.verify_query(forged), Err(NotificationError::BadSignature)));
//! ```

use std::fmt;

use alikassa_types::notification::{as_param, signed_bytes, SIGN};
use alikassa_types::{Notification, PaymentDetails, PaymentStatus, PayoutDetails, StatusQuery};
use serde_json::{Map, Value};

use crate::credentials::{CredentialError, PublicKey};
use crate::signing::Digest;
use crate::{Client, Error};

/// Why a notification was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationError {
    /// It carries no `sign`.
    Unsigned,
    /// `sign` does not verify over the other parameters: forged or altered.
    BadSignature,
    /// It cannot be read (not a query string or JSON object, a bad percent-escape).
    Malformed(String),
    /// It verifies but lacks a field or holds a value of the wrong kind.
    Invalid(String),
}

impl fmt::Display for NotificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotificationError::Unsigned => f.write_str("the notification has no `sign`"),
            NotificationError::BadSignature => {
                f.write_str("the notification's `sign` does not verify: forged or altered")
            }
            NotificationError::Malformed(m) => write!(f, "the notification cannot be read: {m}"),
            NotificationError::Invalid(m) => {
                write!(f, "the notification is signed but invalid: {m}")
            }
        }
    }
}

impl std::error::Error for NotificationError {}

/// A notification whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedNotification {
    /// The typed fields.
    pub notification: Notification,
    /// Every parameter as received, `sign` excepted, in order (including ones this
    /// version does not know, e.g. `card_brand`).
    pub params: Vec<(String, String)>,
}

impl VerifiedNotification {
    /// True for a payout notification (`type=payout`).
    pub fn is_payout(&self) -> bool {
        self.notification.r#type == "payout"
    }
}

/// Verifies notifications with AliKassa's notification public key.
#[derive(Debug, Clone)]
pub struct NotificationVerifier {
    key: PublicKey,
    digests: Vec<Digest>,
}

impl NotificationVerifier {
    /// A verifier for this key, accepting SHA1 signatures (the provider's PHP sample).
    pub fn new(key: PublicKey) -> Self {
        NotificationVerifier {
            key,
            digests: vec![Digest::Sha1],
        }
    }

    /// A verifier from the notification archive's `public.pem`.
    pub fn from_pem(pem: &[u8]) -> Result<Self, CredentialError> {
        Ok(Self::new(PublicKey::from_pem(pem)?))
    }

    /// Also accepts these digests (e.g. SHA256), tried in order.
    pub fn accept_digests(mut self, digests: &[Digest]) -> Self {
        self.digests = digests.to_vec();
        self
    }

    /// Verifies a GET notification's query string (without the leading `?`).
    pub fn verify_query(&self, query: &str) -> Result<VerifiedNotification, NotificationError> {
        self.verify_params(parse_query(query)?)
    }

    /// Verifies a notification sent as a JSON object body.
    pub fn verify_json(&self, body: &[u8]) -> Result<VerifiedNotification, NotificationError> {
        let object: Map<String, Value> = serde_json::from_slice(body)
            .map_err(|e| NotificationError::Malformed(format!("not a JSON object: {e}")))?;
        self.verify_params(
            object
                .iter()
                .map(|(k, v)| (k.clone(), as_param(v)))
                .collect(),
        )
    }

    /// Verifies parameters in the order received.
    pub fn verify_params(
        &self,
        params: Vec<(String, String)>,
    ) -> Result<VerifiedNotification, NotificationError> {
        let sign = params
            .iter()
            .find(|(k, _)| k == SIGN)
            .map(|(_, v)| v.clone())
            .filter(|s| !s.is_empty())
            .ok_or(NotificationError::Unsigned)?;
        let rest: Vec<(String, String)> = params.into_iter().filter(|(k, _)| k != SIGN).collect();
        let message = signed_bytes(rest.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| NotificationError::Malformed(e.to_string()))?;
        if !self
            .digests
            .iter()
            .any(|d| self.key.verify(*d, &message, &sign).is_ok())
        {
            return Err(NotificationError::BadSignature);
        }
        let mut object: Map<String, Value> = serde_json::from_slice(&message)
            .map_err(|e| NotificationError::Malformed(e.to_string()))?;
        object.insert(SIGN.into(), Value::String(sign));
        let notification: Notification = serde_json::from_value(Value::Object(object))
            .map_err(|e| NotificationError::Invalid(e.to_string()))?;
        Ok(VerifiedNotification {
            notification,
            params: rest,
        })
    }
}

/// `application/x-www-form-urlencoded` pairs, in order.
fn parse_query(query: &str) -> Result<Vec<(String, String)>, NotificationError> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

fn percent_decode(s: &str) -> Result<String, NotificationError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                let Some(b) = hex else {
                    return Err(NotificationError::Malformed(format!(
                        "bad percent-escape in `{}`",
                        s.chars().take(40).collect::<String>()
                    )));
                };
                out.push(b);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| NotificationError::Malformed("a parameter is not UTF-8".into()))
}

/// What the status endpoint says about a notified payment or payout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Confirmation {
    /// The payment's authoritative state.
    Payment(Box<PaymentDetails>),
    /// The payout's authoritative state.
    Payout(Box<PayoutDetails>),
}

impl Confirmation {
    /// The authoritative status.
    pub fn status(&self) -> &PaymentStatus {
        match self {
            Confirmation::Payment(d) => &d.payment_status,
            Confirmation::Payout(d) => &d.payment_status,
        }
    }
}

impl Client {
    /// Asks the status endpoint about a verified notification's payment or payout
    /// (by its `id`). Act on the returned state, not on the notification; compare
    /// [`Confirmation::status`] with the notified one to spot a stale notification.
    pub async fn confirm_notification(
        &self,
        n: &VerifiedNotification,
    ) -> Result<Confirmation, Error> {
        let query = StatusQuery::Id(n.notification.id.to_string());
        if n.is_payout() {
            self.payout_status(query)
                .await
                .map(|d| Confirmation::Payout(Box::new(d)))
        } else {
            self.payment_status(query)
                .await
                .map(|d| Confirmation::Payment(Box::new(d)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings() {
        let p = parse_query("type=payment&desc=Order+%231%2F2&empty=&flag").unwrap();
        assert_eq!(
            p,
            [
                ("type".into(), "payment".into()),
                ("desc".into(), "Order #1/2".into()),
                ("empty".into(), "".into()),
                ("flag".into(), "".into())
            ]
        );
        assert!(parse_query("a=%zz").is_err());
        assert!(parse_query("a=%e").is_err());
        assert!(parse_query("a=%ff").is_err());
    }
}
