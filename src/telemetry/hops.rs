//! The hops of the hot path, pure: the moments an event that leads to an order passes each
//! stage ([`HopStamps`], carried along with it from the websocket read to the signature),
//! and a histogram per hop ([`HopLatency`]) kept where the order is signed.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::latency::{LatencyHistogram, LatencySummary};

/// When an event passed each stage on its way to becoming an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HopStamps {
    /// The websocket task read the frame.
    pub read: Instant,
    /// The feed applied it and sent the book to its market.
    pub dispatched: Option<Instant>,
    /// The market's handler started on it.
    pub handled: Option<Instant>,
    /// The risk gate approved the order it caused.
    pub approved: Option<Instant>,
}

impl HopStamps {
    /// An event read off the wire at `read`.
    pub fn read_at(read: Instant) -> Self {
        Self { read, dispatched: None, handled: None, approved: None }
    }

    /// The same, sent on by the feed at `at`.
    pub fn dispatched_at(self, at: Instant) -> Self {
        Self { dispatched: Some(at), ..self }
    }

    /// The same, taken up by its market at `at`.
    pub fn handled_at(self, at: Instant) -> Self {
        Self { handled: Some(at), ..self }
    }

    /// The same, approved by risk at `at`.
    pub fn approved_at(self, at: Instant) -> Self {
        Self { approved: Some(at), ..self }
    }
}

/// Percentiles of the whole path and of each hop, microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct HopReport {
    /// Frame read → order signed.
    pub frame_to_signed: LatencySummary,
    /// Frame read → book sent to its market (waiting for the feed, decoding, applying).
    pub read_to_dispatch: LatencySummary,
    /// Book sent → market handler started (the market's mailbox).
    pub dispatch_to_market: LatencySummary,
    /// Market handler started → order approved by the risk desk (quoting, diffing, the gate).
    pub market_to_approved: LatencySummary,
    /// Approved → signed (the signature, within the same handler).
    pub approved_to_signed: LatencySummary,
}

/// A histogram for the whole path and one per hop.
#[derive(Debug, Clone, Default)]
pub struct HopLatency {
    whole: LatencyHistogram,
    hops: [LatencyHistogram; 4],
}

impl HopLatency {
    /// Records an order signed at `signed` for the event stamped `stamps`; a hop whose
    /// stamps are missing is left out of its histogram (the whole path is always counted).
    pub fn record(&mut self, stamps: &HopStamps, signed: Instant) {
        self.whole.record(signed.saturating_duration_since(stamps.read));
        let points = [Some(stamps.read), stamps.dispatched, stamps.handled, stamps.approved, Some(signed)];
        for (hop, pair) in self.hops.iter_mut().zip(points.windows(2)) {
            if let [Some(from), Some(to)] = pair {
                hop.record(to.saturating_duration_since(*from));
            }
        }
    }

    /// Percentiles of everything recorded.
    pub fn report(&self) -> HopReport {
        let [read_to_dispatch, dispatch_to_market, market_to_approved, approved_to_signed] =
            self.hops.each_ref().map(LatencyHistogram::summary);
        HopReport {
            frame_to_signed: self.whole.summary(),
            read_to_dispatch,
            dispatch_to_market,
            market_to_approved,
            approved_to_signed,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn each_hop_gets_the_time_between_its_stamps_and_the_whole_path_their_sum() {
        let read = Instant::now();
        let at = |us| read + Duration::from_micros(us);
        let stamps = HopStamps::read_at(read).dispatched_at(at(10)).handled_at(at(30)).approved_at(at(60));
        let mut latency = HopLatency::default();
        latency.record(&stamps, at(100));
        let report = latency.report();
        assert_eq!(report.frame_to_signed.max_us, 100.0);
        assert_eq!(report.read_to_dispatch.max_us, 10.0);
        assert_eq!(report.dispatch_to_market.max_us, 20.0);
        assert_eq!(report.market_to_approved.max_us, 30.0);
        assert_eq!(report.approved_to_signed.max_us, 40.0);
    }

    #[test]
    fn a_missing_stamp_leaves_its_hops_out_but_counts_the_whole_path() {
        let read = Instant::now();
        let stamps = HopStamps::read_at(read).approved_at(read + Duration::from_micros(5));
        let mut latency = HopLatency::default();
        latency.record(&stamps, read + Duration::from_micros(8));
        let report = latency.report();
        assert_eq!(report.frame_to_signed.count, 1);
        assert_eq!(report.read_to_dispatch.count, 0);
        assert_eq!(report.market_to_approved.count, 0);
        assert_eq!(report.approved_to_signed.count, 1);
    }
}
