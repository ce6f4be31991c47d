//! Small numeric helpers the signal trackers share: statistics are estimated in `f64`
//! (they are not money) and cross into `Decimal` here, rounded and clamped.

use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

/// `value` as a decimal rounded to 6 places; non-finite values become `fallback`.
pub fn to_decimal(value: f64, fallback: Decimal) -> Decimal {
    if !value.is_finite() {
        return fallback;
    }
    Decimal::from_f64(value).map_or(fallback, |d| d.round_dp(6))
}

/// As [`to_decimal`], by rounding in `f64` rather than through an exact conversion: for
/// the quote's inner loops. The same result except within a rounding error of a midpoint.
pub fn to_decimal_fast(value: f64, fallback: Decimal) -> Decimal {
    const MILLION: f64 = 1_000_000.0;
    if !value.is_finite() || value.abs() >= 1e12 {
        return to_decimal(value, fallback);
    }
    Decimal::new((value * MILLION).round_ties_even() as i64, 6)
}

/// `value` as an `f64` (0 if it cannot be represented).
pub fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The weight a new sample gets in an exponentially weighted average after `elapsed_ms`,
/// for a half-life of `half_life_ms`: 1 − 2^(−elapsed / half-life).
pub fn ewma_weight(elapsed_ms: u64, half_life_ms: u64) -> f64 {
    if half_life_ms == 0 {
        return 1.0;
    }
    let ratio = elapsed_ms as f64 / half_life_ms as f64;
    1.0 - (-ratio * std::f64::consts::LN_2).exp()
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn decimal_conversion_rounds_and_rejects_non_finite() {
        assert_eq!(to_decimal(0.123_456_789, Decimal::ONE), dec!(0.123457));
        assert_eq!(to_decimal(f64::NAN, Decimal::ONE), Decimal::ONE);
        assert_eq!(to_decimal(f64::INFINITY, Decimal::ZERO), Decimal::ZERO);
        assert!((to_f64(dec!(0.25)) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn ewma_weight_is_half_at_one_half_life() {
        assert!((ewma_weight(1_000, 1_000) - 0.5).abs() < 1e-12);
        assert!((ewma_weight(2_000, 1_000) - 0.75).abs() < 1e-12);
        assert_eq!(ewma_weight(0, 1_000), 0.0);
        assert_eq!(ewma_weight(5, 0), 1.0);
    }

    #[test]
    fn the_fast_conversion_agrees_with_the_exact_one() {
        for i in 0..20_000 {
            let value =
                (-(i as f64) * 0.000_37).exp() * if i % 3 == 0 { -1.0 } else { 1.0 } * (1.0 + i as f64 / 7.0);
            assert_eq!(to_decimal_fast(value, Decimal::ONE), to_decimal(value, Decimal::ONE), "{value}");
        }
        assert_eq!(to_decimal_fast(f64::NAN, Decimal::ONE), Decimal::ONE);
        assert_eq!(to_decimal_fast(3e15, Decimal::ONE), to_decimal(3e15, Decimal::ONE));
    }
}
