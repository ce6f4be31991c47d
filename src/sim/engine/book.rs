//! One market's order book in YES terms, with price-time priority matching.
//!
//! Both tokens of a binary market share one book: a BUY of YES at `p` and a SELL of NO at
//! `1 − p` are both bids at `p`; a SELL of YES at `p` and a BUY of NO at `1 − p` are both asks
//! at `p`. Crossing a bid with an ask is then a plain transfer (same token), a mint (BUY YES
//! against BUY NO) or a merge (SELL YES against SELL NO), exactly the venue's complementary
//! matching. The book knows keys, prices and sizes only; owners, tokens and money live in
//! the venue. Cancels are lazy: a cancelled key leaves the index at once and its queue slot
//! is skipped (and compacted away) later.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::units::{Lots, Ticks};

/// A side of the book, in YES terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BookSide {
    /// Orders that buy YES exposure.
    Bid,
    /// Orders that sell YES exposure.
    Ask,
}

impl BookSide {
    /// The side an incoming order on this side matches against.
    pub fn opposite(self) -> Self {
        match self {
            Self::Bid => Self::Ask,
            Self::Ask => Self::Bid,
        }
    }
}

/// One maker fill produced by matching an incoming order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    /// The resting order's key.
    pub maker: u64,
    /// The maker's price, in YES terms: the trade price.
    pub price: Ticks,
    /// Size traded.
    pub lots: Lots,
    /// Whether the maker order is now fully filled (and gone from the book).
    pub maker_done: bool,
}

#[derive(Debug, Default)]
struct Level {
    queue: VecDeque<u64>,
    total: Lots,
    live: usize,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    side: BookSide,
    price: Ticks,
    lots: Lots,
}

/// The book. Keys must increase with arrival time; they give time priority.
#[derive(Debug, Default)]
pub struct Book {
    bids: BTreeMap<Ticks, Level>,
    asks: BTreeMap<Ticks, Level>,
    index: HashMap<u64, Entry>,
    touched: Vec<(BookSide, Ticks)>,
}

impl Book {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    fn levels(&self, side: BookSide) -> &BTreeMap<Ticks, Level> {
        match side {
            BookSide::Bid => &self.bids,
            BookSide::Ask => &self.asks,
        }
    }

    fn levels_mut(&mut self, side: BookSide) -> &mut BTreeMap<Ticks, Level> {
        match side {
            BookSide::Bid => &mut self.bids,
            BookSide::Ask => &mut self.asks,
        }
    }

    /// Highest bid with its total size.
    pub fn best_bid(&self) -> Option<(Ticks, Lots)> {
        self.bids.iter().next_back().map(|(price, level)| (*price, level.total))
    }

    /// Lowest ask with its total size.
    pub fn best_ask(&self) -> Option<(Ticks, Lots)> {
        self.asks.iter().next().map(|(price, level)| (*price, level.total))
    }

    /// The best level of `side`.
    pub fn best(&self, side: BookSide) -> Option<(Ticks, Lots)> {
        match side {
            BookSide::Bid => self.best_bid(),
            BookSide::Ask => self.best_ask(),
        }
    }

    /// Total size resting at `price` on `side`.
    pub fn size_at(&self, side: BookSide, price: Ticks) -> Lots {
        self.levels(side).get(&price).map_or(0, |level| level.total)
    }

