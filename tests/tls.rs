//! Every venue connection over TLS, end to end: `polymm` as a separate process against the
//! embedded venue serving `https://` and `wss://` with a throwaway CA (`polymm sim --tls`),
//! trusted only through `venue.ca_file`. Paper mode quotes from the TLS market channel;
//! live mode trades, hears its fill on the TLS user channel, keeps the venue's heartbeat
//! chain and cancels everything on SIGTERM; without the CA the certificate is refused with
//! a clear error; `polymm doctor` passes every check, and names the one that fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::control::until;
use common::process::{Running, output, polymm, venue_sets, wait_for};
use polymm::clock::{Clock, Millis, SystemClock};
use polymm::control::ControlClient;
use polymm::sim::SimHandle;
use polymm::sim::SimTls;
use rust_decimal_macros::dec;

/// A steady two-market venue serving TLS on `clock`, and its CA written into `dir`.
fn tls_venue(dir: &Path, clock: Arc<dyn Clock>) -> (SimHandle, PathBuf) {
    let tls = SimTls::generate().unwrap();
    let ca = dir.join("sim-ca.pem");
    tls.write_ca(&ca).unwrap();
    let venue = common::sim::steady_on(2, 11, clock, Some(tls));
    assert!(venue.base_url.starts_with("https://") && venue.ws_url.starts_with("wss://"));
    (venue, ca)
}

/// Settings for a daemon trading the venue's two markets, trusting `ca` when given.
fn daemon_sets(venue: &SimHandle, ca: Option<&Path>) -> Vec<String> {
    let mut sets = venue_sets(venue);
    sets.extend(ca.map(|ca| format!("venue.ca_file={}", ca.display())));
    sets.extend([
        "venue.live_confirmed=true".to_owned(),
        format!("markets.include={},{}", common::sim::market(venue, 0).0, common::sim::market(venue, 1).0),
        "markets.min_volume=0".into(),
        "markets.min_hours_to_resolution=0".into(),
        "control.port=0".into(),
        "telemetry.status_interval_secs=1".into(),
        "telemetry.log_level=error".into(),
        // No REST fallback while the test watches: what is heard comes over the websockets.
        "feed.fallback_after_secs=600".into(),
    ]);
    sets
}

fn account_key(venue: &SimHandle) -> String {
    venue.test_accounts[0].key.export_secret().expose().to_owned()
}

fn open_orders(venue: &SimHandle) -> usize {
    venue.state.with_world(|world, _| {
        world
            .venue
            .account_at(&world.test_accounts[0].key.address())
            .map_or(0, |account| world.venue.open_orders(account, None, None).len())
    })
}

fn heartbeat_chained(venue: &SimHandle) -> bool {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address());
        account.is_some_and(|account| world.heartbeats.is_chained(account))
    })
}

#[actix_rt::test]
async fn paper_mode_quotes_from_the_tls_market_channel() {
    let dir = tempfile::tempdir().unwrap();
    let (venue, ca) = tls_venue(dir.path(), Arc::new(SystemClock));
    let daemon =
        Running::spawn(polymm(dir.path(), &["run", "--mode", "paper"], &daemon_sets(&venue, Some(&ca)), &[]));
    let state = dir.path().join("data");
    if !wait_for(Duration::from_secs(20), || ControlClient::from_state_dir(&state).is_ok()).await {
        daemon.fail("the paper daemon's control API never came up");
    }
    let ctl = ControlClient::from_state_dir(&state).unwrap();
    let quoting = until(&ctl, Duration::from_secs(20), |s| {
        s.markets.len() == 2 && s.markets.iter().all(|m| m.quoting && m.orders == 2)
    })
    .await;
    let Some(quoting) = quoting else { daemon.fail("paper mode did not quote over TLS") };
    assert_eq!(quoting.mode, "paper");
    assert_eq!(open_orders(&venue), 0, "paper orders never reach the venue");
    let (status, printed) = daemon.terminate(Duration::from_secs(10)).await;
    assert!(status.success(), "{printed:?}");
    assert!(
        printed.iter().any(|l| l.contains("mode paper on the market data of https://127.0.0.1")),
        "{printed:?}"
    );
    venue.stop().await;
}

#[actix_rt::test]
async fn live_mode_trades_over_tls_and_sigterm_cancels_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (venue, ca) = tls_venue(dir.path(), Arc::new(SystemClock));
    let key = account_key(&venue);
    let command = polymm(
        dir.path(),
        &["run", "--mode", "live"],
        &daemon_sets(&venue, Some(&ca)),
        &[("POLY_PRIVATE_KEY", &key)],
    );
    let daemon = Running::spawn(command);
    if !wait_for(Duration::from_secs(20), || open_orders(&venue) == 4).await {
        daemon.fail("the live daemon did not quote over TLS");
    }
    if !wait_for(Duration::from_secs(20), || heartbeat_chained(&venue)).await {
        daemon.fail("no heartbeat chain over TLS");
    }

    let ctl = ControlClient::from_state_dir(&dir.path().join("data")).unwrap();
    let (condition, yes, _) = common::sim::market(&venue, 0);
    common::sim::sell_into_bids(&venue, &condition, &yes, "5").await;
    let filled = until(&ctl, Duration::from_secs(10), |s| {
        s.markets.iter().any(|m| m.market == condition && m.position > dec!(0))
    })
    .await;
    if filled.is_none() {
        daemon.fail("the fill was not heard on the TLS user channel");
    }

    let (status, printed) = daemon.terminate(Duration::from_secs(10)).await;
    assert!(status.success(), "{printed:?}");
    assert!(printed.iter().any(|l| l.starts_with("polymm: mode live at https://127.0.0.1")), "{printed:?}");
    assert!(printed.iter().any(|l| l.contains("orders cancelled; bye")), "{printed:?}");
    assert_eq!(open_orders(&venue), 0, "SIGTERM over TLS left no open order");
    venue.stop().await;
}

