//! The paper exchange's fill model: our orders live locally against real (or sim) market
//! data and fill the way a resting order on the venue would, queue position included.
//!
//! [`QueueModel`] is the default [`FillModel`]. An order joins the back of its price level
//! (everything resting there is ahead of it). Trades at that price consume the queue ahead
//! first and then fill us; size leaving the level (cancels) can only shrink the queue
//! ahead; a trade through our price would have met us first, so it fills us up to its size
//! (best-priced orders first); an opposite quote crossing our price fills what is left.
//! It assumes, as the venue's channel does, that a trade print arrives before the level
//! update it caused. The backtester's queue models (`backtest::queue`) build on it.

use std::collections::BTreeMap;

use crate::domain::Side;
use crate::domain::book::{Micros, Pips};

/// A resting paper order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperOrder {
    /// Our id for it.
    pub id: u64,
    /// Token id.
    pub asset: Box<str>,
    /// BUY rests on the bid side.
    pub side: Side,
    /// Limit price.
    pub price: Pips,
    /// Original size.
    pub size: Micros,
    /// Filled so far.
    pub filled: Micros,
    /// Size resting ahead of us at our price.
    pub queue_ahead: Micros,
}

impl PaperOrder {
    /// Size still open.
    pub fn remaining(&self) -> Micros {
        self.size - self.filled
    }
}

/// One fill of a paper order (always at the order's own price: it is the maker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaperFill {
    /// Order id.
    pub order: u64,
    /// Size filled now.
    pub size: Micros,
    /// Price.
    pub price: Pips,
    /// Whether the order is now complete.
    pub done: bool,
}

/// Why a paper order was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PaperReject {
    /// It would trade on arrival (paper orders are maker-only).
    #[error("paper order would cross the book (maker-only)")]
    Crosses,
    /// Zero size or an id already in use.
    #[error("paper order has zero size or a duplicate id")]
    Invalid,
}

/// How paper orders fill from market data. Swappable, so the backtester can bring its own.
pub trait FillModel {
    /// Rests an order; `level_size` is what the book shows at its price now and
    /// `opposite_best` the best price on the other side.
    fn place(
        &mut self,
        order: PaperOrder,
        level_size: Micros,
        opposite_best: Option<Pips>,
    ) -> Result<(), PaperReject>;
    /// Removes an order; returns it with what it had filled.
    fn cancel(&mut self, id: u64) -> Option<PaperOrder>;
    /// A trade printed on `asset` (taker `side`).
    fn on_trade(&mut self, asset: &str, price: Pips, size: Micros, side: Side) -> Vec<PaperFill>;
    /// A level of `asset`'s book now shows `size` (0: gone).
    fn on_level(&mut self, asset: &str, side: Side, price: Pips, size: Micros) -> Vec<PaperFill>;
    /// The best opposite price moved; orders it crosses fill.
    fn on_top(&mut self, asset: &str, best_bid: Option<Pips>, best_ask: Option<Pips>) -> Vec<PaperFill>;
    /// Open orders.
    #[cfg(test)]
    fn open(&self) -> Vec<&PaperOrder>;
}

/// The queue-position model.
#[derive(Debug, Default)]
pub struct QueueModel {
    orders: BTreeMap<u64, PaperOrder>,
}

impl QueueModel {
    /// No orders.
    pub fn new() -> Self {
        Self::default()
    }

    /// One order by id.
    #[cfg(test)]
    pub fn order(&self, id: u64) -> Option<&PaperOrder> {
        self.orders.get(&id)
    }

    /// Our resting orders of `asset` on `side` at `price`, for a model that moves their
    /// queue position its own way.
    pub fn queue_at(
        &mut self,
        asset: &str,
        side: Side,
        price: Pips,
    ) -> impl Iterator<Item = &mut PaperOrder> {
        self.orders.values_mut().filter(move |o| &*o.asset == asset && o.side == side && o.price == price)
    }

