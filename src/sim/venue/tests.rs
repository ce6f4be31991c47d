use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::domain::{OrderType, Side};
use crate::sim::engine::units::BASE_UNITS_PER_LOT;
use crate::sim::venue::accounts::Holding;

const NOW: u64 = 1_800_000_000_000;
const START: u128 = 1_000 * 1_000_000;

fn venue() -> (Venue, u32, AccountId, AccountId) {
    let mut venue = Venue::new(VenueRules::default(), 1);
    let market = venue.list_market(crate::testkit::market_spec(1, 0, 500, NOW + 3_600_000));
    let alice =
        venue.open_account(Arc::from("alice"), Address::from_bytes([1; 20]), AccountKind::Client, START);
    let bob = venue.open_account(Arc::from("bob"), Address::from_bytes([2; 20]), AccountKind::Client, START);
    (venue, market, alice, bob)
}

fn order(
    venue: &Venue,
    account: AccountId,
    outcome: Outcome,
    side: Side,
    price: Ticks,
    lots: Lots,
) -> NewOrder {
    NewOrder {
        id: venue.agent_order_id(),
        account,
        maker_address: Address::ZERO,
        market: 0,
        outcome,
        side,
        price,
        lots,
        order_type: OrderType::Gtc,
        post_only: false,
        expiration: 0,
    }
}

fn collateral(venue: &Venue, id: AccountId) -> Holding {
    venue.account(id).unwrap().collateral
}

fn shares(venue: &Venue, id: AccountId, outcome: Outcome) -> u128 {
    venue.account(id).unwrap().position(0, outcome).held / u128::from(BASE_UNITS_PER_LOT)
}

#[test]
fn resting_buy_reserves_collateral_and_cancel_releases_it() {
    let (mut venue, _, alice, _) = venue();
    let bid = order(&venue, alice, Outcome::Yes, Side::Buy, 4_800, 1_000);
    let id = bid.id;
    let placed = venue.place(bid, NOW).unwrap();
    assert_eq!(placed.status, OrderStatus::Live);
    assert_eq!(collateral(&venue, alice).reserved, 4_800_000);
    let outcome = venue.cancel(alice, &id);
    assert_eq!(outcome.canceled, vec![id]);
    assert_eq!(collateral(&venue, alice), Holding { held: START, reserved: 0 });
    assert_eq!(venue.cancel(alice, &id).not_canceled.len(), 1);
}

#[test]
fn buy_yes_against_buy_no_mints_a_pair() {
    let (mut venue, _, alice, bob) = venue();
    venue.place(order(&venue, alice, Outcome::No, Side::Buy, 4_000, 1_000), NOW).unwrap();
    let taker = venue.place(order(&venue, bob, Outcome::Yes, Side::Buy, 6_500, 600), NOW).unwrap();
    assert_eq!((taker.status, taker.matched), (OrderStatus::Matched, 600));
    assert_eq!(shares(&venue, bob, Outcome::Yes), 600);
    assert_eq!(shares(&venue, alice, Outcome::No), 600);
    assert_eq!(collateral(&venue, bob).held, START - 3_600_000, "taker pays the maker's complement price");
    assert_eq!(collateral(&venue, alice).held, START - 2_400_000);
    assert_eq!(collateral(&venue, alice).reserved, 1_600_000);
    let market = venue.market(0).unwrap();
    assert_eq!(market.token_top(Outcome::No), (Some(4_000), None));
    assert_eq!(market.token_top(Outcome::Yes), (None, Some(6_000)));
}

#[test]
fn sell_yes_against_sell_no_merges_back_to_collateral() {
    let (mut venue, _, alice, bob) = venue();
    venue.split(alice, 0, 1_000).unwrap();
    venue.split(bob, 0, 1_000).unwrap();
    venue.place(order(&venue, alice, Outcome::Yes, Side::Sell, 5_500, 1_000), NOW).unwrap();
    let taker = venue.place(order(&venue, bob, Outcome::No, Side::Sell, 4_500, 1_000), NOW).unwrap();
    assert_eq!(taker.matched, 1_000);
    assert_eq!(shares(&venue, alice, Outcome::Yes), 0);
    assert_eq!(shares(&venue, bob, Outcome::No), 0);
    let total = collateral(&venue, alice).held + collateral(&venue, bob).held;
    assert_eq!(total, 2 * START - 2 * 10_000_000 + 10_000_000, "one merged pair returns 1 pUSD per share");
}

