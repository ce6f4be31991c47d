//! The seed bot's environment variable names and the configuration keys they set, so a
//! user can bring an existing `.env` over unchanged.

/// How a seed variable's value becomes a configuration value.
pub enum SeedValue {
    /// Used as written.
    Same,
    /// Replaced by this text.
    Mapped(&'static str),
}

/// One seed variable.
pub struct SeedVariable {
    /// The variable name, e.g. `MM_SPREAD`.
    pub name: &'static str,
    /// The configuration key it sets, e.g. `quoting.spread`.
    pub key: &'static str,
    /// How its value maps.
    pub map: fn(&str) -> SeedValue,
}

fn same(_: &str) -> SeedValue {
    SeedValue::Same
}

/// `DRY_RUN=false` means live trading; `DRY_RUN=true` the seed's paper trading.
fn dry_run(value: &str) -> SeedValue {
    match value.trim().to_ascii_lowercase().as_str() {
        "false" | "0" | "no" => SeedValue::Mapped("live"),
        "true" | "1" | "yes" => SeedValue::Mapped("paper"),
        _ => SeedValue::Same,
    }
}

macro_rules! seed_table {
    ($($name:literal => $key:literal $(via $map:ident)?),* $(,)?) => {
        /// Every seed variable polymm understands.
        pub const SEED_VARIABLES: &[SeedVariable] = &[
            $(SeedVariable { name: $name, key: $key, map: seed_table!(@map $($map)?) }),*
        ];
    };
    (@map) => { same };
    (@map $map:ident) => { $map };
}

seed_table! {
    "DRY_RUN" => "mode" via dry_run,
    "RISK_ENFORCE" => "risk.enforce",
    "MM_SPREAD" => "quoting.spread",
    "MM_SIZE" => "quoting.size",
    "MM_REQUOTE_THRESHOLD" => "quoting.requote_threshold",
    "MM_POSITION_LIMIT" => "quoting.position_limit",
    "SPREAD_MIN" => "quoting.spread_min",
    "SPREAD_MAX" => "quoting.spread_max",
    "INVENTORY_SKEW_MAX" => "quoting.inventory_skew_max",
    "RISK_MAX_DAILY_LOSS" => "risk.max_daily_loss",
    "RISK_MAX_POSITION" => "risk.max_position",
    "RISK_MAX_TOTAL_EXPOSURE" => "risk.max_total_exposure",
    "RISK_ERROR_COOLDOWN" => "risk.error_cooldown_secs",
    "KELLY_FRACTION" => "risk.kelly_fraction",
    "ADVERSE_TOXIC_THRESHOLD" => "risk.adverse_toxic_threshold",
    "MARKET_MIN_VOLUME" => "markets.min_volume",
    "MARKET_MIN_SPREAD" => "markets.min_spread",
    "MARKET_MAX_SPREAD" => "markets.max_spread",
    "MARKET_MIN_HOURS_TO_RESOLUTION" => "markets.min_hours_to_resolution",
    "MARKET_MIN_PRICE" => "markets.min_price",
    "MARKET_MAX_PRICE" => "markets.max_price",
    "ARB_MIN_PROFIT_BPS" => "alpha.arb_min_profit_bps",
    "FLOW_WINDOW_SECONDS" => "alpha.flow_window_secs",
    "FLOW_IMBALANCE_THRESHOLD" => "alpha.flow_imbalance_threshold",
    "REGIME_WINDOW_SIZE" => "alpha.regime_window_size",
    "POLY_PRIVATE_KEY" => "credentials.private_key",
    "POLY_API_KEY" => "credentials.api_key",
    "POLY_API_SECRET" => "credentials.api_secret",
    "POLY_PASSPHRASE" => "credentials.passphrase",
}
