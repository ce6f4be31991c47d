//! What the kill switch receives: the markets' marks and fills, errors worth counting,
//! market-data health and restarts (from the director), and the operator's commands.

use actix::prelude::*;
use rust_decimal::Decimal;

use super::SwitchState;
use crate::domain::ConditionId;
use crate::domain::OwnFill;
use crate::polymarket::client::ClientError;

/// A market's cash plus inventory marked at mid, and the pUSD its open buys reserve. The
/// answer is the day's P&L across the daemon (the markets tighten their limits with it).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "Decimal")]
pub struct MarketMark {
    /// Market.
    pub market: ConditionId,
    /// Marked value, pUSD (`None`: no book to mark at).
    pub value: Option<Decimal>,
    /// pUSD reserved by our open buy orders there.
    pub reserved: Decimal,
}

/// A market saw a trade with our fills for the first time (or saw it fail).
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct MarketFills {
    /// Market.
    pub market: ConditionId,
    /// Trade id.
    pub trade_id: String,
    /// Our fills.
    pub fills: Vec<OwnFill>,
    /// The trade failed to settle: undo.
    pub undone: bool,
    /// Found by reading the venue back (its fills are already in the shares and the
    /// balance): recorded in the ledger once, not counted as new cash.
    pub reconciled: bool,
}

/// An error worth counting towards a burst.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct ErrorSeen {
    /// What the daemon was doing.
    pub during: ErrorDuring,
    /// What went wrong.
    pub error: ClientError,
}

/// What the daemon was doing when an error worth counting happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorDuring {
    /// Sending an order.
    PlacingOrder,
    /// Keeping the venue's heartbeat.
    Heartbeat,
}

impl std::fmt::Display for ErrorDuring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::PlacingOrder => "placing an order",
            Self::Heartbeat => "the venue heartbeat",
        })
    }
}

/// Market-data health.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct FeedHealth {
    /// Every book trusted (or served by the REST fallback).
    pub up: bool,
}

/// An operator trips the switch.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Kill;

/// An operator re-arms a halted switch; answers whether it was halted.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "bool")]
pub struct Resume;

/// Save what is pending (shutdown).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Flush;

/// The switch and the day's money, for status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SwitchReport {
    /// Where the switch stands.
    pub state: SwitchState,
    /// The UTC day.
    pub day: String,
    /// The day's P&L, pUSD.
    pub day_pnl: Decimal,
    /// Errors counted since start.
    pub errors: u64,
    /// The last pUSD balance read.
    pub balance: Option<Decimal>,
}

/// Ask for a [`SwitchReport`].
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "SwitchReport")]
pub struct GetSwitch;
