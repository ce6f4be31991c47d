//! What a replay measures, as it runs: every fill (for `fills.csv` and the markouts at 1,
//! 10 and 60 s), the equity curve and its drawdown, the P&L split (spread capture against
//! the mid, inventory, fees, rebates, rewards, settlement), quoting time, and the same per
//! market. Pure accumulators; the engine feeds them.

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

/// The accumulators.
#[derive(Debug, Default)]
pub struct Measure {
    fills: Vec<FillRow>,
    due: VecDeque<(u64, usize, usize)>,
    equity: Vec<(u64, Decimal)>,
    peak: Option<Decimal>,
    drawdown: Decimal,
    markets: Vec<MarketTotals>,
    positions: Vec<Vec<(u64, Decimal)>>,
    mids: Vec<Vec<(u64, Decimal)>>,
}

impl Measure {
    /// Nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A market appears, with the name the report gives it.
    pub fn market(&mut self, market: u32, name: &str) {
        self.totals(market).name = name.to_owned();
    }

    fn totals(&mut self, market: u32) -> &mut MarketTotals {
        while self.markets.len() <= market as usize {
            let index = self.markets.len() as u32;
            self.markets.push(MarketTotals { market: index, ..MarketTotals::default() });
            self.positions.push(Vec::new());
            self.mids.push(Vec::new());
        }
        &mut self.markets[market as usize]
    }

    /// One fill.
    pub fn fill(&mut self, fill: FillRow) {
        let index = self.fills.len();
        for (horizon, ms) in MARKOUTS_MS.iter().enumerate() {
            self.due.push_back((fill.at_ms + ms, index, horizon));
        }
        let edge = fill.edge();
        let totals = self.totals(fill.market);
        totals.spread += edge;
        totals.fees += fill.fee;
        totals.rebates += fill.rebate;
        totals.fills += 1;
        totals.volume += fill.shares;
        self.fills.push(fill);
    }

    /// The markouts due by `now_ms`, taken at each market's YES-terms mid.
    pub fn markouts(&mut self, now_ms: u64, mid_of: impl Fn(u32) -> Option<Decimal>) {
        while let Some(&(due, index, horizon)) = self.due.front() {
            if due > now_ms {
                break;
            }
            self.due.pop_front();
            let fill = &mut self.fills[index];
            let Some(mid) = mid_of(fill.market) else { continue };
            let (side, price) = fill.yes_terms();
            fill.markouts[horizon] = Some(match side {
                Side::Buy => price - mid,
                Side::Sell => mid - price,
            });
        }
    }

    /// One sample: total equity change (rewards included), and each market's position,
    /// whether it was quoted on both sides, and its mid.
    pub fn sample(&mut self, now_ms: u64, equity: Decimal, markets: impl Iterator<Item = MarketSample>) {
        let peak = self.peak.map_or(equity, |p| p.max(equity));
        self.peak = Some(peak);
        self.drawdown = self.drawdown.max(peak - equity);
        self.equity.push((now_ms, equity));
        for MarketSample { market, position, two_sided, mid } in markets {
            let totals = self.totals(market);
            totals.samples += 1;
            totals.quoted_samples += u64::from(two_sided);
            totals.max_position = totals.max_position.max(position.abs());
            let series = &mut self.positions[market as usize];
            if series.last().is_none_or(|(_, p)| *p != position) {
                series.push((now_ms, position));
            }
            let mids = &mut self.mids[market as usize];
            if let Some(mid) = mid
                && mids.last().is_none_or(|(_, m)| *m != mid)
            {
                mids.push((now_ms, mid));
            }
        }
    }

    /// A market settled: `jump` is the payout's value less the last mark.
    pub fn settled(&mut self, market: u32, payout_yes: Decimal, jump: Decimal) {
        let totals = self.totals(market);
        totals.settlement += jump;
        totals.payout_yes = Some(payout_yes);
    }

    /// The final figures, given each market's P&L and rewards.
    pub fn finish(mut self, pnl_of: impl Fn(u32) -> (Decimal, Decimal)) -> Measured {
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
        Measured {
            fills: self.fills,
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
    /// Every fill.
    pub fills: Vec<FillRow>,
    /// Equity change over time (one sample a second).
    pub equity: Vec<(u64, Decimal)>,
    /// Largest fall of equity from a peak.
    pub max_drawdown: Decimal,
    /// Per market.
    pub markets: Vec<MarketTotals>,
    /// Each market's YES-equivalent position when it changed (sampled a second).
    pub positions: Vec<Vec<(u64, Decimal)>>,
    /// Each market's YES-terms mid when it changed (sampled a second).
    pub mids: Vec<Vec<(u64, Decimal)>>,
}

impl Measured {
    /// Mean markout at each horizon, cents per share (positive: against us).
    pub fn markout_cents(&self) -> [Decimal; 3] {
        let mut out = [Decimal::ZERO; 3];
        for (horizon, slot) in out.iter_mut().enumerate() {
            let (mut sum, mut shares) = (Decimal::ZERO, Decimal::ZERO);
            for fill in &self.fills {
                if let Some(markout) = fill.markouts[horizon] {
                    sum += markout * fill.shares;
                    shares += fill.shares;
                }
            }
            if !shares.is_zero() {
                *slot = (sum / shares * Decimal::ONE_HUNDRED).round_dp(2);
            }
        }
        out
    }
}
