//! `report.html`: one self-contained page (inline SVG, inline CSS, no scripts, nothing
//! fetched) with the comparison table, equity and drawdown, inventory per market, fills
//! over the price, markouts at 1/10/60 s, the P&L split, settlement against trading, a
//! per-market table, the models used, the data's coverage and gaps, and the same strategies
//! under the optimistic, neutral and pessimistic queue models.

use std::fmt::Write as _;
use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::config::ReplayResult;
use super::summary::Summary;
use super::svg::{PALETTE, Series, bars, lines, thin};
use crate::data::Inspection;
use crate::domain::Side;

/// Points per series at most.
const MAX_POINTS: usize = 900;

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Hours since `start_ms`.
fn hours(ms: u64, start_ms: u64) -> f64 {
    ms.saturating_sub(start_ms) as f64 / 3_600_000.0
}

fn hour_label(x: f64) -> String {
    format!("{x:.2} h")
}

fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// The page.
pub fn report_html(
    data: &Path,
    results: &[ReplayResult],
    variants: &[Summary],
    coverage: &Inspection,
) -> String {
    let summaries: Vec<Summary> = results.iter().map(Summary::of).collect();
    let start = results.first().map_or(0, |r| r.span.0);
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>polymm backtest</title><style>\
         body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}\
         table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
         th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}h2{margin-top:28px}\
         pre{background:#f7f7f7;padding:8px}.note{color:#555;font-size:13px}</style></head><body>",
    );
    let _ = write!(
        html,
        "<h1>polymm backtest</h1><p class=\"note\">data: {}</p>",
        escape(&data.display().to_string())
    );
    comparison(&mut html, &summaries);
    equity(&mut html, results, start);
    if let Some(first) = results.first() {
        inventory(&mut html, first, start);
        fills_over_price(&mut html, first, start);
    }
    markouts(&mut html, &summaries);
    split(&mut html, &summaries);
    per_market(&mut html, &summaries);
    queue_models(&mut html, variants, coverage.by_kind.get("trade").copied().unwrap_or(0));
    models(&mut html, &summaries);
    let _ = write!(html, "<h2>Data coverage and gaps</h2><pre>{}</pre>", escape(&coverage.render()));
    html.push_str("</body></html>\n");
    html
}

fn comparison(html: &mut String, summaries: &[Summary]) {
    html.push_str(
        "<h2>Strategies on the same data</h2><table><tr><th>strategy</th><th>P&amp;L</th><th>spread</th>\
         <th>inventory</th><th>rewards</th><th>fees</th><th>rebates</th><th>settlement</th><th>trading</th>\
         <th>max drawdown</th><th>fills</th><th>volume</th><th>quoted</th></tr>",
    );
    for s in summaries {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}%</td></tr>",
            escape(&s.strategy),
            s.pnl,
            s.spread,
            s.inventory,
            s.rewards,
            s.fees,
            s.rebates,
            s.settlement,
            s.pnl - s.settlement,
            s.max_drawdown,
            s.fills,
            s.volume,
            (s.quoted * Decimal::ONE_HUNDRED).round_dp(1)
        );
    }
    html.push_str(
        "</table><p class=\"note\">P&amp;L = spread + inventory + rewards + rebates + settlement − fees. \
         Settlement is what resolution paid against the last mark; trading is the rest.</p>",
    );
}

fn equity(html: &mut String, results: &[ReplayResult], start: u64) {
    let mut equity = Vec::new();
    let mut drawdown = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let points: Vec<(f64, f64)> =
            r.measured.equity.points().iter().map(|(t, e)| (hours(*t, start), f(*e))).collect();
        let mut peak = f64::MIN;
        let falls: Vec<(f64, f64)> = points
            .iter()
            .map(|&(x, y)| {
                peak = peak.max(y);
                (x, y - peak)
            })
            .collect();
        equity.push(Series {
            name: r.strategy.clone(),
            color: color(i),
            points: thin(&points, MAX_POINTS),
            dots: false,
        });
        drawdown.push(Series {
            name: r.strategy.clone(),
            color: color(i),
            points: thin(&falls, MAX_POINTS),
            dots: false,
        });
    }
    html.push_str("<h2>Equity and drawdown</h2>");
    html.push_str(&lines("Equity change, pUSD (rewards included)", &equity, &hour_label));
    html.push_str(&lines("Drawdown from the peak, pUSD", &drawdown, &hour_label));
}

