//! Backtesting by replay: a data set (`crate::data`) drives a strategy — the daemon's own
//! `MarketCore` and quote model ([`CoreStrategy`]) or any [`ReplayStrategy`] — against an
//! exchange model built on the paper exchange's fill code, with queue
//! ([`QueueKind`]), latency ([`Latency`]), fee ([`Fees`]) and taker-fill models chosen by
//! the caller, YES and NO books merged onto YES terms, and settlement at resolution.
//! Deterministic: the same inputs give the same output.

pub(crate) mod books;
pub(crate) mod config;
pub(crate) mod core_strategy;
pub(crate) mod engine;
pub(crate) mod exchange;
pub(crate) mod fees;
pub(crate) mod market;
pub(crate) mod measure;
pub(crate) mod queue;
pub(crate) mod report;
pub(crate) mod strategy;
pub(crate) mod summary;
pub(crate) mod svg;

pub use books::MarketBooks;
pub use config::{Latency, Progress, ReplayConfig, ReplayResult};
pub use core_strategy::{CoreParams, CoreStrategy};
pub use engine::Replay;
pub use exchange::{Listing, TakerFills, venue_mid};
pub use fees::Fees;
pub use measure::{FillRow, FillSink, MARKOUTS_MS, MarketTotals, Measured, Thinned};
pub use queue::QueueKind;
pub use report::report_html;
pub use strategy::{AccountView, Action, Answer, Holdings, MarketView, ReplayStrategy, TakeFill, TakeSize};
pub use summary::{Summary, fills_csv_header, fills_csv_line};
