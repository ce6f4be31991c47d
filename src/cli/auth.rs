//! `polymm auth l1|l2`: API authentication headers computed offline, plus the helpers the
//! signing commands share for reading keys and credentials from the environment.

use clap::Args;
use serde_json::{Map, Value, json};

use super::GlobalArgs;
use crate::config::EnvSnapshot;
use crate::polymarket::auth::{ApiCreds, L1Headers, L2Headers};
use crate::polymarket::signer::KeySigner;
use crate::secret::Secret;

/// Flags of `polymm auth l1`.
#[derive(Debug, Args)]
pub struct L1Args {
    /// Unix seconds to sign.
    #[arg(long)]
    pub timestamp: u64,
    /// Nonce (a different nonce yields a different API key).
    #[arg(long, default_value_t = 0)]
    pub nonce: u64,
    /// 137 (Polygon) or 80002 (Amoy).
    #[arg(long, default_value_t = 137)]
    pub chain_id: u64,
}

/// Flags of `polymm auth l2`.
#[derive(Debug, Args)]
pub struct L2Args {
    /// Unix seconds to sign.
    #[arg(long)]
    pub timestamp: u64,
    /// HTTP method (GET, POST, DELETE).
    #[arg(long)]
    pub method: String,
    /// Request path; a query string may follow and is not signed.
    #[arg(long)]
    pub path: String,
    /// The exact request body, if any.
    #[arg(long)]
    pub body: Option<String>,
}

/// Prints the four L1 headers.
pub fn l1(global: &GlobalArgs, args: &L1Args) -> anyhow::Result<()> {
    let key = private_key(&global.env()?)?;
    crate::polymarket::Chain::try_from(args.chain_id)?;
    let headers = L1Headers::sign(&key, args.chain_id, args.timestamp, args.nonce)?;
    print_headers(headers.pairs())
}

/// Prints the five L2 headers.
pub fn l2(global: &GlobalArgs, args: &L2Args) -> anyhow::Result<()> {
    let env = global.env()?;
    let creds = api_creds(&env)?
        .ok_or_else(|| anyhow::anyhow!("set POLY_API_KEY, POLY_API_SECRET and POLY_PASSPHRASE"))?;
    let address = private_key(&env)?.address();
    let headers =
        L2Headers::sign(&creds, address, args.timestamp, &args.method, &args.path, args.body.as_deref())?;
    print_headers(headers.pairs())
}

/// `{"headers": {…}}` on stdout.
fn print_headers<const N: usize>(pairs: [(&'static str, String); N]) -> anyhow::Result<()> {
    super::print_line(json!({ "headers": headers_json(pairs) }))?;
    Ok(())
}

/// Header pairs as a JSON object.
pub fn headers_json<const N: usize>(pairs: [(&'static str, String); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), Value::String(v))).collect::<Map<_, _>>())
}

/// The key from `POLY_PRIVATE_KEY` (or `POLYMM_CREDENTIALS__PRIVATE_KEY`).
pub fn private_key(env: &EnvSnapshot) -> anyhow::Result<KeySigner> {
    let secret = env_secret(env, &["POLY_PRIVATE_KEY", "POLYMM_CREDENTIALS__PRIVATE_KEY"])
        .ok_or_else(|| anyhow::anyhow!("POLY_PRIVATE_KEY is not set"))?;
    Ok(KeySigner::from_secret(&secret)?)
}

/// API credentials when all three are set; an error when only some are.
pub fn api_creds(env: &EnvSnapshot) -> anyhow::Result<Option<ApiCreds>> {
    let key = env_secret(env, &["POLY_API_KEY", "POLYMM_CREDENTIALS__API_KEY"]);
    let secret = env_secret(env, &["POLY_API_SECRET", "POLYMM_CREDENTIALS__API_SECRET"]);
    let passphrase = env_secret(env, &["POLY_PASSPHRASE", "POLYMM_CREDENTIALS__PASSPHRASE"]);
    match (key, secret, passphrase) {
        (Some(key), Some(secret), Some(passphrase)) => {
            Ok(Some(ApiCreds { api_key: key.expose().to_owned(), secret, passphrase }))
        }
        (None, None, None) => Ok(None),
        _ => anyhow::bail!("set all of POLY_API_KEY, POLY_API_SECRET and POLY_PASSPHRASE, or none"),
    }
}

fn env_secret(env: &EnvSnapshot, names: &[&str]) -> Option<Secret> {
    names.iter().find_map(|name| env.get(name)).map(str::trim).filter(|v| !v.is_empty()).map(Secret::new)
}
