//! Market events. Approaching resolution, prices jump to 0 or 1 and informed traders
//! dominate: the quote widens inside the last `widen_hours` (up to 1.5×) and is pulled
//! inside the last `pull_hours`. A volume spike (recent volume many times its usual rate) signals news:
//! the quote widens while it lasts.

use rust_decimal::Decimal;

use crate::stats::{ewma_weight, to_decimal, to_f64};

/// What an event calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    /// Nothing unusual.
    Normal,
    /// Widen the spread by this multiplier.
    Widen(Decimal),
    /// Stop quoting.
    Pull,
}

/// The action for the time left before resolution.
pub fn resolution_action(
    hours_left: Option<Decimal>,
    widen_hours: Decimal,
    pull_hours: Decimal,
) -> EventAction {
    match hours_left {
        Some(h) if h <= pull_hours => EventAction::Pull,
        Some(h) if h <= widen_hours && widen_hours > pull_hours => {
            let closeness = (widen_hours - h) / (widen_hours - pull_hours);
            EventAction::Widen(Decimal::ONE + closeness / Decimal::TWO)
        }
        _ => EventAction::Normal,
    }
}

/// Watches the traded volume rate for spikes.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeDetector {
    baseline_half_life_ms: u64,
    fast_half_life_ms: u64,
    baseline: f64,
    fast: f64,
    last_ms: Option<u64>,
    samples: u64,
}

impl SpikeDetector {
    /// Rates averaged over a long and a short half-life.
    pub fn new(baseline_half_life_ms: u64, fast_half_life_ms: u64) -> Self {
        Self { baseline_half_life_ms, fast_half_life_ms, baseline: 0.0, fast: 0.0, last_ms: None, samples: 0 }
    }

    /// `volume` shares traded between the last call and `now_ms`.
    pub fn record(&mut self, now_ms: u64, volume: Decimal) {
        let Some(last) = self.last_ms else {
            self.last_ms = Some(now_ms);
            return;
        };
        let elapsed = now_ms.saturating_sub(last);
        if elapsed == 0 {
            return;
        }
        let rate = to_f64(volume) / (elapsed as f64 / 1_000.0);
        self.last_ms = Some(now_ms);
        self.samples += 1;
        if self.samples == 1 {
            self.baseline = rate;
            self.fast = rate;
            return;
        }
        self.baseline += ewma_weight(elapsed, self.baseline_half_life_ms) * (rate - self.baseline);
        self.fast += ewma_weight(elapsed, self.fast_half_life_ms) * (rate - self.fast);
    }

    /// The short rate over the long one (1 without history).
    pub fn ratio(&self) -> Decimal {
        if self.baseline <= 1e-9 { Decimal::ONE } else { to_decimal(self.fast / self.baseline, Decimal::ONE) }
    }

    /// Whether the long average has seen enough (five minutes of one-second samples).
    pub fn warm(&self) -> bool {
        self.samples >= 300
    }

    /// Widen while the ratio is past `threshold`, once warm.
    pub fn action(&self, threshold: Decimal) -> EventAction {
        if !self.warm() {
            return EventAction::Normal;
        }
        let ratio = self.ratio();
        if ratio >= threshold { EventAction::Widen(Decimal::new(15, 1)) } else { EventAction::Normal }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn resolution_table() {
        let table = [
            (None, EventAction::Normal),
            (Some(dec!(100)), EventAction::Normal),
            (Some(dec!(24)), EventAction::Widen(dec!(1))),
            (Some(dec!(12.5)), EventAction::Widen(dec!(1.25))),
            (Some(dec!(1)), EventAction::Pull),
            (Some(dec!(0)), EventAction::Pull),
        ];
        for (hours, expected) in table {
            assert_eq!(resolution_action(hours, dec!(24), dec!(1)), expected, "{hours:?}");
        }
    }

    #[test]
    fn a_burst_of_volume_is_a_spike_and_fades() {
        let mut spikes = SpikeDetector::new(600_000, 10_000);
        for second in 0..600 {
            spikes.record(second * 1_000, dec!(1));
        }
        assert!((spikes.ratio() - dec!(1)).abs() < dec!(0.05), "steady flow: {}", spikes.ratio());
        for second in 600..610 {
            spikes.record(second * 1_000, dec!(20));
        }
        assert_eq!(spikes.action(dec!(3)), EventAction::Widen(dec!(1.5)), "ratio {}", spikes.ratio());
        for second in 610..800 {
            spikes.record(second * 1_000, dec!(1));
        }
        assert_eq!(spikes.action(dec!(3)), EventAction::Normal);
        assert_eq!(SpikeDetector::new(1, 1).ratio(), dec!(1));
    }

    #[test]
    fn spikes_need_five_minutes_of_history() {
        let mut spikes = SpikeDetector::new(600_000, 10_000);
        spikes.record(0, dec!(1));
        for second in 1..20 {
            spikes.record(second * 1_000, dec!(100));
        }
        assert!(!spikes.warm());
        assert_eq!(spikes.action(dec!(2)), EventAction::Normal, "a busy start is not a spike");
    }

    proptest::proptest! {
        #[test]
        fn closer_to_resolution_is_never_less_cautious(a in 0u32..10_000, b in 0u32..10_000) {
            let severity = |action: EventAction| match action {
                EventAction::Normal => Decimal::ZERO,
                EventAction::Widen(m) => m,
                EventAction::Pull => Decimal::from(100),
            };
            let (near, far) = (Decimal::new(i64::from(a.min(b)), 2), Decimal::new(i64::from(a.max(b)), 2));
            let act = |h| resolution_action(Some(h), dec!(24), dec!(1));
            proptest::prop_assert!(severity(act(near)) >= severity(act(far)));
        }
    }
}
