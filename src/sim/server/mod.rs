//! The venue's HTTP and websocket server (actix-web on 127.0.0.1): a thin shell over
//! [`SimWorld`]. It routes requests, injects REST faults (latency, 5xx, 429 bursts, 425
//! engine restarts) in one wrapper, and steps the world on a timer.
//!
//! Must be started inside an actix system (`actix_rt`); it runs on that system's threads.

mod admin;
mod data_api;
mod gamma;
mod public;
mod reply;
mod state;
mod trading;
mod ws;

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::dev::{ServerHandle, Service as _, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, web};
use rand::Rng;

use crate::clock::Clock;
use crate::polymarket::transport::{Transport, TransportError};
use crate::sim::faults::EnginePhase;
use crate::sim::tls::SimTls;
use crate::sim::world::{SimWorld, TestAccount};

pub use state::SimState;

/// How often agents act and housekeeping runs. Their rates are per second, so the step only
/// sets how finely events are spread in time: at 10 ms a market's changes arrive as a venue's
/// do, a few at a time, rather than every market's at once each tenth of a second.
pub const STEP_MS: u64 = 10;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
}

/// A running venue.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub base_url: String,
    /// `ws://127.0.0.1:PORT/ws` (`wss://` with TLS; append `/market` or `/user`).
    pub ws_url: String,
    /// `http://127.0.0.1:PORT/gamma`.
    pub gamma_url: String,
    /// `http://127.0.0.1:PORT/data-api`.
    pub data_api_url: String,
    /// The certificates it serves TLS with, if it does.
    pub tls: Option<SimTls>,
    /// The bound port.
    pub port: u16,
    /// Generated test accounts.
    pub test_accounts: Vec<TestAccount>,
    /// Shared state (for in-process inspection).
    pub state: web::Data<SimState>,
    server: ServerHandle,
    stepper: actix_rt::Arbiter,
}

impl SimHandle {
    /// The `--set KEY=VALUE` values that point a daemon's every endpoint at this venue
    /// (https/wss when it serves TLS).
    pub fn endpoint_sets(&self) -> Vec<String> {
        let ws = &self.ws_url;
        vec![
            format!("venue.clob_url={}", self.base_url),
            format!("venue.gamma_url={}", self.gamma_url),
            format!("venue.data_api_url={}", self.data_api_url),
            format!("venue.ws_market_url={ws}/market"),
            format!("venue.ws_user_url={ws}/user"),
            format!("venue.geoblock_url={}/api/geoblock", self.base_url),
        ]
    }

    /// A client transport that reaches this venue: the public roots, and its CA when it
    /// serves TLS.
    pub fn client_transport(&self) -> Result<Transport, TransportError> {
        match &self.tls {
            Some(tls) => tls.client_transport(),
            None => Transport::public_roots(),
        }
    }

    /// Stops the server and the stepping thread.
    pub async fn stop(self) {
        self.stepper.stop();
        self.server.stop(true).await;
    }
}

/// Starts the venue for `world` on `127.0.0.1:port` (0: any free port), plain HTTP.
pub fn start(world: SimWorld, port: u16, clock: Arc<dyn Clock>) -> Result<SimHandle, ServeError> {
    serve(world, port, clock, None)
}

/// Starts the venue for `world` on `127.0.0.1:port` serving `https://` and `wss://` with
/// `tls`'s certificates.
pub fn start_tls(
    world: SimWorld,
    port: u16,
    clock: Arc<dyn Clock>,
    tls: SimTls,
) -> Result<SimHandle, ServeError> {
    serve(world, port, clock, Some(tls))
}

