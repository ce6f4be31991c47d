//! Polymarket's fees as the replay charges them: a taker pays rate · p · (1 − p) per share
//! at each fill's price (rate by the market's category, rounded to 5 decimals per
//! fill), a maker pays nothing and, where the market pays them, earns a rebate: a share
//! of the taker fee its fill generated.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// Taker fee rates by category (Polymarket's fee page; "other" markets pay the general rate).
const RATES: [(&str, Decimal); 12] = [
    ("crypto", dec!(0.07)),
    ("sports", dec!(0.05)),
    ("finance", dec!(0.04)),
    ("equities", dec!(0.04)),
    ("politics", dec!(0.04)),
    ("economics", dec!(0.05)),
    ("culture", dec!(0.05)),
    ("weather", dec!(0.05)),
    ("social", dec!(0.05)),
    ("mentions", dec!(0.04)),
    ("tech", dec!(0.04)),
    ("geopolitics", dec!(0)),
];
/// The general rate.
const GENERAL: Decimal = dec!(0.05);

/// The fee model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// A rate for every market instead of its category's.
    pub rate_override: Option<Decimal>,
    /// The share of a taker fee paid back to the maker it traded with.
    pub maker_rebate_share: Decimal,
}

impl Default for Fees {
    fn default() -> Self {
        Self { rate_override: None, maker_rebate_share: Decimal::ZERO }
    }
}

impl Fees {
    /// The taker rate of a market's category.
    pub fn rate(&self, category: &str) -> Decimal {
        self.rate_override.unwrap_or_else(|| {
            let category = category.to_ascii_lowercase();
            RATES.iter().find(|(name, _)| *name == category).map_or(GENERAL, |(_, rate)| *rate)
        })
    }

    /// The fee one taker fill pays.
    pub fn taker(&self, category: &str, price: Decimal, shares: Decimal) -> Decimal {
        (shares * self.rate(category) * price * (Decimal::ONE - price)).round_dp(5)
    }

    /// The rebate one of our maker fills earns.
    pub fn maker_rebate(&self, category: &str, price: Decimal, shares: Decimal) -> Decimal {
        (self.taker(category, price, shares) * self.maker_rebate_share).round_dp(6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_taker_fee_is_rate_p_one_minus_p_per_share_and_the_maker_pays_none() {
        let fees = Fees::default();
        assert_eq!(fees.rate("Crypto"), dec!(0.07));
        assert_eq!(fees.rate("knitting"), dec!(0.05));
        assert_eq!(fees.taker("crypto", dec!(0.725), dec!(344.8276)), dec!(4.8125));
        assert_eq!(fees.maker_rebate("crypto", dec!(0.5), dec!(100)), dec!(0));
        let rebated = Fees { maker_rebate_share: dec!(0.25), ..fees };
        assert_eq!(rebated.maker_rebate("crypto", dec!(0.5), dec!(100)), dec!(0.4375));
        assert_eq!(
            Fees { rate_override: Some(dec!(0)), ..fees }.taker("crypto", dec!(0.5), dec!(10)),
            dec!(0)
        );
    }
}
