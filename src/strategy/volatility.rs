//! Volatility of a market's mid, as an exponentially weighted variance rate of its price
//! changes (price units² per second), and the spread multiplier it implies against a
//! reference volatility. Prices are probabilities in (0, 1), so changes are absolute, not
//! logarithmic.

use rust_decimal::Decimal;

use crate::stats::{ewma_weight, to_decimal, to_f64};

/// Tracks the mid's variance rate.
#[derive(Debug, Clone, PartialEq)]
pub struct VolatilityTracker {
    half_life_ms: u64,
    last: Option<(u64, f64)>,
    variance_rate: f64,
    samples: u32,
}

/// Samples needed before the estimate is used.
pub const WARM_UP_SAMPLES: u32 = 5;

impl VolatilityTracker {
    /// A tracker forgetting with this half-life.
    pub fn new(half_life_ms: u64) -> Self {
        Self { half_life_ms, last: None, variance_rate: 0.0, samples: 0 }
    }

    /// The mid at `now_ms`. Samples closer than 100 ms to the previous one are folded into
    /// the next interval so bursts of book updates do not inflate the rate.
    pub fn observe(&mut self, now_ms: u64, mid: Decimal) {
        let mid = to_f64(mid);
        let Some((then, last_mid)) = self.last else {
            self.last = Some((now_ms, mid));
            return;
        };
        let elapsed = now_ms.saturating_sub(then);
        if elapsed < 100 {
            return;
        }
        let change = mid - last_mid;
        let rate = change * change / (elapsed as f64 / 1_000.0);
        let weight = ewma_weight(elapsed, self.half_life_ms);
        self.variance_rate =
            if self.samples == 0 { rate } else { self.variance_rate + weight * (rate - self.variance_rate) };
        self.samples = self.samples.saturating_add(1);
        self.last = Some((now_ms, mid));
    }

    /// Whether enough samples have been seen.
    pub fn warm(&self) -> bool {
        self.samples >= WARM_UP_SAMPLES
    }

    /// Volatility in price units per √second (0 until warm).
    pub fn sigma(&self) -> f64 {
        if self.warm() { self.variance_rate.sqrt() } else { 0.0 }
    }

    /// Volatility as a decimal, per √second.
    pub fn sigma_decimal(&self) -> Decimal {
        to_decimal(self.sigma(), Decimal::ZERO)
    }

    /// The spread multiplier: σ / reference, within `[1, max]` (1 until warm).
    pub fn multiplier(&self, reference: Decimal, max: Decimal) -> Decimal {
        let reference = to_f64(reference);
        if !self.warm() || reference <= 0.0 {
            return Decimal::ONE;
        }
        to_decimal(self.sigma() / reference, Decimal::ONE).clamp(Decimal::ONE, max.max(Decimal::ONE))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    fn fed(mids: &[Decimal], step_ms: u64) -> VolatilityTracker {
        let mut tracker = VolatilityTracker::new(30_000);
        for (i, mid) in mids.iter().enumerate() {
            tracker.observe(i as u64 * step_ms, *mid);
        }
        tracker
    }

    #[test]
    fn a_still_mid_has_no_volatility_and_no_widening() {
        let tracker = fed(&[dec!(0.5); 20], 1_000);
        assert!(tracker.warm());
        assert_eq!(tracker.sigma(), 0.0);
        assert_eq!(tracker.multiplier(dec!(0.002), dec!(3)), Decimal::ONE);
    }

    #[test]
    fn alternating_cents_give_a_cent_per_second() {
        let mids: Vec<Decimal> = (0..40).map(|i| if i % 2 == 0 { dec!(0.50) } else { dec!(0.51) }).collect();
        let tracker = fed(&mids, 1_000);
        assert!((tracker.sigma() - 0.01).abs() < 1e-9, "{}", tracker.sigma());
        assert_eq!(tracker.multiplier(dec!(0.005), dec!(3)), dec!(2));
        assert_eq!(tracker.multiplier(dec!(0.001), dec!(3)), dec!(3), "capped at the maximum");
    }

    #[test]
    fn cold_trackers_and_bursts_do_not_widen() {
        let cold = fed(&[dec!(0.5), dec!(0.6), dec!(0.4)], 1_000);
        assert!(!cold.warm());
        assert_eq!(cold.multiplier(dec!(0.001), dec!(3)), Decimal::ONE);
        let mut burst = VolatilityTracker::new(30_000);
        burst.observe(0, dec!(0.5));
        for i in 1..50 {
            burst.observe(i, if i % 2 == 0 { dec!(0.5) } else { dec!(0.6) });
        }
        assert!(!burst.warm(), "updates within 100 ms are one interval");
    }

    #[test]
    fn volatility_decays_after_the_market_calms() {
        let mut mids: Vec<Decimal> =
            (0..20).map(|i| if i % 2 == 0 { dec!(0.45) } else { dec!(0.55) }).collect();
        let loud = fed(&mids, 1_000).sigma();
        mids.extend(std::iter::repeat_n(dec!(0.55), 300));
        let calmer = fed(&mids, 1_000).sigma();
        assert!(calmer < loud / 10.0, "{calmer} vs {loud}");
    }

    proptest! {
        #[test]
        fn multiplier_stays_within_one_and_the_cap(moves in proptest::collection::vec(0u32..200, 6..60), cap in 1u32..6) {
            let mids: Vec<Decimal> = moves.iter().map(|m| Decimal::new(i64::from(4_000 + *m), 4)).collect();
            let tracker = fed(&mids, 500);
            let m = tracker.multiplier(dec!(0.002), Decimal::from(cap));
            prop_assert!(m >= Decimal::ONE && m <= Decimal::from(cap));
            prop_assert!(tracker.sigma() >= 0.0);
        }
    }

    #[test]
    fn sigma_decimal_matches_the_float_estimate() {
        let mids: Vec<Decimal> = (0..20).map(|i| if i % 2 == 0 { dec!(0.50) } else { dec!(0.52) }).collect();
        let tracker = fed(&mids, 1_000);
        assert_eq!(tracker.sigma_decimal(), dec!(0.02));
        assert_eq!(VolatilityTracker::new(1_000).sigma_decimal(), dec!(0));
    }
}
