//! Polymarket's CLOB V2 protocol: order signing (with presignatures), request bodies, API
//! authentication and the book-summary hash (pure, synchronous: bytes and headers), and the
//! network clients built on them: the REST client with its rate limits and start-up
//! patience, the TLS transport, websocket connections and the rules they keep
//! ([`connection`]), heartbeats and Gamma discovery.

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