    /// Fills `size` of order `id`; returns the fill and removes the order when complete.
    fn fill(&mut self, id: u64, size: Micros) -> Option<PaperFill> {
        let order = self.orders.get_mut(&id)?;
        let size = size.min(order.remaining());
        if size == 0 {
            return None;
        }
        order.filled += size;
        let fill = PaperFill { order: id, size, price: order.price, done: order.remaining() == 0 };
        if fill.done {
            self.orders.remove(&id);
        }
        Some(fill)
    }

    /// Our resting orders of `asset` on `side` at `price`, oldest first.
    fn at_level(&self, asset: &str, side: Side, price: Pips) -> Vec<u64> {
        self.orders
            .values()
            .filter(|o| &*o.asset == asset && o.side == side && o.price == price)
            .map(|o| o.id)
            .collect()
    }

    /// Fills every order `crossed` says is crossed, completely.
    fn fill_where(&mut self, asset: &str, crossed: impl Fn(&PaperOrder) -> bool) -> Vec<PaperFill> {
        let ids: Vec<u64> =
            self.orders.values().filter(|o| &*o.asset == asset && crossed(o)).map(|o| o.id).collect();
        ids.into_iter().filter_map(|id| self.fill(id, Micros::MAX)).collect()
    }
}

/// Whether a resting order on `side` at `price` is crossed by an opposite quote at `opposite`.
fn crossed_by(side: Side, price: Pips, opposite: Pips) -> bool {
    match side {
        Side::Buy => opposite <= price,
        Side::Sell => opposite >= price,
    }
}

impl FillModel for QueueModel {
    fn place(
        &mut self,
        mut order: PaperOrder,
        level_size: Micros,
        opposite_best: Option<Pips>,
    ) -> Result<(), PaperReject> {
        if order.size == 0 || order.filled != 0 || self.orders.contains_key(&order.id) {
            return Err(PaperReject::Invalid);
        }
        if opposite_best.is_some_and(|best| crossed_by(order.side, order.price, best)) {
            return Err(PaperReject::Crosses);
        }
        order.queue_ahead = level_size;
        self.orders.insert(order.id, order);
        Ok(())
    }

    fn cancel(&mut self, id: u64) -> Option<PaperOrder> {
        self.orders.remove(&id)
    }

    fn on_trade(&mut self, asset: &str, price: Pips, size: Micros, side: Side) -> Vec<PaperFill> {
        let resting = side.opposite();
        let mut through: Vec<(Pips, u64)> = self
            .orders
            .values()
            .filter(|o| {
                &*o.asset == asset
                    && o.side == resting
                    && match resting {
                        Side::Buy => price < o.price,
                        Side::Sell => price > o.price,
                    }
            })
            .map(|o| (o.price, o.id))
            .collect();
        through
            .sort_unstable_by_key(|&(at, id)| (if resting == Side::Buy { Pips::MAX - at } else { at }, id));
        let mut fills = Vec::new();
        let mut left = size;
        for (_, id) in through {
            if left == 0 {
                break;
            }
            if let Some(fill) = self.fill(id, left) {
                left -= fill.size;
                fills.push(fill);
            }
        }
        for id in self.at_level(asset, resting, price) {
            let Some(order) = self.orders.get_mut(&id) else { continue };
            let consumed = order.queue_ahead.min(left);
            order.queue_ahead -= consumed;
            left -= consumed;
            if left == 0 {
                break;
            }
            if let Some(fill) = self.fill(id, left) {
                left -= fill.size;
                fills.push(fill);
            }
        }
        fills
    }

    fn on_level(&mut self, asset: &str, side: Side, price: Pips, size: Micros) -> Vec<PaperFill> {
        for order in self.orders.values_mut() {
            if &*order.asset == asset && order.side == side && order.price == price {
                order.queue_ahead = order.queue_ahead.min(size);
            }
        }
        Vec::new()
    }

    fn on_top(&mut self, asset: &str, best_bid: Option<Pips>, best_ask: Option<Pips>) -> Vec<PaperFill> {
        self.fill_where(asset, |o| {
            let opposite = match o.side {
                Side::Buy => best_ask,
                Side::Sell => best_bid,
            };
            opposite.is_some_and(|best| crossed_by(o.side, o.price, best))
        })
    }

