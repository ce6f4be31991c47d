//! The venue's REST client (awc): every endpoint the daemon uses, for real Polymarket and
//! for `polymm sim` alike (only the base URL differs).
//!
//! Each request is rate limited locally first (the venue's own numbers, so it never earns a
//! 429), then signed: L2 headers are computed over exactly the bytes sent, fresh on each
//! attempt. Failures come back as [`ClientError`] with a severity. Transient ones (5xx,
//! timeouts, 429, 425) are retried with jittered exponential backoff up to a bound; after a
//! 425 (engine restart) the client accepts only post-only orders for a while.
//!
//! awc's client is not `Send`: a [`ClobClient`] lives on the arbiter (thread) that created
//! it. The execution and feed actors each own one; nothing shares it across threads.

mod endpoints;
mod error;
mod patience;
pub(crate) mod types;

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use awc::http::{Method, StatusCode};
use rand::Rng;
use serde::de::DeserializeOwned;

pub use error::ClientError;
pub use patience::patiently;

use super::auth::{ApiCreds, L1Headers, L2Headers};
use super::order::OrderSigner;
use super::ratelimit::{Admission, Endpoint, Patience, RateLimiter, SignerTier};
use super::transport::{Transport, certificate_failure, host_of};
use crate::clock::Clock;

/// Fraction of the venue's per-signer limits the client allows itself.
const CLIENT_RATE_MARGIN: f64 = 0.9;

/// The first and last paging cursors.
const FIRST_CURSOR: &str = "MA==";
const END_CURSOR: &str = "LTE=";

/// Retry and timeout settings.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, for transient failures.
    pub attempts: u32,
    /// First backoff.
    pub base: Duration,
    /// Longest backoff.
    pub cap: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// After a 425, only post-only orders for this long.
    pub post_only_after_restart: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 4,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            post_only_after_restart: Duration::from_secs(10),
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone, Copy)]
enum Auth {
    None,
    L1 { nonce: u64 },
    L2,
}

/// One request, re-sendable.
struct Call<'a> {
    method: Method,
    path_and_query: String,
    body: Option<String>,
    auth: Auth,
    endpoint: Endpoint,
    cost: u32,
    base: &'a str,
}

/// A request that got no answer: a refused certificate, or the host and what went wrong.
fn connection_error(base: &str, error: &awc::error::SendRequestError) -> ClientError {
    certificate_failure(base, error)
        .map(ClientError::Tls)
        .unwrap_or_else(|| ClientError::Transport(format!("{}: {error}", host_of(base))))
}

/// The REST client.
pub struct ClobClient {
    http: awc::Client,
    clob: String,
    gamma: String,
    data_api: Option<String>,
    order_queue_limit: Option<Duration>,
    signer: Option<OrderSigner>,
    creds: Option<ApiCreds>,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
    limiter: RefCell<RateLimiter>,
    post_only_until_ms: Cell<u64>,
}

impl std::fmt::Debug for ClobClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClobClient")
            .field("clob", &self.clob)
            .field("gamma", &self.gamma)
            .finish_non_exhaustive()
    }
}

impl ClobClient {
    /// A client for the CLOB at `clob_url` and Gamma at `gamma_url` over `transport`,
    /// without credentials.
    pub fn new(
        transport: &Transport,
        clob_url: &str,
        gamma_url: &str,
        clock: Arc<dyn Clock>,
        policy: RetryPolicy,
    ) -> Self {
        Self {
            http: transport.http_client(policy.timeout),
            clob: clob_url.trim_end_matches('/').to_owned(),
            gamma: gamma_url.trim_end_matches('/').to_owned(),
            data_api: None,
            order_queue_limit: None,
            signer: None,
            creds: None,
            clock,
            policy,
            limiter: RefCell::new(RateLimiter::new(SignerTier::STANDARD.scaled(CLIENT_RATE_MARGIN))),
            post_only_until_ms: Cell::new(0),
        }
    }

    /// Adds the signing key (orders, L1).
    pub fn with_signer(mut self, signer: OrderSigner) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Adds the Data API (positions) at `data_api_url`.
    pub fn with_data_api(mut self, data_api_url: &str) -> Self {
        self.data_api = Some(data_api_url.trim_end_matches('/').to_owned());
        self
    }

    /// Refuses a placement (`OverBudget`) that would wait longer than `limit` for the
    /// local rate limiter, instead of sending a quote priced on an old book late.
    pub fn with_order_queue_limit(mut self, limit: Duration) -> Self {
        self.order_queue_limit = Some(limit);
        self
    }

    /// How long a placement would wait for the order budget now, when that is longer than
    /// the order queue limit (it would be refused: do not sign it).
    pub fn order_budget_spent(&self) -> Option<Duration> {
        let limit = self.order_queue_limit?;
        let wait = self.limiter.borrow().peek_wait_ms(Endpoint::Order, 1, self.clock.now().0)?;
        let wait = Duration::from_millis(wait);
        (wait > limit).then_some(wait)
    }

    /// Adds API credentials (L2).
    pub fn with_creds(mut self, creds: ApiCreds) -> Self {
        self.creds = Some(creds);
        self
    }

    /// The API credentials in use.
    pub fn creds(&self) -> Option<&ApiCreds> {
        self.creds.as_ref()
    }

    /// What the local limiter has done.
    pub fn limiter_stats(&self) -> super::ratelimit::LimiterStats {
        self.limiter.borrow().stats()
    }

