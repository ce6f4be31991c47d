//! An order transition the state machine refused. The core cannot act on it (it has no
//! venue to ask), so it keeps the first one for its shell, which restarts the market: a
//! fresh core reconciles its orders from the venue, as `OrderFsmError`'s severity says.

use crate::domain::OrderFsmError;

/// The first refused transition since the shell last looked.
#[derive(Debug, Default)]
pub struct Faults(Option<OrderFsmError>);

impl Faults {
    /// Keeps `result`'s error if it is the first.
    pub fn note<T>(&mut self, result: Result<T, OrderFsmError>) {
        if let Err(error) = result {
            self.0.get_or_insert(error);
        }
    }

    /// The first refused transition, once.
    pub fn take(&mut self) -> Option<OrderFsmError> {
        self.0.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderEvent, OrderState, Size, TrackedOrder};

    #[test]
    fn the_first_refused_transition_is_kept_once() {
        let mut faults = Faults::default();
        let mut order = TrackedOrder::new(Size::whole(10));
        faults.note(order.apply(OrderEvent::Accepted));
        assert!(faults.take().is_none(), "an allowed transition is no fault");
        faults.note(order.apply(OrderEvent::Rejected));
        faults.note(order.apply(OrderEvent::Filled { cumulative: Size::whole(20) }));
        let first = faults.take().expect("a live order cannot be rejected");
        assert!(matches!(
            first,
            OrderFsmError::Invalid { state: OrderState::Live, event: OrderEvent::Rejected }
        ));
        assert!(faults.take().is_none(), "taken once");
    }
}
