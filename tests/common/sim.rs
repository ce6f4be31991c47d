//! A test harness for the embedded venue: start it in-process on a free port and talk to it
//! over real HTTP and websockets with polymm's own signing and auth code.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use awc::http::StatusCode;
use futures_util::{SinkExt as _, StreamExt as _};
use polymm::clock::{Clock, SystemClock};
use polymm::domain::{OrderType, Price, Side, Size, TickSize, TokenId};
use polymm::polymarket::Transport;
use polymm::polymarket::{ApiCreds, L1Headers, L2Headers};
use polymm::polymarket::{
    Chain, ExchangeTarget, KeySigner, OrderSigner, OrderSpec, OrderStamp, SignatureType, SignedOrder,
};
use polymm::sim::SimTls;
use polymm::sim::{self, SimHandle};
use polymm::sim::{ScenarioCatalog, ScenarioParams};
use polymm::sim::{SimOptions, SimWorld};
use rust_decimal::Decimal;
use serde_json::Value;

/// A scenario with no synthetic traders: the book holds only what the test puts there.
pub fn still() -> ScenarioParams {
    ScenarioParams { noise_rate: 0.0, rival_makers: 0, fundamental_vol: 0.0, ..ScenarioParams::calm() }
}

/// Starts a venue with two still markets (the second neg-risk) unless told otherwise.
pub fn start(options: SimOptions) -> SimHandle {
    start_on(options, Arc::new(SystemClock))
}

/// [`start`] on `clock`: a [`polymm::clock::ManualClock`] makes the venue's time (heartbeat
/// windows, engine restarts, fault windows) move only when the test says.
pub fn start_on(options: SimOptions, clock: Arc<dyn Clock>) -> SimHandle {
    let neg = ScenarioParams { neg_risk: true, ..still() };
    let catalog = ScenarioCatalog::new(vec![("still".into(), still()), ("still-neg".into(), neg)]);
    let world = SimWorld::build(&options, &catalog, clock.now().0).unwrap();
    sim::start(world, 0, clock).unwrap()
}

/// A clock for the venue that moves only when told, starting now (so requests signed with
/// the wall clock stay inside its auth window while it is moved by seconds).
pub fn manual_clock() -> polymm::clock::ManualClock {
    polymm::clock::ManualClock::new(SystemClock.now())
}

/// Our account's open orders on the venue (read from its state, no request).
pub fn open_orders(venue: &SimHandle) -> usize {
    venue.state.with_world(|world, _| {
        let account = world.venue.account_at(&world.test_accounts[0].key.address()).unwrap();
        world.venue.open_orders(account, None, None).len()
    })
}

/// A venue of `markets` markets where one rival maker keeps a two-sided book and nothing else
/// happens (no noise, a fundamental that does not move): what the daemon tests trade.
pub fn steady(markets: u32, seed: u64) -> SimHandle {
    steady_on(markets, seed, Arc::new(SystemClock), None)
}

/// The steady venue on `clock`, serving TLS with `tls` when given.
pub fn steady_on(markets: u32, seed: u64, clock: Arc<dyn Clock>, tls: Option<SimTls>) -> SimHandle {
    let steady = ScenarioParams {
        noise_rate: 0.0,
        fundamental_vol: 0.0,
        rival_refresh_secs: 600.0,
        ..ScenarioParams::calm()
    };
    let catalog = ScenarioCatalog::new(vec![("steady".into(), steady)]);
    let options = SimOptions { scenario: "steady".into(), markets, seed, ..SimOptions::default() };
    let world = SimWorld::build(&options, &catalog, clock.now().0).unwrap();
    match tls {
        Some(tls) => sim::start_tls(world, 0, clock, tls).unwrap(),
        None => sim::start(world, 0, clock).unwrap(),
    }
}

