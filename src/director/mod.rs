//! `MarketDirector`: starts each chosen market under its own `Supervisor`, watches them and
//! carries out what applies to markets as a whole. It counts each market's restarts (too
//! many in the window disables that market and raises an alert; every restart is also
//! reported to the kill switch), restarts a market whose actor died some other way and
//! re-routes the feed to it, enables and disables markets at runtime, and halts or resumes
//! all of them for the kill switch. Discovery and selection run before it starts
//! (`system::select`); the scorer and capital allocator plug in here.

pub(crate) mod messages;
pub(crate) mod restarts;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use futures_util::future::join_all;

use self::messages::{
    AttachFeed, CrashMarket, FreezeAll, HaltMarkets, ListMarkets, MarketRestarted, SetMarketEnabled,
};
pub use self::restarts::{RestartLog, RestartPolicy};
use crate::clock::Clock;
use crate::domain::ConditionId;
use crate::domain::MarketSetup;
use crate::feed::messages::{Reroute, ResendBook};
use crate::market::actor::{MarketActor, MarketLinks, MarketTuning};
use crate::market::messages::{Crash, Freeze, GetStatus, Halting, MarketStatus, SetQuoting};

/// How often the director checks that every market's actor is alive.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// Why a control request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlRefusal {
    /// No such market here.
    #[error("unknown market {0}")]
    UnknownMarket(String),
    /// Only in sim mode (or with `control.fault_injection`).
    #[error("crash is available in sim mode only (or with control.fault_injection against a loopback venue)")]
    NotInSim,
    /// The market did not answer.
    #[error("market {0} did not answer")]
    Unreachable(String),
}

/// A market as the director sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectedMarket {
    /// What the market reports (`None`: it did not answer).
    pub status: Option<MarketStatus>,
    /// Condition id.
    pub condition: ConditionId,
    /// Enabled by the operator (or not disabled by the restart policy).
    pub enabled: bool,
    /// Why the director disabled it, if it did.
    pub alert: Option<String>,
}

struct Entry {
    setup: MarketSetup,
    addr: Addr<MarketActor>,
    enabled: bool,
    restarts: RestartLog,
    revivals: u32,
    alert: Option<String>,
}

/// The director.
pub struct MarketDirector {
    markets: BTreeMap<ConditionId, Entry>,
    tuning: MarketTuning,
    links: Option<MarketLinks>,
    restart_policy: RestartPolicy,
    switch: Recipient<MarketRestarted>,
    feed: Option<AttachFeed>,
    clock: Arc<dyn Clock>,
    halted: bool,
    allow_crash: bool,
}

impl MarketDirector {
    /// A director for markets quoting per `tuning`, reporting restarts to `switch`.
    pub fn new(
        tuning: MarketTuning,
        restart_policy: RestartPolicy,
        switch: Recipient<MarketRestarted>,
        clock: Arc<dyn Clock>,
        halted: bool,
        allow_crash: bool,
    ) -> Self {
        Self {
            markets: BTreeMap::new(),
            tuning,
            links: None,
            restart_policy,
            switch,
            feed: None,
            clock,
            halted,
            allow_crash,
        }
    }

    /// Starts `setups` as supervised markets linked to `links`; returns their addresses
    /// for the feed's routes.
    pub fn start_markets(
        &mut self,
        setups: Vec<MarketSetup>,
        links: MarketLinks,
    ) -> Vec<(MarketSetup, Addr<MarketActor>)> {
        self.links = Some(links.clone());
        setups
            .into_iter()
            .map(|setup| {
                let addr = self.spawn_market(&setup, &links);
                self.markets.insert(
                    setup.condition,
                    Entry {
                        setup: setup.clone(),
                        addr: addr.clone(),
                        enabled: true,
                        restarts: RestartLog::default(),
                        revivals: 0,
                        alert: None,
                    },
                );
                (setup, addr)
            })
            .collect()
    }

    fn spawn_market(&self, setup: &MarketSetup, links: &MarketLinks) -> Addr<MarketActor> {
        let (setup, tuning, links, clock, halted) =
            (setup.clone(), self.tuning, links.clone(), self.clock.clone(), self.halted);
        Supervisor::start(move |_| MarketActor::new(setup, tuning, links, clock, halted))
    }

    fn entry(&self, market: &ConditionId) -> Result<&Entry, ControlRefusal> {
        self.markets.get(market).ok_or_else(|| ControlRefusal::UnknownMarket(market.to_string()))
    }

