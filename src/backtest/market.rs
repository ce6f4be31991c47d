//! One market in the replay: what the data set says of it, its ids on the exchange, its
//! books, what we hold there, and how it looks to a strategy.

use rust_decimal::Decimal;

use super::books::MarketBooks;
use super::exchange::Listing;
use super::strategy::{Holdings, MarketView};
use crate::data::MarketMeta;
use crate::domain::book::{Micros, Pips};
use crate::domain::{ConditionId, Outcome, Side, TokenId};

pub(super) struct Market {
    pub(super) meta: MarketMeta,
    pub(super) listing: Listing,
    pub(super) books: MarketBooks,
    pub(super) holdings: Holdings,
    pub(super) takes_in_flight: usize,
    pub(super) settled: bool,
    pub(super) last_print: Option<(u64, Pips, Micros)>,
    pub(super) feed_latency_ms: u64,
    pub(super) mark: Option<Decimal>,
}

impl Market {
    pub(super) fn view(&self, index: u32, now_ms: u64) -> MarketView<'_> {
        MarketView {
            index,
            meta: &self.meta,
            listing: &self.listing,
            books: &self.books,
            now_ms,
            holdings: self.holdings,
            takes_in_flight: self.takes_in_flight,
        }
    }

    /// Books a trade of ours: `shares` of `outcome` bought or sold at `price`, `fee` paid,
    /// `rebate` earned.
    pub(super) fn book(
        &mut self,
        outcome: Outcome,
        side: Side,
        price: Decimal,
        shares: Decimal,
        fee: Decimal,
        rebate: Decimal,
    ) {
        let notional = price * shares;
        let h = &mut self.holdings;
        let (cash, held) = match side {
            Side::Buy => (-notional, shares),
            Side::Sell => (notional, -shares),
        };
        h.cash += cash - fee + rebate;
        match outcome {
            Outcome::Yes => h.yes += held,
            Outcome::No => h.no += held,
        }
    }

    /// Cash plus shares at the YES-terms mid.
    pub(super) fn equity(&self) -> Decimal {
        let mark = self.mark.unwrap_or(Decimal::new(5, 1));
        self.holdings.cash + self.holdings.yes * mark + self.holdings.no * (Decimal::ONE - mark)
    }

    pub(super) fn listing(index: u32, meta: &MarketMeta) -> Listing {
        let token = |text: &str, n: u32| {
            text.parse::<TokenId>()
                .unwrap_or_else(|_| TokenId::from_be_bytes(u256_of(u64::from(index) * 2 + u64::from(n))))
        };
        let mut condition = [0u8; 32];
        condition[28..].copy_from_slice(&index.to_be_bytes());
        Listing {
            condition: ConditionId::from_bytes(condition),
            yes: token(&meta.yes, 1),
            no: token(&meta.no, 2),
        }
    }
}

fn u256_of(value: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[24..].copy_from_slice(&value.to_be_bytes());
    bytes
}
