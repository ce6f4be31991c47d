//! The replay: a data set's events in time order drive a strategy against the exchange
//! model. Per event: the market's books change, the exchange fills our resting orders it
//! touches, the strategy sees the change (once per batch of events at one instant) and its
//! actions wait out the latency model before the exchange carries them out. Every 250 ms
//! the strategies' timers run; every second the equity, positions and markouts are
//! sampled. At resolution a market settles at 1 pUSD a winning share. Nothing here reads a
//! clock or a random source: the same inputs give the same output.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rust_decimal::Decimal;

use super::books::{MarketBooks, complement};
use super::config::{Latency, Progress, ReplayConfig, ReplayResult};
use super::exchange::{Exchange, Placement, take};
use super::market::Market;
use super::measure::{FillRow, MarketSample, Measure};
use super::queue::Queue;
use super::strategy::{AccountView, Action, Answer, Holdings, ReplayStrategy};
use crate::data::{Event, EventKind, Source};
use crate::domain::book::micros_decimal;
use crate::domain::{Outcome, UserEvent};

/// The strategies' timer, ms.
pub const TICK_MS: u64 = 250;
/// The sampling interval, ms.
pub const SAMPLE_MS: u64 = 1_000;

/// An action waiting out its latency.
#[derive(Debug, PartialEq, Eq)]
struct Scheduled {
    due_ms: u64,
    seq: u64,
    market: u32,
    action: Action,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due_ms, self.seq).cmp(&(other.due_ms, other.seq))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One replay of a data set.
pub struct Replay<'s> {
    source: &'s mut dyn Source,
    config: ReplayConfig,
    markets: Vec<Option<Market>>,
    exchange: Exchange,
    scheduled: BinaryHeap<Reverse<Scheduled>>,
    seq: u64,
    measure: Measure,
    now_ms: u64,
    first_ms: Option<u64>,
    next_tick_ms: u64,
    next_sample_ms: u64,
    events: u64,
    refused: u64,
    peeked: Option<Event>,
    actions: Vec<Action>,
    user: Vec<(u32, UserEvent)>,
}

impl<'s> Replay<'s> {
    /// A replay of `source` under `config`.
    pub fn new(source: &'s mut dyn Source, config: ReplayConfig) -> Self {
        Self {
            source,
            config,
            markets: Vec::new(),
            exchange: Exchange::new(Queue::new(config.queue)),
            scheduled: BinaryHeap::new(),
            seq: 0,
            measure: Measure::new(),
            now_ms: 0,
            first_ms: None,
            next_tick_ms: 0,
            next_sample_ms: 0,
            events: 0,
            refused: 0,
            peeked: None,
            actions: Vec::new(),
            user: Vec::new(),
        }
    }

    fn next_event(&mut self) -> Option<Event> {
        self.peeked.take().or_else(|| self.source.next_event())
    }

    /// Whether the event after `event` belongs to the same batch (same market, same instant).
    fn batch_continues(&mut self, event: &Event) -> bool {
        if matches!(event.kind, EventKind::Synced { .. }) {
            return false;
        }
        if self.peeked.is_none() {
            self.peeked = self.source.next_event();
        }
        self.peeked.as_ref().is_some_and(|next| next.market == event.market && next.at == event.at)
    }

    /// The same replay handing each fill to `sink` once its markouts are taken (in fill
    /// order): how `fills.csv` is written without holding the fills.
    pub fn with_fills(mut self, sink: super::measure::FillSink) -> Self {
        self.measure = Measure::with_sink(sink);
        self
    }

    /// Runs the replay to the end of the data, reporting progress now and then.
    pub fn run(
        mut self,
        strategy: &mut dyn ReplayStrategy,
        progress: &mut dyn FnMut(Progress),
    ) -> ReplayResult {
        let mut book_changed: Option<u32> = None;
        while let Some(event) = self.next_event() {
            let at = event.at.ms().max(self.now_ms);
            if self.first_ms.is_none() {
                self.first_ms = Some(at);
                self.now_ms = at;
                self.next_tick_ms = (at / TICK_MS + 1) * TICK_MS;
                self.next_sample_ms = (at / SAMPLE_MS + 1) * SAMPLE_MS;
            }
            self.advance(at, false, strategy);
            self.now_ms = at;
            self.events += 1;
            if self.events.is_multiple_of(1 << 16) {
                progress(Progress { events: self.events, now_ms: at });
            }
            let market = event.market;
            if self.apply(event.clone(), strategy) {
                book_changed = Some(market);
            }
            if !self.batch_continues(&event) {
                if let Some(market) = book_changed.take() {
                    self.on_book(market, strategy);
                }
                self.advance(at, true, strategy);
            }
        }
        let end = self.now_ms;
        self.advance(end + 60_000, true, strategy);
        self.finish(strategy, end)
    }

