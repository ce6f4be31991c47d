//! One strategy on one seeded simulation, in virtual time. The venue's world is stepped
//! every 100 ms; its events are formatted exactly as the websocket would send them and our
//! user-channel messages decoded by the daemon's own decoder, so `MarketCore` sees what it
//! sees in production. Books come from the venue after each step; a market's intents reach
//! the matching engine (post-only) at the next step, 100 ms later, which stands in for the
//! network; cancels are answered as they are carried out.

use std::collections::{BTreeSet, HashSet};

use rust_decimal::Decimal;

use super::report::{SeenFill, StrategyReport, Tally};
use crate::config::Config;
use crate::crypto::keccak256_parts;
use crate::domain::UserEvent;
use crate::domain::book::{Book, Level};
use crate::domain::{Address, OrderId, OrderType, Outcome, Side};
use crate::feed::user::decode_user;
use crate::market::core::{Idle, Intent, MarketCore, SafetyParams};
use crate::sim::agents::ScenarioCatalog;
use crate::sim::engine::units::{BASE_UNITS_PER_LOT, lots_decimal, lots_from_decimal, price_decimal};
use crate::sim::venue::{AccountId, NewOrder, VenueEvent};
use crate::sim::wire::event_messages;
use crate::sim::world::{SimError, SimOptions, SimWorld};
use crate::strategy::rewards::RewardProgram;
use crate::strategy::{ModelParams, StrategyKind};
use crate::system::model_params;

/// Virtual time at which every run starts (a fixed instant, so runs are reproducible).
pub const START_MS: u64 = 1_767_225_600_000;
/// Step of the virtual clock, ms.
pub const STEP_MS: u64 = 100;
/// How often the markets' timed rules run, ms.
const TICK_MS: u64 = 250;
/// pUSD the strategy's account starts with.
const STARTING_BALANCE: u32 = 100_000;

/// What to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareSpec {
    /// Scenario name (or `mixed`).
    pub scenario: String,
    /// Seed of the simulation.
    pub seed: u64,
    /// Virtual duration, ms.
    pub duration_ms: u64,
    /// Markets listed.
    pub markets: u32,
}

/// Why a comparison could not run.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The simulation could not be built.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// The generated test account is missing.
    #[error("the simulation opened no test account")]
    NoAccount,
}

struct Market {
    core: MarketCore,
    mid: Option<Decimal>,
    dirty: bool,
    outbox: Vec<Intent>,
    stalled_since: Option<u64>,
}

struct Run {
    world: SimWorld,
    account: AccountId,
    address: Address,
    api_key: String,
    markets: Vec<Market>,
    tally: Tally,
    counted: HashSet<(String, OrderId)>,
    next_order: u64,
    now_ms: u64,
    longest_stall_ms: u64,
}

fn book_of(world: &SimWorld, market: u32) -> Option<Book> {
    let view = world.venue.market(market)?.view();
    let level = |&(price, lots): &(u32, u64)| Level { price, size: lots * BASE_UNITS_PER_LOT };
    let mut book = Book::new();
    book.replace(view.bids.iter().map(level), view.asks.iter().map(level), 0);
    Some(book)
}

/// Runs `kind` on the simulation `spec` describes, with the rest of the strategy's
/// parameters from `config`.
pub fn run_strategy(
    config: &Config,
    spec: &CompareSpec,
    kind: StrategyKind,
) -> Result<StrategyReport, CompareError> {
    let mut run = Run::new(config, spec, kind)?;
    let end = START_MS + spec.duration_ms;
    while run.now_ms < end {
        run.now_ms += STEP_MS;
        run.step();
    }
    Ok(run.report(kind))
}

