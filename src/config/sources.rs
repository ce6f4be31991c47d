//! Where configuration values come from, in order (later wins): built-in defaults (the
//! shipped `actors.toml`), the user's `actors.toml`, a `.env` file, the process
//! environment (`POLYMM_*` then the seed bot's names), and command-line overrides.
//!
//! Every layer is a figment provider with a recognisable name, so each value's origin can
//! be reported as "file actors.toml key quoting.spread" or "environment variable MM_SPREAD".
//! The environment is read once into an [`EnvSnapshot`]; tests build snapshots by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Error, Figment, Metadata, Profile, Provider, Source};

use super::seed_env::{SEED_VARIABLES, SeedValue};

/// The shipped `actors.toml`: the built-in defaults and their documentation at once.
pub const DEFAULTS_TOML: &str = include_str!("../../actors.toml");
/// Prefix of polymm's own environment variables.
pub const ENV_PREFIX: &str = "POLYMM_";

const DEFAULTS: &str = "built-in default";
const FILE: &str = "file";
const POLYMM_ENV: &str = "POLYMM_ variable";
const SEED_ENV: &str = "seed variable";
const COMMAND_LINE: &str = "command line";

/// Environment variables captured once, each with where it was read from.
#[derive(Debug, Clone, Default)]
pub struct EnvSnapshot {
    vars: BTreeMap<String, (String, EnvOrigin)>,
}

/// Where an environment variable was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvOrigin {
    /// The process environment.
    Process,
    /// A dotenv file.
    DotEnv(PathBuf),
}

impl EnvSnapshot {
    /// The process environment over the `.env` file at `dotenv` (if it exists).
    pub fn capture(dotenv: Option<&Path>) -> Result<Self, String> {
        let mut snapshot = Self::default();
        if let Some(path) = dotenv.filter(|p| p.exists()) {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            for (name, value) in parse_dotenv(&text) {
                snapshot.vars.insert(name, (value, EnvOrigin::DotEnv(path.to_owned())));
            }
        }
        for (name, value) in std::env::vars() {
            snapshot.vars.insert(name, (value, EnvOrigin::Process));
        }
        Ok(snapshot)
    }

    /// A snapshot of exactly these process variables (for tests and embedding).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let vars =
            pairs.into_iter().map(|(k, v)| (k.to_owned(), (v.to_owned(), EnvOrigin::Process))).collect();
        Self { vars }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|(value, _)| value.as_str())
    }

    fn with_origin<'a>(&'a self, origin: &'a EnvOrigin) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.vars.iter().filter(move |(_, (_, o))| o == origin).map(|(k, (v, _))| (k.as_str(), v.as_str()))
    }

    fn origins(&self) -> Vec<EnvOrigin> {
        let mut origins: Vec<EnvOrigin> = Vec::new();
        for (_, origin) in self.vars.values() {
            if !origins.contains(origin) {
                origins.push(origin.clone());
            }
        }
        origins.sort_by_key(|o| matches!(o, EnvOrigin::Process));
        origins
    }
}

/// `KEY=VALUE` lines; `#` comments, `export ` prefixes and matching quotes are handled.
fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let (name, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
                .unwrap_or_else(|| value.split(" #").next().unwrap_or(value).trim());
            Some((name.trim().to_owned(), unquoted.to_owned()))
        })
        .collect()
}

/// Inputs of one configuration load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The user's configuration file; `None` reads `./actors.toml` if it exists.
    pub config_path: Option<PathBuf>,
    /// Environment variables.
    pub env: EnvSnapshot,
    /// `key = value` overrides from the command line, applied last.
    pub overrides: Vec<(String, String)>,
}

/// Stacks every layer into one figment.
pub fn layered(options: &LoadOptions) -> Figment {
    let mut figment = Figment::new().merge(Named::new(DEFAULTS, Toml::string(DEFAULTS_TOML)));
    let path = options.config_path.clone().unwrap_or_else(|| PathBuf::from("actors.toml"));
    if options.config_path.is_some() || path.exists() {
        figment = figment.merge(Toml::file_exact(&path));
    }
    for origin in options.env.origins() {
        let vars: Vec<(&str, &str)> = options.env.with_origin(&origin).collect();
        figment = figment.merge(EnvLayer::polymm(&vars, &origin)).merge(EnvLayer::seed(&vars, &origin));
    }
    let mut overrides = Dict::new();
    for (key, value) in &options.overrides {
        insert_path(&mut overrides, key, Value::from(value.clone()));
    }
    figment.merge(Overrides(overrides))
}

