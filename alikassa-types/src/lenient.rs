//! Lenient decoding of the provider's responses, used by the generated records.
//!
//! The documents show amounts as strings with 9 decimals, `""` and `null`; ids as
//! numbers or strings of digits; flags as booleans. These accept each of those, and
//! reject what would mislead (a non-numeric amount, a negative id).

use serde::de::{self, Deserializer, Unexpected};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Amount;

/// An amount: string, number, `""` or `null` (the last two are `None`).
pub fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Amount::from_provider(&s).map_err(de::Error::custom),
        Value::Number(n) => Amount::from_provider(&n.to_string()).map_err(de::Error::custom),
        other => Err(de::Error::invalid_type(unexpected(&other), &"an amount")),
    }
}

/// A required id: a non-negative integer or a string of digits.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match opt_int(d)? {
        Some(v) => Ok(v),
        None => Err(de::Error::custom("expected an integer, found null")),
    }
}

/// An optional id: a non-negative integer, a string of digits, `""` or `null`.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_u64().map(Some).ok_or_else(|| {
            de::Error::invalid_value(
                Unexpected::Other("a non-integer number"),
                &"a non-negative integer",
            )
        }),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => s
            .parse()
            .map(Some)
            .map_err(|_| de::Error::invalid_value(Unexpected::Str(&s), &"a string of digits")),
        other => Err(de::Error::invalid_type(unexpected(&other), &"an integer")),
    }
}

/// An optional string; numbers are taken as their decimal text.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(de::Error::invalid_type(unexpected(&other), &"a string")),
    }
}

/// A required string; numbers are taken as their decimal text.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| de::Error::custom("expected a string, found null"))
}

/// An optional flag: `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"`, `""`/`null`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b)),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(Some(false)),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(Some(true)),
        Value::String(s) => match s.as_str() {
            "" => Ok(None),
            "0" | "false" => Ok(Some(false)),
            "1" | "true" => Ok(Some(true)),
            _ => Err(de::Error::invalid_value(Unexpected::Str(&s), &"a boolean")),
        },
        other => Err(de::Error::invalid_type(unexpected(&other), &"a boolean")),
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// A record's fields: the value must be a JSON object.
pub fn object<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Object(m) => Ok(m),
        other => Err(de::Error::invalid_type(
            unexpected(&other),
            &"a JSON object",
        )),
    }
}

/// A field that must be present; its reader decides what values it accepts.
pub fn required<T, E: de::Error>(
    object: &mut Map<String, Value>,
    name: &'static str,
    read: impl FnOnce(Value) -> Result<T, serde_json::Error>,
) -> Result<T, E> {
    match object.remove(name) {
        Some(v) => read(v).map_err(|e| E::custom(format_args!("field `{name}`: {e}"))),
        None => Err(E::missing_field(name)),
    }
}

/// A field that may be absent (read as `null`).
pub fn optional<T, E: de::Error>(
    object: &mut Map<String, Value>,
    name: &'static str,
    read: impl FnOnce(Value) -> Result<T, serde_json::Error>,
) -> Result<T, E> {
    let v = object.remove(name).unwrap_or(Value::Null);
    read(v).map_err(|e| E::custom(format_args!("field `{name}`: {e}")))
}
