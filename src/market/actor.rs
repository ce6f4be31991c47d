//! `MarketActor`: the thin shell around one market's [`MarketCore`]. It forwards events to
//! the core and carries out its intents along the order path (the risk desk's verdict, the
//! signature and the request, all within the handler: see `execution::order_path`), ticks the core's timed safety rules, and reports its marked value and new
//! fills to the kill switch. A panic in a handler is caught at the handler boundary and
//! stops the actor, so its `Supervisor` restarts it; on restart everything derived is stale,
//! the director is told, and after a backoff (doubling with recent restarts) quoting waits
//! for a fresh reconciliation with the venue.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use rust_decimal::Decimal;

use super::core::{Intent, MarketCore, SafetyParams};
use super::messages::{
    BookUpdated, CancelAnswered, Crash, Freeze, GetStatus, Halting, MarketStatus, Placed, Reconciled,
    SetQuoting, TradePrinted, UserEventReceived, UserGap,
};
use crate::clock::Clock;
use crate::director::messages::MarketRestarted;
use crate::domain::UserEvent;
use crate::domain::{MarketSetup, Outcome, Side};
use crate::execution::messages::Reconcile;
use crate::execution::order_path::{OrderPath, PlaceFrom};
use crate::feed::books::SharedBooks;
use crate::killswitch::messages::{MarketFills, MarketMark};
use crate::risk::OrderRequest;
use crate::strategy::ModelParams;
use crate::telemetry::hops::HopStamps;

/// How often the timed safety rules run.
const TICK: Duration = Duration::from_millis(250);
/// How often the marked value goes to the kill switch.
const MARK_EVERY: Duration = Duration::from_secs(1);
/// How often an unanswered reconciliation is looked at.
const RECONCILE_CHECK: Duration = Duration::from_secs(2);
/// A reconciliation unanswered this long is sent again (a failed one is not answered); one
/// in flight is never duplicated, so a rate-limited start does not pile requests up.
const RECONCILE_RETRY: Duration = Duration::from_secs(10);
/// Restarts within this window double the backoff.
const RESTART_MEMORY: Duration = Duration::from_secs(60);

/// The actors a market talks to.
#[derive(Clone)]
pub struct MarketLinks {
    /// The only way to an order: the risk desk, then the signature; cancels too.
    pub orders: OrderPath,
    /// Reads back our orders and shares (the execution actor).
    pub reconcile: Recipient<Reconcile>,
    /// Takes our marked value and answers the day's P&L (the kill switch).
    pub marks: Recipient<MarketMark>,
    /// Takes our new fills (the kill switch).
    pub fills: Recipient<MarketFills>,
    /// Told of every restart.
    pub director: Recipient<MarketRestarted>,
    /// The feed's books: a market reads its own YES book here when told it changed.
    pub books: SharedBooks,
}

/// How a market quotes and protects itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketTuning {
    /// The strategy and its parameters (per-market terms are filled in from the setup).
    pub model: ModelParams,
    /// Timed safety rules.
    pub safety: SafetyParams,
    /// First restart backoff.
    pub backoff: Duration,
    /// Largest restart backoff.
    pub backoff_max: Duration,
    /// Our orders rest on a paper account, not in the venue's book.
    pub paper: bool,
}

/// The strategy parameters for one market: the daemon's, with the market's reward
/// programme, resolution time and budget.
fn model_for(setup: &MarketSetup, tuning: &MarketTuning) -> ModelParams {
    ModelParams {
        rewards: setup.rewards,
        end_ms: setup.end_ms,
        bankroll: if setup.budget > Decimal::ZERO { setup.budget } else { tuning.model.bankroll },
        ..tuning.model
    }
}

/// The market actor.
pub struct MarketActor {
    setup: MarketSetup,
    core: MarketCore,
    links: MarketLinks,
    tuning: MarketTuning,
    clock: Arc<dyn Clock>,
    restarts: u32,
    recent_restarts: VecDeque<u64>,
    reconcile_sent_ms: Option<u64>,
    reported_exposure: Option<(Decimal, Decimal)>,
    valued_since_reconcile: bool,
}

