//! The paper account: what `paper` mode trades against instead of the venue. It owns the
//! [`PaperExchange`] (queue-aware fills from market data), its own copy of the YES books it
//! is fed, the account's pUSD and shares, and the outbox of user-channel events the feed
//! delivers to the markets.
//!
//! Polymarket's YES and NO tokens share one book: a BUY NO at p rests there as a SELL YES at
//! 1 − p. Paper orders on the NO token are mirrored that way onto the YES book (the only one
//! subscribed) and every event about them is mirrored back, so a market sees exactly what the
//! live user channel would send. Like the venue, a buy reserves its pUSD and a sell its
//! shares until it fills or is cancelled; a placement the account cannot cover is refused.

use std::collections::{BTreeMap, HashMap, VecDeque};

use rust_decimal::Decimal;

use super::paper::PaperReject;
use super::paper_exchange::{PaperExchange, PaperRequest};
use crate::domain::RestingOrder;
use crate::domain::book::{decimal_micros, decimal_pips};
use crate::domain::{ConditionId, OrderId, Outcome, Price, Side, Size, TokenId};
use crate::domain::{OrderChange, TradeUpdate, UserEvent};
use crate::feed::books::BookSet;
use crate::feed::decode::MarketEvent;
use crate::risk::OrderRequest;

/// How long trade ids are kept for reconciliation, ms.
const TRADE_MEMORY_MS: u64 = 600_000;

/// Why a paper placement was refused (the text mirrors the venue's reasons).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaperRefusal {
    /// The order would trade on arrival; paper orders are post-only.
    #[error("invalid post-only order: order crosses book")]
    Crosses,
    /// Not enough free pUSD for a buy, or free shares for a sell.
    #[error("not enough balance / allowance: {0}")]
    Balance(String),
    /// A market the paper account was not opened for.
    #[error("market {0} is not traded on this paper account")]
    UnknownMarket(ConditionId),
    /// A price or size the paper book cannot hold, or an id already used.
    #[error("invalid order: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone)]
struct OpenOrder {
    market: ConditionId,
    asset: TokenId,
    outcome: Outcome,
    side: Side,
    price: Price,
    size: Decimal,
    filled: Decimal,
}

impl OpenOrder {
    fn remaining(&self) -> Decimal {
        self.size - self.filled
    }
}

/// A paper trading account over live (or sim) market data.
#[derive(Debug)]
pub struct PaperVenue {
    exchange: PaperExchange,
    books: BookSet,
    yes_of: HashMap<ConditionId, TokenId>,
    orders: BTreeMap<OrderId, OpenOrder>,
    cash: Decimal,
    shares: HashMap<TokenId, Decimal>,
    trades: VecDeque<(u64, TradeUpdate)>,
    outbox: Vec<UserEvent>,
}

impl PaperVenue {
    /// An account holding `balance` pUSD and no shares, trading `markets` (condition id and
    /// YES token each).
    pub fn new(balance: Decimal, markets: impl IntoIterator<Item = (ConditionId, TokenId)>) -> Self {
        let mut books = BookSet::new();
        let yes_of: HashMap<ConditionId, TokenId> = markets.into_iter().collect();
        yes_of.values().for_each(|yes| books.track(yes.as_str()));
        Self {
            exchange: PaperExchange::default(),
            books,
            yes_of,
            orders: BTreeMap::new(),
            cash: balance,
            shares: HashMap::new(),
            trades: VecDeque::new(),
            outbox: Vec::new(),
        }
    }

    /// pUSD held, reserved buys included (what the venue's balance endpoint reports).
    pub fn cash(&self) -> Decimal {
        self.cash
    }

    /// Shares of `token` held, reserved sells included.
    pub fn shares(&self, token: &TokenId) -> Decimal {
        self.shares.get(token).copied().unwrap_or_default()
    }

    /// Rests `order` under `id` (the hash of the order as signed), or says why not.
    pub fn place(&mut self, id: OrderId, order: &OrderRequest) -> Result<(), PaperRefusal> {
        let yes = self.yes_of.get(&order.market).cloned().ok_or(PaperRefusal::UnknownMarket(order.market))?;
        self.check_funds(order)?;
        let (side, price) = match order.outcome {
            Outcome::Yes => (order.side, order.price),
            Outcome::No => (order.side.opposite(), order.price.complement()),
        };
        let invalid = || PaperRefusal::Invalid(format!("{} x {}", order.price.value(), order.size.value()));
        let request = PaperRequest {
            id,
            market: order.market,
            asset: yes.clone(),
            side,
            price: decimal_pips(price.value()).ok_or_else(invalid)?,
            size: decimal_micros(order.size.value()).ok_or_else(invalid)?,
        };
        let events =
            self.exchange.place(request, self.books.book(yes.as_str())).map_err(|reject| match reject {
                PaperReject::Crosses => PaperRefusal::Crosses,
                PaperReject::Invalid => invalid(),
            })?;
        self.orders.insert(
            id,
            OpenOrder {
                market: order.market,
                asset: order.token.clone(),
                outcome: order.outcome,
                side: order.side,
                price: order.price,
                size: order.size.value(),
                filled: Decimal::ZERO,
            },
        );
        self.deliver(events, 0);
        Ok(())
    }

