//! The kill switch. For now its pure state machine; the actor that feeds it and carries out
//! its halts comes with the daemon.

pub mod state;

pub use state::{KillSwitch, SwitchAction, SwitchLimits, SwitchState, TripReason};
