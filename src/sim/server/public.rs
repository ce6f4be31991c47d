//! Public market data, as the CLOB serves it: books, prices, market parameters and market
//! listings. No authentication.

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::reply::{ApiError, Query, bad_request, cursor_offset, error, page, param, token};
use super::state::SimState;
use crate::domain::{ConditionId, Outcome, Side};
use crate::sim::venue::{MarketState, MarketStatus};
use crate::sim::wire::{clob_market, clob_market_compact, current_book, price_text};
use actix_web::http::StatusCode;

/// Markets per page of `/markets`.
const MARKETS_PAGE: usize = 500;

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(ok))
        .route("/ok", web::get().to(ok))
        .route("/time", web::get().to(time))
        .route("/api/geoblock", web::get().to(geoblock))
        .route("/version", web::get().to(version))
        .route("/book", web::get().to(book))
        .route("/books", web::get().to(books_query))
        .route("/books", web::post().to(books_body))
        .route("/price", web::get().to(price))
        .route("/prices", web::post().to(prices))
        .route("/midpoint", web::get().to(midpoint))
        .route("/midpoints", web::post().to(midpoints))
        .route("/spread", web::get().to(spread))
        .route("/spreads", web::post().to(spreads))
        .route("/last-trade-price", web::get().to(last_trade))
        .route("/last-trades-prices", web::post().to(last_trades))
        .route("/tick-size", web::get().to(tick_size))
        .route("/tick-size/{token_id}", web::get().to(tick_size_path))
        .route("/neg-risk", web::get().to(neg_risk))
        .route("/neg-risk/{token_id}", web::get().to(neg_risk_path))
        .route("/fee-rate", web::get().to(fee_rate))
        .route("/fee-rate/{token_id}", web::get().to(fee_rate_path))
        .route("/markets", web::get().to(markets))
        .route("/sampling-markets", web::get().to(sampling_markets))
        .route("/simplified-markets", web::get().to(simplified_markets))
        .route("/sampling-simplified-markets", web::get().to(sampling_simplified_markets))
        .route("/markets/{condition_id}", web::get().to(market))
        .route("/clob-markets/{condition_id}", web::get().to(clob_market_route))
        .route("/markets-by-token/{token_id}", web::get().to(market_by_token))
        .route("/rewards/markets/current", web::get().to(rewards_current));
}

async fn ok() -> HttpResponse {
    HttpResponse::Ok().json("OK")
}

async fn time(state: web::Data<SimState>) -> HttpResponse {
    HttpResponse::Ok().json(state.now_ms() / 1_000)
}

/// polymarket.com's geoblock answer: the sim serves everyone (country "ZZ", unknown).
async fn geoblock(req: actix_web::HttpRequest) -> HttpResponse {
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    HttpResponse::Ok().json(json!({"blocked": false, "ip": ip, "country": "ZZ", "region": "sim"}))
}

async fn version() -> HttpResponse {
    HttpResponse::Ok().json(json!({"version": 2}))
}

/// Runs `f` on the market of the `token_id` parameter.
fn with_token(
    state: &SimState,
    text: Option<&str>,
    f: impl FnOnce(&MarketState, Outcome, u64) -> HttpResponse,
) -> HttpResponse {
    state.with_world(|world, now| match token(world, text) {
        Ok((market, outcome)) => match world.venue.market(market) {
            Some(state) => f(state, outcome, now),
            None => error(StatusCode::NOT_FOUND, "market not found"),
        },
        Err(err) => err.into(),
    })
}

async fn book(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    with_token(&state, param(&query, "token_id"), |m, o, now| {
        HttpResponse::Ok().json(current_book(m, o, now))
    })
}

fn books_for(state: &SimState, ids: Vec<String>) -> HttpResponse {
    state.with_world(|world, now| {
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            match token(world, Some(id)) {
                Ok((market, outcome)) => {
                    if let Some(m) = world.venue.market(market) {
                        out.push(current_book(m, outcome, now));
                    }
                }
                Err(err) => return err.into(),
            }
        }
        HttpResponse::Ok().json(out)
    })
}

async fn books_query(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    let ids =
        param(&query, "token_ids").map(|v| v.split(',').map(str::to_owned).collect()).unwrap_or_default();
    books_for(&state, ids)
}

/// Token ids (and optional sides) from a `[{"token_id": …, "side": …}]` body.
fn body_params(body: &web::Bytes) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ApiError::bad_request("Invalid payload"))?;
    let items =
        value.as_array().ok_or_else(|| ApiError::bad_request("Invalid payload: expected an array"))?;
    if items.len() > 500 {
        return Err(ApiError::bad_request("Payload exceeds the limit"));
    }
    items
        .iter()
        .map(|item| {
            let id = item
                .get("token_id")
                .and_then(Value::as_str)
                .ok_or_else(|| ApiError::bad_request("Invalid payload: token_id"))?;
            Ok((id.to_owned(), item.get("side").and_then(Value::as_str).map(str::to_owned)))
        })
        .collect()
}

