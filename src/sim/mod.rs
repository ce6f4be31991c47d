//! The embedded venue (`polymm sim`): a Polymarket-compatible exchange on 127.0.0.1.
//!
//! | part | owns |
//! |---|---|
//! | [`engine`] | integer units and the price-time order book (pure) |
//! | [`venue`] | markets, accounts, order checks, matching, settlement, events (pure) |
//!
//! The venue speaks the same REST and websocket API as Polymarket's CLOB V2, verifies the
//! same signatures and headers, and drives synthetic order flow, so the daemon, the tests
//! and the official clients use it exactly as they would use the real venue.

pub(crate) mod agents;
pub(crate) mod auth;
pub(crate) mod engine;
pub(crate) mod faults;
pub(crate) mod heartbeat;
pub(crate) mod limits;
pub(crate) mod server;
pub(crate) mod tls;
pub(crate) mod venue;
pub(crate) mod verify;
pub(crate) mod wire;
pub(crate) mod world;

pub use agents::{ScenarioCatalog, ScenarioParams};
pub use engine::book::{Book, BookSide};
pub use engine::units::lots_decimal;
pub use faults::FaultSpec;
pub use server::{SimHandle, start, start_tls};
pub use tls::SimTls;
pub use venue::{AccountKind, FeeParams, MarketSpec, NewOrder, Venue, VenueRules};
pub use wire::{Outgoing, batch_messages, current_book};
pub use world::{SimOptions, SimWorld};
