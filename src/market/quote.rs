//! The baseline quote (the seed bot's calculation), as pure functions: mid from the book,
//! base spread × volatility and flow multipliers clamped to `[spread_min, spread_max]`,
//! inventory skew up to `inventory_skew_max` against the position, bids rounded down and
//! asks up to the tick, never crossing the book, a side skipped at the position limit.
//! Then the two YES-terms quotes become orders on either token (YES/NO parity: selling YES
//! at p is buying NO at 1 − p, so an ask needs no YES inventory), and a diff against the
//! orders already resting keeps queue priority where the price has not moved enough.

use rust_decimal::Decimal;

use crate::domain::book::{Book, pips_decimal};
use crate::domain::{OrderId, Outcome, Price, Side, Size, TickSize};

/// Quoting parameters (the `[quoting]` section).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteParams {
    /// Base full spread.
    pub spread: Decimal,
    /// Narrowest spread.
    pub spread_min: Decimal,
    /// Widest spread.
    pub spread_max: Decimal,
    /// Size per side, shares.
    pub size: Decimal,
    /// Position (YES-equivalent shares) at which the side that adds to it stops.
    pub position_limit: Decimal,
    /// Largest mid shift from inventory.
    pub inventory_skew_max: Decimal,
    /// Move a resting quote only when the price changes by at least this much.
    pub requote_threshold: Decimal,
}

/// Signals the richer models supply; `NEUTRAL` for the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adjustments {
    /// Multiplies the spread for volatility (≥ 1 widens).
    pub volatility: Decimal,
    /// Multiplies the spread for aggressive one-sided flow.
    pub flow: Decimal,
}

impl Adjustments {
    /// No adjustment.
    pub const NEUTRAL: Self = Self { volatility: Decimal::ONE, flow: Decimal::ONE };
}

/// A two-sided quote in YES terms, with why a side is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Bid for YES.
    pub bid: Option<Price>,
    /// Ask for YES.
    pub ask: Option<Price>,
    /// Size of each side.
    pub size: Size,
    /// The mid used (after skew).
    pub mid: Decimal,
    /// The full spread used.
    pub spread: Decimal,
}

/// Why there is no quote at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoQuote {
    /// The book lacks a side.
    OneSidedBook,
    /// The size is below the venue minimum or not representable.
    SizeTooSmall,
}

/// The baseline quote for a YES book at `position` (YES shares minus NO shares).
pub fn quote(
    params: &QuoteParams,
    book: &Book,
    tick: TickSize,
    min_size: Decimal,
    position: Decimal,
    adjust: Adjustments,
) -> Result<Quote, NoQuote> {
    let (bid, ask) = book.top().ok_or(NoQuote::OneSidedBook)?;
    let book_mid = (pips_decimal(bid.price) + pips_decimal(ask.price)) / Decimal::TWO;
    let spread =
        (params.spread * adjust.volatility * adjust.flow).clamp(params.spread_min, params.spread_max);
    let fill = if params.position_limit.is_zero() {
        Decimal::ZERO
    } else {
        (position / params.position_limit).clamp(-Decimal::ONE, Decimal::ONE)
    };
    let mid = book_mid - fill * params.inventory_skew_max;
    let half = spread / Decimal::TWO;
    let size = Size::round_down(params.size).map_err(|_| NoQuote::SizeTooSmall)?;
    if size.value() < min_size || size.is_zero() {
        return Err(NoQuote::SizeTooSmall);
    }
    let best_ask = pips_decimal(ask.price);
    let best_bid = pips_decimal(bid.price);
    let our_bid = tick.round_bid((mid - half).min(best_ask - tick.value()));
    let our_ask = tick.round_ask((mid + half).max(best_bid + tick.value()));
    let at_long_limit = position + size.value() > params.position_limit;
    let at_short_limit = -(position - size.value()) > params.position_limit;
    Ok(Quote {
        bid: our_bid.filter(|_| !at_long_limit),
        ask: our_ask.filter(|_| !at_short_limit),
        size,
        mid,
        spread,
    })
}

/// An order the quote wants resting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DesiredOrder {
    /// Which token.
    pub outcome: Outcome,
    /// BUY or SELL of that token.
    pub side: Side,
    /// Price in that token's terms.
    pub price: Price,
    /// Size.
    pub size: Size,
}

/// The orders that express `quote`, given the YES and NO shares held (not net of our own
/// resting sells: the order that sells them is the one being expressed, and counting it
/// against itself would flip the ask between selling YES and buying NO on every requote):
/// the bid buys YES (or sells NO when we hold enough), the ask sells YES when we hold enough,
/// else buys NO.
pub fn orders_for(quote: &Quote, free_yes: Decimal, free_no: Decimal) -> Vec<DesiredOrder> {
    let size = quote.size;
    let mut orders = Vec::with_capacity(2);
    if let Some(bid) = quote.bid {
        orders.push(if free_no >= size.value() {
            DesiredOrder { outcome: Outcome::No, side: Side::Sell, price: bid.complement(), size }
        } else {
            DesiredOrder { outcome: Outcome::Yes, side: Side::Buy, price: bid, size }
        });
    }
    if let Some(ask) = quote.ask {
        orders.push(if free_yes >= size.value() {
            DesiredOrder { outcome: Outcome::Yes, side: Side::Sell, price: ask, size }
        } else {
            DesiredOrder { outcome: Outcome::No, side: Side::Buy, price: ask.complement(), size }
        });
    }
    orders
}

