//! One token's order book as the feed reports it: cheap to update level by level, cheap to
//! read top of book and depth from.
//!
//! Prices are integers in 1/10,000 ([`Pips`]: every tick size is a multiple) and sizes in
//! millionths of a share ([`Micros`]), parsed straight from the venue's decimal strings by
//! [`parse_fixed`] with no float and no `Decimal` on the hot path. Both sides are sorted
//! vectors with the best level last, where nearly every update lands.

use rust_decimal::Decimal;

use super::side::Side;

/// A price in 1/10,000 of a pUSD.
pub type Pips = u32;
/// A size in millionths of a share (the venue's base units).
pub type Micros = u64;

/// Decimal places of [`Pips`].
pub const PIPS_DP: u32 = 4;
/// Decimal places of [`Micros`].
pub const MICROS_DP: u32 = 6;

/// Parses an unsigned decimal string (`"0.48"`, `".48"`, `"12"`, `"43551.96"`) into an
/// integer with `dp` implied decimals. `None` for empty text, signs, exponents, other
/// characters, more than `dp` decimals or overflow.
pub fn parse_fixed(text: &str, dp: u32) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    let mut decimals: Option<u32> = None;
    let mut digits = 0;
    for &byte in bytes {
        match byte {
            b'0'..=b'9' => {
                if let Some(seen) = decimals.as_mut() {
                    if *seen == dp {
                        if byte == b'0' {
                            continue;
                        }
                        return None;
                    }
                    *seen += 1;
                }
                value = value.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
                digits += 1;
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    value.checked_mul(10u64.checked_pow(dp - decimals.unwrap_or(0))?)
}

/// A price as [`Pips`], if it lies strictly inside (0, 1).
pub fn parse_pips(text: &str) -> Option<Pips> {
    parse_fixed(text, PIPS_DP).and_then(|p| u32::try_from(p).ok()).filter(|p| *p > 0 && *p < 10_000)
}

/// A size as [`Micros`].
pub fn parse_micros(text: &str) -> Option<Micros> {
    parse_fixed(text, MICROS_DP)
}

/// A decimal price as [`Pips`], if it is a multiple of 0.0001 inside (0, 1).
pub fn decimal_pips(value: Decimal) -> Option<Pips> {
    let scaled = value * Decimal::from(10_000u32);
    (scaled.fract().is_zero() && value > Decimal::ZERO && value < Decimal::ONE)
        .then(|| u32::try_from(scaled.trunc().mantissa() / 10i128.pow(scaled.trunc().scale())).ok())
        .flatten()
}

/// A decimal share count as [`Micros`] (rounded down to a millionth), if not negative.
pub fn decimal_micros(value: Decimal) -> Option<Micros> {
    let scaled = (value * Decimal::from(1_000_000u32)).trunc();
    if scaled.is_sign_negative() {
        return None;
    }
    u64::try_from(scaled.mantissa() / 10i128.pow(scaled.scale())).ok()
}

/// [`Pips`] as a decimal price.
pub fn pips_decimal(pips: Pips) -> Decimal {
    Decimal::new(i64::from(pips), PIPS_DP).normalize()
}

/// [`Micros`] as a decimal share count.
pub fn micros_decimal(micros: Micros) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(micros), MICROS_DP).normalize()
}

/// A price level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// Price.
    pub price: Pips,
    /// Total size resting at that price.
    pub size: Micros,
}

/// One token's book.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Book {
    /// Ascending by price: best bid last.
    bids: Vec<Level>,
    /// Descending by price: best ask last.
    asks: Vec<Level>,
    /// Venue timestamp (ms) of the last snapshot or change applied.
    timestamp_ms: u64,
}

impl Clone for Book {
    fn clone(&self) -> Self {
        Self { bids: self.bids.clone(), asks: self.asks.clone(), timestamp_ms: self.timestamp_ms }
    }

