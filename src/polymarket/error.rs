//! Errors of the venue protocol area: building, signing and authenticating requests.

use rust_decimal::Decimal;
use thiserror::Error;

use super::signer::SignerError;
use crate::domain::DomainError;
use crate::error::{HasSeverity, Severity};

/// Something the protocol layer refuses or cannot do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolymarketError {
    /// An input value broke a domain rule (price grid, size precision…).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The key or a signature failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// A chain id other than 137 or 80002.
    #[error("chain id {0} is not supported (use 137 for Polygon or 80002 for Amoy)")]
    UnknownChain(u64),
    /// A signature type outside 0–3.
    #[error("signature type {0:?} is not one of 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271")]
    UnknownSignatureType(String),
    /// An exchange version other than 2 or 3 (V1 orders are refused by production).
    #[error("exchange version {0} is not supported (2 or 3; V1 orders are refused by the venue)")]
    UnsupportedExchangeVersion(u8),
    /// Neg-risk markets on Exchange V3.
    #[error("no neg-risk exchange is known for exchange version 3")]
    NoNegRiskV3,
    /// The funder does not fit the signature type.
    #[error("{0}")]
    Funder(&'static str),
    /// An order whose fields contradict each other.
    #[error("invalid order: {0}")]
    InvalidOrder(String),
    /// A market-order amount with more than two decimals.
    #[error("amount {0} has more than 2 decimals; round it down explicitly first")]
    AmountPrecision(Decimal),
    /// A zero or negative quantity.
    #[error("order quantity must be positive, got {0}")]
    NonPositiveQuantity(Decimal),
    /// An amount too large for the venue's integer fields.
    #[error("amount {0} overflows the venue's base units")]
    AmountOverflow(Decimal),
    /// An API secret that is not base64.
    #[error("API secret is not base64 (url-safe or standard alphabet)")]
    BadApiSecret,
}

impl HasSeverity for PolymarketError {
    fn severity(&self) -> Severity {
        match self {
            Self::Signer(inner) => inner.severity(),
            Self::BadApiSecret => Severity::Halt,
            _ => Severity::Reject,
        }
    }
}
