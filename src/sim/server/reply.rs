//! Response helpers shared by the route modules: the venue's error body, cursor paging and
//! query-string access.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::domain::{Outcome, TokenId};
use crate::sim::world::SimWorld;

/// The cursor after the last page.
pub const END_CURSOR: &str = "LTE=";

/// A refused request: status, the venue's error text and, for 429, when to retry.
/// Small on purpose (the `Err` side of every helper); turned into a response at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    /// An error with `status`.
    pub fn new(status: StatusCode, message: impl std::fmt::Display) -> Self {
        Self { status, message: message.to_string(), retry_after_secs: None }
    }

    /// A 400.
    pub fn bad_request(message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// A 429 with `Retry-After`.
    pub fn too_many(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests")
        }
    }
}

impl From<ApiError> for HttpResponse {
    fn from(err: ApiError) -> Self {
        let mut response = HttpResponse::build(err.status);
        if let Some(secs) = err.retry_after_secs {
            response.insert_header(("Retry-After", secs.to_string()));
        }
        response.json(json!({"error": err.message}))
    }
}

/// `{"error": message}` with `status`.
pub fn error(status: StatusCode, message: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": message.to_string()}))
}

/// 400 with the venue's error body.
pub fn bad_request(message: impl std::fmt::Display) -> HttpResponse {
    error(StatusCode::BAD_REQUEST, message)
}

/// A query string as a map (last value wins).
pub type Query = HashMap<String, String>;

/// A query parameter, if present and not empty.
pub fn param<'q>(query: &'q Query, name: &str) -> Option<&'q str> {
    query.get(name).map(String::as_str).filter(|v| !v.is_empty())
}

/// The market and outcome of a token id given as text.
pub fn token(world: &SimWorld, text: Option<&str>) -> Result<(u32, Outcome), ApiError> {
    let text = text.ok_or_else(|| ApiError::bad_request("Invalid token id"))?;
    let token: TokenId = text.parse().map_err(|_| ApiError::bad_request("Invalid token id"))?;
    world
        .venue
        .token(&token)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "No orderbook exists for the requested token id"))
}

/// Decodes a paging cursor into an offset.
pub fn cursor_offset(cursor: Option<&str>) -> Result<usize, ApiError> {
    let Some(cursor) = cursor else { return Ok(0) };
    let decoded = STANDARD.decode(cursor).ok().and_then(|b| String::from_utf8(b).ok());
    match decoded.as_deref().map(str::parse::<i64>) {
        Some(Ok(offset)) if offset >= 0 => {
            usize::try_from(offset).map_err(|_| ApiError::bad_request("invalid next_cursor"))
        }
        Some(Ok(_)) => Ok(usize::MAX),
        _ => Err(ApiError::bad_request("invalid next_cursor")),
    }
}

/// One page of `items` from `offset`, in the venue's paginated shape.
pub fn page(items: Vec<Value>, offset: usize, limit: usize) -> HttpResponse {
    let total = items.len();
    let data: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let end = offset.saturating_add(data.len());
    let next = if end >= total { END_CURSOR.to_owned() } else { STANDARD.encode(end.to_string()) };
    HttpResponse::Ok().json(json!({"limit": limit, "count": data.len(), "next_cursor": next, "data": data}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_base64_offsets() {
        assert_eq!(cursor_offset(Some("MA==")).unwrap(), 0);
        assert_eq!(cursor_offset(Some(END_CURSOR)).unwrap(), usize::MAX);
        assert_eq!(cursor_offset(Some(&STANDARD.encode("250"))).unwrap(), 250);
        assert!(cursor_offset(Some("%%%")).is_err());
    }
}
