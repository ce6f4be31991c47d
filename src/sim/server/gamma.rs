//! A Gamma-like market listing under `/gamma/`: `GET /gamma/markets` (bare array, the
//! filters a market maker uses) and `GET /gamma/events`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::state::SimState;
use crate::sim::venue::{MarketState, MarketStatus};
use crate::sim::wire::gamma_market;

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/gamma/markets", web::get().to(markets))
        .route("/gamma/markets/{id}", web::get().to(market))
        .route("/gamma/events", web::get().to(events));
}

/// Query pairs, keeping repeated keys (`clob_token_ids=a&clob_token_ids=b`).
fn pairs(req: &HttpRequest) -> Vec<(String, String)> {
    web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default()
}

fn values<'p>(pairs: &'p [(String, String)], name: &str) -> Vec<&'p str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
        .flat_map(|(_, v)| v.split(','))
        .filter(|v| !v.is_empty())
        .collect()
}

fn flag(pairs: &[(String, String)], name: &str) -> Option<bool> {
    values(pairs, name).first().map(|v| v.eq_ignore_ascii_case("true"))
}

fn selected(market: &MarketState, pairs: &[(String, String)]) -> bool {
    let open = market.status == MarketStatus::Open;
    let tokens = values(pairs, "clob_token_ids");
    let conditions = values(pairs, "condition_ids");
    flag(pairs, "active").is_none_or(|want| want == open)
        && flag(pairs, "closed").is_none_or(|want| want != open)
        && (tokens.is_empty()
            || tokens.iter().any(|t| *t == market.spec.yes.as_str() || *t == market.spec.no.as_str()))
        && (conditions.is_empty()
            || conditions.iter().any(|c| c.eq_ignore_ascii_case(&market.spec.condition_id.to_string())))
}

async fn markets(state: web::Data<SimState>, req: HttpRequest) -> HttpResponse {
    let pairs = pairs(&req);
    let number = |name: &str, default: usize| {
        values(&pairs, name).first().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let (limit, offset) = (number("limit", 100).min(500), number("offset", 0));
    state.with_world(|world, _| {
        let items: Vec<Value> = world
            .venue
            .markets()
            .iter()
            .filter(|m| selected(m, &pairs))
            .skip(offset)
            .take(limit)
            .map(gamma_market)
            .collect();
        HttpResponse::Ok().json(items)
    })
}

async fn market(state: web::Data<SimState>, path: web::Path<String>) -> HttpResponse {
    state.with_world(|world, _| {
        match world.venue.markets().iter().find(|m| m.spec.gamma_id.to_string() == *path) {
            Some(market) => HttpResponse::Ok().json(gamma_market(market)),
            None => super::reply::error(actix_web::http::StatusCode::NOT_FOUND, "market not found"),
        }
    })
}

async fn events(state: web::Data<SimState>) -> HttpResponse {
    state.with_world(|world, _| {
        let mut events: Vec<(String, Vec<Value>)> = Vec::new();
        for market in world.venue.markets() {
            let json = gamma_market(market);
            match events.iter_mut().find(|(slug, _)| *slug == market.spec.event_slug) {
                Some((_, list)) => list.push(json),
                None => events.push((market.spec.event_slug.clone(), vec![json])),
            }
        }
        let body: Vec<Value> = events
            .into_iter()
            .map(|(slug, markets)| json!({"id": slug, "slug": slug, "title": slug, "active": true, "markets": markets}))
            .collect();
        HttpResponse::Ok().json(body)
    })
}
