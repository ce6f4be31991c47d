//! What a market's core hands out and keeps: the intents for its shell, the shares it
//! holds, why it is idle, the timed safety rules' parameters, the fills it records, and one
//! resting order with its state machine.

use rust_decimal::Decimal;

use crate::domain::{DesiredOrder, OrderId, RestingOrder, TrackedOrder};
use crate::strategy::quote::NoQuote;

/// What the market asks its shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Sign and send this order; report back with `on_placed(key, …)`.
    Place {
        /// Correlation key.
        key: u64,
        /// The order.
        order: DesiredOrder,
    },
    /// Cancel this order.
    Cancel(OrderId),
}

/// Shares held of each token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inventory {
    /// YES shares.
    pub yes: Decimal,
    /// NO shares.
    pub no: Decimal,
    /// pUSD spent (negative) and received (positive) through fills.
    pub cash: Decimal,
}

impl Inventory {
    /// YES-equivalent position: YES minus NO.
    pub fn position(&self) -> Decimal {
        self.yes - self.no
    }
}

/// Why the market is not quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Disabled by the operator.
    Disabled,
    /// Halted by the kill switch.
    Halted,
    /// Waiting for reconciliation after a (re)start.
    Reconciling,
    /// No usable book.
    NoBook,
    /// Placements or cancels sent and not yet acknowledged.
    AwaitingAcks,
    /// A placement was refused (risk or venue): waiting before trying again.
    Backoff,
    /// The quote could not be built.
    NoQuote(NoQuote),
}

/// A placement sent and not yet answered: `PendingNew` until the venue names it (then it
/// rests) or refuses it (`Rejected`).
#[derive(Debug, Clone)]
pub(super) struct InFlight {
    pub(super) order: DesiredOrder,
    pub(super) state: TrackedOrder,
}

/// What the venue's answers did to this market's orders since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderTally {
    /// Placements the venue took.
    pub accepted: u64,
    /// Placements refused (by the risk desk or the venue).
    pub rejected: u64,
    /// Cancels the venue would not carry out (the order filled or was gone).
    pub cancel_refused: u64,
    /// Orders a reconciliation found still open.
    pub reconciled_open: u64,
    /// Orders a reconciliation found gone (filled or cancelled while we did not look).
    pub reconciled_gone: u64,
    /// Open orders a reconciliation found that we did not know of, now tracked.
    pub adopted: u64,
}

#[derive(Debug, Clone)]
pub(super) struct Resting {
    pub(super) order: RestingOrder,
    pub(super) state: TrackedOrder,
    pub(super) since_ms: u64,
}

/// The timed safety rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SafetyParams {
    /// A book untrusted this long cancels our orders, ms.
    pub disconnect_cancel_ms: u64,
    /// Orders resting longer than this are cancelled and requoted, ms.
    pub order_max_age_ms: u64,
}

impl Default for SafetyParams {
    fn default() -> Self {
        Self { disconnect_cancel_ms: 3_000, order_max_age_ms: 300_000 }
    }
}

/// A trade seen for the first time (or undone), for the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillRecord {
    /// Trade id.
    pub trade_id: String,
    /// Our fills in it.
    pub fills: Vec<crate::domain::OwnFill>,
    /// Whether this undoes an earlier record (the trade failed to settle).
    pub undone: bool,
    /// Whether it was found by reading the venue back: its fills are already in the shares
    /// adopted then, so it is for the ledger only.
    pub reconciled: bool,
}