async fn books_body(state: web::Data<SimState>, body: web::Bytes) -> HttpResponse {
    match body_params(&body) {
        Ok(items) => books_for(&state, items.into_iter().map(|(id, _)| id).collect()),
        Err(err) => err.into(),
    }
}

fn side_param(text: Option<&str>) -> Option<Side> {
    text.and_then(|s| s.to_ascii_uppercase().parse().ok())
}

/// BUY: the best bid; SELL: the best ask.
fn best(market: &MarketState, outcome: Outcome, side: Side) -> String {
    let (bid, ask) = market.token_top(outcome);
    let price = match side {
        Side::Buy => bid,
        Side::Sell => ask,
    };
    price.map(price_text).unwrap_or_else(|| "0".into())
}

async fn price(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    let Some(side) = side_param(param(&query, "side")) else { return bad_request("Invalid side") };
    with_token(&state, param(&query, "token_id"), |m, o, _| {
        HttpResponse::Ok().json(json!({"price": best(m, o, side)}))
    })
}

/// Applies `f` to each token of a POST body and returns a map by token id.
fn per_token(
    state: &SimState,
    body: &web::Bytes,
    f: impl Fn(&MarketState, Outcome, Option<&str>) -> Value,
) -> HttpResponse {
    let items = match body_params(body) {
        Ok(items) => items,
        Err(err) => return err.into(),
    };
    state.with_world(|world, _| {
        let mut out = serde_json::Map::new();
        for (id, side) in &items {
            match token(world, Some(id)) {
                Ok((market, outcome)) => {
                    if let Some(m) = world.venue.market(market) {
                        out.insert(id.clone(), f(m, outcome, side.as_deref()));
                    }
                }
                Err(err) => return err.into(),
            }
        }
        HttpResponse::Ok().json(Value::Object(out))
    })
}

async fn prices(state: web::Data<SimState>, body: web::Bytes) -> HttpResponse {
    per_token(&state, &body, |m, o, _| json!({"BUY": best(m, o, Side::Buy), "SELL": best(m, o, Side::Sell)}))
}

fn mid_text(market: &MarketState, outcome: Outcome) -> String {
    market
        .token_mid_x2(outcome)
        .map(|x2| {
            (crate::sim::engine::units::price_decimal(x2) / rust_decimal::Decimal::TWO)
                .normalize()
                .to_string()
        })
        .unwrap_or_else(|| "0".into())
}

fn spread_text(market: &MarketState, outcome: Outcome) -> String {
    match market.token_top(outcome) {
        (Some(bid), Some(ask)) => price_text(ask.saturating_sub(bid)),
        _ => "0".into(),
    }
}

async fn midpoint(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    with_token(&state, param(&query, "token_id"), |m, o, _| {
        HttpResponse::Ok().json(json!({"mid": mid_text(m, o)}))
    })
}

async fn midpoints(state: web::Data<SimState>, body: web::Bytes) -> HttpResponse {
    per_token(&state, &body, |m, o, _| Value::String(mid_text(m, o)))
}

async fn spread(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    with_token(&state, param(&query, "token_id"), |m, o, _| {
        HttpResponse::Ok().json(json!({"spread": spread_text(m, o)}))
    })
}

async fn spreads(state: web::Data<SimState>, body: web::Bytes) -> HttpResponse {
    per_token(&state, &body, |m, o, _| Value::String(spread_text(m, o)))
}

fn last_trade_json(market: &MarketState, outcome: Outcome) -> Value {
    match market.token_last_trade(outcome) {
        Some((price, side)) => json!({"price": price_text(price), "side": side.as_str()}),
        None => json!({"price": "0.5", "side": ""}),
    }
}

async fn last_trade(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    with_token(&state, param(&query, "token_id"), |m, o, _| HttpResponse::Ok().json(last_trade_json(m, o)))
}

async fn last_trades(state: web::Data<SimState>, body: web::Bytes) -> HttpResponse {
    per_token(&state, &body, |m, o, _| last_trade_json(m, o))
}

fn tick_json(market: &MarketState) -> Value {
    json!({"minimum_tick_size": market.tick.value()})
}

async fn tick_size(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    with_token(&state, param(&query, "token_id"), |m, _, _| HttpResponse::Ok().json(tick_json(m)))
}

