//! `RiskActor`: the risk desk's face to the rest of the daemon. Markets consult the desk
//! directly in their handlers (see [`super::desk`]); the actor carries what comes from
//! elsewhere (the kill switch, on its own thread, arming or disarming the gate) and samples
//! the markets' mids every second to learn how they move together.

use std::cell::RefCell;
use std::rc::Rc;

use actix::prelude::*;

use super::desk::RiskDesk;

/// How often mids are sampled for correlation.
const SAMPLE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The kill switch's state, as the gate sees it.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Armed(pub bool);

/// The risk actor.
pub struct RiskActor {
    desk: Rc<RefCell<RiskDesk>>,
}

impl RiskActor {
    /// The actor of `desk`.
    pub fn new(desk: Rc<RefCell<RiskDesk>>) -> Self {
        Self { desk }
    }
}

impl Actor for RiskActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.run_interval(SAMPLE_EVERY, |actor, _| actor.desk.borrow_mut().sample());
    }
}

impl Handler<Armed> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: Armed, _: &mut Context<Self>) {
        self.desk.borrow_mut().set_armed(msg.0);
    }
}
