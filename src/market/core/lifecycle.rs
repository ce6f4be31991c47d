//! The venue's answers about our orders, each run through the order state machine: a
//! placement taken or refused, order events from the user channel, cancels confirmed or
//! refused, contact lost (a crash, a gap) and the reconciliation that tells every tracked
//! order what the venue holds. What these did is counted in an [`OrderTally`].

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::types::{InFlight, Resting};
use super::{FIRST_RETRY_MS, Intent, MAX_EARLY_EVENTS, MAX_RETRY_MS, MarketCore, OrderTally};
use crate::domain::{
    OrderChange, OrderEvent, OrderId, OrderState, OrderUpdate, RestingOrder, Size, TrackedOrder,
};

impl MarketCore {
    /// The shell's answer to a `Place`: the venue's order id, or `None` if it was refused.
    /// A refusal holds placements back for a while (doubling with refusals in a row, up to
    /// [`MAX_RETRY_MS`]) so a refused quote is not resent in a tight loop.
    pub fn on_placed(&mut self, key: u64, id: Option<OrderId>) {
        let Some(InFlight { order, mut state }) = self.pending.remove(&key) else { return };
        let Some(id) = id else {
            self.faults.note(state.apply(OrderEvent::Rejected));
            self.tally.rejected += 1;
            if self.pending.is_empty() {
                self.early_events.clear();
            }
            let wait = (FIRST_RETRY_MS << self.refusals_in_a_row.min(7)).min(MAX_RETRY_MS);
            self.refusals_in_a_row = self.refusals_in_a_row.saturating_add(1);
            self.retry_after_ms = self.now_ms + wait;
            return;
        };
        self.refusals_in_a_row = 0;
        self.faults.note(state.apply(OrderEvent::Accepted));
        self.tally.accepted += 1;
        let order = RestingOrder {
            id,
            outcome: order.outcome,
            side: order.side,
            price: order.price,
            remaining: order.size,
        };
        self.resting.insert(id, Resting { order, state, since_ms: self.now_ms });
        for update in self.early_events.remove(&id).unwrap_or_default() {
            self.on_order(&update);
        }
        if self.pending.is_empty() {
            self.early_events.clear();
        }
    }

    /// An order event from the user channel (or the paper exchange). The channel can beat
    /// the venue's answer to the placement: an event for an unknown order while placements
    /// await their answer is kept (up to [`MAX_EARLY_EVENTS`]) and applied when the answer
    /// names it, so an order filled before it was acknowledged is not taken for resting.
    pub fn on_order(&mut self, update: &OrderUpdate) {
        let Some(resting) = self.resting.get_mut(&update.id) else {
            let kept: usize = self.early_events.values().map(Vec::len).sum();
            if !self.pending.is_empty() && kept < MAX_EARLY_EVENTS {
                self.early_events.entry(update.id).or_default().push(update.clone());
            } else if self.pending.is_empty() && update.change == OrderChange::Placement {
                // An order placed that no answer of ours names (one a reconciliation
                // superseded, say): read the venue back, which adopts it.
                self.reconciled = false;
            }
            return;
        };
        // An order adopted by a reconciliation is tracked from what remained then; the venue
        // counts its fills from the original size.
        let matched_before = (update.original_size - resting.state.size().value()).max(Decimal::ZERO);
        let event = match update.change {
            OrderChange::Placement => OrderEvent::Accepted,
            OrderChange::Update => match Size::new((update.size_matched - matched_before).max(Decimal::ZERO))
            {
                Ok(cumulative) => OrderEvent::Filled { cumulative },
                Err(_) => return,
            },
            OrderChange::Cancellation => OrderEvent::Cancelled,
        };
        // The event comes from outside: one the order's state cannot take (a fill beyond its
        // size, say) puts our view in doubt, so the market reads the venue's back before
        // quoting again, rather than restarting on it.
        match resting.state.apply(event) {
            Ok(_) => resting.order.remaining = resting.state.remaining(),
            Err(_) => self.reconciled = false,
        }
        if resting.state.state().is_terminal() {
            self.resting.remove(&update.id);
        }
    }

    /// The venue answered a cancel. Cancelled orders are gone; an order it would not cancel
    /// (filled, already cancelled, unknown) or a request that failed leaves our view in
    /// doubt, so the market reconciles before quoting again.
    pub fn on_cancel_answer(
        &mut self,
        cancelled: &[OrderId],
        refused: &[OrderId],
        failed: bool,
    ) -> Vec<Intent> {
        for id in cancelled {
            if let Some(resting) = self.resting.get_mut(id) {
                self.faults.note(resting.state.apply(OrderEvent::Cancelled));
                self.resting.remove(id);
            }
        }
        let mut in_doubt = failed;
        for id in refused {
            if let Some(resting) = self.resting.get_mut(id) {
                self.faults.note(resting.state.apply(OrderEvent::CancelRefused));
                resting.order.remaining = resting.state.remaining();
                self.tally.cancel_refused += 1;
                in_doubt = true;
            }
        }
        if in_doubt {
            self.reconciled = false;
            return Vec::new();
        }
        self.requote()
    }

