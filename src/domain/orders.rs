//! Our orders as every layer sees them: one the quote wants resting, and one resting on the
//! venue.

use super::{OrderId, Outcome, Price, Side, Size};

/// An order the quote wants resting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DesiredOrder {
    /// Which token.
    pub outcome: Outcome,
    /// BUY or SELL of that token.
    pub side: Side,
    /// Price in that token's terms.
    pub price: Price,
    /// Size.
    pub size: Size,
}
/// An order of ours resting on the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestingOrder {
    /// Its id.
    pub id: OrderId,
    /// Which token.
    pub outcome: Outcome,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Price,
    /// Size still open.
    pub remaining: Size,
}
