//! `FeedActor`: runs the market and user feeds on its arbiter and routes what they deliver:
//! each YES book to its market (re-sent every second, so a restarted market gets one at
//! once, and `None` while the book is untrusted) and each order or trade event to the
//! market it belongs to.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;

use super::live::{FeedConfig, LiveFeed};
use super::user::UserEvent;
use super::user_live::LiveUser;
use crate::clock::Clock;
use crate::domain::ConditionId;
use crate::market::actor::{BookUpdate, MarketActor, User};
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::ClobClient;

/// Where the feeds connect.
#[derive(Debug, Clone)]
pub struct FeedEndpoints {
    /// Market channel URL.
    pub ws_market: String,
    /// User channel URL.
    pub ws_user: String,
}

/// Which market each token and condition belongs to.
#[derive(Clone, Default)]
pub struct Routes {
    /// YES token id → market.
    pub by_yes_token: HashMap<String, Addr<MarketActor>>,
    /// Condition id → market.
    pub by_market: HashMap<ConditionId, Addr<MarketActor>>,
}

/// The feed actor.
pub struct FeedActor {
    endpoints: FeedEndpoints,
    creds: ApiCreds,
    client: Rc<ClobClient>,
    routes: Routes,
    config: FeedConfig,
    clock: Arc<dyn Clock>,
}

impl FeedActor {
    /// Feeds for the markets in `routes`.
    pub fn new(
        endpoints: FeedEndpoints,
        creds: ApiCreds,
        client: Rc<ClobClient>,
        routes: Routes,
        config: FeedConfig,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { endpoints, creds, client, routes, config, clock }
    }
}

impl Actor for FeedActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let tokens: Vec<String> = self.routes.by_yes_token.keys().cloned().collect();
        let mut feed = LiveFeed::start(&self.endpoints.ws_market, &tokens, self.config, self.clock.clone());
        let (client, routes) = (self.client.clone(), self.routes.clone());
        ctx.spawn(
            async move {
                let mut last_broadcast = Instant::now();
                loop {
                    let touched = feed.step(&client, Duration::from_millis(100)).await;
                    let all = last_broadcast.elapsed() >= Duration::from_secs(1);
                    let send: Vec<&String> =
                        if all { tokens.iter().collect() } else { touched.iter().collect() };
                    if all {
                        last_broadcast = Instant::now();
                    }
                    for token in send {
                        if let Some(market) = routes.by_yes_token.get(token.as_str()) {
                            market.do_send(BookUpdate(feed.data().book(token).cloned()));
                        }
                    }
                }
            }
            .into_actor(self),
        );
        let markets: Vec<String> = self.routes.by_market.keys().map(ToString::to_string).collect();
        let ws = self.config.ws;
        let mut user = LiveUser::start(
            &self.endpoints.ws_user,
            self.creds.clone(),
            markets,
            ws,
            self.config.fallback_after,
            self.config.poll_every,
            self.clock.clone(),
        );
        let (client, routes) = (self.client.clone(), self.routes.clone());
        ctx.spawn(
            async move {
                loop {
                    for event in user.step(&client, Duration::from_millis(100)).await {
                        let market = match &event {
                            UserEvent::Order(order) => order.market,
                            UserEvent::Trade(trade) => trade.market,
                        };
                        if let Some(actor) = routes.by_market.get(&market) {
                            actor.do_send(User(event));
                        }
                    }
                }
            }
            .into_actor(self),
        );
    }
}
