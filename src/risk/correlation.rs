//! Cross-market correlation. Markets of one event (or one neg-risk group) move together,
//! and so can unrelated markets empirically; positions in them do not diversify. Mid
//! returns are sampled together, Pearson correlation computed per pair, and exposure
//! aggregated as √(eᵀ·C·e) with same-group pairs at correlation at least `group_floor`.
//!
//! [`CorrelationBook`] is what the risk gate keeps: refreshed once a second, it holds eᵀ·C·e
//! and, for every market, Σⱼ ρᵢⱼ·eⱼ, so the exposure after an order is O(1):
//! (e + δ·uᵢ)ᵀ·C·(e + δ·uᵢ) = eᵀ·C·e + 2δ·Σⱼ ρᵢⱼ·eⱼ + δ². Empirical correlations are computed
//! among the largest positions only ([`MAX_EMPIRICAL`]); the rest count their group, as does a
//! market without a position until the refresh after it takes one. The refresh is
//! O(K² + n) (group sums for every pair outside the K largest), and the gate compares
//! squared exposures, taking a square root only to report a breach.

use std::borrow::Borrow;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use rust_decimal::{Decimal, MathematicalOps};

use crate::domain::ConditionId;

use crate::stats::{to_decimal_fast, to_f64};

/// Recent mid returns per market (keyed by `K`), sampled at the same moments.
#[derive(Debug, Clone, PartialEq)]
pub struct CoMovement<K = String> {
    window: usize,
    last_mid: BTreeMap<K, f64>,
    returns: BTreeMap<K, VecDeque<f64>>,
}

impl<K> Default for CoMovement<K> {
    fn default() -> Self {
        Self { window: 3, last_mid: BTreeMap::new(), returns: BTreeMap::new() }
    }
}

impl<K: Ord + Clone> CoMovement<K> {
    /// Keeps `window` returns per market.
    pub fn new(window: usize) -> Self {
        Self { window: window.max(3), ..Self::default() }
    }

    /// One sample of every market's mid.
    pub fn sample(&mut self, mids: &BTreeMap<K, Decimal>) {
        for (market, mid) in mids {
            let mid = to_f64(*mid);
            if let Some(last) = self.last_mid.insert(market.clone(), mid) {
                let series = self.returns.entry(market.clone()).or_default();
                while series.len() >= self.window {
                    series.pop_front();
                }
                series.push_back(mid - last);
            }
        }
    }

    /// A market's returns, normalized (`None` when fewer than three or flat).
    pub fn normalized<Q: Ord + ?Sized>(&self, market: &Q) -> Option<Normalized>
    where
        K: Borrow<Q>,
    {
        let returns = self.returns.get(market)?;
        if returns.len() < 3 {
            return None;
        }
        let mean = returns.iter().sum::<f64>() / returns.len() as f64;
        let centred: Vec<f64> = returns.iter().map(|r| r - mean).collect();
        let norm = centred.iter().map(|x| x * x).sum::<f64>().sqrt();
        (norm > 1e-9).then(|| Normalized(centred.into_iter().map(|x| x / norm).collect()))
    }

    /// The empirical correlation of two markets (over their common recent samples).
    pub fn correlation<Q: Ord + ?Sized>(&self, a: &Q, b: &Q) -> f64
    where
        K: Borrow<Q>,
    {
        let (Some(x), Some(y)) = (self.returns.get(a), self.returns.get(b)) else { return 0.0 };
        let n = x.len().min(y.len());
        if n < 3 {
            return 0.0;
        }
        let pairs = || x.iter().skip(x.len() - n).zip(y.iter().skip(y.len() - n));
        let (mx, my) = pairs().fold((0.0, 0.0), |(sx, sy), (a, b)| (sx + a, sy + b));
        let (mx, my) = (mx / n as f64, my / n as f64);
        let (mut cov, mut vx, mut vy) = (0.0, 0.0, 0.0);
        for (a, b) in pairs() {
            cov += (a - mx) * (b - my);
            vx += (a - mx) * (a - mx);
            vy += (b - my) * (b - my);
        }
        if vx <= 1e-18 || vy <= 1e-18 { 0.0 } else { (cov / (vx * vy).sqrt()).clamp(-1.0, 1.0) }
    }
}

