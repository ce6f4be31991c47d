//! What a market is, as every layer sees it: its ids, tick, minimum size, reward programme,
//! resolution time and the capital allocated to it.

use rust_decimal::Decimal;

use super::{ConditionId, TickSize, TokenId};

/// A market's reward programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewardProgram {
    /// Max distance from the mid that scores, price units (3 cents = 0.03).
    pub max_spread: Decimal,
    /// Smallest order size that scores, shares.
    pub min_size: Decimal,
    /// pUSD paid per day across all makers.
    pub daily_rate: Decimal,
}

/// What a market is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketSetup {
    /// Condition id.
    pub condition: ConditionId,
    /// YES token.
    pub yes: TokenId,
    /// NO token.
    pub no: TokenId,
    /// Tick size.
    pub tick: TickSize,
    /// Minimum order size, shares.
    pub min_size: Decimal,
    /// Neg-risk market.
    pub neg_risk: bool,
    /// Its liquidity-reward programme, if any.
    pub rewards: Option<RewardProgram>,
    /// When it resolves, unix ms.
    pub end_ms: Option<u64>,
    /// pUSD allocated to it by the capital allocator.
    pub budget: Decimal,
}
