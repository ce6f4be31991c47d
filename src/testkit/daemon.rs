//! A daemon on the embedded venue, started the way the integration tests and the load
//! example start it: its configuration (state in a given directory, the control API on a
//! free port, the test's overrides on top) and the venue's first test account to trade as.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use crate::clock::Clock;
use crate::config::{Config, EnvSnapshot, LoadOptions, load};
use crate::polymarket::{OrderSigner, SignatureType};
use crate::sim::SimHandle;
use crate::system::{self, Account, Daemon, VenueEndpoints};

/// The defaults with state in `state_dir`, the control API on a free port, then `overrides`
/// (no file, no environment).
pub fn config(state_dir: &Path, overrides: &[(&str, &str)]) -> anyhow::Result<Config> {
    let mut all = vec![
        ("telemetry.state_dir".to_owned(), state_dir.display().to_string()),
        ("control.port".to_owned(), "0".to_owned()),
    ];
    all.extend(overrides.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())));
    let options =
        LoadOptions { config_path: None, env: EnvSnapshot::from_pairs(std::iter::empty()), overrides: all };
    Ok(load(&options)?.config)
}

/// The venue's first test account, signing for `config`'s chain.
pub fn account(venue: &SimHandle, config: &Config) -> anyhow::Result<Account> {
    let account = venue.test_accounts.first().context("the venue has no test account")?;
    let signer = OrderSigner::new(account.key.clone(), config.venue.chain, SignatureType::Eoa, None)?;
    Ok(Account::Venue { signer, creds: account.creds.clone() })
}

/// Starts the daemon with `config` against `venue`, trading as its first test account.
pub async fn start(config: &Config, venue: &SimHandle, clock: Arc<dyn Clock>) -> anyhow::Result<Daemon> {
    let endpoints = VenueEndpoints::of_sim(venue)?;
    Ok(system::start_as(config, &endpoints, account(venue, config)?, clock).await?)
}
