//! Adaptive loop timing, on top of event-driven requotes: the seed's three cadences (normal
//! 2 s, fast 0.1 s while the market moves or fills, sleep 5 s when nothing happens), chosen
//! from recent activity. The market's periodic re-evaluation (signal decay, reward checks)
//! runs at this cadence; book and fill events still requote at once.

/// The cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// Something is happening: re-evaluate every 100 ms.
    Fast,
    /// The usual 2 s.
    Normal,
    /// Quiet for a while: every 5 s.
    Sleep,
}

impl Cadence {
    /// The interval, ms.
    pub fn interval_ms(self) -> u64 {
        match self {
            Self::Fast => 100,
            Self::Normal => 2_000,
            Self::Sleep => 5_000,
        }
    }

    /// The name shown in status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fast => "fast",
            Self::Normal => "normal",
            Self::Sleep => "sleep",
        }
    }
}

/// Remembers when the market last did something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoopTiming {
    last_move_ms: Option<u64>,
    last_fill_ms: Option<u64>,
    last_due_ms: u64,
}

/// How long after a fill or a mid move the cadence stays fast, ms.
pub const FAST_FOR_MS: u64 = 5_000;
/// How long without either before sleeping, ms.
pub const SLEEP_AFTER_MS: u64 = 60_000;

impl LoopTiming {
    /// The mid moved at `now_ms`.
    pub fn moved(&mut self, now_ms: u64) {
        self.last_move_ms = Some(now_ms);
    }

    /// We were filled at `now_ms`.
    pub fn filled(&mut self, now_ms: u64) {
        self.last_fill_ms = Some(now_ms);
    }

    /// The cadence at `now_ms`.
    pub fn cadence(&self, now_ms: u64) -> Cadence {
        let latest = self.last_move_ms.max(self.last_fill_ms);
        match latest {
            Some(at) if now_ms.saturating_sub(at) < FAST_FOR_MS => Cadence::Fast,
            Some(at) if now_ms.saturating_sub(at) >= SLEEP_AFTER_MS => Cadence::Sleep,
            None if now_ms >= SLEEP_AFTER_MS => Cadence::Sleep,
            _ => Cadence::Normal,
        }
    }

    /// Whether a re-evaluation is due at `now_ms`; marks it done when it is.
    pub fn due(&mut self, now_ms: u64) -> bool {
        if now_ms.saturating_sub(self.last_due_ms) >= self.cadence(now_ms).interval_ms() {
            self.last_due_ms = now_ms;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadence_follows_activity() {
        let mut timing = LoopTiming::default();
        assert_eq!(timing.cadence(1_000), Cadence::Normal);
        timing.moved(10_000);
        assert_eq!(timing.cadence(12_000), Cadence::Fast);
        assert_eq!(timing.cadence(20_000), Cadence::Normal);
        assert_eq!(timing.cadence(80_000), Cadence::Sleep);
        timing.filled(80_000);
        assert_eq!(timing.cadence(80_050), Cadence::Fast);
    }

    #[test]
    fn due_respects_the_interval_of_the_cadence() {
        let mut timing = LoopTiming::default();
        timing.moved(0);
        assert!(timing.due(100));
        assert!(!timing.due(150));
        assert!(timing.due(200));
        let mut quiet = LoopTiming::default();
        assert!(quiet.due(70_000));
        assert!(!quiet.due(72_000), "asleep: every 5 s");
        assert!(quiet.due(75_000));
        assert_eq!(
            [Cadence::Fast, Cadence::Normal, Cadence::Sleep].map(Cadence::interval_ms),
            [100, 2_000, 5_000]
        );
    }

    #[test]
    fn cadence_names() {
        assert_eq!(
            [Cadence::Fast, Cadence::Normal, Cadence::Sleep].map(Cadence::as_str),
            ["fast", "normal", "sleep"]
        );
    }
}
