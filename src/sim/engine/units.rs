//! Integer units the matching engine computes in, and their exact decimal conversions.
//!
//! Every tick size the venue uses is a multiple of 0.0001 and every order size has at most
//! two decimals, so prices are counted in 1/10,000 ([`Ticks`]) and sizes in 1/100 of a
//! share ([`Lots`]). Their product is exactly one 6-decimal collateral base unit, so
//! notional values never round.

use rust_decimal::Decimal;

/// Price units per 1 pUSD.
pub const PRICE_SCALE: u32 = 10_000;
/// Lots per share.
pub const LOT_SCALE: u64 = 100;
/// Collateral (and token) base units per lot: 1e6 / 100.
pub const BASE_UNITS_PER_LOT: u64 = 10_000;

/// A price in 1/10,000 of a pUSD, strictly inside (0, 10,000) for a live order.
pub type Ticks = u32;
/// A size in 1/100 of a share.
pub type Lots = u64;

/// The complementary outcome's price.
pub fn complement(price: Ticks) -> Ticks {
    PRICE_SCALE.saturating_sub(price)
}

/// Collateral base units for `lots` at `price`: exact.
pub fn notional(price: Ticks, lots: Lots) -> u64 {
    u64::from(price) * lots
}

/// `price` as a decimal, e.g. 4_800 → 0.48.
pub fn price_decimal(price: Ticks) -> Decimal {
    Decimal::new(i64::from(price), 4).normalize()
}

/// `lots` as a decimal share count, e.g. 1_050 → 10.5.
pub fn lots_decimal(lots: Lots) -> Decimal {
    Decimal::new(i64::try_from(lots).unwrap_or(i64::MAX), 2).normalize()
}

/// A decimal price in ticks, if it is an exact multiple of 0.0001 inside (0, 1).
pub fn ticks_from_decimal(value: Decimal) -> Option<Ticks> {
    let scaled = value * Decimal::from(PRICE_SCALE);
    if scaled.fract() != Decimal::ZERO || scaled <= Decimal::ZERO || scaled >= Decimal::from(PRICE_SCALE) {
        return None;
    }
    u32::try_from(scaled.mantissa() / 10i128.pow(scaled.scale())).ok()
}

/// A decimal share count in lots, if it has at most two decimals and is not negative.
pub fn lots_from_decimal(value: Decimal) -> Option<Lots> {
    let scaled = value * Decimal::from(LOT_SCALE);
    if scaled.fract() != Decimal::ZERO || scaled < Decimal::ZERO {
        return None;
    }
    u64::try_from(scaled.mantissa() / 10i128.pow(scaled.scale())).ok()
}

/// Base units (6 decimals) as a decimal.
pub fn base_units_decimal(units: i128) -> Decimal {
    Decimal::from_i128_with_scale(units, 6).normalize()
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn conversions_round_trip_exactly() {
        assert_eq!(ticks_from_decimal(dec!(0.48)), Some(4_800));
        assert_eq!(ticks_from_decimal(dec!(0.0025)), Some(25));
        assert_eq!(ticks_from_decimal(dec!(0.00001)), None);
        assert_eq!(ticks_from_decimal(dec!(1)), None);
        assert_eq!(price_decimal(4_800), dec!(0.48));
        assert_eq!(lots_from_decimal(dec!(10.5)), Some(1_050));
        assert_eq!(lots_from_decimal(dec!(10.555)), None);
        assert_eq!(lots_decimal(1_050), dec!(10.5));
        assert_eq!(notional(4_800, 1_050), 5_040_000);
        assert_eq!(base_units_decimal(5_040_000), dec!(5.04));
    }
}
