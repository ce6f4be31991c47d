//! What a comparison run measures, as pure accumulators: P&L split into spread capture,
//! inventory, rewards and fees; the equity curve's maximum drawdown; fills and volume; the
//! markout of our fills 10 s later; and the share of time both sides were quoted. And the
//! table `sim-compare` prints.

use std::collections::VecDeque;
use std::fmt::Write as _;

use rust_decimal::{Decimal, MathematicalOps as _};
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

/// One strategy over many seeds: the mean of a figure, its 95 % confidence half-width
/// (1.96 standard errors), and on how many seeds it beat the first strategy's figure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OverSeeds {
    /// The strategy.
    pub strategy: String,
    /// Seeds run.
    pub seeds: u32,
    /// Mean P&L.
    pub pnl: Decimal,
    /// 95 % confidence half-width of the mean P&L.
    pub pnl_ci: Decimal,
    /// Mean of the worst drawdown.
    pub max_drawdown: Decimal,
    /// Seeds on which the first strategy's P&L was higher than this one's.
    pub first_ahead: u32,
}

/// Mean and 95 % confidence half-width of `values`.
fn mean_ci(values: &[Decimal]) -> (Decimal, Decimal) {
    let n = Decimal::from(values.len().max(1) as u64);
    let mean = values.iter().copied().sum::<Decimal>() / n;
    if values.len() < 2 {
        return (mean, Decimal::ZERO);
    }
    let variance = values.iter().map(|v| (*v - mean) * (*v - mean)).sum::<Decimal>() / (n - Decimal::ONE);
    let standard_error = (variance / n).sqrt().unwrap_or(Decimal::ZERO);
    (mean, standard_error * Decimal::new(196, 2))
}

/// Per strategy over seeds, from `runs[seed][strategy]` (every seed has the same
/// strategies in the same order; the first is the one the others are compared with).
pub fn over_seeds(runs: &[Vec<StrategyReport>]) -> Vec<OverSeeds> {
    let Some(first) = runs.first() else { return Vec::new() };
    (0..first.len())
        .map(|k| {
            let pnls: Vec<Decimal> = runs.iter().map(|r| r[k].pnl).collect();
            let drawdowns: Vec<Decimal> = runs.iter().map(|r| r[k].max_drawdown).collect();
            let (pnl, pnl_ci) = mean_ci(&pnls);
            OverSeeds {
                strategy: first[k].strategy.clone(),
                seeds: runs.len() as u32,
                pnl: pnl.round_dp(2),
                pnl_ci: pnl_ci.round_dp(2),
                max_drawdown: mean_ci(&drawdowns).0.round_dp(2),
                first_ahead: runs.iter().filter(|r| r[0].pnl > r[k].pnl).count() as u32,
            }
        })
        .collect()
}

/// The table over seeds.
pub fn seeds_table(title: &str, rows: &[OverSeeds]) -> String {
    let mut out = format!("{title}\n");
    let first = rows.first().map_or("", |r| r.strategy.as_str());
    let _ = writeln!(out, "| strategy | mean P&L | 95 % CI | mean max drawdown | seeds {first} ahead |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for r in rows {
        let ahead =
            if r.strategy == first { "—".to_owned() } else { format!("{} of {}", r.first_ahead, r.seeds) };
        let _ =
            writeln!(out, "| {} | {} | ±{} | {} | {ahead} |", r.strategy, r.pnl, r.pnl_ci, r.max_drawdown);
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
    fn over_seeds_gives_the_mean_its_confidence_and_the_seeds_won() {
        let run = |a: Decimal, b: Decimal| {
            vec![
                StrategyReport { strategy: "polymm".into(), pnl: a, ..StrategyReport::default() },
                StrategyReport {
                    strategy: "fixed".into(),
                    pnl: b,
                    max_drawdown: dec!(2),
                    ..StrategyReport::default()
                },
            ]
        };
        let rows = over_seeds(&[run(dec!(10), dec!(4)), run(dec!(20), dec!(30)), run(dec!(30), dec!(8))]);
        assert_eq!((rows[0].pnl, rows[1].pnl, rows[1].max_drawdown), (dec!(20), dec!(14), dec!(2)));
        assert_eq!(rows[1].first_ahead, 2, "polymm ahead on two seeds of three");
        assert_eq!(rows[0].pnl_ci, dec!(11.32), "1.96 · 10 / √3");
        assert!(seeds_table("t", &rows).contains("| fixed | 14 | ±"));
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
