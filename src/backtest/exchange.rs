//! The replay's exchange: our maker orders rest in the paper exchange (its fill code and a
//! [`Queue`] model) against each market's YES-terms book, so an order on the NO token is
//! carried as its YES mirror and its events are turned back into NO terms on the way out;
//! taker orders walk the token's book level by level (or fill at its mid, for comparison
//! with mid-price backtests).

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::books::complement;
use super::queue::Queue;
use super::strategy::{TakeFill, TakeSize};
use crate::domain::book::{Book, Micros, Pips, micros_decimal, pips_decimal};
use crate::domain::{ConditionId, OrderId, Outcome, Price, RestingOrder, Side, Size, TokenId, UserEvent};
use crate::execution::paper::PaperReject;
use crate::execution::paper_exchange::{PaperExchange, PaperRequest};
use crate::feed::decode::{LevelChange, MarketEvent, TradePrint};

/// How taker orders fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakerFills {
    /// Walking the book's levels (realistic).
    Book,
    /// All at the book's mid, any size (how a mid-price backtest flatters).
    Mid,
}

/// One market's identity on the exchange.
#[derive(Debug, Clone)]
pub struct Listing {
    /// Condition id.
    pub condition: ConditionId,
    /// YES token (the asset the paper exchange carries both tokens' orders on).
    pub yes: TokenId,
    /// NO token.
    pub no: TokenId,
}

/// A post-only order to rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Market index.
    pub market: u32,
    /// Which token.
    pub outcome: Outcome,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Pips,
    /// Size.
    pub size: Micros,
}

/// An order we have open.
#[derive(Debug, Clone)]
struct Open {
    market: u32,
    outcome: Outcome,
    side: Side,
    price: Pips,
    size: Micros,
    filled: Micros,
}

/// The exchange.
#[derive(Debug)]
pub struct Exchange {
    paper: PaperExchange<Queue>,
    open: HashMap<OrderId, Open>,
    listings: Vec<Listing>,
    next_id: u64,
}

/// A price and side in YES terms.
fn yes_terms(outcome: Outcome, side: Side, price: Pips) -> (Side, Pips) {
    match outcome {
        Outcome::Yes => (side, price),
        Outcome::No => (side.opposite(), complement(price)),
    }
}

impl Exchange {
    /// An exchange filling maker orders through `queue`.
    pub fn new(queue: Queue) -> Self {
        Self { paper: PaperExchange::new(queue), open: HashMap::new(), listings: Vec::new(), next_id: 0 }
    }

    /// Lists a market at its index.
    pub fn list_at(&mut self, index: u32, listing: Listing) {
        while self.listings.len() <= index as usize {
            self.listings.push(listing.clone());
        }
        self.listings[index as usize] = listing;
    }

    fn order_id(&mut self) -> OrderId {
        self.next_id += 1;
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(b"backtest");
        bytes[24..].copy_from_slice(&self.next_id.to_be_bytes());
        OrderId::from_bytes(bytes)
    }

    /// Rests a post-only order against `merged` (the market's YES-terms book).
    pub fn place(
        &mut self,
        order: Placement,
        merged: &Book,
        out: &mut Vec<(u32, UserEvent)>,
    ) -> Result<OrderId, PaperReject> {
        let Placement { market, outcome, side, price, size } = order;
        let listing = self.listings.get(market as usize).cloned().ok_or(PaperReject::Invalid)?;
        let id = self.order_id();
        let (yes_side, yes_price) = yes_terms(outcome, side, price);
        let request = PaperRequest {
            id,
            market: listing.condition,
            asset: listing.yes.clone(),
            side: yes_side,
            price: yes_price,
            size,
        };
        let events = self.paper.place(request, Some(merged))?;
        self.open.insert(id, Open { market, outcome, side, price, size, filled: 0 });
        self.emit(events, out);
        Ok(id)
    }

    /// Cancels an order; `false` if it is not open (filled or gone).
    pub fn cancel(&mut self, id: &OrderId, out: &mut Vec<(u32, UserEvent)>) -> bool {
        let Some(event) = self.paper.cancel(id) else { return false };
        self.emit(vec![event], out);
        self.open.remove(id);
        true
    }

    /// A level of a market's YES-terms book changed; fills it caused go to `out`.
    pub fn on_level(
        &mut self,
        market: u32,
        side: Side,
        price: Pips,
        size: Micros,
        merged: &Book,
        out: &mut Vec<(u32, UserEvent)>,
    ) {
        let Some(listing) = self.listings.get(market as usize) else { return };
        let event = MarketEvent::Level(LevelChange {
            asset_id: listing.yes.as_str(),
            market: "",
            side,
            price,
            size,
            best_bid: merged.best_bid().map(|l| l.price),
            best_ask: merged.best_ask().map(|l| l.price),
            timestamp_ms: 0,
            hash: "",
        });
        let events = self.paper.on_market(&event);
        self.emit(events, out);
    }

