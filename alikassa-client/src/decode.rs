//! Turning the provider's answer into a typed value or an [`Error`].

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{excerpt, Error};

/// Decodes an answer: 2xx into `T`; 400, 404, other 4xx and 5xx into their errors.
pub(crate) fn decode<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    let unexpected = |problem: String| Error::UnexpectedResponse {
        status,
        problem,
        excerpt: excerpt(body),
    };
    if (200..300).contains(&status) {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(unexpected("the body is empty".into()));
        }
        return serde_json::from_slice(body)
            .map_err(|e| unexpected(format!("the body is not the documented answer: {e}")));
    }
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let message = json
        .as_ref()
        .and_then(|v| v.get("message"))
        .and_then(Value::as_str)
        .map(str::to_string);
    match (status, message) {
        (400, Some(message)) => Err(Error::Validation {
            message,
            errors: field_errors(json.as_ref()),
        }),
        (404, Some(message)) => Err(Error::NotFound { message }),
        (500..=599, Some(message)) => Err(Error::Server { status, message }),
        (400..=499, Some(message)) => Err(Error::Rejected { status, message }),
        (_, _) => Err(unexpected(if json.is_some() {
            "the error has no `message`".into()
        } else {
            "the body is not JSON".into()
        })),
    }
}

/// The `errors` object of a 400: field -> messages (a single string is one message).
fn field_errors(json: Option<&Value>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(errors)) = json.and_then(|v| v.get("errors")) {
        for (field, v) in errors {
            let list = match v {
                Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect(),
                Value::String(s) => vec![s.clone()],
                other => vec![other.to_string()],
            };
            out.insert(field.clone(), list);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alikassa_types::PaymentCreated;

    fn err(status: u16, body: &str) -> Error {
        decode::<PaymentCreated>(status, body.as_bytes()).unwrap_err()
    }

    #[test]
    fn answers() {
        let ok: PaymentCreated = decode(
            200,
            br#"{"id": 5, "payment_status": "wait", "url": "https://x"}"#,
        )
        .unwrap();
        assert_eq!(ok.id, 5);
        match err(
            400,
            r#"{"message": "The given data was invalid.", "errors": {"amount": ["The amount field is required."], "x": "one"}}"#,
        ) {
            Error::Validation { message, errors } => {
                assert_eq!(message, "The given data was invalid.");
                assert_eq!(errors["amount"], ["The amount field is required."]);
                assert_eq!(errors["x"], ["one"]);
            }
            e => panic!("{e:?}"),
        }
        assert!(
            matches!(err(404, r#"{"message": "Payment not found"}"#), Error::NotFound { message } if message == "Payment not found")
        );
        let e = err(500, r#"{"message": "Internal server error"}"#);
        assert!(matches!(e, Error::Server { status: 500, .. }) && e.outcome_unknown());
        let e = err(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assert!(e.outcome_unknown() && e.is_retryable(), "{e}");
        assert!(e.to_string().contains("502 Bad Gateway"), "{e}");
        let e = err(200, "");
        assert!(matches!(e, Error::UnexpectedResponse { status: 200, .. }) && e.outcome_unknown());
        let e = err(200, r#"{"payment_status": "wait"}"#);
        assert!(e.to_string().contains("missing field `id`"), "{e}");
        assert!(matches!(
            err(401, r#"{"message": "Unauthenticated."}"#),
            Error::Rejected { status: 401, .. }
        ));
        let long = "x".repeat(10_000);
        let e = err(503, &long);
        assert!(e.to_string().len() < 700);
    }
}
