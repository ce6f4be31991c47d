//! Order execution. For now its pure part: the paper exchange's fill model.

pub mod paper;
