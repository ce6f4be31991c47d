//! Configuration: layered sources ([`sources`]), the seed bot's variable names
//! ([`seed_env`]), and one validation step ([`validate`]) into the typed [`Config`].
//!
//! [`load`] returns either a complete, checked configuration or every problem at once.
//! Secrets live in [`Credentials`] as [`crate::secret::Secret`]s and never print.

mod build;
pub(crate) mod error;
mod model;
pub(crate) mod seed_env;
pub(crate) mod sources;
pub(crate) mod validate;

use figment::Figment;
use serde::Serialize;

pub use error::{ConfigError, ConfigIssue};
pub use sources::{EnvSnapshot, LoadOptions};
use validate::{SECRET_KEYS, Validator};

pub use model::{
    ActorsConfig, AlphaConfig, Config, ControlConfig, Credentials, FeedTiming, KillSwitchConfig, LogFormat,
    MarketsConfig, Mode, QuotingConfig, RiskConfig, SimConfig, TelemetryConfig, VenueConfig,
};

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
    let config = build::build(&mut v);
    build::cross_checks(&config, &mut v);
    v.finish()?;
    let mut warnings = Vec::new();
    if config.mode == Mode::Live && !config.risk.enforce {
        warnings.push("risk.enforce=false is ignored in live mode: limits are always enforced".to_owned());
    }
    Ok(Loaded { config, warnings, figment })
}
