//! The exchange itself, as a pure state machine: markets, accounts, orders, matching,
//! settlement and the event outbox. No I/O and no clock: every call takes `now`.
//!
//! The HTTP server and the synthetic traders both drive this one type; the server holds it
//! behind a lock and turns the outbox into websocket messages.

mod accounts;
mod cancel;
mod events;
mod market;
mod orders;
mod place;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use rust_decimal::Decimal;

pub use accounts::{Account, AccountId, AccountKind, lot_units};
pub use cancel::CancelOutcome;
pub use events::{OrderEventKind, VenueEvent};
#[cfg(test)]
pub use market::LastTrade;
pub use market::{BookView, FeeParams, MarketSpec, MarketState, MarketStatus, RewardParams, mirror_top};
pub use orders::{NewOrder, OrderRecord, OrderStatus, Reject, TradeRecord, TradeStatus};
pub use place::fee_bps;

use crate::crypto::keccak256_parts;
use crate::domain::{Address, ConditionId, OrderId, Outcome, TokenId};
use crate::sim::engine::units::{Lots, Ticks};

/// Timing rules of the venue.
#[derive(Debug, Clone, Copy)]
pub struct VenueRules {
    /// A trade is reported MINED this long after matching, ms.
    pub mined_after_ms: u64,
    /// And CONFIRMED this long after matching, ms.
    pub confirmed_after_ms: u64,
    /// A GTD order must expire at least this far in the future, seconds.
    pub gtd_min_lead_secs: u64,
}

impl Default for VenueRules {
    fn default() -> Self {
        Self { mined_after_ms: 1_000, confirmed_after_ms: 3_000, gtd_min_lead_secs: 60 }
    }
}

/// The venue.
#[derive(Debug)]
pub struct Venue {
    rules: VenueRules,
    seed: u64,
    markets: Vec<MarketState>,
    tokens: HashMap<TokenId, (u32, Outcome)>,
    conditions: HashMap<ConditionId, u32>,
    accounts: Vec<Account>,
    addresses: HashMap<Address, AccountId>,
    orders: HashMap<u64, OrderRecord>,
    ids: HashMap<OrderId, u64>,
    open: BTreeSet<u64>,
    open_by_account: HashMap<AccountId, BTreeSet<u64>>,
    expiring: BTreeSet<(u64, u64)>,
    trades: Vec<TradeRecord>,
    unsettled: VecDeque<usize>,
    next_key: u64,
    trade_seq: u64,
    outbox: Vec<VenueEvent>,
}

impl Venue {
    /// An empty venue; `seed` makes generated ids reproducible.
    pub fn new(rules: VenueRules, seed: u64) -> Self {
        Self {
            rules,
            seed,
            markets: Vec::new(),
            tokens: HashMap::new(),
            conditions: HashMap::new(),
            accounts: Vec::new(),
            addresses: HashMap::new(),
            orders: HashMap::new(),
            ids: HashMap::new(),
            open: BTreeSet::new(),
            open_by_account: HashMap::new(),
            expiring: BTreeSet::new(),
            trades: Vec::new(),
            unsettled: VecDeque::new(),
            next_key: 1,
            trade_seq: 0,
            outbox: Vec::new(),
        }
    }

    /// Lists a market; returns its index.
    pub fn list_market(&mut self, spec: MarketSpec) -> u32 {
        let index = u32::try_from(self.markets.len()).unwrap_or(u32::MAX);
        self.tokens.insert(spec.yes.clone(), (index, Outcome::Yes));
        self.tokens.insert(spec.no.clone(), (index, Outcome::No));
        self.conditions.insert(spec.condition_id, index);
        self.markets.push(MarketState::new(spec));
        index
    }

    /// Every market, by index.
    pub fn markets(&self) -> &[MarketState] {
        &self.markets
    }

    /// One market.
    pub fn market(&self, index: u32) -> Option<&MarketState> {
        self.markets.get(index as usize)
    }

    /// The market and outcome of a token.
    pub fn token(&self, token: &TokenId) -> Option<(u32, Outcome)> {
        self.tokens.get(token).copied()
    }

    /// The market with this condition id.
    pub fn condition(&self, condition: &ConditionId) -> Option<u32> {
        self.conditions.get(condition).copied()
    }

    /// Opens an account, or returns the one already at `address`.
    pub fn open_account(
        &mut self,
        owner: Arc<str>,
        address: Address,
        kind: AccountKind,
        collateral: u128,
    ) -> AccountId {
        if let Some(id) = self.addresses.get(&address) {
            return *id;
        }
        let id = AccountId(u32::try_from(self.accounts.len()).unwrap_or(u32::MAX));
        self.accounts.push(Account::new(owner, address, kind, collateral));
        self.addresses.insert(address, id);
        id
    }

    /// The account at `address`.
    pub fn account_at(&self, address: &Address) -> Option<AccountId> {
        self.addresses.get(address).copied()
    }

