//! What the daemon keeps and reports: the durable store and the ledger over it (fills,
//! trade log, day's P&L, kill-switch state), and the hop-latency histogram. Metrics come later.

pub mod latency;
pub mod ledger;
pub mod store;