/// Markets by volume traded, most first.
fn busiest(result: &ReplayResult) -> Vec<u32> {
    let mut markets: Vec<(Decimal, u32)> =
        result.measured.markets.iter().map(|m| (m.volume, m.market)).collect();
    markets.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    markets.into_iter().map(|(_, m)| m).collect()
}

fn inventory(html: &mut String, result: &ReplayResult, start: u64) {
    let series: Vec<Series> = busiest(result)
        .into_iter()
        .take(8)
        .enumerate()
        .filter_map(|(i, market)| {
            let positions = result.measured.positions.get(market as usize)?.points();
            let mut points = Vec::new();
            for pair in positions.windows(2) {
                points.push((hours(pair[0].0, start), f(pair[0].1)));
                points.push((hours(pair[1].0, start), f(pair[0].1)));
            }
            if let Some(last) = positions.last() {
                points.push((hours(last.0, start), f(last.1)));
            }
            let name =
                result.measured.markets.get(market as usize).map_or_else(String::new, |m| m.name.clone());
            Some(Series {
                name: format!("{market}: {name}"),
                color: color(i),
                points: thin(&points, MAX_POINTS),
                dots: false,
            })
        })
        .collect();
    let _ = write!(
        html,
        "<h2>Inventory per market ({})</h2>{}",
        escape(&result.strategy),
        lines("YES-equivalent position, shares (the 8 busiest markets)", &series, &hour_label)
    );
}

fn fills_over_price(html: &mut String, result: &ReplayResult, start: u64) {
    let Some(&market) = busiest(result).first() else { return };
    let mids = result.measured.mids.get(market as usize).map(|m| m.points()).unwrap_or_default();
    let mid: Vec<(f64, f64)> = mids.iter().map(|(t, m)| (hours(*t, start), f(*m))).collect();
    let fills = |side: Side| -> Vec<(f64, f64)> {
        result
            .measured
            .fill_sample
            .iter()
            .filter(|fill| fill.market == market && fill.yes_terms().0 == side)
            .map(|fill| (hours(fill.at_ms, start), f(fill.yes_terms().1)))
            .take(4_000)
            .collect()
    };
    let series = [
        Series { name: "mid".into(), color: "#888888", points: thin(&mid, MAX_POINTS), dots: false },
        Series { name: "we bought".into(), color: "#2ca02c", points: fills(Side::Buy), dots: true },
        Series { name: "we sold".into(), color: "#d62728", points: fills(Side::Sell), dots: true },
    ];
    let name = result.measured.markets.get(market as usize).map_or_else(String::new, |m| m.name.clone());
    let _ = write!(
        html,
        "<h2>Fills over the price ({}, busiest market)</h2>{}",
        escape(&result.strategy),
        lines(&format!("Market {market}: {name} (YES terms)"), &series, &hour_label)
    );
}

fn markouts(html: &mut String, summaries: &[Summary]) {
    let series: Vec<(String, &'static str, Vec<f64>)> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| (s.strategy.clone(), color(i), s.markout_cents.iter().map(|d| f(*d)).collect()))
        .collect();
    html.push_str("<h2>Markouts</h2>");
    html.push_str(&bars(
        "Mean move against our fills, ¢ a share (lower is better)",
        &["1 s", "10 s", "60 s"],
        &series,
    ));
}

fn split(html: &mut String, summaries: &[Summary]) {
    let series: Vec<(String, &'static str, Vec<f64>)> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let values = [s.spread, s.inventory, -s.fees, s.rebates, s.rewards, s.settlement];
            (s.strategy.clone(), color(i), values.iter().map(|d| f(*d)).collect())
        })
        .collect();
    html.push_str("<h2>Where the P&amp;L came from</h2>");
    html.push_str(&bars(
        "pUSD by source",
        &["spread", "inventory", "fees (−)", "rebates", "rewards", "settlement"],
        &series,
    ));
}

