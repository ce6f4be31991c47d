//! YES/NO parity. One YES and one NO always pay exactly 1 pUSD together, so: a YES ask at
//! p is the same offer as a NO bid at 1 − p; holdings of both tokens offset into a net
//! YES-equivalent position; and a pair held is worth merging back into 1 pUSD when the best
//! we could sell both for is less than that (always the case on a book with a spread), as
//! long as the pair count is worth the transaction.

use rust_decimal::Decimal;

use crate::domain::Price;

/// Both tokens' quotes, each in its own terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairQuote {
    /// YES bid.
    pub yes_bid: Option<Price>,
    /// YES ask.
    pub yes_ask: Option<Price>,
    /// NO bid.
    pub no_bid: Option<Price>,
    /// NO ask.
    pub no_ask: Option<Price>,
}

impl PairQuote {
    /// The NO quote implied by a YES quote: NO bid = 1 − YES ask, NO ask = 1 − YES bid.
    pub fn from_yes(bid: Option<Price>, ask: Option<Price>) -> Self {
        Self {
            yes_bid: bid,
            yes_ask: ask,
            no_bid: ask.map(Price::complement),
            no_ask: bid.map(Price::complement),
        }
    }

    /// Whether the two sides are consistent: YES bid + NO ask = 1 and YES ask + NO bid = 1
    /// wherever both are quoted, and buying both never costs less than 1 (we would be
    /// offering the arbitrage ourselves).
    pub fn holds(&self) -> bool {
        let sums_to_one = |a: Option<Price>, b: Option<Price>| match (a, b) {
            (Some(a), Some(b)) => a.value() + b.value() == Decimal::ONE,
            _ => true,
        };
        let no_free_pair = match (self.yes_ask, self.no_ask) {
            (Some(yes), Some(no)) => yes.value() + no.value() >= Decimal::ONE,
            _ => true,
        };
        sums_to_one(self.yes_bid, self.no_ask) && sums_to_one(self.yes_ask, self.no_bid) && no_free_pair
    }
}

/// The pairs to merge now: all of `min(yes, no)` when at least `min_pairs` and the pair
/// sells for less than 1 at the bids (YES bid + NO bid = YES bid + 1 − YES ask < 1 on any
/// book with a spread); `None` otherwise.
pub fn pairs_to_merge(
    yes: Decimal,
    no: Decimal,
    yes_bid: Option<Decimal>,
    no_bid: Option<Decimal>,
    min_pairs: Decimal,
) -> Option<Decimal> {
    let pairs = yes.min(no);
    if pairs <= Decimal::ZERO || pairs < min_pairs {
        return None;
    }
    let sale = yes_bid.unwrap_or(Decimal::ZERO) + no_bid.unwrap_or(Decimal::ZERO);
    (sale < Decimal::ONE).then_some(pairs)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    fn price(value: Decimal) -> Price {
        Price::new(value).unwrap()
    }

    #[test]
    fn the_no_side_mirrors_the_yes_side() {
        let pair = PairQuote::from_yes(Some(price(dec!(0.48))), Some(price(dec!(0.52))));
        assert_eq!((pair.no_bid, pair.no_ask), (Some(price(dec!(0.48))), Some(price(dec!(0.52)))));
        assert!(pair.holds());
        let one_sided = PairQuote::from_yes(None, Some(price(dec!(0.3))));
        assert_eq!((one_sided.no_bid, one_sided.no_ask), (Some(price(dec!(0.7))), None));
        assert!(one_sided.holds());
    }

    #[test]
    fn inconsistent_pairs_are_caught() {
        let table = [
            (Some(dec!(0.48)), Some(dec!(0.52)), Some(dec!(0.47)), Some(dec!(0.52)), false),
            (Some(dec!(0.48)), Some(dec!(0.45)), Some(dec!(0.55)), Some(dec!(0.52)), false),
            (None, Some(dec!(0.45)), Some(dec!(0.55)), None, true),
        ];
        for (yb, ya, nb, na, holds) in table {
            let pair = PairQuote {
                yes_bid: yb.map(price),
                yes_ask: ya.map(price),
                no_bid: nb.map(price),
                no_ask: na.map(price),
            };
            assert_eq!(pair.holds(), holds, "{pair:?}");
        }
    }

    #[test]
    fn merge_table() {
        let table = [
            (dec!(10), dec!(4), Some(dec!(0.48)), Some(dec!(0.48)), dec!(1), Some(dec!(4))),
            (dec!(10), dec!(0), Some(dec!(0.48)), Some(dec!(0.48)), dec!(1), None),
            (dec!(3), dec!(3), Some(dec!(0.48)), Some(dec!(0.48)), dec!(5), None),
            (dec!(5), dec!(5), Some(dec!(0.6)), Some(dec!(0.45)), dec!(1), None),
            (dec!(5), dec!(5), None, None, dec!(1), Some(dec!(5))),
        ];
        for (yes, no, yb, nb, min, expected) in table {
            assert_eq!(pairs_to_merge(yes, no, yb, nb, min), expected, "{yes} {no} {yb:?} {nb:?}");
        }
    }

    proptest! {
        #[test]
        fn never_merges_more_than_the_pairs_held(yes in 0u32..500, no in 0u32..500, bid in 1u32..99) {
            let bid = Decimal::new(i64::from(bid), 2);
            if let Some(pairs) = pairs_to_merge(Decimal::from(yes), Decimal::from(no), Some(bid), Some(Decimal::ONE - bid - dec!(0.01)), dec!(1)) {
                prop_assert!(pairs <= Decimal::from(yes.min(no)) && pairs >= dec!(1));
            }
        }

        #[test]
        fn mirrored_quotes_always_hold(bid in 1u32..98, width in 1u32..50) {
            let ask = (bid + width).min(99);
            prop_assume!(ask > bid);
            let pair = PairQuote::from_yes(Some(price(Decimal::new(i64::from(bid), 2))), Some(price(Decimal::new(i64::from(ask), 2))));
            prop_assert!(pair.holds());
        }
    }
}
