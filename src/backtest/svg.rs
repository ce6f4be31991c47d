//! Inline SVG charts for the report, written by hand: lines (step or straight), dots and
//! grouped bars, with axes, ticks and a legend. No scripts, no fonts to fetch: the report
//! opens offline. Coordinates are `f64`: this is drawing, not money.

use std::fmt::Write as _;

/// The chart size.
const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 30.0;

/// Colours for series, in order.
pub const PALETTE: [&str; 10] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22",
];

/// One series.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Colour.
    pub color: &'static str,
    /// Points, x ascending.
    pub points: Vec<(f64, f64)>,
    /// Draw as dots instead of a line.
    pub dots: bool,
}

/// At most `max` points, keeping each stride's first, lowest and highest (so spikes stay).
pub fn thin(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 3 {
        return points.to_vec();
    }
    let stride = points.len().div_ceil(max / 3);
    let mut out = Vec::with_capacity(max + 3);
    for chunk in points.chunks(stride) {
        let low = chunk.iter().copied().fold(chunk[0], |a, b| if b.1 < a.1 { b } else { a });
        let high = chunk.iter().copied().fold(chunk[0], |a, b| if b.1 > a.1 { b } else { a });
        let mut three = [chunk[0], low, high];
        three.sort_by(|a, b| a.0.total_cmp(&b.0));
        out.extend(three);
    }
    out.dedup();
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Round tick steps for a range.
fn ticks(low: f64, high: f64, count: usize) -> Vec<f64> {
    let span = (high - low).abs().max(1e-12);
    let raw = span / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let mut tick = (low / step).ceil() * step;
    let mut out = Vec::new();
    while tick <= high + step * 1e-9 && out.len() < 20 {
        out.push(tick);
        tick += step;
    }
    out
}

fn label(value: f64) -> String {
    if value.abs() >= 1_000.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}").trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The chart's opening tag and title.
fn open(title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"sans-serif\" font-size=\"11\">\
         <text x=\"{LEFT}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        escape(title)
    )
}

/// Horizontal grid lines with their labels, for y from `y0` to `y1` placed by `sy`.
fn grid(out: &mut String, y0: f64, y1: f64, sy: &dyn Fn(f64) -> f64) {
    let plot_w = WIDTH - LEFT - RIGHT;
    for y in ticks(y0, y1, 5) {
        let py = sy(y);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#eee\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT + plot_w,
            LEFT - 4.0,
            py + 4.0,
            label(y)
        );
    }
}

/// A line (or dot) chart; `x_label` formats x ticks.
pub fn lines(title: &str, series: &[Series], x_label: &dyn Fn(f64) -> String) -> String {
    let all = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let mut out = open(title);
    if x0 > x1 {
        out.push_str("<text x=\"300\" y=\"130\">no data</text></svg>");
        return out;
    }
    if (y1 - y0).abs() < 1e-12 {
        y0 -= 1.0;
        y1 += 1.0;
    }
    if (x1 - x0).abs() < 1e-12 {
        x1 = x0 + 1.0;
    }
    let pad = (y1 - y0) * 0.05;
    let (y0, y1) = (y0 - pad, y1 + pad);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * plot_w;
    let sy = |y: f64| TOP + (1.0 - (y - y0) / (y1 - y0)) * plot_h;
    let _ = write!(
        out,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" stroke=\"#999\"/>"
    );
    grid(&mut out, y0, y1, &sy);
    if y0 < 0.0 && y1 > 0.0 {
        let py = sy(0.0);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#666\"/>",
            LEFT + plot_w
        );
    }
    for x in ticks(x0, x1, 6) {
        let px = sx(x);
        let _ = write!(
            out,
            "<text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            HEIGHT - 10.0,
            escape(&x_label(x))
        );
    }
    for (i, s) in series.iter().enumerate() {
        if s.dots {
            for &(x, y) in &s.points {
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2\" fill=\"{}\"/>",
                    sx(x),
                    sy(y),
                    s.color
                );
            }
        } else if !s.points.is_empty() {
            let path: Vec<String> =
                s.points.iter().map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y))).collect();
            let _ = write!(
                out,
                "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.3\" points=\"{}\"/>",
                s.color,
                path.join(" ")
            );
        }
        let ly = TOP + 12.0 + i as f64 * 15.0;
        let lx = WIDTH - RIGHT + 10.0;
        let name: String = s.name.chars().take(20).collect();
        let _ = write!(
            out,
            "<rect x=\"{lx}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
            ly - 9.0,
            s.color,
            lx + 14.0,
            escape(&name)
        );
    }
    out.push_str("</svg>");
    out
}

