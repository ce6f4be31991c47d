//! `MarketCore`: everything one market knows and decides, with no actor or I/O inside. It
//! holds the YES book, the inventory of both tokens, our resting orders (each with its state
//! machine) and the orders sent but not yet acknowledged; events go in, intents (place,
//! cancel) come out. The market actor is a thin shell that forwards events and carries out
//! intents. The venue's answers about our orders, run through their state machine, are in
//! [`lifecycle`]; quoting, fills and the timed rules are here.
//!
//! Quoting happens only when the market is enabled, not halted and reconciled: after a
//! (re)start everything derived is stale until the venue's open orders and our positions
//! have been read back.
//!
//! Time comes from the shell: [`MarketCore::set_now`] before each event, and
//! [`MarketCore::tick`] periodically, which carries out the two timed safety rules (a book
//! untrusted for longer than the disconnect threshold cancels our orders; an order older
//! than the maximum age is cancelled and requoted).

mod faults;
mod lifecycle;
mod types;

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;

use self::faults::Faults;
pub use self::types::{FillRecord, Idle, Intent, Inventory, OrderTally, SafetyParams};
use self::types::{InFlight, Resting};
use super::orders::{diff, orders_for};
use crate::domain::Fill;
use crate::domain::RestingOrder;
use crate::domain::book::{Book, Micros, Pips, decimal_micros, decimal_pips, mid_of_x2};
use crate::domain::{OrderEvent, OrderId, OrderState, Outcome, Side, TickSize, TokenId, TrackedOrder};
use crate::domain::{OrderUpdate, TradeState, TradeUpdate};
use crate::risk::pnl::MarketPnl;
use crate::strategy::{ModelParams, QuoteModel, Signals};

/// The wait after a first refused placement, ms (doubling with each refusal in a row).
const FIRST_RETRY_MS: u64 = 250;
/// The longest wait after refused placements, ms.
const MAX_RETRY_MS: u64 = 30_000;

/// Order events kept for placements not yet acknowledged (a handful per placement at most).
pub const MAX_EARLY_EVENTS: usize = 64;

/// One market's state and decisions.
#[derive(Debug)]
pub struct MarketCore {
    yes: TokenId,
    no: TokenId,
    model: QuoteModel,
    tick: TickSize,
    min_size: Decimal,
    book: Book,
    book_trusted: bool,
    others: Book,
    inventory: Inventory,
    resting: BTreeMap<OrderId, Resting>,
    pending: BTreeMap<u64, InFlight>,
    tally: OrderTally,
    early_events: HashMap<OrderId, Vec<OrderUpdate>>,
    counted_trades: HashSet<String>,
    next_key: u64,
    enabled: bool,
    halted: bool,
    reconciled: bool,
    safety: SafetyParams,
    now_ms: u64,
    book_lost_since_ms: Option<u64>,
    new_fills: Vec<FillRecord>,
    retry_after_ms: u64,
    refusals_in_a_row: u32,
    orders_on_book: bool,
    faults: Faults,
}

impl MarketCore {
    /// A market of the `yes`/`no` token pair quoting with the `model` strategy on `tick`,
    /// waiting for reconciliation.
    pub fn new(yes: TokenId, no: TokenId, model: ModelParams, tick: TickSize, min_size: Decimal) -> Self {
        Self {
            yes,
            no,
            model: QuoteModel::new(model),
            tick,
            min_size,
            book: Book::new(),
            book_trusted: false,
            others: Book::new(),
            inventory: Inventory::default(),
            resting: BTreeMap::new(),
            pending: BTreeMap::new(),
            tally: OrderTally::default(),
            early_events: HashMap::new(),
            counted_trades: HashSet::new(),
            next_key: 1,
            enabled: true,
            halted: false,
            reconciled: false,
            safety: SafetyParams::default(),
            now_ms: 0,
            book_lost_since_ms: None,
            new_fills: Vec::new(),
            retry_after_ms: 0,
            refusals_in_a_row: 0,
            orders_on_book: true,
            faults: Faults::default(),
        }
    }

    /// The first order transition the state machine refused since the last call: the shell
    /// restarts the market on it (see [`faults`]).
    pub fn take_fault(&mut self) -> Option<crate::domain::OrderFsmError> {
        self.faults.take()
    }

    /// The same market for an account whose orders never show in the venue's book (paper
    /// mode): the book is quoted off as it is, with nothing of ours to take out.
    pub fn with_orders_off_book(mut self) -> Self {
        self.orders_on_book = false;
        self
    }

