//! Everything the embedded venue is, apart from HTTP: the exchange, its synthetic traders,
//! issued API keys, faults, rate limits and heartbeats, stepped by one clock. The server
//! holds one `SimWorld` behind a lock; tests and the strategy comparison drive it directly.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::crypto::keccak256_parts;
use crate::domain::{Address, size::to_base_units};
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::contracts::Chain;
use crate::polymarket::signer::KeySigner;
use crate::secret::Secret;
use crate::sim::engine::units::lots_from_decimal;

use super::agents::{AgentAccounts, FlowDriver, MarketFlow, ScenarioCatalog};
use super::auth::KeyStore;
use super::faults::{FaultSpec, Faults};
use super::heartbeat::Heartbeats;
use super::limits::{RateLimiter, Tier};
use super::venue::{AccountId, AccountKind, FeeParams, MarketSpec, RewardParams, Venue, VenueRules};

/// How to build a world.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Scenario name, or `mixed`.
    pub scenario: String,
    /// Seed of every random draw.
    pub seed: u64,
    /// Number of markets listed.
    pub markets: u32,
    /// pUSD every new client account starts with.
    pub starting_balance: Decimal,
    /// Injected faults.
    pub faults: FaultSpec,
    /// Heartbeat window, ms.
    pub heartbeat_window_ms: u64,
    /// Allowed clock skew of signed requests, seconds.
    pub auth_window_secs: u64,
    /// Chain the venue verifies signatures for.
    pub chain: Chain,
    /// Generated test accounts.
    pub test_accounts: u32,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            scenario: "calm".into(),
            seed: 42,
            markets: 4,
            starting_balance: Decimal::from(10_000),
            faults: FaultSpec::default(),
            heartbeat_window_ms: 10_000,
            auth_window_secs: 30,
            chain: Chain::Polygon,
            test_accounts: 1,
        }
    }
}

/// Why a world could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// The scenario is not configured.
    #[error("unknown scenario {name:?}; known: {known}")]
    UnknownScenario {
        /// What was asked for.
        name: String,
        /// What exists.
        known: String,
    },
    /// A scenario or option value the venue cannot use.
    #[error("invalid sim setting: {0}")]
    Invalid(String),
}

/// A generated test account: key and API credentials (throwaway, sim only).
#[derive(Debug, Clone)]
pub struct TestAccount {
    /// The private key.
    pub key: KeySigner,
    /// Its API credentials (nonce 0).
    pub creds: ApiCreds,
}

/// The venue and everything around it.
#[derive(Debug)]
pub struct SimWorld {
    /// The exchange.
    pub venue: Venue,
    /// Synthetic traders.
    pub flow: FlowDriver,
    /// Issued API keys.
    pub keys: KeyStore,
    /// Fault state.
    pub faults: Faults,
    /// Per-signer rate limits.
    pub limiter: RateLimiter,
    /// Heartbeat chains.
    pub heartbeats: Heartbeats,
    /// Chain signatures are verified for.
    pub chain: Chain,
    /// Starting pUSD of new accounts, base units.
    pub starting_units: u128,
    /// Generated test accounts.
    pub test_accounts: Vec<TestAccount>,
    /// Scenario of each market, by index.
    pub scenario_names: Vec<String>,
}

