//! A listed market: its static parameters and its live state (book, status, statistics).

use rust_decimal::Decimal;

use crate::crypto::keccak256_parts;
use crate::domain::{Bytes32, ConditionId, Outcome, Side, TickSize, TokenId};
use crate::sim::engine::book::{Book, BookSide};
use crate::sim::engine::units::{Lots, Ticks, complement};

/// The operator's fee schedule, applied at match time: `shares × rate × (p(1−p))^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeParams {
    /// Fee rate (a fraction, e.g. 0.02).
    pub rate: Decimal,
    /// Exponent on `p(1−p)`.
    pub exponent: u32,
    /// Charge takers only.
    pub taker_only: bool,
}

impl FeeParams {
    /// No fees.
    pub const FREE: Self = Self { rate: Decimal::ZERO, exponent: 1, taker_only: true };

    /// Whether orders on this side of a trade pay a fee.
    pub fn charges(&self, is_taker: bool) -> bool {
        !self.rate.is_zero() && (is_taker || !self.taker_only)
    }
}

/// Liquidity-reward parameters of an incentivised market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewardParams {
    /// Minimum order size that scores, shares.
    pub min_size: Decimal,
    /// Maximum distance from the midpoint that scores, in cents.
    pub max_spread_cents: Decimal,
    /// pUSD paid per day across the market's makers.
    pub daily_rate: Decimal,
}

/// The static description of a binary market.
#[derive(Debug, Clone)]
pub struct MarketSpec {
    /// CTF condition id (the CLOB `market`).
    pub condition_id: ConditionId,
    /// Question id.
    pub question_id: Bytes32,
    /// Gamma-style market id.
    pub gamma_id: u64,
    /// Question text.
    pub question: String,
    /// URL slug.
    pub slug: String,
    /// Parent event slug.
    pub event_slug: String,
    /// YES token.
    pub yes: TokenId,
    /// NO token.
    pub no: TokenId,
    /// Tick size at listing.
    pub tick: TickSize,
    /// Minimum order size, lots.
    pub min_size: Lots,
    /// Neg-risk market (orders signed for the neg-risk exchange).
    pub neg_risk: bool,
    /// Fee schedule.
    pub fees: FeeParams,
    /// Liquidity rewards, if incentivised.
    pub rewards: Option<RewardParams>,
    /// Resolution time, unix ms.
    pub end_ms: u64,
}

impl MarketSpec {
    /// Derives condition, question and token ids from a seed and an index, as the CTF
    /// derives them from hashes: unique and stable for the same inputs.
    pub fn ids(seed: u64, index: u32) -> (ConditionId, Bytes32, TokenId, TokenId) {
        let question = keccak256_parts(&[b"polymm-sim-question", &seed.to_be_bytes(), &index.to_be_bytes()]);
        let condition = keccak256_parts(&[b"polymm-sim-condition", &question]);
        let token = |outcome: u8| {
            let mut bytes = keccak256_parts(&[b"polymm-sim-position", &condition, &[outcome]]);
            bytes[0] &= 0x7f;
            TokenId::from_be_bytes(bytes)
        };
        (ConditionId::from_bytes(condition), Bytes32::from_bytes(question), token(1), token(2))
    }

    /// The token of `outcome`.
    pub fn token(&self, outcome: Outcome) -> &TokenId {
        match outcome {
            Outcome::Yes => &self.yes,
            Outcome::No => &self.no,
        }
    }
}

/// Whether a market still trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketStatus {
    /// Accepting orders.
    Open,
    /// Resolved: the winning outcome paid 1 pUSD per share.
    Resolved(Outcome),
}

/// The last trade, in YES terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastTrade {
    /// Trade price of YES.
    pub price: Ticks,
    /// The taker's side, in YES terms.
    pub side: Side,
    /// Size, lots.
    pub lots: Lots,
}

/// A market's live state.
#[derive(Debug)]
pub struct MarketState {
    /// Static parameters.
    pub spec: MarketSpec,
    /// Current tick size (it can get finer near the extremes).
    pub tick: TickSize,
    /// The shared YES-terms book.
    pub book: Book,
    /// Trading status.
    pub status: MarketStatus,
    /// Last trade.
    pub last_trade: Option<LastTrade>,
    /// Traded volume since listing, lots.
    pub volume_lots: u128,
    /// Traded notional since listing, base units.
    pub volume_notional: u128,
}

impl MarketState {
    /// A freshly listed market.
    pub fn new(spec: MarketSpec) -> Self {
        Self {
            tick: spec.tick,
            spec,
            book: Book::new(),
            status: MarketStatus::Open,
            last_trade: None,
            volume_lots: 0,
            volume_notional: 0,
        }
    }

    /// A copy of the book as it is now, for channel messages and snapshots.
    pub fn view(&self) -> BookView {
        BookView {
            bids: self.book.depth(BookSide::Bid).collect(),
            asks: self.book.depth(BookSide::Ask).collect(),
            last_trade: self.last_trade,
            tick: self.tick,
        }
    }

