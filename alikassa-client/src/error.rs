//! One error type for every operation, saying whether the request may have reached
//! the provider (so a caller never guesses whether money moved) and whether trying
//! again can help.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use alikassa_types::InvalidRequest;

use crate::credentials::CredentialError;
use crate::signing::SignError;

/// What went wrong with a call.
///
/// ```
/// use alikassa_client::Error;
/// let e = Error::Timeout { after: std::time::Duration::from_secs(30) };
/// assert!(e.outcome_unknown()); // do not re-create: reconcile by order_id first
/// assert!(e.is_retryable());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a documented rule; nothing was sent.
    InvalidRequest(InvalidRequest),
    /// The provider refused the request's data (HTTP 400): its `message` and the
    /// problems per field. Nothing was created.
    Validation {
        /// The provider's `message`, e.g. "The given data was invalid.".
        message: String,
        /// Problems per field, as the provider lists them.
        errors: BTreeMap<String, Vec<String>>,
    },
    /// The payment or payout asked about does not exist (HTTP 404).
    NotFound {
        /// The provider's `message`, e.g. "Payment not found".
        message: String,
    },
    /// The provider refused the request for another reason (401, 403, 405, 409, 422, 429...).
    Rejected {
        /// HTTP status.
        status: u16,
        /// The provider's `message`, or a bounded excerpt of the body.
        message: String,
    },
    /// The provider failed (HTTP 5xx with its JSON `message`). The request may have
    /// been processed: reconcile before re-creating.
    Server {
        /// HTTP status.
        status: u16,
        /// The provider's `message`.
        message: String,
    },
    /// An answer that is not the documented shape: an HTML 502 from a proxy, an
    /// empty body, a 200 without `id`.
    UnexpectedResponse {
        /// HTTP status.
        status: u16,
        /// What was wrong with it.
        problem: String,
        /// The first bytes of the body, lossily decoded (never more than 512 bytes).
        excerpt: String,
    },
    /// The connection failed. `sent` tells whether the request may have gone out.
    Transport {
        /// False when the connection was never established (nothing was sent).
        sent: bool,
        /// What happened.
        message: String,
    },
    /// No complete answer within the timeout; the request may have been processed.
    Timeout {
        /// The timeout that expired.
        after: Duration,
    },
    /// The key could not be loaded.
    Credentials(CredentialError),
    /// The body could not be signed.
    Signing(SignError),
    /// The client is configured wrongly (bad base URL, plain http to a remote host,
    /// no payout key for a payout...). Nothing was sent.
    Config(String),
}

impl Error {
    /// True when the request may have reached the provider and been acted on, so
    /// the outcome is unknown: for a create, ask the status endpoint by `order_id`
    /// ([`Client::reconcile_payment`](crate::Client::reconcile_payment)) instead of
    /// creating again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Server { .. } | Error::Timeout { .. } => true,
            Error::Transport { sent, .. } => *sent,
            // A 2xx we could not read may be a created payment; a 5xx page may come
            // from a proxy after the provider acted.
            Error::UnexpectedResponse { status, .. } => {
                *status >= 500 || (200..300).contains(status)
            }
            _ => false,
        }
    }

    /// True when trying again later may succeed (a transport failure, a timeout, a
    /// 5xx, a 429). For a create whose [`outcome_unknown`](Self::outcome_unknown)
    /// is true, reconcile first: re-sending the same `order_id` is refused as a
    /// duplicate if the first one arrived.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } | Error::Server { .. } => true,
            Error::Rejected { status, .. } => *status == 429,
            Error::UnexpectedResponse { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// The HTTP status of the provider's answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Validation { .. } => Some(400),
            Error::NotFound { .. } => Some(404),
            Error::Rejected { status, .. }
            | Error::Server { status, .. }
            | Error::UnexpectedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(e) => write!(f, "{e} (not sent)"),
            Error::Validation { message, errors } => {
                write!(f, "the provider refused the request (400): {message}")?;
                for (field, problems) in errors {
                    write!(f, "; {field}: {}", problems.join(" "))?;
                }
                Ok(())
            }
            Error::NotFound { message } => write!(f, "not found (404): {message}"),
            Error::Rejected { status, message } => {
                write!(f, "the provider refused the request ({status}): {message}")
            }
            Error::Server { status, message } => write!(
                f,
                "provider error ({status}): {message}; the outcome is unknown"
            ),
            Error::UnexpectedResponse {
                status,
                problem,
                excerpt,
            } => {
                write!(f, "unexpected answer (HTTP {status}): {problem}")?;
                if !excerpt.is_empty() {
                    write!(f, "; body starts: {excerpt}")?;
                }
                Ok(())
            }
            Error::Transport {
                sent: false,
                message,
            } => write!(f, "could not connect: {message} (nothing was sent)"),
            Error::Transport {
                sent: true,
                message,
            } => write!(f, "connection failed: {message}; the outcome is unknown"),
            Error::Timeout { after } => {
                write!(f, "no answer within {after:?}; the outcome is unknown")
            }
            Error::Credentials(e) => write!(f, "credentials: {e}"),
            Error::Signing(e) => write!(f, "signing: {e}"),
            Error::Config(m) => write!(f, "configuration: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::Signing(e) => Some(e),
            _ => None,
        }
    }
}

impl From<InvalidRequest> for Error {
    fn from(e: InvalidRequest) -> Self {
        Error::InvalidRequest(e)
    }
}

impl From<CredentialError> for Error {
    fn from(e: CredentialError) -> Self {
        Error::Credentials(e)
    }
}

impl From<SignError> for Error {
    fn from(e: SignError) -> Self {
        Error::Signing(e)
    }
}

/// At most 512 bytes of a body, lossily decoded, whitespace collapsed.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 512;
    let cut = &body[..body.len().min(MAX)];
    let text = String::from_utf8_lossy(cut);
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if body.len() > MAX {
        out.push_str(" ...");
    }
    out
}
