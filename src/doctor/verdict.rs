//! The doctor's verdicts, as pure functions of what the checks read: one [`Check`] a line,
//! with what to do when it is not ok, and the [`Report`] that says whether a live start
//! would fail.

use std::collections::HashMap;
use std::fmt;

use rust_decimal::Decimal;

use crate::polymarket::contracts::{EXCHANGE_V2, NEG_RISK_EXCHANGE_V2};

/// Skew between the venue's clock and ours at which a warning is given, seconds.
pub const SKEW_WARN_SECS: u64 = 2;
/// Skew at which signed requests are at risk of refusal, seconds: the venue does not publish
/// its window (the embedded venue's is 30 s), so the doctor stays well inside it.
pub const SKEW_FAIL_SECS: u64 = 10;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Fine.
    Ok,
    /// A live start works, but look at this.
    Warn,
    /// A live start would fail (or trade wrongly) because of this.
    Fail,
    /// Not checked: something it depends on failed.
    Skipped,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
            Self::Skipped => "skip",
        })
    }
}

/// One check's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// How it came out.
    pub outcome: Outcome,
    /// What was found.
    pub detail: String,
    /// What to do about it (for a warning or failure).
    pub fix: Option<String>,
}

impl Check {
    /// A passed check.
    pub fn ok(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { name: name.into(), outcome: Outcome::Ok, detail: detail.into(), fix: None }
    }

    /// A failed check and its remedy.
    pub fn fail(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { name: name.into(), outcome: Outcome::Fail, detail: detail.into(), fix: Some(fix.into()) }
    }

    /// A warning and its remedy.
    pub fn warn(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { name: name.into(), outcome: Outcome::Warn, detail: detail.into(), fix: Some(fix.into()) }
    }

    /// A check not made because `because` failed.
    pub fn skipped(name: impl Into<String>, because: &str) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Skipped,
            detail: format!("not checked: {because}"),
            fix: None,
        }
    }
}

/// Every check, in the order made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The checks.
    pub checks: Vec<Check>,
}

impl Report {
    /// Adds a check.
    pub fn push(&mut self, check: Check) {
        self.checks.push(check);
    }

    /// The checks that failed.
    pub fn failures(&self) -> usize {
        self.checks.iter().filter(|c| c.outcome == Outcome::Fail).count()
    }

    /// One line a check, the remedy indented under it, and a closing verdict.
    pub fn render(&self) -> Vec<String> {
        let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mut lines = Vec::new();
        for check in &self.checks {
            lines.push(format!("{:<4}  {:<width$}  {}", check.outcome, check.name, check.detail));
            if let Some(fix) = &check.fix {
                lines.push(format!("{:<4}  {:<width$}  -> {fix}", "", ""));
            }
        }
        let warnings = self.checks.iter().filter(|c| c.outcome == Outcome::Warn).count();
        lines.push(match self.failures() {
            0 => format!("doctor: every check passed ({warnings} warnings): a live start should work"),
            n => format!("doctor: {n} check(s) failed: a live start would fail or trade wrongly"),
        });
        lines
    }
}

/// The clock check: `venue_secs` from `GET /time` against our `ours_ms`.
pub fn clock(venue_secs: u64, ours_ms: u64) -> Check {
    let ours_secs = ours_ms / 1_000;
    let skew = venue_secs.abs_diff(ours_secs);
    let direction = if venue_secs >= ours_secs { "ahead of" } else { "behind" };
    let detail = format!("the venue's clock is {skew} s {direction} this machine's");
    let fix = "signed requests carry our time and are refused outside the venue's window: \
               synchronise this machine's clock (chrony or systemd-timesyncd)";
    match skew {
        s if s >= SKEW_FAIL_SECS => Check::fail("clock", detail, fix),
        s if s >= SKEW_WARN_SECS => Check::warn("clock", detail, fix),
        _ => Check::ok("clock", format!("within {skew} s of the venue's")),
    }
}

/// The pUSD check: a balance in 6-decimal base units, and allowances by spender.
pub fn collateral(balance_units: Decimal, allowances: &HashMap<String, String>) -> Vec<Check> {
    let pusd = balance_units / Decimal::from(1_000_000);
    let balance = if pusd > Decimal::ZERO {
        Check::ok("pUSD balance", format!("{} pUSD", pusd.round_dp(2)))
    } else {
        Check::fail(
            "pUSD balance",
            "0 pUSD at the funder",
            "deposit USDC and wrap it to pUSD (CollateralOnramp), then refresh with GET /balance-allowance/update",
        )
    };
    let missing: Vec<String> =
        [("CTF Exchange V2", EXCHANGE_V2), ("Neg-risk CTF Exchange V2", NEG_RISK_EXCHANGE_V2)]
            .into_iter()
            .filter(|(_, spender)| !allowed(allowances, &spender.to_string()))
            .map(|(name, spender)| format!("{name} {spender}"))
            .collect();
    let allowance = if missing.is_empty() {
        Check::ok("pUSD allowances", "both V2 exchanges may spend pUSD")
    } else {
        Check::fail(
            "pUSD allowances",
            format!("no allowance for {}", missing.join(", ")),
            "approve pUSD for both V2 exchanges from the funder (polymarket.com does this on first trade)",
        )
    };
    vec![balance, allowance]
}

