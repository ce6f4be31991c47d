//! The paper exchange: our orders rest locally against real (or sim) market data and fill
//! through a [`FillModel`]; every change comes out as the same `order` and `trade` events
//! the live user channel delivers, so the rest of the daemon cannot tell paper from live.
//! Paper trades settle at once (CONFIRMED); paper orders are maker-only.

use std::collections::HashMap;

use super::paper::{FillModel, PaperFill, PaperOrder, PaperReject, QueueModel};
use crate::domain::book::{Book, Micros, Pips, micros_decimal, pips_decimal};
use crate::domain::{ConditionId, OrderId, Side, TokenId};
use crate::domain::{OrderChange, OrderUpdate, OwnFill, TradeState, TradeUpdate, UserEvent};
use crate::feed::decode::MarketEvent;

/// An order to rest on the paper exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperRequest {
    /// The order's id (its hash, as live).
    pub id: OrderId,
    /// Condition id.
    pub market: ConditionId,
    /// Token.
    pub asset: TokenId,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Pips,
    /// Size.
    pub size: Micros,
}

/// The paper exchange over a fill model.
#[derive(Debug)]
pub struct PaperExchange<M: FillModel = QueueModel> {
    model: M,
    requests: HashMap<u64, PaperRequest>,
    keys: HashMap<OrderId, u64>,
    filled: HashMap<u64, Micros>,
    next_key: u64,
    trades: u64,
}

impl Default for PaperExchange<QueueModel> {
    fn default() -> Self {
        Self::new(QueueModel::new())
    }
}

impl<M: FillModel> PaperExchange<M> {
    /// A paper exchange filling through `model`.
    pub fn new(model: M) -> Self {
        Self {
            model,
            requests: HashMap::new(),
            keys: HashMap::new(),
            filled: HashMap::new(),
            next_key: 1,
            trades: 0,
        }
    }

    fn order_event(&self, key: u64, change: OrderChange, status: &str) -> Option<UserEvent> {
        let request = self.requests.get(&key)?;
        Some(UserEvent::Order(OrderUpdate {
            id: request.id,
            market: request.market,
            asset: request.asset.clone(),
            side: request.side,
            price: pips_decimal(request.price),
            original_size: micros_decimal(request.size),
            size_matched: micros_decimal(self.filled.get(&key).copied().unwrap_or(0)),
            change,
            status: status.to_owned(),
        }))
    }

    /// Rests an order against `book` (its current state); refused if it would cross.
    pub fn place(
        &mut self,
        request: PaperRequest,
        book: Option<&Book>,
    ) -> Result<Vec<UserEvent>, PaperReject> {
        if self.keys.contains_key(&request.id) {
            return Err(PaperReject::Invalid);
        }
        let key = self.next_key;
        let level = book.map_or(0, |b| b.size_at(request.side, request.price));
        let opposite = book.and_then(|b| b.best(request.side.opposite())).map(|l| l.price);
        let order = PaperOrder {
            id: key,
            asset: Box::from(request.asset.as_str()),
            side: request.side,
            price: request.price,
            size: request.size,
            filled: 0,
            queue_ahead: 0,
        };
        self.model.place(order, level, opposite)?;
        self.next_key += 1;
        self.keys.insert(request.id, key);
        self.requests.insert(key, request);
        Ok(self.order_event(key, OrderChange::Placement, "LIVE").into_iter().collect())
    }

    /// Cancels an order; `None` if it is not open.
    pub fn cancel(&mut self, id: &OrderId) -> Option<UserEvent> {
        let key = *self.keys.get(id)?;
        self.model.cancel(key)?;
        let event = self.order_event(key, OrderChange::Cancellation, "CANCELED");
        self.forget(key);
        event
    }

    /// Open orders' ids.
    #[cfg(test)]
    pub fn open(&self) -> Vec<OrderId> {
        let mut open: Vec<(u64, OrderId)> =
            self.model.open().iter().filter_map(|o| self.requests.get(&o.id).map(|r| (o.id, r.id))).collect();
        open.sort_unstable_by_key(|(key, _)| *key);
        open.into_iter().map(|(_, id)| id).collect()
    }

    fn forget(&mut self, key: u64) {
        if let Some(request) = self.requests.remove(&key) {
            self.keys.remove(&request.id);
        }
        self.filled.remove(&key);
    }

    /// Applies one market event; returns the user events of any fills.
    pub fn on_market(&mut self, event: &MarketEvent<'_>) -> Vec<UserEvent> {
        let fills = match event {
            MarketEvent::Trade(trade) => {
                self.model.on_trade(trade.asset_id, trade.price, trade.size, trade.side)
            }
            MarketEvent::Level(change) => {
                let mut fills = self.model.on_level(change.asset_id, change.side, change.price, change.size);
                if change.best_bid.is_some() || change.best_ask.is_some() {
                    fills.extend(self.model.on_top(change.asset_id, change.best_bid, change.best_ask));
                }
                fills
            }
            MarketEvent::Book(snapshot) => {
                let best_bid = snapshot.bids.iter().map(|l| l.price).max();
                let best_ask = snapshot.asks.iter().map(|l| l.price).min();
                self.model.on_top(snapshot.asset_id, best_bid, best_ask)
            }
            MarketEvent::BestBidAsk { asset_id, best_bid, best_ask, .. } => {
                self.model.on_top(asset_id, *best_bid, *best_ask)
            }
            MarketEvent::TickSize { .. } | MarketEvent::Resolved { .. } => Vec::new(),
        };
        fills.into_iter().flat_map(|fill| self.fill_events(fill)).collect()
    }

