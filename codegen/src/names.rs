//! Rust names from the spec's wire names and codes.

use proc_macro2::{Ident, Span};

/// `online_banking_idr_hpp` -> `OnlineBankingIdrHpp`; `BCA` -> `Bca`; `nagad` -> `Nagad`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for part in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        // A part already in camelCase keeps its inner capitals; an all-caps part does not.
        let lower_rest = part.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            for c in chars {
                out.push(if lower_rest {
                    c.to_ascii_lowercase()
                } else {
                    c
                });
            }
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    out
}

/// `cardHolderName` -> `card_holder_name`; `RRN` -> `rrn`; `antiFraud` -> `anti_fraud`.
pub fn snake(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An identifier, raw when it is a keyword (`type` -> `r#type`).
pub fn ident(s: &str) -> Ident {
    const KEYWORDS: &[&str] = &[
        "type", "match", "ref", "move", "fn", "struct", "enum", "impl", "mod", "use", "loop",
        "self", "super", "crate",
    ];
    if KEYWORDS.contains(&s) {
        Ident::new_raw(s, Span::call_site())
    } else {
        Ident::new(s, Span::call_site())
    }
}

/// A type or variant identifier from any string.
pub fn type_ident(s: &str) -> Ident {
    Ident::new(&pascal(s), Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("online_banking_idr_hpp"), "OnlineBankingIdrHpp");
        assert_eq!(pascal("BCA"), "Bca");
        assert_eq!(pascal("TNGODUITNOW"), "Tngoduitnow");
        assert_eq!(pascal("nagad"), "Nagad");
        assert_eq!(snake("cardHolderName"), "card_holder_name");
        assert_eq!(snake("RRN"), "rrn");
        assert_eq!(snake("antiFraud"), "anti_fraud");
        assert_eq!(snake("order_id"), "order_id");
        assert_eq!(ident("type").to_string(), "r#type");
    }
}
