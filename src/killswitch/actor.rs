//! `KillSwitchActor`: feeds the pure [`KillSwitch`] and carries out its halts. Markets send
//! their marked value (the day's P&L is the sum of the changes) and their new fills (kept in
//! the ledger and the trade log); execution reports errors; the feed reports its health; the
//! director reports market restarts; a timer reads the pUSD balance. When the switch trips it
//! halts every market through the director, closes the risk gate and cancels every order;
//! once the venue confirms, the switch is halted and that state is saved, so a restarted
//! daemon comes up halted until an operator resumes it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use rust_decimal::Decimal;

use super::balance::BalanceWatch;
use super::messages::{
    ErrorSeen, FeedHealth, Flush, GetSwitch, Kill, MarketFills, MarketMark, Resume, SwitchReport,
};
use super::{KillSwitch, SwitchAction, SwitchLimits, SwitchState, TripReason};
use crate::clock::Clock;
use crate::director::messages::{HaltMarkets, MarketRestarted};
use crate::domain::ConditionId;
use crate::execution::messages::{CancelAll, GetBalance};
use crate::risk::messages::{DayPnlChanged, SwitchChanged};
use crate::telemetry::ledger::Ledger;

/// Who the switch acts on.
pub struct SwitchTargets {
    /// Halts and resumes the markets.
    pub markets: Recipient<HaltMarkets>,
    /// The risk gate: armed or halted.
    pub gate: Recipient<SwitchChanged>,
    /// The risk gate: the day's P&L.
    pub gate_pnl: Recipient<DayPnlChanged>,
    /// Cancels every order (the execution actor).
    pub cancel_all: Recipient<CancelAll>,
    /// Reads the pUSD balance (the execution actor).
    pub balance: Recipient<GetBalance>,
}

/// The kill switch actor.
pub struct KillSwitchActor {
    switch: KillSwitch,
    limits: SwitchLimits,
    ledger: Ledger,
    targets: SwitchTargets,
    clock: Arc<dyn Clock>,
    marks: HashMap<ConditionId, Decimal>,
    reserved_by_market: HashMap<ConditionId, Decimal>,
    reserved: Decimal,
    day: String,
    day_pnl: Decimal,
    unsaved_pnl: Decimal,
    /// The day's P&L the gate was last told.
    gate_told_pnl: Option<Decimal>,
    balance: BalanceWatch,
    last_balance: Option<Decimal>,
    balance_every: Duration,
    errors: u64,
}

impl KillSwitchActor {
    /// A switch restored from `ledger`, acting on `targets`.
    pub fn new(
        ledger: Ledger,
        limits: SwitchLimits,
        balance_every: Duration,
        targets: SwitchTargets,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let switch = match ledger.load_switch() {
            Ok(Some(state)) => KillSwitch::restored(state),
            Ok(None) => KillSwitch::armed(),
            Err(error) => {
                tracing::error!(%error, "kill switch state unreadable: starting halted");
                KillSwitch::restored(SwitchState::Halted { reason: TripReason::Manual, at_ms: clock.now().0 })
            }
        };
        let day = clock.now().utc_day();
        let day_pnl = ledger.pnl(&day).unwrap_or_default();
        Self {
            switch,
            limits,
            ledger,
            targets,
            clock,
            marks: HashMap::new(),
            reserved_by_market: HashMap::new(),
            reserved: Decimal::ZERO,
            day,
            day_pnl,
            unsaved_pnl: Decimal::ZERO,
            gate_told_pnl: None,
            balance: BalanceWatch::default(),
            last_balance: None,
            balance_every,
            errors: 0,
        }
    }

    /// Whether the markets must start halted (the switch was tripped before this start).
    pub fn is_armed(&self) -> bool {
        self.switch.is_armed()
    }

    fn now_ms(&self) -> u64 {
        self.clock.now().0
    }

