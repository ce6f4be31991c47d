//! Typed venue responses. Decimals arrive as strings or numbers depending on the endpoint,
//! so they go through one lenient reader; token ids stay text until the caller needs them.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::book::{Book, Level, parse_micros, parse_pips};
use crate::domain::price::parse_decimal;

/// A decimal sent as a string (`"0.48"`, `".48"`, `""` = 0) or a JSON number.
pub fn flex_decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flex {
        Text(String),
        Number(serde_json::Number),
        Null(()),
    }
    match Flex::deserialize(deserializer)? {
        Flex::Text(text) if text.is_empty() => Ok(Decimal::ZERO),
        Flex::Text(text) => parse_decimal("decimal", &text).map_err(serde::de::Error::custom),
        Flex::Number(number) => {
            let text = number.to_string();
            Decimal::from_str_exact(&text)
                .or_else(|_| Decimal::from_scientific(&text))
                .map_err(|_| serde::de::Error::custom(format!("{text} is not a decimal")))
        }
        Flex::Null(()) => Ok(Decimal::ZERO),
    }
}

/// A whole number sent as a string or a JSON number.
pub fn flex_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flex {
        Text(String),
        Number(u64),
    }
    match Flex::deserialize(deserializer)? {
        Flex::Text(text) => text.parse().map_err(serde::de::Error::custom),
        Flex::Number(number) => Ok(number),
    }
}

/// A list that may be `null`.
fn nullable_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// One level of a REST book.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct BookLevel {
    /// Price text.
    pub price: String,
    /// Size text.
    pub size: String,
}

/// `GET /book` (serialized again, as the recorder writes it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OrderBookSummary {
    /// Condition id.
    pub market: String,
    /// Token id.
    pub asset_id: String,
    /// Venue time, ms (text).
    #[serde(default)]
    pub timestamp: String,
    /// Book hash.
    #[serde(default)]
    pub hash: String,
    /// Bids (any order).
    #[serde(default)]
    pub bids: Vec<BookLevel>,
    /// Asks (any order).
    #[serde(default)]
    pub asks: Vec<BookLevel>,
    /// Minimum order size.
    #[serde(default, deserialize_with = "flex_decimal")]
    pub min_order_size: Decimal,
    /// Tick size.
    #[serde(default, deserialize_with = "flex_decimal")]
    pub tick_size: Decimal,
    /// Neg-risk market.
    #[serde(default)]
    pub neg_risk: bool,
}

impl OrderBookSummary {
    /// The summary as a local [`Book`]; `None` if a level does not parse.
    pub fn to_book(&self) -> Option<Book> {
        let level =
            |l: &BookLevel| Some(Level { price: parse_pips(&l.price)?, size: parse_micros(&l.size)? });
        let bids: Option<Vec<Level>> = self.bids.iter().map(level).collect();
        let asks: Option<Vec<Level>> = self.asks.iter().map(level).collect();
        let mut book = Book::new();
        book.replace(bids?, asks?, self.timestamp.parse().unwrap_or(0));
        Some(book)
    }
}

/// `POST /order` and each element of `POST /orders`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PostOrderResponse {
    /// Accepted.
    #[serde(default)]
    pub success: bool,
    /// Why not.
    #[serde(default, rename = "errorMsg")]
    pub error_msg: String,
    /// Order hash.
    #[serde(default, rename = "orderID")]
    pub order_id: String,
    /// `live`, `matched`, `delayed`, `unmatched` (any case).
    #[serde(default)]
    pub status: String,
    /// Settlement transactions of fills on arrival.
    #[serde(default, rename = "transactionsHashes", deserialize_with = "nullable_vec")]
    pub transactions_hashes: Vec<String>,
    /// Trades created on arrival.
    #[serde(default, rename = "tradeIDs", deserialize_with = "nullable_vec")]
    pub trade_ids: Vec<String>,
}

/// The answer to every cancel endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CancelResponse {
    /// Cancelled ids.
    #[serde(default, deserialize_with = "nullable_vec")]
    pub canceled: Vec<String>,
    /// Ids not cancelled, with reasons.
    #[serde(default)]
    pub not_canceled: HashMap<String, String>,
}

/// One paginated answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// Cursor of the next page (`LTE=` at the end).
    pub next_cursor: String,
    /// The items.
    #[serde(deserialize_with = "nullable_vec")]
    pub data: Vec<T>,
}

/// An open order (`/data/orders`, `/data/order/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OpenOrder {
    /// Order hash.
    pub id: String,
    /// Venue status.
    pub status: String,
    /// Condition id.
    pub market: String,
    /// Token id.
    pub asset_id: String,
    /// BUY or SELL.
    pub side: String,
    /// Original size.
    #[serde(deserialize_with = "flex_decimal")]
    pub original_size: Decimal,
    /// Matched so far.
    #[serde(deserialize_with = "flex_decimal")]
    pub size_matched: Decimal,
    /// Limit price.
    #[serde(deserialize_with = "flex_decimal")]
    pub price: Decimal,
    /// Creation time, seconds.
    #[serde(default, deserialize_with = "flex_u64")]
    pub created_at: u64,
    /// Time in force.
    #[serde(default)]
    pub order_type: String,
}

