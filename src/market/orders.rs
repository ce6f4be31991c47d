//! The orders that express a quote, and the diff against those resting. The two YES-terms
//! quotes become orders on either token (YES/NO parity: selling YES at p is buying NO at
//! 1 − p, so an ask needs no YES inventory), and a diff against the orders already resting
//! keeps queue priority where the price has not moved enough.

use rust_decimal::Decimal;

use crate::domain::{DesiredOrder, OrderId, Outcome, RestingOrder, Side};
use crate::strategy::quote::Quote;

/// The orders that express `quote`, given the YES and NO shares held (not net of our own
/// resting sells: the order that sells them is the one being expressed, and counting it
/// against itself would flip the ask between selling YES and buying NO on every requote):
/// the bid buys YES (or sells NO when we hold enough), the ask sells YES when we hold enough,
/// else buys NO.
pub fn orders_for(quote: &Quote, free_yes: Decimal, free_no: Decimal) -> Vec<DesiredOrder> {
    let mut orders = Vec::with_capacity(2);
    if let Some(bid) = quote.bid {
        let size = quote.bid_size;
        orders.push(if free_no >= size.value() {
            DesiredOrder { outcome: Outcome::No, side: Side::Sell, price: bid.complement(), size }
        } else {
            DesiredOrder { outcome: Outcome::Yes, side: Side::Buy, price: bid, size }
        });
    }
    if let Some(ask) = quote.ask {
        let size = quote.ask_size;
        orders.push(if free_yes >= size.value() {
            DesiredOrder { outcome: Outcome::Yes, side: Side::Sell, price: ask, size }
        } else {
            DesiredOrder { outcome: Outcome::No, side: Side::Buy, price: ask.complement(), size }
        });
    }
    orders
}
/// What to change on the venue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderDiff {
    /// Orders to cancel.
    pub cancel: Vec<OrderId>,
    /// Orders to place.
    pub place: Vec<DesiredOrder>,
}

/// The changes that turn `resting` into `desired`. A resting order on the same token and
/// side whose price is within `threshold` of the desired one stays (its queue place is
/// worth more than a tick of edge); everything else is cancelled or placed.
pub fn diff(resting: &[RestingOrder], desired: &[DesiredOrder], threshold: Decimal) -> OrderDiff {
    let mut out = OrderDiff::default();
    let mut kept = vec![false; resting.len()];
    for want in desired {
        let keep = resting.iter().enumerate().find(|(i, order)| {
            !kept[*i]
                && order.outcome == want.outcome
                && order.side == want.side
                && (order.price.value() - want.price.value()).abs() < threshold.max(Decimal::new(1, 9))
        });
        match keep {
            Some((index, _)) => kept[index] = true,
            None => out.place.push(*want),
        }
    }
    out.cancel = resting.iter().zip(&kept).filter(|(_, keep)| !**keep).map(|(order, _)| order.id).collect();
    out
}
#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::{Price, Size};

    fn price(p: Decimal) -> Price {
        Price::new(p).unwrap()
    }

    #[test]
    fn asks_become_no_bids_without_inventory() {
        let q = Quote {
            bid: Some(price(dec!(0.48))),
            ask: Some(price(dec!(0.52))),
            bid_size: Size::whole(10),
            ask_size: Size::whole(10),
            mid: dec!(0.5),
            spread: dec!(0.04),
        };
        let flat = orders_for(&q, dec!(0), dec!(0));
        assert_eq!(
            flat[1],
            DesiredOrder {
                outcome: Outcome::No,
                side: Side::Buy,
                price: price(dec!(0.48)),
                size: Size::whole(10)
            }
        );
        let holding = orders_for(&q, dec!(10), dec!(10));
        assert_eq!(
            (holding[0].outcome, holding[0].side, holding[0].price),
            (Outcome::No, Side::Sell, price(dec!(0.52)))
        );
        assert_eq!((holding[1].outcome, holding[1].side), (Outcome::Yes, Side::Sell));
    }

    #[test]
    fn diff_keeps_queue_priority_within_the_threshold() {
        let resting = [
            RestingOrder {
                id: OrderId::from_bytes([1; 32]),
                outcome: Outcome::Yes,
                side: Side::Buy,
                price: price(dec!(0.48)),
                remaining: Size::whole(4),
            },
            RestingOrder {
                id: OrderId::from_bytes([2; 32]),
                outcome: Outcome::No,
                side: Side::Buy,
                price: price(dec!(0.45)),
                remaining: Size::whole(10),
            },
        ];
        let desired = [
            DesiredOrder {
                outcome: Outcome::Yes,
                side: Side::Buy,
                price: price(dec!(0.48)),
                size: Size::whole(10),
            },
            DesiredOrder {
                outcome: Outcome::No,
                side: Side::Buy,
                price: price(dec!(0.48)),
                size: Size::whole(10),
            },
        ];
        let changes = diff(&resting, &desired, dec!(0.005));
        assert_eq!(
            changes.cancel,
            vec![OrderId::from_bytes([2; 32])],
            "the partly filled bid keeps its place"
        );
        assert_eq!(changes.place, vec![desired[1]]);
        assert_eq!(diff(&resting, &desired[..1], dec!(0.05)).cancel, vec![OrderId::from_bytes([2; 32])]);
    }
}
