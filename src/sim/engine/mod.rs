//! The matching engine's pure core: integer units and the YES-terms order book.

pub mod book;
pub mod units;