fn per_market(html: &mut String, summaries: &[Summary]) {
    let Some(first) = summaries.first() else { return };
    html.push_str("<h2>Per market</h2><table><tr><th>market</th>");
    for s in summaries {
        let _ = write!(html, "<th>{} P&amp;L</th>", escape(&s.strategy));
    }
    let _ = write!(
        html,
        "<th>{0} fills</th><th>{0} volume</th><th>{0} max position</th><th>{0} quoted</th><th>settled at</th></tr>",
        escape(&first.strategy)
    );
    for (i, m) in first.markets.iter().enumerate() {
        let name: String = m.name.chars().take(60).collect();
        let _ = write!(html, "<tr><td>{}: {}</td>", m.market, escape(&name));
        for s in summaries {
            let pnl = s.markets.get(i).map_or(Decimal::ZERO, |t| t.pnl);
            let _ = write!(html, "<td>{pnl}</td>");
        }
        let _ = write!(
            html,
            "<td>{}</td><td>{}</td><td>{}</td><td>{}%</td><td>{}</td></tr>",
            m.fills,
            m.volume.round_dp(2),
            m.max_position.round_dp(2),
            (m.quoted * Decimal::ONE_HUNDRED).round_dp(1),
            m.payout_yes.map_or_else(|| "—".into(), |p| p.normalize().to_string())
        );
    }
    html.push_str("</table>");
}

fn queue_models(html: &mut String, variants: &[Summary], trades: u64) {
    if variants.is_empty() {
        return;
    }
    html.push_str(
        "<h2>The same runs under three queue models</h2><p class=\"note\">optimistic: trade-only (no queue); \
         neutral: probabilistic, f(x) = x²; pessimistic: risk-averse (cancels come from behind us).</p>",
    );
    if trades == 0 {
        html.push_str(
            "<p class=\"note\"><b>This data set has no trade prints</b> (book snapshots only): our resting \
             orders fill only when the book crosses their price, so the queue models cannot differ and \
             trade-only fills nothing.</p>",
        );
    }
    html.push_str(
        "<table><tr><th>strategy</th><th>queue model</th><th>P&amp;L</th><th>spread</th><th>fills</th>\
         <th>volume</th><th>markout 10 s (¢)</th><th>max drawdown</th></tr>",
    );
    for v in variants {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&v.strategy),
            escape(&v.queue),
            v.pnl,
            v.spread,
            v.fills,
            v.volume,
            v.markout_cents[1],
            v.max_drawdown
        );
    }
    html.push_str("</table>");
}

fn models(html: &mut String, summaries: &[Summary]) {
    let Some(s) = summaries.first() else { return };
    let _ = write!(
        html,
        "<h2>Models and parameters</h2><table>\
         <tr><td>queue</td><td>{}</td></tr><tr><td>latency</td><td>{}</td></tr>\
         <tr><td>taker fee</td><td>{}</td></tr><tr><td>maker fee</td><td>0</td></tr>\
         <tr><td>maker rebate</td><td>{} of the taker fee</td></tr>\
         <tr><td>rewards</td><td>the daemon's own estimate (its reward scorer), credited as its own line</td></tr>\
         <tr><td>books</td><td>YES and NO merged onto YES terms (mirrored levels counted once)</td></tr>\
         <tr><td>settlement</td><td>1 pUSD a winning share at resolution; unresolved markets marked at the last mid</td></tr>\
         <tr><td>events replayed</td><td>{}</td></tr><tr><td>actions refused</td><td>{}</td></tr></table>",
        escape(&s.queue),
        escape(&s.latency),
        s.fee_rate.map_or_else(
            || "rate · p · (1 − p) a share, rate by category".into(),
            |r| format!("{r} · p · (1 − p) a share")
        ),
        s.maker_rebate_share,
        s.events,
        s.refused
    );
}
