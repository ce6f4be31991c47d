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
use crate::config::{Config, Mode};
use crate::control::{self, ControlHandles, ControlServer};
use crate::director::MarketDirector;
use crate::director::messages::{AttachFeed, FreezeAll, ListMarkets};
use crate::domain::{ConditionId, MarketSetup};
use crate::execution::actor::ExecutionActor;
use crate::execution::messages::CancelAll;
use crate::execution::order_path::OrderPath;
use crate::execution::paper_link::PaperLink;
use crate::execution::paper_venue::PaperVenue;
use crate::execution::sender::OrderSender;
use crate::feed::actor::{FeedActor, FeedEndpoints, MarketInbox, Routes};
use crate::feed::books::SharedBooks;
use crate::feed::user_source::UserSource;
use crate::killswitch::actor::{KillSwitchActor, SwitchTargets};
use crate::killswitch::messages::{ErrorDuring, ErrorSeen, Flush, GetSwitch, SwitchReport};
use crate::market::actor::MarketLinks;
use crate::market::messages::MarketStatus;
use crate::polymarket::OrderSigner;
use crate::polymarket::Transport;
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::{ClobClient, RetryPolicy, patiently};
use crate::polymarket::gamma::{MarketInfo, discover};
use crate::polymarket::heartbeat::{HeartbeatEvent, spawn_heartbeats};
use crate::risk::actor::RiskActor;
use crate::risk::desk::RiskDesk;
use crate::selection;
use crate::telemetry::ledger::Ledger;
use crate::telemetry::lock::StateLock;

mod params;

