//! The market-data hot path: decoding websocket frames and applying them to local books,
//! against a bare `serde_json::Value` parse of the same frame.

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use polymm::feed::books::BookSet;
use polymm::feed::decode::decode_market;
use serde_json::Value;

const ASSET: &str = "71321045679252212594626385532706912750332728571942532289631379312455583992563";

fn book_frame(levels: u32) -> String {
    let side = |from: u32, step: i64| {
        (0..levels)
            .map(|i| {
                let price = i64::from(from) + step * i64::from(i);
                format!("{{\"price\":\"0.{price:03}\",\"size\":\"{}.{:02}\"}}", 100 + i * 7, i % 100)
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "{{\"event_type\":\"book\",\"asset_id\":\"{ASSET}\",\"market\":\"0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1\",\
\"bids\":[{}],\"asks\":[{}],\"timestamp\":\"1729084877448\",\"hash\":\"bf32b3746fff40c76c98021b7f3f07261169dd26\"}}",
        side(480, -1),
        side(520, 1)
    )
}

fn change_frame(changes: u32) -> String {
    let entries = (0..changes)
        .map(|i| {
            let (side, price) = if i % 2 == 0 { ("BUY", 450 + i % 30) } else { ("SELL", 530 + i % 30) };
            format!(
                "{{\"asset_id\":\"{ASSET}\",\"price\":\"0.{price:03}\",\"size\":\"{}\",\"side\":\"{side}\",\
\"hash\":\"bf32b3746fff40c76c98021b7f3f07261169dd26\",\"best_bid\":\"0.48\",\"best_ask\":\"0.52\"}}",
                (i * 13) % 500
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "{{\"market\":\"0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1\",\"price_changes\":[{entries}],\
\"event_type\":\"price_change\",\"timestamp\":\"1729084877448\"}}"
    )
}

fn feed(c: &mut Criterion) {
    let book = book_frame(30);
    let small = change_frame(2);
    let large = change_frame(50);
    let mut books = BookSet::new();
    books.track(ASSET);
    decode_market(&book, |e| {
        books.apply(&e);
    })
    .ok();

    let mut group = c.benchmark_group("feed");
    for (name, frame) in [("book_30x2", &book), ("price_change_2", &small), ("price_change_50", &large)] {
        group.bench_function(format!("{name}/bare_serde_value"), |b| {
            b.iter(|| black_box(serde_json::from_str::<Value>(black_box(frame)).ok()))
        });
        group.bench_function(format!("{name}/decode_apply"), |b| {
            b.iter(|| {
                decode_market(black_box(frame), |e| {
                    black_box(books.apply(&e));
                })
                .ok()
            })
        });
    }
    group.throughput(Throughput::Elements(50));
    group.bench_function("level_updates_50_per_frame", |b| {
        b.iter(|| {
            decode_market(black_box(&large), |e| {
                black_box(books.apply(&e));
            })
            .ok()
        })
    });
    group.finish();
}

criterion_group!(benches, feed);
criterion_main!(benches);
