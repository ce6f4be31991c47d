//! `QuoteModel`: one market's strategy. It keeps every signal tracker of the market, is fed
//! what the market sees (books without our orders, trades, our fills, the day's P&L), and
//! turns the current readings into [`Adjustments`] for the quote calculation, for one of
//! three strategies:
//!
//! - `polymm` (the default): spread = base × volatility × flow × regime × toxicity ×
//!   events × time of day, or the reward-optimal distance when a reward pool pays for
//!   quoting closer; fair value leaned toward the microprice and the flow, skewed against
//!   inventory; size shrunk in thin books and toxic flow; the position limit tightened by
//!   losses, volatility and Kelly; one tick in front of the best other quote unless a
//!   penny-jumper makes that not pay; pulled near resolution and paused on toxic flow.
//! - `fixed`: the seed's fixed spread and size around the mid, no signals.
//! - `avellaneda-stoikov`: the textbook reservation price and optimal spread.
//!
//! Every reading is kept in [`Signals`] for `ctl status`.

pub use self::readings::Signals;
use self::readings::SpreadWhy;
use rust_decimal::Decimal;

use super::avellaneda::{AsParams, optimal_spread, reservation_price};
use super::book_stats::{depth_within, imbalance, microprice};
use super::inventory::skew;
use super::quote::{Adjustments, NoQuote, Quote, QuoteParams, quote};
use super::rewards::{self, Objective, RewardProgram};
use super::timing::LoopTiming;
use super::volatility::VolatilityTracker;
use crate::alpha::competitors::PennyDetector;
use crate::alpha::events::{EventAction, SpikeDetector, resolution_action};
use crate::alpha::flow::{self, FlowTracker};
use crate::alpha::regime::{RegimeDetector, RegimeThresholds};
use crate::alpha::time_of_day::HourlyActivity;
use crate::domain::book::{Book, pips_decimal};
use crate::domain::{Fill, PositionLedger};
use crate::domain::{Side, TickSize};
use crate::risk::adverse::{MarkoutTracker, ToxicAction};
use crate::risk::dynamic::limit_factor;
use crate::risk::kelly::continuous_fraction;
use crate::stats::to_decimal;

use super::kind::StrategyKind;

/// How long a toxic-flow pause lasts, ms.
const TOXIC_PAUSE_MS: u64 = 30_000;
/// The holding period over which inventory variance is measured for Kelly, seconds.
const KELLY_HOLDING_SECS: u32 = 60;
/// Volume-rate ratio that counts as a spike.
const SPIKE_RATIO: Decimal = Decimal::from_parts(4, 0, 0, false, 0);

/// Everything the model is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelParams {
    /// Which strategy.
    pub kind: StrategyKind,
    /// The quote's base parameters.
    pub quote: QuoteParams,
    /// The volatility at which the spread starts widening, price per √s.
    pub volatility_reference: Decimal,
    /// Largest volatility multiplier.
    pub volatility_max: Decimal,
    /// Flow window, ms (`FLOW_WINDOW_SECONDS`).
    pub flow_window_ms: u64,
    /// Flow imbalance that counts (`FLOW_IMBALANCE_THRESHOLD`).
    pub flow_threshold: Decimal,
    /// Extra distance from the mid wanted at fully one-sided flow, price units. 0 by
    /// default: on the comparison scenarios any premium cost P&L and drawdown (see
    /// BENCHMARKS.md), so flow is measured and reported but does not move quotes.
    pub flow_premium: Decimal,
    /// Share of adverse fills that counts as toxic (`ADVERSE_TOXIC_THRESHOLD`).
    pub toxic_threshold: Decimal,
    /// Mean adverse markout that counts as toxic, price units.
    pub toxic_markout: Decimal,
    /// Markout horizon, ms.
    pub markout_ms: u64,
    /// Snapshots for the regime (`REGIME_WINDOW_SIZE`).
    pub regime_window: usize,
    /// `KELLY_FRACTION`.
    pub kelly_fraction: Decimal,
    /// pUSD this market may commit (from the allocator).
    pub bankroll: Decimal,
    /// The daily loss limit (dynamic limits tighten toward it).
    pub max_daily_loss: Decimal,
    /// Avellaneda–Stoikov parameters.
    pub avellaneda: AsParams,
    /// The market's reward programme, if any.
    pub rewards: Option<RewardProgram>,
    /// When the market resolves, unix ms.
    pub end_ms: Option<u64>,
    /// Widen inside this many hours before resolution.
    pub widen_hours: Decimal,
    /// Pull quotes inside this many hours before resolution.
    pub pull_hours: Decimal,
}

