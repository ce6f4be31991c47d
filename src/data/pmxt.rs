//! PMXT v2 hourly Parquet: the public archive of Polymarket's raw market channel, one row
//! per event (`book`, `price_change`, `last_trade_price`, `tick_size_change`, …) with the
//! archive's receive time (`timestamp_received`) and the venue's (`timestamp`). Read here:
//! prices and sizes as text or numbers, `bids`/`asks` as the channel's JSON text, times as
//! timestamps or integers. The archive lists no market metadata, so each market's two
//! tokens are learned from its rows (the lower token id taken as YES; settlement comes
//! from a `market_resolved` row where there is one). Files stream one at a time, each
//! sorted by receive time, so memory is bounded by the largest file, never the window.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use parquet::record::Row;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::catalog::{Catalog, MarketMeta};
use super::error::{DataError, Problems};
use super::event::{Event, EventKind, Stamp};
use super::source::Source;
use super::table::{Table, float, millis, text};
use crate::domain::book::{Level, parse_micros, parse_pips};
use crate::domain::{Outcome, Side, TickSize};

/// Columns every PMXT v2 file has.
pub const COLUMNS: [&str; 11] = [
    "timestamp_received",
    "timestamp",
    "market",
    "event_type",
    "asset_id",
    "bids",
    "asks",
    "price",
    "size",
    "side",
    "best_bid",
];

/// Whether `path` looks like PMXT data (a `.parquet` file, or a folder of them).
pub fn is_pmxt(path: &Path) -> bool {
    parquet_files(path).is_ok_and(|files| !files.is_empty())
}