    /// Feeds the switch one observation at the current time and carries out what it says.
    fn observe(
        &mut self,
        ctx: &mut Context<Self>,
        feed: impl FnOnce(&mut KillSwitch, &SwitchLimits, u64) -> SwitchAction,
    ) {
        let now = self.now_ms();
        let action = feed(&mut self.switch, &self.limits, now);
        self.act(action, ctx);
    }

    fn act(&mut self, action: SwitchAction, ctx: &mut Context<Self>) {
        let SwitchAction::HaltAll(reason) = action else { return };
        tracing::error!(%reason, "kill switch tripped: halting every market and cancelling all orders");
        self.save();
        self.targets.gate.do_send(SwitchChanged::Halted);
        self.targets.markets.do_send(HaltMarkets::Halt);
        self.cancel_everything(ctx);
    }

    /// Cancels every order; retries until the venue confirms, then the switch is halted.
    fn cancel_everything(&mut self, ctx: &mut Context<Self>) {
        let cancel_all = self.targets.cancel_all.clone();
        ctx.spawn(async move { cancel_all.send(CancelAll).await }.into_actor(self).map(
            |result, actor, ctx| match result {
                Ok(Ok(cancelled)) => {
                    tracing::warn!(cancelled, "kill switch: every order cancelled; halted until resumed");
                    actor.switch.halted();
                    actor.save();
                }
                _ => {
                    tracing::error!("kill switch: cancel-all failed; retrying");
                    ctx.run_later(Duration::from_millis(500), |actor, ctx| actor.cancel_everything(ctx));
                }
            },
        ));
    }

    fn save(&self) {
        if let Err(error) = self.ledger.save_switch(self.switch.state()) {
            tracing::error!(%error, "kill switch state not saved");
        }
    }

    fn roll_day(&mut self) {
        let today = self.clock.now().utc_day();
        if today != self.day {
            self.flush_pnl();
            self.day = today;
            self.day_pnl = self.ledger.pnl(&self.day).unwrap_or_default();
        }
    }

    /// Tells the risk gate the day's P&L if it changed since it was last told: once a
    /// second, and at once when it is at the daily-loss limit.
    fn tell_gate_pnl(&mut self) {
        if self.gate_told_pnl != Some(self.day_pnl) {
            self.gate_told_pnl = Some(self.day_pnl);
            self.targets.gate_pnl.do_send(DayPnlChanged(self.day_pnl));
        }
    }

    fn flush_pnl(&mut self) {
        if self.unsaved_pnl.is_zero() {
            return;
        }
        match self.ledger.add_pnl(&self.day, self.unsaved_pnl) {
            Ok(_) => self.unsaved_pnl = Decimal::ZERO,
            Err(error) => tracing::error!(%error, "daily P&L not saved"),
        }
    }

    fn check_balance(&mut self, ctx: &mut Context<Self>) {
        let balance = self.targets.balance.clone();
        ctx.spawn(async move { balance.send(GetBalance).await }.into_actor(self).map(
            |result, actor, ctx| match result {
                Ok(Ok(observed)) => {
                    actor.last_balance = Some(observed);
                    if let Some((expected, observed)) = actor.balance.on_balance(observed, actor.reserved) {
                        actor.observe(ctx, |switch, limits, now| {
                            switch.on_balance(expected, observed, limits, now)
                        });
                    }
                }
                Ok(Err(error)) => tracing::warn!(%error, "balance check failed"),
                Err(_) => {}
            },
        ));
    }
}

impl Actor for KillSwitchActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if !self.switch.is_armed() {
            tracing::warn!(state = ?self.switch.state(), "kill switch restored halted: resume to trade");
            self.targets.gate.do_send(SwitchChanged::Halted);
            self.targets.markets.do_send(HaltMarkets::Halt);
        }
        self.tell_gate_pnl();
        ctx.run_interval(Duration::from_secs(1), |actor, _| {
            actor.roll_day();
            actor.flush_pnl();
            actor.tell_gate_pnl();
        });
        self.check_balance(ctx);
        ctx.run_interval(self.balance_every, |actor, ctx| actor.check_balance(ctx));
    }

    fn stopped(&mut self, _: &mut Context<Self>) {
        self.flush_pnl();
    }
}

