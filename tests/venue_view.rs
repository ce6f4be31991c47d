//! The daemon's view against the venue's, read independently from the venue: a live daemon
//! killed (-9) right after a fill and started again on the same state directory holds the
//! venue's shares, not twice the fill, while the trade's later statuses (MINED, CONFIRMED)
//! arrive; the trade is in the trade log once; and a second daemon on a state directory in
//! use refuses to start and touches nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::control::{status, until};
use common::process::{Running, output, polymm, venue_sets, wait_for};
use polymm::control::ControlClient;
use polymm::domain::Outcome;
use polymm::sim::SimHandle;
use rust_decimal::Decimal;

fn live(venue: &SimHandle, dir: &Path) -> Command {
    let key = venue.test_accounts[0].key.export_secret();
    let mut sets = venue_sets(venue);
    sets.extend([
        "venue.live_confirmed=true".to_owned(),
        format!("markets.include={},{}", common::sim::market(venue, 0).0, common::sim::market(venue, 1).0),
        "control.port=0".into(),
        "telemetry.log_level=error".into(),
    ]);
    polymm(dir, &["run", "--mode", "live"], &sets, &[("POLY_PRIVATE_KEY", key.expose())])
}

fn open_orders(venue: &SimHandle) -> usize {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        world.venue.open_orders(account, None, None).len()
    })
}

/// Our YES shares in market 0 at the venue.
fn venue_yes(venue: &SimHandle) -> Decimal {
    venue.state.with_world(|world, _| {
        let id = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        let held = world.venue.account(id).unwrap().position(0, Outcome::Yes).held;
        Decimal::from(u64::try_from(held).unwrap()) / Decimal::from(1_000_000)
    })
}

async fn daemon_position(ctl: &ControlClient, market: &str) -> Option<Decimal> {
    let status = ctl.call(false, "/v1/status").await.ok()?;
    let status: polymm::control::StatusView = serde_json::from_value(status).ok()?;
    status.markets.iter().find(|m| m.market == market).map(|m| m.position)
}

#[actix_rt::test]
async fn a_restart_right_after_a_fill_counts_it_once_and_logs_it_once() {
    let venue = common::sim::steady(2, 5);
    let dir = tempfile::tempdir().unwrap();
    let first = Running::spawn(live(&venue, dir.path()));
    if !wait_for(Duration::from_secs(20), || open_orders(&venue) == 4).await {
        first.fail("the first daemon did not quote");
    }
    let (condition, yes, _) = common::sim::market(&venue, 0);
    common::sim::sell_into_bids(&venue, &condition, &yes, "5").await;
    let filled_at = venue.state.now_ms();
    let held = venue_yes(&venue);
    assert!(held > Decimal::ZERO, "our bid was hit");
    first.kill();

    let state = dir.path().join("data");
    std::fs::remove_file(state.join("control.addr")).unwrap();
    let second = Running::spawn(live(&venue, dir.path()));
    if !wait_for(Duration::from_secs(20), || ControlClient::from_state_dir(&state).is_ok()).await {
        second.fail("the restarted daemon's control API never came up");
    }
    let ctl = ControlClient::from_state_dir(&state).unwrap();
    if until(&ctl, Duration::from_secs(20), |s| s.quoting == 2).await.is_none() {
        second.fail("the restarted daemon did not quote");
    }
    assert_eq!(status(&ctl).await.switch, "armed");
    // The trade's MINED and CONFIRMED statuses reach the new daemon's user channel 1 and 3 s
    // after the match: its view must still be the venue's once they have.
    let confirmed_at = filled_at + 3_500;
    common::throughout(
        || venue.state.now_ms() < confirmed_at,
        async || {
            assert_eq!(
                daemon_position(&ctl, &condition).await,
                Some(venue_yes(&venue)),
                "while statuses arrive"
            );
        },
    )
    .await;
    for _ in 0..10 {
        assert_eq!(daemon_position(&ctl, &condition).await, Some(venue_yes(&venue)), "after CONFIRMED");
    }
    let (stopped, printed) = second.terminate(Duration::from_secs(10)).await;
    assert!(stopped.success(), "{printed:?}");
    let log = std::fs::read_to_string(state.join("trades.jsonl")).unwrap();
    let trade_lines = log.lines().filter(|l| l.contains(&format!("\"market\":\"{condition}\""))).count();
    assert_eq!(trade_lines, 1, "the fill is in the trade log once: {log}");
    venue.stop().await;
}

#[actix_rt::test]
async fn a_second_daemon_on_the_same_state_directory_refuses_and_touches_nothing() {
    let venue = common::sim::steady(2, 6);
    let dir = tempfile::tempdir().unwrap();
    let first = Running::spawn(live(&venue, dir.path()));
    if !wait_for(Duration::from_secs(20), || open_orders(&venue) == 4).await {
        first.fail("the first daemon did not quote");
    }
    let state = dir.path().join("data");
    let token = std::fs::read_to_string(state.join("control.token")).ok();
    let second = output(live(&venue, dir.path())).await;
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{stderr}");
    assert!(stderr.contains("is in use by another polymm"), "{stderr}");
    assert_eq!(open_orders(&venue), 4, "the first daemon's orders are untouched");
    assert_eq!(std::fs::read_to_string(state.join("control.token")).ok(), token, "nor its control token");
    let (stopped, printed) = first.terminate(Duration::from_secs(10)).await;
    assert!(stopped.success(), "{printed:?}");
    assert_eq!(open_orders(&venue), 0);
    venue.stop().await;
}
