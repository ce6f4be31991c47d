//! The state behind the market feed: local books per token, which connection carries which
//! tokens, which books need a REST resync, whether the feed has fallen back to REST polling,
//! and the counters that say how it went. Pure: the driver feeds it websocket events and
//! REST snapshots.

use super::books::{Applied, SharedBooks};
use super::decode::{MarketEvent, decode_market};
use super::hashes::HashWatch;
use crate::domain::book::Book;
use crate::polymarket::client::types::OrderBookSummary;
use crate::polymarket::connection::WsEvent;
use crate::polymarket::connection::shard;

/// Counters of the feed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedStats {
    /// Text frames received.
    pub frames: u64,
    /// Events decoded.
    pub events: u64,
    /// Frames that were not JSON (skipped).
    pub malformed_frames: u64,
    /// Events with bad fields (skipped).
    pub malformed_events: u64,
    /// Events of unknown types (skipped).
    pub unknown_events: u64,
    /// Books found inconsistent and marked for resync.
    pub gaps: u64,
    /// Connections that came back.
    pub reconnects: u64,
    /// Books restored from REST.
    pub rest_snapshots: u64,
    /// Trusted books compared with a REST snapshot (the rolling spot check).
    pub spot_checks: u64,
    /// Spot checks that found the book different from a snapshot at least as new, and
    /// replaced it.
    pub spot_replaced: u64,
    /// Books compared with the venue's hash.
    pub hash_checks: u64,
    /// Books whose hash differed from the venue's (each then resynced).
    pub hash_mismatches: u64,
}

/// What a spot check of one book against a REST snapshot found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpotCheck {
    /// The same levels.
    Agrees,
    /// Different (or untrusted): the snapshot replaced the book.
    Replaced,
    /// The snapshot is older than the book: nothing to conclude.
    Older,
    /// Not a tracked token, or a snapshot that does not parse.
    Untracked,
}

#[derive(Debug, Clone)]
struct Shard {
    assets: Vec<String>,
    up: bool,
    down_since_ms: Option<u64>,
    ever_up: bool,
}

/// The market feed's state.
#[derive(Debug)]
pub struct MarketData {
    books: SharedBooks,
    hashes: HashWatch,
    shards: Vec<Shard>,
    stats: FeedStats,
    fallback_after_ms: u64,
    prints: Vec<Print>,
    tap: Option<MarketTap>,
}

/// Sees every decoded market event after the books have applied it (paper mode's exchange
/// fills from them).
pub struct MarketTap(Box<dyn FnMut(&MarketEvent<'_>)>);

impl MarketTap {
    /// A tap calling `see` for each event.
    pub fn new(see: impl FnMut(&MarketEvent<'_>) + 'static) -> Self {
        Self(Box::new(see))
    }
}

impl std::fmt::Debug for MarketTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MarketTap")
    }
}

/// Prints kept until taken; beyond this (nobody is taking them) new ones are dropped.
const MAX_PENDING_PRINTS: usize = 4_096;

/// A trade printed on a tracked token, for the flow signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Print {
    /// Token id.
    pub asset_id: String,
    /// The taker's side, in that token's terms.
    pub taker_side: crate::domain::Side,
    /// Shares.
    pub size: rust_decimal::Decimal,
}

impl MarketData {
    /// Tracks `assets`, split into connections of at most `per_connection`; the feed falls
    /// back to REST for a connection down longer than `fallback_after_ms`.
    pub fn new(
        books: SharedBooks,
        assets: &[String],
        per_connection: usize,
        fallback_after_ms: u64,
        now_ms: u64,
    ) -> Self {
        assets.iter().for_each(|a| books.write().track(a));
        let shards = shard(assets, per_connection)
            .into_iter()
            .map(|assets| Shard { assets, up: false, down_since_ms: Some(now_ms), ever_up: false })
            .collect();
        Self {
            books,
            hashes: HashWatch::default(),
            shards,
            stats: FeedStats::default(),
            fallback_after_ms,
            prints: Vec::new(),
            tap: None,
        }
    }

    /// Shows every decoded event to `tap` as well.
    pub fn set_tap(&mut self, tap: MarketTap) {
        self.tap = Some(tap);
    }

    /// The token ids of each connection, to subscribe with.
    pub fn shard_assets(&self) -> Vec<Vec<String>> {
        self.shards.iter().map(|s| s.assets.clone()).collect()
    }

    /// Counters.
    pub fn stats(&self) -> FeedStats {
        self.stats
    }