/// ρ between two distinct markets as a decimal: the empirical correlation (a statistic,
/// estimated in `f64`), at least `floor` within one group. Exposures stay in `Decimal`.
fn pair_rho(empirical: f64, same_group: bool, floor: f64) -> Decimal {
    to_decimal_fast(if same_group { empirical.max(floor) } else { empirical }, Decimal::ZERO)
}

/// √ of a sum of squares, 0 for anything not positive.
fn root(total: Decimal) -> Decimal {
    total.max(Decimal::ZERO).sqrt().unwrap_or(Decimal::ZERO)
}

/// Positions whose pairwise empirical correlations are computed at each refresh.
pub const MAX_EMPIRICAL: usize = 64;

/// Correlation assumed between markets of one group at least.
pub const GROUP_CORRELATION: f64 = 1.0;

/// What the risk gate needs to net positions by correlation: each market's group and mid,
/// the co-movement of mids, and the last refresh.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorrelationBook {
    /// Group of each market (event or neg-risk set).
    pub groups: Arc<BTreeMap<ConditionId, String>>,
    /// Latest YES mid of each market.
    pub mids: BTreeMap<ConditionId, Decimal>,
    /// Co-movement of the mids; `None` while lent to a [`RefreshJob`].
    pub co: Option<CoMovement<ConditionId>>,
    total: Decimal,
    lean: BTreeMap<ConditionId, Decimal>,
}

/// One sample of the mids and the refresh after it, detached from the book so it can run
/// away from the thread that checks orders: it holds the book's co-movement (lent, and
/// given back by [`CorrelationBook::install`]) and copies of the mids and positions.
#[derive(Debug)]
pub struct RefreshJob {
    co: CoMovement<ConditionId>,
    inputs: RefreshInputs,
    with_refresh: bool,
}

/// The markets' groups, mids and positions at one moment.
#[derive(Debug)]
struct RefreshInputs {
    groups: Arc<BTreeMap<ConditionId, String>>,
    mids: BTreeMap<ConditionId, Decimal>,
    positions: BTreeMap<ConditionId, Decimal>,
}

/// A refresh's result, with the co-movement it borrowed.
#[derive(Debug)]
pub struct Refreshed {
    co: CoMovement<ConditionId>,
    total: Decimal,
    lean: BTreeMap<ConditionId, Decimal>,
}

impl RefreshJob {
    /// Samples the mids into the co-movement and, if the job was made with a refresh,
    /// recomputes eᵀ·C·e and each market's Σⱼ ρᵢⱼ·eⱼ (otherwise both come back zero).
    pub fn run(mut self) -> Refreshed {
        self.co.sample(&self.inputs.mids);
        let (total, lean) = if self.with_refresh {
            refresh(&self.co, &self.inputs)
        } else {
            (Decimal::ZERO, BTreeMap::new())
        };
        Refreshed { co: self.co, total, lean }
    }
}

impl CorrelationBook {
    /// The next sample (and, `with_refresh`, the refresh after it) for `positions`
    /// (YES-equivalent shares), lending the co-movement to it; `None` while the last job has
    /// not been installed.
    pub fn job(
        &mut self,
        positions: &BTreeMap<ConditionId, Decimal>,
        with_refresh: bool,
    ) -> Option<RefreshJob> {
        let co = self.co.take()?;
        Some(RefreshJob { co, inputs: self.inputs(positions), with_refresh })
    }

    fn inputs(&self, positions: &BTreeMap<ConditionId, Decimal>) -> RefreshInputs {
        RefreshInputs { groups: self.groups.clone(), mids: self.mids.clone(), positions: positions.clone() }
    }

    /// Takes a finished job's result and its co-movement back.
    pub fn install(&mut self, refreshed: Refreshed) {
        self.co = Some(refreshed.co);
        self.total = refreshed.total;
        self.lean = refreshed.lean;
    }

