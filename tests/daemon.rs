//! The whole daemon in-process against the embedded venue, driven through its control API
//! as an operator would: quotes appear on every market; a crashed market restarts and quotes
//! again while the other market's orders stay exactly as they were (also when its actor dies
//! outside supervision and the director has to notice); markets are disabled and
//! enabled at runtime; requests without the token are refused; a kill and a daily-loss
//! breach leave no open order and a restart after a trip comes up halted; a feed outage
//! pulls the quotes until the books are resynced; orphans are cancelled at startup;
//! shutdown leaves no open order; more quotes than the order budget allows are refused
//! before signing and their markets take turns, rather than queue unsent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::PATIENCE;

use rust_decimal_macros::dec;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::control::{status, until};
use common::sim::Trader;
use polymm::clock::SystemClock;
use polymm::control::StatusView;
use polymm::control::{ControlClient, CtlError};
use polymm::domain::{OrderType, Outcome, Side};
use polymm::sim::SimHandle;
use polymm::system::Daemon;
use polymm::testkit;

fn venue() -> SimHandle {
    common::sim::steady(2, 4)
}

async fn daemon(venue: &SimHandle, state_dir: &Path, extra: &[(&str, &str)]) -> Daemon {
    let config = testkit::daemon::config(state_dir, extra).unwrap();
    testkit::daemon::start(&config, venue, Arc::new(SystemClock)).await.unwrap()
}

/// Feed timing for outage tests: dead after 2 s without a pong, no REST fallback, and
/// orders cancelled after `disconnect_cancel` seconds without a trusted book.
fn outage_timing(disconnect_cancel: &'static str) -> [(&'static str, &'static str); 4] {
    [
        ("feed.ping_every_secs", "1"),
        ("feed.dead_after_secs", "2"),
        ("feed.fallback_after_secs", "60"),
        ("killswitch.disconnect_cancel_secs", disconnect_cancel),
    ]
}

/// Stops the venue's websockets delivering anything for `secs` seconds, from their next
/// message on.
async fn stall_websockets(venue: &SimHandle, secs: u32) {
    let stall = format!(r#"{{"spec": {{"stall_every": 3600, "stall_for": {secs}}}, "action": "stall"}}"#);
    let response = awc::Client::default()
        .post(format!("{}/sim/faults", venue.base_url))
        .insert_header(("Content-Type", "application/json"))
        .send_body(stall)
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// Whether the venue's websockets are stalled now (by its own clock).
fn venue_stalled(venue: &SimHandle) -> bool {
    venue.state.with_world(|world, now| world.faults.stalled(now))
}

fn both_quoting(s: &StatusView) -> bool {
    s.markets.len() == 2 && s.markets.iter().all(|m| m.quoting && m.orders == 2)
}

fn venue_open_orders(venue: &SimHandle) -> usize {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        world.venue.open_orders(account, None, None).len()
    })
}

/// The YES shares our account holds in market `market` on the venue (micro-shares).
fn our_yes_shares(venue: &SimHandle, market: u32) -> u128 {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        let account = world.venue.account(account).unwrap();
        account.position(market, polymm::domain::Outcome::Yes).held
    })
}

fn our_order_ids(venue: &SimHandle, market: u32) -> Vec<String> {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        let mut ids: Vec<String> = world
            .venue
            .open_orders(account, Some(market), None)
            .iter()
            .map(|o| o.order.id.to_string())
            .collect();
        ids.sort();
        ids
    })
}

#[actix_rt::test]
async fn quotes_appear_a_crashed_market_recovers_alone_and_shutdown_cancels_everything() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &[]).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    let before =
        until(&ctl, Duration::from_secs(10), both_quoting).await.expect("both markets quote two-sided");
    assert_eq!(venue_open_orders(&venue), 4, "the quotes rest on the venue's books");
    for market in &before.markets {
        let signals = market.signals.as_ref().expect("status carries the strategy's readings");
        assert_eq!(signals.strategy, "polymm", "the full model is the default");
        assert!(signals.spread >= dec!(0.02) && signals.spread <= dec!(0.10), "{signals:?}");
        assert!(signals.spread_why.starts_with("half ") && signals.position_limit > dec!(0), "{signals:?}");
        assert!(market.pnl.is_some());
    }
    let other_before = our_order_ids(&venue, 1);

    let crashed = before.markets[0].market.clone();
    ctl.call(true, &format!("/v1/markets/{crashed}/crash")).await.unwrap();
    let after = until(&ctl, PATIENCE, |s| {
        s.markets.iter().any(|m| m.market == crashed && m.restarts == 1) && both_quoting(s)
    })
    .await
    .expect("the market came back");
    assert_eq!(our_order_ids(&venue, 1), other_before, "the other market's orders are untouched");
    assert!(after.markets.iter().filter(|m| m.market != crashed).all(|m| m.restarts == 0));
    assert_eq!(venue_open_orders(&venue), 4, "the restarted market adopted its resting orders");

    let cancelled = daemon.shutdown().await.unwrap();
    assert_eq!(cancelled, 4);
    assert_eq!(venue_open_orders(&venue), 0);
    venue.stop().await;
}

