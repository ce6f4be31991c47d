//! Authenticated routes: API keys (L1), orders, cancels, account data, balances and the
//! heartbeat (L2). Each request is authenticated over the exact bytes received, rate
//! limited per signer, then applied to the venue in one step.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::reply::{ApiError, Query, cursor_offset, error, page, param, token};
use super::state::SimState;
use crate::domain::{Address, ConditionId, OrderId};
use crate::polymarket::contracts::{EXCHANGE_V2, NEG_RISK_EXCHANGE_V2};
use crate::sim::auth::AuthError;
use crate::sim::faults::EnginePhase;
use crate::sim::limits::{Bucket, Draw};
use crate::sim::venue::{AccountId, CancelOutcome, NewOrder, Reject, uuid_text};
use crate::sim::verify::{parse_send_order, verify};
use crate::sim::wire::{open_order, trade};
use crate::sim::world::SimWorld;

/// Orders per `POST /orders`.
const MAX_BATCH: usize = 15;
/// Records per page of `/data/orders` and `/data/trades`.
const DATA_PAGE: usize = 100;

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/api-key", web::post().to(create_api_key))
        .route("/auth/derive-api-key", web::get().to(create_api_key))
        .route("/auth/api-keys", web::get().to(api_keys))
        .route("/auth/ban-status/closed-only", web::get().to(closed_only))
        .route("/order", web::post().to(post_order))
        .route("/orders", web::post().to(post_orders))
        .route("/order", web::delete().to(cancel_order))
        .route("/orders", web::delete().to(cancel_orders))
        .route("/cancel-all", web::delete().to(cancel_all))
        .route("/cancel-market-orders", web::delete().to(cancel_market))
        .route("/data/orders", web::get().to(data_orders))
        .route("/data/order/{id}", web::get().to(data_order))
        .route("/data/trades", web::get().to(data_trades))
        .route("/balance-allowance", web::get().to(balance_allowance))
        .route("/balance-allowance/update", web::get().to(balance_allowance))
        .route("/v1/heartbeats", web::post().to(heartbeat));
}

fn header<'r>(req: &'r HttpRequest) -> impl Fn(&str) -> Option<&'r str> {
    move |name| req.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn create_api_key(state: web::Data<SimState>, req: HttpRequest) -> HttpResponse {
    state.with_world(|world, now| match world.keys.authenticate_l1(header(&req), now / 1_000) {
        Ok(issued) => {
            world.client_account(&issued.creds.api_key, issued.address);
            HttpResponse::Ok().json(json!({
                "apiKey": issued.creds.api_key,
                "secret": issued.creds.secret.expose(),
                "passphrase": issued.creds.passphrase.expose(),
            }))
        }
        Err(err) => error(StatusCode::UNAUTHORIZED, err),
    })
}

/// An authenticated caller.
struct Caller {
    api_key: String,
    address: Address,
    account: AccountId,
}

/// Authenticates an L2 request over exactly `body`.
fn authenticate(
    world: &mut SimWorld,
    req: &HttpRequest,
    body: &[u8],
    now_ms: u64,
) -> Result<Caller, ApiError> {
    let text =
        std::str::from_utf8(body).map_err(|_| ApiError::new(StatusCode::UNAUTHORIZED, AuthError::L2))?;
    let issued = world
        .keys
        .authenticate_l2(header(req), req.method().as_str(), req.path(), text, now_ms / 1_000)
        .map_err(|err| ApiError::new(StatusCode::UNAUTHORIZED, err))?
        .clone();
    let account = world.client_account(&issued.creds.api_key, issued.address);
    Ok(Caller { api_key: issued.creds.api_key, address: issued.address, account })
}

/// Draws rate-limit tokens: the headers to put on the answer, or the 429.
fn limit(
    world: &mut SimWorld,
    caller: &Caller,
    bucket: Bucket,
    cost: usize,
    now_ms: u64,
) -> Result<Rated, ApiError> {
    let cost = u32::try_from(cost).unwrap_or(u32::MAX);
    match world.limiter.draw(caller.address, bucket, cost, now_ms) {
        Draw::Allowed { remaining } => {
            Ok(Rated { remaining: remaining.floor() as i64, tier: world.limiter.tier().name })
        }
        Draw::Limited { retry_after_ms } => Err(ApiError::too_many(retry_after_ms.div_ceil(1_000).max(1))),
    }
}

