//! One market's quoting. For now the pure baseline quote and order diff; the market actor
//! and `MarketCore` come with the daemon.

pub mod quote;
