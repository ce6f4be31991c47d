//! Our orders' and trades' events as every layer sees them: what the user channel, a REST
//! read-back or the paper account says happened to an order of ours or a trade we were in.

use rust_decimal::Decimal;

use super::{ConditionId, OrderId, Side, TokenId};

/// Why an order event was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderChange {
    /// It rests on the book.
    Placement,
    /// It was (partly) matched.
    Update,
    /// It was cancelled.
    Cancellation,
}

/// An order event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderUpdate {
    /// Order hash.
    pub id: OrderId,
    /// Condition id.
    pub market: ConditionId,
    /// Token.
    pub asset: TokenId,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Decimal,
    /// Original size.
    pub original_size: Decimal,
    /// Cumulative size matched.
    pub size_matched: Decimal,
    /// What happened.
    pub change: OrderChange,
    /// The venue's status text (LIVE, MATCHED, CANCELED, …).
    pub status: String,
}

/// Settlement status of a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TradeState {
    /// Matched, not yet on chain (provisional).
    Matched,
    /// In a block.
    Mined,
    /// Final.
    Confirmed,
    /// Settlement is being retried.
    Retrying,
    /// Settlement failed: the fill did not happen.
    Failed,
}

impl TradeState {
    /// The state a venue status names (`MATCHED`, `TRADE_STATUS_MINED`, …).
    pub fn parse(text: &str) -> Option<Self> {
        match text.strip_prefix("TRADE_STATUS_").unwrap_or(text) {
            "MATCHED" | "MATCHED_NOT_BROADCASTED" => Some(Self::Matched),
            "MINED" => Some(Self::Mined),
            "CONFIRMED" => Some(Self::Confirmed),
            "RETRYING" => Some(Self::Retrying),
            "FAILED" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One fill of ours inside a trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnFill {
    /// Our order.
    pub order: OrderId,
    /// The token we traded.
    pub asset: TokenId,
    /// Our side.
    pub side: Side,
    /// Price in that token's terms.
    pub price: Decimal,
    /// Size.
    pub size: Decimal,
    /// Whether we were the maker.
    pub maker: bool,
}

/// A trade event, reduced to our fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeUpdate {
    /// Trade id.
    pub id: String,
    /// Settlement status.
    pub state: TradeState,
    /// Condition id.
    pub market: ConditionId,
    /// Our fills in it.
    pub fills: Vec<OwnFill>,
}

/// A decoded user-channel event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserEvent {
    /// An order changed.
    Order(OrderUpdate),
    /// A trade happened or changed status.
    Trade(TradeUpdate),
}
