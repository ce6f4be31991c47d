//! What the risk actor receives: the kill switch's state and the day's P&L (from the kill
//! switch, on its own thread), and the correlation refreshes done on the risk thread.

use actix::Message;
use rust_decimal::Decimal;

use super::correlation::Refreshed;

/// The kill switch changed state: the gate passes orders only while it is armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub enum SwitchChanged {
    /// Armed: orders may pass.
    Armed,
    /// Tripped or not yet resumed: every order is refused.
    Halted,
}

/// The day's P&L changed (marks and fills, from the kill switch's ledger): at the
/// daily-loss limit the gate passes only orders that reduce a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub struct DayPnlChanged(pub Decimal);

/// A sample and refresh done on the risk thread.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(super) struct CorrelationRefreshed(pub(super) Refreshed);

/// The risk thread panicked on a refresh: the co-movement it held is gone.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub(super) struct CorrelationLost;
