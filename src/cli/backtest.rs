//! `polymm backtest`: the daemon's strategies replayed on recorded or downloaded market
//! data, each on the same events, printed as the `sim-compare` table; `--report DIR`
//! writes the HTML report, `summary.json` and `fills.csv` (the first strategy's fills).

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rust_decimal::Decimal;

use super::sim_compare::parse_strategies;
use super::{GlobalArgs, print_line};
use crate::backtest::{
    CoreStrategy, Fees, Latency, QueueKind, Replay, ReplayConfig, ReplayResult, Summary, TakerFills,
};
use crate::clock::Millis;
use crate::compare::table;
use crate::config::Config;
use crate::strategy::StrategyKind;

/// How taker orders fill (`--taker-fills`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TakerFillsArg {
    /// Walk the book.
    Book,
    /// At the mid, any size.
    Mid,
}

/// `polymm backtest` flags.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// A recording (file or folder), a resolvedkit folder, or PMXT Parquet (file or folder).
    #[arg(long)]
    pub data: PathBuf,
    /// Strategies, comma-separated.
    #[arg(long, default_value = "polymm,fixed,avellaneda-stoikov")]
    pub strategy: String,
    /// Queue model: risk-averse (pessimistic), power<N> or log (probabilistic), trade-only (optimistic).
    #[arg(long, default_value = "risk-averse")]
    pub queue: QueueKind,
    /// Order latency: milliseconds (`100`), `place=100,cancel=50`, or `feed` (the recorded feed latency).
    #[arg(long, default_value = "100", value_parser = parse_latency)]
    pub latency: Latency,
    /// How taker orders fill.
    #[arg(long, value_enum, default_value_t = TakerFillsArg::Book)]
    pub taker_fills: TakerFillsArg,
    /// Taker fee rate for every market instead of its category's.
    #[arg(long)]
    pub fee_rate: Option<Decimal>,
    /// Share of the taker fee paid back to the maker (where the market pays rebates).
    #[arg(long, default_value = "0")]
    pub maker_rebate: Decimal,
    /// Write report.html, summary.json and fills.csv here.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// A latency flag's value.
pub fn parse_latency(text: &str) -> Result<Latency, String> {
    let text = text.trim();
    if text == "feed" {
        return Ok(Latency::Feed);
    }
    if let Ok(ms) = text.trim_end_matches("ms").parse::<u64>() {
        return Ok(Latency::Fixed { place_ms: ms, cancel_ms: ms });
    }
    let (mut place, mut cancel) = (None, None);
    for part in text.split(',') {
        let (key, value) = part.split_once('=').ok_or_else(|| format!("{part:?}: expected key=ms"))?;
        let ms: u64 = value
            .trim()
            .trim_end_matches("ms")
            .parse()
            .map_err(|_| format!("{value:?} is not milliseconds"))?;
        match key.trim() {
            "place" => place = Some(ms),
            "cancel" => cancel = Some(ms),
            other => return Err(format!("unknown latency {other:?}: place or cancel")),
        }
    }
    match (place, cancel) {
        (Some(place_ms), Some(cancel_ms)) => Ok(Latency::Fixed { place_ms, cancel_ms }),
        _ => Err("give both place= and cancel=, one number, or feed".into()),
    }
}

