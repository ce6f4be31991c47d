//! Parity arbitrage: a YES and a NO together are worth exactly 1 pUSD. When both asks sum
//! below 1 by more than fees and `ARB_MIN_PROFIT_BPS`, buying both and merging locks in the
//! difference; when both bids sum above 1, splitting 1 pUSD into a pair and selling both
//! does. The size is what both sides offer.

use rust_decimal::Decimal;

/// Best prices and sizes of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Top {
    /// Best bid (price, size).
    pub bid: Option<(Decimal, Decimal)>,
    /// Best ask (price, size).
    pub ask: Option<(Decimal, Decimal)>,
}

/// Which way the arbitrage goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArbDirection {
    /// Buy YES and NO, merge into pUSD.
    BuyBoth,
    /// Split pUSD into YES and NO, sell both.
    SellBoth,
}

/// An arbitrage worth taking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arbitrage {
    /// Direction.
    pub direction: ArbDirection,
    /// Pairs.
    pub size: Decimal,
    /// Profit per pair after fees, basis points of 1 pUSD.
    pub edge_bps: Decimal,
}

/// The arbitrage between the YES and NO tops, if one clears `fee_rate` (per leg, as a
/// fraction of notional) and `min_profit_bps`.
pub fn find(yes: &Top, no: &Top, fee_rate: Decimal, min_profit_bps: u64) -> Option<Arbitrage> {
    let bps = |profit: Decimal| profit * Decimal::from(10_000);
    let min = Decimal::from(min_profit_bps);
    if let (Some((ya, ys)), Some((na, ns))) = (yes.ask, no.ask) {
        let cost = (ya + na) * (Decimal::ONE + fee_rate);
        let edge = bps(Decimal::ONE - cost);
        if edge >= min && edge > Decimal::ZERO {
            return Some(Arbitrage { direction: ArbDirection::BuyBoth, size: ys.min(ns), edge_bps: edge });
        }
    }
    if let (Some((yb, ys)), Some((nb, ns))) = (yes.bid, no.bid) {
        let proceeds = (yb + nb) * (Decimal::ONE - fee_rate);
        let edge = bps(proceeds - Decimal::ONE);
        if edge >= min && edge > Decimal::ZERO {
            return Some(Arbitrage { direction: ArbDirection::SellBoth, size: ys.min(ns), edge_bps: edge });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    fn top(bid: Option<(Decimal, Decimal)>, ask: Option<(Decimal, Decimal)>) -> Top {
        Top { bid, ask }
    }

    #[test]
    fn arbitrage_table() {
        let table = [
            (
                top(None, Some((dec!(0.47), dec!(10)))),
                top(None, Some((dec!(0.50), dec!(4)))),
                dec!(0),
                20,
                Some((ArbDirection::BuyBoth, dec!(4), dec!(300))),
            ),
            (
                top(None, Some((dec!(0.47), dec!(10)))),
                top(None, Some((dec!(0.50), dec!(4)))),
                dec!(0.02),
                20,
                Some((ArbDirection::BuyBoth, dec!(4), dec!(106))),
            ),
            (
                top(None, Some((dec!(0.497), dec!(10)))),
                top(None, Some((dec!(0.50), dec!(4)))),
                dec!(0),
                50,
                None,
            ),
            (
                top(Some((dec!(0.52), dec!(3))), None),
                top(Some((dec!(0.50), dec!(8))), None),
                dec!(0),
                20,
                Some((ArbDirection::SellBoth, dec!(3), dec!(200))),
            ),
            (
                top(Some((dec!(0.48), dec!(3))), Some((dec!(0.52), dec!(3)))),
                top(Some((dec!(0.48), dec!(8))), Some((dec!(0.52), dec!(3)))),
                dec!(0),
                0,
                None,
            ),
        ];
        for (yes, no, fee, min, expected) in table {
            let got = find(&yes, &no, fee, min).map(|a| (a.direction, a.size, a.edge_bps));
            assert_eq!(got, expected, "{yes:?} {no:?}");
        }
    }

    proptest! {
        #[test]
        fn a_mirrored_book_never_offers_arbitrage(bid in 1u32..98, width in 1u32..50) {
            let ask = (bid + width).min(99);
            prop_assume!(ask > bid);
            let (b, a) = (Decimal::new(i64::from(bid), 2), Decimal::new(i64::from(ask), 2));
            let yes = top(Some((b, dec!(10))), Some((a, dec!(10))));
            let no = top(Some((Decimal::ONE - a, dec!(10))), Some((Decimal::ONE - b, dec!(10))));
            prop_assert_eq!(find(&yes, &no, dec!(0), 0), None);
        }
    }

    #[test]
    fn a_missing_side_is_no_arbitrage() {
        let yes = top(None, Some((dec!(0.40), dec!(10))));
        assert_eq!(find(&yes, &top(None, None), dec!(0), 0), None);
        assert_eq!(find(&top(None, None), &top(None, None), dec!(0), 0), None);
    }
}
