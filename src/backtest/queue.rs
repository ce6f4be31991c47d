//! Where our resting order stands in its price level's queue, three ways, over the paper
//! exchange's fill code (`execution::paper::QueueModel`: trades at our price eat the queue
//! ahead first, a trade through our price or a quote crossing it fills us):
//!
//! - **risk-averse** (pessimistic): the queue ahead shrinks only by trades, and by
//!   cancels only when the level falls below it: cancels are assumed to come from behind;
//! - **probabilistic** (neutral): a level's decrease is split between ahead and behind by
//!   the queue-position literature's rule, the share from behind being f(back) /
//!   (f(back) + f(front)) with f(x) = xⁿ (power) or ln(1 + x) (log);
//! - **trade-only** (optimistic): no queue; any trade at or through our price fills us up
//!   to its size, and quotes alone never do.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crate::domain::Side;
use crate::domain::book::{Micros, Pips};
use crate::execution::paper::{FillModel, PaperFill, PaperOrder, PaperReject, QueueModel};

/// Which queue model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueueKind {
    /// Cancels come from behind us.
    RiskAverse,
    /// Cancels split by f(x) = xⁿ.
    Power(f64),
    /// Cancels split by f(x) = ln(1 + x).
    Log,
    /// No queue; trades only.
    TradeOnly,
}

impl fmt::Display for QueueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RiskAverse => f.write_str("risk-averse"),
            Self::Power(n) => write!(f, "power{n}"),
            Self::Log => f.write_str("log"),
            Self::TradeOnly => f.write_str("trade-only"),
        }
    }
}

impl FromStr for QueueKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "risk-averse" | "pessimistic" => Ok(Self::RiskAverse),
            "log" => Ok(Self::Log),
            "trade-only" | "optimistic" => Ok(Self::TradeOnly),
            "neutral" | "power" => Ok(Self::Power(2.0)),
            other => other
                .strip_prefix("power")
                .and_then(|n| n.parse::<f64>().ok())
                .filter(|n| *n > 0.0 && n.is_finite())
                .map(Self::Power)
                .ok_or_else(|| {
                    format!("unknown queue model {other:?}: risk-averse, power<N>, log or trade-only")
                }),
        }
    }
}

impl QueueKind {
    /// The share of a level's decrease that came from behind us.
    fn share_from_behind(self, front: Micros, back: Micros) -> f64 {
        let f = |x: Micros| match self {
            Self::Power(n) => (x as f64).powf(n),
            Self::Log => (x as f64).ln_1p(),
            Self::RiskAverse | Self::TradeOnly => 0.0,
        };
        let (front, back) = (f(front), f(back));
        if front + back <= 0.0 { 0.5 } else { back / (front + back) }
    }
}

/// A queue model (a paper [`FillModel`]).
#[derive(Debug)]
pub struct Queue {
    kind: QueueKind,
    inner: QueueModel,
    levels: HashMap<u64, Micros>,
}

impl Queue {
    /// An empty book of our orders under `kind`.
    pub fn new(kind: QueueKind) -> Self {
        Self { kind, inner: QueueModel::new(), levels: HashMap::new() }
    }

    fn forget_done(&mut self, fills: &[PaperFill]) {
        for fill in fills.iter().filter(|f| f.done) {
            self.levels.remove(&fill.order);
        }
    }
}

impl FillModel for Queue {
    fn place(
        &mut self,
        order: PaperOrder,
        level_size: Micros,
        opposite_best: Option<Pips>,
    ) -> Result<(), PaperReject> {
        let id = order.id;
        let ahead = if self.kind == QueueKind::TradeOnly { 0 } else { level_size };
        self.inner.place(order, ahead, opposite_best)?;
        self.levels.insert(id, level_size);
        Ok(())
    }

    fn cancel(&mut self, id: u64) -> Option<PaperOrder> {
        self.levels.remove(&id);
        self.inner.cancel(id)
    }

    fn on_trade(&mut self, asset: &str, price: Pips, size: Micros, side: Side) -> Vec<PaperFill> {
        let fills = self.inner.on_trade(asset, price, size, side);
        self.forget_done(&fills);
        fills
    }

