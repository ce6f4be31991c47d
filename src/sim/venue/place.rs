//! Order placement: the venue's checks in order, matching, settlement and resting the rest.
//! A rejected order changes nothing; an accepted one is applied completely.

use crate::domain::{OrderType, Outcome, Side};
use crate::sim::engine::book::Fill;
use crate::sim::engine::units::{Lots, Ticks, notional};

use super::events::{OrderEventKind, VenueEvent};
use super::market::{FeeParams, LastTrade, MarketStatus, token_price, yes_terms};
use super::orders::{MakerFill, NewOrder, OrderRecord, OrderStatus, Reject, TradeRecord, TradeStatus};
use super::{AccountKind, Venue, lot_units};

/// What happened to an accepted order.
#[derive(Debug, Clone)]
pub struct Placement {
    /// Engine key.
    pub key: u64,
    /// `Live` if some rests, `Matched` if it filled completely, `Unmatched` for a FAK rest.
    pub status: OrderStatus,
    /// Size matched on arrival, lots.
    pub matched: Lots,
    /// What the order gave on arrival, base units (collateral for a buy, shares for a sell).
    pub making: u128,
    /// What it received on arrival, base units.
    pub taking: u128,
    /// Trade ids created.
    pub trade_ids: Vec<String>,
    /// Their settlement transaction hashes.
    pub transaction_hashes: Vec<[u8; 32]>,
}

impl Venue {
    /// Checks and places an order at `now_ms`.
    pub fn place(&mut self, order: NewOrder, now_ms: u64) -> Result<Placement, Reject> {
        self.check(&order, now_ms)?;
        let key = self.next_key;
        self.next_key += 1;
        let market_index = order.market as usize;
        let (book_side, yes_price) = yes_terms(order.outcome, order.side, order.price);
        let mut fills = Vec::new();
        let matched = self.markets[market_index].book.execute(book_side, yes_price, order.lots, &mut fills);
        let (making, taking, trade) = self.settle_taker(&order, &fills, now_ms);
        let (trade_ids, transaction_hashes): (Vec<String>, Vec<[u8; 32]>) = trade.into_iter().unzip();
        let remaining = order.lots - matched;
        let rests = remaining > 0 && order.order_type.rests();
        let status = if remaining == 0 {
            OrderStatus::Matched
        } else if rests {
            OrderStatus::Live
        } else {
            OrderStatus::Unmatched
        };
        let record = OrderRecord {
            key,
            order,
            matched,
            status,
            created_ms: now_ms,
            trades: trade_ids.clone(),
            reserved: 0,
        };
        if rests {
            self.rest(record);
        } else {
            self.remember(record);
        }
        self.publish_levels(market_index as u32);
        if !fills.is_empty() {
            let view = Box::new(self.markets[market_index].view());
            self.outbox.push(VenueEvent::Book { market: market_index as u32, view });
        }
        Ok(Placement { key, status, matched, making, taking, trade_ids, transaction_hashes })
    }

    fn check(&self, order: &NewOrder, now_ms: u64) -> Result<(), Reject> {
        let market = self.check_open(order.market)?;
        let tick = crate::sim::engine::units::ticks_from_decimal(market.tick.value()).unwrap_or(1);
        if !order.price.is_multiple_of(tick) || order.price < tick || order.price > 10_000 - tick {
            return Err(Reject::Tick);
        }
        if order.lots < market.spec.min_size {
            return Err(Reject::MinSize);
        }
        if self.ids.contains_key(&order.id) {
            return Err(Reject::Duplicated);
        }
        let now_secs = now_ms / 1_000;
        match order.order_type {
            OrderType::Gtd if order.expiration < now_secs + self.rules.gtd_min_lead_secs => {
                return Err(Reject::Expiration);
            }
            OrderType::Gtc | OrderType::Fok | OrderType::Fak if order.expiration != 0 => {
                return Err(Reject::Expiration);
            }
            _ => {}
        }
        if order.post_only && !order.order_type.rests() {
            return Err(Reject::PostOnlyType);
        }
        let (book_side, yes_price) = yes_terms(order.outcome, order.side, order.price);
        if order.post_only && market.book.crosses(book_side, yes_price) {
            return Err(Reject::PostOnlyCrosses);
        }
        let account = self.account(order.account).ok_or(Reject::Balance)?;
        let affordable = match order.side {
            Side::Buy => {
                let fee = Venue::fee(&market.spec.fees, order.price, order.lots);
                account.collateral.free() >= u128::from(notional(order.price, order.lots)) + fee
            }
            Side::Sell => account.free_lots(order.market, order.outcome) >= order.lots,
        };
        if !affordable {
            return Err(Reject::Balance);
        }
        match order.order_type {
            OrderType::Fok if market.book.fillable(book_side, yes_price, order.lots) < order.lots => {
                Err(Reject::FokNotFilled)
            }
            OrderType::Fak if market.book.fillable(book_side, yes_price, 1) == 0 => Err(Reject::NoMatch),
            _ => Ok(()),
        }
    }

