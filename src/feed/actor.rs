//! `FeedActor`: runs the market and user feeds on its arbiter and routes what they deliver.
//! Each market whose YES book changed is told so (those whose top moved first, see
//! [`super::priority`]; every book once a second as well, so a restarted market learns its
//! book at once) and reads the book from the shared books, untrusted ones reading as none.
//! Each order or trade event goes to the market it belongs to, from the venue's user channel
//! or, in paper mode, from the local account, which it also shows every market event (see
//! [`super::user_source`]). Every second it tells the kill switch whether market data is
//! flowing. The director re-routes a market it had to start anew.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;

use super::books::SharedBooks;
use super::coalesce::{Coalescer, Rebroadcast};
use super::live::{FeedConfig, LiveFeed};
use super::messages::{Reroute, ResendBook};
use super::priority::BookChanges;
use super::user_live::LiveUser;
use super::user_source::UserSource;
use crate::clock::Clock;
use crate::domain::ConditionId;
use crate::domain::MarketSetup;
use crate::domain::UserEvent;
use crate::killswitch::messages::FeedHealth;
use crate::market::messages::{BookUpdated, TradePrinted, UserEventReceived, UserGap};
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::ClobClient;
use crate::polymarket::transport::Transport;
use crate::telemetry::hops::HopStamps;

/// Where the feeds connect.
#[derive(Debug, Clone)]
pub struct FeedEndpoints {
    /// Market channel URL.
    pub ws_market: String,
    /// User channel URL.
    pub ws_user: String,
    /// TLS trust for both.
    pub transport: Transport,
}

/// Where the feed sends one market's events.
#[derive(Clone)]
pub struct MarketInbox {
    /// Its YES book.
    pub book: Recipient<BookUpdated>,
    /// Trades printed on its YES token.
    pub prints: Recipient<TradePrinted>,
    /// Our order and trade events there.
    pub user: Recipient<UserEventReceived>,
    /// Our events there may have been lost.
    pub gaps: Recipient<UserGap>,
}

impl MarketInbox {
    /// The inbox of the market actor at `addr`.
    pub fn of<A>(addr: &Addr<A>) -> Self
    where
        A: Actor<Context = Context<A>>
            + Handler<BookUpdated>
            + Handler<TradePrinted>
            + Handler<UserEventReceived>
            + Handler<UserGap>,
    {
        Self {
            book: addr.clone().recipient(),
            prints: addr.clone().recipient(),
            user: addr.clone().recipient(),
            gaps: addr.clone().recipient(),
        }
    }
}

/// Which market each token and condition belongs to.
#[derive(Clone, Default)]
pub struct Routes {
    /// YES token id → market.
    pub by_yes_token: super::TokenMap<String, MarketInbox>,
    /// Condition id → the market's YES token id and the market.
    pub by_market: HashMap<ConditionId, (String, MarketInbox)>,
}

impl Routes {
    /// Routes `setup`'s events to `inbox` (replacing any earlier route).
    pub fn insert(&mut self, setup: &MarketSetup, inbox: MarketInbox) {
        self.by_yes_token.insert(setup.yes.to_string(), inbox.clone());
        self.by_market.insert(setup.condition, (setup.yes.to_string(), inbox));
    }
}

/// The feed actor.
pub struct FeedActor {
    endpoints: FeedEndpoints,
    user: UserSource,
    client: Rc<ClobClient>,
    routes: Rc<RefCell<Routes>>,
    config: FeedConfig,
    clock: Arc<dyn Clock>,
    health: Recipient<FeedHealth>,
    resend: Rc<RefCell<Vec<String>>>,
    coalescer: Rc<RefCell<Coalescer>>,
    books: SharedBooks,
    recording: Option<(crate::data::RecorderConfig, Vec<crate::data::MarketMeta>)>,
}

impl FeedActor {
    /// Feeds for the markets in `routes`, with our events from `user`, reporting market-data
    /// health to `health`.
    pub fn new(
        endpoints: FeedEndpoints,
        user: UserSource,
        client: Rc<ClobClient>,
        routes: Routes,
        config: FeedConfig,
        clock: Arc<dyn Clock>,
        health: Recipient<FeedHealth>,
    ) -> Self {
        Self {
            endpoints,
            user,
            client,
            routes: Rc::new(RefCell::new(routes)),
            config,
            clock,
            health,
            resend: Rc::new(RefCell::new(Vec::new())),
            coalescer: Rc::new(RefCell::new(Coalescer::default())),
            books: SharedBooks::default(),
            recording: None,
        }
    }

    /// Keeps the books in `books`, which the markets read when told theirs changed.
    pub fn sharing(mut self, books: SharedBooks) -> Self {
        self.books = books;
        self
    }

    /// The same feed recording its market channel (`telemetry.record`), with `markets`'
    /// metadata at the head of each file.
    pub fn recording(
        mut self,
        config: crate::data::RecorderConfig,
        markets: Vec<crate::data::MarketMeta>,
    ) -> Self {
        self.recording = Some((config, markets));
        self
    }
}

impl Handler<Reroute> for FeedActor {
    type Result = ();

    fn handle(&mut self, msg: Reroute, _: &mut Context<Self>) {
        self.coalescer.borrow_mut().reset(msg.setup.yes.as_str());
        self.routes.borrow_mut().insert(&msg.setup, msg.inbox);
    }
}

impl Handler<ResendBook> for FeedActor {
    type Result = ();

    fn handle(&mut self, msg: ResendBook, _: &mut Context<Self>) {
        if let Some((token, _)) = self.routes.borrow().by_market.get(&msg.0) {
            self.resend.borrow_mut().push(token.clone());
        }
    }
}