impl SimWorld {
    /// Lists the markets, opens the agents and test accounts.
    pub fn build(options: &SimOptions, catalog: &ScenarioCatalog, now_ms: u64) -> Result<Self, SimError> {
        let starting_units = to_base_units(options.starting_balance).ok_or_else(|| {
            SimError::Invalid("starting balance must be ≥ 0 with at most 6 decimals".into())
        })?;
        let mut venue = Venue::new(VenueRules::default(), options.seed);
        let max_rivals = (0..options.markets)
            .filter_map(|i| catalog.for_market(&options.scenario, i))
            .map(|(_, p)| p.rival_makers)
            .max()
            .unwrap_or(0);
        let agents = AgentAccounts::open(&mut venue, max_rivals);
        let mut flows = Vec::new();
        let mut scenario_names = Vec::new();
        for index in 0..options.markets {
            let (name, params) =
                catalog.for_market(&options.scenario, index).ok_or_else(|| SimError::UnknownScenario {
                    name: options.scenario.clone(),
                    known: catalog.names().join(", "),
                })?;
            let resolve_at = if params.resolve_after_secs == 0 {
                u64::MAX
            } else {
                now_ms + params.resolve_after_secs * 1_000
            };
            let end_ms = if resolve_at == u64::MAX { now_ms + 30 * 86_400_000 } else { resolve_at };
            let spec = market_spec(options.seed, index, name, params, end_ms)?;
            let market = venue.list_market(spec);
            agents.stock(&mut venue, market);
            flows.push(MarketFlow::new(market, params.clone(), options.seed, now_ms, resolve_at));
            scenario_names.push(name.to_owned());
        }
        let mut keys = KeyStore::new(options.seed, options.chain.id(), options.auth_window_secs);
        let mut test_accounts = Vec::new();
        for index in 0..options.test_accounts {
            let secret = keccak256_parts(&[
                b"polymm-sim-test-account",
                &options.seed.to_be_bytes(),
                &index.to_be_bytes(),
            ]);
            let key = KeySigner::from_secret(&Secret::new(hex::encode(secret)))
                .map_err(|e| SimError::Invalid(format!("test key: {e}")))?;
            let issued = keys.issue(key.address(), 0);
            venue.open_account(
                Arc::from(issued.creds.api_key.as_str()),
                key.address(),
                AccountKind::Client,
                starting_units,
            );
            test_accounts.push(TestAccount { key, creds: issued.creds });
        }
        Ok(Self {
            venue,
            flow: FlowDriver::new(agents, flows),
            keys,
            faults: Faults::new(options.faults.clone(), now_ms),
            limiter: RateLimiter::new(Tier::STANDARD),
            heartbeats: Heartbeats::new(options.heartbeat_window_ms),
            chain: options.chain,
            starting_units,
            test_accounts,
            scenario_names,
        })
    }

    /// Advances agents and venue housekeeping to `now_ms`; enforces the dead-man switch.
    pub fn step(&mut self, now_ms: u64) {
        self.flow.step(&mut self.venue, now_ms);
        self.venue.housekeeping(now_ms);
        for account in self.heartbeats.lapsed(now_ms) {
            self.venue.cancel_all(account);
        }
    }

    /// The client account of an API key's address, opened with the starting balance on
    /// first use.
    pub fn client_account(&mut self, api_key: &str, address: Address) -> AccountId {
        self.venue.open_account(Arc::from(api_key), address, AccountKind::Client, self.starting_units)
    }
}

