//! A local, stateful AliKassa: the merchant API v1 on a loopback address, for
//! demos, tests and merchants' CI.
//!
//! The sandbox serves `POST /v1/payment`, `/v1/payout`, `/v1/payment/status`,
//! `/v1/payout/status` and `/v1/account/balance`. It checks `Account` and `Sign`
//! against the merchant's public keys over the exact body bytes, validates every
//! field with the same generated code the client uses (400 with Laravel-style
//! `message` + `errors`), rejects a reused `order_id`, keeps payments, payouts and
//! balances in memory, moves them to a final status by an amount rule
//! ([`scripted_status`]), a hosted page or a control endpoint, sends signed
//! notifications, and injects faults on demand ([`Fault`]).
//!
//! Everything it answers and every switch it has is described in the crate's
//! README.
//!
//! ```
//! use std::time::Duration;
//! use alikassa_client::credentials::{PrivateKey, PublicKey};
//! use alikassa_sandbox::{Account, Sandbox, SandboxConfig};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
//! let merchant = PublicKey::from_pem(&std::fs::read(format!("{fixtures}/payment/public.pem"))?)?;
//! let notification_key = PrivateKey::from_pem(&std::fs::read(format!("{fixtures}/notification/private.pem"))?, None)?;
//!
//! let runtime = tokio::runtime::Runtime::new()?;
//! runtime.block_on(async {
//!     let sandbox = Sandbox::start(
//!         SandboxConfig::new()
//!             .account(Account::new("93d5df06-996c-48c3-9847-348d6b580b80", merchant))
//!             .notification_key(notification_key)
//!             .settle_delay(Duration::ZERO),
//!     )
//!     .await?;
//!     assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//!     sandbox.shutdown().await;
//!     Ok(())
//! })
//! # }
//! ```
#![warn(missing_docs)]

mod config;
mod crypto;
mod error;
mod faults;
mod inbox;
mod notify;
mod page;
mod rules;
mod server;
mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use alikassa_types::catalogue::Direction;
use alikassa_types::{Amount, PaymentStatus};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{Account, DigestPolicy, NotificationPolicy, SandboxConfig};
pub use error::{ControlError, StartError};
pub use faults::{Endpoint, Fault, FaultKind};
pub use inbox::NotificationInbox;
pub use notify::{DeliveryAttempt, DeliveryOutcome, NotificationRecord};
pub use rules::scripted_status;

use crate::faults::FaultSet;
use crate::notify::Notifier;
use crate::server::Shared;
use crate::store::Store;

/// Starts sandboxes.
#[derive(Debug, Clone, Copy)]
pub struct Sandbox;

impl Sandbox {
    /// Binds the configured address and starts serving on the current tokio
    /// runtime. The sandbox runs until [`RunningSandbox::shutdown`] (or until the
    /// handle is dropped).
    ///
    /// With a current-thread runtime the sandbox only runs while that runtime is
    /// driven (inside `block_on`); [`Sandbox::start_blocking`] suits code that is
    /// not async.
    pub async fn start(config: SandboxConfig) -> Result<RunningSandbox, StartError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| StartError::NoRuntime)?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let base_url = format!("http://{addr}");

        let mut store = Store::new();
        for account in &config.accounts {
            for (currency, amount) in &account.opening_balances {
                store.set_balance(&account.uuid, currency, amount.as_decimal());
            }
        }
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            base_url: base_url.clone(),
            accounts: config
                .accounts
                .iter()
                .map(|a| (a.uuid.clone(), a.clone()))
                .collect::<HashMap<_, _>>(),
            digests: config.digests,
            settle_delay: config.settle_delay,
            commission_bps: config.commission_bps,
            store: Mutex::new(store),
            faults: Mutex::new(FaultSet::default()),
            notifier: Arc::new(Notifier::new(
                config.notification_key.as_deref(),
                config.notifications,
            )),
            runtime: runtime.clone(),
            shutdown: shutdown.clone(),
            notification_public_pem: config.notification_key.as_ref().map(|k| k.public_key_pem()),
        });
        let task = runtime.spawn(server::serve(listener, Arc::clone(&shared), shutdown));
        tracing::info!(%base_url, accounts = config.accounts.len(), "sandbox listening");
        Ok(RunningSandbox {
            shared,
            addr,
            stop,
            task: Some(task),
        })
    }

    /// Starts a sandbox on a runtime of its own (two worker threads), for code that
    /// is not async, such as a command-line tool. Do not call it from async code.
    ///
    /// ```
    /// use alikassa_sandbox::{Sandbox, SandboxConfig};
    /// let sandbox = Sandbox::start_blocking(SandboxConfig::new())?;
    /// let url = sandbox.base_url(); // every RunningSandbox method is available
    /// assert!(url.starts_with("http://127.0.0.1:"));
    /// sandbox.shutdown();
    /// # Ok::<(), alikassa_sandbox::StartError>(())
    /// ```
    pub fn start_blocking(config: SandboxConfig) -> Result<BlockingSandbox, StartError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("alikassa-sandbox")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let sandbox = runtime.block_on(Sandbox::start(config))?;
        Ok(BlockingSandbox { sandbox, runtime })
    }
}

