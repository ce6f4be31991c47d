//! Queue placement. At a price level the earliest order fills first, so a quote either
//! joins the best level (cheap, but behind everyone there), improves it by one tick (first
//! in line, a tick less edge), or stays behind it. Improving is only worth it while the
//! price keeps at least `min_edge` from the fair value; a resting order whose price has not
//! moved keeps its place (the order diff does not touch it).

use rust_decimal::Decimal;

use crate::domain::{Side, TickSize};

/// Where a quote goes relative to the best level on its side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// One tick better than the best level.
    Improve,
    /// At the best level.
    Join,
    /// Behind the best level (the model's price is worse).
    Behind,
}

/// The price for a quote the model wants at `wanted` (already rounded), given the best
/// price of others on that side. Behind the best: keep `wanted`. Beyond the best by a tick
/// or more: pull back to one tick in front (first in line, with more edge than `wanted`).
/// At the best: improve by a tick if that still leaves `min_edge` to `fair`, else join.
pub fn place(
    side: Side,
    wanted: Decimal,
    best: Option<Decimal>,
    fair: Decimal,
    min_edge: Decimal,
    tick: TickSize,
) -> (Decimal, Placement) {
    let Some(best) = best else { return (wanted, Placement::Improve) };
    let step = tick.value();
    let (behind, improved, edge) = match side {
        Side::Buy => (wanted < best, best + step, fair - (best + step)),
        Side::Sell => (wanted > best, best - step, (best - step) - fair),
    };
    if behind {
        return (wanted, Placement::Behind);
    }
    let beyond = match side {
        Side::Buy => wanted >= improved,
        Side::Sell => wanted <= improved,
    };
    if beyond || edge >= min_edge { (improved, Placement::Improve) } else { (best, Placement::Join) }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn placement_table() {
        let t = TickSize::Hundredth;
        let table = [
            (
                Side::Buy,
                dec!(0.48),
                Some(dec!(0.47)),
                dec!(0.50),
                dec!(0.01),
                (dec!(0.48), Placement::Improve),
            ),
            (
                Side::Buy,
                dec!(0.48),
                Some(dec!(0.48)),
                dec!(0.50),
                dec!(0.01),
                (dec!(0.49), Placement::Improve),
            ),
            (
                Side::Buy,
                dec!(0.49),
                Some(dec!(0.45)),
                dec!(0.50),
                dec!(0.03),
                (dec!(0.46), Placement::Improve),
            ),
            (
                Side::Sell,
                dec!(0.51),
                Some(dec!(0.56)),
                dec!(0.50),
                dec!(0.03),
                (dec!(0.55), Placement::Improve),
            ),
            (Side::Buy, dec!(0.48), Some(dec!(0.48)), dec!(0.50), dec!(0.02), (dec!(0.48), Placement::Join)),
            (
                Side::Buy,
                dec!(0.45),
                Some(dec!(0.48)),
                dec!(0.50),
                dec!(0.01),
                (dec!(0.45), Placement::Behind),
            ),
            (
                Side::Sell,
                dec!(0.52),
                Some(dec!(0.52)),
                dec!(0.50),
                dec!(0.01),
                (dec!(0.51), Placement::Improve),
            ),
            (Side::Sell, dec!(0.52), Some(dec!(0.52)), dec!(0.50), dec!(0.03), (dec!(0.52), Placement::Join)),
            (
                Side::Sell,
                dec!(0.55),
                Some(dec!(0.52)),
                dec!(0.50),
                dec!(0.01),
                (dec!(0.55), Placement::Behind),
            ),
            (Side::Sell, dec!(0.55), None, dec!(0.50), dec!(0.01), (dec!(0.55), Placement::Improve)),
        ];
        for (side, wanted, best, fair, edge, expected) in table {
            assert_eq!(place(side, wanted, best, fair, edge, t), expected, "{side:?} {wanted} {best:?}");
        }
    }

    proptest! {
        #[test]
        fn improving_keeps_the_edge(best in 10u32..90, fair in 10u32..90, edge in 0u32..5, buy in any::<bool>()) {
            let side = if buy { Side::Buy } else { Side::Sell };
            let best = Decimal::new(i64::from(best), 2);
            let fair = Decimal::new(i64::from(fair), 2);
            let min_edge = Decimal::new(i64::from(edge), 2);
            let (price, how) = place(side, best, Some(best), fair, min_edge, TickSize::Hundredth);
            if how == Placement::Improve {
                let kept = if buy { fair - price } else { price - fair };
                prop_assert!(kept >= min_edge);
            } else {
                prop_assert_eq!(price, best);
            }
        }
    }
}