    /// Copies `source` into this book's own buffers: no allocation once they are large enough.
    fn clone_from(&mut self, source: &Self) {
        self.bids.clone_from(&source.bids);
        self.asks.clone_from(&source.asks);
        self.timestamp_ms = source.timestamp_ms;
    }
}

/// The midpoint in price units of a bid + ask sum in pips ([`Book::mid_x2`]).
pub fn mid_of_x2(mid_x2: u32) -> rust_decimal::Decimal {
    rust_decimal::Decimal::from(mid_x2) / rust_decimal::Decimal::from(20_000)
}

impl Book {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    fn side(&self, side: Side) -> &Vec<Level> {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    /// Replaces both sides with a snapshot (levels in any order; zero sizes dropped).
    pub fn replace(
        &mut self,
        bids: impl IntoIterator<Item = Level>,
        asks: impl IntoIterator<Item = Level>,
        timestamp_ms: u64,
    ) {
        self.bids.clear();
        self.bids.extend(bids.into_iter().filter(|l| l.size > 0));
        self.bids.sort_unstable_by_key(|l| l.price);
        self.bids.dedup_by_key(|l| l.price);
        self.asks.clear();
        self.asks.extend(asks.into_iter().filter(|l| l.size > 0));
        self.asks.sort_unstable_by_key(|l| std::cmp::Reverse(l.price));
        self.asks.dedup_by_key(|l| l.price);
        self.timestamp_ms = timestamp_ms;
    }

    /// Sets the total size at one price (`0` removes the level).
    pub fn set(&mut self, side: Side, price: Pips, size: Micros) {
        let levels = match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        };
        let found = match side {
            Side::Buy => levels.binary_search_by(|l| l.price.cmp(&price)),
            Side::Sell => levels.binary_search_by(|l| price.cmp(&l.price)),
        };
        match (found, size) {
            (Ok(index), 0) => {
                levels.remove(index);
            }
            (Ok(index), size) => levels[index].size = size,
            (Err(_), 0) => {}
            (Err(index), size) => levels.insert(index, Level { price, size }),
        }
    }

    /// Records the venue time of the latest change.
    pub fn touch(&mut self, timestamp_ms: u64) {
        self.timestamp_ms = self.timestamp_ms.max(timestamp_ms);
    }

    /// Venue time of the latest snapshot or change, ms.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// Best bid.
    pub fn best_bid(&self) -> Option<Level> {
        self.bids.last().copied()
    }

    /// Best ask.
    pub fn best_ask(&self) -> Option<Level> {
        self.asks.last().copied()
    }

    /// Best level of `side` (bids for `Buy`).
    pub fn best(&self, side: Side) -> Option<Level> {
        self.side(side).last().copied()
    }

    /// Bid + ask in pips (twice the midpoint, kept exact).
    pub fn mid_x2(&self) -> Option<u32> {
        Some(self.best_bid()?.price + self.best_ask()?.price)
    }

    /// The mid of the best bid and ask, in price units (`None` without both sides).
    pub fn mid(&self) -> Option<rust_decimal::Decimal> {
        self.mid_x2().map(mid_of_x2)
    }

    /// Ask − bid, in pips.
    pub fn spread(&self) -> Option<Pips> {
        Some(self.best_ask()?.price.saturating_sub(self.best_bid()?.price))
    }

