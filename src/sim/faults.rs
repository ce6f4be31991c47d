//! Fault injection: what can go wrong at the venue, when, and a parser for the `--faults`
//! spec. Pure: the server asks this state what to do for each request and frame.
//!
//! Spec: comma-separated `key=value`, e.g.
//! `ws_drop_every=30,http_5xx=0.02,latency=5-40,restart_every=600,restart_for=5`.
//! Rates are fractions in [0, 1]; durations are seconds; latency is `MIN-MAX` ms (uniform).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// Configured faults. Every field off by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSpec {
    /// Close every websocket connection every N seconds.
    pub ws_drop_every: Option<u64>,
    /// Fraction of REST requests answered with a 500.
    pub http_5xx: f64,
    /// Added latency per REST request, (min, max) ms.
    pub latency: Option<(u64, u64)>,
    /// An engine restart (HTTP 425) every N seconds.
    pub restart_every: Option<u64>,
    /// Length of each restart window, seconds.
    pub restart_for: u64,
    /// Post-only period after each restart, seconds.
    pub post_only_for: u64,
    /// A burst of 429s every N seconds.
    pub throttle_every: Option<u64>,
    /// Length of each 429 burst, seconds.
    pub throttle_for: u64,
    /// Websockets go silent (connection kept open) every N seconds.
    pub stall_every: Option<u64>,
    /// Length of each stall, seconds.
    pub stall_for: u64,
    /// Fraction of websocket frames replaced by malformed ones.
    pub malformed: f64,
}

impl FaultSpec {
    /// Whether no fault is configured (durations alone inject nothing).
    pub fn is_quiet(&self) -> bool {
        self.ws_drop_every.is_none()
            && self.http_5xx == 0.0
            && self.latency.is_none()
            && self.restart_every.is_none()
            && self.throttle_every.is_none()
            && self.stall_every.is_none()
            && self.malformed == 0.0
    }

    /// Parses a spec; reports every bad entry at once.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut out =
            Self { restart_for: 5, post_only_for: 5, throttle_for: 2, stall_for: 5, ..Self::default() };
        let mut problems = String::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((key, value)) = entry.split_once('=') else {
                let _ = write!(problems, "; {entry:?} is not key=value");
                continue;
            };
            if let Err(why) = out.set(key.trim(), value.trim()) {
                let _ = write!(problems, "; {key}: {why}");
            }
        }
        if problems.is_empty() { Ok(out) } else { Err(format!("bad fault spec{problems}")) }
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let secs = || value.parse::<u64>().map_err(|_| format!("{value:?} is not whole seconds"));
        let rate = || match value.parse::<f64>() {
            Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
            _ => Err(format!("{value:?} is not a fraction in [0, 1]")),
        };
        match key {
            "ws_drop_every" => self.ws_drop_every = Some(secs()?.max(1)),
            "http_5xx" => self.http_5xx = rate()?,
            "latency" => {
                let (low, high) = value.split_once('-').unwrap_or((value, value));
                let parse = |t: &str| t.trim().trim_end_matches("ms").parse::<u64>().ok();
                match (parse(low), parse(high)) {
                    (Some(low), Some(high)) if low <= high => self.latency = Some((low, high)),
                    _ => return Err(format!("{value:?} is not MIN-MAX milliseconds")),
                }
            }
            "restart_every" => self.restart_every = Some(secs()?.max(1)),
            "restart_for" => self.restart_for = secs()?,
            "post_only_for" => self.post_only_for = secs()?,
            "throttle_every" => self.throttle_every = Some(secs()?.max(1)),
            "throttle_for" => self.throttle_for = secs()?,
            "stall_every" => self.stall_every = Some(secs()?.max(1)),
            "stall_for" => self.stall_for = secs()?,
            "malformed" => self.malformed = rate()?,
            _ => {
                return Err("unknown fault (ws_drop_every, http_5xx, latency, restart_every, restart_for, \
                     post_only_for, throttle_every, throttle_for, stall_every, stall_for, malformed)"
                    .to_owned());
            }
        }
        Ok(())
    }
}

/// What the matching engine accepts right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnginePhase {
    /// Everything.
    Running,
    /// Nothing: trading requests get HTTP 425.
    Restarting,
    /// Only post-only orders (and cancels).
    PostOnly,
}

/// A one-shot fault triggered at runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultAction {
    /// Close every websocket now.
    DropWs,
    /// Start an engine restart window now.
    Restart,
    /// Start a 429 burst now.
    Throttle,
    /// Stall every websocket now.
    Stall,
    /// Clear one-shot faults.
    Clear,
}

/// Live fault state: the spec plus one-shot windows, all on the venue clock (ms).
#[derive(Debug, Clone)]
pub struct Faults {
    spec: FaultSpec,
    started_ms: u64,
    restart_until: u64,
    post_only_until: u64,
    throttle_until: u64,
    stall_until: u64,
    drops: u64,
}

