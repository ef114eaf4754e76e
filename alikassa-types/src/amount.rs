//! Money as a decimal, never a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money, as the documents' `decimal (11.2)`.
///
/// Built from a string, minor units or a [`Decimal`]; there is no conversion from
/// `f64`. A request amount is positive, has at most 2 decimals and at most 9 integer
/// digits, and is sent as a string with two decimals (`"500.00"`). Amounts decoded from
/// the provider's responses keep the precision it wrote (`"10.000000000"`) and may be
/// zero or negative (balances); see [`Amount::from_provider`].
///
/// ```
/// use alikassa_types::Amount;
/// let a: Amount = "500".parse().unwrap();
/// assert_eq!(a.to_string(), "500.00");
/// assert_eq!(Amount::from_minor_units(1999).unwrap().to_string(), "19.99");
/// assert!("0.001".parse::<Amount>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Amount(Decimal);

/// Why a value is not a valid amount.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AmountError {
    /// Nothing where an amount was expected.
    Empty,
    /// Not a plain decimal number (exponents, signs in the middle, letters...).
    NotANumber(String),
    /// More decimals than the currency allows.
    TooManyDecimals { max: u32 },
    /// Beyond `decimal (11.2)`.
    TooManyIntegerDigits { max: u32 },
    /// Zero or negative where a payment or payout amount is expected.
    NotPositive,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::Empty => f.write_str("the amount is empty"),
            AmountError::NotANumber(s) => write!(f, "`{s}` is not a decimal number"),
            AmountError::TooManyDecimals { max } => {
                write!(f, "an amount has at most {max} decimal places")
            }
            AmountError::TooManyIntegerDigits { max } => {
                write!(f, "an amount has at most {max} integer digits")
            }
            AmountError::NotPositive => f.write_str("an amount must be greater than 0"),
        }
    }
}

impl std::error::Error for AmountError {}

impl Amount {
    /// Integer digits a request amount may have (`decimal (11.2)`).
    pub const MAX_INTEGER_DIGITS: u32 = 9;
    /// Decimals a request amount may have.
    pub const MAX_DECIMALS: u32 = 2;

    /// A request amount from a decimal; checks every request rule. The result has
    /// exactly two decimals (`1.500` becomes `1.50`).
    pub fn new(value: Decimal) -> Result<Self, AmountError> {
        let a = Amount(value);
        a.check_request()?;
        let mut d = value.normalize();
        d.rescale(Self::MAX_DECIMALS);
        Ok(Amount(d))
    }

    /// A request amount from minor units (cents): `1999` is `19.99`.
    pub fn from_minor_units(minor: u64) -> Result<Self, AmountError> {
        Amount::new(Decimal::from_i128_with_scale(i128::from(minor), 2))
    }

    /// Decodes an amount as the provider writes it in responses: a string with any
    /// number of decimals (`"10.000000000"`), a number, `""` or `null` (`None`).
    pub fn from_provider(s: &str) -> Result<Option<Self>, AmountError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        parse_decimal(s).map(|d| Some(Amount(d)))
    }

    /// The exact value.
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// The amount written with exactly `decimals` places (the sandbox writes
    /// responses with 9, as the provider does). Never rounds: more places only.
    pub fn with_decimals(self, decimals: u32) -> Self {
        let mut d = self.0;
        if decimals > d.scale() {
            d.rescale(decimals);
        }
        Amount(d)
    }

    /// Checks the request rules: positive, at most 2 decimals (trailing zeros
    /// aside), at most 9 integer digits.
    pub fn check_request(&self) -> Result<(), AmountError> {
        let n = self.0.normalize();
        if n.scale() > Self::MAX_DECIMALS {
            return Err(AmountError::TooManyDecimals {
                max: Self::MAX_DECIMALS,
            });
        }
        if n <= Decimal::ZERO {
            return Err(AmountError::NotPositive);
        }
        if n.trunc() >= Decimal::from(10u64.pow(Self::MAX_INTEGER_DIGITS)) {
            return Err(AmountError::TooManyIntegerDigits {
                max: Self::MAX_INTEGER_DIGITS,
            });
        }
        Ok(())
    }
}

/// A plain decimal: optional `-`, digits, optional `.` and digits. No exponent, no
/// `+`, no spaces inside, no float round trip.
fn parse_decimal(s: &str) -> Result<Decimal, AmountError> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    if !plain {
        return Err(AmountError::NotANumber(excerpt(s)));
    }
    Decimal::from_str_exact(s).map_err(|_| AmountError::NotANumber(excerpt(s)))
}