fn serve(
    world: SimWorld,
    port: u16,
    clock: Arc<dyn Clock>,
    tls: Option<SimTls>,
) -> Result<SimHandle, ServeError> {
    let test_accounts = world.test_accounts.clone();
    let state = web::Data::new(SimState::new(world, clock));
    let app_state = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(app_state.clone())
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            .wrap_fn(|req, srv| {
                let decision = fault_decision(&req);
                let outcome = match decision.respond {
                    Some(response) => Err(req.into_response(response)),
                    None => Ok(srv.call(req)),
                };
                async move {
                    if let Some(delay) = decision.delay {
                        actix_rt::time::sleep(delay).await;
                    }
                    match outcome {
                        Err(early) => Ok(early),
                        Ok(call) => call.await.map(ServiceResponse::map_into_boxed_body),
                    }
                }
            })
            .configure(public::routes)
            .configure(trading::routes)
            .configure(gamma::routes)
            .configure(data_api::routes)
            .configure(admin::routes)
            .configure(ws::routes)
    })
    .workers(2)
    .disable_signals()
    .shutdown_timeout(1);
    let server = match &tls {
        Some(tls) => server.bind_rustls_0_23(("127.0.0.1", port), tls.server_config()),
        None => server.bind(("127.0.0.1", port)),
    }
    .map_err(|source| ServeError::Bind { port, source })?;
    let port = server.addrs().first().map_or(port, std::net::SocketAddr::port);
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    let stepper_state = state.clone();
    let stepper = actix_rt::Arbiter::new();
    stepper.spawn(async move {
        let mut interval = actix_rt::time::interval(Duration::from_millis(STEP_MS));
        loop {
            interval.tick().await;
            stepper_state.with_world(|world, now| world.step(now));
        }
    });
    let (http, ws) = if tls.is_some() { ("https", "wss") } else { ("http", "ws") };
    Ok(SimHandle {
        base_url: format!("{http}://127.0.0.1:{port}"),
        ws_url: format!("{ws}://127.0.0.1:{port}/ws"),
        gamma_url: format!("{http}://127.0.0.1:{port}/gamma"),
        data_api_url: format!("{http}://127.0.0.1:{port}/data-api"),
        tls,
        port,
        test_accounts,
        state,
        server: handle,
        stepper,
    })
}

/// What the fault wrapper does with one request.
#[derive(Default)]
struct FaultDecision {
    delay: Option<Duration>,
    respond: Option<HttpResponse<BoxBody>>,
}

/// Whether a request places or cancels orders (the calls an engine restart refuses).
fn is_trading(req: &ServiceRequest) -> bool {
    let method = req.method().as_str();
    matches!(
        (method, req.path()),
        ("POST", "/order" | "/orders")
            | ("DELETE", "/order" | "/orders" | "/cancel-all" | "/cancel-market-orders")
    )
}

/// Decides latency and early answers for a REST request from the fault state.
fn fault_decision(req: &ServiceRequest) -> FaultDecision {
    let path = req.path();
    if path.starts_with("/sim/") || path.starts_with("/ws/") {
        return FaultDecision::default();
    }
    let Some(state) = req.app_data::<web::Data<SimState>>() else { return FaultDecision::default() };
    let trading = is_trading(req);
    state.with_world(|world, now| {
        let spec = world.faults.spec();
        let mut rng = rand::thread_rng();
        let delay = spec.latency.map(|(low, high)| Duration::from_millis(rng.gen_range(low..=high)));
        let respond = if world.faults.throttled(now) {
            Some(
                HttpResponse::TooManyRequests()
                    .insert_header(("Retry-After", "1"))
                    .json(serde_json::json!({"error": "Too Many Requests"})),
            )
        } else if trading && world.faults.phase(now) == EnginePhase::Restarting {
            Some(reply::error(
                StatusCode::from_u16(425).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                "the matching engine is restarting, retry later",
            ))
        } else if spec.http_5xx > 0.0 && rng.gen_bool(spec.http_5xx.min(1.0)) {
            Some(reply::error(StatusCode::INTERNAL_SERVER_ERROR, "internal error (injected fault)"))
        } else {
            None
        };
        FaultDecision { delay, respond }
    })
}