/// Sends each changed token's book to its market, stamped with when its frame came in,
/// never more than one update per market in its mailbox (see [`Coalescer`]).
fn dispatch(routes: &Routes, feed: &LiveFeed, coalescer: &mut Coalescer, tokens: &[&String]) {
    let changed = tokens.iter().map(|token| (token.as_str(), feed.frame_at(token)));
    for admitted in coalescer.admit(changed) {
        if let Some(market) = routes.by_yes_token.get(admitted.token.as_str()) {
            market.book.do_send(BookUpdated {
                origin: admitted.frame_at.map(|read| HopStamps::read_at(read).dispatched_at(Instant::now())),
                in_mailbox: Some(admitted.in_mailbox),
            });
        }
    }
}

/// Sends each order or trade event to the market it belongs to.
fn route_user(routes: &Routes, events: Vec<UserEvent>) {
    for event in events {
        let market = match &event {
            UserEvent::Order(order) => order.market,
            UserEvent::Trade(trade) => trade.market,
        };
        if let Some((_, inbox)) = routes.by_market.get(&market) {
            inbox.user.do_send(UserEventReceived(event));
        }
    }
}

impl Actor for FeedActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let tokens: Vec<String> = self.routes.borrow().by_yes_token.keys().cloned().collect();
        let mut feed = LiveFeed::start(
            &self.endpoints.ws_market,
            &self.endpoints.transport,
            self.books.clone(),
            &tokens,
            self.config,
            self.clock.clone(),
        );
        if let UserSource::Local(account) = &self.user {
            feed = feed.with_tap(account.tap(self.clock.clone()));
        }
        if let Some((config, markets)) = self.recording.take() {
            match crate::data::Recorder::start(&config) {
                Ok(mut recorder) => {
                    markets.iter().for_each(|meta| recorder.meta(meta));
                    tracing::info!(dir = %config.dir.display(), "recording the market channel");
                    feed = feed.with_recorder(recorder);
                }
                Err(error) => {
                    tracing::error!(%error, dir = %config.dir.display(), "cannot record the market channel")
                }
            }
        }
        let (client, routes, health) = (self.client.clone(), self.routes.clone(), self.health.clone());
        let (resend, coalescer, clock) = (self.resend.clone(), self.coalescer.clone(), self.clock.clone());
        ctx.spawn(
            async move {
                let mut rebroadcast = Rebroadcast::new(tokens.len(), clock.now().0);
                let mut last_health_ms = clock.now().0;
                loop {
                    // Wake for the next batch of re-sent books if nothing comes sooner.
                    let wait = rebroadcast.next_batch_in(clock.now().0).min(Duration::from_millis(50));
                    let BookChanges { top, depth: mut send_now } = feed.step(&client, wait).await;
                    if !top.is_empty() {
                        let first: Vec<&String> = top.iter().collect();
                        dispatch(&routes.borrow(), &feed, &mut coalescer.borrow_mut(), &first);
                        // Market, risk, execution: one turn each, so that an order caused by
                        // a move at the top is signed before the rest of the burst is handed over.
                        for _ in 0..3 {
                            tokio::task::yield_now().await;
                        }
                    }
                    send_now.append(&mut resend.borrow_mut());
                    let now_ms = clock.now().0;
                    if now_ms.saturating_sub(last_health_ms) >= 1_000 {
                        last_health_ms = now_ms;
                        health.do_send(FeedHealth { up: feed.healthy() });
                    }
                    let mut send: Vec<&String> = send_now.iter().collect();
                    send.extend(rebroadcast.due(now_ms).map(|i| &tokens[i]));
                    dispatch(&routes.borrow(), &feed, &mut coalescer.borrow_mut(), &send);
                    for print in feed.take_prints() {
                        if let Some(market) = routes.borrow().by_yes_token.get(&print.asset_id) {
                            market
                                .prints
                                .do_send(TradePrinted { taker_side: print.taker_side, size: print.size });
                        }
                    }
                    // Let the markets handle these books before the next frame is read.
                    tokio::task::yield_now().await;
                }
            }
            .into_actor(self),
        );
        match self.user.clone() {
            UserSource::Venue(creds) => self.start_user_channel(creds, ctx),
            UserSource::Local(account) => {
                let routes = self.routes.clone();
                ctx.spawn(
                    async move {
                        loop {
                            let events = account.events().await;
                            route_user(&routes.borrow(), events);
                        }
                    }
                    .into_actor(self),
                );
            }
        }
    }
}

impl FeedActor {
    /// Connects the venue's user channel and routes what it delivers.
    fn start_user_channel(&self, creds: ApiCreds, ctx: &mut Context<Self>) {
        let markets: Vec<String> = self.routes.borrow().by_market.keys().map(ToString::to_string).collect();
        let mut user = LiveUser::start(
            &self.endpoints.ws_user,
            &self.endpoints.transport,
            creds,
            markets,
            self.config.ws,
            self.config.fallback_after,
            self.config.poll_every,
            self.clock.clone(),
        );
        let (client, routes) = (self.client.clone(), self.routes.clone());
        ctx.spawn(
            async move {
                loop {
                    let events = user.step(&client, Duration::from_millis(100)).await;
                    route_user(&routes.borrow(), events);
                    if user.take_gap() {
                        tracing::warn!("user channel events may be lost: every market reconciles its orders");
                        routes.borrow().by_market.values().for_each(|(_, inbox)| inbox.gaps.do_send(UserGap));
                    }
                    for condition in user.take_gap_markets() {
                        if let Some((_, inbox)) = routes.borrow().by_market.get(&condition) {
                            inbox.gaps.do_send(UserGap);
                        }
                    }
                }
            }
            .into_actor(self),
        );
    }
}
