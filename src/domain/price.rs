//! Prices and tick sizes: the grid every quote lives on.
//!
//! A [`Price`] is a `Decimal` strictly inside (0, 1). A [`TickSize`] is one of the tick sizes
//! the venue uses and knows its rounding configuration (decimal places for prices, sizes and
//! amounts). Rounding is always explicit and directional: bids round down, asks round up.
//! This module does not know about orders or books.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use super::error::DomainError;

/// A probability price strictly between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(Decimal);

impl Price {
    /// A price in (0, 1); fails outside that interval.
    pub fn new(value: Decimal) -> Result<Self, DomainError> {
        if value > Decimal::ZERO && value < Decimal::ONE {
            Ok(Self(value.normalize()))
        } else {
            Err(DomainError::PriceOutOfRange(value))
        }
    }

    /// A price on `tick`'s grid within [tick, 1 - tick]; fails otherwise.
    pub fn on_grid(value: Decimal, tick: TickSize) -> Result<Self, DomainError> {
        if tick.admits(value) {
            Ok(Self(value.normalize()))
        } else {
            Err(DomainError::PriceOffGrid { price: value, tick: tick.value() })
        }
    }

    /// The decimal value.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// The complementary outcome's price, `1 - p` (the other token of a binary market).
    pub fn complement(self) -> Self {
        Self((Decimal::ONE - self.0).normalize())
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Price {
    type Err = DomainError;

    /// Parses leniently (`".48"` is accepted, as the venue sends it).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(parse_decimal("price", text)?)
    }
}

/// Parses a decimal string, accepting a missing leading zero (`".48"`).
pub fn parse_decimal(what: &'static str, text: &str) -> Result<Decimal, DomainError> {
    let trimmed = text.trim();
    let parsed = match trimmed.strip_prefix('.') {
        Some(rest) => Decimal::from_str(&format!("0.{rest}")),
        None => Decimal::from_str(trimmed),
    };
    parsed.map_err(|_| DomainError::NotDecimal { what, text: text.to_owned() })
}

/// One of the venue's tick sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TickSize {
    /// 0.1
    Tenth,
    /// 0.01
    Hundredth,
    /// 0.001
    Thousandth,
    /// 0.0001
    TenThousandth,
    /// 0.005 (V2 venues only)
    HalfCent,
    /// 0.0025 (V2 venues only)
    QuarterCent,
}

/// Decimal places the venue allows for one tick size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundingConfig {
    /// Decimals of a price.
    pub price_dp: u32,
    /// Decimals of a share count.
    pub size_dp: u32,
    /// Decimals of a collateral amount (price × size).
    pub amount_dp: u32,
}

impl TickSize {
    /// Every tick size, coarsest first.
    pub const ALL: [TickSize; 6] = [
        Self::Tenth,
        Self::HalfCent,
        Self::Hundredth,
        Self::QuarterCent,
        Self::Thousandth,
        Self::TenThousandth,
    ];

    /// The tick as a decimal.
    pub fn value(self) -> Decimal {
        match self {
            Self::Tenth => Decimal::new(1, 1),
            Self::Hundredth => Decimal::new(1, 2),
            Self::Thousandth => Decimal::new(1, 3),
            Self::TenThousandth => Decimal::new(1, 4),
            Self::HalfCent => Decimal::new(5, 3),
            Self::QuarterCent => Decimal::new(25, 4),
        }
    }

    /// The venue's rounding configuration for this tick.
    pub fn rounding(self) -> RoundingConfig {
        let (price_dp, amount_dp) = match self {
            Self::Tenth => (1, 3),
            Self::Hundredth => (2, 4),
            Self::Thousandth | Self::HalfCent => (3, 5),
            Self::TenThousandth | Self::QuarterCent => (4, 6),
        };
        RoundingConfig { price_dp, size_dp: 2, amount_dp }
    }

    /// The tick whose decimal value is `value`, if the venue uses it.
    pub fn from_decimal(value: Decimal) -> Result<Self, DomainError> {
        let normal = value.normalize();
        Self::ALL
            .into_iter()
            .find(|tick| tick.value() == normal)
            .ok_or_else(|| DomainError::UnknownTick(value.to_string()))
    }

    /// Whether `value` is a multiple of the tick within [tick, 1 - tick].
    pub fn admits(self, value: Decimal) -> bool {
        let tick = self.value();
        value >= tick && value <= Decimal::ONE - tick && (value % tick).is_zero()
    }

    /// The highest grid price at or below `value`, for a bid; `None` below the grid.
    pub fn round_bid(self, value: Decimal) -> Option<Price> {
        let steps = (value / self.value()).floor();
        self.grid_price(steps)
    }

    /// The lowest grid price at or above `value`, for an ask; `None` above the grid.
    pub fn round_ask(self, value: Decimal) -> Option<Price> {
        let steps = (value / self.value()).ceil();
        self.grid_price(steps)
    }

