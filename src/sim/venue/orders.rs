//! Orders and trades as the venue records them, and the venue's rejection reasons.

use std::fmt;

use crate::domain::{Address, OrderId, OrderType, Outcome, Side};
use crate::sim::engine::units::{Lots, Ticks};

use super::accounts::AccountId;

/// A verified order ready for the matching engine (signature and owner already checked).
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The order hash.
    pub id: OrderId,
    /// The trading account.
    pub account: AccountId,
    /// The funder address from the signed order.
    pub maker_address: Address,
    /// Market index.
    pub market: u32,
    /// Which token.
    pub outcome: Outcome,
    /// BUY or SELL of that token.
    pub side: Side,
    /// Limit price in the token's terms.
    pub price: Ticks,
    /// Size, lots.
    pub lots: Lots,
    /// Time in force.
    pub order_type: OrderType,
    /// Reject instead of crossing.
    pub post_only: bool,
    /// Expiry, unix seconds (0 = none).
    pub expiration: u64,
}

/// Lifecycle status as the venue reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    /// Resting.
    Live,
    /// Fully filled.
    Matched,
    /// Cancelled (by the owner, the dead-man switch, expiry or resolution).
    Canceled,
    /// A FAK/FOK remainder that did not match.
    Unmatched,
}

impl OrderStatus {
    /// The wire spelling (`LIVE`, `MATCHED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "LIVE",
            Self::Matched => "MATCHED",
            Self::Canceled => "CANCELED",
            Self::Unmatched => "UNMATCHED",
        }
    }
}

/// An order the venue accepted.
#[derive(Debug, Clone)]
pub struct OrderRecord {
    /// Engine key: arrival sequence.
    pub key: u64,
    /// The order as submitted.
    pub order: NewOrder,
    /// Size matched so far, lots.
    pub matched: Lots,
    /// Current status.
    pub status: OrderStatus,
    /// Acceptance time, unix ms.
    pub created_ms: u64,
    /// Trade ids this order took part in.
    pub trades: Vec<String>,
    /// What the order still reserves from its account, base units.
    pub reserved: u128,
}

impl OrderRecord {
    /// Size still open, lots.
    pub fn remaining(&self) -> Lots {
        self.order.lots - self.matched
    }
}

/// Settlement status of a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TradeStatus {
    /// Matched off-chain.
    Matched,
    /// Included in a block.
    Mined,
    /// Final.
    Confirmed,
}

impl TradeStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Matched => "MATCHED",
            Self::Mined => "MINED",
            Self::Confirmed => "CONFIRMED",
        }
    }
}

/// One resting order's part of a trade.
#[derive(Debug, Clone)]
pub struct MakerFill {
    /// The maker order's hash.
    pub order_id: OrderId,
    /// Its account.
    pub account: AccountId,
    /// Its funder address.
    pub maker_address: Address,
    /// Its token.
    pub outcome: Outcome,
    /// Its side.
    pub side: Side,
    /// The price in its token's terms.
    pub price: Ticks,
    /// Size, lots.
    pub lots: Lots,
    /// Fee charged to the maker, base units.
    pub fee: u128,
}

/// One taker order's execution against one or more makers.
#[derive(Debug, Clone)]
pub struct TradeRecord {
    /// Trade id (uuid form).
    pub id: String,
    /// Market index.
    pub market: u32,
    /// Taker order hash.
    pub taker_order: OrderId,
    /// Taker account.
    pub taker: AccountId,
    /// Taker funder address.
    pub taker_address: Address,
    /// Taker token.
    pub outcome: Outcome,
    /// Taker side.
    pub side: Side,
    /// Volume-weighted taker price in its token's terms, rounded to ticks (the last fill's
    /// price when all fills share one price).
    pub price: Ticks,
    /// Taker size, lots.
    pub lots: Lots,
    /// Fee charged to the taker, base units.
    pub fee: u128,
    /// Fee rate in basis points at match time.
    pub fee_rate_bps: u32,
    /// The makers.
    pub makers: Vec<MakerFill>,
    /// Match time, unix ms.
    pub match_ms: u64,
    /// Settlement status.
    pub status: TradeStatus,
    /// Last status change, unix ms.
    pub updated_ms: u64,
    /// Fake but well-formed transaction hash.
    pub transaction_hash: [u8; 32],
}

impl TradeRecord {
    /// Whether `account` took part.
    pub fn involves(&self, account: AccountId) -> bool {
        self.taker == account || self.makers.iter().any(|maker| maker.account == account)
    }
}

/// Why the venue refused an order or request. `Display` is the venue's error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reject {
    /// No such token.
    UnknownToken,
    /// Market resolved or closed.
    MarketClosed,
    /// Price not on the tick grid or outside [tick, 1 − tick].
    Tick,
    /// Amounts not expressible as price × size on the grid.
    Amounts,
    /// Below the market's minimum size.
    MinSize,
    /// Same hash already placed.
    Duplicated,
    /// Free balance or allowance too small.
    Balance,
    /// GTD expiry too close or GTC with an expiry.
    Expiration,
    /// Post-only on FOK/FAK.
    PostOnlyType,
    /// Post-only order would trade.
    PostOnlyCrosses,
    /// FOK could not fill completely.
    FokNotFilled,
    /// FAK found nothing to match.
    NoMatch,
    /// Only post-only orders are accepted right now (after an engine restart).
    PostOnlyPeriod,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownToken => "Invalid token id",
            Self::MarketClosed => "the market is not yet ready to process new orders",
            Self::Tick => "order is invalid. Price breaks minimum tick size rules",
            Self::Amounts => "invalid amounts, the price and size must be on the tick and size grid",
            Self::MinSize => "order is invalid. Size lower than the minimum",
            Self::Duplicated => "order is invalid. Duplicated. Same order has already been placed, can't be placed again",
            Self::Balance => "not enough balance / allowance",
            Self::Expiration => "invalid expiration",
            Self::PostOnlyType => "invalid post-only order: only GTC and GTD order types are allowed",
            Self::PostOnlyCrosses => "invalid post-only order: order crosses book",
            Self::FokNotFilled => "order couldn't be fully filled, FOK orders are fully filled/killed",
            Self::NoMatch => "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.",
            Self::PostOnlyPeriod => "the matching engine has just restarted: only post-only orders are accepted for now",
        })
    }
}

impl std::error::Error for Reject {}
