//! `polymm doctor`: checks, one by one, what a first live start depends on and says what to
//! do about each failure: name resolution and TLS to every configured endpoint, the venue's
//! clock against ours, the credentials (L1 derivation or the given API key, then an L2
//! read), the signing account and funder, the pUSD balance and allowances, the geoblock,
//! and the live confirmation. It only reads: no order, no heartbeat, no cancel.
//!
//! The checks' I/O is here; their verdicts are pure functions in [`verdict`].

pub(crate) mod verdict;

use std::net::ToSocketAddrs as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use verdict::{Check, Outcome, Report};

use crate::clock::Clock;
use crate::config::Config;
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::{ClientError, ClobClient, RetryPolicy};
use crate::polymarket::transport::{Transport, certificate_failure, host_of, ws_certificate_failure};
use crate::polymarket::{KeySigner, OrderSigner};

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// An endpoint to reach, and how.
struct Endpoint<'a> {
    name: &'static str,
    url: &'a str,
    /// A path to GET (REST), or `None` for a websocket handshake.
    path: Option<&'static str>,
}

/// Runs every check against the venue `config` points at.
pub async fn examine(config: &Config, clock: Arc<dyn Clock>) -> Report {
    let mut report = Report::default();
    let transport = match config.venue.transport() {
        Ok(transport) => {
            report.push(Check::ok("TLS trust", transport.describe()));
            transport
        }
        Err(err) => {
            report.push(Check::fail("TLS trust", err.to_string(), "fix venue.ca_file or empty it"));
            return report;
        }
    };
    let clob_reached = reach_endpoints(&mut report, config, &transport).await;
    if clob_reached {
        account_checks(&mut report, config, &transport, clock).await;
    } else {
        for name in ["clock", "credentials", "account", "pUSD balance"] {
            report.push(Check::skipped(name, "the CLOB is unreachable"));
        }
    }
    report.push(geoblock(&transport, &config.venue.geoblock_url).await);
    report.push(match config.venue.live_confirmed {
        true => Check::ok("live confirmation", "venue.live_confirmed = true"),
        false => Check::fail(
            "live confirmation",
            "venue.live_confirmed is false: a live start refuses to trade",
            "when the rest passes, set venue.live_confirmed = true (or --set venue.live_confirmed=true)",
        ),
    });
    report
}

/// Reaches each endpoint; whether the CLOB answered.
async fn reach_endpoints(report: &mut Report, config: &Config, transport: &Transport) -> bool {
    let venue = &config.venue;
    let endpoints = [
        Endpoint { name: "CLOB", url: &venue.clob_url, path: Some("/time") },
        Endpoint { name: "Gamma", url: &venue.gamma_url, path: Some("/markets?limit=1") },
        Endpoint { name: "Data API", url: &venue.data_api_url, path: Some("/") },
        Endpoint { name: "market channel", url: &venue.ws_market_url, path: None },
        Endpoint { name: "user channel", url: &venue.ws_user_url, path: None },
    ];
    let mut clob_reached = false;
    for endpoint in endpoints {
        let check = reach(&endpoint, transport).await;
        clob_reached |= endpoint.name == "CLOB" && check.outcome == Outcome::Ok;
        report.push(check);
    }
    clob_reached
}

/// Resolves the endpoint's host, then makes a request or a websocket handshake over TLS.
async fn reach(endpoint: &Endpoint<'_>, transport: &Transport) -> Check {
    let name = format!("reach {}", endpoint.name);
    let host = host_of(endpoint.url);
    let addresses = match resolve(endpoint.url) {
        Ok(count) => count,
        Err(err) => {
            return Check::fail(
                name,
                format!("cannot resolve {host}: {err}"),
                "check the URL and this machine's DNS",
            );
        }
    };
    let started = Instant::now();
    let client = transport.http_client(PROBE_TIMEOUT);
    let answered =
        match endpoint.path {
            Some(path) => match client.get(format!("{}{path}", endpoint.url)).send().await {
                Ok(response) => Ok(format!("HTTP {}", response.status().as_u16())),
                Err(err) => Err(certificate_failure(endpoint.url, &err)
                    .map_or_else(|| err.to_string(), |e| e.to_string())),
            },
            None => match client.ws(endpoint.url).connect().await {
                Ok((_, mut framed)) => {
                    let _ = futures_util::SinkExt::close(&mut framed).await;
                    Ok("websocket handshake".to_owned())
                }
                Err(err) => Err(ws_certificate_failure(endpoint.url, &err)
                    .map_or_else(|| err.to_string(), |e| e.to_string())),
            },
        };
    let secure = endpoint.url.starts_with("https://") || endpoint.url.starts_with("wss://");
    match answered {
        Ok(what) => Check::ok(
            name,
            format!(
                "{host} ({addresses} address(es)){}: {what} in {} ms",
                if secure { " over TLS" } else { ", plain" },
                started.elapsed().as_millis()
            ),
        ),
        Err(why) if why.contains("TLS certificate") => Check::fail(
            name,
            why,
            "if you trust that CA (a local venue, a company proxy) name its PEM in venue.ca_file; \
             otherwise something is intercepting TLS",
        ),
        Err(why) => Check::fail(name, format!("{host}: {why}"), "check the URL, a firewall or a proxy"),
    }
}

