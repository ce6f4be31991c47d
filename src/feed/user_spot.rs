//! The user channel's spot check, pure: the open orders the stream told us about set
//! against the venue's open orders read over REST. An order one side has and the other
//! does not (once both have had time to settle) means the stream lost an event, and its
//! market must read its orders and trades back.

use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;

use crate::domain::ConditionId;
use crate::polymarket::client::types::OpenOrder;

/// An open order as the stream last described it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heard {
    /// Matched so far.
    pub size_matched: Decimal,
    /// Its market.
    pub market: ConditionId,
    /// When we heard of it last, ms.
    pub at_ms: u64,
}

/// Orders younger than this (by either account) are left out: an event may be on its way.
pub const SETTLE_MS: u64 = 3_000;

/// The markets whose open orders differ between the stream's account and the venue's.
pub fn markets_out_of_step(
    heard: &HashMap<String, Heard>,
    venue: &[OpenOrder],
    now_ms: u64,
) -> Vec<ConditionId> {
    let settled = |at_ms: u64| now_ms.saturating_sub(at_ms) >= SETTLE_MS;
    let mut markets = BTreeSet::new();
    for order in venue {
        let known = heard.get(&order.id);
        let created_ms = order.created_at.saturating_mul(1_000);
        let differs = match known {
            None => settled(created_ms),
            Some(heard) => heard.size_matched != order.size_matched && settled(heard.at_ms),
        };
        if differs && let Ok(market) = order.market.parse() {
            markets.insert(market);
        }
    }
    let open: BTreeSet<&str> = venue.iter().map(|o| o.id.as_str()).collect();
    for (id, heard) in heard {
        if !open.contains(id.as_str()) && settled(heard.at_ms) {
            markets.insert(heard.market);
        }
    }
    markets.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn venue_order(id: &str, market: &str, matched: Decimal, created_secs: u64) -> OpenOrder {
        serde_json::from_value(serde_json::json!({
            "id": id, "status": "LIVE", "market": market, "asset_id": "1", "side": "BUY",
            "original_size": "10", "size_matched": matched.to_string(), "price": "0.5",
            "created_at": created_secs, "order_type": "GTC",
        }))
        .unwrap()
    }

    #[test]
    fn phantom_unknown_and_stale_orders_name_their_markets_once_settled() {
        let m1 = ConditionId::from_bytes([1; 32]);
        let m2 = ConditionId::from_bytes([2; 32]);
        let m3 = ConditionId::from_bytes([3; 32]);
        let heard = HashMap::from([
            ("same".to_owned(), Heard { size_matched: dec!(0), market: m1, at_ms: 0 }),
            ("phantom".to_owned(), Heard { size_matched: dec!(0), market: m2, at_ms: 0 }),
            ("fresh".to_owned(), Heard { size_matched: dec!(0), market: m3, at_ms: 9_000 }),
            ("part".to_owned(), Heard { size_matched: dec!(1), market: m1, at_ms: 0 }),
        ]);
        let venue = [
            venue_order("same", &m1.to_string(), dec!(0), 0),
            venue_order("part", &m1.to_string(), dec!(1), 0),
            venue_order("unheard", &m3.to_string(), dec!(0), 1),
            venue_order("just-placed", &m2.to_string(), dec!(0), 9),
        ];
        assert_eq!(markets_out_of_step(&heard, &venue, 10_000), [m2, m3], "phantom in m2, unheard in m3");
        let venue = [
            venue_order("same", &m1.to_string(), dec!(0), 0),
            venue_order("part", &m1.to_string(), dec!(4), 0),
            venue_order("phantom", &m2.to_string(), dec!(0), 0),
            venue_order("fresh", &m3.to_string(), dec!(0), 9),
        ];
        assert_eq!(markets_out_of_step(&heard, &venue, 10_000), [m1], "a fill the stream did not tell");
        assert!(markets_out_of_step(&heard, &venue[..3], 10_000).contains(&m1));
        assert_eq!(
            markets_out_of_step(&heard, &venue[..3], 10_000).len(),
            1,
            "the fresh one may be in flight"
        );
    }
}
