//! Request bodies, serialised exactly once: the bytes we HMAC are the bytes we send.
//!
//! Key order and number/string choices follow the official Python V2 client, so our bytes
//! equal its bytes for the same order (the venue parses JSON, but equal bytes make the
//! shared test vectors comparable byte for byte). `salt` and `signatureType` are JSON
//! numbers; amounts, ids and `expiration` are strings.

use std::fmt::Write as _;

use super::order::SignedOrder;
use crate::domain::{ConditionId, OrderId, Side, TokenId};

/// Appends `text` as a JSON string literal.
fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends one `SendOrder` object (`{"order":{…},"owner":…,…}`).
fn push_send_order(out: &mut String, order: &SignedOrder, owner: &str) {
    let fields = &order.fields;
    let side = if fields.side == Side::Buy.as_u8() { "BUY" } else { "SELL" };
    let _ = write!(
        out,
        "{{\"order\":{{\"salt\":{},\"maker\":\"{}\",\"signer\":\"{}\",\"tokenId\":\"{}\",\
\"makerAmount\":\"{}\",\"takerAmount\":\"{}\",\"side\":\"{}\",\"expiration\":\"{}\",\
\"signatureType\":{},\"timestamp\":\"{}\",\"metadata\":\"{}\",\"builder\":\"{}\",\"signature\":\"0x",
        fields.salt,
        fields.maker,
        fields.signer,
        fields.token_id,
        fields.maker_amount,
        fields.taker_amount,
        side,
        order.expiration,
        fields.signature_type,
        fields.timestamp_ms,
        fields.metadata,
        fields.builder,
    );
    push_hex(out, order.signature.as_bytes());
    out.push_str("\"},\"owner\":");
    push_json_str(out, owner);
    let _ = write!(
        out,
        ",\"orderType\":\"{}\",\"deferExec\":{},\"postOnly\":{}}}",
        order.order_type, order.defer_exec, order.post_only
    );
}

/// Appends lowercase hex without a prefix.
fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

/// The body of `POST /order`; `owner` is the API key.
pub fn order_body(order: &SignedOrder, owner: &str) -> String {
    let mut out = String::with_capacity(1024);
    push_send_order(&mut out, order, owner);
    out
}

/// The body of `POST /orders` (at most 15 orders per request on the venue).
pub fn batch_body(orders: &[SignedOrder], owner: &str) -> String {
    let mut out = String::with_capacity(1024 * orders.len() + 2);
    out.push('[');
    for (i, order) in orders.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_send_order(&mut out, order, owner);
    }
    out.push(']');
    out
}

/// The body of `DELETE /order`.
pub fn cancel_body(id: &OrderId) -> String {
    format!("{{\"orderID\":\"{id}\"}}")
}

/// The body of `DELETE /orders`.
pub fn cancel_many_body(ids: &[OrderId]) -> String {
    let mut out = String::with_capacity(ids.len() * 70 + 2);
    out.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{id}\"");
    }
    out.push(']');
    out
}

/// The body of `DELETE /cancel-market-orders`; absent keys are omitted, as the V2 client does.
pub fn cancel_market_body(market: Option<&ConditionId>, asset: Option<&TokenId>) -> String {
    match (market, asset) {
        (Some(m), Some(a)) => format!("{{\"market\":\"{m}\",\"asset_id\":\"{a}\"}}"),
        (Some(m), None) => format!("{{\"market\":\"{m}\"}}"),
        (None, Some(a)) => format!("{{\"asset_id\":\"{a}\"}}"),
        (None, None) => "{}".to_owned(),
    }
}

/// The body of `POST /v1/heartbeats`: the previous id, or `""` for the first beat.
pub fn heartbeat_body(previous_id: &str) -> String {
    let mut out = String::with_capacity(previous_id.len() + 20);
    out.push_str("{\"heartbeat_id\":");
    push_json_str(&mut out, previous_id);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped_like_serde_json() {
        for text in ["plain", "quo\"te", "back\\slash", "new\nline", "\u{1}ctl", "ünï"] {
            let mut out = String::new();
            push_json_str(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn small_bodies_have_the_venue_shapes() {
        let id: OrderId =
            "0x2d6d9a4a5b3f1e0c8b7a69584736251403f2e1d0c9b8a7968574635241302f1e".parse().unwrap();
        assert_eq!(cancel_body(&id), format!("{{\"orderID\":\"{id}\"}}"));
        assert_eq!(cancel_many_body(&[id, id]), format!("[\"{id}\",\"{id}\"]"));
        assert_eq!(cancel_many_body(&[]), "[]");
        assert_eq!(cancel_market_body(None, None), "{}");
        assert_eq!(heartbeat_body(""), "{\"heartbeat_id\":\"\"}");
    }
}
