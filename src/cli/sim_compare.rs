//! `polymm sim-compare`: runs each strategy on the identical seeded simulation of each
//! scenario and prints one table per scenario (or JSON).

use std::time::Instant;

use clap::Args;

use super::{GlobalArgs, print_line};
use crate::compare::{CompareSpec, StrategyReport, run_strategy, table};
use crate::strategy::StrategyKind;

/// `polymm sim-compare` flags.
#[derive(Debug, Args)]
pub struct SimCompareArgs {
    /// Scenarios, comma-separated (calm, trending, jumpy, toxic, competitive, resolving, mixed).
    #[arg(long, default_value = "calm")]
    pub scenario: String,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Many seeds instead of one, e.g. `1..50`: per scenario, each strategy's mean P&L
    /// with its 95 % confidence interval, mean worst drawdown, and the seeds the first
    /// strategy was ahead on.
    #[arg(long, value_parser = parse_seeds, conflicts_with = "seed")]
    pub seeds: Option<std::ops::RangeInclusive<u64>>,
    /// Virtual duration: seconds, or with a unit (90s, 30m, 2h).
    #[arg(long, default_value = "30m", value_parser = parse_duration_ms)]
    pub duration: u64,
    /// Strategies, comma-separated.
    #[arg(long, default_value = "polymm,fixed,avellaneda-stoikov")]
    pub strategy: String,
    /// Markets listed in each simulation.
    #[arg(long, default_value_t = 4)]
    pub markets: u32,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Also print each market's last strategy readings.
    #[arg(long)]
    pub verbose: bool,
}

/// Milliseconds of a duration like `90`, `90s`, `30m` or `2h`.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let value: u64 =
        number.trim().parse().map_err(|_| format!("{text:?} is not a duration like 90s, 30m or 2h"))?;
    let scale = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(format!("unknown unit {unit:?}: use ms, s, m or h")),
    };
    value.checked_mul(scale).filter(|ms| *ms > 0).ok_or_else(|| format!("{text:?} must be positive"))
}

/// A seed range like `1..50` (both ends included).
pub fn parse_seeds(text: &str) -> Result<std::ops::RangeInclusive<u64>, String> {
    let (low, high) =
        text.split_once("..").ok_or_else(|| format!("{text:?}: expected a range like 1..50"))?;
    let parse = |t: &str| t.trim().parse::<u64>().map_err(|_| format!("{t:?} is not a seed"));
    let (low, high) = (parse(low)?, parse(high.trim_start_matches('='))?);
    if low > high {
        return Err(format!("{text:?}: the range is empty"));
    }
    Ok(low..=high)
}

/// Strategies named in a comma-separated list.
pub fn parse_strategies(text: &str) -> anyhow::Result<Vec<StrategyKind>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<StrategyKind>().map_err(|e| anyhow::anyhow!("strategy {s:?}: {e}")))
        .collect()
}

/// Runs the comparison.
pub fn run(global: &GlobalArgs, args: &SimCompareArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    let strategies = parse_strategies(&args.strategy)?;
    anyhow::ensure!(!strategies.is_empty(), "name at least one strategy");
    if let Some(seeds) = &args.seeds {
        return over_seeds(&config, args, &strategies, seeds.clone());
    }
    let mut all = Vec::new();
    for scenario in args.scenario.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let spec = CompareSpec {
            scenario: scenario.to_owned(),
            seed: args.seed,
            duration_ms: args.duration,
            markets: args.markets,
        };
        let started = Instant::now();
        let reports: Vec<StrategyReport> =
            strategies.iter().map(|kind| run_strategy(&config, &spec, *kind)).collect::<Result<_, _>>()?;
        if args.json {
            all.push(serde_json::json!({ "scenario": scenario, "seed": args.seed, "duration_ms": args.duration, "markets": args.markets, "results": reports }));
        } else {
            let title = format!(
                "scenario {scenario}, seed {}, {} min, {} markets ({:.1} s)",
                args.seed,
                args.duration / 60_000,
                args.markets,
                started.elapsed().as_secs_f64()
            );
            print_line(table(&title, &reports))?;
            if args.verbose {
                for report in &reports {
                    for (index, line) in report.last_signals.iter().enumerate() {
                        print_line(format!("  {} market {index}: {line}", report.strategy))?;
                    }
                }
            }
        }
    }
    if args.json {
        print_line(&serde_json::to_string_pretty(&all)?)?;
    }
    Ok(())
}

/// Each scenario over a range of seeds.
fn over_seeds(
    config: &crate::config::Config,
    args: &SimCompareArgs,
    strategies: &[StrategyKind],
    seeds: std::ops::RangeInclusive<u64>,
) -> anyhow::Result<()> {
    let mut all = Vec::new();
    for scenario in args.scenario.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let started = Instant::now();
        let mut runs = Vec::new();
        for seed in seeds.clone() {
            let spec = CompareSpec {
                scenario: scenario.to_owned(),
                seed,
                duration_ms: args.duration,
                markets: args.markets,
            };
            let reports: Vec<StrategyReport> =
                strategies.iter().map(|kind| run_strategy(config, &spec, *kind)).collect::<Result<_, _>>()?;
            runs.push(reports);
        }
        let rows = crate::compare::over_seeds(&runs);
        if args.json {
            all.push(serde_json::json!({ "scenario": scenario, "seeds": [seeds.start(), seeds.end()], "duration_ms": args.duration, "markets": args.markets, "results": rows }));
        } else {
            let title = format!(
                "scenario {scenario}, seeds {}..={}, {} min, {} markets ({:.1} s)",
                seeds.start(),
                seeds.end(),
                args.duration / 60_000,
                args.markets,
                started.elapsed().as_secs_f64()
            );
            print_line(crate::compare::seeds_table(&title, &rows))?;
        }
    }
    if args.json {
        print_line(&serde_json::to_string_pretty(&all)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_strategy_lists_parse() {
        assert_eq!(parse_duration_ms("90"), Ok(90_000));
        assert_eq!(parse_duration_ms("30m"), Ok(1_800_000));
        assert_eq!(parse_duration_ms("2h"), Ok(7_200_000));
        assert!(parse_duration_ms("0s").is_err());
        assert!(parse_duration_ms("5 weeks").is_err());
        assert_eq!(
            parse_strategies("polymm, fixed").unwrap(),
            vec![StrategyKind::Polymm, StrategyKind::Fixed]
        );
        assert!(parse_strategies("polymm,martingale").is_err());
        assert_eq!(parse_seeds("1..50"), Ok(1..=50));
        assert_eq!(parse_seeds("3..=4"), Ok(3..=4));
        assert!(parse_seeds("9..2").is_err() && parse_seeds("seven").is_err());
    }
}
