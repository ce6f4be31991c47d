//! What the feed actor receives: from the director, where a market started anew now lives
//! and that it needs its book at once.

use actix::prelude::*;

use super::actor::MarketInbox;
use crate::domain::ConditionId;
use crate::domain::MarketSetup;

/// Send this market's events to a new address.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Reroute {
    /// The market.
    pub setup: MarketSetup,
    /// Its new actor's inbox.
    pub inbox: MarketInbox,
}

/// Send this market its book now (it restarted and knows nothing).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct ResendBook(pub ConditionId);
