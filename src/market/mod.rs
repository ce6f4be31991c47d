//! One market's quoting: the orders that express a quote and their diff, `MarketCore`, which turns
//! market and order events into place/cancel intents, and the market actor that wraps it
//! with the [`messages`] it receives.

pub mod actor;
pub mod core;
pub mod messages;
pub mod orders;
