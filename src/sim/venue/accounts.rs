//! Venue accounts: pUSD collateral and outcome-token positions, with what open orders
//! reserve. Every amount is in 6-decimal base units (tokens too), so one lot of shares is
//! 10,000 units. Free balance = held − reserved; an order is only accepted when the free
//! balance covers it, so reservations can never exceed holdings.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::{Address, Outcome};
use crate::sim::engine::units::{BASE_UNITS_PER_LOT, Lots};

/// An account's index in the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub u32);

/// Who trades through an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// An API client (authenticated over HTTP).
    Client,
    /// A synthetic trader driven by the venue.
    Agent,
}

/// A held amount and the part of it that open orders reserve, base units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holding {
    /// Owned.
    pub held: u128,
    /// Reserved by open orders.
    pub reserved: u128,
}

impl Holding {
    /// Owned and not reserved.
    pub fn free(&self) -> u128 {
        self.held.saturating_sub(self.reserved)
    }
}

/// One account.
#[derive(Debug, Clone)]
pub struct Account {
    /// The owner label shown in orders and trades (the API key for clients).
    pub owner: Arc<str>,
    /// The address funds are attributed to (the signer EOA, or the funder it trades for).
    pub address: Address,
    /// Client or agent.
    pub kind: AccountKind,
    /// pUSD.
    pub collateral: Holding,
    /// Outcome tokens by (market index, outcome).
    pub positions: BTreeMap<(u32, Outcome), Holding>,
}

impl Account {
    /// A new account holding `collateral` base units.
    pub fn new(owner: Arc<str>, address: Address, kind: AccountKind, collateral: u128) -> Self {
        Self {
            owner,
            address,
            kind,
            collateral: Holding { held: collateral, reserved: 0 },
            positions: BTreeMap::new(),
        }
    }

    /// The position in one token.
    pub fn position(&self, market: u32, outcome: Outcome) -> Holding {
        self.positions.get(&(market, outcome)).copied().unwrap_or_default()
    }

    /// The position in one token, for update.
    pub fn position_mut(&mut self, market: u32, outcome: Outcome) -> &mut Holding {
        self.positions.entry((market, outcome)).or_default()
    }

    /// Free shares of one token, in whole lots.
    pub fn free_lots(&self, market: u32, outcome: Outcome) -> Lots {
        let free = self.position(market, outcome).free() / u128::from(BASE_UNITS_PER_LOT);
        u64::try_from(free).unwrap_or(u64::MAX)
    }
}

/// Base units of `lots` shares.
pub fn lot_units(lots: Lots) -> u128 {
    u128::from(lots) * u128::from(BASE_UNITS_PER_LOT)
}
