//! Competing makers. A rival that keeps stepping one tick in front of our quotes
//! (pennying) takes our fills; fighting back tick by tick gives the spread away. The
//! detector counts, over recent requotes, how often the best price on a side sits exactly
//! one tick better than ours; while one is active the quote model asks for twice the edge
//! before it improves a price, so it stops handing the spread away tick by tick.

use std::collections::VecDeque;

use rust_decimal::Decimal;

/// Remembers whether a rival was one tick in front at each observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PennyDetector {
    window: usize,
    seen: VecDeque<bool>,
}

impl PennyDetector {
    /// A detector over the last `window` observations.
    pub fn new(window: usize) -> Self {
        Self { window: window.max(1), seen: VecDeque::new() }
    }

    /// Our resting price and the best price of others on the same side (a bid: higher is
    /// better), with the tick.
    pub fn observe(&mut self, ours: Decimal, best_other: Decimal, tick: Decimal, bid: bool) {
        let in_front = if bid { best_other - ours } else { ours - best_other };
        if self.seen.len() == self.window {
            self.seen.pop_front();
        }
        self.seen.push_back(in_front == tick);
    }

    /// The fraction of observations with a rival exactly one tick in front.
    pub fn penny_rate(&self) -> Decimal {
        if self.seen.is_empty() {
            return Decimal::ZERO;
        }
        let hits = self.seen.iter().filter(|hit| **hit).count();
        Decimal::from(hits as u64) / Decimal::from(self.seen.len() as u64)
    }

    /// Whether a penny-jumper is active: more than half the recent observations, with at
    /// least a quarter of the window seen.
    pub fn active(&self) -> bool {
        self.seen.len() * 4 >= self.window && self.penny_rate() > Decimal::new(5, 1)
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn a_rival_always_a_tick_ahead_is_detected() {
        let mut detector = PennyDetector::new(8);
        for _ in 0..8 {
            detector.observe(dec!(0.48), dec!(0.49), dec!(0.01), true);
        }
        assert!(detector.active());
        assert_eq!(detector.penny_rate(), dec!(1));
        for _ in 0..8 {
            detector.observe(dec!(0.52), dec!(0.52), dec!(0.01), false);
        }
        assert!(!detector.active());
    }

    #[test]
    fn a_short_history_is_not_enough() {
        let mut detector = PennyDetector::new(20);
        detector.observe(dec!(0.52), dec!(0.51), dec!(0.01), false);
        assert_eq!(detector.penny_rate(), dec!(1));
        assert!(!detector.active());
    }
}
