//! Order execution: the order path a market's placements and cancels take (the risk desk's
//! verdict, the signature, the request), the sender that signs and sends (or routes to
//! paper) with its supply of presignatures, the actor for reconciliation, balance and
//! cancel-all, the paper exchange, its fill model and the paper account.

pub(crate) mod actor;
pub(crate) mod messages;
pub(crate) mod order_path;
pub(crate) mod paper;
pub(crate) mod paper_exchange;
pub(crate) mod paper_link;
pub(crate) mod paper_venue;
pub(crate) mod presignatures;
pub(crate) mod reconcile;
pub(crate) mod sender;

pub use messages::GetLatency;
pub use reconcile::{Target, read_account, split};
