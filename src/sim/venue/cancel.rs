//! Everything that takes orders off the book: cancels (one, many, by market, all), the
//! dead-man switch, expiry and resolution; plus the clock-driven housekeeping (trade
//! settlement statuses, tick-size changes).

use std::collections::BTreeMap;

use crate::domain::{OrderId, Outcome, TickSize};
use crate::sim::engine::units::{PRICE_SCALE, Ticks};

use super::events::{OrderEventKind, VenueEvent};
use super::market::MarketStatus;
use super::orders::{OrderStatus, TradeStatus};
use super::{AccountId, Venue};

/// The venue's answer to a cancel request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancelOutcome {
    /// Ids cancelled.
    pub canceled: Vec<OrderId>,
    /// Ids not cancelled, with the reason.
    pub not_canceled: BTreeMap<OrderId, String>,
}

impl CancelOutcome {
    fn merge(&mut self, other: CancelOutcome) {
        self.canceled.extend(other.canceled);
        self.not_canceled.extend(other.not_canceled);
    }
}

/// Prices beyond which a 0.01 market switches to a 0.001 tick.
const FINE_TICK_LOW: Ticks = 400;
const FINE_TICK_HIGH: Ticks = PRICE_SCALE - 400;

impl Venue {
    /// Cancels one order of `account`.
    pub fn cancel(&mut self, account: AccountId, id: &OrderId) -> CancelOutcome {
        let mut outcome = CancelOutcome::default();
        let reason = match self.ids.get(id).and_then(|key| self.orders.get(key)) {
            None => Some("Order not found"),
            Some(record) if record.order.account != account => Some("Order not found"),
            Some(record) if record.status == OrderStatus::Canceled => Some("order is already canceled"),
            Some(record) if record.status != OrderStatus::Live => {
                Some("order can't be canceled because it is already matched")
            }
            Some(_) => None,
        };
        match reason {
            Some(reason) => {
                outcome.not_canceled.insert(*id, reason.to_owned());
            }
            None => {
                if let Some(key) = self.ids.get(id).copied() {
                    self.cancel_key(key);
                    outcome.canceled.push(*id);
                }
            }
        }
        outcome
    }

    /// Cancels several orders of `account`.
    pub fn cancel_many(&mut self, account: AccountId, ids: &[OrderId]) -> CancelOutcome {
        let mut outcome = CancelOutcome::default();
        for id in ids {
            outcome.merge(self.cancel(account, id));
        }
        outcome
    }

    /// Cancels `account`'s open orders in a market (and optionally one token).
    pub fn cancel_where(
        &mut self,
        account: AccountId,
        market: Option<u32>,
        outcome: Option<Outcome>,
    ) -> CancelOutcome {
        let keys: Vec<u64> =
            self.open_orders(account, market, outcome).into_iter().map(|record| record.key).collect();
        let mut result = CancelOutcome::default();
        for key in keys {
            if let Some(id) = self.cancel_key(key) {
                result.canceled.push(id);
            }
        }
        result
    }

    /// Removes an open order from the book, releases its reservation and reports it.
    fn cancel_key(&mut self, key: u64) -> Option<OrderId> {
        let market = self.orders.get(&key)?.order.market;
        self.markets[market as usize].book.cancel(key);
        let record = self.orders.get_mut(&key)?;
        record.status = OrderStatus::Canceled;
        let id = record.order.id;
        self.release(key, None);
        let snapshot = self.orders.get(&key).cloned();
        self.close(key);
        if let Some(record) = snapshot {
            self.notify_order(record, OrderEventKind::Cancellation);
        }
        self.publish_levels(market);
        Some(id)
    }

    /// Clock-driven work: expire GTD orders, advance trade settlement, refine ticks.
    pub fn housekeeping(&mut self, now_ms: u64) {
        self.expire(now_ms / 1_000);
        self.advance_trades(now_ms);
        self.refine_ticks();
    }

    fn expire(&mut self, now_secs: u64) {
        let due: Vec<u64> =
            self.expiring.iter().take_while(|(at, _)| *at <= now_secs).map(|(_, key)| *key).collect();
        for key in due {
            self.cancel_key(key);
        }
    }

    fn advance_trades(&mut self, now_ms: u64) {
        let rules = self.rules;
        let mut still = std::collections::VecDeque::with_capacity(self.unsettled.len());
        while let Some(index) = self.unsettled.pop_front() {
            let Some(trade) = self.trades.get_mut(index) else { continue };
            let age = now_ms.saturating_sub(trade.match_ms);
            let next = if age >= rules.confirmed_after_ms {
                TradeStatus::Confirmed
            } else if age >= rules.mined_after_ms {
                TradeStatus::Mined
            } else {
                trade.status
            };
            if next != trade.status {
                trade.status = next;
                trade.updated_ms = now_ms;
                self.outbox.push(VenueEvent::Trade { trade: index, status: next });
            }
            if next != TradeStatus::Confirmed {
                still.push_back(index);
            }
        }
        self.unsettled = still;
    }

    fn refine_ticks(&mut self) {
        for (index, market) in self.markets.iter_mut().enumerate() {
            let Some(last) = market.last_trade else { continue };
            let extreme = last.price < FINE_TICK_LOW || last.price > FINE_TICK_HIGH;
            if market.tick == TickSize::Hundredth && extreme && market.status == MarketStatus::Open {
                let old = market.tick;
                market.tick = TickSize::Thousandth;
                self.outbox.push(VenueEvent::TickSize { market: index as u32, old, new: market.tick });
            }
        }
    }

    /// Resolves a market: cancels its orders and pays 1 pUSD per winning share.
    pub fn resolve(&mut self, market: u32, winner: Outcome) {
        if !self.is_open(market) {
            return;
        }
        let keys: Vec<u64> = self
            .open
            .iter()
            .copied()
            .filter(|key| self.orders.get(key).is_some_and(|r| r.order.market == market))
            .collect();
        for key in keys {
            self.cancel_key(key);
        }
        for account in &mut self.accounts {
            let won = account.positions.remove(&(market, winner)).unwrap_or_default();
            account.positions.remove(&(market, winner.complement()));
            account.collateral.held += won.held;
        }
        self.markets[market as usize].status = MarketStatus::Resolved(winner);
        self.outbox.push(VenueEvent::Resolved { market, winner });
    }

    /// Cancels every open order of `account` (cancel-all and the dead-man switch).
    pub fn cancel_all(&mut self, account: AccountId) -> CancelOutcome {
        self.cancel_where(account, None, None)
    }
}
