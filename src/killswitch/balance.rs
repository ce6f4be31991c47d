//! Balance monitoring, pure. The first pUSD balance read is the baseline; every fill since
//! moves what we expect by its cash. A venue may report the balance net of what our open
//! buy orders reserve, or gross: comparing `observed + reserved` with the expectation holds
//! under both, so only a drop that neither fills nor reservations explain counts.

use rust_decimal::Decimal;

/// Expected-versus-observed pUSD balance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BalanceWatch {
    baseline: Option<Decimal>,
    cash_since: Decimal,
}

impl BalanceWatch {
    /// A fill moved `cash` pUSD (negative when we paid).
    pub fn on_cash(&mut self, cash: Decimal) {
        if self.baseline.is_some() {
            self.cash_since += cash;
        }
    }

    /// A balance was read while our open buy orders reserved `reserved`. Returns the
    /// `(expected, accounted)` pair to judge, or `None` for the first reading, which only
    /// sets the baseline.
    pub fn on_balance(&mut self, observed: Decimal, reserved: Decimal) -> Option<(Decimal, Decimal)> {
        match self.baseline {
            None => {
                self.baseline = Some(observed + reserved);
                None
            }
            Some(baseline) => Some((baseline + self.cash_since, observed + reserved)),
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn fills_and_reservations_explain_balance_moves() {
        let mut watch = BalanceWatch::default();
        watch.on_cash(dec!(-5));
        assert_eq!(watch.on_balance(dec!(1000), dec!(0)), None, "fills before the baseline do not count");
        watch.on_cash(dec!(-4.8));
        watch.on_cash(dec!(2.6));
        assert_eq!(
            watch.on_balance(dec!(990.8), dec!(7)),
            Some((dec!(997.8), dec!(997.8))),
            "a venue reporting the balance net of 7 reserved"
        );
        assert_eq!(
            watch.on_balance(dec!(997.8), dec!(7)),
            Some((dec!(997.8), dec!(1004.8))),
            "a venue reporting it gross is never short"
        );
        assert_eq!(
            watch.on_balance(dec!(900), dec!(0)),
            Some((dec!(997.8), dec!(900))),
            "an unexplained drop"
        );
    }
}
