//! Share counts ([`Size`]) and pUSD amounts ([`Usd`]).
//!
//! Sizes are non-negative with at most two decimals, as the venue accepts them. Amounts are
//! signed (P&L and cash flows can be negative) and convert to the venue's 6-decimal base
//! units only when exact. Neither type converts from a float.

use std::fmt;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::Decimal;

use super::error::DomainError;
use super::price::{floor_dp, parse_decimal};

/// Decimal places of a share count accepted by the venue.
pub const SIZE_DP: u32 = 2;
/// Decimal places of the venue's base units (pUSD and outcome tokens both have 6).
pub const BASE_UNIT_DP: u32 = 6;

/// A number of outcome shares: `>= 0`, at most two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Size(Decimal);

impl Size {
    /// Zero shares.
    pub const ZERO: Size = Size(Decimal::ZERO);

    /// A size; fails when negative or finer than two decimals.
    pub fn new(value: Decimal) -> Result<Self, DomainError> {
        let value = value.normalize();
        if value.is_sign_negative() && !value.is_zero() {
            return Err(DomainError::NegativeSize(value));
        }
        if value.scale() > SIZE_DP {
            return Err(DomainError::SizePrecision(value));
        }
        Ok(Self(value.abs()))
    }

    /// `value` truncated to two decimals (never rounds up); fails when negative.
    pub fn round_down(value: Decimal) -> Result<Self, DomainError> {
        Self::new(floor_dp(value, SIZE_DP))
    }

    /// A whole number of shares.
    pub fn whole(shares: u32) -> Self {
        Self(Decimal::from(shares))
    }

    /// The decimal value.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// Whether this is zero shares.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `self - other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Size) -> Size {
        Size((self.0 - other.0).max(Decimal::ZERO))
    }

    /// The smaller of two sizes.
    pub fn min(self, other: Size) -> Size {
        if other.0 < self.0 { other } else { self }
    }
}

impl Add for Size {
    type Output = Size;

    fn add(self, other: Size) -> Size {
        Size(self.0 + other.0)
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Size {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(parse_decimal("size", text)?)
    }
}

/// An amount of pUSD collateral; may be negative (a loss, an outflow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Usd(Decimal);

impl Usd {
    /// Zero pUSD.
    pub const ZERO: Usd = Usd(Decimal::ZERO);

    /// An amount of pUSD.
    pub fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The decimal value.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// The amount in 6-decimal base units; fails when finer than 6 decimals or negative.
    pub fn to_base_units(self) -> Result<u128, DomainError> {
        to_base_units(self.0).ok_or(DomainError::AmountPrecision(self.0))
    }

    /// An amount from 6-decimal base units.
    pub fn from_base_units(units: u128) -> Self {
        Self(from_base_units(units))
    }
}

impl Add for Usd {
    type Output = Usd;

    fn add(self, other: Usd) -> Usd {
        Usd(self.0 + other.0)
    }
}

impl Sub for Usd {
    type Output = Usd;

    fn sub(self, other: Usd) -> Usd {
        Usd(self.0 - other.0)
    }
}

impl Neg for Usd {
    type Output = Usd;

    fn neg(self) -> Usd {
        Usd(-self.0)
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Usd {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(parse_decimal("amount", text)?))
    }
}

/// `value` in 6-decimal base units, if non-negative and exact.
pub fn to_base_units(value: Decimal) -> Option<u128> {
    if value.is_sign_negative() && !value.is_zero() {
        return None;
    }
    let scaled = value.checked_mul(Decimal::from(1_000_000u32))?.normalize();
    if scaled.scale() != 0 {
        return None;
    }
    u128::try_from(scaled.mantissa()).ok()
}

/// The decimal value of `units` 6-decimal base units.
pub fn from_base_units(units: u128) -> Decimal {
    let mantissa = i128::try_from(units).unwrap_or(i128::MAX);
    Decimal::try_from_i128_with_scale(mantissa, BASE_UNIT_DP).unwrap_or(Decimal::MAX).normalize()
}

serde_via_str!(Size, Usd);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn size_refuses_negative_and_fine_values() {
        assert!(Size::new(dec!(-1)).is_err());
        assert!(matches!(Size::new(dec!(3.333)), Err(DomainError::SizePrecision(_))));
        assert_eq!(Size::new(dec!(3.330)).unwrap().value(), dec!(3.33));
        assert_eq!(Size::new(dec!(-0)).unwrap(), Size::ZERO);
    }

    #[test]
    fn size_round_down_truncates_never_up() {
        assert_eq!(Size::round_down(dec!(3.339)).unwrap().value(), dec!(3.33));
        assert_eq!(Size::round_down(dec!(19.99)).unwrap().value(), dec!(19.99));
        assert!(Size::round_down(dec!(-0.5)).is_err());
    }

    #[test]
    fn base_units_are_exact_or_refused() {
        assert_eq!(Usd::new(dec!(12.1809)).to_base_units().unwrap(), 12_180_900);
        assert_eq!(Usd::new(dec!(0.000001)).to_base_units().unwrap(), 1);
        assert!(Usd::new(dec!(0.0000001)).to_base_units().is_err());
        assert!(Usd::new(dec!(-1)).to_base_units().is_err());
        assert_eq!(Usd::from_base_units(2_997_000).value(), dec!(2.997));
    }

    proptest! {
        #[test]
        fn base_units_round_trip(units in 0u64..u64::MAX / 2) {
            let usd = Usd::from_base_units(u128::from(units));
            prop_assert_eq!(usd.to_base_units().unwrap(), u128::from(units));
        }

        #[test]
        fn round_down_never_exceeds_input(cents in 0u64..10_000_000, extra in 0u32..100) {
            let raw = Decimal::new(i64::try_from(cents).unwrap(), 2) + Decimal::new(i64::from(extra), 4);
            let size = Size::round_down(raw).unwrap();
            prop_assert!(size.value() <= raw);
            prop_assert!(raw - size.value() < dec!(0.01));
        }
    }
}
