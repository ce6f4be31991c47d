//! The control API: actix-web on 127.0.0.1 by default, one worker, every request carrying
//! `Authorization: Bearer <token>` (the token the daemon wrote into its state directory at
//! start; see [`token`]). It reads status from the director and the kill switch and sends
//! them the operator's commands; `polymm ctl` ([`client`]) uses it.
//!
//! | method | path | does |
//! |---|---|---|
//! | GET | `/v1/status` | kill switch, day's P&L, every market |
//! | GET | `/v1/markets` | every market |
//! | POST | `/v1/markets/{id}/enable`, `/disable` | quote a market or not |
//! | POST | `/v1/markets/{id}/crash` | make a market's actor panic (sim mode, or `control.fault_injection`) |
//! | POST | `/v1/kill`, `/v1/resume` | trip or re-arm the kill switch |
//! | POST | `/v1/cancel-all` | cancel every order of this key |

pub(crate) mod client;
pub(crate) mod token;
pub(crate) mod view;

pub use client::{ControlClient, CtlError};
pub use view::StatusView;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use actix::Addr;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

use crate::config::{ControlConfig, Mode};
use crate::director::messages::{CrashMarket, ListMarkets, SetMarketEnabled};
use crate::director::{ControlRefusal, MarketDirector};
use crate::domain::ConditionId;
use crate::execution::actor::ExecutionActor;
use crate::execution::messages::{CancelAll, GetLatency};
use crate::killswitch::actor::KillSwitchActor;
use crate::killswitch::messages::{GetSwitch, Kill, Resume};
use crate::secret::Secret;
use view::MarketView;

/// What the control API acts on.
#[derive(Clone)]
pub struct ControlHandles {
    /// The markets.
    pub director: Addr<MarketDirector>,
    /// The kill switch.
    pub switch: Addr<KillSwitchActor>,
    /// Cancel-all.
    pub execution: Addr<ExecutionActor>,
    /// The daemon's mode.
    pub mode: Mode,
}

/// The running control API.
pub struct ControlServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The token every request must carry.
    pub token: Arc<Secret>,
    handle: actix_web::dev::ServerHandle,
}

impl ControlServer {
    /// Stops accepting requests.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

struct Shared {
    handles: ControlHandles,
    token: Arc<Secret>,
}

/// Starts the control API and writes its token and address into `state_dir`.
pub fn serve(
    config: &ControlConfig,
    state_dir: &Path,
    handles: ControlHandles,
) -> std::io::Result<ControlServer> {
    let token = Arc::new(token::generate());
    let shared = web::Data::new(Shared { handles, token: token.clone() });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(shared.clone())
            .route("/v1/status", web::get().to(status))
            .route("/v1/markets", web::get().to(markets))
            .route("/v1/markets/{id}/{action}", web::post().to(market_action))
            .route("/v1/kill", web::post().to(kill))
            .route("/v1/resume", web::post().to(resume))
            .route("/v1/cancel-all", web::post().to(cancel_all))
    })
    .workers(1)
    .disable_signals()
    .bind((config.bind, config.port))?;
    let addr = server.addrs().first().copied().ok_or_else(|| std::io::Error::other("no address bound"))?;
    let running = server.run();
    let handle = running.handle();
    actix_rt::spawn(running);
    token::write_token(state_dir, &token)?;
    std::fs::write(state_dir.join(token::ADDR_FILE), addr.to_string())?;
    tracing::info!(%addr, "control API listening");
    Ok(ControlServer { addr, token, handle })
}

fn error(status: actix_web::http::StatusCode, message: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({ "error": message.to_string() }))
}

/// A request that carried the right token; handlers take it as an argument, so none can
/// forget the check.
struct Authorized;

/// The answer to a request without the right token.
#[derive(Debug, thiserror::Error)]
#[error("missing or wrong control token")]
struct Unauthorized;