impl Handler<MarketMark> for KillSwitchActor {
    type Result = MessageResult<MarketMark>;

    fn handle(&mut self, msg: MarketMark, ctx: &mut Context<Self>) -> Self::Result {
        let before = self.reserved_by_market.insert(msg.market, msg.reserved).unwrap_or_default();
        self.reserved += msg.reserved - before;
        let previous = msg.value.and_then(|value| self.marks.insert(msg.market, value).map(|p| value - p));
        if let Some(delta) = previous.filter(|d| !d.is_zero()) {
            self.roll_day();
            self.day_pnl += delta;
            self.unsaved_pnl += delta;
            let pnl = self.day_pnl;
            if !self.limits.max_daily_loss.is_zero() && pnl <= -self.limits.max_daily_loss {
                self.tell_gate_pnl();
            }
            self.observe(ctx, |switch, limits, now| switch.on_daily_pnl(pnl, limits, now));
        }
        MessageResult(self.day_pnl)
    }
}

impl Handler<MarketFills> for KillSwitchActor {
    type Result = ();

    fn handle(&mut self, msg: MarketFills, _: &mut Context<Self>) {
        let now = self.clock.now();
        match self.ledger.record_trade(msg.market, &msg.trade_id, &msg.fills, msg.undone, now) {
            Ok(cash) if !msg.reconciled => self.balance.on_cash(cash),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, trade = %msg.trade_id, "fill not recorded"),
        }
    }
}

impl Handler<ErrorSeen> for KillSwitchActor {
    type Result = ();

    fn handle(&mut self, msg: ErrorSeen, ctx: &mut Context<Self>) {
        self.errors += 1;
        tracing::warn!(during = %msg.during, error = %msg.error, "error counted by the kill switch");
        self.observe(ctx, |switch, limits, now| switch.on_error(limits, now));
    }
}

impl Handler<FeedHealth> for KillSwitchActor {
    type Result = ();

    fn handle(&mut self, msg: FeedHealth, ctx: &mut Context<Self>) {
        self.observe(ctx, |switch, limits, now| switch.on_feed(msg.up, limits, now));
    }
}

impl Handler<MarketRestarted> for KillSwitchActor {
    type Result = ();

    fn handle(&mut self, _: MarketRestarted, ctx: &mut Context<Self>) {
        self.observe(ctx, |switch, limits, now| switch.on_market_restart(limits, now));
    }
}

impl Handler<Kill> for KillSwitchActor {
    type Result = ();

    fn handle(&mut self, _: Kill, ctx: &mut Context<Self>) {
        self.observe(ctx, |switch, _, now| switch.kill(now));
    }
}

impl Handler<Resume> for KillSwitchActor {
    type Result = bool;

    fn handle(&mut self, _: Resume, _: &mut Context<Self>) -> bool {
        if !self.switch.resume() {
            return false;
        }
        tracing::warn!("kill switch re-armed by the operator");
        self.save();
        self.targets.gate.do_send(SwitchChanged::Armed);
        self.targets.markets.do_send(HaltMarkets::Resume);
        true
    }
}

impl Handler<GetSwitch> for KillSwitchActor {
    type Result = MessageResult<GetSwitch>;

    fn handle(&mut self, _: GetSwitch, _: &mut Context<Self>) -> Self::Result {
        MessageResult(SwitchReport {
            state: self.switch.state().clone(),
            day: self.day.clone(),
            day_pnl: self.day_pnl,
            errors: self.errors,
            balance: self.last_balance,
        })
    }
}

impl Handler<Flush> for KillSwitchActor {
    type Result = ();

    fn handle(&mut self, _: Flush, _: &mut Context<Self>) {
        self.flush_pnl();
        self.save();
        if let Err(error) = self.ledger.store().checkpoint() {
            tracing::error!(%error, "state store not checkpointed; keep polymm.sqlite-wal with it");
        }
    }
}
