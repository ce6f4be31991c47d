//! The Avellaneda–Stoikov market maker (2008), the textbook baseline: a reservation price
//! r = s − q·γ·σ²·τ that leans against inventory q, and an optimal full spread
//! δ = γ·σ²·τ + (2/γ)·ln(1 + γ/k), for risk aversion γ, volatility σ (price per √s),
//! horizon τ (seconds) and order-arrival decay k (per price unit).

use rust_decimal::Decimal;
use rust_decimal::MathematicalOps;

/// The model's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsParams {
    /// Risk aversion γ (> 0).
    pub gamma: Decimal,
    /// Arrival decay k (> 0), per price unit.
    pub k: Decimal,
    /// Horizon τ, seconds.
    pub horizon_secs: Decimal,
}

/// The reservation price for `inventory` clips (position / size) at mid `mid`.
pub fn reservation_price(params: &AsParams, mid: Decimal, inventory: Decimal, sigma: Decimal) -> Decimal {
    mid - inventory * params.gamma * sigma * sigma * params.horizon_secs
}

/// The optimal full spread.
pub fn optimal_spread(params: &AsParams, sigma: Decimal) -> Decimal {
    if params.gamma <= Decimal::ZERO || params.k <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let risk = params.gamma * sigma * sigma * params.horizon_secs;
    let arrival = (Decimal::ONE + params.gamma / params.k).ln() * Decimal::TWO / params.gamma;
    risk + arrival
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    fn params() -> AsParams {
        AsParams { gamma: dec!(1), k: dec!(100), horizon_secs: dec!(300) }
    }

    #[test]
    fn flat_inventory_reserves_at_the_mid() {
        assert_eq!(reservation_price(&params(), dec!(0.5), dec!(0), dec!(0.002)), dec!(0.5));
        assert_eq!(reservation_price(&params(), dec!(0.5), dec!(2), dec!(0.01)), dec!(0.44));
        assert_eq!(reservation_price(&params(), dec!(0.5), dec!(-2), dec!(0.01)), dec!(0.56));
    }

    #[test]
    fn spread_grows_with_volatility_and_is_positive() {
        let calm = optimal_spread(&params(), dec!(0));
        let loud = optimal_spread(&params(), dec!(0.01));
        assert_eq!(calm.round_dp(4), dec!(0.0199));
        assert_eq!((loud - calm).round_dp(4), dec!(0.03));
        assert_eq!(optimal_spread(&AsParams { k: dec!(0), ..params() }, dec!(0.01)), dec!(0));
    }

    proptest! {
        #[test]
        fn more_risk_aversion_never_narrows_the_risk_part(g1 in 1u32..50, g2 in 1u32..50, sigma in 0u32..100) {
            let sigma = Decimal::new(i64::from(sigma), 4);
            let with = |g: u32| AsParams { gamma: Decimal::new(i64::from(g), 1), ..params() };
            let (lo, hi) = (g1.min(g2), g1.max(g2));
            let risk = |p: AsParams| p.gamma * sigma * sigma * p.horizon_secs;
            prop_assert!(risk(with(hi)) >= risk(with(lo)));
            prop_assert!(optimal_spread(&with(lo), sigma) > Decimal::ZERO);
        }

        #[test]
        fn reservation_leans_against_inventory(q in -10i64..10, sigma in 1u32..50) {
            let sigma = Decimal::new(i64::from(sigma), 4);
            let r = reservation_price(&params(), dec!(0.5), Decimal::from(q), sigma);
            prop_assert!(q == 0 || (r < dec!(0.5)) == (q > 0));
            prop_assert!(optimal_spread(&params(), sigma) > Decimal::ZERO);
        }
    }
}
