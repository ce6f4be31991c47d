//! The risk gate: the only way to an order. An [`OrderRequest`] becomes an
//! [`Approved<OrderRequest>`] here and nowhere else (its constructor is private to this
//! module), so code that sends orders cannot compile without passing the checks: position
//! per market, total exposure, the day's loss, the kill switch. With `enforce` off (sim and
//! paper only) a breach is reported but the order is approved.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use super::correlation::CorrelationBook;
use crate::domain::{ConditionId, Outcome, Price, Side, Size, TokenId};

/// An order a market wants to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// Market.
    pub market: ConditionId,
    /// Token.
    pub token: TokenId,
    /// Which outcome the token pays on.
    pub outcome: Outcome,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Price,
    /// Size.
    pub size: Size,
}

impl OrderRequest {
    /// The change in YES-equivalent position if it fills: buying YES or selling NO adds.
    pub fn position_delta(&self) -> Decimal {
        match (self.outcome, self.side) {
            (Outcome::Yes, Side::Buy) | (Outcome::No, Side::Sell) => self.size.value(),
            _ => -self.size.value(),
        }
    }

    /// pUSD at risk if it fills: the price paid for a buy, (1 − price) for a sell.
    pub fn worst_loss(&self) -> Decimal {
        match self.side {
            Side::Buy => self.price.value() * self.size.value(),
            Side::Sell => (Decimal::ONE - self.price.value()) * self.size.value(),
        }
    }
}

/// A value that passed the risk checks. Only this module can make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approved<T>(T);

impl<T> Approved<T> {
    /// The approved value.
    pub fn get(&self) -> &T {
        &self.0
    }

    /// Takes the approved value out.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// A limit an order would break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// The kill switch is not armed.
    Halted,
    /// The day's loss limit is reached; only orders that reduce the position pass.
    DailyLoss {
        /// The day's P&L.
        pnl: Decimal,
    },
    /// The market's position would pass the limit.
    Position {
        /// Position after a fill.
        after: Decimal,
        /// The limit.
        limit: Decimal,
    },
    /// Correlated exposure of positions would pass the limit.
    Correlated {
        /// √(eᵀ·C·e) after a fill.
        after: Decimal,
        /// The limit.
        limit: Decimal,
    },
    /// Total exposure would pass the limit.
    Exposure {
        /// Exposure after a fill.
        after: Decimal,
        /// The limit.
        limit: Decimal,
    },
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Halted => f.write_str("the kill switch is not armed"),
            Self::DailyLoss { pnl } => {
                write!(f, "daily loss limit reached (P&L {pnl}): only position-reducing orders")
            }
            Self::Position { after, limit } => write!(f, "position would be {after}, limit {limit}"),
            Self::Exposure { after, limit } => write!(f, "exposure would be {after}, limit {limit}"),
            Self::Correlated { after, limit } => {
                write!(f, "correlated exposure would be {after}, limit {limit}")
            }
        }
    }
}

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskLimits {
    /// Largest absolute YES-equivalent position per market, shares.
    pub max_position: Decimal,
    /// Largest total pUSD at risk across markets (positions and open orders).
    pub max_total_exposure: Decimal,
    /// Largest exposure of positions after correlation (0: unchecked).
    pub max_correlated_exposure: Decimal,
    /// Loss (positive) at which only reducing orders pass.
    pub max_daily_loss: Decimal,
    /// Refuse on breach (always on in live mode); off: approve and report.
    pub enforce: bool,
}

/// What the gate knows of our book of risk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RiskState {
    /// YES-equivalent position per market.
    pub positions: BTreeMap<ConditionId, Decimal>,
    /// pUSD at risk in positions and open orders, across markets.
    pub exposure: Decimal,
    /// The day's P&L.
    pub daily_pnl: Decimal,
    /// Whether the kill switch is armed.
    pub armed: bool,
    /// How markets move together, and each market's group and mid, for the correlated
    /// exposure of positions.
    pub correlation: CorrelationBook,
}

