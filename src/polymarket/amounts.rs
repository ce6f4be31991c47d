//! Maker and taker amounts of an order, exactly, from an on-grid price and a quantity.
//!
//! The official Python client computes these with floats and then rounds; for inputs on
//! the grid its result equals exact decimal arithmetic, which is what polymm does. Off-grid
//! input is refused rather than silently rounded (API.md §11.3). The "fix-up" step of the
//! official clients (round up at `amount_dp + 4`, then down at `amount_dp`) is kept for the
//! quotient of market buys, where exact arithmetic produces more decimals than the venue
//! takes.

use rust_decimal::{Decimal, MathematicalOps as _};

use super::error::PolymarketError;
use crate::domain::price::{ceil_dp, floor_dp};
use crate::domain::size::to_base_units;
use crate::domain::{Price, Side, Size, TickSize};

/// An order's two amounts in 6-decimal base units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    /// What the maker gives: pUSD for a BUY, shares for a SELL.
    pub maker: u128,
    /// What the maker receives: shares for a BUY, pUSD for a SELL.
    pub taker: u128,
}

/// Amounts of a limit order of `size` shares at `price`.
pub fn limit_amounts(
    side: Side,
    price: Price,
    size: Size,
    tick: TickSize,
) -> Result<Amounts, PolymarketError> {
    check_grid(price, tick)?;
    positive(size.value())?;
    let notional = fix_up(size.value() * price.value(), tick.rounding().amount_dp);
    match side {
        Side::Buy => units(notional, size.value()),
        Side::Sell => units(size.value(), notional),
    }
}

/// Amounts of a market order: `amount` is pUSD to spend for a BUY, shares to sell for a
/// SELL, at worst price `price`. `amount` may have at most two decimals.
pub fn market_amounts(
    side: Side,
    price: Price,
    amount: Decimal,
    tick: TickSize,
) -> Result<Amounts, PolymarketError> {
    check_grid(price, tick)?;
    positive(amount)?;
    if amount.normalize().scale() > tick.rounding().size_dp {
        return Err(PolymarketError::AmountPrecision(amount));
    }
    let amount_dp = tick.rounding().amount_dp;
    match side {
        Side::Buy => units(amount, fix_up(amount / price.value(), amount_dp)),
        Side::Sell => units(amount, fix_up(amount * price.value(), amount_dp)),
    }
}

/// A platform fee schedule: `fee = shares × rate × (p(1 − p))^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeSchedule {
    /// The `rate` (`fd.r`).
    pub rate: Decimal,
    /// The `exponent` (`fd.e`).
    pub exponent: u32,
}

/// What a market buy of `amount` pUSD can spend so that amount plus fees fit in `balance`
/// (the official clients' fee-aware sizing), rounded down to cents.
pub fn fee_adjusted_buy_amount(
    amount: Decimal,
    price: Price,
    balance: Decimal,
    fees: FeeSchedule,
    builder_rate: Decimal,
) -> Decimal {
    let p = price.value();
    let platform_rate = fees.rate * (p * (Decimal::ONE - p)).powu(u64::from(fees.exponent));
    let fee_base = amount.min(balance);
    let platform_fee = fee_base / p * platform_rate;
    let builder_fee = fee_base * builder_rate;
    let spend = if balance <= amount + platform_fee + builder_fee {
        (balance - platform_fee - builder_fee).max(Decimal::ZERO)
    } else {
        amount
    };
    floor_dp(spend, 2)
}

/// The official clients' rounding of a computed amount to `amount_dp` decimals.
fn fix_up(value: Decimal, amount_dp: u32) -> Decimal {
    if value.normalize().scale() <= amount_dp {
        return value;
    }
    floor_dp(ceil_dp(value, amount_dp + 4), amount_dp)
}

fn check_grid(price: Price, tick: TickSize) -> Result<(), PolymarketError> {
    Price::on_grid(price.value(), tick)?;
    Ok(())
}

fn positive(quantity: Decimal) -> Result<(), PolymarketError> {
    if quantity > Decimal::ZERO { Ok(()) } else { Err(PolymarketError::NonPositiveQuantity(quantity)) }
}

