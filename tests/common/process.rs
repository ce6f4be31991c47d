//! `polymm` as a separate process against a venue the test holds on loopback: the command
//! line that points it at the venue, and a running child whose stdout is collected.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use polymm::sim::SimHandle;

/// `--set` values pointing every endpoint at `venue` (https/wss when it serves TLS).
pub fn venue_sets(venue: &SimHandle) -> Vec<String> {
    venue.endpoint_sets()
}

/// `polymm ARGS… --set SETS…` in `dir` with an empty environment but `env`.
pub fn polymm(dir: &Path, args: &[&str], sets: &[String], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_polymm"));
    command.arg("--no-dotenv").args(args).env_clear();
    for (name, value) in env {
        command.env(name, value);
    }
    for set in sets {
        command.args(["--set", set]);
    }
    command.current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Runs `command` to its end on a blocking thread, so a venue served by this test's own
/// runtime keeps answering it.
pub async fn output(mut command: Command) -> std::process::Output {
    actix_rt::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

/// A running `polymm` whose stdout lines are collected as they come.
pub struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    /// Starts `command`.
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        Self { child, lines }
    }

    /// Kills it and panics with what it wrote to stderr.
    pub fn fail(mut self, why: &str) -> ! {
        let _ = self.child.kill();
        let output = self.child.wait_with_output().unwrap();
        panic!("{why}: {}", String::from_utf8_lossy(&output.stderr));
    }

    /// Kills it with SIGKILL (no shutdown of any kind) and waits for it to be gone.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM and waits (up to `limit`) for it to exit: its status and stdout.
    pub async fn terminate(mut self, limit: Duration) -> (ExitStatus, Vec<String>) {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        let stopped = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if stopped.elapsed() > limit {
                self.fail(&format!("still running {limit:?} after SIGTERM"));
            }
            actix_rt::time::sleep(Duration::from_millis(50)).await;
        };
        (status, self.lines.try_iter().collect())
    }
}

/// Waits until `done` holds, checking every 50 ms for at most `limit`; whether it did.
pub async fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            return false;
        }
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
    true
}
