//! Fault injection: what can go wrong at the venue, when, and a parser for the `--faults`
//! spec. Pure: the server asks this state what to do for each request and frame.
//!
//! Spec: comma-separated `key=value`, e.g.
//! `ws_drop_every=30,http_5xx=0.02,latency=5-40,restart_every=600,restart_for=5`. A spec
//! posted as JSON to `/sim/faults` gets the same defaults and the same checks.
//! Rates are fractions in [0, 1]; durations are seconds; latency is `MIN-MAX` ms (uniform).

use serde::{Deserialize, Serialize};

/// The longest duration a spec may name, seconds (a day): beyond it a window would
/// outlast any run, and the venue clock arithmetic must not wrap.
pub const LONGEST_SECS: u64 = 86_400;
/// The largest added REST latency, ms.
pub const LONGEST_LATENCY_MS: u64 = 60_000;

/// Configured faults. Every fault off by default; the window lengths have defaults so a
/// spec naming only `stall_every` (from the CLI or the API alike) does stall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Websockets go silent (connection kept open, `PING` unanswered, messages lost)
    /// every N seconds.
    pub stall_every: Option<u64>,
    /// Length of each stall, seconds.
    pub stall_for: u64,
    /// Fraction of websocket messages replaced by unparseable text.
    pub malformed: f64,
    /// Fraction of websocket messages replaced by valid JSON with a field of the wrong
    /// type (what a venue schema change looks like).
    pub wrong_field: f64,
    /// Fraction of websocket messages sent in fragments (continuation frames).
    pub fragmented: f64,
    /// Fraction of websocket messages silently never sent (nothing on the wire says so).
    pub lost: f64,
}

impl Default for FaultSpec {
    fn default() -> Self {
        Self {
            ws_drop_every: None,
            http_5xx: 0.0,
            latency: None,
            restart_every: None,
            restart_for: 5,
            post_only_for: 5,
            throttle_every: None,
            throttle_for: 2,
            stall_every: None,
            stall_for: 5,
            malformed: 0.0,
            wrong_field: 0.0,
            fragmented: 0.0,
            lost: 0.0,
        }
    }
}

