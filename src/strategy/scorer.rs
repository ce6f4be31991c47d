//! Which markets are worth making: the seed's `MARKET_*` filters (volume, spread, hours to
//! resolution, price range), then a score that rewards volume, a spread worth capturing,
//! time left, a price away from the edges, a reward pool, and few competing makers.

use rust_decimal::Decimal;

/// What is known of a candidate market.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketFacts {
    /// Its id (for reports).
    pub id: String,
    /// 24 h volume, pUSD.
    pub volume_24h: Decimal,
    /// Best ask − best bid.
    pub spread: Decimal,
    /// Hours until resolution.
    pub hours_to_resolution: Decimal,
    /// The YES mid.
    pub mid: Decimal,
    /// Reward pool per day, pUSD (0: none).
    pub reward_daily_rate: Decimal,
    /// Distinct makers quoting near the top.
    pub competitors: u32,
}

/// The seed's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filters {
    /// `MARKET_MIN_VOLUME`.
    pub min_volume: Decimal,
    /// `MARKET_MIN_SPREAD`.
    pub min_spread: Decimal,
    /// `MARKET_MAX_SPREAD`.
    pub max_spread: Decimal,
    /// `MARKET_MIN_HOURS_TO_RESOLUTION`.
    pub min_hours: Decimal,
    /// `MARKET_MIN_PRICE`.
    pub min_price: Decimal,
    /// `MARKET_MAX_PRICE`.
    pub max_price: Decimal,
}

/// Why a market was filtered out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rejection {
    /// Too little volume.
    Volume,
    /// Spread too narrow to earn or too wide to trust.
    Spread,
    /// Resolves too soon.
    Resolution,
    /// Price too close to 0 or 1.
    Price,
}

impl Rejection {
    /// The `[markets]` settings behind this filter.
    pub fn settings(self) -> &'static str {
        match self {
            Self::Volume => "markets.min_volume",
            Self::Spread => "markets.min_spread / max_spread",
            Self::Resolution => "markets.min_hours_to_resolution",
            Self::Price => "markets.min_price / max_price",
        }
    }
}

/// The first filter `facts` fails, if any.
pub fn filter(facts: &MarketFacts, filters: &Filters) -> Option<Rejection> {
    if facts.volume_24h < filters.min_volume {
        Some(Rejection::Volume)
    } else if facts.spread < filters.min_spread || facts.spread > filters.max_spread {
        Some(Rejection::Spread)
    } else if facts.hours_to_resolution < filters.min_hours {
        Some(Rejection::Resolution)
    } else if facts.mid < filters.min_price || facts.mid > filters.max_price {
        Some(Rejection::Price)
    } else {
        None
    }
}

/// A score in [0, 1]: the mean of six parts, each in [0, 1]: volume (saturating at 100 k),
/// spread (peaking at 4 cents), time left (saturating at a week), price centrality,
/// reward pool (saturating at 500/day), and 1 / (1 + competitors).
pub fn score(facts: &MarketFacts) -> Decimal {
    let saturate = |value: Decimal, full: Decimal| (value / full).clamp(Decimal::ZERO, Decimal::ONE);
    let volume = saturate(facts.volume_24h, Decimal::from(100_000));
    let target = Decimal::new(4, 2);
    let spread =
        if facts.spread <= target { saturate(facts.spread, target) } else { saturate(target, facts.spread) };
    let time = saturate(facts.hours_to_resolution, Decimal::from(168));
    let centrality = (Decimal::ONE - (facts.mid - Decimal::new(5, 1)).abs() * Decimal::TWO)
        .clamp(Decimal::ZERO, Decimal::ONE);
    let rewards = saturate(facts.reward_daily_rate, Decimal::from(500));
    let competition = Decimal::ONE / Decimal::from(1 + facts.competitors);
    (volume + spread + time + centrality + rewards + competition) / Decimal::from(6)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    fn filters() -> Filters {
        crate::testkit::filters()
    }

    fn facts(id: &str) -> MarketFacts {
        MarketFacts {
            id: id.into(),
            volume_24h: dec!(50_000),
            spread: dec!(0.04),
            hours_to_resolution: dec!(200),
            mid: dec!(0.5),
            reward_daily_rate: dec!(0),
            competitors: 1,
        }
    }

    #[test]
    fn filter_table() {
        let table = [
            (MarketFacts { volume_24h: dec!(10), ..facts("a") }, Some(Rejection::Volume)),
            (MarketFacts { spread: dec!(0.005), ..facts("a") }, Some(Rejection::Spread)),
            (MarketFacts { spread: dec!(0.5), ..facts("a") }, Some(Rejection::Spread)),
            (MarketFacts { hours_to_resolution: dec!(2), ..facts("a") }, Some(Rejection::Resolution)),
            (MarketFacts { mid: dec!(0.97), ..facts("a") }, Some(Rejection::Price)),
            (facts("a"), None),
        ];
        for (facts, expected) in table {
            assert_eq!(filter(&facts, &filters()), expected, "{facts:?}");
        }
    }

    #[test]
    fn better_markets_score_higher() {
        let base = score(&facts("a"));
        assert!(score(&MarketFacts { reward_daily_rate: dec!(300), ..facts("a") }) > base);
        assert!(score(&MarketFacts { competitors: 6, ..facts("a") }) < base);
        assert!(score(&MarketFacts { mid: dec!(0.1), ..facts("a") }) < base);
        assert!(score(&MarketFacts { spread: dec!(0.15), ..facts("a") }) < base);
    }

    proptest! {
        #[test]
        fn scores_are_fractions(volume in 0u32..1_000_000, spread in 0u32..100, hours in 0u32..1_000, mid in 0u32..100, reward in 0u32..2_000, rivals in 0u32..20) {
            let f = MarketFacts { id: "x".into(), volume_24h: Decimal::from(volume), spread: Decimal::new(i64::from(spread), 2), hours_to_resolution: Decimal::from(hours), mid: Decimal::new(i64::from(mid), 2), reward_daily_rate: Decimal::from(reward), competitors: rivals };
            let s = score(&f);
            prop_assert!(s >= Decimal::ZERO && s <= Decimal::ONE);
        }
    }
}
