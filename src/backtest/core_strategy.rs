//! The daemon's own quoting on the replay: one `MarketCore` per market, exactly as the
//! market actor drives it (book updates, prints, the 250 ms timer, the venue's answers,
//! reconciliation when a cancel is refused), with our orders off the recorded book as in
//! paper mode. Nothing of the strategy is re-implemented here.

use rust_decimal::Decimal;

use super::strategy::{AccountView, Action, Answer, MarketView, ReplayStrategy};
use crate::domain::book::{decimal_micros, decimal_pips};
use crate::domain::{Side, TickSize, UserEvent};
use crate::market::core::{Intent, MarketCore, SafetyParams};
use crate::strategy::rewards::RewardProgram;
use crate::strategy::{ModelParams, StrategyKind};

/// What every market's core is built from.
#[derive(Debug, Clone, Copy)]
pub struct CoreParams {
    /// The quote model's parameters (kind included).
    pub model: ModelParams,
    /// The timed safety rules.
    pub safety: SafetyParams,
    /// Each market's bankroll.
    pub bankroll: Decimal,
}

/// The daemon's strategy (polymm, fixed or Avellaneda–Stoikov) on the replay.
pub struct CoreStrategy {
    params: CoreParams,
    cores: Vec<Option<MarketCore>>,
}

impl CoreStrategy {
    /// Cores built from `params`.
    pub fn new(params: CoreParams) -> Self {
        Self { params, cores: Vec::new() }
    }

    /// The strategy it runs.
    pub fn kind(&self) -> StrategyKind {
        self.params.model.kind
    }

    fn core(&mut self, market: u32) -> Option<&mut MarketCore> {
        self.cores.get_mut(market as usize).and_then(Option::as_mut)
    }
}

/// A core's intents as replay actions.
fn actions(intents: Vec<Intent>, out: &mut Vec<Action>) {
    for intent in intents {
        out.push(match intent {
            Intent::Place { key, order } => {
                let (Some(price), Some(size)) =
                    (decimal_pips(order.price.value()), decimal_micros(order.size.value()))
                else {
                    continue;
                };
                Action::Place { key, outcome: order.outcome, side: order.side, price, size }
            }
            Intent::Cancel(id) => Action::Cancel(id),
        });
    }
}

impl ReplayStrategy for CoreStrategy {
    fn name(&self) -> String {
        crate::strategy::model::strategy_name(self.params.model.kind).to_owned()
    }

    fn on_start(&mut self, view: &MarketView<'_>, out: &mut Vec<Action>) {
        let meta = view.meta;
        let rewards = meta.rewards.as_ref().map(|r| RewardProgram {
            max_spread: r.max_spread_cents / Decimal::ONE_HUNDRED,
            min_size: r.min_size,
            daily_rate: r.daily_rate,
        });
        let model =
            ModelParams { rewards, end_ms: meta.end_ms, bankroll: self.params.bankroll, ..self.params.model };
        let tick = TickSize::from_decimal(meta.tick).unwrap_or(TickSize::Hundredth);
        let mut core =
            MarketCore::new(view.listing.yes.clone(), view.listing.no.clone(), model, tick, meta.min_size)
                .with_safety(self.params.safety)
                .with_orders_off_book();
        core.set_now(view.now_ms);
        actions(core.reconcile(Vec::new(), Decimal::ZERO, Decimal::ZERO), out);
        while self.cores.len() <= view.index as usize {
            self.cores.push(None);
        }
        self.cores[view.index as usize] = Some(core);
    }

    fn on_book(&mut self, view: &MarketView<'_>, out: &mut Vec<Action>) {
        let Some(core) = self.core(view.index) else { return };
        core.set_now(view.now_ms);
        let book = view.books.trusted().then(|| view.books.merged());
        actions(core.on_book(book), out);
    }

    fn on_print(&mut self, view: &MarketView<'_>, taker_yes: Side, size: Decimal) {
        let Some(core) = self.core(view.index) else { return };
        core.set_now(view.now_ms);
        core.on_print(taker_yes, size);
    }

    fn on_tick(&mut self, view: &MarketView<'_>, out: &mut Vec<Action>) {
        let Some(core) = self.core(view.index) else { return };
        core.set_now(view.now_ms);
        actions(core.tick(view.now_ms), out);
    }

    fn on_answer(
        &mut self,
        view: &MarketView<'_>,
        answer: Answer<'_>,
        account: &dyn Fn() -> AccountView,
        out: &mut Vec<Action>,
    ) {
        let Some(core) = self.core(view.index) else { return };
        core.set_now(view.now_ms);
        match answer {
            Answer::Placed { key, id } => core.on_placed(key, id),
            Answer::Cancelled { cancelled, refused } => {
                let more = core.on_cancel_answer(cancelled, refused, false);
                if refused.is_empty() {
                    actions(more, out);
                } else {
                    let AccountView { open, yes, no } = account();
                    actions(core.reconcile(open, yes, no), out);
                }
            }
            Answer::User(UserEvent::Order(update)) => core.on_order(update),
            Answer::User(UserEvent::Trade(trade)) => core.on_trade(trade),
            Answer::Took(_) => {}
        }
    }

    fn on_tick_size(&mut self, view: &MarketView<'_>, tick: TickSize, out: &mut Vec<Action>) {
        let Some(core) = self.core(view.index) else { return };
        actions(core.set_tick(tick), out);
    }

    fn rewards(&self, market: u32) -> Decimal {
        self.cores
            .get(market as usize)
            .and_then(Option::as_ref)
            .map_or(Decimal::ZERO, |c| c.model().reward_accrued())
    }
}
