//! The kill switch as a pure state machine: armed → tripped(reason) → halted → armed again
//! only by an explicit `resume`. It watches the day's P&L, error bursts, feed health, the
//! balance and market restarts; tripping means "halt every market and cancel all orders".
//! The state serialises, so a daemon restarted after a trip comes up halted.

use std::collections::VecDeque;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why the switch tripped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TripReason {
    /// The day's P&L fell below the loss limit.
    DailyLoss {
        /// The day's P&L when it tripped.
        pnl: Decimal,
        /// The limit (a positive amount of loss).
        limit: Decimal,
    },
    /// Too many errors within a minute.
    ErrorBurst {
        /// Errors counted in the window.
        errors: u64,
    },
    /// Market data down too long.
    FeedDown {
        /// How long, seconds.
        secs: u64,
    },
    /// The balance fell by more than fills explain.
    BalanceDrop {
        /// Expected balance.
        expected: Decimal,
        /// Observed balance.
        observed: Decimal,
    },
    /// Too many market restarts in the window.
    MarketRestarts {
        /// Restarts counted.
        restarts: u64,
    },
    /// An operator asked for it.
    Manual,
}

impl fmt::Display for TripReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DailyLoss { pnl, limit } => write!(f, "daily P&L {pnl} breached the loss limit {limit}"),
            Self::ErrorBurst { errors } => write!(f, "{errors} errors within a minute"),
            Self::FeedDown { secs } => write!(f, "market data down for {secs} s"),
            Self::BalanceDrop { expected, observed } => {
                write!(f, "balance {observed} is below the {expected} that fills explain")
            }
            Self::MarketRestarts { restarts } => write!(f, "{restarts} market restarts within the window"),
            Self::Manual => f.write_str("operator kill"),
        }
    }
}

/// Where the switch stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SwitchState {
    /// Trading allowed.
    Armed,
    /// Just tripped: markets must halt and everything must be cancelled.
    Tripped {
        /// Why.
        reason: TripReason,
        /// When, unix ms.
        at_ms: u64,
    },
    /// Halted after a trip, all orders cancelled; waits for `resume`.
    Halted {
        /// Why it tripped.
        reason: TripReason,
        /// When, unix ms.
        at_ms: u64,
    },
}

/// What the caller must do after feeding the switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchAction {
    /// Nothing.
    None,
    /// Halt every market and cancel all orders, for this reason.
    HaltAll(TripReason),
}

/// The limits the switch enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchLimits {
    /// Loss that trips (positive number), pUSD.
    pub max_daily_loss: Decimal,
    /// Errors per minute that trip.
    pub max_errors_per_minute: u64,
    /// Feed down this long trips, seconds.
    pub feed_down_secs: u64,
    /// A balance below expected by more than this fraction trips.
    pub balance_drop_fraction: Decimal,
    /// Restarts within the window that trip.
    pub max_market_restarts: u64,
    /// The restart window, seconds.
    pub restart_window_secs: u64,
}

/// The kill switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KillSwitch {
    state: SwitchState,
    #[serde(skip)]
    errors: VecDeque<u64>,
    #[serde(skip)]
    restarts: VecDeque<u64>,
    #[serde(skip)]
    feed_down_since_ms: Option<u64>,
}

impl Default for KillSwitch {
    fn default() -> Self {
        Self::armed()
    }
}

impl KillSwitch {
    /// An armed switch.
    pub fn armed() -> Self {
        Self {
            state: SwitchState::Armed,
            errors: VecDeque::new(),
            restarts: VecDeque::new(),
            feed_down_since_ms: None,
        }
    }

    /// The current state.
    pub fn state(&self) -> &SwitchState {
        &self.state
    }

    /// Whether quoting is allowed.
    pub fn is_armed(&self) -> bool {
        self.state == SwitchState::Armed
    }

    /// A state restored from storage: a switch that was tripped comes back halted.
    pub fn restored(state: SwitchState) -> Self {
        let state = match state {
            SwitchState::Tripped { reason, at_ms } => SwitchState::Halted { reason, at_ms },
            other => other,
        };
        Self { state, ..Self::armed() }
    }

    fn trip(&mut self, reason: TripReason, now_ms: u64) -> SwitchAction {
        if !self.is_armed() {
            return SwitchAction::None;
        }
        self.state = SwitchState::Tripped { reason: reason.clone(), at_ms: now_ms };
        SwitchAction::HaltAll(reason)
    }

    /// The halt has been carried out (markets halted, cancels acknowledged).
    pub fn halted(&mut self) {
        if let SwitchState::Tripped { reason, at_ms } = &self.state {
            self.state = SwitchState::Halted { reason: reason.clone(), at_ms: *at_ms };
        }
    }

    /// An operator re-arms the switch; the error and restart windows start afresh.
    pub fn resume(&mut self) -> bool {
        let was_halted = matches!(self.state, SwitchState::Halted { .. });
        if was_halted {
            *self = Self::armed();
        }
        was_halted
    }

    /// An operator trips the switch.
    pub fn kill(&mut self, now_ms: u64) -> SwitchAction {
        self.trip(TripReason::Manual, now_ms)
    }

    /// The day's P&L changed.
    pub fn on_daily_pnl(&mut self, pnl: Decimal, limits: &SwitchLimits, now_ms: u64) -> SwitchAction {
        if !limits.max_daily_loss.is_zero() && pnl <= -limits.max_daily_loss {
            return self.trip(TripReason::DailyLoss { pnl, limit: limits.max_daily_loss }, now_ms);
        }
        SwitchAction::None
    }