    /// The grid price `steps` ticks above zero, if inside [tick, 1 - tick].
    fn grid_price(self, steps: Decimal) -> Option<Price> {
        let value = steps * self.value();
        self.admits(value).then(|| Price(value.normalize()))
    }

    /// The lowest price on the grid.
    pub fn min_price(self) -> Price {
        Price(self.value())
    }

    /// The highest price on the grid.
    pub fn max_price(self) -> Price {
        Price((Decimal::ONE - self.value()).normalize())
    }
}

impl fmt::Display for TickSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value(), f)
    }
}

impl FromStr for TickSize {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let value =
            parse_decimal("tick size", text).map_err(|_| DomainError::UnknownTick(text.to_owned()))?;
        Self::from_decimal(value)
    }
}

/// Truncates `value` to `dp` decimals, toward negative infinity.
pub fn floor_dp(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::ToNegativeInfinity)
}

/// Rounds `value` up to `dp` decimals, toward positive infinity.
pub fn ceil_dp(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::ToPositiveInfinity)
}

serde_via_str!(Price, TickSize);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn every_venue_tick_parses_and_round_trips() {
        for text in ["0.1", "0.01", "0.001", "0.0001", "0.005", "0.0025"] {
            let tick: TickSize = text.parse().unwrap();
            assert_eq!(tick.to_string(), text);
        }
        assert!("0.02".parse::<TickSize>().is_err());
        assert!("abc".parse::<TickSize>().is_err());
    }

    #[test]
    fn rounding_config_matches_the_official_clients() {
        let table = [
            ("0.1", 1, 3),
            ("0.01", 2, 4),
            ("0.001", 3, 5),
            ("0.0001", 4, 6),
            ("0.005", 3, 5),
            ("0.0025", 4, 6),
        ];
        for (text, price_dp, amount_dp) in table {
            let cfg = text.parse::<TickSize>().unwrap().rounding();
            assert_eq!((cfg.price_dp, cfg.size_dp, cfg.amount_dp), (price_dp, 2, amount_dp), "{text}");
        }
    }

    #[test]
    fn grid_admits_only_multiples_inside_the_band() {
        let tick = TickSize::Hundredth;
        assert!(tick.admits(dec!(0.01)));
        assert!(tick.admits(dec!(0.99)));
        assert!(tick.admits(dec!(0.570)));
        assert!(!tick.admits(dec!(0.565)));
        assert!(!tick.admits(dec!(0)));
        assert!(!tick.admits(dec!(1)));
        assert!(TickSize::HalfCent.admits(dec!(0.495)));
        assert!(!TickSize::HalfCent.admits(dec!(0.496)));
        assert!(TickSize::QuarterCent.admits(dec!(0.4975)));
    }

    #[test]
    fn bids_round_down_and_asks_round_up() {
        let tick = TickSize::Hundredth;
        assert_eq!(tick.round_bid(dec!(0.5678)).unwrap().value(), dec!(0.56));
        assert_eq!(tick.round_ask(dec!(0.5612)).unwrap().value(), dec!(0.57));
        assert_eq!(tick.round_bid(dec!(0.56)).unwrap().value(), dec!(0.56));
        assert_eq!(tick.round_ask(dec!(0.56)).unwrap().value(), dec!(0.56));
        assert!(tick.round_bid(dec!(0.005)).is_none());
        assert!(tick.round_ask(dec!(0.995)).is_none());
    }

    #[test]
    fn price_refuses_the_interval_ends_and_parses_venue_text() {
        assert!(Price::new(dec!(0)).is_err());
        assert!(Price::new(dec!(1)).is_err());
        assert_eq!(".48".parse::<Price>().unwrap().value(), dec!(0.48));
        assert_eq!("0.52".parse::<Price>().unwrap().complement().value(), dec!(0.48));
        assert!(Price::on_grid(dec!(0.565), TickSize::Hundredth).is_err());
    }

    fn any_tick() -> impl Strategy<Value = TickSize> {
        proptest::sample::select(TickSize::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn rounded_quotes_are_on_grid_and_on_the_safe_side(
            tick in any_tick(), raw in 1u32..9_999_999u32,
        ) {
            let value = Decimal::new(i64::from(raw), 7);
            if let Some(bid) = tick.round_bid(value) {
                prop_assert!(tick.admits(bid.value()));
                prop_assert!(bid.value() <= value);
                prop_assert!(value - bid.value() < tick.value());
            }
            if let Some(ask) = tick.round_ask(value) {
                prop_assert!(tick.admits(ask.value()));
                prop_assert!(ask.value() >= value);
                prop_assert!(ask.value() - value < tick.value());
            }
        }

        #[test]
        fn complement_is_an_involution(raw in 1u32..9_999u32) {
            let price = Price::new(Decimal::new(i64::from(raw), 4)).unwrap();
            prop_assert_eq!(price.complement().complement(), price);
            prop_assert_eq!(price.value() + price.complement().value(), Decimal::ONE);
        }
    }
}
