//! Decoding the user channel: our orders' lifecycle (`order`: PLACEMENT, UPDATE,
//! CANCELLATION) and our trades with their settlement status (`trade`: MATCHED → MINED →
//! CONFIRMED, or RETRYING → FAILED). Rare compared with market data, so events are owned
//! and use the domain's validated types.

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::price::parse_decimal;
use crate::domain::{OrderChange, OrderUpdate, OwnFill, TradeState, TradeUpdate, UserEvent};

/// Why a user-channel frame could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserDecodeError {
    /// Not JSON, or a field missing or malformed.
    #[error("malformed user event: {0}")]
    Malformed(String),
}

#[derive(Deserialize)]
struct RawMaker {
    order_id: String,
    #[serde(default)]
    owner: String,
    matched_amount: String,
    price: String,
    asset_id: String,
    side: String,
}

#[derive(Deserialize)]
struct RawUser {
    event_type: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    market: String,
    #[serde(default)]
    asset_id: String,
    #[serde(default)]
    side: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    original_size: String,
    #[serde(default)]
    size_matched: String,
    #[serde(default)]
    status: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    taker_order_id: String,
    #[serde(default)]
    trader_side: String,
    #[serde(default)]
    maker_orders: Vec<RawMaker>,
}

fn bad(what: &str) -> UserDecodeError {
    UserDecodeError::Malformed(what.to_owned())
}

fn field<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, UserDecodeError> {
    text.parse().map_err(|_| bad(what))
}

fn number(text: &str, what: &'static str) -> Result<Decimal, UserDecodeError> {
    parse_decimal(what, text).map_err(|_| bad(what))
}

/// Decodes one user-channel frame (an object or an array). `api_key` picks our maker fills.
pub fn decode_user(text: &str, api_key: &str) -> Result<Vec<UserEvent>, UserDecodeError> {
    let trimmed = text.trim();
    let raws: Vec<RawUser> = if trimmed.starts_with('[') {
        serde_json::from_str(trimmed)
    } else {
        serde_json::from_str(trimmed).map(|one| vec![one])
    }
    .map_err(|e| UserDecodeError::Malformed(e.to_string()))?;
    raws.into_iter()
        .filter_map(|raw| match raw.event_type.as_str() {
            "order" => Some(order(raw).map(UserEvent::Order)),
            "trade" => Some(trade(raw, api_key).map(UserEvent::Trade)),
            _ => None,
        })
        .collect()
}

fn order(raw: RawUser) -> Result<OrderUpdate, UserDecodeError> {
    let change = match raw.kind.as_str() {
        "PLACEMENT" => OrderChange::Placement,
        "UPDATE" => OrderChange::Update,
        "CANCELLATION" => OrderChange::Cancellation,
        _ => return Err(bad("order type")),
    };
    Ok(OrderUpdate {
        id: field(&raw.id, "id")?,
        market: field(&raw.market, "market")?,
        asset: field(&raw.asset_id, "asset_id")?,
        side: field(&raw.side, "side")?,
        price: number(&raw.price, "price")?,
        original_size: number(&raw.original_size, "original_size")?,
        size_matched: number(&raw.size_matched, "size_matched")?,
        change,
        status: raw.status,
    })
}

fn trade(raw: RawUser, api_key: &str) -> Result<TradeUpdate, UserDecodeError> {
    let state = TradeState::parse(&raw.status).ok_or_else(|| bad("status"))?;
    let mut fills = Vec::new();
    if raw.trader_side == "TAKER" {
        fills.push(OwnFill {
            order: field(&raw.taker_order_id, "taker_order_id")?,
            asset: field(&raw.asset_id, "asset_id")?,
            side: field(&raw.side, "side")?,
            price: number(&raw.price, "price")?,
            size: number(&raw.size, "size")?,
            maker: false,
        });
    }
    for maker in raw.maker_orders.iter().filter(|m| m.owner == api_key) {
        fills.push(OwnFill {
            order: field(&maker.order_id, "maker order_id")?,
            asset: field(&maker.asset_id, "maker asset_id")?,
            side: field(&maker.side, "maker side")?,
            price: number(&maker.price, "maker price")?,
            size: number(&maker.matched_amount, "matched_amount")?,
            maker: true,
        });
    }
    Ok(TradeUpdate { id: raw.id, state, market: field(&raw.market, "market")?, fills })
}

/// An open-order row from REST as an order event (for the polling fallback).
pub fn order_from_rest(
    order: &crate::polymarket::client::types::OpenOrder,
) -> Result<OrderUpdate, UserDecodeError> {
    Ok(OrderUpdate {
        id: field(&order.id, "id")?,
        market: field(&order.market, "market")?,
        asset: field(&order.asset_id, "asset_id")?,
        side: field(&order.side, "side")?,
        price: order.price,
        original_size: order.original_size,
        size_matched: order.size_matched,
        change: OrderChange::Update,
        status: order.status.clone(),
    })
}