/// The per-signer rate-limit state reported on an accepted request.
struct Rated {
    remaining: i64,
    tier: &'static str,
}

impl Rated {
    /// `response` with `Poly-RateLimit-Remaining` and `Poly-RateLimit-Tier`.
    fn apply(self, mut response: HttpResponse) -> HttpResponse {
        let headers = response.headers_mut();
        headers
            .insert(HeaderName::from_static("poly-ratelimit-remaining"), HeaderValue::from(self.remaining));
        headers.insert(HeaderName::from_static("poly-ratelimit-tier"), HeaderValue::from_static(self.tier));
        response
    }
}

/// Runs an authenticated handler body with the world locked.
fn l2(
    state: &SimState,
    req: &HttpRequest,
    body: &[u8],
    f: impl FnOnce(&mut SimWorld, &Caller, u64) -> Result<HttpResponse, ApiError>,
) -> HttpResponse {
    state.with_world(|world, now| {
        authenticate(world, req, body, now)
            .and_then(|caller| f(world, &caller, now))
            .unwrap_or_else(HttpResponse::from)
    })
}

async fn api_keys(state: web::Data<SimState>, req: HttpRequest) -> HttpResponse {
    l2(&state, &req, b"", |_, caller, _| Ok(HttpResponse::Ok().json(json!({"apiKeys": [caller.api_key]}))))
}

async fn closed_only(state: web::Data<SimState>, req: HttpRequest) -> HttpResponse {
    l2(&state, &req, b"", |_, _, _| Ok(HttpResponse::Ok().json(json!({"closed_only": false}))))
}

/// One order through verification and the engine: the `SendOrderResponse`, or the error.
fn place_one(world: &mut SimWorld, caller: &Caller, value: &Value, now_ms: u64) -> Result<Value, String> {
    let parsed = parse_send_order(value).map_err(|e| e.to_string())?;
    let (market, outcome) =
        world.venue.token(&parsed.fields.token_id).ok_or_else(|| Reject::UnknownToken.to_string())?;
    let state = world.venue.market(market).ok_or_else(|| Reject::UnknownToken.to_string())?;
    let (neg_risk, tick) = (state.spec.neg_risk, state.tick);
    let verified = verify(parsed, &caller.api_key, caller.address, world.chain, neg_risk, tick)
        .map_err(|e| e.to_string())?;
    if world.faults.phase(now_ms) == EnginePhase::PostOnly && !verified.parsed.post_only {
        return Err(Reject::PostOnlyPeriod.to_string());
    }
    let order = NewOrder {
        id: verified.id,
        account: caller.account,
        maker_address: verified.parsed.fields.maker,
        market,
        outcome,
        side: verified.parsed.side,
        price: verified.price,
        lots: verified.lots,
        order_type: verified.parsed.order_type,
        post_only: verified.parsed.post_only,
        expiration: verified.parsed.expiration,
    };
    let placed = world.venue.place(order, now_ms).map_err(|e| e.to_string())?;
    let hashes: Vec<String> =
        placed.transaction_hashes.iter().map(|h| format!("0x{}", hex::encode(h))).collect();
    Ok(json!({
        "success": true, "errorMsg": "", "orderID": verified.id.to_string(),
        "status": placed.status.as_str().to_ascii_lowercase(),
        "makingAmount": placed.making.to_string(), "takingAmount": placed.taking.to_string(),
        "transactionsHashes": hashes, "tradeIDs": placed.trade_ids,
    }))
}

async fn post_order(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    l2(&state, &req, &body, |world, caller, now| {
        let rated = limit(world, caller, Bucket::Orders, 1, now)?;
        let Ok(value) = serde_json::from_slice::<Value>(&body) else {
            return Err(ApiError::bad_request("Invalid order payload"));
        };
        Ok(rated.apply(match place_one(world, caller, &value, now) {
            Ok(response) => HttpResponse::Ok().json(response),
            Err(message) => HttpResponse::BadRequest().json(json!({
                "error": message, "success": false, "errorMsg": message, "orderID": "",
            })),
        }))
    })
}