impl MarketActor {
    /// A market quoting per `tuning`, talking to `links`; `halted` when the kill switch is
    /// not armed.
    pub fn new(
        setup: MarketSetup,
        tuning: MarketTuning,
        links: MarketLinks,
        clock: Arc<dyn Clock>,
        halted: bool,
    ) -> Self {
        let mut core = MarketCore::new(
            setup.yes.clone(),
            setup.no.clone(),
            model_for(&setup, &tuning),
            setup.tick,
            setup.min_size,
        )
        .with_safety(tuning.safety);
        if tuning.paper {
            core = core.with_orders_off_book();
        }
        if halted {
            let _ = core.halt();
        }
        Self {
            setup,
            core,
            links,
            tuning,
            clock,
            restarts: 0,
            recent_restarts: VecDeque::new(),
            reconcile_sent_ms: None,
            reported_exposure: None,
            valued_since_reconcile: false,
        }
    }

    /// The wait before quoting again after a restart: doubles with each recent restart.
    fn backoff(&self) -> Duration {
        let recent = u32::try_from(self.recent_restarts.len()).unwrap_or(u32::MAX).saturating_sub(1);
        let factor = 2u32.saturating_pow(recent.min(16));
        self.tuning.backoff.saturating_mul(factor).min(self.tuning.backoff_max)
    }

    /// Runs `f` on the core and carries out its intents; a panic stops the actor.
    fn guarded(&mut self, ctx: &mut Context<Self>, f: impl FnOnce(&mut MarketCore) -> Vec<Intent>) {
        self.guarded_from(None, ctx, f);
    }

    /// The same, for an event that started at `origin` (its placements carry the stamp).
    fn guarded_from(
        &mut self,
        origin: Option<HopStamps>,
        ctx: &mut Context<Self>,
        f: impl FnOnce(&mut MarketCore) -> Vec<Intent>,
    ) {
        let origin = origin.map(|stamps| stamps.handled_at(Instant::now()));
        let now = self.clock.now().0;
        let handled = catch_unwind(AssertUnwindSafe(|| {
            self.core.set_now(now);
            let intents = f(&mut self.core);
            self.carry_out(intents, origin, ctx);
        }));
        if handled.is_err() {
            tracing::error!(market = %self.setup.condition, "market handler panicked; restarting the market");
            ctx.stop();
        } else if let Some(fault) = self.core.take_fault() {
            let severity = crate::error::HasSeverity::severity(&fault);
            tracing::error!(market = %self.setup.condition, %fault, %severity, "impossible order transition; restarting the market");
            ctx.stop();
        }
    }

    fn carry_out(&mut self, intents: Vec<Intent>, origin: Option<HopStamps>, ctx: &mut Context<Self>) {
        let mut cancels = Vec::new();
        for intent in intents {
            match intent {
                Intent::Cancel(id) => cancels.push(id),
                Intent::Place { key, order } => {
                    let token = match order.outcome {
                        Outcome::Yes => self.setup.yes.clone(),
                        Outcome::No => self.setup.no.clone(),
                    };
                    let request = OrderRequest {
                        market: self.setup.condition,
                        token,
                        outcome: order.outcome,
                        side: order.side,
                        price: order.price,
                        size: order.size,
                    };
                    let from = PlaceFrom {
                        key,
                        tick: self.setup.tick,
                        neg_risk: self.setup.neg_risk,
                        reply: ctx.address().recipient(),
                        origin,
                    };
                    self.links.orders.place(request, from);
                }
            }
        }
        if !cancels.is_empty() {
            self.links.orders.cancel(cancels, ctx.address().recipient());
        }
        if self.core.idle_reason() == Some(super::core::Idle::Reconciling) && self.reconcile_sent_ms.is_none()
        {
            self.reconcile(ctx);
        }
        for record in self.core.take_new_fills() {
            self.links.fills.do_send(MarketFills {
                market: self.setup.condition,
                trade_id: record.trade_id,
                fills: record.fills,
                undone: record.undone,
                reconciled: record.reconciled,
            });
        }
        self.report_exposure();
        if !self.valued_since_reconcile && self.core.is_reconciled() && self.core.marked_value().is_some() {
            // The kill switch measures this market's P&L from its first value: send it before
            // the first quote can fill.
            self.mark(ctx);
        }
    }

