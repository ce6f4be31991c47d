//! What a comparison run measures, as pure accumulators: P&L split into spread capture,
//! inventory, rewards and fees; the equity curve's maximum drawdown; fills and volume; the
//! markout of our fills 10 s later; and the share of time both sides were quoted. And the
//! table `sim-compare` prints.

use std::collections::VecDeque;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::Side;

/// Seconds after a fill at which its markout is taken.
pub const MARKOUT_MS: u64 = 10_000;

/// One strategy's results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StrategyReport {
    /// The strategy.
    pub strategy: String,
    /// Total P&L: equity change plus estimated rewards.
    pub pnl: Decimal,
    /// Edge captured against the mid at each fill.
    pub spread: Decimal,
    /// Marking of inventory: equity change − spread capture + fees.
    pub inventory: Decimal,
    /// Estimated liquidity rewards.
    pub rewards: Decimal,
    /// Fees paid.
    pub fees: Decimal,
    /// Largest peak-to-trough fall of equity (with rewards).
    pub max_drawdown: Decimal,
    /// Our fills.
    pub fills: u64,
    /// Shares traded.
    pub volume: Decimal,
    /// Mean adverse move 10 s after our fills, cents per share (positive: against us).
    pub markout_cents: Decimal,
    /// Share of market-seconds with both sides quoted.
    pub quoted: Decimal,
    /// The longest a market waited on answers or a reconciliation, seconds.
    pub longest_stall_secs: u64,
    /// Each market's last readings, for `--verbose`.
    #[serde(skip)]
    pub last_signals: Vec<String>,
}

/// One of our fills as the run saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeenFill {
    /// When, unix ms.
    pub at_ms: u64,
    /// Market index.
    pub market: usize,
    /// Our side, YES terms.
    pub side: Side,
    /// Price, YES terms.
    pub price: Decimal,
    /// Shares.
    pub size: Decimal,
    /// The mid just before the fill.
    pub mid: Decimal,
    /// Fee paid.
    pub fee: Decimal,
}

/// Builds a [`StrategyReport`] as a run progresses.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    spread: Decimal,
    fees: Decimal,
    fills: u64,
    volume: Decimal,
    peak: Option<Decimal>,
    drawdown: Decimal,
    pending: VecDeque<(u64, usize, Side, Decimal, Decimal)>,
    markout_sum: Decimal,
    markout_shares: Decimal,
    quoted_samples: u64,
    samples: u64,
}

impl Tally {
    /// A fill of ours.
    pub fn fill(&mut self, fill: &SeenFill) {
        let edge = match fill.side {
            Side::Buy => fill.mid - fill.price,
            Side::Sell => fill.price - fill.mid,
        };
        self.spread += edge * fill.size;
        self.fees += fill.fee;
        self.fills += 1;
        self.volume += fill.size;
        self.pending.push_back((fill.at_ms, fill.market, fill.side, fill.price, fill.size));
    }

    /// Markets' mids at `now_ms`: completes markouts due (a market without a mid, e.g.
    /// resolved, settles them at `settled(market)`).
    pub fn mids(&mut self, now_ms: u64, mid_of: impl Fn(usize) -> Option<Decimal>) {
        while let Some(&(at, market, side, price, size)) = self.pending.front() {
            if now_ms.saturating_sub(at) < MARKOUT_MS {
                break;
            }
            self.pending.pop_front();
            let Some(mid) = mid_of(market) else { continue };
            let adverse = match side {
                Side::Buy => price - mid,
                Side::Sell => mid - price,
            };
            self.markout_sum += adverse * size;
            self.markout_shares += size;
        }
    }

    /// One sample of the equity curve (P&L so far, rewards included).
    pub fn equity(&mut self, pnl: Decimal) {
        let peak = self.peak.map_or(pnl, |p| p.max(pnl));
        self.peak = Some(peak);
        self.drawdown = self.drawdown.max(peak - pnl);
    }

    /// One market-second: whether both sides were quoted.
    pub fn quoted(&mut self, both_sides: bool) {
        self.samples += 1;
        self.quoted_samples += u64::from(both_sides);
    }

