//! A market's share of the hot path: `MarketCore::on_book` (strip our orders, update the
//! model's statistics, plan the quote, diff against the resting orders) for a stream of
//! book updates, with each strategy. The venue's answers to whatever the update decided
//! (placements acknowledged, cancels confirmed) are fed back in the same iteration, so the
//! market keeps quoting rather than waiting on acknowledgements.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use polymm::domain::book::{Book, Level};
use polymm::domain::{OrderId, TickSize, TokenId};
use polymm::market::core::{Intent, MarketCore};
use polymm::market::quote::QuoteParams;
use polymm::strategy::{ModelParams, StrategyKind};
use rust_decimal_macros::dec;

/// Thirty levels a side around 0.50, the top sizes varied by `variant`.
fn book(variant: u32) -> Book {
    let mut book = Book::new();
    let size = |i: u32| 1_000_000 * u64::from(10 + (i * 7 + variant * 13) % 90);
    let bids = (0..30).map(|i| Level { price: 4_900 - 100 * i, size: size(i) });
    let asks = (0..30).map(|i| Level { price: 5_100 + 100 * i, size: size(i + 1) });
    book.replace(bids, asks, u64::from(variant));
    book
}

/// Acknowledges every placement and confirms every cancel in `intents`, and in what the
/// confirmations lead to.
fn answer(core: &mut MarketCore, mut intents: Vec<Intent>, next_id: &mut u64) {
    for _ in 0..4 {
        let mut cancelled = Vec::new();
        for intent in intents {
            match intent {
                Intent::Place { key, .. } => {
                    *next_id += 1;
                    let mut id = [0u8; 32];
                    id[..8].copy_from_slice(&next_id.to_be_bytes());
                    core.on_placed(key, Some(OrderId::from_bytes(id)));
                }
                Intent::Cancel(id) => cancelled.push(id),
            }
        }
        if cancelled.is_empty() {
            return;
        }
        intents = core.on_cancel_answer(&cancelled, &[], false);
    }
}

/// A reconciled market quoting with `kind`, its first quotes acknowledged. The synthetic
/// books do not hold our orders, so the market is told so (as in paper mode).
fn quoting(kind: StrategyKind) -> MarketCore {
    let params = QuoteParams {
        spread: dec!(0.04),
        spread_min: dec!(0.02),
        spread_max: dec!(0.10),
        size: dec!(10),
        position_limit: dec!(100),
        inventory_skew_max: dec!(0.02),
        requote_threshold: dec!(0.005),
    };
    let (yes, no) = (TokenId::from_be_bytes([1; 32]), TokenId::from_be_bytes([2; 32]));
    let mut core = MarketCore::new(yes, no, ModelParams::new(kind, params), TickSize::Hundredth, dec!(5))
        .with_orders_off_book();
    core.set_now(1_000);
    core.on_book(Some(book(0)));
    let intents = core.reconcile(Vec::new(), dec!(0), dec!(0));
    answer(&mut core, intents, &mut 0);
    core
}

fn on_book(c: &mut Criterion) {
    let books: Vec<Book> = (0..64).map(book).collect();
    for (name, kind) in [
        ("on_book_polymm", StrategyKind::Polymm),
        ("on_book_fixed", StrategyKind::Fixed),
        ("on_book_avellaneda_stoikov", StrategyKind::AvellanedaStoikov),
    ] {
        let mut core = quoting(kind);
        let (mut n, mut next_id) = (0u64, 1_000u64);
        c.bench_function(name, |b| {
            b.iter(|| {
                n += 1;
                core.set_now(1_000 + n * 20);
                let intents = core.on_book(Some(books[(n % 64) as usize].clone()));
                answer(&mut core, black_box(intents), &mut next_id);
            })
        });
        assert!(core.idle_reason().is_none(), "{name}: still quoting at the end ({:?})", core.idle_reason());
    }
}

criterion_group!(benches, on_book);
criterion_main!(benches);
