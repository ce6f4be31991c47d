//! What a book's shape says: imbalance of resting size near the top, depth within a
//! distance of the mid, and the microprice (the mid leaned toward the thinner side, where
//! the next trade is more likely to move the price).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use crate::domain::Side;
use crate::domain::book::{Book, micros_decimal, pips_decimal};

/// Size on one side within the best `levels` levels, shares.
pub fn depth_levels(book: &Book, side: Side, levels: usize) -> Decimal {
    micros_decimal(book.depth(side).take(levels).fold(0, |sum, level| sum.saturating_add(level.size)))
}

/// (bid depth − ask depth) / (bid depth + ask depth) over the best `levels` levels, in
/// [−1, 1]; 0 for an empty book. Positive: more resting buyers.
pub fn imbalance(book: &Book, levels: usize) -> Decimal {
    let bids = depth_levels(book, Side::Buy, levels);
    let asks = depth_levels(book, Side::Sell, levels);
    let total = bids + asks;
    if total.is_zero() { Decimal::ZERO } else { (bids - asks) / total }
}

/// Size within `distance` of the mid on one side, shares.
pub fn depth_within(book: &Book, side: Side, distance: Decimal) -> Decimal {
    let Some(mid_x2) = book.mid_x2() else { return Decimal::ZERO };
    // |price − mid| ≤ distance, in doubled pips: |2·price − mid_x2| ≤ ⌊2·distance·10⁴⌋.
    let Some(reach_x2) = (distance * Decimal::from(20_000)).floor().to_i64() else { return Decimal::ZERO };
    let within = |price: u32| (2 * i64::from(price) - i64::from(mid_x2)).abs() <= reach_x2;
    let size = book
        .depth(side)
        .take_while(|level| within(level.price))
        .fold(0u64, |sum, level| sum.saturating_add(level.size));
    micros_decimal(size)
}

/// The size-weighted microprice: (bid·ask_size + ask·bid_size) / (bid_size + ask_size).
pub fn microprice(book: &Book) -> Option<Decimal> {
    let (bid, ask) = book.top()?;
    let (bid_size, ask_size) = (micros_decimal(bid.size), micros_decimal(ask.size));
    let total = bid_size + ask_size;
    if total.is_zero() {
        return book.mid();
    }
    Some((pips_decimal(bid.price) * ask_size + pips_decimal(ask.price) * bid_size) / total)
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::book::Level;

    /// A book from (price pips, shares) levels.
    pub fn book_of(bids: &[(u32, u64)], asks: &[(u32, u64)]) -> Book {
        let level = |&(price, shares): &(u32, u64)| Level { price, size: shares * 1_000_000 };
        let mut book = Book::new();
        book.replace(bids.iter().map(level), asks.iter().map(level), 0);
        book
    }

    #[test]
    fn imbalance_table() {
        let table = [
            (book_of(&[(4_900, 100)], &[(5_100, 100)]), dec!(0)),
            (book_of(&[(4_900, 300)], &[(5_100, 100)]), dec!(0.5)),
            (book_of(&[(4_900, 100)], &[(5_100, 300)]), dec!(-0.5)),
            (book_of(&[], &[(5_100, 300)]), dec!(-1)),
            (Book::new(), dec!(0)),
        ];
        for (book, expected) in table {
            assert_eq!(imbalance(&book, 3), expected);
        }
    }

    #[test]
    fn depth_counts_only_near_levels() {
        let book = book_of(&[(4_900, 10), (4_800, 20), (4_000, 500)], &[(5_100, 5), (5_300, 7)]);
        assert_eq!(depth_within(&book, Side::Buy, dec!(0.02)), dec!(30));
        assert_eq!(depth_within(&book, Side::Sell, dec!(0.01)), dec!(5));
        assert_eq!(depth_levels(&book, Side::Buy, 2), dec!(30));
    }

    #[test]
    fn microprice_leans_toward_the_thin_side() {
        let heavy_bid = book_of(&[(4_900, 300)], &[(5_100, 100)]);
        assert_eq!(microprice(&heavy_bid), Some(dec!(0.505)));
        assert_eq!(heavy_bid.mid(), Some(dec!(0.5)));
        assert_eq!(microprice(&book_of(&[(4_900, 1)], &[])), None);
    }

    proptest! {
        #[test]
        fn depth_within_agrees_with_the_decimal_definition(
            bids in proptest::collection::vec((1u32..5_000, 1u64..1_000), 1..8),
            asks in proptest::collection::vec((5_000u32..9_999, 1u64..1_000), 1..8),
            cents in 0u32..600,
            sell in any::<bool>(),
        ) {
            let book = book_of(&bids, &asks);
            let distance = Decimal::new(i64::from(cents), 4);
            let side = if sell { Side::Sell } else { Side::Buy };
            let mid = book.mid().unwrap();
            let reference: Decimal = book
                .depth(side)
                .take_while(|level| (pips_decimal(level.price) - mid).abs() <= distance)
                .map(|level| micros_decimal(level.size))
                .sum();
            prop_assert_eq!(depth_within(&book, side, distance), reference);
        }

        #[test]
        fn microprice_stays_inside_the_touch(bid in 100u32..9_000, width in 1u32..900, bs in 1u64..1_000, asz in 1u64..1_000) {
            let book = book_of(&[(bid, bs)], &[(bid + width, asz)]);
            let micro = microprice(&book).unwrap();
            prop_assert!(micro >= pips_decimal(bid) && micro <= pips_decimal(bid + width));
            let i = imbalance(&book, 5);
            prop_assert!(i >= -Decimal::ONE && i <= Decimal::ONE);
        }
    }
}
