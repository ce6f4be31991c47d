//! Matching-engine throughput: a seeded stream of 100,000 order operations (rests, cancels,
//! marketable orders) against one book, and the same through the full venue (checks,
//! settlement, accounts, events).

mod fixtures;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fixtures::matching::{book_ops, ops, venue_ops};

const OPS: usize = 100_000;

fn matching(c: &mut Criterion) {
    let ops = ops(OPS);
    let mut group = c.benchmark_group("matching");
    group.throughput(Throughput::Elements(OPS as u64));
    group.bench_function("book_ops", |b| b.iter(|| book_ops(&ops)));
    group.bench_function("venue_ops", |b| b.iter(|| venue_ops(&ops)));
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
