//! `polymm record`: the market channel of the chosen markets (both tokens), recorded as it
//! arrives (see `data::format`): frames with their read time and connection, connects and
//! drops, REST snapshots at start and after every reconnect, and Gamma's metadata at start
//! and whenever it changes (checked every ten minutes). A progress line shows frames/s,
//! bytes, markets and drops; SIGINT or SIGTERM stops it cleanly.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::market_data::{VenueArgs, client, endpoints};
use super::{GlobalArgs, print_line};
use crate::clock::{Clock, SystemClock};
use crate::data::{MarketMeta, Recorder, RecorderConfig};
use crate::feed::live::{FeedConfig, LiveFeed};
use crate::polymarket::{MarketInfo, discover};

/// How often Gamma is asked again for changed metadata.
const META_EVERY: Duration = Duration::from_secs(600);

/// `polymm record` flags.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The venue.
    #[command(flatten)]
    pub venue: VenueArgs,
    /// Record this market (condition id); repeat for more. Default: the markets that pass
    /// the `[markets]` filters, up to `max_markets`.
    #[arg(long = "market")]
    pub markets: Vec<String>,
    /// Record every listed market.
    #[arg(long, conflicts_with = "markets")]
    pub all: bool,
    /// Where the hourly files go (default: `telemetry.record_dir` under the state dir).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Stop after this many seconds (default: until SIGINT or SIGTERM).
    #[arg(long)]
    pub seconds: Option<u64>,
}

/// The markets to record, by the flags.
fn choose(listed: Vec<MarketInfo>, args: &RecordArgs, config: &crate::config::Config) -> Vec<MarketInfo> {
    if args.all {
        return listed;
    }
    if !args.markets.is_empty() {
        return listed
            .into_iter()
            .filter(|m| args.markets.iter().any(|id| *id == m.condition_id.to_string()))
            .collect();
    }
    let filters = crate::system::filters(&config.markets);
    let now = SystemClock.now().as_secs();
    let mut chosen: Vec<MarketInfo> =
        listed.into_iter().filter(|m| crate::selection::passes(m, &filters, now)).collect();
    chosen.sort_by_key(|m| std::cmp::Reverse(m.volume));
    chosen.truncate(config.markets.max_markets as usize);
    chosen
}

fn progress() -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} recording {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// Runs the recorder.
pub fn run(global: &GlobalArgs, args: &RecordArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    let out = args.out.clone().unwrap_or_else(|| config.telemetry.recordings());
    actix_rt::System::new().block_on(async move {
        let endpoints = endpoints(&config, &args.venue)?;
        let api = client(&endpoints);
        let (listed, _) = discover(&api).await?;
        let chosen = choose(listed, args, &config);
        anyhow::ensure!(!chosen.is_empty(), "no market to record (check --market, --all or the [markets] filters)");
        let mut recorder = Recorder::start(&RecorderConfig::new(&out))?;
        let mut metas: HashMap<String, MarketMeta> = HashMap::new();
        for market in &chosen {
            let meta = MarketMeta::from_listing(market);
            recorder.meta(&meta);
            metas.insert(meta.condition.clone(), meta);
        }
        let stats = recorder.stats();
        let assets: Vec<String> = chosen.iter().flat_map(|m| [m.yes.to_string(), m.no.to_string()]).collect();
        print_line(format!("recording {} markets ({} tokens) from {} into {}", chosen.len(), assets.len(), endpoints.clob, out.display()))?;
        let mut feed = LiveFeed::start(
            &endpoints.ws_market,
            &endpoints.transport,
            crate::feed::books::SharedBooks::default(),
            &assets,
            FeedConfig::default(),
            Arc::new(SystemClock),
        )
        .with_recorder(recorder);
        let bar = progress();
        let started = Instant::now();
        let stop_at = args.seconds.map(|s| started + Duration::from_secs(s));
        let mut interrupt = actix_rt::signal::unix::signal(actix_rt::signal::unix::SignalKind::interrupt())?;
        let mut terminate = actix_rt::signal::unix::signal(actix_rt::signal::unix::SignalKind::terminate())?;
        let mut last_meta = Instant::now();
        let mut last = (Instant::now(), 0u64);
        loop {
            if stop_at.is_some_and(|at| Instant::now() >= at) {
                break;
            }
            tokio::select! {
                _ = feed.step(&api, Duration::from_millis(200)) => {}
                _ = interrupt.recv() => break,
                _ = terminate.recv() => break,
            }
            if last_meta.elapsed() >= META_EVERY {
                last_meta = Instant::now();
                if let Ok((listed, _)) = discover(&api).await {
                    changed_metas(&listed, &mut metas, &mut feed);
                }
            }
            if last.0.elapsed() >= Duration::from_secs(1) {
                let frames = stats.frames.load(Ordering::Relaxed);
                let rate = (frames - last.1) as f64 / last.0.elapsed().as_secs_f64();
                last = (Instant::now(), frames);
                bar.set_message(format!(
                    "{frames} frames ({rate:.0}/s), {:.1} MB raw → {:.1} MB written, {} markets, {} snapshots, {} drops, {} write errors",
                    stats.raw_bytes.load(Ordering::Relaxed) as f64 / 1e6,
                    stats.written_bytes.load(Ordering::Relaxed) as f64 / 1e6,
                    metas.len(),
                    stats.snapshots.load(Ordering::Relaxed),
                    stats.drops.load(Ordering::Relaxed),
                    stats.write_errors.load(Ordering::Relaxed),
                ));
            }
        }
        bar.finish_and_clear();
        feed.stop();
        print_line(format!(
            "recorded {} frames, {} REST snapshots, {} drops in {:.0} s: {:.1} MB written to {}",
            stats.frames.load(Ordering::Relaxed),
            stats.snapshots.load(Ordering::Relaxed),
            stats.drops.load(Ordering::Relaxed),
            started.elapsed().as_secs_f64(),
            stats.written_bytes.load(Ordering::Relaxed) as f64 / 1e6,
            out.display()
        ))?;
        if let Some(handle) = endpoints.embedded {
            handle.stop().await;
        }
        Ok(())
    })
}

/// Records the metadata of recorded markets that Gamma now lists differently.
fn changed_metas(listed: &[MarketInfo], metas: &mut HashMap<String, MarketMeta>, feed: &mut LiveFeed) {
    for market in listed {
        let meta = MarketMeta::from_listing(market);
        if let Some(known) = metas.get_mut(&meta.condition)
            && *known != meta
        {
            feed.record_meta(&meta);
            *known = meta;
        }
    }
}
