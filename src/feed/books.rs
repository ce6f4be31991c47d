//! The local copy of every subscribed book: applies decoded events, tracks which books are
//! trustworthy, and detects gaps (a change for a book never snapshotted, a top of book that
//! disagrees with the venue's `best_bid`/`best_ask`, a crossed book) so the feed can resync
//! that book from a REST snapshot before trusting deltas again.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use super::decode::MarketEvent;
use crate::domain::book::{Book, Pips};
use crate::domain::{Side, TickSize};

/// Why a book stopped being trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// A change arrived before any snapshot.
    NoSnapshot,
    /// Our top of book differs from the venue's.
    TopMismatch,
    /// Our book is crossed.
    Crossed,
    /// An event older than the book's last update.
    OutOfOrder,
}

/// Changes kept per book while it waits for a snapshot; beyond this they are dropped.
const PENDING_MAX: usize = 50_000;

/// What applying one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The book changed and is trusted.
    Updated,
    /// A change kept until the book's next snapshot.
    Buffered,
    /// The book is untrusted until resynced.
    Gap(Gap),
    /// Not a book event, or a token not subscribed.
    Ignored,
}

#[derive(Debug, Default)]
struct Tracked {
    book: Book,
    synced: bool,
    tick: Option<TickSize>,
    pending: Vec<(Side, Pips, crate::domain::book::Micros, u64)>,
}

/// Books by token id.
#[derive(Debug, Default)]
pub struct BookSet {
    books: super::TokenMap<Box<str>, Tracked>,
}

/// The feed's books, shared with the markets on the same thread: the feed writes them as
/// frames arrive and a market reads its own when told it changed, so no copy of a book
/// crosses a mailbox. Every borrow lasts one synchronous step (none is held across an
/// `.await`), so the feed's writes and the markets' reads never overlap.
#[derive(Debug, Clone, Default)]
pub struct SharedBooks(Rc<RefCell<BookSet>>);

impl SharedBooks {
    /// The books, to read.
    pub fn read(&self) -> Ref<'_, BookSet> {
        self.0.borrow()
    }

    /// One token's book, if tracked and trusted.
    pub fn book(&self, asset_id: &str) -> Option<Ref<'_, Book>> {
        Ref::filter_map(self.0.borrow(), |set| set.book(asset_id)).ok()
    }

    /// The books, to change (the feed's own state only).
    pub(crate) fn write(&self) -> RefMut<'_, BookSet> {
        self.0.borrow_mut()
    }
}

impl BookSet {
    /// No books.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts tracking a token (untrusted until its first snapshot).
    pub fn track(&mut self, asset_id: &str) {
        self.books.entry(Box::from(asset_id)).or_default();
    }

    /// A token's book, if tracked and trusted.
    pub fn book(&self, asset_id: &str) -> Option<&Book> {
        self.books.get(asset_id).filter(|t| t.synced).map(|t| &t.book)
    }

    /// The latest tick size announced for a token.
    pub fn tick(&self, asset_id: &str) -> Option<TickSize> {
        self.books.get(asset_id).and_then(|t| t.tick)
    }

    /// Tokens whose books are not trusted now.
    pub fn unsynced(&self) -> impl Iterator<Item = &str> {
        self.books.iter().filter(|(_, t)| !t.synced).map(|(id, _)| &**id)
    }

    /// Marks a book untrusted (feed dropped, resync needed); changes buffered so far are
    /// dropped too, since the stream that carried them broke.
    pub fn invalidate(&mut self, asset_id: &str) {
        if let Some(tracked) = self.books.get_mut(asset_id) {
            tracked.synced = false;
            tracked.pending.clear();
        }
    }

