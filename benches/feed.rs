//! The market-data hot path: a websocket frame from the bytes the connection delivered to
//! the tokens whose books changed (`MarketData::on_ws`: the frame copy, decoding, hashes,
//! the apply, the top-of-book check), and the decode + apply core alone. The peers (the
//! official Rust SDK's parse, a typed serde parse, a SIMD JSON parse of the same frames)
//! are in `benches/peers` (`benches/peers.sh`), outside this crate's dependencies.

mod fixtures;

use std::time::Instant;

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use polymm::feed::BookSet;
use polymm::feed::decode_market;
use polymm::testkit::frames::{ASSET, change_frame, market_data, named_frames, on_frame};

fn feed(c: &mut Criterion) {
    let mut data = market_data();
    let mut books = BookSet::new();
    books.track(ASSET);
    let received = Instant::now();
    let mut group = c.benchmark_group("feed");
    for (name, frame) in named_frames() {
        decode_market(&frame, |e| {
            books.apply(&e);
        })
        .ok();
        group.bench_function(format!("{name}/on_ws"), |b| {
            b.iter(|| black_box(on_frame(&mut data, black_box(frame.as_bytes()), received)))
        });
        group.bench_function(format!("{name}/decode_apply"), |b| {
            b.iter(|| {
                decode_market(black_box(&frame), |e| {
                    black_box(books.apply(&e));
                })
                .ok()
            })
        });
    }
    let large = change_frame(50);
    group.throughput(Throughput::Elements(50));
    group.bench_function("level_updates_50_per_frame", |b| {
        b.iter(|| black_box(on_frame(&mut data, black_box(large.as_bytes()), received)))
    });
    group.finish();
}

criterion_group!(benches, feed);
criterion_main!(benches);
