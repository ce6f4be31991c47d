//! One market's position: shares and average cost (VWAP) of each token, cash, fees and
//! realized P&L, updated on every fill and merge. The accounting every part above shares
//! (the quote model, the risk desk's P&L, the market core).
//!
//! Identity kept by construction: realized + unrealized(mid) − fees = cash + YES·mid +
//! NO·(1 − mid), where cash starts at zero.

use rust_decimal::Decimal;

use crate::domain::{Outcome, Side};

/// One token's holding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holding {
    /// Shares held (never negative: outcome tokens cannot be sold short).
    pub shares: Decimal,
    /// Cost basis of the shares held.
    pub cost: Decimal,
}

impl Holding {
    /// Average cost per share (0 when flat).
    pub fn vwap(&self) -> Decimal {
        if self.shares.is_zero() { Decimal::ZERO } else { self.cost / self.shares }
    }
}

/// A fill of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    /// Which token.
    pub outcome: Outcome,
    /// Our side.
    pub side: Side,
    /// Price in that token's terms.
    pub price: Decimal,
    /// Shares.
    pub size: Decimal,
    /// Fee paid, pUSD.
    pub fee: Decimal,
}

/// Why a fill or merge could not be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// A sell or merge of more shares than held.
    #[error("not enough shares: have {held}, need {wanted}")]
    NotEnoughShares {
        /// Held.
        held: Decimal,
        /// Wanted.
        wanted: Decimal,
    },
    /// A size that is zero or negative.
    #[error("size must be positive")]
    NonPositive,
}

/// Both tokens, cash and P&L of one market.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PositionLedger {
    /// YES.
    pub yes: Holding,
    /// NO.
    pub no: Holding,
    /// Cash from fills and merges (negative: spent).
    pub cash: Decimal,
    /// Realized P&L before fees.
    pub realized: Decimal,
    /// Fees paid.
    pub fees: Decimal,
}

impl PositionLedger {
    fn holding(&mut self, outcome: Outcome) -> &mut Holding {
        match outcome {
            Outcome::Yes => &mut self.yes,
            Outcome::No => &mut self.no,
        }
    }

    /// YES-equivalent position: YES minus NO.
    pub fn position(&self) -> Decimal {
        self.yes.shares - self.no.shares
    }

    /// Applies a fill; returns the realized P&L it produced.
    pub fn apply(&mut self, fill: Fill) -> Result<Decimal, InventoryError> {
        if fill.size <= Decimal::ZERO {
            return Err(InventoryError::NonPositive);
        }
        let notional = fill.price * fill.size;
        let holding = self.holding(fill.outcome);
        let realized = match fill.side {
            Side::Buy => {
                holding.shares += fill.size;
                holding.cost += notional;
                Decimal::ZERO
            }
            Side::Sell => {
                if fill.size > holding.shares {
                    return Err(InventoryError::NotEnoughShares { held: holding.shares, wanted: fill.size });
                }
                let basis = holding.cost * fill.size / holding.shares;
                holding.shares -= fill.size;
                holding.cost = if holding.shares.is_zero() { Decimal::ZERO } else { holding.cost - basis };
                notional - basis
            }
        };
        self.cash += match fill.side {
            Side::Buy => -notional,
            Side::Sell => notional,
        } - fill.fee;
        self.fees += fill.fee;
        self.realized += realized;
        Ok(realized)
    }

    /// Takes the venue's share counts as the truth (after a reconciliation): shares the
    /// ledger did not see arrive are booked at `mark`, shares that left without a fill it saw
    /// are removed at their average cost (no P&L is invented for either).
    pub fn adopt(&mut self, yes: Decimal, no: Decimal, mark: Decimal) {
        for (outcome, shares, price) in [(Outcome::Yes, yes, mark), (Outcome::No, no, Decimal::ONE - mark)] {
            let holding = self.holding(outcome);
            let shares = shares.max(Decimal::ZERO);
            if shares > holding.shares {
                holding.cost += (shares - holding.shares) * price;
            } else if shares < holding.shares {
                holding.cost = holding.cost * shares / holding.shares;
            }
            holding.shares = shares;
        }
    }

