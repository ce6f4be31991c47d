//! The maker check: a post-only order must not cross. A bid at or above the best ask (or an
//! ask at or below the best bid) would take liquidity, pay the taker fee and be refused by
//! the venue when post-only, so it is pulled back to one tick inside the opposite side.

use rust_decimal::Decimal;

use crate::domain::book::{Book, pips_decimal};
use crate::domain::{Price, Side, TickSize};

/// The price, moved back if needed so it rests without crossing `book` (YES terms for a
/// YES order; any token's book in its own terms). `None` if no such price exists on the grid.
pub fn passive_price(side: Side, wanted: Decimal, book: &Book, tick: TickSize) -> Option<Price> {
    match side {
        Side::Buy => {
            let ceiling = book.best_ask().map(|ask| pips_decimal(ask.price) - tick.value());
            tick.round_bid(ceiling.map_or(wanted, |c| wanted.min(c)))
        }
        Side::Sell => {
            let floor = book.best_bid().map(|bid| pips_decimal(bid.price) + tick.value());
            tick.round_ask(floor.map_or(wanted, |f| wanted.max(f)))
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::strategy::book_stats::tests::book_of;

    /// Whether a resting order at `price` would cross `book`.
    fn crosses(side: Side, price: Decimal, book: &Book) -> bool {
        match side {
            Side::Buy => book.best_ask().is_some_and(|ask| price >= pips_decimal(ask.price)),
            Side::Sell => book.best_bid().is_some_and(|bid| price <= pips_decimal(bid.price)),
        }
    }

    #[test]
    fn crossing_prices_come_back_one_tick_inside() {
        let book = book_of(&[(4_800, 10)], &[(5_000, 10)]);
        let table = [
            (Side::Buy, dec!(0.47), dec!(0.47)),
            (Side::Buy, dec!(0.50), dec!(0.49)),
            (Side::Buy, dec!(0.55), dec!(0.49)),
            (Side::Sell, dec!(0.52), dec!(0.52)),
            (Side::Sell, dec!(0.48), dec!(0.49)),
            (Side::Sell, dec!(0.40), dec!(0.49)),
        ];
        for (side, wanted, expected) in table {
            let got = passive_price(side, wanted, &book, TickSize::Hundredth).unwrap();
            assert_eq!(got.value(), expected, "{side:?} {wanted}");
            assert!(!crosses(side, got.value(), &book));
        }
    }

    #[test]
    fn no_grid_price_is_none_and_an_empty_side_is_no_limit() {
        let book = book_of(&[], &[(100, 10)]);
        assert_eq!(passive_price(Side::Buy, dec!(0.05), &book, TickSize::Hundredth), None);
        assert_eq!(
            passive_price(Side::Sell, dec!(0.05), &book, TickSize::Hundredth).unwrap().value(),
            dec!(0.05)
        );
        assert!(crosses(Side::Buy, dec!(0.01), &book));
    }

    proptest! {
        #[test]
        fn passive_prices_never_cross_and_sit_on_the_grid(bid in 100u32..9_000, width in 100u32..900, wanted in 1u32..99, buy in any::<bool>()) {
            let book = book_of(&[(bid / 100 * 100, 5)], &[((bid / 100 * 100 + width / 100 * 100).min(9_900), 5)]);
            prop_assume!(!book.is_crossed());
            let side = if buy { Side::Buy } else { Side::Sell };
            if let Some(price) = passive_price(side, Decimal::new(i64::from(wanted), 2), &book, TickSize::Hundredth) {
                prop_assert!(!crosses(side, price.value(), &book));
                prop_assert!(TickSize::Hundredth.admits(price.value()));
            }
        }
    }
}
