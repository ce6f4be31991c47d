//! What the daemon keeps and reports: the durable store. The trade log, metrics and latency
//! histograms come with the daemon.

pub mod store;