impl ModelParams {
    /// The defaults around a strategy and its quote parameters.
    pub fn new(kind: StrategyKind, quote: QuoteParams) -> Self {
        Self {
            kind,
            quote,
            volatility_reference: Decimal::new(3, 3),
            volatility_max: Decimal::from(3),
            flow_window_ms: 60_000,
            flow_threshold: Decimal::new(15, 2),
            flow_premium: Decimal::ZERO,
            toxic_threshold: Decimal::new(4, 1),
            toxic_markout: Decimal::new(2, 2),
            markout_ms: 10_000,
            regime_window: 50,
            kelly_fraction: Decimal::new(25, 2),
            bankroll: Decimal::from(250),
            max_daily_loss: Decimal::from(50),
            avellaneda: AsParams {
                gamma: Decimal::ONE,
                k: Decimal::from(100),
                horizon_secs: Decimal::from(300),
            },
            rewards: None,
            end_ms: None,
            widen_hours: Decimal::new(1, 1),
            pull_hours: Decimal::new(5, 2),
        }
    }
}

/// The quoting distance and what it was made of.
#[derive(Debug, Clone, Copy)]
struct Distance {
    /// Best half-spread before event and hour widening.
    half: Decimal,
    /// Narrowest half-spread allowed.
    min: Decimal,
    /// Widest half-spread allowed.
    max: Decimal,
    /// Inventory-risk term.
    risk: Decimal,
    /// Flow premium.
    flow: Decimal,
}

/// One market's strategy state.
#[derive(Debug, Clone)]
pub struct QuoteModel {
    params: ModelParams,
    volatility: VolatilityTracker,
    flow: FlowTracker,
    markouts: MarkoutTracker,
    regime: RegimeDetector,
    pennies: [PennyDetector; 2],
    spikes: SpikeDetector,
    hours: HourlyActivity,
    timing: LoopTiming,
    ledger: PositionLedger,
    day_pnl: Decimal,
    paused_until_ms: u64,
    last_mid: Option<Decimal>,
    volume_since_sample: Decimal,
    last_sample_ms: u64,
    last_reward_ms: Option<u64>,
    signals: Signals,
    why: SpreadWhy,
}

fn regime_thresholds() -> RegimeThresholds {
    RegimeThresholds {
        thin_spread: Decimal::new(6, 2),
        thin_depth: Decimal::from(50),
        deep_spread: Decimal::new(2, 2),
        deep_depth: Decimal::from(500),
    }
}

/// The name a strategy goes by in configuration and reports.
pub fn strategy_name(kind: StrategyKind) -> &'static str {
    match kind {
        StrategyKind::Polymm => "polymm",
        StrategyKind::Fixed => "fixed",
        StrategyKind::AvellanedaStoikov => "avellaneda-stoikov",
    }
}

impl QuoteModel {
    /// A model with no history.
    pub fn new(params: ModelParams) -> Self {
        let signals = Signals { strategy: strategy_name(params.kind).into(), ..Signals::default() };
        Self {
            volatility: VolatilityTracker::new(60_000),
            flow: FlowTracker::new(params.flow_window_ms),
            markouts: MarkoutTracker::new(params.markout_ms),
            regime: RegimeDetector::new(params.regime_window),
            pennies: [PennyDetector::new(20), PennyDetector::new(20)],
            spikes: SpikeDetector::new(1_800_000, 20_000),
            hours: HourlyActivity::default(),
            timing: LoopTiming::default(),
            ledger: PositionLedger::default(),
            day_pnl: Decimal::ZERO,
            paused_until_ms: 0,
            last_mid: None,
            volume_since_sample: Decimal::ZERO,
            last_sample_ms: 0,
            last_reward_ms: None,
            signals,
            why: SpreadWhy::NotYet,
            params,
        }
    }

    /// The parameters.
    pub fn params(&self) -> &ModelParams {
        &self.params
    }

    /// The quote parameters (base spread, size, limits).
    pub fn quote_params(&self) -> &QuoteParams {
        &self.params.quote
    }

    /// The latest readings, the reason for the spread put in words (only now: status asks
    /// far less often than the market quotes).
    pub fn signals(&self) -> Signals {
        let mut signals = self.signals.clone();
        if let Some(why) = self.why.text() {
            signals.spread_why = why;
        }
        signals
    }

