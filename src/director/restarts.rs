//! One market's restart history, pure: restarts older than the window are forgotten; more
//! than the allowed number within it means the market should be disabled.

use std::collections::VecDeque;

/// Restarts one market may have within the window before it is disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartPolicy {
    /// More restarts than this within the window disable the market.
    pub max_restarts: usize,
    /// The window, ms.
    pub window_ms: u64,
}

/// The restarts of one market within the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestartLog {
    times_ms: VecDeque<u64>,
}

impl RestartLog {
    /// Records a restart at `now_ms`; returns whether the market is over its allowance.
    pub fn record(&mut self, now_ms: u64, policy: RestartPolicy) -> bool {
        self.times_ms.push_back(now_ms);
        while self.times_ms.front().is_some_and(|at| now_ms.saturating_sub(*at) >= policy.window_ms) {
            self.times_ms.pop_front();
        }
        self.times_ms.len() > policy.max_restarts
    }

    /// Restarts within the window as of the last record.
    pub fn count(&self) -> usize {
        self.times_ms.len()
    }

    /// Forgets every restart (the operator re-enabled the market).
    pub fn clear(&mut self) {
        self.times_ms.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_restarts_within_the_window_count() {
        let policy = RestartPolicy { max_restarts: 2, window_ms: 10_000 };
        let mut log = RestartLog::default();
        assert!(!log.record(0, policy));
        assert!(!log.record(5_000, policy));
        assert!(!log.record(10_000, policy), "the first one left the window");
        assert!(log.record(12_000, policy), "three within ten seconds");
        assert_eq!(log.count(), 3);
        log.clear();
        assert!(!log.record(13_000, policy));
    }
}
