//! `polymm config check` and `polymm config show`.

use super::GlobalArgs;
use crate::config::{ConfigError, load};

/// Validates; prints every problem (one per line) and fails if there are any.
pub fn check(global: &GlobalArgs) -> anyhow::Result<()> {
    match load(&global.load_options()?) {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                super::print_line(format_args!("warning: {warning}"))?;
            }
            super::print_line(format_args!("configuration is valid (mode {})", loaded.config.mode))?;
            Ok(())
        }
        Err(ConfigError::Invalid(issues)) => {
            for issue in &issues {
                eprintln!("{issue}");
            }
            anyhow::bail!("{} configuration problem(s)", issues.len())
        }
        Err(err) => Err(err.into()),
    }
}

/// Prints the effective configuration with each value's origin.
pub fn show(global: &GlobalArgs, json: bool) -> anyhow::Result<()> {
    let loaded = load(&global.load_options()?)?;
    let values = loaded.effective();
    if json {
        super::print_line(serde_json::to_string_pretty(&values)?)?;
        return Ok(());
    }
    let key_width = values.iter().map(|v| v.key.len()).max().unwrap_or(0);
    let value_width = values.iter().map(|v| v.value.len()).max().unwrap_or(0).min(60);
    for value in &values {
        super::print_line(format_args!(
            "{:key_width$}  {:value_width$}  {}",
            value.key, value.value, value.origin
        ))?;
    }
    Ok(())
}
