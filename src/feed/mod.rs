//! Market and user data: decoding frames, the local books with gap detection, the venue's
//! hashes and rolling REST spot checks (pure), the live feeds that drive them over the
//! venue's connections, and the feed actor that routes what they deliver to the markets.

pub(crate) mod actor;
pub(crate) mod books;
pub(crate) mod coalesce;
pub(crate) mod decode;
pub(crate) mod hashes;
pub(crate) mod live;
pub(crate) mod messages;
pub(crate) mod priority;
pub(crate) mod sync;
pub(crate) mod user;
pub(crate) mod user_live;
pub(crate) mod user_source;
pub(crate) mod user_spot;

pub use books::{Applied, BookSet, Gap, SharedBooks};
pub use decode::{MarketEvent, decode_market};
pub use hashes::{HashWatch, Recipe};
pub use live::{FeedConfig, LiveFeed};
pub use sync::MarketData;
pub use user::decode_user;
pub use user_live::LiveUser;

/// A map keyed by token id on the feed's hot path: the 77-character ids are hashed several
/// times per frame, so with a fast (randomly seeded) hash rather than SipHash.
pub type TokenMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