const KNOWN: &str = "ws_drop_every, http_5xx, latency, restart_every, restart_for, post_only_for, \
    throttle_every, throttle_for, stall_every, stall_for, malformed, wrong_field, fragmented, lost";

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
            && self.wrong_field == 0.0
            && self.fragmented == 0.0
            && self.lost == 0.0
    }

    /// Parses a spec; reports every bad entry at once.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut out = Self::default();
        let mut problems = Vec::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((key, value)) = entry.split_once('=') else {
                problems.push(format!("{entry:?} is not key=value"));
                continue;
            };
            if let Err(why) = out.set(key.trim(), value.trim()) {
                problems.push(format!("{key}: {why}"));
            }
        }
        if problems.is_empty() {
            out.validate()?;
            return Ok(out);
        }
        Err(format!("bad fault spec; {}", problems.join("; ")))
    }

    /// Checks a spec however it arrived (CLI text or API JSON); names every bad field.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        let every = [
            ("ws_drop_every", self.ws_drop_every),
            ("restart_every", self.restart_every),
            ("throttle_every", self.throttle_every),
            ("stall_every", self.stall_every),
        ];
        for (name, value) in every {
            if let Some(secs) = value
                && !(1..=LONGEST_SECS).contains(&secs)
            {
                problems.push(format!("{name}: {secs} is not 1..={LONGEST_SECS} seconds"));
            }
        }
        let lengths = [
            ("restart_for", self.restart_for),
            ("post_only_for", self.post_only_for),
            ("throttle_for", self.throttle_for),
            ("stall_for", self.stall_for),
        ];
        for (name, secs) in lengths {
            if secs > LONGEST_SECS {
                problems.push(format!("{name}: {secs} is over {LONGEST_SECS} seconds"));
            }
        }
        let rates = [
            ("http_5xx", self.http_5xx),
            ("malformed", self.malformed),
            ("wrong_field", self.wrong_field),
            ("fragmented", self.fragmented),
            ("lost", self.lost),
        ];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                problems.push(format!("{name}: {rate} is not a fraction in [0, 1]"));
            }
        }
        if let Some((low, high)) = self.latency
            && (low > high || high > LONGEST_LATENCY_MS)
        {
            problems.push(format!("latency: [{low}, {high}] is not MIN <= MAX <= {LONGEST_LATENCY_MS} ms"));
        }
        if problems.is_empty() { Ok(()) } else { Err(format!("bad fault spec; {}", problems.join("; "))) }
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let secs = || value.parse::<u64>().map_err(|_| format!("{value:?} is not whole seconds"));
        let rate = || match value.parse::<f64>() {
            Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
            _ => Err(format!("{value:?} is not a fraction in [0, 1]")),
        };
        match key {
            "ws_drop_every" => self.ws_drop_every = Some(secs()?),
            "http_5xx" => self.http_5xx = rate()?,
            "latency" => {
                let (low, high) = value.split_once('-').unwrap_or((value, value));
                let parse = |t: &str| t.trim().trim_end_matches("ms").parse::<u64>().ok();
                match (parse(low), parse(high)) {
                    (Some(low), Some(high)) => self.latency = Some((low, high)),
                    _ => return Err(format!("{value:?} is not MIN-MAX milliseconds")),
                }
            }
            "restart_every" => self.restart_every = Some(secs()?),
            "restart_for" => self.restart_for = secs()?,
            "post_only_for" => self.post_only_for = secs()?,
            "throttle_every" => self.throttle_every = Some(secs()?),
            "throttle_for" => self.throttle_for = secs()?,
            "stall_every" => self.stall_every = Some(secs()?),
            "stall_for" => self.stall_for = secs()?,
            "malformed" => self.malformed = rate()?,
            "wrong_field" => self.wrong_field = rate()?,
            "fragmented" => self.fragmented = rate()?,
            "lost" => self.lost = rate()?,
            _ => return Err(format!("unknown fault ({KNOWN})")),
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

    /// Replaces the spec (runtime change through `/sim/faults`). Periodic schedules start
    /// again from `now_ms`; connections are not dropped by the change itself.
    pub fn set_spec(&mut self, spec: FaultSpec, now_ms: u64) {
        self.drops = self.drop_generation(now_ms);
        self.spec = spec;
        self.started_ms = now_ms;
    }

    /// Triggers a one-shot fault.
    pub fn trigger(&mut self, action: FaultAction, now_ms: u64) {
        let spec = &self.spec;
        match action {
            FaultAction::DropWs => self.drops += 1,
            FaultAction::Restart => {
                self.restart_until = after(now_ms, spec.restart_for.max(1));
                self.post_only_until = after(self.restart_until, spec.post_only_for);
            }
            FaultAction::Throttle => self.throttle_until = after(now_ms, spec.throttle_for.max(1)),
            FaultAction::Stall => self.stall_until = after(now_ms, spec.stall_for.max(1)),
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
        let Some(period) = every.map(|every| every.saturating_mul(1_000)).filter(|p| *p > 0) else {
            return false;
        };
        let elapsed = now_ms.saturating_sub(self.started_ms);
        elapsed >= period && elapsed % period < length_secs.saturating_mul(1_000)
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
        let periodic = match self.spec.ws_drop_every.map(|every| every.saturating_mul(1_000)) {
            Some(period) if period > 0 => now_ms.saturating_sub(self.started_ms) / period,
            _ => 0,
        };
        self.drops + periodic
    }
}

/// `secs` seconds after `ms`, saturating.
fn after(ms: u64, secs: u64) -> u64 {
    ms.saturating_add(secs.saturating_mul(1_000))
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
        let err = FaultSpec::parse("http_5xx=2,latency=x,bogus=1,novalue").unwrap_err();
        for part in ["http_5xx", "latency", "bogus", "novalue"] {
            assert!(err.contains(part), "{err}");
        }
        let err = FaultSpec::parse("latency=9-1,stall_every=0,restart_for=99999999999").unwrap_err();
        for part in ["latency", "stall_every", "restart_for"] {
            assert!(err.contains(part), "{err}");
        }
    }

    #[test]
    fn json_specs_get_the_same_defaults_and_checks_as_the_cli() {
        let spec: FaultSpec = serde_json::from_str(r#"{"stall_every": 10}"#).unwrap();
        assert_eq!(spec, FaultSpec::parse("stall_every=10").unwrap(), "missing durations are the defaults");
        assert_eq!(spec.stall_for, 5);
        let bad: FaultSpec = serde_json::from_str(
            r#"{"latency": [40, 5], "restart_every": 0, "stall_every": 0, "malformed": 3}"#,
        )
        .unwrap();
        let err = bad.validate().unwrap_err();
        for part in ["latency", "restart_every", "stall_every", "malformed"] {
            assert!(err.contains(part), "{err}");
        }
        let faults = Faults::new(bad, 0);
        assert_eq!(faults.phase(5_000), EnginePhase::Running, "an unchecked zero period never divides");
        assert!(!faults.stalled(5_000));
    }

    #[test]
    fn a_spec_change_keeps_connections_and_huge_windows_do_not_wrap() {
        let mut faults = Faults::new(FaultSpec { ws_drop_every: Some(10), ..FaultSpec::default() }, 0);
        let before = faults.drop_generation(35_000);
        faults.set_spec(FaultSpec { stall_every: Some(10), ..FaultSpec::default() }, 35_000);
        assert_eq!(faults.drop_generation(35_000), before);
        assert_eq!(faults.drop_generation(99_000), before, "no periodic drops any more");
        faults.set_spec(FaultSpec { restart_for: u64::MAX, ..FaultSpec::default() }, 0);
        faults.trigger(FaultAction::Restart, 1_000);
        assert_eq!(faults.phase(u64::MAX - 1), EnginePhase::Restarting);
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
