//! resolvedkit's `late_favorite` rule as a taker strategy on polymm's replay engine: once
//! a market is within 120 s of its end, buy 250 pUSD of the favourite (the token with the
//! higher mid) if its best ask is between 0.60 and 0.90, paying at most 2¢ over that ask;
//! a refused or unfilled order is tried again at the next snapshot; hold to resolution.

use polymm::backtest::{AccountView, Action, Answer, MarketView, ReplayStrategy, TakeSize, venue_mid};
use polymm::domain::{Book, Pips};
use polymm::domain::{Outcome, Side, TickSize};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// The rule's parameters (resolvedkit's `specs/late_favorite.json`).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Enter this close to the end, ms.
    pub before_end_ms: u64,
    /// Lowest best ask accepted.
    pub min_price: Decimal,
    /// Highest best ask accepted.
    pub max_price: Decimal,
    /// Order size, pUSD.
    pub cash: Decimal,
    /// The most paid over the best ask, pips.
    pub max_slippage: Pips,
}

impl Default for Rule {
    fn default() -> Self {
        Self {
            before_end_ms: 120_000,
            min_price: dec!(0.6),
            max_price: dec!(0.9),
            cash: dec!(250),
            max_slippage: 200,
        }
    }
}

/// The strategy: the rule and, per market, the side it chose.
#[derive(Debug, Default)]
pub struct LateFavorite {
    rule: Rule,
    chosen: Vec<Option<Outcome>>,
}

impl LateFavorite {
    /// The rule with these parameters.
    pub fn new(rule: Rule) -> Self {
        Self { rule, chosen: Vec::new() }
    }
}

fn seen(book: &Book) -> bool {
    book.best_bid().is_some() || book.best_ask().is_some()
}

impl ReplayStrategy for LateFavorite {
    fn name(&self) -> String {
        "late_favorite".into()
    }

    fn on_start(&mut self, view: &MarketView<'_>, _out: &mut Vec<Action>) {
        while self.chosen.len() <= view.index as usize {
            self.chosen.push(None);
        }
    }

    fn on_book(&mut self, view: &MarketView<'_>, out: &mut Vec<Action>) {
        if view.takes_in_flight > 0 {
            return;
        }
        let chosen = self.chosen[view.index as usize];
        let held = |outcome| match outcome {
            Outcome::Yes => view.holdings.yes,
            Outcome::No => view.holdings.no,
        };
        if chosen.is_some_and(|side| held(side) > Decimal::ZERO) {
            return;
        }
        let Some(end_ms) = view.meta.end_ms else { return };
        if view.now_ms >= end_ms || end_ms - view.now_ms > self.rule.before_end_ms {
            return;
        }
        let (up, down) = (view.books.token(Outcome::Yes), view.books.token(Outcome::No));
        if !seen(up) || !seen(down) {
            return;
        }
        let side = if venue_mid(up) >= venue_mid(down) { Outcome::Yes } else { Outcome::No };
        let Some(ask) = view.books.token(side).best_ask() else { return };
        let price = polymm::domain::pips_decimal(ask.price);
        if price < self.rule.min_price || price > self.rule.max_price {
            return;
        }
        out.push(Action::Take {
            outcome: side,
            side: Side::Buy,
            size: TakeSize::Cash(self.rule.cash),
            limit: Some(ask.price + self.rule.max_slippage),
        });
        self.chosen[view.index as usize] = Some(side);
    }

    fn on_print(&mut self, _view: &MarketView<'_>, _taker_yes: Side, _size: Decimal) {}

    fn on_tick(&mut self, _view: &MarketView<'_>, _out: &mut Vec<Action>) {}

    fn on_answer(
        &mut self,
        _view: &MarketView<'_>,
        _answer: Answer<'_>,
        _account: &dyn Fn() -> AccountView,
        _out: &mut Vec<Action>,
    ) {
    }

    fn on_tick_size(&mut self, _view: &MarketView<'_>, _tick: TickSize, _out: &mut Vec<Action>) {}

    fn rewards(&self, _market: u32) -> Decimal {
        Decimal::ZERO
    }
}

/// What resolvedkit reports: P&L over the cash spent on buys.
pub fn return_on_invested(result: &polymm::backtest::ReplayResult) -> Decimal {
    let invested = result.measured.bought;
    if invested.is_zero() { Decimal::ZERO } else { result.pnl / invested }
}
