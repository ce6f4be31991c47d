//! One market's synthetic traders: noise traders, informed traders and rival market makers,
//! acting on the venue at each step. Deterministic for a seed and a sequence of step times.

use std::collections::VecDeque;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::{Address, OrderId, OrderType, Outcome, Side};
use crate::sim::engine::units::{LOT_SCALE, PRICE_SCALE, Ticks, complement, ticks_from_decimal};
use crate::sim::venue::{NewOrder, Venue};

use super::AgentAccounts;
use super::fundamental::{Fundamental, poisson};
use super::scenario::ScenarioParams;

/// Resting noise orders kept per market before the oldest are cancelled.
const NOISE_RESTING_MAX: usize = 60;

/// The random streams of one market, each drawn from only by its own part, so that what
/// one part does never changes what another draws: above all, the world (the hidden value,
/// its jumps and spikes, the resolution) is the same whatever the traders, and so whatever
/// the strategy being compared, do.
#[derive(Debug)]
struct Streams {
    world: StdRng,
    noise: StdRng,
    informed: StdRng,
    rivals: StdRng,
}

impl Streams {
    fn new(seed: u64, market: u32) -> Self {
        let base = seed ^ (u64::from(market) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let stream = |n: u64| StdRng::seed_from_u64(base.wrapping_add(n.wrapping_mul(0xD1B5_4A32_D192_ED03)));
        Self { world: stream(0), noise: stream(1), informed: stream(2), rivals: stream(3) }
    }
}

/// An exponential size around `mean_shares`, in lots, at least `min`.
fn lots(rng: &mut StdRng, min: u64, mean_shares: f64) -> u64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let shares = (-u.ln() * mean_shares).max(0.0);
    ((shares * LOT_SCALE as f64) as u64).max(min)
}

/// The traders of one market.
#[derive(Debug)]
pub struct MarketFlow {
    market: u32,
    params: ScenarioParams,
    rng: Streams,
    fundamental: Fundamental,
    last_ms: u64,
    resolve_at_ms: u64,
    listed_ms: u64,
    noise_resting: VecDeque<OrderId>,
    rival_quotes: Vec<Vec<OrderId>>,
    rival_next_ms: Vec<u64>,
}

impl MarketFlow {
    /// Traders for `market`, seeded by `seed`.
    pub fn new(market: u32, params: ScenarioParams, seed: u64, now_ms: u64, resolve_at_ms: u64) -> Self {
        let mut rng = Streams::new(seed, market);
        let fundamental = Fundamental::new(&params, &mut rng.world, now_ms);
        let rivals = params.rival_makers as usize;
        let rival_next_ms = (0..rivals).map(|i| now_ms + (i as u64 * 397) % 2_000).collect();
        Self {
            market,
            params,
            rng,
            fundamental,
            last_ms: now_ms,
            resolve_at_ms,
            listed_ms: now_ms,
            noise_resting: VecDeque::new(),
            rival_quotes: vec![Vec::new(); rivals],
            rival_next_ms,
        }
    }

    /// The hidden probability of YES.
    pub fn fundamental(&self) -> f64 {
        self.fundamental.probability()
    }

    /// Advances the market to `now_ms` and lets every trader act.
    pub fn step(&mut self, venue: &mut Venue, accounts: &AgentAccounts, now_ms: u64) {
        if !venue.is_open(self.market) {
            return;
        }
        let dt = now_ms.saturating_sub(self.last_ms);
        self.last_ms = now_ms;
        let closing = self.resolve_at_ms != u64::MAX
            && now_ms >= self.resolve_at_ms.saturating_sub((self.resolve_at_ms - self.listed_ms) / 5);
        self.fundamental.step(&self.params, &mut self.rng.world, dt, now_ms, closing);
        if now_ms >= self.resolve_at_ms {
            let winner = if self.rng.world.gen_bool(self.fundamental.probability().clamp(0.0, 1.0)) {
                Outcome::Yes
            } else {
                Outcome::No
            };
            venue.resolve(self.market, winner);
            return;
        }
        let secs = dt as f64 / 1_000.0;
        self.rivals(venue, accounts, now_ms);
        self.noise(venue, accounts, secs, now_ms);
        self.informed(venue, accounts, secs, now_ms);
    }

    fn tick(&self, venue: &Venue) -> Ticks {
        venue.market(self.market).and_then(|m| ticks_from_decimal(m.tick.value())).unwrap_or(100)
    }

    fn snap(&self, venue: &Venue, probability: f64, round_up: bool) -> Ticks {
        let tick = self.tick(venue);
        let raw = probability * f64::from(PRICE_SCALE) / f64::from(tick);
        let steps = if round_up { raw.ceil() } else { raw.floor() } as u32;
        (steps * tick).clamp(tick, PRICE_SCALE - tick)
    }

    fn min_lots(&self, venue: &Venue) -> u64 {
        venue.market(self.market).map_or(500, |m| m.spec.min_size)
    }

    #[allow(clippy::too_many_arguments)]
    fn submit(
        &self,
        venue: &mut Venue,
        account: crate::sim::venue::AccountId,
        outcome: Outcome,
        side: Side,
        price: Ticks,
        lots: u64,
        order_type: OrderType,
        post_only: bool,
        now_ms: u64,
    ) -> Option<OrderId> {
        let id = venue.agent_order_id();
        let order = NewOrder {
            id,
            account,
            maker_address: Address::ZERO,
            market: self.market,
            outcome,
            side,
            price,
            lots,
            order_type,
            post_only,
            expiration: 0,
        };
        venue
            .place(order, now_ms)
            .ok()
            .map(|placed| placed.status)
            .filter(|s| *s == crate::sim::venue::OrderStatus::Live)
            .map(|_| id)
    }