    /// A market's whole book changed (a snapshot): orders it crosses fill.
    pub fn on_top(&mut self, market: u32, merged: &Book, out: &mut Vec<(u32, UserEvent)>) {
        let Some(listing) = self.listings.get(market as usize) else { return };
        let event = MarketEvent::BestBidAsk {
            asset_id: listing.yes.as_str(),
            best_bid: merged.best_bid().map(|l| l.price),
            best_ask: merged.best_ask().map(|l| l.price),
            timestamp_ms: 0,
        };
        let events = self.paper.on_market(&event);
        self.emit(events, out);
    }

    /// A trade printed (YES terms).
    pub fn on_trade(
        &mut self,
        market: u32,
        taker: Side,
        price: Pips,
        size: Micros,
        out: &mut Vec<(u32, UserEvent)>,
    ) {
        let Some(listing) = self.listings.get(market as usize) else { return };
        let event = MarketEvent::Trade(TradePrint {
            asset_id: listing.yes.as_str(),
            market: "",
            price,
            size,
            side: taker,
            timestamp_ms: 0,
        });
        let events = self.paper.on_market(&event);
        self.emit(events, out);
    }

    /// Turns the paper exchange's YES-terms events into each order's own terms and keeps
    /// the open orders' fill counts.
    fn emit(&mut self, events: Vec<UserEvent>, out: &mut Vec<(u32, UserEvent)>) {
        for mut event in events {
            let market = match &mut event {
                UserEvent::Order(update) => {
                    let Some(open) = self.open.get(&update.id) else { continue };
                    let market = open.market;
                    let listing = &self.listings[open.market as usize];
                    if open.outcome == Outcome::No {
                        update.asset = listing.no.clone();
                        update.side = open.side;
                        update.price = pips_decimal(open.price);
                    }
                    market
                }
                UserEvent::Trade(trade) => {
                    let mut market = None;
                    for fill in &mut trade.fills {
                        let Some(open) = self.open.get_mut(&fill.order) else { continue };
                        open.filled += crate::domain::book::decimal_micros(fill.size).unwrap_or(0);
                        market = Some(open.market);
                        if open.outcome == Outcome::No {
                            fill.asset = self.listings[open.market as usize].no.clone();
                            fill.side = open.side;
                            fill.price = pips_decimal(open.price);
                        }
                    }
                    self.open.retain(|_, o| o.filled < o.size);
                    let Some(market) = market else { continue };
                    market
                }
            };
            out.push((market, event));
        }
    }

    /// Our open orders in a market, for reconciliation.
    pub fn open_orders(&self, market: u32) -> Vec<RestingOrder> {
        let mut open: Vec<RestingOrder> = self
            .open
            .iter()
            .filter(|(_, o)| o.market == market)
            .filter_map(|(id, o)| {
                Some(RestingOrder {
                    id: *id,
                    outcome: o.outcome,
                    side: o.side,
                    price: Price::new(pips_decimal(o.price)).ok()?,
                    remaining: Size::new(micros_decimal(o.size - o.filled)).ok()?,
                })
            })
            .collect();
        open.sort_by_key(|o| o.id);
        open
    }

    /// Whether a market has a YES-terms bid and ask of ours resting.
    pub fn two_sided(&self, market: u32) -> (bool, bool) {
        let mut sides = (false, false);
        for o in self.open.values().filter(|o| o.market == market) {
            match yes_terms(o.outcome, o.side, o.price).0 {
                Side::Buy => sides.0 = true,
                Side::Sell => sides.1 = true,
            }
        }
        sides
    }

    /// Every open order id of a market.
    pub fn open_ids(&self, market: u32) -> Vec<OrderId> {
        let mut ids: Vec<OrderId> =
            self.open.iter().filter(|(_, o)| o.market == market).map(|(id, _)| *id).collect();
        ids.sort();
        ids
    }
}

/// Whether a book shows only the 0.01 / 0.99 placeholder quotes of a market nobody makes.
pub fn is_placeholder(book: &Book) -> bool {
    book.best_bid().is_none_or(|l| l.price <= 100) && book.best_ask().is_none_or(|l| l.price >= 9_900)
}

/// Polymarket's mid: a missing bid counts as 0 and a missing ask as 1.
pub fn venue_mid(book: &Book) -> Decimal {
    let bid = book.best_bid().map_or(Decimal::ZERO, |l| pips_decimal(l.price));
    let ask = book.best_ask().map_or(Decimal::ONE, |l| pips_decimal(l.price));
    (bid + ask) / Decimal::TWO
}

