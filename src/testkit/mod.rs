//! Fixtures shared by the unit tests, the integration tests, the examples and the benches
//! (feature `testkit`, which every test and bench build turns on through the crate's
//! dev-dependency on itself): the quoting parameters tests quote with, a Gamma listing, a
//! market of the embedded venue, a reconciled quoting market with the books it is fed
//! ([`market`]), market-channel frames with the feed's production path for them
//! ([`frames`]) and a daemon started on the embedded venue ([`daemon`]). One definition
//! each, so a test and a benchmark speak of the same thing.

pub mod daemon;
pub mod data;
pub mod frames;
pub mod market;
pub mod parquet;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::domain::{ConditionId, TickSize, TokenId};
use crate::polymarket::{MarketInfo, RewardTerms};
use crate::sim::{FeeParams, MarketSpec};
use crate::strategy::QuoteParams;
use crate::strategy::scorer::Filters;

/// The parameters tests quote with: spread 0.04 within [0.02, 0.10], size 10, position
/// limit 100, skew up to 0.02, requote past 0.005.
pub fn quote_params() -> QuoteParams {
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

/// The `[markets]` filters tests choose with: volume 1,000, spread 0.01–0.20, a day left,
/// price 0.05–0.95.
pub fn filters() -> Filters {
    Filters {
        min_volume: dec!(1000),
        min_spread: dec!(0.01),
        max_spread: dec!(0.2),
        min_hours: dec!(24),
        min_price: dec!(0.05),
        max_price: dec!(0.95),
    }
}

/// Gamma's listing of market `n`: ids made of `n`, bid 0.48 / ask 0.52, `volume` pUSD
/// traded, a reward pool of `reward` pUSD a day (none at 0), resolving at `end_secs`.
pub fn listing(n: u8, volume: u32, reward: u32, end_secs: u64) -> MarketInfo {
    MarketInfo {
        condition_id: ConditionId::from_bytes([n; 32]),
        question: format!("market {n}"),
        slug: format!("m-{n}"),
        yes: TokenId::from_be_bytes([n; 32]),
        no: TokenId::from_be_bytes([n.wrapping_add(100); 32]),
        tick: TickSize::Hundredth,
        min_size: dec!(5),
        neg_risk: false,
        end_secs: Some(end_secs),
        volume: Decimal::from(volume),
        best_bid: dec!(0.48),
        best_ask: dec!(0.52),
        rewards: (reward > 0).then(|| RewardTerms {
            min_size: dec!(20),
            max_spread_cents: dec!(3),
            daily_rate: Decimal::from(reward),
        }),
        version: 2,
        accepting_orders: true,
        group: None,
    }
}

/// Market `index` of an embedded venue run with `seed`: a hundredth tick, no fees, no
/// rewards, orders of at least `min_size` lots, resolving at `end_ms`.
pub fn market_spec(seed: u64, index: u32, min_size: u64, end_ms: u64) -> MarketSpec {
    let (condition_id, question_id, yes, no) = MarketSpec::ids(seed, index);
    MarketSpec {
        condition_id,
        question_id,
        gamma_id: u64::from(index) + 1,
        question: format!("market {index}"),
        slug: format!("market-{index}"),
        event_slug: format!("event-{index}"),
        yes,
        no,
        tick: TickSize::Hundredth,
        min_size,
        neg_risk: false,
        fees: FeeParams::FREE,
        rewards: None,
        end_ms,
    }
}
