//! Scenario parameters: how a simulated market's hidden value moves and who trades it.
//! Named scenarios come from the configuration (`[sim.scenarios.NAME]`); `mixed` assigns
//! the configured scenarios to markets in turn.

use rust_decimal::Decimal;

use crate::domain::TickSize;

/// Parameters of one scenario. Probabilities and rates are `f64`: they drive random draws,
/// never money; prices are snapped to the tick grid before any order is made.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioParams {
    /// Volatility of the fundamental, logit units per √second.
    pub fundamental_vol: f64,
    /// Drift of the fundamental, logit units per hour (sign drawn per market).
    pub drift_per_hour: f64,
    /// News jumps per hour.
    pub jump_rate_per_hour: f64,
    /// Standard deviation of a jump, logit units.
    pub jump_size: f64,
    /// How long before a jump informed traders know of it, seconds.
    pub informed_lead_secs: f64,
    /// Informed orders per second while they see an edge.
    pub informed_rate: f64,
    /// Informed order size, shares.
    pub informed_size: f64,
    /// Edge (probability) informed traders need before trading.
    pub informed_edge: f64,
    /// Noise-trader arrivals per second.
    pub noise_rate: f64,
    /// Mean noise order size, shares.
    pub noise_size: f64,
    /// Fraction of noise orders that are marketable.
    pub noise_marketable: f64,
    /// Number of rival market makers.
    pub rival_makers: u32,
    /// Rival half-spread around their estimate, probability.
    pub rival_half_spread: f64,
    /// Rival quote size, shares.
    pub rival_size: f64,
    /// Probability that a rival pennies the best price instead of quoting its own.
    pub rival_penny: f64,
    /// Seconds between a rival's requotes.
    pub rival_refresh_secs: f64,
    /// Volume spikes per hour.
    pub spike_rate_per_hour: f64,
    /// Noise-flow multiplier during a spike.
    pub spike_multiplier: f64,
    /// Length of a spike, seconds.
    pub spike_secs: f64,
    /// Seconds after listing when the market resolves (0: thirty days).
    pub resolve_after_secs: u64,
    /// Range of starting probabilities.
    pub start_low: f64,
    /// Range of starting probabilities.
    pub start_high: f64,
    /// Tick size at listing.
    pub tick: TickSize,
    /// Minimum order size, shares.
    pub min_size: Decimal,
    /// Neg-risk market.
    pub neg_risk: bool,
    /// Taker fee rate.
    pub fee_rate: Decimal,
    /// Liquidity rewards per day (0: none).
    pub reward_daily_rate: Decimal,
    /// Reward max spread, cents.
    pub reward_max_spread_cents: Decimal,
    /// Reward min size, shares.
    pub reward_min_size: Decimal,
}

impl ScenarioParams {
    /// A quiet market: a useful base for tests.
    pub fn calm() -> Self {
        Self {
            fundamental_vol: 0.002,
            drift_per_hour: 0.0,
            jump_rate_per_hour: 0.0,
            jump_size: 0.0,
            informed_lead_secs: 0.0,
            informed_rate: 0.0,
            informed_size: 0.0,
            informed_edge: 0.05,
            noise_rate: 1.0,
            noise_size: 20.0,
            noise_marketable: 0.3,
            rival_makers: 1,
            rival_half_spread: 0.02,
            rival_size: 50.0,
            rival_penny: 0.0,
            rival_refresh_secs: 5.0,
            spike_rate_per_hour: 0.0,
            spike_multiplier: 1.0,
            spike_secs: 0.0,
            resolve_after_secs: 0,
            start_low: 0.3,
            start_high: 0.7,
            tick: TickSize::Hundredth,
            min_size: Decimal::from(5),
            neg_risk: false,
            fee_rate: Decimal::ZERO,
            reward_daily_rate: Decimal::ZERO,
            reward_max_spread_cents: Decimal::ZERO,
            reward_min_size: Decimal::ZERO,
        }
    }
}

/// Which scenario each market runs.
#[derive(Debug, Clone)]
pub struct ScenarioCatalog {
    named: Vec<(String, ScenarioParams)>,
}

impl ScenarioCatalog {
    /// The catalog of named scenarios, in configuration order.
    pub fn new(named: Vec<(String, ScenarioParams)>) -> Self {
        Self { named }
    }

    /// Names known, plus `mixed`.
    pub fn names(&self) -> Vec<&str> {
        self.named.iter().map(|(name, _)| name.as_str()).chain(std::iter::once("mixed")).collect()
    }

    /// The scenario of market `index` when running `choice`; `None` if unknown.
    pub fn for_market(&self, choice: &str, index: u32) -> Option<(&str, &ScenarioParams)> {
        if choice == "mixed" {
            let count = self.named.len();
            if count == 0 {
                return None;
            }
            let (name, params) = &self.named[index as usize % count];
            return Some((name, params));
        }
        self.named.iter().find(|(name, _)| name == choice).map(|(name, params)| (name.as_str(), params))
    }
}
