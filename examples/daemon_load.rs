//! The daemon under load, in-process against the embedded venue: N markets of the `mixed`
//! scenario; once every market quotes (or after 300 s), a measurement window of S seconds,
//! then the frame-in → signed-order-out latency (p50, p99, max: from
//! the moment a websocket frame is read to the moment its order is signed, across the feed,
//! market, risk and execution actors, whole and per hop) and the resident memory of the
//! process, venue included, with the venue's own share measured before the daemon starts.
//! Last, a consistency check against the venue: the orders the daemon counts as resting by
//! their status there, and the markets whose position differs from the venue's.
//!
//! The total exposure and daily loss limits are raised to 1,000,000 pUSD so every market
//! may quote for the whole run (the defaults, 500 and 50, would hold most of 500 markets
//! back or trip the kill switch; capital allocation is the strategy issue's).
//!
//! The actors' thread busy-polls (`actors.busy_poll`, one core at 100 %) unless
//! `--no-busy-poll` is given (the daemon's default: it sleeps between events). The actors'
//! thread's own CPU use in the window is reported.
//!
//! `cargo run --release --example daemon_load -- [MARKETS] [SECONDS] [--no-busy-poll]`
//! (default 500 60)

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use polymm::clock::{Clock, SystemClock};
use polymm::domain::{OrderId, Outcome};
use polymm::execution::GetLatency;
use polymm::market::MarketStatus;
use polymm::sim::{self, ScenarioCatalog, SimWorld};
use polymm::system;
use polymm::testkit;
use rust_decimal::Decimal;