    fn report_exposure(&mut self) {
        let at_risk = self
            .core
            .resting()
            .iter()
            .map(|o| match o.side {
                Side::Buy => o.price.value() * o.remaining.value(),
                Side::Sell => (Decimal::ONE - o.price.value()) * o.remaining.value(),
            })
            .sum();
        let position = self.core.inventory().position();
        if self.reported_exposure == Some((position, at_risk)) {
            return;
        }
        self.reported_exposure = Some((position, at_risk));
        self.links.orders.report_exposure(self.setup.condition, position, at_risk);
    }

    fn reconcile(&mut self, ctx: &mut Context<Self>) {
        self.reconcile_sent_ms = Some(self.clock.now().0);
        self.links.reconcile.do_send(Reconcile {
            market: self.setup.condition,
            yes: self.setup.yes.clone(),
            no: self.setup.no.clone(),
            reply: ctx.address().recipient(),
        });
    }
}

impl Actor for MarketActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let wait = if self.recent_restarts.is_empty() { Duration::ZERO } else { self.backoff() };
        self.reconcile_sent_ms = Some(self.clock.now().0);
        ctx.run_later(wait, |actor, ctx| actor.reconcile(ctx));
        let phase = self.phase();
        ctx.run_later(phase(RECONCILE_CHECK), |_, ctx| {
            ctx.run_interval(RECONCILE_CHECK, |actor, ctx| {
                let now = actor.clock.now().0;
                let unanswered = actor
                    .reconcile_sent_ms
                    .is_none_or(|sent| Duration::from_millis(now.saturating_sub(sent)) >= RECONCILE_RETRY);
                if actor.core.idle_reason() == Some(super::core::Idle::Reconciling) && unanswered {
                    actor.reconcile(ctx);
                }
            });
        });
        ctx.run_later(phase(TICK), |actor, ctx| {
            actor.tick(ctx);
            ctx.run_interval(TICK, |actor, ctx| actor.tick(ctx));
        });
        ctx.run_later(phase(MARK_EVERY), |actor, ctx| {
            actor.mark(ctx);
            ctx.run_interval(MARK_EVERY, |actor, ctx| actor.mark(ctx));
        });
    }
}

impl MarketActor {
    /// Where in each period this market's timers fire, fixed by its condition id: markets
    /// started together would otherwise all tick in the same millisecond (500 handlers in a
    /// row, and every frame behind them waiting).
    fn phase(&self) -> impl Fn(Duration) -> Duration + use<> {
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&self.setup.condition.as_bytes()[..8]);
        let seed = u64::from_be_bytes(seed);
        move |period| Duration::from_micros(seed % period.as_micros().max(1) as u64)
    }

    /// Runs the core's timed safety rules.
    fn tick(&mut self, ctx: &mut Context<Self>) {
        let now = self.clock.now().0;
        self.guarded(ctx, |core| core.tick(now));
    }

    /// Reports the marked value to the kill switch (which answers the day's P&L) and the
    /// mid to the risk desk.
    fn mark(&mut self, ctx: &mut Context<Self>) {
        let reserved = self
            .core
            .resting()
            .iter()
            .filter(|o| o.side == Side::Buy)
            .map(|o| o.price.value() * o.remaining.value())
            .sum();
        // Not before the shares are read back: the value would jump by theirs when they are.
        let value = if self.core.is_reconciled() { self.core.marked_value() } else { None };
        self.valued_since_reconcile |= value.is_some();
        if let Some(mid) = self.core.mid() {
            self.links.orders.report_mid(self.setup.condition, mid);
        }
        let mark = self.links.marks.send(MarketMark { market: self.setup.condition, value, reserved });
        ctx.spawn(mark.into_actor(self).map(|day_pnl, actor, _| {
            if let Ok(day_pnl) = day_pnl {
                actor.core.set_day_pnl(day_pnl);
            }
        }));
    }
}