#[test]
fn partial_fill_keeps_the_rest_resting_with_time_priority() {
    let (mut venue, _, alice, bob) = venue();
    let first = order(&venue, alice, Outcome::Yes, Side::Buy, 5_000, 1_000);
    let first_id = first.id;
    venue.place(first, NOW).unwrap();
    venue.place(order(&venue, bob, Outcome::Yes, Side::Buy, 5_000, 1_000), NOW).unwrap();
    venue.split(bob, 0, 700).unwrap();
    let taker = venue.place(order(&venue, bob, Outcome::Yes, Side::Sell, 5_000, 700), NOW).unwrap();
    assert_eq!(taker.matched, 700);
    let record = venue.order(&first_id).unwrap();
    assert_eq!((record.matched, record.status), (700, OrderStatus::Live));
    assert_eq!(venue.market(0).unwrap().token_top(Outcome::Yes).0, Some(5_000));
    assert_eq!(collateral(&venue, alice).reserved, 1_500_000);
}

#[test]
fn venue_checks_refuse_without_side_effects() {
    let (mut venue, _, alice, bob) = venue();
    venue.place(order(&venue, alice, Outcome::Yes, Side::Sell, 5_000, 500), NOW).unwrap_err();
    let before = collateral(&venue, bob);
    let cases: Vec<(NewOrder, Reject)> = vec![
        (order(&venue, bob, Outcome::Yes, Side::Buy, 4_850, 1_000), Reject::Tick),
        (order(&venue, bob, Outcome::Yes, Side::Buy, 4_800, 400), Reject::MinSize),
        (order(&venue, bob, Outcome::Yes, Side::Buy, 9_900, 1_000_000), Reject::Balance),
        (order(&venue, bob, Outcome::Yes, Side::Sell, 5_000, 500), Reject::Balance),
        (
            NewOrder {
                order_type: OrderType::Fok,
                post_only: true,
                ..order(&venue, bob, Outcome::Yes, Side::Buy, 5_000, 500)
            },
            Reject::PostOnlyType,
        ),
        (
            NewOrder {
                order_type: OrderType::Gtd,
                expiration: NOW / 1_000 + 30,
                ..order(&venue, bob, Outcome::Yes, Side::Buy, 5_000, 500)
            },
            Reject::Expiration,
        ),
        (
            NewOrder {
                expiration: NOW / 1_000 + 600,
                ..order(&venue, bob, Outcome::Yes, Side::Buy, 5_000, 500)
            },
            Reject::Expiration,
        ),
        (
            NewOrder {
                order_type: OrderType::Fok,
                ..order(&venue, bob, Outcome::Yes, Side::Buy, 5_000, 500)
            },
            Reject::FokNotFilled,
        ),
        (
            NewOrder {
                order_type: OrderType::Fak,
                ..order(&venue, bob, Outcome::Yes, Side::Buy, 5_000, 500)
            },
            Reject::NoMatch,
        ),
    ];
    for (candidate, expected) in cases {
        assert_eq!(venue.place(candidate, NOW).unwrap_err(), expected);
    }
    assert_eq!(collateral(&venue, bob), before);
    assert_eq!(venue.open_order_count(), 0);
}

#[test]
fn post_only_that_would_cross_is_refused_and_duplicates_too() {
    let (mut venue, _, alice, bob) = venue();
    venue.place(order(&venue, alice, Outcome::No, Side::Buy, 4_000, 500), NOW).unwrap();
    let crossing = NewOrder { post_only: true, ..order(&venue, bob, Outcome::Yes, Side::Buy, 6_000, 500) };
    assert_eq!(venue.place(crossing, NOW).unwrap_err(), Reject::PostOnlyCrosses);
    let resting = NewOrder { post_only: true, ..order(&venue, bob, Outcome::Yes, Side::Buy, 5_900, 500) };
    venue.place(resting.clone(), NOW).unwrap();
    assert_eq!(venue.place(resting, NOW).unwrap_err(), Reject::Duplicated);
}

#[test]
fn fak_fills_what_it_can_and_drops_the_rest() {
    let (mut venue, _, alice, bob) = venue();
    venue.split(alice, 0, 500).unwrap();
    venue.place(order(&venue, alice, Outcome::Yes, Side::Sell, 5_000, 500), NOW).unwrap();
    let fak =
        NewOrder { order_type: OrderType::Fak, ..order(&venue, bob, Outcome::Yes, Side::Buy, 5_100, 900) };
    let placed = venue.place(fak, NOW).unwrap();
    assert_eq!((placed.status, placed.matched), (OrderStatus::Unmatched, 500));
    assert_eq!(venue.open_order_count(), 0);
    assert_eq!(collateral(&venue, bob).reserved, 0);
}

