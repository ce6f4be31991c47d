//! The venue's book hashes as a consistency check, pure and off the hot path. Each token
//! remembers the latest hash the venue gave (a `book` snapshot's, or a `price_change`
//! entry's) with the fields a hash covers besides the levels; later, once no newer change
//! has arrived, our book is hashed the same way and compared. A difference means our book
//! is wrong: it is untrusted until resynced.
//!
//! The recipe ([`crate::polymarket::book_hash`]) is the official client's for `/book`; that
//! the channel's hashes follow it is not documented, so it is proven first: the first
//! `book` snapshot with a hash must reproduce it from its own contents, or the checks stay
//! off; and if, once on, most checks disagree, they are turned off again.

use std::fmt;

use super::decode::{HashedFields, MarketEvent};
use crate::domain::Side;
use crate::domain::book::{Book, Level};
use crate::polymarket::book_hash::{SummaryFields, summary_hash};

/// Whether the venue's hashes can be reproduced here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    /// No hashed snapshot seen yet.
    Unknown,
    /// A snapshot's hash was reproduced: checks are on.
    Proven,
    /// Snapshots (or most checks) disagree: checks are off.
    Unusable,
}

/// What one token's hash check needs.
#[derive(Debug, Default)]
struct Watched {
    market: Box<str>,
    fields: OwnedFields,
    /// The venue's latest hash and the venue time it describes.
    venue: Option<(Box<str>, u64)>,
}

#[derive(Debug, Default)]
struct OwnedFields {
    min_order_size: Box<str>,
    tick_size: Box<str>,
    neg_risk: Box<str>,
    last_trade_price: Box<str>,
}

impl OwnedFields {
    fn of(fields: &HashedFields<'_>) -> Self {
        let raw = |value: Option<&str>| Box::from(value.unwrap_or("null"));
        Self {
            min_order_size: raw(fields.min_order_size),
            tick_size: raw(fields.tick_size),
            neg_risk: raw(fields.neg_risk),
            last_trade_price: raw(fields.last_trade_price),
        }
    }
}

/// Counters of the hash checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashStats {
    /// Books compared with the venue's hash.
    pub checks: u64,
    /// Comparisons that differed (each book then resynced).
    pub mismatches: u64,
}

/// The hash check of every tracked token.
#[derive(Debug)]
pub struct HashWatch {
    recipe: Recipe,
    tokens: super::TokenMap<Box<str>, Watched>,
    stats: HashStats,
}

impl Default for HashWatch {
    fn default() -> Self {
        Self { recipe: Recipe::Unknown, tokens: super::TokenMap::default(), stats: HashStats::default() }
    }
}

/// Checks done before a majority of disagreements turns them off.
const PROBATION: u64 = 20;

impl HashWatch {
    /// Whether the checks are on.
    pub fn recipe(&self) -> Recipe {
        self.recipe
    }

    /// Counters.
    pub fn stats(&self) -> HashStats {
        self.stats
    }

    /// Notes what an event says about a token's hash (cheap: no hashing once proven).
    pub fn on_event(&mut self, event: &MarketEvent<'_>) {
        match event {
            MarketEvent::Book(snapshot) => {
                if self.recipe == Recipe::Unknown && !snapshot.hash.is_empty() {
                    self.prove(snapshot);
                }
                let watched = self.tokens.entry(Box::from(snapshot.asset_id)).or_default();
                watched.market = Box::from(snapshot.market);
                watched.fields = OwnedFields::of(&snapshot.hashed);
                watched.venue =
                    (!snapshot.hash.is_empty()).then(|| (Box::from(snapshot.hash), snapshot.timestamp_ms));
            }
            MarketEvent::Level(change) => {
                if let Some(watched) = self.tokens.get_mut(change.asset_id) {
                    watched.venue =
                        (!change.hash.is_empty()).then(|| (Box::from(change.hash), change.timestamp_ms));
                }
            }
            MarketEvent::Trade(print) => {
                if let Some(watched) = self.tokens.get_mut(print.asset_id) {
                    let price = crate::domain::book::pips_decimal(print.price).normalize();
                    watched.fields.last_trade_price = Box::from(format!("\"{price}\""));
                }
            }
            _ => {}
        }
    }

