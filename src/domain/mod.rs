//! The trading vocabulary as validated types: prices on a tick grid, share sizes, pUSD
//! amounts, identifiers, sides and the order lifecycle.
//!
//! Everything here is pure: no I/O, no clock, no actors. Constructors check their
//! invariants and return [`DomainError`]; nothing converts from a float.

pub mod error;
pub mod ids;
pub mod order_state;
pub mod price;
pub mod side;
pub mod size;

pub use error::DomainError;
pub use ids::{Address, Bytes32, ConditionId, OrderId, TokenId};
pub use order_state::{OrderEvent, OrderFsmError, OrderState, TrackedOrder, Transition};
pub use price::{Price, RoundingConfig, TickSize};
pub use side::{OrderType, Outcome, Side};
pub use size::{Size, Usd};