/// A taker order against one token's `book`: walks it (or fills at the mid), with the fee
/// at `rate` · p · (1 − p) per share, rounded to 5 decimals.
pub fn take(
    book: &Book,
    outcome: Outcome,
    side: Side,
    size: TakeSize,
    limit: Option<Pips>,
    rate: Decimal,
    fills: TakerFills,
) -> TakeFill {
    let refused = |why| TakeFill {
        outcome,
        side,
        shares: Decimal::ZERO,
        price: Decimal::ZERO,
        fee: Decimal::ZERO,
        refused: Some(why),
        depth_limited: false,
    };
    let against = side.opposite();
    if book.best(against).is_none() {
        return refused("no_liquidity");
    }
    if is_placeholder(book) {
        return refused("placeholder_book");
    }
    let within = |price: Pips| {
        limit.is_none_or(|limit| match side {
            Side::Buy => price <= limit,
            Side::Sell => price >= limit,
        })
    };
    if fills == TakerFills::Mid {
        let mid = venue_mid(book);
        let Some(mid_pips) = crate::domain::book::decimal_pips(mid.round_dp(4)) else {
            return refused("price_limit");
        };
        if !within(mid_pips) {
            return refused("price_limit");
        }
        let shares = match size {
            TakeSize::Cash(cash) => cash / mid,
            TakeSize::Shares(shares) => shares,
        };
        let fee = (shares * rate * mid * (Decimal::ONE - mid)).round_dp(5);
        return TakeFill { outcome, side, shares, price: mid, fee, refused: None, depth_limited: false };
    }
    let (mut shares, mut cost, mut fee) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut depth_limited = true;
    for level in book.depth(against) {
        let price = pips_decimal(level.price);
        let available = micros_decimal(level.size);
        let (want, done) = match size {
            TakeSize::Cash(cash) => {
                let left = cash - cost;
                (left / price, left <= Decimal::ZERO)
            }
            TakeSize::Shares(total) => (total - shares, shares >= total),
        };
        if done {
            depth_limited = false;
            break;
        }
        if !within(level.price) {
            break;
        }
        let taken = want.min(available);
        shares += taken;
        cost += taken * price;
        fee += taken * rate * price * (Decimal::ONE - price);
        if taken == want {
            depth_limited = false;
            break;
        }
    }
    if shares.is_zero() {
        return refused("price_limit");
    }
    TakeFill {
        outcome,
        side,
        shares,
        price: cost / shares,
        fee: fee.round_dp(5),
        refused: None,
        depth_limited,
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::book::Level;

    fn book(bids: &[(Pips, Micros)], asks: &[(Pips, Micros)]) -> Book {
        let level = |&(price, size): &(Pips, Micros)| Level { price, size };
        let mut book = Book::new();
        book.replace(bids.iter().map(level), asks.iter().map(level), 0);
        book
    }

    #[test]
    fn a_taker_buy_walks_the_asks_within_its_budget_and_limit() {
        let asks = book(&[(4_000, 1_000_000)], &[(5_000, 100_000_000), (6_000, 1_000_000_000)]);
        let fill = take(
            &asks,
            Outcome::Yes,
            Side::Buy,
            TakeSize::Cash(dec!(110)),
            None,
            dec!(0.07),
            TakerFills::Book,
        );
        assert_eq!((fill.shares, fill.price.round_dp(4), fill.depth_limited), (dec!(200), dec!(0.55), false));
        assert_eq!(
            fill.fee,
            (dec!(100) * dec!(0.07) * dec!(0.25) + dec!(100) * dec!(0.07) * dec!(0.24)).round_dp(5)
        );
        let capped = take(
            &asks,
            Outcome::Yes,
            Side::Buy,
            TakeSize::Cash(dec!(110)),
            Some(5_000),
            dec!(0.07),
            TakerFills::Book,
        );
        assert_eq!((capped.shares, capped.depth_limited), (dec!(100), true));
        let at_mid =
            take(&asks, Outcome::Yes, Side::Buy, TakeSize::Cash(dec!(90)), None, dec!(0), TakerFills::Mid);
        assert_eq!((at_mid.shares, at_mid.price), (dec!(200), dec!(0.45)));
        let placeholder = book(&[(100, 1)], &[(9_900, 1)]);
        let refused = take(
            &placeholder,
            Outcome::Yes,
            Side::Buy,
            TakeSize::Cash(dec!(1)),
            None,
            dec!(0),
            TakerFills::Book,
        );
        assert_eq!(refused.refused, Some("placeholder_book"));
    }
}
