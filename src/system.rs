//! Wiring only: builds the actors and connects them. Before any quote, every order of this
//! key left on the venue is cancelled (paper mode has no venue account: its orders go to a
//! local paper account fed by the feed); discovery then picks the markets. The execution,
//! risk, kill-switch and feed actors are shared; the director starts each market under its
//! own `Supervisor`. The kill switch and the director need each other's address, so their
//! contexts are made first and run once both actors exist. Actors get the addresses they
//! need at construction: there is no global registry.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use actix::{Actor, Addr, Arbiter, AsyncContext as _, Context, Recipient};
use rust_decimal::Decimal;

use crate::clock::Clock;
use crate::config::Config;
use crate::control::{self, ControlHandles, ControlServer};
use crate::director::messages::{AttachFeed, FreezeAll, ListMarkets};
use crate::director::{MarketDirector, RestartPolicy};
use crate::domain::MarketSetup;
use crate::execution::actor::ExecutionActor;
use crate::execution::messages::CancelAll;
use crate::execution::order_path::OrderPath;
use crate::execution::paper_link::PaperLink;
use crate::execution::paper_venue::PaperVenue;
use crate::execution::sender::OrderSender;
use crate::feed::actor::{FeedActor, FeedEndpoints, MarketInbox, Routes, UserSource};
use crate::feed::live::FeedConfig;
use crate::killswitch::SwitchLimits;
use crate::killswitch::actor::{KillSwitchActor, SwitchTargets};
use crate::killswitch::messages::{ErrorDuring, ErrorSeen, Flush, GetSwitch, SwitchReport};
use crate::market::actor::{MarketLinks, MarketTuning};
use crate::market::core::SafetyParams;
use crate::market::messages::MarketStatus;
use crate::polymarket::OrderSigner;
use crate::polymarket::Transport;
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::{ClobClient, RetryPolicy, patiently};
use crate::polymarket::gamma::{MarketInfo, discover};
use crate::polymarket::heartbeat::{HeartbeatEvent, spawn_heartbeats};
use crate::risk::RiskLimits;
use crate::risk::actor::RiskActor;
use crate::risk::desk::RiskDesk;
use crate::strategy::quote::QuoteParams;
use crate::strategy::{ModelParams, allocator, scorer};
use crate::telemetry::ledger::Ledger;
use crate::telemetry::lock::StateLock;

/// After the first cancel-all, placements already in flight may still land; a second one
/// this much later catches them.
const SHUTDOWN_SETTLE_MS: u64 = 500;

/// Messages the kill switch's mailbox holds before senders wait (`do_send` never waits).
const SWITCH_MAILBOX: usize = 16;

/// Where the venue is.
#[derive(Debug, Clone)]
pub struct VenueEndpoints {
    /// CLOB REST.
    pub clob: String,
    /// Gamma REST.
    pub gamma: String,
    /// Data API REST (positions).
    pub data_api: String,
    /// Market channel.
    pub ws_market: String,
    /// User channel.
    pub ws_user: String,
    /// TLS trust for every connection to it.
    pub transport: Transport,
}

impl VenueEndpoints {
    /// The endpoints of an embedded venue, trusting its CA when it serves TLS.
    pub fn of_sim(venue: &crate::sim::server::SimHandle) -> Result<Self, crate::polymarket::TransportError> {
        Ok(Self {
            clob: venue.base_url.clone(),
            gamma: venue.gamma_url.clone(),
            data_api: venue.data_api_url.clone(),
            ws_market: format!("{}/market", venue.ws_url),
            ws_user: format!("{}/user", venue.ws_url),
            transport: venue.client_transport()?,
        })
    }
}

/// A running daemon.
pub struct Daemon {
    /// The director of the markets.
    pub director: Addr<MarketDirector>,
    /// The kill switch.
    pub switch: Addr<KillSwitchActor>,
    /// The execution actor.
    pub execution: Addr<ExecutionActor>,
    /// The control API.
    pub control: ControlServer,
    heartbeat: Option<actix_rt::task::JoinHandle<()>>,
    spinner: Option<actix_rt::task::JoinHandle<()>>,
    store_thread: Arbiter,
    _state_lock: StateLock,
}

