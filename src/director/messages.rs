//! What the director receives: the operator's requests about markets, the kill switch's
//! halts, the markets' restarts, and where the feed is.

use actix::prelude::*;

use super::{ControlRefusal, DirectedMarket};
use crate::domain::ConditionId;
use crate::feed::messages::{Reroute, ResendBook};

/// Enable or disable one market.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "Result<(), ControlRefusal>")]
pub struct SetMarketEnabled {
    /// Market.
    pub market: ConditionId,
    /// Quote it or not.
    pub enabled: bool,
}

/// Make one market's actor panic (sim mode only), inside its handler boundary (its
/// supervisor restarts it) or, when `unguarded`, outside it (the director's watch does).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "Result<(), ControlRefusal>")]
pub struct CrashMarket {
    /// The market.
    pub market: ConditionId,
    /// Panic outside the handler boundary.
    pub unguarded: bool,
}

/// Every market's status.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "Vec<DirectedMarket>")]
pub struct ListMarkets;

/// Freeze every market (shutdown: the daemon cancels everything in one request).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct FreezeAll;

/// Tells the director where the feed actor is, so a market started anew gets its events.
#[derive(Message)]
#[rtype(result = "()")]
pub struct AttachFeed {
    /// Sends a market's events to its new actor.
    pub reroute: Recipient<Reroute>,
    /// Sends a market its book at once.
    pub resend: Recipient<ResendBook>,
}

/// The kill switch halted every market, or the operator resumed them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub enum HaltMarkets {
    /// Cancel and stop quoting until resumed.
    Halt,
    /// Quote again.
    Resume,
}

/// A market actor restarted.
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "()")]
pub struct MarketRestarted(pub ConditionId);