    /// One account.
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(id.0 as usize)
    }

    fn account_mut(&mut self, id: AccountId) -> &mut Account {
        &mut self.accounts[id.0 as usize]
    }

    /// Adds `units` of pUSD to an account (sim only).
    pub fn fund(&mut self, id: AccountId, units: u128) -> bool {
        match self.accounts.get_mut(id.0 as usize) {
            Some(account) => {
                account.collateral.held += units;
                true
            }
            None => false,
        }
    }

    /// Takes `units` of free pUSD out of an account, as a transfer out of the venue would
    /// (sim only: it tests the balance watch); `false` if the account or the funds are not
    /// there.
    pub fn withdraw(&mut self, id: AccountId, units: u128) -> bool {
        match self.accounts.get_mut(id.0 as usize) {
            Some(account) if account.collateral.free() >= units => {
                account.collateral.held -= units;
                true
            }
            _ => false,
        }
    }

    /// Turns `lots` × 1 pUSD into `lots` YES plus `lots` NO (sim only).
    pub fn split(&mut self, id: AccountId, market: u32, lots: Lots) -> Result<(), Reject> {
        let cost = lot_units(lots);
        self.check_open(market)?;
        let account = self.accounts.get_mut(id.0 as usize).ok_or(Reject::Balance)?;
        if account.collateral.free() < cost {
            return Err(Reject::Balance);
        }
        account.collateral.held -= cost;
        account.position_mut(market, Outcome::Yes).held += cost;
        account.position_mut(market, Outcome::No).held += cost;
        Ok(())
    }

    /// Turns `lots` YES plus `lots` NO back into `lots` × 1 pUSD (sim only).
    pub fn merge(&mut self, id: AccountId, market: u32, lots: Lots) -> Result<(), Reject> {
        let units = lot_units(lots);
        self.check_open(market)?;
        let account = self.accounts.get_mut(id.0 as usize).ok_or(Reject::Balance)?;
        if account.free_lots(market, Outcome::Yes) < lots || account.free_lots(market, Outcome::No) < lots {
            return Err(Reject::Balance);
        }
        account.position_mut(market, Outcome::Yes).held -= units;
        account.position_mut(market, Outcome::No).held -= units;
        account.collateral.held += units;
        Ok(())
    }

    fn check_open(&self, market: u32) -> Result<&MarketState, Reject> {
        match self.markets.get(market as usize) {
            Some(state) if state.status == MarketStatus::Open => Ok(state),
            Some(_) => Err(Reject::MarketClosed),
            None => Err(Reject::UnknownToken),
        }
    }

    /// An order by hash (open or closed; closed agent orders are forgotten).
    pub fn order(&self, id: &OrderId) -> Option<&OrderRecord> {
        self.ids.get(id).and_then(|key| self.orders.get(key))
    }

    /// Open orders of `account`, oldest first, filtered by market and token.
    pub fn open_orders(
        &self,
        account: AccountId,
        market: Option<u32>,
        outcome: Option<Outcome>,
    ) -> Vec<&OrderRecord> {
        self.open_by_account
            .get(&account)
            .into_iter()
            .flatten()
            .filter_map(|key| self.orders.get(key))
            .filter(|record| market.is_none_or(|m| record.order.market == m))
            .filter(|record| outcome.is_none_or(|o| record.order.outcome == o))
            .collect()
    }

    /// Every open order (for the synthetic traders and tests).
    pub fn open_order_count(&self) -> usize {
        self.open.len()
    }

    /// Trades that involve `account`, oldest first.
    pub fn trades_of(&self, account: AccountId) -> impl DoubleEndedIterator<Item = &TradeRecord> {
        self.trades.iter().filter(move |trade| trade.involves(account))
    }

    /// One trade by log index.
    pub fn trade(&self, index: usize) -> Option<&TradeRecord> {
        self.trades.get(index)
    }

    /// Takes the events produced since the last call.
    pub fn drain_events(&mut self) -> Vec<VenueEvent> {
        std::mem::take(&mut self.outbox)
    }

    /// Fee in base units for `lots` at `price` under `fees`: `shares × rate × (p(1−p))^e`,
    /// floored to 5 decimals.
    pub fn fee(fees: &FeeParams, price: Ticks, lots: Lots) -> u128 {
        if fees.rate.is_zero() || lots == 0 {
            return 0;
        }
        let p = crate::sim::engine::units::price_decimal(price);
        let base = p * (Decimal::ONE - p);
        let mut factor = Decimal::ONE;
        for _ in 0..fees.exponent {
            factor *= base;
        }
        let fee = crate::sim::engine::units::lots_decimal(lots) * fees.rate * factor;
        let floored = crate::domain::price::floor_dp(fee, 5);
        crate::domain::size::to_base_units(floored).unwrap_or(0)
    }

    fn generated_id(&self, domain: &[u8], sequence: u64) -> [u8; 32] {
        keccak256_parts(&[domain, &self.seed.to_be_bytes(), &sequence.to_be_bytes()])
    }

    fn next_trade_id(&mut self) -> (String, [u8; 32]) {
        self.trade_seq += 1;
        let bytes = self.generated_id(b"trade", self.trade_seq);
        let tx = self.generated_id(b"tx", self.trade_seq);
        (uuid_text(&bytes), tx)
    }

    /// A deterministic order hash for an agent order (agents do not sign).
    pub fn agent_order_id(&self) -> OrderId {
        OrderId::from_bytes(self.generated_id(b"agent-order", self.next_key))
    }
}

/// `bytes` formatted as a version-4 style UUID.
pub fn uuid_text(bytes: &[u8; 32]) -> String {
    let hex = hex::encode(&bytes[..16]);
    format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

#[cfg(test)]
mod tests;