#[actix_rt::test]
async fn a_market_whose_actor_dies_outside_supervision_is_started_again_by_the_director() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &[]).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    let before = until(&ctl, Duration::from_secs(10), both_quoting).await.expect("both markets quote");
    let other_before = our_order_ids(&venue, 1);
    let crashed = before.markets[0].market.clone();
    ctl.call(true, &format!("/v1/markets/{crashed}/crash-unguarded")).await.unwrap();
    let after = until(&ctl, PATIENCE, |s| {
        s.markets.iter().any(|m| m.market == crashed && m.restarts == 1) && both_quoting(s)
    })
    .await
    .expect("the director's watch started the market again");
    assert!(after.markets.iter().filter(|m| m.market != crashed).all(|m| m.restarts == 0));
    assert_eq!(our_order_ids(&venue, 1), other_before, "the other market's orders are untouched");
    assert_eq!(venue_open_orders(&venue), 4, "the new actor adopted what the dead one left resting");
    daemon.shutdown().await.unwrap();
    venue.stop().await;
}

#[actix_rt::test]
async fn an_order_cancelled_while_the_user_channel_was_down_is_found_by_reconciling() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &outage_timing("60")).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    until(&ctl, Duration::from_secs(10), both_quoting).await.expect("quoting");
    let before = our_order_ids(&venue, 0);

    stall_websockets(&venue, 4).await;
    let owner = Trader::test_account(&venue);
    let body = format!(r#"{{"orderID": "{}"}}"#, before[0]);
    let (cancelled, answer) = owner.signed("DELETE", "/order", Some(&body)).await;
    assert!(cancelled.is_success(), "{answer}");
    assert_eq!(
        venue_open_orders(&venue),
        3,
        "cancelled behind the daemon's back, its event lost in the stall"
    );

    let restored = common::process::wait_for(PATIENCE, || {
        let ids = our_order_ids(&venue, 0);
        ids.len() == 2 && !ids.contains(&before[0])
    })
    .await;
    assert!(restored, "after the user channel came back the market reconciled and replaced the order");
    daemon.shutdown().await.unwrap();
    venue.stop().await;
}

#[actix_rt::test]
async fn the_control_api_needs_its_token_and_disables_enables_kills_and_resumes() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &[]).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    let quoting = until(&ctl, Duration::from_secs(10), both_quoting).await.expect("quoting");

    let addr = std::fs::read_to_string(dir.path().join("control.addr")).unwrap();
    let http = awc::Client::default();
    let bare = http.get(format!("http://{addr}/v1/status")).send().await.unwrap();
    assert_eq!(bare.status().as_u16(), 401, "no token");
    let wrong = http
        .post(format!("http://{addr}/v1/kill"))
        .insert_header(("Authorization", format!("Bearer {}", "0".repeat(64))))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401, "wrong token");
    assert_eq!(status(&ctl).await.switch, "armed", "a refused kill did nothing");

    let (first, second) = (quoting.markets[0].market.clone(), quoting.markets[1].market.clone());
    let other_before = our_order_ids(&venue, 1);
    ctl.call(true, &format!("/v1/markets/{first}/disable")).await.unwrap();
    let disabled = until(&ctl, Duration::from_secs(5), |s| {
        s.markets[0].idle.as_deref() == Some("Disabled") && s.markets[0].orders == 0
    })
    .await
    .expect("disabling cancels the market's orders");
    assert!(!disabled.markets[0].enabled);
    assert_eq!(disabled.markets[1].market, second);
    assert_eq!(our_order_ids(&venue, 0).len(), 0);
    assert_eq!(our_order_ids(&venue, 1), other_before, "the other market keeps its orders");
    ctl.call(true, &format!("/v1/markets/{first}/enable")).await.unwrap();
    until(&ctl, Duration::from_secs(5), both_quoting).await.expect("enabled again, it quotes");

    match ctl.call(true, &format!("/v1/markets/0x{}/disable", "ab".repeat(32))).await {
        Err(CtlError::Refused { status: 404, message }) => assert!(message.contains("unknown market")),
        other => panic!("unknown market: {other:?}"),
    }

    ctl.call(true, "/v1/kill").await.unwrap();
    let halted = until(&ctl, Duration::from_secs(5), |s| s.switch == "halted" && s.orders == 0)
        .await
        .expect("a kill halts and cancels everything");
    assert_eq!(halted.trip_reason.as_deref(), Some("operator kill"));
    assert!(halted.markets.iter().all(|m| m.idle.as_deref() == Some("Halted")));
    assert_eq!(venue_open_orders(&venue), 0);
    ctl.call(true, "/v1/resume").await.unwrap();
    until(&ctl, Duration::from_secs(5), |s| s.switch == "armed" && both_quoting(s))
        .await
        .expect("resumed, both markets quote again");

    daemon.shutdown().await.unwrap();
    assert!(ControlClient::from_state_dir(dir.path()).unwrap().call(false, "/v1/status").await.is_err());
    venue.stop().await;
}