    /// The same market with these safety rules.
    pub fn with_safety(mut self, safety: SafetyParams) -> Self {
        self.safety = safety;
        self
    }

    /// The time now, unix ms; stamps what happens next.
    pub fn set_now(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
    }

    /// The timed rules, run periodically: cancels everything when the book has been
    /// untrusted past the disconnect threshold, cancels orders past their maximum age (they
    /// are requoted once the cancels are acknowledged), requotes when a refusal backoff has
    /// just ended, and otherwise re-evaluates the quote at the strategy's adaptive cadence
    /// (fast while the market moves, asleep when it is quiet): signals such as flow and
    /// markouts age even while the book stands still.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Intent> {
        self.now_ms = now_ms;
        if let Some(since) = self.book_lost_since_ms
            && now_ms.saturating_sub(since) >= self.safety.disconnect_cancel_ms
        {
            return self.cancel_all();
        }
        let max_age = self.safety.order_max_age_ms;
        let stale: Vec<OrderId> = self
            .resting
            .iter()
            .filter(|(_, r)| r.state.state() != OrderState::PendingCancel)
            .filter(|(_, r)| now_ms.saturating_sub(r.since_ms) >= max_age)
            .map(|(id, _)| *id)
            .collect();
        stale.iter().for_each(|id| self.request_cancel(*id));
        let mut intents: Vec<Intent> = stale.into_iter().map(Intent::Cancel).collect();
        if self.retry_after_ms != 0 && now_ms >= self.retry_after_ms {
            self.retry_after_ms = 0;
            intents.extend(self.requote());
        } else if self.model.due(now_ms) && intents.is_empty() {
            intents.extend(self.requote());
        }
        intents
    }

    /// Whether the book has been untrusted long enough that our orders were pulled.
    pub fn disconnected(&self) -> bool {
        self.book_lost_since_ms
            .is_some_and(|since| self.now_ms.saturating_sub(since) >= self.safety.disconnect_cancel_ms)
    }

    /// The YES mid of others' orders (`None` without a two-sided book).
    pub fn mid(&self) -> Option<Decimal> {
        self.others_mid_x2().map(mid_of_x2)
    }

    /// Whether the orders and shares have been read back from the venue since the core
    /// started or was invalidated.
    pub fn is_reconciled(&self) -> bool {
        self.reconciled
    }

    /// Cash plus both tokens marked at the book's mid (`None` without a book).
    pub fn marked_value(&self) -> Option<Decimal> {
        let mid = self.mid()?;
        let inv = self.inventory;
        Some(inv.cash + inv.yes * mid + inv.no * (Decimal::ONE - mid))
    }

    /// Trades recorded since the last call, for the ledger.
    pub fn take_new_fills(&mut self) -> Vec<FillRecord> {
        std::mem::take(&mut self.new_fills)
    }

    /// Which of this market's tokens `asset` is.
    pub fn outcome_of(&self, asset: &TokenId) -> Option<Outcome> {
        if *asset == self.yes {
            Some(Outcome::Yes)
        } else if *asset == self.no {
            Some(Outcome::No)
        } else {
            None
        }
    }

    /// Inventory.
    pub fn inventory(&self) -> Inventory {
        self.inventory
    }

    /// Our resting orders.
    pub fn resting(&self) -> Vec<RestingOrder> {
        self.resting.values().map(|r| r.order).collect()
    }

    /// Why the market would not quote now (`None`: it would).
    pub fn idle_reason(&self) -> Option<Idle> {
        if !self.enabled {
            Some(Idle::Disabled)
        } else if self.halted {
            Some(Idle::Halted)
        } else if !self.reconciled {
            Some(Idle::Reconciling)
        } else if !self.book_trusted {
            Some(Idle::NoBook)
        } else if !self.pending.is_empty()
            || self.resting.values().any(|r| r.state.state() == OrderState::PendingCancel)
        {
            Some(Idle::AwaitingAcks)
        } else if self.now_ms < self.retry_after_ms {
            Some(Idle::Backoff)
        } else {
            None
        }
    }

    /// The strategy's latest readings, for status.
    pub fn signals(&self) -> Signals {
        self.model.signals()
    }

    /// The strategy (its ledger of fills and P&L, its parameters).
    pub fn model(&self) -> &QuoteModel {
        &self.model
    }

    /// This market's P&L from the strategy's ledger, marked at the others-only mid.
    pub fn pnl(&self) -> MarketPnl {
        let mid = self.mid().unwrap_or(Decimal::new(5, 1));
        MarketPnl::of(self.model.ledger(), mid, self.model.reward_accrued())
    }

    /// The day's P&L across the daemon, for the dynamic limits.
    pub fn set_day_pnl(&mut self, pnl: Decimal) {
        self.model.set_day_pnl(pnl);
    }

    /// A trade printed in this market: the taker's side in YES terms and the size.
    pub fn on_print(&mut self, taker_side_yes: Side, size: Decimal) {
        self.model.observe_trade(self.now_ms, taker_side_yes, size);
    }

    /// The tick size changed.
    pub fn set_tick(&mut self, tick: TickSize) -> Vec<Intent> {
        self.tick = tick;
        self.requote()
    }

    /// The YES book now (`None`: it is not trustworthy now). It is copied into the core's
    /// own buffers, so a steady stream of updates allocates nothing.
    pub fn on_book(&mut self, book: Option<&Book>) -> Vec<Intent> {
        let Some(book) = book else {
            self.book_trusted = false;
            self.book_lost_since_ms.get_or_insert(self.now_ms);
            return Vec::new();
        };
        self.book_lost_since_ms = None;
        self.book.clone_from(book);
        self.book_trusted = true;
        self.with_others(|core, others| {
            let (bid, ask) = core.our_yes_prices();
            core.model.observe_book(core.now_ms, others, bid, ask, core.tick);
            if core.idle_reason().is_none() { core.requote_on(others) } else { Vec::new() }
        })
    }

    /// Our best resting YES-terms bid and ask.
    fn our_yes_prices(&self) -> (Option<Decimal>, Option<Decimal>) {
        let mut bid: Option<Decimal> = None;
        let mut ask: Option<Decimal> = None;
        for resting in self.resting.values() {
            let order = resting.order;
            let (side, price) = match order.outcome {
                Outcome::Yes => (order.side, order.price.value()),
                Outcome::No => (order.side.opposite(), order.price.complement().value()),
            };
            match side {
                Side::Buy => bid = Some(bid.map_or(price, |b| b.max(price))),
                Side::Sell => ask = Some(ask.map_or(price, |a| a.min(price))),
            }
        }
        (bid, ask)
    }

    /// Our resting orders as YES-terms levels (a YES bid is a bid; a NO bid is a YES ask at
    /// 1 − p; sells the other way round), none when they never show in the venue's book.
    fn ours_yes_terms(&self) -> impl Iterator<Item = (Side, Pips, Micros)> + '_ {
        self.resting.values().filter(|_| self.orders_on_book).filter_map(|resting| {
            let order = resting.order;
            let (side, price) = match (order.outcome, order.side) {
                (Outcome::Yes, side) => (side, order.price),
                (Outcome::No, side) => (side.opposite(), order.price.complement()),
            };
            let pips = decimal_pips(price.value())?;
            Some((side, pips, decimal_micros(order.remaining.value()).unwrap_or(0)))
        })
    }

    /// Runs `f` on the YES book without our own orders, so we never quote off our own
    /// quotes: built in a buffer the core keeps (no allocation once warm); `None` without a
    /// trusted book.
    fn with_others<R: Default>(&mut self, f: impl FnOnce(&mut Self, &Book) -> R) -> R {
        if !self.book_trusted {
            return R::default();
        }
        let mut others = std::mem::take(&mut self.others);
        others.clone_from(&self.book);
        for (side, pips, ours) in self.ours_yes_terms() {
            let level = others.size_at(side, pips);
            others.set(side, pips, level.saturating_sub(ours));
        }
        let result = f(self, &others);
        self.others = others;
        result
    }

    /// Bid + ask of others' orders in pips, read through our orders without copying the
    /// book (`None` without a trusted two-sided book).
    fn others_mid_x2(&self) -> Option<u32> {
        if !self.book_trusted {
            return None;
        }
        let ours_at = |side: Side, price: Pips| -> Micros {
            self.ours_yes_terms().filter(|(s, p, _)| *s == side && *p == price).map(|(_, _, size)| size).sum()
        };
        let best = |side: Side| self.book.depth(side).find(|level| level.size > ours_at(side, level.price));
        Some(best(Side::Buy)?.price + best(Side::Sell)?.price)
    }

    /// Computes the quote and the changes to get there.
    pub fn requote(&mut self) -> Vec<Intent> {
        if self.idle_reason().is_some() {
            return Vec::new();
        }
        self.with_others(|core, others| core.requote_on(others))
    }

    /// The quote on `book` (others' orders only) and the changes to get there.
    fn requote_on(&mut self, book: &Book) -> Vec<Intent> {
        let quote =
            match self.model.plan(self.now_ms, book, self.tick, self.min_size, self.inventory.position()) {
                Ok(quote) => quote,
                Err(_) => return self.cancel_all(),
            };
        let desired = orders_for(&quote, self.inventory.yes, self.inventory.no);
        let resting = self.resting();
        let changes = diff(&resting, &desired, self.model.quote_params().requote_threshold);
        let mut intents: Vec<Intent> = changes.cancel.into_iter().map(Intent::Cancel).collect();
        for cancelled in
            intents.iter().filter_map(|i| if let Intent::Cancel(id) = i { Some(*id) } else { None })
        {
            self.request_cancel(cancelled);
        }
        for order in changes.place {
            let key = self.next_key;
            self.next_key += 1;
            self.pending.insert(key, InFlight { order, state: TrackedOrder::new(order.size) });
            intents.push(Intent::Place { key, order });
        }
        intents
    }

    fn request_cancel(&mut self, id: OrderId) {
        if let Some(resting) = self.resting.get_mut(&id) {
            self.faults.note(resting.state.apply(OrderEvent::CancelRequested));
        }
    }

    /// Cancels every resting order not already being cancelled.
    fn cancel_all(&mut self) -> Vec<Intent> {
        let ids: Vec<OrderId> = self
            .resting
            .iter()
            .filter(|(_, r)| r.state.state() != OrderState::PendingCancel)
            .map(|(id, _)| *id)
            .collect();
        ids.iter().for_each(|id| self.request_cancel(*id));
        ids.into_iter().map(Intent::Cancel).collect()
    }

    /// A trade with our fills: inventory moves the first time a trade is seen, and moves back
    /// if its settlement fails.
    pub fn on_trade(&mut self, trade: &TradeUpdate) {
        let first = !self.counted_trades.contains(&trade.id);
        let sign = match trade.state {
            TradeState::Failed if !first => -Decimal::ONE,
            TradeState::Failed => return,
            _ if first => Decimal::ONE,
            _ => return,
        };
        if sign > Decimal::ZERO {
            self.counted_trades.insert(trade.id.clone());
        } else {
            self.counted_trades.remove(&trade.id);
        }
        self.new_fills.push(FillRecord {
            trade_id: trade.id.clone(),
            fills: trade.fills.clone(),
            undone: sign < Decimal::ZERO,
            reconciled: false,
        });
        for fill in &trade.fills {
            if sign > Decimal::ZERO
                && let Some(outcome) = self.outcome_of(&fill.asset)
            {
                let (yes_side, yes_price) = match outcome {
                    Outcome::Yes => (fill.side, fill.price),
                    Outcome::No => (fill.side.opposite(), Decimal::ONE - fill.price),
                };
                let record =
                    Fill { outcome, side: fill.side, price: fill.price, size: fill.size, fee: Decimal::ZERO };
                self.model.observe_fill(self.now_ms, record, yes_side, yes_price);
            }
            let shares = fill.size * sign;
            let cash = fill.price * fill.size * sign;
            let held = match self.outcome_of(&fill.asset) {
                Some(Outcome::Yes) => &mut self.inventory.yes,
                Some(Outcome::No) => &mut self.inventory.no,
                None => continue,
            };
            match fill.side {
                Side::Buy => {
                    *held += shares;
                    self.inventory.cash -= cash;
                }
                Side::Sell => {
                    *held -= shares;
                    self.inventory.cash += cash;
                }
            }
        }
    }

    /// Enables or disables quoting; disabling cancels our orders (inventory stays tracked).
    pub fn set_enabled(&mut self, enabled: bool) -> Vec<Intent> {
        self.enabled = enabled;
        if enabled { self.requote() } else { self.cancel_all() }
    }

    /// The kill switch tripped: cancel everything and stop until resumed.
    pub fn halt(&mut self) -> Vec<Intent> {
        self.halted = true;
        self.cancel_all()
    }

    /// The kill switch re-armed.
    pub fn resume(&mut self) -> Vec<Intent> {
        self.halted = false;
        self.requote()
    }

    /// Trades already included in the shares a reconciliation is about to adopt: their
    /// user-channel events, if they arrive later, must not move the inventory again; those
    /// not seen before go to the ledger (which keeps each trade once) without moving it.
    pub fn already_counted(&mut self, trades: Vec<TradeUpdate>) {
        for trade in trades {
            if trade.state == TradeState::Failed || !self.counted_trades.insert(trade.id.clone()) {
                continue;
            }
            self.new_fills.push(FillRecord {
                trade_id: trade.id,
                fills: trade.fills,
                undone: false,
                reconciled: true,
            });
        }
    }
}

#[cfg(test)]
mod tests;
