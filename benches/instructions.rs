//! The workloads of the instruction-count guard (`benches/guard.sh`): each hot path run a
//! fixed number of times inside [`measured`], the one function callgrind counts
//! (`--toggle-collect`), its set-up outside it. Instruction counts do not depend on how
//! busy the machine is, so a change in them is a change in the code.
//!
//! `instructions` lists the workloads; `instructions NAME` runs one and prints its
//! repetitions (the guard divides the count by them).

#![allow(clippy::unwrap_used)]

mod fixtures;

use std::hint::black_box;
use std::time::Instant;

use fixtures::matching::{book_ops, ops, venue_ops};
use fixtures::orders::OrderFixture;
use polymm::polymarket::Presignature;
use polymm::strategy::StrategyKind;
use polymm::testkit::frames::{book_frame, change_frame, market_data, on_frame};
use polymm::testkit::market::BookStream;

/// A workload: its name, its repetitions and how to set it up; the set-up returns what
/// one repetition does.
struct Workload {
    name: &'static str,
    repetitions: u64,
    setup: fn() -> Box<dyn FnMut()>,
}

const WORKLOADS: &[Workload] = &[
    Workload { name: "sign_rfc6979", repetitions: 200, setup: sign_rfc6979 },
    Workload { name: "sign_presigned", repetitions: 200, setup: sign_presigned },
    Workload { name: "feed_book_30x2", repetitions: 2_000, setup: || frame(book_frame(30)) },
    Workload { name: "feed_price_change_2", repetitions: 20_000, setup: || frame(change_frame(2)) },
    Workload { name: "feed_price_change_50", repetitions: 2_000, setup: || frame(change_frame(50)) },
    Workload { name: "market_on_book_polymm", repetitions: 2_000, setup: || on_book(StrategyKind::Polymm) },
    Workload { name: "market_on_book_fixed", repetitions: 2_000, setup: || on_book(StrategyKind::Fixed) },
    Workload { name: "risk_check_500_markets", repetitions: 20_000, setup: risk_check },
    Workload { name: "risk_mids_sample_refresh", repetitions: 20, setup: risk_round },
    Workload { name: "matching_book_ops_10k", repetitions: 20, setup: matching_book },
    Workload { name: "matching_venue_ops_10k", repetitions: 5, setup: matching_venue },
];

fn sign_rfc6979() -> Box<dyn FnMut()> {
    let fixture = OrderFixture::new();
    let mut salt = 0;
    Box::new(move || {
        salt += 1;
        black_box(fixture.sign_body_l2(salt));
    })
}

fn sign_presigned() -> Box<dyn FnMut()> {
    let fixture = OrderFixture::new();
    let mut stock: Vec<Presignature> =
        (0..WORKLOADS[1].repetitions).map(|_| Presignature::generate()).collect();
    let mut salt = 0;
    Box::new(move || {
        salt += 1;
        if let Some(presignature) = stock.pop() {
            black_box(fixture.sign_body_l2_presigned(salt, presignature));
        }
    })
}

fn frame(text: String) -> Box<dyn FnMut()> {
    let mut data = market_data();
    let received = Instant::now();
    Box::new(move || {
        black_box(on_frame(&mut data, black_box(text.as_bytes()), received));
    })
}

fn on_book(kind: StrategyKind) -> Box<dyn FnMut()> {
    let mut stream = BookStream::new(kind);
    Box::new(move || stream.step())
}

fn risk_check() -> Box<dyn FnMut()> {
    let desk = fixtures::risk::desk();
    let order = fixtures::risk::order();
    Box::new(move || {
        black_box(desk.check(black_box(order.clone())));
    })
}

fn risk_round() -> Box<dyn FnMut()> {
    let mut desk = fixtures::risk::desk();
    let mut round = 60;
    Box::new(move || {
        round += 1;
        fixtures::risk::mids_and_sample(&mut desk, round);
    })
}

fn matching_book() -> Box<dyn FnMut()> {
    let ops = ops(10_000);
    Box::new(move || {
        black_box(book_ops(&ops));
    })
}

fn matching_venue() -> Box<dyn FnMut()> {
    let ops = ops(10_000);
    Box::new(move || {
        black_box(venue_ops(&ops));
    })
}

/// The only code callgrind counts.
#[inline(never)]
fn measured(repetitions: u64, work: &mut dyn FnMut()) {
    for _ in 0..repetitions {
        work();
    }
}

fn main() {
    let name = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let Some(name) = name else {
        WORKLOADS.iter().for_each(|w| println!("{}", w.name));
        return;
    };
    let Some(workload) = WORKLOADS.iter().find(|w| w.name == name) else {
        eprintln!("no workload {name}; `instructions` lists them");
        std::process::exit(2);
    };
    let mut work = (workload.setup)();
    measured(workload.repetitions, &mut *work);
    println!("{} {}", workload.name, workload.repetitions);
}
