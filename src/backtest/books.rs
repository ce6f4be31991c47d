//! One market's books in the replay: the YES token's, the NO token's, and the two merged
//! onto one YES-terms book (a NO bid at q is a YES ask at 1 − q). Polymarket shows each
//! order on both tokens' books (they mirror), so a merged level is the larger of the two,
//! never their sum; data with only one token's book merges to that book. Kept level by
//! level, so an event costs a binary search, not a rebuild.

use crate::domain::book::{Book, Level, Micros, Pips};
use crate::domain::{Outcome, Side};

/// The complement of a price in pips.
pub fn complement(price: Pips) -> Pips {
    10_000u32.saturating_sub(price)
}

/// A market's books.
#[derive(Debug, Default)]
pub struct MarketBooks {
    yes: Book,
    no: Book,
    merged: Book,
    trusted: bool,
}

/// A merged level that changed: YES-terms side, price, new size.
pub type MergedChange = (Side, Pips, Micros);

impl MarketBooks {
    /// Empty, untrusted.
    pub fn new() -> Self {
        Self::default()
    }

    /// The YES-terms book.
    pub fn merged(&self) -> &Book {
        &self.merged
    }

    /// One token's own book.
    pub fn token(&self, outcome: Outcome) -> &Book {
        match outcome {
            Outcome::Yes => &self.yes,
            Outcome::No => &self.no,
        }
    }

    /// Whether the books are whole (a full book seen since the last gap).
    pub fn trusted(&self) -> bool {
        self.trusted
    }

    /// Data may be missing: untrusted until the next full book.
    pub fn gap(&mut self) {
        self.trusted = false;
    }

    /// The merged size at a YES-terms level.
    fn merged_size(&self, side: Side, price: Pips) -> Micros {
        let from_no = self.no.size_at(side.opposite(), complement(price));
        self.yes.size_at(side, price).max(from_no)
    }

    /// A full book of one token.
    pub fn replace(&mut self, outcome: Outcome, bids: &[Level], asks: &[Level]) {
        let book = match outcome {
            Outcome::Yes => &mut self.yes,
            Outcome::No => &mut self.no,
        };
        book.replace(bids.iter().copied(), asks.iter().copied(), 0);
        self.rebuild();
        self.trusted = true;
    }

    fn rebuild(&mut self) {
        let mut bids: Vec<Level> = self.yes.depth(Side::Buy).collect();
        let mut asks: Vec<Level> = self.yes.depth(Side::Sell).collect();
        bids.extend(self.no.depth(Side::Sell).map(|l| Level { price: complement(l.price), size: l.size }));
        asks.extend(self.no.depth(Side::Buy).map(|l| Level { price: complement(l.price), size: l.size }));
        for levels in [&mut bids, &mut asks] {
            levels.sort_by_key(|l| (l.price, std::cmp::Reverse(l.size)));
            levels.dedup_by_key(|l| l.price);
        }
        self.merged.replace(bids, asks, 0);
    }

    /// One level of one token; returns the merged level it changed, in YES terms.
    pub fn set(&mut self, outcome: Outcome, side: Side, price: Pips, size: Micros) -> MergedChange {
        let (yes_side, yes_price) = match outcome {
            Outcome::Yes => {
                self.yes.set(side, price, size);
                (side, price)
            }
            Outcome::No => {
                self.no.set(side, price, size);
                (side.opposite(), complement(price))
            }
        };
        let merged = self.merged_size(yes_side, yes_price);
        self.merged.set(yes_side, yes_price, merged);
        (yes_side, yes_price, merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(price: Pips, size: Micros) -> Level {
        Level { price, size }
    }

    #[test]
    fn mirrored_books_merge_without_double_counting_and_one_token_alone_is_enough() {
        let mut books = MarketBooks::new();
        books.replace(Outcome::Yes, &[level(4_900, 10)], &[level(5_100, 20)]);
        books.replace(Outcome::No, &[level(4_900, 20)], &[level(5_100, 10)]);
        let merged = books.merged();
        assert_eq!(merged.best_bid(), Some(level(4_900, 10)));
        assert_eq!(merged.best_ask(), Some(level(5_100, 20)));
        let change = books.set(Outcome::No, Side::Buy, 5_000, 7);
        assert_eq!(change, (Side::Sell, 5_000, 7), "a NO bid at 0.50 is a YES ask at 0.50");
        assert_eq!(books.merged().best_ask(), Some(level(5_000, 7)));
        books.set(Outcome::No, Side::Buy, 5_000, 0);
        assert_eq!(books.merged().best_ask(), Some(level(5_100, 20)));
        let mut only_no = MarketBooks::new();
        assert!(!only_no.trusted());
        only_no.replace(Outcome::No, &[level(3_000, 5)], &[level(3_200, 6)]);
        assert_eq!(only_no.merged().top(), Some((level(6_800, 6), level(7_000, 5))));
        only_no.gap();
        assert!(!only_no.trusted());
    }
}