    /// Runs what falls due up to `until` (actions due at `until` itself only if
    /// `inclusive`): carried-out actions, timers and samples, in time order.
    fn advance(&mut self, until: u64, inclusive: bool, strategy: &mut dyn ReplayStrategy) {
        loop {
            let due_action = self.scheduled.peek().map(|s| s.0.due_ms);
            let action_ready = due_action.is_some_and(|due| due < until || (inclusive && due == until));
            let next_timer = self.next_tick_ms.min(self.next_sample_ms);
            let timer_ready = next_timer < until;
            if action_ready && due_action.is_some_and(|due| due <= next_timer || !timer_ready) {
                let Some(Reverse(scheduled)) = self.scheduled.pop() else { return };
                self.now_ms = self.now_ms.max(scheduled.due_ms);
                self.carry_out(scheduled.market, scheduled.action, strategy);
            } else if timer_ready {
                self.now_ms = self.now_ms.max(next_timer);
                if self.next_tick_ms == next_timer {
                    self.next_tick_ms += TICK_MS;
                    self.tick(strategy);
                }
                if self.next_sample_ms == next_timer {
                    self.next_sample_ms += SAMPLE_MS;
                    self.sample(strategy);
                }
            } else {
                return;
            }
        }
    }

    fn latency(&self, market: u32, action: &Action) -> u64 {
        match self.config.latency {
            Latency::Fixed { place_ms, cancel_ms } => match action {
                Action::Cancel(_) => cancel_ms,
                _ => place_ms,
            },
            Latency::Feed => self.market(market).map_or(0, |m| m.feed_latency_ms),
        }
    }

    fn market(&self, index: u32) -> Option<&Market> {
        self.markets.get(index as usize).and_then(Option::as_ref)
    }

    /// Schedules the actions in `self.actions`.
    fn schedule(&mut self, market: u32) {
        let actions = std::mem::take(&mut self.actions);
        for action in &actions {
            let due_ms = self.now_ms + self.latency(market, action);
            if matches!(action, Action::Take { .. })
                && let Some(Some(m)) = self.markets.get_mut(market as usize)
            {
                m.takes_in_flight += 1;
            }
            self.seq += 1;
            self.scheduled.push(Reverse(Scheduled { due_ms, seq: self.seq, market, action: action.clone() }));
        }
        self.actions = actions;
        self.actions.clear();
    }

    /// The market an event names, created (and shown to the strategy) the first time.
    fn ensure_market(&mut self, index: u32, strategy: &mut dyn ReplayStrategy) -> bool {
        if self.market(index).is_some() {
            return true;
        }
        let Some(meta) = self.source.catalog().get(index).cloned() else { return false };
        while self.markets.len() <= index as usize {
            self.markets.push(None);
        }
        let listing = Market::listing(index, &meta);
        self.measure.market(index, if meta.question.is_empty() { &meta.condition } else { &meta.question });
        self.exchange.list_at(index, listing.clone());
        let market = Market {
            meta,
            listing,
            books: MarketBooks::new(),
            holdings: Holdings::default(),
            takes_in_flight: 0,
            settled: false,
            last_print: None,
            feed_latency_ms: 0,
            mark: None,
        };
        strategy.on_start(&market.view(index, self.now_ms), &mut self.actions);
        self.markets[index as usize] = Some(market);
        self.schedule(index);
        true
    }