fn units(maker: Decimal, taker: Decimal) -> Result<Amounts, PolymarketError> {
    let convert = |value: Decimal| to_base_units(value).ok_or(PolymarketError::AmountOverflow(value));
    Ok(Amounts { maker: convert(maker)?, taker: convert(taker)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn price(value: Decimal) -> Price {
        Price::new(value).unwrap()
    }

    #[test]
    fn limit_amounts_are_exact() {
        let buy =
            limit_amounts(Side::Buy, price(dec!(0.57)), Size::new(dec!(21.37)).unwrap(), TickSize::Hundredth)
                .unwrap();
        assert_eq!((buy.maker, buy.taker), (12_180_900, 21_370_000));
        let sell = limit_amounts(
            Side::Sell,
            price(dec!(0.57)),
            Size::new(dec!(21.37)).unwrap(),
            TickSize::Hundredth,
        )
        .unwrap();
        assert_eq!((sell.maker, sell.taker), (21_370_000, 12_180_900));
        let float_trap =
            limit_amounts(Side::Buy, price(dec!(0.29)), Size::new(dec!(17.13)).unwrap(), TickSize::Hundredth)
                .unwrap();
        assert_eq!(float_trap.maker, 4_967_700);
    }

    #[test]
    fn off_grid_and_empty_orders_are_refused() {
        let size = Size::whole(10);
        assert!(limit_amounts(Side::Buy, price(dec!(0.565)), size, TickSize::Hundredth).is_err());
        assert!(limit_amounts(Side::Buy, price(dec!(0.5)), Size::ZERO, TickSize::Hundredth).is_err());
        assert!(market_amounts(Side::Buy, price(dec!(0.5559)), dec!(10), TickSize::Thousandth).is_err());
        assert!(market_amounts(Side::Buy, price(dec!(0.555)), dec!(10.001), TickSize::Thousandth).is_err());
    }

    #[test]
    fn market_buy_truncates_the_share_quotient() {
        let amounts = market_amounts(Side::Buy, price(dec!(0.555)), dec!(10), TickSize::Thousandth).unwrap();
        assert_eq!((amounts.maker, amounts.taker), (10_000_000, 18_018_010));
        let sell = market_amounts(Side::Sell, price(dec!(0.42)), dec!(12.5), TickSize::Hundredth).unwrap();
        assert_eq!((sell.maker, sell.taker), (12_500_000, 5_250_000));
    }

    #[test]
    fn fee_aware_sizing_matches_the_official_client() {
        let fees = FeeSchedule { rate: dec!(0.07), exponent: 1 };
        let spend = fee_adjusted_buy_amount(dec!(100), price(dec!(0.5)), dec!(100), fees, Decimal::ZERO);
        assert_eq!(spend, dec!(96.5));
        let plenty = fee_adjusted_buy_amount(dec!(50), price(dec!(0.5)), dec!(100), fees, Decimal::ZERO);
        assert_eq!(plenty, dec!(50));
    }

    /// A tick and a number of ticks that lands inside [tick, 1 - tick].
    fn any_grid_price() -> impl Strategy<Value = (TickSize, u32)> {
        proptest::sample::select(TickSize::ALL.to_vec()).prop_flat_map(|tick| {
            let last = (Decimal::ONE / tick.value()).to_string().parse::<u32>().unwrap() - 1;
            (Just(tick), 1..=last)
        })
    }

    proptest! {
        #[test]
        fn limit_amounts_imply_the_order_price(
            (tick, steps) in any_grid_price(),
            cents in 1u32..1_000_000,
            buy in any::<bool>(),
        ) {
            let value = tick.value() * Decimal::from(steps);
            let size = Size::new(Decimal::new(i64::from(cents), 2)).unwrap();
            let side = if buy { Side::Buy } else { Side::Sell };
            let amounts = limit_amounts(side, price(value), size, tick).unwrap();
            let (collateral, shares) = if buy { (amounts.maker, amounts.taker) } else { (amounts.taker, amounts.maker) };
            prop_assert_eq!(Decimal::from(collateral), Decimal::from(shares) * value);
            prop_assert_eq!(Decimal::from(shares), size.value() * Decimal::from(1_000_000u32));
        }

        #[test]
        fn market_buy_never_promises_more_shares_than_the_price_allows(
            steps in 1u32..1000, cents in 1u32..1_000_000,
        ) {
            let tick = TickSize::Thousandth;
            let value = tick.value() * Decimal::from(steps);
            let amount = Decimal::new(i64::from(cents), 2);
            let amounts = market_amounts(Side::Buy, price(value), amount, tick).unwrap();
            let shares = Decimal::from(amounts.taker) / Decimal::from(1_000_000u32);
            prop_assert!(shares * value <= amount + dec!(0.00000001) * value);
        }
    }
}
