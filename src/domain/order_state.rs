//! The order lifecycle: one state enum, one event enum, one transition table.
//!
//! A [`TrackedOrder`] pairs the state with the quantities the events change (size and
//! cumulative filled). Fills are reported as the venue's cumulative `size_matched`, so a
//! repeated or reordered fill message never double counts. Terminal states absorb every
//! later event, except that a late fill on a cancelled order is still booked: the shares
//! were traded and inventory must know. This module does no I/O.

use serde::Serialize;
use thiserror::Error;

use super::size::Size;
use crate::error::{HasSeverity, Severity};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum OrderState {
    /// Sent, not yet acknowledged.
    PendingNew,
    /// Resting on the book, nothing filled.
    Live,
    /// Resting on the book, partly filled.
    PartiallyFilled,
    /// A cancel was sent, not yet acknowledged.
    PendingCancel,
    /// Completely filled. Terminal.
    Filled,
    /// Cancelled or expired, possibly after partial fills. Terminal.
    Cancelled,
    /// Refused by the venue. Terminal.
    Rejected,
    /// Contact was lost (crash, disconnect): the venue's view must be fetched.
    Unknown,
}

impl OrderState {
    /// Whether no later event can change this state.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Filled | Self::Cancelled | Self::Rejected)
    }

    /// Whether the order may be resting on the venue's book.
    pub fn may_rest(self) -> bool {
        !self.is_terminal()
    }
}

/// What happened to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    /// The venue accepted the order.
    Accepted,
    /// The venue reports `cumulative` shares matched so far.
    Filled {
        /// Total matched since placement (the venue's `size_matched`).
        cumulative: Size,
    },
    /// We asked the venue to cancel.
    CancelRequested,
    /// The venue refused our cancel (the order may still rest).
    CancelRefused,
    /// The venue cancelled the order (on request, expiry or dead-man switch).
    Cancelled,
    /// The venue refused the order.
    Rejected,
    /// We lost contact; the venue's view is unknown.
    ContactLost,
    /// After contact was lost, the venue says what it holds.
    Reconciled {
        /// Whether the order still rests on the venue.
        open: bool,
        /// Total matched since placement.
        cumulative: Size,
    },
}

/// A transition the table does not allow, or a fill that breaks the quantities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum OrderFsmError {
    /// The event makes no sense in this state.
    #[error("event {event:?} is not valid in state {state:?}")]
    Invalid {
        /// The state the order was in.
        state: OrderState,
        /// The refused event.
        event: OrderEvent,
    },
    /// A fill larger than the order.
    #[error("fill of {cumulative} exceeds the order size {size}")]
    Overfill {
        /// The reported cumulative fill.
        cumulative: Size,
        /// The order size.
        size: Size,
    },
}

impl HasSeverity for OrderFsmError {
    fn severity(&self) -> Severity {
        Severity::RestartMarket
    }
}

/// What one applied event changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// State before.
    pub from: OrderState,
    /// State after.
    pub to: OrderState,
    /// Shares filled by this event (zero for non-fill events and repeats).
    pub newly_filled: Size,
}

/// An order's state with its size and cumulative fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrackedOrder {
    size: Size,
    filled: Size,
    state: OrderState,
}

impl TrackedOrder {
    /// A freshly sent order of `size` shares.
    pub fn new(size: Size) -> Self {
        Self { size, filled: Size::ZERO, state: OrderState::PendingNew }
    }

    /// The current state.
    pub fn state(&self) -> OrderState {
        self.state
    }

    /// The original size.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Shares filled so far.
    pub fn filled(&self) -> Size {
        self.filled
    }

    /// Shares still open (zero once terminal).
    pub fn remaining(&self) -> Size {
        if self.state.is_terminal() { Size::ZERO } else { self.size.saturating_sub(self.filled) }
    }

    /// Applies `event`; on error nothing changes.
    pub fn apply(&mut self, event: OrderEvent) -> Result<Transition, OrderFsmError> {
        let from = self.state;
        let filled = match event {
            OrderEvent::Filled { cumulative } | OrderEvent::Reconciled { cumulative, .. } => {
                self.checked_fill(cumulative)?
            }
            _ => self.filled,
        };
        let complete = filled >= self.size;
        let to = next_state(from, event, complete, filled.is_zero())
            .ok_or(OrderFsmError::Invalid { state: from, event })?;
        let newly_filled = filled.saturating_sub(self.filled);
        self.filled = filled;
        self.state = to;
        Ok(Transition { from, to, newly_filled })
    }

