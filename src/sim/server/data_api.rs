//! A Data-API-like positions listing under `/data-api/`: `GET /data-api/positions?user=0x…`
//! returns every outcome-token position of the account at that address (the funder, as on
//! Polymarket), with the query parameters a market maker uses: `market` (condition ids,
//! comma separated), `sizeThreshold` (default 1, as on the venue), `limit` (≤ 500) and
//! `offset` (≤ 10,000). Sizes are shares, as JSON numbers. Public, like the real one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::reply::error;
use super::state::SimState;
use crate::domain::{Address, Outcome};
use crate::sim::venue::MarketStatus;

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/data-api/positions", web::get().to(positions));
}

/// The Data API's paging bounds.
const MAX_LIMIT: usize = 500;
const MAX_OFFSET: usize = 10_000;

fn query_value<'q>(pairs: &'q [(String, String)], name: &str) -> Option<&'q str> {
    pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

async fn positions(state: web::Data<SimState>, req: HttpRequest) -> HttpResponse {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let Some(user) = query_value(&pairs, "user").and_then(|u| u.parse::<Address>().ok()) else {
        return error(StatusCode::BAD_REQUEST, "user: an address (0x and 40 hex digits) is required");
    };
    let number = |name: &str| query_value(&pairs, name).map(str::parse::<usize>);
    let (limit, offset) = match (number("limit").unwrap_or(Ok(100)), number("offset").unwrap_or(Ok(0))) {
        (Ok(limit), Ok(offset)) if limit <= MAX_LIMIT && offset <= MAX_OFFSET => (limit, offset),
        _ => return error(StatusCode::BAD_REQUEST, "limit must be 0..=500 and offset 0..=10000"),
    };
    let threshold = match query_value(&pairs, "sizeThreshold").map(str::parse::<Decimal>) {
        None => Decimal::ONE,
        Some(Ok(threshold)) if threshold >= Decimal::ZERO => threshold,
        Some(_) => return error(StatusCode::BAD_REQUEST, "sizeThreshold must be a number ≥ 0"),
    };
    let markets: Vec<String> = query_value(&pairs, "market")
        .map(|m| m.split(',').filter(|c| !c.is_empty()).map(str::to_ascii_lowercase).collect())
        .unwrap_or_default();
    state.with_world(|world, _| {
        let Some(account) = world.venue.account_at(&user).and_then(|id| world.venue.account(id)) else {
            return HttpResponse::Ok().json(Vec::<Value>::new());
        };
        let rows: Vec<Value> = account
            .positions
            .iter()
            .filter_map(|(&(index, outcome), holding)| {
                let market = world.venue.market(index)?;
                let condition = market.spec.condition_id.to_string().to_ascii_lowercase();
                if !markets.is_empty() && !markets.contains(&condition) {
                    return None;
                }
                let size = Decimal::from(holding.held) / Decimal::from(1_000_000);
                if size < threshold || size.is_zero() {
                    return None;
                }
                let both = account.position(index, outcome.complement()).held > 0;
                Some(json!({
                    "proxyWallet": user.to_string().to_ascii_lowercase(),
                    "asset": market.spec.token(outcome).to_string(),
                    "conditionId": condition,
                    "size": size.to_string().parse::<f64>().unwrap_or(0.0),
                    "outcome": outcome.to_string(),
                    "outcomeIndex": if outcome == Outcome::Yes { 0 } else { 1 },
                    "oppositeAsset": market.spec.token(outcome.complement()).to_string(),
                    "title": market.spec.question,
                    "slug": market.spec.slug,
                    "eventSlug": market.spec.event_slug,
                    "redeemable": market.status != MarketStatus::Open,
                    "mergeable": both,
                    "negativeRisk": market.spec.neg_risk,
                }))
            })
            .skip(offset)
            .take(limit)
            .collect();
        HttpResponse::Ok().json(rows)
    })
}
