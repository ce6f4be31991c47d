use rust_decimal_macros::dec;

use super::*;
use crate::domain::OwnFill;
use crate::domain::book::Level;
use crate::domain::{ConditionId, DesiredOrder, OrderChange, Price, Size};
use crate::strategy::{ModelParams, StrategyKind};

fn token(n: u8) -> TokenId {
    TokenId::from_be_bytes([n; 32])
}

/// The seed's fixed quote: prices these tests can state exactly.
fn core() -> MarketCore {
    core_with(StrategyKind::Fixed)
}

/// A market quoting with `kind` at spread 0.04, size 10, limit 100.
fn core_with(kind: StrategyKind) -> MarketCore {
    MarketCore::new(
        token(1),
        token(2),
        ModelParams::new(kind, crate::testkit::quote_params()),
        TickSize::Hundredth,
        dec!(5),
    )
}

fn book(bid: u32, ask: u32) -> Option<Book> {
    let mut book = Book::new();
    book.replace([Level { price: bid, size: 1_000_000 }], [Level { price: ask, size: 1_000_000 }], 0);
    Some(book)
}

fn places(intents: &[Intent]) -> Vec<(u64, DesiredOrder)> {
    intents
        .iter()
        .filter_map(|i| if let Intent::Place { key, order } = i { Some((*key, *order)) } else { None })
        .collect()
}

fn cancels(intents: &[Intent]) -> Vec<OrderId> {
    intents.iter().filter_map(|i| if let Intent::Cancel(id) = i { Some(*id) } else { None }).collect()
}

/// A trade in which our order `order` bought 10 of `asset` at 0.48.
fn bought_ten(id: &str, order: OrderId, asset: TokenId, state: TradeState) -> TradeUpdate {
    TradeUpdate {
        id: id.into(),
        state,
        market: ConditionId::from_bytes([0; 32]),
        fills: vec![OwnFill {
            order,
            asset,
            side: Side::Buy,
            price: dec!(0.48),
            size: dec!(10),
            maker: true,
        }],
    }
}

/// A reconciled, quoting market with both quotes acknowledged; returns their ids.
fn quoting() -> (MarketCore, Vec<OrderId>) {
    let mut core = core();
    assert!(core.on_book(book(4_500, 5_500).as_ref()).is_empty(), "not reconciled yet");
    let intents = core.reconcile(Vec::new(), dec!(0), dec!(0));
    let placed = places(&intents);
    assert_eq!(placed.len(), 2);
    let ids: Vec<OrderId> = placed.iter().map(|(key, _)| OrderId::from_bytes([*key as u8; 32])).collect();
    for ((key, _), id) in placed.iter().zip(&ids) {
        core.on_placed(*key, Some(*id));
    }
    (core, ids)
}

#[test]
fn quotes_appear_once_reconciled_and_waits_for_acks() {
    let mut core = core();
    core.on_book(book(4_500, 5_500).as_ref());
    assert_eq!(core.idle_reason(), Some(Idle::Reconciling));
    let intents = core.reconcile(Vec::new(), dec!(0), dec!(0));
    let placed = places(&intents);
    assert_eq!(
        placed[0].1,
        DesiredOrder {
            outcome: Outcome::Yes,
            side: Side::Buy,
            price: Price::new(dec!(0.48)).unwrap(),
            size: Size::whole(10)
        }
    );
    assert_eq!(
        (placed[1].1.outcome, placed[1].1.side, placed[1].1.price.value()),
        (Outcome::No, Side::Buy, dec!(0.48))
    );
    assert_eq!(core.idle_reason(), Some(Idle::AwaitingAcks));
    assert!(
        core.on_book(book(4_400, 5_400).as_ref()).is_empty(),
        "nothing new until the placements are acknowledged"
    );
}

#[test]
fn small_moves_keep_orders_and_large_moves_replace_them() {
    let (mut core, ids) = quoting();
    assert!(core.on_book(book(4_500, 5_500).as_ref()).is_empty());
    let moved = core.on_book(book(4_600, 5_600).as_ref());
    assert_eq!(cancels(&moved), ids, "a one-cent move passes the half-cent threshold");
    assert_eq!(places(&moved).len(), 2);
}