impl Faults {
    /// Faults per `spec`, periodic schedules counted from `now_ms`.
    pub fn new(spec: FaultSpec, now_ms: u64) -> Self {
        Self {
            spec,
            started_ms: now_ms,
            restart_until: 0,
            post_only_until: 0,
            throttle_until: 0,
            stall_until: 0,
            drops: 0,
        }
    }

    /// The configured spec.
    pub fn spec(&self) -> &FaultSpec {
        &self.spec
    }

    /// Replaces the spec (runtime change through `/sim/faults`).
    pub fn set_spec(&mut self, spec: FaultSpec, now_ms: u64) {
        self.spec = spec;
        self.started_ms = now_ms;
    }

    /// Triggers a one-shot fault.
    pub fn trigger(&mut self, action: FaultAction, now_ms: u64) {
        let spec = &self.spec;
        match action {
            FaultAction::DropWs => self.drops += 1,
            FaultAction::Restart => {
                self.restart_until = now_ms + spec.restart_for.max(1) * 1_000;
                self.post_only_until = self.restart_until + spec.post_only_for * 1_000;
            }
            FaultAction::Throttle => self.throttle_until = now_ms + spec.throttle_for.max(1) * 1_000,
            FaultAction::Stall => self.stall_until = now_ms + spec.stall_for.max(1) * 1_000,
            FaultAction::Clear => {
                self.restart_until = 0;
                self.post_only_until = 0;
                self.throttle_until = 0;
                self.stall_until = 0;
            }
        }
    }

    /// Whether `now_ms` falls in the first `length_secs` of a period of `every_secs`.
    fn in_periodic(&self, every: Option<u64>, length_secs: u64, now_ms: u64) -> bool {
        let Some(every) = every else { return false };
        let elapsed = now_ms.saturating_sub(self.started_ms);
        let period = every * 1_000;
        elapsed >= period && elapsed % period < length_secs * 1_000
    }

    /// The engine's phase at `now_ms`.
    pub fn phase(&self, now_ms: u64) -> EnginePhase {
        let spec = &self.spec;
        if now_ms < self.restart_until || self.in_periodic(spec.restart_every, spec.restart_for, now_ms) {
            return EnginePhase::Restarting;
        }
        let post_window = spec.restart_for + spec.post_only_for;
        if now_ms < self.post_only_until || self.in_periodic(spec.restart_every, post_window, now_ms) {
            return EnginePhase::PostOnly;
        }
        EnginePhase::Running
    }

    /// Whether every request gets a 429 now.
    pub fn throttled(&self, now_ms: u64) -> bool {
        now_ms < self.throttle_until
            || self.in_periodic(self.spec.throttle_every, self.spec.throttle_for, now_ms)
    }

    /// Whether websockets are silent now.
    pub fn stalled(&self, now_ms: u64) -> bool {
        now_ms < self.stall_until || self.in_periodic(self.spec.stall_every, self.spec.stall_for, now_ms)
    }

    /// A counter that increases whenever every websocket must be dropped; connections
    /// remember the value they started with.
    pub fn drop_generation(&self, now_ms: u64) -> u64 {
        let periodic = self
            .spec
            .ws_drop_every
            .map_or(0, |every| now_ms.saturating_sub(self.started_ms) / (every * 1_000));
        self.drops + periodic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parses_and_reports_every_bad_entry() {
        let spec =
            FaultSpec::parse("ws_drop_every=30, http_5xx=0.05, latency=5-40ms, restart_every=600").unwrap();
        assert_eq!(
            (spec.ws_drop_every, spec.http_5xx, spec.latency, spec.restart_for),
            (Some(30), 0.05, Some((5, 40)), 5)
        );
        let err = FaultSpec::parse("http_5xx=2,latency=9-1,bogus=1,novalue").unwrap_err();
        for part in ["http_5xx", "latency", "bogus", "novalue"] {
            assert!(err.contains(part), "{err}");
        }
    }

    #[test]
    fn restart_window_then_post_only_then_running() {
        let spec = FaultSpec { restart_for: 5, post_only_for: 10, ..FaultSpec::default() };
        let mut faults = Faults::new(spec, 0);
        faults.trigger(FaultAction::Restart, 1_000);
        assert_eq!(faults.phase(1_000), EnginePhase::Restarting);
        assert_eq!(faults.phase(6_000), EnginePhase::PostOnly);
        assert_eq!(faults.phase(16_000), EnginePhase::Running);
    }

    #[test]
    fn periodic_faults_follow_their_schedule() {
        let spec = FaultSpec {
            ws_drop_every: Some(10),
            throttle_every: Some(20),
            throttle_for: 2,
            ..FaultSpec::default()
        };
        let faults = Faults::new(spec, 0);
        assert_eq!(faults.drop_generation(9_999), 0);
        assert_eq!(faults.drop_generation(25_000), 2);
        assert!(!faults.throttled(19_000));
        assert!(faults.throttled(21_000));
        assert!(!faults.throttled(23_000));
    }
}