    /// The YES-terms best bid and best ask.
    pub fn yes_top(&self) -> (Option<Ticks>, Option<Ticks>) {
        (self.book.best_bid().map(|(p, _)| p), self.book.best_ask().map(|(p, _)| p))
    }

    /// Best bid and best ask of `outcome`'s token.
    pub fn token_top(&self, outcome: Outcome) -> (Option<Ticks>, Option<Ticks>) {
        mirror_top(outcome, self.yes_top())
    }

    /// The midpoint of `outcome`'s token, in ticks ×2 to stay exact (bid + ask).
    pub fn token_mid_x2(&self, outcome: Outcome) -> Option<u32> {
        match self.token_top(outcome) {
            (Some(bid), Some(ask)) => Some(bid + ask),
            _ => None,
        }
    }

    /// The last trade price of `outcome`'s token with the taker side in its terms.
    pub fn token_last_trade(&self, outcome: Outcome) -> Option<(Ticks, Side)> {
        token_trade(outcome, self.last_trade)
    }
}

/// A market's book at one moment, in YES terms, best levels first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookView {
    /// Bid levels, best first.
    pub bids: Vec<(Ticks, Lots)>,
    /// Ask levels, best first.
    pub asks: Vec<(Ticks, Lots)>,
    /// The last trade.
    pub last_trade: Option<LastTrade>,
    /// The tick size.
    pub tick: TickSize,
}

impl BookView {
    /// The levels of `outcome`'s token on `side`, best first (mirrored for NO).
    pub fn token_levels(&self, outcome: Outcome, side: Side) -> Vec<(Ticks, Lots)> {
        let (book_side, mirror) = token_view(outcome, side);
        let levels = match book_side {
            BookSide::Bid => &self.bids,
            BookSide::Ask => &self.asks,
        };
        levels.iter().map(|&(price, lots)| (if mirror { complement(price) } else { price }, lots)).collect()
    }

    /// The last trade of `outcome`'s token, price and taker side in its terms.
    pub fn token_last_trade(&self, outcome: Outcome) -> Option<(Ticks, Side)> {
        token_trade(outcome, self.last_trade)
    }
}

/// A YES-terms top of book seen from `outcome`'s token.
pub fn mirror_top(
    outcome: Outcome,
    (bid, ask): (Option<Ticks>, Option<Ticks>),
) -> (Option<Ticks>, Option<Ticks>) {
    match outcome {
        Outcome::Yes => (bid, ask),
        Outcome::No => (ask.map(complement), bid.map(complement)),
    }
}

fn token_trade(outcome: Outcome, trade: Option<LastTrade>) -> Option<(Ticks, Side)> {
    trade.map(|trade| match outcome {
        Outcome::Yes => (trade.price, trade.side),
        Outcome::No => (complement(trade.price), trade.side.opposite()),
    })
}

/// Which YES-terms side holds `outcome`'s `side` orders, and whether prices mirror.
pub fn token_view(outcome: Outcome, side: Side) -> (BookSide, bool) {
    match (outcome, side) {
        (Outcome::Yes, Side::Buy) => (BookSide::Bid, false),
        (Outcome::Yes, Side::Sell) => (BookSide::Ask, false),
        (Outcome::No, Side::Buy) => (BookSide::Ask, true),
        (Outcome::No, Side::Sell) => (BookSide::Bid, true),
    }
}

/// The YES-terms side and price of an order on `outcome`'s token.
pub fn yes_terms(outcome: Outcome, side: Side, price: Ticks) -> (BookSide, Ticks) {
    let (book_side, mirror) = token_view(outcome, side);
    (book_side, if mirror { complement(price) } else { price })
}

/// The token-terms price of a YES-terms price.
pub fn token_price(outcome: Outcome, yes_price: Ticks) -> Ticks {
    match outcome {
        Outcome::Yes => yes_price,
        Outcome::No => complement(yes_price),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let (c1, _, y1, n1) = MarketSpec::ids(7, 0);
        let (c2, _, y2, _) = MarketSpec::ids(7, 0);
        let (c3, _, _, _) = MarketSpec::ids(7, 1);
        assert_eq!((c1, &y1), (c2, &y2));
        assert_ne!(c1, c3);
        assert_ne!(y1, n1);
    }

    #[test]
    fn no_orders_mirror_into_yes_terms() {
        assert_eq!(yes_terms(Outcome::No, Side::Buy, 4_000), (BookSide::Ask, 6_000));
        assert_eq!(yes_terms(Outcome::No, Side::Sell, 4_000), (BookSide::Bid, 6_000));
        assert_eq!(yes_terms(Outcome::Yes, Side::Buy, 4_000), (BookSide::Bid, 4_000));
        assert_eq!(token_price(Outcome::No, 6_000), 4_000);
    }
}