impl Run {
    /// A fresh world with one reconciled market per listing, its first quotes queued.
    fn new(config: &Config, spec: &CompareSpec, kind: StrategyKind) -> Result<Self, CompareError> {
        let options = SimOptions {
            scenario: spec.scenario.clone(),
            seed: spec.seed,
            markets: spec.markets,
            starting_balance: Decimal::from(STARTING_BALANCE),
            test_accounts: 1,
            ..crate::system::sim_options(config)
        };
        let catalog = ScenarioCatalog::new(config.sim.scenarios.clone());
        let mut world = SimWorld::build(&options, &catalog, START_MS)?;
        let test = world.test_accounts.first().cloned().ok_or(CompareError::NoAccount)?;
        let address = test.key.address();
        let account = world.client_account(&test.creds.api_key, address);
        let base = ModelParams { kind, ..model_params(config) };
        let safety = SafetyParams {
            disconnect_cancel_ms: config.killswitch.disconnect_cancel_secs * 1_000,
            order_max_age_ms: config.quoting.order_max_age_secs * 1_000,
        };
        let budget = config.risk.max_total_exposure.value() / Decimal::from(spec.markets.max(1));
        let markets = world
            .venue
            .markets()
            .iter()
            .map(|state| {
                let rewards = state.spec.rewards.map(|r| RewardProgram {
                    max_spread: r.max_spread_cents / Decimal::ONE_HUNDRED,
                    min_size: r.min_size,
                    daily_rate: r.daily_rate,
                });
                let params =
                    ModelParams { rewards, end_ms: Some(state.spec.end_ms), bankroll: budget, ..base };
                let min_size = lots_decimal(state.spec.min_size);
                let mut core = MarketCore::new(
                    state.spec.yes.clone(),
                    state.spec.no.clone(),
                    params,
                    state.tick,
                    min_size,
                )
                .with_safety(safety);
                core.set_now(START_MS);
                let outbox = core.reconcile(Vec::new(), Decimal::ZERO, Decimal::ZERO);
                Market { core, mid: None, dirty: true, outbox, stalled_since: None }
            })
            .collect();
        Ok(Self {
            world,
            account,
            address,
            api_key: test.creds.api_key.clone(),
            markets,
            tally: Tally::default(),
            counted: HashSet::new(),
            next_order: 0,
            now_ms: START_MS,
            longest_stall_ms: 0,
        })
    }

    fn report(&self, kind: StrategyKind) -> StrategyReport {
        let rewards: Decimal = self.markets.iter().map(|m| m.core.model().reward_accrued()).sum();
        let mut report =
            self.tally.finish(crate::strategy::model::strategy_name(kind), self.equity_change(), rewards);
        report.longest_stall_secs = self.longest_stall_ms / 1_000;
        report.last_signals = self
            .markets
            .iter()
            .map(|m| {
                let s = m.core.signals();
                format!(
                    "spread {} ({}), fair {}, skew {}, flow {}, regime {}, toxicity {} {}, pennied {}, limit {}, position {}, idle {:?}",
                    s.spread.round_dp(4),
                    s.spread_why,
                    s.fair.round_dp(4),
                    s.skew,
                    s.flow_imbalance,
                    s.regime,
                    s.toxicity,
                    s.toxic_action,
                    s.pennied,
                    s.position_limit,
                    m.core.inventory().position(),
                    m.core.idle_reason()
                )
            })
            .collect();
        report
    }

    fn step(&mut self) {
        let now = self.now_ms;
        self.world.step(now);
        self.drain();
        for index in 0..self.markets.len() {
            self.markets[index].core.set_now(now);
            let sent = std::mem::take(&mut self.markets[index].outbox);
            self.carry_out(index, sent);
            self.drain();
            let market = &mut self.markets[index];
            if market.dirty {
                market.dirty = false;
                let book = book_of(&self.world, index as u32);
                market.mid = book.as_ref().and_then(Book::mid);
                let intents = market.core.on_book(book.as_ref());
                market.outbox.extend(intents);
            }
            if now.is_multiple_of(TICK_MS) {
                let intents = market.core.tick(now);
                market.outbox.extend(intents);
            }
        }
        if now.is_multiple_of(1_000) {
            self.sample();
        }
    }

    /// Routes the venue's events: book changes mark markets dirty, trade prints feed the
    /// flow signal, our order and trade messages go to their market.
    fn drain(&mut self) {
        for _ in 0..8 {
            let events = self.world.venue.drain_events();
            if events.is_empty() {
                return;
            }
            for event in &events {
                self.route(event);
            }
        }
    }