/// Why the daemon could not start. The wrapped errors are sources, so the message names only
/// the stage (`{:#}` prints the whole chain once).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The venue could not be reached or refused.
    #[error("venue")]
    Venue(#[from] crate::polymarket::client::ClientError),
    /// No market to quote.
    #[error("no market passed selection ({listed} listed{why})")]
    NoMarkets {
        /// Markets the venue listed.
        listed: usize,
        /// Which filters refused how many, as `; N refused by SETTING` parts.
        why: String,
    },
    /// Another daemon uses the state directory.
    #[error("state directory")]
    Locked(#[from] crate::telemetry::lock::LockError),
    /// The state store could not be opened.
    #[error("state store")]
    Store(#[from] crate::telemetry::store::StoreError),
    /// The control API could not start.
    #[error("control API")]
    Control(#[from] std::io::Error),
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

/// The markets to quote: the configured includes, then the best by the market scorer
/// that pass the `MARKET_*` filters (in sim mode every listed market qualifies), up to
/// `max_markets`.
///
/// Markets in `held` (the account holds their shares) are chosen like those the operator
/// includes, whatever the filters say: a restart never leaves inventory unwatched.
pub fn select(
    config: &Config,
    markets: &[MarketInfo],
    held: &std::collections::BTreeSet<crate::domain::ConditionId>,
    now_secs: u64,
) -> Vec<MarketInfo> {
    let sim = config.mode == crate::config::Mode::Sim;
    let forced =
        |m: &MarketInfo| config.markets.include.contains(&m.condition_id) || held.contains(&m.condition_id);
    let mut chosen: Vec<(Decimal, &MarketInfo)> = markets
        .iter()
        .filter(|m| forced(m) || sim || m.passes(&config.markets, now_secs))
        .map(|m| (scorer::score(&m.facts(now_secs)), m))
        .collect();
    chosen.sort_by(|(score_a, a), (score_b, b)| {
        (!forced(a), std::cmp::Reverse(*score_a)).cmp(&(!forced(b), std::cmp::Reverse(*score_b)))
    });
    chosen.truncate(config.markets.max_markets as usize);
    chosen.into_iter().map(|(_, m)| m.clone()).collect()
}

/// The markets where the account holds shares (from the Data API; none when it is not
/// configured or does not answer, which is said).
async fn held_markets(
    client: &ClobClient,
    account: &Account,
) -> std::collections::BTreeSet<crate::domain::ConditionId> {
    let Account::Venue { signer, .. } = account else { return Default::default() };
    match client.positions(&signer.maker(), Decimal::new(1, 2)).await {
        Some(Ok(positions)) => positions.iter().filter_map(|p| p.condition_id.parse().ok()).collect(),
        Some(Err(error)) => {
            tracing::warn!(%error, "positions unreadable: markets where we hold shares may go unwatched");
            Default::default()
        }
        None => Default::default(),
    }
}

/// How many listed markets each `[markets]` filter refuses (outside sim mode), as
/// `; N refused by SETTING` parts: read only when none is left, to say why.
fn refusals(config: &Config, listed: &[MarketInfo], now_secs: u64) -> String {
    if config.mode == crate::config::Mode::Sim {
        return String::new();
    }
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for market in listed {
        let reason = if market.accepting_orders {
            market.rejection(&config.markets, now_secs).map(scorer::Rejection::settings)
        } else {
            Some("the venue (not accepting orders)")
        };
        if let Some(reason) = reason {
            *counts.entry(reason).or_default() += 1;
        }
    }
    counts.iter().map(|(reason, n)| format!("; {n} refused by {reason}")).collect()
}

/// The capital allocator's budget for each chosen market: `max_total_exposure` split by
/// score, at most half of it to one market.
pub fn budgets(config: &Config, chosen: &[MarketInfo], now_secs: u64) -> BTreeMap<String, Decimal> {
    let scored: Vec<(String, Decimal)> =
        chosen.iter().map(|m| (m.condition_id.to_string(), scorer::score(&m.facts(now_secs)))).collect();
    let capital = config.risk.max_total_exposure.value();
    allocator::allocate(capital, &scored, capital / Decimal::TWO)
}

/// The strategy parameters from `[quoting]`, `[risk]` and `[alpha]`.
pub fn model_params(config: &Config) -> ModelParams {
    let defaults = ModelParams::new(config.quoting.strategy, quote_params(config));
    ModelParams {
        flow_window_ms: config.alpha.flow_window_secs * 1_000,
        flow_threshold: config.alpha.flow_imbalance_threshold,
        toxic_threshold: config.risk.adverse_toxic_threshold,
        regime_window: usize::try_from(config.alpha.regime_window_size).unwrap_or(usize::MAX),
        kelly_fraction: config.risk.kelly_fraction,
        max_daily_loss: config.risk.max_daily_loss.value(),
        ..defaults
    }
}

/// How the markets quote and protect themselves, from the configuration.
pub fn market_tuning(config: &Config) -> MarketTuning {
    MarketTuning {
        model: model_params(config),
        safety: SafetyParams {
            disconnect_cancel_ms: config.killswitch.disconnect_cancel_secs * 1_000,
            order_max_age_ms: config.quoting.order_max_age_secs * 1_000,
        },
        backoff: Duration::from_millis(config.actors.restart_backoff_ms),
        backoff_max: Duration::from_millis(config.actors.restart_backoff_max_ms),
        paper: config.mode == crate::config::Mode::Paper,
    }
}

/// Who the daemon trades as.
pub enum Account {
    /// A venue account: orders signed by `signer`, requests authenticated with `creds`.
    Venue {
        /// Signs orders.
        signer: OrderSigner,
        /// L2 credentials.
        creds: ApiCreds,
    },
    /// The local paper account: orders signed by a key no venue knows and filled locally
    /// from the venue's public market data; no credentials, nothing sent.
    Paper {
        /// Signs orders (a throwaway key).
        signer: OrderSigner,
        /// pUSD it starts with.
        balance: Decimal,
    },
}

/// Starts the daemon against `venue` trading as `signer` with `creds`.
pub async fn start(
    config: &Config,
    venue: &VenueEndpoints,
    signer: OrderSigner,
    creds: ApiCreds,
    clock: Arc<dyn Clock>,
) -> Result<Daemon, StartError> {
    start_as(config, venue, Account::Venue { signer, creds }, clock).await
}

/// A placement that would wait longer than this for the account's order budget is not
/// sent: its market backs off and plans again on a fresher book.
const ORDER_QUEUE_LIMIT: Duration = Duration::from_millis(500);

/// How long the start waits out a venue that answers with passing failures (an engine
/// restart, 429s, 5xx) before giving up.
const START_PATIENCE: Duration = Duration::from_secs(600);

/// Starts the daemon on `venue`'s market data trading as `account`.
pub async fn start_as(
    config: &Config,
    venue: &VenueEndpoints,
    account: Account,
    clock: Arc<dyn Clock>,
) -> Result<Daemon, StartError> {
    let state_lock = StateLock::acquire(&config.telemetry.state_dir)?;
    let mut client =
        ClobClient::new(&venue.transport, &venue.clob, &venue.gamma, clock.clone(), RetryPolicy::default())
            .with_data_api(&venue.data_api)
            .with_order_queue_limit(ORDER_QUEUE_LIMIT);
    if let Account::Venue { signer, creds } = &account {
        client = client.with_signer(signer.clone()).with_creds(creds.clone());
        let orphans = patiently("start-up cancel", START_PATIENCE, || client.cancel_all()).await?;
        if !orphans.canceled.is_empty() {
            tracing::warn!(
                count = orphans.canceled.len(),
                "cancelled orders left on the venue by an earlier run"
            );
        }
    }
    let client = Rc::new(client);
    let (listed, _) = patiently("market discovery", START_PATIENCE, || discover(&client)).await?;
    let total = listed.len();
    let held = held_markets(&client, &account).await;
    let chosen = select(config, &listed, &held, clock.now().as_secs());
    if chosen.is_empty() {
        let why = refusals(config, &listed, clock.now().as_secs());
        return Err(StartError::NoMarkets { listed: total, why });
    }
    let ledger = Ledger::open(&config.telemetry.state_dir)?;
    let (switch_sender, switch_mailbox) = actix::dev::channel::channel::<KillSwitchActor>(SWITCH_MAILBOX);
    let switch = Addr::new(switch_sender);
    let director_ctx = Context::<MarketDirector>::new();
    let paper = matches!(account, Account::Paper { .. });
    let (sender, user) = match account {
        Account::Venue { signer, creds } => {
            (OrderSender::venue(client.clone(), signer, clock.clone()), UserSource::Venue(creds))
        }
        Account::Paper { signer, balance } => {
            let markets = chosen.iter().map(|info| (info.condition_id, info.yes.clone()));
            let link = PaperLink::new(PaperVenue::new(balance, markets));
            (OrderSender::paper(link.clone(), signer, clock.clone()), UserSource::Paper(link))
        }
    };
    let sender = Rc::new(RefCell::new(sender.reporting_errors(switch.clone().recipient())));
    let execution = ExecutionActor::new(sender.clone(), clock.clone()).start();
    let limits = RiskLimits {
        max_position: config.risk.max_position.value(),
        max_total_exposure: config.risk.max_total_exposure.value(),
        max_correlated_exposure: config.risk.max_correlated_exposure.value(),
        max_daily_loss: config.risk.max_daily_loss.value(),
        enforce: config.risk.enforce || config.mode == crate::config::Mode::Live,
    };
    let groups = chosen.iter().filter_map(|info| Some((info.condition_id, info.group.clone()?))).collect();
    let desk = Rc::new(RefCell::new(RiskDesk::new(limits).with_groups(groups)));
    let risk = RiskActor::new(desk.clone()).start();
    let targets = SwitchTargets {
        markets: director_ctx.address().recipient(),
        gate: risk.clone().recipient(),
        gate_pnl: risk.clone().recipient(),
        cancel_all: execution.clone().recipient(),
        balance: execution.clone().recipient(),
    };
    let switch_actor = KillSwitchActor::new(
        ledger,
        SwitchLimits::from_config(&config.risk, &config.killswitch),
        Duration::from_secs(config.killswitch.balance_check_secs),
        targets,
        clock.clone(),
    );
    let armed = switch_actor.is_armed();
    desk.borrow_mut().set_armed(armed);
    let store_thread = Arbiter::new();
    if !store_thread.spawn_fn(move || {
        Context::with_receiver(switch_mailbox).run(switch_actor);
    }) {
        return Err(StartError::Control(std::io::Error::other("the kill switch's thread did not start")));
    }
    let policy = RestartPolicy {
        max_restarts: usize::try_from(config.actors.market_max_restarts).unwrap_or(usize::MAX),
        window_ms: config.killswitch.restart_window_secs * 1_000,
    };
    let mut tuning = market_tuning(config);
    tuning.paper = paper;
    let mut director_actor = MarketDirector::new(
        tuning,
        policy,
        switch.clone().recipient(),
        clock.clone(),
        !armed,
        config.mode == crate::config::Mode::Sim || config.control.fault_injection,
    );
    let links = MarketLinks {
        orders: OrderPath::new(desk, sender),
        reconcile: execution.clone().recipient(),
        marks: switch.clone().recipient(),
        fills: switch.clone().recipient(),
        director: director_ctx.address().recipient(),
    };
    let budgets = budgets(config, &chosen, clock.now().as_secs());
    let setups = chosen.iter().map(|info| setup_of(info, &budgets)).collect();
    let mut routes = Routes::default();
    for (setup, addr) in director_actor.start_markets(setups, links) {
        routes.insert(&setup, MarketInbox::of(&addr));
    }
    let director = director_ctx.run(director_actor);
    tracing::info!(markets = chosen.len(), listed = total, armed, "quoting");
    let endpoints = FeedEndpoints {
        ws_market: venue.ws_market.clone(),
        ws_user: venue.ws_user.clone(),
        transport: venue.transport.clone(),
    };
    let feed = FeedActor::new(
        endpoints,
        user,
        client.clone(),
        routes,
        feed_config(config),
        clock,
        switch.clone().recipient(),
    )
    .start();
    director.do_send(AttachFeed { reroute: feed.clone().recipient(), resend: feed.recipient() });
    let heartbeat = (!paper).then(|| start_heartbeats(client, switch.clone().recipient()));
    let handles = ControlHandles {
        director: director.clone(),
        switch: switch.clone(),
        execution: execution.clone(),
        mode: config.mode,
    };
    let control = control::serve(&config.control, &config.telemetry.state_dir, handles)?;
    let spinner = config.actors.busy_poll.then(crate::busy_poll::spawn);
    Ok(Daemon {
        director,
        switch,
        execution,
        control,
        heartbeat,
        spinner,
        store_thread,
        _state_lock: state_lock,
    })
}

/// Feed timing from the `[feed]` section.
pub fn feed_config(config: &Config) -> FeedConfig {
    let timing = config.feed;
    let mut feed = FeedConfig::default();
    feed.ws.ping_every = Duration::from_secs(timing.ping_every_secs);
    feed.ws.pong_within = Duration::from_millis(timing.pong_within_ms);
    feed.spot_checks_per_sec = usize::try_from(timing.spot_checks_per_sec).unwrap_or(usize::MAX);
    feed.ws.dead_after = Duration::from_secs(timing.dead_after_secs);
    feed.fallback_after = Duration::from_secs(timing.fallback_after_secs);
    feed
}

fn setup_of(info: &MarketInfo, budgets: &BTreeMap<String, Decimal>) -> MarketSetup {
    MarketSetup {
        rewards: info.rewards.map(|r| r.program()),
        end_ms: info.end_secs.map(|secs| secs.saturating_mul(1_000)),
        budget: budgets.get(&info.condition_id.to_string()).copied().unwrap_or_default(),
        condition: info.condition_id,
        yes: info.yes.clone(),
        no: info.no.clone(),
        tick: info.tick,
        min_size: info.min_size,
        neg_risk: info.neg_risk,
    }
}

/// Why a shutdown could not confirm that every order was cancelled.
#[derive(Debug, thiserror::Error)]
pub enum ShutdownError {
    /// The execution actor did not answer.
    #[error("the execution actor did not answer: {0}")]
    Unanswered(#[from] actix::MailboxError),
    /// The venue's cancel-all failed.
    #[error("cancel-all failed: {0}")]
    CancelAll(#[from] crate::polymarket::client::ClientError),
}

/// The venue heartbeat keeper; a missed beat counts as an error for the kill switch.
fn start_heartbeats(client: Rc<ClobClient>, errors: Recipient<ErrorSeen>) -> actix_rt::task::JoinHandle<()> {
    let (beats, mut beat_events) = tokio::sync::mpsc::unbounded_channel();
    let keeper = spawn_heartbeats(client, Duration::from_secs(5), beats);
    actix_rt::spawn(async move {
        while let Some(event) = beat_events.recv().await {
            if let HeartbeatEvent::Missed { error, .. } = event {
                errors.do_send(ErrorSeen { during: ErrorDuring::Heartbeat, error });
            }
        }
    });
    keeper
}

impl Daemon {
    /// Every market's status.
    pub async fn status(&self) -> Vec<MarketStatus> {
        self.director
            .send(ListMarkets)
            .await
            .map(|markets| markets.into_iter().filter_map(|m| m.status).collect())
            .unwrap_or_default()
    }

    /// The kill switch and the day's money.
    pub async fn switch(&self) -> Option<SwitchReport> {
        self.switch.send(GetSwitch).await.ok()
    }

    /// Stops quoting, cancels everything in one request and waits for the venue's answer;
    /// a second cancel-all shortly after catches placements that were in flight. Then the
    /// control API stops and the store is flushed (the kill switch stops last).
    pub async fn shutdown(self) -> Result<usize, ShutdownError> {
        let _ = self.director.send(FreezeAll).await;
        let mut cancelled = self.execution.send(CancelAll).await??;
        actix_rt::time::sleep(Duration::from_millis(SHUTDOWN_SETTLE_MS)).await;
        cancelled += self.execution.send(CancelAll).await??;
        for task in [self.heartbeat, self.spinner].into_iter().flatten() {
            task.abort();
        }
        self.control.stop().await;
        let _ = self.switch.send(Flush).await;
        self.store_thread.stop();
        Ok(cancelled)
    }
}
