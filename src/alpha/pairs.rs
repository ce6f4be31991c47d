//! Token pair tracking: the YES and NO books of one market should mirror each other (YES
//! mid + NO mid = 1). The deviation is tracked so a pair whose books disagree (a stale
//! side, an arbitrage forming) is visible, and its largest recent value reported.

use rust_decimal::Decimal;

/// The pair's parity deviation over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PairTracker {
    last: Decimal,
    worst: Decimal,
    observations: u64,
}

impl PairTracker {
    /// Both mids at one moment.
    pub fn observe(&mut self, yes_mid: Decimal, no_mid: Decimal) {
        self.last = yes_mid + no_mid - Decimal::ONE;
        self.worst = self.worst.max(self.last.abs());
        self.observations += 1;
    }

    /// The latest YES mid + NO mid − 1.
    pub fn deviation(&self) -> Decimal {
        self.last
    }

    /// The largest absolute deviation seen.
    pub fn worst(&self) -> Decimal {
        self.worst
    }

    /// Whether the latest deviation exceeds `tolerance`.
    pub fn broken(&self, tolerance: Decimal) -> bool {
        self.observations > 0 && self.last.abs() > tolerance
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn deviation_is_tracked_and_the_worst_kept() {
        let mut pair = PairTracker::default();
        assert!(!pair.broken(dec!(0)));
        pair.observe(dec!(0.50), dec!(0.50));
        assert_eq!(pair.deviation(), dec!(0));
        pair.observe(dec!(0.55), dec!(0.50));
        assert!(pair.broken(dec!(0.01)));
        pair.observe(dec!(0.49), dec!(0.50));
        assert_eq!((pair.deviation(), pair.worst()), (dec!(-0.01), dec!(0.05)));
        assert!(!pair.broken(dec!(0.01)));
    }
}
