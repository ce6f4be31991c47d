//! Configuration: layered sources ([`sources`]), the seed bot's variable names
//! ([`seed_env`]), and one validation step ([`validate`]) into the typed [`Config`].
//!
//! [`load`] returns either a complete, checked configuration or every problem at once.
//! Secrets live in [`Credentials`] as [`Secret`]s and never print.

pub mod error;
pub mod seed_env;
pub mod sources;
pub mod validate;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use figment::Figment;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

pub use error::{ConfigError, ConfigIssue};
pub use sources::{EnvSnapshot, LoadOptions};
use validate::{SECRET_KEYS, Validator};

use crate::domain::{Address, ConditionId, Size, Usd};
use crate::polymarket::{Chain, KeySigner, SignatureType};
use crate::secret::Secret;

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

/// The quoting model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StrategyKind {
    /// polymm's adaptive model.
    Polymm,
    /// The seed's fixed spread and size.
    Fixed,
    /// Avellaneda–Stoikov reservation price and optimal spread.
    AvellanedaStoikov,
}

impl FromStr for StrategyKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "polymm" => Ok(Self::Polymm),
            "fixed" => Ok(Self::Fixed),
            "avellaneda-stoikov" => Ok(Self::AvellanedaStoikov),
            _ => Err("expected polymm, fixed or avellaneda-stoikov".to_owned()),
        }
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
    /// Market websocket URL.
    pub ws_market_url: String,
    /// User websocket URL.
    pub ws_user_url: String,
    /// Settlement chain.
    pub chain: Chain,
    /// How orders are signed.
    pub signature_type: SignatureType,
    /// Funds holder for signature types 1–3.
    pub funder: Option<Address>,
    /// Explicit consent to live trading.
    pub live_confirmed: bool,
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
    /// Largest restart backoff, ms.
    pub restart_backoff_max_ms: u64,
}

/// The control API.
#[derive(Debug, Clone)]
pub struct ControlConfig {
    /// Listen address.
    pub bind: std::net::IpAddr,
    /// Listen port.
    pub port: u16,
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

/// A loaded configuration and the layered sources it came from.
#[derive(Debug)]
pub struct Loaded {
    /// The typed configuration.
    pub config: Config,
    /// Non-fatal remarks (e.g. `risk.enforce=false` ignored in live mode).
    pub warnings: Vec<String>,
    figment: Figment,
}

/// One effective value, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveValue {
    /// Dotted key.
    pub key: String,
    /// The value as text, secrets redacted.
    pub value: String,
    /// Where it came from.
    pub origin: String,
}

impl Loaded {
    /// Every set key with its value and origin, secrets redacted, in key order.
    pub fn effective(&self) -> Vec<EffectiveValue> {
        let Ok(merged) = self.figment.extract::<figment::value::Dict>() else {
            return Vec::new();
        };
        let mut keys = Vec::new();
        sources::leaf_paths(&merged, "", &mut keys);
        keys.sort();
        keys.into_iter()
            .map(|key| {
                let raw = self.figment.find_value(&key).map(|v| display_value(&v)).unwrap_or_default();
                let value = if SECRET_KEYS.contains(&key.as_str()) && key != "credentials.api_key" {
                    "[redacted]".to_owned()
                } else {
                    raw
                };
                let origin = self
                    .figment
                    .find_metadata(&key)
                    .map_or_else(String::new, |m| sources::describe_origin(m, &key));
                EffectiveValue { key, value, origin }
            })
            .collect()
    }
}

fn display_value(value: &figment::value::Value) -> String {
    value
        .deserialize::<serde_json::Value>()
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .unwrap_or_default()
}

/// Loads and validates the configuration; fails with every problem found.
pub fn load(options: &LoadOptions) -> Result<Loaded, ConfigError> {
    let figment = sources::layered(options);
    let mut v = Validator::new(&figment)?;
    let config = build(&mut v);
    cross_checks(&config, &mut v);
    v.finish()?;
    let mut warnings = Vec::new();
    if config.mode == Mode::Live && !config.risk.enforce {
        warnings.push("risk.enforce=false is ignored in live mode: limits are always enforced".to_owned());
    }
    Ok(Loaded { config, warnings, figment })
}

