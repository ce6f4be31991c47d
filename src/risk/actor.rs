//! `RiskActor`: every order request passes here; approved ones go on to execution, refused
//! ones are answered at once. It keeps the positions the markets report, and samples their
//! mids every second to learn how the markets move together (correlated exposure).

use actix::prelude::*;
use rust_decimal::Decimal;

use super::correlation::CoMovement;
use super::gate::{OrderRequest, RiskLimits, RiskState, Verdict, check};
use crate::domain::{ConditionId, TickSize};
use crate::execution::actor::{ExecutionActor, Placed, Submit};
use crate::telemetry::hops::HopStamps;

/// A market asks to place an order.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RiskRequest {
    /// The market's correlation key.
    pub key: u64,
    /// The order.
    pub order: OrderRequest,
    /// Its market's tick size.
    pub tick: TickSize,
    /// Neg-risk market.
    pub neg_risk: bool,
    /// Who to answer.
    pub reply: Recipient<Placed>,
    /// When the event behind it passed each stage so far (hop latency).
    pub origin: Option<HopStamps>,
}

/// A market's position and the pUSD it has at risk.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct Exposure {
    /// Market.
    pub market: ConditionId,
    /// YES-equivalent position.
    pub position: Decimal,
    /// pUSD at risk there (positions and open orders).
    pub at_risk: Decimal,
}

/// A market's current YES mid (others' orders only), for the co-movement of markets.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct MarketMid {
    /// Market.
    pub market: ConditionId,
    /// Mid.
    pub mid: Decimal,
}

/// How often mids are sampled for correlation.
const SAMPLE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The kill switch's state, as the gate sees it.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct Armed(pub bool);

/// The risk actor.
pub struct RiskActor {
    limits: RiskLimits,
    state: RiskState,
    at_risk: std::collections::BTreeMap<ConditionId, Decimal>,
    execution: Addr<ExecutionActor>,
}

impl RiskActor {
    /// A gate with `limits` in front of `execution`.
    pub fn new(limits: RiskLimits, execution: Addr<ExecutionActor>) -> Self {
        let state = RiskState { armed: true, ..RiskState::default() };
        Self { limits, state, at_risk: std::collections::BTreeMap::new(), execution }
    }

    /// The same gate knowing which markets belong together (event or neg-risk group).
    pub fn with_groups(mut self, groups: std::collections::BTreeMap<ConditionId, String>) -> Self {
        self.state.correlation.groups = groups;
        self
    }
}

impl Actor for RiskActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.state.correlation.co = CoMovement::new(300);
        ctx.run_interval(SAMPLE_EVERY, |actor, _| {
            let mids =
                actor.state.correlation.mids.iter().map(|(market, mid)| (market.to_string(), *mid)).collect();
            actor.state.correlation.co.sample(&mids);
        });
    }
}

impl Handler<MarketMid> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: MarketMid, _: &mut Context<Self>) {
        self.state.correlation.mids.insert(msg.market, msg.mid);
    }
}

impl Handler<RiskRequest> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: RiskRequest, _: &mut Context<Self>) {
        match check(msg.order, &self.limits, &self.state) {
            Verdict::Approved { order, warnings } => {
                for breach in warnings {
                    tracing::warn!(%breach, "risk limit breached (not enforced in this mode)");
                }
                self.execution.do_send(Submit {
                    key: msg.key,
                    order,
                    tick: msg.tick,
                    neg_risk: msg.neg_risk,
                    reply: msg.reply,
                    origin: msg.origin.map(|stamps| stamps.approved_at(std::time::Instant::now())),
                });
            }
            Verdict::Refused(breach) => {
                tracing::info!(%breach, "order refused by risk");
                msg.reply.do_send(Placed { key: msg.key, id: None, error: Some(breach.to_string()) });
            }
        }
    }
}

impl Handler<Exposure> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: Exposure, _: &mut Context<Self>) {
        self.state.positions.insert(msg.market, msg.position);
        let previous = self.at_risk.insert(msg.market, msg.at_risk).unwrap_or_default();
        self.state.exposure += msg.at_risk - previous;
    }
}

impl Handler<Armed> for RiskActor {
    type Result = ();

    fn handle(&mut self, msg: Armed, _: &mut Context<Self>) {
        self.state.armed = msg.0;
    }
}
