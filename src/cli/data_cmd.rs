//! `polymm data inspect PATH`: what a data set holds (markets, time span, events by kind,
//! gaps, what was skipped and where).

use std::path::PathBuf;

use clap::Args;

use super::print_line;

/// `polymm data inspect` flags.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A recording (file or folder), a resolvedkit folder, or PMXT Parquet (file or folder).
    pub path: PathBuf,
}

/// Prints what the data set at `args.path` holds.
pub fn inspect(args: &InspectArgs) -> anyhow::Result<()> {
    let mut source = crate::data::open(&args.path)?;
    let inspection = crate::data::inspect(source.as_mut());
    print_line(inspection.render().trim_end())?;
    Ok(())
}