    fn on_level(&mut self, asset: &str, side: Side, price: Pips, size: Micros) -> Vec<PaperFill> {
        match self.kind {
            QueueKind::TradeOnly => {}
            QueueKind::RiskAverse => {
                self.inner.on_level(asset, side, price, size);
            }
            kind => {
                for order in self.inner.queue_at(asset, side, price) {
                    let before = self.levels.get(&order.id).copied().unwrap_or(size);
                    if size < before {
                        let drop = (before - size) as f64;
                        let front = order.queue_ahead;
                        let back = before.saturating_sub(front);
                        let behind = kind.share_from_behind(front, back);
                        let estimate =
                            front as f64 - (1.0 - behind) * drop + (back as f64 - behind * drop).min(0.0);
                        order.queue_ahead = (estimate.max(0.0) as Micros).min(size);
                    }
                    self.levels.insert(order.id, size);
                }
            }
        }
        Vec::new()
    }

    fn on_top(&mut self, asset: &str, best_bid: Option<Pips>, best_ask: Option<Pips>) -> Vec<PaperFill> {
        if self.kind == QueueKind::TradeOnly {
            return Vec::new();
        }
        let fills = self.inner.on_top(asset, best_bid, best_ask);
        self.forget_done(&fills);
        fills
    }

    #[cfg(test)]
    fn open(&self) -> Vec<&PaperOrder> {
        self.inner.open()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(id: u64) -> PaperOrder {
        PaperOrder {
            id,
            asset: Box::from("A"),
            side: Side::Buy,
            price: 4_800,
            size: 100,
            filled: 0,
            queue_ahead: 0,
        }
    }

    fn ahead(queue: &Queue) -> Micros {
        queue.open()[0].queue_ahead
    }

    #[test]
    fn models_parse_by_name() {
        assert_eq!("risk-averse".parse(), Ok(QueueKind::RiskAverse));
        assert_eq!("power3".parse(), Ok(QueueKind::Power(3.0)));
        assert_eq!("neutral".parse(), Ok(QueueKind::Power(2.0)));
        assert_eq!("log".parse(), Ok(QueueKind::Log));
        assert_eq!("optimistic".parse(), Ok(QueueKind::TradeOnly));
        assert!("fifo".parse::<QueueKind>().is_err());
    }

    #[test]
    fn a_cancel_moves_us_forward_least_when_risk_averse_and_most_when_the_queue_behind_is_short() {
        let mut moved = Vec::new();
        for kind in [QueueKind::RiskAverse, QueueKind::Log, QueueKind::Power(2.0)] {
            let mut queue = Queue::new(kind);
            queue.place(bid(1), 1_000, None).unwrap();
            queue.on_level("A", Side::Buy, 4_800, 1_200);
            assert_eq!(ahead(&queue), 1_000, "{kind}: size joining the level is behind us");
            queue.on_level("A", Side::Buy, 4_800, 1_000);
            moved.push(1_000 - ahead(&queue));
        }
        assert_eq!(moved[0], 0, "risk-averse: the 200 cancelled came from behind");
        assert!(
            moved[1] > 0 && moved[2] > moved[1],
            "log and power credit some of it to the front: {moved:?}"
        );
        let mut queue = Queue::new(QueueKind::Power(2.0));
        queue.place(bid(1), 1_000, None).unwrap();
        queue.on_level("A", Side::Buy, 4_800, 400);
        assert_eq!(ahead(&queue), 400, "never more ahead than the level holds");
    }

    #[test]
    fn trade_only_fills_on_any_trade_at_our_price_and_never_on_quotes() {
        let mut queue = Queue::new(QueueKind::TradeOnly);
        queue.place(bid(1), 5_000, Some(5_000)).unwrap();
        assert!(queue.on_top("A", Some(4_700), Some(4_800)).is_empty());
        let fills = queue.on_trade("A", 4_800, 30, Side::Sell);
        assert_eq!(fills[0].size, 30, "no queue ahead");
        let mut averse = Queue::new(QueueKind::RiskAverse);
        averse.place(bid(1), 5_000, None).unwrap();
        assert!(averse.on_trade("A", 4_800, 30, Side::Sell).is_empty(), "5,000 ahead");
    }
}