fn progress_bar(label: &str, total: Option<u64>) -> ProgressBar {
    let bar = match total {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{prefix:>22} {bar:30} {pos}/{len} events {per_sec} ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{prefix:>22} {spinner} {pos} events {per_sec} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_prefix(label.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// `fills.csv` written as the replay completes fills.
type CsvOut = Rc<RefCell<BufWriter<File>>>;

fn fills_file(path: &Path) -> anyhow::Result<CsvOut> {
    let mut file =
        BufWriter::new(File::create(path).with_context(|| format!("creating {}", path.display()))?);
    file.write_all(crate::backtest::fills_csv_header().as_bytes())?;
    Ok(Rc::new(RefCell::new(file)))
}

/// Replays the data at `path` once with the daemon's strategy of `kind`, writing its
/// fills to `fills` when given.
pub fn replay(
    config: &Config,
    path: &Path,
    kind: StrategyKind,
    replay_config: ReplayConfig,
    expected_events: Option<u64>,
    fills: Option<&Path>,
) -> anyhow::Result<ReplayResult> {
    let mut source = crate::data::open(path)?;
    let mut strategy = CoreStrategy::new(crate::system::core_params(config, kind));
    let label = format!("{} ({})", crate::strategy::model::strategy_name(kind), replay_config.queue);
    let bar = progress_bar(&label, expected_events);
    let mut replay = Replay::new(source.as_mut(), replay_config);
    let csv = fills.map(fills_file).transpose()?;
    let failed = Rc::new(Cell::new(false));
    if let Some(out) = &csv {
        let (out, failed) = (out.clone(), failed.clone());
        replay = replay.with_fills(Box::new(move |fill| {
            if out.borrow_mut().write_all(crate::backtest::fills_csv_line(fill).as_bytes()).is_err() {
                failed.set(true);
            }
        }));
    }
    let result = replay.run(&mut strategy, &mut |p| {
        bar.set_position(p.events);
        bar.set_message(Millis(p.now_ms).iso8601());
    });
    bar.finish_and_clear();
    if let Some(out) = csv {
        anyhow::ensure!(!failed.get() && out.borrow_mut().flush().is_ok(), "writing fills.csv failed");
    }
    let problems = source.problems();
    if !problems.is_clean() {
        tracing::warn!(
            skipped = problems.skipped,
            malformed = problems.malformed,
            truncated = problems.truncated,
            first = ?problems.first.first(),
            "the data set had problems (counted and skipped)"
        );
    }
    Ok(result)
}

/// Runs the backtest.
pub fn run(global: &GlobalArgs, args: &BacktestArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    let kinds = parse_strategies(&args.strategy)?;
    anyhow::ensure!(!kinds.is_empty(), "name at least one strategy");
    let replay_config = ReplayConfig {
        queue: args.queue,
        latency: args.latency,
        fees: Fees { rate_override: args.fee_rate, maker_rebate_share: args.maker_rebate },
        taker_fills: match args.taker_fills {
            TakerFillsArg::Book => TakerFills::Book,
            TakerFillsArg::Mid => TakerFills::Mid,
        },
    };
    if let Some(dir) = &args.report {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let fills_path = args.report.as_ref().map(|dir| dir.join("fills.csv"));
    let mut results = Vec::new();
    let mut events = None;
    for (index, kind) in kinds.iter().enumerate() {
        let fills = if index == 0 { fills_path.as_deref() } else { None };
        let result = replay(&config, &args.data, *kind, replay_config, events, fills)?;
        events = Some(result.events);
        results.push(result);
    }
    let summaries: Vec<Summary> = results.iter().map(Summary::of).collect();
    if args.json {
        print_line(serde_json::to_string_pretty(&summaries)?)?;
    } else {
        let (first, last) = results.first().map_or((0, 0), |r| r.span);
        let title = format!(
            "backtest of {} ({} events, {} → {}, queue {}, latency {})",
            args.data.display(),
            events.unwrap_or(0),
            Millis(first).iso8601(),
            Millis(last).iso8601(),
            summaries.first().map_or_else(String::new, |s| s.queue.clone()),
            summaries.first().map_or_else(String::new, |s| s.latency.clone()),
        );
        let rows: Vec<_> = summaries.iter().map(Summary::row).collect();
        print_line(table(&title, &rows).trim_end())?;
    }
    if let Some(dir) = &args.report {
        let variants = queue_variants(&config, &args.data, &kinds, replay_config, events)?;
        write_report(dir, &args.data, &results, &variants)?;
        print_line(format!("report written to {}", dir.join("report.html").display()))?;
    }
    Ok(())
}

/// Each strategy under the optimistic, neutral and pessimistic queue models.
fn queue_variants(
    config: &Config,
    path: &Path,
    kinds: &[StrategyKind],
    base: ReplayConfig,
    events: Option<u64>,
) -> anyhow::Result<Vec<Summary>> {
    let mut out = Vec::new();
    for kind in kinds {
        for queue in [QueueKind::TradeOnly, QueueKind::Power(2.0), QueueKind::RiskAverse] {
            let result = replay(config, path, *kind, ReplayConfig { queue, ..base }, events, None)?;
            out.push(Summary::of(&result));
        }
    }
    Ok(out)
}

fn write_report(
    dir: &Path,
    data: &Path,
    results: &[ReplayResult],
    variants: &[Summary],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let summaries: Vec<Summary> = results.iter().map(Summary::of).collect();
    let json = serde_json::to_string_pretty(&serde_json::json!({
        "data": data.display().to_string(),
        "strategies": summaries,
        "queue_models": variants,
    }))?;
    std::fs::write(dir.join("summary.json"), json + "\n")?;
    let mut source = crate::data::open(data)?;
    let coverage = crate::data::inspect(source.as_mut());
    let html = crate::backtest::report_html(data, results, variants, &coverage);
    std::fs::write(dir.join("report.html"), html)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_parse() {
        assert_eq!(parse_latency("250"), Ok(Latency::Fixed { place_ms: 250, cancel_ms: 250 }));
        assert_eq!(
            parse_latency("place=100,cancel=40ms"),
            Ok(Latency::Fixed { place_ms: 100, cancel_ms: 40 })
        );
        assert_eq!(parse_latency("feed"), Ok(Latency::Feed));
        assert!(parse_latency("place=100").is_err());
        assert!(parse_latency("soon").is_err());
    }
}
