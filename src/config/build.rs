//! Building the typed [`Config`] from layered values, key by key, then the checks that
//! relate several keys. Every problem goes to the [`Validator`], none stops the build.

use std::path::PathBuf;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::model::{
    ActorsConfig, AlphaConfig, Config, ControlConfig, Credentials, FeedTiming, KillSwitchConfig, LogFormat,
    MarketsConfig, Mode, QuotingConfig, RiskConfig, SimConfig, TelemetryConfig, VenueConfig,
};
use super::validate::Validator;
use rust_decimal::prelude::ToPrimitive as _;

use crate::domain::{Address, ConditionId, Size, TickSize, Usd};
use crate::polymarket::{Chain, KeySigner, SignatureType, Transport, TransportError};
use crate::sim::agents::ScenarioParams;
use crate::sim::faults::FaultSpec;
use crate::strategy::StrategyKind;

/// The typed configuration; problems are recorded in `v`.
pub fn build(v: &mut Validator<'_>) -> Config {
    Config {
        mode: v.parse("mode", Mode::Sim),
        venue: venue(v),
        sim: sim(v),
        markets: markets(v),
        quoting: quoting(v),
        risk: risk(v),
        killswitch: KillSwitchConfig {
            feed_down_secs: v.whole("killswitch.feed_down_secs", 1, 86_400),
            disconnect_cancel_secs: v.whole("killswitch.disconnect_cancel_secs", 1, 3_600),
            balance_check_secs: v.whole("killswitch.balance_check_secs", 1, 86_400),
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
            market_max_restarts: v.whole("actors.market_max_restarts", 1, 10_000),
            restart_backoff_max_ms: v.whole("actors.restart_backoff_max_ms", 0, 3_600_000),
            busy_poll: v.flag("actors.busy_poll"),
        },
        feed: FeedTiming {
            ping_every_secs: v.whole("feed.ping_every_secs", 1, 600),
            pong_within_ms: v.whole("feed.pong_within_ms", 100, 600_000),
            spot_checks_per_sec: v.whole("feed.spot_checks_per_sec", 0, 100),
            dead_after_secs: v.whole("feed.dead_after_secs", 1, 3_600),
            fallback_after_secs: v.whole("feed.fallback_after_secs", 1, 3_600),
        },
        control: ControlConfig {
            bind: v.parse("control.bind", std::net::IpAddr::from([127, 0, 0, 1])),
            port: u16::try_from(v.whole("control.port", 0, 65_535)).unwrap_or(0),
            fault_injection: v.flag("control.fault_injection"),
        },
        telemetry: TelemetryConfig {
            log_format: v.parse("telemetry.log_format", LogFormat::Human),
            log_level: v.text("telemetry.log_level").unwrap_or_default(),
            state_dir: PathBuf::from(v.text("telemetry.state_dir").unwrap_or_default()),
            status_interval_secs: v.whole("telemetry.status_interval_secs", 1, 3_600),
            record: v.flag("telemetry.record"),
            record_dir: PathBuf::from(v.text("telemetry.record_dir").unwrap_or_default()),
        },
        credentials: Credentials {
            private_key: v.secret("credentials.private_key"),
            api_key: v.secret("credentials.api_key").map(|s| s.expose().to_owned()),
            api_secret: v.secret("credentials.api_secret"),
            passphrase: v.secret("credentials.passphrase"),
        },
    }
}

fn sim(v: &mut Validator<'_>) -> SimConfig {
    let faults_text = v.text("sim.faults").unwrap_or_default();
    let faults = FaultSpec::parse(&faults_text).unwrap_or_else(|err| {
        v.issue("sim.faults", err);
        FaultSpec::default()
    });
    let names = v.table_keys("sim.scenarios");
    let scenarios: Vec<_> = names
        .into_iter()
        .map(|name| (scenario(v, &format!("sim.scenarios.{name}")), name))
        .map(|(p, n)| (n, p))
        .collect();
    SimConfig {
        scenario: v.text("sim.scenario").unwrap_or_default(),
        seed: v.whole("sim.seed", 0, u64::MAX),
        markets: whole_u32(v, "sim.markets", 1, 5_000),
        port: u16::try_from(v.whole("sim.port", 0, 65_535)).unwrap_or(0),
        starting_balance: Usd::new(v.decimal("sim.starting_balance", dec!(0), dec!(1000000000))),
        faults,
        heartbeat_window_secs: v.whole("sim.heartbeat_window_secs", 1, 3_600),
        auth_window_secs: v.whole("sim.auth_window_secs", 1, 86_400),
        scenarios,
    }
}