/// Inserts `value` at a dotted `key`, creating the intermediate tables.
pub fn insert_path(dict: &mut Dict, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            dict.insert(key.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = dict.entry(head.to_owned()).or_insert_with(|| Value::from(Dict::new()));
            if !matches!(entry, Value::Dict(..)) {
                *entry = Value::from(Dict::new());
            }
            if let Value::Dict(_, inner) = entry {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// Dotted paths of every leaf under `dict`.
pub fn leaf_paths(dict: &Dict, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in dict {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::Dict(_, inner) if !inner.is_empty() => leaf_paths(inner, &path, out),
            _ => out.push(path),
        }
    }
}

/// A human description of where `key`'s value came from.
pub fn describe_origin(metadata: &Metadata, key: &str) -> String {
    let detail = match &metadata.source {
        Some(Source::Custom(detail)) => detail.clone(),
        _ => String::new(),
    };
    match metadata.name.as_ref() {
        DEFAULTS => "built-in default".to_owned(),
        POLYMM_ENV => format!("{}{}{detail}", ENV_PREFIX, key.to_ascii_uppercase().replace('.', "__")),
        SEED_ENV => {
            let name = SEED_VARIABLES.iter().find(|v| v.key == key).map_or("?", |v| v.name);
            format!("{name}{detail}")
        }
        COMMAND_LINE => format!("command line --set {key}=…"),
        _ => match &metadata.source {
            Some(Source::File(path)) => format!("{} key {key}", path.display()),
            _ => format!("{FILE} key {key}"),
        },
    }
}

/// Wraps a provider under a name of ours.
struct Named<P> {
    name: &'static str,
    inner: P,
}

impl<P: Provider> Named<P> {
    fn new(name: &'static str, inner: P) -> Self {
        Self { name, inner }
    }
}

impl<P: Provider> Provider for Named<P> {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        self.inner.data()
    }
}

/// The command line's `--set key=value` overrides.
struct Overrides(Dict);

impl Provider for Overrides {
    fn metadata(&self) -> Metadata {
        Metadata::named(COMMAND_LINE)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        Ok(Profile::Default.collect(self.0.clone()))
    }
}

/// Environment variables of one origin, mapped to configuration keys.
struct EnvLayer {
    name: &'static str,
    origin: EnvOrigin,
    dict: Dict,
}

impl EnvLayer {
    /// `POLYMM_SECTION__KEY=value` → `section.key`.
    fn polymm(vars: &[(&str, &str)], origin: &EnvOrigin) -> Self {
        let mut dict = Dict::new();
        for (name, value) in vars {
            if let Some(rest) = name.strip_prefix(ENV_PREFIX) {
                let key = rest.to_ascii_lowercase().replace("__", ".");
                insert_path(&mut dict, &key, Value::from((*value).to_owned()));
            }
        }
        Self { name: POLYMM_ENV, origin: origin.clone(), dict }
    }

    /// The seed bot's variables, through the mapping table.
    fn seed(vars: &[(&str, &str)], origin: &EnvOrigin) -> Self {
        let mut dict = Dict::new();
        for (name, value) in vars {
            if let Some(variable) = SEED_VARIABLES.iter().find(|v| v.name == *name) {
                let mapped = match (variable.map)(value) {
                    SeedValue::Same => (*value).to_owned(),
                    SeedValue::Mapped(text) => text.to_owned(),
                };
                insert_path(&mut dict, variable.key, Value::from(mapped));
            }
        }
        Self { name: SEED_ENV, origin: origin.clone(), dict }
    }
}

impl Provider for EnvLayer {
    fn metadata(&self) -> Metadata {
        let detail = match &self.origin {
            EnvOrigin::Process => " (environment)".to_owned(),
            EnvOrigin::DotEnv(path) => format!(" (in {})", path.display()),
        };
        Metadata::from(self.name, Source::Custom(detail))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        Ok(Profile::Default.collect(self.dict.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_lines_parse_like_python_dotenv() {
        let parsed =
            parse_dotenv("# c\nMM_SPREAD=0.05\nexport DRY_RUN=\"false\"\nX='a b' \nY=1 # note\n\nbad line\n");
        assert_eq!(
            parsed,
            vec![
                ("MM_SPREAD".into(), "0.05".into()),
                ("DRY_RUN".into(), "false".into()),
                ("X".into(), "a b".into()),
                ("Y".into(), "1".into()),
            ]
        );
    }

    #[test]
    fn paths_nest_and_flatten_back() {
        let mut dict = Dict::new();
        insert_path(&mut dict, "a.b.c", Value::from("1".to_owned()));
        insert_path(&mut dict, "a.d", Value::from("2".to_owned()));
        let mut paths = Vec::new();
        leaf_paths(&dict, "", &mut paths);
        assert_eq!(paths, vec!["a.b.c".to_owned(), "a.d".to_owned()]);
    }
}
