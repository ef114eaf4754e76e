//! How a sandbox is set up: its address, the merchant accounts it knows, which
//! digests it accepts, how fast payments settle and how notifications are retried.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use alikassa_client::credentials::{PrivateKey, PublicKey};
use alikassa_client::signing::Digest;
use alikassa_types::Amount;

/// Everything [`Sandbox::start`](crate::Sandbox::start) needs.
///
/// ```
/// use std::time::Duration;
/// use alikassa_sandbox::{DigestPolicy, SandboxConfig};
///
/// let config = SandboxConfig::new()
///     .settle_delay(Duration::ZERO)
///     .digests(DigestPolicy::Any)
///     .commission_bps(250);
/// assert_eq!(config.addr().port(), 0);
/// ```
#[derive(Clone)]
pub struct SandboxConfig {
    pub(crate) addr: SocketAddr,
    pub(crate) accounts: Vec<Account>,
    pub(crate) digests: DigestPolicy,
    pub(crate) settle_delay: Duration,
    pub(crate) notification_key: Option<Arc<PrivateKey>>,
    pub(crate) notifications: NotificationPolicy,
    pub(crate) commission_bps: u32,
}

impl SandboxConfig {
    /// The default settle delay: how long a payment or payout stays `wait` before
    /// the amount rule gives it a final status.
    pub const DEFAULT_SETTLE_DELAY: Duration = Duration::from_millis(500);
    /// The default commission: 300 basis points, 3 %.
    pub const DEFAULT_COMMISSION_BPS: u32 = 300;

    /// `127.0.0.1:0` (a free port), no accounts, SHA1 and SHA256 accepted, a
    /// 500 ms settle delay, 3 % commission, no notification key.
    pub fn new() -> Self {
        SandboxConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            accounts: Vec::new(),
            digests: DigestPolicy::Any,
            settle_delay: Self::DEFAULT_SETTLE_DELAY,
            notification_key: None,
            notifications: NotificationPolicy::default(),
            commission_bps: Self::DEFAULT_COMMISSION_BPS,
        }
    }

    /// The address to listen on; port 0 picks a free one.
    pub fn listen_on(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The address the sandbox will listen on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds a merchant account; a later account with the same UUID replaces it.
    pub fn account(mut self, account: Account) -> Self {
        self.accounts.retain(|a| a.uuid != account.uuid);
        self.accounts.push(account);
        self
    }

    /// Which digests a `Sign` may use.
    pub fn digests(mut self, digests: DigestPolicy) -> Self {
        self.digests = digests;
        self
    }

    /// How long a new payment or payout waits before the amount rule settles it.
    /// `Duration::ZERO` settles it right after the create answer is built, so the
    /// very next status request sees the final status.
    pub fn settle_delay(mut self, delay: Duration) -> Self {
        self.settle_delay = delay;
        self
    }

    /// The key the sandbox signs notifications with (AliKassa's side of the
    /// notification certificate). Without one, no notification is sent: each is
    /// recorded as refused.
    pub fn notification_key(mut self, key: PrivateKey) -> Self {
        self.notification_key = Some(Arc::new(key));
        self
    }

    /// How notifications are retried.
    pub fn notification_policy(mut self, policy: NotificationPolicy) -> Self {
        self.notifications = policy;
        self
    }

    /// The commission on paid payments and payouts, in basis points of the
    /// amount (300 = 3 %), rounded half away from zero to 2 decimals.
    pub fn commission_bps(mut self, bps: u32) -> Self {
        self.commission_bps = bps;
        self
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("addr", &self.addr)
            .field("accounts", &self.accounts)
            .field("digests", &self.digests)
            .field("settle_delay", &self.settle_delay)
            .field(
                "notification_key",
                &self.notification_key.as_ref().map(|_| "<set>"),
            )
            .field("notifications", &self.notifications)
            .field("commission_bps", &self.commission_bps)
            .finish()
    }
}

