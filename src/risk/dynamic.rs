//! Dynamic limits: the configured position and size limits tightened after losses and in
//! high volatility. Down a quarter of the daily loss limit, limits shrink linearly to half
//! at the full loss; volatility above the reference shrinks them by its inverse, to no less
//! than a quarter.

use rust_decimal::Decimal;

/// The factor (0.25..=1) applied to the configured limits.
pub fn limit_factor(day_pnl: Decimal, max_daily_loss: Decimal, volatility_multiplier: Decimal) -> Decimal {
    let loss_factor = if max_daily_loss <= Decimal::ZERO || day_pnl >= Decimal::ZERO {
        Decimal::ONE
    } else {
        let used = (-day_pnl / max_daily_loss).min(Decimal::ONE);
        let quarter = Decimal::new(25, 2);
        if used <= quarter {
            Decimal::ONE
        } else {
            Decimal::ONE - (used - quarter) / (Decimal::ONE - quarter) / Decimal::TWO
        }
    };
    let vol_factor = if volatility_multiplier <= Decimal::ONE {
        Decimal::ONE
    } else {
        Decimal::ONE / volatility_multiplier
    };
    (loss_factor * vol_factor).clamp(Decimal::new(25, 2), Decimal::ONE)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn limit_factor_table() {
        let table = [
            (dec!(10), dec!(1), dec!(1)),
            (dec!(-10), dec!(1), dec!(1)),
            (dec!(-100), dec!(1), dec!(0.5)),
            (dec!(-62.5), dec!(1), dec!(0.75)),
            (dec!(0), dec!(2), dec!(0.5)),
            (dec!(-100), dec!(4), dec!(0.25)),
        ];
        for (pnl, vol, expected) in table {
            assert_eq!(limit_factor(pnl, dec!(100), vol), expected, "{pnl} {vol}");
        }
    }

    proptest! {
        #[test]
        fn deeper_losses_never_loosen_limits(a in 0i64..200, b in 0i64..200, vol in 1u32..5) {
            let (small, big) = (Decimal::from(-a.min(b)), Decimal::from(-a.max(b)));
            let vol = Decimal::from(vol);
            prop_assert!(limit_factor(big, dec!(100), vol) <= limit_factor(small, dec!(100), vol));
        }

        #[test]
        fn limits_only_tighten(pnl in -500i64..500, vol in 0u32..10) {
            let f = limit_factor(Decimal::from(pnl), dec!(100), Decimal::from(vol));
            prop_assert!(f >= dec!(0.25) && f <= Decimal::ONE);
            if pnl >= 0 && vol <= 1 {
                prop_assert_eq!(f, Decimal::ONE);
            }
        }
    }
}