    /// An error happened (rejected order, failed request…).
    pub fn on_error(&mut self, limits: &SwitchLimits, now_ms: u64) -> SwitchAction {
        self.errors.push_back(now_ms);
        while self.errors.front().is_some_and(|at| now_ms.saturating_sub(*at) >= 60_000) {
            self.errors.pop_front();
        }
        let errors = self.errors.len() as u64;
        if errors > limits.max_errors_per_minute {
            return self.trip(TripReason::ErrorBurst { errors }, now_ms);
        }
        SwitchAction::None
    }

    /// Market-data health: `up` or not, checked periodically.
    pub fn on_feed(&mut self, up: bool, limits: &SwitchLimits, now_ms: u64) -> SwitchAction {
        if up {
            self.feed_down_since_ms = None;
            return SwitchAction::None;
        }
        let since = *self.feed_down_since_ms.get_or_insert(now_ms);
        let secs = now_ms.saturating_sub(since) / 1_000;
        if secs >= limits.feed_down_secs {
            return self.trip(TripReason::FeedDown { secs }, now_ms);
        }
        SwitchAction::None
    }

    /// A balance check: `expected` is the last balance adjusted by fills since.
    pub fn on_balance(
        &mut self,
        expected: Decimal,
        observed: Decimal,
        limits: &SwitchLimits,
        now_ms: u64,
    ) -> SwitchAction {
        if expected > Decimal::ZERO && observed < expected * (Decimal::ONE - limits.balance_drop_fraction) {
            return self.trip(TripReason::BalanceDrop { expected, observed }, now_ms);
        }
        SwitchAction::None
    }

    /// A market actor restarted.
    pub fn on_market_restart(&mut self, limits: &SwitchLimits, now_ms: u64) -> SwitchAction {
        self.restarts.push_back(now_ms);
        let window = limits.restart_window_secs * 1_000;
        while self.restarts.front().is_some_and(|at| now_ms.saturating_sub(*at) >= window) {
            self.restarts.pop_front();
        }
        let restarts = self.restarts.len() as u64;
        if restarts > limits.max_market_restarts {
            return self.trip(TripReason::MarketRestarts { restarts }, now_ms);
        }
        SwitchAction::None
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn limits() -> SwitchLimits {
        SwitchLimits {
            max_daily_loss: dec!(100),
            max_errors_per_minute: 3,
            feed_down_secs: 30,
            balance_drop_fraction: dec!(0.05),
            max_market_restarts: 2,
            restart_window_secs: 600,
        }
    }

    #[test]
    fn a_loss_trips_once_then_halts_until_resumed() {
        let mut switch = KillSwitch::armed();
        assert_eq!(switch.on_daily_pnl(dec!(-99.99), &limits(), 1), SwitchAction::None);
        let action = switch.on_daily_pnl(dec!(-100), &limits(), 2);
        assert_eq!(
            action,
            SwitchAction::HaltAll(TripReason::DailyLoss { pnl: dec!(-100), limit: dec!(100) })
        );
        assert_eq!(switch.on_daily_pnl(dec!(-200), &limits(), 3), SwitchAction::None, "trips once");
        assert!(!switch.resume(), "cannot resume before the halt is done");
        switch.halted();
        assert!(matches!(switch.state(), SwitchState::Halted { at_ms: 2, .. }));
        assert!(switch.resume());
        assert!(switch.is_armed());
    }

    #[test]
    fn error_bursts_count_within_a_minute() {
        let mut switch = KillSwitch::armed();
        for at in [0, 10_000, 20_000] {
            assert_eq!(switch.on_error(&limits(), at), SwitchAction::None);
        }
        assert_eq!(switch.on_error(&limits(), 61_000), SwitchAction::None, "the first error left the window");
        assert!(matches!(
            switch.on_error(&limits(), 62_000),
            SwitchAction::HaltAll(TripReason::ErrorBurst { errors: 4 })
        ));
    }

    #[test]
    fn feed_balance_and_restarts_trip_at_their_thresholds() {
        let mut switch = KillSwitch::armed();
        assert_eq!(switch.on_feed(false, &limits(), 0), SwitchAction::None);
        assert_eq!(
            switch.on_feed(true, &limits(), 20_000),
            SwitchAction::None,
            "recovered: the clock restarts"
        );
        assert_eq!(switch.on_feed(false, &limits(), 25_000), SwitchAction::None);
        assert!(matches!(
            switch.on_feed(false, &limits(), 55_000),
            SwitchAction::HaltAll(TripReason::FeedDown { secs: 30 })
        ));

        let mut switch = KillSwitch::armed();
        assert_eq!(switch.on_balance(dec!(1000), dec!(951), &limits(), 0), SwitchAction::None);
        assert!(matches!(switch.on_balance(dec!(1000), dec!(949), &limits(), 0), SwitchAction::HaltAll(_)));

        let mut switch = KillSwitch::armed();
        for at in [0, 1_000] {
            assert_eq!(switch.on_market_restart(&limits(), at), SwitchAction::None);
        }
        assert!(matches!(
            switch.on_market_restart(&limits(), 2_000),
            SwitchAction::HaltAll(TripReason::MarketRestarts { restarts: 3 })
        ));
    }

    #[test]
    fn a_tripped_state_restores_halted() {
        let mut switch = KillSwitch::armed();
        switch.kill(7);
        let stored = serde_json::to_string(switch.state()).unwrap();
        assert_eq!(stored, r#"{"state":"tripped","reason":{"kind":"manual"},"at_ms":7}"#);
        let restored = KillSwitch::restored(serde_json::from_str(&stored).unwrap());
        assert_eq!(restored.state(), &SwitchState::Halted { reason: TripReason::Manual, at_ms: 7 });
        assert!(!restored.is_armed());
    }
}