/// A merchant account: its UUID (the `Account` header) and the public keys its
/// requests are signed with.
///
/// `v1/payment*` requests verify with the payment key; `v1/payout*` and
/// `v1/account/*` with the payout key when one is set, else the payment key
/// (provider-pages-notes.md: payouts and the account endpoints use the payout
/// certificate).
#[derive(Clone)]
pub struct Account {
    pub(crate) uuid: String,
    pub(crate) payment_key: Arc<PublicKey>,
    pub(crate) payout_key: Option<Arc<PublicKey>>,
    pub(crate) balance_currency: Option<String>,
    pub(crate) opening_balances: Vec<(String, Amount)>,
}

impl Account {
    /// An account whose every request verifies with `payment_key`.
    pub fn new(uuid: impl Into<String>, payment_key: PublicKey) -> Self {
        Account {
            uuid: uuid.into(),
            payment_key: Arc::new(payment_key),
            payout_key: None,
            balance_currency: None,
            opening_balances: Vec::new(),
        }
    }

    /// A different key for `v1/payout*` and `v1/account/*`.
    pub fn payout_key(mut self, key: PublicKey) -> Self {
        self.payout_key = Some(Arc::new(key));
        self
    }

    /// The currency `v1/account/balance` reports when the request names none
    /// (default: the first opening balance's currency, else `RUB`).
    pub fn balance_currency(mut self, currency: impl Into<String>) -> Self {
        self.balance_currency = Some(currency.into());
        self
    }

    /// The balance the account starts with in `currency` (default zero).
    pub fn opening_balance(mut self, currency: impl Into<String>, amount: Amount) -> Self {
        let currency = currency.into();
        self.opening_balances.retain(|(c, _)| *c != currency);
        self.opening_balances.push((currency, amount));
        self
    }

    /// The account UUID.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// The currency `v1/account/balance` answers for when not told.
    pub(crate) fn default_currency(&self) -> &str {
        self.balance_currency
            .as_deref()
            .or_else(|| self.opening_balances.first().map(|(c, _)| c.as_str()))
            .unwrap_or("RUB")
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("uuid", &self.uuid)
            .field("payout_key", &self.payout_key.is_some())
            .field("balance_currency", &self.balance_currency)
            .field("opening_balances", &self.opening_balances)
            .finish_non_exhaustive()
    }
}

/// Which digests a request's `Sign` may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DigestPolicy {
    /// SHA1 or SHA256, as the provider's samples use both (the default).
    #[default]
    Any,
    /// Only this digest: a signature made with the other is rejected.
    Only(Digest),
}

impl DigestPolicy {
    /// The digests to try, in order.
    pub(crate) fn candidates(self) -> Vec<Digest> {
        match self {
            DigestPolicy::Any => vec![Digest::Sha1, Digest::Sha256],
            DigestPolicy::Only(d) => vec![d],
        }
    }
}

/// How notifications are delivered: attempts, backoff between them, and the
/// time limit of one attempt. An attempt succeeds on HTTP 200 only.
///
/// ```
/// use std::time::Duration;
/// use alikassa_sandbox::NotificationPolicy;
/// let p = NotificationPolicy::default().max_attempts(3).backoff(Duration::from_millis(10), Duration::from_millis(40));
/// assert_eq!(p.delay_before(2), Duration::from_millis(10));
/// assert_eq!(p.delay_before(3), Duration::from_millis(20));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) first_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) attempt_timeout: Duration,
}

impl Default for NotificationPolicy {
    /// 5 attempts, 500 ms before the second doubling up to 30 s, 10 s per attempt.
    fn default() -> Self {
        NotificationPolicy {
            max_attempts: 5,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(10),
        }
    }
}

impl NotificationPolicy {
    /// Attempts in all, at least 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the second attempt, doubled for each later one up to `max`.
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// How long one attempt may take, connection and answer included.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The wait before attempt `n` (1-based): zero for the first.
    pub fn delay_before(&self, n: u32) -> Duration {
        if n <= 1 {
            return Duration::ZERO;
        }
        let factor = 1u32.checked_shl(n - 2).unwrap_or(u32::MAX);
        self.first_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}
