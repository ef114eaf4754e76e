//! Validation of requests against the documented limits, shared by the client
//! (before anything is sent), the sandbox (answering 400 as the provider does) and
//! the command line. The generated code calls these checks, one per field.
//!
//! Messages follow the provider's Laravel validator ("The order id field is
//! required."), so the sandbox's 400 answers read like the provider's.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::Amount;

/// One field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Wire name of the field, e.g. `order_id`.
    pub field: String,
    /// What is wrong, as a sentence, e.g. "The order id field is required.".
    pub message: String,
}

/// A request that breaks the documented rules; it was not sent.
///
/// ```
/// use alikassa_types::InvalidRequest;
/// let e = InvalidRequest::single("amount", "The amount must be greater than 0.");
/// assert_eq!(e.to_string(), "invalid request: amount: The amount must be greater than 0.");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest {
    /// Every problem found, in field order.
    pub errors: Vec<FieldError>,
}

impl InvalidRequest {
    /// A request with one bad field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        InvalidRequest {
            errors: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// The problems grouped by field, as the provider's 400 `errors` object.
    pub fn to_laravel_errors(&self) -> Map<String, Value> {
        let mut out = Map::new();
        for e in &self.errors {
            let entry = out
                .entry(e.field.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                list.push(Value::String(e.message.clone()));
            }
        }
        out
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid request")?;
        for (i, e) in self.errors.iter().enumerate() {
            write!(
                f,
                "{} {}: {}",
                if i == 0 { ":" } else { ";" },
                e.field,
                e.message
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidRequest {}

/// Laravel's attribute name: `order_id` reads "order id".
fn attr(field: &str) -> String {
    field.replace('_', " ")
}

/// The Laravel "required" message for a field.
pub fn required_message(field: &str) -> String {
    format!("The {} field is required.", attr(field))
}

/// Collects field problems; `finish` turns them into a result.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// An empty validator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn fail(&mut self, field: &str, message: String) {
        self.errors.push(FieldError {
            field: field.into(),
            message,
        });
    }

    /// A request amount: positive, at most 2 decimals and 9 integer digits.
    pub fn amount(&mut self, field: &str, value: &Amount) {
        use crate::AmountError as E;
        if let Err(e) = value.check_request() {
            let a = attr(field);
            let msg = match e {
                E::TooManyDecimals { max } => {
                    format!("The {a} must have at most {max} decimal places.")
                }
                E::TooManyIntegerDigits { max } => {
                    format!("The {a} must have at most {max} integer digits.")
                }
                E::NotPositive => format!("The {a} must be greater than 0."),
                E::Empty | E::NotANumber(_) => format!("The {a} must be a number."),
            };
            self.fail(field, msg);
        }
    }

    /// A required string: not empty, at most `max` characters.
    pub fn string(&mut self, field: &str, value: &str, max: Option<u32>) {
        if value.trim().is_empty() {
            self.fail(field, required_message(field));
        } else {
            self.max_len(field, value, max);
        }
    }

    /// An optional string: at most `max` characters when given.
    pub fn opt_string(&mut self, field: &str, value: Option<&str>, max: Option<u32>) {
        if let Some(v) = value {
            self.max_len(field, v, max);
        }
    }

    fn max_len(&mut self, field: &str, value: &str, max: Option<u32>) {
        if let Some(max) = max {
            // Laravel counts characters (mb_strlen), not bytes.
            if value.chars().count() > max as usize {
                self.fail(
                    field,
                    format!(
                        "The {} may not be greater than {max} characters.",
                        attr(field)
                    ),
                );
            }
        }
    }

    /// A phone number: 10 to 15 digits, nothing else (the documents' example is
    /// "79031112233").
    pub fn phone(&mut self, field: &str, value: &str) {
        let ok = (10..=15).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit());
        if value.is_empty() {
            self.fail(field, required_message(field));
        } else if !ok {
            self.fail(
                field,
                format!(
                    "The {} must be a phone number of 10 to 15 digits.",
                    attr(field)
                ),
            );
        }
    }

    /// A Russian bank BIC: exactly 9 digits.
    pub fn bic(&mut self, field: &str, value: &str) {
        if !(value.len() == 9 && value.bytes().all(|b| b.is_ascii_digit())) {
            self.fail(field, format!("The {} must be 9 digits.", attr(field)));
        }
    }

    /// `Ok` when nothing was recorded.
    pub fn finish(self) -> Result<(), InvalidRequest> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(InvalidRequest {
                errors: self.errors,
            })
        }
    }

    fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

/// Reads a request from a JSON object, as the provider's validator does: each field
/// in the kinds the provider accepts (an amount as a string or a number, an id as a
/// number or a string of digits), every problem reported at once, unknown fields
/// ignored. The generated `from_json` of each request type drives it.
#[derive(Debug)]
pub struct JsonFields<'a> {
    object: &'a Map<String, Value>,
    errors: Validator,
}

/// How one kind of field is read from a JSON value; `Err` holds the message.
pub type Reader<T> = fn(&str, &Value) -> Result<T, String>;

impl<'a> JsonFields<'a> {
    /// Starts reading `object`.
    pub fn new(object: &'a Map<String, Value>) -> Self {
        JsonFields {
            object,
            errors: Validator::new(),
        }
    }

    /// A required field; missing, `null` or `""` is "field is required".
    pub fn required<T>(&mut self, field: &str, read: Reader<T>) -> Option<T> {
        match self.object.get(field) {
            None | Some(Value::Null) => {
                self.errors.fail(field, required_message(field));
                None
            }
            Some(Value::String(s)) if s.is_empty() => {
                self.errors.fail(field, required_message(field));
                None
            }
            Some(v) => self.read(field, v, read),
        }
    }