    /// The report, given the final equity change and the rewards.
    pub fn finish(&self, strategy: &str, equity_change: Decimal, rewards: Decimal) -> StrategyReport {
        let markout_cents = if self.markout_shares.is_zero() {
            Decimal::ZERO
        } else {
            self.markout_sum / self.markout_shares * Decimal::ONE_HUNDRED
        };
        let quoted = if self.samples == 0 {
            Decimal::ZERO
        } else {
            Decimal::from(self.quoted_samples) / Decimal::from(self.samples)
        };
        StrategyReport {
            strategy: strategy.to_owned(),
            pnl: (equity_change + rewards).round_dp(2),
            spread: self.spread.round_dp(2),
            inventory: (equity_change - self.spread + self.fees).round_dp(2),
            rewards: rewards.round_dp(2),
            fees: self.fees.round_dp(2),
            max_drawdown: self.drawdown.round_dp(2),
            fills: self.fills,
            volume: self.volume.round_dp(2),
            markout_cents: markout_cents.round_dp(2),
            quoted: quoted.round_dp(3),
            longest_stall_secs: 0,
            last_signals: Vec::new(),
        }
    }
}

/// The comparison table, one row per strategy.
pub fn table(title: &str, reports: &[StrategyReport]) -> String {
    let mut out = format!("{title}\n");
    let _ = writeln!(
        out,
        "| strategy | P&L | spread | inventory | rewards | fees | max drawdown | fills | volume | markout 10 s (¢) | quoted |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in reports {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}% |",
            r.strategy,
            r.pnl,
            r.spread,
            r.inventory,
            r.rewards,
            r.fees,
            r.max_drawdown,
            r.fills,
            r.volume,
            r.markout_cents,
            (r.quoted * Decimal::ONE_HUNDRED).round_dp(1)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn pnl_splits_into_spread_inventory_rewards_and_fees() {
        let mut tally = Tally::default();
        tally.fill(&SeenFill {
            at_ms: 0,
            market: 0,
            side: Side::Buy,
            price: dec!(0.48),
            size: dec!(10),
            mid: dec!(0.50),
            fee: dec!(0.01),
        });
        tally.fill(&SeenFill {
            at_ms: 0,
            market: 0,
            side: Side::Sell,
            price: dec!(0.53),
            size: dec!(10),
            mid: dec!(0.50),
            fee: dec!(0),
        });
        let report = tally.finish("x", dec!(0.49), dec!(0.2));
        assert_eq!(
            (report.spread, report.fees, report.fills, report.volume),
            (dec!(0.5), dec!(0.01), 2, dec!(20))
        );
        assert_eq!(report.inventory, dec!(0));
        assert_eq!(report.pnl, dec!(0.69));
        assert_eq!(report.pnl, report.spread + report.inventory + report.rewards - report.fees);
    }

    #[test]
    fn drawdown_is_the_largest_fall_from_a_peak() {
        let mut tally = Tally::default();
        for pnl in [dec!(0), dec!(5), dec!(2), dec!(8), dec!(1), dec!(9)] {
            tally.equity(pnl);
        }
        assert_eq!(tally.finish("x", dec!(0), dec!(0)).max_drawdown, dec!(7));
    }

    #[test]
    fn markouts_wait_ten_seconds_and_sign_by_side() {
        let mut tally = Tally::default();
        tally.fill(&SeenFill {
            at_ms: 0,
            market: 0,
            side: Side::Buy,
            price: dec!(0.50),
            size: dec!(10),
            mid: dec!(0.5),
            fee: dec!(0),
        });
        tally.fill(&SeenFill {
            at_ms: 0,
            market: 1,
            side: Side::Sell,
            price: dec!(0.50),
            size: dec!(10),
            mid: dec!(0.5),
            fee: dec!(0),
        });
        tally.mids(9_999, |_| Some(dec!(0.40)));
        assert_eq!(tally.finish("x", dec!(0), dec!(0)).markout_cents, dec!(0));
        tally.mids(10_000, |market| Some(if market == 0 { dec!(0.47) } else { dec!(0.49) }));
        assert_eq!(
            tally.finish("x", dec!(0), dec!(0)).markout_cents,
            dec!(1),
            "3¢ lost on one, 1¢ won on the other: 1¢ on average"
        );
        tally.quoted(true);
        tally.quoted(false);
        assert_eq!(tally.finish("x", dec!(0), dec!(0)).quoted, dec!(0.5));
    }

    #[test]
    fn the_table_has_a_row_per_strategy() {
        let rows = [
            StrategyReport { strategy: "polymm".into(), ..StrategyReport::default() },
            StrategyReport { strategy: "fixed".into(), ..StrategyReport::default() },
        ];
        let text = table("calm", &rows);
        assert_eq!(text.lines().count(), 5);
        assert!(text.contains("| polymm |") && text.contains("| fixed |"));
    }
}