#[test]
fn fills_move_inventory_once_and_skew_the_next_quote() {
    let (mut core, ids) = quoting();
    let trade = |state| bought_ten("t1", ids[0], token(1), state);
    core.on_trade(&trade(TradeState::Matched));
    core.on_trade(&trade(TradeState::Mined));
    core.on_trade(&trade(TradeState::Confirmed));
    assert_eq!(core.inventory(), Inventory { yes: dec!(10), no: dec!(0), cash: dec!(-4.8) });
    core.on_order(&OrderUpdate {
        id: ids[0],
        market: ConditionId::from_bytes([0; 32]),
        asset: token(1),
        side: Side::Buy,
        price: dec!(0.48),
        original_size: dec!(10),
        size_matched: dec!(10),
        change: OrderChange::Update,
        status: "MATCHED".into(),
    });
    assert_eq!(core.resting().len(), 1, "the filled bid is gone");
    let intents = core.requote();
    let placed = places(&intents);
    assert!(
        placed.iter().any(|(_, o)| o.outcome == Outcome::Yes && o.side == Side::Sell),
        "holding YES, the ask sells it: {intents:?}"
    );
    core.on_trade(&trade(TradeState::Failed));
    assert_eq!(core.inventory(), Inventory::default(), "a failed settlement undoes the fill");
}

#[test]
fn disable_halt_and_restart_stop_quoting_until_allowed_again() {
    let (mut core, ids) = quoting();
    assert_eq!(cancels(&core.set_enabled(false)), ids);
    assert_eq!(core.idle_reason(), Some(Idle::Disabled));
    assert!(core.on_book(book(4_000, 6_000).as_ref()).is_empty());
    assert!(
        places(&core.set_enabled(true)).is_empty(),
        "the old orders still rest until their cancels are confirmed"
    );
    let (mut core, ids) = quoting();
    assert_eq!(cancels(&core.halt()), ids);
    assert!(core.on_book(book(4_000, 6_000).as_ref()).is_empty());
    core.invalidate();
    assert_eq!(core.orders_in(OrderState::Unknown).len(), 2, "after a crash our orders are unknown");
    assert_eq!(core.idle_reason(), Some(Idle::Halted));
    core.resume();
    assert_eq!(core.idle_reason(), Some(Idle::Reconciling));
}

/// The states of the placements still in flight.
fn in_flight(core: &MarketCore) -> Vec<OrderState> {
    core.pending.values().map(|p| p.state.state()).collect()
}

/// What the venue holds of our order `id` with `remaining` shares left.
fn venue_order(core: &MarketCore, id: OrderId, remaining: u32) -> RestingOrder {
    let ours = core.resting[&id].order;
    RestingOrder { remaining: Size::whole(remaining), ..ours }
}

