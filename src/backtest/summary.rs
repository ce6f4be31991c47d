//! A replay's results in the shapes people read: the `sim-compare` table's row
//! ([`StrategyReport`]), the summary written to `summary.json` (every figure as a decimal
//! string, keys in a fixed order, nothing from the wall clock: the same inputs give the same
//! bytes), and the lines of `fills.csv` (written as fills complete, never held).

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use super::config::{Latency, ReplayResult};
use super::measure::{FillRow, MARKOUTS_MS, MarketTotals};
use crate::compare::StrategyReport;

/// One strategy's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The strategy.
    pub strategy: String,
    /// Queue model.
    pub queue: String,
    /// Latency model.
    pub latency: String,
    /// Taker fee rate override, if any.
    pub fee_rate: Option<Decimal>,
    /// Share of taker fees paid back to makers.
    pub maker_rebate_share: Decimal,
    /// Events replayed.
    pub events: u64,
    /// First and last event, unix ms.
    pub span_ms: (u64, u64),
    /// Total P&L.
    pub pnl: Decimal,
    /// Edge captured against the mid.
    pub spread: Decimal,
    /// Marking of inventory (P&L − spread − rewards − rebates − settlement + fees).
    pub inventory: Decimal,
    /// Estimated rewards.
    pub rewards: Decimal,
    /// Fees paid.
    pub fees: Decimal,
    /// Maker rebates earned.
    pub rebates: Decimal,
    /// Settlement against the last marks.
    pub settlement: Decimal,
    /// Largest drawdown of equity.
    pub max_drawdown: Decimal,
    /// Fills.
    pub fills: u64,
    /// Shares traded.
    pub volume: Decimal,
    /// Mean markout (¢ a share, positive against us) at 1 s, 10 s, 60 s.
    pub markout_cents: [Decimal; 3],
    /// Share of market-seconds quoted on both sides.
    pub quoted: Decimal,
    /// Actions the exchange refused.
    pub refused: u64,
    /// Per market.
    pub markets: Vec<MarketTotals>,
}

fn latency_name(latency: Latency) -> String {
    match latency {
        Latency::Fixed { place_ms, cancel_ms } if place_ms == cancel_ms => format!("{place_ms} ms"),
        Latency::Fixed { place_ms, cancel_ms } => format!("place {place_ms} ms, cancel {cancel_ms} ms"),
        Latency::Feed => "the recorded feed latency".into(),
    }
}

impl Summary {
    /// The summary of one replay.
    pub fn of(result: &ReplayResult) -> Self {
        let m = &result.measured;
        let sum = |f: fn(&MarketTotals) -> Decimal| m.markets.iter().map(f).sum::<Decimal>();
        let (spread, fees, rebates, settlement) =
            (sum(|t| t.spread), sum(|t| t.fees), sum(|t| t.rebates), sum(|t| t.settlement));
        let (quoted, samples) =
            m.markets.iter().fold((Decimal::ZERO, 0u32), |(q, n), t| (q + t.quoted, n + 1));
        let round = |d: Decimal| d.round_dp(2);
        let mut markets = m.markets.clone();
        for t in &mut markets {
            for value in
                [&mut t.pnl, &mut t.spread, &mut t.fees, &mut t.rebates, &mut t.rewards, &mut t.settlement]
            {
                *value = round(*value);
            }
            t.quoted = t.quoted.round_dp(3);
        }
        Self {
            strategy: result.strategy.clone(),
            queue: result.config.queue.to_string(),
            latency: latency_name(result.config.latency),
            fee_rate: result.config.fees.rate_override,
            maker_rebate_share: result.config.fees.maker_rebate_share,
            events: result.events,
            span_ms: result.span,
            pnl: round(result.pnl),
            spread: round(spread),
            inventory: round(result.pnl - spread - result.rewards - rebates - settlement + fees),
            rewards: round(result.rewards),
            fees: round(fees),
            rebates: round(rebates),
            settlement: round(settlement),
            max_drawdown: round(m.max_drawdown),
            fills: m.fill_count,
            volume: round(m.volume),
            markout_cents: m.markout_cents,
            quoted: if samples == 0 { Decimal::ZERO } else { (quoted / Decimal::from(samples)).round_dp(3) },
            refused: result.refused,
            markets,
        }
    }

    /// The `sim-compare` row (inventory there holds rebates and settlement too).
    pub fn row(&self) -> StrategyReport {
        StrategyReport {
            strategy: self.strategy.clone(),
            pnl: self.pnl,
            spread: self.spread,
            inventory: self.inventory + self.rebates + self.settlement,
            rewards: self.rewards,
            fees: self.fees,
            max_drawdown: self.max_drawdown,
            fills: self.fills,
            volume: self.volume,
            markout_cents: self.markout_cents[1],
            quoted: self.quoted,
            longest_stall_secs: 0,
            last_signals: Vec::new(),
        }
    }
}

/// `fills.csv`'s first line.
pub fn fills_csv_header() -> String {
    let mut out = String::from("time_ms,market,token,side,price,shares,fee,rebate,maker,mid");
    for ms in MARKOUTS_MS {
        let _ = write!(out, ",markout_{}s", ms / 1_000);
    }
    out.push('\n');
    out
}

/// One fill's line of `fills.csv`.
pub fn fills_csv_line(f: &FillRow) -> String {
    let text = |d: Option<Decimal>| d.map_or_else(String::new, |d| d.round_dp(6).normalize().to_string());
    let mut out = format!(
        "{},{},{:?},{:?},{},{},{},{},{},{}",
        f.at_ms,
        f.market,
        f.outcome,
        f.side,
        f.price.round_dp(6).normalize(),
        f.shares.round_dp(6).normalize(),
        f.fee.normalize(),
        f.rebate.normalize(),
        f.maker,
        text(f.mid)
    );
    for markout in f.markouts {
        let _ = write!(out, ",{}", text(markout));
    }
    out.push('\n');
    out
}
