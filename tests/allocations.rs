//! The hot path copies no book per update: a counting allocator watches a frame go through
//! the feed (`MarketData::on_ws` into the shared books) and the market read it
//! (`MarketCore::on_book` from the shared view), and what they allocate must not grow with
//! the depth of the book; the market's read allocates nothing at all.

use std::time::Instant;

use polymm::feed::MarketData;
use polymm::strategy::StrategyKind;
use polymm::testkit::frames::{ASSET, book_frame, change_frame, on_frame};
use polymm::testkit::market::quoting;

/// Allocations and bytes `work` makes on this thread (`allocation-counter` installs the
/// counting allocator for this test binary).
fn allocated(work: impl FnOnce()) -> (u64, u64) {
    let info = allocation_counter::measure(work);
    (info.count_total, info.bytes_total)
}

/// A feed holding a `levels`-deep book and a market quoting on it, warmed up; then what
/// `updates` small changes cost, through the feed and through the market.
fn per_update(levels: u32, updates: u32) -> ((u64, u64), (u64, u64)) {
    let mut data = MarketData::new(Default::default(), &[ASSET.to_owned()], 500, 5_000, 0);
    on_frame(&mut data, book_frame(levels).as_bytes(), Instant::now());
    let mut market = quoting(StrategyKind::Polymm);
    let frames: Vec<String> = (0..updates).map(|i| change_frame(2 + i % 2)).collect();
    let mut step = |frame: &String, market: &mut polymm::market::MarketCore| {
        let touched = on_frame(&mut data, frame.as_bytes(), Instant::now());
        assert_eq!(touched, [ASSET], "the change applies");
        (data.books().book(ASSET).map(|book| market.on_book(Some(&book))), touched)
    };
    // Long enough for the strategy's rolling windows to reach their capacity.
    for frame in frames.iter().cycle().take(2_000) {
        step(frame, &mut market);
    }
    let mut feed = (0, 0);
    let mut reading = (0, 0);
    for frame in &frames {
        let f = allocated(|| {
            on_frame(&mut data, frame.as_bytes(), Instant::now());
        });
        let m = allocated(|| {
            let intents = data.books().book(ASSET).map(|book| market.on_book(Some(&book)));
            assert!(intents.is_some_and(|i| i.is_empty()), "the quote stands");
        });
        feed = (feed.0 + f.0, feed.1 + f.1);
        reading = (reading.0 + m.0, reading.1 + m.1);
    }
    (feed, reading)
}

#[test]
fn an_update_allocates_the_same_whatever_the_depth_and_the_market_reads_it_for_nothing() {
    let (shallow_feed, shallow_market) = per_update(5, 200);
    let (deep_feed, deep_market) = per_update(60, 200);
    assert_eq!(shallow_market, (0, 0), "the market copies the shared book into buffers it keeps");
    assert_eq!(deep_market, (0, 0));
    assert_eq!(shallow_feed, deep_feed, "no allocation grows with the book: nothing copies it");
}
