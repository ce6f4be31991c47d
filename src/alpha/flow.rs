//! Order flow: the imbalance of aggressive buying over selling in a sliding window
//! (`FLOW_WINDOW_SECONDS`), in [−1, 1]. Past `FLOW_IMBALANCE_THRESHOLD` (and past what
//! chance would give that many trades) the flow is one-sided, which says the takers may
//! know something: the quote asks for more distance from the mid.

use std::collections::VecDeque;

use rust_decimal::Decimal;

use crate::domain::Side;

/// Aggressive trades in a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowTracker {
    window_ms: u64,
    trades: VecDeque<(u64, Side, Decimal)>,
    buys: Decimal,
    sells: Decimal,
}

impl FlowTracker {
    /// A tracker over `window_ms`.
    pub fn new(window_ms: u64) -> Self {
        Self { window_ms, trades: VecDeque::new(), buys: Decimal::ZERO, sells: Decimal::ZERO }
    }

    /// A trade at `now_ms` whose taker was on `side` (YES terms), of `size` shares.
    pub fn record(&mut self, now_ms: u64, side: Side, size: Decimal) {
        self.expire(now_ms);
        self.trades.push_back((now_ms, side, size));
        match side {
            Side::Buy => self.buys += size,
            Side::Sell => self.sells += size,
        }
    }

    fn expire(&mut self, now_ms: u64) {
        while let Some(&(at, side, size)) = self.trades.front() {
            if now_ms.saturating_sub(at) < self.window_ms {
                break;
            }
            self.trades.pop_front();
            match side {
                Side::Buy => self.buys -= size,
                Side::Sell => self.sells -= size,
            }
        }
    }

    /// (buys − sells) / (buys + sells) in the window ending at `now_ms`.
    pub fn imbalance(&mut self, now_ms: u64) -> Decimal {
        self.expire(now_ms);
        let total = self.buys + self.sells;
        if total.is_zero() { Decimal::ZERO } else { (self.buys - self.sells) / total }
    }

    /// Trades in the window.
    pub fn trades(&mut self, now_ms: u64) -> usize {
        self.expire(now_ms);
        self.trades.len()
    }
}

/// The imbalance if it is more than noise: beyond `threshold` plus two standard errors of
/// a balanced flow of `trades` trades (1/√n each); 0 otherwise. Ten random trades are often
/// 30 % one-sided; a hundred rarely are.
pub fn significant(imbalance: Decimal, trades: usize, threshold: Decimal) -> Decimal {
    use rust_decimal::MathematicalOps;
    if trades == 0 {
        return Decimal::ZERO;
    }
    let noise = Decimal::TWO / Decimal::from(trades as u64).sqrt().unwrap_or(Decimal::ONE);
    if imbalance.abs() > threshold + noise { imbalance } else { Decimal::ZERO }
}

/// What one-sided flow is worth in price: `imbalance × max` past the threshold (signed
/// with the flow: a lean toward it, or, as an absolute value, extra distance wanted from
/// the mid because the other side may be informed).
pub fn tilt(imbalance: Decimal, threshold: Decimal, max_tilt: Decimal) -> Decimal {
    if imbalance.abs() <= threshold { Decimal::ZERO } else { imbalance * max_tilt }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn imbalance_over_a_sliding_window() {
        let mut flow = FlowTracker::new(10_000);
        flow.record(0, Side::Buy, dec!(30));
        flow.record(1_000, Side::Sell, dec!(10));
        assert_eq!(flow.imbalance(2_000), dec!(0.5));
        assert_eq!(flow.trades(2_000), 2);
        assert_eq!(flow.imbalance(10_500), dec!(-1), "the buy left the window");
        assert_eq!(flow.imbalance(20_000), dec!(0));
    }

    #[test]
    fn tilt_table() {
        let table = [
            (dec!(0.1), dec!(0)),
            (dec!(0.15), dec!(0)),
            (dec!(0.575), dec!(0.00575)),
            (dec!(-1), dec!(-0.01)),
        ];
        for (imbalance, lean) in table {
            assert_eq!(tilt(imbalance, dec!(0.15), dec!(0.01)), lean, "{imbalance}");
        }
    }

    #[test]
    fn only_imbalance_beyond_noise_counts() {
        let table = [
            (dec!(0.5), 4, dec!(0)),
            (dec!(0.5), 100, dec!(0.5)),
            (dec!(-0.4), 100, dec!(-0.4)),
            (dec!(0.3), 100, dec!(0)),
            (dec!(1), 0, dec!(0)),
        ];
        for (imbalance, trades, expected) in table {
            assert_eq!(significant(imbalance, trades, dec!(0.15)), expected, "{imbalance} over {trades}");
        }
    }

    proptest! {
        #[test]
        fn significance_keeps_or_zeroes_the_imbalance(imbalance in -100i64..=100, trades in 0usize..500) {
            let imbalance = Decimal::new(imbalance, 2);
            let got = significant(imbalance, trades, dec!(0.15));
            prop_assert!(got == imbalance || got.is_zero());
            if trades < 4 { prop_assert!(got.is_zero() || imbalance.abs() > dec!(1.15)); }
        }

        #[test]
        fn imbalance_is_bounded(trades in proptest::collection::vec((any::<bool>(), 1u32..100, 0u64..5_000), 0..50)) {
            let mut flow = FlowTracker::new(3_000);
            let mut now = 0;
            for (buy, size, gap) in trades {
                now += gap;
                flow.record(now, if buy { Side::Buy } else { Side::Sell }, Decimal::from(size));
                let i = flow.imbalance(now);
                prop_assert!(i >= -Decimal::ONE && i <= Decimal::ONE);
            }
        }
    }
}
