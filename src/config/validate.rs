//! The one step from layered raw values to a typed [`super::Config`]: every key is parsed and
//! range-checked, every problem is collected, and the caller gets all of them at once.
//!
//! The raw side is figment's merged dictionary (each value tagged with its provider), so
//! each problem names the file key or variable it came from. Unknown keys are problems too.

use std::fmt::Display;
use std::str::FromStr;

use figment::Figment;
use figment::value::{Dict, Value};
use rust_decimal::Decimal;

use super::error::{ConfigError, ConfigIssue};
use super::sources::{DEFAULTS_TOML, describe_origin, leaf_paths};
use crate::secret::Secret;

/// Tables whose children are user-named (`sim.scenarios.NAME.field`): any name is allowed,
/// with the fields of the first child in the built-in defaults.
pub const OPEN_TABLES: [&str; 1] = ["sim.scenarios"];

/// Configuration keys that have no default and may only come from the environment.
pub const SECRET_KEYS: [&str; 4] =
    ["credentials.private_key", "credentials.api_key", "credentials.api_secret", "credentials.passphrase"];

/// Reads keys from a figment, collecting problems.
pub struct Validator<'a> {
    figment: &'a Figment,
    /// Every source merged once: looking a key up in the figment itself merges them all
    /// again on every call.
    merged: Value,
    issues: Vec<ConfigIssue>,
}

/// Every key the built-in defaults define, plus the secrets: read once per process.
fn known_keys() -> Result<&'static [String], ConfigError> {
    static KNOWN: std::sync::OnceLock<Result<Vec<String>, String>> = std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(|| {
        let defaults: Dict =
            Figment::from(<figment::providers::Toml as figment::providers::Format>::string(DEFAULTS_TOML))
                .extract()
                .map_err(|e| format!("built-in defaults: {e}"))?;
        let mut known = Vec::new();
        leaf_paths(&defaults, "", &mut known);
        known.extend(SECRET_KEYS.iter().map(|k| (*k).to_owned()));
        Ok(known)
    });
    known.as_deref().map_err(|why| ConfigError::Unreadable(why.clone()))
}

impl<'a> Validator<'a> {
    /// A validator over `figment`; reports unknown keys right away.
    pub fn new(figment: &'a Figment) -> Result<Self, ConfigError> {
        let merged: Dict = figment.extract().map_err(|e| ConfigError::Unreadable(e.to_string()))?;
        let mut validator = Self {
            figment,
            merged: Value::Dict(figment::value::Tag::Default, Dict::new()),
            issues: Vec::new(),
        };
        validator.check_known_keys(&merged)?;
        validator.merged = Value::Dict(figment::value::Tag::Default, merged);
        Ok(validator)
    }

    fn check_known_keys(&mut self, merged: &Dict) -> Result<(), ConfigError> {
        let known = known_keys()?;
        let mut present = Vec::new();
        leaf_paths(merged, "", &mut present);
        for key in present.into_iter().filter(|k| !known.contains(k) && !open_table_key(k, known)) {
            let hint = closest(&key, known).map(|k| format!("; did you mean {k}?")).unwrap_or_default();
            self.issue(&key, format!("unknown key{hint}"));
        }
        Ok(())
    }

    /// The merged value at `key` (a dotted path).
    fn find(&self, key: &str) -> Result<Value, ()> {
        self.merged.find_ref(key).cloned().ok_or(())
    }

    /// Records a problem with `key`.
    pub fn issue(&mut self, key: &str, message: impl Into<String>) {
        let origin = self.origin(key);
        self.issues.push(ConfigIssue { key: key.to_owned(), origin, message: message.into() });
    }

    /// Where `key`'s value came from.
    pub fn origin(&self, key: &str) -> String {
        self.figment.find_metadata(key).map_or_else(|| "nowhere".to_owned(), |m| describe_origin(m, key))
    }

    /// The value at `key` as text; records a problem if it is missing or not a scalar.
    pub fn text(&mut self, key: &str) -> Option<String> {
        match self.find(key) {
            Ok(value) => scalar_text(&value).or_else(|| {
                self.issue(key, "expected a single value, found a table or list");
                None
            }),
            Err(_) => {
                self.issue(key, "missing");
                None
            }
        }
    }

    /// `key` parsed with `FromStr`.
    pub fn parse<T: FromStr>(&mut self, key: &str, fallback: T) -> T
    where
        T::Err: Display,
    {
        let Some(text) = self.text(key) else {
            return fallback;
        };
        text.trim().parse().unwrap_or_else(|err| {
            self.issue(key, format!("{text:?} is invalid: {err}"));
            fallback
        })
    }