    /// Recomputes eᵀ·C·e and each market's Σⱼ ρᵢⱼ·eⱼ for `positions` without sampling, on
    /// this thread.
    pub fn refresh(&mut self, positions: &BTreeMap<ConditionId, Decimal>) {
        let co = self.co.take().unwrap_or_default();
        let (total, lean) = refresh(&co, &self.inputs(positions));
        self.install(Refreshed { co, total, lean });
    }

    /// √(eᵀ·C·e) at the last refresh, pUSD.
    pub fn exposure(&self) -> Decimal {
        root(self.total)
    }

    /// The exposure if `market`'s position changed by `shares`.
    pub fn exposure_after(&self, market: ConditionId, shares: Decimal) -> Decimal {
        root(self.squared_after(market, shares))
    }

    /// eᵀ·C·e at the last refresh: the exposure squared, compared without a square root.
    pub fn squared(&self) -> Decimal {
        self.total.max(Decimal::ZERO)
    }

    /// eᵀ·C·e if `market`'s position changed by `shares`.
    pub fn squared_after(&self, market: ConditionId, shares: Decimal) -> Decimal {
        let Some(mid) = self.mids.get(&market) else { return self.squared() };
        let delta = shares * *mid;
        let lean = self.lean.get(&market).copied().unwrap_or_default();
        (self.total + Decimal::TWO * delta * lean + delta * delta).max(Decimal::ZERO)
    }
}

/// eᵀ·C·e and each market's Σⱼ ρᵢⱼ·eⱼ for the positions in `inputs`, each valued at its
/// mid. Empirical correlations only among the [`MAX_EMPIRICAL`] largest positions; any other
/// pair is correlated by its group alone, so those terms are sums per group: O(K² + n), not
/// O(n²).
fn refresh(
    co: &CoMovement<ConditionId>,
    inputs: &RefreshInputs,
) -> (Decimal, BTreeMap<ConditionId, Decimal>) {
    let mut group_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut group_of = |market: &ConditionId| {
        let next = group_ids.len();
        inputs.groups.get(market).map(|g| *group_ids.entry(g.as_str()).or_insert(next))
    };
    let mut held: Vec<(ConditionId, Option<usize>, Decimal)> = inputs
        .positions
        .iter()
        .filter(|(_, p)| !p.is_zero())
        .filter_map(|(market, p)| Some((*market, group_of(market), *p * *inputs.mids.get(market)?)))
        .collect();
    held.sort_by_key(|held| std::cmp::Reverse(held.2.abs()));
    let unheld: Vec<(ConditionId, Option<usize>)> = inputs
        .mids
        .keys()
        .filter(|m| inputs.positions.get(*m).is_none_or(|p| p.is_zero()))
        .map(|m| (*m, group_of(m)))
        .collect();
    let empirical = held.len().min(MAX_EMPIRICAL);
    let floor = pair_rho(0.0, true, GROUP_CORRELATION);
    let mut in_group: BTreeMap<usize, Decimal> = BTreeMap::new();
    let mut in_group_beyond: BTreeMap<usize, Decimal> = BTreeMap::new();
    for (i, (_, group, value)) in held.iter().enumerate() {
        if let Some(group) = group {
            *in_group.entry(*group).or_default() += value;
            if i >= empirical {
                *in_group_beyond.entry(*group).or_default() += value;
            }
        }
    }
    let group_sum = |sums: &BTreeMap<usize, Decimal>, group: &Option<usize>| {
        group.and_then(|g| sums.get(&g).copied()).unwrap_or_default()
    };
    let keys: Vec<ConditionId> = held[..empirical].iter().map(|(m, _, _)| *m).collect();
    let series: Vec<Option<Normalized>> = keys.iter().map(|key| co.normalized(key)).collect();
    let empirical_rho = |i: usize, j: usize| match (&series[i], &series[j]) {
        (Some(a), Some(b)) if a.0.len() == b.0.len() => a.dot(b),
        (Some(_), Some(_)) => co.correlation(&keys[i], &keys[j]),
        _ => 0.0,
    };
    let mut lean = BTreeMap::new();
    let mut total = Decimal::ZERO;
    for (i, (market, group, value)) in held.iter().enumerate() {
        let s = if i < empirical {
            let within: Decimal = held[..empirical]
                .iter()
                .enumerate()
                .map(|(j, (_, gj, vj))| {
                    let rho = if i == j {
                        Decimal::ONE
                    } else {
                        let same = group.is_some() && group == gj;
                        pair_rho(empirical_rho(i, j), same, GROUP_CORRELATION)
                    };
                    rho * vj
                })
                .sum();
            within + floor * group_sum(&in_group_beyond, group)
        } else if group.is_some() {
            value + floor * (group_sum(&in_group, group) - value)
        } else {
            *value
        };
        total += value * s;
        lean.insert(*market, s);
    }
    for (market, group) in unheld {
        lean.insert(market, floor * group_sum(&in_group, &group));
    }
    (total, lean)
}

