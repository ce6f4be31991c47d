//! Market-channel frames, polymm beside its peers in the same run: polymm's production
//! path (`MarketData::on_ws`: the frame copy, decoding, hashes, the apply to the local
//! book, the top-of-book check) against the official Rust SDK's parse as its websocket
//! client does it (`parse_if_interested`: a `Value`, then the typed messages), a typed
//! owned serde parse into the SDK's message types (what a plain client does), and
//! sonic-rs, a SIMD JSON parser, into the same types. The peers only parse: they apply
//! nothing to any book.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../fixtures/mod.rs"]
mod fixtures;

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use polymm::testkit::frames::{market_data, named_frames, on_frame};
use polymarket_client_sdk_v2::clob::ws::WsMessage;
use polymarket_client_sdk_v2::clob::ws::interest::MessageInterest;
use polymarket_client_sdk_v2::clob::ws::types::response::parse_if_interested;

fn decoding(c: &mut Criterion) {
    let mut data = market_data();
    let received = Instant::now();
    let mut group = c.benchmark_group("decoding");
    for (name, frame) in named_frames() {
        let bytes = frame.as_bytes();
        assert_eq!(parse_if_interested(bytes, &MessageInterest::ALL).unwrap().len(), 1, "{name}");
        serde_json::from_slice::<WsMessage>(bytes).unwrap();
        sonic_rs::from_slice::<WsMessage>(bytes).unwrap();
        group.bench_function(format!("{name}/polymm_on_ws"), |b| {
            b.iter(|| black_box(on_frame(&mut data, black_box(bytes), received)))
        });
        group.bench_function(format!("{name}/sdk_parse_if_interested"), |b| {
            b.iter(|| black_box(parse_if_interested(black_box(bytes), &MessageInterest::ALL)))
        });
        group.bench_function(format!("{name}/serde_typed_owned"), |b| {
            b.iter(|| black_box(serde_json::from_slice::<WsMessage>(black_box(bytes))))
        });
        group.bench_function(format!("{name}/sonic_rs_typed_owned"), |b| {
            b.iter(|| black_box(sonic_rs::from_slice::<WsMessage>(black_box(bytes))))
        });
    }
    group.finish();
}

criterion_group!(benches, decoding);
criterion_main!(benches);