    /// The new cumulative fill: never below the old one, never above the size.
    fn checked_fill(&self, cumulative: Size) -> Result<Size, OrderFsmError> {
        if cumulative > self.size {
            return Err(OrderFsmError::Overfill { cumulative, size: self.size });
        }
        Ok(if cumulative > self.filled { cumulative } else { self.filled })
    }
}

/// The transition table. `complete`: the fill reached the size; `none_filled`: nothing filled.
fn next_state(state: OrderState, event: OrderEvent, complete: bool, none_filled: bool) -> Option<OrderState> {
    use OrderEvent as E;
    use OrderState as S;
    let resting = if complete {
        S::Filled
    } else if none_filled {
        S::Live
    } else {
        S::PartiallyFilled
    };
    match (state, event) {
        (S::Cancelled, E::Filled { .. } | E::Reconciled { .. }) => Some(S::Cancelled),
        (S::Filled | S::Cancelled, _) => Some(state),
        (S::Rejected, E::Filled { .. } | E::Reconciled { .. }) => None,
        (S::Rejected, _) => Some(S::Rejected),
        (S::PendingNew, E::Rejected) => Some(S::Rejected),
        (_, E::Rejected) => None,
        (S::PendingNew | S::Live | S::PartiallyFilled, E::Accepted | E::Filled { .. }) => Some(resting),
        (S::PendingCancel, E::Filled { .. }) => Some(if complete { S::Filled } else { S::PendingCancel }),
        (S::PendingCancel, E::Accepted) => Some(S::PendingCancel),
        (S::PendingCancel, E::CancelRefused) => Some(resting),
        (_, E::CancelRefused) => Some(state),
        (S::Unknown, E::CancelRequested) => Some(S::Unknown),
        (_, E::CancelRequested) => Some(S::PendingCancel),
        (_, E::Cancelled) => Some(if complete { S::Filled } else { S::Cancelled }),
        (_, E::ContactLost) => Some(S::Unknown),
        (S::Unknown, E::Accepted | E::Filled { .. }) => Some(S::Unknown),
        (S::Unknown, E::Reconciled { open: true, .. }) => Some(resting),
        (_, E::Reconciled { open: false, .. }) => Some(if complete { S::Filled } else { S::Cancelled }),
        (_, E::Reconciled { open: true, .. }) => Some(resting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use OrderEvent as E;
    use OrderState as S;

    fn size(n: u32) -> Size {
        Size::whole(n)
    }

    fn fill(n: u32) -> OrderEvent {
        E::Filled { cumulative: size(n) }
    }

    fn in_state(state: OrderState, filled: u32) -> TrackedOrder {
        TrackedOrder { size: size(10), filled: size(filled), state }
    }

    #[test]
    fn transition_table() {
        let table: &[(OrderState, u32, OrderEvent, Option<OrderState>)] = &[
            (S::PendingNew, 0, E::Accepted, Some(S::Live)),
            (S::PendingNew, 0, fill(4), Some(S::PartiallyFilled)),
            (S::PendingNew, 0, fill(10), Some(S::Filled)),
            (S::PendingNew, 0, E::Rejected, Some(S::Rejected)),
            (S::PendingNew, 0, E::CancelRequested, Some(S::PendingCancel)),
            (S::PendingNew, 0, E::Cancelled, Some(S::Cancelled)),
            (S::PendingNew, 0, E::ContactLost, Some(S::Unknown)),
            (S::Live, 0, E::Accepted, Some(S::Live)),
            (S::Live, 0, fill(3), Some(S::PartiallyFilled)),
            (S::Live, 0, E::CancelRequested, Some(S::PendingCancel)),
            (S::Live, 0, E::Cancelled, Some(S::Cancelled)),
            (S::Live, 0, E::Rejected, None),
            (S::PartiallyFilled, 3, fill(10), Some(S::Filled)),
            (S::PartiallyFilled, 3, fill(2), Some(S::PartiallyFilled)),
            (S::PartiallyFilled, 3, E::Cancelled, Some(S::Cancelled)),
            (S::PendingCancel, 0, fill(5), Some(S::PendingCancel)),
            (S::PendingCancel, 0, fill(10), Some(S::Filled)),
            (S::PendingCancel, 0, E::Cancelled, Some(S::Cancelled)),
            (S::PendingCancel, 0, E::CancelRefused, Some(S::Live)),
            (S::PendingCancel, 4, E::CancelRefused, Some(S::PartiallyFilled)),
            (S::Unknown, 0, fill(2), Some(S::Unknown)),
            (S::Unknown, 0, E::CancelRequested, Some(S::Unknown)),
            (S::Unknown, 0, E::Reconciled { open: true, cumulative: size(0) }, Some(S::Live)),
            (S::Unknown, 0, E::Reconciled { open: true, cumulative: size(6) }, Some(S::PartiallyFilled)),
            (S::Unknown, 0, E::Reconciled { open: false, cumulative: size(6) }, Some(S::Cancelled)),
            (S::Unknown, 0, E::Reconciled { open: false, cumulative: size(10) }, Some(S::Filled)),
            (S::Unknown, 0, E::Cancelled, Some(S::Cancelled)),
            (S::Filled, 10, E::Cancelled, Some(S::Filled)),
            (S::Filled, 10, E::ContactLost, Some(S::Filled)),
            (S::Cancelled, 2, fill(5), Some(S::Cancelled)),
            (S::Cancelled, 2, E::Accepted, Some(S::Cancelled)),
            (S::Rejected, 0, E::Cancelled, Some(S::Rejected)),
            (S::Rejected, 0, fill(1), None),
        ];
        for &(from, filled, event, expected) in table {
            let mut order = in_state(from, filled);
            let result = order.apply(event).ok().map(|t| t.to);
            assert_eq!(result, expected, "{from:?} + {event:?}");
        }
    }

    #[test]
    fn late_fill_on_a_cancelled_order_is_booked() {
        let mut order = in_state(S::Cancelled, 2);
        let transition = order.apply(fill(5)).unwrap();
        assert_eq!(transition.newly_filled, size(3));
        assert_eq!(order.filled(), size(5));
        assert_eq!(order.remaining(), Size::ZERO);
    }

    #[test]
    fn overfill_is_refused_and_changes_nothing() {
        let mut order = in_state(S::Live, 0);
        let err = order.apply(fill(11)).unwrap_err();
        assert!(matches!(err, OrderFsmError::Overfill { .. }));
        assert_eq!(order, in_state(S::Live, 0));
    }

    #[test]
    fn repeated_and_stale_fills_do_not_double_count() {
        let mut order = TrackedOrder::new(size(10));
        order.apply(E::Accepted).unwrap();
        assert_eq!(order.apply(fill(4)).unwrap().newly_filled, size(4));
        assert_eq!(order.apply(fill(4)).unwrap().newly_filled, Size::ZERO);
        assert_eq!(order.apply(fill(2)).unwrap().newly_filled, Size::ZERO);
        assert_eq!(order.filled(), size(4));
        assert_eq!(order.remaining(), size(6));
    }

    fn any_event() -> impl Strategy<Value = OrderEvent> {
        let cumulative = (0u32..=1200).prop_map(|c| Size::new(Decimal::new(i64::from(c), 2)).unwrap());
        prop_oneof![
            Just(E::Accepted),
            cumulative.clone().prop_map(|cumulative| E::Filled { cumulative }),
            Just(E::CancelRequested),
            Just(E::CancelRefused),
            Just(E::Cancelled),
            Just(E::Rejected),
            Just(E::ContactLost),
            (any::<bool>(), cumulative).prop_map(|(open, cumulative)| E::Reconciled { open, cumulative }),
        ]
    }

    proptest! {
        #[test]
        fn invariants_hold_for_any_event_sequence(events in proptest::collection::vec(any_event(), 0..40)) {
            let mut order = TrackedOrder::new(size(10));
            let mut booked = Size::ZERO;
            for event in events {
                let before = order;
                match order.apply(event) {
                    Ok(transition) => {
                        booked = booked + transition.newly_filled;
                        if before.state.is_terminal() {
                            prop_assert_eq!(order.state, before.state);
                        }
                    }
                    Err(_) => prop_assert_eq!(order, before),
                }
                prop_assert!(order.filled <= order.size);
                prop_assert!(order.filled >= before.filled);
                prop_assert_eq!(booked, order.filled);
                if order.state == S::Filled {
                    prop_assert_eq!(order.filled, order.size);
                }
            }
        }
    }
}