#[test]
fn a_market_started_crashed_restarted_and_reconciled_walks_every_in_flight_state() {
    let mut core = core();
    core.on_book(book(4_500, 5_500).as_ref());
    let placed = places(&core.reconcile(Vec::new(), dec!(0), dec!(0)));
    assert_eq!(in_flight(&core), [OrderState::PendingNew; 2], "sent, not yet answered");
    let bid = OrderId::from_bytes([1; 32]);
    core.on_placed(placed[0].0, Some(bid));
    core.on_placed(placed[1].0, None);
    assert_eq!(core.orders_in(OrderState::Live), [bid]);
    assert_eq!((core.tally().accepted, core.tally().rejected), (1, 1), "one taken, one refused");
    core.set_now(60_000);
    assert_eq!(cancels(&core.set_enabled(false)), [bid]);
    assert_eq!(core.orders_in(OrderState::PendingCancel), [bid]);
    assert!(core.on_cancel_answer(&[], &[bid], false).is_empty());
    assert_eq!(core.orders_in(OrderState::Live), [bid], "a refused cancel leaves the order resting");
    assert_eq!((core.tally().cancel_refused, core.idle_reason()), (1, Some(Idle::Disabled)));
    core.set_enabled(true);
    assert_eq!(core.idle_reason(), Some(Idle::Reconciling), "the refusal put our view in doubt");

    let crashed = core.reconcile(vec![venue_order(&core, bid, 10)], dec!(0), dec!(0));
    let retry = places(&crashed);
    assert_eq!(in_flight(&core).len(), retry.len());
    core.invalidate();
    assert_eq!(core.orders_in(OrderState::Unknown), [bid], "after the crash nothing is known");
    assert!(in_flight(&core).is_empty(), "unanswered placements come back with the venue's orders");
    assert_eq!(core.idle_reason(), Some(Idle::Reconciling));

    let stranger = RestingOrder { id: OrderId::from_bytes([9; 32]), ..venue_order(&core, bid, 7) };
    core.on_book(book(4_500, 5_500).as_ref());
    core.halt();
    assert_eq!(
        core.orders_in(OrderState::Unknown),
        [bid],
        "a cancel of an unknown order waits for the answer"
    );
    core.reconcile(vec![venue_order(&core, bid, 6), stranger], dec!(4), dec!(0));
    assert_eq!(core.orders_in(OrderState::PartiallyFilled), [bid], "4 of 10 filled while we were down");
    assert_eq!(core.resting[&bid].order.remaining, Size::whole(6));
    assert_eq!(core.orders_in(OrderState::Live), [stranger.id], "an order we did not know of is adopted");
    let tally = core.tally();
    assert_eq!((tally.reconciled_open, tally.adopted, tally.reconciled_gone), (2, 1, 0));
    core.invalidate();
    core.reconcile(vec![venue_order(&core, stranger.id, 7)], dec!(10), dec!(0));
    assert!(!core.resting.contains_key(&bid), "gone from the venue: filled or cancelled");
    assert_eq!(core.tally().reconciled_gone, 1);
    assert!(core.take_fault().is_none(), "every transition was one the table allows");
}

#[test]
fn an_order_event_the_state_cannot_take_puts_the_view_in_doubt() {
    let (mut core, ids) = quoting();
    core.on_order(&own_bid_update(ids[0], dec!(25), OrderChange::Update, "LIVE"));
    assert_eq!(core.idle_reason(), Some(Idle::Reconciling), "25 matched of a 10-share order: read the venue");
    assert!(core.take_fault().is_none(), "the venue's word, not our bug: no restart");
}

#[test]
fn our_own_quotes_are_not_taken_for_the_market() {
    let (mut core, _) = quoting();
    let mut with_ours = Book::new();
    with_ours.replace(
        [Level { price: 4_500, size: 1_000_000 }, Level { price: 4_800, size: 10_000_000 }],
        [Level { price: 5_500, size: 1_000_000 }],
        0,
    );
    assert!(
        core.on_book(Some(&with_ours)).is_empty(),
        "our 0.48 bid does not lift the mid to 0.515: no churn"
    );
}

#[test]
fn an_ask_that_sells_held_yes_is_stable_once_placed() {
    let (mut core, ids) = quoting();
    let trade = bought_ten("t1", ids[0], token(1), TradeState::Matched);
    core.on_trade(&trade);
    let intents = core.requote();
    for id in cancels(&intents) {
        let cancelled = own_bid_update(id, dec!(0), OrderChange::Cancellation, "CANCELED");
        core.on_order(&OrderUpdate { asset: token(2), ..cancelled });
    }
    let placed = places(&intents);
    assert!(placed.iter().any(|(_, o)| (o.outcome, o.side) == (Outcome::Yes, Side::Sell)), "{intents:?}");
    for (key, _) in placed {
        core.on_placed(key, Some(OrderId::from_bytes([200 + key as u8; 32])));
    }
    assert!(core.requote().is_empty(), "the placed YES ask is kept, not flipped back to a NO bid");
}

/// An order event for one of our YES bids of 10 at 0.48.
fn own_bid_update(id: OrderId, size_matched: Decimal, change: OrderChange, status: &str) -> OrderUpdate {
    OrderUpdate {
        id,
        market: ConditionId::from_bytes([0; 32]),
        asset: token(1),
        side: Side::Buy,
        price: dec!(0.48),
        original_size: dec!(10),
        size_matched,
        change,
        status: status.into(),
    }
}

