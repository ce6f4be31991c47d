//! `polymm run --mode live` as a separate process, trading a venue this test holds on
//! loopback (the embedded venue speaks Polymarket's API, so "live" here is real signed
//! orders over real HTTP and websockets): it refuses to start unconfirmed, quotes once
//! confirmed, and SIGTERM leaves zero open orders on the venue.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use polymm::sim::server::SimHandle;

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
    let ws = venue.ws_url.clone();
    let sets = [
        format!("venue.clob_url={}", venue.base_url),
        format!("venue.gamma_url={}", venue.gamma_url),
        format!("venue.ws_market_url={ws}/market"),
        format!("venue.ws_user_url={ws}/user"),
        format!("venue.live_confirmed={confirmed}"),
        format!("markets.include={},{}", common::sim::market(venue, 0).0, common::sim::market(venue, 1).0),
        "control.port=0".into(),
        "telemetry.status_interval_secs=1".into(),
        "telemetry.log_level=error".into(),
    ];
    let mut command = Command::new(env!("CARGO_BIN_EXE_polymm"));
    command.args(["run", "--no-dotenv", "--mode", "live"]).env_clear().env("POLY_PRIVATE_KEY", key.expose());
    for set in sets {
        command.args(["--set", &set]);
    }
    command.current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

#[actix_rt::test]
async fn live_mode_needs_confirmation_quotes_and_sigterm_cancels_everything() {
    let venue = venue();
    let dir = tempfile::tempdir().unwrap();

    let refused = live_command(&venue, dir.path(), false).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("live mode trades real money"));

    let mut child = live_command(&venue, dir.path(), true).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let start = Instant::now();
    while open_orders(&venue) < 4 && start.elapsed() < Duration::from_secs(20) {
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
    if open_orders(&venue) != 4 {
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        panic!("the live daemon did not quote: {}", String::from_utf8_lossy(&output.stderr));
    }

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(stopped.elapsed() < Duration::from_secs(10), "exits within 10 s of SIGTERM");
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    };
    let printed: Vec<String> = lines.try_iter().collect();
    assert!(status.success(), "{printed:?}");
    assert!(printed.iter().any(|l| l.starts_with("polymm: mode live at http://127.0.0.1")), "{printed:?}");
    assert!(printed.iter().any(|l| l.contains("orders cancelled; bye")), "{printed:?}");
    assert_eq!(open_orders(&venue), 0, "SIGTERM left no open order");
    venue.stop().await;
}
