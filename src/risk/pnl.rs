//! Per-market P&L, reported: realized, unrealized at the mid, fees and rewards, and the
//! total.

use rust_decimal::Decimal;

use crate::domain::PositionLedger;

/// One market's P&L.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MarketPnl {
    /// Realized on sells and merges.
    pub realized: Decimal,
    /// Open positions at the mid.
    pub unrealized: Decimal,
    /// Fees paid.
    pub fees: Decimal,
    /// Liquidity rewards accrued (estimated until paid).
    pub rewards: Decimal,
}

impl MarketPnl {
    /// From a ledger marked at `mid`, with `rewards` accrued.
    pub fn of(ledger: &PositionLedger, mid: Decimal, rewards: Decimal) -> Self {
        Self { realized: ledger.realized, unrealized: ledger.unrealized(mid), fees: ledger.fees, rewards }
    }

    /// realized + unrealized − fees + rewards.
    pub fn total(&self) -> Decimal {
        self.realized + self.unrealized - self.fees + self.rewards
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::Fill;
    use crate::domain::{Outcome, Side};

    #[test]
    fn market_pnl_splits_and_sums() {
        let mut ledger = PositionLedger::default();
        ledger
            .apply(Fill {
                outcome: Outcome::Yes,
                side: Side::Buy,
                price: dec!(0.40),
                size: dec!(10),
                fee: dec!(0.1),
            })
            .unwrap();
        ledger
            .apply(Fill {
                outcome: Outcome::Yes,
                side: Side::Sell,
                price: dec!(0.50),
                size: dec!(5),
                fee: dec!(0),
            })
            .unwrap();
        let pnl = MarketPnl::of(&ledger, dec!(0.45), dec!(0.3));
        assert_eq!(
            (pnl.realized, pnl.unrealized, pnl.fees, pnl.rewards),
            (dec!(0.5), dec!(0.25), dec!(0.1), dec!(0.3))
        );
        assert_eq!(pnl.total(), dec!(0.95));
        assert_eq!(pnl.total() - pnl.rewards, ledger.marked_value(dec!(0.45)));
    }
}