    fn prove(&mut self, snapshot: &super::decode::BookSnapshot<'_>) {
        let fields = OwnedFields::of(&snapshot.hashed);
        let ours = hash_of(
            snapshot.market,
            snapshot.asset_id,
            snapshot.timestamp_ms,
            &fields,
            &snapshot.bids,
            &snapshot.asks,
        );
        self.recipe = if ours == snapshot.hash { Recipe::Proven } else { Recipe::Unusable };
        if self.recipe == Recipe::Unusable {
            tracing::warn!("the venue's book hashes do not follow the known recipe: hash checks are off");
        }
    }

    /// Compares up to `limit` books with the venue's latest hash for them, where nothing
    /// newer has changed them (`book` gives a token's trusted book); returns the tokens
    /// whose books differ. Each hash is checked once.
    pub fn check<'b>(&mut self, limit: usize, book: impl Fn(&str) -> Option<&'b Book>) -> Vec<String> {
        if self.recipe != Recipe::Proven {
            return Vec::new();
        }
        let mut wrong = Vec::new();
        let mut done = 0;
        for (token, watched) in &mut self.tokens {
            if done >= limit {
                break;
            }
            let Some((hash, at_ms)) = &watched.venue else { continue };
            let Some(book) = book(token).filter(|b| b.timestamp_ms() == *at_ms) else { continue };
            done += 1;
            let (bids, asks) = venue_order(book);
            let ours = hash_of(&watched.market, token, *at_ms, &watched.fields, &bids, &asks);
            if ours != **hash {
                wrong.push(token.to_string());
            }
            watched.venue = None;
        }
        self.stats.checks += done as u64;
        self.stats.mismatches += wrong.len() as u64;
        if self.stats.checks >= PROBATION && self.stats.mismatches * 2 > self.stats.checks {
            self.recipe = Recipe::Unusable;
            tracing::warn!(
                checks = self.stats.checks,
                mismatches = self.stats.mismatches,
                "the venue's price_change hashes mostly disagree with our books: hash checks are off"
            );
            return Vec::new();
        }
        wrong
    }

    /// Stops watching a token.
    pub fn forget(&mut self, asset_id: &str) {
        self.tokens.remove(asset_id);
    }
}

/// A book's levels in the venue's order: worst price first, the best last.
fn venue_order(book: &Book) -> (Vec<Level>, Vec<Level>) {
    let mut bids: Vec<Level> = book.depth(Side::Buy).collect();
    bids.reverse();
    let mut asks: Vec<Level> = book.depth(Side::Sell).collect();
    asks.reverse();
    (bids, asks)
}

/// A level written as the venue writes it.
struct Text(rust_decimal::Decimal);

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

fn hash_of(
    market: &str,
    asset_id: &str,
    at_ms: u64,
    fields: &OwnedFields,
    bids: &[Level],
    asks: &[Level],
) -> String {
    use crate::domain::book::{micros_decimal, pips_decimal};
    let timestamp = at_ms.to_string();
    let summary = SummaryFields {
        market,
        asset_id,
        timestamp: &timestamp,
        min_order_size: &fields.min_order_size,
        tick_size: &fields.tick_size,
        neg_risk: &fields.neg_risk,
        last_trade_price: &fields.last_trade_price,
    };
    let text = |levels: &[Level]| -> Vec<(Text, Text)> {
        levels.iter().map(|l| (Text(pips_decimal(l.price)), Text(micros_decimal(l.size)))).collect()
    };
    summary_hash(&summary, text(bids), text(asks))
}