/// A maker's part of a trade.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MakerOrder {
    /// Order hash.
    pub order_id: String,
    /// Its API key.
    #[serde(default)]
    pub owner: String,
    /// Size matched.
    #[serde(deserialize_with = "flex_decimal")]
    pub matched_amount: Decimal,
    /// Its price.
    #[serde(deserialize_with = "flex_decimal")]
    pub price: Decimal,
    /// Its token.
    pub asset_id: String,
    /// Its side.
    pub side: String,
}

/// A trade (`/data/trades`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Trade {
    /// Trade id.
    pub id: String,
    /// Taker order hash.
    pub taker_order_id: String,
    /// Condition id.
    pub market: String,
    /// Taker token.
    pub asset_id: String,
    /// Taker side.
    pub side: String,
    /// Taker size.
    #[serde(deserialize_with = "flex_decimal")]
    pub size: Decimal,
    /// Taker price.
    #[serde(deserialize_with = "flex_decimal")]
    pub price: Decimal,
    /// Settlement status.
    pub status: String,
    /// Match time, seconds.
    #[serde(default, deserialize_with = "flex_u64")]
    pub match_time: u64,
    /// `TAKER` or `MAKER` from our point of view.
    #[serde(default)]
    pub trader_side: String,
    /// The makers.
    #[serde(default, deserialize_with = "nullable_vec")]
    pub maker_orders: Vec<MakerOrder>,
    /// Settlement transaction.
    #[serde(default)]
    pub transaction_hash: String,
}

/// `GET /balance-allowance`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BalanceAllowance {
    /// Balance in 6-decimal base units.
    #[serde(deserialize_with = "flex_decimal")]
    pub balance: Decimal,
    /// Allowance per spender.
    #[serde(default)]
    pub allowances: HashMap<String, String>,
}

/// `POST /auth/api-key` and `GET /auth/derive-api-key`.
#[derive(Deserialize)]
pub struct ApiKeyResponse {
    /// The key.
    #[serde(rename = "apiKey")]
    pub api_key: String,
    /// The HMAC secret.
    pub secret: String,
    /// The passphrase.
    pub passphrase: String,
}

impl std::fmt::Debug for ApiKeyResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyResponse").field("api_key", &self.api_key).finish_non_exhaustive()
    }
}

/// A token of a CLOB market.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClobToken {
    /// Token id.
    pub token_id: String,
    /// Outcome name.
    pub outcome: String,
}

/// Reward parameters of a CLOB market.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClobRewards {
    /// Minimum scoring size.
    #[serde(default, deserialize_with = "flex_decimal")]
    pub min_size: Decimal,
    /// Maximum scoring spread, cents.
    #[serde(default, deserialize_with = "flex_decimal")]
    pub max_spread: Decimal,
}

/// A CLOB market (`/markets`, `/markets/{condition_id}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClobMarket {
    /// Condition id.
    pub condition_id: String,
    /// Question.
    #[serde(default)]
    pub question: String,
    /// Slug.
    #[serde(default)]
    pub market_slug: String,
    /// Both tokens.
    #[serde(default, deserialize_with = "nullable_vec")]
    pub tokens: Vec<ClobToken>,
    /// Tick size.
    #[serde(default, deserialize_with = "flex_decimal")]
    pub minimum_tick_size: Decimal,
    /// Minimum order size.
    #[serde(default, deserialize_with = "flex_decimal")]
    pub minimum_order_size: Decimal,
    /// Neg-risk market.
    #[serde(default)]
    pub neg_risk: bool,
    /// Trading.
    #[serde(default)]
    pub accepting_orders: bool,
    /// Closed.
    #[serde(default)]
    pub closed: bool,
    /// Resolution date.
    #[serde(default)]
    pub end_date_iso: Option<String>,
    /// Rewards.
    #[serde(default)]
    pub rewards: Option<ClobRewards>,
}

/// `POST /v1/heartbeats`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HeartbeatResponse {
    /// The id to echo next time.
    pub heartbeat_id: String,
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn lenient_decimals_and_nullable_lists() {
        let book: OrderBookSummary = serde_json::from_str(
            r#"{"market": "0x1", "asset_id": "7", "bids": [{"price": ".48", "size": "30"}], "asks": [],
                "min_order_size": 5, "tick_size": "0.01", "neg_risk": false, "timestamp": "12"}"#,
        )
        .unwrap();
        assert_eq!((book.min_order_size, book.tick_size), (dec!(5), dec!(0.01)));
        assert_eq!(book.to_book().unwrap().best_bid().unwrap().price, 4_800);
        let order: PostOrderResponse =
            serde_json::from_str(r#"{"success": true, "orderID": "0xab", "transactionsHashes": null}"#)
                .unwrap();
        assert!(order.transactions_hashes.is_empty());
        let market: ClobMarket =
            serde_json::from_str(r#"{"condition_id": "0x1", "minimum_tick_size": 0.001, "tokens": null}"#)
                .unwrap();
        assert_eq!(market.minimum_tick_size, dec!(0.001));
    }
}

/// One outcome-token position from the Data API's `GET /positions` (shares; the venue's
/// other fields, values and P&L, are not read).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    /// Token id.
    pub asset: String,
    /// Condition id.
    pub condition_id: String,
    /// Shares held.
    #[serde(deserialize_with = "flex_decimal")]
    pub size: Decimal,
}
