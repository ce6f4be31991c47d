//! polymm's own recordings as events: frames through the daemon's own market-channel
//! decoder, a REST snapshot as a full book only where the channel changes a book it has
//! not given whole (at the start, after a drop), connection drops as gaps, metadata into the catalog.
//! Streams file by file, record by record.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use super::catalog::{Catalog, MarketMeta};
use super::error::{DataError, Problems};
use super::event::{Event, EventKind, Stamp};
use super::format::{Marker, MarkerKind, RecordKind};
use super::reader::{RecordReader, recording_files};
use super::source::Source;
use crate::domain::{Outcome, Side};
use crate::feed::decode::{MarketEvent, decode_market};
use crate::polymarket::client::types::OrderBookSummary;

/// A recording (one file or a folder of them).
pub struct OwnSource {
    files: VecDeque<PathBuf>,
    whole: HashSet<(u32, Outcome)>,
    held: HashMap<(u32, Outcome), Event>,
    reader: Option<RecordReader>,
    catalog: Catalog,
    pending: VecDeque<Event>,
    payload: Vec<u8>,
    problems: Problems,
}

impl OwnSource {
    /// Opens the recording at `path`; refused if there is no recording there.
    pub fn open(path: &Path) -> Result<Self, DataError> {
        let files: VecDeque<PathBuf> = recording_files(path)?.into();
        if files.is_empty() {
            return Err(DataError::format(path, "no .pmrec.zst files"));
        }
        Ok(Self {
            files,
            whole: HashSet::new(),
            held: HashMap::new(),
            reader: None,
            catalog: Catalog::default(),
            pending: VecDeque::new(),
            payload: Vec::new(),
            problems: Problems::default(),
        })
    }

    /// Reads the next record into events; `false` at the end of the last file.
    fn read_record(&mut self) -> bool {
        loop {
            if self.reader.is_none() {
                let Some(file) = self.files.pop_front() else { return false };
                match RecordReader::open(&file) {
                    Ok(reader) => self.reader = Some(reader),
                    Err(error) => {
                        self.problems.skip(&file, "open", error);
                        continue;
                    }
                }
            }
            let Some(reader) = self.reader.as_mut() else { return false };
            match reader.next_record(&mut self.payload, &mut self.problems) {
                Some(head) => {
                    let position = format!("record {}", reader.records());
                    let path = reader.path().to_owned();
                    self.on_record(head.kind, head.local_ns, &path, &position);
                    return true;
                }
                None => self.reader = None,
            }
        }
    }

    fn on_record(&mut self, kind: RecordKind, local_ns: u64, path: &Path, position: &str) {
        match kind {
            RecordKind::Header => {}
            RecordKind::Meta => match serde_json::from_slice::<MarketMeta>(&self.payload) {
                Ok(meta) => {
                    self.catalog.upsert(meta);
                }
                Err(e) => self.problems.skip(path, position, format!("market metadata: {e}")),
            },
            RecordKind::Frame => self.on_frame(local_ns, path, position),
            RecordKind::Rest => match serde_json::from_slice::<OrderBookSummary>(&self.payload) {
                Ok(summary) => self.on_snapshot(&summary, local_ns, path, position),
                Err(e) => self.problems.skip(path, position, format!("REST snapshot: {e}")),
            },
            RecordKind::Marker => match serde_json::from_slice::<Marker>(&self.payload) {
                Ok(marker) if marker.event == MarkerKind::Drop => {
                    let at = Stamp { exchange_ms: 0, local_ns };
                    self.whole.clear();
                    self.held.clear();
                    for market in 0..self.catalog.markets().len() as u32 {
                        self.pending.push_back(Event { at, market, kind: EventKind::Gap });
                    }
                }
                Ok(_) => {}
                Err(e) => self.problems.skip(path, position, format!("marker: {e}")),
            },
        }
    }

    fn on_snapshot(&mut self, summary: &OrderBookSummary, local_ns: u64, path: &Path, position: &str) {
        let Some((market, outcome)) = self.catalog.token(&summary.asset_id) else {
            self.problems.skip(
                path,
                position,
                format!("REST snapshot of unknown token {}", summary.asset_id),
            );
            return;
        };
        if self.whole.contains(&(market, outcome)) {
            // The channel's stream already makes this book; a snapshot fetched while frames
            // kept arriving may be older than what they applied.
            return;
        }
        let Some(book) = summary.to_book() else {
            self.problems.skip(path, position, "REST snapshot with a level that does not parse");
            return;
        };
        let (bids, asks) = (book.depth(Side::Buy).collect(), book.depth(Side::Sell).collect());
        let at = Stamp { exchange_ms: summary.timestamp.parse().unwrap_or(0), local_ns };
        // Held until the channel changes a book it has not given whole: the channel's own
        // book (sent on subscribing) usually comes first and makes this one unneeded.
        self.held
            .insert((market, outcome), Event { at, market, kind: EventKind::Book { outcome, bids, asks } });
    }

