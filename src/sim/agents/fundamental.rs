//! A market's hidden fundamental probability: a random walk in logit space with drift,
//! scheduled news jumps (known to informed traders a little early) and volume spikes.

use std::collections::VecDeque;

use rand::Rng;
use rand::rngs::StdRng;

use super::scenario::ScenarioParams;

/// A standard normal draw (Box–Muller).
pub fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A Poisson draw with mean `lambda` (Knuth; `lambda` is small per step).
pub fn poisson(rng: &mut StdRng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    let limit = (-lambda.min(30.0)).exp();
    let mut product: f64 = rng.r#gen();
    let mut count = 0;
    while product > limit {
        count += 1;
        product *= rng.r#gen::<f64>();
    }
    count
}

/// The logistic function.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The inverse of [`sigmoid`].
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// The hidden value process of one market.
#[derive(Debug, Clone)]
pub struct Fundamental {
    logit: f64,
    drift_per_sec: f64,
    jumps: VecDeque<(u64, f64)>,
    next_jump_ms: u64,
    next_spike_ms: u64,
    spike_until_ms: u64,
}

impl Fundamental {
    /// Starts at a probability drawn from the scenario's range.
    pub fn new(params: &ScenarioParams, rng: &mut StdRng, now_ms: u64) -> Self {
        let start = rng.gen_range(params.start_low..=params.start_high.max(params.start_low));
        let sign = if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
        let mut fundamental = Self {
            logit: logit(start),
            drift_per_sec: sign * params.drift_per_hour / 3_600.0,
            jumps: VecDeque::new(),
            next_jump_ms: u64::MAX,
            next_spike_ms: u64::MAX,
            spike_until_ms: 0,
        };
        fundamental.next_jump_ms = next_arrival(rng, params.jump_rate_per_hour, now_ms);
        fundamental.next_spike_ms = next_arrival(rng, params.spike_rate_per_hour, now_ms);
        fundamental
    }

    /// Advances by `dt_ms` to `now_ms`.
    pub fn step(
        &mut self,
        params: &ScenarioParams,
        rng: &mut StdRng,
        dt_ms: u64,
        now_ms: u64,
        closing: bool,
    ) {
        let dt = dt_ms as f64 / 1_000.0;
        let vol = if closing { params.fundamental_vol * 4.0 } else { params.fundamental_vol };
        self.logit += self.drift_per_sec * dt + vol * dt.sqrt() * normal(rng);
        while now_ms + (params.informed_lead_secs * 1_000.0) as u64 >= self.next_jump_ms {
            let size = params.jump_size * normal(rng);
            self.jumps.push_back((self.next_jump_ms, size));
            self.next_jump_ms = next_arrival(rng, params.jump_rate_per_hour, self.next_jump_ms);
        }
        while self.jumps.front().is_some_and(|(at, _)| *at <= now_ms) {
            if let Some((_, size)) = self.jumps.pop_front() {
                self.logit += size;
            }
        }
        if now_ms >= self.next_spike_ms {
            self.spike_until_ms = now_ms + (params.spike_secs * 1_000.0) as u64;
            self.next_spike_ms = next_arrival(rng, params.spike_rate_per_hour, now_ms);
        }
        self.logit = self.logit.clamp(-9.0, 9.0);
    }

    /// The current probability.
    pub fn probability(&self) -> f64 {
        sigmoid(self.logit)
    }

    /// What informed traders believe: the probability after the jumps they already know.
    pub fn informed_view(&self) -> f64 {
        sigmoid(self.logit + self.jumps.iter().map(|(_, size)| size).sum::<f64>())
    }

    /// Whether a volume spike is on.
    pub fn spiking(&self, now_ms: u64) -> bool {
        now_ms < self.spike_until_ms
    }
}

/// The time of the next arrival of a Poisson process with `per_hour` events.
fn next_arrival(rng: &mut StdRng, per_hour: f64, after_ms: u64) -> u64 {
    if per_hour <= 0.0 {
        return u64::MAX;
    }
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let wait_secs = -u.ln() * 3_600.0 / per_hour;
    after_ms.saturating_add((wait_secs * 1_000.0) as u64)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn draws_have_the_right_means() {
        let mut rng = StdRng::seed_from_u64(1);
        let n = 20_000;
        let mean_normal: f64 = (0..n).map(|_| normal(&mut rng)).sum::<f64>() / f64::from(n);
        let mean_poisson: f64 = (0..n).map(|_| f64::from(poisson(&mut rng, 2.5))).sum::<f64>() / f64::from(n);
        assert!(mean_normal.abs() < 0.03, "{mean_normal}");
        assert!((mean_poisson - 2.5).abs() < 0.05, "{mean_poisson}");
        assert!((sigmoid(logit(0.3)) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn informed_traders_see_jumps_before_they_land() {
        let params = ScenarioParams {
            fundamental_vol: 0.0,
            jump_rate_per_hour: 3_600.0,
            jump_size: 2.0,
            informed_lead_secs: 10.0,
            ..ScenarioParams::calm()
        };
        let mut rng = StdRng::seed_from_u64(3);
        let mut fundamental = Fundamental::new(&params, &mut rng, 0);
        let before = fundamental.probability();
        fundamental.step(&params, &mut rng, 100, 100, false);
        assert_eq!(fundamental.probability(), before, "jumps are scheduled ahead");
        assert_ne!(fundamental.informed_view(), before);
    }
}
