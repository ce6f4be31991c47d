//! `polymm run` (the default command): the daemon. In sim mode it starts the embedded venue
//! in-process with a generated throwaway key, then trades it; in live mode it trades
//! Polymarket with the configured key once `venue.live_confirmed` is set. It prints a
//! status line every few seconds and, on Ctrl-C or SIGTERM, stops quoting and cancels every
//! order before exiting.

use std::sync::Arc;
use std::time::Duration;

use super::{GlobalArgs, print_line};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, LogFormat, Mode};
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::{ClobClient, RetryPolicy};
use crate::polymarket::signer::KeySigner;
use crate::polymarket::transport::TransportError;
use crate::polymarket::{OrderSigner, SignatureType};
use crate::sim::agents::ScenarioCatalog;
use crate::sim::server;
use crate::sim::world::SimWorld;
use crate::system::{self, Account, Daemon, VenueEndpoints};

/// Sets up logging from the `[telemetry]` section (`RUST_LOG` wins when set); a panic (a
/// market crash that supervision will restart) becomes one log line, not a backtrace dump.
fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.telemetry.log_level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = match config.telemetry.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Human => builder.compact().try_init(),
    };
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(%location, "panic: {message}");
    }));
}

/// Runs the daemon until Ctrl-C or SIGTERM.
pub fn run(global: &GlobalArgs) -> anyhow::Result<()> {
    let loaded = crate::config::load(&global.load_options()?)?;
    let config = loaded.config;
    init_tracing(&config);
    for warning in loaded.warnings {
        tracing::warn!("{warning}");
    }
    match config.mode {
        Mode::Sim => actix_rt::System::new().block_on(run_sim(config)),
        Mode::Live => actix_rt::System::new().block_on(run_live(config)),
        Mode::Paper => actix_rt::System::new().block_on(run_paper(config)),
    }
}

async fn run_sim(config: Config) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let options = crate::system::sim_options(&config);
    let catalog = ScenarioCatalog::new(config.sim.scenarios.clone());
    let world = SimWorld::build(&options, &catalog, clock.now().0)?;
    let venue = server::start(world, config.sim.port, clock.clone())?;
    let account =
        venue.test_accounts.first().ok_or_else(|| anyhow::anyhow!("the sim made no test account"))?;
    let signer = OrderSigner::new(account.key.clone(), config.venue.chain, SignatureType::Eoa, None)?;
    print_line(format!(
        "polymm: mode sim, embedded venue at {} (scenario {}, {} markets), trading as {}",
        venue.base_url,
        options.scenario,
        options.markets,
        account.key.address()
    ))?;
    let endpoints = VenueEndpoints::of_sim(&venue)?;
    let daemon = system::start(&config, &endpoints, signer, account.creds.clone(), clock).await?;
    announce_control(&daemon)?;
    serve_until_signal(&config, daemon).await?;
    actix_rt::time::sleep(Duration::from_millis(300)).await;
    venue.stop().await;
    Ok(())
}

/// The configured Polymarket endpoints.
pub fn venue_endpoints(venue: &crate::config::VenueConfig) -> Result<VenueEndpoints, TransportError> {
    Ok(VenueEndpoints {
        clob: venue.clob_url.clone(),
        gamma: venue.gamma_url.clone(),
        data_api: venue.data_api_url.clone(),
        ws_market: venue.ws_market_url.clone(),
        ws_user: venue.ws_user_url.clone(),
        transport: venue.transport()?,
    })
}

/// Paper mode: Polymarket's public market data, fills on a local paper account. Orders are
/// signed by a key made for this run, which no venue knows; nothing is sent.
async fn run_paper(config: Config) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let signer = OrderSigner::new(KeySigner::random(), config.venue.chain, SignatureType::Eoa, None)?;
    let balance = config.venue.paper_balance.value();
    print_line(format!(
        "polymm: mode paper on the market data of {}, paper account of {balance} pUSD (no order leaves this machine)",
        config.venue.clob_url
    ))?;
    let account = Account::Paper { signer, balance };
    let daemon = system::start_as(&config, &venue_endpoints(&config.venue)?, account, clock).await?;
    announce_control(&daemon)?;
    serve_until_signal(&config, daemon).await
}

