//! The two-minute chaos soak, as a user runs it (`polymm soak --duration 2m`): every
//! fault the embedded venue has, market panics, flow bursts, SIGTERM restarts and kill -9
//! right after fills; at the end the daemon's shares, ledger and trade log must equal the
//! venue's and nothing may be left resting.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::process::polymm;

fn figure(report: &str, label: &str) -> Option<u64> {
    let line = report.lines().find(|line| line.trim_start().starts_with(label))?;
    line.split_whitespace().last()?.parse().ok()
}

#[test]
fn two_minutes_of_chaos_leave_the_daemon_s_view_equal_to_the_venue_s() {
    let dir = tempfile::tempdir().unwrap();
    let soak_dir = dir.path().join("soak");
    let args =
        ["soak", "--duration", "2m", "--markets", "4", "--seed", "21", "--dir", soak_dir.to_str().unwrap()];
    let output = polymm(dir.path(), &args, &[], &[]).output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    let log = std::fs::read_to_string(soak_dir.join("daemon.log")).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(30).collect();
    assert!(
        output.status.success(),
        "{report}\n{}\ndaemon log (last lines, newest first):\n{}",
        String::from_utf8_lossy(&output.stderr),
        tail.join("\n")
    );
    for label in [
        "open orders after SIGTERM",
        "markets whose shares differ",
        "... missing from the ledger",
        "ledger fills the venue does not know",
        "fills not in the trade log once",
        "panics escaping a market",
        "daemon exits nobody asked for",
    ] {
        assert_eq!(figure(&report, label), Some(0), "{label}: {report}");
    }
    assert!(figure(&report, "venue fills (trade, our order)").unwrap() > 0, "the daemon traded: {report}");
    for chaos in
        ["kill -9 after a fill", "message faults", "market panic", "SIGTERM and restart", "websocket stall"]
    {
        assert!(figure(&report, chaos).is_some_and(|n| n > 0), "the plan of seed 21 holds {chaos}: {report}");
    }
}
