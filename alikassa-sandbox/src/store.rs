//! The in-memory books: payments, payouts, balances, and the records the status
//! endpoints answer with.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use alikassa_types::catalogue::{Direction, ServiceInfo};
use alikassa_types::{
    AccountBalance, Amount, PaymentDetails, PaymentStatus, PayoutDetails, StatusQuery,
};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::ControlError;

/// The first id handed out; payments and payouts share one sequence, as the
/// provider calls both "AliKassa payment id".
pub(crate) const FIRST_ID: u64 = 100_000_001;

/// Decimals the provider writes amounts with (`"10.000000000"`).
const AMOUNT_DECIMALS: u32 = 9;
/// Decimals the provider writes balances with (`"16.00000000"`, `"93.84000000"`).
const BALANCE_DECIMALS: u32 = 8;

/// The card holder the documents show for host-to-host answers.
pub(crate) const CARD_HOLDER: &str = "Name Patronymic L.";

/// One payment or payout.
#[derive(Debug, Clone)]
pub(crate) struct Txn {
    pub id: u64,
    pub uuid: String,
    pub direction: Direction,
    pub account: String,
    pub service: &'static ServiceInfo,
    pub order_id: String,
    pub amount: Decimal,
    pub status: PaymentStatus,
    /// Hosted page link, when the service's answer carries one.
    pub url: Option<String>,
    /// Host-to-host details (card, phone or account), when the service returns them.
    pub card_number: Option<String>,
    pub card_holder_name: Option<String>,
    /// Payouts: the recipient's `number`.
    pub number: Option<String>,
    pub success_redirect_url: Option<String>,
    pub fail_redirect_url: Option<String>,
    pub notification_url: Option<String>,
    pub settlement: Option<Settlement>,
}

/// What a final status did to the books.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settlement {
    pub commission: Decimal,
    /// The amount paid (or paid out); zero unless `paid`.
    pub paid: Decimal,
    /// Credited (payment) or debited (payout) to the account, positive.
    pub moved: Decimal,
    pub old_balance: Decimal,
    pub new_balance: Decimal,
}

/// Everything the sandbox remembers.
#[derive(Debug)]
pub(crate) struct Store {
    next_id: u64,
    txns: HashMap<u64, Txn>,
    by_order: HashMap<(String, Direction, String), u64>,
    by_uuid: HashMap<String, u64>,
    balances: HashMap<(String, String), Decimal>,
    seed: RandomState,
}

impl Store {
    pub fn new() -> Self {
        Store {
            next_id: FIRST_ID,
            txns: HashMap::new(),
            by_order: HashMap::new(),
            by_uuid: HashMap::new(),
            balances: HashMap::new(),
            seed: RandomState::new(),
        }
    }

    /// Sets an account's balance in a currency (opening balances).
    pub fn set_balance(&mut self, account: &str, currency: &str, value: Decimal) {
        self.balances
            .insert((account.to_string(), currency.to_string()), value);
    }