fn cancelled(core: &mut MarketCore, ids: &[OrderId]) {
    for id in ids {
        core.on_order(&own_bid_update(*id, dec!(0), OrderChange::Cancellation, "CANCELED"));
    }
}

#[test]
fn a_book_lost_past_the_threshold_pulls_the_quotes_and_a_resync_brings_them_back() {
    let (mut core, ids) = quoting();
    core.set_now(10_000);
    assert!(core.on_book(None).is_empty(), "a blip cancels nothing");
    assert!(cancels(&core.tick(12_999)).is_empty(), "not yet past 3 s");
    assert!(!core.disconnected());
    assert_eq!(cancels(&core.tick(13_000)), ids);
    assert!(core.disconnected());
    assert!(core.tick(14_000).is_empty(), "cancelled once");
    cancelled(&mut core, &ids);
    assert!(core.resting().is_empty());
    assert_eq!(places(&core.on_book(book(4_500, 5_500).as_ref())).len(), 2, "quotes come back after resync");
    assert!(!core.disconnected());
}

#[test]
fn orders_past_their_maximum_age_are_cancelled_then_requoted() {
    let mut core = core().with_safety(SafetyParams { disconnect_cancel_ms: 3_000, order_max_age_ms: 60_000 });
    core.set_now(1_000);
    core.on_book(book(4_500, 5_500).as_ref());
    let placed = places(&core.reconcile(Vec::new(), dec!(0), dec!(0)));
    let ids: Vec<OrderId> = placed.iter().map(|(key, _)| OrderId::from_bytes([*key as u8; 32])).collect();
    for ((key, _), id) in placed.iter().zip(&ids) {
        core.on_placed(*key, Some(*id));
    }
    assert!(core.tick(60_999).is_empty());
    let stale = core.tick(61_000);
    assert_eq!(cancels(&stale), ids);
    assert!(places(&stale).is_empty(), "replacements wait for the cancels");
    cancelled(&mut core, &ids);
    assert!(core.tick(61_100).is_empty(), "a quiet tick computes nothing");
    assert_eq!(places(&core.requote()).len(), 2, "the cancellations' events requote");
}

#[test]
fn marked_value_adds_cash_and_both_tokens_at_mid_and_new_fills_are_reported_once() {
    let (mut core, ids) = quoting();
    assert_eq!(core.marked_value(), Some(dec!(0)));
    let trade = |state| bought_ten("t9", ids[1], token(2), state);
    core.on_trade(&trade(TradeState::Matched));
    core.on_trade(&trade(TradeState::Confirmed));
    assert_eq!(core.marked_value(), Some(dec!(0.2)), "10 NO bought at 0.48 are worth 0.50 each");
    let fills = core.take_new_fills();
    assert_eq!(fills.len(), 1);
    assert!(!fills[0].undone);
    assert!(core.take_new_fills().is_empty());
    core.on_trade(&trade(TradeState::Failed));
    assert!(core.take_new_fills()[0].undone);
    core.on_book(None);
    assert_eq!(core.marked_value(), None);
}

#[test]
fn a_refused_placement_backs_off_instead_of_retrying_at_once() {
    let mut core = core();
    core.set_now(1_000);
    core.on_book(book(4_500, 5_500).as_ref());
    let placed = places(&core.reconcile(Vec::new(), dec!(0), dec!(0)));
    core.on_placed(placed[0].0, None);
    core.on_placed(placed[1].0, None);
    assert_eq!(core.idle_reason(), Some(Idle::Backoff));
    assert!(core.requote().is_empty(), "no retry inside the backoff");
    assert!(places(&core.tick(1_499)).is_empty(), "two refusals in a row: 250 then 500 ms");
    let retried = places(&core.tick(1_500));
    assert_eq!(retried.len(), 2);
    core.on_placed(retried[0].0, Some(OrderId::from_bytes([7; 32])));
    core.on_placed(retried[1].0, None);
    assert!(places(&core.tick(1_749)).is_empty(), "an acceptance restarts the doubling");
    assert_eq!(places(&core.tick(1_750)).len(), 1);
}

fn polymm_core() -> MarketCore {
    core_with(StrategyKind::Polymm)
}

