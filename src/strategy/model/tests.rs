use proptest::prelude::*;
use rust_decimal_macros::dec;

use super::*;
use crate::domain::Outcome;
use crate::strategy::book_stats::tests::book_of;

fn quote_params() -> QuoteParams {
    QuoteParams { spread_max: dec!(0.12), size: dec!(20), ..crate::testkit::quote_params() }
}

fn model(kind: StrategyKind) -> QuoteModel {
    QuoteModel::new(ModelParams::new(kind, quote_params()))
}

fn wide_book() -> Book {
    book_of(&[(4_000, 100)], &[(6_000, 100)])
}

fn plan(model: &mut QuoteModel, now_ms: u64, book: &Book, position: Decimal) -> Result<Quote, NoQuote> {
    model.plan(now_ms, book, TickSize::Hundredth, dec!(5), position)
}

/// Feeds alternating mids a second apart, moving `step` each time.
fn shake(model: &mut QuoteModel, seconds: u64, step: u32) {
    for second in 0..seconds {
        let bid = if second % 2 == 0 { 4_000 } else { 4_000 + step };
        model.observe_book(
            second * 1_000,
            &book_of(&[(bid, 1_000)], &[(bid + 200, 1_000)]),
            None,
            None,
            TickSize::Hundredth,
        );
    }
}

fn buy_fill(model: &mut QuoteModel, now_ms: u64, price: Decimal) {
    let fill = Fill { outcome: Outcome::Yes, side: Side::Buy, price, size: dec!(5), fee: Decimal::ZERO };
    model.observe_fill(now_ms, fill, Side::Buy, price);
}

#[test]
fn fixed_quotes_the_seeds_spread_skewed_against_inventory_whatever_happens() {
    let mut fixed = model(StrategyKind::Fixed);
    shake(&mut fixed, 30, 300);
    let q = plan(&mut fixed, 30_000, &wide_book(), dec!(60)).unwrap();
    assert_eq!((q.mid, q.spread), (dec!(0.488), dec!(0.04)), "0.5 less 60/100 of the 0.02 skew");
    assert_eq!((q.bid.map(|p| p.value()), q.ask.map(|p| p.value())), (Some(dec!(0.46)), Some(dec!(0.51))));
    assert_eq!((q.bid_size.value(), q.ask_size.value()), (dec!(20), dec!(20)), "full size below the limit");
    assert_eq!(fixed.signals().strategy, "fixed");
}

#[test]
fn avellaneda_stoikov_reserves_against_inventory() {
    let mut model = model(StrategyKind::AvellanedaStoikov);
    let flat = plan(&mut model, 0, &wide_book(), dec!(0)).unwrap();
    let long = plan(&mut model, 0, &wide_book(), dec!(60)).unwrap();
    let short = plan(&mut model, 0, &wide_book(), dec!(-60)).unwrap();
    assert_eq!(flat.mid, dec!(0.5));
    assert!(long.mid < flat.mid && short.mid > flat.mid, "{} {} {}", long.mid, flat.mid, short.mid);
    assert!(flat.spread >= dec!(0.02) && flat.spread <= dec!(0.12));
}

#[test]
fn polymm_widens_with_volatility() {
    let mut calm = model(StrategyKind::Polymm);
    shake(&mut calm, 30, 0);
    let quiet = plan(&mut calm, 30_000, &wide_book(), dec!(0)).unwrap();
    let mut loud = model(StrategyKind::Polymm);
    shake(&mut loud, 30, 100);
    let shaken = plan(&mut loud, 30_000, &wide_book(), dec!(0)).unwrap();
    assert_eq!(quiet.spread, dec!(0.02), "a still market quotes the narrowest spread");
    assert!(shaken.spread > quiet.spread, "{} vs {}", shaken.spread, quiet.spread);
    assert!(loud.signals().spread_why.contains("risk 0.01"), "{}", loud.signals().spread_why);
}