    /// An account's balance in a currency.
    pub fn balance(&self, account: &str, currency: &str) -> Decimal {
        self.balances
            .get(&(account.to_string(), currency.to_string()))
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    /// Whether `order_id` is already used by this account in this direction.
    pub fn order_taken(&self, account: &str, direction: Direction, order_id: &str) -> bool {
        self.by_order
            .contains_key(&(account.to_string(), direction, order_id.to_string()))
    }

    /// The next id and a fresh uuid.
    pub fn allocate(&mut self) -> (u64, String) {
        let id = self.next_id;
        self.next_id += 1;
        (id, self.uuid_for(id))
    }

    /// A version-4-shaped UUID from the id, the clock and a per-process random
    /// seed (std's `RandomState`): unique and unpredictable enough for a sandbox.
    fn uuid_for(&self, id: u64) -> String {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut bytes = [0u8; 16];
        for (half, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut h = self.seed.build_hasher();
            h.write_u64(id);
            h.write_u128(nanos);
            h.write_usize(half);
            chunk.copy_from_slice(&h.finish().to_be_bytes());
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    pub fn insert(&mut self, txn: Txn) {
        self.by_order.insert(
            (txn.account.clone(), txn.direction, txn.order_id.clone()),
            txn.id,
        );
        self.by_uuid.insert(txn.uuid.clone(), txn.id);
        self.txns.insert(txn.id, txn);
    }

    pub fn get(&self, id: u64) -> Option<&Txn> {
        self.txns.get(&id)
    }

    pub fn id_by_uuid(&self, uuid: &str) -> Option<u64> {
        self.by_uuid.get(uuid).copied()
    }

    /// What a status request of `account` finds.
    pub fn find(&self, account: &str, direction: Direction, query: &StatusQuery) -> Option<&Txn> {
        let id = match query {
            StatusQuery::OrderId(o) => {
                *self
                    .by_order
                    .get(&(account.to_string(), direction, o.clone()))?
            }
            StatusQuery::Id(s) => s.trim().parse::<u64>().ok()?,
            _ => return None,
        };
        self.txns
            .get(&id)
            .filter(|t| t.account == account && t.direction == direction)
    }

    /// Moves a `wait` payment or payout to a final status and books it.
    pub fn settle(
        &mut self,
        id: u64,
        status: PaymentStatus,
        commission_bps: u32,
    ) -> Result<Txn, ControlError> {
        if !status.is_final() {
            return Err(ControlError::NotFinal(status));
        }
        let txn = self.txns.get(&id).ok_or(ControlError::NotFound)?;
        if txn.status != PaymentStatus::Wait {
            return Err(ControlError::AlreadyFinal(txn.status.clone()));
        }
        let key = (txn.account.clone(), txn.service.currency.to_string());
        let old = self.balances.get(&key).copied().unwrap_or(Decimal::ZERO);
        let settlement = if status == PaymentStatus::Paid {
            let commission = commission(txn.amount, commission_bps);
            let (moved, new) = match txn.direction {
                Direction::Payout => {
                    let moved = txn.amount + commission;
                    (moved, old - moved)
                }
                _ => {
                    let moved = txn.amount - commission;
                    (moved, old + moved)
                }
            };
            Settlement {
                commission,
                paid: txn.amount,
                moved,
                old_balance: old,
                new_balance: new,
            }
        } else {
            Settlement {
                commission: Decimal::ZERO,
                paid: Decimal::ZERO,
                moved: Decimal::ZERO,
                old_balance: old,
                new_balance: old,
            }
        };
        self.balances.insert(key, settlement.new_balance);
        let txn = self.txns.get_mut(&id).ok_or(ControlError::NotFound)?;
        txn.status = status;
        txn.settlement = Some(settlement);
        Ok(txn.clone())
    }

    /// A settlement for a transaction still waiting: nothing moved yet.
    fn pending(&self, txn: &Txn) -> Settlement {
        let balance = self.balance(&txn.account, txn.service.currency);
        Settlement {
            commission: Decimal::ZERO,
            paid: Decimal::ZERO,
            moved: Decimal::ZERO,
            old_balance: balance,
            new_balance: balance,
        }
    }

    /// What `v1/payment/status` answers.
    pub fn payment_details(&self, txn: &Txn) -> PaymentDetails {
        let s = txn.settlement.unwrap_or_else(|| self.pending(txn));
        let mut d = PaymentDetails::new(txn.status.clone(), txn.id);
        d.url = txn.url.clone();
        d.anti_fraud = Some(false);
        d.order_id = Some(txn.order_id.clone());
        d.amount = amount(txn.amount);
        d.payment_amount = amount(s.paid);
        d.is_partial_payment = Some(false);
        d.account_payment_amount = amount(s.moved);
        d.commission_amount = amount(s.commission);
        d.currency = Some(txn.service.currency.to_string());
        d.service_code = Some(txn.service.code.to_string());
        d.account_old_balance = balance(s.old_balance);
        d.account_new_balance = balance(s.new_balance);
        d.payment_error_message =
            (txn.status == PaymentStatus::Fail).then(|| "The payment was declined.".to_string());
        d.card_number = txn.card_number.clone();
        d.card_holder_name = txn.card_holder_name.clone();
        d
    }

    /// What `v1/payout/status` answers.
    pub fn payout_details(&self, txn: &Txn) -> PayoutDetails {
        let s = txn.settlement.unwrap_or_else(|| self.pending(txn));
        let mut d = PayoutDetails::new(txn.id, txn.status.clone());
        d.order_id = Some(txn.order_id.clone());
        d.card_mask = txn.number.as_deref().map(mask);
        d.amount = amount(txn.amount);
        d.payment_amount = amount(s.paid);
        d.is_partial_payment = Some(false);
        d.account_payment_amount = amount(s.moved);
        d.commission_amount = amount(s.commission);
        d.service_code = Some(txn.service.code.to_string());
        d.rrn = (txn.status == PaymentStatus::Paid)
            .then(|| format!("{:012}", txn.id % 1_000_000_000_000));
        d.account_old_balance = balance(s.old_balance);
        d.account_new_balance = balance(s.new_balance);
        d
    }

    /// What `v1/account/balance` answers for `currency`.
    pub fn account_balance(&self, account: &str, currency: &str) -> AccountBalance {
        let pending: Decimal = self
            .txns
            .values()
            .filter(|t| {
                t.account == account
                    && t.direction == Direction::Payout
                    && t.status == PaymentStatus::Wait
                    && t.service.currency == currency
            })
            .map(|t| t.amount)
            .sum();
        let mut b = AccountBalance::new();
        b.currency = Some(currency.to_string());
        b.balance = balance(self.balance(account, currency));
        b.hold = balance(Decimal::ZERO);
        b.rolling_reserve = balance(Decimal::ZERO);
        b.pending_payouts = balance(pending);
        b
    }
}

/// The commission on `amount`: `bps` basis points, rounded half away from zero to
/// 2 decimals.
pub(crate) fn commission(amount: Decimal, bps: u32) -> Decimal {
    (amount * Decimal::from(bps) / Decimal::from(10_000u32))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn written(d: Decimal, decimals: u32) -> Option<Amount> {
    Amount::from_provider(&d.to_string())
        .ok()
        .flatten()
        .map(|a| a.with_decimals(decimals))
}

/// An amount as the provider writes it: 9 decimals.
pub(crate) fn amount(d: Decimal) -> Option<Amount> {
    written(d, AMOUNT_DECIMALS)
}

/// A balance as the provider writes it: 8 decimals.
pub(crate) fn balance(d: Decimal) -> Option<Amount> {
    written(d, BALANCE_DECIMALS)
}

/// A recipient number as `card_mask` shows it: a card keeps its first 6 and
/// last 4 digits, anything shorter its last 4.
pub(crate) fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let n = chars.len();
    if n <= 4 {
        return "*".repeat(n);
    }
    let head = if n >= 13 { 6 } else { 0 };
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - 4));
    out.extend(&chars[n - 4..]);
    out
}

/// The host-to-host details a service answers with: a card, a phone (SBP,
/// SberPay) or a 20-digit payment account (virtual_account), as the RU document
/// shows them.
pub(crate) fn h2h_details(service: &str) -> &'static str {
    if service.contains("sbp") || service.contains("sberpay") {
        "79031112233"
    } else if service.starts_with("virtual_account") {
        "40817810099910004312"
    } else {
        "1111111111110019"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_rounds_half_away_from_zero() {
        assert_eq!(commission(Decimal::new(1000, 2), 300).to_string(), "0.30");
        assert_eq!(commission(Decimal::new(50, 2), 300).to_string(), "0.02"); // 0.015
        assert_eq!(commission(Decimal::new(1, 2), 300).to_string(), "0.00");
    }

    #[test]
    fn amounts_are_written_as_the_provider_does() {
        assert_eq!(
            amount(Decimal::new(1000, 2))
                .map(|a| a.to_string())
                .as_deref(),
            Some("10.000000000")
        );
        assert_eq!(
            balance(Decimal::new(-35, 1))
                .map(|a| a.to_string())
                .as_deref(),
            Some("-3.50000000")
        );
        assert_eq!(
            amount(Decimal::ZERO).map(|a| a.to_string()).as_deref(),
            Some("0.000000000")
        );
    }

    #[test]
    fn masks() {
        assert_eq!(mask("4111111111111111"), "411111******1111");
        assert_eq!(mask("79031112233"), "*******2233");
        assert_eq!(mask("123"), "***");
    }

    #[test]
    fn uuids_are_v4_shaped_and_distinct() {
        let mut s = Store::new();
        let (a, ua) = s.allocate();
        let (b, ub) = s.allocate();
        assert_eq!((a, b), (FIRST_ID, FIRST_ID + 1));
        assert_ne!(ua, ub);
        assert_eq!(ua.len(), 36);
        assert_eq!(&ua[14..15], "4");
        assert!(ua.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }
}
