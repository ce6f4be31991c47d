//! `polymm sim-compare` end to end: every strategy trades the same seeded simulation
//! through the daemon's own `MarketCore`; runs are reproducible, the P&L split adds up,
//! the model protects itself where flow is informed, and the command prints its table.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use polymm::compare::{CompareSpec, StrategyReport, run_strategy};
use polymm::config::{Config, EnvSnapshot, LoadOptions, load};
use polymm::strategy::StrategyKind;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn config() -> Config {
    let options = LoadOptions {
        config_path: None,
        env: EnvSnapshot::from_pairs(std::iter::empty()),
        overrides: Vec::new(),
    };
    load(&options).unwrap().config
}

fn run(scenario: &str, seed: u64, minutes: u64, kind: StrategyKind) -> StrategyReport {
    let spec = CompareSpec { scenario: scenario.into(), seed, duration_ms: minutes * 60_000, markets: 4 };
    run_strategy(&config(), &spec, kind).unwrap()
}

#[test]
fn every_strategy_trades_reproducibly_and_its_pnl_adds_up() {
    for kind in [StrategyKind::Polymm, StrategyKind::Fixed, StrategyKind::AvellanedaStoikov] {
        let report = run("calm", 7, 3, kind);
        assert!(report.fills > 0 && report.volume > Decimal::ZERO, "{report:?}");
        assert!(report.quoted > dec!(0.5), "quoting most of the time: {report:?}");
        let parts = report.spread + report.inventory + report.rewards - report.fees;
        assert!((report.pnl - parts).abs() <= dec!(0.02), "{report:?}");
        assert!(report.max_drawdown >= Decimal::ZERO);
        assert_eq!(run("calm", 7, 3, kind), report, "same seed, same run");
    }
    assert_ne!(run("calm", 8, 3, StrategyKind::Fixed), run("calm", 7, 3, StrategyKind::Fixed));
}

#[test]
fn the_model_loses_less_than_the_fixed_spread_when_news_is_informed() {
    let polymm = run("jumpy", 1, 10, StrategyKind::Polymm);
    let fixed = run("jumpy", 1, 10, StrategyKind::Fixed);
    assert!(polymm.max_drawdown < fixed.max_drawdown, "polymm {polymm:?}\nfixed {fixed:?}");
    assert!(polymm.pnl > fixed.pnl, "polymm {polymm:?}\nfixed {fixed:?}");
}

#[test]
fn the_command_prints_one_row_per_strategy() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_polymm"))
        .current_dir(dir.path())
        .args(["sim-compare", "--scenario", "calm,toxic", "--duration", "60s", "--strategy", "fixed,polymm"])
        .env_clear()
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.matches("| fixed |").count(), 2, "{text}");
    assert_eq!(text.matches("| polymm |").count(), 2, "{text}");
    assert!(text.contains("scenario toxic, seed 42"), "{text}");
    let bad = Command::new(env!("CARGO_BIN_EXE_polymm"))
        .current_dir(dir.path())
        .args(["sim-compare", "--strategy", "martingale"])
        .env_clear()
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("martingale"));
}

#[test]
fn no_market_waits_on_answers_for_more_than_a_minute_in_two_hours_of_any_scenario() {
    for scenario in ["calm", "trending", "jumpy", "toxic", "competitive", "resolving"] {
        let spec = CompareSpec { scenario: scenario.into(), seed: 11, duration_ms: 7_200_000, markets: 2 };
        let report = run_strategy(&config(), &spec, StrategyKind::Polymm).unwrap();
        assert!(
            report.longest_stall_secs <= 60,
            "{scenario}: a market waited {} s on answers or a reconciliation",
            report.longest_stall_secs
        );
    }
}