/// The user events a REST trade row stands for (our fills in it), for the polling fallback.
pub fn trade_from_rest(
    trade: &crate::polymarket::client::types::Trade,
    api_key: &str,
) -> Result<TradeUpdate, UserDecodeError> {
    let state = TradeState::parse(&trade.status).ok_or_else(|| bad("status"))?;
    let mut fills = Vec::new();
    if trade.trader_side == "TAKER" {
        fills.push(OwnFill {
            order: field(&trade.taker_order_id, "taker_order_id")?,
            asset: field(&trade.asset_id, "asset_id")?,
            side: field(&trade.side, "side")?,
            price: trade.price,
            size: trade.size,
            maker: false,
        });
    }
    for maker in trade.maker_orders.iter().filter(|m| m.owner == api_key) {
        fills.push(OwnFill {
            order: field(&maker.order_id, "maker order_id")?,
            asset: field(&maker.asset_id, "maker asset_id")?,
            side: field(&maker.side, "maker side")?,
            price: maker.price,
            size: maker.matched_amount,
            maker: true,
        });
    }
    Ok(TradeUpdate { id: trade.id.clone(), state, market: field(&trade.market, "market")?, fills })
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::Side;

    const PLACEMENT: &str = r#"{"asset_id": "21742633143463906290569050155826241533067272736897614950488156847949938836455",
 "associate_trades": null, "created_at": "1725842520", "event_type": "order", "expiration": "0",
 "id": "0x0f76f4dc6eaf3332f4100f2e8a0b4a927351dd64646b7bb12f37df775c657a78",
 "maker_address": "0xa3D82Ed56F4c68d2328Fb8c29e568Ba2cAF7d7c8",
 "market": "0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917",
 "order_owner": "3e2c94ca-8124-c4c1-c7ea-be1ea21b71fe", "order_type": "GTC", "original_size": "5",
 "outcome": "Yes", "owner": "3e2c94ca-8124-c4c1-c7ea-be1ea21b71fe", "price": "0.513", "side": "BUY",
 "size_matched": "0", "status": "LIVE", "timestamp": "1725842520990", "type": "PLACEMENT"}"#;

    const TRADE: &str = r#"{"asset_id": "21742633143463906290569050155826241533067272736897614950488156847949938836455",
 "bucket_index": 0, "event_type": "trade", "fee_rate_bps": "0", "id": "83b5c849-620e-4c23-b63b-2e779c04a6e7",
 "last_update": "1762776436", "maker_address": "0xAeAF6c1016DE43aD358c1831bD13d78eD545266B",
 "maker_orders": [
   {"order_id": "0x3ad09f225ebe141dfbdb3824f31cb457e8e0301ca4e0a06311e543f5328b9dea", "owner": "a93a3d32-74fa-dd2b-4b67-98bfa6fc5cb5", "maker_address": "0xa3D82Ed56F4c68d2328Fb8c29e568Ba2cAF7d7c8", "matched_amount": "5", "price": "0.4", "fee_rate_bps": "0", "asset_id": "21742633143463906290569050155826241533067272736897614950488156847949938836455", "outcome": "Yes", "side": "BUY"},
   {"order_id": "0x65185ab1f541e54d32e4c0e3042a0b37846e115a4cefbf6a2bd7b515a92ad100", "owner": "f2da51b7-de2d-3b02-e3fe-71dfb14aa16e", "maker_address": "0x0f6e2B19c81549aeb3E5812d4118F325502a3288", "matched_amount": "5", "price": "0.35", "fee_rate_bps": "0", "asset_id": "21742633143463906290569050155826241533067272736897614950488156847949938836455", "outcome": "Yes", "side": "BUY"}],
 "market": "0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917",
 "match_time": "1762776367", "outcome": "Yes", "owner": "5c4e8a20-1298-5fd5-ef96-2c29032ba30f",
 "price": "0.5", "side": "SELL", "size": "15", "status": "CONFIRMED",
 "taker_order_id": "0xba376c92a652f7249cf07e2fb6daaf155c675f49985553bda91c6632747b111d",
 "timestamp": "1762776436", "trade_owner": "092dab0c-74fa-5ba7-4b67-572daeace198",
 "trader_side": "MAKER", "transaction_hash": "0x16527181ac3c2dfb8ab81457aadc40cd9671a2b5f54f511a35b3d60736fb32e3",
 "type": "TRADE"}"#;

    #[test]
    fn real_order_and_trade_captures_decode() {
        let events = decode_user(PLACEMENT, "k").unwrap();
        let UserEvent::Order(order) = &events[0] else { panic!("{events:?}") };
        assert_eq!(
            (order.change, order.side, order.price, order.original_size),
            (OrderChange::Placement, Side::Buy, dec!(0.513), dec!(5))
        );
        let events = decode_user(TRADE, "f2da51b7-de2d-3b02-e3fe-71dfb14aa16e").unwrap();
        let UserEvent::Trade(trade) = &events[0] else { panic!("{events:?}") };
        assert_eq!(trade.state, TradeState::Confirmed);
        assert_eq!(trade.fills.len(), 1, "only our maker order");
        assert_eq!(
            (trade.fills[0].price, trade.fills[0].size, trade.fills[0].maker),
            (dec!(0.35), dec!(5), true)
        );
        assert!(
            decode_user(TRADE, "someone-else")
                .map(|e| matches!(&e[0], UserEvent::Trade(t) if t.fills.is_empty()))
                .unwrap()
        );
    }

    #[test]
    fn statuses_accept_both_spellings_and_bad_events_are_errors() {
        assert_eq!(TradeState::parse("TRADE_STATUS_MINED"), Some(TradeState::Mined));
        assert_eq!(TradeState::parse("MATCHED_NOT_BROADCASTED"), Some(TradeState::Matched));
        assert!(decode_user(&PLACEMENT.replace("\"BUY\"", "\"HOLD\""), "k").is_err());
        assert!(decode_user("not json", "k").is_err());
        assert_eq!(decode_user(r#"[{"event_type": "something_new"}]"#, "k").unwrap(), vec![]);
    }
}