    /// Liquidity rewards accrued so far (estimated).
    pub fn reward_accrued(&self) -> Decimal {
        self.signals.reward_accrued
    }

    /// The position and P&L ledger of our fills.
    pub fn ledger(&self) -> &PositionLedger {
        &self.ledger
    }

    /// The venue's share counts after a reconciliation, marked at `mark` where new.
    pub fn adopt_position(&mut self, yes: Decimal, no: Decimal, mark: Decimal) {
        self.ledger.adopt(yes, no, mark);
    }

    /// The day's P&L so far (for dynamic limits).
    pub fn set_day_pnl(&mut self, pnl: Decimal) {
        self.day_pnl = pnl;
    }

    /// Whether the periodic re-evaluation is due (adaptive cadence).
    pub fn due(&mut self, now_ms: u64) -> bool {
        self.timing.due(now_ms)
    }

    /// A YES book without our own orders, at `now_ms`, with our resting YES-terms prices.
    pub fn observe_book(
        &mut self,
        now_ms: u64,
        book: &Book,
        our_bid: Option<Decimal>,
        our_ask: Option<Decimal>,
        tick: TickSize,
    ) {
        let Some(mid) = book.mid() else { return };
        self.volatility.observe(now_ms, mid);
        self.markouts.mid(now_ms, mid);
        if self.last_mid != Some(mid) {
            self.timing.moved(now_ms);
            self.last_mid = Some(mid);
        }
        if let Some((bid, ask)) = book.top() {
            let (bid, ask) = (pips_decimal(bid.price), pips_decimal(ask.price));
            let near = depth_within(book, Side::Buy, Decimal::new(3, 2))
                + depth_within(book, Side::Sell, Decimal::new(3, 2));
            self.regime.observe(ask - bid, near);
            if let Some(ours) = our_bid {
                self.pennies[0].observe(ours, bid, tick.value(), true);
            }
            if let Some(ours) = our_ask {
                self.pennies[1].observe(ours, ask, tick.value(), false);
            }
        }
        if now_ms.saturating_sub(self.last_sample_ms) >= 1_000 {
            self.spikes.record(now_ms, self.volume_since_sample);
            self.hours.record(now_ms, self.volume_since_sample);
            self.volume_since_sample = Decimal::ZERO;
            self.last_sample_ms = now_ms;
        }
    }

    /// A trade printed: the taker's side in YES terms and its size.
    pub fn observe_trade(&mut self, now_ms: u64, taker_side: Side, size: Decimal) {
        self.flow.record(now_ms, taker_side, size);
        self.volume_since_sample += size;
    }

    /// One of our fills (token terms), with its side and price in YES terms for markouts.
    pub fn observe_fill(&mut self, now_ms: u64, fill: Fill, yes_side: Side, yes_price: Decimal) {
        let _ = self.ledger.apply(fill);
        self.markouts.fill(now_ms, yes_side, yes_price);
        self.timing.filled(now_ms);
        self.signals.realized = self.ledger.realized;
        self.signals.fees = self.ledger.fees;
    }

    /// The quote for `book` (others' orders only) at `position`.
    pub fn plan(
        &mut self,
        now_ms: u64,
        book: &Book,
        tick: TickSize,
        min_size: Decimal,
        position: Decimal,
    ) -> Result<Quote, NoQuote> {
        let result = match self.params.kind {
            StrategyKind::Fixed => {
                let adjust = Adjustments::SEED;
                self.why = SpreadWhy::Fixed;
                quote(&self.params.quote, book, tick, min_size, position, adjust)
            }
            StrategyKind::AvellanedaStoikov => self.plan_avellaneda(book, tick, min_size, position),
            StrategyKind::Polymm => self.plan_polymm(now_ms, book, tick, min_size, position),
        };
        self.signals.cadence = self.timing.cadence(now_ms).as_str().into();
        self.signals.volatility = self.volatility.sigma_decimal();
        match &result {
            Ok(q) => {
                self.signals.fair = q.mid;
                self.signals.spread = q.spread;
                self.accrue_rewards(now_ms, book, q);
            }
            Err(_) => self.accrue_rewards(now_ms, book, &Quote::empty()),
        }
        result
    }

    fn sigma_or_reference(&self) -> Decimal {
        if self.volatility.warm() {
            self.volatility.sigma_decimal()
        } else {
            self.params.volatility_reference
        }
    }

