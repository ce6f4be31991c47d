//! The soak's course: start the venue and the daemon, inflict the planned chaos for the
//! run's duration while keeping the daemon running (and re-armed after a trip), then stop
//! the faults, let it settle, stop it, and audit.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::audit::{DaemonRecord, Figures, Shares, VenueTruth};
use super::chaos::{Chaos, ChaosPlan};
use super::daemon::{Daemon, Launch, escaped_panics};
use super::venue_side::{self, Taker};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::control::client::ControlClient;
use crate::control::view::StatusView;
use crate::secret::Secret;
use crate::sim::agents::ScenarioCatalog;
use crate::sim::server::{self, SimHandle};
use crate::sim::world::{SimOptions, SimWorld};
use crate::telemetry::store::Store;

/// How a soak runs.
#[derive(Debug, Clone)]
pub struct SoakOptions {
    /// How long the chaos lasts.
    pub duration: Duration,
    /// Markets the venue lists.
    pub markets: u32,
    /// Seed of the venue and of the chaos.
    pub seed: u64,
    /// The venue's scenario.
    pub scenario: String,
    /// Where the daemon's state and log go.
    pub dir: PathBuf,
    /// How long the daemon may take to match the venue once the faults stop.
    pub settle_within: Duration,
}

/// What a soak found.
#[derive(Debug, Default)]
pub struct SoakReport {
    /// The audit.
    pub figures: Figures,
    /// Chaos inflicted, by kind.
    pub chaos: BTreeMap<&'static str, u32>,
    /// Kill-switch trips seen, with their reasons.
    pub trips: Vec<String>,
    /// Panics outside the crashes asked for.
    pub escaped_panics: usize,
    /// Daemon exits nobody asked for.
    pub unexpected_exits: usize,
    /// How long the daemon took to match the venue after the faults stopped.
    pub settled_in: Option<Duration>,
    /// Resident memory of the daemon a little after its first start, and at the end, KiB.
    pub rss_kib: (Option<u64>, Option<u64>),
    /// How long the chaos lasted.
    pub elapsed: Duration,
}

impl SoakReport {
    /// Whether every loss figure is zero.
    pub fn clean(&self) -> bool {
        self.figures.clean()
            && self.escaped_panics == 0
            && self.unexpected_exits == 0
            && self.settled_in.is_some()
    }
}

impl fmt::Display for SoakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "soak: {:.0?} of chaos", self.elapsed)?;
        for (kind, count) in &self.chaos {
            writeln!(f, "  {kind:<36} {count}")?;
        }
        writeln!(f, "figures (each must be 0 but the counts):")?;
        writeln!(f, "{}", self.figures)?;
        writeln!(f, "  panics escaping a market             {}", self.escaped_panics)?;
        writeln!(f, "  daemon exits nobody asked for        {}", self.unexpected_exits)?;
        match self.settled_in {
            Some(took) => writeln!(f, "  view equal to the venue's after      {took:.1?} of quiet")?,
            None => writeln!(f, "  view equal to the venue's after      NEVER")?,
        }
        writeln!(f, "  kill-switch trips                    {}", self.trips.len())?;
        for trip in &self.trips {
            writeln!(f, "    {trip}")?;
        }
        let kib = |v: Option<u64>| v.map_or("?".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        write!(
            f,
            "  resident memory                      {} at start, {} at end",
            kib(self.rss_kib.0),
            kib(self.rss_kib.1)
        )
    }
}

/// Runs a soak; `progress` hears one line per chaos step.
pub async fn soak(
    config: &Config,
    options: SoakOptions,
    mut progress: impl FnMut(&str),
) -> anyhow::Result<SoakReport> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let sim = SimOptions {
        scenario: options.scenario.clone(),
        markets: options.markets,
        seed: options.seed,
        ..crate::system::sim_options(config)
    };
    let world = SimWorld::build(&sim, &ScenarioCatalog::new(config.sim.scenarios.clone()), clock.now().0)?;
    let venue = server::start(world, 0, clock)?;
    std::fs::create_dir_all(&options.dir)?;
    let launch = Launch::on(&venue, &options.dir, &["telemetry.log_level=warn".to_owned()])?;
    let key = venue
        .test_accounts
        .first()
        .map(|a| a.key.export_secret())
        .ok_or_else(|| anyhow::anyhow!("no test account"))?;
    let mut run = Soak::start(&venue, launch, key, options.seed).await?;
    let outcome = run.course(&options, &mut progress).await;
    let report = match outcome {
        Ok(()) => run.finish(&options).await,
        Err(error) => Err(error),
    };
    venue.stop().await;
    report
}

