//! One market's quoting: the pure baseline quote and order diff, and `MarketCore`, which
//! turns market and order events into place/cancel intents. The market actor that wraps it
//! comes with the daemon.

pub mod actor;
pub mod core;
pub mod quote;
