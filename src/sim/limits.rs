//! The venue's per-signer token buckets (API.md §7b): one for orders, one for cancels,
//! standard tier by default. A batch costs one token per order; cancels may drive their
//! bucket negative (as the standard tier allows) but not start below zero.

use std::collections::HashMap;

use crate::domain::Address;

/// Which bucket a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// `POST /order`, `POST /orders`.
    Orders,
    /// `DELETE /order`, `/orders`, `/cancel-all`, `/cancel-market-orders`.
    Cancels,
}

/// A tier's refill rates (per second) and bursts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier {
    /// Tier name, reported in `Poly-RateLimit-Tier`.
    pub name: &'static str,
    /// Order tokens per second.
    pub order_rate: f64,
    /// Order bucket size.
    pub order_burst: f64,
    /// Cancel tokens per second.
    pub cancel_rate: f64,
    /// Cancel bucket size.
    pub cancel_burst: f64,
}

impl Tier {
    /// The standard tier.
    pub const STANDARD: Self = Self {
        name: "standard",
        order_rate: 40.0,
        order_burst: 60.0,
        cancel_rate: 80.0,
        cancel_burst: 120.0,
    };
}

/// The result of drawing tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Draw {
    /// Allowed; tokens left afterwards (may be negative for cancels).
    Allowed {
        /// Tokens left.
        remaining: f64,
    },
    /// Refused; retry after this many milliseconds.
    Limited {
        /// Wait before retrying.
        retry_after_ms: u64,
    },
}

#[derive(Debug, Clone, Copy)]
struct State {
    tokens: f64,
    at_ms: u64,
}

/// Buckets per (signer, bucket).
#[derive(Debug)]
pub struct RateLimiter {
    tier: Tier,
    buckets: HashMap<(Address, Bucket), State>,
}

impl RateLimiter {
    /// Limits at `tier`.
    pub fn new(tier: Tier) -> Self {
        Self { tier, buckets: HashMap::new() }
    }

    /// The tier.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// Draws `cost` tokens for `signer` at `now_ms`.
    pub fn draw(&mut self, signer: Address, bucket: Bucket, cost: u32, now_ms: u64) -> Draw {
        let (rate, burst) = match bucket {
            Bucket::Orders => (self.tier.order_rate, self.tier.order_burst),
            Bucket::Cancels => (self.tier.cancel_rate, self.tier.cancel_burst),
        };
        let state = self.buckets.entry((signer, bucket)).or_insert(State { tokens: burst, at_ms: now_ms });
        let elapsed = now_ms.saturating_sub(state.at_ms) as f64 / 1_000.0;
        state.tokens = (state.tokens + elapsed * rate).min(burst);
        state.at_ms = now_ms;
        let cost = f64::from(cost);
        let allowed = match bucket {
            Bucket::Orders => state.tokens >= cost && cost <= burst,
            Bucket::Cancels => state.tokens > 0.0,
        };
        if allowed {
            state.tokens -= cost;
            Draw::Allowed { remaining: state.tokens }
        } else {
            let missing = (cost.min(burst) - state.tokens).max(1.0);
            Draw::Limited { retry_after_ms: ((missing / rate) * 1_000.0).ceil() as u64 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_refill_at_the_tier_rate() {
        let mut limiter = RateLimiter::new(Tier::STANDARD);
        let signer = Address::from_bytes([1; 20]);
        assert!(matches!(limiter.draw(signer, Bucket::Orders, 60, 0), Draw::Allowed { .. }));
        assert!(matches!(limiter.draw(signer, Bucket::Orders, 1, 0), Draw::Limited { .. }));
        assert!(matches!(limiter.draw(signer, Bucket::Orders, 4, 100), Draw::Allowed { .. }));
        assert!(
            matches!(limiter.draw(signer, Bucket::Orders, 61, 60_000), Draw::Limited { .. }),
            "beyond the burst never fits"
        );
        let other = Address::from_bytes([2; 20]);
        assert!(
            matches!(limiter.draw(other, Bucket::Orders, 60, 0), Draw::Allowed { .. }),
            "buckets are per signer"
        );
    }

    #[test]
    fn cancels_may_go_negative_once() {
        let mut limiter = RateLimiter::new(Tier::STANDARD);
        let signer = Address::from_bytes([1; 20]);
        assert_eq!(limiter.draw(signer, Bucket::Cancels, 200, 0), Draw::Allowed { remaining: -80.0 });
        assert!(matches!(limiter.draw(signer, Bucket::Cancels, 1, 0), Draw::Limited { .. }));
    }
}