    #[cfg(test)]
    fn open(&self) -> Vec<&PaperOrder> {
        self.orders.values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(id: u64, price: Pips, size: Micros) -> PaperOrder {
        PaperOrder { id, asset: Box::from("A"), side: Side::Buy, price, size, filled: 0, queue_ahead: 0 }
    }

    #[test]
    fn an_order_joins_the_back_and_trades_eat_the_queue_first() {
        let mut model = QueueModel::new();
        model.place(bid(1, 4_800, 100), 300, Some(5_000)).unwrap();
        assert!(model.on_trade("A", 4_800, 200, Side::Sell).is_empty());
        assert_eq!(model.order(1).unwrap().queue_ahead, 100);
        let fills = model.on_trade("A", 4_800, 130, Side::Sell);
        assert_eq!(
            fills,
            [PaperFill { order: 1, size: 30, price: 4_800, done: false }],
            "100 ahead, then 30 to us"
        );
        let fills = model.on_trade("A", 4_800, 500, Side::Sell);
        assert_eq!(fills, [PaperFill { order: 1, size: 70, price: 4_800, done: true }]);
        assert!(model.open().is_empty());
    }

    #[test]
    fn cancels_ahead_shrink_the_queue_but_never_fill() {
        let mut model = QueueModel::new();
        model.place(bid(1, 4_800, 100), 300, None).unwrap();
        assert!(model.on_level("A", Side::Buy, 4_800, 120).is_empty());
        assert_eq!(model.order(1).unwrap().queue_ahead, 120);
        model.on_level("A", Side::Buy, 4_800, 500);
        assert_eq!(model.order(1).unwrap().queue_ahead, 120, "size joining behind us does not move us back");
        model.on_level("A", Side::Buy, 4_800, 0);
        assert_eq!(model.order(1).unwrap().queue_ahead, 0);
        assert_eq!(model.on_trade("A", 4_800, 40, Side::Sell)[0].size, 40, "front of the queue now");
        assert!(model.on_trade("A", 4_800, 40, Side::Buy).is_empty(), "a buy taker never fills our bid");
    }

    #[test]
    fn a_trade_through_fills_up_to_its_size_best_price_first_and_a_crossing_quote_fills_the_rest() {
        let mut model = QueueModel::new();
        model.place(bid(1, 4_800, 100), 1_000, None).unwrap();
        model.place(bid(2, 4_700, 100), 1_000, None).unwrap();
        model.place(bid(3, 4_900, 100), 1_000, None).unwrap();
        let fills = model.on_trade("A", 4_750, 130, Side::Sell);
        assert_eq!(
            fills,
            [
                PaperFill { order: 3, size: 100, price: 4_900, done: true },
                PaperFill { order: 1, size: 30, price: 4_800, done: false }
            ],
            "the taker met 0.49 first, then 0.48; 0.47 was not traded through"
        );
        let fills = model.on_top("A", Some(4_600), Some(4_700));
        assert_eq!(
            fills,
            [
                PaperFill { order: 1, size: 70, price: 4_800, done: true },
                PaperFill { order: 2, size: 100, price: 4_700, done: true }
            ]
        );
    }

    #[test]
    fn several_of_our_orders_at_one_price_fill_in_arrival_order() {
        let mut model = QueueModel::new();
        model.place(bid(1, 4_800, 50), 0, None).unwrap();
        model.place(bid(2, 4_800, 50), 50, None).unwrap();
        let fills = model.on_trade("A", 4_800, 80, Side::Sell);
        assert_eq!(fills.iter().map(|f| (f.order, f.size)).collect::<Vec<_>>(), [(1, 50)]);
        assert_eq!(model.order(2).unwrap().queue_ahead, 20, "the rest of the trade eats into order 2 queue");
    }

    #[test]
    fn crossing_orders_and_duplicates_are_refused() {
        let mut model = QueueModel::new();
        assert_eq!(model.place(bid(1, 5_000, 10), 0, Some(5_000)), Err(PaperReject::Crosses));
        model.place(bid(1, 4_900, 10), 0, Some(5_000)).unwrap();
        assert_eq!(model.place(bid(1, 4_900, 10), 0, None), Err(PaperReject::Invalid));
        assert_eq!(model.cancel(1).map(|o| o.filled), Some(0));
    }
}
