//! Opt-in: the unmodified official Python client against `polymm sim`.
//!
//! `cargo test --test official_client -- --ignored` runs `tests/compat/official_client.py`
//! with `$COMPAT_PYTHON` (default `python3`), which needs `pip install py-clob-client-v2`.
//! It is skipped, with a message, when that interpreter or package is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

#[test]
#[ignore = "needs python3 with py-clob-client-v2 installed"]
fn official_python_client_works_against_the_sim() {
    let python = std::env::var("COMPAT_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python).args(["-c", "import py_clob_client_v2"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: {python} cannot import py_clob_client_v2 (pip install py-clob-client-v2)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut sim = Command::new(env!("CARGO_BIN_EXE_polymm"))
        .args(["sim", "--port", "0", "--markets", "4", "--no-dotenv"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(sim.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_owned();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/compat/official_client.py");
    let status = Command::new(&python).args([script, &url]).status().unwrap();
    sim.kill().ok();
    sim.wait().ok();
    assert!(status.success(), "the official client reported a mismatch (see its output above)");
}
