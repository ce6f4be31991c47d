//! `polymm markets` (the discovered markets with their scoring inputs, as a table) and
//! `polymm book` (a live top-of-book view from the market channel). Both talk to a running
//! venue given by URL, to real Polymarket, or to an embedded sim started for the occasion.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use rust_decimal::Decimal;

use super::{GlobalArgs, print_line};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::Side;
use crate::domain::book::{micros_decimal, pips_decimal};
use crate::feed::live::{FeedConfig, LiveFeed};
use crate::polymarket::Transport;
use crate::polymarket::client::{ClobClient, RetryPolicy};
use crate::polymarket::gamma::{MarketInfo, discover};
use crate::sim::agents::ScenarioCatalog;
use crate::sim::server::{self, SimHandle};
use crate::sim::world::SimWorld;

/// Which venue to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VenueChoice {
    /// An embedded sim started for this command (or the one at --clob).
    Sim,
    /// The venue URLs of the configuration (real Polymarket by default).
    Polymarket,
}

/// Where the venue is.
#[derive(Debug, Args)]
pub struct VenueArgs {
    /// sim (default: an embedded venue started for this command) or polymarket.
    #[arg(long, value_enum, default_value_t = VenueChoice::Sim)]
    pub venue: VenueChoice,
    /// CLOB base URL of a running venue, e.g. http://127.0.0.1:8080 from `polymm sim`.
    #[arg(long)]
    pub clob: Option<String>,
}

/// `polymm markets` flags.
#[derive(Debug, Args)]
pub struct MarketsArgs {
    /// The venue.
    #[command(flatten)]
    pub venue: VenueArgs,
    /// Show every market, not only those that pass the [markets] filters.
    #[arg(long)]
    pub all: bool,
}

/// `polymm book` flags.
#[derive(Debug, Args)]
pub struct BookArgs {
    /// Token id (default: the YES token of the first listed market).
    pub token: Option<String>,
    /// The venue.
    #[command(flatten)]
    pub venue: VenueArgs,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long)]
    pub seconds: Option<u64>,
}

/// The endpoints in use, and the embedded venue if one was started.
pub(super) struct Endpoints {
    pub(super) clob: String,
    gamma: String,
    pub(super) ws_market: String,
    pub(super) transport: Transport,
    pub(super) embedded: Option<SimHandle>,
}

pub(super) fn endpoints(config: &Config, args: &VenueArgs) -> anyhow::Result<Endpoints> {
    if let Some(clob) = &args.clob {
        let clob = clob.trim_end_matches('/').to_owned();
        let ws = clob.replacen("http", "ws", 1);
        return Ok(Endpoints {
            gamma: format!("{clob}/gamma"),
            ws_market: format!("{ws}/ws/market"),
            clob,
            transport: config.venue.transport()?,
            embedded: None,
        });
    }
    match args.venue {
        VenueChoice::Polymarket => Ok(Endpoints {
            clob: config.venue.clob_url.clone(),
            gamma: config.venue.gamma_url.clone(),
            ws_market: config.venue.ws_market_url.clone(),
            transport: config.venue.transport()?,
            embedded: None,
        }),
        VenueChoice::Sim => {
            let options = crate::system::sim_options(config);
            let catalog = ScenarioCatalog::new(config.sim.scenarios.clone());
            let world = SimWorld::build(&options, &catalog, SystemClock.now().0)?;
            let handle = server::start(world, 0, Arc::new(SystemClock))?;
            Ok(Endpoints {
                clob: handle.base_url.clone(),
                gamma: handle.gamma_url.clone(),
                ws_market: format!("{}/market", handle.ws_url),
                transport: handle.client_transport()?,
                embedded: Some(handle),
            })
        }
    }
}

pub(super) fn client(endpoints: &Endpoints) -> ClobClient {
    ClobClient::new(
        &endpoints.transport,
        &endpoints.clob,
        &endpoints.gamma,
        Arc::new(SystemClock),
        RetryPolicy::default(),
    )
}

