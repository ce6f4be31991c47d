//! The backtest against the daemon itself: the embedded venue (seed S, its configured
//! scenario mix) streams its market data to a daemon in paper mode that records the stream
//! while it trades (`telemetry.record`); after M minutes the recording is replayed through
//! the backtest with the same configuration (the paper exchange's queue model, orders
//! resting at once as paper orders do) and the two P&Ls are set side by side, with the
//! recording's book check (every full book against the replayed one).
//!
//! `cargo run --release --example paper_vs_backtest -- [MINUTES] [SEED]` (default 10 42)

use std::sync::Arc;
use std::time::Duration;

use polymm::backtest::{CoreStrategy, Latency, QueueKind, Replay, ReplayConfig, Summary};
use polymm::clock::{Clock, SystemClock};
use polymm::polymarket::{Chain, KeySigner, OrderSigner, SignatureType};
use polymm::sim::{self, ScenarioCatalog, SimWorld};
use polymm::strategy::StrategyKind;
use polymm::system::{self, Account, VenueEndpoints};
use rust_decimal::Decimal;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let minutes: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let seed: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(42);
    let dir = tempfile::tempdir()?.keep();
    println!("state and recording in {}", dir.display());
    let overrides = [
        ("mode", "paper"),
        ("telemetry.record", "true"),
        ("markets.min_volume", "0"),
        ("markets.min_spread", "0"),
        ("markets.max_spread", "1"),
        ("markets.min_hours_to_resolution", "0"),
        ("markets.min_price", "0"),
        ("markets.max_price", "1"),
        ("risk.max_daily_loss", "100000"),
        ("sim.seed", &seed.to_string()),
    ];
    let overrides: Vec<(&str, &str)> = overrides.to_vec();
    let config = polymm::testkit::daemon::config(&dir, &overrides)?;
    let paper = actix_rt::System::new().block_on(async {
        let options = system::sim_options(&config);
        let catalog = ScenarioCatalog::new(config.sim.scenarios.clone());
        let world = SimWorld::build(&options, &catalog, SystemClock.now().0)?;
        let venue = sim::start(world, 0, Arc::new(SystemClock))?;
        let signer = OrderSigner::new(KeySigner::random(), Chain::Polygon, SignatureType::Eoa, None)?;
        let account = Account::Paper { signer, balance: Decimal::from(100_000) };
        let endpoints = VenueEndpoints::of_sim(&venue)?;
        let daemon = system::start_as(&config, &endpoints, account, Arc::new(SystemClock)).await?;
        println!("paper daemon on {} markets for {minutes} min (seed {seed})…", options.markets);
        actix_rt::time::sleep(Duration::from_secs(minutes * 60)).await;
        let statuses = daemon.status().await;
        let (mut trading, mut rewards) = (Decimal::ZERO, Decimal::ZERO);
        let mut per_market = Vec::new();
        for status in &statuses {
            let pnl = status.pnl.realized + status.pnl.unrealized - status.pnl.fees;
            trading += pnl;
            rewards += status.pnl.rewards;
            per_market.push((status.condition.to_string(), pnl, status.position));
        }
        daemon.shutdown().await?;
        actix_rt::time::sleep(Duration::from_secs(2)).await;
        venue.stop().await;
        anyhow::Ok((trading, rewards, per_market))
    })?;
    let recordings = config.telemetry.recordings();
    let mut source = polymm::data::open(&recordings)?;
    let coverage = polymm::data::inspect(source.as_mut());
    print!("{}", coverage.render());
    let mut source = polymm::data::open(&recordings)?;
    let mut strategy = CoreStrategy::new(polymm::system::core_params(&config, StrategyKind::Polymm));
    let replay = ReplayConfig {
        queue: QueueKind::RiskAverse,
        latency: Latency::Fixed { place_ms: 0, cancel_ms: 0 },
        ..ReplayConfig::default()
    };
    let result = Replay::new(source.as_mut(), replay).run(&mut strategy, &mut |_| {});
    let source_catalog = source.catalog().clone();
    let summary = Summary::of(&result);
    let backtest = summary.pnl - summary.rewards;
    let (live, live_rewards, per_market) = paper;
    println!(
        "market                                                              paper P&L  position | backtest P&L  settled"
    );
    for (condition, pnl, position) in &per_market {
        let index = source_catalog.condition(condition);
        let totals = index.and_then(|i| summary.markets.get(i as usize));
        println!(
            "{condition}  {:>9}  {:>8} | {:>12}  {}",
            pnl.round_dp(2),
            position.round_dp(2),
            totals.map_or_else(|| "-".into(), |t| (t.pnl - t.rewards).round_dp(2).to_string()),
            totals.and_then(|t| t.payout_yes).map_or_else(|| "no".into(), |p| format!("at {p}"))
        );
    }
    println!("paper (live):  trading P&L {}, rewards {}", live.round_dp(2), live_rewards.round_dp(2));
    println!(
        "backtest:      trading P&L {}, rewards {}, fills {}",
        backtest.round_dp(2),
        summary.rewards,
        summary.fills
    );
    if !live.is_zero() {
        println!(
            "difference: {}% of the paper P&L",
            ((backtest - live) / live.abs() * Decimal::ONE_HUNDRED).round_dp(1)
        );
    }
    Ok(())
}
