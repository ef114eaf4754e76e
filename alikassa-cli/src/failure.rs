//! What a command failed with, and the exit code that tells programs which kind.

use std::fmt;

/// Failure kinds, each with its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Internal,
    Usage,
    InvalidRequest,
    Rejected,
    Transport,
    Credentials,
}

impl Kind {
    pub fn code(self) -> u8 {
        match self {
            Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::InvalidRequest => 3,
            Kind::Rejected => 4,
            Kind::Transport => 5,
            Kind::Credentials => 6,
        }
    }
}

#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Kind::Usage, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<alikassa_client::Error> for Failure {
    fn from(e: alikassa_client::Error) -> Self {
        use alikassa_client::Error as E;
        let kind = match &e {
            E::InvalidRequest(_) => Kind::InvalidRequest,
            E::Validation { .. } | E::NotFound { .. } | E::Rejected { .. } => Kind::Rejected,
            E::Credentials(_) | E::Signing(_) => Kind::Credentials,
            E::Config(_) => Kind::Usage,
            _ => Kind::Transport,
        };
        Failure::new(kind, e.to_string())
    }
}