fn market_spec(
    seed: u64,
    index: u32,
    scenario: &str,
    params: &super::agents::ScenarioParams,
    end_ms: u64,
) -> Result<MarketSpec, SimError> {
    let (condition_id, question_id, yes, no) = MarketSpec::ids(seed, index);
    let min_size = lots_from_decimal(params.min_size).filter(|lots| *lots > 0).ok_or_else(|| {
        SimError::Invalid(format!("scenario {scenario}: min_size must be > 0 with ≤ 2 decimals"))
    })?;
    let rewards = (!params.reward_daily_rate.is_zero()).then_some(RewardParams {
        min_size: params.reward_min_size,
        max_spread_cents: params.reward_max_spread_cents,
        daily_rate: params.reward_daily_rate,
    });
    Ok(MarketSpec {
        condition_id,
        question_id,
        gamma_id: 500_000 + u64::from(index),
        question: format!("Will simulated {scenario} event #{index} happen?"),
        slug: format!("sim-{scenario}-{index:03}"),
        event_slug: format!("sim-event-{}", index / 4),
        yes,
        no,
        tick: params.tick,
        min_size,
        neg_risk: params.neg_risk,
        fees: FeeParams { rate: params.fee_rate, exponent: 1, taker_only: true },
        rewards,
        end_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::agents::ScenarioParams;

    fn catalog() -> ScenarioCatalog {
        let jumpy = ScenarioParams {
            jump_rate_per_hour: 30.0,
            jump_size: 0.8,
            informed_rate: 2.0,
            informed_size: 30.0,
            informed_lead_secs: 5.0,
            ..ScenarioParams::calm()
        };
        let resolving = ScenarioParams { resolve_after_secs: 120, ..ScenarioParams::calm() };
        ScenarioCatalog::new(vec![
            ("calm".into(), ScenarioParams::calm()),
            ("jumpy".into(), jumpy),
            ("resolving".into(), resolving),
        ])
    }

    fn run(seed: u64) -> (SimWorld, usize) {
        let options = SimOptions { scenario: "mixed".into(), seed, markets: 3, ..SimOptions::default() };
        let mut world = SimWorld::build(&options, &catalog(), 0).unwrap();
        let mut events = 0;
        for step in 1..=3_000u64 {
            world.step(step * 100);
            events += world.venue.drain_events().len();
        }
        (world, events)
    }

    #[test]
    fn mixed_markets_trade_move_and_resolve() {
        let (world, events) = run(7);
        assert!(events > 1_000, "{events} events in five simulated minutes");
        for index in 0..2 {
            let market = world.venue.market(index).unwrap();
            assert!(market.volume_lots > 0, "market {index} traded");
            assert!(
                market.token_mid_x2(crate::domain::Outcome::Yes).is_some(),
                "market {index} has two sides"
            );
        }
        assert!(!world.venue.is_open(2), "the resolving market resolved after two minutes");
    }

    #[test]
    fn same_seed_same_market() {
        let (a, _) = run(11);
        let (b, _) = run(11);
        let (c, _) = run(12);
        let volumes =
            |w: &SimWorld| (0..3).map(|i| w.venue.market(i).unwrap().volume_lots).collect::<Vec<_>>();
        assert_eq!(volumes(&a), volumes(&b));
        assert_ne!(volumes(&a), volumes(&c));
        assert_eq!(a.test_accounts[0].creds, b.test_accounts[0].creds);
    }

    #[test]
    fn the_world_news_is_the_same_whatever_a_trader_does() {
        let options = SimOptions { scenario: "mixed".into(), seed: 5, markets: 3, ..SimOptions::default() };
        let mut quiet = SimWorld::build(&options, &catalog(), 0).unwrap();
        let mut busy = SimWorld::build(&options, &catalog(), 0).unwrap();
        let test = busy.test_accounts[0].clone();
        let account = busy.client_account(&test.creds.api_key, test.key.address());
        let mut placed = 0;
        for step in 1..=3_000u64 {
            let now = step * 100;
            if step % 10 == 0 {
                for market in 0..2u32 {
                    let Some((Some(bid), Some(ask))) = busy.venue.market(market).map(|m| m.yes_top()) else {
                        continue;
                    };
                    let order = crate::sim::venue::NewOrder {
                        id: busy.venue.agent_order_id(),
                        account,
                        maker_address: test.key.address(),
                        market,
                        outcome: crate::domain::Outcome::Yes,
                        side: if step % 20 == 0 {
                            crate::domain::Side::Buy
                        } else {
                            crate::domain::Side::Sell
                        },
                        price: if step % 20 == 0 { bid + 100 } else { ask - 100 },
                        lots: 2_000,
                        order_type: crate::domain::OrderType::Gtc,
                        post_only: true,
                        expiration: 0,
                    };
                    placed += usize::from(busy.venue.place(order, now).is_ok());
                }
            }
            quiet.step(now);
            busy.step(now);
            quiet.venue.drain_events();
            busy.venue.drain_events();
            assert_eq!(
                quiet.flow.fundamentals(),
                busy.flow.fundamentals(),
                "the hidden values part at step {step}"
            );
        }
        assert!(placed > 50, "the busy world's quotes moved its book ({placed} placed)");
        assert_eq!(quiet.venue.is_open(2), busy.venue.is_open(2));
    }

    #[test]
    fn unknown_scenario_lists_the_known_ones() {
        let options = SimOptions { scenario: "stormy".into(), ..SimOptions::default() };
        let err = SimWorld::build(&options, &catalog(), 0).unwrap_err().to_string();
        assert!(err.contains("calm, jumpy, resolving, mixed"), "{err}");
    }
}
