//! The matching engine's pure core: integer units and the YES-terms order book.

pub(crate) mod book;
pub(crate) mod units;