#[actix_rt::test]
async fn money_leaving_the_account_without_fills_trips_the_switch() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &[("killswitch.balance_check_secs", "1")]).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    until(&ctl, Duration::from_secs(10), |s| both_quoting(s) && s.balance.is_some())
        .await
        .expect("quoting, with a first balance read");
    let taken = venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        world.venue.withdraw(account, 2_000 * 1_000_000)
    });
    assert!(taken, "2,000 of the 10,000 pUSD leave the account");
    let tripped = until(&ctl, Duration::from_secs(10), |s| s.switch == "halted" && s.orders == 0)
        .await
        .expect("a 20 % drop that no fill explains trips the switch (threshold 10 %)");
    assert!(tripped.trip_reason.as_deref().unwrap().contains("balance"), "{tripped:?}");
    assert_eq!(venue_open_orders(&venue), 0);
    daemon.shutdown().await.unwrap();
    venue.stop().await;
}

#[actix_rt::test]
async fn a_daily_loss_trips_the_switch_and_a_restart_comes_up_halted() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &[("risk.max_daily_loss", "1")]).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    until(&ctl, Duration::from_secs(10), both_quoting).await.expect("quoting");

    let (condition, yes, _) = common::sim::market(&venue, 0);
    let trader = Trader::fresh(&venue).await;
    let body = format!(r#"{{"amount": "500", "market": "{condition}"}}"#);
    let (split, answer) = trader.signed("POST", "/sim/split", Some(&body)).await;
    assert!(split.is_success(), "{answer}");
    // Sweep the bids down to 0.20 until our bid has been hit (one in flight, between a
    // cancel and its replacement, is not on the book to be swept).
    for attempt in 0.. {
        until(&ctl, Duration::from_secs(10), both_quoting).await.expect("quoting before the sweep");
        let sweep = trader.order_with(&yes, Side::Sell, "0.20", "100", OrderType::Fak, false);
        let (swept, answer) = trader.post(&sweep).await;
        assert!(swept.is_success(), "{answer}");
        if our_yes_shares(&venue, 0) > 0 {
            break;
        }
        assert!(attempt < 5, "five sweeps never hit our bid");
    }
    for (side, price) in [(Side::Buy, "0.10"), (Side::Sell, "0.20")] {
        let (placed, answer) = trader.post(&trader.order(&yes, side, price, "5", false)).await;
        assert!(placed.is_success(), "{answer}");
    }

    let tripped = until(&ctl, Duration::from_secs(10), |s| s.switch == "halted" && s.orders == 0)
        .await
        .expect("10 YES bought at 0.48 and marked at 0.15 lose more than the 1 pUSD limit");
    assert!(tripped.trip_reason.as_deref().unwrap().contains("daily P&L"), "{tripped:?}");
    assert!(tripped.day_pnl <= rust_decimal::Decimal::NEGATIVE_ONE);
    assert_eq!(venue_open_orders(&venue), 0);
    daemon.shutdown().await.unwrap();
    let log = std::fs::read_to_string(dir.path().join("trades.jsonl")).unwrap();
    let our_trades = venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        world.venue.trades_of(account).count()
    });
    assert!(our_trades >= 1);
    assert_eq!(log.lines().count(), our_trades, "every fill is in the trade log once: {log}");

    let again = self::daemon(&venue, dir.path(), &[("risk.max_daily_loss", "1")]).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    let restarted = until(&ctl, PATIENCE, |s| {
        s.markets.len() == 2 && s.markets.iter().all(|m| m.idle.as_deref() == Some("Halted"))
    })
    .await
    .expect("every market comes up halted");
    assert_eq!(restarted.switch, "halted", "a restart after a trip comes up halted");
    assert_eq!(venue_open_orders(&venue), 0);
    assert!(restarted.day_pnl <= rust_decimal::Decimal::NEGATIVE_ONE, "the day's P&L survived the restart");

    // Resumed while the day's loss is still past the limit: the risk gate passes only
    // orders that reduce a position, so the market holding YES may sell it and the flat one
    // quotes nothing.
    ctl.call(true, "/v1/resume").await.unwrap();
    until(&ctl, Duration::from_secs(10), |s| {
        s.switch == "armed" && s.markets.iter().any(|m| !m.position.is_zero() && m.orders > 0)
    })
    .await
    .expect("the market holding YES offers it");
    let ours = venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        let open = world.venue.open_orders(account, None, None);
        open.iter().map(|r| (r.order.market, r.order.outcome, r.order.side)).collect::<Vec<_>>()
    });
    let reducing = |(market, outcome, side): &(u32, Outcome, Side)| {
        *market == 0 && matches!((outcome, side), (Outcome::Yes, Side::Sell) | (Outcome::No, Side::Buy))
    };
    assert!(ours.iter().all(reducing), "only orders that reduce the YES held: {ours:?}");
    again.shutdown().await.unwrap();
    venue.stop().await;
}

