//! What a replay measures, as it runs: every fill's markouts at 1, 10 and 60 s (then the
//! fill goes to the caller's sink, e.g. `fills.csv`, and into the totals), the equity curve
//! and its drawdown, the P&L split (spread capture against the mid, inventory, fees,
//! rebates, rewards, settlement), quoting time, and the same per market. Pure
//! accumulators; the engine feeds them. Memory is bounded for any length of data: fills
//! are kept only until their last markout (a sample of them for the report's chart), and
//! every time series is thinned to at most [`SERIES_POINTS`] points by halving its
//! resolution when full.

use std::collections::VecDeque;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::{Outcome, Side};

/// Markout horizons, ms.
pub const MARKOUTS_MS: [u64; 3] = [1_000, 10_000, 60_000];

/// One of our fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FillRow {
    /// When, unix ms.
    pub at_ms: u64,
    /// Market index.
    pub market: u32,
    /// The token.
    pub outcome: Outcome,
    /// Our side on that token.
    pub side: Side,
    /// Price on that token.
    pub price: Decimal,
    /// Shares.
    pub shares: Decimal,
    /// Fee paid.
    pub fee: Decimal,
    /// Maker rebate earned.
    pub rebate: Decimal,
    /// Whether we were the maker.
    pub maker: bool,
    /// The YES-terms mid just before the fill.
    pub mid: Option<Decimal>,
    /// The adverse YES-terms move per share after each horizon (positive: against us).
    pub markouts: [Option<Decimal>; 3],
}

impl FillRow {
    /// Our side and price in YES terms.
    pub fn yes_terms(&self) -> (Side, Decimal) {
        match self.outcome {
            Outcome::Yes => (self.side, self.price),
            Outcome::No => (self.side.opposite(), Decimal::ONE - self.price),
        }
    }

    /// Edge against the mid at the fill, pUSD (positive: we bought below or sold above it).
    pub fn edge(&self) -> Decimal {
        let Some(mid) = self.mid else { return Decimal::ZERO };
        let (side, price) = self.yes_terms();
        let per_share = match side {
            Side::Buy => mid - price,
            Side::Sell => price - mid,
        };
        per_share * self.shares
    }
}

/// One market's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MarketTotals {
    /// Market index.
    pub market: u32,
    /// Its name.
    pub name: String,
    /// Total P&L.
    pub pnl: Decimal,
    /// Edge captured against the mid.
    pub spread: Decimal,
    /// Fees paid.
    pub fees: Decimal,
    /// Rebates earned.
    pub rebates: Decimal,
    /// Estimated rewards.
    pub rewards: Decimal,
    /// Settlement against the last mark.
    pub settlement: Decimal,
    /// Fills.
    pub fills: u64,
    /// Shares traded.
    pub volume: Decimal,
    /// Largest YES-equivalent position held (absolute).
    pub max_position: Decimal,
    /// Share of its seconds with both sides quoted.
    pub quoted: Decimal,
    /// How it ended: the YES payout, if it settled.
    pub payout_yes: Option<Decimal>,
    #[serde(skip)]
    quoted_samples: u64,
    #[serde(skip)]
    samples: u64,
}

/// The most points a time series keeps.
pub const SERIES_POINTS: usize = 4_096;
/// The most fills kept for the report's chart, in all and per market.
const SAMPLE_FILLS: usize = 20_000;
const SAMPLE_FILLS_PER_MARKET: usize = 4_000;

/// A time series of at most [`SERIES_POINTS`] points: when full, every other point goes
/// and only every other later sample is kept, so it always spans the whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Thinned {
    points: Vec<(u64, Decimal)>,
    stride: u32,
    waiting: u32,
}

impl Thinned {
    /// Adds a sample (kept if it falls on the current stride).
    pub fn push(&mut self, at_ms: u64, value: Decimal) {
        self.stride = self.stride.max(1);
        self.waiting += 1;
        if self.waiting < self.stride {
            return;
        }
        self.waiting = 0;
        self.points.push((at_ms, value));
        if self.points.len() >= SERIES_POINTS {
            let mut keep = false;
            self.points.retain(|_| {
                keep = !keep;
                keep
            });
            self.stride *= 2;
        }
    }

    /// The last value kept.
    pub fn last(&self) -> Option<Decimal> {
        self.points.last().map(|(_, v)| *v)
    }

    /// The points, in time order.
    pub fn points(&self) -> &[(u64, Decimal)] {
        &self.points
    }
}

/// One market at a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketSample {
    /// Market index.
    pub market: u32,
    /// YES-equivalent position.
    pub position: Decimal,
    /// Both sides quoted.
    pub two_sided: bool,
    /// YES-terms mid.
    pub mid: Option<Decimal>,
}

/// Where completed fills go (e.g. a `fills.csv` writer).
pub type FillSink = Box<dyn FnMut(&FillRow)>;