    /// Books every fill of an incoming order; returns (making, taking, the trade's id and
    /// transaction hash).
    fn settle_taker(
        &mut self,
        taker: &NewOrder,
        fills: &[Fill],
        now_ms: u64,
    ) -> (u128, u128, Option<(String, [u8; 32])>) {
        if fills.is_empty() {
            return (0, 0, None);
        }
        let market = taker.market;
        let fees = self.markets[market as usize].spec.fees;
        let mut makers = Vec::with_capacity(fills.len());
        let (mut making, mut taking, mut taker_fee) = (0u128, 0u128, 0u128);
        let mut last_price = taker.price;
        for fill in fills {
            let taker_price = token_price(taker.outcome, fill.price);
            let fee = if fees.charges(true) { Venue::fee(&fees, taker_price, fill.lots) } else { 0 };
            let (given, received) =
                self.transfer(taker.account, market, taker.outcome, taker.side, taker_price, fill.lots, fee);
            making += given;
            taking += received;
            taker_fee += fee;
            last_price = taker_price;
            if let Some(maker) = self.settle_maker(fill, &fees) {
                makers.push(maker);
            }
        }
        let lots: Lots = fills.iter().map(|fill| fill.lots).sum();
        let trade = self.log_trade(taker, makers, last_price, lots, taker_fee, &fees, now_ms);
        self.record_trade_stats(market, fills, taker, lots, trade.1);
        (making, taking, Some(trade))
    }

    fn settle_maker(&mut self, fill: &Fill, fees: &FeeParams) -> Option<MakerFill> {
        let record = self.orders.get_mut(&fill.maker)?;
        let order = record.order.clone();
        record.matched += fill.lots;
        if fill.maker_done {
            record.status = OrderStatus::Matched;
        }
        let price = order.price;
        let fee = if fees.charges(false) { Venue::fee(fees, price, fill.lots) } else { 0 };
        self.release(fill.maker, Some(fill.lots));
        self.transfer(order.account, order.market, order.outcome, order.side, price, fill.lots, fee);
        if fill.maker_done {
            self.close(fill.maker);
        }
        let snapshot = self.orders.get(&fill.maker).cloned();
        if let Some(record) = snapshot {
            self.notify_order(record, OrderEventKind::Update);
        }
        Some(MakerFill {
            order_id: order.id,
            account: order.account,
            maker_address: order.maker_address,
            outcome: order.outcome,
            side: order.side,
            price,
            lots: fill.lots,
            fee,
        })
    }

    /// Moves collateral and shares for one side of a fill; returns (given, received) in
    /// base units. Fees reduce what a seller receives and add to what a buyer pays.
    #[allow(clippy::too_many_arguments)]
    fn transfer(
        &mut self,
        account: super::AccountId,
        market: u32,
        outcome: Outcome,
        side: Side,
        price: Ticks,
        lots: Lots,
        fee: u128,
    ) -> (u128, u128) {
        let cash = u128::from(notional(price, lots));
        let shares = lot_units(lots);
        let account = self.account_mut(account);
        match side {
            Side::Buy => {
                account.collateral.held = account.collateral.held.saturating_sub(cash + fee);
                account.position_mut(market, outcome).held += shares;
                (cash + fee, shares)
            }
            Side::Sell => {
                let position = account.position_mut(market, outcome);
                position.held = position.held.saturating_sub(shares);
                account.collateral.held += cash.saturating_sub(fee);
                (shares, cash.saturating_sub(fee))
            }
        }
    }

    /// What a resting order reserves for `lots` of its size.
    pub(super) fn reservation(&self, order: &NewOrder, lots: Lots) -> u128 {
        match order.side {
            Side::Buy => {
                let fees = &self.markets[order.market as usize].spec.fees;
                let fee = if fees.charges(false) { Venue::fee(fees, order.price, lots) } else { 0 };
                u128::from(notional(order.price, lots)) + fee
            }
            Side::Sell => lot_units(lots),
        }
    }

    /// Releases the reservation of `lots` of a resting order (all of it for `None` or once
    /// nothing remains).
    pub(super) fn release(&mut self, key: u64, lots: Option<Lots>) {
        let Some(record) = self.orders.get(&key) else { return };
        let order = record.order.clone();
        let amount = if let (Some(lots), false) = (lots, record.remaining() == 0) {
            self.reservation(&order, lots).min(record.reserved)
        } else {
            record.reserved
        };
        if let Some(record) = self.orders.get_mut(&key) {
            record.reserved -= amount;
        }
        let holder = self.account_mut(order.account);
        let holding = match order.side {
            Side::Buy => &mut holder.collateral,
            Side::Sell => holder.position_mut(order.market, order.outcome),
        };
        holding.reserved = holding.reserved.saturating_sub(amount);
    }

