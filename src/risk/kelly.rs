//! Kelly sizing for a binary outcome. Buying at price p a token we believe pays with
//! probability q has odds b = (1 − p)/p and full-Kelly fraction f* = (q·(1 + b) − 1)/b =
//! (q − p)/(1 − p); selling is the mirror. The fraction used is `KELLY_FRACTION` × f*,
//! never above `KELLY_FRACTION` and never negative, and sizes follow from the bankroll.

use rust_decimal::Decimal;

use crate::domain::Side;

/// The full-Kelly fraction of bankroll for taking `side` at `price` when the fair
/// probability is `fair` (0 when there is no edge).
pub fn full_kelly(side: Side, price: Decimal, fair: Decimal) -> Decimal {
    let (edge, room) = match side {
        Side::Buy => (fair - price, Decimal::ONE - price),
        Side::Sell => (price - fair, price),
    };
    if room <= Decimal::ZERO || edge <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (edge / room).min(Decimal::ONE)
}

/// The fraction of bankroll to commit: `fraction` × full Kelly, in [0, fraction].
pub fn kelly_fraction(side: Side, price: Decimal, fair: Decimal, fraction: Decimal) -> Decimal {
    let fraction = fraction.clamp(Decimal::ZERO, Decimal::ONE);
    (full_kelly(side, price, fair) * fraction).min(fraction)
}

/// Shares for a quote: the Kelly stake of `bankroll` divided by the cost per share, at
/// most `max_size`.
pub fn kelly_size(
    side: Side,
    price: Decimal,
    fair: Decimal,
    fraction: Decimal,
    bankroll: Decimal,
    max_size: Decimal,
) -> Decimal {
    let stake = kelly_fraction(side, price, fair, fraction) * bankroll.max(Decimal::ZERO);
    let per_share = match side {
        Side::Buy => price,
        Side::Sell => Decimal::ONE - price,
    };
    if per_share <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (stake / per_share).min(max_size).round_dp(2)
}

/// The continuous-time Kelly fraction for a repeated edge: `fraction × edge / variance`
/// (edge and variance per share over the holding period), capped at `fraction`. Market
/// making earns about the half-spread per round trip while the position carries the
/// price's variance, so this caps the inventory a market may hold: tight in volatile
/// markets, not binding in calm ones.
pub fn continuous_fraction(edge: Decimal, variance: Decimal, fraction: Decimal) -> Decimal {
    let fraction = fraction.clamp(Decimal::ZERO, Decimal::ONE);
    if edge <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    if variance <= Decimal::ZERO {
        return fraction;
    }
    (fraction * edge / variance).min(fraction)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn kelly_table() {
        let table = [
            (Side::Buy, dec!(0.40), dec!(0.50), dec!(0.5) / dec!(3)),
            (Side::Buy, dec!(0.50), dec!(0.50), dec!(0)),
            (Side::Buy, dec!(0.60), dec!(0.50), dec!(0)),
            (Side::Sell, dec!(0.60), dec!(0.50), dec!(0.5) / dec!(3)),
            (Side::Sell, dec!(0.40), dec!(0.50), dec!(0)),
        ];
        for (side, price, fair, expected) in table {
            assert_eq!(full_kelly(side, price, fair), expected, "{side:?} {price}");
        }
    }

    #[test]
    fn fractional_kelly_sizes_from_the_bankroll() {
        assert_eq!(kelly_fraction(Side::Buy, dec!(0.40), dec!(0.70), dec!(0.25)), dec!(0.125));
        assert_eq!(
            kelly_size(Side::Buy, dec!(0.40), dec!(0.70), dec!(0.25), dec!(1000), dec!(500)),
            dec!(312.5)
        );
        assert_eq!(
            kelly_size(Side::Buy, dec!(0.40), dec!(0.70), dec!(0.25), dec!(1000), dec!(100)),
            dec!(100)
        );
        assert_eq!(
            kelly_size(Side::Sell, dec!(0.40), dec!(0.70), dec!(0.25), dec!(1000), dec!(100)),
            dec!(0)
        );
    }

    #[test]
    fn continuous_kelly_binds_only_in_volatile_markets() {
        let table = [
            (dec!(0.02), dec!(0.0002), dec!(0.25)),
            (dec!(0.02), dec!(0.04), dec!(0.125)),
            (dec!(0.02), dec!(0), dec!(0.25)),
            (dec!(0), dec!(0.04), dec!(0)),
        ];
        for (edge, variance, expected) in table {
            assert_eq!(continuous_fraction(edge, variance, dec!(0.25)), expected, "{edge} {variance}");
        }
    }

    proptest! {
        #[test]
        fn kelly_sizes_stay_within_the_maximum(price in 1u32..99, fair in 0u32..100, bankroll in 0u32..100_000, max in 0u32..1_000) {
            let size = kelly_size(Side::Buy, Decimal::new(i64::from(price), 2), Decimal::new(i64::from(fair), 2), dec!(0.25), Decimal::from(bankroll), Decimal::from(max));
            prop_assert!(size >= Decimal::ZERO && size <= Decimal::from(max));
        }

        #[test]
        fn kelly_never_passes_the_fraction(price in 1u32..99, fair in 0u32..100, fraction in 0u32..100, buy in any::<bool>()) {
            let side = if buy { Side::Buy } else { Side::Sell };
            let fraction = Decimal::new(i64::from(fraction), 2);
            let f = kelly_fraction(side, Decimal::new(i64::from(price), 2), Decimal::new(i64::from(fair), 2), fraction);
            prop_assert!(f >= Decimal::ZERO && f <= fraction);
        }
    }
}
