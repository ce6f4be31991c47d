//! The venue's order-book hash: the SHA-1 (hex) of the compact JSON book summary with its
//! keys in a fixed order (`market, asset_id, timestamp, hash, bids, asks, min_order_size,
//! tick_size, neg_risk, last_trade_price`) and `hash` empty while hashing, as the official
//! client's `generate_orderbook_summary_hash` computes it. Values are written as the venue
//! sent them: the scalar fields arrive as raw JSON text, levels as price and size text.

use std::fmt::{Display, Write as _};

use sha1::{Digest as _, Sha1};

/// The scalar fields of a summary: the ids and timestamp as text, the rest as raw JSON
/// (`"5"`, `true`, `null`), exactly as received.
#[derive(Debug, Clone, Copy)]
pub struct SummaryFields<'a> {
    /// Condition id.
    pub market: &'a str,
    /// Token id.
    pub asset_id: &'a str,
    /// Venue time, ms, as text.
    pub timestamp: &'a str,
    /// Raw JSON of `min_order_size`.
    pub min_order_size: &'a str,
    /// Raw JSON of `tick_size`.
    pub tick_size: &'a str,
    /// Raw JSON of `neg_risk`.
    pub neg_risk: &'a str,
    /// Raw JSON of `last_trade_price`.
    pub last_trade_price: &'a str,
}

/// The hash of a summary with these fields and levels (each side in the order the venue
/// lists it), as 40 lowercase hex digits.
pub fn summary_hash<P: Display, S: Display>(
    fields: &SummaryFields<'_>,
    bids: impl IntoIterator<Item = (P, S)>,
    asks: impl IntoIterator<Item = (P, S)>,
) -> String {
    let mut json = String::with_capacity(512);
    json.push_str("{\"market\":");
    quoted(&mut json, fields.market);
    json.push_str(",\"asset_id\":");
    quoted(&mut json, fields.asset_id);
    json.push_str(",\"timestamp\":");
    quoted(&mut json, fields.timestamp);
    json.push_str(",\"hash\":\"\",\"bids\":");
    levels(&mut json, bids);
    json.push_str(",\"asks\":");
    levels(&mut json, asks);
    let _ = write!(
        json,
        ",\"min_order_size\":{},\"tick_size\":{},\"neg_risk\":{},\"last_trade_price\":{}}}",
        fields.min_order_size, fields.tick_size, fields.neg_risk, fields.last_trade_price
    );
    hex::encode(Sha1::digest(json.as_bytes()))
}

fn levels<P: Display, S: Display>(json: &mut String, levels: impl IntoIterator<Item = (P, S)>) {
    json.push('[');
    for (index, (price, size)) in levels.into_iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        json.push_str("{\"price\":");
        quoted(json, &price.to_string());
        json.push_str(",\"size\":");
        quoted(json, &size.to_string());
        json.push('}');
    }
    json.push(']');
}

fn quoted(json: &mut String, text: &str) {
    match serde_json::to_string(text) {
        Ok(escaped) => json.push_str(&escaped),
        Err(_) => json.push_str("\"\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKET: &str = "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af";
    const ASSET: &str = "52114319501245915516055106046884209969926127482827954674443846427813813222426";

    /// Hashes from py-clob-client-v2 1.2.1's `generate_orderbook_summary_hash` on the same
    /// summaries.
    #[test]
    fn the_official_client_s_hashes_are_reproduced() {
        let fields = SummaryFields {
            market: MARKET,
            asset_id: ASSET,
            timestamp: "1757908892351",
            min_order_size: "\"5\"",
            tick_size: "\"0.01\"",
            neg_risk: "false",
            last_trade_price: "\"0.5\"",
        };
        let hash = summary_hash(&fields, [("0.48", "30"), ("0.49", "20.5")], [("0.52", "25")]);
        assert_eq!(hash, "e2fd46102d9ee0c8d14736fdd9330704e41b82c0");
        let fields = SummaryFields { neg_risk: "true", last_trade_price: "\"\"", ..fields };
        let none: [(&str, &str); 0] = [];
        assert_eq!(summary_hash(&fields, none, [("0.52", "25")]), "d42e088d990bf2433c9085984001c08030d61e7d");
    }
}
