//! What a data set says about its markets: tokens, tick, minimum size, category (for the
//! fee curve), end time, reward terms and, once settled, the payout. Recordings carry it
//! as `meta` records; the Parquet loaders build it from their market tables.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::Outcome;

/// A market's reward programme, as Gamma lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardMeta {
    /// Minimum scoring size, shares.
    pub min_size: Decimal,
    /// Maximum scoring distance from the mid, cents.
    pub max_spread_cents: Decimal,
    /// pUSD a day.
    pub daily_rate: Decimal,
}

/// One market of a data set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketMeta {
    /// Condition id (or the source's market id).
    pub condition: String,
    /// The YES (first outcome) token id.
    pub yes: String,
    /// The NO (second outcome) token id.
    pub no: String,
    /// Question or slug, for people.
    #[serde(default)]
    pub question: String,
    /// Fee category (`crypto`, `sports`, …; empty: the general rate).
    #[serde(default)]
    pub category: String,
    /// Tick size.
    pub tick: Decimal,
    /// Minimum order size, shares.
    pub min_size: Decimal,
    /// Neg-risk market.
    #[serde(default)]
    pub neg_risk: bool,
    /// End (resolution) time, unix ms.
    #[serde(default)]
    pub end_ms: Option<u64>,
    /// Reward programme.
    #[serde(default)]
    pub rewards: Option<RewardMeta>,
    /// What one YES share paid at settlement, once known (one NO share pays 1 − this).
    #[serde(default)]
    pub payout_yes: Option<Decimal>,
}

impl MarketMeta {
    /// A market as Gamma lists it (what the recorder writes).
    pub fn from_listing(market: &crate::polymarket::MarketInfo) -> Self {
        Self {
            condition: market.condition_id.to_string(),
            yes: market.yes.to_string(),
            no: market.no.to_string(),
            question: if market.slug.is_empty() { market.question.clone() } else { market.slug.clone() },
            category: String::new(),
            tick: market.tick.value(),
            min_size: market.min_size,
            neg_risk: market.neg_risk,
            end_ms: market.end_secs.map(|s| s * 1_000),
            rewards: market.rewards.as_ref().map(|r| RewardMeta {
                min_size: r.min_size,
                max_spread_cents: r.max_spread_cents,
                daily_rate: r.daily_rate,
            }),
            payout_yes: None,
        }
    }
}

/// The markets of a data set, by index, with a lookup from token id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    markets: Vec<MarketMeta>,
    by_condition: HashMap<String, u32>,
    by_token: HashMap<String, (u32, Outcome)>,
}

impl Catalog {
    /// Adds `meta`, or replaces the entry of the same condition id; returns its index.
    pub fn upsert(&mut self, meta: MarketMeta) -> u32 {
        if let Some(&index) = self.by_condition.get(&meta.condition) {
            self.markets[index as usize] = meta;
            return index;
        }
        let index = self.markets.len() as u32;
        self.by_condition.insert(meta.condition.clone(), index);
        self.by_token.insert(meta.yes.clone(), (index, Outcome::Yes));
        self.by_token.insert(meta.no.clone(), (index, Outcome::No));
        self.markets.push(meta);
        index
    }

    /// The market and outcome of a token id.
    pub fn token(&self, asset: &str) -> Option<(u32, Outcome)> {
        self.by_token.get(asset).copied()
    }

    /// The market with this condition id.
    pub fn condition(&self, condition: &str) -> Option<u32> {
        self.by_condition.get(condition).copied()
    }

    /// One market.
    pub fn get(&self, index: u32) -> Option<&MarketMeta> {
        self.markets.get(index as usize)
    }

    /// Records a settlement.
    pub fn settle(&mut self, index: u32, payout_yes: Decimal) {
        if let Some(meta) = self.markets.get_mut(index as usize) {
            meta.payout_yes = Some(payout_yes);
        }
    }

    /// Every market, by index.
    pub fn markets(&self) -> &[MarketMeta] {
        &self.markets
    }
}
