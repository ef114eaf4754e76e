//! The amount rule: which final status a new payment or payout reaches by itself.

use alikassa_types::{Amount, PaymentStatus};
use rust_decimal::Decimal;

/// The final status the sandbox gives a payment or payout of `amount` once the
/// settle delay is over, from its cents:
///
/// | cents | status |
/// |---|---|
/// | `.01` | `fail` |
/// | `.02` | `cancel` |
/// | `.03` | stays `wait` until the hosted page, the control endpoint or [`RunningSandbox::set_status`](crate::RunningSandbox::set_status) moves it (`None`) |
/// | anything else | `paid` |
///
/// ```
/// use alikassa_sandbox::scripted_status;
/// use alikassa_types::PaymentStatus;
/// assert_eq!(scripted_status(&"10.01".parse().unwrap()), Some(PaymentStatus::Fail));
/// assert_eq!(scripted_status(&"10.02".parse().unwrap()), Some(PaymentStatus::Cancel));
/// assert_eq!(scripted_status(&"10.03".parse().unwrap()), None);
/// assert_eq!(scripted_status(&"10.13".parse().unwrap()), Some(PaymentStatus::Paid));
/// assert_eq!(scripted_status(&"500".parse().unwrap()), Some(PaymentStatus::Paid));
/// ```
pub fn scripted_status(amount: &Amount) -> Option<PaymentStatus> {
    let hundred = Decimal::ONE_HUNDRED;
    let cents = (amount.as_decimal() * hundred).trunc() % hundred;
    if cents == Decimal::ONE {
        Some(PaymentStatus::Fail)
    } else if cents == Decimal::TWO {
        Some(PaymentStatus::Cancel)
    } else if cents == Decimal::from(3u8) {
        None
    } else {
        Some(PaymentStatus::Paid)
    }
}
