//! Balance monitoring, pure: the pUSD balance we expect is the last one observed moved by
//! the cash of the fills seen since; an observed balance below that by more than the
//! configured fraction is a drop that fills do not explain.

use rust_decimal::Decimal;

/// Expected-versus-observed pUSD balance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BalanceWatch {
    last_observed: Option<Decimal>,
    cash_since: Decimal,
}

impl BalanceWatch {
    /// A fill moved `cash` pUSD (negative when we paid).
    pub fn on_cash(&mut self, cash: Decimal) {
        self.cash_since += cash;
    }

    /// A balance was read. Returns the `(expected, observed)` pair to judge, or `None` for
    /// the first reading, which only sets the baseline.
    pub fn on_balance(&mut self, observed: Decimal) -> Option<(Decimal, Decimal)> {
        let expected = self.last_observed.map(|last| last + self.cash_since);
        self.last_observed = Some(observed);
        self.cash_since = Decimal::ZERO;
        expected.map(|expected| (expected, observed))
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn fills_explain_balance_moves_and_the_first_reading_is_the_baseline() {
        let mut watch = BalanceWatch::default();
        watch.on_cash(dec!(-5));
        assert_eq!(watch.on_balance(dec!(1000)), None, "fills before the baseline do not count");
        watch.on_cash(dec!(-4.8));
        watch.on_cash(dec!(2.6));
        assert_eq!(watch.on_balance(dec!(997.8)), Some((dec!(997.8), dec!(997.8))));
        assert_eq!(watch.on_balance(dec!(900)), Some((dec!(997.8), dec!(900))), "an unexplained drop");
        assert_eq!(
            watch.on_balance(dec!(900)),
            Some((dec!(900), dec!(900))),
            "the new level is the baseline"
        );
    }
}