struct Soak<'a> {
    venue: &'a SimHandle,
    launch: Launch,
    key: Secret,
    daemon: Option<Daemon>,
    ctl: ControlClient,
    taker: Taker,
    rng: StdRng,
    report: SoakReport,
    tripped_since: Option<Instant>,
    last_switch: String,
}

impl<'a> Soak<'a> {
    async fn start(venue: &'a SimHandle, launch: Launch, key: Secret, seed: u64) -> anyhow::Result<Self> {
        let mut daemon = Daemon::spawn(&launch, &key)?;
        let ctl = control(&launch.state_dir(), &mut daemon).await?;
        let mut soak = Self {
            venue,
            taker: Taker::open(venue),
            launch,
            key,
            daemon: Some(daemon),
            ctl,
            rng: StdRng::seed_from_u64(seed ^ 0x50a4),
            report: SoakReport::default(),
            tripped_since: None,
            last_switch: "armed".to_owned(),
        };
        soak.wait_quoting(Duration::from_secs(60)).await?;
        actix_rt::time::sleep(Duration::from_secs(2)).await;
        soak.report.rss_kib.0 = soak.daemon.as_ref().and_then(Daemon::rss_kib);
        Ok(soak)
    }

    async fn course(&mut self, options: &SoakOptions, progress: &mut impl FnMut(&str)) -> anyhow::Result<()> {
        let mut plan = ChaosPlan::new(options.seed);
        let started = Instant::now();
        while started.elapsed() < options.duration {
            let (chaos, pause_ms) = plan.draw();
            *self.report.chaos.entry(chaos.name()).or_default() += 1;
            progress(&format!("{:>6.0?} {}", started.elapsed(), chaos.name()));
            self.inflict(chaos).await?;
            let until = Instant::now() + Duration::from_millis(pause_ms);
            while Instant::now() < until {
                self.upkeep().await?;
                actix_rt::time::sleep(Duration::from_millis(500)).await;
            }
        }
        self.report.elapsed = started.elapsed();
        Ok(())
    }

    async fn inflict(&mut self, chaos: Chaos) -> anyhow::Result<()> {
        if venue_side::apply_fault(self.venue, chaos) {
            return Ok(());
        }
        match chaos {
            Chaos::CrashMarket => {
                if let Some(market) = self.some_market() {
                    let _ = self.ctl.call(true, &format!("/v1/markets/{market}/crash")).await;
                }
            }
            Chaos::FlowBurst => {
                for _ in 0..self.rng.gen_range(1..=3) {
                    self.sweep_one();
                }
            }
            Chaos::KillRightAfterFill => {
                let filled = (0..5).any(|_| self.sweep_one());
                if !filled {
                    tracing::info!("no fill to kill the daemon after");
                }
                if let Some(daemon) = self.daemon.take() {
                    daemon.kill();
                }
                self.respawn().await?;
            }
            Chaos::Restart => {
                self.stop_daemon().await;
                self.respawn().await?;
            }
            _ => {}
        }
        Ok(())
    }

    fn sweep_one(&mut self) -> bool {
        let market = self.rng.gen_range(0..venue_side::market_count(self.venue).max(1));
        let sell = self.rng.gen_bool(0.5);
        let shares = self.rng.gen_range(5..=20);
        self.taker.sweep(self.venue, market, sell, shares)
    }

    fn some_market(&mut self) -> Option<String> {
        let index = self.rng.gen_range(0..venue_side::market_count(self.venue).max(1));
        venue_side::condition(self.venue, index)
    }

    /// Keeps the daemon up and armed; notes trips and exits nobody asked for.
    async fn upkeep(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.daemon.as_mut().and_then(Daemon::exited) {
            self.report.unexpected_exits += 1;
            tracing::warn!(%status, "the daemon exited by itself; starting it again");
            self.daemon = None;
            self.respawn().await?;
        }
        let Some(status) = self.status().await else { return Ok(()) };
        if status.switch != self.last_switch && status.switch == "tripped" {
            self.report.trips.push(status.trip_reason.clone().unwrap_or_else(|| "unknown".into()));
        }
        self.last_switch.clone_from(&status.switch);
        if status.switch == "armed" {
            self.tripped_since = None;
        } else if self.tripped_since.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(10) {
            let _ = self.ctl.call(true, "/v1/resume").await;
        }
        Ok(())
    }

    async fn status(&self) -> Option<StatusView> {
        serde_json::from_value(self.ctl.call(false, "/v1/status").await.ok()?).ok()
    }

    async fn respawn(&mut self) -> anyhow::Result<()> {
        let mut daemon = Daemon::spawn(&self.launch, &self.key)?;
        self.ctl = control(&self.launch.state_dir(), &mut daemon).await?;
        self.daemon = Some(daemon);
        self.last_switch = "armed".to_owned();
        Ok(())
    }

