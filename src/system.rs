//! Wiring only: builds the actors and connects them. Discovery picks the markets; the
//! execution, risk and feed actors are shared; each market runs under its own `Supervisor`.
//! Before any quote, every order of this key left on the venue is cancelled.

use std::rc::Rc;
use std::sync::Arc;

use actix::{Actor, Addr, Supervisor};

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::ConditionId;
use crate::execution::actor::{CancelAll, ExecutionActor};
use crate::feed::actor::{FeedActor, FeedEndpoints, Routes};
use crate::feed::live::FeedConfig;
use crate::market::actor::{Freeze, GetStatus, MarketActor, MarketSetup, MarketStatus};
use crate::market::quote::QuoteParams;
use crate::polymarket::OrderSigner;
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::{ClobClient, RetryPolicy};
use crate::polymarket::gamma::{MarketInfo, discover};
use crate::polymarket::heartbeat::spawn_heartbeats;
use crate::risk::RiskLimits;
use crate::risk::actor::RiskActor;

/// After the first cancel-all, placements already in flight may still land; a second one
/// this much later catches them.
const SHUTDOWN_SETTLE_MS: u64 = 500;

/// Where the venue is.
#[derive(Debug, Clone)]
pub struct VenueEndpoints {
    /// CLOB REST.
    pub clob: String,
    /// Gamma REST.
    pub gamma: String,
    /// Market channel.
    pub ws_market: String,
    /// User channel.
    pub ws_user: String,
}

/// A running daemon.
pub struct Daemon {
    /// The markets, by condition id.
    pub markets: Vec<(ConditionId, Addr<MarketActor>)>,
    /// The execution actor.
    pub execution: Addr<ExecutionActor>,
    heartbeat: actix_rt::task::JoinHandle<()>,
}

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The venue could not be reached or refused.
    #[error("venue: {0}")]
    Venue(#[from] crate::polymarket::client::ClientError),
    /// No market to quote.
    #[error("no market passed selection ({0} listed)")]
    NoMarkets(usize),
}

/// The quoting parameters of the `[quoting]` section.
pub fn quote_params(config: &Config) -> QuoteParams {
    let q = &config.quoting;
    QuoteParams {
        spread: q.spread,
        spread_min: q.spread_min,
        spread_max: q.spread_max,
        size: q.size.value(),
        position_limit: q.position_limit.value(),
        inventory_skew_max: q.inventory_skew_max,
        requote_threshold: q.requote_threshold,
    }
}

/// The markets to quote: the configured includes, then the best by volume that pass the
/// filters (in sim mode every listed market qualifies), up to `max_markets`.
pub fn select(config: &Config, markets: Vec<MarketInfo>, now_secs: u64) -> Vec<MarketInfo> {
    let sim = config.mode == crate::config::Mode::Sim;
    let mut chosen: Vec<MarketInfo> = markets
        .into_iter()
        .filter(|m| {
            config.markets.include.contains(&m.condition_id) || sim || m.passes(&config.markets, now_secs)
        })
        .collect();
    chosen.sort_by_key(|m| (!config.markets.include.contains(&m.condition_id), std::cmp::Reverse(m.volume)));
    chosen.truncate(config.markets.max_markets as usize);
    chosen
}

/// Starts the daemon against `venue` trading as `signer` with `creds`.
pub async fn start(
    config: &Config,
    venue: &VenueEndpoints,
    signer: OrderSigner,
    creds: ApiCreds,
    clock: Arc<dyn Clock>,
) -> Result<Daemon, StartError> {
    let client = Rc::new(
        ClobClient::new(&venue.clob, &venue.gamma, clock.clone(), RetryPolicy::default())
            .with_signer(signer.clone())
            .with_creds(creds.clone()),
    );
    let orphans = client.cancel_all().await?;
    if !orphans.canceled.is_empty() {
        tracing::warn!(
            count = orphans.canceled.len(),
            "cancelled orders left on the venue by an earlier run"
        );
    }
    let (listed, _) = discover(&client).await?;
    let total = listed.len();
    let chosen = select(config, listed, clock.now().as_secs());
    if chosen.is_empty() {
        return Err(StartError::NoMarkets(total));
    }
    let execution = ExecutionActor::new(client.clone(), signer, clock.clone()).start();
    let limits = RiskLimits {
        max_position: config.risk.max_position.value(),
        max_total_exposure: config.risk.max_total_exposure.value(),
        max_daily_loss: config.risk.max_daily_loss.value(),
        enforce: config.risk.enforce || config.mode == crate::config::Mode::Live,
    };
    let risk = RiskActor::new(limits, execution.clone()).start();
    let params = quote_params(config);
    let mut routes = Routes::default();
    let mut markets = Vec::new();
    for info in chosen {
        let setup = MarketSetup {
            condition: info.condition_id,
            yes: info.yes.clone(),
            no: info.no.clone(),
            tick: info.tick,
            min_size: info.min_size,
            neg_risk: info.neg_risk,
        };
        let (risk, execution) = (risk.clone(), execution.clone());
        let addr = Supervisor::start(move |_| MarketActor::new(setup, params, risk, execution));
        routes.by_yes_token.insert(info.yes.to_string(), addr.clone());
        routes.by_market.insert(info.condition_id, addr.clone());
        markets.push((info.condition_id, addr));
    }
    tracing::info!(markets = markets.len(), listed = total, "quoting");
    let endpoints = FeedEndpoints { ws_market: venue.ws_market.clone(), ws_user: venue.ws_user.clone() };
    FeedActor::new(endpoints, creds, client.clone(), routes, FeedConfig::default(), clock).start();
    let (beats, mut beat_events) = tokio::sync::mpsc::unbounded_channel();
    let heartbeat = spawn_heartbeats(client, std::time::Duration::from_secs(5), beats);
    actix_rt::spawn(async move { while beat_events.recv().await.is_some() {} });
    Ok(Daemon { markets, execution, heartbeat })
}

impl Daemon {
    /// Every market's status.
    pub async fn status(&self) -> Vec<MarketStatus> {
        let mut out = Vec::with_capacity(self.markets.len());
        for (_, market) in &self.markets {
            if let Ok(status) = market.send(GetStatus).await {
                out.push(status);
            }
        }
        out
    }

    /// Stops quoting, cancels everything in one request and waits for the venue's answer.
    pub async fn shutdown(self) -> Result<usize, String> {
        for (_, market) in &self.markets {
            let _ = market.send(Freeze).await;
        }
        let mut cancelled = self.execution.send(CancelAll).await.map_err(|e| e.to_string())??;
        actix_rt::time::sleep(std::time::Duration::from_millis(SHUTDOWN_SETTLE_MS)).await;
        cancelled += self.execution.send(CancelAll).await.map_err(|e| e.to_string())??;
        self.heartbeat.abort();
        Ok(cancelled)
    }
}