pub use params::{
    core_params, feed_config, filters, market_tuning, model_params, quote_params, risk_limits,
    selection_rules, sim_options, switch_limits,
};

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
    pub fn of_sim(venue: &crate::sim::SimHandle) -> Result<Self, crate::polymarket::TransportError> {
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
    let client = Rc::new(venue_client(venue, &account, clock.clone()).await?);
    let now_secs = clock.now().as_secs();
    let chosen = choose_markets(config, &client, &account, now_secs).await?;
    let ledger = Ledger::open(&config.telemetry.state_dir)?;
    let (switch_sender, switch_mailbox) = actix::dev::channel::channel::<KillSwitchActor>(SWITCH_MAILBOX);
    let switch = Addr::new(switch_sender);
    let director_ctx = Context::<MarketDirector>::new();
    let paper = matches!(account, Account::Paper { .. });
    let (sender, user) = order_sender(account, &client, &chosen, &clock);
    let sender = Rc::new(RefCell::new(sender.reporting_errors(switch.clone().recipient())));
    let execution = ExecutionActor::new(sender.clone(), clock.clone()).start();
    let groups = chosen.iter().filter_map(|info| Some((info.condition_id, info.group.clone()?))).collect();
    let desk = Rc::new(RefCell::new(RiskDesk::new(params::risk_limits(config)).with_groups(groups)));
    let risk = RiskActor::new(desk.clone()).start();
    let targets = SwitchTargets {
        markets: director_ctx.address().recipient(),
        gate: risk.clone().recipient(),
        gate_pnl: risk.recipient(),
        cancel_all: execution.clone().recipient(),
        balance: execution.clone().recipient(),
    };
    let balance_every = Duration::from_secs(config.killswitch.balance_check_secs);
    let switch_actor =
        KillSwitchActor::new(ledger, params::switch_limits(config), balance_every, targets, clock.clone());
    let armed = switch_actor.is_armed();
    desk.borrow_mut().set_armed(armed);
    let store_thread = run_switch(switch_mailbox, switch_actor)?;
    let mut director_actor = MarketDirector::new(
        params::market_tuning(config, paper),
        params::restart_policy(config),
        switch.clone().recipient(),
        clock.clone(),
        !armed,
        config.mode == Mode::Sim || config.control.fault_injection,
    );
    let books = SharedBooks::default();
    let links = MarketLinks {
        orders: OrderPath::new(desk, sender),
        reconcile: execution.clone().recipient(),
        marks: switch.clone().recipient(),
        fills: switch.clone().recipient(),
        director: director_ctx.address().recipient(),
        books: books.clone(),
    };
    let budgets = selection::budgets(config.risk.max_total_exposure.value(), &chosen, now_secs);
    let setups = chosen.iter().map(|info| setup_of(info, &budgets)).collect();
    let mut routes = Routes::default();
    for (setup, addr) in director_actor.start_markets(setups, links) {
        routes.insert(&setup, MarketInbox::of(&addr));
    }
    let director = director_ctx.run(director_actor);
    tracing::info!(markets = chosen.len(), armed, "quoting");
    let endpoints = FeedEndpoints {
        ws_market: venue.ws_market.clone(),
        ws_user: venue.ws_user.clone(),
        transport: venue.transport.clone(),
    };
    let mut feed = FeedActor::new(
        endpoints,
        user,
        client.clone(),
        routes,
        params::feed_config(config),
        clock,
        switch.clone().recipient(),
    )
    .sharing(books);
    if config.telemetry.record {
        let metas = chosen.iter().map(crate::data::MarketMeta::from_listing).collect();
        feed = feed.recording(crate::data::RecorderConfig::new(config.telemetry.recordings()), metas);
    }
    let feed = feed.start();
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

/// The venue's REST client for `account`; a venue account first cancels every order an
/// earlier run left (waiting out a venue that is briefly unavailable).
async fn venue_client(
    venue: &VenueEndpoints,
    account: &Account,
    clock: Arc<dyn Clock>,
) -> Result<ClobClient, StartError> {
    let client = ClobClient::new(&venue.transport, &venue.clob, &venue.gamma, clock, RetryPolicy::default())
        .with_data_api(&venue.data_api)
        .with_order_queue_limit(ORDER_QUEUE_LIMIT);
    let Account::Venue { signer, creds } = account else { return Ok(client) };
    let client = client.with_signer(signer.clone()).with_creds(creds.clone());
    let orphans = patiently("start-up cancel", START_PATIENCE, || client.cancel_all()).await?;
    if !orphans.canceled.is_empty() {
        tracing::warn!(
            count = orphans.canceled.len(),
            "cancelled orders left on the venue by an earlier run"
        );
    }
    Ok(client)
}

/// The markets to quote: Gamma's listings through the operator's selection rules, with the
/// markets where the account holds shares kept whatever the rules say.
async fn choose_markets(
    config: &Config,
    client: &ClobClient,
    account: &Account,
    now_secs: u64,
) -> Result<Vec<MarketInfo>, StartError> {
    let (listed, _) = patiently("market discovery", START_PATIENCE, || discover(client)).await?;
    let held = held_markets(client, account).await;
    let rules = params::selection_rules(config);
    let chosen = selection::select(&rules, &listed, &held, now_secs);
    tracing::info!(chosen = chosen.len(), listed = listed.len(), held = held.len(), "markets selected");
    if chosen.is_empty() {
        return Err(StartError::NoMarkets {
            listed: listed.len(),
            why: selection::refusals(&rules, &listed, now_secs),
        });
    }
    Ok(chosen)
}

/// How orders reach a market and how their events come back: the venue (signed, sent,
/// read from the user channel) or the local paper account (filled from the public feed).
fn order_sender(
    account: Account,
    client: &Rc<ClobClient>,
    chosen: &[MarketInfo],
    clock: &Arc<dyn Clock>,
) -> (OrderSender, UserSource) {
    match account {
        Account::Venue { signer, creds } => {
            (OrderSender::venue(client.clone(), signer, clock.clone()), UserSource::Venue(creds))
        }
        Account::Paper { signer, balance } => {
            let markets = chosen.iter().map(|info| (info.condition_id, info.yes.clone()));
            let link = PaperLink::new(PaperVenue::new(balance, markets));
            (OrderSender::paper(link.clone(), signer, clock.clone()), UserSource::Local(Rc::new(link)))
        }
    }
}

/// Runs the kill switch on a thread of its own (its ledger writes never wait on the
/// markets' thread); the arbiter is stopped at shutdown.
fn run_switch(
    mailbox: actix::dev::channel::AddressReceiver<KillSwitchActor>,
    switch: KillSwitchActor,
) -> Result<Arbiter, StartError> {
    let thread = Arbiter::new();
    if thread.spawn_fn(move || {
        Context::with_receiver(mailbox).run(switch);
    }) {
        Ok(thread)
    } else {
        Err(StartError::Control(std::io::Error::other("the kill switch's thread did not start")))
    }
}

fn setup_of(info: &MarketInfo, budgets: &BTreeMap<ConditionId, Decimal>) -> MarketSetup {
    MarketSetup {
        rewards: info.rewards.map(|r| r.program()),
        end_ms: info.end_secs.map(|secs| secs.saturating_mul(1_000)),
        budget: budgets.get(&info.condition_id).copied().unwrap_or_default(),
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
