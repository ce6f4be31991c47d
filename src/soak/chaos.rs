//! The chaos a soak inflicts, as pure data: what goes wrong next and how long until the
//! next thing does, drawn from a seeded generator so a run can be repeated.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One thing that goes wrong.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Chaos {
    /// The venue closes every websocket.
    DropSockets,
    /// Every websocket goes silent (open, `PING` unanswered, messages lost) for a while.
    Stall,
    /// The matching engine restarts (HTTP 425, then post-only).
    EngineRestart,
    /// A burst of 429s.
    Throttle,
    /// Message faults for a while: unparseable frames, valid frames with a wrong field,
    /// fragmented messages, messages lost without a trace (rates).
    Messages {
        /// Unparseable frames.
        malformed: f64,
        /// Valid JSON with a field of the wrong type.
        wrong_field: f64,
        /// Messages in fragments.
        fragmented: f64,
        /// Messages silently never sent.
        lost: f64,
    },
    /// REST faults for a while: 5xx answers and added latency.
    Rest {
        /// Fraction of requests answered 500.
        http_5xx: f64,
        /// Added latency, ms.
        latency_ms: (u64, u64),
    },
    /// Faults off.
    Calm,
    /// A market actor panics.
    CrashMarket,
    /// A taker sweeps the daemon's bids or asks in a few markets at once.
    FlowBurst,
    /// A taker fills the daemon, which is killed (-9) at once and started again.
    KillRightAfterFill,
    /// The daemon is stopped (SIGTERM) and started again.
    Restart,
}

impl Chaos {
    /// A short name for the tally.
    pub fn name(&self) -> &'static str {
        match self {
            Self::DropSockets => "websocket drop",
            Self::Stall => "websocket stall",
            Self::EngineRestart => "engine restart",
            Self::Throttle => "429 burst",
            Self::Messages { .. } => "message faults",
            Self::Rest { .. } => "REST faults",
            Self::Calm => "calm",
            Self::CrashMarket => "market panic",
            Self::FlowBurst => "flow burst",
            Self::KillRightAfterFill => "kill -9 after a fill",
            Self::Restart => "SIGTERM and restart",
        }
    }
}

/// How often each kind comes up (relative weights).
const WEIGHTS: [(u32, Kind); 11] = [
    (3, Kind::DropSockets),
    (4, Kind::Stall),
    (2, Kind::EngineRestart),
    (2, Kind::Throttle),
    (3, Kind::Messages),
    (3, Kind::Rest),
    (3, Kind::Calm),
    (3, Kind::CrashMarket),
    (4, Kind::FlowBurst),
    (2, Kind::KillRightAfterFill),
    (1, Kind::Restart),
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    DropSockets,
    Stall,
    EngineRestart,
    Throttle,
    Messages,
    Rest,
    Calm,
    CrashMarket,
    FlowBurst,
    KillRightAfterFill,
    Restart,
}

/// The sequence of chaos of one run.
#[derive(Debug)]
pub struct ChaosPlan {
    rng: StdRng,
}

impl ChaosPlan {
    /// The plan drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { rng: StdRng::seed_from_u64(seed) }
    }

    /// The next fault and the pause after it, ms (2 to 8 s).
    pub fn draw(&mut self) -> (Chaos, u64) {
        let total: u32 = WEIGHTS.iter().map(|(w, _)| w).sum();
        let mut draw = self.rng.gen_range(0..total);
        let mut kind = Kind::Calm;
        for (weight, candidate) in WEIGHTS {
            if draw < weight {
                kind = candidate;
                break;
            }
            draw -= weight;
        }
        (self.realize(kind), self.rng.gen_range(2_000..8_000))
    }

    fn realize(&mut self, kind: Kind) -> Chaos {
        match kind {
            Kind::DropSockets => Chaos::DropSockets,
            Kind::Stall => Chaos::Stall,
            Kind::EngineRestart => Chaos::EngineRestart,
            Kind::Throttle => Chaos::Throttle,
            Kind::Messages => Chaos::Messages {
                malformed: self.rng.gen_range(0.0..0.05),
                wrong_field: self.rng.gen_range(0.0..0.05),
                fragmented: self.rng.gen_range(0.0..0.3),
                lost: self.rng.gen_range(0.0..0.03),
            },
            Kind::Rest => {
                let low = self.rng.gen_range(0..40);
                Chaos::Rest { http_5xx: self.rng.gen_range(0.0..0.1), latency_ms: (low, low + 200) }
            }
            Kind::Calm => Chaos::Calm,
            Kind::CrashMarket => Chaos::CrashMarket,
            Kind::FlowBurst => Chaos::FlowBurst,
            Kind::KillRightAfterFill => Chaos::KillRightAfterFill,
            Kind::Restart => Chaos::Restart,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_repeats_its_plan_and_every_kind_comes_up() {
        let draw = |seed| {
            let mut plan = ChaosPlan::new(seed);
            (0..400).map(|_| plan.draw()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let names: std::collections::BTreeSet<&str> = draw(7).iter().map(|(c, _)| c.name()).collect();
        assert_eq!(names.len(), WEIGHTS.len(), "{names:?}");
        assert!(draw(7).iter().all(|(_, pause)| (2_000..8_000).contains(pause)));
    }
}
