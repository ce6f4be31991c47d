//! Sim-only routes under `/sim/`: inspect the hidden state, fund an account, split and merge
//! pUSD ↔ YES+NO pairs, resolve a market, and change faults at runtime. None of these exist
//! on the real venue. Account actions are L2-authenticated and act on the caller's account.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::reply::bad_request;
use super::state::SimState;
use crate::domain::{ConditionId, Outcome};
use crate::sim::engine::units::lots_from_decimal;
use crate::sim::faults::{FaultAction, FaultSpec};
use crate::sim::venue::MarketStatus;

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sim/state", web::get().to(sim_state))
        .route("/sim/fund", web::post().to(fund))
        .route("/sim/split", web::post().to(split))
        .route("/sim/merge", web::post().to(merge))
        .route("/sim/resolve", web::post().to(resolve))
        .route("/sim/faults", web::get().to(faults))
        .route("/sim/faults", web::post().to(set_faults));
}

async fn sim_state(state: web::Data<SimState>) -> HttpResponse {
    state.with_world(|world, now| {
        let fundamentals = world.flow.fundamentals();
        let markets: Vec<Value> = world
            .venue
            .markets()
            .iter()
            .enumerate()
            .map(|(i, m)| {
                json!({
                    "condition_id": m.spec.condition_id.to_string(), "slug": m.spec.slug,
                    "scenario": world.scenario_names.get(i), "fundamental": fundamentals.get(i),
                    "resolved": match m.status { MarketStatus::Resolved(o) => Some(o.to_string()), MarketStatus::Open => None },
                    "volume": crate::sim::engine::units::lots_decimal(u64::try_from(m.volume_lots).unwrap_or(u64::MAX)),
                    "resting_orders": m.book.order_count(),
                })
            })
            .collect();
        HttpResponse::Ok().json(json!({
            "time_ms": now, "engine": world.faults.phase(now), "open_orders": world.venue.open_order_count(),
            "markets": markets,
        }))
    })
}

#[derive(Debug, Deserialize)]
struct AmountBody {
    amount: rust_decimal::Decimal,
    #[serde(default)]
    market: Option<ConditionId>,
}

fn account_action(
    state: &SimState,
    req: &HttpRequest,
    body: &web::Bytes,
    act: impl FnOnce(
        &mut crate::sim::world::SimWorld,
        crate::sim::venue::AccountId,
        AmountBody,
    ) -> Result<(), String>,
) -> HttpResponse {
    let Ok(parsed) = serde_json::from_slice::<AmountBody>(body) else {
        return bad_request("expected {\"amount\": \"…\", \"market\": \"0x…\"}");
    };
    state.with_world(|world, now| {
        let text = std::str::from_utf8(body).unwrap_or_default();
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let issued =
            match world.keys.authenticate_l2(header, req.method().as_str(), req.path(), text, now / 1_000) {
                Ok(issued) => issued.clone(),
                Err(err) => return super::reply::error(actix_web::http::StatusCode::UNAUTHORIZED, err),
            };
        let account = world.client_account(&issued.creds.api_key, issued.address);
        match act(world, account, parsed) {
            Ok(()) => {
                let held = world.venue.account(account).map_or(0, |a| a.collateral.held);
                HttpResponse::Ok().json(json!({"ok": true, "collateral": held.to_string()}))
            }
            Err(message) => bad_request(message),
        }
    })
}

fn market_and_lots(world: &crate::sim::world::SimWorld, body: &AmountBody) -> Result<(u32, u64), String> {
    let market = body.market.and_then(|c| world.venue.condition(&c)).ok_or("unknown market")?;
    let lots = lots_from_decimal(body.amount)
        .filter(|l| *l > 0)
        .ok_or("amount must be > 0 with at most 2 decimals")?;
    Ok((market, lots))
}

async fn fund(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    account_action(&state, &req, &body, |world, account, body| {
        let units = crate::domain::size::to_base_units(body.amount)
            .ok_or("amount must be ≥ 0 with at most 6 decimals")?;
        world.venue.fund(account, units);
        Ok(())
    })
}

async fn split(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    account_action(&state, &req, &body, |world, account, body| {
        let (market, lots) = market_and_lots(world, &body)?;
        world.venue.split(account, market, lots).map_err(|e| e.to_string())
    })
}

async fn merge(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    account_action(&state, &req, &body, |world, account, body| {
        let (market, lots) = market_and_lots(world, &body)?;
        world.venue.merge(account, market, lots).map_err(|e| e.to_string())
    })
}

#[derive(Debug, Deserialize)]
struct ResolveBody {
    market: ConditionId,
    outcome: String,
}

async fn resolve(state: web::Data<SimState>, body: web::Json<ResolveBody>) -> HttpResponse {
    let winner = match body.outcome.to_ascii_lowercase().as_str() {
        "yes" => Outcome::Yes,
        "no" => Outcome::No,
        _ => return bad_request("outcome must be Yes or No"),
    };
    state.with_world(|world, _| match world.venue.condition(&body.market) {
        Some(market) => {
            world.venue.resolve(market, winner);
            HttpResponse::Ok().json(json!({"ok": true}))
        }
        None => bad_request("unknown market"),
    })
}

async fn faults(state: web::Data<SimState>) -> HttpResponse {
    state.with_world(|world, now| {
        HttpResponse::Ok().json(json!({"spec": world.faults.spec(), "engine": world.faults.phase(now)}))
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsBody {
    #[serde(default)]
    spec: Option<FaultSpec>,
    #[serde(default)]
    action: Option<FaultAction>,
}

async fn set_faults(state: web::Data<SimState>, body: web::Bytes) -> HttpResponse {
    let parsed: FaultsBody = match serde_json::from_slice(&body) {
        Ok(parsed) => parsed,
        Err(err) => {
            return bad_request(format!(
                "expected {{\"spec\": {{…}}}} or {{\"action\": \"drop_ws|restart|throttle|stall|clear\"}}: {err}"
            ));
        }
    };
    if let Some(Err(problems)) = parsed.spec.as_ref().map(FaultSpec::validate) {
        return bad_request(problems);
    }
    let answer = state.with_world(|world, now| {
        if let Some(spec) = parsed.spec {
            world.faults.set_spec(spec, now);
        }
        if let Some(action) = parsed.action {
            world.faults.trigger(action, now);
        }
        json!({"spec": world.faults.spec(), "engine": world.faults.phase(now)})
    });
    state.faults_changed();
    HttpResponse::Ok().json(answer)
}