fn excerpt(s: &str) -> String {
    s.chars().take(40).collect()
}

impl FromStr for Amount {
    type Err = AmountError;

    /// Parses a request amount: `"500"`, `"500.5"`, `"500.00"`.
    fn from_str(s: &str) -> Result<Self, AmountError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        Amount::new(parse_decimal(s)?)
    }
}

impl fmt::Display for Amount {
    /// At least two decimals: `500.00`; the provider's `10.000000000` as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        if d.scale() < Self::MAX_DECIMALS {
            d.rescale(Self::MAX_DECIMALS);
        }
        fmt::Display::fmt(&d, f)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    /// Accepts a string or a JSON number, keeping the exact value written.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match crate::lenient::amount(d)? {
            Some(a) => Ok(a),
            None => Err(serde::de::Error::custom(
                "expected an amount, found an empty value",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn request_amounts() {
        assert_eq!("500".parse::<Amount>().unwrap().to_string(), "500.00");
        assert_eq!("500.5".parse::<Amount>().unwrap().to_string(), "500.50");
        assert_eq!("0.01".parse::<Amount>().unwrap().to_string(), "0.01");
        assert_eq!(
            "999999999.99".parse::<Amount>().unwrap().to_string(),
            "999999999.99"
        );
        assert_eq!(
            "1000000000".parse::<Amount>(),
            Err(AmountError::TooManyIntegerDigits { max: 9 })
        );
        assert_eq!(
            "1.005".parse::<Amount>(),
            Err(AmountError::TooManyDecimals { max: 2 })
        );
        assert_eq!("1.500".parse::<Amount>().unwrap().to_string(), "1.50");
        assert_eq!("0".parse::<Amount>(), Err(AmountError::NotPositive));
        assert_eq!("-5".parse::<Amount>(), Err(AmountError::NotPositive));
        assert_eq!("".parse::<Amount>(), Err(AmountError::Empty));
        for bad in ["1e3", "1.", ".5", "+5", "5 0", "abc", "1,5", "NaN", "0x10"] {
            assert!(
                matches!(bad.parse::<Amount>(), Err(AmountError::NotANumber(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn provider_amounts() {
        let a = Amount::from_provider("10.000000000").unwrap().unwrap();
        assert_eq!(a.to_string(), "10.000000000");
        assert_eq!(a, "10".parse().unwrap());
        assert_eq!(Amount::from_provider("").unwrap(), None);
        assert_eq!(
            Amount::from_provider("-3.5").unwrap().unwrap().to_string(),
            "-3.50"
        );
        assert!(Amount::from_provider("ten").is_err());
    }

    #[test]
    fn with_decimals_pads_never_rounds() {
        let a: Amount = "10.5".parse().unwrap();
        assert_eq!(a.with_decimals(9).to_string(), "10.500000000");
        assert_eq!(a.with_decimals(1).to_string(), "10.50");
    }

    proptest! {
        #[test]
        fn minor_units_round_trip(minor in 1u64..100_000_000_000) {
            let a = Amount::from_minor_units(minor).unwrap();
            let s = a.to_string();
            prop_assert_eq!(s.split_once('.').unwrap().1.len(), 2);
            let back: Amount = s.parse().unwrap();
            prop_assert_eq!(back, a);
            let digits = s.replace('.', "");
            prop_assert_eq!(digits.trim_start_matches('0'), minor.to_string());
        }

        #[test]
        fn any_string_parses_or_errors_without_panic(s in ".{0,30}") {
            let _ = s.parse::<Amount>();
            let _ = Amount::from_provider(&s);
        }

        #[test]
        fn accepted_amounts_obey_the_rules(int in 0u64..2_000_000_000, frac in 0u32..1000, places in 0usize..4) {
            let s = if places == 0 { int.to_string() } else { format!("{int}.{:0width$}", frac % 10u32.pow(places as u32), width = places) };
            match s.parse::<Amount>() {
                Ok(a) => {
                    let d = a.as_decimal().normalize();
                    prop_assert!(d > Decimal::ZERO);
                    prop_assert!(d.scale() <= 2);
                    prop_assert!(d < Decimal::from(1_000_000_000u64));
                }
                Err(_) => {
                    let d = Decimal::from_str_exact(&s).unwrap().normalize();
                    prop_assert!(d <= Decimal::ZERO || d.scale() > 2 || d >= Decimal::from(1_000_000_000u64));
                }
            }
        }
    }
}
