//! Synthetic order flow: each market runs a scenario (hidden fundamental, noise traders,
//! informed traders, rival market makers, spikes, resolution). Pure: the server calls
//! [`FlowDriver::step`] on a timer with the venue locked; tests call it with a fake clock.

mod flow;
pub(crate) mod fundamental;
pub(crate) mod scenario;

use std::sync::Arc;

use crate::domain::Address;
use crate::sim::venue::{AccountId, AccountKind, Venue};

pub use flow::MarketFlow;
pub use scenario::{ScenarioCatalog, ScenarioParams};

/// The agents' venue accounts (shared by every market).
#[derive(Debug, Clone)]
pub struct AgentAccounts {
    /// Noise traders.
    pub noise: AccountId,
    /// Informed traders.
    pub informed: AccountId,
    /// Rival market makers.
    pub rivals: Vec<AccountId>,
}

/// pUSD (base units) each agent account starts with: effectively unlimited.
const AGENT_COLLATERAL: u128 = 1_000_000_000_000_000;
/// Pairs each agent splits per market at listing, lots (1,000,000 shares).
const AGENT_PAIRS: u64 = 100_000_000;

impl AgentAccounts {
    /// Opens the agent accounts with `rivals` rival makers.
    pub fn open(venue: &mut Venue, rivals: u32) -> Self {
        let mut open = |label: String, tag: u8, index: u32| {
            let mut bytes = [0u8; 20];
            bytes[0] = 0xa9;
            bytes[1] = tag;
            bytes[16..].copy_from_slice(&index.to_be_bytes());
            venue.open_account(
                Arc::from(label),
                Address::from_bytes(bytes),
                AccountKind::Agent,
                AGENT_COLLATERAL,
            )
        };
        let noise = open("sim-noise".into(), 1, 0);
        let informed = open("sim-informed".into(), 2, 0);
        let rivals = (0..rivals).map(|i| open(format!("sim-rival-{i}"), 3, i)).collect();
        Self { noise, informed, rivals }
    }

    /// Gives every agent inventory in a newly listed market.
    pub fn stock(&self, venue: &mut Venue, market: u32) {
        for account in [self.noise, self.informed].iter().chain(&self.rivals) {
            let _ = venue.split(*account, market, AGENT_PAIRS);
        }
    }
}

/// Every market's flow.
#[derive(Debug)]
pub struct FlowDriver {
    accounts: AgentAccounts,
    flows: Vec<MarketFlow>,
}

impl FlowDriver {
    /// A driver over `flows`, trading through `accounts`.
    pub fn new(accounts: AgentAccounts, flows: Vec<MarketFlow>) -> Self {
        Self { accounts, flows }
    }

    /// Lets every market act at `now_ms`.
    pub fn step(&mut self, venue: &mut Venue, now_ms: u64) {
        for flow in &mut self.flows {
            flow.step(venue, &self.accounts, now_ms);
        }
    }

    /// The hidden probability of each market, by index.
    pub fn fundamentals(&self) -> Vec<f64> {
        self.flows.iter().map(MarketFlow::fundamental).collect()
    }

    /// The agents' accounts.
    pub fn accounts(&self) -> &AgentAccounts {
        &self.accounts
    }
}
