//! Liquidity regime from the last `REGIME_WINDOW_SIZE` book snapshots: how wide the spread
//! usually is and how much rests near the top. A thin book (wide spread, little depth)
//! moves on small trades: quote smaller. A deep, tight book is competitive: the
//! model's own spread is kept.

use std::collections::VecDeque;

use rust_decimal::Decimal;

/// The regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regime {
    /// Not enough snapshots yet.
    Unknown,
    /// Wide and shallow.
    Thin,
    /// In between.
    Normal,
    /// Tight and deep.
    Deep,
}

impl Regime {
    /// Size multiplier for the regime.
    pub fn size_multiplier(self) -> Decimal {
        match self {
            Self::Thin => Decimal::new(5, 1),
            Self::Unknown | Self::Normal | Self::Deep => Decimal::ONE,
        }
    }

    /// Name shown in status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Thin => "thin",
            Self::Normal => "normal",
            Self::Deep => "deep",
        }
    }
}

/// Thresholds between regimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegimeThresholds {
    /// Median spread at or above which a book is thin, if also shallow.
    pub thin_spread: Decimal,
    /// Median top depth (shares, both sides) below which a book is shallow.
    pub thin_depth: Decimal,
    /// Median spread at or below which a book is deep, if also deep enough.
    pub deep_spread: Decimal,
    /// Median top depth at or above which a book is deep.
    pub deep_depth: Decimal,
}

/// The last snapshots' spread and depth in millionths (a price is in ten-thousandths and a
/// size in millionths, so nothing is lost), and their medians as of the last snapshot (the
/// quote asks for them more often than snapshots arrive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegimeDetector {
    window: usize,
    snapshots: VecDeque<(i128, i128)>,
    medians: Option<(Decimal, Decimal)>,
    scratch: Vec<i128>,
}

/// Decimal places kept of a snapshot.
const SCALE: u32 = 6;

fn millionths(value: Decimal) -> i128 {
    let mut scaled = value.round_dp(SCALE);
    scaled.rescale(SCALE);
    scaled.mantissa()
}

/// The upper median (the element at `len / 2` in sorted order) without sorting.
fn median(values: &mut [i128]) -> Decimal {
    if values.is_empty() {
        return Decimal::ZERO;
    }
    let middle = values.len() / 2;
    Decimal::try_from_i128_with_scale(*values.select_nth_unstable(middle).1, SCALE).unwrap_or(Decimal::MAX)
}

impl RegimeDetector {
    /// A detector over `window` snapshots.
    pub fn new(window: usize) -> Self {
        Self { window: window.max(1), snapshots: VecDeque::new(), medians: None, scratch: Vec::new() }
    }

    /// A snapshot: spread and depth near the top.
    pub fn observe(&mut self, spread: Decimal, depth: Decimal) {
        if self.snapshots.len() == self.window {
            self.snapshots.pop_front();
        }
        self.snapshots.push_back((millionths(spread), millionths(depth)));
        self.medians = None;
    }

    /// The median spread and depth of the window.
    fn medians(&mut self) -> (Decimal, Decimal) {
        if let Some(medians) = self.medians {
            return medians;
        }
        self.scratch.clear();
        self.scratch.extend(self.snapshots.iter().map(|s| s.0));
        let spread = median(&mut self.scratch);
        self.scratch.clear();
        self.scratch.extend(self.snapshots.iter().map(|s| s.1));
        let depth = median(&mut self.scratch);
        *self.medians.insert((spread, depth))
    }

    /// The regime, once half the window is filled.
    pub fn regime(&mut self, thresholds: &RegimeThresholds) -> Regime {
        if self.snapshots.len() * 2 < self.window {
            return Regime::Unknown;
        }
        let (spread, depth) = self.medians();
        if spread >= thresholds.thin_spread && depth < thresholds.thin_depth {
            Regime::Thin
        } else if spread <= thresholds.deep_spread && depth >= thresholds.deep_depth {
            Regime::Deep
        } else {
            Regime::Normal
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn thresholds() -> RegimeThresholds {
        RegimeThresholds {
            thin_spread: dec!(0.05),
            thin_depth: dec!(100),
            deep_spread: dec!(0.02),
            deep_depth: dec!(500),
        }
    }

    #[test]
    fn regime_table() {
        let table = [
            ((dec!(0.08), dec!(50)), Regime::Thin),
            ((dec!(0.08), dec!(500)), Regime::Normal),
            ((dec!(0.01), dec!(800)), Regime::Deep),
            ((dec!(0.03), dec!(200)), Regime::Normal),
        ];
        for ((spread, depth), expected) in table {
            let mut detector = RegimeDetector::new(10);
            for _ in 0..10 {
                detector.observe(spread, depth);
            }
            assert_eq!(detector.regime(&thresholds()), expected, "{spread} {depth}");
        }
    }

    #[test]
    fn medians_ignore_outliers_and_early_windows_are_unknown() {
        let mut detector = RegimeDetector::new(10);
        detector.observe(dec!(0.08), dec!(10));
        assert_eq!(detector.regime(&thresholds()), Regime::Unknown);
        for _ in 0..8 {
            detector.observe(dec!(0.01), dec!(900));
        }
        detector.observe(dec!(0.5), dec!(0));
        assert_eq!(detector.regime(&thresholds()), Regime::Deep);
        assert_eq!(Regime::Thin.size_multiplier(), dec!(0.5));
    }

    #[test]
    fn names_and_size_multipliers_of_every_regime() {
        let table = [
            (Regime::Unknown, "unknown", dec!(1)),
            (Regime::Thin, "thin", dec!(0.5)),
            (Regime::Normal, "normal", dec!(1)),
            (Regime::Deep, "deep", dec!(1)),
        ];
        for (regime, name, size) in table {
            assert_eq!((regime.as_str(), regime.size_multiplier()), (name, size));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_sorted_window_classifies_as_sorting_the_window_would(
            snapshots in proptest::collection::vec((0u32..1_000, 0u32..2_000), 1..60),
            window in 1usize..20,
        ) {
            let mut detector = RegimeDetector::new(window);
            let mut seen: Vec<(Decimal, Decimal)> = Vec::new();
            for (spread, depth) in snapshots {
                let (spread, depth) = (Decimal::new(i64::from(spread), 4), Decimal::from(depth));
                detector.observe(spread, depth);
                seen.push((spread, depth));
                let last = &seen[seen.len().saturating_sub(window)..];
                let upper_median = |mut v: Vec<Decimal>| {
                    v.sort();
                    v[v.len() / 2]
                };
                let spread = upper_median(last.iter().map(|s| s.0).collect());
                let depth = upper_median(last.iter().map(|s| s.1).collect());
                let t = thresholds();
                let expected = if last.len() * 2 < window {
                    Regime::Unknown
                } else if spread >= t.thin_spread && depth < t.thin_depth {
                    Regime::Thin
                } else if spread <= t.deep_spread && depth >= t.deep_depth {
                    Regime::Deep
                } else {
                    Regime::Normal
                };
                proptest::prop_assert_eq!(detector.regime(&t), expected);
            }
        }
    }
}