#[actix_rt::test]
async fn a_feed_outage_pulls_the_quotes_until_the_books_are_resynced() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &outage_timing("1")).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    until(&ctl, Duration::from_secs(10), both_quoting).await.expect("quoting");

    let trader = Trader::test_account(&venue);
    stall_websockets(&venue, 6).await;
    let pulled = until(&ctl, PATIENCE, |s| s.orders == 0).await;
    assert!(pulled.is_some(), "the outage cancelled every quote");
    assert_eq!(venue_open_orders(&venue), 0);
    assert!(venue_stalled(&venue), "pulled while the feed was still down");
    let back = until(&ctl, PATIENCE, both_quoting).await;
    assert!(back.is_some(), "quoting resumed after resync");
    assert!(!venue_stalled(&venue), "not before the feed came back");
    assert_eq!(venue_open_orders(&venue), 4);
    drop(trader);
    daemon.shutdown().await.unwrap();
    venue.stop().await;
}

#[actix_rt::test]
async fn orders_left_by_an_earlier_run_are_cancelled_before_quoting() {
    let venue = venue();
    let (_, yes, _) = common::sim::market(&venue, 0);
    let earlier = Trader::test_account(&venue);
    for price in ["0.05", "0.06"] {
        let (placed, answer) = earlier.post(&earlier.order(&yes, Side::Buy, price, "5", false)).await;
        assert!(placed.is_success(), "{answer}");
    }
    assert_eq!(venue_open_orders(&venue), 2);
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(&venue, dir.path(), &[]).await;
    assert_eq!(venue_open_orders(&venue), 0, "cancelled before the first quote");
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    until(&ctl, Duration::from_secs(10), both_quoting).await.expect("quoting");
    assert_eq!(venue_open_orders(&venue), 4, "only the daemon's own quotes rest");
    daemon.shutdown().await.unwrap();
    venue.stop().await;
}

#[actix_rt::test]
async fn more_quotes_than_the_order_budget_allows_take_turns_instead_of_waiting_unsent() {
    let venue = common::sim::steady(40, 21);
    let dir = tempfile::tempdir().unwrap();
    let limits = [
        ("markets.max_markets", "40"),
        ("risk.max_total_exposure", "1000000"),
        ("risk.max_correlated_exposure", "1000000"),
    ];
    let daemon = daemon(&venue, dir.path(), &limits).await;
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    until(&ctl, Duration::from_secs(10), |s| s.markets.iter().any(|m| m.idle.as_deref() == Some("Backoff")))
        .await
        .expect("placements beyond the budget are refused at once and their markets back off");
    let every_market_quoting =
        |s: &StatusView| s.markets.len() == 40 && s.markets.iter().all(|m| m.quoting && m.orders == 2);
    let quoting = until(&ctl, Duration::from_secs(30), every_market_quoting)
        .await
        .expect("80 quotes against a burst of 54: the markets refused at first quote in turn");
    assert_eq!(venue_open_orders(&venue), 80, "what the daemon counts rests on the venue");
    assert_eq!(quoting.errors, 0, "a spent order budget is not an error");
    assert_eq!(daemon.shutdown().await.unwrap(), 80);
    venue.stop().await;
}