    /// Pairs that can be merged back into pUSD (one YES and one NO pay exactly 1).
    pub fn mergeable(&self) -> Decimal {
        self.yes.shares.min(self.no.shares)
    }

    /// Merges `pairs` YES+NO pairs into `pairs` pUSD; returns the realized P&L.
    pub fn merge(&mut self, pairs: Decimal) -> Result<Decimal, InventoryError> {
        if pairs <= Decimal::ZERO {
            return Err(InventoryError::NonPositive);
        }
        if pairs > self.mergeable() {
            return Err(InventoryError::NotEnoughShares { held: self.mergeable(), wanted: pairs });
        }
        let basis = self.yes.vwap() * pairs + self.no.vwap() * pairs;
        for outcome in [Outcome::Yes, Outcome::No] {
            let holding = self.holding(outcome);
            let part = holding.vwap() * pairs;
            holding.shares -= pairs;
            holding.cost = if holding.shares.is_zero() { Decimal::ZERO } else { holding.cost - part };
        }
        self.cash += pairs;
        let realized = pairs - basis;
        self.realized += realized;
        Ok(realized)
    }

    /// Unrealized P&L with YES marked at `mid` and NO at 1 − mid.
    pub fn unrealized(&self, mid: Decimal) -> Decimal {
        self.yes.shares * mid - self.yes.cost + self.no.shares * (Decimal::ONE - mid) - self.no.cost
    }

    /// Total P&L marked at `mid`: realized + unrealized − fees.
    pub fn total(&self, mid: Decimal) -> Decimal {
        self.realized + self.unrealized(mid) - self.fees
    }

