//! What a replay is run with and what it gives back: the order latency model, the models
//! together, progress, and the result.

use rust_decimal::Decimal;

use super::exchange::TakerFills;
use super::fees::Fees;
use super::measure::Measured;
use super::queue::QueueKind;

/// How long an order takes to reach the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    /// Fixed delays, ms.
    Fixed {
        /// Placements and taker orders.
        place_ms: u64,
        /// Cancels.
        cancel_ms: u64,
    },
    /// The market's latest recorded feed latency (local − exchange time), for every action.
    Feed,
}

/// The replay's models.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayConfig {
    /// Queue position of resting orders.
    pub queue: QueueKind,
    /// Order latency.
    pub latency: Latency,
    /// Fees and rebates.
    pub fees: Fees,
    /// How taker orders fill.
    pub taker_fills: TakerFills,
}

impl Default for ReplayConfig {
    fn default() -> Self {
        Self {
            queue: QueueKind::RiskAverse,
            latency: Latency::Fixed { place_ms: 100, cancel_ms: 100 },
            fees: Fees::default(),
            taker_fills: TakerFills::Book,
        }
    }
}

/// How far a replay has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Events replayed.
    pub events: u64,
    /// Replay time, unix ms.
    pub now_ms: u64,
}

/// What a replay produced.
#[derive(Debug, Clone)]
pub struct ReplayResult {
    /// The strategy.
    pub strategy: String,
    /// The models.
    pub config: ReplayConfig,
    /// The measurements.
    pub measured: Measured,
    /// Total P&L (equity change with rewards).
    pub pnl: Decimal,
    /// Estimated rewards.
    pub rewards: Decimal,
    /// Events replayed.
    pub events: u64,
    /// First and last event, unix ms.
    pub span: (u64, u64),
    /// Actions refused by the exchange (crossing placements, taker orders with no book).
    pub refused: u64,
}
