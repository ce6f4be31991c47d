//! The daemon under soak: `polymm run --mode live` as a child process pointed at the
//! embedded venue, its output appended to `daemon.log`, stopped with SIGTERM or killed
//! with SIGKILL, and its resident memory read from `/proc`.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

use crate::secret::Secret;
use crate::sim::server::SimHandle;

/// How to start the daemon.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The `polymm` binary.
    pub exe: PathBuf,
    /// Working directory; the state directory is `data` inside it.
    pub dir: PathBuf,
    /// `--set` values.
    pub sets: Vec<String>,
}

impl Launch {
    /// A live daemon trading on `venue` with its first test account, in `dir`.
    pub fn on(venue: &SimHandle, dir: &Path, extra: &[String]) -> std::io::Result<Self> {
        let mut sets = venue.endpoint_sets();
        sets.extend([
            "venue.live_confirmed=true".to_owned(),
            "control.port=0".to_owned(),
            "control.fault_injection=true".to_owned(),
            "markets.min_volume=0".to_owned(),
            format!("telemetry.state_dir={}", dir.join("data").display()),
        ]);
        sets.extend(extra.iter().cloned());
        Ok(Self { exe: std::env::current_exe()?, dir: dir.to_owned(), sets })
    }

    /// The state directory.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.join("data")
    }
}

/// A running daemon.
#[derive(Debug)]
pub struct Daemon {
    child: Child,
}

impl Daemon {
    /// Starts the daemon with `key` as its private key; a stale `control.addr` is removed
    /// first so the new one shows when its control API is up.
    pub fn spawn(launch: &Launch, key: &Secret) -> std::io::Result<Self> {
        let _ = std::fs::remove_file(launch.state_dir().join("control.addr"));
        let log = OpenOptions::new().create(true).append(true).open(launch.dir.join("daemon.log"))?;
        let mut command = Command::new(&launch.exe);
        command
            .args(["--no-dotenv", "run", "--mode", "live"])
            .env_clear()
            .env("POLY_PRIVATE_KEY", key.expose());
        for set in &launch.sets {
            command.args(["--set", set]);
        }
        let child = command
            .current_dir(&launch.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        Ok(Self { child })
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How it ended, if it has.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Kills it (SIGKILL: no shutdown of any kind) and reaps it.
    pub fn kill(self) {
        drop(self);
    }

    /// Sends SIGTERM; [`Daemon::exited`] tells when it is done.
    pub fn terminate(&self) -> std::io::Result<()> {
        let status = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status()?;
        if status.success() { Ok(()) } else { Err(std::io::Error::other("kill -TERM failed")) }
    }

    /// Resident memory, KiB (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Daemon {
    /// A soak that ends early (an error, a panic) leaves no daemon behind.
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Panics in `log` other than the crashes the soak asked for.
pub fn escaped_panics(log: &str) -> usize {
    log.lines()
        .filter(|line| line.contains("panic"))
        .filter(|line| !line.contains("crash requested through the control API"))
        .filter(|line| !line.contains("market handler panicked"))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_crashes_are_not_escaped_panics() {
        let log = "ERROR panic: crash requested through the control API\n\
                   ERROR market handler panicked; restarting the market\n\
                   INFO quoting\n\
                   ERROR panic: index out of bounds";
        assert_eq!(escaped_panics(log), 1);
    }
}
