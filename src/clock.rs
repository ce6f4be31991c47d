//! The injected clock: the only way code in this crate learns the time.
//!
//! `main` builds a [`SystemClock`]; a [`ManualClock`] is moved by hand (for driving time
//! from outside).
//! Pure functions never call a clock: they take `now` as an argument.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

impl Millis {
    /// Whole seconds since the epoch, rounded down.
    pub fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// This instant plus `ms` milliseconds, saturating.
    pub fn plus_ms(self, ms: u64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// The UTC calendar day, `YYYY-MM-DD`.
    pub fn utc_day(self) -> String {
        let (y, m, d) = civil_from_days(i64::try_from(self.0 / 86_400_000).unwrap_or(0));
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// ISO-8601 UTC to the second, e.g. `2024-11-05T00:00:00Z`.
    pub fn iso8601(self) -> String {
        let rem = self.0 / 1_000 % 86_400;
        format!("{}T{:02}:{:02}:{:02}Z", self.utc_day(), rem / 3_600, rem % 3_600 / 60, rem % 60)
    }

    /// Milliseconds from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: Self) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Unix seconds of an ISO-8601 UTC date (`2024-11-05T00:00:00Z` or `2024-11-05`).
pub fn parse_iso8601_secs(text: &str) -> Option<u64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let time = text.get(11..19).unwrap_or("00:00:00");
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (hms.next()?.unwrap_or(0), hms.next()?.unwrap_or(0), hms.next()?.unwrap_or(0));
    let (y, m) = if m <= 2 { (y - 1, m + 12) } else { (y, m) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m - 3) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3_600 + mi * 60 + s).ok()
}

/// A source of wall-clock time.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Millis;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Millis(u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
    }
}

/// A clock that only moves when told to; shared by clones.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    /// A clock reading `start`.
    pub fn new(start: Millis) -> Self {
        Self(Arc::new(AtomicU64::new(start.0)))
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: Millis) {
        self.0.store(at.0, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        Millis(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_round_trip() {
        assert_eq!(Millis(0).iso8601(), "1970-01-01T00:00:00Z");
        assert_eq!(Millis(1_730_764_800_000).iso8601(), "2024-11-05T00:00:00Z");
        assert_eq!(Millis(951_782_400_000).utc_day(), "2000-02-29");
        assert_eq!(parse_iso8601_secs("2024-11-05T00:00:00Z"), Some(1_730_764_800));
        assert_eq!(parse_iso8601_secs("2000-02-29"), Some(951_782_400));
        assert_eq!(parse_iso8601_secs("soon"), None);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(Millis(1_000));
        let shared = clock.clone();
        assert_eq!(clock.now(), Millis(1_000));
        shared.advance(250);
        assert_eq!(clock.now(), Millis(1_250));
        clock.set(Millis(5_000));
        assert_eq!(shared.now().as_secs(), 5);
    }

    #[test]
    fn system_clock_is_after_2024() {
        assert!(SystemClock.now().as_secs() > 1_700_000_000);
    }
}
