//! Pure market signals, each a small tracker fed with what the market sees and asked for
//! its reading: order-flow imbalance ([`flow`]), competing makers ([`competitors`]),
//! resolution and volume events ([`events`]), the liquidity regime ([`regime`]) and
//! time-of-day activity ([`time_of_day`]). No actix, awc or tokio; `now` is passed in.

pub(crate) mod competitors;
pub(crate) mod events;
pub(crate) mod flow;
pub(crate) mod regime;
pub(crate) mod time_of_day;