    /// A token's book, if trusted.
    pub fn book(&self, asset: &str) -> Option<std::cell::Ref<'_, Book>> {
        self.books.book(asset)
    }

    /// The books, as the markets share them.
    pub fn books(&self) -> &SharedBooks {
        &self.books
    }

    /// The next `count` tracked tokens after `cursor` in a fixed rotation (for the rolling
    /// spot check); moves the cursor on.
    pub fn spot_candidates(&self, cursor: &mut usize, count: usize) -> Vec<String> {
        let total: usize = self.shards.iter().map(|s| s.assets.len()).sum();
        if total == 0 {
            return Vec::new();
        }
        let mut all = self.shards.iter().flat_map(|s| s.assets.iter()).cycle().skip(*cursor % total);
        let picked: Vec<String> = all.by_ref().take(count.min(total)).cloned().collect();
        *cursor = (*cursor + picked.len()) % total;
        picked
    }

    /// Compares a trusted book with a REST snapshot: one that differs from a snapshot at
    /// least as new as itself is replaced by it (the stream that built it lost something).
    pub fn spot_check(&mut self, summary: &OrderBookSummary) -> SpotCheck {
        let Some(rest) = summary.to_book() else { return SpotCheck::Untracked };
        let verdict = match self.books.book(&summary.asset_id).as_deref() {
            None => None,
            Some(local) if rest.timestamp_ms() < local.timestamp_ms() => Some(SpotCheck::Older),
            Some(local) if same_levels(local, &rest) => Some(SpotCheck::Agrees),
            Some(_) => None,
        };
        self.stats.spot_checks += 1;
        if let Some(verdict) = verdict {
            return verdict;
        }
        if !self.apply_rest(summary) {
            return SpotCheck::Untracked;
        }
        self.stats.spot_replaced += 1;
        SpotCheck::Replaced
    }

    /// Tokens whose books are not trusted (to resync from REST).
    pub fn stale(&self) -> Vec<String> {
        let mut stale: Vec<String> = self.books.read().unsynced().map(str::to_owned).collect();
        stale.sort_unstable();
        stale
    }

    /// Tokens of connections down longer than the fallback threshold (to poll over REST).
    pub fn fallback_assets(&self, now_ms: u64) -> Vec<String> {
        self.shards
            .iter()
            .filter(|s| {
                s.down_since_ms.is_some_and(|since| now_ms.saturating_sub(since) >= self.fallback_after_ms)
            })
            .flat_map(|s| s.assets.iter().cloned())
            .collect()
    }

    /// Whether every connection is up (connected and delivering frames).
    pub fn all_up(&self) -> bool {
        self.shards.iter().all(|s| s.up)
    }

    /// Applies one websocket event; returns the tokens whose books changed.
    pub fn on_ws(&mut self, event: &WsEvent, now_ms: u64) -> Vec<String> {
        match event {
            WsEvent::Connected { shard } => {
                if let Some(state) = self.shards.get_mut(*shard)
                    && state.ever_up
                {
                    self.stats.reconnects += 1;
                }
                Vec::new()
            }
            WsEvent::Disconnected { shard, .. } => {
                if let Some(state) = self.shards.get_mut(*shard) {
                    if state.up {
                        state.down_since_ms = Some(now_ms);
                    }
                    state.up = false;
                    state.assets.iter().for_each(|a| self.books.write().invalidate(a));
                }
                Vec::new()
            }
            WsEvent::Frame { shard, text, .. } => {
                if let Some(state) = self.shards.get_mut(*shard) {
                    state.up = true;
                    state.ever_up = true;
                    state.down_since_ms = None;
                }
                self.on_frame(*shard, text)
            }
        }
    }

    /// Applies one frame. A frame or event that cannot be read may have carried changes for
    /// any token of its connection, so all of them are resynced.
    fn on_frame(&mut self, shard: usize, text: &str) -> Vec<String> {
        self.stats.frames += 1;
        let mut touched: Vec<String> = Vec::new();
        let mut tops: Vec<(String, Option<u32>, Option<u32>)> = Vec::new();
        let mut books = self.books.write();
        let hashes = &mut self.hashes;
        let stats = &mut self.stats;
        let prints = &mut self.prints;
        let tap = &mut self.tap;
        let decoded = decode_market(text, |event| {
            if let MarketEvent::Trade(trade) = &event
                && prints.len() < MAX_PENDING_PRINTS
            {
                prints.push(Print {
                    asset_id: trade.asset_id.to_owned(),
                    taker_side: trade.side,
                    size: crate::domain::book::micros_decimal(trade.size),
                });
            }
            let asset = match &event {
                MarketEvent::Book(b) => Some(b.asset_id),
                MarketEvent::Level(l) => {
                    tops.retain(|(a, _, _)| a != l.asset_id);
                    tops.push((l.asset_id.to_owned(), l.best_bid, l.best_ask));
                    Some(l.asset_id)
                }
                _ => None,
            };
            hashes.on_event(&event);
            match books.apply(&event) {
                Applied::Updated => {
                    if let Some(asset) = asset.filter(|a| !touched.iter().any(|t| t == a)) {
                        touched.push(asset.to_owned());
                    }
                }
                Applied::Gap(_) => stats.gaps += 1,
                Applied::Ignored | Applied::Buffered => {}
            }
            if let Some(MarketTap(see)) = tap {
                see(&event);
            }
        });
        let lost = match decoded {
            Ok(report) => {
                self.stats.events += report.events as u64;
                self.stats.malformed_events += report.malformed as u64;
                self.stats.unknown_events += report.unknown as u64;
                report.malformed > 0
            }
            Err(_) => {
                self.stats.malformed_frames += 1;
                true
            }
        };
        if lost && let Some(state) = self.shards.get(shard) {
            state.assets.iter().for_each(|a| books.invalidate(a));
        }
        for (asset, bid, ask) in tops {
            if let Applied::Gap(_) = books.verify_top(&asset, bid, ask) {
                self.stats.gaps += 1;
            }
        }
        touched
    }

    /// Compares up to `limit` books with the venue's latest hash for them (see
    /// [`HashWatch`]); a book that differs is untrusted until resynced. Returns the tokens
    /// whose books differed.
    pub fn check_hashes(&mut self, limit: usize) -> Vec<String> {
        let books = self.books.read();
        let wrong = self.hashes.check(limit, |token| books.book(token));
        drop(books);
        let checked = self.hashes.stats();
        self.stats.hash_checks = checked.checks;
        self.stats.hash_mismatches = checked.mismatches;
        for token in &wrong {
            tracing::warn!(%token, "the book's hash differs from the venue's: resyncing it");
            self.books.write().invalidate(token);
            self.stats.gaps += 1;
        }
        wrong
    }

    /// The trades printed since the last call.
    pub fn take_prints(&mut self) -> Vec<Print> {
        std::mem::take(&mut self.prints)
    }

    /// Restores a book from a REST snapshot; `false` if it does not parse or is not tracked.
    pub fn apply_rest(&mut self, summary: &OrderBookSummary) -> bool {
        let Some(book) = summary.to_book() else { return false };
        let snapshot = super::decode::BookSnapshot {
            asset_id: &summary.asset_id,
            market: &summary.market,
            timestamp_ms: book.timestamp_ms(),
            hash: &summary.hash,
            bids: book.depth(crate::domain::Side::Buy).collect(),
            asks: book.depth(crate::domain::Side::Sell).collect(),
            hashed: super::decode::HashedFields::default(),
        };
        let event = MarketEvent::Book(snapshot);
        let applied = matches!(self.books.write().apply(&event), Applied::Updated);
        if applied {
            self.stats.rest_snapshots += 1;
            if let Some(MarketTap(see)) = &mut self.tap {
                see(&event);
            }
        }
        applied
    }
}

