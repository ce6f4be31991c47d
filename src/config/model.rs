//! The typed, validated configuration: one struct per `actors.toml` section.
//!
//! Values here have passed validation; nothing in this module parses or checks.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::{Address, ConditionId, Size, Usd};
use crate::polymarket::{Chain, SignatureType};
use crate::secret::Secret;
use crate::strategy::StrategyKind;

/// Which venue the daemon trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The embedded venue on loopback.
    Sim,
    /// Real market data, simulated fills.
    Paper,
    /// Real orders.
    Live,
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "sim" => Ok(Self::Sim),
            "paper" => Ok(Self::Paper),
            "live" => Ok(Self::Live),
            _ => Err("expected sim, paper or live".to_owned()),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sim => "sim",
            Self::Paper => "paper",
            Self::Live => "live",
        })
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Concise lines for people.
    Human,
    /// One JSON object per line.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "human" => Ok(Self::Human),
            "json" => Ok(Self::Json),
            _ => Err("expected human or json".to_owned()),
        }
    }
}

/// The whole, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Which venue to trade.
    pub mode: Mode,
    /// Venue endpoints and account setup.
    pub venue: VenueConfig,
    /// The embedded venue.
    pub sim: SimConfig,
    /// Market selection.
    pub markets: MarketsConfig,
    /// Quote construction.
    pub quoting: QuotingConfig,
    /// Risk limits.
    pub risk: RiskConfig,
    /// Kill-switch triggers.
    pub killswitch: KillSwitchConfig,
    /// Signals.
    pub alpha: AlphaConfig,
    /// Actor mailboxes and restarts.
    pub actors: ActorsConfig,
    /// Market and user feed timing.
    pub feed: FeedTiming,
    /// The control API.
    pub control: ControlConfig,
    /// Logs and state files.
    pub telemetry: TelemetryConfig,
    /// Keys and API credentials (from the environment only).
    pub credentials: Credentials,
}

/// Venue endpoints and the trading account's signing setup.
#[derive(Debug, Clone)]
pub struct VenueConfig {
    /// CLOB REST base URL.
    pub clob_url: String,
    /// Gamma REST base URL.
    pub gamma_url: String,
    /// Data API base URL (positions).
    pub data_api_url: String,
    /// Market websocket URL.
    pub ws_market_url: String,
    /// User websocket URL.
    pub ws_user_url: String,
    /// Polymarket's geoblock check.
    pub geoblock_url: String,
    /// An extra CA (PEM) trusted beside the public roots.
    pub ca_file: Option<std::path::PathBuf>,
    /// Settlement chain.
    pub chain: Chain,
    /// How orders are signed.
    pub signature_type: SignatureType,
    /// Funds holder for signature types 1–3.
    pub funder: Option<Address>,
    /// Explicit consent to live trading.
    pub live_confirmed: bool,
    /// pUSD the paper account starts with (paper mode).
    pub paper_balance: Usd,
}

impl VenueConfig {
    /// The TLS trust the endpoints are reached with: the public roots and `ca_file`.
    pub fn transport(&self) -> Result<crate::polymarket::Transport, crate::polymarket::TransportError> {
        crate::polymarket::Transport::from_ca_file(self.ca_file.as_deref())
    }
}

/// The embedded venue.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Scenario name.
    pub scenario: String,
    /// Random seed.
    pub seed: u64,
    /// Number of markets listed.
    pub markets: u32,
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Starting pUSD per account.
    pub starting_balance: Usd,
    /// Injected faults.
    pub faults: crate::sim::faults::FaultSpec,
    /// Heartbeat dead-man window, seconds.
    pub heartbeat_window_secs: u64,
    /// Allowed clock skew of signed requests, seconds.
    pub auth_window_secs: u64,
    /// Named scenarios, in name order.
    pub scenarios: Vec<(String, crate::sim::agents::ScenarioParams)>,
}

/// Which markets to quote.
#[derive(Debug, Clone)]
pub struct MarketsConfig {
    /// Maximum markets quoted at once.
    pub max_markets: u32,
    /// Markets always quoted.
    pub include: Vec<ConditionId>,
    /// Minimum 24 h volume, pUSD.
    pub min_volume: Decimal,
    /// Narrowest acceptable book spread.
    pub min_spread: Decimal,
    /// Widest acceptable book spread.
    pub max_spread: Decimal,
    /// Minimum hours until resolution.
    pub min_hours_to_resolution: Decimal,
    /// Lowest acceptable mid.
    pub min_price: Decimal,
    /// Highest acceptable mid.
    pub max_price: Decimal,
}

/// Quote construction.
#[derive(Debug, Clone)]
pub struct QuotingConfig {
    /// Quoting model.
    pub strategy: StrategyKind,
    /// Base spread.
    pub spread: Decimal,
    /// Shares per quote.
    pub size: Size,
    /// Fair-price move that triggers a requote.
    pub requote_threshold: Decimal,
    /// Position at which a side stops quoting, shares.
    pub position_limit: Size,
    /// Narrowest adaptive spread.
    pub spread_min: Decimal,
    /// Widest adaptive spread.
    pub spread_max: Decimal,
    /// Largest inventory skew.
    pub inventory_skew_max: Decimal,
    /// Maker-only orders.
    pub post_only: bool,
    /// Oldest an order may rest, seconds.
    pub order_max_age_secs: u64,
}

