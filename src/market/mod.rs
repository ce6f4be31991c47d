//! One market's quoting: the orders that express a quote and their diff, `MarketCore`, which turns
//! market and order events into place/cancel intents, and the market actor that wraps it
//! with the [`messages`] it receives.

pub(crate) mod actor;
pub(crate) mod core;
pub(crate) mod messages;
pub(crate) mod orders;

pub use core::{Intent, MarketCore, OrderTally};
pub use messages::MarketStatus;
