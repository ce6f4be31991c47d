//! Adverse selection from fill markouts. After each fill the mid is checked at a horizon:
//! a buy followed by a lower mid (or a sell by a higher one) lost to better-informed flow.
//! Two readings, both averaged exponentially: the markout in price units (the toxicity,
//! which the quoting objective adds to the spread it needs) and the share of fills that
//! were adverse. Past `ADVERSE_TOXIC_THRESHOLD` (a share, as in the seed) the quote widens;
//! a third of the way from there to all fills adverse it also shrinks; two thirds of the
//! way the market pauses.

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
    adverse_share: Decimal,
    measured: u64,
}

/// Weight of each new markout in the average.
const MARKOUT_WEIGHT: Decimal = Decimal::from_parts(2, 0, 0, false, 1);

impl MarkoutTracker {
    /// Markouts measured `horizon_ms` after each fill.
    pub fn new(horizon_ms: u64) -> Self {
        Self {
            horizon_ms,
            pending: VecDeque::new(),
            toxicity: Decimal::ZERO,
            adverse_share: Decimal::ZERO,
            measured: 0,
        }
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
            let was_adverse = if adverse > Decimal::ZERO { Decimal::ONE } else { Decimal::ZERO };
            if self.measured == 0 {
                self.toxicity = adverse;
                self.adverse_share = was_adverse;
            } else {
                self.toxicity += MARKOUT_WEIGHT * (adverse - self.toxicity);
                self.adverse_share += MARKOUT_WEIGHT * (was_adverse - self.adverse_share);
            }
            self.measured += 1;
        }
    }

    /// The average adverse move after our fills, price units (negative: fills made money).
    pub fn toxicity(&self) -> Decimal {
        self.toxicity
    }

    /// Markouts measured so far.
    #[cfg(test)]
    pub fn measured(&self) -> u64 {
        self.measured
    }

    /// The share of recent fills that were adverse, [0, 1].
    #[cfg(test)]
    pub fn adverse_share(&self) -> Decimal {
        self.adverse_share
    }

    /// The action for the readings (needs 3 markouts): the more severe of what the
    /// adverse share says against `share_threshold` and what the mean markout says
    /// against `markout_threshold` (price units: past it widen, past twice shrink, past
    /// four times pause). Frequent small losses and rare large ones are both toxic.
    pub fn action(&self, share_threshold: Decimal, markout_threshold: Decimal) -> ToxicAction {
        if self.measured < 3 {
            return ToxicAction::Normal;
        }
        let by_share = if share_threshold < Decimal::ONE && self.adverse_share >= share_threshold {
            let level =
                (self.adverse_share - share_threshold) / (Decimal::ONE - share_threshold.max(Decimal::ZERO));
            let third = Decimal::ONE / Decimal::from(3);
            if level >= third * Decimal::TWO {
                ToxicAction::Pause
            } else if level >= third {
                ToxicAction::Shrink(Decimal::TWO, Decimal::new(5, 1))
            } else {
                ToxicAction::Widen((Decimal::new(125, 2) + level * Decimal::new(225, 2)).round_dp(4))
            }
        } else {
            ToxicAction::Normal
        };
        let by_markout = if markout_threshold > Decimal::ZERO && self.toxicity >= markout_threshold {
            let ratio = self.toxicity / markout_threshold;
            if ratio >= Decimal::from(4) {
                ToxicAction::Pause
            } else if ratio >= Decimal::TWO {
                ToxicAction::Shrink(Decimal::TWO, Decimal::new(5, 1))
            } else {
                ToxicAction::Widen((Decimal::ONE + ratio / Decimal::from(4)).round_dp(4))
            }
        } else {
            ToxicAction::Normal
        };
        if by_markout.severity() > by_share.severity() { by_markout } else { by_share }
    }
}

impl ToxicAction {
    /// Orders actions: normal < widen (by how much) < shrink < pause.
    fn severity(self) -> (u8, Decimal) {
        match self {
            Self::Normal => (0, Decimal::ZERO),
            Self::Widen(m) => (1, m),
            Self::Shrink(m, _) => (2, m),
            Self::Pause => (3, Decimal::ZERO),
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
        let adverse = (Side::Buy, dec!(0.5), dec!(0.49));
        let benign = (Side::Buy, dec!(0.5), dec!(0.51));
        let table = [
            (vec![benign; 6], ToxicAction::Normal),
            (
                vec![adverse, adverse, adverse, benign, benign, benign],
                ToxicAction::Widen(dec!(1.25) + dec!(2.25) * (dec!(0.512) - dec!(0.4)) / dec!(0.6)),
            ),
            (
                vec![benign, adverse, adverse, adverse, adverse, adverse],
                ToxicAction::Shrink(dec!(2), dec!(0.5)),
            ),
            (vec![adverse; 6], ToxicAction::Pause),
        ];
        for (markouts, expected) in table {
            let tracker = tracker_with(&markouts);
            let got = tracker.action(dec!(0.4), dec!(1));
            match (got, expected) {
                (ToxicAction::Widen(a), ToxicAction::Widen(b)) => {
                    assert_eq!(a, b.round_dp(4), "{markouts:?}")
                }
                _ => assert_eq!(got, expected, "share {}", tracker.adverse_share()),
            }
        }
        let few = tracker_with(&[adverse; 2]);
        assert_eq!(few.action(dec!(0.4), dec!(0.01)), ToxicAction::Normal, "two markouts are not evidence");
    }

    #[test]
    fn rare_large_losses_are_toxic_too() {
        let table = [
            (dec!(0.005), ToxicAction::Normal),
            (dec!(0.02), ToxicAction::Widen(dec!(1.25))),
            (dec!(0.04), ToxicAction::Shrink(dec!(2), dec!(0.5))),
            (dec!(0.08), ToxicAction::Pause),
        ];
        for (loss, expected) in table {
            let tracker = tracker_with(&[(Side::Buy, dec!(0.5), dec!(0.5) - loss); 3]);
            assert_eq!(tracker.action(dec!(1), dec!(0.02)), expected, "{loss}");
        }
    }
}