    async fn stop_daemon(&mut self) {
        let Some(mut daemon) = self.daemon.take() else { return };
        if daemon.terminate().is_ok() {
            let stopped = Instant::now();
            while stopped.elapsed() < Duration::from_secs(20) {
                if daemon.exited().is_some() {
                    return;
                }
                actix_rt::time::sleep(Duration::from_millis(50)).await;
            }
        }
        self.report.unexpected_exits += 1;
        daemon.kill();
    }

    async fn wait_quoting(&self, limit: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.status().await.is_some_and(|s| s.quoting > 0) {
                return Ok(());
            }
            actix_rt::time::sleep(Duration::from_millis(200)).await;
        }
        anyhow::bail!(
            "the daemon did not quote within {limit:?} (see {})",
            self.launch.dir.join("daemon.log").display()
        )
    }

    /// The daemon's shares per market (markets holding none left out).
    async fn daemon_shares(&self) -> Option<BTreeMap<String, Shares>> {
        let status = self.status().await?;
        Some(
            status
                .markets
                .iter()
                .map(|m| (m.market.clone(), Shares { yes: m.yes, no: m.no }))
                .filter(|(_, shares)| *shares != Shares::default())
                .collect(),
        )
    }

    async fn finish(mut self, options: &SoakOptions) -> anyhow::Result<SoakReport> {
        venue_side::apply_fault(self.venue, Chaos::Calm);
        if self.daemon.is_none() {
            self.respawn().await?;
        }
        let _ = self.ctl.call(true, "/v1/resume").await;
        let quiet = Instant::now();
        // Both views are read at the same moment: the venue's flow keeps filling the
        // daemon's quotes until SIGTERM cancels them.
        let (mut shares, mut venue_shares) = (BTreeMap::new(), BTreeMap::new());
        let mut equal_polls = 0;
        while quiet.elapsed() < options.settle_within && equal_polls < 3 {
            shares = self.daemon_shares().await.unwrap_or_default();
            venue_shares = venue_side::shares(self.venue);
            equal_polls = if shares == venue_shares { equal_polls + 1 } else { 0 };
            if equal_polls == 1 {
                self.report.settled_in = Some(quiet.elapsed());
            }
            actix_rt::time::sleep(Duration::from_secs(1)).await;
        }
        if equal_polls < 3 {
            self.report.settled_in = None;
        }
        self.report.rss_kib.1 = self.daemon.as_ref().and_then(Daemon::rss_kib);
        self.stop_daemon().await;
        let log = std::fs::read_to_string(self.launch.dir.join("daemon.log")).unwrap_or_default();
        self.report.escaped_panics = escaped_panics(&log);
        let mut record = read_record(&self.launch.state_dir(), self.venue)?;
        record.shares = shares;
        let truth = VenueTruth { shares: venue_shares, ..venue_side::truth(self.venue) };
        self.report.figures = Figures::audit(&truth, &record);
        Ok(self.report)
    }
}

/// The control client of `daemon` (state in `state`), once its API is up.
async fn control(state: &Path, daemon: &mut Daemon) -> anyhow::Result<ControlClient> {
    let started = Instant::now();
    loop {
        if let Some(status) = daemon.exited() {
            anyhow::bail!("the daemon exited at start ({status}); see daemon.log beside {}", state.display());
        }
        if let Ok(client) = ControlClient::from_state_dir(state)
            && client.call(false, "/v1/status").await.is_ok()
        {
            return Ok(client);
        }
        if started.elapsed() > Duration::from_secs(60) {
            anyhow::bail!("the daemon's control API did not come up within 60 s");
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The daemon's ledger and trade log, read after it stopped.
fn read_record(state: &Path, venue: &SimHandle) -> anyhow::Result<DaemonRecord> {
    let store = Store::open(&state.join("polymm.sqlite"))?;
    let mut ledger = BTreeSet::new();
    for index in 0..venue_side::market_count(venue) {
        let Some(market) = venue_side::condition(venue, index) else { continue };
        ledger.extend(store.fills(&market)?.into_iter().map(|f| (f.trade_id, f.order_id)));
    }
    let mut log = BTreeMap::new();
    let text = std::fs::read_to_string(state.join("trades.jsonl")).unwrap_or_default();
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line)?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let undone = value.get("undone").and_then(serde_json::Value::as_bool).unwrap_or(false);
        *log.entry((field("trade_id"), field("order_id"))).or_insert(0) += if undone { -1 } else { 1 };
    }
    Ok(DaemonRecord { shares: BTreeMap::new(), ledger, log })
}
