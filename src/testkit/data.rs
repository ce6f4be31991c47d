//! A synthetic data set shaped like the resolvedkit sample (both tokens' full books, 20
//! levels a side, a snapshot per side per second, diffed into level changes) with trade
//! prints, held in memory: what the replay benchmarks and tests run on anywhere.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::data::{Catalog, Event, EventKind, MarketMeta, MemSource, Problems, SnapshotDiffer, Stamp};
use crate::domain::book::Level;
use crate::domain::{Outcome, Side};

/// `markets` markets over `seconds` seconds from `start_ms`, seeded: the mid random-walks
/// a cent at a time, sizes churn, a trade prints every few seconds, and each market
/// resolves at the end.
pub fn synthetic(markets: u32, seconds: u64, seed: u64) -> MemSource {
    let start_ms: u64 = 1_790_000_000_000;
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut catalog = Catalog::default();
    for m in 0..markets {
        catalog.upsert(MarketMeta {
            condition: format!("0x{m:064x}"),
            yes: format!("{}", 1_000 + 2 * m),
            no: format!("{}", 1_001 + 2 * m),
            question: format!("synthetic market {m}"),
            category: "crypto".into(),
            tick: dec!(0.01),
            min_size: dec!(5),
            neg_risk: false,
            end_ms: Some(start_ms + seconds * 1_000),
            rewards: None,
            payout_yes: Some(Decimal::ONE),
        });
    }
    let mut mids: Vec<u32> = (0..markets).map(|_| 40 + next(20) as u32).collect();
    let mut differ = SnapshotDiffer::new();
    let mut events = Vec::new();
    for second in 0..seconds {
        for market in 0..markets {
            let at = Stamp { exchange_ms: start_ms + second * 1_000 + u64::from(market), local_ns: 0 };
            let mid = &mut mids[market as usize];
            *mid = (*mid as i64 + next(3) as i64 - 1).clamp(25, 75) as u32;
            let mut levels = |from: u32, step: i64| -> Vec<Level> {
                (0..20)
                    .filter_map(|i| {
                        let cents = i64::from(from) + step * i;
                        (1..100)
                            .contains(&cents)
                            .then(|| Level { price: cents as u32 * 100, size: (50 + next(400)) * 1_000_000 })
                    })
                    .collect()
            };
            let (bids, asks) = (levels(*mid - 1, -1), levels(*mid + 1, 1));
            let mirror = |levels: &[Level]| -> Vec<Level> {
                levels.iter().map(|l| Level { price: 10_000 - l.price, size: l.size }).collect()
            };
            differ.snapshot(at, market, Outcome::No, mirror(&asks), mirror(&bids), &mut events);
            differ.snapshot(at, market, Outcome::Yes, bids, asks, &mut events);
            if next(4) == 0 {
                let (taker, price) =
                    if next(2) == 0 { (Side::Buy, *mid + 1) } else { (Side::Sell, *mid - 1) };
                events.push(Event {
                    at,
                    market,
                    kind: EventKind::Trade {
                        outcome: Outcome::Yes,
                        taker,
                        price: price * 100,
                        size: (5 + next(60)) * 1_000_000,
                    },
                });
            }
        }
    }
    let end = Stamp { exchange_ms: start_ms + seconds * 1_000 + 60_000, local_ns: 0 };
    for market in 0..markets {
        events.push(Event { at: end, market, kind: EventKind::Resolved { winner: Outcome::Yes } });
    }
    MemSource::new("synthetic", catalog, events, Problems::default())
}