    fn route(&mut self, event: &VenueEvent) {
        match event {
            VenueEvent::Levels { market, .. } | VenueEvent::Book { market, .. } => {
                if let Some(m) = self.markets.get_mut(*market as usize) {
                    m.dirty = true;
                }
            }
            VenueEvent::LastTrade { market, side, lots, .. } => {
                if let Some(m) = self.markets.get_mut(*market as usize) {
                    m.core.set_now(self.now_ms);
                    m.core.on_print(*side, lots_decimal(*lots));
                }
            }
            VenueEvent::TickSize { market, new, .. } => {
                let index = *market as usize;
                if let Some(m) = self.markets.get_mut(index) {
                    let intents = m.core.set_tick(*new);
                    m.outbox.extend(intents);
                }
            }
            _ => {}
        }
        if !matches!(event, VenueEvent::Order { .. } | VenueEvent::Trade { .. }) {
            return;
        }
        for message in event_messages(&self.world.venue, event, self.now_ms, false) {
            if message.account == Some(self.account) {
                self.user_message(message.market as usize, &message.text);
            }
        }
    }

    fn user_message(&mut self, index: usize, text: &str) {
        let Ok(events) = decode_user(text, &self.api_key) else { return };
        let Some(market) = self.markets.get_mut(index) else { return };
        market.core.set_now(self.now_ms);
        for event in events {
            match event {
                UserEvent::Order(update) => market.core.on_order(&update),
                UserEvent::Trade(trade) => {
                    for fill in &trade.fills {
                        if !self.counted.insert((trade.id.clone(), fill.order)) {
                            continue;
                        }
                        let Some(outcome) = market.core.outcome_of(&fill.asset) else { continue };
                        let (side, price) = match outcome {
                            Outcome::Yes => (fill.side, fill.price),
                            Outcome::No => (fill.side.opposite(), Decimal::ONE - fill.price),
                        };
                        let mid = market.mid.unwrap_or(price);
                        self.tally.fill(&SeenFill {
                            at_ms: self.now_ms,
                            market: index,
                            side,
                            price,
                            size: fill.size,
                            mid,
                            fee: Decimal::ZERO,
                        });
                    }
                    market.core.on_trade(&trade);
                }
            }
        }
    }

    /// Carries out a market's intents against the venue and answers them; what the
    /// answers lead to waits in the outbox for the next step.
    fn carry_out(&mut self, index: usize, intents: Vec<Intent>) {
        let mut cancelled = Vec::new();
        let mut refused = Vec::new();
        for intent in intents {
            match intent {
                Intent::Place { key, order } => {
                    let id = self.order_id();
                    let placed = lots_from_decimal(order.size.value())
                        .zip(crate::domain::book::decimal_pips(order.price.value()))
                        .and_then(|(lots, price)| {
                            let new = NewOrder {
                                id,
                                account: self.account,
                                maker_address: self.address,
                                market: index as u32,
                                outcome: order.outcome,
                                side: order.side,
                                price,
                                lots,
                                order_type: OrderType::Gtc,
                                post_only: true,
                                expiration: 0,
                            };
                            self.world.venue.place(new, self.now_ms).ok()
                        });
                    self.markets[index].core.on_placed(key, placed.map(|_| id));
                }
                Intent::Cancel(id) => {
                    let outcome = self.world.venue.cancel(self.account, &id);
                    cancelled.extend(outcome.canceled);
                    refused.extend(outcome.not_canceled.into_keys());
                }
            }
        }
        if cancelled.is_empty() && refused.is_empty() {
            return;
        }
        let mut more = self.markets[index].core.on_cancel_answer(&cancelled, &refused, false);
        if !self.markets[index].core.is_reconciled() {
            let (open, yes, no) = self.venue_view(index);
            more.extend(self.markets[index].core.reconcile(open, yes, no));
        }
        self.markets[index].outbox.extend(more);
    }

    /// Our open orders and shares in a market, as the venue has them (reconciliation).
    fn venue_view(&self, index: usize) -> (Vec<crate::domain::RestingOrder>, Decimal, Decimal) {
        let market = index as u32;
        let open = self
            .world
            .venue
            .open_orders(self.account, Some(market), None)
            .into_iter()
            .filter_map(|record| {
                Some(crate::domain::RestingOrder {
                    id: record.order.id,
                    outcome: record.order.outcome,
                    side: record.order.side,
                    price: crate::domain::Price::new(price_decimal(record.order.price)).ok()?,
                    remaining: crate::domain::Size::new(lots_decimal(record.remaining())).ok()?,
                })
            })
            .collect();
        let shares = |outcome| {
            self.world.venue.account(self.account).map_or(Decimal::ZERO, |a| {
                Decimal::from_i128_with_scale(
                    i128::try_from(a.position(market, outcome).held).unwrap_or(0),
                    6,
                )
            })
        };
        (open, shares(Outcome::Yes), shares(Outcome::No))
    }

