//! What inventory does to a quote: the fair price skewed away from the position, and the
//! size of the side that adds to it shrunk as the position nears its limit. The position
//! itself is kept by [`crate::domain::PositionLedger`].

use rust_decimal::Decimal;

/// How far the fair price leans against a position: `position / limit` of the maximum
/// skew, clamped to ±max (long → lower prices, so we sell more readily).
pub fn skew(position: Decimal, limit: Decimal, max_skew: Decimal) -> Decimal {
    if limit <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    -(position / limit).clamp(-Decimal::ONE, Decimal::ONE) * max_skew
}

/// The size for the side that adds to the position (`adding`) or reduces it: full size
/// until half the limit is used, then shrinking linearly to zero at the limit, and never
/// more than the room left. Reducing sides keep the full size.
pub fn side_size(size: Decimal, position: Decimal, limit: Decimal, adding: bool) -> Decimal {
    if !adding {
        return size;
    }
    let used = position.abs();
    if limit <= Decimal::ZERO || used >= limit {
        return Decimal::ZERO;
    }
    let half = limit / Decimal::TWO;
    let scaled = if used <= half { size } else { size * (limit - used) / half };
    scaled.min(limit - used).max(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn skew_leans_against_the_position_and_is_capped() {
        let table = [
            (dec!(0), dec!(0)),
            (dec!(50), dec!(-0.01)),
            (dec!(-50), dec!(0.01)),
            (dec!(500), dec!(-0.02)),
            (dec!(-500), dec!(0.02)),
        ];
        for (position, expected) in table {
            assert_eq!(skew(position, dec!(100), dec!(0.02)), expected, "{position}");
        }
        assert_eq!(skew(dec!(10), dec!(0), dec!(0.02)), dec!(0));
    }

    #[test]
    fn adding_side_shrinks_past_half_the_limit() {
        let table = [
            (dec!(0), true, dec!(10)),
            (dec!(50), true, dec!(10)),
            (dec!(75), true, dec!(5)),
            (dec!(98), true, dec!(0.4)),
            (dec!(100), true, dec!(0)),
            (dec!(100), false, dec!(10)),
        ];
        for (position, adding, expected) in table {
            assert_eq!(side_size(dec!(10), position, dec!(100), adding), expected, "{position} {adding}");
        }
    }

    proptest! {
        #[test]
        fn skew_direction_is_opposite_inventory(position in -200i64..200) {
            let s = skew(Decimal::from(position), dec!(100), dec!(0.02));
            prop_assert!(s.abs() <= dec!(0.02));
            prop_assert!(position == 0 || s.is_sign_negative() == (position > 0) || s.is_zero());
        }

        #[test]
        fn sizes_never_pass_the_room_left(position in -150i64..150, size in 1u32..40) {
            let size = Decimal::from(size);
            let got = side_size(size, Decimal::from(position), dec!(100), true);
            prop_assert!(got >= Decimal::ZERO && got <= size);
            prop_assert!(Decimal::from(position.abs()) + got <= dec!(100) || got.is_zero());
        }
    }
}