#[test]
fn resolution_cancels_orders_and_pays_winners() {
    let (mut venue, _, alice, bob) = venue();
    venue.place(order(&venue, alice, Outcome::No, Side::Buy, 4_000, 1_000), NOW).unwrap();
    venue.place(order(&venue, bob, Outcome::Yes, Side::Buy, 6_000, 1_000), NOW).unwrap();
    venue.place(order(&venue, bob, Outcome::Yes, Side::Buy, 3_000, 1_000), NOW).unwrap();
    venue.resolve(0, Outcome::Yes);
    assert_eq!(venue.open_order_count(), 0);
    assert_eq!(collateral(&venue, bob), Holding { held: START - 6_000_000 + 10_000_000, reserved: 0 });
    assert_eq!(collateral(&venue, alice), Holding { held: START - 4_000_000, reserved: 0 });
    assert_eq!(
        venue.place(order(&venue, bob, Outcome::Yes, Side::Buy, 3_000, 1_000), NOW).unwrap_err(),
        Reject::MarketClosed
    );
}

#[test]
fn trades_progress_to_confirmed_and_gtd_orders_expire() {
    let (mut venue, _, alice, bob) = venue();
    venue.place(order(&venue, alice, Outcome::No, Side::Buy, 4_000, 500), NOW).unwrap();
    venue.place(order(&venue, bob, Outcome::Yes, Side::Buy, 6_000, 500), NOW).unwrap();
    let gtd = NewOrder {
        order_type: OrderType::Gtd,
        expiration: NOW / 1_000 + 61,
        ..order(&venue, bob, Outcome::Yes, Side::Buy, 3_000, 500)
    };
    venue.place(gtd, NOW).unwrap();
    venue.drain_events();
    venue.housekeeping(NOW + 3_000);
    assert_eq!(venue.trade(0).unwrap().status, TradeStatus::Confirmed);
    assert_eq!(venue.open_order_count(), 1);
    venue.housekeeping(NOW + 61_000);
    assert_eq!(venue.open_order_count(), 0);
    assert_eq!(collateral(&venue, bob).reserved, 0);
}

#[test]
fn taker_fees_follow_the_schedule() {
    let fees = FeeParams { rate: rust_decimal_macros::dec!(0.02), exponent: 1, taker_only: true };
    assert_eq!(Venue::fee(&fees, 5_000, 10_000), 500_000, "100 shares x 0.02 x 0.25");
    assert_eq!(Venue::fee(&FeeParams::FREE, 5_000, 10_000), 0);
}

proptest! {
    #[test]
    fn collateral_plus_pairs_is_conserved(
        ops in proptest::collection::vec((0u8..4, 1u32..99, 5u64..40, any::<bool>()), 1..80)
    ) {
        let (mut venue, _, alice, bob) = venue();
        venue.split(alice, 0, 5_000).unwrap();
        venue.split(bob, 0, 5_000).unwrap();
        let total = |v: &Venue| -> u128 {
            [alice, bob].iter().map(|id| {
                let a = v.account(*id).unwrap();
                let yes = a.position(0, Outcome::Yes).held;
                let no = a.position(0, Outcome::No).held;
                a.collateral.held * 2 + yes + no
            }).sum()
        };
        let start = total(&venue);
        for (kind, price, size, who) in ops {
            let account = if who { alice } else { bob };
            let (outcome, side) = match kind { 0 => (Outcome::Yes, Side::Buy), 1 => (Outcome::Yes, Side::Sell), 2 => (Outcome::No, Side::Buy), _ => (Outcome::No, Side::Sell) };
            let _ = venue.place(order(&venue, account, outcome, side, price * 100, size * 100), NOW);
            prop_assert_eq!(total(&venue), start);
            for id in [alice, bob] {
                let a = venue.account(id).unwrap();
                prop_assert!(a.collateral.reserved <= a.collateral.held);
            }
        }
    }
}

#[test]
fn withdrawals_take_only_free_funds() {
    let (mut venue, _, alice, _) = venue();
    venue.place(order(&venue, alice, Outcome::Yes, Side::Buy, 5_000, 10_000), NOW).unwrap();
    let free = collateral(&venue, alice).free();
    assert!(!venue.withdraw(alice, free + 1), "what open orders reserve stays");
    assert!(venue.withdraw(alice, free));
    assert_eq!(collateral(&venue, alice).free(), 0);
    assert!(!venue.withdraw(AccountId(99), 1), "no such account");
}
