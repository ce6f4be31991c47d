//! What the daemon keeps and reports: the durable store and the ledger over it (fills,
//! trade log, day's P&L, kill-switch state), the latency histogram and the hot path's
//! hop stamps, and the state directory's lock.

pub(crate) mod hops;
pub(crate) mod latency;
pub(crate) mod ledger;
pub(crate) mod lock;
pub(crate) mod store;