    /// Cash plus both tokens marked at `mid`.
    pub fn marked_value(&self, mid: Decimal) -> Decimal {
        self.cash + self.yes.shares * mid + self.no.shares * (Decimal::ONE - mid)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    fn fill(outcome: Outcome, side: Side, price: Decimal, size: Decimal) -> Fill {
        Fill { outcome, side, price, size, fee: Decimal::ZERO }
    }

    #[test]
    fn vwap_follows_buys_and_sells_realize_against_it() {
        let mut ledger = PositionLedger::default();
        ledger.apply(fill(Outcome::Yes, Side::Buy, dec!(0.40), dec!(10))).unwrap();
        ledger.apply(fill(Outcome::Yes, Side::Buy, dec!(0.50), dec!(10))).unwrap();
        assert_eq!(ledger.yes.vwap(), dec!(0.45));
        let realized = ledger.apply(fill(Outcome::Yes, Side::Sell, dec!(0.55), dec!(5))).unwrap();
        assert_eq!(realized, dec!(0.5));
        assert_eq!((ledger.yes.shares, ledger.yes.vwap()), (dec!(15), dec!(0.45)));
        assert_eq!(ledger.cash, dec!(-9) + dec!(2.75));
    }

    #[test]
    fn table_of_positions_and_errors() {
        let cases = [
            (Side::Sell, dec!(1), Err(InventoryError::NotEnoughShares { held: dec!(0), wanted: dec!(1) })),
            (Side::Buy, dec!(0), Err(InventoryError::NonPositive)),
            (Side::Buy, dec!(3), Ok(Decimal::ZERO)),
        ];
        for (side, size, expected) in cases {
            let mut ledger = PositionLedger::default();
            assert_eq!(ledger.apply(fill(Outcome::No, side, dec!(0.3), size)), expected, "{side:?} {size}");
        }
    }

    #[test]
    fn merging_a_pair_bought_under_one_realizes_the_difference() {
        let mut ledger = PositionLedger::default();
        ledger.apply(fill(Outcome::Yes, Side::Buy, dec!(0.48), dec!(10))).unwrap();
        ledger.apply(fill(Outcome::No, Side::Buy, dec!(0.49), dec!(6))).unwrap();
        assert_eq!(ledger.mergeable(), dec!(6));
        assert_eq!(ledger.position(), dec!(4));
        assert_eq!(ledger.merge(dec!(6)).unwrap(), dec!(0.18));
        assert_eq!((ledger.yes.shares, ledger.no.shares, ledger.no.cost), (dec!(4), dec!(0), dec!(0)));
        assert!(ledger.merge(dec!(1)).is_err());
    }

    fn arbitrary_fills() -> impl Strategy<Value = Vec<(bool, bool, u32, u32, u32)>> {
        proptest::collection::vec((any::<bool>(), any::<bool>(), 1u32..99, 1u32..50, 0u32..5), 1..40)
    }

    proptest! {
        #[test]
        fn pnl_adds_up_to_cash_plus_marked_inventory(fills in arbitrary_fills(), mid in 1u32..99, merge in 0u32..10) {
            let mut ledger = PositionLedger::default();
            for (yes, buy, price, size, fee) in fills {
                let outcome = if yes { Outcome::Yes } else { Outcome::No };
                let side = if buy { Side::Buy } else { Side::Sell };
                let _ = ledger.apply(Fill { outcome, side, price: Decimal::new(i64::from(price), 2), size: Decimal::from(size), fee: Decimal::new(i64::from(fee), 2) });
            }
            let pairs = ledger.mergeable().min(Decimal::from(merge));
            if pairs > Decimal::ZERO {
                ledger.merge(pairs).unwrap();
            }
            let mid = Decimal::new(i64::from(mid), 2);
            prop_assert!((ledger.total(mid) - ledger.marked_value(mid)).abs() < dec!(0.000000000001), "division rounding only");
            prop_assert!(ledger.yes.shares >= Decimal::ZERO && ledger.no.shares >= Decimal::ZERO);
        }
    }

    #[test]
    fn reconciled_shares_are_adopted_without_inventing_pnl() {
        let mut ledger = PositionLedger::default();
        ledger.apply(fill(Outcome::Yes, Side::Buy, dec!(0.4), dec!(10))).unwrap();
        ledger.adopt(dec!(30), dec!(5), dec!(0.5));
        assert_eq!(
            (ledger.yes.shares, ledger.yes.cost, ledger.no.shares, ledger.no.cost),
            (dec!(30), dec!(14), dec!(5), dec!(2.5))
        );
        ledger.adopt(dec!(15), dec!(0), dec!(0.9));
        assert_eq!((ledger.yes.shares, ledger.yes.cost, ledger.no.cost), (dec!(15), dec!(7), dec!(0)));
        assert_eq!(ledger.realized, dec!(0));
    }

    #[test]
    fn a_closed_position_forgets_its_cost() {
        let mut ledger = PositionLedger::default();
        ledger.apply(fill(Outcome::No, Side::Buy, dec!(0.3), dec!(3))).unwrap();
        ledger.apply(fill(Outcome::No, Side::Sell, dec!(0.35), dec!(3))).unwrap();
        assert_eq!((ledger.no.shares, ledger.no.cost, ledger.no.vwap()), (dec!(0), dec!(0), dec!(0)));
        assert_eq!(ledger.realized, dec!(0.15));
        ledger.apply(fill(Outcome::No, Side::Buy, dec!(0.6), dec!(1))).unwrap();
        assert_eq!(ledger.no.vwap(), dec!(0.6), "a new position starts a new average");
    }

    #[test]
    fn fees_lower_cash_and_total_alike() {
        let mut ledger = PositionLedger::default();
        ledger
            .apply(Fill {
                outcome: Outcome::Yes,
                side: Side::Buy,
                price: dec!(0.5),
                size: dec!(10),
                fee: dec!(0.05),
            })
            .unwrap();
        assert_eq!((ledger.cash, ledger.fees), (dec!(-5.05), dec!(0.05)));
        assert_eq!(ledger.total(dec!(0.5)), dec!(-0.05));
    }
}
