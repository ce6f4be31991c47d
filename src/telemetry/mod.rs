//! What the daemon keeps and reports: the durable store and the ledger over it (fills,
//! trade log, day's P&L, kill-switch state), the latency histogram and the hot path's
//! hop stamps, and the state directory's lock.

pub mod hops;
pub mod latency;
pub mod ledger;
pub mod lock;
pub mod store;
