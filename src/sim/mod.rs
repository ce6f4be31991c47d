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

pub mod agents;
pub mod auth;
pub mod engine;
pub mod faults;
pub mod heartbeat;
pub mod limits;
pub mod server;
pub mod tls;
pub mod venue;
pub mod verify;
pub mod wire;
pub mod world;