/// A series of returns centred on its mean and scaled to unit length, so that the Pearson
/// correlation of two equally long ones is their dot product.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized(Vec<f64>);

impl Normalized {
    /// The Pearson correlation with an equally long series.
    fn dot(&self, other: &Self) -> f64 {
        self.0.iter().zip(&other.0).map(|(x, y)| x * y).sum::<f64>().clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    /// The reference definitions the book is checked against.
    /// Pearson correlation of two equally long series (0 when either is flat or too short).
    pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len().min(b.len());
        if n < 3 {
            return 0.0;
        }
        let (a, b) = (&a[..n], &b[..n]);
        let mean = |x: &[f64]| x.iter().sum::<f64>() / n as f64;
        let (ma, mb) = (mean(a), mean(b));
        let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
        for (x, y) in a.iter().zip(b) {
            cov += (x - ma) * (y - mb);
            va += (x - ma) * (x - ma);
            vb += (y - mb) * (y - mb);
        }
        if va <= 1e-18 || vb <= 1e-18 { 0.0 } else { (cov / (va * vb).sqrt()).clamp(-1.0, 1.0) }
    }

    /// One market's signed exposure (pUSD, positive long YES) and its group.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Exposure {
        /// Market id.
        pub market: String,
        /// Event or neg-risk group.
        pub group: String,
        /// Signed exposure.
        pub value: Decimal,
    }

    /// √(eᵀ·C·e): correlated exposure. Same-group pairs use at least `group_floor`.
    pub fn correlated_exposure(exposures: &[Exposure], co: &CoMovement, group_floor: f64) -> Decimal {
        let mut total = Decimal::ZERO;
        for a in exposures {
            for b in exposures {
                let rho = if a.market == b.market {
                    Decimal::ONE
                } else {
                    pair_rho(co.correlation(&a.market, &b.market), a.group == b.group, group_floor)
                };
                total += a.value * b.value * rho;
            }
        }
        root(total)
    }

    #[test]
    fn pearson_table() {
        let up = [1.0, 2.0, 3.0, 4.0];
        let down = [4.0, 3.0, 2.0, 1.0];
        let flat = [1.0, 1.0, 1.0, 1.0];
        assert!((pearson(&up, &up) - 1.0).abs() < 1e-12);
        assert!((pearson(&up, &down) + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&up, &flat), 0.0);
        assert_eq!(pearson(&up[..2], &down[..2]), 0.0);
    }

    fn exposure(market: &str, group: &str, value: Decimal) -> Exposure {
        Exposure { market: market.into(), group: group.into(), value }
    }

    #[test]
    fn same_group_positions_add_up_and_hedges_offset() {
        let co = CoMovement::new(10);
        let same = [exposure("a", "g", dec!(30)), exposure("b", "g", dec!(40))];
        assert_eq!(correlated_exposure(&same, &co, 1.0), dec!(70));
        let apart = [exposure("a", "g", dec!(30)), exposure("b", "h", dec!(40))];
        assert_eq!(correlated_exposure(&apart, &co, 1.0), dec!(50), "independent: √(30² + 40²)");
        let hedged = [exposure("a", "g", dec!(30)), exposure("b", "g", dec!(-30))];
        assert_eq!(correlated_exposure(&hedged, &co, 1.0), dec!(0));
    }

    #[test]
    fn co_movement_is_learned_from_mids() {
        let mut co = CoMovement::new(50);
        for i in 0..30 {
            let wiggle = Decimal::new(if i % 3 == 0 { 2 } else { -1 }, 2) * Decimal::from(i % 5);
            let mids = BTreeMap::from([
                ("a".to_string(), dec!(0.5) + wiggle),
                ("b".to_string(), dec!(0.4) + wiggle),
                ("c".to_string(), dec!(0.6) - wiggle),
            ]);
            co.sample(&mids);
        }
        assert!(co.correlation("a", "b") > 0.99);
        assert!(co.correlation("a", "c") < -0.99);
        assert_eq!(co.correlation("a", "zzz"), 0.0);
        let both = [exposure("a", "x", dec!(10)), exposure("b", "y", dec!(10))];
        assert_eq!(correlated_exposure(&both, &co, 0.0).round_dp(2), dec!(20));
    }

    #[test]
    fn no_positions_no_exposure_and_groups_floor_the_correlation() {
        let co = CoMovement::new(10);
        assert_eq!(correlated_exposure(&[], &co, 1.0), dec!(0));
        let pair = [exposure("a", "g", dec!(10)), exposure("b", "g", dec!(10))];
        assert_eq!(
            correlated_exposure(&pair, &co, 0.5).round_dp(4),
            dec!(17.3205),
            "√(100 + 100 + 2·0.5·100)"
        );
    }

    proptest::proptest! {
        #[test]
        fn pearson_is_symmetric_and_bounded(a in proptest::collection::vec(-100i32..100, 3..30), b in proptest::collection::vec(-100i32..100, 3..30)) {
            let a: Vec<f64> = a.iter().map(|x| f64::from(*x)).collect();
            let b: Vec<f64> = b.iter().map(|x| f64::from(*x)).collect();
            let n = a.len().min(b.len());
            let (x, y) = (pearson(&a[..n], &b[..n]), pearson(&b[..n], &a[..n]));
            proptest::prop_assert!((x - y).abs() < 1e-9 && (-1.0..=1.0).contains(&x));
        }

        #[test]
        fn correlated_exposure_never_exceeds_the_gross(values in proptest::collection::vec(-100i64..100, 1..8)) {
            let exposures: Vec<Exposure> = values.iter().enumerate().map(|(i, v)| exposure(&format!("m{i}"), "g", Decimal::from(*v))).collect();
            let gross: Decimal = values.iter().map(|v| Decimal::from(v.abs())).sum();
            proptest::prop_assert!(correlated_exposure(&exposures, &CoMovement::new(5), 1.0) <= gross + dec!(0.001));
        }
    }

    #[test]
    fn the_book_answers_the_exposure_after_an_order_without_recomputing() {
        let (a, b, c) = (
            ConditionId::from_bytes([1; 32]),
            ConditionId::from_bytes([2; 32]),
            ConditionId::from_bytes([3; 32]),
        );
        let groups = BTreeMap::from([(a, "event:x".to_owned()), (b, "event:x".to_owned())]);
        let mut book = CorrelationBook { groups: Arc::new(groups), ..CorrelationBook::default() };
        for market in [a, b, c] {
            book.mids.insert(market, dec!(0.5));
        }
        let positions = BTreeMap::from([(a, dec!(40)), (c, dec!(-40))]);
        book.refresh(&positions);
        assert_eq!(book.exposure().round_dp(4), dec!(28.2843), "20 and −20, unrelated: √800");
        assert_eq!(
            book.exposure_after(b, dec!(40)).round_dp(4),
            dec!(44.7214),
            "b moves with a: (20 + 20)² + 20²"
        );
        assert_eq!(book.exposure_after(c, dec!(40)), dec!(20), "closing c leaves a alone");
        assert_eq!(
            book.exposure_after(ConditionId::from_bytes([9; 32]), dec!(100)),
            book.exposure(),
            "no mid: unchanged"
        );
    }

    /// The definition the book's refresh must agree with, pair by pair: ρ empirical among the
    /// largest [`MAX_EMPIRICAL`] positions, at least the group floor within a group, and the
    /// group alone for any other pair.
    fn squared_by_definition(book: &CorrelationBook, positions: &BTreeMap<ConditionId, Decimal>) -> Decimal {
        let mut held: Vec<(ConditionId, Decimal)> = positions
            .iter()
            .filter(|(_, p)| !p.is_zero())
            .filter_map(|(m, p)| Some((*m, *p * *book.mids.get(m)?)))
            .collect();
        held.sort_by_key(|h| std::cmp::Reverse(h.1.abs()));
        let mut total = Decimal::ZERO;
        for (i, (a, va)) in held.iter().enumerate() {
            for (j, (b, vb)) in held.iter().enumerate() {
                let same = book.groups.contains_key(a) && book.groups.get(a) == book.groups.get(b);
                let rho = if i == j {
                    Decimal::ONE
                } else if i < MAX_EMPIRICAL && j < MAX_EMPIRICAL {
                    let co = book.co.as_ref().map_or(0.0, |co| co.correlation(a, b));
                    pair_rho(co, same, GROUP_CORRELATION)
                } else {
                    pair_rho(0.0, same, GROUP_CORRELATION)
                };
                total += va * vb * rho;
            }
        }
        total.max(Decimal::ZERO)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        #[test]
        fn the_refresh_agrees_with_the_pairwise_definition(
            sizes in proptest::collection::vec(-50i64..50, 1..90),
            groups in proptest::collection::vec(0u8..4, 90),
            wiggles in proptest::collection::vec(-5i64..5, 90 * 6),
            shares in -20i64..20,
        ) {
            let market = |i: usize| ConditionId::from_bytes([i as u8 + 1; 32]);
            let mut co = CoMovement::new(20);
            let groups = groups.iter().enumerate().take(sizes.len()).filter(|(_, g)| **g > 0);
            let groups = groups.map(|(i, group)| (market(i), format!("g{group}"))).collect();
            for round in 0..6 {
                let mids: BTreeMap<ConditionId, Decimal> = (0..sizes.len())
                    .map(|i| (market(i), dec!(0.5) + Decimal::new(wiggles[round * 90 + i] * (i as i64 % 3 + 1), 3)))
                    .collect();
                co.sample(&mids);
            }
            let mut book = CorrelationBook { co: Some(co), groups: Arc::new(groups), ..CorrelationBook::default() };
            for i in 0..sizes.len() {
                book.mids.insert(market(i), dec!(0.5) + Decimal::new(i as i64, 3));
            }
            book.mids.insert(market(95), dec!(0.3));
            let positions: BTreeMap<ConditionId, Decimal> =
                sizes.iter().enumerate().map(|(i, s)| (market(i), Decimal::from(*s))).collect();
            book.refresh(&positions);
            let close = |a: Decimal, b: Decimal| (a - b).abs() <= dec!(0.0001) * (Decimal::ONE + b.abs());
            proptest::prop_assert!(close(book.squared(), squared_by_definition(&book, &positions)));
            let probes = if sizes.len() < MAX_EMPIRICAL { vec![0, sizes.len() / 2, sizes.len() - 1, 95] } else { Vec::new() };
            // A market without a position is answered by its group alone until the next
            // refresh (its empirical correlations count once it holds one).
            for probe in probes.into_iter().filter(|p| *p == 95 || sizes[*p] != 0) {
                let mut moved = positions.clone();
                *moved.entry(market(probe)).or_default() += Decimal::from(shares);
                let expected = squared_by_definition(&book, &moved);
                proptest::prop_assert!(
                    close(book.squared_after(market(probe), Decimal::from(shares)), expected),
                    "market {probe}: {} against {expected}", book.squared_after(market(probe), Decimal::from(shares))
                );
            }
        }
    }
}