    fn order_id(&mut self) -> OrderId {
        self.next_order += 1;
        OrderId::from_bytes(keccak256_parts(&[b"sim-compare", &self.next_order.to_be_bytes()]))
    }

    /// Equity change so far: collateral plus positions at the mid, less the start.
    fn equity_change(&self) -> Decimal {
        let Some(account) = self.world.venue.account(self.account) else { return Decimal::ZERO };
        let units = |u: u128| Decimal::from_i128_with_scale(i128::try_from(u).unwrap_or(i128::MAX), 6);
        let mut equity = units(account.collateral.held);
        for (&(market, outcome), holding) in &account.positions {
            let mid = self.markets.get(market as usize).and_then(|m| m.mid).unwrap_or(Decimal::new(5, 1));
            let price = match outcome {
                Outcome::Yes => mid,
                Outcome::No => Decimal::ONE - mid,
            };
            equity += units(holding.held) * price;
        }
        equity - Decimal::from(STARTING_BALANCE)
    }

    /// Notes how long each market has waited on answers (`AwaitingAcks`) or a
    /// reconciliation: a wait that never ends is a market frozen for good.
    fn watch_stalls(&mut self) {
        let now = self.now_ms;
        for market in &mut self.markets {
            let stalled = matches!(market.core.idle_reason(), Some(Idle::AwaitingAcks | Idle::Reconciling));
            match (stalled, market.stalled_since) {
                (true, None) => market.stalled_since = Some(now),
                (true, Some(since)) => self.longest_stall_ms = self.longest_stall_ms.max(now - since),
                (false, _) => market.stalled_since = None,
            }
        }
    }

    fn sample(&mut self) {
        self.watch_stalls();
        let mids: Vec<Option<Decimal>> = self.markets.iter().map(|m| m.mid).collect();
        self.tally.mids(self.now_ms, |index| mids.get(index).copied().flatten());
        let rewards: Decimal = self.markets.iter().map(|m| m.core.model().reward_accrued()).sum();
        self.tally.equity(self.equity_change() + rewards);
        let open: BTreeSet<(u32, bool)> = self
            .world
            .venue
            .open_orders(self.account, None, None)
            .into_iter()
            .map(|record| {
                let yes_bid = matches!(
                    (record.order.outcome, record.order.side),
                    (Outcome::Yes, Side::Buy) | (Outcome::No, Side::Sell)
                );
                (record.order.market, yes_bid)
            })
            .collect();
        for index in 0..self.markets.len() as u32 {
            self.tally.quoted(open.contains(&(index, true)) && open.contains(&(index, false)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EnvSnapshot, LoadOptions, load};

    fn run() -> Run {
        let options = LoadOptions {
            config_path: None,
            env: EnvSnapshot::from_pairs(std::iter::empty()),
            overrides: Vec::new(),
        };
        let config = load(&options).expect("defaults load").config;
        let spec = CompareSpec { scenario: "calm".into(), seed: 3, duration_ms: 60_000, markets: 2 };
        Run::new(&config, &spec, StrategyKind::Fixed).expect("world builds")
    }

    #[test]
    fn books_are_the_venues_yes_book_in_pips_and_micros() {
        let run = run();
        let book = book_of(&run.world, 0).expect("listed");
        let (bid, ask) = run.world.venue.market(0).expect("listed").yes_top();
        assert_eq!((book.best_bid().map(|l| l.price), book.best_ask().map(|l| l.price)), (bid, ask));
        assert!(book_of(&run.world, 9).is_none());
    }

    #[test]
    fn quotes_reach_the_venue_a_step_later() {
        let mut run = run();
        assert!(run.markets[0].outbox.is_empty(), "no book seen yet");
        run.now_ms += STEP_MS;
        run.step();
        assert_eq!(run.markets[0].outbox.len(), 2, "the first quotes wait for the next step");
        assert!(run.world.venue.open_orders(run.account, None, None).is_empty());
        run.now_ms += STEP_MS;
        run.step();
        let (open, yes, no) = run.venue_view(0);
        assert_eq!(open.len(), 2, "both quotes rest on the venue");
        assert_eq!((yes, no), (Decimal::ZERO, Decimal::ZERO));
        assert_ne!(run.order_id(), run.order_id(), "order ids never repeat");
        assert_eq!(run.equity_change(), Decimal::ZERO, "nothing traded yet");
    }
}
