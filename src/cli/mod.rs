//! The command line: argument definitions (clap) and dispatch to the one-shot commands.
//!
//! Each command lives in its own file beside this one and returns `anyhow::Result`, so
//! `main` only prints the error. The daemon itself (`polymm run`) starts in `system.rs`.

mod auth;
mod backtest;
mod config_cmd;
mod ctl;
mod data_cmd;
mod doctor;
mod market_data;
mod record;
mod run;
mod sign;
mod sim;
mod sim_compare;
mod soak;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{EnvSnapshot, LoadOptions};

/// polymm: a market maker for Polymarket's order book (CLOB V2).
///
/// With no command it runs the daemon (`polymm run`). Configuration comes from the
/// built-in defaults, ./actors.toml, POLYMM_* and the seed bot's environment variables
/// (also read from ./.env), and --set flags, later ones winning.
#[derive(Debug, Parser)]
#[command(name = "polymm", version, propagate_version = true)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command (default: run).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file (default: ./actors.toml when it exists).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Trading mode: sim (embedded venue), paper (real data, simulated fills) or live.
    #[arg(long, global = true, value_name = "MODE")]
    pub mode: Option<String>,
    /// Override any configuration key, e.g. --set quoting.spread=0.03 (repeatable).
    #[arg(long = "set", global = true, value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub overrides: Vec<(String, String)>,
    /// Do not read ./.env.
    #[arg(long, global = true)]
    pub no_dotenv: bool,
}

/// `polymm data` subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Print what a data set holds: markets, time span, events by kind, gaps, problems.
    Inspect(data_cmd::InspectArgs),
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the market-making daemon (the default command).
    Run,
    /// Run the embedded Polymarket-compatible venue on 127.0.0.1 until Ctrl-C.
    Sim(sim::SimArgs),
    /// Compare strategies on identical seeded simulations (virtual time) and print a table.
    SimCompare(sim_compare::SimCompareArgs),
    /// List the venue's markets with their scoring inputs (volume, spread, rewards, hours left).
    Markets(market_data::MarketsArgs),
    /// Show a live top-of-book view of one token from the market channel.
    Book(market_data::BookArgs),
    /// Control a running daemon: status, markets, enable, disable, kill, resume, cancel-all.
    Ctl(ctl::CtlArgs),
    /// Check what a live start needs (endpoints, TLS, clock, credentials, funds, geoblock)
    /// and say what to fix; exits non-zero when a live start would fail.
    Doctor,
    /// Chaos soak: the daemon against the embedded venue under every fault, panics,
    /// kill -9 after fills and restarts, then an audit of its view against the venue's.
    Soak(soak::SoakArgs),
    /// Check or show the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Replay recorded or downloaded market data through the daemon's strategies and print
    /// the comparison table (`--report DIR` for the HTML report).
    Backtest(backtest::BacktestArgs),
    /// Record the market channel of the chosen markets (both tokens) into hourly zstd files
    /// for `polymm backtest`.
    Record(record::RecordArgs),
    /// Look at recorded or downloaded market data.
    #[command(subcommand)]
    Data(DataCommand),
    /// Build and sign orders offline.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Compute API authentication headers offline.
    #[command(subcommand)]
    Auth(AuthCommand),
}

/// `polymm config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration; print every problem and exit non-zero if any.
    Check,
    /// Print every effective value with where it came from (secrets redacted).
    Show {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `polymm order …`
#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Sign a CLOB V2 order with POLY_PRIVATE_KEY and print digest, signature, amounts and body.
    Sign(Box<sign::SignArgs>),
}

/// `polymm auth …`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// L1 headers (ClobAuth signature with POLY_PRIVATE_KEY), for creating or deriving API keys.
    L1(auth::L1Args),
    /// L2 headers (HMAC with POLY_API_KEY, POLY_API_SECRET, POLY_PASSPHRASE) for one request.
    L2(auth::L2Args),
}

/// Writes one line to stdout; a closed pipe (`polymm … | head`) ends output quietly.
pub fn print_line(line: impl std::fmt::Display) -> anyhow::Result<()> {
    use std::io::Write as _;
    match writeln!(std::io::stdout().lock(), "{line}") {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(err.into()),
        _ => Ok(()),
    }
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    let (key, value) = text.split_once('=').ok_or("expected KEY=VALUE")?;
    let key = key.trim();
    if key.is_empty() {
        return Err("the key before '=' is empty".to_owned());
    }
    Ok((key.to_owned(), value.to_owned()))
}

impl GlobalArgs {
    /// The environment, read once: the process environment over ./.env.
    pub fn env(&self) -> anyhow::Result<EnvSnapshot> {
        let dotenv = (!self.no_dotenv).then(|| PathBuf::from(".env"));
        EnvSnapshot::capture(dotenv.as_deref()).map_err(anyhow::Error::msg)
    }

    /// How to load the configuration.
    pub fn load_options(&self) -> anyhow::Result<LoadOptions> {
        let mut overrides = self.overrides.clone();
        if let Some(mode) = &self.mode {
            overrides.push(("mode".to_owned(), mode.clone()));
        }
        Ok(LoadOptions { config_path: self.config.clone(), env: self.env()?, overrides })
    }
}

/// Runs a parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => run::run(&cli.global),
        Command::Sim(args) => sim::run(&cli.global, &args),
        Command::SimCompare(args) => sim_compare::run(&cli.global, &args),
        Command::Markets(args) => market_data::markets(&cli.global, &args),
        Command::Book(args) => market_data::book(&cli.global, &args),
        Command::Ctl(args) => ctl::run(&cli.global, &args),
        Command::Doctor => doctor::run(&cli.global),
        Command::Soak(args) => soak::run(&cli.global, &args),
        Command::Backtest(args) => backtest::run(&cli.global, &args),
        Command::Record(args) => record::run(&cli.global, &args),
        Command::Data(DataCommand::Inspect(args)) => data_cmd::inspect(&args),
        Command::Config(ConfigCommand::Check) => config_cmd::check(&cli.global),
        Command::Config(ConfigCommand::Show { json }) => config_cmd::show(&cli.global, json),
        Command::Order(OrderCommand::Sign(args)) => sign::run(&cli.global, &args),
        Command::Auth(AuthCommand::L1(args)) => auth::l1(&cli.global, &args),
        Command::Auth(AuthCommand::L2(args)) => auth::l2(&cli.global, &args),
    }
}