#[test]
fn polymm_widens_then_only_reduces_as_resolution_nears() {
    let mut params = ModelParams::new(StrategyKind::Polymm, quote_params());
    params.end_ms = Some(3_600_000);
    let mut model = QuoteModel::new(params);
    assert_eq!(plan(&mut model, 0, &wide_book(), dec!(0)).unwrap().spread, dec!(0.02));
    let close = plan(&mut model, 3_300_000, &wide_book(), dec!(0)).unwrap();
    assert!(close.spread > dec!(0.02), "inside six minutes: wider");
    assert_eq!(plan(&mut model, 3_500_000, &wide_book(), dec!(0)), Err(NoQuote::Resolving));
    assert!(model.signals().event.contains("pulled"));
    let long = plan(&mut model, 3_500_000, &wide_book(), dec!(12)).unwrap();
    assert_eq!((long.bid, long.ask_size.value()), (None, dec!(12)), "only the sale of what is held");
    assert!(model.signals().event.contains("reducing"));
}

#[test]
fn polymm_pauses_on_toxic_fills_then_comes_back() {
    let mut model = model(StrategyKind::Polymm);
    let falling = |bid: u32| book_of(&[(bid, 100)], &[(bid + 200, 100)]);
    for i in 0..4u32 {
        let at = u64::from(i) * 20_000;
        buy_fill(&mut model, at, dec!(0.50));
        model.observe_book(at + 10_000, &falling(4_000), None, None, TickSize::Hundredth);
    }
    assert_eq!(model.signals().toxicity, dec!(0), "not planned yet");
    assert_eq!(plan(&mut model, 80_000, &falling(4_000), dec!(0)), Err(NoQuote::Toxic));
    assert!(model.signals().toxic_action.contains("Pause"));
    assert_eq!(plan(&mut model, 100_000, &falling(4_000), dec!(0)), Err(NoQuote::Toxic));
    assert!(plan(&mut model, 110_001, &falling(4_000), dec!(0)).is_ok(), "30 s later it quotes again");
}

#[test]
fn polymm_widens_and_shrinks_on_moderately_toxic_fills() {
    let mut model = model(StrategyKind::Polymm);
    for i in 0..6u64 {
        buy_fill(&mut model, i * 20_000, dec!(0.50));
        let later = if i == 0 { (5_150, 5_350) } else { (4_650, 4_850) };
        model.observe_book(
            i * 20_000 + 10_000,
            &book_of(&[(later.0, 100)], &[(later.1, 100)]),
            None,
            None,
            TickSize::Hundredth,
        );
    }
    let q = plan(&mut model, 120_000, &wide_book(), dec!(0)).unwrap();
    assert!(model.signals().toxic_action.starts_with("Shrink"), "{}", model.signals().toxic_action);
    assert!(q.spread > dec!(0.02), "the markouts ask for more distance: {}", q.spread);
    assert_eq!(q.bid_size.value(), dec!(10), "and the size is halved");
}

#[test]
fn polymm_tightens_inside_a_rich_reward_band() {
    let mut params = ModelParams::new(StrategyKind::Polymm, quote_params());
    params.avellaneda.k = dec!(25);
    let mut plain = QuoteModel::new(params);
    params.rewards =
        Some(RewardProgram { max_spread: dec!(0.03), min_size: dec!(20), daily_rate: dec!(5_000) });
    let mut rewarded = QuoteModel::new(params);
    let without = plan(&mut plain, 0, &wide_book(), dec!(0)).unwrap();
    let with = plan(&mut rewarded, 0, &wide_book(), dec!(0)).unwrap();
    assert_eq!(without.spread, dec!(0.08), "spread capture alone: 1/k from the mid");
    assert!(with.spread < dec!(0.06), "the pool pays for quoting inside its band: {}", with.spread);
    assert!(rewarded.signals().spread_why.contains("rewards"));
    plan(&mut rewarded, 60_000, &wide_book(), dec!(0)).unwrap();
    assert!(
        rewarded.signals().reward_share > dec!(0.9),
        "alone in the band: {}",
        rewarded.signals().reward_share
    );
    assert!(rewarded.signals().reward_accrued > Decimal::ZERO);
}

#[test]
fn polymm_tightens_limits_after_losses() {
    let mut model = model(StrategyKind::Polymm);
    plan(&mut model, 0, &wide_book(), dec!(0)).unwrap();
    assert_eq!(model.signals().position_limit, dec!(100));
    model.set_day_pnl(dec!(-50));
    let q = plan(&mut model, 1_000, &wide_book(), dec!(45)).unwrap();
    assert_eq!(model.signals().position_limit, dec!(50));
    assert_eq!(q.bid, None, "long 45 of a limit of 50: no room for 20 more");
    assert!(q.ask.is_some());
}

