//! Decoding the market channel on the hot path: one borrowed parse of the frame (strings
//! point into it), prices and sizes turned straight into integers, one event per book,
//! level change, trade, tick change or resolution. Frames may be one object or an array;
//! every generation of `price_change` (current list, legacy `changes`, flat) is understood.
//! A malformed event is counted and skipped; the rest of its frame still counts.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::domain::book::{Level, Micros, PIPS_DP, Pips, parse_fixed, parse_micros, parse_pips};
use crate::domain::{Side, TickSize};

/// A full book of one token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookSnapshot<'a> {
    /// Token id.
    pub asset_id: &'a str,
    /// Condition id.
    pub market: &'a str,
    /// Venue time, ms.
    pub timestamp_ms: u64,
    /// The venue's book hash.
    pub hash: &'a str,
    /// Bid levels, in the venue's order.
    pub bids: Vec<Level>,
    /// Ask levels, in the venue's order.
    pub asks: Vec<Level>,
    /// The other fields the venue's hash covers, as raw JSON.
    pub hashed: HashedFields<'a>,
}

/// The fields of a book summary its hash covers besides the levels, as raw JSON text
/// exactly as received (`None` when absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashedFields<'a> {
    /// `min_order_size`.
    pub min_order_size: Option<&'a str>,
    /// `tick_size`.
    pub tick_size: Option<&'a str>,
    /// `neg_risk`.
    pub neg_risk: Option<&'a str>,
    /// `last_trade_price`.
    pub last_trade_price: Option<&'a str>,
}

/// One level's new total size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelChange<'a> {
    /// Token id.
    pub asset_id: &'a str,
    /// Condition id.
    pub market: &'a str,
    /// `Buy` for a bid level.
    pub side: Side,
    /// Level price.
    pub price: Pips,
    /// New total size (0: removed).
    pub size: Micros,
    /// Best bid after the change, when the venue says.
    pub best_bid: Option<Pips>,
    /// Best ask after the change, when the venue says.
    pub best_ask: Option<Pips>,
    /// Venue time, ms.
    pub timestamp_ms: u64,
    /// The venue's hash of the token's book after the change (`""`: none given).
    pub hash: &'a str,
}

/// A trade print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradePrint<'a> {
    /// Token id.
    pub asset_id: &'a str,
    /// Condition id.
    pub market: &'a str,
    /// Price.
    pub price: Pips,
    /// Size.
    pub size: Micros,
    /// Taker side.
    pub side: Side,
    /// Venue time, ms.
    pub timestamp_ms: u64,
}

/// A decoded market-channel event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketEvent<'a> {
    /// Full snapshot.
    Book(BookSnapshot<'a>),
    /// One level changed.
    Level(LevelChange<'a>),
    /// A trade printed.
    Trade(TradePrint<'a>),
    /// The tick size changed.
    TickSize {
        /// Token id.
        asset_id: &'a str,
        /// The new tick.
        tick: TickSize,
        /// Venue time, ms.
        timestamp_ms: u64,
    },
    /// Top of book (custom feature).
    BestBidAsk {
        /// Token id.
        asset_id: &'a str,
        /// Best bid.
        best_bid: Option<Pips>,
        /// Best ask.
        best_ask: Option<Pips>,
        /// Venue time, ms.
        timestamp_ms: u64,
    },
    /// The market resolved (custom feature).
    Resolved {
        /// Condition id.
        market: &'a str,
        /// The winning token.
        winning_asset_id: &'a str,
    },
}

/// What one frame held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeReport {
    /// Events delivered.
    pub events: usize,
    /// Events of a type this decoder does not know (skipped).
    pub unknown: usize,
    /// Events with a missing or malformed field (skipped).
    pub malformed: usize,
    /// The frame was the keepalive answer `PONG`.
    pub pong: bool,
}

/// The frame is not JSON at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed frame: {0}")]
pub struct FrameError(pub String);

#[derive(Deserialize)]
struct RawLevel<'a> {
    #[serde(borrow)]
    price: &'a str,
    #[serde(borrow)]
    size: &'a str,
}

#[derive(Deserialize)]
struct RawChange<'a> {
    #[serde(borrow, default)]
    asset_id: Option<&'a str>,
    #[serde(borrow)]
    price: &'a str,
    #[serde(borrow)]
    size: &'a str,
    #[serde(borrow)]
    side: &'a str,
    #[serde(borrow, default)]
    best_bid: Option<&'a str>,
    #[serde(borrow, default)]
    best_ask: Option<&'a str>,
    #[serde(borrow, default)]
    hash: Option<&'a str>,
}

