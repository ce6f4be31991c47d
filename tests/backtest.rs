//! The replay on data nobody here made, and on the public formats: resolvedkit's published
//! result reproduced with its own rule, the daemon's strategies on its sample, PMXT v2
//! Parquet read and refused by name, and runs that repeat byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[allow(dead_code)]
#[path = "../examples/late_favorite/rule.rs"]
mod rule;

use std::process::Command;

use polymm::backtest::{CoreStrategy, Latency, QueueKind, Replay, ReplayConfig, Summary, TakerFills};
use polymm::config::{Config, EnvSnapshot, LoadOptions, load};
use polymm::data::EventKind;
use polymm::strategy::StrategyKind;
use polymm::testkit::parquet::{PmxtRow, write_pmxt};
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

fn late_favorite(fills: TakerFills) -> Decimal {
    let mut source = polymm::data::open(&common::resolvedkit::sample()).unwrap();
    let config = ReplayConfig {
        latency: Latency::Fixed { place_ms: 250, cancel_ms: 250 },
        taker_fills: fills,
        ..ReplayConfig::default()
    };
    let mut strategy = rule::LateFavorite::new(rule::Rule::default());
    let result = Replay::new(source.as_mut(), config).run(&mut strategy, &mut |_| {});
    rule::return_on_invested(&result) * Decimal::ONE_HUNDRED
}

#[test]
fn resolvedkits_late_favorite_returns_what_its_readme_reports() {
    let at_mid = late_favorite(TakerFills::Mid);
    let on_book = late_favorite(TakerFills::Book);
    assert!((at_mid - dec!(29.5)).abs() <= dec!(0.1), "filled at the mid: {at_mid}% (README: +29.5 %)");
    assert!(
        (on_book - dec!(26.0)).abs() <= dec!(0.1),
        "filled against the book: {on_book}% (README: +26.0 %)"
    );
}

#[test]
fn the_daemons_strategy_trades_the_sample_and_every_market_settles() {
    let mut source = polymm::data::open(&common::resolvedkit::sample()).unwrap();
    let mut strategy = CoreStrategy::new(polymm::system::core_params(&config(), StrategyKind::Polymm));
    let result = Replay::new(source.as_mut(), ReplayConfig::default()).run(&mut strategy, &mut |_| {});
    let summary = Summary::of(&result);
    assert_eq!(summary.markets.len(), 18);
    assert!(summary.markets.iter().all(|m| m.payout_yes.is_some()), "all 18 markets settled");
    assert!(summary.fills > 50, "{summary:?}");
    let parts = summary.spread + summary.inventory + summary.rewards + summary.rebates + summary.settlement
        - summary.fees;
    assert!((parts - summary.pnl).abs() <= dec!(0.02), "the P&L split adds up: {parts} vs {}", summary.pnl);
    assert!(source.problems().is_clean());
}

/// 2025-12-01T00:00:00Z, ms.
const HOUR_START: i64 = 1_764_547_200_000;

fn pmxt_rows() -> Vec<PmxtRow> {
    let book = |t: i64, asset, bids, asks| PmxtRow {
        received_ms: t + 40,
        venue_ms: t,
        market: "0xabc",
        event_type: "book",
        asset,
        bids: Some(bids),
        asks: Some(asks),
        ..PmxtRow::default()
    };
    let change = |t: i64, asset, side, price, size| PmxtRow {
        received_ms: t + 40,
        venue_ms: t,
        market: "0xabc",
        event_type: "price_change",
        asset,
        price: Some(price),
        size: Some(size),
        side: Some(side),
        ..PmxtRow::default()
    };
    let mut rows = vec![
        book(
            HOUR_START + 1_000,
            "111",
            r#"[{"price":"0.48","size":"100"}]"#,
            r#"[{"price":"0.52","size":"100"}]"#,
        ),
        book(
            HOUR_START + 1_000,
            "222",
            r#"[{"price":"0.48","size":"100"}]"#,
            r#"[{"price":"0.52","size":"100"}]"#,
        ),
    ];
    for i in 0..200 {
        let t = HOUR_START + 2_000 + i * 500;
        rows.push(change(t, "111", "BUY", if i % 2 == 0 { "0.49" } else { "0.48" }, "50"));
        rows.push(change(t, "111", "SELL", "0.51", if i % 3 == 0 { "0" } else { "40" }));
        let print = |price, side| PmxtRow {
            received_ms: t + 41,
            venue_ms: t,
            market: "0xabc",
            event_type: "last_trade_price",
            asset: "111",
            price: Some(price),
            size: Some("80"),
            side: Some(side),
            ..PmxtRow::default()
        };
        match i % 10 {
            3 => rows.push(print("0.48", "SELL")),
            5 => rows.push(print("0.52", "BUY")),
            7 => rows.push(print("0.47", "SELL")),
            9 => rows.push(print("0.53", "BUY")),
            _ => {}
        }
    }
    rows.push(PmxtRow {
        received_ms: HOUR_START + 200_000,
        venue_ms: HOUR_START + 199_990,
        market: "0xabc",
        event_type: "price_change",
        asset: "111",
        price: Some("zero point five"),
        size: Some("1"),
        side: Some("BUY"),
        ..PmxtRow::default()
    });
    rows
}

