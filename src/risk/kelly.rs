//! Kelly sizing for a market maker. Making a market earns about the half-spread per round
//! trip while the position carries the price's variance, so the continuous-time Kelly
//! fraction, edge / variance, says how much inventory that edge pays for. The fraction used
//! is `KELLY_FRACTION` × that, never above `KELLY_FRACTION` and never negative; the quote
//! model caps a market's position limit with it (tight in volatile markets, not binding in
//! calm ones).

use rust_decimal::Decimal;

/// The continuous-time Kelly fraction for a repeated edge: `fraction × edge / variance`
/// (edge and variance per share over the holding period), capped at `fraction`; 0 without
/// an edge, `fraction` without variance.
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
        fn kelly_never_passes_the_fraction(edge in -100i64..100, variance in 0i64..10_000, fraction in -10i64..120) {
            let fraction = Decimal::new(fraction, 2);
            let f = continuous_fraction(Decimal::new(edge, 3), Decimal::new(variance, 5), fraction);
            prop_assert!(f >= Decimal::ZERO && f <= fraction.clamp(Decimal::ZERO, Decimal::ONE));
        }

        #[test]
        fn more_variance_never_allows_more(edge in 1i64..100, a in 1i64..10_000, b in 1i64..10_000) {
            let (low, high) = (Decimal::new(a.min(b), 5), Decimal::new(a.max(b), 5));
            let edge = Decimal::new(edge, 3);
            prop_assert!(continuous_fraction(edge, high, dec!(0.25)) <= continuous_fraction(edge, low, dec!(0.25)));
        }
    }
}
