//! The strategy as configured: the seed's variable names reach the model, the market
//! scorer ranks and filters listings, and the allocator splits the exposure budget.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use polymm::config::{Config, EnvSnapshot, LoadOptions, Mode, load};
use polymm::domain::ConditionId;
use polymm::selection::{budgets, select};
use polymm::strategy::StrategyKind;
use polymm::system::{model_params, selection_rules};
use polymm::testkit::listing;
use rust_decimal_macros::dec;

fn config(env: &[(&str, &str)], overrides: &[(&str, &str)]) -> Config {
    let options = LoadOptions {
        config_path: None,
        env: EnvSnapshot::from_pairs(env.iter().copied()),
        overrides: overrides.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    };
    load(&options).unwrap().config
}

#[test]
fn the_seeds_variables_reach_the_model() {
    let c = config(
        &[
            ("KELLY_FRACTION", "0.1"),
            ("ADVERSE_TOXIC_THRESHOLD", "0.55"),
            ("FLOW_WINDOW_SECONDS", "30"),
            ("FLOW_IMBALANCE_THRESHOLD", "0.3"),
            ("REGIME_WINDOW_SIZE", "20"),
            ("SPREAD_MIN", "0.03"),
            ("RISK_MAX_DAILY_LOSS", "80"),
        ],
        &[("quoting.strategy", "avellaneda-stoikov")],
    );
    let params = model_params(&c);
    assert_eq!(params.kind, StrategyKind::AvellanedaStoikov);
    assert_eq!((params.kelly_fraction, params.toxic_threshold), (dec!(0.1), dec!(0.55)));
    assert_eq!((params.flow_window_ms, params.flow_threshold, params.regime_window), (30_000, dec!(0.3), 20));
    assert_eq!((params.quote.spread_min, params.max_daily_loss), (dec!(0.03), dec!(80)));
    assert_eq!(model_params(&config(&[], &[])).kind, StrategyKind::Polymm, "the full model by default");
}

#[test]
fn the_scorer_ranks_live_listings_and_the_allocator_splits_the_budget() {
    let c = config(
        &[],
        &[
            ("mode", "paper"),
            ("markets.max_markets", "2"),
            ("markets.min_volume", "1000"),
            ("risk.max_total_exposure", "600"),
        ],
    );
    assert_eq!(c.mode, Mode::Paper);
    let listings = vec![
        listing(1, 50_000, 0, 2_000_000_000),
        listing(2, 90_000, 400, 2_000_000_000),
        listing(3, 10, 0, 2_000_000_000),
        listing(4, 20_000, 0, 2_000_000_000),
    ];
    let chosen = select(&selection_rules(&c), &listings, &Default::default(), 1_700_000_000);
    let ids: Vec<ConditionId> = chosen.iter().map(|m| m.condition_id).collect();
    assert_eq!(
        ids,
        [ConditionId::from_bytes([2; 32]), ConditionId::from_bytes([1; 32])],
        "rewards and volume first; too little volume out"
    );
    let held = std::collections::BTreeSet::from([ConditionId::from_bytes([3; 32])]);
    let with_held: Vec<ConditionId> = select(&selection_rules(&c), &listings, &held, 1_700_000_000)
        .iter()
        .map(|m| m.condition_id)
        .collect();
    assert_eq!(
        with_held,
        [ConditionId::from_bytes([3; 32]), ConditionId::from_bytes([2; 32])],
        "a market we hold shares of is kept whatever the filters say, ahead of the rest"
    );
    let split = budgets(c.risk.max_total_exposure.value(), &chosen, 1_700_000_000);
    let (rich, plain) = (split[&chosen[0].condition_id], split[&chosen[1].condition_id]);
    assert!(rich > plain && rich <= dec!(300), "{rich} vs {plain}");
    assert!(rich + plain <= dec!(600));
}

#[test]
fn in_sim_mode_every_listing_qualifies_up_to_the_maximum() {
    let c = config(&[], &[("markets.max_markets", "3"), ("markets.min_volume", "1000000")]);
    let listings: Vec<_> = (1..=5).map(|n| listing(n, 10, 0, 2_000_000_000)).collect();
    assert_eq!(select(&selection_rules(&c), &listings, &Default::default(), 1_700_000_000).len(), 3);
}
