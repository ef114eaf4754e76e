//! Errors of the sandbox's own API (starting it, driving it).

use std::net::SocketAddr;

use alikassa_types::PaymentStatus;

/// The sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The tokio runtime of a [`BlockingSandbox`](crate::BlockingSandbox) could not be built.
    #[error("cannot start the sandbox's runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// [`Sandbox::start`](crate::Sandbox::start) was called outside a tokio runtime.
    #[error("the sandbox must be started inside a tokio runtime")]
    NoRuntime,
}

/// A status change asked through [`RunningSandbox::set_status`](crate::RunningSandbox::set_status),
/// the control endpoint or the hosted page was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// No payment or payout with that id (or uuid).
    #[error("no such payment or payout")]
    NotFound,
    /// It already has a final status; final statuses do not change.
    #[error("already final: {0}")]
    AlreadyFinal(PaymentStatus),
    /// The status asked for is not final (`paid`, `fail` or `cancel`).
    #[error("`{0}` is not a final status (paid, fail, cancel)")]
    NotFinal(PaymentStatus),
}