#[derive(Deserialize)]
struct RawEvent<'a> {
    #[serde(borrow, default)]
    event_type: Option<&'a str>,
    #[serde(borrow, default)]
    asset_id: Option<&'a str>,
    #[serde(borrow, default)]
    market: Option<&'a str>,
    #[serde(borrow, default)]
    timestamp: Option<&'a str>,
    #[serde(borrow, default)]
    hash: Option<&'a str>,
    #[serde(borrow, default)]
    bids: Vec<RawLevel<'a>>,
    #[serde(borrow, default)]
    asks: Vec<RawLevel<'a>>,
    #[serde(borrow, default)]
    price_changes: Vec<RawChange<'a>>,
    #[serde(borrow, default)]
    changes: Vec<RawChange<'a>>,
    #[serde(borrow, default)]
    price: Option<&'a str>,
    #[serde(borrow, default)]
    size: Option<&'a str>,
    #[serde(borrow, default)]
    side: Option<&'a str>,
    #[serde(borrow, default)]
    new_tick_size: Option<&'a str>,
    #[serde(borrow, default)]
    best_bid: Option<&'a str>,
    #[serde(borrow, default)]
    best_ask: Option<&'a str>,
    #[serde(borrow, default)]
    winning_asset_id: Option<&'a str>,
    #[serde(borrow, default)]
    min_order_size: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tick_size: Option<&'a RawValue>,
    #[serde(borrow, default)]
    neg_risk: Option<&'a RawValue>,
    #[serde(borrow, default)]
    last_trade_price: Option<&'a RawValue>,
}

/// An event the decoder knows but whose fields are wrong.
struct Malformed;

fn side_of(text: &str) -> Result<Side, Malformed> {
    match text {
        "BUY" | "buy" => Ok(Side::Buy),
        "SELL" | "sell" => Ok(Side::Sell),
        _ => Err(Malformed),
    }
}

/// A best price where `""`, `0` and `1` mean "no level on that side" (the venue reports an
/// empty ask side as `"1"`).
fn optional_pips(text: Option<&str>) -> Result<Option<Pips>, Malformed> {
    match text {
        None | Some("") => Ok(None),
        Some(text) => match parse_fixed(text, PIPS_DP).ok_or(Malformed)? {
            0 | 10_000.. => Ok(None),
            pips => Ok(u32::try_from(pips).ok()),
        },
    }
}

fn level(raw: &RawLevel<'_>) -> Result<Level, Malformed> {
    Ok(Level {
        price: parse_pips(raw.price).ok_or(Malformed)?,
        size: parse_micros(raw.size).ok_or(Malformed)?,
    })
}

/// Decodes one market-channel text frame, handing each event to `sink`.
pub fn decode_market<'a>(
    text: &'a str,
    mut sink: impl FnMut(MarketEvent<'a>),
) -> Result<DecodeReport, FrameError> {
    let mut report = DecodeReport::default();
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("PONG") {
        report.pong = true;
        return Ok(report);
    }
    let malformed = |e: serde_json::Error| FrameError(e.to_string());
    let mut one = |raw: RawEvent<'a>| match decode_event(raw, &mut sink) {
        Ok(Some(count)) => report.events += count,
        Ok(None) => report.unknown += 1,
        Err(Malformed) => report.malformed += 1,
    };
    // One object or an array of them, told by the first character: parsing it as an
    // untagged enum would buffer the whole frame into an owned tree first.
    if trimmed.starts_with('[') {
        let raws: Vec<RawEvent<'a>> = serde_json::from_str(trimmed).map_err(malformed)?;
        raws.into_iter().for_each(one);
    } else {
        one(serde_json::from_str(trimmed).map_err(malformed)?);
    }
    Ok(report)
}

