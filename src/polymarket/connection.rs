//! Connection upkeep rules for the websocket feeds, as pure state: what a connection
//! reports, reconnect backoff with jitter, keepalive pings, dead-connection detection, and
//! sharding subscriptions across connections.

/// What a connection task reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsEvent {
    /// Connected and subscribed.
    Connected {
        /// Which connection.
        shard: usize,
    },
    /// A text frame.
    Frame {
        /// Which connection.
        shard: usize,
        /// The frame.
        text: String,
        /// When the connection read it (for hop latency; not a clock for logic).
        received: std::time::Instant,
    },
    /// The connection ended (or could not be made); a reconnect follows.
    Disconnected {
        /// Which connection.
        shard: usize,
        /// Why.
        reason: String,
    },
}

/// Reconnect delays: exponential from `base_ms` to `cap_ms`, with ±50 % jitter supplied by
/// the caller (a uniform draw in [0, 1)), reset after a connection that stayed up.
#[derive(Debug, Clone)]
pub struct Backoff {
    base_ms: u64,
    cap_ms: u64,
    failures: u32,
}

impl Backoff {
    /// A backoff between `base_ms` and `cap_ms`.
    pub fn new(base_ms: u64, cap_ms: u64) -> Self {
        Self { base_ms, cap_ms, failures: 0 }
    }

    /// The delay before the next attempt; `unit` is a uniform draw in [0, 1).
    pub fn next_delay_ms(&mut self, unit: f64) -> u64 {
        let exponential = self.base_ms.saturating_mul(1 << self.failures.min(20)).min(self.cap_ms);
        self.failures += 1;
        ((exponential as f64) * (0.5 + unit.clamp(0.0, 1.0))) as u64
    }

    /// A connection succeeded: start again from the base delay.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// Keepalive and liveness of one connection. Every `PING` must be answered by a `PONG`
/// within a deadline: a connection that stays open but stops delivering (a stall) is
/// noticed in seconds, not only when the socket finally goes silent for `dead_after`.
#[derive(Debug, Clone)]
pub struct Liveness {
    ping_every_ms: u64,
    dead_after_ms: u64,
    pong_within_ms: u64,
    last_frame_ms: u64,
    last_ping_ms: u64,
    /// When the oldest unanswered `PING` was sent.
    unanswered_since_ms: Option<u64>,
}

/// How often to ping and how long to wait, in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivenessTiming {
    /// Text `PING` interval.
    pub ping_every_ms: u64,
    /// A `PING` unanswered this long: stalled.
    pub pong_within_ms: u64,
    /// No frame at all for this long: dead.
    pub dead_after_ms: u64,
}

/// What a connection should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upkeep {
    /// Nothing.
    Idle,
    /// Send the text `PING`.
    Ping,
    /// No frame for too long: drop and reconnect.
    Dead,
    /// A `PING` went unanswered past its deadline: drop and reconnect (and resync).
    Stalled,
}

impl Liveness {
    /// A connection opened at `now_ms`, its first `PING` just sent.
    pub fn new(timing: LivenessTiming, now_ms: u64) -> Self {
        Self {
            ping_every_ms: timing.ping_every_ms,
            dead_after_ms: timing.dead_after_ms,
            pong_within_ms: timing.pong_within_ms,
            last_frame_ms: now_ms,
            last_ping_ms: now_ms,
            unanswered_since_ms: Some(now_ms),
        }
    }

    /// A frame (any, `PONG` included) arrived.
    pub fn on_frame(&mut self, now_ms: u64) {
        self.last_frame_ms = now_ms;
    }

    /// A `PONG` arrived: every `PING` so far is answered.
    pub fn on_pong(&mut self, now_ms: u64) {
        self.last_frame_ms = now_ms;
        self.unanswered_since_ms = None;
    }

    /// What to do at `now_ms`.
    pub fn check(&mut self, now_ms: u64) -> Upkeep {
        if now_ms.saturating_sub(self.last_frame_ms) >= self.dead_after_ms {
            return Upkeep::Dead;
        }
        if self.unanswered_since_ms.is_some_and(|sent| now_ms.saturating_sub(sent) >= self.pong_within_ms) {
            return Upkeep::Stalled;
        }
        if now_ms.saturating_sub(self.last_ping_ms) >= self.ping_every_ms {
            self.last_ping_ms = now_ms;
            self.unanswered_since_ms.get_or_insert(now_ms);
            return Upkeep::Ping;
        }
        Upkeep::Idle
    }
}

/// Splits `assets` into shards of at most `per_connection`, keeping the two tokens of a
/// market together when they are adjacent in the input.
pub fn shard<T: Clone>(assets: &[T], per_connection: usize) -> Vec<Vec<T>> {
    let size = per_connection.max(2) / 2 * 2;
    assets.chunks(size).map(<[T]>::to_vec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap_with_jitter_and_resets() {
        let mut backoff = Backoff::new(100, 1_000);
        let delays: Vec<u64> = (0..6).map(|_| backoff.next_delay_ms(0.5)).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(backoff.next_delay_ms(0.0), 500, "jitter halves at the low end");
        backoff.reset();
        assert_eq!(backoff.next_delay_ms(0.99), 149);
    }

    const TIMING: LivenessTiming =
        LivenessTiming { ping_every_ms: 10_000, pong_within_ms: 60_000, dead_after_ms: 30_000 };

    #[test]
    fn pings_on_schedule_and_silence_means_dead() {
        let mut live = Liveness::new(TIMING, 0);
        assert_eq!(live.check(5_000), Upkeep::Idle);
        assert_eq!(live.check(10_000), Upkeep::Ping);
        assert_eq!(live.check(12_000), Upkeep::Idle);
        live.on_frame(25_000);
        assert_eq!(live.check(50_000), Upkeep::Ping);
        assert_eq!(live.check(55_000), Upkeep::Dead);
    }

    #[test]
    fn a_ping_unanswered_past_its_deadline_is_a_stall_even_while_frames_arrive() {
        let timing = LivenessTiming { ping_every_ms: 1_000, pong_within_ms: 1_500, dead_after_ms: 30_000 };
        let mut live = Liveness::new(timing, 0);
        live.on_pong(100);
        assert_eq!(live.check(1_000), Upkeep::Ping);
        live.on_frame(1_200);
        assert_eq!(live.check(2_000), Upkeep::Ping, "a second ping does not restart the deadline");
        live.on_frame(2_400);
        assert_eq!(live.check(2_499), Upkeep::Idle);
        assert_eq!(live.check(2_500), Upkeep::Stalled);
        live.on_pong(2_600);
        assert_eq!(live.check(3_000), Upkeep::Ping, "answered: pinging resumes");
        assert_eq!(live.check(3_100), Upkeep::Idle);
    }

    #[test]
    fn shards_hold_at_most_the_limit_and_keep_pairs() {
        let assets: Vec<u32> = (0..1_001).collect();
        let shards = shard(&assets, 500);
        assert_eq!(shards.iter().map(Vec::len).collect::<Vec<_>>(), [500, 500, 1]);
        assert_eq!(
            shard(&assets[..6], 5).iter().map(Vec::len).collect::<Vec<_>>(),
            [4, 2],
            "odd limits round down to keep pairs"
        );
    }
}
