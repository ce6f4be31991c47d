//! Polymarket liquidity rewards (API.md §10), as pure scoring. An order within the
//! market's max spread `v` of the mid and at least its min size scores ((v − s) / v)² per
//! share, `s` its distance from the mid. Bids on YES and asks on NO pool into one side
//! (`Q_one`), asks on YES and bids on NO into the other (`Q_two`); in YES terms that is
//! simply bids and asks. Two-sided quoting is rewarded: with the mid in [0.10, 0.90] a
//! single side counts a third (`c` = 3); outside, only the smaller side counts. A maker's
//! share is its `Q_min` over everyone's, and its daily reward that share of the pool.
//!
//! [`best_distance`] puts the reward into the quoting objective: the distance from the mid
//! that maximises expected spread capture plus expected reward.

use rust_decimal::Decimal;

use crate::domain::Side;
use crate::domain::book::{Book, micros_decimal, pips_decimal};
use crate::stats::{to_decimal_fast, to_f64};

/// The single-sided scaling factor.
pub const SINGLE_SIDED_DIVISOR: Decimal = Decimal::from_parts(3, 0, 0, false, 0);

pub use crate::domain::RewardProgram;

/// One order's score per share at `distance` from the mid.
pub fn order_score(program: &RewardProgram, distance: Decimal) -> Decimal {
    let v = program.max_spread;
    if v <= Decimal::ZERO || distance < Decimal::ZERO || distance >= v {
        return Decimal::ZERO;
    }
    let x = (v - distance) / v;
    x * x
}

/// Orders in YES terms: (side, price, size).
pub type YesOrder = (Side, Decimal, Decimal);

/// (Q_one, Q_two) of a set of orders around `mid`.
pub fn side_scores(program: &RewardProgram, mid: Decimal, orders: &[YesOrder]) -> (Decimal, Decimal) {
    let mut bids = Decimal::ZERO;
    let mut asks = Decimal::ZERO;
    for &(side, price, size) in orders {
        if size < program.min_size {
            continue;
        }
        let score = order_score(program, (price - mid).abs()) * size;
        match side {
            Side::Buy => bids += score,
            Side::Sell => asks += score,
        }
    }
    (bids, asks)
}

/// The two-sided combination of side scores at `mid`.
pub fn q_min(q_one: Decimal, q_two: Decimal, mid: Decimal) -> Decimal {
    let two_sided = q_one.min(q_two);
    if mid >= Decimal::new(10, 2) && mid <= Decimal::new(90, 2) {
        two_sided.max(q_one.max(q_two) / SINGLE_SIDED_DIVISOR)
    } else {
        two_sided
    }
}

/// Everyone else's Q_min: the book's levels (ours already removed) as one aggregate maker,
/// which over-states how concentrated they are and so under-states our share.
pub fn others_q(program: &RewardProgram, book: &Book, mid: Decimal) -> Decimal {
    let levels = |side: Side| {
        book.depth(side)
            .take_while(move |level| (pips_decimal(level.price) - mid).abs() < program.max_spread)
            .map(move |level| (side, pips_decimal(level.price), micros_decimal(level.size)))
    };
    let orders: Vec<YesOrder> = levels(Side::Buy).chain(levels(Side::Sell)).collect();
    let (one, two) = side_scores(program, mid, &orders);
    q_min(one, two, mid)
}

/// Our share of the pool, and the daily reward it earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RewardEstimate {
    /// Our Q_min.
    pub ours: Decimal,
    /// Fraction of the pool, [0, 1].
    pub share: Decimal,
    /// pUSD per day at that share.
    pub daily: Decimal,
}

/// Our share and daily reward if our Q_min is `ours` and everyone else's `others`.
pub fn estimate(program: &RewardProgram, ours: Decimal, others: Decimal) -> RewardEstimate {
    let total = ours + others;
    let share = if total.is_zero() { Decimal::ZERO } else { ours / total };
    RewardEstimate { ours, share, daily: share * program.daily_rate }
}

