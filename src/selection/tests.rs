use proptest::prelude::*;
use rust_decimal_macros::dec;

use super::*;

const NOW: u64 = 1_700_000_000;

fn filters() -> Filters {
    crate::testkit::filters()
}

fn rules(max_markets: usize) -> SelectionRules {
    SelectionRules { include: Vec::new(), filters: Some(filters()), max_markets }
}

fn listing(n: u8, volume: u32, reward: u32) -> MarketInfo {
    crate::testkit::listing(n, volume, reward, NOW + 30 * 86_400)
}

fn ids(chosen: &[MarketInfo]) -> Vec<u8> {
    chosen.iter().map(|m| m.condition_id.as_bytes()[0]).collect()
}

#[test]
fn listings_become_scorer_facts() {
    let market = MarketInfo { end_secs: None, ..listing(1, 5_000, 120) };
    let facts = facts(&market, NOW);
    assert_eq!((facts.volume_24h, facts.spread, facts.mid), (dec!(5000), dec!(0.04), dec!(0.50)));
    assert_eq!((facts.hours_to_resolution, facts.reward_daily_rate), (dec!(8760), dec!(120)));
}

#[test]
fn each_filter_and_the_venue_can_refuse() {
    let table = [
        (listing(1, 50_000, 0), None),
        (listing(1, 10, 0), Some("markets.min_volume")),
        (
            MarketInfo { best_ask: dec!(0.485), ..listing(1, 50_000, 0) },
            Some("markets.min_spread / max_spread"),
        ),
        (
            MarketInfo { end_secs: Some(NOW + 3_600), ..listing(1, 50_000, 0) },
            Some("markets.min_hours_to_resolution"),
        ),
        (
            MarketInfo { best_bid: dec!(0.96), best_ask: dec!(0.98), ..listing(1, 50_000, 0) },
            Some("markets.min_price / max_price"),
        ),
        (
            MarketInfo { accepting_orders: false, ..listing(1, 50_000, 0) },
            Some("the venue (not accepting orders)"),
        ),
    ];
    for (market, expected) in table {
        assert_eq!(refusal(&market, &filters(), NOW), expected);
        assert_eq!(passes(&market, &filters(), NOW), expected.is_none());
    }
}

#[test]
fn the_best_scores_win_and_the_maximum_holds() {
    let listed = [listing(1, 50_000, 0), listing(2, 90_000, 400), listing(3, 10, 0), listing(4, 20_000, 0)];
    assert_eq!(ids(&select(&rules(2), &listed, &BTreeSet::new(), NOW)), [2, 1]);
    assert_eq!(refusals(&rules(2), &listed, NOW), "; 1 refused by markets.min_volume");
}

#[test]
fn included_and_held_markets_come_first_whatever_the_filters_say() {
    let listed = [listing(1, 50_000, 0), listing(2, 90_000, 400), listing(3, 10, 0)];
    let held = BTreeSet::from([ConditionId::from_bytes([3; 32])]);
    assert_eq!(ids(&select(&rules(2), &listed, &held, NOW)), [3, 2]);
    let include = SelectionRules { include: vec![ConditionId::from_bytes([1; 32])], ..rules(1) };
    assert_eq!(ids(&select(&include, &listed, &BTreeSet::new(), NOW)), [1]);
}

#[test]
fn without_filters_every_listing_qualifies() {
    let open = SelectionRules { filters: None, ..rules(3) };
    let listed: Vec<MarketInfo> = (1..=5).map(|n| listing(n, 10, 0)).collect();
    assert_eq!(select(&open, &listed, &BTreeSet::new(), NOW).len(), 3);
    assert_eq!(refusals(&open, &listed, NOW), "");
}

#[test]
fn budgets_follow_scores_and_cap_each_market_at_half() {
    let chosen = [listing(1, 50_000, 0), listing(2, 90_000, 400)];
    let split = budgets(dec!(600), &chosen, NOW);
    let (plain, rich) = (split[&chosen[0].condition_id], split[&chosen[1].condition_id]);
    assert!(rich > plain && rich <= dec!(300), "{rich} vs {plain}");
    assert!(rich + plain <= dec!(600));
}

proptest! {
    #[test]
    fn selection_is_capped_and_best_first(volumes in proptest::collection::vec(0u32..200_000, 0..30), max in 0usize..10) {
        let listed: Vec<MarketInfo> = volumes.iter().enumerate().map(|(i, v)| listing(i as u8, *v, 0)).collect();
        let chosen = select(&rules(max), &listed, &BTreeSet::new(), NOW);
        prop_assert!(chosen.len() <= max);
        let scores: Vec<Decimal> = chosen.iter().map(|m| scorer::score(&facts(m, NOW))).collect();
        prop_assert!(scores.windows(2).all(|w| w[0] >= w[1]));
        prop_assert!(chosen.iter().all(|m| passes(m, &filters(), NOW)));
    }
}