/// The accumulators.
#[derive(Default)]
pub struct Measure {
    pending: VecDeque<FillRow>,
    popped: u64,
    next_markout: [u64; 3],
    sink: Option<FillSink>,
    sample: Vec<FillRow>,
    sampled_per_market: Vec<usize>,
    markout_sum: [Decimal; 3],
    markout_shares: [Decimal; 3],
    fills: u64,
    volume: Decimal,
    bought: Decimal,
    equity: Thinned,
    peak: Option<Decimal>,
    drawdown: Decimal,
    markets: Vec<MarketTotals>,
    positions: Vec<Thinned>,
    mids: Vec<Thinned>,
}

impl std::fmt::Debug for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Measure")
            .field("fills", &self.fills)
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl Measure {
    /// Nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same, handing each fill to `sink` once its markouts are taken.
    pub fn with_sink(sink: FillSink) -> Self {
        Self { sink: Some(sink), ..Self::default() }
    }

    /// A market appears, with the name the report gives it.
    pub fn market(&mut self, market: u32, name: &str) {
        self.totals(market).name = name.to_owned();
    }

    fn totals(&mut self, market: u32) -> &mut MarketTotals {
        while self.markets.len() <= market as usize {
            let index = self.markets.len() as u32;
            self.markets.push(MarketTotals { market: index, ..MarketTotals::default() });
            self.positions.push(Thinned::default());
            self.mids.push(Thinned::default());
            self.sampled_per_market.push(0);
        }
        &mut self.markets[market as usize]
    }

    /// One fill (its markouts come later).
    pub fn fill(&mut self, fill: FillRow) {
        let edge = fill.edge();
        let totals = self.totals(fill.market);
        totals.spread += edge;
        totals.fees += fill.fee;
        totals.rebates += fill.rebate;
        totals.fills += 1;
        totals.volume += fill.shares;
        self.pending.push_back(fill);
    }

    /// Takes the markouts due by `now_ms` at each market's YES-terms mid, and completes the
    /// fills whose last markout is taken.
    pub fn markouts(&mut self, now_ms: u64, mid_of: impl Fn(u32) -> Option<Decimal>) {
        for (horizon, ms) in MARKOUTS_MS.iter().enumerate() {
            loop {
                let offset = (self.next_markout[horizon] - self.popped) as usize;
                let Some(fill) = self.pending.get_mut(offset) else { break };
                if fill.at_ms + ms > now_ms {
                    break;
                }
                if let Some(mid) = mid_of(fill.market) {
                    let (side, price) = fill.yes_terms();
                    fill.markouts[horizon] = Some(match side {
                        Side::Buy => price - mid,
                        Side::Sell => mid - price,
                    });
                }
                self.next_markout[horizon] += 1;
            }
        }
        while self.next_markout.iter().all(|next| *next > self.popped) {
            let Some(fill) = self.pending.pop_front() else { break };
            self.popped += 1;
            self.complete(fill);
        }
    }

    /// A fill whose markouts are all taken (or the run ended): into the totals, the sample
    /// and the sink.
    fn complete(&mut self, fill: FillRow) {
        for horizon in 0..MARKOUTS_MS.len() {
            if let Some(markout) = fill.markouts[horizon] {
                self.markout_sum[horizon] += markout * fill.shares;
                self.markout_shares[horizon] += fill.shares;
            }
        }
        self.fills += 1;
        self.volume += fill.shares;
        if fill.side == Side::Buy {
            self.bought += fill.price * fill.shares;
        }
        if let Some(sink) = self.sink.as_mut() {
            sink(&fill);
        }
        let per_market = self.sampled_per_market.get(fill.market as usize).copied().unwrap_or(0);
        if self.sample.len() < SAMPLE_FILLS && per_market < SAMPLE_FILLS_PER_MARKET {
            if let Some(count) = self.sampled_per_market.get_mut(fill.market as usize) {
                *count += 1;
            }
            self.sample.push(fill);
        }
    }

    /// One sample: total equity change (rewards included), and each market's position,
    /// whether it was quoted on both sides, and its mid.
    pub fn sample(&mut self, now_ms: u64, equity: Decimal, markets: impl Iterator<Item = MarketSample>) {
        let peak = self.peak.map_or(equity, |p| p.max(equity));
        self.peak = Some(peak);
        self.drawdown = self.drawdown.max(peak - equity);
        self.equity.push(now_ms, equity);
        for MarketSample { market, position, two_sided, mid } in markets {
            let totals = self.totals(market);
            totals.samples += 1;
            totals.quoted_samples += u64::from(two_sided);
            totals.max_position = totals.max_position.max(position.abs());
            let index = market as usize;
            if self.positions[index].last() != Some(position) {
                self.positions[index].push(now_ms, position);
            }
            if let Some(mid) = mid
                && self.mids[index].last() != Some(mid)
            {
                self.mids[index].push(now_ms, mid);
            }
        }
    }

    /// A market settled: `jump` is the payout's value less the last mark.
    pub fn settled(&mut self, market: u32, payout_yes: Decimal, jump: Decimal) {
        let totals = self.totals(market);
        totals.settlement += jump;
        totals.payout_yes = Some(payout_yes);
    }

    /// The final figures, given each market's P&L and rewards; fills still waiting for a
    /// markout complete without it.
    pub fn finish(mut self, pnl_of: impl Fn(u32) -> (Decimal, Decimal)) -> Measured {
        while let Some(fill) = self.pending.pop_front() {
            self.complete(fill);
        }
        for totals in &mut self.markets {
            let (pnl, rewards) = pnl_of(totals.market);
            totals.pnl = pnl;
            totals.rewards = rewards;
            totals.quoted = if totals.samples == 0 {
                Decimal::ZERO
            } else {
                Decimal::from(totals.quoted_samples) / Decimal::from(totals.samples)
            };
        }
        let mut markout_cents = [Decimal::ZERO; 3];
        for (horizon, slot) in markout_cents.iter_mut().enumerate() {
            if !self.markout_shares[horizon].is_zero() {
                *slot = (self.markout_sum[horizon] / self.markout_shares[horizon] * Decimal::ONE_HUNDRED)
                    .round_dp(2);
            }
        }
        Measured {
            fill_sample: self.sample,
            fill_count: self.fills,
            volume: self.volume,
            bought: self.bought,
            markout_cents,
            equity: self.equity,
            max_drawdown: self.drawdown,
            markets: self.markets,
            positions: self.positions,
            mids: self.mids,
        }
    }
}

