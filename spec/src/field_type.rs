//! The documents' field types ("decimal (11.2)", "string (128)", "string|max:255",
//! "ip", "int", "phone"), parsed into what the generator and validation need.

/// What kind of value a request field holds, with its documented limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `decimal (P.S)`: at most `P - S` integer digits and `S` decimals.
    Decimal { precision: u8, scale: u8 },
    /// `string`, `string (N)` or `string|max:N`: at most `max` characters.
    String { max: Option<u32> },
    /// `ip`: an IPv4 or IPv6 address.
    Ip,
    /// `int`: a non-negative integer.
    Int,
    /// `phone`: digits only.
    Phone,
}

/// A format a string field must match beyond its length (not in the documents' type
/// column; each use is recorded in `contradictions` with its reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Russian bank identification code: exactly 9 digits.
    Bic,
}

impl FieldKind {
    /// Parses a documented type; `None` when it is not one the documents use.
    pub fn parse(documented: &str) -> Option<FieldKind> {
        let t: String = documented.chars().filter(|c| !c.is_whitespace()).collect();
        match t.as_str() {
            "ip" => return Some(FieldKind::Ip),
            "int" => return Some(FieldKind::Int),
            "phone" => return Some(FieldKind::Phone),
            "string" => return Some(FieldKind::String { max: None }),
            _ => {}
        }
        if let Some(max) = t.strip_prefix("string|max:") {
            return max.parse().ok().map(|m| FieldKind::String { max: Some(m) });
        }
        if let Some(inner) = t.strip_prefix("string(").and_then(|r| r.strip_suffix(')')) {
            return inner
                .parse()
                .ok()
                .map(|m| FieldKind::String { max: Some(m) });
        }
        if let Some(inner) = t.strip_prefix("decimal(").and_then(|r| r.strip_suffix(')')) {
            let (p, s) = inner.split_once('.')?;
            let (precision, scale): (u8, u8) = (p.parse().ok()?, s.parse().ok()?);
            return (scale <= precision).then_some(FieldKind::Decimal { precision, scale });
        }
        None
    }
}

impl Format {
    /// Parses the `format:` key of a field.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "bic" => Some(Format::Bic),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_type() {
        assert_eq!(
            FieldKind::parse("decimal (11.2)"),
            Some(FieldKind::Decimal {
                precision: 11,
                scale: 2
            })
        );
        assert_eq!(
            FieldKind::parse("string (128)"),
            Some(FieldKind::String { max: Some(128) })
        );
        assert_eq!(
            FieldKind::parse("string|max:255"),
            Some(FieldKind::String { max: Some(255) })
        );
        assert_eq!(
            FieldKind::parse("string"),
            Some(FieldKind::String { max: None })
        );
        assert_eq!(FieldKind::parse("ip"), Some(FieldKind::Ip));
        assert_eq!(FieldKind::parse("int"), Some(FieldKind::Int));
        assert_eq!(FieldKind::parse("phone"), Some(FieldKind::Phone));
        assert_eq!(FieldKind::parse("decimal (2.11)"), None);
        assert_eq!(FieldKind::parse("strin (12)"), None);
        assert_eq!(FieldKind::parse("string (x)"), None);
    }
}