/// A sandbox that is serving. Dropping it stops the server without waiting;
/// [`shutdown`](Self::shutdown) stops it gracefully.
#[derive(Debug)]
pub struct RunningSandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base URL to give a client (no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The notification key's public half (`-----BEGIN PUBLIC KEY-----`), what a
    /// merchant verifies notifications with; also served at
    /// `GET /sandbox/notification-key`.
    pub fn notification_public_key_pem(&self) -> Option<&str> {
        self.shared.notification_public_pem.as_deref()
    }

    /// Moves payment or payout `id` to a final status (`paid`, `fail` or
    /// `cancel`), books it and sends its notification, as
    /// `POST /sandbox/control/{payment|payout}/{id}` does.
    ///
    /// ```
    /// use alikassa_sandbox::{ControlError, Sandbox, SandboxConfig};
    /// use alikassa_types::{catalogue::Direction, PaymentStatus};
    /// let sandbox = Sandbox::start_blocking(SandboxConfig::new())?;
    /// assert_eq!(sandbox.set_status(Direction::Payment, 1, PaymentStatus::Paid), Err(ControlError::NotFound));
    /// # Ok::<(), alikassa_sandbox::StartError>(())
    /// ```
    pub fn set_status(
        &self,
        direction: Direction,
        id: u64,
        status: PaymentStatus,
    ) -> Result<(), ControlError> {
        self.shared.set_status(direction, id, status).map(|_| ())
    }

    /// The current status of payment or payout `id`.
    pub fn status(&self, direction: Direction, id: u64) -> Option<PaymentStatus> {
        self.shared
            .store()
            .get(id)
            .filter(|t| t.direction == direction)
            .map(|t| t.status.clone())
    }

    /// An account's balance in `currency`, as `v1/account/balance` writes it.
    pub fn balance(&self, account: &str, currency: &str) -> Option<Amount> {
        store::balance(self.shared.store().balance(account, currency))
    }

    /// Adds a fault; it applies from the next request on.
    ///
    /// ```
    /// use alikassa_sandbox::{Endpoint, Fault, FaultKind, Sandbox, SandboxConfig};
    /// let sandbox = Sandbox::start_blocking(SandboxConfig::new())?;
    /// sandbox.inject(Fault::new(FaultKind::BadGateway).on(Endpoint::PaymentStatus));
    /// assert_eq!(sandbox.faults().len(), 1);
    /// sandbox.clear_faults();
    /// assert!(sandbox.faults().is_empty());
    /// # Ok::<(), alikassa_sandbox::StartError>(())
    /// ```
    pub fn inject(&self, fault: Fault) {
        tracing::info!(fault = %fault.to_json(), "fault injected");
        self.shared.faults().push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// The faults still in force (one-shot faults disappear once used).
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.faults().list()
    }

    /// Every notification so far, oldest first, with each delivery attempt.
    pub fn notifications(&self) -> Vec<NotificationRecord> {
        self.shared.notifier.records()
    }

    /// Stops accepting connections, lets open ones finish their request (at most
    /// 5 s), and stops pending settle timers and notification retries.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            if let Err(e) = task.await {
                tracing::warn!(error = %e, "the sandbox's server task failed");
            }
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// A sandbox with a runtime of its own, from [`Sandbox::start_blocking`]. Every
/// [`RunningSandbox`] method is available through `Deref`.
#[derive(Debug)]
pub struct BlockingSandbox {
    sandbox: RunningSandbox,
    runtime: tokio::runtime::Runtime,
}

impl BlockingSandbox {
    /// Stops the sandbox gracefully and its runtime.
    pub fn shutdown(self) {
        let BlockingSandbox { sandbox, runtime } = self;
        runtime.block_on(sandbox.shutdown());
    }

    /// The runtime the sandbox runs on, e.g. to drive a client from blocking code.
    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }
}

impl Deref for BlockingSandbox {
    type Target = RunningSandbox;

    fn deref(&self) -> &RunningSandbox {
        &self.sandbox
    }
}