    /// Applies one event; `true` if it changed the market's books.
    fn apply(&mut self, event: Event, strategy: &mut dyn ReplayStrategy) -> bool {
        let index = event.market;
        if !self.ensure_market(index, strategy) {
            return false;
        }
        let Some(Some(market)) = self.markets.get_mut(index as usize) else { return false };
        if market.settled {
            return false;
        }
        if let Some(latency) = event.at.feed_latency_ms() {
            market.feed_latency_ms = latency;
        }
        let changed = match event.kind {
            EventKind::Book { outcome, bids, asks } => {
                market.books.replace(outcome, &bids, &asks);
                self.exchange.on_top(index, market.books.merged(), &mut self.user);
                true
            }
            EventKind::Level { outcome, side, price, size } => {
                let (side, price, size) = market.books.set(outcome, side, price, size);
                self.exchange.on_level(index, side, price, size, market.books.merged(), &mut self.user);
                true
            }
            EventKind::Synced { .. } => true,
            EventKind::Trade { outcome, taker, price, size } => {
                let (taker, price) = match outcome {
                    Outcome::Yes => (taker, price),
                    Outcome::No => (taker.opposite(), complement(price)),
                };
                let print = (event.at.exchange_ms, price, size);
                let mirror = event.at.exchange_ms > 0 && market.last_print == Some(print);
                market.last_print = Some(print);
                if !mirror {
                    self.exchange.on_trade(index, taker, price, size, &mut self.user);
                    strategy.on_print(&market.view(index, self.now_ms), taker, micros_decimal(size));
                }
                false
            }
            EventKind::Tick(tick) => {
                strategy.on_tick_size(&market.view(index, self.now_ms), tick, &mut self.actions);
                false
            }
            EventKind::Resolved { winner } => {
                self.deliver(strategy);
                self.settle(index, winner, strategy);
                return false;
            }
            EventKind::Gap => {
                market.books.gap();
                true
            }
        };
        if let Some(Some(market)) = self.markets.get_mut(index as usize)
            && let Some(mid) = market.books.merged().mid()
        {
            market.mark = Some(mid);
        }
        self.schedule(index);
        self.deliver(strategy);
        changed
    }

    fn on_book(&mut self, index: u32, strategy: &mut dyn ReplayStrategy) {
        let Some(Some(market)) = self.markets.get(index as usize) else { return };
        if market.settled {
            return;
        }
        strategy.on_book(&market.view(index, self.now_ms), &mut self.actions);
        self.schedule(index);
    }

    fn tick(&mut self, strategy: &mut dyn ReplayStrategy) {
        for index in 0..self.markets.len() as u32 {
            let Some(Some(market)) = self.markets.get(index as usize) else { continue };
            if market.settled {
                continue;
            }
            strategy.on_tick(&market.view(index, self.now_ms), &mut self.actions);
            self.schedule(index);
        }
    }

    fn sample(&mut self, strategy: &dyn ReplayStrategy) {
        let now = self.now_ms;
        let markets = &self.markets;
        self.measure.markouts(now, |m| markets.get(m as usize).and_then(Option::as_ref).and_then(|m| m.mark));
        let equity: Decimal =
            self.markets.iter().flatten().map(Market::equity).sum::<Decimal>() + self.total_rewards(strategy);
        let exchange = &self.exchange;
        let rows = self.markets.iter().enumerate().filter_map(|(i, m)| {
            let m = m.as_ref()?;
            let (bid, ask) = exchange.two_sided(i as u32);
            (!m.settled).then_some(MarketSample {
                market: i as u32,
                position: m.holdings.yes - m.holdings.no,
                two_sided: bid && ask,
                mid: m.books.merged().mid(),
            })
        });
        self.measure.sample(now, equity, rows);
    }

    fn total_rewards(&self, strategy: &dyn ReplayStrategy) -> Decimal {
        (0..self.markets.len() as u32)
            .filter(|i| self.market(*i).is_some())
            .map(|i| strategy.rewards(i))
            .sum()
    }

    /// Carries out one action that has waited out its latency.
    fn carry_out(&mut self, index: u32, action: Action, strategy: &mut dyn ReplayStrategy) {
        let Some(Some(market)) = self.markets.get_mut(index as usize) else { return };
        if market.settled {
            if matches!(action, Action::Take { .. }) {
                market.takes_in_flight = market.takes_in_flight.saturating_sub(1);
            }
            return;
        }
        let mut cancelled = Vec::new();
        let mut refused = Vec::new();
        let answer = match action {
            Action::Place { key, outcome, side, price, size } => {
                let order = Placement { market: index, outcome, side, price, size };
                let placed = self.exchange.place(order, market.books.merged(), &mut self.user).ok();
                if placed.is_none() {
                    self.refused += 1;
                }
                Some(Answer::Placed { key, id: placed })
            }
            Action::Cancel(id) => {
                if self.exchange.cancel(&id, &mut self.user) {
                    cancelled.push(id);
                } else {
                    refused.push(id);
                }
                None
            }
            Action::Take { outcome, side, size, limit } => {
                market.takes_in_flight = market.takes_in_flight.saturating_sub(1);
                let rate = self.config.fees.rate(&market.meta.category);
                let book = market.books.token(outcome);
                let fill = take(book, outcome, side, size, limit, rate, self.config.taker_fills);
                if fill.refused.is_some() {
                    self.refused += 1;
                } else {
                    market.book(outcome, side, fill.price, fill.shares, fill.fee, Decimal::ZERO);
                    self.measure.fill(FillRow {
                        at_ms: self.now_ms,
                        market: index,
                        outcome,
                        side,
                        price: fill.price,
                        shares: fill.shares,
                        fee: fill.fee,
                        rebate: Decimal::ZERO,
                        maker: false,
                        mid: market.mark,
                        markouts: [None; 3],
                    });
                }
                Some(Answer::Took(fill))
            }
        };
        if let Some(Some(market)) = self.markets.get(index as usize) {
            let view = market.view(index, self.now_ms);
            let exchange = &self.exchange;
            let account = || account_of(exchange, market, index);
            match answer {
                Some(answer) => strategy.on_answer(&view, answer, &account, &mut self.actions),
                None => strategy.on_answer(
                    &view,
                    Answer::Cancelled { cancelled: &cancelled, refused: &refused },
                    &account,
                    &mut self.actions,
                ),
            }
        }
        self.schedule(index);
        self.deliver(strategy);
    }