/// Risk limits.
#[derive(Debug, Clone)]
pub struct RiskConfig {
    /// Enforce (true) or only log (false; live always enforces).
    pub enforce: bool,
    /// Daily loss limit.
    pub max_daily_loss: Usd,
    /// Per-token position limit, shares.
    pub max_position: Size,
    /// Total exposure limit.
    pub max_total_exposure: Usd,
    /// Limit on positions' exposure after cross-market correlation, √(eᵀ·C·e).
    pub max_correlated_exposure: Usd,
    /// Pause after an error burst, seconds.
    pub error_cooldown_secs: u64,
    /// Errors per minute that make a burst.
    pub max_errors_per_minute: u64,
    /// Kelly fraction.
    pub kelly_fraction: Decimal,
    /// Toxic-flow threshold.
    pub adverse_toxic_threshold: Decimal,
}

/// Kill-switch triggers.
#[derive(Debug, Clone)]
pub struct KillSwitchConfig {
    /// Feed outage that trips, seconds.
    pub feed_down_secs: u64,
    /// A market whose book is untrusted this long cancels its orders, seconds.
    pub disconnect_cancel_secs: u64,
    /// Seconds between balance checks.
    pub balance_check_secs: u64,
    /// Unexplained balance drop that trips, as a fraction.
    pub balance_drop_fraction: Decimal,
    /// Market restarts within the window that trip.
    pub max_market_restarts: u64,
    /// Restart-counting window, seconds.
    pub restart_window_secs: u64,
}

/// Signal parameters.
#[derive(Debug, Clone)]
pub struct AlphaConfig {
    /// Minimum arbitrage edge, basis points.
    pub arb_min_profit_bps: u64,
    /// Flow window, seconds.
    pub flow_window_secs: u64,
    /// Flow imbalance that widens quotes.
    pub flow_imbalance_threshold: Decimal,
    /// Regime window, snapshots.
    pub regime_window_size: u64,
}

/// Actor mailboxes and restart backoff.
#[derive(Debug, Clone)]
pub struct ActorsConfig {
    /// Market actor mailbox capacity.
    pub market_mailbox: usize,
    /// Feed actor mailbox capacity.
    pub feed_mailbox: usize,
    /// Execution actor mailbox capacity.
    pub execution_mailbox: usize,
    /// First restart backoff, ms.
    pub restart_backoff_ms: u64,
    /// More restarts of one market than this within `killswitch.restart_window_secs`
    /// disable that market.
    pub market_max_restarts: u64,
    /// Largest restart backoff, ms.
    pub restart_backoff_max_ms: u64,
    /// Spin the actors' thread instead of letting it sleep between events (lower latency,
    /// one core busy).
    pub busy_poll: bool,
}

/// Market and user feed timing (the `[feed]` section).
#[derive(Debug, Clone, Copy)]
pub struct FeedTiming {
    /// Text `PING` interval, seconds.
    pub ping_every_secs: u64,
    /// A `PING` without its `PONG` for this long: stalled, ms.
    pub pong_within_ms: u64,
    /// Trusted books compared with a REST snapshot each second.
    pub spot_checks_per_sec: u64,
    /// A connection with no frame for this long is dead, seconds.
    pub dead_after_secs: u64,
    /// A connection down this long switches its tokens to REST polling, seconds.
    pub fallback_after_secs: u64,
}

/// The control API.
#[derive(Debug, Clone)]
pub struct ControlConfig {
    /// Listen address.
    pub bind: std::net::IpAddr,
    /// Listen port.
    pub port: u16,
    /// Let `ctl crash` make a market's actor panic outside sim mode too (chaos soaks against
    /// the embedded venue); refused unless the venue is on loopback.
    pub fault_injection: bool,
}

/// Logs and state.
#[derive(Debug, Clone)]
pub struct TelemetryConfig {
    /// Line format.
    pub log_format: LogFormat,
    /// Tracing filter.
    pub log_level: String,
    /// State directory.
    pub state_dir: PathBuf,
    /// Status line interval, seconds.
    pub status_interval_secs: u64,
    /// Record the market channel while trading.
    pub record: bool,
    /// Where recordings go (relative: under `state_dir`).
    pub record_dir: PathBuf,
}

impl TelemetryConfig {
    /// The folder recordings go to.
    pub fn recordings(&self) -> PathBuf {
        if self.record_dir.is_absolute() {
            self.record_dir.clone()
        } else {
            self.state_dir.join(&self.record_dir)
        }
    }
}

/// Keys and API credentials; `Debug` shows only which are present.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// The EOA private key.
    pub private_key: Option<Secret>,
    /// The API key (public, but kept with its secret).
    pub api_key: Option<String>,
    /// The API secret.
    pub api_secret: Option<Secret>,
    /// The API passphrase.
    pub passphrase: Option<Secret>,
}
