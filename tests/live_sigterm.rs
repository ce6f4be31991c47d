//! `polymm run --mode live` as a separate process, trading a venue this test holds on
//! loopback (the embedded venue speaks Polymarket's API, so "live" here is real signed
//! orders over real HTTP and websockets): it refuses to start unconfirmed, quotes once
//! confirmed, and SIGTERM leaves zero open orders on the venue.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;
use std::time::Duration;

use common::process::{Running, polymm, venue_sets, wait_for};
use polymm::sim::SimHandle;

fn venue() -> SimHandle {
    common::sim::steady(2, 9)
}

fn open_orders(venue: &SimHandle) -> usize {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        world.venue.open_orders(account, None, None).len()
    })
}

fn live_command(venue: &SimHandle, dir: &std::path::Path, confirmed: bool) -> Command {
    let key = venue.test_accounts[0].key.export_secret();
    let mut sets = venue_sets(venue);
    sets.extend([
        format!("venue.live_confirmed={confirmed}"),
        format!("markets.include={},{}", common::sim::market(venue, 0).0, common::sim::market(venue, 1).0),
        "control.port=0".into(),
        "telemetry.status_interval_secs=1".into(),
        "telemetry.log_level=error".into(),
    ]);
    polymm(dir, &["run", "--mode", "live"], &sets, &[("POLY_PRIVATE_KEY", key.expose())])
}

#[actix_rt::test]
async fn live_mode_needs_confirmation_quotes_and_sigterm_cancels_everything() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();

    let refused = live_command(&venue, dir.path(), false).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("live mode trades real money"));

    let daemon = Running::spawn(live_command(&venue, dir.path(), true));
    if !wait_for(Duration::from_secs(20), || open_orders(&venue) == 4).await {
        daemon.fail("the live daemon did not quote");
    }

    let (status, printed) = daemon.terminate(Duration::from_secs(10)).await;
    assert!(status.success(), "{printed:?}");
    assert!(printed.iter().any(|l| l.starts_with("polymm: mode live at http://127.0.0.1")), "{printed:?}");
    assert!(printed.iter().any(|l| l.contains("orders cancelled; bye")), "{printed:?}");
    assert_eq!(open_orders(&venue), 0, "SIGTERM left no open order");
    venue.stop().await;
}
