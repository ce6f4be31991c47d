//! The trading vocabulary as validated types: prices on a tick grid, share sizes, pUSD
//! amounts, identifiers, sides and the order lifecycle.
//!
//! Everything here is pure: no I/O, no clock, no actors. Constructors check their
//! invariants and return [`DomainError`]; nothing converts from a float.

#[macro_use]
mod serde_str {
    /// Serde through `Display` and `FromStr`: values travel as strings and are validated on the way in.
    macro_rules! serde_via_str {
        ($($name:ty),*) => {$(
            impl serde::Serialize for $name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.collect_str(self)
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                    text.parse().map_err(serde::de::Error::custom)
                }
            }
        )*};
    }
}

pub(crate) mod book;
pub(crate) mod error;
pub(crate) mod ids;
pub(crate) mod market;
pub(crate) mod order_state;
pub(crate) mod orders;
pub(crate) mod position;
pub(crate) mod price;
pub(crate) mod side;
pub(crate) mod size;
pub(crate) mod user_events;

pub use book::{Book, Level, Micros, Pips, parse_micros, parse_pips, pips_decimal};
pub use error::DomainError;
pub use ids::{Address, Bytes32, ConditionId, OrderId, TokenId};
pub use market::{MarketSetup, RewardProgram};
pub use order_state::{OrderEvent, OrderFsmError, OrderState, TrackedOrder, Transition};
pub use orders::{DesiredOrder, RestingOrder};
pub use position::{Fill, Holding, InventoryError, PositionLedger};
pub use price::{Price, RoundingConfig, TickSize};
pub use side::{OrderType, Outcome, Side};
pub use size::{Size, Usd};
pub use user_events::{OrderChange, OrderUpdate, OwnFill, TradeState, TradeUpdate, UserEvent};