/// A fresh taker splits 500 pUSD into shares of `condition` and sells `size` YES into the
/// bids at any price down to 0.20 (fill-and-kill): what hits a daemon's bid.
pub async fn sell_into_bids(venue: &SimHandle, condition: &str, yes: &TokenId, size: &str) {
    let taker = Trader::fresh(venue).await;
    let body = format!(r#"{{"amount": "500", "market": "{condition}"}}"#);
    let (split, answer) = taker.signed("POST", "/sim/split", Some(&body)).await;
    assert!(split.is_success(), "{answer}");
    let sweep = taker.order_with(yes, Side::Sell, "0.20", size, OrderType::Fak, false);
    let (swept, answer) = taker.post(&sweep).await;
    assert!(swept.is_success(), "{answer}");
}

/// Default test options: two still markets (mixed over still and still-neg).
pub fn options() -> SimOptions {
    SimOptions { scenario: "mixed".into(), markets: 2, ..SimOptions::default() }
}

/// Market `index`'s (condition id, YES token, NO token).
pub fn market(handle: &SimHandle, index: u32) -> (String, TokenId, TokenId) {
    handle.state.with_world(|world, _| {
        let spec = &world.venue.market(index).unwrap().spec;
        (spec.condition_id.to_string(), spec.yes.clone(), spec.no.clone())
    })
}

/// A client of the venue.
pub struct Trader {
    pub base: String,
    pub signer: OrderSigner,
    pub creds: ApiCreds,
    client: awc::Client,
}

fn now_secs() -> u64 {
    SystemClock.now().as_secs()
}

/// A REST client of `venue` without credentials (public endpoints).
pub fn public_client(venue: &SimHandle) -> polymm::polymarket::ClobClient {
    polymm::polymarket::ClobClient::new(
        &venue.client_transport().unwrap(),
        &venue.base_url,
        &venue.gamma_url,
        Arc::new(SystemClock),
        polymm::polymarket::RetryPolicy::default(),
    )
}

impl Trader {
    /// A REST client of `venue` signing and authenticating as this trader.
    pub fn client(&self, venue: &SimHandle) -> polymm::polymarket::ClobClient {
        public_client(venue).with_signer(self.signer.clone()).with_creds(self.creds.clone())
    }

    /// The venue's generated test account.
    pub fn test_account(handle: &SimHandle) -> Self {
        let account = &handle.test_accounts[0];
        let signer = OrderSigner::new(account.key.clone(), Chain::Polygon, SignatureType::Eoa, None).unwrap();
        Self { base: handle.base_url.clone(), signer, creds: account.creds.clone(), client: client(handle) }
    }

    /// A fresh key that gets its API key through L1 (`/auth/derive-api-key`).
    pub async fn fresh(handle: &SimHandle) -> Self {
        let key = KeySigner::random();
        let headers = L1Headers::sign(&key, 137, now_secs(), 0).unwrap();
        let mut request = client(handle).get(format!("{}/auth/derive-api-key", handle.base_url));
        for (name, value) in headers.pairs() {
            request = request.insert_header((name, value));
        }
        let mut response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        let creds = ApiCreds {
            api_key: body["apiKey"].as_str().unwrap().to_owned(),
            secret: polymm::secret::Secret::new(body["secret"].as_str().unwrap()),
            passphrase: polymm::secret::Secret::new(body["passphrase"].as_str().unwrap()),
        };
        let signer = OrderSigner::new(key, Chain::Polygon, SignatureType::Eoa, None).unwrap();
        Self { base: handle.base_url.clone(), signer, creds, client: client(handle) }
    }

    /// A public GET.
    pub async fn public(&self, path_and_query: &str) -> (StatusCode, Value) {
        let mut response = self.client.get(format!("{}{path_and_query}", self.base)).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// An L2-signed request with its `Poly-RateLimit-Remaining` header.
    pub async fn signed_raw(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
    ) -> (StatusCode, Value, Option<String>) {
        self.request(method, path_and_query, body, false).await
    }

    /// An L2-signed request; `tamper` corrupts the signature.
    pub async fn signed_with(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
        tamper: bool,
    ) -> (StatusCode, Value) {
        let (status, value, _) = self.request(method, path_and_query, body, tamper).await;
        (status, value)
    }

    async fn request(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
        tamper: bool,
    ) -> (StatusCode, Value, Option<String>) {
        let mut headers =
            L2Headers::sign(&self.creds, self.signer.eoa(), now_secs(), method, path_and_query, body)
                .unwrap();
        if tamper {
            headers.signature = headers.signature.replace(&headers.signature[..4], "AAAA");
        }
        let url = format!("{}{path_and_query}", self.base);
        let mut request = match method {
            "GET" => self.client.get(url),
            "POST" => self.client.post(url),
            _ => self.client.delete(url),
        };
        for (name, value) in headers.pairs() {
            request = request.insert_header((name, value));
        }
        let mut response = match body {
            Some(body) => request
                .insert_header(("content-type", "application/json"))
                .send_body(body.to_owned())
                .await
                .unwrap(),
            None => request.send().await.unwrap(),
        };
        let status = response.status();
        let remaining =
            response.headers().get("poly-ratelimit-remaining").map(|v| v.to_str().unwrap().to_owned());
        (status, response.json().limit(8 << 20).await.unwrap_or(Value::Null), remaining)
    }

    /// An L2-signed request.
    pub async fn signed(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
    ) -> (StatusCode, Value) {
        self.signed_with(method, path_and_query, body, false).await
    }

    /// A signed GTC limit order (neg-risk exchange when `neg_risk`).
    pub fn order(&self, token: &TokenId, side: Side, price: &str, size: &str, neg_risk: bool) -> SignedOrder {
        let mut spec = limit_spec(token, side, price, size);
        spec.exchange = if neg_risk { ExchangeTarget::V2_NEG_RISK } else { ExchangeTarget::V2 };
        self.signer.sign(&spec, OrderStamp::random(SystemClock.now().0)).unwrap()
    }

    /// The same with a time in force and post-only flag.
    pub fn order_with(
        &self,
        token: &TokenId,
        side: Side,
        price: &str,
        size: &str,
        order_type: OrderType,
        post_only: bool,
    ) -> SignedOrder {
        let mut spec = limit_spec(token, side, price, size);
        spec.order_type = order_type;
        spec.post_only = post_only;
        self.signer.sign(&spec, OrderStamp::random(SystemClock.now().0)).unwrap()
    }

    /// `POST /order`.
    pub async fn post(&self, order: &SignedOrder) -> (StatusCode, Value) {
        let body = polymm::polymarket::order_body(order, &self.creds.api_key);
        self.signed("POST", "/order", Some(&body)).await
    }

    /// Free pUSD in base units, from `/balance-allowance`.
    pub async fn collateral(&self) -> u128 {
        let (status, body) =
            self.signed("GET", "/balance-allowance?asset_type=COLLATERAL&signature_type=0", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["balance"].as_str().unwrap().parse().unwrap()
    }

    /// Shares of `token` in base units.
    pub async fn shares(&self, token: &TokenId) -> u128 {
        let path = format!("/balance-allowance?asset_type=CONDITIONAL&token_id={token}&signature_type=0");
        let (status, body) = self.signed("GET", &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["balance"].as_str().unwrap().parse().unwrap()
    }
}

/// A limit order on the 0.01 grid from decimal text.
fn limit_spec(token: &TokenId, side: Side, price: &str, size: &str) -> OrderSpec {
    OrderSpec::limit(
        token.clone(),
        side,
        Price::new(price.parse::<Decimal>().unwrap()).unwrap(),
        Size::new(size.parse::<Decimal>().unwrap()).unwrap(),
        TickSize::Hundredth,
    )
}

/// An HTTP client that reaches `handle` (trusting its CA when it serves TLS).
fn client(handle: &SimHandle) -> awc::Client {
    handle.client_transport().unwrap().http_client(Duration::from_secs(10))
}

/// A websocket connection.
pub struct Socket {
    framed: actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>,
}

impl Socket {
    /// Connects to `url`.
    pub async fn connect(url: &str) -> Self {
        let (_, framed) = Transport::public_roots()
            .unwrap()
            .http_client(Duration::from_secs(10))
            .ws(url)
            .connect()
            .await
            .unwrap();
        Self { framed }
    }

    /// Sends a text frame.
    pub async fn send(&mut self, text: &str) {
        self.framed.send(awc::ws::Message::Text(text.to_owned().into())).await.unwrap();
    }

    /// The next text frame within `timeout`, if any.
    pub async fn next_text(&mut self, timeout: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.framed.next()).await.ok()??;
            match frame.ok()? {
                awc::ws::Frame::Text(bytes) => return Some(String::from_utf8_lossy(&bytes).into_owned()),
                awc::ws::Frame::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// The next message within `timeout` with how many frames carried it: 1 for a text
    /// frame, more for a message sent in fragments.
    pub async fn next_message(&mut self, timeout: Duration) -> Option<(String, usize)> {
        use actix_ws::Item;
        use awc::ws::Frame;
        let deadline = tokio::time::Instant::now() + timeout;
        let (mut text, mut frames) = (Vec::new(), 0);
        loop {
            let frame = tokio::time::timeout_at(deadline, self.framed.next()).await.ok()??;
            match frame.ok()? {
                Frame::Text(bytes) => return Some((String::from_utf8_lossy(&bytes).into_owned(), 1)),
                Frame::Continuation(Item::FirstText(bytes) | Item::Continue(bytes)) => {
                    text.extend_from_slice(&bytes);
                    frames += 1;
                }
                Frame::Continuation(Item::Last(bytes)) => {
                    text.extend_from_slice(&bytes);
                    return Some((String::from_utf8_lossy(&text).into_owned(), frames + 1));
                }
                Frame::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// Reads frames until one (or an element of an array frame) satisfies `pred`.
    pub async fn wait_for(&mut self, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let text = self.next_text(left).await?;
            let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
            let items = match value {
                Value::Array(items) => items,
                other => vec![other],
            };
            if let Some(found) = items.into_iter().find(|v| pred(v)) {
                return Some(found);
            }
        }
    }
}
