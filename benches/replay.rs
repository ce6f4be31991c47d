//! The backtest's speed and the recorder's cost.
//!
//! - `replay_books_only`: events through the replay (both tokens' books, the merged book,
//!   the exchange model's hooks) with a strategy that never acts;
//! - `replay_polymm`: the same events driving the daemon's own `MarketCore` (polymm) with
//!   the risk-averse queue model and 100 ms order latency;
//! - `record_1000_frames`: the recorder taking 1,000 `price_change` frames (4 levels each,
//!   as the venue sends them) and writing them: the append on the caller's thread plus the
//!   zstd frame and the write on the writer thread.
//!
//! The data is the synthetic set of `testkit::data` (resolvedkit's shape), 4 markets × 10
//! minutes; throughput is events (or frames) per second.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use polymm::backtest::{
    AccountView, Action, Answer, CoreStrategy, MarketView, Replay, ReplayConfig, ReplayStrategy,
};
use polymm::config::{EnvSnapshot, LoadOptions, load};
use polymm::data::{Recorder, RecorderConfig};
use polymm::domain::{Side, TickSize};
use polymm::strategy::StrategyKind;
use polymm::testkit::data::synthetic;
use polymm::testkit::frames::change_frame;
use rust_decimal::Decimal;

/// Looks at every book and does nothing.
struct Watch;

impl ReplayStrategy for Watch {
    fn name(&self) -> String {
        "watch".into()
    }
    fn on_start(&mut self, _: &MarketView<'_>, _: &mut Vec<Action>) {}
    fn on_book(&mut self, view: &MarketView<'_>, _: &mut Vec<Action>) {
        std::hint::black_box(view.books.merged().mid_x2());
    }
    fn on_print(&mut self, _: &MarketView<'_>, _: Side, _: Decimal) {}
    fn on_tick(&mut self, _: &MarketView<'_>, _: &mut Vec<Action>) {}
    fn on_answer(
        &mut self,
        _: &MarketView<'_>,
        _: Answer<'_>,
        _: &dyn Fn() -> AccountView,
        _: &mut Vec<Action>,
    ) {
    }
    fn on_tick_size(&mut self, _: &MarketView<'_>, _: TickSize, _: &mut Vec<Action>) {}
    fn rewards(&self, _: u32) -> Decimal {
        Decimal::ZERO
    }
}

fn replay(c: &mut Criterion) {
    let data = synthetic(4, 600, 7);
    let options = LoadOptions {
        config_path: None,
        env: EnvSnapshot::from_pairs(std::iter::empty()),
        overrides: Vec::new(),
    };
    let config = load(&options).map(|l| l.config).ok();
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(data.len() as u64));
    group.sample_size(20);
    group.bench_function("books_only", |b| {
        b.iter_batched(
            || data.clone(),
            |mut source| {
                Replay::new(&mut source, ReplayConfig::default()).run(&mut Watch, &mut |_| {}).events
            },
            BatchSize::LargeInput,
        )
    });
    if let Some(config) = config {
        group.bench_function("polymm", |b| {
            b.iter_batched(
                || {
                    (
                        data.clone(),
                        CoreStrategy::new(polymm::system::core_params(&config, StrategyKind::Polymm)),
                    )
                },
                |(mut source, mut strategy)| {
                    Replay::new(&mut source, ReplayConfig::default())
                        .run(&mut strategy, &mut |_| {})
                        .measured
                        .fill_count
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn record(c: &mut Criterion) {
    let frame = change_frame(4);
    let mut group = c.benchmark_group("record");
    group.throughput(Throughput::Elements(1_000));
    group.sample_size(20);
    group.bench_function("1000_frames", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().ok();
                let path = dir.as_ref().map(|d| d.path().to_owned()).unwrap_or_default();
                (dir, Recorder::start(&RecorderConfig::new(path)).ok())
            },
            |(dir, recorder)| {
                if let Some(mut recorder) = recorder {
                    let now = std::time::Instant::now();
                    for _ in 0..1_000 {
                        recorder.frame(0, now, &frame);
                    }
                    recorder.close();
                }
                dir
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, replay, record);
criterion_main!(benches);
