//! The risk desk: what the gate checks orders against (each market's position and pUSD at
//! risk, the day's P&L, whether the kill switch is armed, how markets move together) with
//! the limits in force. Pure; shared on the actors' thread, so a market's handler gets the
//! gate's verdict for its order at once (see `execution::order_path`), and the markets
//! report into it directly. The risk actor is its face to the kill switch and its clock.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::correlation::{CoMovement, RefreshJob, Refreshed};
use super::gate::{OrderRequest, RiskLimits, RiskState, Verdict, check};
use crate::domain::ConditionId;

/// Mid samples kept per market for the co-movement of markets.
const CO_MOVEMENT_WINDOW: usize = 300;

/// The gate's state and limits.
#[derive(Debug)]
pub struct RiskDesk {
    limits: RiskLimits,
    state: RiskState,
    at_risk: HashMap<ConditionId, Decimal>,
}

impl RiskDesk {
    /// Armed, nothing at risk, under `limits`.
    pub fn new(limits: RiskLimits) -> Self {
        let mut state = RiskState { armed: true, ..RiskState::default() };
        state.correlation.co = Some(CoMovement::new(CO_MOVEMENT_WINDOW));
        Self { limits, state, at_risk: HashMap::new() }
    }

    /// The same desk knowing which markets belong together (event or neg-risk group).
    pub fn with_groups(mut self, groups: std::collections::BTreeMap<ConditionId, String>) -> Self {
        self.state.correlation.groups = std::sync::Arc::new(groups);
        self
    }

    /// The gate's verdict on `request` now.
    pub fn check(&self, request: OrderRequest) -> Verdict {
        check(request, &self.limits, &self.state)
    }

    /// A market's YES-equivalent position and the pUSD it has at risk (positions and open
    /// orders).
    pub fn report_exposure(&mut self, market: ConditionId, position: Decimal, at_risk: Decimal) {
        self.state.positions.insert(market, position);
        let previous = self.at_risk.insert(market, at_risk).unwrap_or_default();
        self.state.exposure += at_risk - previous;
    }

    /// A market's current YES mid (others' orders only).
    pub fn report_mid(&mut self, market: ConditionId, mid: Decimal) {
        self.state.correlation.mids.insert(market, mid);
    }

    /// The kill switch armed or not.
    pub fn set_armed(&mut self, armed: bool) {
        self.state.armed = armed;
    }

    /// The day's P&L so far: at the daily-loss limit only orders that reduce pass.
    pub fn set_daily_pnl(&mut self, pnl: Decimal) {
        self.state.daily_pnl = pnl;
    }

    /// Samples every market's mid into the co-movement and recomputes the correlated
    /// exposure of the positions (once a second: orders are then checked in O(1)).
    pub fn sample(&mut self) {
        if let Some(job) = self.sample_job() {
            self.install(job.run());
        }
    }

    /// The same sample and refresh as a job to run elsewhere: the co-movement goes with it
    /// until [`Self::install`] brings it back, and until then there is no next job.
    pub fn sample_job(&mut self) -> Option<RefreshJob> {
        let with_refresh = !self.limits.max_correlated_exposure.is_zero();
        self.state.correlation.job(&self.state.positions, with_refresh)
    }

    /// A finished job's result: orders are checked against it from now.
    pub fn install(&mut self, refreshed: Refreshed) {
        self.state.correlation.install(refreshed);
    }

    /// Starts the co-movement of mids afresh (the job that held it was lost).
    pub fn forget_co_movement(&mut self) {
        self.state.correlation.co = Some(CoMovement::new(CO_MOVEMENT_WINDOW));
    }

    /// pUSD at risk across markets.
    pub fn exposure(&self) -> Decimal {
        self.state.exposure
    }

