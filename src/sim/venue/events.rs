//! What changed in the venue, for the websocket channels. The venue appends to an outbox;
//! the server drains it after each operation and formats the channel messages.

use crate::domain::{Outcome, TickSize};
use crate::sim::engine::book::BookSide;
use crate::sim::engine::units::{Lots, Ticks};

use super::accounts::AccountId;
use super::market::BookView;
use super::orders::{OrderRecord, TradeStatus};

/// Why an order event was sent (the user channel's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEventKind {
    /// The order rests on the book.
    Placement,
    /// The order was partly or fully matched.
    Update,
    /// The order was cancelled.
    Cancellation,
}

impl OrderEventKind {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placement => "PLACEMENT",
            Self::Update => "UPDATE",
            Self::Cancellation => "CANCELLATION",
        }
    }
}

/// One venue event.
#[derive(Debug, Clone)]
pub enum VenueEvent {
    /// Levels of a market's YES-terms book changed: (side, price, new total).
    Levels {
        /// Market index.
        market: u32,
        /// The changed levels.
        changes: Vec<(BookSide, Ticks, Lots)>,
        /// YES-terms best bid and ask right after the change.
        top: (Option<Ticks>, Option<Ticks>),
    },
    /// A full snapshot (sent after trades).
    Book {
        /// Market index.
        market: u32,
        /// The book right after the trade.
        view: Box<BookView>,
    },
    /// A trade printed.
    LastTrade {
        /// Market index.
        market: u32,
        /// YES-terms price.
        price: Ticks,
        /// Taker side in YES terms.
        side: crate::domain::Side,
        /// Size, lots.
        lots: Lots,
        /// Fee rate, bps.
        fee_rate_bps: u32,
        /// The settlement transaction.
        transaction_hash: [u8; 32],
    },
    /// An order changed, for its owner.
    Order {
        /// Owner.
        account: AccountId,
        /// The order after the change.
        record: Box<OrderRecord>,
        /// What happened.
        kind: OrderEventKind,
    },
    /// A trade was created or changed settlement status, for everyone in it.
    Trade {
        /// Index into the venue's trade log.
        trade: usize,
        /// The status reported.
        status: TradeStatus,
    },
    /// The tick size changed.
    TickSize {
        /// Market index.
        market: u32,
        /// Before.
        old: TickSize,
        /// After.
        new: TickSize,
    },
    /// The market resolved.
    Resolved {
        /// Market index.
        market: u32,
        /// Winning outcome.
        winner: Outcome,
    },
}

impl VenueEvent {
    /// The market whose book this event changes, if it changes one.
    fn book_market(&self) -> Option<u32> {
        match self {
            Self::Levels { market, .. } | Self::Book { market, .. } => Some(*market),
            _ => None,
        }
    }

    /// Whether this event changes the book of the market `earlier` changed.
    pub fn changes_book_of(&self, earlier: &VenueEvent) -> bool {
        earlier.book_market().is_some_and(|market| self.book_market() == Some(market))
    }
}