/// Grouped bars: one group per category, one bar per series in it.
pub fn bars(title: &str, categories: &[&str], series: &[(String, &'static str, Vec<f64>)]) -> String {
    let values = series.iter().flat_map(|s| s.2.iter().copied());
    let (low, high) = values.fold((0.0f64, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
    let (low, high) = if (high - low).abs() < 1e-12 { (-1.0, 1.0) } else { (low, high) };
    let pad = (high - low) * 0.08;
    let (y0, y1) = (low - if low < 0.0 { pad } else { 0.0 }, high + pad);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let sy = |y: f64| TOP + (1.0 - (y - y0) / (y1 - y0)) * plot_h;
    let mut out = open(title);
    grid(&mut out, y0, y1, &sy);
    let zero = sy(0.0);
    let group_w = plot_w / categories.len().max(1) as f64;
    let bar_w = (group_w * 0.8) / series.len().max(1) as f64;
    for (c, category) in categories.iter().enumerate() {
        let gx = LEFT + c as f64 * group_w + group_w * 0.1;
        for (s, (_, color, values)) in series.iter().enumerate() {
            let value = values.get(c).copied().unwrap_or(0.0);
            let top = sy(value.max(0.0));
            let height = (sy(value.min(0.0)) - top).max(0.5);
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{height:.1}\" fill=\"{color}\"><title>{}</title></rect>",
                gx + s as f64 * bar_w,
                bar_w * 0.95,
                label(value)
            );
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            gx + group_w * 0.4,
            HEIGHT - 10.0,
            escape(category)
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{zero:.1}\" y2=\"{zero:.1}\" stroke=\"#666\"/>",
        LEFT + plot_w
    );
    for (i, (name, color, _)) in series.iter().enumerate() {
        let ly = TOP + 12.0 + i as f64 * 15.0;
        let lx = WIDTH - RIGHT + 10.0;
        let _ = write!(
            out,
            "<rect x=\"{lx}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
            ly - 9.0,
            lx + 14.0,
            escape(name)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_extremes_and_bounds_the_count() {
        let points: Vec<(f64, f64)> =
            (0..10_000).map(|i| (f64::from(i), if i == 4_321 { 99.0 } else { 0.0 })).collect();
        let thin = thin(&points, 300);
        assert!(thin.len() <= 303, "{}", thin.len());
        assert!(thin.contains(&(4_321.0, 99.0)), "the spike survives");
    }

    #[test]
    fn charts_are_svg_with_their_legend_and_no_data_says_so() {
        let series = [Series {
            name: "a<b".into(),
            color: PALETTE[0],
            points: vec![(0.0, 1.0), (1.0, 2.0)],
            dots: false,
        }];
        let svg = lines("t", &series, &|x| format!("{x}"));
        assert!(
            svg.starts_with("<svg")
                && svg.ends_with("</svg>")
                && svg.contains("a&lt;b")
                && svg.contains("polyline")
        );
        assert!(lines("empty", &[], &|x| format!("{x}")).contains("no data"));
        let bars = bars("p", &["x", "y"], &[("s".into(), PALETTE[1], vec![1.0, -2.0])]);
        assert_eq!(bars.matches("<rect").count(), 3, "two bars and a legend swatch");
    }
}
