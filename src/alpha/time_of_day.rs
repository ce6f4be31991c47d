//! Time-of-day patterns: activity (trades, volatility) by UTC hour, learned as an average
//! per hour. Hours much busier than the day's average widen the quote a little; quiet
//! hours keep it. Needs a few days before it says anything.

use rust_decimal::Decimal;

/// Activity per UTC hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourlyActivity {
    totals: [Decimal; 24],
    samples: [u32; 24],
}

impl Default for HourlyActivity {
    fn default() -> Self {
        Self { totals: [Decimal::ZERO; 24], samples: [0; 24] }
    }
}

/// The UTC hour of a unix-ms time.
pub fn hour_of(now_ms: u64) -> usize {
    ((now_ms / 3_600_000) % 24) as usize
}

impl HourlyActivity {
    /// `activity` measured over an interval ending at `now_ms`.
    pub fn record(&mut self, now_ms: u64, activity: Decimal) {
        let hour = hour_of(now_ms);
        self.totals[hour] += activity;
        self.samples[hour] = self.samples[hour].saturating_add(1);
    }

    fn mean(&self, hour: usize) -> Option<Decimal> {
        (self.samples[hour] > 0).then(|| self.totals[hour] / Decimal::from(self.samples[hour]))
    }

    /// The hour's mean activity over the mean of all hours seen (1 when unknown).
    pub fn relative(&self, now_ms: u64) -> Decimal {
        let seen: Vec<Decimal> = (0..24).filter_map(|h| self.mean(h)).collect();
        let Some(this) = self.mean(hour_of(now_ms)) else { return Decimal::ONE };
        if seen.len() < 12 {
            return Decimal::ONE;
        }
        let overall: Decimal = seen.iter().sum::<Decimal>() / Decimal::from(seen.len() as u64);
        if overall.is_zero() { Decimal::ONE } else { this / overall }
    }

    /// The spread multiplier: 1 up to twice the average activity, then up to 1.25.
    pub fn spread_multiplier(&self, now_ms: u64) -> Decimal {
        let relative = self.relative(now_ms);
        if relative <= Decimal::TWO {
            Decimal::ONE
        } else {
            (Decimal::ONE + (relative - Decimal::TWO) / Decimal::from(8)).min(Decimal::new(125, 2))
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    const HOUR: u64 = 3_600_000;

    #[test]
    fn busy_hours_widen_once_most_hours_are_known() {
        let mut activity = HourlyActivity::default();
        for hour in 0..24u64 {
            let level = if hour == 14 { dec!(40) } else { dec!(1) };
            activity.record(hour * HOUR + 1, level);
        }
        let busy = 14 * HOUR + 5;
        assert!(activity.relative(busy) > dec!(10));
        assert_eq!(activity.spread_multiplier(busy), dec!(1.25));
        assert_eq!(activity.spread_multiplier(3 * HOUR), dec!(1));
    }

    #[test]
    fn too_little_history_says_nothing() {
        let mut activity = HourlyActivity::default();
        activity.record(5 * HOUR, dec!(100));
        assert_eq!(activity.relative(5 * HOUR), dec!(1));
        assert_eq!(hour_of(25 * HOUR + 1), 1);
    }

    proptest::proptest! {
        #[test]
        fn the_multiplier_stays_between_one_and_a_quarter_more(levels in proptest::collection::vec(0u32..1_000, 24), at in 0u64..86_400_000) {
            let mut activity = HourlyActivity::default();
            for (hour, level) in levels.iter().enumerate() {
                activity.record(hour as u64 * HOUR, Decimal::from(*level));
            }
            let m = activity.spread_multiplier(at);
            proptest::prop_assert!(m >= dec!(1) && m <= dec!(1.25));
        }
    }
}