    /// Levels of `side`, best first.
    pub fn depth(&self, side: BookSide) -> Box<dyn Iterator<Item = (Ticks, Lots)> + '_> {
        match side {
            BookSide::Bid => Box::new(self.bids.iter().rev().map(|(p, l)| (*p, l.total))),
            BookSide::Ask => Box::new(self.asks.iter().map(|(p, l)| (*p, l.total))),
        }
    }

    /// Number of resting orders.
    pub fn order_count(&self) -> usize {
        self.index.len()
    }

    /// Remaining size of a resting order.
    pub fn remaining(&self, key: u64) -> Option<Lots> {
        self.index.get(&key).map(|entry| entry.lots)
    }

    /// Whether an order on `side` at `limit` would trade on arrival.
    pub fn crosses(&self, side: BookSide, limit: Ticks) -> bool {
        match side {
            BookSide::Bid => self.best_ask().is_some_and(|(ask, _)| ask <= limit),
            BookSide::Ask => self.best_bid().is_some_and(|(bid, _)| bid >= limit),
        }
    }

    /// How much of `want` an order on `side` at `limit` could fill now.
    pub fn fillable(&self, side: BookSide, limit: Ticks, want: Lots) -> Lots {
        let mut got = 0;
        for (price, lots) in self.depth(side.opposite()) {
            if !price_acceptable(side, limit, price) || got >= want {
                break;
            }
            got += lots;
        }
        got.min(want)
    }

    /// Rests an order. `key` must be new and larger than every earlier key.
    pub fn insert(&mut self, key: u64, side: BookSide, price: Ticks, lots: Lots) {
        if lots == 0 {
            return;
        }
        let level = self.levels_mut(side).entry(price).or_default();
        level.queue.push_back(key);
        level.total += lots;
        level.live += 1;
        self.index.insert(key, Entry { side, price, lots });
        self.touched.push((side, price));
    }

    /// Removes a resting order; returns its side, price and remaining size.
    pub fn cancel(&mut self, key: u64) -> Option<(BookSide, Ticks, Lots)> {
        let entry = self.index.remove(&key)?;
        let Self { bids, asks, index, touched } = self;
        let levels = match entry.side {
            BookSide::Bid => bids,
            BookSide::Ask => asks,
        };
        if let Some(level) = levels.get_mut(&entry.price) {
            level.total -= entry.lots;
            level.live -= 1;
            if level.live == 0 {
                levels.remove(&entry.price);
            } else if level.queue.len() > 2 * level.live + 32 {
                level.queue.retain(|queued| index.contains_key(queued));
            }
        }
        touched.push((entry.side, entry.price));
        Some((entry.side, entry.price, entry.lots))
    }

    /// Matches an incoming order on `side` up to `limit` for at most `lots`, best price first
    /// and oldest first within a price; appends the maker fills to `fills` and returns the
    /// size filled.
    pub fn execute(&mut self, side: BookSide, limit: Ticks, lots: Lots, fills: &mut Vec<Fill>) -> Lots {
        let maker_side = side.opposite();
        let mut left = lots;
        while left > 0 {
            let Some(price) = self.best(maker_side).map(|(price, _)| price) else { break };
            if !price_acceptable(side, limit, price) {
                break;
            }
            left = self.consume_level(maker_side, price, left, fills);
        }
        lots - left
    }

    fn consume_level(&mut self, side: BookSide, price: Ticks, mut left: Lots, fills: &mut Vec<Fill>) -> Lots {
        let Self { bids, asks, index, touched } = self;
        let levels = match side {
            BookSide::Bid => bids,
            BookSide::Ask => asks,
        };
        let Some(level) = levels.get_mut(&price) else { return left };
        while left > 0 {
            let Some(&maker) = level.queue.front() else { break };
            let Some(entry) = index.get_mut(&maker) else {
                level.queue.pop_front();
                continue;
            };
            let traded = entry.lots.min(left);
            entry.lots -= traded;
            level.total -= traded;
            left -= traded;
            let maker_done = entry.lots == 0;
            if maker_done {
                index.remove(&maker);
                level.queue.pop_front();
                level.live -= 1;
            }
            fills.push(Fill { maker, price, lots: traded, maker_done });
        }
        if level.live == 0 {
            levels.remove(&price);
        }
        touched.push((side, price));
        left
    }

    /// Levels changed since the last call, each once, in a stable order.
    pub fn take_touched(&mut self) -> Vec<(BookSide, Ticks)> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    /// Forgets the changed-level log without reading it.
    pub fn clear_touched(&mut self) {
        self.touched.clear();
    }
}