#[test]
fn the_default_model_steps_in_front_of_a_wide_book() {
    let mut core = polymm_core();
    core.on_book(book(4_000, 6_000).as_ref());
    let placed = places(&core.reconcile(Vec::new(), dec!(0), dec!(0)));
    let prices: Vec<Decimal> = placed.iter().map(|(_, o)| o.price.value()).collect();
    assert_eq!(prices, [dec!(0.41), dec!(0.41)], "YES bid 0.41 and NO bid 0.41 (a YES ask at 0.59)");
    assert_eq!(core.signals().strategy, "polymm");
    assert!(core.signals().spread_why.starts_with("half"));
}

/// A reconciled polymm market with its first quotes acknowledged.
fn polymm_quoting() -> MarketCore {
    let mut core = polymm_core();
    core.on_book(book(4_000, 6_000).as_ref());
    for (key, _) in places(&core.reconcile(Vec::new(), dec!(0), dec!(0))) {
        core.on_placed(key, Some(OrderId::from_bytes([key as u8; 32])));
    }
    core
}

#[test]
fn prints_reach_the_flow_signal() {
    let mut core = polymm_quoting();
    for second in 0..12 {
        core.set_now(second * 1_000);
        core.on_print(Side::Sell, dec!(25));
    }
    core.set_now(12_000);
    core.requote();
    assert_eq!(core.signals().flow_imbalance, dec!(-1));
}

#[test]
fn losses_elsewhere_tighten_this_markets_limit() {
    let mut core = polymm_quoting();
    assert_eq!(core.signals().position_limit, dec!(100));
    core.set_day_pnl(dec!(-50));
    core.requote();
    assert_eq!(core.signals().position_limit, dec!(50), "half the daily loss limit (50) used: limits halve");
}

#[test]
fn our_fills_feed_the_models_ledger_and_pnl() {
    let (mut core, ids) = quoting();
    core.on_trade(&bought_ten("t1", ids[0], token(1), TradeState::Matched));
    let ledger = core.model().ledger();
    assert_eq!((ledger.yes.shares, ledger.yes.vwap()), (dec!(10), dec!(0.48)));
    let pnl = core.pnl();
    assert_eq!(pnl.unrealized, dec!(0.2), "marked at the 0.50 mid of the others' book");
    core.on_trade(&bought_ten("t1", ids[0], token(1), TradeState::Confirmed));
    assert_eq!(core.model().ledger().yes.shares, dec!(10), "a status change is not a second fill");
}

#[test]
fn a_quiet_market_is_re_evaluated_at_the_adaptive_cadence() {
    let (mut core, _) = quoting();
    assert!(core.tick(1_000).is_empty(), "nothing changed: nothing to send");
    assert_eq!(core.signals().cadence, "fast", "the book just moved");
    core.tick(90_000);
    assert_eq!(core.signals().cadence, "sleep", "a minute and a half without a move");
}

#[test]
fn a_trade_already_in_reconciled_shares_is_not_counted_again_but_reaches_the_ledger_once() {
    let (mut core, ids) = quoting();
    core.already_counted(vec![bought_ten("t9", ids[0], token(1), TradeState::Matched)]);
    core.reconcile(Vec::new(), dec!(10), dec!(0));
    let recorded = core.take_new_fills();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert!(recorded[0].reconciled && recorded[0].trade_id == "t9", "for the ledger, not the inventory");
    core.on_trade(&bought_ten("t9", ids[0], token(1), TradeState::Confirmed));
    assert_eq!(core.inventory().yes, dec!(10), "the venue's 10 shares already include t9");
    core.already_counted(vec![bought_ten("t9", ids[0], token(1), TradeState::Mined)]);
    assert!(core.take_new_fills().is_empty(), "a trade known already is not recorded again");
    core.on_trade(&bought_ten("t10", ids[0], token(1), TradeState::Matched));
    assert_eq!(core.inventory().yes, dec!(20), "a new trade still counts");
    assert!(!core.take_new_fills()[0].reconciled);
}