/// Delivers the events of one raw event; `None` for an unknown type.
fn decode_event<'a>(
    raw: RawEvent<'a>,
    sink: &mut impl FnMut(MarketEvent<'a>),
) -> Result<Option<usize>, Malformed> {
    let timestamp_ms = raw.timestamp.and_then(|t| t.parse().ok()).unwrap_or(0);
    let market = raw.market.unwrap_or("");
    match raw.event_type.ok_or(Malformed)? {
        "book" => {
            let bids = raw.bids.iter().map(level).collect::<Result<_, _>>()?;
            let asks = raw.asks.iter().map(level).collect::<Result<_, _>>()?;
            let asset_id = raw.asset_id.ok_or(Malformed)?;
            sink(MarketEvent::Book(BookSnapshot {
                asset_id,
                market,
                timestamp_ms,
                hash: raw.hash.unwrap_or(""),
                bids,
                asks,
                hashed: HashedFields {
                    min_order_size: raw.min_order_size.map(RawValue::get),
                    tick_size: raw.tick_size.map(RawValue::get),
                    neg_risk: raw.neg_risk.map(RawValue::get),
                    last_trade_price: raw.last_trade_price.map(RawValue::get),
                },
            }));
            Ok(Some(1))
        }
        "price_change" => price_changes(raw, market, timestamp_ms, sink).map(Some),
        "last_trade_price" => {
            sink(MarketEvent::Trade(TradePrint {
                asset_id: raw.asset_id.ok_or(Malformed)?,
                market,
                price: raw.price.and_then(parse_pips).ok_or(Malformed)?,
                size: raw.size.and_then(parse_micros).ok_or(Malformed)?,
                side: side_of(raw.side.ok_or(Malformed)?)?,
                timestamp_ms,
            }));
            Ok(Some(1))
        }
        "tick_size_change" => {
            let tick = raw.new_tick_size.and_then(|t| t.parse().ok()).ok_or(Malformed)?;
            sink(MarketEvent::TickSize { asset_id: raw.asset_id.ok_or(Malformed)?, tick, timestamp_ms });
            Ok(Some(1))
        }
        "best_bid_ask" => {
            sink(MarketEvent::BestBidAsk {
                asset_id: raw.asset_id.ok_or(Malformed)?,
                best_bid: optional_pips(raw.best_bid)?,
                best_ask: optional_pips(raw.best_ask)?,
                timestamp_ms,
            });
            Ok(Some(1))
        }
        "market_resolved" => {
            sink(MarketEvent::Resolved { market, winning_asset_id: raw.winning_asset_id.ok_or(Malformed)? });
            Ok(Some(1))
        }
        _ => Ok(None),
    }
}