    fn plan_avellaneda(
        &mut self,
        book: &Book,
        tick: TickSize,
        min_size: Decimal,
        position: Decimal,
    ) -> Result<Quote, NoQuote> {
        let book_mid = book.mid().ok_or(NoQuote::OneSidedBook)?;
        let sigma = self.sigma_or_reference();
        let clips =
            if self.params.quote.size.is_zero() { Decimal::ZERO } else { position / self.params.quote.size };
        let reservation = reservation_price(&self.params.avellaneda, book_mid, clips, sigma);
        let spread = optimal_spread(&self.params.avellaneda, sigma);
        self.signals.skew = reservation - book_mid;
        self.why = SpreadWhy::AvellanedaStoikov { sigma };
        let adjust = Adjustments {
            half_spread: Some(spread / Decimal::TWO),
            fair_shift: reservation - book_mid,
            skew: false,
            ..Adjustments::NEUTRAL
        };
        quote(&self.params.quote, book, tick, min_size, position, adjust)
    }

    fn plan_polymm(
        &mut self,
        now_ms: u64,
        book: &Book,
        tick: TickSize,
        min_size: Decimal,
        position: Decimal,
    ) -> Result<Quote, NoQuote> {
        let book_mid = book.mid().ok_or(NoQuote::OneSidedBook)?;
        let p = self.params;
        let hours_left =
            p.end_ms.map(|end| Decimal::from(end.saturating_sub(now_ms)) / Decimal::from(3_600_000));
        let resolution = resolution_action(hours_left, p.widen_hours, p.pull_hours);
        let closing = resolution == EventAction::Pull;
        if closing && position.is_zero() {
            self.signals.event = "resolution: pulled".into();
            return Err(NoQuote::Resolving);
        }
        let toxic = self.toxicity_gate(now_ms)?;
        let flow_now =
            flow::significant(self.flow.imbalance(now_ms), self.flow.trades(now_ms), p.flow_threshold);
        let spike = self.spikes.action(SPIKE_RATIO);
        let widen = |action: &EventAction| if let EventAction::Widen(m) = action { *m } else { Decimal::ONE };
        let (event_mult, hour_mult) =
            (widen(&resolution) * widen(&spike), self.hours.spread_multiplier(now_ms));
        let rewards = p.rewards.filter(|r| toxic == ToxicAction::Normal && p.quote.size >= r.min_size);
        let distance = self.best_distance(book, book_mid, tick, rewards, flow_now);
        let half = (distance.half * event_mult * hour_mult).clamp(distance.min, distance.max);
        let (limit, factor) = self.position_limit(half);
        let regime = self.regime.regime(&regime_thresholds());
        let toxic_size = if let ToxicAction::Shrink(_, s) = toxic { s } else { Decimal::ONE };
        let pennied = self.pennies.iter().any(PennyDetector::active);
        let adjust = Adjustments {
            spread_multiplier: event_mult * hour_mult,
            half_spread: Some(half),
            fair_shift: microprice(book).map_or(Decimal::ZERO, |m| (m - book_mid) / Decimal::TWO),
            skew: true,
            size_multiplier: regime.size_multiplier() * toxic_size,
            position_limit: Some(limit),
            queue_min_edge: match rewards {
                Some(_) => None,
                None => Some(if pennied { half } else { half / Decimal::TWO }),
            },
            reduce_only: closing,
            full_size_to_limit: false,
        };
        self.signals.skew = skew(position, p.quote.position_limit, p.quote.inventory_skew_max);
        self.signals.flow_imbalance = flow_now.round_dp(4);
        self.signals.book_imbalance = imbalance(book, 3).round_dp(4);
        self.signals.regime = regime.as_str().into();
        self.signals.pennied = pennied;
        self.signals.position_limit = if closing { Decimal::ZERO } else { limit.round_dp(2) };
        self.signals.limit_factor = factor.round_dp(4);
        self.signals.event = match (closing, resolution, spike) {
            (true, _, _) => "resolution: reducing only".into(),
            (_, EventAction::Widen(_), _) => "resolution approaching: wider".into(),
            (_, _, EventAction::Widen(_)) => "volume spike: wider".into(),
            _ => String::new(),
        };
        self.why = SpreadWhy::Polymm {
            half: distance.half,
            k: p.avellaneda.k,
            markout: self.markouts.toxicity(),
            risk: distance.risk,
            flow: distance.flow,
            rewards: rewards.is_some(),
            event: event_mult,
            hour: hour_mult,
        };
        quote(&p.quote, book, tick, min_size, position, adjust)
    }