/// Whether `spender` (any case) has a non-zero allowance. Allowances are base-unit
/// integers, often 2^256 - 1 ("unlimited"), beyond any decimal type: read as digits.
fn allowed(allowances: &HashMap<String, String>, spender: &str) -> bool {
    allowances.iter().any(|(who, amount)| {
        let digits = amount.trim();
        who.eq_ignore_ascii_case(spender)
            && digits.chars().all(|c| c.is_ascii_digit())
            && digits.chars().any(|c| c != '0')
    })
}

/// The geoblock check from the venue's `{"blocked", "ip", "country", "region"}` answer.
pub fn geoblock(answer: &serde_json::Value) -> Check {
    let text = |key: &str| answer.get(key).and_then(serde_json::Value::as_str).unwrap_or("?").to_owned();
    let place = format!("{} {}", text("country"), text("region")).trim().to_owned();
    match answer.get("blocked").and_then(serde_json::Value::as_bool) {
        Some(false) => Check::ok("geoblock", format!("orders accepted from here ({place}, {})", text("ip"))),
        Some(true) => Check::fail(
            "geoblock",
            format!("the venue refuses orders from this location ({place}, {})", text("ip")),
            "trade from a location Polymarket serves; orders placed from here are refused",
        ),
        None => Check::warn("geoblock", format!("unexpected answer: {answer}"), "check venue.geoblock_url"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn clock_skew_is_ok_then_a_warning_then_a_failure() {
        assert_eq!(clock(1_000, 1_000_400).outcome, Outcome::Ok);
        assert_eq!(clock(1_003, 1_000_000).outcome, Outcome::Warn);
        let behind = clock(1_000, 1_045_000);
        assert_eq!(behind.outcome, Outcome::Fail);
        assert!(behind.detail.contains("45 s behind"), "{}", behind.detail);
    }

    #[test]
    fn collateral_needs_a_balance_and_both_exchanges_allowed() {
        let unlimited = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        let both: HashMap<String, String> = [EXCHANGE_V2, NEG_RISK_EXCHANGE_V2]
            .iter()
            .map(|a| (a.to_string().to_lowercase(), unlimited.to_owned()))
            .collect();
        let checks = collateral(dec!(12_500_000), &both);
        assert!(checks.iter().all(|c| c.outcome == Outcome::Ok), "{checks:?}");
        assert_eq!(checks[0].detail, "12.50 pUSD");
        let one: HashMap<String, String> =
            [(EXCHANGE_V2.to_string(), "0".to_owned()), (NEG_RISK_EXCHANGE_V2.to_string(), "5".to_owned())]
                .into();
        let checks = collateral(dec!(0), &one);
        assert_eq!(checks[0].outcome, Outcome::Fail);
        assert_eq!(checks[1].outcome, Outcome::Fail);
        assert!(checks[1].detail.contains("CTF Exchange V2") && !checks[1].detail.contains("Neg-risk"));
    }

    #[test]
    fn a_blocked_location_fails() {
        let open = geoblock(
            &serde_json::json!({"blocked": false, "ip": "1.2.3.4", "country": "DE", "region": "BE"}),
        );
        assert_eq!(open.outcome, Outcome::Ok);
        let blocked =
            geoblock(&serde_json::json!({"blocked": true, "ip": "1.2.3.4", "country": "US", "region": "NY"}));
        assert_eq!(blocked.outcome, Outcome::Fail);
        assert!(blocked.detail.contains("US NY"));
        assert_eq!(geoblock(&serde_json::json!({"oops": 1})).outcome, Outcome::Warn);
    }

    #[test]
    fn the_report_fails_on_any_failure_and_shows_the_remedy() {
        let mut report = Report::default();
        report.push(Check::ok("a", "fine"));
        report.push(Check::warn("b", "odd", "look"));
        assert_eq!(report.failures(), 0);
        report.push(Check::fail("clock", "late", "sync it"));
        assert_ne!(report.failures(), 0);
        let lines = report.render();
        assert!(lines.iter().any(|l| l.starts_with("FAIL  clock") && l.ends_with("late")), "{lines:?}");
        assert!(lines.iter().any(|l| l.trim_start().starts_with("-> sync it")), "{lines:?}");
        assert!(lines.last().unwrap().contains("1 check(s) failed"));
    }
}