    /// Whether the venue restarted recently, so only post-only orders are sent.
    pub fn post_only_required(&self) -> bool {
        self.clock.now().0 < self.post_only_until_ms.get()
    }

    fn headers(&self, call: &Call<'_>) -> Result<Vec<(&'static str, String)>, ClientError> {
        let now = self.clock.now().as_secs();
        match call.auth {
            Auth::None => Ok(Vec::new()),
            Auth::L1 { nonce } => {
                let signer =
                    self.signer.as_ref().ok_or(ClientError::NotConfigured("L1 needs the private key"))?;
                let chain = signer.chain().id();
                let headers = L1Headers::sign(signer.key(), chain, now, nonce)
                    .map_err(|e| ClientError::Signing(e.to_string()))?;
                Ok(headers.pairs().to_vec())
            }
            Auth::L2 => {
                let creds = self
                    .creds
                    .as_ref()
                    .ok_or(ClientError::NotConfigured("this call needs API credentials"))?;
                let signer =
                    self.signer.as_ref().ok_or(ClientError::NotConfigured("L2 needs the signer address"))?;
                let headers = L2Headers::sign(
                    creds,
                    signer.eoa(),
                    now,
                    call.method.as_str(),
                    &call.path_and_query,
                    call.body.as_deref(),
                )
                .map_err(|e| ClientError::Signing(e.to_string()))?;
                Ok(headers.pairs().to_vec())
            }
        }
    }

    /// Waits for the local rate limiter (placements no longer than the order queue limit).
    async fn admit(&self, call: &Call<'_>) -> Result<(), ClientError> {
        let patience = match (call.endpoint, self.order_queue_limit) {
            (Endpoint::Order | Endpoint::OrderBatch, Some(limit)) => {
                Patience::UpToMs(u64::try_from(limit.as_millis()).unwrap_or(u64::MAX))
            }
            _ => Patience::Wait,
        };
        let admission =
            self.limiter.borrow_mut().admit(call.endpoint, call.cost, patience, self.clock.now().0);
        match admission {
            Admission::Go => Ok(()),
            Admission::WaitMs(ms) => {
                actix_rt::time::sleep(Duration::from_millis(ms)).await;
                Ok(())
            }
            Admission::Refused => Err(ClientError::OverBudget),
            Admission::TooLong(ms) => Err(ClientError::QueueTooLong(Duration::from_millis(ms))),
        }
    }

    /// Sends once; returns the body of a 2xx answer.
    async fn send_once(&self, call: &Call<'_>) -> Result<Bytes, ClientError> {
        let url = format!("{}{}", call.base, call.path_and_query);
        let mut request = self.http.request(call.method.clone(), url);
        for (name, value) in self.headers(call)? {
            request = request.insert_header((name, value));
        }
        let sent = match &call.body {
            Some(body) => {
                request.insert_header(("content-type", "application/json")).send_body(body.clone()).await
            }
            None => request.send().await,
        };
        let mut response = sent.map_err(|e| connection_error(call.base, &e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body =
            response.body().limit(32 << 20).await.map_err(|e| ClientError::Transport(e.to_string()))?;
        if status.is_success() {
            return Ok(body);
        }
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(300).collect());
        Err(match status {
            StatusCode::UNAUTHORIZED => ClientError::Unauthorized(message),
            StatusCode::TOO_MANY_REQUESTS => {
                ClientError::RateLimited(retry_after.unwrap_or(Duration::from_secs(1)))
            }
            s if s.as_u16() == 425 => ClientError::EngineRestarting,
            s if s.is_server_error() => ClientError::Server { status: s.as_u16(), message },
            s => ClientError::Refused { status: s.as_u16(), message },
        })
    }

    /// Sends with the local limiter and the retry policy.
    async fn execute(&self, call: Call<'_>) -> Result<Bytes, ClientError> {
        let mut attempt = 0;
        loop {
            self.admit(&call).await?;
            let error = match self.send_once(&call).await {
                Ok(body) => return Ok(body),
                Err(error) => error,
            };
            attempt += 1;
            if error == ClientError::EngineRestarting {
                let until = self.clock.now().0 + self.policy.post_only_after_restart.as_millis() as u64;
                self.post_only_until_ms.set(until);
            }
            if !error.is_transient() || attempt >= self.policy.attempts {
                return Err(error);
            }
            let backoff = match &error {
                ClientError::RateLimited(after) => *after,
                _ => self.backoff(attempt),
            };
            tracing::debug!(path = %call.path_and_query, attempt, ?backoff, %error, "retrying venue request");
            actix_rt::time::sleep(backoff).await;
        }
    }

    /// Exponential backoff with ±50 % jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self.policy.base.saturating_mul(1 << attempt.min(16)).min(self.policy.cap);
        exponential.mul_f64(rand::thread_rng().gen_range(0.5..1.5))
    }

    async fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, ClientError> {
        let path = call.path_and_query.clone();
        let body = self.execute(call).await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode { path, why: e.to_string() })
    }

    fn clob_call(&self, method: Method, path_and_query: String, auth: Auth, endpoint: Endpoint) -> Call<'_> {
        Call { method, path_and_query, body: None, auth, endpoint, cost: 1, base: &self.clob }
    }
}

/// An unauthenticated GET to a listing host (Gamma, the Data API).
fn public_get(base: &str, path_and_query: String) -> Call<'_> {
    Call {
        method: Method::GET,
        path_and_query,
        body: None,
        auth: Auth::None,
        endpoint: Endpoint::Markets,
        cost: 1,
        base,
    }
}