    fn check_funds(&self, order: &OrderRequest) -> Result<(), PaperRefusal> {
        let open = self.orders.values().filter(|o| o.side == order.side);
        match order.side {
            Side::Buy => {
                let reserved: Decimal = open.map(|o| o.price.value() * o.remaining()).sum();
                let needed = order.price.value() * order.size.value();
                if self.cash - reserved < needed {
                    return Err(PaperRefusal::Balance(format!(
                        "{needed} pUSD needed, {} free",
                        self.cash - reserved
                    )));
                }
            }
            Side::Sell => {
                let reserved: Decimal =
                    open.filter(|o| o.asset == order.token).map(OpenOrder::remaining).sum();
                let free = self.shares(&order.token) - reserved;
                if free < order.size.value() {
                    return Err(PaperRefusal::Balance(format!(
                        "{} shares needed, {free} free",
                        order.size.value()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Cancels `ids`; returns those cancelled and those that were not open.
    pub fn cancel(&mut self, ids: &[OrderId]) -> (Vec<OrderId>, Vec<OrderId>) {
        let (mut cancelled, mut refused) = (Vec::new(), Vec::new());
        for id in ids {
            match self.exchange.cancel(id) {
                Some(event) => {
                    self.deliver(vec![event], 0);
                    cancelled.push(*id);
                }
                None => refused.push(*id),
            }
        }
        (cancelled, refused)
    }

    /// Cancels every open order; returns how many.
    pub fn cancel_all(&mut self) -> usize {
        let ids: Vec<OrderId> = self.orders.keys().copied().collect();
        self.cancel(&ids).0.len()
    }

    /// Our open orders in `market`, as the venue's open-orders read would list them.
    pub fn open_orders(&self, market: &ConditionId) -> Vec<RestingOrder> {
        self.orders
            .iter()
            .filter(|(_, o)| o.market == *market)
            .filter_map(|(id, o)| {
                Some(RestingOrder {
                    id: *id,
                    outcome: o.outcome,
                    side: o.side,
                    price: o.price,
                    remaining: Size::new(o.remaining()).ok()?,
                })
            })
            .collect()
    }

    /// Our trades in `market` since `since_ms`.
    pub fn recent_trades(&self, market: &ConditionId, since_ms: u64) -> Vec<TradeUpdate> {
        self.trades
            .iter()
            .filter(|(at, trade)| trade.market == *market && *at >= since_ms)
            .map(|(_, trade)| trade.clone())
            .collect()
    }

    /// Applies one market-data event to the books and the resting orders.
    pub fn on_market(&mut self, event: &MarketEvent<'_>, now_ms: u64) {
        self.books.apply(event);
        let events = self.exchange.on_market(event);
        if !events.is_empty() {
            self.deliver(events, now_ms);
        }
    }

    /// The user-channel events since the last call, in order.
    pub fn take_events(&mut self) -> Vec<UserEvent> {
        std::mem::take(&mut self.outbox)
    }

    /// Mirrors the exchange's events back to the tokens the orders were placed on, settles
    /// fills into the account and queues the events for the markets.
    fn deliver(&mut self, events: Vec<UserEvent>, now_ms: u64) {
        let mut finished = Vec::new();
        for mut event in events {
            match &mut event {
                UserEvent::Order(update) => {
                    let Some(order) = self.orders.get(&update.id) else { continue };
                    update.asset = order.asset.clone();
                    update.side = order.side;
                    update.price = order.price.value();
                    if update.change == OrderChange::Cancellation || update.status == "MATCHED" {
                        finished.push(update.id);
                    }
                }
                UserEvent::Trade(trade) => {
                    for fill in &mut trade.fills {
                        let Some(order) = self.orders.get_mut(&fill.order) else { continue };
                        fill.asset = order.asset.clone();
                        fill.side = order.side;
                        fill.price = order.price.value();
                        order.filled += fill.size;
                        let notional = fill.price * fill.size;
                        let held = self.shares.entry(fill.asset.clone()).or_default();
                        match fill.side {
                            Side::Buy => {
                                self.cash -= notional;
                                *held += fill.size;
                            }
                            Side::Sell => {
                                self.cash += notional;
                                *held -= fill.size;
                            }
                        }
                    }
                    self.trades.push_back((now_ms, trade.clone()));
                    while self
                        .trades
                        .front()
                        .is_some_and(|(at, _)| now_ms.saturating_sub(*at) > TRADE_MEMORY_MS)
                    {
                        self.trades.pop_front();
                    }
                }
            }
            self.outbox.push(event);
        }
        finished.iter().for_each(|id| {
            self.orders.remove(id);
        });
    }
}

#[cfg(test)]
mod tests;