impl actix_web::ResponseError for Unauthorized {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::UNAUTHORIZED
    }

    fn error_response(&self) -> HttpResponse {
        error(self.status_code(), self)
    }
}

impl actix_web::FromRequest for Authorized {
    type Error = Unauthorized;
    type Future = std::future::Ready<Result<Self, Unauthorized>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let offered = request
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let shared = request.app_data::<web::Data<Shared>>();
        let valid = shared.is_some_and(|shared| token::matches(&shared.token, offered));
        std::future::ready(if valid { Ok(Self) } else { Err(Unauthorized) })
    }
}

fn unavailable(what: &str) -> HttpResponse {
    error(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, format!("{what} is not answering"))
}

async fn market_views(shared: &Shared) -> Result<Vec<MarketView>, HttpResponse> {
    let markets = shared.handles.director.send(ListMarkets).await.map_err(|_| unavailable("director"))?;
    Ok(markets.iter().map(MarketView::from).collect())
}

async fn status(_: Authorized, shared: web::Data<Shared>) -> HttpResponse {
    let markets = match market_views(&shared).await {
        Ok(markets) => markets,
        Err(refused) => return refused,
    };
    let Ok(switch) = shared.handles.switch.send(GetSwitch).await else { return unavailable("kill switch") };
    let Ok(latency) = shared.handles.execution.send(GetLatency::default()).await else {
        return unavailable("execution");
    };
    HttpResponse::Ok().json(StatusView::new(shared.handles.mode, switch, latency, markets))
}

async fn markets(_: Authorized, shared: web::Data<Shared>) -> HttpResponse {
    match market_views(&shared).await {
        Ok(markets) => HttpResponse::Ok().json(markets),
        Err(refused) => refused,
    }
}

async fn market_action(
    _: Authorized,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    let (id, action) = path.into_inner();
    let Ok(market) = id.parse::<ConditionId>() else {
        return error(StatusCode::BAD_REQUEST, format!("{id:?} is not a condition id"));
    };
    let director = &shared.handles.director;
    let answer = match action.as_str() {
        "enable" => director.send(SetMarketEnabled { market, enabled: true }).await,
        "disable" => director.send(SetMarketEnabled { market, enabled: false }).await,
        "crash" => director.send(CrashMarket { market, unguarded: false }).await,
        "crash-unguarded" => director.send(CrashMarket { market, unguarded: true }).await,
        other => return error(StatusCode::NOT_FOUND, format!("no market action {other:?}")),
    };
    match answer {
        Ok(Ok(())) => HttpResponse::Ok().json(serde_json::json!({ "market": id, "done": action })),
        Ok(Err(refusal @ ControlRefusal::UnknownMarket(_))) => error(StatusCode::NOT_FOUND, refusal),
        Ok(Err(refusal)) => error(StatusCode::CONFLICT, refusal),
        Err(_) => unavailable("director"),
    }
}

async fn kill(_: Authorized, shared: web::Data<Shared>) -> HttpResponse {
    match shared.handles.switch.send(Kill).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "killed": true })),
        Err(_) => unavailable("kill switch"),
    }
}

async fn resume(_: Authorized, shared: web::Data<Shared>) -> HttpResponse {
    match shared.handles.switch.send(Resume).await {
        Ok(true) => HttpResponse::Ok().json(serde_json::json!({ "resumed": true })),
        Ok(false) => error(
            actix_web::http::StatusCode::CONFLICT,
            "the kill switch is not halted (armed, or its cancels are not confirmed yet)",
        ),
        Err(_) => unavailable("kill switch"),
    }
}

async fn cancel_all(_: Authorized, shared: web::Data<Shared>) -> HttpResponse {
    match shared.handles.execution.send(CancelAll).await {
        Ok(Ok(cancelled)) => HttpResponse::Ok().json(serde_json::json!({ "cancelled": cancelled })),
        Ok(Err(why)) => error(actix_web::http::StatusCode::BAD_GATEWAY, why),
        Err(_) => unavailable("execution"),
    }
}