    fn fill_events(&mut self, fill: PaperFill) -> Vec<UserEvent> {
        *self.filled.entry(fill.order).or_default() += fill.size;
        let Some(request) = self.requests.get(&fill.order).cloned() else { return Vec::new() };
        self.trades += 1;
        let trade = UserEvent::Trade(TradeUpdate {
            id: format!("paper-{}", self.trades),
            state: TradeState::Confirmed,
            market: request.market,
            fills: vec![OwnFill {
                order: request.id,
                asset: request.asset.clone(),
                side: request.side,
                price: pips_decimal(fill.price),
                size: micros_decimal(fill.size),
                maker: true,
            }],
        });
        let status = if fill.done { "MATCHED" } else { "LIVE" };
        let order = self.order_event(fill.order, OrderChange::Update, status);
        if fill.done {
            self.forget(fill.order);
        }
        order.into_iter().chain(std::iter::once(trade)).collect()
    }

    /// Total size filled of an open order (0 once it is gone).
    #[cfg(test)]
    pub fn filled(&self, id: &OrderId) -> rust_decimal::Decimal {
        self.keys
            .get(id)
            .and_then(|k| self.filled.get(k))
            .map_or(rust_decimal::Decimal::ZERO, |m| micros_decimal(*m))
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::book::Level;
    use crate::feed::decode::{TradePrint, decode_market};

    const ASSET: &str = "7";

    fn request(id: u8, price: Pips, size: Micros) -> PaperRequest {
        PaperRequest {
            id: OrderId::from_bytes([id; 32]),
            market: ConditionId::from_bytes([9; 32]),
            asset: ASSET.parse().unwrap(),
            side: Side::Buy,
            price,
            size,
        }
    }

    fn trade(price: Pips, size: Micros) -> MarketEvent<'static> {
        MarketEvent::Trade(TradePrint {
            asset_id: ASSET,
            market: "M",
            price,
            size,
            side: Side::Sell,
            timestamp_ms: 1,
        })
    }

    #[test]
    fn placement_fills_and_cancel_come_out_as_user_channel_events() {
        let mut exchange = PaperExchange::default();
        let mut book = Book::new();
        book.replace([Level { price: 4_800, size: 10_000_000 }], [Level { price: 5_200, size: 1 }], 0);
        let placed = exchange.place(request(1, 4_800, 5_000_000), Some(&book)).unwrap();
        assert!(
            matches!(&placed[0], UserEvent::Order(o) if o.change == OrderChange::Placement && o.status == "LIVE")
        );
        assert!(exchange.on_market(&trade(4_800, 10_000_000)).is_empty(), "10 shares were ahead of us");
        let events = exchange.on_market(&trade(4_800, 2_000_000));
        let [UserEvent::Order(update), UserEvent::Trade(fill)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!((update.size_matched, update.status.as_str()), (dec!(2), "LIVE"));
        assert_eq!(
            (fill.state, fill.fills[0].size, fill.fills[0].maker),
            (TradeState::Confirmed, dec!(2), true)
        );
        assert_eq!(exchange.filled(&request(1, 0, 0).id), dec!(2));
        let cancelled = exchange.cancel(&request(1, 0, 0).id).unwrap();
        assert!(
            matches!(cancelled, UserEvent::Order(o) if o.change == OrderChange::Cancellation && o.size_matched == dec!(2))
        );
        assert!(exchange.open().is_empty());
    }

    #[test]
    fn a_crossing_quote_on_the_feed_fills_the_rest_and_crossing_orders_are_refused() {
        let mut exchange = PaperExchange::default();
        let mut book = Book::new();
        book.replace([], [Level { price: 5_000, size: 1 }], 0);
        assert_eq!(exchange.place(request(1, 5_000, 1_000_000), Some(&book)), Err(PaperReject::Crosses));
        exchange.place(request(2, 4_900, 1_000_000), Some(&book)).unwrap();
        let frame = r#"{"event_type": "price_change", "market": "M", "price_changes": [
            {"asset_id": "7", "price": "0.49", "side": "SELL", "size": "3", "best_bid": "", "best_ask": "0.49"}]}"#;
        let mut events = Vec::new();
        decode_market(frame, |e| events.extend(exchange.on_market(&e))).unwrap();
        assert!(matches!(&events[0], UserEvent::Order(o) if o.status == "MATCHED"));
        assert!(exchange.open().is_empty());
    }
}
