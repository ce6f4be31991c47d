//! Configuration problems, all of them at once, each with where the value came from.

use std::fmt;

use thiserror::Error;

use crate::error::{HasSeverity, Severity};

/// One wrong value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// The dotted key, e.g. `quoting.spread`.
    pub key: String,
    /// Where the value came from, e.g. `environment variable MM_SPREAD`.
    pub origin: String,
    /// What is wrong, without echoing secrets.
    pub message: String,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (from {})", self.key, self.message, self.origin)
    }
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// Values are wrong; every one is listed.
    #[error("{} configuration problem(s):\n{}", .0.len(), list(.0))]
    Invalid(Vec<ConfigIssue>),
    /// A file could not be read or parsed.
    #[error("cannot read configuration: {0}")]
    Unreadable(String),
}

impl ConfigError {
    /// The individual problems (empty for an unreadable file).
    pub fn issues(&self) -> &[ConfigIssue] {
        match self {
            Self::Invalid(issues) => issues,
            Self::Unreadable(_) => &[],
        }
    }
}

fn list(issues: &[ConfigIssue]) -> String {
    issues.iter().map(|i| format!("  - {i}")).collect::<Vec<_>>().join("\n")
}

impl HasSeverity for ConfigError {
    fn severity(&self) -> Severity {
        Severity::Halt
    }
}