/// What the quoting objective needs to weigh rewards against spread capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Objective {
    /// Expected adverse move after a fill, price units (from markouts).
    pub adverse: Decimal,
    /// Fill intensity decay with distance (Avellaneda–Stoikov `k`): P(fill) ∝ e^(−k·d).
    pub decay: Decimal,
    /// Fills per hour at zero distance.
    pub fills_per_hour_at_touch: Decimal,
    /// Size per side.
    pub size: Decimal,
    /// Others' Q_min.
    pub others_q: Decimal,
}

/// Expected pUSD per hour of quoting both sides at `distance` from the mid: fill rate ×
/// (distance − adverse) × size, plus the hourly reward share when the size qualifies.
/// `decay` is the objective's decay in `f64` (the same for every candidate).
fn hourly_value(
    program: Option<&RewardProgram>,
    objective: &Objective,
    decay: f64,
    distance: Decimal,
    mid: Decimal,
) -> Decimal {
    let intensity = to_decimal_fast((-decay * to_f64(distance)).exp(), Decimal::ZERO);
    let fill_rate = objective.fills_per_hour_at_touch * intensity;
    let capture = fill_rate * (distance - objective.adverse) * objective.size;
    let reward = program.map_or(Decimal::ZERO, |program| {
        let one_side = order_score(program, distance)
            * objective.size
            * Decimal::from(u8::from(objective.size >= program.min_size));
        estimate(program, q_min(one_side, one_side, mid), objective.others_q).daily / Decimal::from(24)
    });
    capture + reward
}

