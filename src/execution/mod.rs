//! Order execution. For now its pure parts: the paper exchange and its fill model.

pub mod actor;
pub mod paper;
pub mod paper_exchange;
