//! What the daemon keeps and reports: the durable store and the ledger over it (fills,
//! trade log, day's P&L, kill-switch state). Metrics and latency histograms come later.

pub mod ledger;
pub mod store;
