//! `RiskActor`: the risk desk's face to the rest of the daemon. Markets consult the desk
//! directly in their handlers (see [`super::desk`]); the actor carries what comes from
//! elsewhere (the kill switch, on its own thread: armed or halted, the day's P&L) and samples
//! the markets' mids every second to learn how they move together. The sample and the
//! correlation refresh after it (milliseconds at 2,000 markets) run on a thread of their own
//! (`polymm-risk`), so the actors' thread keeps reading frames and signing orders meanwhile;
//! the desk checks orders against the previous refresh until the new one is installed.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;

use actix::prelude::*;

use super::correlation::RefreshJob;
use super::desk::RiskDesk;
use super::messages::{CorrelationLost, CorrelationRefreshed, DayPnlChanged, SwitchChanged};

/// How often mids are sampled for correlation.
const SAMPLE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The risk actor.
pub struct RiskActor {
    desk: Rc<RefCell<RiskDesk>>,
    refresher: Option<mpsc::Sender<RefreshJob>>,
}

impl RiskActor {
    /// The actor of `desk`.
    pub fn new(desk: Rc<RefCell<RiskDesk>>) -> Self {
        Self { desk, refresher: None }
    }

    /// Hands the next sample to the risk thread (or runs it here if there is none); skips
    /// while the last one is still out.
    fn sample(&mut self) {
        let Some(job) = self.desk.borrow_mut().sample_job() else { return };
        let job = match &self.refresher {
            Some(refresher) => match refresher.send(job) {
                Ok(()) => return,
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        self.desk.borrow_mut().install(job.run());
    }
}

/// Starts the risk thread: it runs each job it is sent and sends the result to `actor`.
fn spawn_refresher(actor: Addr<RiskActor>) -> std::io::Result<mpsc::Sender<RefreshJob>> {
    let (jobs, inbox) = mpsc::channel::<RefreshJob>();
    std::thread::Builder::new().name("polymm-risk".into()).spawn(move || {
        for job in inbox {
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run())) {
                Ok(refreshed) => actor.do_send(CorrelationRefreshed(refreshed)),
                Err(_) => actor.do_send(CorrelationLost),
            }
        }
    })?;
    Ok(jobs)
}

impl Actor for RiskActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.refresher = spawn_refresher(ctx.address())
            .inspect_err(
                |error| tracing::warn!(%error, "no risk thread: correlations refresh on the actors' thread"),
            )
            .ok();
        ctx.run_interval(SAMPLE_EVERY, |actor, _| actor.sample());
    }
}

impl Handler<CorrelationRefreshed> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: CorrelationRefreshed, _: &mut Context<Self>) {
        self.desk.borrow_mut().install(msg.0);
    }
}

impl Handler<CorrelationLost> for RiskActor {
    type Result = ();

    fn handle(&mut self, _: CorrelationLost, _: &mut Context<Self>) {
        tracing::error!("the correlation refresh panicked: mids are sampled afresh from now");
        self.desk.borrow_mut().forget_co_movement();
    }
}

impl Handler<SwitchChanged> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: SwitchChanged, _: &mut Context<Self>) {
        self.desk.borrow_mut().set_armed(msg == SwitchChanged::Armed);
    }
}

impl Handler<DayPnlChanged> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: DayPnlChanged, _: &mut Context<Self>) {
        self.desk.borrow_mut().set_daily_pnl(msg.0);
    }
}