    /// After a crash or a lost connection: nothing derived can be trusted. Our orders'
    /// states become `Unknown` until a reconciliation reads them back; placements still
    /// unanswered are forgotten (the ones that landed come back with the venue's open orders).
    pub fn invalidate(&mut self) {
        self.book_trusted = false;
        self.book_lost_since_ms = None;
        for placement in self.pending.values_mut() {
            self.faults.note(placement.state.apply(OrderEvent::ContactLost));
        }
        self.pending.clear();
        self.early_events.clear();
        self.reconciled = false;
        for resting in self.resting.values_mut() {
            self.faults.note(resting.state.apply(OrderEvent::ContactLost));
        }
    }

    /// Events about our orders may have been lost (the user channel dropped): the book is
    /// still good, but orders and shares are read back from the venue before quoting again.
    pub fn events_missed(&mut self) {
        self.reconciled = false;
    }

    /// The venue's view after a (re)start: our open orders there and our shares. Each order
    /// we track is told what the venue holds (`Reconciled`: still open with what is left, or
    /// gone); an open order we did not know of is adopted from what remains of it; placements
    /// still unanswered are forgotten (superseded by this view).
    pub fn reconcile(&mut self, open: Vec<RestingOrder>, yes: Decimal, no: Decimal) -> Vec<Intent> {
        // The venue's view supersedes placements still unanswered: one that landed is among
        // `open` and adopted below; one that lands later announces itself (its placement
        // event names no order of ours) and the next reconciliation adopts it. Waiting for
        // their answers instead could wait forever if an answer was lost.
        for placement in self.pending.values_mut() {
            self.faults.note(placement.state.apply(OrderEvent::ContactLost));
        }
        self.pending.clear();
        self.early_events.clear();
        let mut venue: BTreeMap<OrderId, RestingOrder> = open.into_iter().map(|o| (o.id, o)).collect();
        let known = std::mem::take(&mut self.resting);
        for (id, mut resting) in known {
            let there = venue.remove(&id);
            if let Some(kept) = self.reconciled_order(&mut resting, there) {
                self.resting.insert(id, kept);
            }
        }
        for (id, order) in venue {
            self.adopt(id, order);
        }
        self.inventory.yes = yes;
        self.inventory.no = no;
        let mark = self.mid().unwrap_or(Decimal::new(5, 1));
        self.model.adopt_position(yes, no, mark);
        self.reconciled = true;
        self.requote()
    }

    /// What the venue says of an order we track: kept with its state moved on when it
    /// still rests, `None` when it is gone. Should the venue count fewer fills than we
    /// did, its word is taken and the order is adopted afresh.
    fn reconciled_order(&mut self, resting: &mut Resting, there: Option<RestingOrder>) -> Option<Resting> {
        let Some(order) = there else {
            let cumulative = resting.state.filled();
            self.faults.note(resting.state.apply(OrderEvent::Reconciled { open: false, cumulative }));
            self.tally.reconciled_gone += 1;
            return None;
        };
        let matched = resting.state.size().value() - order.remaining.value();
        let cumulative = match Size::new(matched) {
            Ok(cumulative) if cumulative >= resting.state.filled() => cumulative,
            _ => return Some(self.adopted(order)),
        };
        self.faults.note(resting.state.apply(OrderEvent::Reconciled { open: true, cumulative }));
        resting.order.remaining = resting.state.remaining();
        self.tally.reconciled_open += 1;
        Some(resting.clone())
    }

    /// Tracks an open order the venue holds from what remains of it.
    fn adopt(&mut self, id: OrderId, order: RestingOrder) {
        let adopted = self.adopted(order);
        self.tally.adopted += 1;
        self.resting.insert(id, adopted);
    }

    fn adopted(&mut self, order: RestingOrder) -> Resting {
        let mut state = TrackedOrder::new(order.remaining);
        self.faults.note(state.apply(OrderEvent::Reconciled { open: true, cumulative: Size::ZERO }));
        Resting { order, state, since_ms: self.now_ms }
    }

    /// What the venue's answers did to this market's orders so far.
    pub fn tally(&self) -> OrderTally {
        self.tally
    }

    /// Placements sent and not yet answered.
    pub fn pending_placements(&self) -> usize {
        self.pending.len()
    }

    /// Ids of orders in a given state (for status and tests).
    pub fn orders_in(&self, state: OrderState) -> Vec<OrderId> {
        self.resting.iter().filter(|(_, r)| r.state.state() == state).map(|(id, _)| *id).collect()
    }
}
