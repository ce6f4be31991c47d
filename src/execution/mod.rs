//! Order execution: the order path a market's placements and cancels take (the risk desk's
//! verdict, the signature, the request), the sender that signs and sends (or routes to
//! paper) with its supply of presignatures, the actor for reconciliation, balance and
//! cancel-all, the paper exchange, its fill model and the paper account.

pub mod actor;
pub mod messages;
pub mod order_path;
pub mod paper;
pub mod paper_exchange;
pub mod paper_link;
pub mod paper_venue;
pub mod presignatures;
pub mod reconcile;
pub mod sender;
