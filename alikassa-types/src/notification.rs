//! The bytes a notification's `sign` covers, shared by whoever signs (the sandbox)
//! and whoever verifies (the client).
//!
//! `provider-pages-notes.md`: take the parameters except `sign`, in the order
//! received, as a JSON object with `id` as an integer, encoded as PHP's
//! `json_encode`. Whatever fields arrive are covered, so a notification that gains
//! or loses a field (`commission_amount`, `card_brand`) still verifies.
//!
//! ```
//! use alikassa_types::notification::signed_bytes;
//! let params = [("type", "payment"), ("id", "42"), ("sign", "xyz"), ("desc", "a/b")];
//! assert_eq!(signed_bytes(params).unwrap(), br#"{"type":"payment","id":42,"desc":"a\/b"}"#);
//! ```

use serde_json::{Map, Value};

/// The parameter holding the signature.
pub const SIGN: &str = "sign";

/// The JSON the signature covers, for parameters in the order received.
pub fn signed_bytes<K: AsRef<str>, V: AsRef<str>>(
    params: impl IntoIterator<Item = (K, V)>,
) -> serde_json::Result<Vec<u8>> {
    let mut object = Map::new();
    for (k, v) in params {
        let (k, v) = (k.as_ref(), v.as_ref());
        if k == SIGN {
            continue;
        }
        let value = match (k, v.parse::<u64>()) {
            ("id", Ok(n)) if !v.starts_with('+') => Value::from(n),
            _ => Value::String(v.to_string()),
        };
        object.insert(k.to_string(), value);
    }
    crate::php_json::to_vec(&Value::Object(object))
}

/// A JSON value as the text a query parameter would carry (`true` -> `"1"`, as PHP's
/// `http_build_query` writes it; `null` -> `""`), for notifications sent as JSON.
pub fn as_param(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "1".into(),
        Value::Bool(false) => "0".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
