//! The kill switch: its pure state machine ([`state`]), the balance watch ([`balance`]) and
//! the actor that feeds them and carries out a halt ([`actor`], receiving [`messages`]).

pub(crate) mod actor;
pub(crate) mod balance;
pub(crate) mod messages;
pub(crate) mod state;

pub use state::{KillSwitch, SwitchAction, SwitchLimits, SwitchState, TripReason};