    /// Restarts any market whose actor is gone (stopped outside supervision).
    fn watch(&mut self) {
        let Some(links) = self.links.clone() else { return };
        let dead: Vec<ConditionId> =
            self.markets.iter().filter(|(_, e)| !e.addr.connected()).map(|(id, _)| *id).collect();
        for market in dead {
            let Some(setup) = self.markets.get(&market).map(|e| e.setup.clone()) else { continue };
            tracing::error!(%market, "market actor died outside supervision; starting it again");
            let addr = self.spawn_market(&setup, &links);
            if let Some(entry) = self.markets.get_mut(&market) {
                if !entry.enabled {
                    addr.do_send(SetQuoting::Disable);
                }
                entry.addr = addr.clone();
                entry.revivals += 1;
            }
            if let Some(feed) = &self.feed {
                feed.reroute.do_send(Reroute { setup, inbox: crate::feed::actor::MarketInbox::of(&addr) });
            }
            self.record_restart(MarketRestarted(market));
        }
    }
}

impl Actor for MarketDirector {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.run_interval(WATCH_EVERY, |director, _| director.watch());
    }
}

impl Handler<AttachFeed> for MarketDirector {
    type Result = ();

    fn handle(&mut self, msg: AttachFeed, _: &mut Context<Self>) {
        self.feed = Some(msg);
    }
}

impl Handler<MarketRestarted> for MarketDirector {
    type Result = ();

    fn handle(&mut self, msg: MarketRestarted, _: &mut Context<Self>) {
        self.record_restart(msg);
    }
}

impl MarketDirector {
    /// Tells the kill switch, gets the market a book, and disables the market (with an
    /// alert) once it has restarted too often within the window.
    fn record_restart(&mut self, msg: MarketRestarted) {
        self.switch.do_send(msg);
        if let Some(feed) = &self.feed {
            feed.resend.do_send(ResendBook(msg.0));
        }
        let now = self.clock.now().0;
        let policy = self.restart_policy;
        let Some(entry) = self.markets.get_mut(&msg.0) else { return };
        if entry.restarts.record(now, policy) && entry.enabled {
            let alert = format!(
                "disabled after {} restarts within {} s",
                entry.restarts.count(),
                policy.window_ms / 1_000
            );
            tracing::error!(market = %msg.0, %alert, "ALERT: market keeps crashing");
            entry.enabled = false;
            entry.alert = Some(alert);
            entry.addr.do_send(SetQuoting::Disable);
        }
    }
}

impl Handler<SetMarketEnabled> for MarketDirector {
    type Result = Result<(), ControlRefusal>;

    fn handle(&mut self, msg: SetMarketEnabled, _: &mut Context<Self>) -> Self::Result {
        self.entry(&msg.market)?;
        if let Some(entry) = self.markets.get_mut(&msg.market) {
            entry.enabled = msg.enabled;
            if msg.enabled {
                entry.alert = None;
                entry.restarts.clear();
            }
            entry.addr.do_send(if msg.enabled { SetQuoting::Enable } else { SetQuoting::Disable });
            tracing::info!(market = %msg.market, enabled = msg.enabled, "market switched by the operator");
        }
        Ok(())
    }
}

impl Handler<CrashMarket> for MarketDirector {
    type Result = Result<(), ControlRefusal>;

    fn handle(&mut self, msg: CrashMarket, _: &mut Context<Self>) -> Self::Result {
        if !self.allow_crash {
            return Err(ControlRefusal::NotInSim);
        }
        self.entry(&msg.market)?.addr.do_send(Crash { unguarded: msg.unguarded });
        Ok(())
    }
}

impl Handler<HaltMarkets> for MarketDirector {
    type Result = ();

    fn handle(&mut self, msg: HaltMarkets, _: &mut Context<Self>) {
        self.halted = msg == HaltMarkets::Halt;
        for entry in self.markets.values() {
            entry.addr.do_send(match msg {
                HaltMarkets::Halt => Halting::Halt,
                HaltMarkets::Resume => Halting::Resume,
            });
        }
    }
}

impl Handler<FreezeAll> for MarketDirector {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: FreezeAll, _: &mut Context<Self>) -> Self::Result {
        let addrs: Vec<Addr<MarketActor>> = self.markets.values().map(|e| e.addr.clone()).collect();
        Box::pin(async move {
            join_all(addrs.iter().map(|a| a.send(Freeze))).await;
        })
    }
}

impl Handler<ListMarkets> for MarketDirector {
    type Result = ResponseFuture<Vec<DirectedMarket>>;

    fn handle(&mut self, _: ListMarkets, _: &mut Context<Self>) -> Self::Result {
        let entries: Vec<(DirectedMarket, Addr<MarketActor>, u32)> = self
            .markets
            .iter()
            .map(|(id, e)| {
                let market = DirectedMarket {
                    status: None,
                    condition: *id,
                    enabled: e.enabled,
                    alert: e.alert.clone(),
                };
                (market, e.addr.clone(), e.revivals)
            })
            .collect();
        Box::pin(async move {
            let answers = join_all(entries.iter().map(|(_, addr, _)| addr.send(GetStatus))).await;
            entries
                .into_iter()
                .zip(answers)
                .map(|((mut market, _, revivals), answer)| {
                    market.status = answer.ok().map(|mut status| {
                        status.restarts += revivals;
                        status
                    });
                    market
                })
                .collect()
        })
    }
}
