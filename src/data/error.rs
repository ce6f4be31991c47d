//! Bad data, named by file and position. A problem with one record or row is counted and
//! skipped ([`Problems`]); a problem with the file itself (missing, not the format, a
//! column missing) refuses it ([`DataError`]).

use std::path::{Path, PathBuf};

use crate::error::{HasSeverity, Severity};

/// A data set that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not what its loader reads.
    #[error("{path}: {why}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        why: String,
    },
    /// Nothing at the path is a data set polymm knows.
    #[error("{0}: not a polymm recording, a resolvedkit folder or a PMXT Parquet file")]
    Unknown(PathBuf),
}

impl DataError {
    /// A format error at `path`.
    pub fn format(path: &Path, why: impl Into<String>) -> Self {
        Self::Format { path: path.to_owned(), why: why.into() }
    }

    /// An I/O error at `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_owned(), source }
    }
}

impl HasSeverity for DataError {
    fn severity(&self) -> Severity {
        Severity::Reject
    }
}

/// How many problems of each kind were skipped, with the first few described.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// Records or rows skipped.
    pub skipped: u64,
    /// Frames that decoded to nothing usable (not JSON, unknown token).
    pub malformed: u64,
    /// Truncated or corrupt compressed data at the end of a file (a crash's last second).
    pub truncated: u64,
    /// The first problems, each naming its file and position.
    pub first: Vec<String>,
}

/// How many problems are described in full.
const DESCRIBED: usize = 20;

impl Problems {
    /// Counts one skipped record, described if among the first.
    pub fn skip(&mut self, path: &Path, position: &str, why: impl std::fmt::Display) {
        self.skipped += 1;
        self.describe(path, position, why);
    }

    /// Counts one malformed frame.
    pub fn malformed(&mut self, path: &Path, position: &str, why: impl std::fmt::Display) {
        self.malformed += 1;
        self.describe(path, position, why);
    }

    /// Counts a truncated tail.
    pub fn truncated(&mut self, path: &Path, position: &str, why: impl std::fmt::Display) {
        self.truncated += 1;
        self.describe(path, position, why);
    }

    fn describe(&mut self, path: &Path, position: &str, why: impl std::fmt::Display) {
        if self.first.len() < DESCRIBED {
            self.first.push(format!("{}: {position}: {why}", path.display()));
        }
    }

    /// Adds another set of counts.
    pub fn absorb(&mut self, other: Problems) {
        self.skipped += other.skipped;
        self.malformed += other.malformed;
        self.truncated += other.truncated;
        for line in other.first {
            if self.first.len() < DESCRIBED {
                self.first.push(line);
            }
        }
    }

    /// Nothing went wrong.
    pub fn is_clean(&self) -> bool {
        self.skipped == 0 && self.malformed == 0 && self.truncated == 0
    }
}