/// An order of ours resting on the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestingOrder {
    /// Its id.
    pub id: OrderId,
    /// Which token.
    pub outcome: Outcome,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Price,
    /// Size still open.
    pub remaining: Size,
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
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::book::Level;

    fn params() -> QuoteParams {
        QuoteParams {
            spread: dec!(0.04),
            spread_min: dec!(0.02),
            spread_max: dec!(0.10),
            size: dec!(10),
            position_limit: dec!(100),
            inventory_skew_max: dec!(0.02),
            requote_threshold: dec!(0.005),
        }
    }

    fn book(bid: u32, ask: u32) -> Book {
        let mut book = Book::new();
        book.replace([Level { price: bid, size: 1_000_000 }], [Level { price: ask, size: 1_000_000 }], 0);
        book
    }

    fn price(p: Decimal) -> Price {
        Price::new(p).unwrap()
    }

    #[test]
    fn flat_inventory_quotes_symmetrically_around_the_mid() {
        let q = quote(
            &params(),
            &book(4_500, 5_500),
            TickSize::Hundredth,
            dec!(5),
            dec!(0),
            Adjustments::NEUTRAL,
        )
        .unwrap();
        assert_eq!(
            (q.bid, q.ask, q.mid, q.spread),
            (Some(price(dec!(0.48))), Some(price(dec!(0.52))), dec!(0.5), dec!(0.04))
        );
    }

    #[test]
    fn spread_multipliers_are_clamped_and_inventory_skews_the_mid() {
        let wide = Adjustments { volatility: dec!(2), flow: dec!(3) };
        let q = quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(0), wide).unwrap();
        assert_eq!(q.spread, dec!(0.10));
        let long = quote(
            &params(),
            &book(4_000, 6_000),
            TickSize::Hundredth,
            dec!(5),
            dec!(50),
            Adjustments::NEUTRAL,
        )
        .unwrap();
        assert_eq!(long.mid, dec!(0.49), "long half the limit: mid down by half the max skew");
        assert_eq!((long.bid, long.ask), (Some(price(dec!(0.47))), Some(price(dec!(0.51)))));
    }

    #[test]
    fn never_crosses_a_tight_book_and_stops_adding_at_the_limit() {
        let q = quote(
            &params(),
            &book(4_990, 5_010),
            TickSize::Thousandth,
            dec!(5),
            dec!(0),
            Adjustments::NEUTRAL,
        )
        .unwrap();
        assert!(q.bid.unwrap().value() < dec!(0.501) && q.ask.unwrap().value() > dec!(0.499));
        let full = quote(
            &params(),
            &book(4_000, 6_000),
            TickSize::Hundredth,
            dec!(5),
            dec!(95),
            Adjustments::NEUTRAL,
        )
        .unwrap();
        assert_eq!(
            (full.bid, full.ask.is_some()),
            (None, true),
            "buying 10 more would pass the limit of 100"
        );
        let short = quote(
            &params(),
            &book(4_000, 6_000),
            TickSize::Hundredth,
            dec!(5),
            dec!(-95),
            Adjustments::NEUTRAL,
        )
        .unwrap();
        assert_eq!((short.bid.is_some(), short.ask), (true, None));
        assert_eq!(
            quote(&params(), &Book::new(), TickSize::Hundredth, dec!(5), dec!(0), Adjustments::NEUTRAL),
            Err(NoQuote::OneSidedBook)
        );
        assert_eq!(
            quote(
                &params(),
                &book(4_000, 6_000),
                TickSize::Hundredth,
                dec!(15),
                dec!(0),
                Adjustments::NEUTRAL
            ),
            Err(NoQuote::SizeTooSmall)
        );
    }

    #[test]
    fn asks_become_no_bids_without_inventory() {
        let q = Quote {
            bid: Some(price(dec!(0.48))),
            ask: Some(price(dec!(0.52))),
            size: Size::whole(10),
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

    proptest! {
        #[test]
        fn quotes_stay_on_the_grid_inside_the_book_and_bid_below_ask(
            bid in 100u32..9_800, width in 1u32..200, position in -100i64..100, vol in 1u32..5
        ) {
            let ask = (bid + width * 10).min(9_900);
            prop_assume!(ask > bid);
            let adjust = Adjustments { volatility: Decimal::from(vol), flow: Decimal::ONE };
            let q = quote(&params(), &book(bid, ask), TickSize::Thousandth, dec!(5), Decimal::from(position), adjust).unwrap();
            if let (Some(b), Some(a)) = (q.bid, q.ask) {
                prop_assert!(b < a);
            }
            if let Some(b) = q.bid {
                prop_assert!(TickSize::Thousandth.admits(b.value()));
                prop_assert!(b.value() < pips_decimal(ask), "a bid never crosses the ask");
            }
            if let Some(a) = q.ask {
                prop_assert!(TickSize::Thousandth.admits(a.value()));
                prop_assert!(a.value() > pips_decimal(bid), "an ask never crosses the bid");
            }
            if position > 0 {
                prop_assert!(q.mid <= (pips_decimal(bid) + pips_decimal(ask)) / Decimal::TWO, "skew leans against inventory");
            }
        }
    }
}
