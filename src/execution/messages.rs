//! What the execution actor receives: reconciliations to read (from the markets), cancel-all
//! and the balance (from the kill switch and the daemon), and the latency report.

use actix::prelude::*;
use rust_decimal::Decimal;

use crate::domain::{ConditionId, TokenId};
use crate::market::messages::Reconciled;
use crate::polymarket::client::ClientError;
use crate::telemetry::hops::HopReport;

/// The frame-in → signed-order-out latency so far, whole and by hop; `restart` starts a new
/// window after reading (a benchmark's warm-up).
#[derive(Debug, Clone, Copy, Default, Message)]
#[rtype(result = "HopReport")]
pub struct GetLatency {
    /// Clear the histogram after reading it.
    pub restart: bool,
}

/// Cancel every order of this account; answers how many were cancelled.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<usize, ClientError>")]
pub struct CancelAll;

/// Read back our open orders and shares in a market.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Reconcile {
    /// Market.
    pub market: ConditionId,
    /// YES token.
    pub yes: TokenId,
    /// NO token.
    pub no: TokenId,
    /// Who to tell.
    pub reply: Recipient<Reconciled>,
}

/// Read our pUSD balance.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "Result<Decimal, ClientError>")]
pub struct GetBalance;
