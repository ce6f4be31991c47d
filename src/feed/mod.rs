//! Market and user data: decoding frames, the local books with gap detection, the venue's
//! hashes and rolling REST spot checks (pure), the live feeds that drive them over the
//! venue's connections, and the feed actor that routes what they deliver to the markets.

pub mod actor;
pub mod books;
pub mod coalesce;
pub mod decode;
pub mod hashes;
pub mod live;
pub mod messages;
pub mod priority;
pub mod sync;
pub mod user;
pub mod user_live;
pub mod user_spot;

/// A map keyed by token id on the feed's hot path: the 77-character ids are hashed several
/// times per frame, so with a fast (randomly seeded) hash rather than SipHash.
pub type TokenMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
