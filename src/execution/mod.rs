//! Order execution: the actor that signs and sends (or routes to paper), its supply of
//! presignatures, the paper exchange, its fill model and the paper account.

pub mod actor;
pub mod paper;
pub mod paper_exchange;
pub mod paper_link;
pub mod paper_venue;
pub mod presignatures;
pub mod reconcile;