/// `polymm markets`.
pub fn markets(global: &GlobalArgs, args: &MarketsArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    actix_rt::System::new().block_on(async move {
        let endpoints = endpoints(&config, &args.venue)?;
        if endpoints.embedded.is_some() {
            actix_rt::time::sleep(Duration::from_secs(2)).await;
        }
        let (mut markets, skipped) = discover(&client(&endpoints)).await?;
        let now = SystemClock.now().as_secs();
        markets.sort_by_key(|m| std::cmp::Reverse(m.volume));
        print_line(format!(
            "{:<34} {:>6} {:>6} {:>6} {:>12} {:>9} {:>8}  {}",
            "market", "bid", "ask", "spread", "volume", "reward/d", "hours", "filters"
        ))?;
        let mut shown = 0;
        let filters = crate::system::filters(&config.markets);
        for market in &markets {
            let passes = crate::selection::passes(market, &filters, now);
            if passes || args.all {
                print_line(row(market, passes, now))?;
                shown += 1;
            }
        }
        print_line(format!(
            "{shown} of {} markets shown ({skipped} rows skipped); --all shows every one",
            markets.len()
        ))?;
        if let Some(handle) = endpoints.embedded {
            handle.stop().await;
        }
        Ok(())
    })
}

fn row(market: &MarketInfo, passes: bool, now: u64) -> String {
    let name: String =
        if market.slug.is_empty() { &market.question } else { &market.slug }.chars().take(34).collect();
    let hours = market.hours_to_resolution(now).map_or_else(|| "-".to_owned(), |h| h.round_dp(1).to_string());
    let reward = market.rewards.as_ref().map_or(Decimal::ZERO, |r| r.daily_rate);
    format!(
        "{name:<34} {:>6} {:>6} {:>6} {:>12} {:>9} {:>8}  {}",
        market.best_bid.round_dp(4),
        market.best_ask.round_dp(4),
        market.spread().round_dp(4),
        market.volume.round_dp(0),
        reward.round_dp(0),
        hours,
        if passes { "pass" } else { "-" }
    )
}

/// `polymm book`.
pub fn book(global: &GlobalArgs, args: &BookArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    actix_rt::System::new().block_on(async move {
        let endpoints = endpoints(&config, &args.venue)?;
        let api = client(&endpoints);
        let token = match &args.token {
            Some(token) => token.clone(),
            None => {
                let (markets, _) = discover(&api).await?;
                markets
                    .first()
                    .map(|m| m.yes.to_string())
                    .ok_or_else(|| anyhow::anyhow!("the venue lists no market"))?
            }
        };
        print_line(format!("book of {token} at {}", endpoints.clob))?;
        let mut feed = LiveFeed::start(
            &endpoints.ws_market,
            &endpoints.transport,
            crate::feed::books::SharedBooks::default(),
            std::slice::from_ref(&token),
            FeedConfig::default(),
            Arc::new(SystemClock),
        );
        let stop_at = args.seconds.map(|s| Instant::now() + Duration::from_secs(s));
        let mut last = String::new();
        let mut interrupt = actix_rt::signal::unix::signal(actix_rt::signal::unix::SignalKind::interrupt())?;
        loop {
            if stop_at.is_some_and(|at| Instant::now() >= at) {
                break;
            }
            tokio::select! {
                _ = feed.step(&api, Duration::from_millis(200)) => {}
                _ = interrupt.recv() => break,
            }
            let line = top_line(&feed, &token);
            if line != last {
                print_line(&line)?;
                last = line;
            }
        }
        let stats = feed.data().stats();
        print_line(format!(
            "frames {}  events {}  malformed {}  gaps {}  reconnects {}  REST snapshots {}",
            stats.frames,
            stats.events,
            stats.malformed_frames,
            stats.gaps,
            stats.reconnects,
            stats.rest_snapshots
        ))?;
        feed.stop();
        if let Some(handle) = endpoints.embedded {
            handle.stop().await;
        }
        Ok(())
    })
}

/// One line: three best levels each side.
fn top_line(feed: &LiveFeed, token: &str) -> String {
    let Some(book) = feed.data().book(token) else { return "(syncing)".to_owned() };
    let side = |side: Side| {
        book.depth(side)
            .take(3)
            .map(|l| format!("{}×{}", pips_decimal(l.price), micros_decimal(l.size)))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let spread = book.spread().map_or_else(|| "-".to_owned(), |s| pips_decimal(s).to_string());
    format!("bids {:<40} | asks {:<40} spread {spread}", side(Side::Buy), side(Side::Sell))
}
