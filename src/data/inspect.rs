//! `polymm data inspect`: what a data set holds, read once through: markets, time span,
//! events by kind, gaps (marked ones and silences), and what was skipped.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::event::EventKind;
use super::source::Source;
use crate::clock::Millis;
use crate::domain::book::Book;
use crate::domain::{Outcome, Side};

/// A silence this long in a market that was trading counts as a gap.
pub const SILENCE_MS: u64 = 60_000;

/// What a data set holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspection {
    /// The loader.
    pub kind: &'static str,
    /// Markets in the catalog.
    pub markets: usize,
    /// Settled markets.
    pub settled: usize,
    /// First and last event, unix ms.
    pub span: Option<(u64, u64)>,
    /// Events by kind.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// Gap markers.
    pub gaps: u64,
    /// Silences longer than [`SILENCE_MS`] inside a market's stream.
    pub silences: u64,
    /// Median feed latency (local − exchange), ms, where the source has both times.
    pub feed_latency_ms: Option<u64>,
    /// Full books that arrived while the replayed book of their token was whole, each
    /// compared with it level by level.
    pub books_checked: u64,
    /// Of those, how many differed: a replay that lost or misapplied a change.
    pub book_mismatches: u64,
    /// Problems skipped, and the first few named.
    pub problems: super::error::Problems,
}

/// Every token's book as the events build it, and the check of each full book against it.
#[derive(Default)]
struct BookCheck {
    books: HashMap<(u32, Outcome), Book>,
}

impl BookCheck {
    fn see(&mut self, event: &super::event::Event, inspection: &mut Inspection) {
        match &event.kind {
            EventKind::Book { outcome, bids, asks } => {
                let mut snapshot = Book::new();
                snapshot.replace(bids.iter().copied(), asks.iter().copied(), 0);
                if let Some(book) = self.books.get(&(event.market, *outcome)) {
                    inspection.books_checked += 1;
                    let same = |side| book.depth(side).eq(snapshot.depth(side));
                    if !(same(Side::Buy) && same(Side::Sell)) {
                        inspection.book_mismatches += 1;
                    }
                }
                self.books.insert((event.market, *outcome), snapshot);
            }
            EventKind::Level { outcome, side, price, size } => {
                if let Some(book) = self.books.get_mut(&(event.market, *outcome)) {
                    book.set(*side, *price, *size);
                }
            }
            EventKind::Gap => self.books.retain(|(market, _), _| *market != event.market),
            _ => {}
        }
    }
}

/// Reads `source` to the end.
pub fn inspect(source: &mut dyn Source) -> Inspection {
    let mut inspection = Inspection { kind: source.kind(), ..Inspection::default() };
    let mut last_by_market: BTreeMap<u32, u64> = BTreeMap::new();
    let mut latencies: Vec<u64> = Vec::new();
    let mut books = BookCheck::default();
    while let Some(event) = source.next_event() {
        books.see(&event, &mut inspection);
        let at = event.at.ms();
        inspection.span =
            Some(inspection.span.map_or((at, at), |(first, last)| (first.min(at), last.max(at))));
        *inspection.by_kind.entry(event.kind.name()).or_default() += 1;
        if matches!(event.kind, EventKind::Gap) {
            inspection.gaps += 1;
        }
        if let Some(previous) = last_by_market.insert(event.market, at)
            && at.saturating_sub(previous) > SILENCE_MS
        {
            inspection.silences += 1;
        }
        if latencies.len() < 1_000_000
            && let Some(latency) = event.at.feed_latency_ms()
        {
            latencies.push(latency);
        }
    }
    latencies.sort_unstable();
    inspection.feed_latency_ms = latencies.get(latencies.len() / 2).copied();
    inspection.markets = source.catalog().markets().len();
    inspection.settled = source.catalog().markets().iter().filter(|m| m.payout_yes.is_some()).count();
    inspection.problems = source.problems().clone();
    inspection
}

impl Inspection {
    /// The text `data inspect` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "data set: {}", self.kind);
        let _ = writeln!(out, "markets: {} ({} settled)", self.markets, self.settled);
        if let Some((first, last)) = self.span {
            let _ = writeln!(
                out,
                "span: {} → {} ({:.1} h)",
                Millis(first).iso8601(),
                Millis(last).iso8601(),
                (last - first) as f64 / 3_600_000.0
            );
        }
        let total: u64 = self.by_kind.values().sum();
        let kinds: Vec<String> = self.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(out, "events: {total} ({})", kinds.join(", "));
        let _ = writeln!(
            out,
            "gaps: {} marked, {} silences over {} s",
            self.gaps,
            self.silences,
            SILENCE_MS / 1_000
        );
        let _ = writeln!(
            out,
            "books: {} full books checked against the replayed book, {} differed",
            self.books_checked, self.book_mismatches
        );
        if let Some(latency) = self.feed_latency_ms {
            let _ = writeln!(out, "feed latency (local − exchange), median: {latency} ms");
        }
        let p = &self.problems;
        let _ = writeln!(
            out,
            "skipped: {} records, {} malformed frames, {} truncated tails",
            p.skipped, p.malformed, p.truncated
        );
        for line in &p.first {
            let _ = writeln!(out, "  {line}");
        }
        out
    }
}
