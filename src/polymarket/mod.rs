//! Polymarket's CLOB V2 protocol: order signing, request bodies and API authentication.
//!
//! Pure and synchronous: this module builds bytes and headers, it does not send them.
//! The network clients (REST, websockets, Gamma) come later and use these pieces.

pub mod amounts;
pub mod auth;
pub mod body;
pub mod book_hash;
pub mod client;
pub mod connection;
pub mod contracts;
pub mod eip712;
pub mod error;
pub mod gamma;
pub mod heartbeat;
pub mod order;
pub mod poly1271;
pub mod presign;
pub mod ratelimit;
pub mod signer;
pub mod transport;
pub mod ws;

pub use auth::{ApiCreds, L1Headers, L2Headers};
pub use contracts::{Chain, ExchangeTarget, ExchangeVersion, SignatureType};
pub use error::PolymarketError;
pub use order::{OrderSignature, OrderSigner, OrderSpec, OrderStamp, Quantity, SignedOrder};
pub use presign::Presignature;
pub use signer::KeySigner;
pub use transport::{Transport, TransportError};