    /// Applies one decoded event.
    pub fn apply(&mut self, event: &MarketEvent<'_>) -> Applied {
        match event {
            MarketEvent::Book(snapshot) => {
                let Some(tracked) = self.books.get_mut(snapshot.asset_id) else { return Applied::Ignored };
                if tracked.synced && snapshot.timestamp_ms < tracked.book.timestamp_ms() {
                    return Applied::Gap(Gap::OutOfOrder);
                }
                tracked.book.replace(
                    snapshot.bids.iter().copied(),
                    snapshot.asks.iter().copied(),
                    snapshot.timestamp_ms,
                );
                for (side, price, size, at) in std::mem::take(&mut tracked.pending) {
                    if at >= snapshot.timestamp_ms {
                        tracked.book.set(side, price, size);
                        tracked.book.touch(at);
                    }
                }
                tracked.synced = !tracked.book.is_crossed();
                if tracked.synced { Applied::Updated } else { Applied::Gap(Gap::Crossed) }
            }
            MarketEvent::Level(change) => {
                let Some(tracked) = self.books.get_mut(change.asset_id) else { return Applied::Ignored };
                if !tracked.synced {
                    if tracked.pending.len() >= PENDING_MAX {
                        tracked.pending.clear();
                        return Applied::Gap(Gap::NoSnapshot);
                    }
                    tracked.pending.push((change.side, change.price, change.size, change.timestamp_ms));
                    return Applied::Buffered;
                }
                tracked.book.set(change.side, change.price, change.size);
                tracked.book.touch(change.timestamp_ms);
                Applied::Updated
            }
            MarketEvent::TickSize { asset_id, tick, .. } => match self.books.get_mut(*asset_id) {
                Some(tracked) => {
                    tracked.tick = Some(*tick);
                    Applied::Updated
                }
                None => Applied::Ignored,
            },
            MarketEvent::Trade(_) | MarketEvent::BestBidAsk { .. } | MarketEvent::Resolved { .. } => {
                Applied::Ignored
            }
        }
    }

    /// Checks a book's top against the venue's report; a disagreement untrusts it.
    pub fn verify_top(&mut self, asset_id: &str, best_bid: Option<Pips>, best_ask: Option<Pips>) -> Applied {
        let Some(tracked) = self.books.get_mut(asset_id) else { return Applied::Ignored };
        if !tracked.synced {
            return Applied::Gap(Gap::NoSnapshot);
        }
        let ours =
            (tracked.book.best(Side::Buy).map(|l| l.price), tracked.book.best(Side::Sell).map(|l| l.price));
        if ours != (best_bid, best_ask) {
            tracked.synced = false;
            return Applied::Gap(Gap::TopMismatch);
        }
        if tracked.book.is_crossed() {
            tracked.synced = false;
            return Applied::Gap(Gap::Crossed);
        }
        Applied::Updated
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::decode::decode_market;

    fn apply_all(books: &mut BookSet, frame: &str) -> Vec<Applied> {
        let mut events = Vec::new();
        decode_market(frame, |e| events.push(e)).unwrap();
        events.iter().map(|e| books.apply(e)).collect()
    }

    #[test]
    fn deltas_before_a_snapshot_are_gaps_and_snapshots_resync() {
        let mut books = BookSet::new();
        books.track("A");
        let delta = r#"{"event_type": "price_change", "market": "M", "timestamp": "5",
            "price_changes": [{"asset_id": "A", "price": "0.5", "side": "BUY", "size": "10", "best_bid": "0.5", "best_ask": ""}]}"#;
        assert_eq!(apply_all(&mut books, delta), [Applied::Buffered]);
        assert!(books.book("A").is_none());
        let snapshot = r#"{"event_type": "book", "asset_id": "A", "market": "M", "timestamp": "4",
            "bids": [{"price": "0.4", "size": "5"}], "asks": [{"price": "0.6", "size": "5"}]}"#;
        assert_eq!(apply_all(&mut books, snapshot), [Applied::Updated]);
        assert_eq!(
            books.book("A").unwrap().best_bid().unwrap().price,
            5_000,
            "the newer buffered change was replayed"
        );
        let newer = snapshot.replace("\"4\"", "\"9\"");
        assert_eq!(apply_all(&mut books, &newer), [Applied::Updated]);
        assert_eq!(books.book("A").unwrap().best_bid().unwrap().price, 4_000);
        assert_eq!(apply_all(&mut books, delta), [Applied::Updated]);
        assert_eq!(books.book("A").unwrap().best_bid().unwrap().price, 5_000);
        assert_eq!(books.verify_top("A", Some(5_000), Some(6_000)), Applied::Updated);
        assert_eq!(books.verify_top("A", Some(5_000), None), Applied::Gap(Gap::TopMismatch));
        assert!(books.book("A").is_none(), "a mismatch untrusts the book");
        assert_eq!(books.unsynced().collect::<Vec<_>>(), ["A"]);
        assert_eq!(
            apply_all(&mut books, r#"{"event_type": "book", "asset_id": "Z", "bids": [], "asks": []}"#),
            [Applied::Ignored]
        );
    }
}
