//! Market data, pure parts: decoding websocket frames and keeping the local books. The
//! feed actor (network, reconnects, routing) wraps these.

pub mod actor;
pub mod books;
pub mod coalesce;
pub mod connection;
pub mod decode;
pub mod live;
pub mod priority;
pub mod sync;
pub mod user;
pub mod user_live;
