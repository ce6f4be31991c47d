//! The way from a market's intent to the venue, walked inside the market's handler: the
//! risk desk's verdict, then the signature and the request. All of it lives on the actors'
//! thread, so a mailbox hop between market, risk and execution bought no isolation, only
//! waiting: an order queued behind every other market the same burst of frames had woken
//! (about 60 µs at the median with 500 markets). The type guarantee stays: only the risk
//! desk makes an `Approved` order, and only an approved one can be signed.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use actix::Recipient;
use rust_decimal::Decimal;

use super::sender::{OrderSender, Placement};
use crate::domain::{ConditionId, OrderId, TickSize};
use crate::market::messages::{CancelAnswered, PlaceRefused, Placed};
use crate::risk::desk::RiskDesk;
use crate::risk::{OrderRequest, Verdict};
use crate::telemetry::hops::HopStamps;

/// A market's way to the venue.
#[derive(Clone)]
pub struct OrderPath {
    risk: Rc<RefCell<RiskDesk>>,
    sender: Rc<RefCell<OrderSender>>,
}

/// Where a placement's answer goes and what its market is.
pub struct PlaceFrom {
    /// The market's correlation key.
    pub key: u64,
    /// Tick size of the market.
    pub tick: TickSize,
    /// Neg-risk market.
    pub neg_risk: bool,
    /// Who to tell.
    pub reply: Recipient<Placed>,
    /// When the event behind it passed each stage (hop latency).
    pub origin: Option<HopStamps>,
}

impl OrderPath {
    /// Orders checked by `risk`, then signed and sent by `sender`.
    pub fn new(risk: Rc<RefCell<RiskDesk>>, sender: Rc<RefCell<OrderSender>>) -> Self {
        Self { risk, sender }
    }

    /// Checks `request` and, approved, signs and sends it; a refusal is answered to the
    /// market like a venue's.
    pub fn place(&self, request: OrderRequest, from: PlaceFrom) {
        let verdict = self.risk.borrow().check(request);
        match verdict {
            Verdict::Approved { order, warnings } => {
                for breach in warnings {
                    tracing::warn!(%breach, "risk limit breached (not enforced in this mode)");
                }
                let origin = from.origin.map(|stamps| stamps.approved_at(Instant::now()));
                let PlaceFrom { key, tick, neg_risk, reply, .. } = from;
                self.sender.borrow_mut().place(Placement { key, order, tick, neg_risk, reply, origin });
            }
            Verdict::Refused(breach) => {
                tracing::info!(%breach, "order refused by risk");
                from.reply.do_send(Placed {
                    key: from.key,
                    id: None,
                    error: Some(PlaceRefused::Risk(breach)),
                });
            }
        }
    }

    /// Cancels `ids`; the venue's answer goes to `reply`.
    pub fn cancel(&self, ids: Vec<OrderId>, reply: Recipient<CancelAnswered>) {
        self.sender.borrow().cancel(ids, reply);
    }

    /// Tells the risk desk a market's position and pUSD at risk.
    pub fn report_exposure(&self, market: ConditionId, position: Decimal, at_risk: Decimal) {
        self.risk.borrow_mut().report_exposure(market, position, at_risk);
    }

    /// Tells the risk desk a market's mid.
    pub fn report_mid(&self, market: ConditionId, mid: Decimal) {
        self.risk.borrow_mut().report_mid(market, mid);
    }
}
