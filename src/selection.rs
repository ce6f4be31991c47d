//! Which markets the daemon quotes and with how much capital (pure: listings in, a choice
//! out). The operator's includes and the markets where the account holds shares come
//! first, whatever the filters say, so a restart never leaves inventory unwatched; then the
//! best by the market scorer among the listings that accept orders and pass the
//! `[markets]` filters, up to `max_markets`. Each chosen market's budget is its share of
//! the capital by score, at most half of it to one market.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::domain::ConditionId;
use crate::polymarket::MarketInfo;
use crate::strategy::allocator;
use crate::strategy::scorer::{self, Filters, MarketFacts, Rejection};

/// The operator's rules for choosing markets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionRules {
    /// Markets always chosen.
    pub include: Vec<ConditionId>,
    /// The filters a listing must pass; `None` lets every listing qualify (the embedded
    /// venue's markets are all synthetic).
    pub filters: Option<Filters>,
    /// At most this many markets.
    pub max_markets: usize,
}

/// What the market scorer needs to know of a listing at `now_secs` (unknown resolution
/// counts as a year away; competition is not known from listings).
pub fn facts(market: &MarketInfo, now_secs: u64) -> MarketFacts {
    MarketFacts {
        id: market.condition_id.to_string(),
        volume_24h: market.volume,
        spread: market.spread(),
        hours_to_resolution: market.hours_to_resolution(now_secs).unwrap_or(Decimal::from(8_760)),
        mid: market.mid(),
        reward_daily_rate: market.rewards.map_or(Decimal::ZERO, |r| r.daily_rate),
        competitors: 0,
    }
}

/// Why `market` is not quoted at `now_secs` under `filters`, if it is not: the venue's
/// refusal of orders first, then the first filter it fails.
pub fn refusal(market: &MarketInfo, filters: &Filters, now_secs: u64) -> Option<&'static str> {
    if !market.accepting_orders {
        return Some("the venue (not accepting orders)");
    }
    scorer::filter(&facts(market, now_secs), filters).map(Rejection::settings)
}

/// Whether `market` accepts orders and passes `filters` at `now_secs`.
pub fn passes(market: &MarketInfo, filters: &Filters, now_secs: u64) -> bool {
    refusal(market, filters, now_secs).is_none()
}

/// The markets to quote among `listed`: included and `held` ones first, then the best by
/// score that pass the filters, at most `max_markets`.
pub fn select(
    rules: &SelectionRules,
    listed: &[MarketInfo],
    held: &BTreeSet<ConditionId>,
    now_secs: u64,
) -> Vec<MarketInfo> {
    let forced = |m: &MarketInfo| rules.include.contains(&m.condition_id) || held.contains(&m.condition_id);
    let qualifies = |m: &MarketInfo| rules.filters.as_ref().is_none_or(|f| passes(m, f, now_secs));
    let mut chosen: Vec<(Decimal, &MarketInfo)> = listed
        .iter()
        .filter(|m| forced(m) || qualifies(m))
        .map(|m| (scorer::score(&facts(m, now_secs)), m))
        .collect();
    chosen.sort_by(|(score_a, a), (score_b, b)| {
        (!forced(a), std::cmp::Reverse(*score_a)).cmp(&(!forced(b), std::cmp::Reverse(*score_b)))
    });
    chosen.truncate(rules.max_markets);
    chosen.into_iter().map(|(_, m)| m.clone()).collect()
}

/// How many listings each filter refuses, as `; N refused by SETTING` parts (empty when
/// every listing qualifies): said when nothing is left to quote.
pub fn refusals(rules: &SelectionRules, listed: &[MarketInfo], now_secs: u64) -> String {
    let Some(filters) = &rules.filters else { return String::new() };
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for reason in listed.iter().filter_map(|m| refusal(m, filters, now_secs)) {
        *counts.entry(reason).or_default() += 1;
    }
    counts.iter().map(|(reason, n)| format!("; {n} refused by {reason}")).collect()
}

/// Each chosen market's budget: `capital` split by score, at most half of it to one market.
pub fn budgets(capital: Decimal, chosen: &[MarketInfo], now_secs: u64) -> BTreeMap<ConditionId, Decimal> {
    let scored: Vec<(ConditionId, Decimal)> =
        chosen.iter().map(|m| (m.condition_id, scorer::score(&facts(m, now_secs)))).collect();
    allocator::allocate(capital, &scored, capital / Decimal::TWO)
}

#[cfg(test)]
mod tests;