/// The distance from the mid in `[min, max]`, in `step`s, with the highest hourly value
/// (the smallest such distance on ties, which queues first).
pub fn best_distance(
    program: Option<&RewardProgram>,
    objective: &Objective,
    mid: Decimal,
    min: Decimal,
    max: Decimal,
    step: Decimal,
) -> Decimal {
    if step <= Decimal::ZERO || max < min {
        return min;
    }
    let decay = to_f64(objective.decay);
    let mut best = (min, hourly_value(program, objective, decay, min, mid));
    let mut distance = min + step;
    while distance <= max {
        let value = hourly_value(program, objective, decay, distance, mid);
        if value > best.1 {
            best = (distance, value);
        }
        distance += step;
    }
    best.0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::strategy::book_stats::tests::book_of;

    fn program() -> RewardProgram {
        RewardProgram { max_spread: dec!(0.03), min_size: dec!(20), daily_rate: dec!(240) }
    }

    #[test]
    fn the_documented_worked_example() {
        let orders = [
            (Side::Buy, dec!(0.49), dec!(100)),
            (Side::Buy, dec!(0.48), dec!(200)),
            (Side::Buy, dec!(0.49), dec!(100)),
        ];
        let (one, two) = side_scores(&program(), dec!(0.50), &orders);
        assert_eq!(one.round_dp(1), dec!(111.1));
        assert_eq!(two, dec!(0));
    }

    #[test]
    fn order_score_table() {
        let table = [
            (dec!(0), dec!(1)),
            (dec!(0.015), dec!(0.25)),
            (dec!(0.03), dec!(0)),
            (dec!(0.05), dec!(0)),
            (dec!(-0.01), dec!(0)),
        ];
        for (distance, expected) in table {
            assert_eq!(order_score(&program(), distance), expected, "{distance}");
        }
    }

    #[test]
    fn small_orders_do_not_score_and_single_sides_count_a_third() {
        let (one, _) = side_scores(&program(), dec!(0.5), &[(Side::Buy, dec!(0.5), dec!(19))]);
        assert_eq!(one, dec!(0));
        assert_eq!(q_min(dec!(90), dec!(0), dec!(0.5)), dec!(30));
        assert_eq!(q_min(dec!(90), dec!(0), dec!(0.95)), dec!(0), "near the edges both sides are required");
        assert_eq!(q_min(dec!(90), dec!(60), dec!(0.5)), dec!(60));
    }

    #[test]
    fn share_and_daily_reward() {
        let e = estimate(&program(), dec!(30), dec!(90));
        assert_eq!((e.share, e.daily), (dec!(0.25), dec!(60)));
        assert_eq!(estimate(&program(), dec!(0), dec!(0)).share, dec!(0));
        let book = book_of(&[(4_900, 100), (4_000, 1_000)], &[(5_100, 100)]);
        let theirs = others_q(&program(), &book, dec!(0.5));
        assert_eq!(theirs.round_dp(4), dec!(44.4444), "levels outside the band do not count");
    }

    #[test]
    fn rewards_pull_the_quote_inside_the_band() {
        let objective = Objective {
            adverse: dec!(0.005),
            decay: dec!(50),
            fills_per_hour_at_touch: dec!(10),
            size: dec!(20),
            others_q: dec!(50),
        };
        let without = best_distance(None, &objective, dec!(0.5), dec!(0.01), dec!(0.08), dec!(0.01));
        let rich = RewardProgram { daily_rate: dec!(2_400), ..program() };
        let with = best_distance(Some(&rich), &objective, dec!(0.5), dec!(0.01), dec!(0.08), dec!(0.01));
        assert_eq!(without, dec!(0.03), "spread capture alone peaks at 1/k + adverse");
        assert_eq!(with, dec!(0.01), "a rich pool pays for quoting close to the mid");
        let small = Objective { size: dec!(10), ..objective };
        assert_eq!(
            best_distance(Some(&rich), &small, dec!(0.5), dec!(0.01), dec!(0.08), dec!(0.01)),
            without,
            "below min size no reward"
        );
    }

    proptest! {
        #[test]
        fn orders_under_the_minimum_never_score(price in 1u32..99, size in 0u32..20, buy in any::<bool>()) {
            let side = if buy { Side::Buy } else { Side::Sell };
            let (one, two) = side_scores(&program(), dec!(0.5), &[(side, Decimal::new(i64::from(price), 2), Decimal::from(size))]);
            prop_assert_eq!((one, two), (Decimal::ZERO, Decimal::ZERO));
        }

        #[test]
        fn scores_are_within_zero_and_one_and_fall_with_distance(a in 0u32..60, b in 0u32..60) {
            let (near, far) = (Decimal::new(i64::from(a.min(b)), 3), Decimal::new(i64::from(a.max(b)), 3));
            let (sn, sf) = (order_score(&program(), near), order_score(&program(), far));
            prop_assert!(sn >= sf && sf >= Decimal::ZERO && sn <= Decimal::ONE);
        }

        #[test]
        fn share_is_a_fraction(ours in 0u32..1_000, others in 0u32..1_000) {
            let e = estimate(&program(), Decimal::from(ours), Decimal::from(others));
            prop_assert!(e.share >= Decimal::ZERO && e.share <= Decimal::ONE && e.daily <= program().daily_rate);
        }
    }

    #[test]
    fn the_two_sided_rule_changes_at_ten_and_ninety_cents() {
        let table = [
            (dec!(0.10), dec!(30)),
            (dec!(0.90), dec!(30)),
            (dec!(0.0999), dec!(0)),
            (dec!(0.9001), dec!(0)),
        ];
        for (mid, expected) in table {
            assert_eq!(q_min(dec!(90), dec!(0), mid), expected, "{mid}");
        }
    }

    #[test]
    fn best_distance_handles_degenerate_ranges() {
        let objective = Objective {
            adverse: dec!(0),
            decay: dec!(100),
            fills_per_hour_at_touch: dec!(10),
            size: dec!(20),
            others_q: dec!(0),
        };
        assert_eq!(
            best_distance(None, &objective, dec!(0.5), dec!(0.02), dec!(0.01), dec!(0.01)),
            dec!(0.02)
        );
        assert_eq!(best_distance(None, &objective, dec!(0.5), dec!(0.02), dec!(0.05), dec!(0)), dec!(0.02));
    }
}
