//! Matching-engine throughput: a seeded stream of order operations (rests, cancels,
//! marketable orders) against one book, and the same through the full venue (checks,
//! settlement, accounts, events).

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use polymm::domain::{Address, OrderType, Outcome, Side, TickSize};
use polymm::sim::engine::book::{Book, BookSide};
use polymm::sim::venue::{AccountKind, FeeParams, MarketSpec, NewOrder, Venue, VenueRules};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const OPS: usize = 100_000;

#[derive(Clone, Copy)]
enum Op {
    Rest(bool, u32, u64),
    Take(bool, u32, u64),
    Cancel(usize),
}

fn ops() -> Vec<Op> {
    let mut rng = StdRng::seed_from_u64(7);
    (0..OPS)
        .map(|i| match rng.gen_range(0..10) {
            0..=4 => {
                let bid = rng.gen_bool(0.5);
                let price = if bid { rng.gen_range(4_000..5_000) } else { rng.gen_range(5_000..6_000) };
                Op::Rest(bid, price / 100 * 100, rng.gen_range(5..200) * 100)
            }
            5..=7 => Op::Cancel(rng.gen_range(0..=i)),
            _ => {
                let bid = rng.gen_bool(0.5);
                Op::Take(bid, if bid { 5_200 } else { 4_800 }, rng.gen_range(5..100) * 100)
            }
        })
        .collect()
}

fn book_ops(c: &mut Criterion) {
    let ops = ops();
    let mut group = c.benchmark_group("matching");
    group.throughput(Throughput::Elements(OPS as u64));
    group.bench_function("book_ops", |b| {
        b.iter(|| {
            let mut book = Book::new();
            let mut fills = Vec::with_capacity(64);
            for (key, op) in ops.iter().enumerate() {
                match *op {
                    Op::Rest(bid, price, lots) => {
                        let side = if bid { BookSide::Bid } else { BookSide::Ask };
                        let filled = book.execute(side, price, lots, &mut fills);
                        book.insert(key as u64, side, price, lots - filled);
                    }
                    Op::Take(bid, price, lots) => {
                        book.execute(
                            if bid { BookSide::Bid } else { BookSide::Ask },
                            price,
                            lots,
                            &mut fills,
                        );
                    }
                    Op::Cancel(target) => {
                        book.cancel(target as u64);
                    }
                }
                fills.clear();
                book.clear_touched();
            }
            book.order_count()
        })
    });
    group.bench_function("venue_ops", |b| {
        b.iter(|| {
            let mut venue = Venue::new(VenueRules::default(), 1);
            let (condition_id, question_id, yes, no) = MarketSpec::ids(1, 0);
            venue.list_market(MarketSpec {
                condition_id,
                question_id,
                gamma_id: 1,
                question: String::new(),
                slug: String::new(),
                event_slug: String::new(),
                yes,
                no,
                tick: TickSize::Hundredth,
                min_size: 100,
                neg_risk: false,
                fees: FeeParams::FREE,
                rewards: None,
                end_ms: u64::MAX,
            });
            let whale = venue.open_account(Arc::from("a"), Address::ZERO, AccountKind::Agent, u128::MAX / 4);
            venue.split(whale, 0, 1_000_000_000).ok();
            let mut ids = Vec::with_capacity(OPS);
            for op in &ops {
                let id = venue.agent_order_id();
                ids.push(id);
                let (bid, price, lots, order_type) = match *op {
                    Op::Rest(bid, price, lots) => (bid, price, lots, OrderType::Gtc),
                    Op::Take(bid, price, lots) => (bid, price, lots, OrderType::Fak),
                    Op::Cancel(target) => {
                        venue.cancel(whale, &ids[target.min(ids.len() - 1)]);
                        continue;
                    }
                };
                let order = NewOrder {
                    id,
                    account: whale,
                    maker_address: Address::ZERO,
                    market: 0,
                    outcome: Outcome::Yes,
                    side: if bid { Side::Buy } else { Side::Sell },
                    price,
                    lots,
                    order_type,
                    post_only: false,
                    expiration: 0,
                };
                let _ = venue.place(order, 1);
                venue.drain_events();
            }
            venue.open_order_count()
        })
    });
    group.finish();
}

criterion_group!(benches, book_ops);
criterion_main!(benches);