impl Supervised for MarketActor {
    fn restarting(&mut self, _: &mut Context<Self>) {
        self.restarts += 1;
        let now = self.clock.now().0;
        self.recent_restarts.push_back(now);
        while self
            .recent_restarts
            .front()
            .is_some_and(|at| Duration::from_millis(now.saturating_sub(*at)) > RESTART_MEMORY)
        {
            self.recent_restarts.pop_front();
        }
        self.core.invalidate();
        self.valued_since_reconcile = false;
        self.links.director.do_send(MarketRestarted(self.setup.condition));
    }
}

impl Handler<BookUpdated> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: BookUpdated, ctx: &mut Context<Self>) {
        if let Some(flag) = &msg.in_mailbox {
            flag.store(false, std::sync::atomic::Ordering::Release);
        }
        let books = self.links.books.clone();
        let yes = self.setup.yes.clone();
        self.guarded_from(msg.origin, ctx, |core| core.on_book(books.book(yes.as_str()).as_deref()));
    }
}

impl Handler<TradePrinted> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: TradePrinted, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| {
            core.on_print(msg.taker_side, msg.size);
            Vec::new()
        });
    }
}

impl Handler<UserGap> for MarketActor {
    type Result = ();

    fn handle(&mut self, _: UserGap, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| {
            core.events_missed();
            Vec::new()
        });
    }
}

impl Handler<UserEventReceived> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: UserEventReceived, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| {
            match &msg.0 {
                UserEvent::Order(update) => core.on_order(update),
                UserEvent::Trade(trade) => core.on_trade(trade),
            }
            core.requote()
        });
    }
}

impl Handler<Placed> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: Placed, ctx: &mut Context<Self>) {
        if let Some(error) = &msg.error {
            tracing::debug!(market = %self.setup.condition, %error, "placement refused");
        }
        self.guarded(ctx, |core| {
            core.on_placed(msg.key, msg.id);
            core.requote()
        });
    }
}

impl Handler<Reconciled> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: Reconciled, ctx: &mut Context<Self>) {
        self.reconcile_sent_ms = None;
        self.guarded(ctx, |core| {
            core.already_counted(msg.recent_trades);
            core.reconcile(msg.open, msg.yes, msg.no)
        });
    }
}

impl Handler<CancelAnswered> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: CancelAnswered, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| core.on_cancel_answer(&msg.cancelled, &msg.refused, msg.failed));
    }
}

impl Handler<SetQuoting> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: SetQuoting, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| core.set_enabled(msg == SetQuoting::Enable));
    }
}

impl Handler<Halting> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: Halting, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| match msg {
            Halting::Halt => core.halt(),
            Halting::Resume => core.resume(),
        });
    }
}

impl Handler<Freeze> for MarketActor {
    type Result = ();

    fn handle(&mut self, _: Freeze, _: &mut Context<Self>) {
        let _ = self.core.halt();
    }
}

impl Handler<Crash> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: Crash, ctx: &mut Context<Self>) {
        if msg.unguarded {
            panic!("unguarded crash requested through the control API");
        }
        self.guarded(ctx, |_| panic!("crash requested through the control API"));
    }
}

impl Handler<GetStatus> for MarketActor {
    type Result = MessageResult<GetStatus>;

    fn handle(&mut self, _: GetStatus, _: &mut Context<Self>) -> Self::Result {
        MessageResult(MarketStatus {
            condition: self.setup.condition,
            idle: self.core.idle_reason().map(|reason| format!("{reason:?}")),
            orders: self.core.resting().iter().map(|o| o.id).collect(),
            position: self.core.inventory().position(),
            yes: self.core.inventory().yes,
            no: self.core.inventory().no,
            restarts: self.restarts,
            pending_placements: self.core.pending_placements(),
            pending_cancels: self.core.orders_in(crate::domain::OrderState::PendingCancel).len(),
            signals: self.core.signals(),
            pnl: self.core.pnl(),
            answers: self.core.tally(),
        })
    }
}
