//! `polymm sim`: runs the embedded venue standalone on 127.0.0.1 until Ctrl-C, printing its
//! URLs, the generated test account (a throwaway key and its API credentials) and the
//! markets it lists. With `--tls` it serves `https://` and `wss://` with a throwaway CA
//! whose certificate it writes to a file for clients to trust (`venue.ca_file`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;

use super::{GlobalArgs, print_line};
use crate::clock::SystemClock;
use crate::sim::agents::ScenarioCatalog;
use crate::sim::server;
use crate::sim::tls::SimTls;
use crate::sim::world::{SimOptions, SimWorld};

/// `polymm sim` flags; each overrides the matching `[sim]` key.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// TCP port on 127.0.0.1 (0: any free port).
    #[arg(long)]
    pub port: Option<u16>,
    /// Scenario: calm, trending, jumpy, toxic, competitive, resolving, mixed, or your own.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Seed of every random draw.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of markets listed.
    #[arg(long)]
    pub markets: Option<u32>,
    /// Fault spec, e.g. "ws_drop_every=30,http_5xx=0.02,latency=5-40".
    #[arg(long)]
    pub faults: Option<String>,
    /// Number of generated test accounts.
    #[arg(long, default_value_t = 1)]
    pub accounts: u32,
    /// Serve https:// and wss:// with a throwaway CA made for this run.
    #[arg(long)]
    pub tls: bool,
    /// Where --tls writes its CA certificate (default: polymm-sim-PORT-ca.pem in the
    /// temporary directory); point venue.ca_file at it.
    #[arg(long, value_name = "PATH", requires = "tls")]
    pub ca_out: Option<std::path::PathBuf>,
}

/// Runs the venue until Ctrl-C.
pub fn run(global: &GlobalArgs, args: &SimArgs) -> anyhow::Result<()> {
    let mut options = global.load_options()?;
    let flags = [
        ("sim.port", args.port.map(|v| v.to_string())),
        ("sim.scenario", args.scenario.clone()),
        ("sim.seed", args.seed.map(|v| v.to_string())),
        ("sim.markets", args.markets.map(|v| v.to_string())),
        ("sim.faults", args.faults.clone()),
    ];
    options.overrides.extend(flags.into_iter().filter_map(|(k, v)| Some((k.to_owned(), v?))));
    let config = crate::config::load(&options)?.config;
    let sim_options = SimOptions { test_accounts: args.accounts, ..crate::system::sim_options(&config) };
    let catalog = ScenarioCatalog::new(config.sim.scenarios.clone());
    let clock = Arc::new(SystemClock);
    let world = SimWorld::build(&sim_options, &catalog, crate::clock::Clock::now(clock.as_ref()).0)?;
    actix_rt::System::new().block_on(async move {
        let handle = match args.tls {
            true => server::start_tls(world, config.sim.port, clock, SimTls::generate()?)?,
            false => server::start(world, config.sim.port, clock)?,
        };
        let ca_file = write_ca(&handle, args.ca_out.clone())?;
        announce(&handle, &sim_options, ca_file.as_deref())?;
        wait_for_stop().await?;
        print_line("polymm sim: stopping")?;
        handle.stop().await;
        if let (Some(path), None) = (&ca_file, &args.ca_out) {
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    })
}

/// Until Ctrl-C or SIGTERM.
async fn wait_for_stop() -> anyhow::Result<()> {
    let mut terminate = actix_rt::signal::unix::signal(actix_rt::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        stopped = actix_rt::signal::ctrl_c() => stopped?,
        _ = terminate.recv() => {}
    }
    Ok(())
}

/// Writes the CA of a TLS venue where clients can read it.
fn write_ca(handle: &server::SimHandle, to: Option<PathBuf>) -> anyhow::Result<Option<PathBuf>> {
    let Some(tls) = &handle.tls else { return Ok(None) };
    let path = to.unwrap_or_else(|| std::env::temp_dir().join(format!("polymm-sim-{}-ca.pem", handle.port)));
    tls.write_ca(&path)?;
    Ok(Some(path))
}

fn announce(handle: &server::SimHandle, options: &SimOptions, ca_file: Option<&Path>) -> anyhow::Result<()> {
    let faults = if options.faults.is_quiet() { "none" } else { "on" };
    print_line(format!(
        "polymm sim: listening on {} (scenario {}, seed {}, {} markets, faults {faults})",
        handle.base_url, options.scenario, options.seed, options.markets
    ))?;
    print_line(format!("  REST         {}", handle.base_url))?;
    print_line(format!("  market ws    {}/market", handle.ws_url))?;
    print_line(format!("  user ws      {}/user", handle.ws_url))?;
    print_line(format!("  gamma        {}", handle.gamma_url))?;
    print_line(format!("  data api     {}", handle.data_api_url))?;
    print_line(format!("  chain id     {}", options.chain.id()))?;
    if let Some(path) = ca_file {
        print_line(format!("  TLS CA       {} (trust it with --set venue.ca_file=PATH)", path.display()))?;
    }
    for (index, account) in handle.test_accounts.iter().enumerate() {
        print_line(format!("test account {index} (throwaway, this sim only):"))?;
        print_line(format!("  address      {}", account.key.address()))?;
        print_line(format!("  private key  {}", account.key.export_secret().expose()))?;
        print_line(format!("  api key      {}", account.creds.api_key))?;
        print_line(format!("  api secret   {}", account.creds.secret.expose()))?;
        print_line(format!("  passphrase   {}", account.creds.passphrase.expose()))?;
        print_line(format!("  pUSD         {}", options.starting_balance))?;
    }
    let markets = handle.state.with_world(|world, _| {
        world
            .venue
            .markets()
            .iter()
            .map(|m| {
                format!("  {:<22} {}  YES {}  NO {}", m.spec.slug, m.spec.condition_id, m.spec.yes, m.spec.no)
            })
            .collect::<Vec<_>>()
    });
    print_line("markets:")?;
    for line in markets {
        print_line(line)?;
    }
    print_line("Ctrl-C stops the venue.")
}
