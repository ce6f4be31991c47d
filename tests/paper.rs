//! Paper mode end to end: the daemon reads the embedded venue's public market data (standing
//! in for Polymarket's), quotes on a local paper account without credentials, and its paper
//! orders fill from the venue's real trades: nothing reaches the venue, the fill moves the
//! position, the account and the trade log, the kill switch's balance checks agree with the
//! paper account, and shutdown cancels the paper orders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::control::until;
use common::sim::Trader;
use polymm::clock::SystemClock;
use polymm::control::ControlClient;
use polymm::domain::{OrderType, Side};
use polymm::polymarket::{Chain, KeySigner, OrderSigner, SignatureType};
use polymm::system::{self, Account, VenueEndpoints};
use rust_decimal_macros::dec;

#[actix_rt::test]
async fn paper_orders_rest_locally_fill_from_the_venues_trades_and_never_reach_it() {
    let venue = common::sim::steady(2, 4);
    let dir = tempfile::tempdir().unwrap();
    let overrides = [
        ("mode", "paper"),
        ("markets.min_volume", "0"),
        ("markets.min_spread", "0"),
        ("markets.max_spread", "1"),
        ("markets.min_hours_to_resolution", "0"),
        ("markets.min_price", "0"),
        ("markets.max_price", "1"),
        ("killswitch.balance_check_secs", "1"),
    ];
    let config = polymm::testkit::daemon::config(dir.path(), &overrides).unwrap();
    let key = KeySigner::random();
    let paper_address = key.address();
    let signer = OrderSigner::new(key, Chain::Polygon, SignatureType::Eoa, None).unwrap();
    let endpoints = VenueEndpoints::of_sim(&venue).unwrap();
    let account = Account::Paper { signer, balance: dec!(1000) };
    let daemon = system::start_as(&config, &endpoints, account, Arc::new(SystemClock)).await.unwrap();
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();

    let quoting = until(&ctl, Duration::from_secs(10), |s| {
        s.markets.len() == 2 && s.markets.iter().all(|m| m.quoting && m.orders == 2)
    })
    .await
    .expect("both markets quote two-sided on paper");
    assert_eq!((quoting.mode.as_str(), quoting.switch.as_str()), ("paper", "armed"));
    let on_venue = venue.state.with_world(|world, _| world.venue.account_at(&paper_address));
    assert!(on_venue.is_none(), "the paper account never reached the venue");

    let (condition, yes, _) = common::sim::market(&venue, 0);
    let traded = quoting.markets.iter().find(|m| m.market == condition).expect("market 0 is quoted");
    assert_eq!(traded.position, dec!(0));
    let taker = Trader::fresh(&venue).await;
    let body = format!(r#"{{"amount": "500", "market": "{condition}"}}"#);
    let (split, answer) = taker.signed("POST", "/sim/split", Some(&body)).await;
    assert!(split.is_success(), "{answer}");
    let sweep = taker.order_with(&yes, Side::Sell, "0.20", "500", OrderType::Fak, false);
    let (swept, answer) = taker.post(&sweep).await;
    assert!(swept.is_success(), "{answer}");

    let filled = until(&ctl, Duration::from_secs(10), |s| {
        s.markets.iter().any(|m| m.market == condition && m.position > dec!(0))
    })
    .await
    .expect("the sweep traded through the paper bid, which filled");
    let market = filled.markets.iter().find(|m| m.market == condition).unwrap();
    let pnl = market.pnl.as_ref().expect("P&L tracked");
    assert_eq!(pnl.fees, dec!(0), "paper fills are maker fills");
    let log = std::fs::read_to_string(dir.path().join("trades.jsonl")).unwrap();
    assert!(log.lines().count() >= 1, "the paper fill is in the trade log: {log}");
    assert!(venue.state.with_world(|world, _| world.venue.account_at(&paper_address)).is_none());

    let later = until(&ctl, common::PATIENCE, |s| s.balance.is_some_and(|b| b < dec!(1000)))
        .await
        .expect("a balance check after the fill");
    assert_eq!(
        later.switch, "armed",
        "the balance checks read the paper account and agree with its fills: {later:?}"
    );
    let balance = later.balance.expect("the kill switch read the paper balance");
    assert!(balance < dec!(1000) && balance > dec!(990), "the paper bid's cost left the account: {balance}");

    let resting: usize = later.markets.iter().map(|m| m.orders).sum();
    let cancelled = daemon.shutdown().await.unwrap();
    assert!(cancelled >= resting.saturating_sub(1) && cancelled > 0, "{cancelled} cancelled of {resting}");
    venue.stop().await;
}
