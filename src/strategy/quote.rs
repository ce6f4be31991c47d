//! Turning a target into a quote, as pure functions. A strategy (see [`crate::strategy`])
//! supplies [`Adjustments`] to the seed's calculation: mid from the book, base spread ×
//! the multipliers clamped to `[spread_min, spread_max]` (or a half-spread the model chose
//! outright), the fair value shifted by signals and skewed against inventory up to
//! `inventory_skew_max`, per-side sizes shrunk near the position limit; then bids rounded
//! down and asks up to the tick, optionally placed one tick in front of the best other
//! quote, never crossing the book. `market::orders` turns the quote into orders.

use rust_decimal::Decimal;

use super::inventory::{side_size, skew};
use super::maker::passive_price;
use super::queue::place;
use crate::domain::book::{Book, pips_decimal};
use crate::domain::{Price, Side, Size, TickSize};

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

/// What a strategy changes in the seed's calculation; `NEUTRAL` is the seed itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adjustments {
    /// Multiplies the base spread (volatility, flow, regime, toxicity, events…).
    pub spread_multiplier: Decimal,
    /// A half-spread chosen by the model, used instead of the multiplied base (still
    /// clamped to the spread bounds).
    pub half_spread: Option<Decimal>,
    /// Added to the book mid before the inventory skew (flow tilt, microprice lean).
    pub fair_shift: Decimal,
    /// Whether inventory skews the fair value.
    pub skew: bool,
    /// Multiplies the size.
    pub size_multiplier: Decimal,
    /// A tighter position limit in force (dynamic limits, Kelly).
    pub position_limit: Option<Decimal>,
    /// Step one tick in front of the best other quote when `min_edge` is kept; `None`
    /// keeps the model's prices.
    pub queue_min_edge: Option<Decimal>,
    /// Only the side that reduces the position, at most the position's size (closing out
    /// before resolution).
    pub reduce_only: bool,
    /// The seed bot's sizing: full size on both sides until the position reaches its limit,
    /// then the side that would add to it is skipped (instead of shrinking from half the
    /// limit).
    pub full_size_to_limit: bool,
}

impl Adjustments {
    /// The seed's calculation, unchanged.
    pub const NEUTRAL: Self = Self {
        spread_multiplier: Decimal::ONE,
        half_spread: None,
        fair_shift: Decimal::ZERO,
        skew: true,
        size_multiplier: Decimal::ONE,
        position_limit: None,
        queue_min_edge: None,
        reduce_only: false,
        full_size_to_limit: false,
    };

    /// The seed bot's quote (`fixed`): the fixed spread around the mid, skewed against
    /// inventory up to `inventory_skew_max`, full size until the position limit.
    pub const SEED: Self = Self { full_size_to_limit: true, ..Self::NEUTRAL };
}

/// A two-sided quote in YES terms, with why a side is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Bid for YES.
    pub bid: Option<Price>,
    /// Ask for YES.
    pub ask: Option<Price>,
    /// Size of the bid.
    pub bid_size: Size,
    /// Size of the ask.
    pub ask_size: Size,
    /// The fair value used (after shifts and skew).
    pub mid: Decimal,
    /// The full spread used.
    pub spread: Decimal,
}

impl Quote {
    /// No quote on either side.
    pub fn empty() -> Self {
        Self {
            bid: None,
            ask: None,
            bid_size: Size::ZERO,
            ask_size: Size::ZERO,
            mid: Decimal::ZERO,
            spread: Decimal::ZERO,
        }
    }
}

/// Why there is no quote at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoQuote {
    /// The book lacks a side.
    OneSidedBook,
    /// The size is below the venue minimum or not representable.
    SizeTooSmall,
    /// Resolution is close: quotes are pulled.
    Resolving,
    /// Our fills have been toxic: quoting paused for a while.
    Toxic,
}

/// A side's size: the base size scaled and shrunk near the limit, rounded to the venue's
/// size grid, or `None` below the minimum.
fn side_quote_size(
    base: Decimal,
    position: Decimal,
    limit: Decimal,
    adding: bool,
    min_size: Decimal,
) -> Option<Size> {
    let size = Size::round_down(side_size(base, position, limit, adding)).ok()?;
    (size.value() >= min_size && !size.is_zero()).then_some(size)
}

