//! The resolvedkit layout (the `resolvedkit` package's sample and anything converted to
//! it): a folder with `markets.parquet` (one row per market, with payouts once settled)
//! and `books.parquet` (full-depth snapshots of each side, best level first). Markets are
//! binary with outcomes "UP" (first, YES here) and "DOWN"; the files name no tokens, so
//! the tokens are `<market_id>:UP` and `<market_id>:DOWN`. Snapshots become level changes
//! ([`SnapshotDiffer`]); each settled market resolves a minute after its end or its last
//! snapshot.
//!
//! Data credit for the bundled sample: "Polymarket order-book data from Resolved Markets"
//! (CC BY 4.0).

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use rust_decimal::Decimal;

use super::catalog::{Catalog, MarketMeta};
use super::diff::SnapshotDiffer;
use super::error::{DataError, Problems};
use super::event::{Event, EventKind, Stamp};
use super::memory::MemSource;
use super::table::{Table, float, floats, integer, text};
use crate::domain::Outcome;
use crate::domain::book::Level;

/// A market resolves this long after its end or its last snapshot, whichever is later
/// (orders still in flight at the last snapshot are carried out first).
const SETTLE_AFTER_MS: u64 = 60_000;
/// Columns `markets.parquet` must have.
const MARKET_COLUMNS: [&str; 6] =
    ["market_id", "category", "end_ts", "outcome_up", "payout_up", "payout_down"];
/// Columns `books.parquet` must have.
const BOOK_COLUMNS: [&str; 7] = ["market_id", "ts", "side", "bid_px", "bid_sz", "ask_px", "ask_sz"];

/// Whether `path` is a resolvedkit folder.
pub fn is_resolved(path: &Path) -> bool {
    path.join("markets.parquet").is_file() && path.join("books.parquet").is_file()
}

/// The resolvedkit loader: both files are read whole and the events sorted, so a data
/// set comes back in memory ([`MemSource`]).
pub struct ResolvedSource;

/// One snapshot row.
struct Snapshot {
    ts: u64,
    market: u32,
    outcome: Outcome,
    bids: Vec<Level>,
    asks: Vec<Level>,
}

/// A probability as pips, if inside (0, 1).
fn pips(price: f64) -> Option<u32> {
    let pips = (price * 10_000.0).round();
    (pips > 0.0 && pips < 10_000.0).then_some(pips as u32)
}

/// Shares as micros.
fn micros(size: f64) -> Option<u64> {
    (size.is_finite() && size >= 0.0).then(|| (size * 1_000_000.0).round() as u64)
}

fn levels(prices: &[f64], sizes: &[f64]) -> Option<Vec<Level>> {
    if prices.len() != sizes.len() {
        return None;
    }
    prices.iter().zip(sizes).map(|(p, s)| Some(Level { price: pips(*p)?, size: micros(*s)? })).collect()
}