    /// Hands the exchange's news (placements, cancels, fills) to the strategy, booking
    /// fills first.
    fn deliver(&mut self, strategy: &mut dyn ReplayStrategy) {
        while !self.user.is_empty() {
            let news = std::mem::take(&mut self.user);
            for (index, event) in &news {
                if let UserEvent::Trade(trade) = event {
                    self.book_fills(*index, trade);
                }
                let Some(Some(market)) = self.markets.get(*index as usize) else { continue };
                let view = market.view(*index, self.now_ms);
                let exchange = &self.exchange;
                let account = || account_of(exchange, market, *index);
                strategy.on_answer(&view, Answer::User(event), &account, &mut self.actions);
                self.schedule(*index);
            }
        }
    }

    fn book_fills(&mut self, index: u32, trade: &crate::domain::TradeUpdate) {
        let fees = self.config.fees;
        let Some(Some(market)) = self.markets.get_mut(index as usize) else { return };
        for fill in &trade.fills {
            let outcome = if fill.asset == market.listing.no { Outcome::No } else { Outcome::Yes };
            let rebate = fees.maker_rebate(&market.meta.category, fill.price, fill.size);
            market.book(outcome, fill.side, fill.price, fill.size, Decimal::ZERO, rebate);
            self.measure.fill(FillRow {
                at_ms: self.now_ms,
                market: index,
                outcome,
                side: fill.side,
                price: fill.price,
                shares: fill.size,
                fee: Decimal::ZERO,
                rebate,
                maker: true,
                mid: market.mark,
                markouts: [None; 3],
            });
        }
    }

    /// A market resolves: our orders are cancelled and our shares paid out.
    fn settle(&mut self, index: u32, winner: Outcome, strategy: &mut dyn ReplayStrategy) {
        for id in self.exchange.open_ids(index) {
            self.exchange.cancel(&id, &mut self.user);
        }
        self.deliver(strategy);
        let Some(Some(market)) = self.markets.get_mut(index as usize) else { return };
        let payout_yes = market.meta.payout_yes.unwrap_or(if winner == Outcome::Yes {
            Decimal::ONE
        } else {
            Decimal::ZERO
        });
        let before = market.equity() - market.holdings.cash;
        let paid = market.holdings.yes * payout_yes + market.holdings.no * (Decimal::ONE - payout_yes);
        market.holdings.cash += paid;
        market.holdings.yes = Decimal::ZERO;
        market.holdings.no = Decimal::ZERO;
        market.settled = true;
        market.mark = Some(payout_yes);
        self.measure.settled(index, payout_yes, paid - before);
    }

    fn finish(mut self, strategy: &mut dyn ReplayStrategy, last_event_ms: u64) -> ReplayResult {
        self.sample(strategy);
        let rewards = self.total_rewards(strategy);
        let equity: Decimal = self.markets.iter().flatten().map(Market::equity).sum();
        let markets = &self.markets;
        let measured = self.measure.finish(|i| {
            let market = markets.get(i as usize).and_then(Option::as_ref);
            let r = if market.is_some() { strategy.rewards(i) } else { Decimal::ZERO };
            (market.map_or(Decimal::ZERO, Market::equity) + r, r)
        });
        ReplayResult {
            strategy: strategy.name(),
            config: self.config,
            measured,
            pnl: equity + rewards,
            rewards,
            events: self.events,
            span: (self.first_ms.unwrap_or(0), last_event_ms),
            refused: self.refused,
        }
    }
}

fn account_of(exchange: &Exchange, market: &Market, index: u32) -> AccountView {
    AccountView { open: exchange.open_orders(index), yes: market.holdings.yes, no: market.holdings.no }
}
