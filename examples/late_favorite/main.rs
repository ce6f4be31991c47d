//! resolvedkit's `late_favorite` rule replayed on a resolvedkit data set (its bundled
//! sample: `pip download --no-deps resolvedkit==0.1.0`, unzip, and point this at
//! `resolvedkit/sample_data`), filled against the book and at the mid, 250 ms latency,
//! Polymarket's taker fee. resolvedkit's README reports +29.5 % at the mid and +26.0 %
//! against the book on that sample.
//!
//! `cargo run --release --example late_favorite -- PATH`

mod rule;

use polymm::backtest::{Latency, Replay, ReplayConfig, TakerFills};

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: late_favorite PATH"))?;
    for fills in [TakerFills::Mid, TakerFills::Book] {
        let mut source = polymm::data::open(std::path::Path::new(&path))?;
        let config = ReplayConfig {
            latency: Latency::Fixed { place_ms: 250, cancel_ms: 250 },
            taker_fills: fills,
            ..ReplayConfig::default()
        };
        let mut strategy = rule::LateFavorite::new(rule::Rule::default());
        let result = Replay::new(source.as_mut(), config).run(&mut strategy, &mut |_| {});
        let ret = rule::return_on_invested(&result);
        println!(
            "{fills:?}: P&L {} on {} fills, return on invested {}%",
            result.pnl.round_dp(2),
            result.measured.fill_count,
            (ret * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2)
        );
    }
    Ok(())
}
