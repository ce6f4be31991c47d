//! What a strategy sees and does in the replay. The daemon's own quoting runs here through
//! [`CoreStrategy`](super::CoreStrategy); anything else (a taker rule, an experiment)
//! implements [`ReplayStrategy`] the same way. Actions reach the exchange after the
//! latency model's delay; its answers come back through [`ReplayStrategy::on_answer`].

use rust_decimal::Decimal;

use super::books::MarketBooks;
use crate::data::MarketMeta;
use crate::domain::book::{Micros, Pips};
use crate::domain::{OrderId, Outcome, Side, UserEvent};

/// What we hold in one market.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holdings {
    /// YES shares.
    pub yes: Decimal,
    /// NO shares.
    pub no: Decimal,
    /// Cash from trading (negative: spent), fees and rebates included.
    pub cash: Decimal,
}

/// One market as a strategy sees it.
#[derive(Debug, Clone, Copy)]
pub struct MarketView<'a> {
    /// Its index in the data set.
    pub index: u32,
    /// What the data set says about it.
    pub meta: &'a MarketMeta,
    /// Its ids on the exchange (the tokens our orders' events name).
    pub listing: &'a super::exchange::Listing,
    /// Its books.
    pub books: &'a MarketBooks,
    /// Replay time, unix ms.
    pub now_ms: u64,
    /// What we hold.
    pub holdings: Holdings,
    /// Taker orders sent and not yet carried out.
    pub takes_in_flight: usize,
}

/// How much a taker order is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakeSize {
    /// Spend up to this much (a buy).
    Cash(Decimal),
    /// This many shares.
    Shares(Decimal),
}

/// What a strategy asks of the exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Rest a post-only order (refused if it would cross on arrival).
    Place {
        /// The strategy's key, returned in [`Answer::Placed`].
        key: u64,
        /// Which token.
        outcome: Outcome,
        /// Side.
        side: Side,
        /// Limit price.
        price: Pips,
        /// Size.
        size: Micros,
    },
    /// Cancel a resting order.
    Cancel(OrderId),
    /// Trade now against the book, walking it up to `limit`.
    Take {
        /// Which token.
        outcome: Outcome,
        /// Side.
        side: Side,
        /// How much.
        size: TakeSize,
        /// The worst price accepted.
        limit: Option<Pips>,
    },
}

/// A taker order's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TakeFill {
    /// Which token.
    pub outcome: Outcome,
    /// Side.
    pub side: Side,
    /// Shares traded (0: nothing, see `refused`).
    pub shares: Decimal,
    /// Average price.
    pub price: Decimal,
    /// Fee paid.
    pub fee: Decimal,
    /// Why nothing traded, if so.
    pub refused: Option<&'static str>,
    /// The book ran out (or reached the limit) before the order was done.
    pub depth_limited: bool,
}

/// The exchange's answer to an action, or news of our orders.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer<'a> {
    /// A placement landed (`Some`) or was refused.
    Placed {
        /// The strategy's key.
        key: u64,
        /// The order's id.
        id: Option<OrderId>,
    },
    /// A cancel was carried out (`cancelled`) or refused (already filled or gone).
    Cancelled {
        /// Cancelled.
        cancelled: &'a [OrderId],
        /// Refused.
        refused: &'a [OrderId],
    },
    /// What the user channel would say about our orders and fills.
    User(&'a UserEvent),
    /// A taker order was carried out.
    Took(TakeFill),
}

/// Our open orders and shares, as the exchange has them (for reconciliation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountView {
    /// Open orders.
    pub open: Vec<crate::domain::RestingOrder>,
    /// YES shares.
    pub yes: Decimal,
    /// NO shares.
    pub no: Decimal,
}

/// A strategy on the replay.
pub trait ReplayStrategy {
    /// Its name in tables.
    fn name(&self) -> String;
    /// A market is seen for the first time.
    fn on_start(&mut self, view: &MarketView<'_>, out: &mut Vec<Action>);
    /// Its books changed (once per batch of events at one instant).
    fn on_book(&mut self, view: &MarketView<'_>, out: &mut Vec<Action>);
    /// A trade printed (YES terms: the taker's side, shares).
    fn on_print(&mut self, view: &MarketView<'_>, taker_yes: Side, size: Decimal);
    /// The timer (every 250 ms of replay time, for markets seen).
    fn on_tick(&mut self, view: &MarketView<'_>, out: &mut Vec<Action>);
    /// An answer or news from the exchange; `account` reads the exchange's view when the
    /// strategy needs to reconcile.
    fn on_answer(
        &mut self,
        view: &MarketView<'_>,
        answer: Answer<'_>,
        account: &dyn Fn() -> AccountView,
        out: &mut Vec<Action>,
    );
    /// The market's tick changed.
    fn on_tick_size(&mut self, view: &MarketView<'_>, tick: crate::domain::TickSize, out: &mut Vec<Action>);
    /// Estimated liquidity rewards earned in the market so far.
    fn rewards(&self, market: u32) -> Decimal;
}