    fn noise(&mut self, venue: &mut Venue, accounts: &AgentAccounts, secs: f64, now_ms: u64) {
        let boost = if self.fundamental.spiking(now_ms) { self.params.spike_multiplier } else { 1.0 };
        let arrivals = poisson(&mut self.rng.noise, self.params.noise_rate * boost * secs);
        for _ in 0..arrivals {
            let outcome = if self.rng.noise.gen_bool(0.5) { Outcome::Yes } else { Outcome::No };
            let side = if self.rng.noise.gen_bool(0.5) { Side::Buy } else { Side::Sell };
            let min = self.min_lots(venue);
            let lots = lots(&mut self.rng.noise, min, self.params.noise_size);
            let marketable = self.rng.noise.gen_bool(self.params.noise_marketable.clamp(0.0, 1.0));
            let offset_ticks = self.rng.noise.gen_range(1u32..6);
            let Some(state) = venue.market(self.market) else { return };
            let mid = state.token_mid_x2(outcome).map_or_else(
                || {
                    let p = self.fundamental.probability();
                    if outcome == Outcome::Yes { p } else { 1.0 - p }
                },
                |x2| f64::from(x2) / 20_000.0,
            );
            if marketable {
                let limit = match side {
                    Side::Buy => self.snap(venue, mid + 0.05, true),
                    Side::Sell => self.snap(venue, mid - 0.05, false),
                };
                self.submit(venue, accounts.noise, outcome, side, limit, lots, OrderType::Fak, false, now_ms);
            } else {
                let offset = f64::from(offset_ticks) * f64::from(self.tick(venue)) / 10_000.0;
                let price = match side {
                    Side::Buy => self.snap(venue, mid - offset, false),
                    Side::Sell => self.snap(venue, mid + offset, true),
                };
                if let Some(id) = self.submit(
                    venue,
                    accounts.noise,
                    outcome,
                    side,
                    price,
                    lots,
                    OrderType::Gtc,
                    true,
                    now_ms,
                ) {
                    self.noise_resting.push_back(id);
                }
            }
        }
        while self.noise_resting.len() > NOISE_RESTING_MAX {
            if let Some(id) = self.noise_resting.pop_front() {
                venue.cancel(accounts.noise, &id);
            }
        }
    }

    fn informed(&mut self, venue: &mut Venue, accounts: &AgentAccounts, secs: f64, now_ms: u64) {
        if self.params.informed_rate <= 0.0 {
            return;
        }
        let view = self.fundamental.informed_view();
        let Some(state) = venue.market(self.market) else { return };
        let (bid, ask) = state.token_top(Outcome::Yes);
        let edge = self.params.informed_edge;
        let to_prob = |t: Ticks| f64::from(t) / f64::from(PRICE_SCALE);
        let buy = ask.is_some_and(|a| view > to_prob(a) + edge);
        let sell = bid.is_some_and(|b| view < to_prob(b) - edge);
        let arrivals = poisson(&mut self.rng.informed, self.params.informed_rate * secs);
        let min = self.min_lots(venue);
        let lots = lots(&mut self.rng.informed, min, self.params.informed_size);
        if !(buy || sell) || arrivals == 0 {
            return;
        }
        let (outcome, limit) = if buy {
            (Outcome::Yes, self.snap(venue, view - edge / 2.0, false))
        } else {
            (Outcome::No, self.snap(venue, 1.0 - (view + edge / 2.0), false))
        };
        self.submit(venue, accounts.informed, outcome, Side::Buy, limit, lots, OrderType::Fak, false, now_ms);
    }

    fn rivals(&mut self, venue: &mut Venue, accounts: &AgentAccounts, now_ms: u64) {
        for rival in 0..self.rival_quotes.len() {
            if now_ms < self.rival_next_ms[rival] {
                continue;
            }
            let jitter = self.rng.rivals.gen_range(0.8..1.2);
            self.rival_next_ms[rival] = now_ms + (self.params.rival_refresh_secs * 1_000.0 * jitter) as u64;
            let Some(&account) = accounts.rivals.get(rival) else { continue };
            for id in std::mem::take(&mut self.rival_quotes[rival]) {
                venue.cancel(account, &id);
            }
            let estimate = (self.fundamental.probability()
                + 0.01 * super::fundamental::normal(&mut self.rng.rivals))
            .clamp(0.02, 0.98);
            let mut bid = self.snap(venue, estimate - self.params.rival_half_spread, false);
            let mut ask = self.snap(venue, estimate + self.params.rival_half_spread, true);
            if self.rng.rivals.gen_bool(self.params.rival_penny.clamp(0.0, 1.0)) {
                let tick = self.tick(venue);
                let estimate_ticks = self.snap(venue, estimate, false);
                if let Some(state) = venue.market(self.market) {
                    let (best_bid, best_ask) = state.token_top(Outcome::Yes);
                    if let Some(b) = best_bid.filter(|b| b + tick < estimate_ticks) {
                        bid = bid.max(b + tick);
                    }
                    if let Some(a) = best_ask.filter(|a| a.saturating_sub(tick) > estimate_ticks) {
                        ask = ask.min(a - tick);
                    }
                }
            }
            let min = self.min_lots(venue);
            let lots =
                ((self.params.rival_size * self.rng.rivals.gen_range(0.8..1.2) * 100.0) as u64).max(min);
            let quotes = [(Outcome::Yes, Side::Buy, bid), (Outcome::No, Side::Buy, complement(ask))];
            for (outcome, side, price) in quotes {
                if let Some(id) =
                    self.submit(venue, account, outcome, side, price, lots, OrderType::Gtc, true, now_ms)
                {
                    self.rival_quotes[rival].push(id);
                }
            }
        }
    }
}