/// Resident memory of this process, MB (Linux).
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// CPU seconds used so far by this process (`"self"`) or the calling thread
/// (`"thread-self"`) (Linux).
fn cpu_secs(of: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{of}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,actix_server=error"));
    tracing_subscriber::fmt().with_env_filter(filter).compact().init();
    let (flags, numbers): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| a.starts_with("--"));
    let busy_poll = !flags.iter().any(|f| f == "--no-busy-poll");
    let mut args = numbers.into_iter();
    let markets: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(500);
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(60);
    let state = tempfile::tempdir()?;
    let (market_count, busy) = (markets.to_string(), busy_poll.to_string());
    let config = testkit::daemon::config(
        state.path(),
        &[
            ("sim.markets", &market_count),
            ("markets.max_markets", &market_count),
            ("actors.busy_poll", &busy),
            ("risk.max_total_exposure", "1000000"),
            ("risk.max_correlated_exposure", "1000000"),
            ("risk.max_daily_loss", "1000000"),
        ],
    )?;
    actix_rt::System::new().block_on(async move {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let options = system::sim_options(&config);
        let world = SimWorld::build(&options, &ScenarioCatalog::new(config.sim.scenarios.clone()), clock.now().0)?;
        let venue = sim::start(world, 0, clock.clone())?;
        actix_rt::time::sleep(Duration::from_secs(2)).await;
        let venue_rss = rss_mb();
        let started = std::time::Instant::now();
        let daemon = testkit::daemon::start(&config, &venue, clock).await?;
        let mut all_quoting = None;
        while started.elapsed() < Duration::from_secs(300) {
            let status = daemon.status().await;
            if status.iter().all(|m| m.idle.as_deref() != Some("Reconciling")) {
                all_quoting = Some(started.elapsed());
                break;
            }
            actix_rt::time::sleep(Duration::from_millis(500)).await;
        }
        match all_quoting {
            Some(after) => println!("every market reconciled {:.1} s after start", after.as_secs_f64()),
            None => println!("not every market reconciled after 300 s"),
        }
        daemon.execution.send(GetLatency { restart: true }).await?;
        let (cpu_before, actors_cpu_before) = (cpu_secs("self"), cpu_secs("thread-self"));
        actix_rt::time::sleep(Duration::from_secs(seconds)).await;
        let status = daemon.status().await;
        let latency = daemon.execution.send(GetLatency::default()).await?;
        let whole = latency.frame_to_signed;
        let (total_rss, cpu) = (rss_mb(), cpu_secs("self") - cpu_before);
        let actors_cpu = cpu_secs("thread-self") - actors_cpu_before;
        if let Some(report) = daemon.switch().await {
            println!("kill switch {:?}, {} errors counted", report.state, report.errors);
        }
        let quoting = status.iter().filter(|m| m.idle.is_none()).count();
        let orders: usize = status.iter().map(|m| m.orders.len()).sum();
        println!("markets {markets}, {seconds} s: {quoting} quoting, {orders} orders resting");
        let mut idle = std::collections::BTreeMap::<String, usize>::new();
        for reason in status.iter().filter_map(|m| m.idle.clone()) {
            *idle.entry(reason).or_default() += 1;
        }
        println!("not quoting, by reason: {idle:?}");
        println!(
            "frame-in → signed-order-out over {} orders ({}): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
            whole.count,
            if busy_poll { "actors' thread busy-polling" } else { "actors' thread sleeping between events" },
            whole.p50_us,
            whole.p99_us,
            whole.max_us
        );
        for (hop, summary) in [
            ("read → sent to market", latency.read_to_dispatch),
            ("sent → market handler", latency.dispatch_to_market),
            ("handler → approved by risk", latency.market_to_approved),
            ("approved → signed", latency.approved_to_signed),
        ] {
            println!("  {hop}: p50 {:.1} µs, p99 {:.1} µs", summary.p50_us, summary.p99_us);
        }
        println!(
            "resident memory: {total_rss:.0} MB in all, {venue_rss:.0} MB of it the embedded venue before the \
             daemon started; CPU {cpu:.1} s in the {seconds} s window (venue and daemon together), the actors' \
             thread {:.0} % of a core",
            actors_cpu * 100.0 / seconds as f64
        );
        let on_venue = venue.state.with_world(|world, _| {
            let key = world.test_accounts[0].key.address();
            world.venue.account_at(&key).map_or(0, |account| world.venue.open_orders(account, None, None).len())
        });
        println!("the venue holds {on_venue} open orders of ours");
        let (states, positions_off) = consistency(&venue, &status);
        println!("the orders the daemon counts as resting, by their status on the venue: {states:?}");
        println!("markets whose position differs from the venue's: {positions_off}");
        if positions_off > 0 || states.keys().any(|state| state != "Live") {
            // The venue kept trading between the daemon's status and the venue's books: look
            // again, to tell a fill in flight from one the daemon missed.
            actix_rt::time::sleep(Duration::from_secs(2)).await;
            let (states, positions_off) = consistency(&venue, &daemon.status().await);
            println!("2 s later: resting orders by venue status {states:?}, positions differing {positions_off}");
        }
        let cancelled = daemon.shutdown().await.map_err(anyhow::Error::msg)?;
        println!("shutdown cancelled {cancelled} orders");
        venue.stop().await;
        Ok(())
    })
}

/// The daemon's resting orders by their status on the venue, and how many markets' positions
/// differ from the venue's.
fn consistency(venue: &sim::SimHandle, status: &[MarketStatus]) -> (BTreeMap<String, usize>, usize) {
    let ours: Vec<OrderId> = status.iter().flat_map(|m| m.orders.iter().copied()).collect();
    venue.state.with_world(|world, _| {
        let mut by = BTreeMap::<String, usize>::new();
        for id in &ours {
            let key =
                world.venue.order(id).map_or_else(|| "unknown".to_owned(), |r| format!("{:?}", r.status));
            *by.entry(key).or_default() += 1;
        }
        let Some(account) = world.venue.account_at(&world.test_accounts[0].key.address()) else {
            return (by, 0);
        };
        let Some(account) = world.venue.account(account) else { return (by, 0) };
        let shares =
            |index, outcome| Decimal::from(account.position(index, outcome).held) / Decimal::from(1_000_000);
        let off = status
            .iter()
            .filter_map(|m| world.venue.condition(&m.condition).map(|index| (m, index)))
            .filter(|(m, index)| shares(*index, Outcome::Yes) - shares(*index, Outcome::No) != m.position)
            .count();
        (by, off)
    })
}
