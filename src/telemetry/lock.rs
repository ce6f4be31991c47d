//! One daemon per state directory: an exclusive lock on `polymm.lock` in it, held for the
//! daemon's life and released by the operating system when the process ends (even by
//! kill -9), so a crashed daemon never leaves a stale lock. The holder writes its process id
//! into the file, for the refusal message of the next one.
//!
//! Two daemons on one directory would cancel each other's orders as "left by an earlier
//! run", overwrite the control token, share one ledger and fight over the venue's heartbeat
//! chain. The same key from two directories cannot be seen from here: the second daemon's
//! start-up cancel-all would cancel the first one's orders, so run one daemon per key.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use crate::error::{HasSeverity, Severity};

/// The lock file's name in the state directory.
pub const LOCK_FILE: &str = "polymm.lock";

/// Why the state directory could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "the state directory {dir} is in use by another polymm (pid {holder}): stop it, or give this one \
         its own telemetry.state_dir"
    )]
    InUse {
        /// The directory.
        dir: PathBuf,
        /// The holder's process id as it wrote it (`?` if unreadable).
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {path}: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl HasSeverity for LockError {
    fn severity(&self) -> Severity {
        Severity::Halt
    }
}

/// The held lock; dropping it releases the directory.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

impl StateLock {
    /// Locks `dir` (created if needed) for this process, or says who holds it.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io { path: path.clone(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = if holder.trim().is_empty() { "?".to_owned() } else { holder.trim().to_owned() };
                return Err(LockError::InUse { dir: dir.to_owned(), holder });
            }
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_directory_is_refused_with_the_holders_pid_and_free_again_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let held = StateLock::acquire(dir.path()).unwrap();
        let refused = StateLock::acquire(dir.path()).unwrap_err();
        let message = refused.to_string();
        assert!(message.contains("is in use by another polymm"), "{message}");
        assert!(message.contains(&format!("pid {}", std::process::id())), "{message}");
        drop(held);
        assert!(StateLock::acquire(dir.path()).is_ok(), "released on drop");
    }
}