    /// A decimal within `[low, high]`.
    pub fn decimal(&mut self, key: &str, low: Decimal, high: Decimal) -> Decimal {
        let parse = |text: &str| Decimal::from_str(text).or_else(|_| Decimal::from_scientific(text)).ok();
        self.ranged(key, low, high, "a decimal number", parse)
    }

    /// A whole number within `[low, high]`.
    pub fn whole(&mut self, key: &str, low: u64, high: u64) -> u64 {
        self.ranged(key, low, high, "a whole number", |text| text.parse().ok())
    }

    /// `key` parsed by `parse` and checked against `[low, high]`; `low` stands in on error.
    fn ranged<T: PartialOrd + Display + Copy>(
        &mut self,
        key: &str,
        low: T,
        high: T,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> T {
        let Some(text) = self.text(key) else { return low };
        match parse(text.trim()) {
            Some(value) if value >= low && value <= high => value,
            Some(value) => {
                self.issue(key, format!("{value} is outside [{low}, {high}]"));
                low
            }
            None => {
                self.issue(key, format!("{text:?} is not {what}"));
                low
            }
        }
    }

    /// `true` or `false` (also `1`/`0`, `yes`/`no`, any case).
    pub fn flag(&mut self, key: &str) -> bool {
        let Some(text) = self.text(key) else {
            return false;
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => {
                self.issue(key, format!("{text:?} is not true or false"));
                false
            }
        }
    }

    /// A list of strings (empty if absent from every layer).
    pub fn list(&mut self, key: &str) -> Vec<String> {
        match self.find(key) {
            Ok(Value::Array(_, items)) => items.iter().filter_map(scalar_text).collect(),
            Ok(Value::String(_, text)) => {
                text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }
            Ok(_) => {
                self.issue(key, "expected a list");
                Vec::new()
            }
            Err(_) => Vec::new(),
        }
    }

    /// A secret, which must come from the environment; never echoed in problems.
    pub fn secret(&mut self, key: &str) -> Option<Secret> {
        let value = self.find(key).ok()?;
        let text = scalar_text(&value).unwrap_or_default();
        if self.is_from_file(key) {
            self.issue(key, "secrets are read from the environment only; remove it from the file");
            return None;
        }
        (!text.trim().is_empty()).then(|| Secret::new(text.trim()))
    }

    /// Whether `key`'s value was read from a configuration file.
    fn is_from_file(&self, key: &str) -> bool {
        let metadata = self.figment.find_metadata(key);
        matches!(metadata.and_then(|m| m.source.as_ref()), Some(figment::Source::File(_)))
    }

    /// The child names of a table (empty if absent or not a table), in name order.
    pub fn table_keys(&mut self, key: &str) -> Vec<String> {
        match self.find(key) {
            Ok(Value::Dict(_, dict)) => dict.keys().cloned().collect(),
            Ok(_) => {
                self.issue(key, "expected a table");
                Vec::new()
            }
            Err(_) => Vec::new(),
        }
    }

    /// All problems, or `Ok` if there were none.
    pub fn finish(self) -> Result<(), ConfigError> {
        if self.issues.is_empty() { Ok(()) } else { Err(ConfigError::Invalid(self.issues)) }
    }
}

/// Whether `key` is `TABLE.NAME.field` for an open table whose template child has `field`.
fn open_table_key(key: &str, known: &[String]) -> bool {
    OPEN_TABLES.iter().any(|table| {
        let Some(rest) = key.strip_prefix(table).and_then(|r| r.strip_prefix('.')) else { return false };
        let Some((_, field)) = rest.split_once('.') else { return false };
        known.iter().any(|k| {
            k.strip_prefix(table)
                .and_then(|r| r.strip_prefix('.'))
                .and_then(|r| r.split_once('.'))
                .is_some_and(|(_, known_field)| known_field == field)
        })
    })
}

/// A scalar value as text (numbers in their shortest form).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(_, text) => Some(text.clone()),
        Value::Char(_, c) => Some(c.to_string()),
        Value::Bool(_, b) => Some(b.to_string()),
        Value::Num(..) => value.deserialize::<serde_json::Value>().ok().map(|v| v.to_string()),
        Value::Empty(..) => Some(String::new()),
        Value::Dict(..) | Value::Array(..) => None,
    }
}

/// The known key closest to `key` by edit distance, if reasonably close.
fn closest<'k>(key: &str, known: &'k [String]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(key, k), k))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_suggests_near_keys() {
        let known = vec!["quoting.spread".to_owned(), "risk.enforce".to_owned()];
        assert_eq!(closest("quoting.sprad", &known), Some("quoting.spread"));
        assert_eq!(closest("something.else", &known), None);
    }
}
