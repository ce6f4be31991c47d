//! What a market actor receives: its book and the trades printed (from the feed), our
//! order and trade events, the venue's answers to what it sent (placements, cancels,
//! reconciliations), and the operator's and kill switch's commands.

use std::sync::Arc;

use actix::prelude::*;
use rust_decimal::Decimal;

use super::core::OrderTally;
use crate::domain::{ConditionId, OrderId};
use crate::domain::{TradeUpdate, UserEvent};
use crate::execution::paper_venue::PaperRefusal;
use crate::polymarket::PolymarketError;
use crate::polymarket::client::ClientError;
use crate::risk::Breach;
use crate::risk::pnl::MarketPnl;
use crate::strategy::Signals;
use crate::telemetry::hops::HopStamps;

use crate::domain::RestingOrder;

/// The YES book changed (or stopped being trusted): the market reads it from the feed's
/// shared books.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct BookUpdated {
    /// When the frame that changed it was read off the websocket and sent on by the feed
    /// (hop latency).
    pub origin: Option<HopStamps>,
    /// The feed's "an update is in this market's mailbox" flag, cleared on receipt.
    pub in_mailbox: Option<Arc<std::sync::atomic::AtomicBool>>,
}

/// An order or trade event of this market.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct UserEventReceived(pub UserEvent);

/// A trade printed on the YES token (flow signals).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct TradePrinted {
    /// The taker's side, YES terms.
    pub taker_side: crate::domain::Side,
    /// Shares.
    pub size: Decimal,
}

/// The operator enabled or disabled the market (disabling cancels its orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub enum SetQuoting {
    /// Quote.
    Enable,
    /// Cancel this market's orders and stop quoting.
    Disable,
}

/// The kill switch halted every market, or the operator resumed them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub enum Halting {
    /// Cancel and stop quoting until resumed.
    Halt,
    /// Quote again.
    Resume,
}

/// Stop quoting without sending cancels (the daemon is shutting down and cancels everything
/// in one request).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Freeze;

/// The user channel came back after a drop: events about our orders may be lost, so the
/// market reconciles before quoting again.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct UserGap;

/// Make the actor panic (sim mode only: shows and tests supervision). `unguarded` panics
/// outside the handler boundary's catch, as a bug in actix glue would: the actor's task dies
/// with its supervisor, and only the director's watch brings the market back.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Crash {
    /// Escape the catch at the handler boundary.
    pub unguarded: bool,
}

/// The answer to a placement.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct Placed {
    /// The market's correlation key.
    pub key: u64,
    /// The order's id when the venue accepted it.
    pub id: Option<OrderId>,
    /// Why not, when it did not.
    pub error: Option<PlaceRefused>,
}

/// Why a placement is not resting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceRefused {
    /// The risk gate refused it.
    #[error("the risk gate refused it: {0}")]
    Risk(Breach),
    /// It could not be signed.
    #[error("it could not be signed: {0}")]
    Signing(PolymarketError),
    /// Not sent (the order budget is spent) or the request failed.
    #[error("{0}")]
    Request(ClientError),
    /// The venue answered with a refusal.
    #[error("the venue refused it: {0}")]
    Venue(String),
    /// The paper account refused it.
    #[error("the paper account refused it: {0}")]
    Paper(PaperRefusal),
}

/// The venue's answer to a cancel: which orders it cancelled and which it could not (already
/// filled, cancelled or unknown); `failed` when the request itself failed and nothing is
/// known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub struct CancelAnswered {
    /// Cancelled.
    pub cancelled: Vec<OrderId>,
    /// Not cancelled, whatever the reason.
    pub refused: Vec<OrderId>,
    /// The request failed.
    pub failed: bool,
}

/// The venue's view of one market: our open orders and our shares.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct Reconciled {
    /// Open orders.
    pub open: Vec<RestingOrder>,
    /// YES shares.
    pub yes: Decimal,
    /// NO shares.
    pub no: Decimal,
    /// Our trades in the market in the last ten minutes, read so that none happened between
    /// this list and the shares above: their fills are in those shares, so their events
    /// (a later status of the same trade) must not be counted again, but the ledger must
    /// hold them once.
    pub recent_trades: Vec<TradeUpdate>,
}

/// A market's state for status reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketStatus {
    /// Condition id.
    pub condition: ConditionId,
    /// Why it is not quoting (`None`: quoting).
    pub idle: Option<String>,
    /// Our resting orders.
    pub orders: Vec<OrderId>,
    /// YES minus NO shares.
    pub position: Decimal,
    /// YES shares held.
    pub yes: Decimal,
    /// NO shares held.
    pub no: Decimal,
    /// Times the market restarted: by its supervisor, or (counted by the director) anew after
    /// its actor died outside supervision.
    pub restarts: u32,
    /// Placements awaiting an answer.
    pub pending_placements: usize,
    /// Cancels awaiting confirmation.
    pub pending_cancels: usize,
    /// The strategy's readings: spread and why, skew, regime, toxicity, rewards, limits.
    pub signals: Signals,
    /// P&L of this market since the actor started: realized, unrealized at the mid, fees,
    /// estimated rewards.
    pub pnl: MarketPnl,
    /// What the venue's answers did to its orders: taken, refused, cancels refused,
    /// reconciled open or gone, adopted.
    pub answers: OrderTally,
}

/// Ask for a status report.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "MarketStatus")]
pub struct GetStatus;
