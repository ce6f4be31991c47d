//! The control API's JSON shapes, shared by the server and `polymm ctl`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::Mode;
use crate::director::DirectedMarket;
use crate::killswitch::messages::SwitchReport;
use crate::market::OrderTally;
use crate::risk::pnl::MarketPnl;
use crate::strategy::Signals;
use crate::telemetry::hops::HopReport;

/// One market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketView {
    /// Condition id.
    pub market: String,
    /// Enabled.
    pub enabled: bool,
    /// Quoting now.
    pub quoting: bool,
    /// Why not, when not (`unreachable` when the actor did not answer).
    pub idle: Option<String>,
    /// Resting orders.
    pub orders: usize,
    /// YES minus NO shares.
    pub position: Decimal,
    /// YES shares held.
    #[serde(default)]
    pub yes: Decimal,
    /// NO shares held.
    #[serde(default)]
    pub no: Decimal,
    /// Actor restarts since start.
    pub restarts: u32,
    /// The director's alert, if it disabled the market.
    pub alert: Option<String>,
    /// The strategy's readings (absent when the actor did not answer).
    pub signals: Option<Signals>,
    /// P&L since the actor started.
    pub pnl: Option<MarketPnl>,
    /// What the venue's answers did to its orders since the actor started (absent when the
    /// actor did not answer).
    #[serde(default)]
    pub answers: Option<OrderTally>,
}

impl From<&DirectedMarket> for MarketView {
    fn from(market: &DirectedMarket) -> Self {
        let status = market.status.as_ref();
        Self {
            market: market.condition.to_string(),
            enabled: market.enabled,
            quoting: status.is_some_and(|s| s.idle.is_none()),
            idle: status.map_or(Some("unreachable".to_owned()), |s| s.idle.clone()),
            orders: status.map_or(0, |s| s.orders.len()),
            position: status.map_or(Decimal::ZERO, |s| s.position),
            yes: status.map_or(Decimal::ZERO, |s| s.yes),
            no: status.map_or(Decimal::ZERO, |s| s.no),
            restarts: status.map_or(0, |s| s.restarts),
            alert: market.alert.clone(),
            signals: status.map(|s| s.signals.clone()),
            pnl: status.map(|s| s.pnl),
            answers: status.map(|s| s.answers),
        }
    }
}

/// The whole daemon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusView {
    /// sim, paper or live.
    pub mode: String,
    /// armed, tripped or halted.
    pub switch: String,
    /// Why it tripped, if it did.
    pub trip_reason: Option<String>,
    /// UTC day.
    pub day: String,
    /// The day's P&L, pUSD.
    pub day_pnl: Decimal,
    /// Errors counted since start.
    pub errors: u64,
    /// Last pUSD balance read.
    pub balance: Option<Decimal>,
    /// Markets quoting now.
    pub quoting: usize,
    /// Resting orders.
    pub orders: usize,
    /// Frame-in → signed-order-out latency, whole and by hop.
    pub latency: HopReport,
    /// Every market.
    pub markets: Vec<MarketView>,
}

impl StatusView {
    /// The status from its parts.
    pub fn new(mode: Mode, switch: SwitchReport, latency: HopReport, markets: Vec<MarketView>) -> Self {
        use crate::killswitch::SwitchState;
        let (state, reason) = match &switch.state {
            SwitchState::Armed => ("armed", None),
            SwitchState::Tripped { reason, .. } => ("tripped", Some(reason.to_string())),
            SwitchState::Halted { reason, .. } => ("halted", Some(reason.to_string())),
        };
        Self {
            mode: mode.to_string(),
            switch: state.to_owned(),
            trip_reason: reason,
            day: switch.day,
            day_pnl: switch.day_pnl,
            errors: switch.errors,
            balance: switch.balance,
            quoting: markets.iter().filter(|m| m.quoting).count(),
            orders: markets.iter().map(|m| m.orders).sum(),
            latency,
            markets,
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::strategy::Signals;

    #[test]
    fn a_market_view_with_its_readings_survives_json() {
        let view = MarketView {
            market: "0xabc".into(),
            enabled: true,
            quoting: true,
            idle: None,
            orders: 2,
            position: dec!(-3.5),
            yes: dec!(1.5),
            no: dec!(5),
            restarts: 0,
            alert: None,
            answers: Some(crate::market::OrderTally { accepted: 4, rejected: 1, ..Default::default() }),
            signals: Some(Signals {
                strategy: "polymm".into(),
                reward_share: dec!(0.25),
                ..Signals::default()
            }),
            pnl: Some(MarketPnl { realized: dec!(0.1), ..MarketPnl::default() }),
        };
        let text = serde_json::to_string(&view).expect("serializes");
        assert!(text.contains("\"reward_share\":\"0.25\""), "{text}");
        let back: MarketView = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, view);
    }
}