/// The gate's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Send it; `warnings` lists breaches let through because `enforce` is off.
    Approved {
        /// The order.
        order: Approved<OrderRequest>,
        /// Breaches not enforced.
        warnings: Vec<Breach>,
    },
    /// Refused.
    Refused(Breach),
}

/// Checks `request` against `limits` and `state`.
pub fn check(request: OrderRequest, limits: &RiskLimits, state: &RiskState) -> Verdict {
    if !state.armed {
        return Verdict::Refused(Breach::Halted);
    }
    let position = state.positions.get(&request.market).copied().unwrap_or_default();
    let after = position + request.position_delta();
    let reduces = after.abs() < position.abs();
    let mut breaches = Vec::new();
    if !limits.max_daily_loss.is_zero() && state.daily_pnl <= -limits.max_daily_loss && !reduces {
        breaches.push(Breach::DailyLoss { pnl: state.daily_pnl });
    }
    if after.abs() > limits.max_position && !reduces {
        breaches.push(Breach::Position { after, limit: limits.max_position });
    }
    if !limits.max_correlated_exposure.is_zero() && !reduces {
        let before = state.correlation.squared();
        let after = state.correlation.squared_after(request.market, request.position_delta());
        let limit = limits.max_correlated_exposure;
        if after > limit * limit && after > before {
            let after = state.correlation.exposure_after(request.market, request.position_delta());
            breaches.push(Breach::Correlated { after: after.round_dp(2), limit });
        }
    }
    let exposure = state.exposure + request.worst_loss();
    if exposure > limits.max_total_exposure && !reduces {
        breaches.push(Breach::Exposure { after: exposure, limit: limits.max_total_exposure });
    }
    match (limits.enforce, breaches.is_empty()) {
        (true, false) => Verdict::Refused(breaches.swap_remove(0)),
        _ => Verdict::Approved { order: Approved(request), warnings: breaches },
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn request(outcome: Outcome, side: Side, price: Decimal, size: u32) -> OrderRequest {
        OrderRequest {
            market: ConditionId::from_bytes([1; 32]),
            token: TokenId::from_be_bytes([2; 32]),
            outcome,
            side,
            price: Price::new(price).unwrap(),
            size: Size::whole(size),
        }
    }

    fn limits(enforce: bool) -> RiskLimits {
        RiskLimits {
            max_position: dec!(100),
            max_total_exposure: dec!(500),
            max_correlated_exposure: dec!(0),
            max_daily_loss: dec!(50),
            enforce,
        }
    }

    fn state(position: Decimal, exposure: Decimal, pnl: Decimal) -> RiskState {
        RiskState {
            positions: [(ConditionId::from_bytes([1; 32]), position)].into_iter().collect(),
            exposure,
            daily_pnl: pnl,
            armed: true,
            correlation: CorrelationBook::default(),
        }
    }

    fn refused(verdict: &Verdict) -> Option<&Breach> {
        if let Verdict::Refused(breach) = verdict { Some(breach) } else { None }
    }

    #[test]
    fn position_exposure_and_loss_limits_refuse_when_enforced() {
        let within = check(
            request(Outcome::Yes, Side::Buy, dec!(0.5), 10),
            &limits(true),
            &state(dec!(80), dec!(0), dec!(0)),
        );
        assert!(matches!(within, Verdict::Approved { ref warnings, .. } if warnings.is_empty()));
        let over = check(
            request(Outcome::No, Side::Sell, dec!(0.5), 30),
            &limits(true),
            &state(dec!(80), dec!(0), dec!(0)),
        );
        assert_eq!(
            refused(&over),
            Some(&Breach::Position { after: dec!(110), limit: dec!(100) }),
            "selling NO adds YES exposure"
        );
        let exposed = check(
            request(Outcome::Yes, Side::Buy, dec!(0.5), 20),
            &limits(true),
            &state(dec!(0), dec!(495), dec!(0)),
        );
        assert!(matches!(refused(&exposed), Some(Breach::Exposure { .. })));
        let lossy = check(
            request(Outcome::Yes, Side::Buy, dec!(0.5), 10),
            &limits(true),
            &state(dec!(0), dec!(0), dec!(-50)),
        );
        assert!(matches!(refused(&lossy), Some(Breach::DailyLoss { .. })));
    }

    #[test]
    fn reducing_orders_pass_every_limit_but_the_kill_switch() {
        let reduce = check(
            request(Outcome::Yes, Side::Sell, dec!(0.5), 30),
            &limits(true),
            &state(dec!(150), dec!(900), dec!(-80)),
        );
        assert!(matches!(reduce, Verdict::Approved { .. }));
        let halted = RiskState { armed: false, ..state(dec!(150), dec!(0), dec!(0)) };
        assert_eq!(
            refused(&check(request(Outcome::Yes, Side::Sell, dec!(0.5), 30), &limits(true), &halted)),
            Some(&Breach::Halted)
        );
    }

    #[test]
    fn unenforced_breaches_are_approved_with_warnings() {
        let verdict = check(
            request(Outcome::Yes, Side::Buy, dec!(0.5), 30),
            &limits(false),
            &state(dec!(80), dec!(0), dec!(0)),
        );
        let Verdict::Approved { order, warnings } = verdict else { panic!("{verdict:?}") };
        assert_eq!(warnings.len(), 1);
        assert_eq!(order.get().size, Size::whole(30));
    }

    fn correlated_state(same_group: bool) -> RiskState {
        let (a, b) = (ConditionId::from_bytes([1; 32]), ConditionId::from_bytes([9; 32]));
        let groups =
            [(a, "event:x".to_owned()), (b, if same_group { "event:x" } else { "event:y" }.to_owned())];
        let mut correlation = CorrelationBook::default();
        correlation.groups = std::sync::Arc::new(groups.into_iter().collect());
        correlation.mids.insert(a, dec!(0.5));
        correlation.mids.insert(b, dec!(0.5));
        let positions = [(a, dec!(60)), (b, dec!(40))].into_iter().collect();
        correlation.refresh(&positions);
        RiskState { positions, exposure: dec!(0), daily_pnl: dec!(0), armed: true, correlation }
    }

    #[test]
    fn positions_in_one_event_count_together() {
        let limits = RiskLimits { max_correlated_exposure: dec!(52), ..limits(true) };
        let same = correlated_state(true);
        assert_eq!(same.correlation.exposure(), dec!(50));
        let adding = check(request(Outcome::Yes, Side::Buy, dec!(0.5), 10), &limits, &same);
        assert_eq!(refused(&adding), Some(&Breach::Correlated { after: dec!(55), limit: dec!(52) }));
        let reducing = check(request(Outcome::Yes, Side::Sell, dec!(0.5), 10), &limits, &same);
        assert!(matches!(reducing, Verdict::Approved { .. }), "reducing always passes");
        let apart = correlated_state(false);
        assert_eq!(apart.correlation.exposure().round_dp(2), dec!(36.06), "√(30² + 20²)");
        assert!(matches!(
            check(request(Outcome::Yes, Side::Buy, dec!(0.5), 10), &limits, &apart),
            Verdict::Approved { .. }
        ));
    }

    #[test]
    fn markets_that_move_opposite_hedge_each_other() {
        let mut state = correlated_state(false);
        state.positions.insert(ConditionId::from_bytes([9; 32]), dec!(60));
        let mut co = crate::risk::correlation::CoMovement::new(20);
        for i in 0..20 {
            let wiggle = Decimal::new(if i % 2 == 0 { 2 } else { -1 }, 2);
            let mids = [
                (ConditionId::from_bytes([1; 32]), dec!(0.5) + wiggle),
                (ConditionId::from_bytes([9; 32]), dec!(0.5) - wiggle),
            ]
            .into_iter()
            .collect();
            co.sample(&mids);
        }
        state.correlation.co = Some(co);
        state.correlation.refresh(&state.positions);
        assert!(
            state.correlation.exposure() < dec!(0.01),
            "long two markets that always move opposite: flat"
        );
        let limits = RiskLimits { max_correlated_exposure: dec!(10), ..limits(true) };
        assert!(matches!(
            check(request(Outcome::Yes, Side::Buy, dec!(0.5), 10), &limits, &state),
            Verdict::Approved { .. }
        ));
    }
}
