//! What the soak does to and reads from the embedded venue in-process: faults, a taker
//! that sweeps the daemon's quotes, and the venue's truth about our account at the end.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::audit::{Shares, VenueTruth};
use super::chaos::Chaos;
use crate::domain::{Address, OrderType, Outcome, Side};
use crate::sim::faults::{FaultAction, FaultSpec};
use crate::sim::server::SimHandle;
use crate::sim::venue::{AccountId, AccountKind, NewOrder};

/// pUSD base units per share.
const UNITS_PER_SHARE: u64 = 1_000_000;
/// Pairs the taker splits per market, lots (100,000 shares).
const TAKER_PAIRS: u64 = 10_000_000;

/// Applies a venue fault; `false` when `chaos` is not a venue fault.
pub fn apply_fault(venue: &SimHandle, chaos: Chaos) -> bool {
    venue.state.with_world(|world, now| {
        let faults = &mut world.faults;
        match chaos {
            Chaos::DropSockets => faults.trigger(FaultAction::DropWs, now),
            Chaos::Stall => faults.trigger(FaultAction::Stall, now),
            Chaos::EngineRestart => faults.trigger(FaultAction::Restart, now),
            Chaos::Throttle => faults.trigger(FaultAction::Throttle, now),
            Chaos::Messages { malformed, wrong_field, fragmented, lost } => faults.set_spec(
                FaultSpec { malformed, wrong_field, fragmented, lost, ..FaultSpec::default() },
                now,
            ),
            Chaos::Rest { http_5xx, latency_ms } => faults
                .set_spec(FaultSpec { http_5xx, latency: Some(latency_ms), ..FaultSpec::default() }, now),
            Chaos::Calm => {
                faults.set_spec(FaultSpec::default(), now);
                faults.trigger(FaultAction::Clear, now);
            }
            _ => return false,
        }
        true
    })
}

/// A taker account holding shares of every market, to sweep the daemon's quotes.
#[derive(Debug, Clone, Copy)]
pub struct Taker {
    account: AccountId,
}

impl Taker {
    /// Opens the taker and gives it shares of every market.
    pub fn open(venue: &SimHandle) -> Self {
        venue.state.with_world(|world, _| {
            let mut address = [0u8; 20];
            address[0] = 0x50;
            address[1] = 0xa4;
            let account = world.venue.open_account(
                Arc::from("soak-taker"),
                Address::from_bytes(address),
                AccountKind::Agent,
                u128::from(u64::MAX),
            );
            for market in 0..world.venue.markets().len() {
                let _ = world.venue.split(account, market as u32, TAKER_PAIRS);
            }
            Self { account }
        })
    }

    /// Sweeps the best bids (`sell`) or asks of `market`'s YES book for `shares`,
    /// fill-and-kill; whether anything traded.
    pub fn sweep(&self, venue: &SimHandle, market: u32, sell: bool, shares: u64) -> bool {
        venue.state.with_world(|world, now| {
            let before = world.venue.trades_of(self.account).count();
            let order = NewOrder {
                id: world.venue.agent_order_id(),
                account: self.account,
                maker_address: Address::ZERO,
                market,
                outcome: Outcome::Yes,
                side: if sell { Side::Sell } else { Side::Buy },
                price: if sell { 500 } else { 9_500 },
                lots: shares * 100,
                order_type: OrderType::Fak,
                post_only: false,
                expiration: 0,
            };
            let _ = world.venue.place(order, now);
            world.venue.trades_of(self.account).count() > before
        })
    }
}

/// Number of markets listed.
pub fn market_count(venue: &SimHandle) -> u32 {
    venue.state.with_world(|world, _| world.venue.markets().len() as u32)
}

/// The condition id of market `index`.
pub fn condition(venue: &SimHandle, index: u32) -> Option<String> {
    venue.state.with_world(|world, _| world.venue.market(index).map(|m| m.spec.condition_id.to_string()))
}

/// Our open orders at the venue.
pub fn open_orders(venue: &SimHandle) -> usize {
    venue.state.with_world(|world, _| {
        let Some(address) = world.test_accounts.first().map(|a| a.key.address()) else { return 0 };
        let Some(account) = world.venue.account_at(&address) else { return 0 };
        world.venue.open_orders(account, None, None).len()
    })
}

/// Our shares per market (markets where we hold none are left out).
pub fn shares(venue: &SimHandle) -> BTreeMap<String, Shares> {
    venue.state.with_world(|world, _| {
        let mut out = BTreeMap::new();
        let Some(address) = world.test_accounts.first().map(|a| a.key.address()) else { return out };
        let Some(account) = world.venue.account_at(&address).and_then(|id| world.venue.account(id)) else {
            return out;
        };
        for (index, market) in world.venue.markets().iter().enumerate() {
            let held = |outcome| {
                let units = account.position(index as u32, outcome).held;
                Decimal::from(u64::try_from(units).unwrap_or(u64::MAX)) / Decimal::from(UNITS_PER_SHARE)
            };
            let shares = Shares { yes: held(Outcome::Yes), no: held(Outcome::No) };
            if shares != Shares::default() {
                out.insert(market.spec.condition_id.to_string(), shares);
            }
        }
        out
    })
}

/// The venue's truth about our account, after the daemon stopped.
pub fn truth(venue: &SimHandle) -> VenueTruth {
    let fills = venue.state.with_world(|world, _| {
        let mut fills = BTreeMap::new();
        let Some(address) = world.test_accounts.first().map(|a| a.key.address()) else { return fills };
        let Some(account) = world.venue.account_at(&address) else { return fills };
        for trade in world.venue.trades_of(account) {
            if trade.taker == account {
                fills.insert((trade.id.clone(), trade.taker_order.to_string()), false);
            }
            for maker in trade.makers.iter().filter(|m| m.account == account) {
                fills.insert((trade.id.clone(), maker.order_id.to_string()), false);
            }
        }
        fills
    });
    VenueTruth { shares: shares(venue), open_orders_after_stop: open_orders(venue), fills }
}