/// The number of addresses the URL's host resolves to.
fn resolve(url: &str) -> Result<usize, String> {
    let authority = host_of(url);
    let default_port = if url.starts_with("https://") || url.starts_with("wss://") { 443 } else { 80 };
    let target = match authority.rsplit_once(':') {
        Some((_, port)) if port.chars().all(|c| c.is_ascii_digit()) => authority.clone(),
        _ => format!("{authority}:{default_port}"),
    };
    let found = target.to_socket_addrs().map_err(|err| err.to_string())?.count();
    if found == 0 { Err("no address".to_owned()) } else { Ok(found) }
}

/// The clock, the credentials, the account and its collateral.
async fn account_checks(report: &mut Report, config: &Config, transport: &Transport, clock: Arc<dyn Clock>) {
    let venue = &config.venue;
    let client =
        ClobClient::new(transport, &venue.clob_url, &venue.gamma_url, clock.clone(), RetryPolicy::default());
    report.push(match client.server_time().await {
        Ok(venue_secs) => verdict::clock(venue_secs, clock.now().0),
        Err(err) => Check::fail("clock", format!("GET /time: {err}"), "check venue.clob_url"),
    });
    let Some(signer) = signer(report, config) else {
        report.push(Check::skipped("pUSD balance", "no signing account"));
        return;
    };
    let Some(client) = authenticated(report, config, client.with_signer(signer)).await else {
        report.push(Check::skipped("pUSD balance", "no accepted credentials"));
        return;
    };
    match client.balance(None).await {
        Ok(balance) => {
            verdict::collateral(balance.balance, &balance.allowances).into_iter().for_each(|c| report.push(c))
        }
        Err(err) => report.push(Check::fail(
            "pUSD balance",
            format!("GET /balance-allowance: {err}"),
            "see the error",
        )),
    }
}

/// The signing key and funder, reported; `None` when a live start could not sign.
fn signer(report: &mut Report, config: &Config) -> Option<OrderSigner> {
    let venue = &config.venue;
    let Some(secret) = &config.credentials.private_key else {
        report.push(Check::fail(
            "account",
            "no private key",
            "export POLY_PRIVATE_KEY=0x… (the environment only; never in actors.toml)",
        ));
        return None;
    };
    let made = KeySigner::from_secret(secret).map_err(|err| err.to_string()).and_then(|key| {
        OrderSigner::new(key, venue.chain, venue.signature_type, venue.funder).map_err(|e| e.to_string())
    });
    match made {
        Ok(signer) => {
            report.push(Check::ok(
                "account",
                format!(
                    "signs as {} for funder {} ({}, chain {})",
                    signer.eoa(),
                    signer.maker(),
                    signer.signature_type(),
                    venue.chain.id()
                ),
            ));
            Some(signer)
        }
        Err(err) => {
            report.push(Check::fail(
                "account",
                err,
                "check POLY_PRIVATE_KEY, venue.signature_type and venue.funder (types 1-3 need the funder)",
            ));
            None
        }
    }
}

/// The given API credentials, or ones derived with L1, proven by an L2 read.
async fn authenticated(report: &mut Report, config: &Config, client: ClobClient) -> Option<ClobClient> {
    let given = &config.credentials;
    let (creds, how) = match (&given.api_key, &given.api_secret, &given.passphrase) {
        (Some(key), Some(secret), Some(passphrase)) => (
            ApiCreds {
                api_key: key.clone(),
                secret: crate::secret::Secret::new(secret.expose()),
                passphrase: crate::secret::Secret::new(passphrase.expose()),
            },
            "given",
        ),
        (None, None, None) => match client.create_or_derive_api_key(0).await {
            Ok(creds) => (creds, "derived with L1"),
            Err(err) => {
                report.push(Check::fail(
                    "credentials",
                    format!("deriving the API key with L1: {err}"),
                    "check POLY_PRIVATE_KEY and the clock",
                ));
                return None;
            }
        },
        _ => {
            report.push(Check::fail(
                "credentials",
                "only some of POLY_API_KEY, POLY_API_SECRET, POLY_PASSPHRASE are set",
                "set all three, or none to derive them from the private key",
            ));
            return None;
        }
    };
    let api_key = creds.api_key.clone();
    let client = client.with_creds(creds);
    match client.api_keys().await {
        Ok(_) => {
            report
                .push(Check::ok("credentials", format!("API key {api_key} ({how}) accepted by an L2 read")));
            Some(client)
        }
        Err(err) => {
            let fix = match err {
                ClientError::Unauthorized(_) => {
                    "check POLY_API_KEY, POLY_API_SECRET and POLY_PASSPHRASE, or unset all three to derive them"
                }
                _ => "see the error",
            };
            report.push(Check::fail("credentials", format!("API key {api_key} ({how}) refused: {err}"), fix));
            None
        }
    }
}

/// Whether the venue refuses orders from here.
async fn geoblock(transport: &Transport, url: &str) -> Check {
    let client = transport.http_client(PROBE_TIMEOUT);
    let answer = match client.get(url).send().await {
        Ok(mut response) => response.json::<serde_json::Value>().await.map_err(|err| err.to_string()),
        Err(err) => Err(certificate_failure(url, &err).map_or_else(|| err.to_string(), |e| e.to_string())),
    };
    match answer {
        Ok(answer) => verdict::geoblock(&answer),
        Err(why) => Check::warn(
            "geoblock",
            if why.contains("TLS certificate") { why } else { format!("{}: {why}", host_of(url)) },
            "could not ask; orders from a refused location are rejected, so check venue.geoblock_url",
        ),
    }
}