fn build(v: &mut Validator<'_>) -> Config {
    Config {
        mode: v.parse("mode", Mode::Sim),
        venue: venue(v),
        sim: SimConfig {
            scenario: v.text("sim.scenario").unwrap_or_default(),
            seed: v.whole("sim.seed", 0, u64::MAX),
            markets: whole_u32(v, "sim.markets", 1, 5_000),
            port: u16::try_from(v.whole("sim.port", 0, 65_535)).unwrap_or(0),
            starting_balance: Usd::new(v.decimal("sim.starting_balance", dec!(0), dec!(1000000000))),
        },
        markets: markets(v),
        quoting: quoting(v),
        risk: risk(v),
        killswitch: KillSwitchConfig {
            feed_down_secs: v.whole("killswitch.feed_down_secs", 1, 86_400),
            balance_drop_fraction: v.decimal("killswitch.balance_drop_fraction", dec!(0.001), dec!(1)),
            max_market_restarts: v.whole("killswitch.max_market_restarts", 1, 10_000),
            restart_window_secs: v.whole("killswitch.restart_window_secs", 1, 86_400),
        },
        alpha: AlphaConfig {
            arb_min_profit_bps: v.whole("alpha.arb_min_profit_bps", 0, 10_000),
            flow_window_secs: v.whole("alpha.flow_window_secs", 1, 86_400),
            flow_imbalance_threshold: v.decimal("alpha.flow_imbalance_threshold", dec!(0), dec!(1)),
            regime_window_size: v.whole("alpha.regime_window_size", 2, 100_000),
        },
        actors: ActorsConfig {
            market_mailbox: whole_usize(v, "actors.market_mailbox"),
            feed_mailbox: whole_usize(v, "actors.feed_mailbox"),
            execution_mailbox: whole_usize(v, "actors.execution_mailbox"),
            restart_backoff_ms: v.whole("actors.restart_backoff_ms", 0, 600_000),
            restart_backoff_max_ms: v.whole("actors.restart_backoff_max_ms", 0, 3_600_000),
        },
        control: ControlConfig {
            bind: v.parse("control.bind", std::net::IpAddr::from([127, 0, 0, 1])),
            port: u16::try_from(v.whole("control.port", 0, 65_535)).unwrap_or(0),
        },
        telemetry: TelemetryConfig {
            log_format: v.parse("telemetry.log_format", LogFormat::Human),
            log_level: v.text("telemetry.log_level").unwrap_or_default(),
            state_dir: PathBuf::from(v.text("telemetry.state_dir").unwrap_or_default()),
            status_interval_secs: v.whole("telemetry.status_interval_secs", 1, 3_600),
        },
        credentials: Credentials {
            private_key: v.secret("credentials.private_key"),
            api_key: v.secret("credentials.api_key").map(|s| s.expose().to_owned()),
            api_secret: v.secret("credentials.api_secret"),
            passphrase: v.secret("credentials.passphrase"),
        },
    }
}

fn venue(v: &mut Validator<'_>) -> VenueConfig {
    let chain_id = v.whole("venue.chain_id", 0, u64::MAX);
    let chain = Chain::try_from(chain_id).unwrap_or_else(|err| {
        v.issue("venue.chain_id", err.to_string());
        Chain::Polygon
    });
    let funder_text = v.text("venue.funder").unwrap_or_default();
    let funder = match funder_text.trim() {
        "" => None,
        text => Address::from_str(text).map(Some).unwrap_or_else(|err| {
            v.issue("venue.funder", err.to_string());
            None
        }),
    };
    VenueConfig {
        clob_url: url(v, "venue.clob_url", &["http://", "https://"]),
        gamma_url: url(v, "venue.gamma_url", &["http://", "https://"]),
        ws_market_url: url(v, "venue.ws_market_url", &["ws://", "wss://"]),
        ws_user_url: url(v, "venue.ws_user_url", &["ws://", "wss://"]),
        chain,
        signature_type: v.parse("venue.signature_type", SignatureType::Eoa),
        funder,
        live_confirmed: v.flag("venue.live_confirmed"),
    }
}

fn markets(v: &mut Validator<'_>) -> MarketsConfig {
    let include = v
        .list("markets.include")
        .into_iter()
        .filter_map(|text| {
            ConditionId::from_str(&text).map_err(|err| v.issue("markets.include", err.to_string())).ok()
        })
        .collect();
    MarketsConfig {
        max_markets: whole_u32(v, "markets.max_markets", 1, 5_000),
        include,
        min_volume: v.decimal("markets.min_volume", dec!(0), Decimal::MAX),
        min_spread: v.decimal("markets.min_spread", dec!(0), dec!(1)),
        max_spread: v.decimal("markets.max_spread", dec!(0), dec!(1)),
        min_hours_to_resolution: v.decimal("markets.min_hours_to_resolution", dec!(0), dec!(100000)),
        min_price: v.decimal("markets.min_price", dec!(0), dec!(1)),
        max_price: v.decimal("markets.max_price", dec!(0), dec!(1)),
    }
}

