//! The configuration in each part's own terms: every mapping from `Config` to the
//! parameters an actor or a pure model takes lives here, so the parts below never read the
//! configuration themselves and the wiring in `system` only connects.

use std::time::Duration;

use crate::config::{Config, MarketsConfig, Mode};
use crate::director::RestartPolicy;
use crate::feed::live::FeedConfig;
use crate::killswitch::SwitchLimits;
use crate::market::actor::MarketTuning;
use crate::market::core::SafetyParams;
use crate::risk::RiskLimits;
use crate::selection::SelectionRules;
use crate::sim::SimOptions;
use crate::strategy::scorer::Filters;
use crate::strategy::{ModelParams, QuoteParams};

/// The daemon's strategy of `kind` on the backtest's replay: the model parameters, the
/// safety rules, and each market's bankroll (the total exposure over `[markets]
/// max_markets`, as when the daemon quotes its full pool).
pub fn core_params(config: &Config, kind: crate::strategy::StrategyKind) -> crate::backtest::CoreParams {
    crate::backtest::CoreParams {
        model: ModelParams { kind, ..model_params(config) },
        safety: SafetyParams {
            disconnect_cancel_ms: config.killswitch.disconnect_cancel_secs * 1_000,
            order_max_age_ms: config.quoting.order_max_age_secs * 1_000,
        },
        bankroll: config.risk.max_total_exposure.value()
            / rust_decimal::Decimal::from(config.markets.max_markets.max(1)),
    }
}

/// The quoting parameters of the `[quoting]` section.
pub fn quote_params(config: &Config) -> QuoteParams {
    let q = &config.quoting;
    QuoteParams {
        spread: q.spread,
        spread_min: q.spread_min,
        spread_max: q.spread_max,
        size: q.size.value(),
        position_limit: q.position_limit.value(),
        inventory_skew_max: q.inventory_skew_max,
        requote_threshold: q.requote_threshold,
    }
}

/// The strategy parameters from `[quoting]`, `[risk]` and `[alpha]`.
pub fn model_params(config: &Config) -> ModelParams {
    let defaults = ModelParams::new(config.quoting.strategy, quote_params(config));
    ModelParams {
        flow_window_ms: config.alpha.flow_window_secs * 1_000,
        flow_threshold: config.alpha.flow_imbalance_threshold,
        toxic_threshold: config.risk.adverse_toxic_threshold,
        regime_window: usize::try_from(config.alpha.regime_window_size).unwrap_or(usize::MAX),
        kelly_fraction: config.risk.kelly_fraction,
        max_daily_loss: config.risk.max_daily_loss.value(),
        ..defaults
    }
}

/// How the markets quote and protect themselves; `paper` when their orders rest on the
/// paper account rather than in the venue's book.
pub fn market_tuning(config: &Config, paper: bool) -> MarketTuning {
    MarketTuning {
        model: model_params(config),
        safety: SafetyParams {
            disconnect_cancel_ms: config.killswitch.disconnect_cancel_secs * 1_000,
            order_max_age_ms: config.quoting.order_max_age_secs * 1_000,
        },
        backoff: Duration::from_millis(config.actors.restart_backoff_ms),
        backoff_max: Duration::from_millis(config.actors.restart_backoff_max_ms),
        paper,
    }
}

/// The `[markets]` filters in the market scorer's terms.
pub fn filters(markets: &MarketsConfig) -> Filters {
    Filters {
        min_volume: markets.min_volume,
        min_spread: markets.min_spread,
        max_spread: markets.max_spread,
        min_hours: markets.min_hours_to_resolution,
        min_price: markets.min_price,
        max_price: markets.max_price,
    }
}

/// Which markets to quote: the `[markets]` section, with every listing qualifying in sim
/// mode (the embedded venue's markets are all synthetic).
pub fn selection_rules(config: &Config) -> SelectionRules {
    SelectionRules {
        include: config.markets.include.clone(),
        filters: (config.mode != Mode::Sim).then(|| filters(&config.markets)),
        max_markets: usize::try_from(config.markets.max_markets).unwrap_or(usize::MAX),
    }
}

/// The risk gate's limits; enforced always in live mode.
pub fn risk_limits(config: &Config) -> RiskLimits {
    RiskLimits {
        max_position: config.risk.max_position.value(),
        max_total_exposure: config.risk.max_total_exposure.value(),
        max_correlated_exposure: config.risk.max_correlated_exposure.value(),
        max_daily_loss: config.risk.max_daily_loss.value(),
        enforce: config.risk.enforce || config.mode == Mode::Live,
    }
}

/// What trips the kill switch, from `[risk]` and `[killswitch]`.
pub fn switch_limits(config: &Config) -> SwitchLimits {
    let (risk, switch) = (&config.risk, &config.killswitch);
    SwitchLimits {
        max_daily_loss: risk.max_daily_loss.value(),
        max_errors_per_minute: risk.max_errors_per_minute,
        feed_down_secs: switch.feed_down_secs,
        balance_drop_fraction: switch.balance_drop_fraction,
        max_market_restarts: switch.max_market_restarts,
        restart_window_secs: switch.restart_window_secs,
    }
}

/// When the director stops restarting a market.
pub fn restart_policy(config: &Config) -> RestartPolicy {
    RestartPolicy {
        max_restarts: usize::try_from(config.actors.market_max_restarts).unwrap_or(usize::MAX),
        window_ms: config.killswitch.restart_window_secs * 1_000,
    }
}

/// Feed timing from the `[feed]` section.
pub fn feed_config(config: &Config) -> FeedConfig {
    let timing = config.feed;
    let mut feed = FeedConfig::default();
    feed.ws.ping_every = Duration::from_secs(timing.ping_every_secs);
    feed.ws.pong_within = Duration::from_millis(timing.pong_within_ms);
    feed.spot_checks_per_sec = usize::try_from(timing.spot_checks_per_sec).unwrap_or(usize::MAX);
    feed.ws.dead_after = Duration::from_secs(timing.dead_after_secs);
    feed.fallback_after = Duration::from_secs(timing.fallback_after_secs);
    feed
}

/// The embedded venue's options from `[sim]`, verifying signatures for `venue.chain`.
pub fn sim_options(config: &Config) -> SimOptions {
    let sim = &config.sim;
    SimOptions {
        scenario: sim.scenario.clone(),
        seed: sim.seed,
        markets: sim.markets,
        starting_balance: sim.starting_balance.value(),
        faults: sim.faults.clone(),
        heartbeat_window_ms: sim.heartbeat_window_secs * 1_000,
        auth_window_secs: sim.auth_window_secs,
        chain: config.venue.chain,
        test_accounts: 1,
    }
}
