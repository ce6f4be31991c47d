//! `polymm doctor`: prints one line per check of what a live start needs (see
//! [`crate::doctor`]) and exits non-zero when a live start would fail. It checks the venue
//! `venue.*` points at, whatever the mode.

use std::sync::Arc;

use super::{GlobalArgs, print_line};
use crate::clock::SystemClock;

/// Runs the checks and prints them.
pub fn run(global: &GlobalArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    print_line(format!("polymm doctor: what a live start at {} needs", config.venue.clob_url))?;
    let report = actix_rt::System::new().block_on(crate::doctor::examine(&config, Arc::new(SystemClock)));
    for line in report.render() {
        print_line(line)?;
    }
    match report.failures() {
        0 => Ok(()),
        failed => anyhow::bail!("{failed} doctor check(s) failed"),
    }
}