async fn run_live(config: Config) -> anyhow::Result<()> {
    if !config.venue.live_confirmed {
        anyhow::bail!(
            "live mode trades real money: confirm with venue.live_confirmed = true in the \
             configuration or --set venue.live_confirmed=true"
        );
    }
    let key = config
        .credentials
        .private_key
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("live mode needs POLY_PRIVATE_KEY"))?;
    let key = KeySigner::from_secret(key)?;
    let signer = OrderSigner::new(key, config.venue.chain, config.venue.signature_type, config.venue.funder)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let venue = &config.venue;
    let endpoints = venue_endpoints(venue)?;
    let creds =
        match (&config.credentials.api_key, &config.credentials.api_secret, &config.credentials.passphrase) {
            (Some(api_key), Some(secret), Some(passphrase)) => ApiCreds {
                api_key: api_key.clone(),
                secret: crate::secret::Secret::new(secret.expose()),
                passphrase: crate::secret::Secret::new(passphrase.expose()),
            },
            _ => {
                let client = ClobClient::new(
                    &endpoints.transport,
                    &venue.clob_url,
                    &venue.gamma_url,
                    clock.clone(),
                    RetryPolicy::default(),
                )
                .with_signer(signer.clone());
                client.create_or_derive_api_key(0).await?
            }
        };
    print_line(format!("polymm: mode live at {}, trading as {}", venue.clob_url, signer.maker()))?;
    let daemon = system::start(&config, &endpoints, signer, creds, clock).await?;
    announce_control(&daemon)?;
    serve_until_signal(&config, daemon).await
}

fn announce_control(daemon: &Daemon) -> anyhow::Result<()> {
    print_line(format!("polymm: control API on {} (polymm ctl status)", daemon.control.addr))
}

/// Prints a status line every `telemetry.status_interval_secs` until Ctrl-C or SIGTERM,
/// then shuts the daemon down (cancelling every order).
pub async fn serve_until_signal(config: &Config, daemon: Daemon) -> anyhow::Result<()> {
    let mut ticker = actix_rt::time::interval(Duration::from_secs(config.telemetry.status_interval_secs));
    // Both streams exist for the whole run: a signal that arrives while a status line is
    // being made is kept until the loop looks again (a `ctrl_c()` future made per turn of the
    // loop would miss it, and the daemon would never stop).
    use actix_rt::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    loop {
        tokio::select! {
            _ = ticker.tick() => print_line(status_line(&daemon).await)?,
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        }
    }
    print_line("polymm: stopping: cancelling every order")?;
    let cancelled = daemon.shutdown().await.map_err(anyhow::Error::msg)?;
    print_line(format!("polymm: {cancelled} orders cancelled; bye"))
}

async fn status_line(daemon: &Daemon) -> String {
    let status = daemon.status().await;
    let quoting = status.iter().filter(|m| m.idle.is_none()).count();
    let orders: usize = status.iter().map(|m| m.orders.len()).sum();
    let position: rust_decimal::Decimal = status.iter().map(|m| m.position.abs()).sum();
    let restarts: u32 = status.iter().map(|m| m.restarts).sum();
    let mut idle: Vec<String> = status.iter().filter_map(|m| m.idle.clone()).collect();
    idle.sort();
    idle.dedup();
    let idle = if idle.is_empty() { String::new() } else { format!(" (others: {})", idle.join(", ")) };
    let money = match daemon.switch().await {
        Some(report) => {
            let switch = match report.state {
                crate::killswitch::SwitchState::Armed => String::new(),
                other => format!(", KILL SWITCH {other:?}"),
            };
            format!(", day P&L {:.2}{switch}", report.day_pnl)
        }
        None => String::new(),
    };
    format!(
        "status: {quoting}/{} markets quoting, {orders} orders resting, |position| {position} shares, {restarts} restarts{money}{idle}",
        status.len()
    )
}
