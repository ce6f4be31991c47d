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

mod error;
mod patience;
pub mod types;

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use awc::http::{Method, StatusCode};
use rand::Rng;
use serde::de::DeserializeOwned;

pub use error::ClientError;
pub use patience::patiently;
use types::{
    ApiKeyResponse, BalanceAllowance, CancelResponse, ClobMarket, HeartbeatResponse, OpenOrder,
    OrderBookSummary, Page, Position, PostOrderResponse, Trade,
};

use super::auth::{ApiCreds, L1Headers, L2Headers};
use super::body;
use super::order::{OrderSigner, SignedOrder};
use super::ratelimit::{Admission, Endpoint, Patience, RateLimiter, SignerTier};
use super::transport::{Transport, certificate_failure, host_of};
use crate::clock::Clock;
use crate::domain::{Address, ConditionId, OrderId, TokenId};
use crate::secret::Secret;

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

    /// `GET /time`: the venue's clock, seconds.
    pub async fn server_time(&self) -> Result<u64, ClientError> {
        self.json(self.clob_call(Method::GET, "/time".into(), Auth::None, Endpoint::Markets)).await
    }

    /// `GET /book`.
    pub async fn book(&self, token: &TokenId) -> Result<OrderBookSummary, ClientError> {
        self.json(self.clob_call(Method::GET, format!("/book?token_id={token}"), Auth::None, Endpoint::Book))
            .await
    }

    /// `POST /books` (many books in one call).
    pub async fn books(&self, tokens: &[TokenId]) -> Result<Vec<OrderBookSummary>, ClientError> {
        let body: Vec<serde_json::Value> =
            tokens.iter().map(|t| serde_json::json!({"token_id": t.as_str()})).collect();
        let mut call = self.clob_call(Method::POST, "/books".into(), Auth::None, Endpoint::Books);
        call.body = Some(serde_json::Value::Array(body).to_string());
        self.json(call).await
    }

    /// `GET /tick-size`.
    pub async fn tick_size(&self, token: &TokenId) -> Result<rust_decimal::Decimal, ClientError> {
        #[derive(serde::Deserialize)]
        struct Tick {
            #[serde(deserialize_with = "types::flex_decimal")]
            minimum_tick_size: rust_decimal::Decimal,
        }
        let call = self.clob_call(
            Method::GET,
            format!("/tick-size?token_id={token}"),
            Auth::None,
            Endpoint::Markets,
        );
        Ok(self.json::<Tick>(call).await?.minimum_tick_size)
    }

    /// `GET /neg-risk`.
    pub async fn neg_risk(&self, token: &TokenId) -> Result<bool, ClientError> {
        #[derive(serde::Deserialize)]
        struct NegRisk {
            neg_risk: bool,
        }
        let call =
            self.clob_call(Method::GET, format!("/neg-risk?token_id={token}"), Auth::None, Endpoint::Markets);
        Ok(self.json::<NegRisk>(call).await?.neg_risk)
    }

    /// `GET /markets/{condition_id}`.
    pub async fn market(&self, condition: &ConditionId) -> Result<ClobMarket, ClientError> {
        self.json(self.clob_call(Method::GET, format!("/markets/{condition}"), Auth::None, Endpoint::Markets))
            .await
    }

    /// Every page of `GET /markets`.
    pub async fn markets(&self) -> Result<Vec<ClobMarket>, ClientError> {
        self.pages(|cursor| format!("/markets?next_cursor={cursor}"), Auth::None, Endpoint::Markets).await
    }

    /// Follows `next_cursor` from the first page to the end.
    async fn pages<T: DeserializeOwned>(
        &self,
        path: impl Fn(&str) -> String,
        auth: Auth,
        endpoint: Endpoint,
    ) -> Result<Vec<T>, ClientError> {
        let mut cursor = FIRST_CURSOR.to_owned();
        let mut out = Vec::new();
        while cursor != END_CURSOR {
            let page: Page<T> = self.json(self.clob_call(Method::GET, path(&cursor), auth, endpoint)).await?;
            out.extend(page.data);
            if page.next_cursor == cursor {
                break;
            }
            cursor = page.next_cursor;
        }
        Ok(out)
    }

    /// `POST /auth/api-key`, falling back to `GET /auth/derive-api-key` (create-or-derive).
    pub async fn create_or_derive_api_key(&self, nonce: u64) -> Result<ApiCreds, ClientError> {
        let create =
            self.clob_call(Method::POST, "/auth/api-key".into(), Auth::L1 { nonce }, Endpoint::ApiKey);
        let response: ApiKeyResponse = match self.json(create).await {
            Ok(created) => created,
            Err(_) => {
                let derive = self.clob_call(
                    Method::GET,
                    "/auth/derive-api-key".into(),
                    Auth::L1 { nonce },
                    Endpoint::ApiKey,
                );
                self.json(derive).await?
            }
        };
        Ok(ApiCreds {
            api_key: response.api_key,
            secret: Secret::new(response.secret),
            passphrase: Secret::new(response.passphrase),
        })
    }

    /// `GET /auth/api-keys` (L2): the account's API keys; a cheap authenticated read that
    /// proves the credentials.
    pub async fn api_keys(&self) -> Result<serde_json::Value, ClientError> {
        self.json(self.clob_call(Method::GET, "/auth/api-keys".into(), Auth::L2, Endpoint::ApiKey)).await
    }

    fn owner(&self) -> Result<&str, ClientError> {
        self.creds
            .as_ref()
            .map(|c| c.api_key.as_str())
            .ok_or(ClientError::NotConfigured("orders need API credentials"))
    }

    fn check_post_only(&self, orders: &[SignedOrder]) -> Result<(), ClientError> {
        if self.post_only_required() && orders.iter().any(|o| !o.post_only) {
            return Err(ClientError::Refused {
                status: 425,
                message: "the venue restarted recently: only post-only orders are sent for now".into(),
            });
        }
        Ok(())
    }

    /// `POST /order`.
    pub async fn post_order(&self, order: &SignedOrder) -> Result<PostOrderResponse, ClientError> {
        self.check_post_only(std::slice::from_ref(order))?;
        let mut call = self.clob_call(Method::POST, "/order".into(), Auth::L2, Endpoint::Order);
        call.body = Some(body::order_body(order, self.owner()?));
        self.json(call).await
    }

    /// `POST /orders` (at most 15; one rate-limit token per order).
    pub async fn post_orders(&self, orders: &[SignedOrder]) -> Result<Vec<PostOrderResponse>, ClientError> {
        self.check_post_only(orders)?;
        let mut call = self.clob_call(Method::POST, "/orders".into(), Auth::L2, Endpoint::OrderBatch);
        call.body = Some(body::batch_body(orders, self.owner()?));
        call.cost = u32::try_from(orders.len()).unwrap_or(u32::MAX);
        self.json(call).await
    }

    /// `DELETE /order`.
    pub async fn cancel(&self, id: &OrderId) -> Result<CancelResponse, ClientError> {
        let mut call = self.clob_call(Method::DELETE, "/order".into(), Auth::L2, Endpoint::Cancel);
        call.body = Some(body::cancel_body(id));
        self.json(call).await
    }

    /// `DELETE /orders`.
    pub async fn cancel_many(&self, ids: &[OrderId]) -> Result<CancelResponse, ClientError> {
        let mut call = self.clob_call(Method::DELETE, "/orders".into(), Auth::L2, Endpoint::CancelBatch);
        call.body = Some(body::cancel_many_body(ids));
        call.cost = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        self.json(call).await
    }

    /// `DELETE /cancel-all`.
    pub async fn cancel_all(&self) -> Result<CancelResponse, ClientError> {
        self.json(self.clob_call(Method::DELETE, "/cancel-all".into(), Auth::L2, Endpoint::CancelAll)).await
    }

    /// `DELETE /cancel-market-orders`.
    pub async fn cancel_market(
        &self,
        market: Option<&ConditionId>,
        asset: Option<&TokenId>,
    ) -> Result<CancelResponse, ClientError> {
        let mut call =
            self.clob_call(Method::DELETE, "/cancel-market-orders".into(), Auth::L2, Endpoint::CancelMarket);
        call.body = Some(body::cancel_market_body(market, asset));
        self.json(call).await
    }

    /// Every open order, optionally of one market.
    pub async fn open_orders(&self, market: Option<&ConditionId>) -> Result<Vec<OpenOrder>, ClientError> {
        let filter = market.map(|m| format!("market={m}&")).unwrap_or_default();
        self.pages(|cursor| format!("/data/orders?{filter}next_cursor={cursor}"), Auth::L2, Endpoint::Data)
            .await
    }

    /// `GET /data/order/{id}`.
    pub async fn order(&self, id: &OrderId) -> Result<OpenOrder, ClientError> {
        self.json(self.clob_call(Method::GET, format!("/data/order/{id}"), Auth::L2, Endpoint::Data)).await
    }

    /// Every trade, optionally of one market and after a time (seconds).
    pub async fn trades(
        &self,
        market: Option<&ConditionId>,
        after_secs: Option<u64>,
    ) -> Result<Vec<Trade>, ClientError> {
        let mut filter = market.map(|m| format!("market={m}&")).unwrap_or_default();
        if let Some(after) = after_secs {
            filter.push_str(&format!("after={after}&"));
        }
        self.pages(|cursor| format!("/data/trades?{filter}next_cursor={cursor}"), Auth::L2, Endpoint::Data)
            .await
    }

    /// `GET /balance-allowance`: pUSD (no token) or one token's shares, in base units.
    pub async fn balance(&self, token: Option<&TokenId>) -> Result<BalanceAllowance, ClientError> {
        let signature_type = self.signer.as_ref().map_or(0, |s| s.signature_type().as_u8());
        let path = match token {
            None => format!("/balance-allowance?asset_type=COLLATERAL&signature_type={signature_type}"),
            Some(t) => format!(
                "/balance-allowance?asset_type=CONDITIONAL&token_id={t}&signature_type={signature_type}"
            ),
        };
        self.json(self.clob_call(Method::GET, path, Auth::L2, Endpoint::Balance)).await
    }

    /// `POST /v1/heartbeats`; `previous` is `""` to start a chain.
    pub async fn heartbeat(&self, previous: &str) -> Result<String, ClientError> {
        let mut call = self.clob_call(Method::POST, "/v1/heartbeats".into(), Auth::L2, Endpoint::Heartbeat);
        call.body = Some(body::heartbeat_body(previous));
        Ok(self.json::<HeartbeatResponse>(call).await?.heartbeat_id)
    }

    /// Gamma `GET /markets` with raw query parameters (e.g. `active=true&limit=100`).
    pub async fn gamma_markets(&self, query: &str) -> Result<Vec<serde_json::Value>, ClientError> {
        self.json(self.gamma_call(format!("/markets?{query}"))).await
    }

    /// Gamma `GET /events` with raw query parameters.
    pub async fn gamma_events(&self, query: &str) -> Result<Vec<serde_json::Value>, ClientError> {
        self.json(self.gamma_call(format!("/events?{query}"))).await
    }

    /// Every position of `user` (the funder) of at least `min_size` shares, from the Data
    /// API, page by page (500 a page; the venue serves 10,500 at most). `None` when no Data
    /// API is configured.
    pub async fn positions(
        &self,
        user: &Address,
        min_size: rust_decimal::Decimal,
    ) -> Option<Result<Vec<Position>, ClientError>> {
        const PAGE: usize = 500;
        const LAST_OFFSET: usize = 10_000;
        let base = self.data_api.as_deref()?;
        let mut all = Vec::new();
        let user = user.to_string().to_ascii_lowercase();
        for offset in (0..=LAST_OFFSET).step_by(PAGE) {
            let path_and_query =
                format!("/positions?user={user}&sizeThreshold={min_size}&limit={PAGE}&offset={offset}");
            let page: Vec<Position> = match self.json(public_get(base, path_and_query)).await {
                Ok(page) => page,
                Err(error) => return Some(Err(error)),
            };
            let done = page.len() < PAGE;
            all.extend(page);
            if done {
                break;
            }
        }
        Some(Ok(all))
    }

    fn gamma_call(&self, path_and_query: String) -> Call<'_> {
        public_get(&self.gamma, path_and_query)
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