fn parquet_files(path: &Path) -> Result<Vec<PathBuf>, DataError> {
    if path.is_file() {
        return Ok(if path.extension().is_some_and(|e| e == "parquet") {
            vec![path.to_owned()]
        } else {
            vec![]
        });
    }
    let entries = std::fs::read_dir(path).map_err(|e| DataError::io(path, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort();
    Ok(files)
}

/// A PMXT data set.
pub struct PmxtSource {
    files: VecDeque<PathBuf>,
    catalog: Catalog,
    events: VecDeque<Event>,
    problems: Problems,
}

/// One row, read.
struct RowEvent {
    at: Stamp,
    market: String,
    asset: String,
    kind: RowKind,
}

enum RowKind {
    Book { bids: Vec<Level>, asks: Vec<Level> },
    Level { side: Side, price: u32, size: u64 },
    Trade { taker: Side, price: u32, size: u64 },
    Tick(TickSize),
    Resolved,
}

#[derive(Deserialize)]
struct JsonLevel {
    price: String,
    size: String,
}

fn price_of(row: &Row, name: &str) -> Option<u32> {
    match text(row, name) {
        Some(t) => parse_pips(t.trim()),
        None => float(row, name)
            .map(|p| (p * 10_000.0).round())
            .filter(|p| *p > 0.0 && *p < 10_000.0)
            .map(|p| p as u32),
    }
}

fn size_of(row: &Row, name: &str) -> Option<u64> {
    match text(row, name) {
        Some(t) => parse_micros(t.trim()),
        None => float(row, name).filter(|s| s.is_finite() && *s >= 0.0).map(|s| (s * 1e6).round() as u64),
    }
}

fn side_of(row: &Row) -> Option<Side> {
    match text(row, "side")?.to_ascii_uppercase().as_str() {
        "BUY" => Some(Side::Buy),
        "SELL" => Some(Side::Sell),
        _ => None,
    }
}

fn json_levels(row: &Row, name: &str) -> Option<Vec<Level>> {
    let raw = text(row, name)?;
    let parsed: Vec<JsonLevel> = serde_json::from_str(raw).ok()?;
    parsed
        .iter()
        .map(|l| Some(Level { price: parse_pips(&l.price)?, size: parse_micros(&l.size)? }))
        .collect()
}

/// One row as an event; `Ok(None)` for rows that carry nothing the replay uses.
fn read_row(row: &Row) -> Result<Option<RowEvent>, &'static str> {
    let kind_name = text(row, "event_type").ok_or("event_type missing")?;
    let market = text(row, "market").ok_or("market missing")?.to_owned();
    let asset = text(row, "asset_id").unwrap_or_default().to_owned();
    let local_ms = millis(row, "timestamp_received").ok_or("timestamp_received missing")?;
    let exchange_ms = millis(row, "timestamp").unwrap_or(0);
    let at = Stamp { exchange_ms, local_ns: local_ms * 1_000_000 };
    let kind = match kind_name {
        "book" => RowKind::Book {
            bids: json_levels(row, "bids").ok_or("bids do not parse")?,
            asks: json_levels(row, "asks").ok_or("asks do not parse")?,
        },
        "price_change" => RowKind::Level {
            side: side_of(row).ok_or("side missing")?,
            price: price_of(row, "price").ok_or("price does not parse")?,
            size: size_of(row, "size").ok_or("size does not parse")?,
        },
        "last_trade_price" => RowKind::Trade {
            taker: side_of(row).ok_or("side missing")?,
            price: price_of(row, "price").ok_or("price does not parse")?,
            size: size_of(row, "size").ok_or("size does not parse")?,
        },
        "tick_size_change" => {
            let tick = text(row, "new_tick_size").and_then(|t| t.trim().parse().ok());
            RowKind::Tick(tick.ok_or("new_tick_size does not parse")?)
        }
        "market_resolved" => RowKind::Resolved,
        _ => return Ok(None),
    };
    Ok(Some(RowEvent { at, market, asset, kind }))
}

impl PmxtSource {
    /// The PMXT files at `path` (a file or a folder of them).
    pub fn open(path: &Path) -> Result<Self, DataError> {
        let files: VecDeque<PathBuf> = parquet_files(path)?.into();
        if files.is_empty() {
            return Err(DataError::format(path, "no .parquet files"));
        }
        // Refuse a wrong file at once rather than mid-replay.
        for file in &files {
            Table::open(file, &COLUMNS)?;
        }
        Ok(Self {
            files,
            catalog: Catalog::default(),
            events: VecDeque::new(),
            problems: Problems::default(),
        })
    }

    /// Reads the next file's rows into events.
    fn load_next(&mut self) -> bool {
        let Some(file) = self.files.pop_front() else { return false };
        let table = match Table::open(&file, &COLUMNS) {
            Ok(table) => table,
            Err(error) => {
                self.problems.skip(&file, "open", error);
                return true;
            }
        };
        let mut rows = Vec::new();
        for (index, row) in table.rows() {
            let position = format!("row {index}");
            match row.map_err(|e| e.to_string()).and_then(|r| read_row(&r).map_err(str::to_owned)) {
                Ok(Some(event)) => rows.push(event),
                Ok(None) => {}
                Err(why) => self.problems.skip(&file, &position, why),
            }
        }
        rows.sort_by_key(|r| r.at.ms());
        self.learn_markets(&rows);
        for row in rows {
            if let Some(event) = self.event(row) {
                self.events.push_back(event);
            }
        }
        true
    }

    /// Adds the markets the rows name, each with the tokens seen for it.
    fn learn_markets(&mut self, rows: &[RowEvent]) {
        let mut tokens: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for row in rows {
            let seen = tokens.entry(row.market.as_str()).or_default();
            if !row.asset.is_empty() {
                seen.insert(row.asset.as_str());
            }
        }
        for (market, assets) in tokens {
            if self.catalog.condition(market).is_some() {
                continue;
            }
            let mut assets = assets.into_iter();
            let yes = assets.next().map_or_else(|| format!("{market}:yes"), str::to_owned);
            let no = assets.next().map_or_else(|| format!("{market}:no"), str::to_owned);
            self.catalog.upsert(MarketMeta {
                condition: market.to_owned(),
                yes,
                no,
                question: String::new(),
                category: String::new(),
                tick: Decimal::new(1, 2),
                min_size: Decimal::from(5),
                neg_risk: false,
                end_ms: None,
                rewards: None,
                payout_yes: None,
            });
        }
    }

    fn event(&mut self, row: RowEvent) -> Option<Event> {
        let market = self.catalog.condition(&row.market)?;
        let outcome = self.catalog.token(&row.asset).map_or(Outcome::Yes, |(_, o)| o);
        let kind = match row.kind {
            RowKind::Book { bids, asks } => EventKind::Book { outcome, bids, asks },
            RowKind::Level { side, price, size } => EventKind::Level { outcome, side, price, size },
            RowKind::Trade { taker, price, size } => EventKind::Trade { outcome, taker, price, size },
            RowKind::Tick(tick) => EventKind::Tick(tick),
            RowKind::Resolved => {
                let payout = if outcome == Outcome::Yes { Decimal::ONE } else { Decimal::ZERO };
                self.catalog.settle(market, payout);
                EventKind::Resolved { winner: outcome }
            }
        };
        Some(Event { at: row.at, market, kind })
    }
}

impl Source for PmxtSource {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.events.pop_front() {
                return Some(event);
            }
            if !self.load_next() {
                return None;
            }
        }
    }

    fn problems(&self) -> &Problems {
        &self.problems
    }

    fn kind(&self) -> &'static str {
        "PMXT v2 Parquet"
    }
}