async fn post_orders(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    l2(&state, &req, &body, |world, caller, now| {
        let Ok(Value::Array(orders)) = serde_json::from_slice::<Value>(&body) else {
            return Err(ApiError::bad_request("Invalid order payload"));
        };
        if orders.len() > MAX_BATCH || orders.is_empty() {
            return Err(ApiError::bad_request("Payload exceeds the limit"));
        }
        let rated = limit(world, caller, Bucket::Orders, orders.len(), now)?;
        let results: Vec<Value> = orders
            .iter()
            .map(|value| {
                place_one(world, caller, value, now).unwrap_or_else(|message| {
                    json!({"success": false, "errorMsg": message, "orderID": "", "status": "",
                           "makingAmount": "", "takingAmount": "", "transactionsHashes": [], "tradeIDs": []})
                })
            })
            .collect();
        Ok(rated.apply(HttpResponse::Ok().json(results)))
    })
}

fn cancel_json(outcome: CancelOutcome) -> HttpResponse {
    let not_canceled: serde_json::Map<String, Value> =
        outcome.not_canceled.into_iter().map(|(id, why)| (id.to_string(), Value::String(why))).collect();
    let canceled: Vec<String> = outcome.canceled.iter().map(ToString::to_string).collect();
    HttpResponse::Ok().json(json!({"canceled": canceled, "not_canceled": not_canceled}))
}

async fn cancel_order(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    l2(&state, &req, &body, |world, caller, now| {
        let id = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v.get("orderID").and_then(Value::as_str).and_then(|s| s.parse::<OrderId>().ok()));
        let Some(id) = id else { return Err(ApiError::bad_request("Invalid orderID")) };
        let rated = limit(world, caller, Bucket::Cancels, 1, now)?;
        Ok(rated.apply(cancel_json(world.venue.cancel(caller.account, &id))))
    })
}

async fn cancel_orders(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    l2(&state, &req, &body, |world, caller, now| {
        let ids: Option<Vec<OrderId>> = serde_json::from_slice::<Vec<String>>(&body)
            .ok()
            .and_then(|ids| ids.iter().map(|s| s.parse().ok()).collect());
        let Some(ids) = ids else { return Err(ApiError::bad_request("Invalid orderID")) };
        if ids.len() > 3_000 {
            return Err(ApiError::bad_request("Payload exceeds the limit"));
        }
        let rated = limit(world, caller, Bucket::Cancels, ids.len().max(1), now)?;
        Ok(rated.apply(cancel_json(world.venue.cancel_many(caller.account, &ids))))
    })
}

async fn cancel_all(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    l2(&state, &req, &body, |world, caller, now| {
        let open = world.venue.open_orders(caller.account, None, None).len();
        let rated = limit(world, caller, Bucket::Cancels, 1 + open, now)?;
        Ok(rated.apply(cancel_json(world.venue.cancel_all(caller.account))))
    })
}

async fn cancel_market(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    l2(&state, &req, &body, |world, caller, now| {
        let value: Value = if body.is_empty() {
            json!({})
        } else {
            match serde_json::from_slice(&body) {
                Ok(value) => value,
                Err(_) => return Err(ApiError::bad_request("Invalid payload")),
            }
        };
        let text = |key: &str| value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
        let market = match text("market").map(str::parse::<ConditionId>) {
            None => None,
            Some(Ok(condition)) => match world.venue.condition(&condition) {
                Some(index) => Some(index),
                None => return Ok(cancel_json(CancelOutcome::default())),
            },
            Some(Err(_)) => return Err(ApiError::bad_request("Invalid market")),
        };
        let asset = match text("asset_id") {
            None => None,
            Some(id) => Some(token(world, Some(id))?),
        };
        if market.is_some() && asset.is_some_and(|(m, _)| Some(m) != market) {
            return Ok(cancel_json(CancelOutcome::default()));
        }
        let market = market.or(asset.map(|(m, _)| m));
        let open = world.venue.open_orders(caller.account, market, asset.map(|(_, o)| o)).len();
        let rated = limit(world, caller, Bucket::Cancels, 1 + open, now)?;
        Ok(rated.apply(cancel_json(world.venue.cancel_where(caller.account, market, asset.map(|(_, o)| o)))))
    })
}