/// The three `price_change` generations: `price_changes` list, legacy `changes`, flat.
fn price_changes<'a>(
    raw: RawEvent<'a>,
    market: &'a str,
    timestamp_ms: u64,
    sink: &mut impl FnMut(MarketEvent<'a>),
) -> Result<usize, Malformed> {
    let mut changes: Vec<LevelChange<'a>> =
        Vec::with_capacity(raw.price_changes.len() + raw.changes.len() + 1);
    for entry in raw.price_changes.iter().chain(&raw.changes) {
        changes.push(LevelChange {
            asset_id: entry.asset_id.or(raw.asset_id).ok_or(Malformed)?,
            market,
            side: side_of(entry.side)?,
            price: parse_pips(entry.price).ok_or(Malformed)?,
            size: parse_micros(entry.size).ok_or(Malformed)?,
            best_bid: optional_pips(entry.best_bid)?,
            best_ask: optional_pips(entry.best_ask)?,
            timestamp_ms,
            hash: entry.hash.or(raw.hash).unwrap_or(""),
        });
    }
    if changes.is_empty() {
        changes.push(LevelChange {
            asset_id: raw.asset_id.ok_or(Malformed)?,
            market,
            side: side_of(raw.side.ok_or(Malformed)?)?,
            price: raw.price.and_then(parse_pips).ok_or(Malformed)?,
            size: raw.size.and_then(parse_micros).ok_or(Malformed)?,
            best_bid: None,
            best_ask: None,
            timestamp_ms,
            hash: raw.hash.unwrap_or(""),
        });
    }
    let count = changes.len();
    changes.into_iter().for_each(|change| sink(MarketEvent::Level(change)));
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> (Vec<MarketEvent<'_>>, DecodeReport) {
        let mut events = Vec::new();
        let report = decode_market(text, |e| events.push(e)).unwrap();
        (events, report)
    }

    #[test]
    fn book_snapshots_parse_docs_prices_and_real_captures() {
        let docs = r#"{"event_type": "book", "asset_id": "6581", "market": "0xbd31",
            "bids": [{"price": ".48", "size": "30"}, {"price": ".49", "size": "20"}],
            "asks": [{"price": ".52", "size": "25"}], "timestamp": "123456789000", "hash": "0x0"}"#;
        let (events, report) = decode(docs);
        assert_eq!(report, DecodeReport { events: 1, ..DecodeReport::default() });
        let MarketEvent::Book(book) = &events[0] else { panic!("{events:?}") };
        assert_eq!((book.asset_id, book.timestamp_ms, book.bids.len()), ("6581", 123_456_789_000, 2));
        assert_eq!(book.bids[0], Level { price: 4_800, size: 30_000_000 });
        assert_eq!(book.asks[0], Level { price: 5_200, size: 25_000_000 });
    }

    #[test]
    fn every_price_change_generation_and_arrays_decode() {
        let current = r#"{"market": "0x5f65", "event_type": "price_change", "timestamp": "1729084877448",
            "price_changes": [
              {"asset_id": "A", "price": "0.6", "side": "BUY", "size": "3300", "hash": "h", "best_bid": "0.6", "best_ask": "0.7"},
              {"asset_id": "B", "price": "0.4", "side": "SELL", "size": "0", "hash": "h", "best_bid": "", "best_ask": "1"}]}"#;
        let (events, report) = decode(current);
        assert_eq!((report.events, report.malformed), (2, 0), "{report:?}");
        let MarketEvent::Level(first) = events[0] else { panic!() };
        assert_eq!(
            (first.asset_id, first.side, first.price, first.size),
            ("A", Side::Buy, 6_000, 3_300_000_000)
        );
        assert_eq!((first.best_bid, first.best_ask), (Some(6_000), Some(7_000)));
        let MarketEvent::Level(second) = events[1] else { panic!() };
        assert_eq!(
            (second.best_bid, second.best_ask, second.size),
            (None, None, 0),
            "\"\" is absent; 1 is not a price"
        );
        let legacy = r#"[{"asset_id": "A", "changes": [{"price": "0.4", "side": "SELL", "size": "3300"}],
            "event_type": "price_change", "market": "0x5f", "timestamp": "1"},
            {"asset_id": "A", "event_type": "price_change", "market": "0x5f", "price": "0.514", "side": "SELL",
             "size": "21574.08", "timestamp": "2"}]"#;
        let (events, report) = decode(legacy);
        assert_eq!(report.events, 2);
        assert!(matches!(
            events[1],
            MarketEvent::Level(LevelChange { price: 5_140, size: 21_574_080_000, .. })
        ));
    }

    #[test]
    fn trades_ticks_and_custom_events_decode() {
        let frame = r#"[{"asset_id": "A", "event_type": "last_trade_price", "fee_rate_bps": "0", "market": "M",
              "price": "0.491", "side": "SELL", "size": "85.36", "timestamp": "1724564136087"},
            {"asset_id": "A", "event_type": "tick_size_change", "market": "M", "new_tick_size": "0.001",
              "old_tick_size": "0.01", "timestamp": "1739068041853"},
            {"event_type": "best_bid_ask", "asset_id": "A", "market": "M", "best_bid": "0.73", "best_ask": "0.77",
              "spread": "0.04", "timestamp": "1"},
            {"event_type": "market_resolved", "market": "M", "winning_asset_id": "A"},
            {"event_type": "new_market", "market": "M"}]"#;
        let (events, report) = decode(frame);
        assert_eq!((report.events, report.unknown), (4, 1));
        assert!(matches!(
            events[0],
            MarketEvent::Trade(TradePrint { price: 4_910, size: 85_360_000, side: Side::Sell, .. })
        ));
        assert!(matches!(events[1], MarketEvent::TickSize { tick: TickSize::Thousandth, .. }));
        assert!(matches!(
            events[2],
            MarketEvent::BestBidAsk { best_bid: Some(7_300), best_ask: Some(7_700), .. }
        ));
        assert!(matches!(events[3], MarketEvent::Resolved { winning_asset_id: "A", .. }));
    }

    #[test]
    fn malformed_events_are_counted_and_skipped_and_garbage_is_an_error() {
        let frame = r#"[{"event_type": "book", "asset_id": "A", "bids": [{"price": "abc", "size": "1"}], "asks": []},
            {"event_type": "last_trade_price", "asset_id": "A", "price": "0.5", "size": "1", "side": "SIDEWAYS"},
            {"no_type": true},
            {"event_type": "book", "asset_id": "B", "bids": [], "asks": []}]"#;
        let (events, report) = decode(frame);
        assert_eq!((report.events, report.malformed), (1, 3));
        assert!(matches!(&events[0], MarketEvent::Book(b) if b.asset_id == "B"));
        assert!(decode_market("{\"event_type\":\"book\",\"asset_id\":", |_| {}).is_err());
        assert!(decode_market("PONG", |_| {}).unwrap().pong);
    }
}