#[test]
fn flow_is_measured_and_priced_only_when_asked() {
    let mut model = model(StrategyKind::Polymm);
    for i in 0..10 {
        model.observe_trade(i * 1_000, Side::Buy, dec!(50));
    }
    let q = plan(&mut model, 10_000, &wide_book(), dec!(0)).unwrap();
    assert_eq!((model.signals().flow_imbalance, q.spread), (dec!(1), dec!(0.02)));
    let mut params = ModelParams::new(StrategyKind::Polymm, quote_params());
    params.flow_premium = dec!(0.02);
    let mut priced = QuoteModel::new(params);
    for i in 0..10 {
        priced.observe_trade(i * 1_000, Side::Buy, dec!(50));
    }
    assert!(plan(&mut priced, 10_000, &wide_book(), dec!(0)).unwrap().spread > dec!(0.02));
}

#[test]
fn polymm_steps_in_front_of_the_best_quote_but_not_into_the_mid() {
    let mut model = model(StrategyKind::Polymm);
    let q = plan(&mut model, 0, &wide_book(), dec!(0)).unwrap();
    assert_eq!((q.bid.map(|p| p.value()), q.ask.map(|p| p.value())), (Some(dec!(0.41)), Some(dec!(0.59))));
    let tight = book_of(&[(4_900, 100)], &[(5_100, 100)]);
    let q = plan(&mut model, 1_000, &tight, dec!(0)).unwrap();
    assert_eq!(
        (q.bid.map(|p| p.value()), q.ask.map(|p| p.value())),
        (Some(dec!(0.49)), Some(dec!(0.51))),
        "joins the best level: a tick in front would leave no edge"
    );
}

#[test]
fn every_strategy_fills_in_its_signals() {
    for kind in [StrategyKind::Polymm, StrategyKind::Fixed, StrategyKind::AvellanedaStoikov] {
        let mut model = model(kind);
        plan(&mut model, 0, &wide_book(), dec!(0)).unwrap();
        let s = model.signals();
        assert!(
            !s.spread_why.is_empty() && s.spread > Decimal::ZERO && !s.cadence.is_empty(),
            "{kind:?}: {s:?}"
        );
    }
}

fn any_kind() -> impl Strategy<Value = StrategyKind> {
    prop_oneof![Just(StrategyKind::Polymm), Just(StrategyKind::Fixed), Just(StrategyKind::AvellanedaStoikov)]
}

proptest! {
    #[test]
    fn quotes_are_on_grid_inside_the_book_and_within_limits(
        kind in any_kind(), bid in 500u32..9_000, width in 1u32..30, position in -150i64..150, shake_by in 0u32..500
    ) {
        let bid = bid / 100 * 100;
        let ask = (bid + width * 100).min(9_900);
        prop_assume!(ask > bid);
        let mut model = model(kind);
        shake(&mut model, 12, shake_by);
        let book = book_of(&[(bid, 50)], &[(ask, 50)]);
        let position = Decimal::from(position);
        let Ok(q) = plan(&mut model, 12_000, &book, position) else { return Ok(()) };
        if let (Some(b), Some(a)) = (q.bid, q.ask) {
            prop_assert!(b < a);
        }
        if let Some(b) = q.bid {
            prop_assert!(TickSize::Hundredth.admits(b.value()) && b.value() < pips_decimal(ask));
            prop_assert!(q.bid_size.value() <= dec!(20) && q.bid_size.value() >= dec!(5));
            // The daemon never quotes past its limit; the seed (`fixed`) quotes full size
            // until the limit is reached.
            let seed_room = kind == StrategyKind::Fixed && position < dec!(100);
            prop_assert!(position + q.bid_size.value() <= dec!(100) || position < Decimal::ZERO || seed_room);
        }
        if let Some(a) = q.ask {
            prop_assert!(TickSize::Hundredth.admits(a.value()) && a.value() > pips_decimal(bid));
            prop_assert!(q.ask_size.value() <= dec!(20));
            let seed_room = kind == StrategyKind::Fixed && position > dec!(-100);
            prop_assert!(position - q.ask_size.value() >= dec!(-100) || position > Decimal::ZERO || seed_room);
        }
        if kind != StrategyKind::Fixed && position.abs() >= dec!(10) {
            prop_assert!(model.signals().skew.is_sign_negative() == (position > Decimal::ZERO) || model.signals().skew.is_zero());
        }
    }
}
