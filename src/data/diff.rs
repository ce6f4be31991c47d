//! Full snapshots into level changes: the first snapshot of a token is a full book, each
//! later one only the levels that differ from the one before (a level gone is a change to
//! size 0), and each snapshot ends with a `Synced` event. Data sets that are sequences of
//! snapshots replay as the venue's own stream of changes would.

use std::collections::HashMap;

use super::event::{Event, EventKind, Stamp};
use crate::domain::book::Level;
use crate::domain::{Outcome, Side};

/// The last snapshot of each token, and the differ.
#[derive(Debug, Default)]
pub struct SnapshotDiffer {
    last: HashMap<(u32, Outcome), (Vec<Level>, Vec<Level>)>,
}

/// Levels sorted by price, the last of equal prices kept.
fn sorted(mut levels: Vec<Level>) -> Vec<Level> {
    levels.sort_by_key(|l| l.price);
    levels.dedup_by(|later, earlier| {
        if later.price == earlier.price {
            earlier.size = later.size;
            true
        } else {
            false
        }
    });
    levels.retain(|l| l.size > 0);
    levels
}

/// Changes from `old` to `new` (both sorted by price), as (price, new size).
fn changes(old: &[Level], new: &[Level], mut out: impl FnMut(Level)) {
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(o), Some(n)) if o.price == n.price => {
                if o.size != n.size {
                    out(*n);
                }
                i += 1;
                j += 1;
            }
            (Some(o), Some(n)) if o.price < n.price => {
                out(Level { price: o.price, size: 0 });
                i += 1;
            }
            (Some(o), None) => {
                out(Level { price: o.price, size: 0 });
                i += 1;
            }
            (_, Some(n)) => {
                out(*n);
                j += 1;
            }
            (None, None) => break,
        }
    }
}

impl SnapshotDiffer {
    /// Nothing seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets a market's books (after a gap, the next snapshot is a full book again).
    pub fn forget(&mut self, market: u32) {
        self.last.retain(|(m, _), _| *m != market);
    }

    /// The events a snapshot of `market`'s `outcome` token amounts to, appended to `out`.
    pub fn snapshot(
        &mut self,
        at: Stamp,
        market: u32,
        outcome: Outcome,
        bids: Vec<Level>,
        asks: Vec<Level>,
        out: &mut Vec<Event>,
    ) {
        let (bids, asks) = (sorted(bids), sorted(asks));
        match self.last.get_mut(&(market, outcome)) {
            None => {
                out.push(Event {
                    at,
                    market,
                    kind: EventKind::Book { outcome, bids: bids.clone(), asks: asks.clone() },
                });
                self.last.insert((market, outcome), (bids, asks));
            }
            Some((old_bids, old_asks)) => {
                for (side, old, new) in [(Side::Buy, &*old_bids, &bids), (Side::Sell, &*old_asks, &asks)] {
                    changes(old, new, |level| {
                        out.push(Event {
                            at,
                            market,
                            kind: EventKind::Level { outcome, side, price: level.price, size: level.size },
                        });
                    });
                }
                *old_bids = bids;
                *old_asks = asks;
            }
        }
        out.push(Event { at, market, kind: EventKind::Synced { outcome } });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::book::Book;

    fn level(price: u32, size: u64) -> Level {
        Level { price, size }
    }

    fn apply(book: &mut Book, events: &[Event]) {
        for event in events {
            match &event.kind {
                EventKind::Book { bids, asks, .. } => book.replace(bids.clone(), asks.clone(), 0),
                EventKind::Level { side, price, size, .. } => book.set(*side, *price, *size),
                EventKind::Synced { .. } => {}
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn the_first_snapshot_is_a_book_and_later_ones_only_what_changed() {
        let mut differ = SnapshotDiffer::new();
        let mut out = Vec::new();
        let at = Stamp::default();
        differ.snapshot(
            at,
            0,
            Outcome::Yes,
            vec![level(4_800, 5), level(4_900, 7)],
            vec![level(5_100, 3)],
            &mut out,
        );
        assert!(matches!(out[0].kind, EventKind::Book { .. }));
        assert_eq!(out[1].kind, EventKind::Synced { outcome: Outcome::Yes });
        out.clear();
        differ.snapshot(
            at,
            0,
            Outcome::Yes,
            vec![level(4_900, 7), level(4_700, 1)],
            vec![level(5_100, 4), level(5_200, 9)],
            &mut out,
        );
        assert_eq!(out.pop().map(|e| e.kind), Some(EventKind::Synced { outcome: Outcome::Yes }));
        let kinds: Vec<(Side, u32, u64)> = out
            .iter()
            .map(|e| match e.kind {
                EventKind::Level { side, price, size, .. } => (side, price, size),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            kinds,
            [(Side::Buy, 4_700, 1), (Side::Buy, 4_800, 0), (Side::Sell, 5_100, 4), (Side::Sell, 5_200, 9)]
        );
    }

    #[test]
    fn replaying_the_changes_rebuilds_every_snapshot() {
        let mut differ = SnapshotDiffer::new();
        let mut book = Book::new();
        let mut state: u64 = 7;
        for _ in 0..200 {
            let mut next = |n: u64| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) % n
            };
            let bids: Vec<Level> =
                (0..next(6)).map(|_| level(4_000 + next(9) as u32 * 100, next(50))).collect();
            let asks: Vec<Level> =
                (0..next(6)).map(|_| level(5_100 + next(9) as u32 * 100, next(50))).collect();
            let mut out = Vec::new();
            differ.snapshot(Stamp::default(), 0, Outcome::No, bids.clone(), asks.clone(), &mut out);
            apply(&mut book, &out);
            let mut want = Book::new();
            want.replace(sorted(bids), sorted(asks), 0);
            assert_eq!(book.depth(Side::Buy).collect::<Vec<_>>(), want.depth(Side::Buy).collect::<Vec<_>>());
            assert_eq!(
                book.depth(Side::Sell).collect::<Vec<_>>(),
                want.depth(Side::Sell).collect::<Vec<_>>()
            );
        }
    }
}