    /// Levels of `side`, best first.
    pub fn depth(&self, side: Side) -> impl Iterator<Item = Level> + '_ {
        self.side(side).iter().rev().copied()
    }

    /// Total size at `price` on `side`.
    pub fn size_at(&self, side: Side, price: Pips) -> Micros {
        self.side(side).iter().rev().find(|l| l.price == price).map_or(0, |l| l.size)
    }

    /// Number of levels on `side`.
    pub fn level_count(&self, side: Side) -> usize {
        self.side(side).len()
    }

    /// Whether the best bid is at or above the best ask (a stale or broken book).
    pub fn is_crossed(&self) -> bool {
        matches!((self.best_bid(), self.best_ask()), (Some(b), Some(a)) if b.price >= a.price)
    }

    /// The best bid and best ask together, when both sides exist.
    pub fn top(&self) -> Option<(Level, Level)> {
        Some((self.best_bid()?, self.best_ask()?))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn fixed_point_parsing_is_exact_and_strict() {
        assert_eq!(parse_fixed("0.48", 4), Some(4_800));
        assert_eq!(parse_fixed(".48", 4), Some(4_800));
        assert_eq!(parse_fixed("12", 6), Some(12_000_000));
        assert_eq!(parse_fixed("43551.96", 6), Some(43_551_960_000));
        assert_eq!(parse_fixed("0.5000", 4), Some(5_000));
        assert_eq!(parse_fixed("0.50000", 4), Some(5_000), "trailing zeros beyond dp are fine");
        assert_eq!(parse_fixed("0.00005", 4), None, "a real digit beyond dp is refused");
        for bad in ["", ".", "-1", "1e3", "1.2.3", " 1", "0x10", "99999999999999999999"] {
            assert_eq!(parse_fixed(bad, 4), None, "{bad:?}");
        }
        assert_eq!(parse_pips("1"), None);
        assert_eq!(parse_pips("0.999"), Some(9_990));
        assert_eq!(micros_decimal(43_551_960_000).to_string(), "43551.96");
        assert_eq!(pips_decimal(4_800).to_string(), "0.48");
        assert_eq!(decimal_pips(Decimal::new(48, 2)), Some(4_800));
        assert_eq!(decimal_pips(Decimal::new(480_001, 6)), None);
        assert_eq!(decimal_micros(Decimal::new(1_050, 2)), Some(10_500_000));
    }

    #[test]
    fn levels_update_and_read_best_first() {
        let mut book = Book::new();
        let level = |price, size| Level { price, size };
        book.replace(
            [level(4_800, 30), level(4_900, 20), level(4_700, 0)],
            [level(5_200, 25), level(5_100, 10)],
            1,
        );
        assert_eq!(book.best_bid(), Some(level(4_900, 20)));
        assert_eq!(book.best_ask(), Some(level(5_100, 10)));
        assert_eq!(book.level_count(Side::Buy), 2, "zero-size levels are dropped");
        book.set(Side::Buy, 5_000, 7);
        book.set(Side::Sell, 5_100, 0);
        book.set(Side::Sell, 5_300, 1);
        assert_eq!(book.depth(Side::Buy).map(|l| l.price).collect::<Vec<_>>(), [5_000, 4_900, 4_800]);
        assert_eq!(book.depth(Side::Sell).map(|l| l.price).collect::<Vec<_>>(), [5_200, 5_300]);
        assert_eq!((book.mid_x2(), book.spread()), (Some(10_200), Some(200)));
        assert_eq!(book.size_at(Side::Buy, 4_800), 30);
        assert!(!book.is_crossed());
        book.set(Side::Buy, 5_200, 1);
        assert!(book.is_crossed());
    }

    proptest! {
        #[test]
        fn set_matches_a_reference_map(ops in proptest::collection::vec((any::<bool>(), 1u32..50, 0u64..5), 0..200)) {
            let mut book = Book::new();
            let mut reference = std::collections::BTreeMap::new();
            for (is_bid, price, size) in ops {
                let side = if is_bid { Side::Buy } else { Side::Sell };
                book.set(side, price, size);
                if size == 0 { reference.remove(&(is_bid, price)); } else { reference.insert((is_bid, price), size); }
            }
            let bids: Vec<_> = reference.iter().filter(|((b, _), _)| *b).map(|((_, p), s)| (*p, *s)).rev().collect();
            let asks: Vec<_> = reference.iter().filter(|((b, _), _)| !*b).map(|((_, p), s)| (*p, *s)).collect();
            prop_assert_eq!(book.depth(Side::Buy).map(|l| (l.price, l.size)).collect::<Vec<_>>(), bids);
            prop_assert_eq!(book.depth(Side::Sell).map(|l| (l.price, l.size)).collect::<Vec<_>>(), asks);
        }
    }
}
