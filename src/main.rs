//! The `polymm` binary: parse the command line, run the command, print any error once.

use std::process::ExitCode;

use clap::Parser;
use polymm::cli::{Cli, dispatch};

fn main() -> ExitCode {
    match dispatch(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("polymm: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
