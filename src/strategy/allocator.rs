//! Capital allocation across the pool of chosen markets: each market's budget is its share
//! of the total score, capped per market, so better markets quote larger while no single
//! market takes more than the cap. What the cap leaves over is not forced elsewhere (it
//! stays as headroom for the risk limits).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

/// Budgets, pUSD per market, for `capital` split over `scored` markets by score, each at
/// most `cap`. Markets with a non-positive score get nothing.
pub fn allocate<K: Ord + Clone>(
    capital: Decimal,
    scored: &[(K, Decimal)],
    cap: Decimal,
) -> BTreeMap<K, Decimal> {
    let total: Decimal = scored.iter().map(|(_, s)| (*s).max(Decimal::ZERO)).sum();
    scored
        .iter()
        .map(|(id, score)| {
            let share = if total.is_zero() { Decimal::ZERO } else { score.max(&Decimal::ZERO) / total };
            (id.clone(), (capital * share).min(cap).max(Decimal::ZERO).round_dp(2))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn budgets_follow_scores_and_respect_the_cap() {
        let scored = vec![
            ("a".to_string(), dec!(0.6)),
            ("b".to_string(), dec!(0.3)),
            ("c".to_string(), dec!(0.1)),
            ("d".to_string(), dec!(-1)),
        ];
        let budgets = allocate(dec!(1000), &scored, dec!(500));
        assert_eq!(budgets["a"], dec!(500));
        assert_eq!(budgets["b"], dec!(300));
        assert_eq!(budgets["c"], dec!(100));
        assert_eq!(budgets["d"], dec!(0));
        assert!(allocate::<String>(dec!(1000), &[], dec!(10)).is_empty());
    }

    proptest! {
        #[test]
        fn never_more_than_the_capital_or_the_cap(scores in proptest::collection::vec(0u32..100, 1..20), capital in 0u32..100_000, cap in 1u32..50_000) {
            let scored: Vec<(String, Decimal)> = scores.iter().enumerate().map(|(i, s)| (format!("m{i:02}"), Decimal::from(*s))).collect();
            let budgets = allocate(Decimal::from(capital), &scored, Decimal::from(cap));
            let sum: Decimal = budgets.values().sum();
            prop_assert!(sum <= Decimal::from(capital) + dec!(0.1));
            prop_assert!(budgets.values().all(|b| *b <= Decimal::from(cap) && *b >= Decimal::ZERO));
        }
    }

    #[test]
    fn budgets_split_evenly_on_equal_scores() {
        let scored: Vec<(String, Decimal)> = (0..4).map(|i| (format!("m{i}"), dec!(0.5))).collect();
        assert!(allocate(dec!(100), &scored, dec!(100)).values().all(|b| *b == dec!(25)));
        assert!(allocate(dec!(100), &[("z".to_string(), dec!(0))], dec!(100)).values().all(Decimal::is_zero));
    }
}