/// What a replay measured.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Fills kept for the report's chart (the first ones, up to a cap per market).
    pub fill_sample: Vec<FillRow>,
    /// Fills.
    pub fill_count: u64,
    /// Shares traded.
    pub volume: Decimal,
    /// Cash spent on buys (price × shares, before fees).
    pub bought: Decimal,
    /// Mean markout at each horizon, cents a share (positive: against us).
    pub markout_cents: [Decimal; 3],
    /// Equity change over time (a sample a second, thinned).
    pub equity: Thinned,
    /// Largest fall of equity from a peak.
    pub max_drawdown: Decimal,
    /// Per market.
    pub markets: Vec<MarketTotals>,
    /// Each market's YES-equivalent position when it changed (thinned).
    pub positions: Vec<Thinned>,
    /// Each market's YES-terms mid when it changed (thinned).
    pub mids: Vec<Thinned>,
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn fill(at_ms: u64, side: Side) -> FillRow {
        FillRow {
            at_ms,
            market: 0,
            outcome: Outcome::Yes,
            side,
            price: dec!(0.50),
            shares: dec!(10),
            fee: dec!(0),
            rebate: dec!(0),
            maker: true,
            mid: Some(dec!(0.51)),
            markouts: [None; 3],
        }
    }

    #[test]
    fn markouts_are_taken_at_each_horizon_and_fills_then_leave_memory() {
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = seen.clone();
        let mut measure = Measure::with_sink(Box::new(move |f: &FillRow| sink.borrow_mut().push(f.markouts)));
        measure.market(0, "m");
        measure.fill(fill(0, Side::Buy));
        measure.fill(fill(30_000, Side::Sell));
        measure.markouts(1_000, |_| Some(dec!(0.49)));
        measure.markouts(10_000, |_| Some(dec!(0.47)));
        measure.markouts(60_000, |_| Some(dec!(0.52)));
        assert_eq!(seen.borrow().len(), 1, "the first fill left after its 60 s markout");
        assert_eq!(seen.borrow()[0], [Some(dec!(0.01)), Some(dec!(0.03)), Some(dec!(-0.02))]);
        assert_eq!(measure.pending.len(), 1);
        let measured = measure.finish(|_| (dec!(0), dec!(0)));
        assert_eq!(measured.fill_count, 2);
        assert_eq!(measured.bought, dec!(5));
        assert_eq!(measured.fill_sample.len(), 2);
        assert_eq!(
            measured.markets[0].spread,
            dec!(0.1) - dec!(0.1),
            "bought 1¢ under, sold 1¢ under the mid"
        );
    }

    #[test]
    fn a_series_keeps_at_most_its_cap_and_spans_the_whole_run() {
        let mut series = Thinned::default();
        for second in 0..100_000u64 {
            series.push(second * 1_000, Decimal::from(second));
        }
        assert!(series.points().len() < SERIES_POINTS);
        assert_eq!(series.points()[0].0, 0);
        assert!(series.points().last().unwrap().0 > 99_000_000 - 60_000, "it reaches the end");
    }
}