#[actix_rt::test]
async fn a_certificate_from_an_untrusted_ca_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (venue, _ca) = tls_venue(dir.path(), Arc::new(SystemClock));
    let key = account_key(&venue);
    let command = polymm(
        dir.path(),
        &["run", "--mode", "live"],
        &daemon_sets(&venue, None),
        &[("POLY_PRIVATE_KEY", &key)],
    );
    let refused = output(command).await;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    let host = venue.base_url.trim_start_matches("https://");
    assert!(stderr.contains(&format!("TLS certificate of {host} refused")), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert_eq!(open_orders(&venue), 0);
    venue.stop().await;
}

/// `polymm doctor` against `venue`: whether it passed, and its lines.
async fn doctor(
    venue: &SimHandle,
    dir: &Path,
    ca: Option<&Path>,
    env: &[(&str, &str)],
) -> (bool, Vec<String>) {
    let output = output(polymm(dir, &["doctor"], &daemon_sets(venue, ca), env)).await;
    let lines = String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect();
    (output.status.success(), lines)
}

fn line<'a>(lines: &'a [String], check: &str) -> &'a str {
    lines.iter().find(|l| l.get(6..).is_some_and(|rest| rest.starts_with(check))).map_or("", String::as_str)
}

#[actix_rt::test]
async fn doctor_passes_every_check_against_the_tls_venue() {
    let dir = tempfile::tempdir().unwrap();
    let (venue, ca) = tls_venue(dir.path(), Arc::new(SystemClock));
    let key = account_key(&venue);
    let (passed, lines) = doctor(&venue, dir.path(), Some(&ca), &[("POLY_PRIVATE_KEY", &key)]).await;
    assert!(passed, "{lines:#?}");
    let checks: Vec<&String> =
        lines.iter().filter(|l| !l.starts_with("polymm doctor") && !l.starts_with("doctor:")).collect();
    assert_eq!(checks.len(), 13, "{lines:#?}");
    assert!(checks.iter().all(|l| l.starts_with("ok ")), "{lines:#?}");
    assert!(line(&lines, "reach user channel").contains("over TLS: websocket handshake"), "{lines:#?}");
    assert!(line(&lines, "credentials").contains("derived with L1"), "{lines:#?}");
    venue.stop().await;
}

/// A clock `offset_ms` ahead of the system's.
struct Skewed(u64);

impl Clock for Skewed {
    fn now(&self) -> Millis {
        Millis(SystemClock.now().0 + self.0)
    }
}

#[actix_rt::test]
async fn doctor_names_a_skewed_clock_a_wrong_passphrase_and_an_untrusted_ca() {
    let dir = tempfile::tempdir().unwrap();
    let (skewed, ca) = tls_venue(dir.path(), Arc::new(Skewed(45_000)));
    let key = account_key(&skewed);
    let (passed, lines) = doctor(&skewed, dir.path(), Some(&ca), &[("POLY_PRIVATE_KEY", &key)]).await;
    assert!(!passed, "{lines:#?}");
    assert!(
        line(&lines, "clock").starts_with("FAIL") && line(&lines, "clock").contains("45 s ahead"),
        "{lines:#?}"
    );
    skewed.stop().await;

    let (venue, ca) = tls_venue(dir.path(), Arc::new(SystemClock));
    let key = account_key(&venue);
    let creds = &venue.test_accounts[0].creds;
    let wrong = [
        ("POLY_PRIVATE_KEY", key.as_str()),
        ("POLY_API_KEY", creds.api_key.as_str()),
        ("POLY_API_SECRET", creds.secret.expose()),
        ("POLY_PASSPHRASE", "not-the-passphrase"),
    ];
    let (passed, lines) = doctor(&venue, dir.path(), Some(&ca), &wrong).await;
    assert!(!passed, "{lines:#?}");
    assert!(line(&lines, "credentials").starts_with("FAIL"), "{lines:#?}");
    assert!(line(&lines, "clock").starts_with("ok"), "{lines:#?}");
    assert!(lines.iter().all(|l| !l.contains(creds.secret.expose())), "the secret is never printed");

    let (passed, lines) = doctor(&venue, dir.path(), None, &[("POLY_PRIVATE_KEY", &key)]).await;
    assert!(!passed, "{lines:#?}");
    let clob = line(&lines, "reach CLOB");
    assert!(clob.starts_with("FAIL") && clob.contains("UnknownIssuer"), "{lines:#?}");
    assert!(line(&lines, "credentials").starts_with("skip"), "{lines:#?}");
    venue.stop().await;
}
