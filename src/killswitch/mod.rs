//! The kill switch: its pure state machine ([`state`]), the balance watch ([`balance`]) and
//! the actor that feeds them and carries out a halt ([`actor`], receiving [`messages`]).

pub mod actor;
pub mod balance;
pub mod messages;
pub mod state;

pub use state::{KillSwitch, SwitchAction, SwitchLimits, SwitchState, TripReason};