    /// √(eᵀ·C·e) of the positions at the last sample.
    pub fn correlated_exposure(&self) -> Decimal {
        self.state.correlation.exposure()
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::{Outcome, Price, Side, Size, TokenId};
    use crate::risk::Breach;

    fn limits() -> RiskLimits {
        RiskLimits {
            max_position: dec!(1000),
            max_total_exposure: dec!(10000),
            max_correlated_exposure: dec!(30),
            max_daily_loss: dec!(50),
            enforce: true,
        }
    }

    fn buy_yes(market: ConditionId, size: u32) -> OrderRequest {
        OrderRequest {
            market,
            token: TokenId::from_be_bytes([2; 32]),
            outcome: Outcome::Yes,
            side: Side::Buy,
            price: Price::new(dec!(0.5)).unwrap(),
            size: Size::whole(size),
        }
    }

    #[test]
    fn exposure_reports_replace_a_markets_last_one() {
        let mut desk = RiskDesk::new(limits());
        let (a, b) = (ConditionId::from_bytes([1; 32]), ConditionId::from_bytes([2; 32]));
        desk.report_exposure(a, dec!(10), dec!(40));
        desk.report_exposure(b, dec!(0), dec!(25));
        desk.report_exposure(a, dec!(12), dec!(30));
        assert_eq!(desk.exposure(), dec!(55));
    }

    /// A desk with markets `a` and `b` of one event, both at a mid of 0.5.
    fn one_event() -> (RiskDesk, ConditionId, ConditionId) {
        let (a, b) = (ConditionId::from_bytes([1; 32]), ConditionId::from_bytes([2; 32]));
        let groups = [(a, "event:x".to_owned()), (b, "event:x".to_owned())].into_iter().collect();
        let mut desk = RiskDesk::new(limits()).with_groups(groups);
        desk.report_mid(a, dec!(0.5));
        desk.report_mid(b, dec!(0.5));
        (desk, a, b)
    }

    #[test]
    fn positions_of_one_event_are_netted_by_the_once_a_second_sample() {
        let (mut desk, a, b) = one_event();
        desk.report_exposure(a, dec!(30), dec!(15));
        desk.report_exposure(b, dec!(20), dec!(10));
        assert!(matches!(desk.check(buy_yes(a, 10)), Verdict::Approved { .. }), "not sampled yet");
        desk.sample();
        assert_eq!(desk.correlated_exposure(), dec!(25), "(30 + 20) × 0.5, one event");
        assert_eq!(
            desk.check(buy_yes(a, 20)),
            Verdict::Refused(Breach::Correlated { after: dec!(35), limit: dec!(30) })
        );
        assert!(matches!(desk.check(buy_yes(a, 10)), Verdict::Approved { .. }), "30 is within");
    }

    #[test]
    fn a_sample_run_elsewhere_lends_the_co_movement_until_installed() {
        let (mut desk, a, b) = one_event();
        desk.report_exposure(a, dec!(30), dec!(15));
        let job = desk.sample_job().expect("the first job");
        assert!(desk.sample_job().is_none(), "one job out at a time");
        desk.report_exposure(b, dec!(20), dec!(10));
        let refreshed = std::thread::spawn(move || job.run()).join().expect("the job runs on another thread");
        assert_eq!(desk.correlated_exposure(), dec!(0), "checked against the last refresh until installed");
        desk.install(refreshed);
        assert_eq!(desk.correlated_exposure(), dec!(15), "the positions when the job was made: 30 × 0.5");
        desk.sample();
        assert_eq!(desk.correlated_exposure(), dec!(25), "the next sample sees b too");
        desk.forget_co_movement();
        assert!(desk.sample_job().is_some(), "a lost job's co-movement starts afresh");
    }

    #[test]
    fn a_disarmed_kill_switch_refuses_everything() {
        let mut desk = RiskDesk::new(limits());
        desk.set_armed(false);
        assert_eq!(
            desk.check(buy_yes(ConditionId::from_bytes([1; 32]), 1)),
            Verdict::Refused(Breach::Halted)
        );
        desk.set_armed(true);
        assert!(matches!(desk.check(buy_yes(ConditionId::from_bytes([1; 32]), 1)), Verdict::Approved { .. }));
    }
}
