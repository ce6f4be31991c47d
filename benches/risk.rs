//! The risk desk at 500 markets: one order's check (the gate, with the correlated exposure
//! answered from the last refresh) and the once-a-second work: every market's mid, the
//! sample and the refresh.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use polymm::domain::{ConditionId, Outcome, Price, Side, Size, TokenId};
use polymm::risk::desk::RiskDesk;
use polymm::risk::{OrderRequest, RiskLimits};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const MARKETS: u32 = 500;

fn market(i: u32) -> ConditionId {
    let mut bytes = [0u8; 32];
    bytes[..4].copy_from_slice(&i.to_be_bytes());
    ConditionId::from_bytes(bytes)
}

/// A mid's move in round `round`: different for every market and round.
fn wiggle(i: u32, round: u32) -> Decimal {
    Decimal::new(i64::from((i * 7 + round * 13) % 41) - 20, 4)
}

/// 500 markets in 25 events, each with a mid, a position and money at risk, sampled 60 times.
fn desk() -> RiskDesk {
    let limits = RiskLimits {
        max_position: dec!(100),
        max_total_exposure: dec!(1000000),
        max_correlated_exposure: dec!(250),
        max_daily_loss: dec!(50),
        enforce: true,
    };
    let groups = (0..MARKETS).map(|i| (market(i), format!("event:{}", i % 25))).collect();
    let mut desk = RiskDesk::new(limits).with_groups(groups);
    for round in 0..60u32 {
        for i in 0..MARKETS {
            desk.report_mid(market(i), dec!(0.5) + wiggle(i, round));
            desk.report_exposure(market(i), Decimal::from(i % 17) - dec!(8), dec!(10));
        }
        desk.sample();
    }
    desk
}

fn bench(c: &mut Criterion) {
    let mut desk = desk();
    let order = OrderRequest {
        market: market(7),
        token: TokenId::from_be_bytes([2; 32]),
        outcome: Outcome::Yes,
        side: Side::Buy,
        price: Price::new(dec!(0.5)).unwrap_or_else(|_| unreachable!()),
        size: Size::whole(5),
    };
    c.bench_function("risk/check_500_markets", |b| {
        b.iter(|| black_box(desk.check(black_box(order.clone()))))
    });
    let mut round = 60u32;
    c.bench_function("risk/mids_sample_and_refresh_500_markets", |b| {
        b.iter(|| {
            round += 1;
            for i in 0..MARKETS {
                desk.report_mid(market(i), dec!(0.5) + wiggle(i, round));
            }
            desk.sample();
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
