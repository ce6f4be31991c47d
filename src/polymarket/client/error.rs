//! The venue client's one error type, with the reaction each case calls for.

use std::time::Duration;

use crate::error::{HasSeverity, Severity};

/// Something a venue request could not do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// 401: credentials refused.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// 400 or 404: the venue refused the request as made.
    #[error("refused ({status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The venue's error text.
        message: String,
    },
    /// 429 after the retries allowed.
    #[error("rate limited (retry after {0:?})")]
    RateLimited(Duration),
    /// 425: the matching engine is restarting.
    #[error("matching engine restarting")]
    EngineRestarting,
    /// 5xx after the retries allowed.
    #[error("venue error {status}: {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The body.
        message: String,
    },
    /// No answer in time, or no connection.
    #[error("transport: {0}")]
    Transport(String),
    /// The venue's TLS certificate did not verify (or the trust could not be set up):
    /// never retried, never bypassed.
    #[error(transparent)]
    Tls(#[from] crate::polymarket::transport::TransportError),
    /// An answer that does not parse.
    #[error("unexpected response from {path}: {why}")]
    Decode {
        /// Request path.
        path: String,
        /// The parse error.
        why: String,
    },
    /// The request needs API credentials or a key the client was not given.
    #[error("{0}")]
    NotConfigured(&'static str),
    /// Signing the request failed (bad key or API secret); never retried.
    #[error("cannot sign the request: {0}")]
    Signing(String),
    /// The local rate limiter refused the request (a batch beyond the burst: split it).
    #[error("refused by the local rate limiter: the request's cost exceeds the bucket")]
    OverBudget,
    /// A placement would have waited this long for the local rate limiter, longer than the
    /// client allows: not sent (its price would be old by then).
    #[error("not sent: the order budget is spent for the next {0:?}")]
    QueueTooLong(Duration),
}

impl ClientError {
    /// Whether trying the same request again later may succeed.
    pub fn is_transient(&self) -> bool {
        self.severity() == Severity::Retry
    }
}

impl HasSeverity for ClientError {
    fn severity(&self) -> Severity {
        match self {
            Self::RateLimited(_) | Self::EngineRestarting | Self::Server { .. } | Self::Transport(_) => {
                Severity::Retry
            }
            Self::Refused { .. } | Self::OverBudget | Self::QueueTooLong(_) => Severity::Reject,
            Self::Decode { .. } => Severity::RestartMarket,
            Self::Unauthorized(_) | Self::NotConfigured(_) | Self::Signing(_) | Self::Tls(_) => {
                Severity::Halt
            }
        }
    }
}