#[test]
fn pmxt_parquet_is_read_by_column_name_and_bad_rows_and_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("polymarket_orderbook_2026-12-01T00.parquet");
    write_pmxt(&file, &pmxt_rows(), &[]).unwrap();
    let mut source = polymm::data::open(&file).unwrap();
    assert_eq!(source.kind(), "PMXT v2 Parquet");
    let inspection = polymm::data::inspect(source.as_mut());
    assert_eq!(inspection.markets, 1);
    assert_eq!(inspection.by_kind.get("book"), Some(&2));
    assert_eq!(inspection.by_kind.get("trade"), Some(&80));
    assert_eq!(inspection.by_kind.get("level"), Some(&400));
    assert_eq!(inspection.feed_latency_ms, Some(40));
    assert_eq!(inspection.problems.skipped, 1, "the row whose price does not parse");
    assert!(
        inspection.problems.first[0].contains("row 482") && inspection.problems.first[0].contains(".parquet"),
        "{:?}",
        inspection.problems.first
    );

    let mut source = polymm::data::open(&file).unwrap();
    let first = source.next_event().unwrap();
    assert!(matches!(first.kind, EventKind::Book { .. }));
    let start = HOUR_START as u64;
    assert_eq!((first.at.exchange_ms, first.at.local_ns), (start + 1_000, (start + 1_040) * 1_000_000));

    let broken = dir.path().join("broken.parquet");
    write_pmxt(&broken, &pmxt_rows(), &["event_type", "size"]).unwrap();
    let error = polymm::data::open(&broken).err().expect("a file without event_type is refused").to_string();
    assert!(
        error.contains("broken.parquet") && error.contains("event_type") && error.contains("size"),
        "{error}"
    );
    std::fs::write(dir.path().join("junk.parquet"), b"not parquet at all").unwrap();
    let error = polymm::data::open(&dir.path().join("junk.parquet")).err().expect("refused").to_string();
    assert!(error.contains("junk.parquet") && error.contains("not a Parquet file"), "{error}");
}

#[test]
fn the_same_data_gives_the_same_report_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pmxt");
    std::fs::create_dir_all(&data).unwrap();
    write_pmxt(&data.join("hour.parquet"), &pmxt_rows(), &[]).unwrap();
    let run = |out: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_polymm"))
            .args(["backtest", "--strategy", "polymm,fixed", "--data"])
            .arg(&data)
            .arg("--report")
            .arg(dir.path().join(out))
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let table = run("a");
    assert!(table.contains("| polymm |") && table.contains("| fixed |"), "{table}");
    run("b");
    for file in ["summary.json", "fills.csv", "report.html"] {
        let a = std::fs::read(dir.path().join("a").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(file)).unwrap();
        assert!(a == b, "{file} differs between two runs of the same data");
    }
    let html = std::fs::read_to_string(dir.path().join("a/report.html")).unwrap();
    assert!(!html.contains("href=") && !html.contains("src=") && !html.contains("<script"), "self-contained");
    assert!(html.matches("<svg").count() >= 6);
}

#[test]
fn queue_models_order_fills_from_optimistic_to_pessimistic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hour.parquet");
    write_pmxt(&file, &pmxt_rows(), &[]).unwrap();
    let fills = |queue| {
        let mut source = polymm::data::open(&file).unwrap();
        let mut strategy = CoreStrategy::new(polymm::system::core_params(&config(), StrategyKind::Fixed));
        let config = ReplayConfig { queue, ..ReplayConfig::default() };
        Replay::new(source.as_mut(), config).run(&mut strategy, &mut |_| {}).measured.fill_count
    };
    let (optimistic, neutral, pessimistic) =
        (fills(QueueKind::TradeOnly), fills(QueueKind::Power(2.0)), fills(QueueKind::RiskAverse));
    assert!(optimistic >= neutral && neutral >= pessimistic, "{optimistic} ≥ {neutral} ≥ {pessimistic}");
    assert!(optimistic > pessimistic, "the queue matters when trades print: {optimistic} vs {pessimistic}");
}