/// One `[sim.scenarios.NAME]` table.
fn scenario(v: &mut Validator<'_>, table: &str) -> ScenarioParams {
    let mut real = |field: &str, high: Decimal| {
        v.decimal(&format!("{table}.{field}"), dec!(0), high).to_f64().unwrap_or(0.0)
    };
    let mut params = ScenarioParams {
        fundamental_vol: real("fundamental_vol", dec!(1)),
        drift_per_hour: real("drift_per_hour", dec!(100)),
        jump_rate_per_hour: real("jump_rate_per_hour", dec!(3600)),
        jump_size: real("jump_size", dec!(10)),
        informed_lead_secs: real("informed_lead_secs", dec!(3600)),
        informed_rate: real("informed_rate", dec!(100)),
        informed_size: real("informed_size", dec!(1000000)),
        informed_edge: real("informed_edge", dec!(1)),
        noise_rate: real("noise_rate", dec!(1000)),
        noise_size: real("noise_size", dec!(1000000)),
        noise_marketable: real("noise_marketable", dec!(1)),
        rival_half_spread: real("rival_half_spread", dec!(0.5)),
        rival_size: real("rival_size", dec!(1000000)),
        rival_penny: real("rival_penny", dec!(1)),
        rival_refresh_secs: real("rival_refresh_secs", dec!(3600)),
        spike_rate_per_hour: real("spike_rate_per_hour", dec!(3600)),
        spike_multiplier: real("spike_multiplier", dec!(1000)),
        spike_secs: real("spike_secs", dec!(86400)),
        start_low: real("start_low", dec!(1)),
        start_high: real("start_high", dec!(1)),
        ..ScenarioParams::calm()
    };
    params.rival_makers = whole_u32(v, &format!("{table}.rival_makers"), 0, 20);
    params.resolve_after_secs = v.whole(&format!("{table}.resolve_after_secs"), 0, 86_400 * 365);
    params.tick = v.parse(&format!("{table}.tick"), TickSize::Hundredth);
    params.min_size = v.decimal(&format!("{table}.min_size"), dec!(0.01), dec!(1000000));
    params.neg_risk = v.flag(&format!("{table}.neg_risk"));
    params.fee_rate = v.decimal(&format!("{table}.fee_rate"), dec!(0), dec!(0.25));
    params.reward_daily_rate = v.decimal(&format!("{table}.reward_daily_rate"), dec!(0), dec!(1000000));
    params.reward_max_spread_cents =
        v.decimal(&format!("{table}.reward_max_spread_cents"), dec!(0), dec!(50));
    params.reward_min_size = v.decimal(&format!("{table}.reward_min_size"), dec!(0), dec!(1000000));
    if params.start_low > params.start_high || params.start_low <= 0.0 || params.start_high >= 1.0 {
        v.issue(
            &format!("{table}.start_low"),
            "start_low and start_high must satisfy 0 < start_low <= start_high < 1",
        );
    }
    params
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
        data_api_url: url(v, "venue.data_api_url", &["http://", "https://"]),
        ws_market_url: url(v, "venue.ws_market_url", &["ws://", "wss://"]),
        ws_user_url: url(v, "venue.ws_user_url", &["ws://", "wss://"]),
        geoblock_url: url(v, "venue.geoblock_url", &["http://", "https://"]),
        ca_file: ca_file(v),
        chain,
        signature_type: v.parse("venue.signature_type", SignatureType::Eoa),
        funder,
        live_confirmed: v.flag("venue.live_confirmed"),
        paper_balance: Usd::new(v.decimal("venue.paper_balance", dec!(0), dec!(1000000000))),
    }
}

/// `venue.ca_file`: empty for none, else a readable PEM file of certificates.
fn ca_file(v: &mut Validator<'_>) -> Option<PathBuf> {
    let text = v.text("venue.ca_file").unwrap_or_default();
    if text.trim().is_empty() {
        return None;
    }
    let path = PathBuf::from(text.trim());
    match Transport::with_extra_ca(&path) {
        Err(TransportError::CaFile { reason, .. }) => {
            v.issue("venue.ca_file", format!("{}: {reason}", path.display()))
        }
        Err(other) => v.issue("venue.ca_file", other.to_string()),
        Ok(_) => {}
    }
    Some(path)
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
        max_correlated_exposure: Usd::new(v.decimal("risk.max_correlated_exposure", dec!(0), Decimal::MAX)),
        error_cooldown_secs: v.whole("risk.error_cooldown_secs", 0, 86_400),
        max_errors_per_minute: v.whole("risk.max_errors_per_minute", 1, 100_000),
        kelly_fraction: v.decimal("risk.kelly_fraction", dec!(0), dec!(1)),
        adverse_toxic_threshold: v.decimal("risk.adverse_toxic_threshold", dec!(0), dec!(1)),
    }
}

/// Relations between keys that single-key checks cannot see.
pub fn cross_checks(config: &Config, v: &mut Validator<'_>) {
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
    let sim = &config.sim;
    if sim.scenario != "mixed" && !sim.scenarios.iter().any(|(name, _)| *name == sim.scenario) {
        let known: Vec<&str> = sim.scenarios.iter().map(|(n, _)| n.as_str()).chain(["mixed"]).collect();
        v.issue(
            "sim.scenario",
            format!("{:?} is not a configured scenario ({})", sim.scenario, known.join(", ")),
        );
    }
    if config.feed.dead_after_secs <= config.feed.ping_every_secs {
        v.issue("feed.dead_after_secs", "must be above feed.ping_every_secs (a PONG answers each PING)");
    }
    if config.actors.restart_backoff_ms > config.actors.restart_backoff_max_ms {
        v.issue("actors.restart_backoff_ms", "is above actors.restart_backoff_max_ms");
    }
    if config.control.fault_injection && !on_loopback(&config.venue.clob_url) {
        v.issue("control.fault_injection", "is only for a venue on loopback (the embedded venue)");
    }
    check_account(config, v);
}

/// Whether `url`'s host is the loopback interface.
fn on_loopback(url: &str) -> bool {
    let host = crate::polymarket::transport::host_of(url);
    let host = host.rsplit_once(':').map_or(host.as_str(), |(host, _)| host);
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
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
