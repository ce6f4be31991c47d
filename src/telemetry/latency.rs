//! Hop latency, pure: a histogram of nanosecond durations in log-linear buckets (16 per
//! power of two, so a reported percentile is within 1/16 of the true value, rounded up),
//! fixed size, no allocation per sample.

use serde::{Deserialize, Serialize};

const SUB_BITS: u32 = 4;
const SUB: u64 = 1 << SUB_BITS;
const BUCKETS: usize = (SUB + (64 - SUB_BITS as u64) * SUB) as usize;

/// A latency histogram.
#[derive(Debug, Clone)]
pub struct LatencyHistogram {
    counts: Vec<u64>,
    total: u64,
    max_ns: u64,
}

/// Percentiles of a histogram, microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Samples.
    pub count: u64,
    /// Median.
    pub p50_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Largest.
    pub max_us: f64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self { counts: vec![0; BUCKETS], total: 0, max_ns: 0 }
    }
}

fn bucket(ns: u64) -> usize {
    if ns < SUB {
        return ns as usize;
    }
    let exponent = 63 - ns.leading_zeros();
    let shift = exponent - SUB_BITS;
    let sub = (ns >> shift) & (SUB - 1);
    (SUB + u64::from(shift) * SUB + sub) as usize
}

fn upper_bound(index: usize) -> u64 {
    let index = index as u64;
    if index < SUB {
        return index;
    }
    let shift = (index - SUB) / SUB;
    let sub = (index - SUB) % SUB;
    ((SUB + sub + 1) << shift) - 1
}

impl LatencyHistogram {
    /// Records one duration.
    pub fn record(&mut self, elapsed: std::time::Duration) {
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.counts[bucket(ns)] += 1;
        self.total += 1;
        self.max_ns = self.max_ns.max(ns);
    }

    /// The smallest bucket bound at or above fraction `q` of the samples, ns.
    pub fn quantile_ns(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return upper_bound(index).min(self.max_ns);
            }
        }
        self.max_ns
    }

    /// Median, p99 and max in microseconds.
    pub fn summary(&self) -> LatencySummary {
        let us = |ns: u64| ns as f64 / 1_000.0;
        LatencySummary {
            count: self.total,
            p50_us: us(self.quantile_ns(0.50)),
            p99_us: us(self.quantile_ns(0.99)),
            max_us: us(self.max_ns),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn percentiles_of_a_known_spread() {
        let mut histogram = LatencyHistogram::default();
        for micros in 1..=100 {
            histogram.record(Duration::from_micros(micros));
        }
        let summary = histogram.summary();
        assert_eq!(summary.count, 100);
        assert!((50.0..=50.0 * 17.0 / 16.0).contains(&summary.p50_us), "{summary:?}");
        assert!((99.0..=100.0).contains(&summary.p99_us), "{summary:?}");
        assert_eq!(summary.max_us, 100.0);
        assert_eq!(LatencyHistogram::default().summary(), LatencySummary::default());
    }

    proptest! {
        #[test]
        fn a_bucket_holds_its_value_within_a_sixteenth(ns in 0u64..u64::MAX / 2) {
            let index = bucket(ns);
            prop_assert!(index < BUCKETS);
            let upper = upper_bound(index);
            prop_assert!(upper >= ns);
            prop_assert!(upper - ns <= ns / 16 + 1);
        }
    }
}
