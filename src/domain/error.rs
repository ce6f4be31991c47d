//! Errors raised when a value does not satisfy a domain type's invariants.

use rust_decimal::Decimal;
use thiserror::Error;

use crate::error::{HasSeverity, Severity};

/// A value refused by a domain constructor. Every variant names the offending value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A price outside the open interval (0, 1).
    #[error("price {0} is outside (0, 1)")]
    PriceOutOfRange(Decimal),
    /// A price that is not a multiple of the market's tick, or not in [tick, 1 - tick].
    #[error("price {price} is not on the {tick} tick grid within [{tick}, 1 - {tick}]")]
    PriceOffGrid {
        /// The refused price.
        price: Decimal,
        /// The market's tick.
        tick: Decimal,
    },
    /// A tick size the venue does not use.
    #[error("tick size {0} is not one of 0.1, 0.01, 0.001, 0.0001, 0.005, 0.0025")]
    UnknownTick(String),
    /// A negative share count.
    #[error("size {0} is negative")]
    NegativeSize(Decimal),
    /// A share count with more than two decimals.
    #[error("size {0} has more than 2 decimals; round it down explicitly first")]
    SizePrecision(Decimal),
    /// A pUSD amount with more than six decimals where base units are needed.
    #[error("amount {0} has more than 6 decimals")]
    AmountPrecision(Decimal),
    /// A decimal string that does not parse.
    #[error("{what} {text:?} is not a decimal number")]
    NotDecimal {
        /// What was being parsed.
        what: &'static str,
        /// The text refused.
        text: String,
    },
    /// An identifier with the wrong shape.
    #[error("{what} {text:?} is invalid: {why}")]
    BadId {
        /// Which identifier.
        what: &'static str,
        /// The text refused (identifiers are public, never secrets).
        text: String,
        /// What shape was expected.
        why: &'static str,
    },
    /// A value that names no variant of an enumeration.
    #[error("{what} {text:?} is not one of {expected}")]
    UnknownVariant {
        /// Which enumeration.
        what: &'static str,
        /// The text refused.
        text: String,
        /// The accepted spellings.
        expected: &'static str,
    },
}

impl HasSeverity for DomainError {
    fn severity(&self) -> Severity {
        Severity::Reject
    }
}