/// Market and token filters from `market` / `asset_id` query parameters.
fn filters(
    world: &SimWorld,
    query: &Query,
) -> Result<(Option<u32>, Option<crate::domain::Outcome>), ApiError> {
    let market = match param(query, "market").map(str::parse::<ConditionId>) {
        None => None,
        Some(Ok(condition)) => Some(world.venue.condition(&condition).unwrap_or(u32::MAX)),
        Some(Err(_)) => return Err(ApiError::bad_request("Invalid market")),
    };
    let asset = match param(query, "asset_id") {
        None => None,
        Some(id) => Some(token(world, Some(id))?),
    };
    if let (Some(m), Some((am, _))) = (market, asset)
        && m != am
    {
        return Ok((Some(u32::MAX), None));
    }
    Ok((market.or(asset.map(|(m, _)| m)), asset.map(|(_, o)| o)))
}

async fn data_orders(state: web::Data<SimState>, req: HttpRequest, query: web::Query<Query>) -> HttpResponse {
    l2(&state, &req, b"", |world, caller, _| {
        let offset = cursor_offset(param(&query, "next_cursor"))?;
        let (market, outcome) = filters(world, &query)?;
        let id = param(&query, "id").map(str::to_ascii_lowercase);
        let items = world
            .venue
            .open_orders(caller.account, market, outcome)
            .into_iter()
            .filter(|record| id.as_ref().is_none_or(|id| record.order.id.to_string() == *id))
            .map(|record| open_order(&world.venue, record))
            .collect();
        Ok(page(items, offset, DATA_PAGE))
    })
}

async fn data_order(state: web::Data<SimState>, req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    l2(&state, &req, b"", |world, caller, _| {
        let record = path.parse::<OrderId>().ok().and_then(|id| world.venue.order(&id));
        match record {
            Some(record) if record.order.account == caller.account => {
                Ok(HttpResponse::Ok().json(open_order(&world.venue, record)))
            }
            _ => Err(ApiError::new(StatusCode::NOT_FOUND, "Order not found")),
        }
    })
}

async fn data_trades(state: web::Data<SimState>, req: HttpRequest, query: web::Query<Query>) -> HttpResponse {
    l2(&state, &req, b"", |world, caller, _| {
        let offset = cursor_offset(param(&query, "next_cursor"))?;
        let (market, outcome) = filters(world, &query)?;
        let secs = |name: &str| param(&query, name).and_then(|v| v.parse::<u64>().ok());
        let (before, after, id) = (secs("before"), secs("after"), param(&query, "id"));
        let items = world
            .venue
            .trades_of(caller.account)
            .filter(|t| market.is_none_or(|m| t.market == m))
            .filter(|t| outcome.is_none_or(|o| t.outcome == o || t.makers.iter().any(|mk| mk.outcome == o)))
            .filter(|t| {
                before.is_none_or(|b| t.match_ms / 1_000 < b) && after.is_none_or(|a| t.match_ms / 1_000 > a)
            })
            .filter(|t| id.is_none_or(|id| t.id == id))
            .map(|t| trade(&world.venue, t, caller.account))
            .collect();
        Ok(page(items, offset, DATA_PAGE))
    })
}

async fn balance_allowance(
    state: web::Data<SimState>,
    req: HttpRequest,
    query: web::Query<Query>,
) -> HttpResponse {
    l2(&state, &req, b"", |world, caller, _| {
        let Some(account) = world.venue.account(caller.account) else {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "account"));
        };
        let balance = match param(&query, "asset_type").map(str::to_ascii_uppercase).as_deref() {
            None | Some("COLLATERAL") => account.collateral.held,
            Some("CONDITIONAL") => {
                let (market, outcome) = token(world, param(&query, "token_id"))?;
                account.position(market, outcome).held
            }
            Some(_) => return Err(ApiError::bad_request("Invalid asset type")),
        };
        let unlimited = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        Ok(HttpResponse::Ok().json(json!({
            "balance": balance.to_string(),
            "allowances": {EXCHANGE_V2.to_string(): unlimited, NEG_RISK_EXCHANGE_V2.to_string(): unlimited},
        })))
    })
}

async fn heartbeat(state: web::Data<SimState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    l2(&state, &req, &body, |world, caller, now| {
        let previous = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v.get("heartbeat_id").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default();
        let seed = crate::crypto::keccak256_parts(&[
            caller.api_key.as_bytes(),
            &now.to_be_bytes(),
            previous.as_bytes(),
        ]);
        match world.heartbeats.beat(caller.account, &previous, uuid_text(&seed), now) {
            Ok(id) => Ok(HttpResponse::Ok().json(json!({"heartbeat_id": id}))),
            Err(err) => Err(ApiError::bad_request(err)),
        }
    })
}
