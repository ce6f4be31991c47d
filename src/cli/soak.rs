//! `polymm soak`: the chaos soak (see [`crate::soak`]). Prints each chaos step, then the
//! figures, and exits non-zero unless every loss figure is zero.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{GlobalArgs, print_line};

/// `polymm soak` flags.
#[derive(Debug, Args)]
pub struct SoakArgs {
    /// How long the chaos lasts: `90s`, `2m`, `1h`.
    #[arg(long, default_value = "1h", value_parser = parse_duration)]
    pub duration: Duration,
    /// Markets the embedded venue lists.
    #[arg(long, default_value_t = 6)]
    pub markets: u32,
    /// Seed of the venue and of the chaos.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The venue's scenario.
    #[arg(long, default_value = "calm")]
    pub scenario: String,
    /// Where the daemon's state directory and log go (default: a new directory under the
    /// system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs the soak and prints its report.
pub fn run(global: &GlobalArgs, args: &SoakArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    let dir = args.dir.clone().unwrap_or_else(|| {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        std::env::temp_dir().join(format!("polymm-soak-{}", stamp.as_secs()))
    });
    print_line(format!(
        "polymm soak: {:?} of chaos on {} {} markets (seed {}); daemon state and log in {}",
        args.duration,
        args.markets,
        args.scenario,
        args.seed,
        dir.display()
    ))?;
    let options = crate::soak::SoakOptions {
        duration: args.duration,
        markets: args.markets,
        seed: args.seed,
        scenario: args.scenario.clone(),
        dir,
        settle_within: Duration::from_secs(60),
    };
    let report = actix_rt::System::new().block_on(crate::soak::soak(&config, options, |line| {
        let _ = print_line(line);
    }))?;
    print_line(&report)?;
    if report.clean() { Ok(()) } else { anyhow::bail!("the soak found losses (see the figures above)") }
}

/// `90s`, `2m`, `1h`, or plain seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let value: u64 = number.parse().map_err(|_| format!("{text:?} is not a duration like 90s, 2m or 1h"))?;
    let secs = match unit {
        "" | "s" => value,
        "m" => value * 60,
        "h" => value * 3_600,
        _ => return Err(format!("{text:?}: the unit must be s, m or h")),
    };
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_their_units() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("1d").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
