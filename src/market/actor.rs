//! `MarketActor`: the thin shell around one market's [`MarketCore`]. It forwards events to
//! the core and carries out its intents (placements through the risk gate, cancels through
//! execution). A panic in a handler is caught at the handler boundary and stops the actor,
//! so its `Supervisor` restarts it; on restart everything derived is stale and quoting waits
//! for a fresh reconciliation with the venue.

use std::panic::{AssertUnwindSafe, catch_unwind};

use actix::prelude::*;
use rust_decimal::Decimal;

use super::core::{Intent, MarketCore};
use super::quote::QuoteParams;
use crate::domain::book::Book;
use crate::domain::{ConditionId, OrderId, Outcome, Side, TickSize, TokenId};
use crate::execution::actor::{CancelOrders, ExecutionActor, Placed, Reconcile, Reconciled};
use crate::feed::user::UserEvent;
use crate::risk::OrderRequest;
use crate::risk::actor::{Exposure, RiskActor, RiskRequest};

/// What a market is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketSetup {
    /// Condition id.
    pub condition: ConditionId,
    /// YES token.
    pub yes: TokenId,
    /// NO token.
    pub no: TokenId,
    /// Tick size.
    pub tick: TickSize,
    /// Minimum order size, shares.
    pub min_size: Decimal,
    /// Neg-risk market.
    pub neg_risk: bool,
}

/// A new YES book (`None`: untrusted right now).
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct BookUpdate(pub Option<Book>);

/// An order or trade event of this market.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct User(pub UserEvent);

/// Enable or disable quoting (disabling cancels this market's orders).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct SetEnabled(pub bool);

/// Halt (kill switch) or resume.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct SetHalted(pub bool);

/// Stop quoting without sending cancels (the daemon is shutting down and cancels everything
/// in one request).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Freeze;

/// Make the actor panic (sim mode only: shows and tests supervision).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Crash;

/// A market's state for status reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketStatus {
    /// Condition id.
    pub condition: ConditionId,
    /// Why it is not quoting (`None`: quoting).
    pub idle: Option<String>,
    /// Our resting orders.
    pub orders: Vec<OrderId>,
    /// YES minus NO shares.
    pub position: Decimal,
    /// Times the actor restarted.
    pub restarts: u32,
    /// Placements awaiting an answer.
    pub pending_placements: usize,
    /// Cancels awaiting confirmation.
    pub pending_cancels: usize,
}

/// Ask for a status report.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "MarketStatus")]
pub struct GetStatus;

/// The market actor.
pub struct MarketActor {
    setup: MarketSetup,
    core: MarketCore,
    risk: Addr<RiskActor>,
    execution: Addr<ExecutionActor>,
    restarts: u32,
}

impl MarketActor {
    /// A market quoting with `params`, placing through `risk`, cancelling through `execution`.
    pub fn new(
        setup: MarketSetup,
        params: QuoteParams,
        risk: Addr<RiskActor>,
        execution: Addr<ExecutionActor>,
    ) -> Self {
        let core = MarketCore::new(setup.yes.clone(), setup.no.clone(), params, setup.tick, setup.min_size);
        Self { setup, core, risk, execution, restarts: 0 }
    }

    /// Runs `f` on the core and carries out its intents; a panic stops the actor.
    fn guarded(&mut self, ctx: &mut Context<Self>, f: impl FnOnce(&mut MarketCore) -> Vec<Intent>) {
        match catch_unwind(AssertUnwindSafe(|| f(&mut self.core))) {
            Ok(intents) => self.carry_out(intents, ctx),
            Err(_) => {
                tracing::error!(market = %self.setup.condition, "market handler panicked; restarting the market");
                ctx.stop();
            }
        }
    }

    fn carry_out(&mut self, intents: Vec<Intent>, ctx: &mut Context<Self>) {
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
                    self.risk.do_send(RiskRequest {
                        key,
                        order: request,
                        tick: self.setup.tick,
                        neg_risk: self.setup.neg_risk,
                        reply: ctx.address().recipient(),
                    });
                }
            }
        }
        if !cancels.is_empty() {
            self.execution.do_send(CancelOrders(cancels));
        }
        self.report_exposure();
    }

    fn report_exposure(&self) {
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
        self.risk.do_send(Exposure { market: self.setup.condition, position, at_risk });
    }

    fn reconcile(&self, ctx: &mut Context<Self>) {
        self.execution.do_send(Reconcile {
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
        self.reconcile(ctx);
        ctx.run_interval(std::time::Duration::from_secs(2), |actor, ctx| {
            if actor.core.idle_reason() == Some(super::core::Idle::Reconciling) {
                actor.reconcile(ctx);
            }
        });
    }
}

impl Supervised for MarketActor {
    fn restarting(&mut self, _: &mut Context<Self>) {
        self.restarts += 1;
        self.core.invalidate();
    }
}

impl Handler<BookUpdate> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: BookUpdate, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| core.on_book(msg.0));
    }
}

impl Handler<User> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: User, ctx: &mut Context<Self>) {
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
        self.guarded(ctx, |core| core.reconcile(msg.open, msg.yes, msg.no));
    }
}

impl Handler<SetEnabled> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: SetEnabled, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| core.set_enabled(msg.0));
    }
}

impl Handler<SetHalted> for MarketActor {
    type Result = ();

    fn handle(&mut self, msg: SetHalted, ctx: &mut Context<Self>) {
        self.guarded(ctx, |core| if msg.0 { core.halt() } else { core.resume() });
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

    fn handle(&mut self, _: Crash, ctx: &mut Context<Self>) {
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
            restarts: self.restarts,
            pending_placements: self.core.pending_placements(),
            pending_cancels: self.core.orders_in(crate::domain::OrderState::PendingCancel).len(),
        })
    }
}
