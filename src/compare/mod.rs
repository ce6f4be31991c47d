//! `polymm sim-compare`: strategies side by side on identical seeded simulations. Each
//! strategy trades its own copy of the same embedded venue (same seed, same scenario, same
//! synthetic traders) through the same `MarketCore` the daemon runs, in virtual time with
//! no network and no actors, so a half-hour session takes seconds and the only difference
//! between the rows is the strategy. [`harness`] drives one run; [`report`] measures it.
//!
//! What differs from the daemon: orders reach the venue instantly (no network latency,
//! which flatters every strategy alike) and the risk gate is not in the loop (the quote's
//! own position limits still are).

pub(crate) mod harness;
pub(crate) mod report;

pub use harness::{CompareError, CompareSpec, run_strategy};
pub use report::{OverSeeds, StrategyReport, over_seeds, seeds_table, table};
