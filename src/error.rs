//! Error severity shared by every area's error enum.
//!
//! Each area (`domain`, `config`, `polymarket`, later `feed`, `risk`…) has its own
//! `thiserror` enum; each of those says, through [`Severity`], how the daemon must react.
//! This module owns only that vocabulary, not the errors themselves.

use std::fmt;

/// How the daemon reacts to an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Transient: try the same thing again, with backoff.
    Retry,
    /// The caller's input is wrong: refuse it, keep running, never retry unchanged.
    Reject,
    /// The market's derived state can no longer be trusted: restart that market.
    RestartMarket,
    /// Continuing could lose money: halt every market and cancel all orders.
    Halt,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Retry => "retry",
            Self::Reject => "reject",
            Self::RestartMarket => "restart-market",
            Self::Halt => "halt",
        })
    }
}

/// Implemented by every area's error enum.
pub trait HasSeverity {
    /// The reaction this error calls for.
    fn severity(&self) -> Severity;
}