fn quoting(v: &mut Validator<'_>) -> QuotingConfig {
    QuotingConfig {
        strategy: v.parse("quoting.strategy", StrategyKind::Polymm),
        spread: v.decimal("quoting.spread", dec!(0.001), dec!(0.5)),
        size: size(v, "quoting.size"),
        requote_threshold: v.decimal("quoting.requote_threshold", dec!(0), dec!(0.5)),
        position_limit: size(v, "quoting.position_limit"),
        spread_min: v.decimal("quoting.spread_min", dec!(0.001), dec!(0.5)),
        spread_max: v.decimal("quoting.spread_max", dec!(0.001), dec!(0.98)),
        inventory_skew_max: v.decimal("quoting.inventory_skew_max", dec!(0), dec!(0.5)),
        post_only: v.flag("quoting.post_only"),
        order_max_age_secs: v.whole("quoting.order_max_age_secs", 1, 86_400 * 30),
    }
}

fn risk(v: &mut Validator<'_>) -> RiskConfig {
    RiskConfig {
        enforce: v.flag("risk.enforce"),
        max_daily_loss: Usd::new(v.decimal("risk.max_daily_loss", dec!(0), Decimal::MAX)),
        max_position: size(v, "risk.max_position"),
        max_total_exposure: Usd::new(v.decimal("risk.max_total_exposure", dec!(0), Decimal::MAX)),
        error_cooldown_secs: v.whole("risk.error_cooldown_secs", 0, 86_400),
        max_errors_per_minute: v.whole("risk.max_errors_per_minute", 1, 100_000),
        kelly_fraction: v.decimal("risk.kelly_fraction", dec!(0), dec!(1)),
        adverse_toxic_threshold: v.decimal("risk.adverse_toxic_threshold", dec!(0), dec!(1)),
    }
}

/// Relations between keys that single-key checks cannot see.
fn cross_checks(config: &Config, v: &mut Validator<'_>) {
    let q = &config.quoting;
    if q.spread_min > q.spread_max {
        v.issue(
            "quoting.spread_min",
            format!("{} is above quoting.spread_max {}", q.spread_min, q.spread_max),
        );
    }
    let m = &config.markets;
    if m.min_price >= m.max_price {
        v.issue(
            "markets.min_price",
            format!("{} is not below markets.max_price {}", m.min_price, m.max_price),
        );
    }
    if m.min_spread > m.max_spread {
        v.issue(
            "markets.min_spread",
            format!("{} is above markets.max_spread {}", m.min_spread, m.max_spread),
        );
    }
    if config.actors.restart_backoff_ms > config.actors.restart_backoff_max_ms {
        v.issue("actors.restart_backoff_ms", "is above actors.restart_backoff_max_ms");
    }
    check_account(config, v);
}

/// The signing setup must be usable: key loads, funder fits the signature type, live has a key.
fn check_account(config: &Config, v: &mut Validator<'_>) {
    let venue = &config.venue;
    match (venue.signature_type, venue.funder) {
        (SignatureType::Eoa, Some(_)) => {
            v.issue("venue.funder", "must be empty for signature type EOA (the key's own address trades)")
        }
        (kind, None) if kind != SignatureType::Eoa => {
            v.issue("venue.funder", format!("signature type {kind:?} needs the funder address"))
        }
        _ => {}
    }
    if let Some(Err(err)) = config.credentials.private_key.as_ref().map(KeySigner::from_secret) {
        v.issue("credentials.private_key", err.to_string());
    }
    if config.mode == Mode::Live && config.credentials.private_key.is_none() {
        v.issue("mode", "live mode needs POLY_PRIVATE_KEY in the environment");
    }
    let creds = &config.credentials;
    let api_parts = [creds.api_key.is_some(), creds.api_secret.is_some(), creds.passphrase.is_some()];
    if api_parts.iter().any(|p| *p) && !api_parts.iter().all(|p| *p) {
        v.issue(
            "credentials.api_key",
            "set all of POLY_API_KEY, POLY_API_SECRET and POLY_PASSPHRASE, or none (they are then derived)",
        );
    }
}

fn url(v: &mut Validator<'_>, key: &str, schemes: &[&str]) -> String {
    let text = v.text(key).unwrap_or_default();
    if !schemes.iter().any(|s| text.starts_with(s)) {
        v.issue(key, format!("{text:?} must start with {}", schemes.join(" or ")));
    }
    text.trim_end_matches('/').to_owned()
}

fn size(v: &mut Validator<'_>, key: &str) -> Size {
    let value = v.decimal(key, dec!(0), dec!(100000000));
    Size::new(value).unwrap_or_else(|err| {
        v.issue(key, err.to_string());
        Size::ZERO
    })
}

fn whole_u32(v: &mut Validator<'_>, key: &str, low: u32, high: u32) -> u32 {
    u32::try_from(v.whole(key, u64::from(low), u64::from(high))).unwrap_or(low)
}

fn whole_usize(v: &mut Validator<'_>, key: &str) -> usize {
    usize::try_from(v.whole(key, 1, 1 << 20)).unwrap_or(1)
}
