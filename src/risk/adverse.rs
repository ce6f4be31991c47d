//! Adverse selection from fill markouts. After each fill the mid is checked at a horizon:
//! a buy followed by a lower mid (or a sell by a higher one) lost to better-informed flow.
//! The markout in price units, averaged exponentially, is the toxicity; past
//! `ADVERSE_TOXIC_THRESHOLD` the quote widens, past twice it also shrinks, past four times
//! the market pauses.

use std::collections::VecDeque;

use rust_decimal::Decimal;

use crate::domain::Side;

/// A fill waiting for its markout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    at_ms: u64,
    side: Side,
    price: Decimal,
}

/// What toxicity calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToxicAction {
    /// Flow is benign.
    Normal,
    /// Widen by the multiplier.
    Widen(Decimal),
    /// Widen and quote this fraction of the size.
    Shrink(Decimal, Decimal),
    /// Stop quoting for a while.
    Pause,
}

/// Markouts of our fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkoutTracker {
    horizon_ms: u64,
    pending: VecDeque<Pending>,
    toxicity: Decimal,
    measured: u64,
}

/// Weight of each new markout in the average.
const MARKOUT_WEIGHT: Decimal = Decimal::from_parts(2, 0, 0, false, 1);

impl MarkoutTracker {
    /// Markouts measured `horizon_ms` after each fill.
    pub fn new(horizon_ms: u64) -> Self {
        Self { horizon_ms, pending: VecDeque::new(), toxicity: Decimal::ZERO, measured: 0 }
    }

    /// One of our fills: our side and price in YES terms.
    pub fn fill(&mut self, now_ms: u64, side: Side, price: Decimal) {
        self.pending.push_back(Pending { at_ms: now_ms, side, price });
    }

    /// The mid at `now_ms`: completes the markouts that reached their horizon.
    pub fn mid(&mut self, now_ms: u64, mid: Decimal) {
        while let Some(first) = self.pending.front().copied() {
            if now_ms.saturating_sub(first.at_ms) < self.horizon_ms {
                break;
            }
            self.pending.pop_front();
            let adverse = match first.side {
                Side::Buy => first.price - mid,
                Side::Sell => mid - first.price,
            };
            self.toxicity = if self.measured == 0 {
                adverse
            } else {
                self.toxicity + MARKOUT_WEIGHT * (adverse - self.toxicity)
            };
            self.measured += 1;
        }
    }

    /// The average adverse move after our fills, price units (negative: fills made money).
    pub fn toxicity(&self) -> Decimal {
        self.toxicity
    }

    /// Markouts measured so far.
    pub fn measured(&self) -> u64 {
        self.measured
    }

    /// The action for the current toxicity against `threshold` (needs 3 markouts).
    pub fn action(&self, threshold: Decimal) -> ToxicAction {
        if self.measured < 3 || threshold <= Decimal::ZERO || self.toxicity < threshold {
            return ToxicAction::Normal;
        }
        let level = self.toxicity / threshold;
        if level >= Decimal::from(4) {
            ToxicAction::Pause
        } else if level >= Decimal::TWO {
            ToxicAction::Shrink(Decimal::TWO, Decimal::new(5, 1))
        } else {
            ToxicAction::Widen(Decimal::ONE + (level - Decimal::ONE) / Decimal::TWO + Decimal::new(25, 2))
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn tracker_with(markouts: &[(Side, Decimal, Decimal)]) -> MarkoutTracker {
        let mut tracker = MarkoutTracker::new(5_000);
        for (i, &(side, price, later)) in markouts.iter().enumerate() {
            let at = i as u64 * 10_000;
            tracker.fill(at, side, price);
            tracker.mid(at + 5_000, later);
        }
        tracker
    }

    #[test]
    fn markouts_sign_by_side() {
        let losing = tracker_with(&[(Side::Buy, dec!(0.50), dec!(0.47))]);
        assert_eq!(losing.toxicity(), dec!(0.03));
        let winning = tracker_with(&[(Side::Sell, dec!(0.50), dec!(0.47))]);
        assert_eq!(winning.toxicity(), dec!(-0.03));
        let mut early = MarkoutTracker::new(5_000);
        early.fill(0, Side::Buy, dec!(0.5));
        early.mid(4_999, dec!(0.1));
        assert_eq!(early.measured(), 0, "not at the horizon yet");
    }

    #[test]
    fn action_table() {
        let table = [
            (dec!(0.001), ToxicAction::Normal),
            (dec!(0.01), ToxicAction::Widen(dec!(1.25))),
            (dec!(0.015), ToxicAction::Widen(dec!(1.50))),
            (dec!(0.025), ToxicAction::Shrink(dec!(2), dec!(0.5))),
            (dec!(0.05), ToxicAction::Pause),
        ];
        for (loss, expected) in table {
            let tracker = tracker_with(&[(Side::Buy, dec!(0.5), dec!(0.5) - loss); 3]);
            assert_eq!(tracker.action(dec!(0.01)), expected, "{loss}");
        }
        let few = tracker_with(&[(Side::Buy, dec!(0.5), dec!(0.4)); 2]);
        assert_eq!(few.action(dec!(0.01)), ToxicAction::Normal, "two markouts are not evidence");
    }
}
