//! The daemon in-process against the embedded venue: quotes appear on every market's book;
//! a crashed market restarts and quotes again while the other market's orders stay exactly
//! as they were; shutdown leaves no open order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use polymm::clock::{Clock, SystemClock};
use polymm::config::{EnvSnapshot, LoadOptions, load};
use polymm::market::actor::{Crash, MarketStatus};
use polymm::polymarket::{Chain, OrderSigner, SignatureType};
use polymm::sim::agents::{ScenarioCatalog, ScenarioParams};
use polymm::sim::server::{self, SimHandle};
use polymm::sim::world::{SimOptions, SimWorld};
use polymm::system::{self, Daemon, VenueEndpoints};

fn venue() -> SimHandle {
    let steady = ScenarioParams {
        noise_rate: 0.0,
        fundamental_vol: 0.0,
        rival_refresh_secs: 600.0,
        ..ScenarioParams::calm()
    };
    let catalog = ScenarioCatalog::new(vec![("steady".into(), steady)]);
    let options = SimOptions { scenario: "steady".into(), markets: 2, seed: 4, ..SimOptions::default() };
    let world = SimWorld::build(&options, &catalog, SystemClock.now().0).unwrap();
    server::start(world, 0, Arc::new(SystemClock)).unwrap()
}

async fn daemon(venue: &SimHandle) -> Daemon {
    let options = LoadOptions {
        config_path: None,
        env: EnvSnapshot::from_pairs(std::iter::empty()),
        overrides: Vec::new(),
    };
    let config = load(&options).unwrap().config;
    let account = &venue.test_accounts[0];
    let signer = OrderSigner::new(account.key.clone(), Chain::Polygon, SignatureType::Eoa, None).unwrap();
    let endpoints = VenueEndpoints {
        clob: venue.base_url.clone(),
        gamma: venue.gamma_url.clone(),
        ws_market: format!("{}/market", venue.ws_url),
        ws_user: format!("{}/user", venue.ws_url),
    };
    system::start(&config, &endpoints, signer, account.creds.clone(), Arc::new(SystemClock)).await.unwrap()
}

async fn until(
    daemon: &Daemon,
    limit: Duration,
    done: impl Fn(&[MarketStatus]) -> bool,
) -> Option<Vec<MarketStatus>> {
    let start = Instant::now();
    while start.elapsed() < limit {
        let status = daemon.status().await;
        if done(&status) {
            return Some(status);
        }
        actix_rt::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

fn venue_open_orders(venue: &SimHandle) -> usize {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        world.venue.open_orders(account, None, None).len()
    })
}

#[actix_rt::test]
async fn quotes_appear_a_crashed_market_recovers_alone_and_shutdown_cancels_everything() {
    let venue = venue();
    let daemon = daemon(&venue).await;
    let quoting =
        |s: &[MarketStatus]| s.len() == 2 && s.iter().all(|m| m.idle.is_none() && m.orders.len() == 2);
    let before =
        until(&daemon, Duration::from_secs(10), quoting).await.expect("both markets quote two-sided");
    assert_eq!(venue_open_orders(&venue), 4, "the quotes rest on the venue's books");

    let crashed_at = Instant::now();
    daemon.markets[0].1.do_send(Crash);
    let after = until(&daemon, Duration::from_secs(5), |s| s[0].restarts == 1 && quoting(s))
        .await
        .expect("the market came back");
    let recovery = crashed_at.elapsed();
    assert!(recovery < Duration::from_millis(1_500), "quoting again {recovery:?} after the crash");
    assert_eq!(after[1].orders, before[1].orders, "the other market's orders are untouched");
    assert_eq!(after[1].restarts, 0);
    assert_eq!(
        venue_open_orders(&venue),
        4,
        "the restarted market adopted its resting orders instead of duplicating them"
    );

    let cancelled = daemon.shutdown().await.unwrap();
    assert_eq!(cancelled, 4);
    assert_eq!(venue_open_orders(&venue), 0);
    venue.stop().await;
}