async fn tick_size_path(state: web::Data<SimState>, path: web::Path<String>) -> HttpResponse {
    with_token(&state, Some(path.as_str()), |m, _, _| HttpResponse::Ok().json(tick_json(m)))
}

async fn neg_risk(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    with_token(&state, param(&query, "token_id"), |m, _, _| {
        HttpResponse::Ok().json(json!({"neg_risk": m.spec.neg_risk}))
    })
}

async fn neg_risk_path(state: web::Data<SimState>, path: web::Path<String>) -> HttpResponse {
    with_token(&state, Some(path.as_str()), |m, _, _| {
        HttpResponse::Ok().json(json!({"neg_risk": m.spec.neg_risk}))
    })
}

fn fee_json(market: &MarketState) -> Value {
    json!({"base_fee": crate::sim::venue::fee_bps(&market.spec.fees)})
}

async fn fee_rate(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    with_token(&state, param(&query, "token_id"), |m, _, _| HttpResponse::Ok().json(fee_json(m)))
}

async fn fee_rate_path(state: web::Data<SimState>, path: web::Path<String>) -> HttpResponse {
    with_token(&state, Some(path.as_str()), |m, _, _| HttpResponse::Ok().json(fee_json(m)))
}

fn simplified(market: &MarketState) -> Value {
    let full = clob_market(market);
    json!({
        "condition_id": full["condition_id"], "rewards": full["rewards"], "tokens": full["tokens"],
        "active": full["active"], "closed": full["closed"], "archived": false, "accepting_orders": full["accepting_orders"],
    })
}

fn market_pages(
    state: &SimState,
    query: &Query,
    sampling: bool,
    shape: fn(&MarketState) -> Value,
) -> HttpResponse {
    let offset = match cursor_offset(param(query, "next_cursor")) {
        Ok(offset) => offset,
        Err(err) => return err.into(),
    };
    state.with_world(|world, _| {
        let items = world
            .venue
            .markets()
            .iter()
            .filter(|m| !sampling || (m.spec.rewards.is_some() && m.status == MarketStatus::Open))
            .map(shape)
            .collect();
        page(items, offset, MARKETS_PAGE)
    })
}

async fn markets(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    market_pages(&state, &query, false, clob_market)
}

async fn sampling_markets(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    market_pages(&state, &query, true, clob_market)
}

async fn simplified_markets(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    market_pages(&state, &query, false, simplified)
}

async fn sampling_simplified_markets(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    market_pages(&state, &query, true, simplified)
}

fn by_condition(state: &SimState, text: &str, shape: fn(&MarketState) -> Value) -> HttpResponse {
    let Ok(condition) = text.parse::<ConditionId>() else { return bad_request("Invalid condition id") };
    state.with_world(|world, _| match world.venue.condition(&condition).and_then(|i| world.venue.market(i)) {
        Some(market) => HttpResponse::Ok().json(shape(market)),
        None => error(StatusCode::NOT_FOUND, "market not found"),
    })
}

async fn market(state: web::Data<SimState>, path: web::Path<String>) -> HttpResponse {
    by_condition(&state, &path, clob_market)
}

async fn clob_market_route(state: web::Data<SimState>, path: web::Path<String>) -> HttpResponse {
    by_condition(&state, &path, clob_market_compact)
}

async fn market_by_token(state: web::Data<SimState>, path: web::Path<String>) -> HttpResponse {
    with_token(&state, Some(path.as_str()), |m, _, _| {
        HttpResponse::Ok().json(json!({
            "condition_id": m.spec.condition_id.to_string(),
            "primary_token_id": m.spec.yes.as_str(),
            "secondary_token_id": m.spec.no.as_str(),
        }))
    })
}

async fn rewards_current(state: web::Data<SimState>, query: web::Query<Query>) -> HttpResponse {
    let offset = match cursor_offset(param(&query, "next_cursor")) {
        Ok(offset) => offset,
        Err(err) => return err.into(),
    };
    state.with_world(|world, _| {
        let items = world
            .venue
            .markets()
            .iter()
            .filter(|m| m.status == MarketStatus::Open)
            .filter_map(|m| {
                let r = m.spec.rewards?;
                Some(json!({
                    "condition_id": m.spec.condition_id.to_string(), "rewards_max_spread": r.max_spread_cents,
                    "rewards_min_size": r.min_size, "native_daily_rate": r.daily_rate, "total_daily_rate": r.daily_rate,
                    "rewards_config": [{"asset_address": crate::polymarket::contracts::PUSD.to_string(), "rate_per_day": r.daily_rate}],
                }))
            })
            .collect();
        page(items, offset, MARKETS_PAGE)
    })
}