impl ResolvedSource {
    /// Reads the folder at `path`.
    pub fn open(path: &Path) -> Result<MemSource, DataError> {
        let mut problems = Problems::default();
        let mut catalog = Catalog::default();
        let mut ends: HashMap<u32, u64> = HashMap::new();
        let markets = Table::open(&path.join("markets.parquet"), &MARKET_COLUMNS)?;
        let markets_path = markets.path().to_owned();
        for (index, row) in markets.rows() {
            let position = format!("row {index}");
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    problems.skip(&markets_path, &position, e);
                    continue;
                }
            };
            let (Some(id), Some(end)) = (text(&row, "market_id"), integer(&row, "end_ts")) else {
                problems.skip(&markets_path, &position, "market_id or end_ts missing");
                continue;
            };
            let payout_yes = match (float(&row, "payout_up"), float(&row, "payout_down")) {
                (Some(up), Some(_)) => Decimal::from_f64_retain(up).map(|d| d.round_dp(6)),
                _ => None,
            };
            let market = catalog.upsert(MarketMeta {
                condition: id.to_owned(),
                yes: format!("{id}:UP"),
                no: format!("{id}:DOWN"),
                question: text(&row, "question")
                    .or_else(|| text(&row, "slug"))
                    .unwrap_or_default()
                    .to_owned(),
                category: text(&row, "category").unwrap_or_default().to_owned(),
                tick: Decimal::new(1, 2),
                min_size: Decimal::from(5),
                neg_risk: false,
                end_ms: u64::try_from(end).ok(),
                rewards: None,
                payout_yes,
            });
            ends.insert(market, u64::try_from(end).unwrap_or(0));
        }
        let snapshots = Self::snapshots(path, &catalog, &mut problems)?;
        let events = Self::events(snapshots, &catalog, &ends);
        Ok(MemSource::new("resolvedkit", catalog, events, problems))
    }

    fn snapshots(
        path: &Path,
        catalog: &Catalog,
        problems: &mut Problems,
    ) -> Result<Vec<Snapshot>, DataError> {
        let books = Table::open(&path.join("books.parquet"), &BOOK_COLUMNS)?;
        let books_path = books.path().to_owned();
        let mut snapshots = Vec::with_capacity(books.row_count() as usize);
        for (index, row) in books.rows() {
            let position = format!("row {index}");
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    problems.skip(&books_path, &position, e);
                    continue;
                }
            };
            let market = text(&row, "market_id").and_then(|id| catalog.condition(id));
            let outcome = match text(&row, "side") {
                Some("UP") => Some(Outcome::Yes),
                Some("DOWN") => Some(Outcome::No),
                _ => None,
            };
            let ts = integer(&row, "ts").and_then(|t| u64::try_from(t).ok());
            let side = |px, sz| levels(&floats(&row, px)?, &floats(&row, sz)?);
            match (market, outcome, ts, side("bid_px", "bid_sz"), side("ask_px", "ask_sz")) {
                (Some(market), Some(outcome), Some(ts), Some(bids), Some(asks)) => {
                    snapshots.push(Snapshot { ts, market, outcome, bids, asks });
                }
                (None, ..) => problems.skip(&books_path, &position, "a market not in markets.parquet"),
                _ => problems.skip(&books_path, &position, "side, ts or a level does not parse"),
            }
        }
        // Time order; at one instant DOWN before UP, as resolvedkit replays them.
        snapshots.sort_by_key(|s| (s.ts, s.market, s.outcome == Outcome::Yes));
        Ok(snapshots)
    }

    fn events(snapshots: Vec<Snapshot>, catalog: &Catalog, ends: &HashMap<u32, u64>) -> VecDeque<Event> {
        let mut last_seen: HashMap<u32, u64> = HashMap::new();
        for s in &snapshots {
            last_seen.insert(s.market, s.ts);
        }
        let mut resolutions: Vec<(u64, u32, Outcome)> = catalog
            .markets()
            .iter()
            .enumerate()
            .filter_map(|(index, meta)| {
                let index = index as u32;
                let winner = if meta.payout_yes? >= Decimal::new(5, 1) { Outcome::Yes } else { Outcome::No };
                let at =
                    ends.get(&index).copied().unwrap_or(0).max(last_seen.get(&index).copied().unwrap_or(0))
                        + SETTLE_AFTER_MS;
                Some((at, index, winner))
            })
            .collect();
        resolutions.sort_unstable();
        let mut resolutions = resolutions.into_iter().peekable();
        let mut differ = SnapshotDiffer::new();
        let mut out = Vec::new();
        let mut events = VecDeque::new();
        for s in snapshots {
            while let Some(&(at, market, winner)) = resolutions.peek() {
                if at > s.ts {
                    break;
                }
                resolutions.next();
                events.push_back(resolution(at, market, winner));
            }
            let stamp = Stamp { exchange_ms: s.ts, local_ns: 0 };
            differ.snapshot(stamp, s.market, s.outcome, s.bids, s.asks, &mut out);
            events.extend(out.drain(..));
        }
        events.extend(resolutions.map(|(at, market, winner)| resolution(at, market, winner)));
        events
    }
}

fn resolution(at: u64, market: u32, winner: Outcome) -> Event {
    Event { at: Stamp { exchange_ms: at, local_ns: 0 }, market, kind: EventKind::Resolved { winner } }
}