    /// What the markouts call for; pauses quoting for [`TOXIC_PAUSE_MS`] (and starts the
    /// markouts afresh) when they call for a pause.
    fn toxicity_gate(&mut self, now_ms: u64) -> Result<ToxicAction, NoQuote> {
        let toxic = self.markouts.action(self.params.toxic_threshold, self.params.toxic_markout);
        self.signals.toxicity = self.markouts.toxicity().round_dp(6);
        self.signals.toxic_action = format!("{toxic:?}");
        if toxic == ToxicAction::Pause && self.paused_until_ms <= now_ms {
            self.paused_until_ms = now_ms + TOXIC_PAUSE_MS;
            self.markouts = MarkoutTracker::new(self.params.markout_ms);
        }
        if now_ms < self.paused_until_ms { Err(NoQuote::Toxic) } else { Ok(toxic) }
    }

    /// The distance from the mid with the best expected value per hour: fill intensity
    /// against the edge left after markouts, inventory risk and the flow premium, plus the
    /// reward share when `rewards` pays.
    fn best_distance(
        &self,
        book: &Book,
        book_mid: Decimal,
        tick: TickSize,
        rewards: Option<RewardProgram>,
        flow_now: Decimal,
    ) -> Distance {
        let p = &self.params;
        let sigma = self.sigma_or_reference();
        let risk = p.avellaneda.gamma * sigma * sigma * p.avellaneda.horizon_secs / Decimal::TWO;
        let flow = flow::tilt(flow_now, p.flow_threshold, p.flow_premium).abs();
        let min = (p.quote.spread_min / Decimal::TWO).max(tick.value());
        let max = p.quote.spread_max / Decimal::TWO;
        let objective = Objective {
            adverse: self.markouts.toxicity().max(Decimal::ZERO) + risk + flow,
            decay: p.avellaneda.k,
            fills_per_hour_at_touch: Decimal::from(30),
            size: p.quote.size,
            others_q: rewards.map_or(Decimal::ZERO, |r| rewards::others_q(&r, book, book_mid)),
        };
        let half = rewards::best_distance(rewards.as_ref(), &objective, book_mid, min, max, tick.value());
        Distance { half, min, max, risk, flow }
    }

    /// The position limit in force for a quote `half` from the mid, and the factor applied
    /// to the configured one: tightened by the day's losses and by volatility, capped by
    /// Kelly (the edge against the variance over the holding period), never below one clip.
    fn position_limit(&self, half: Decimal) -> (Decimal, Decimal) {
        let p = &self.params;
        let sigma = self.sigma_or_reference();
        let variance = sigma * sigma * Decimal::from(KELLY_HOLDING_SECS);
        let kelly =
            continuous_fraction(half, variance, p.kelly_fraction) / p.kelly_fraction.max(Decimal::new(1, 4));
        let vol_ratio = self.volatility.multiplier(p.volatility_reference, p.volatility_max);
        let dynamic = limit_factor(self.day_pnl, p.max_daily_loss, vol_ratio);
        let factor = (dynamic * kelly).clamp(Decimal::ZERO, Decimal::ONE);
        ((p.quote.position_limit * factor).max(p.quote.size), factor)
    }

    fn accrue_rewards(&mut self, now_ms: u64, book: &Book, planned: &Quote) {
        let Some(program) = self.params.rewards else { return };
        let Some(book_mid) = book.mid() else { return };
        let orders: Vec<rewards::YesOrder> = [
            planned.bid.map(|b| (Side::Buy, b.value(), planned.bid_size.value())),
            planned.ask.map(|a| (Side::Sell, a.value(), planned.ask_size.value())),
        ]
        .into_iter()
        .flatten()
        .collect();
        let (one, two) = rewards::side_scores(&program, book_mid, &orders);
        let ours = rewards::q_min(one, two, book_mid);
        let estimate = rewards::estimate(&program, ours, rewards::others_q(&program, book, book_mid));
        if let Some(then) = self.last_reward_ms {
            let elapsed = Decimal::from(now_ms.saturating_sub(then).min(60_000));
            self.signals.reward_accrued += self.signals.reward_daily * elapsed / Decimal::from(86_400_000);
        }
        self.last_reward_ms = Some(now_ms);
        self.signals.reward_share = estimate.share.round_dp(4);
        self.signals.reward_daily = to_decimal(crate::stats::to_f64(estimate.daily), Decimal::ZERO);
    }
}

mod readings;
#[cfg(test)]
mod tests;
