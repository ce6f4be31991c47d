//! `polymm run` (the default command): the daemon. In sim mode it starts the embedded venue
//! in-process with a generated throwaway key, then trades it; it prints a status line every
//! few seconds and, on Ctrl-C, stops quoting and cancels every order before exiting.

use std::sync::Arc;
use std::time::Duration;

use super::{GlobalArgs, print_line};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, LogFormat, Mode};
use crate::polymarket::{OrderSigner, SignatureType};
use crate::sim::agents::ScenarioCatalog;
use crate::sim::server;
use crate::sim::world::{SimOptions, SimWorld};
use crate::system::{self, VenueEndpoints};

/// Sets up logging from the `[telemetry]` section (`RUST_LOG` wins when set).
fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.telemetry.log_level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = match config.telemetry.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Human => builder.compact().try_init(),
    };
}

/// Runs the daemon until Ctrl-C.
pub fn run(global: &GlobalArgs) -> anyhow::Result<()> {
    let config = crate::config::load(&global.load_options()?)?.config;
    if config.mode != Mode::Sim {
        anyhow::bail!(
            "mode {} is not wired into the daemon yet: this build trades the embedded venue only \
             (mode sim); paper and live need the issue that adds them",
            config.mode
        );
    }
    init_tracing(&config);
    actix_rt::System::new().block_on(async move {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let options = SimOptions::from_config(&config.sim, config.venue.chain);
        let catalog = ScenarioCatalog::new(config.sim.scenarios.clone());
        let world = SimWorld::build(&options, &catalog, clock.now().0)?;
        let venue = server::start(world, config.sim.port, clock.clone())?;
        let account = venue.test_accounts.first().ok_or_else(|| anyhow::anyhow!("the sim made no test account"))?;
        let signer = OrderSigner::new(account.key.clone(), config.venue.chain, SignatureType::Eoa, None)?;
        print_line(format!(
            "polymm: mode sim, embedded venue at {} (scenario {}, {} markets), trading as {}",
            venue.base_url, options.scenario, options.markets, account.key.address()
        ))?;
        let endpoints = VenueEndpoints {
            clob: venue.base_url.clone(),
            gamma: venue.gamma_url.clone(),
            ws_market: format!("{}/market", venue.ws_url),
            ws_user: format!("{}/user", venue.ws_url),
        };
        let daemon = system::start(&config, &endpoints, signer, account.creds.clone(), clock).await?;
        let mut ticker = actix_rt::time::interval(Duration::from_secs(config.telemetry.status_interval_secs));
        loop {
            tokio::select! {
                _ = ticker.tick() => {
                    let status = daemon.status().await;
                    let quoting = status.iter().filter(|m| m.idle.is_none()).count();
                    let orders: usize = status.iter().map(|m| m.orders.len()).sum();
                    let position: rust_decimal::Decimal = status.iter().map(|m| m.position.abs()).sum();
                    let mut idle: Vec<String> = status
                        .iter()
                        .filter_map(|m| m.idle.clone())
                        .collect();
                    idle.sort();
                    idle.dedup();
                    let idle = if idle.is_empty() { String::new() } else { format!(" (others: {})", idle.join(", ")) };
                    let restarts: u32 = status.iter().map(|m| m.restarts).sum();
                    print_line(format!(
                        "status: {quoting}/{} markets quoting, {orders} orders resting, |position| {position} shares, {restarts} restarts{idle}",
                        status.len()
                    ))?;
                }
                _ = actix_rt::signal::ctrl_c() => break,
            }
        }
        print_line("polymm: stopping: cancelling every order")?;
        let cancelled = daemon.shutdown().await.map_err(anyhow::Error::msg)?;
        print_line(format!("polymm: {cancelled} orders cancelled; bye"))?;
        actix_rt::time::sleep(Duration::from_millis(300)).await;
        venue.stop().await;
        Ok(())
    })
}