/// The quote for a YES book (others' orders only) at `position` (YES shares minus NO).
pub fn quote(
    params: &QuoteParams,
    book: &Book,
    tick: TickSize,
    min_size: Decimal,
    position: Decimal,
    adjust: Adjustments,
) -> Result<Quote, NoQuote> {
    let (best_bid, best_ask) = book.top().ok_or(NoQuote::OneSidedBook)?;
    let (best_bid, best_ask) = (pips_decimal(best_bid.price), pips_decimal(best_ask.price));
    let book_mid = (best_bid + best_ask) / Decimal::TWO;
    let spread = match adjust.half_spread {
        Some(half) => half * Decimal::TWO,
        None => params.spread * adjust.spread_multiplier,
    }
    .clamp(params.spread_min, params.spread_max);
    let limit = adjust.position_limit.map_or(params.position_limit, |l| l.min(params.position_limit));
    let lean = if adjust.skew {
        skew(position, params.position_limit, params.inventory_skew_max)
    } else {
        Decimal::ZERO
    };
    let mid = book_mid + adjust.fair_shift + lean;
    let half = spread / Decimal::TWO;
    let base = params.size * adjust.size_multiplier;
    if Size::round_down(base).map_or(true, |s| s.value() < min_size || s.is_zero()) {
        return Err(NoQuote::SizeTooSmall);
    }
    let (bid_size, ask_size) = if adjust.reduce_only {
        let closing =
            Size::round_down(base.min(position.abs())).ok().filter(|s| s.value() >= min_size && !s.is_zero());
        if position > Decimal::ZERO { (None, closing) } else { (closing, None) }
    } else if adjust.full_size_to_limit {
        let full = Size::round_down(base).ok().filter(|s| s.value() >= min_size && !s.is_zero());
        let room = |adding: bool| if adding && position.abs() >= limit { None } else { full };
        (room(position >= Decimal::ZERO), room(position <= Decimal::ZERO))
    } else {
        (
            side_quote_size(base, position, limit, position >= Decimal::ZERO, min_size),
            side_quote_size(base, position, limit, position <= Decimal::ZERO, min_size),
        )
    };
    let mut bid = tick.round_bid(mid - half).map(Price::value);
    let mut ask = tick.round_ask(mid + half).map(Price::value);
    if let Some(min_edge) = adjust.queue_min_edge {
        bid = bid.map(|b| place(Side::Buy, b, Some(best_bid), mid, min_edge, tick).0);
        ask = ask.map(|a| place(Side::Sell, a, Some(best_ask), mid, min_edge, tick).0);
    }
    let bid = bid.and_then(|b| passive_price(Side::Buy, b, book, tick)).filter(|_| bid_size.is_some());
    let ask = ask.and_then(|a| passive_price(Side::Sell, a, book, tick)).filter(|_| ask_size.is_some());
    Ok(Quote {
        bid,
        ask,
        bid_size: bid_size.unwrap_or(Size::ZERO),
        ask_size: ask_size.unwrap_or(Size::ZERO),
        mid,
        spread,
    })
}
#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::book::Level;

    fn params() -> QuoteParams {
        crate::testkit::quote_params()
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
        let wide = Adjustments { spread_multiplier: dec!(6), ..Adjustments::NEUTRAL };
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

    proptest! {
        #[test]
        fn quotes_stay_on_the_grid_inside_the_book_and_bid_below_ask(
            bid in 100u32..9_800, width in 1u32..200, position in -100i64..100, vol in 1u32..5
        ) {
            let ask = (bid + width * 10).min(9_900);
            prop_assume!(ask > bid);
            let adjust = Adjustments { spread_multiplier: Decimal::from(vol), ..Adjustments::NEUTRAL };
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

    #[test]
    fn reduce_only_quotes_just_the_side_that_flattens() {
        let closing = Adjustments { reduce_only: true, ..Adjustments::NEUTRAL };
        let long =
            quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(7), closing).unwrap();
        assert_eq!((long.bid, long.ask_size), (None, Size::whole(7)), "sell what is held, no more");
        let short =
            quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(-30), closing).unwrap();
        assert_eq!((short.ask, short.bid_size), (None, Size::whole(10)));
        let dust =
            quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(2), closing).unwrap();
        assert_eq!((dust.bid, dust.ask), (None, None), "below the venue minimum nothing can be sent");
    }

    #[test]
    fn model_overrides_half_spread_fair_size_and_limit() {
        let adjust = Adjustments {
            half_spread: Some(dec!(0.03)),
            fair_shift: dec!(0.01),
            skew: false,
            size_multiplier: dec!(0.5),
            position_limit: Some(dec!(20)),
            ..Adjustments::NEUTRAL
        };
        let q = quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(8), adjust).unwrap();
        assert_eq!((q.mid, q.spread), (dec!(0.51), dec!(0.06)));
        assert_eq!(
            (q.bid.map(|p| p.value()), q.ask.map(|p| p.value())),
            (Some(dec!(0.48)), Some(dec!(0.54)))
        );
        assert_eq!((q.bid_size, q.ask_size), (Size::whole(5), Size::whole(5)), "half the size");
        let past_half =
            quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(12), adjust).unwrap();
        assert_eq!(
            (past_half.bid, past_half.ask_size),
            (None, Size::whole(5)),
            "long 12 of 20: a bid of 4 is under the minimum"
        );
        let seed = |position| {
            quote(&params(), &book(4_500, 5_500), TickSize::Hundredth, dec!(5), position, Adjustments::SEED)
                .unwrap()
        };
        let near = seed(dec!(90));
        assert_eq!(
            (near.bid_size, near.ask_size),
            (Size::whole(10), Size::whole(10)),
            "full size below the limit"
        );
        assert!(near.mid < dec!(0.5), "the seed skews against a long position: {}", near.mid);
        let at_limit = seed(dec!(100));
        assert_eq!(
            (at_limit.bid, at_limit.ask_size),
            (None, Size::whole(10)),
            "at the limit only the reducing side"
        );
        let tiny = Adjustments { size_multiplier: dec!(0.1), ..Adjustments::NEUTRAL };
        assert_eq!(
            quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(0), tiny),
            Err(NoQuote::SizeTooSmall)
        );
    }

    #[test]
    fn queue_placement_pulls_back_to_one_tick_in_front() {
        let adjust = Adjustments { queue_min_edge: Some(dec!(0.01)), ..Adjustments::NEUTRAL };
        let q = quote(&params(), &book(4_000, 6_000), TickSize::Hundredth, dec!(5), dec!(0), adjust).unwrap();
        assert_eq!(
            (q.bid.map(|p| p.value()), q.ask.map(|p| p.value())),
            (Some(dec!(0.41)), Some(dec!(0.59)))
        );
    }
}