/// Whether two books hold the same levels on both sides.
fn same_levels(a: &Book, b: &Book) -> bool {
    use crate::domain::Side;
    [Side::Buy, Side::Sell].into_iter().all(|side| a.depth(side).eq(b.depth(side)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(shard: usize, text: &str) -> WsEvent {
        WsEvent::Frame { shard, text: text.to_owned(), received: std::time::Instant::now() }
    }

    #[test]
    fn disconnects_untrust_books_until_a_snapshot_and_fallback_starts_after_the_threshold() {
        let assets = vec!["A".to_owned(), "B".to_owned()];
        let mut data = MarketData::new(SharedBooks::default(), &assets, 500, 5_000, 0);
        data.on_ws(&WsEvent::Connected { shard: 0 }, 10);
        let snapshot = r#"[{"event_type": "book", "asset_id": "A", "bids": [{"price": "0.4", "size": "1"}], "asks": []},
            {"event_type": "book", "asset_id": "B", "bids": [], "asks": [{"price": "0.6", "size": "1"}]}]"#;
        assert_eq!(data.on_ws(&frame(0, snapshot), 20), ["A", "B"]);
        assert!(data.stale().is_empty());
        data.on_ws(&WsEvent::Disconnected { shard: 0, reason: "drop".into() }, 1_000);
        assert_eq!(data.stale(), ["A", "B"]);
        assert!(data.fallback_assets(5_999).is_empty());
        assert_eq!(data.fallback_assets(6_000), ["A", "B"]);
        data.on_ws(&WsEvent::Connected { shard: 0 }, 7_000);
        assert_eq!(data.stats().reconnects, 1);
        assert_eq!(data.fallback_assets(8_000).len(), 2, "connected but silent (a stall) is still down");
        data.on_ws(&frame(0, "PONG"), 8_100);
        assert!(data.fallback_assets(8_200).is_empty());
    }

    #[test]
    fn trade_prints_are_kept_for_the_flow_signals() {
        let assets = vec!["A".to_owned()];
        let mut data = MarketData::new(SharedBooks::default(), &assets, 500, 5_000, 0);
        let print = r#"{"event_type": "last_trade_price", "asset_id": "A", "market": "M", "price": "0.51", "size": "12.5", "side": "BUY", "fee_rate_bps": "0"}"#;
        data.on_ws(&frame(0, print), 1);
        data.on_ws(&frame(0, print), 2);
        let prints = data.take_prints();
        assert_eq!(prints.len(), 2);
        assert_eq!(
            (prints[0].taker_side, prints[0].size),
            (crate::domain::Side::Buy, rust_decimal_macros::dec!(12.5))
        );
        assert!(data.take_prints().is_empty(), "taken once");
    }

    #[test]
    fn garbage_is_counted_and_top_mismatches_are_gaps() {
        let assets = vec!["A".to_owned()];
        let mut data = MarketData::new(SharedBooks::default(), &assets, 500, 5_000, 0);
        data.on_ws(&frame(0, "{\"event_type\":\"book\",\"asset_id\":"), 1);
        data.on_ws(&frame(0, r#"{"event_type": "book", "asset_id": "A", "bids": [], "asks": []}"#), 2);
        let wrong_top = r#"{"event_type": "price_change", "market": "M", "price_changes": [
            {"asset_id": "A", "price": "0.5", "side": "BUY", "size": "3", "best_bid": "0.55", "best_ask": ""}]}"#;
        data.on_ws(&frame(0, wrong_top), 3);
        let stats = data.stats();
        assert_eq!((stats.frames, stats.malformed_frames, stats.gaps), (3, 1, 1));
        assert_eq!(data.stale(), ["A"]);
        data.on_ws(&frame(0, r#"{"event_type": "book", "asset_id": "A", "bids": [], "asks": []}"#), 4);
        assert!(data.stale().is_empty());
        data.on_ws(&frame(0, "garbage"), 5);
        assert_eq!(data.stale(), ["A"], "an unreadable frame may have held changes: resync");
    }

    fn rest(asset: &str, at_ms: u64, bid_size: &str) -> OrderBookSummary {
        serde_json::from_value(serde_json::json!({
            "market": "M", "asset_id": asset, "timestamp": at_ms.to_string(),
            "bids": [{"price": "0.4", "size": bid_size}], "asks": [{"price": "0.6", "size": "5"}],
        }))
        .unwrap()
    }

    #[test]
    fn a_book_that_differs_from_a_newer_snapshot_is_replaced_and_an_older_snapshot_proves_nothing() {
        let assets = vec!["A".to_owned(), "B".to_owned(), "C".to_owned()];
        let mut data = MarketData::new(SharedBooks::default(), &assets, 500, 5_000, 0);
        let book = r#"{"event_type": "book", "asset_id": "A", "timestamp": "100",
            "bids": [{"price": "0.4", "size": "5"}], "asks": [{"price": "0.6", "size": "5"}]}"#;
        data.on_ws(&frame(0, book), 1);
        assert_eq!(data.spot_check(&rest("A", 150, "5")), SpotCheck::Agrees);
        assert_eq!(data.spot_check(&rest("A", 90, "7")), SpotCheck::Older);
        assert_eq!(data.spot_check(&rest("A", 200, "7")), SpotCheck::Replaced, "a size the stream missed");
        assert_eq!(data.book("A").unwrap().best_bid().unwrap().size, 7_000_000);
        assert_eq!(data.spot_check(&rest("Z", 200, "7")), SpotCheck::Untracked);
        let stats = data.stats();
        assert_eq!((stats.spot_checks, stats.spot_replaced), (4, 1));

        let mut cursor = 0;
        assert_eq!(data.spot_candidates(&mut cursor, 2), ["A", "B"]);
        assert_eq!(data.spot_candidates(&mut cursor, 2), ["C", "A"], "the rotation wraps");
        assert_eq!(data.spot_candidates(&mut cursor, 9), ["B", "C", "A"], "never more than every token");
    }
}
