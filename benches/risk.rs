//! The risk desk at 500 markets: one order's check (the gate, with the correlated exposure
//! answered from the last refresh) and the once-a-second work: every market's mid, the
//! sample and the refresh.

mod fixtures;

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use fixtures::risk::{desk, mids_and_sample, order};

fn bench(c: &mut Criterion) {
    let mut desk = desk();
    let order = order();
    c.bench_function("risk/check_500_markets", |b| {
        b.iter(|| black_box(desk.check(black_box(order.clone()))))
    });
    let mut round = 60u32;
    c.bench_function("risk/mids_sample_and_refresh_500_markets", |b| {
        b.iter(|| {
            round += 1;
            mids_and_sample(&mut desk, round);
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