    /// An optional field; absent or `null` is `None`.
    pub fn optional<T>(&mut self, field: &str, read: Reader<T>) -> Option<T> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(v) => self.read(field, v, read),
        }
    }

    fn read<T>(&mut self, field: &str, v: &Value, read: Reader<T>) -> Option<T> {
        match read(field, v) {
            Ok(t) => Some(t),
            Err(msg) => {
                self.errors.fail(field, msg);
                None
            }
        }
    }

    /// The validator that checks the values read (limits, formats).
    pub fn validator(&mut self) -> &mut Validator {
        &mut self.errors
    }

    /// Ends reading: the request if every field was readable and valid, or every
    /// problem found, ordered by field as documented.
    pub fn finish<T>(self, built: Option<T>) -> Result<T, InvalidRequest> {
        let mut errors = self.errors.into_errors();
        match built {
            Some(t) if errors.is_empty() => Ok(t),
            _ => {
                if errors.is_empty() {
                    errors.push(FieldError {
                        field: "request".into(),
                        message: "The request could not be read.".into(),
                    });
                }
                Err(InvalidRequest { errors })
            }
        }
    }
}

/// Readers for each field kind, used by the generated `from_json`.
pub mod read {
    use super::*;

    /// `decimal (11.2)`: a string or a JSON number; request rules are checked later.
    pub fn amount(field: &str, v: &Value) -> Result<Amount, String> {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err(format!("The {} must be a number.", attr(field))),
        };
        match Amount::from_provider(&text) {
            Ok(Some(a)) => Ok(a),
            _ => Err(format!("The {} must be a number.", attr(field))),
        }
    }

    /// A string; a number is taken as its decimal text (the Go sample sends
    /// `order_id` as a number).
    pub fn text(field: &str, v: &Value) -> Result<String, String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(format!("The {} must be a string.", attr(field))),
        }
    }

    /// `int`: a non-negative integer or a string of digits.
    pub fn int(field: &str, v: &Value) -> Result<u64, String> {
        let n = match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse().ok()
            }
            _ => None,
        };
        n.ok_or_else(|| format!("The {} must be an integer.", attr(field)))
    }

    /// `ip`: an IPv4 or IPv6 address.
    pub fn ip(field: &str, v: &Value) -> Result<IpAddr, String> {
        match v {
            Value::String(s) => s
                .trim()
                .parse()
                .map_err(|_| format!("The {} must be a valid IP address.", attr(field))),
            _ => Err(format!("The {} must be a valid IP address.", attr(field))),
        }
    }

    /// A code from a bank table.
    pub fn bank<T: FromStr>(field: &str, v: &Value) -> Result<T, String> {
        match v {
            Value::String(s) => s
                .parse()
                .map_err(|_| format!("The selected {} is invalid.", attr(field))),
            _ => Err(format!("The selected {} is invalid.", attr(field))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_limits_count_characters() {
        let mut v = Validator::new();
        v.string("order_id", &"я".repeat(128), Some(128));
        assert!(v.finish().is_ok());
        let mut v = Validator::new();
        v.string("order_id", &"a".repeat(129), Some(128));
        v.string("customer_user_id", "  ", Some(100));
        let e = v.finish().unwrap_err();
        assert_eq!(
            e.errors[0].message,
            "The order id may not be greater than 128 characters."
        );
        assert_eq!(
            e.errors[1].message,
            "The customer user id field is required."
        );
    }

    #[test]
    fn phone_and_bic() {
        let mut v = Validator::new();
        v.phone("number", "79031112233");
        v.bic("bik_bank", "041351902");
        assert!(v.finish().is_ok());
        for bad in [
            "+79031112233",
            "7903111",
            "7903-111-22-33",
            "7903111223344556",
        ] {
            let mut v = Validator::new();
            v.phone("number", bad);
            assert!(v.finish().is_err(), "{bad}");
        }
        for bad in ["04135190", "0413519020", "04135190a", ""] {
            let mut v = Validator::new();
            v.bic("bik_bank", bad);
            assert!(v.finish().is_err(), "{bad}");
        }
    }

    #[test]
    fn readers_accept_what_the_provider_accepts() {
        assert_eq!(
            read::amount("amount", &json!(500)).unwrap().to_string(),
            "500.00"
        );
        assert_eq!(
            read::amount("amount", &json!("500.00"))
                .unwrap()
                .to_string(),
            "500.00"
        );
        assert!(read::amount("amount", &json!(true)).is_err());
        assert_eq!(
            read::text("order_id", &json!(1756900030)).unwrap(),
            "1756900030"
        );
        assert!(read::text("order_id", &json!([1])).is_err());
        assert_eq!(read::int("success_redirect_id", &json!("5")).unwrap(), 5);
        assert_eq!(read::int("success_redirect_id", &json!(5)).unwrap(), 5);
        assert!(read::int("success_redirect_id", &json!(-5)).is_err());
        assert!(read::int("success_redirect_id", &json!(5.5)).is_err());
        assert!(read::int("success_redirect_id", &json!("5a")).is_err());
        assert!(read::ip("customer_ip", &json!("18.191.80.10")).is_ok());
        assert!(read::ip("customer_ip", &json!("::1")).is_ok());
        assert_eq!(
            read::ip("customer_ip", &json!("18.191.80")).unwrap_err(),
            "The customer ip must be a valid IP address."
        );
    }

    #[test]
    fn laravel_errors_group_by_field() {
        let e = InvalidRequest {
            errors: vec![
                FieldError {
                    field: "amount".into(),
                    message: "a".into(),
                },
                FieldError {
                    field: "amount".into(),
                    message: "b".into(),
                },
            ],
        };
        assert_eq!(
            Value::Object(e.to_laravel_errors()),
            json!({"amount": ["a", "b"]})
        );
    }
}