#[test]
fn missed_user_events_stop_quoting_until_the_venue_is_read_back() {
    let (mut core, ids) = quoting();
    core.events_missed();
    assert_eq!(core.idle_reason(), Some(Idle::Reconciling));
    assert!(core.on_book(book(4_600, 5_400).as_ref()).is_empty(), "no quoting on a view that may be wrong");
    let survivor = core.resting().into_iter().find(|o| o.id == ids[1]).unwrap();
    let intents = core.reconcile(vec![survivor], dec!(0), dec!(0));
    assert_eq!(core.resting().len(), 1, "the order cancelled behind our back is forgotten");
    assert_eq!(places(&intents).len(), 1, "and its side quoted again");
}

#[test]
fn an_order_filled_before_its_placement_was_answered_is_not_taken_for_resting() {
    let mut core = core();
    core.on_book(book(4_500, 5_500).as_ref());
    let placed = places(&core.reconcile(Vec::new(), dec!(0), dec!(0)));
    let ids: Vec<OrderId> = placed.iter().map(|(key, _)| OrderId::from_bytes([*key as u8; 32])).collect();
    let event = own_bid_update;
    core.on_order(&event(ids[0], dec!(0), OrderChange::Placement, "LIVE"));
    core.on_order(&event(ids[0], dec!(10), OrderChange::Update, "MATCHED"));
    core.on_order(&event(ids[1], dec!(4), OrderChange::Update, "LIVE"));
    core.on_placed(placed[0].0, Some(ids[0]));
    core.on_placed(placed[1].0, Some(ids[1]));
    let resting = core.resting();
    assert_eq!(resting.len(), 1, "the bid filled before its answer came is gone: {resting:?}");
    assert_eq!((resting[0].id, resting[0].remaining.value()), (ids[1], dec!(6)), "the other is part-filled");
    core.on_order(&event(OrderId::from_bytes([99; 32]), dec!(1), OrderChange::Update, "LIVE"));
    assert_eq!(core.resting().len(), 1, "with nothing awaiting an answer, an unknown order stays unknown");
}

#[test]
fn an_order_adopted_part_filled_is_filled_by_the_venues_cumulative_count() {
    let mut core = core();
    core.on_book(book(4_500, 5_500).as_ref());
    let id = OrderId::from_bytes([7; 32]);
    let adopted = RestingOrder {
        id,
        outcome: Outcome::Yes,
        side: Side::Buy,
        price: Price::new(dec!(0.48)).unwrap(),
        remaining: Size::new(dec!(6)).unwrap(),
    };
    core.reconcile(vec![adopted], dec!(4), dec!(0));
    let update = |matched| own_bid_update(id, matched, OrderChange::Update, "LIVE");
    core.on_order(&update(dec!(7)));
    let resting = core.resting();
    assert_eq!(
        resting.iter().find(|o| o.id == id).map(|o| o.remaining.value()),
        Some(dec!(3)),
        "7 of 10: 3 left"
    );
    core.on_order(&update(dec!(10)));
    assert!(core.resting().iter().all(|o| o.id != id), "filled to the original size: gone");
}

#[test]
fn a_reconciliation_supersedes_unanswered_placements_and_one_landing_later_is_read_back() {
    let mut core = core();
    core.on_book(book(4_500, 5_500).as_ref());
    let first = places(&core.reconcile(Vec::new(), dec!(0), dec!(0)));
    assert_eq!((core.pending_placements(), core.idle_reason()), (2, Some(Idle::AwaitingAcks)));
    let again = places(&core.reconcile(Vec::new(), dec!(0), dec!(0)));
    assert_eq!(again.len(), 2, "the venue holds nothing: the market quotes afresh rather than wait");
    assert!(again.iter().all(|(key, _)| first.iter().all(|(old, _)| old != key)));
    core.on_placed(first[0].0, Some(OrderId::from_bytes([7; 32])));
    assert_eq!(core.pending_placements(), 2, "an answer to a superseded placement changes nothing");
    for (key, _) in &again {
        core.on_placed(*key, Some(OrderId::from_bytes([(*key % 200) as u8 + 20; 32])));
    }
    assert!(core.is_reconciled());
    core.on_order(&own_bid_update(OrderId::from_bytes([7; 32]), dec!(0), OrderChange::Placement, "LIVE"));
    assert!(!core.is_reconciled(), "an order of ours that no answer named is read back and adopted");
}
