//! The normalized market-data event every loader produces and the replay consumes: one
//! market (an index into the data set's [`Catalog`](super::Catalog)), one token of it, in
//! the book's integer units, with the exchange's time and, where the source has it, the
//! local receive time.

use crate::domain::book::{Level, Micros, Pips};
use crate::domain::{Outcome, Side, TickSize};

/// When an event happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// The exchange's timestamp, unix ms (0: the source has none).
    pub exchange_ms: u64,
    /// When it was received locally, unix ns (0: the source has none).
    pub local_ns: u64,
}

impl Stamp {
    /// The time the replay orders by, unix ms: the local receive time where known (what a
    /// trading daemon would have seen), else the exchange's.
    pub fn ms(&self) -> u64 {
        if self.local_ns > 0 { self.local_ns / 1_000_000 } else { self.exchange_ms }
    }

    /// Local time minus exchange time, ms, where both are known: the feed's latency.
    pub fn feed_latency_ms(&self) -> Option<u64> {
        (self.local_ns > 0 && self.exchange_ms > 0)
            .then(|| (self.local_ns / 1_000_000).saturating_sub(self.exchange_ms))
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A full book of one token (replaces what was known).
    Book {
        /// Which token.
        outcome: Outcome,
        /// Bid levels, any order.
        bids: Vec<Level>,
        /// Ask levels, any order.
        asks: Vec<Level>,
    },
    /// One level of one token's book now shows `size` (0: gone).
    Level {
        /// Which token.
        outcome: Outcome,
        /// `Buy`: a bid level.
        side: Side,
        /// Price.
        price: Pips,
        /// New total size.
        size: Micros,
    },
    /// A trade printed on one token.
    Trade {
        /// Which token.
        outcome: Outcome,
        /// The taker's side.
        taker: Side,
        /// Price.
        price: Pips,
        /// Shares.
        size: Micros,
    },
    /// The token's book now equals a full snapshot the source took (after the level
    /// changes that snapshot amounted to): the moment a snapshot-driven strategy decides.
    Synced {
        /// Which token.
        outcome: Outcome,
    },
    /// The market's tick size changed.
    Tick(TickSize),
    /// The market resolved.
    Resolved {
        /// The winning token.
        winner: Outcome,
    },
    /// Data may be missing from here (a dropped connection, a skipped record): the
    /// market's books are not to be trusted until its next full book.
    Gap,
}

impl EventKind {
    /// A short name for counting.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Book { .. } => "book",
            Self::Level { .. } => "level",
            Self::Trade { .. } => "trade",
            Self::Synced { .. } => "synced",
            Self::Tick(_) => "tick",
            Self::Resolved { .. } => "resolved",
            Self::Gap => "gap",
        }
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When.
    pub at: Stamp,
    /// The market's index in the catalog.
    pub market: u32,
    /// What.
    pub kind: EventKind,
}
