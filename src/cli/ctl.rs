//! `polymm ctl …`: talks to a running daemon through its control API (address and token
//! from the state directory) and prints the answer readably, or as JSON with `--json`.

use clap::{Args, Subcommand};

use super::{GlobalArgs, print_line};
use crate::control::client::ControlClient;
use crate::control::view::{MarketView, StatusView};

/// `polymm ctl` arguments.
#[derive(Debug, Args)]
pub struct CtlArgs {
    /// Print the daemon's JSON answer as it is.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub action: CtlAction,
}

/// What `polymm ctl` can ask.
#[derive(Debug, Subcommand)]
pub enum CtlAction {
    /// The kill switch, the day's P&L and every market.
    Status,
    /// Every market.
    Markets,
    /// Quote a market again.
    Enable {
        /// Condition id.
        market: String,
    },
    /// Stop quoting a market and cancel its orders (its inventory stays tracked).
    Disable {
        /// Condition id.
        market: String,
    },
    /// Trip the kill switch: halt every market and cancel every order.
    Kill,
    /// Re-arm a halted kill switch.
    Resume,
    /// Cancel every order of this key (markets requote unless halted or disabled).
    CancelAll,
    /// Make a market's actor panic, to watch supervision restart it (sim mode only).
    Crash {
        /// Condition id.
        market: String,
        /// Panic outside the handler's catch: the actor dies with its supervisor and the
        /// director's liveness watch starts the market again.
        #[arg(long)]
        unguarded: bool,
    },
}

impl CtlAction {
    fn request(&self) -> (bool, String) {
        match self {
            Self::Status => (false, "/v1/status".into()),
            Self::Markets => (false, "/v1/markets".into()),
            Self::Enable { market } => (true, format!("/v1/markets/{market}/enable")),
            Self::Disable { market } => (true, format!("/v1/markets/{market}/disable")),
            Self::Crash { market, unguarded: false } => (true, format!("/v1/markets/{market}/crash")),
            Self::Crash { market, unguarded: true } => {
                (true, format!("/v1/markets/{market}/crash-unguarded"))
            }
            Self::Kill => (true, "/v1/kill".into()),
            Self::Resume => (true, "/v1/resume".into()),
            Self::CancelAll => (true, "/v1/cancel-all".into()),
        }
    }
}

/// Runs one control request.
pub fn run(global: &GlobalArgs, args: &CtlArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    let client = ControlClient::from_state_dir(&config.telemetry.state_dir)?;
    let (post, path) = args.action.request();
    let answer = actix_rt::System::new().block_on(async move { client.call(post, &path).await })?;
    if args.json {
        return print_line(serde_json::to_string_pretty(&answer)?);
    }
    match args.action {
        CtlAction::Status => print_status(&serde_json::from_value(answer)?),
        CtlAction::Markets => print_markets(&serde_json::from_value::<Vec<MarketView>>(answer)?),
        _ => print_line(format!("ok: {answer}")),
    }
}

fn print_status(status: &StatusView) -> anyhow::Result<()> {
    let reason = status.trip_reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
    let balance = status.balance.map(|b| format!("{b:.2}")).unwrap_or_else(|| "?".into());
    print_line(format!("mode {}, kill switch {}{reason}", status.mode, status.switch))?;
    print_line(format!(
        "{} P&L {:.4} pUSD, balance {balance} pUSD, {} errors",
        status.day, status.day_pnl, status.errors
    ))?;
    print_line(format!(
        "{}/{} markets quoting, {} orders resting",
        status.quoting,
        status.markets.len(),
        status.orders
    ))?;
    let (whole, hops) = (status.latency.frame_to_signed, status.latency);
    print_line(format!(
        "frame-in → signed-order-out: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs over {} orders",
        whole.p50_us, whole.p99_us, whole.max_us, whole.count
    ))?;
    print_line(format!(
        "  p50 by hop: feed {:.0} µs, to market {:.0} µs, market and risk {:.0} µs, signing {:.0} µs",
        hops.read_to_dispatch.p50_us,
        hops.dispatch_to_market.p50_us,
        hops.market_to_approved.p50_us,
        hops.approved_to_signed.p50_us
    ))?;
    print_markets(&status.markets)
}