    fn on_frame(&mut self, local_ns: u64, path: &Path, position: &str) {
        let Ok(text) = std::str::from_utf8(&self.payload) else {
            self.problems.malformed(path, position, "frame is not UTF-8");
            return;
        };
        let catalog = &self.catalog;
        let pending = &mut self.pending;
        let mut unknown_tokens = 0;
        let mut settled = Vec::new();
        let (whole, held) = (&mut self.whole, &mut self.held);
        let decoded = decode_market(text, |event| match normalize(&event, catalog, local_ns) {
            Some(event) => {
                match &event.kind {
                    EventKind::Book { outcome, .. } => {
                        whole.insert((event.market, *outcome));
                        held.remove(&(event.market, *outcome));
                    }
                    EventKind::Level { outcome, .. } if !whole.contains(&(event.market, *outcome)) => {
                        if let Some(snapshot) = held.remove(&(event.market, *outcome)) {
                            whole.insert((event.market, *outcome));
                            pending.push_back(snapshot);
                        }
                    }
                    _ => {}
                }
                if let EventKind::Resolved { winner } = event.kind {
                    settled.push((event.market, winner));
                }
                pending.push_back(event);
            }
            None if matches!(event, MarketEvent::BestBidAsk { .. }) => {}
            None => unknown_tokens += 1,
        });
        for (market, winner) in settled {
            let payout =
                if winner == Outcome::Yes { rust_decimal::Decimal::ONE } else { rust_decimal::Decimal::ZERO };
            self.catalog.settle(market, payout);
        }
        match decoded {
            Ok(report) if report.malformed > 0 => {
                self.problems.malformed(path, position, format!("{} malformed events", report.malformed));
            }
            Ok(_) if unknown_tokens > 0 => {
                self.problems.skip(
                    path,
                    position,
                    format!("{unknown_tokens} events of tokens without metadata"),
                );
            }
            Ok(_) => {}
            Err(e) => self.problems.malformed(path, position, e),
        }
    }
}

/// A decoded market-channel event in data-set terms; `None` for a token the catalog does
/// not know and for top-of-book events (the books say the same).
pub fn normalize(event: &MarketEvent<'_>, catalog: &Catalog, local_ns: u64) -> Option<Event> {
    let stamp = |exchange_ms| Stamp { exchange_ms, local_ns };
    let (market, at, kind) = match event {
        MarketEvent::Book(book) => {
            let (market, outcome) = catalog.token(book.asset_id)?;
            let kind = EventKind::Book { outcome, bids: book.bids.clone(), asks: book.asks.clone() };
            (market, stamp(book.timestamp_ms), kind)
        }
        MarketEvent::Level(change) => {
            let (market, outcome) = catalog.token(change.asset_id)?;
            let kind =
                EventKind::Level { outcome, side: change.side, price: change.price, size: change.size };
            (market, stamp(change.timestamp_ms), kind)
        }
        MarketEvent::Trade(trade) => {
            let (market, outcome) = catalog.token(trade.asset_id)?;
            let kind = EventKind::Trade { outcome, taker: trade.side, price: trade.price, size: trade.size };
            (market, stamp(trade.timestamp_ms), kind)
        }
        MarketEvent::TickSize { asset_id, tick, timestamp_ms } => {
            let (market, _) = catalog.token(asset_id)?;
            (market, stamp(*timestamp_ms), EventKind::Tick(*tick))
        }
        MarketEvent::Resolved { winning_asset_id, .. } => {
            let (market, winner) = catalog.token(winning_asset_id)?;
            (market, stamp(0), EventKind::Resolved { winner })
        }
        MarketEvent::BestBidAsk { .. } => return None,
    };
    Some(Event { at, market, kind })
}

impl Source for OwnSource {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            if !self.read_record() {
                return None;
            }
        }
    }

    fn problems(&self) -> &Problems {
        &self.problems
    }

    fn kind(&self) -> &'static str {
        "polymm recording"
    }
}
