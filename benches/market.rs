//! A market's share of the hot path: `MarketCore::on_book` (strip our orders, update the
//! model's statistics, plan the quote, diff against the resting orders) for a stream of
//! book updates, with each strategy. The venue's answers to whatever the update decided
//! (placements acknowledged, cancels confirmed) are fed back in the same iteration, so the
//! market keeps quoting rather than waiting on acknowledgements.

mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use polymm::strategy::StrategyKind;
use polymm::testkit::market::BookStream;

fn on_book(c: &mut Criterion) {
    for (name, kind) in [
        ("on_book_polymm", StrategyKind::Polymm),
        ("on_book_fixed", StrategyKind::Fixed),
        ("on_book_avellaneda_stoikov", StrategyKind::AvellanedaStoikov),
    ] {
        let mut stream = BookStream::new(kind);
        c.bench_function(name, |b| b.iter(|| stream.step()));
        let idle = stream.core.idle_reason();
        assert!(idle.is_none(), "{name}: still quoting at the end ({idle:?})");
    }
}

criterion_group!(benches, on_book);
criterion_main!(benches);