fn print_markets(markets: &[MarketView]) -> anyhow::Result<()> {
    print_line(format!(
        "{:<68} {:<8} {:<14} {:>6} {:>10} {:>8}",
        "market", "enabled", "state", "orders", "position", "restarts"
    ))?;
    for m in markets {
        let state = if m.quoting { "quoting".to_owned() } else { m.idle.clone().unwrap_or_default() };
        print_line(format!(
            "{:<68} {:<8} {:<14} {:>6} {:>10} {:>8}{}",
            m.market,
            if m.enabled { "yes" } else { "no" },
            state,
            m.orders,
            m.position,
            m.restarts,
            m.alert.as_ref().map(|a| format!("  ALERT: {a}")).unwrap_or_default()
        ))?;
        if let Some(s) = &m.signals {
            print_line(signal_lines(s, m.pnl.as_ref()))?;
        }
        if let Some(a) = &m.answers {
            print_line(answer_line(a))?;
        }
    }
    Ok(())
}

/// The strategy's readings of one market, indented under its row.
fn signal_lines(s: &crate::strategy::Signals, pnl: Option<&crate::risk::pnl::MarketPnl>) -> String {
    let mut lines = vec![
        format!(
            "    {} fair {} spread {}: {}",
            s.strategy,
            s.fair.round_dp(4),
            s.spread.round_dp(4),
            s.spread_why
        ),
        format!(
            "    skew {} · σ {}/√s · flow {} · book {} · regime {} · toxicity {} ({}) · pennied {} · cadence {}",
            s.skew.round_dp(4),
            s.volatility.round_dp(5),
            s.flow_imbalance.round_dp(2),
            s.book_imbalance.round_dp(2),
            s.regime,
            s.toxicity.round_dp(4),
            s.toxic_action,
            s.pennied,
            s.cadence
        ),
        format!(
            "    limit {} (factor {}) · rewards: share {} ≈ {}/day, accrued {}{}",
            s.position_limit,
            s.limit_factor,
            s.reward_share,
            s.reward_daily.round_dp(2),
            s.reward_accrued.round_dp(4),
            if s.event.is_empty() { String::new() } else { format!(" · {}", s.event) }
        ),
    ];
    if let Some(p) = pnl {
        lines.push(format!(
            "    P&L {}: realized {}, unrealized {}, fees {}, rewards {}",
            p.total().round_dp(4),
            p.realized.round_dp(4),
            p.unrealized.round_dp(4),
            p.fees.round_dp(4),
            p.rewards.round_dp(4)
        ));
    }
    lines.join("\n")
}

/// What the venue's answers did to one market's orders, indented under its row.
fn answer_line(a: &crate::market::OrderTally) -> String {
    format!(
        "    orders: {} taken, {} refused, {} cancels refused; reconciled {} open, {} gone, {} adopted",
        a.accepted, a.rejected, a.cancel_refused, a.reconciled_open, a.reconciled_gone, a.adopted
    )
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::risk::pnl::MarketPnl;
    use crate::strategy::Signals;

    #[test]
    fn signal_lines_show_why_the_spread_and_the_pnl() {
        let signals = Signals {
            strategy: "polymm".into(),
            spread: dec!(0.04),
            spread_why: "half 0.02 (…)".into(),
            regime: "thin".into(),
            toxic_action: "Normal".into(),
            cadence: "fast".into(),
            event: "volume spike: wider".into(),
            ..Signals::default()
        };
        let pnl =
            MarketPnl { realized: dec!(1.5), unrealized: dec!(-0.5), fees: dec!(0.1), rewards: dec!(0.2) };
        let text = signal_lines(&signals, Some(&pnl));
        assert_eq!(text.lines().count(), 4);
        assert!(text.contains("polymm fair 0 spread 0.04: half 0.02"), "{text}");
        assert!(text.contains("regime thin") && text.contains("volume spike"), "{text}");
        assert!(text.contains("P&L 1.1: realized 1.5"), "{text}");
        assert_eq!(signal_lines(&signals, None).lines().count(), 3);
    }

    #[test]
    fn the_answer_line_counts_what_the_venue_did() {
        let tally = crate::market::OrderTally { accepted: 12, rejected: 2, adopted: 1, ..Default::default() };
        assert_eq!(
            answer_line(&tally),
            "    orders: 12 taken, 2 refused, 0 cancels refused; reconciled 0 open, 0 gone, 1 adopted"
        );
    }
}