/// Whether an incoming order on `side` with `limit` accepts a maker at `maker_price`.
fn price_acceptable(side: BookSide, limit: Ticks, maker_price: Ticks) -> bool {
    match side {
        BookSide::Bid => maker_price <= limit,
        BookSide::Ask => maker_price >= limit,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn fills_of(book: &mut Book, side: BookSide, limit: Ticks, lots: Lots) -> (Lots, Vec<Fill>) {
        let mut fills = Vec::new();
        let filled = book.execute(side, limit, lots, &mut fills);
        (filled, fills)
    }

    #[test]
    fn best_price_first_then_oldest_first() {
        let mut book = Book::new();
        book.insert(1, BookSide::Ask, 5_200, 1_000);
        book.insert(2, BookSide::Ask, 5_100, 500);
        book.insert(3, BookSide::Ask, 5_100, 500);
        let (filled, fills) = fills_of(&mut book, BookSide::Bid, 5_200, 1_200);
        assert_eq!(filled, 1_200);
        let order: Vec<_> = fills.iter().map(|f| (f.maker, f.price, f.lots, f.maker_done)).collect();
        assert_eq!(order, vec![(2, 5_100, 500, true), (3, 5_100, 500, true), (1, 5_200, 200, false)]);
        assert_eq!(book.best_ask(), Some((5_200, 800)));
        assert_eq!(book.remaining(1), Some(800));
    }

    #[test]
    fn limit_stops_matching() {
        let mut book = Book::new();
        book.insert(1, BookSide::Bid, 4_800, 1_000);
        let (filled, _) = fills_of(&mut book, BookSide::Ask, 4_900, 1_000);
        assert_eq!(filled, 0);
        assert!(!book.crosses(BookSide::Ask, 4_900));
        assert!(book.crosses(BookSide::Ask, 4_800));
        assert_eq!(book.fillable(BookSide::Ask, 4_700, 5_000), 1_000);
    }

    #[test]
    fn cancelled_orders_are_skipped_and_empty_levels_vanish() {
        let mut book = Book::new();
        book.insert(1, BookSide::Bid, 4_800, 100);
        book.insert(2, BookSide::Bid, 4_800, 200);
        assert_eq!(book.cancel(1), Some((BookSide::Bid, 4_800, 100)));
        assert_eq!(book.cancel(1), None);
        let (filled, fills) = fills_of(&mut book, BookSide::Ask, 4_800, 500);
        assert_eq!((filled, fills.len(), fills[0].maker), (200, 1, 2));
        assert_eq!(book.best_bid(), None);
        assert_eq!(book.order_count(), 0);
    }

    #[test]
    fn touched_levels_are_reported_once() {
        let mut book = Book::new();
        book.insert(1, BookSide::Bid, 4_800, 100);
        book.insert(2, BookSide::Bid, 4_800, 100);
        book.cancel(2);
        assert_eq!(book.take_touched(), vec![(BookSide::Bid, 4_800)]);
        assert!(book.take_touched().is_empty());
    }

    proptest! {
        #[test]
        fn size_is_conserved_and_book_never_stays_crossed(
            ops in proptest::collection::vec((any::<bool>(), 1u32..100, 1u64..50, any::<bool>()), 1..200)
        ) {
            let mut book = Book::new();
            let mut resting: Lots = 0;
            for (key, (is_bid, price, lots, cancel)) in ops.into_iter().enumerate() {
                let key = key as u64 + 1;
                if cancel && key > 1 {
                    if let Some((_, _, left)) = book.cancel(key / 2) { resting -= left; }
                    continue;
                }
                let side = if is_bid { BookSide::Bid } else { BookSide::Ask };
                let mut fills = Vec::new();
                let filled = book.execute(side, price, lots, &mut fills);
                prop_assert_eq!(fills.iter().map(|f| f.lots).sum::<Lots>(), filled);
                resting -= filled;
                book.insert(key, side, price, lots - filled);
                resting += lots - filled;
                let depth: Lots = book.depth(BookSide::Bid).chain(book.depth(BookSide::Ask)).map(|(_, l)| l).sum();
                prop_assert_eq!(depth, resting);
                if let (Some((bid, _)), Some((ask, _))) = (book.best_bid(), book.best_ask()) {
                    prop_assert!(bid < ask);
                }
            }
        }
    }
}
