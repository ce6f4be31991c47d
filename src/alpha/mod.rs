//! Pure market signals, each a small tracker fed with what the market sees and asked for
//! its reading: parity arbitrage ([`arbitrage`]), order-flow imbalance ([`flow`]),
//! competing makers ([`competitors`]), resolution and volume events ([`events`]), the
//! liquidity regime ([`regime`]), time-of-day activity ([`time_of_day`]) and the YES/NO
//! pair's consistency ([`pairs`]). No actix, awc or tokio; `now` is passed in.

pub mod arbitrage;
pub mod competitors;
pub mod events;
pub mod flow;
pub mod pairs;
pub mod regime;
pub mod time_of_day;
