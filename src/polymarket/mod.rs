//! Polymarket's CLOB V2 protocol: order signing (with presignatures), request bodies, API
//! authentication and the book-summary hash (pure, synchronous: bytes and headers), and the
//! network clients built on them: the REST client with its rate limits and start-up
//! patience, the TLS transport, websocket connections and the rules they keep
//! ([`connection`]), heartbeats and Gamma discovery.

pub(crate) mod amounts;
pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod book_hash;
pub(crate) mod client;
pub(crate) mod connection;
pub(crate) mod contracts;
pub(crate) mod eip712;
pub(crate) mod error;
pub(crate) mod gamma;
pub(crate) mod heartbeat;
pub(crate) mod order;
pub(crate) mod poly1271;
pub(crate) mod presign;
pub(crate) mod ratelimit;
pub(crate) mod signer;
pub(crate) mod transport;
pub(crate) mod ws;

pub use amounts::{FeeSchedule, fee_adjusted_buy_amount};
pub use auth::{ApiCreds, L1Headers, L2Headers, hmac_signature, l1_digest, l2_message};
pub use body::{batch_body, cancel_body, heartbeat_body, order_body};
pub use client::{ClientError, ClobClient, RetryPolicy};
pub use connection::WsEvent;
pub use contracts::{Chain, ExchangeTarget, ExchangeVersion, SignatureType};
pub use eip712::{clob_auth_domain_separator, clob_auth_struct_hash, order_typehash, typed_digest};
pub use error::PolymarketError;
pub use gamma::{MarketInfo, RewardTerms, discover};
pub use heartbeat::{HeartbeatEvent, spawn_heartbeats};
pub use order::{OrderSignature, OrderSigner, OrderSpec, OrderStamp, Quantity, SignedOrder};
pub use poly1271::signed_digest;
pub use presign::Presignature;
pub use signer::KeySigner;
pub use transport::{Transport, TransportError};
pub use ws::{WsConfig, frame_text};