    fn rest(&mut self, mut record: OrderRecord) {
        let amount = self.reservation(&record.order, record.remaining());
        record.reserved = amount;
        let order = &record.order;
        let (book_side, yes_price) = yes_terms(order.outcome, order.side, order.price);
        let account = self.account_mut(order.account);
        match order.side {
            Side::Buy => account.collateral.reserved += amount,
            Side::Sell => account.position_mut(order.market, order.outcome).reserved += amount,
        }
        self.markets[order.market as usize].book.insert(record.key, book_side, yes_price, record.remaining());
        self.open.insert(record.key);
        self.open_by_account.entry(order.account).or_default().insert(record.key);
        if order.expiration != 0 {
            self.expiring.insert((order.expiration, record.key));
        }
        let snapshot = record.clone();
        self.remember(record);
        self.notify_order(snapshot, OrderEventKind::Placement);
    }

    /// Keeps a record for lookups (client orders only; agents' closed orders are dropped).
    pub(super) fn remember(&mut self, record: OrderRecord) {
        let is_agent = self.account(record.order.account).is_some_and(|a| a.kind == AccountKind::Agent);
        if is_agent && !self.open.contains(&record.key) {
            return;
        }
        self.ids.insert(record.order.id, record.key);
        self.orders.insert(record.key, record);
    }

    /// Marks an order no longer open; forgets it if it belongs to an agent.
    pub(super) fn close(&mut self, key: u64) {
        self.open.remove(&key);
        let Some(record) = self.orders.get(&key) else { return };
        if let Some(open) = self.open_by_account.get_mut(&record.order.account) {
            open.remove(&key);
        }
        if record.order.expiration != 0 {
            self.expiring.remove(&(record.order.expiration, key));
        }
        let is_agent = self.account(record.order.account).is_some_and(|a| a.kind == AccountKind::Agent);
        if is_agent {
            let id = record.order.id;
            self.orders.remove(&key);
            self.ids.remove(&id);
        }
    }

    pub(super) fn notify_order(&mut self, record: OrderRecord, kind: OrderEventKind) {
        let is_client = self.account(record.order.account).is_some_and(|a| a.kind == AccountKind::Client);
        if is_client {
            self.outbox.push(VenueEvent::Order {
                account: record.order.account,
                record: Box::new(record),
                kind,
            });
        }
    }

    fn record_trade_stats(
        &mut self,
        market: u32,
        fills: &[Fill],
        taker: &NewOrder,
        lots: Lots,
        transaction_hash: [u8; 32],
    ) {
        let yes_side = match (taker.outcome, taker.side) {
            (Outcome::Yes, side) => side,
            (Outcome::No, side) => side.opposite(),
        };
        let state = &mut self.markets[market as usize];
        let fee_rate_bps = fee_bps(&state.spec.fees);
        for fill in fills {
            state.volume_notional += u128::from(notional(fill.price, fill.lots));
        }
        state.volume_lots += u128::from(lots);
        if let Some(last) = fills.last() {
            state.last_trade = Some(LastTrade { price: last.price, side: yes_side, lots });
            self.outbox.push(VenueEvent::LastTrade {
                market,
                price: last.price,
                side: yes_side,
                lots,
                fee_rate_bps,
                transaction_hash,
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn log_trade(
        &mut self,
        taker: &NewOrder,
        makers: Vec<MakerFill>,
        price: Ticks,
        lots: Lots,
        fee: u128,
        fees: &FeeParams,
        now_ms: u64,
    ) -> (String, [u8; 32]) {
        let involves_client = std::iter::once(taker.account)
            .chain(makers.iter().map(|maker| maker.account))
            .any(|id| self.account(id).is_some_and(|a| a.kind == AccountKind::Client));
        let (id, transaction_hash) = self.next_trade_id();
        if !involves_client {
            return (id, transaction_hash);
        }
        let index = self.trades.len();
        self.trades.push(TradeRecord {
            id: id.clone(),
            market: taker.market,
            taker_order: taker.id,
            taker: taker.account,
            taker_address: taker.maker_address,
            outcome: taker.outcome,
            side: taker.side,
            price,
            lots,
            fee,
            fee_rate_bps: fee_bps(fees),
            makers,
            match_ms: now_ms,
            status: TradeStatus::Matched,
            updated_ms: now_ms,
            transaction_hash,
        });
        self.unsettled.push_back(index);
        self.outbox.push(VenueEvent::Trade { trade: index, status: TradeStatus::Matched });
        (id, transaction_hash)
    }

    /// Emits the changed levels of a market's book.
    pub(super) fn publish_levels(&mut self, market: u32) {
        let state = &mut self.markets[market as usize];
        let touched = state.book.take_touched();
        if touched.is_empty() {
            return;
        }
        let changes =
            touched.into_iter().map(|(side, price)| (side, price, state.book.size_at(side, price))).collect();
        let top = state.yes_top();
        self.outbox.push(VenueEvent::Levels { market, changes, top });
    }

    /// Whether a market trades.
    pub fn is_open(&self, market: u32) -> bool {
        self.market(market).is_some_and(|m| m.status == MarketStatus::Open)
    }
}

/// The fee rate in basis points, as shown on trades.
pub fn fee_bps(fees: &FeeParams) -> u32 {
    use rust_decimal::prelude::ToPrimitive;
    (fees.rate * rust_decimal::Decimal::from(10_000u32)).trunc().to_u32().unwrap_or(0)
}
