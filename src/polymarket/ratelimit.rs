//! The client's rate limiter: token buckets with the venue's numbers (API.md §7), one per
//! endpoint family (the per-IP layer, per 10 s) and two per signer (orders and cancels, at
//! the account's tier), so the daemon never earns a 429. A request draws from every bucket
//! it touches, all or nothing; the caller chooses to wait or to be refused, and the limiter
//! counts both. Pure: time is passed in.

use std::collections::HashMap;

/// What a request is, for rate limiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /order`.
    Order,
    /// `POST /orders` (cost: number of orders).
    OrderBatch,
    /// `DELETE /order`.
    Cancel,
    /// `DELETE /orders` (cost: number of ids).
    CancelBatch,
    /// `DELETE /cancel-all`.
    CancelAll,
    /// `DELETE /cancel-market-orders`.
    CancelMarket,
    /// `GET /book`, `/price`, `/midpoint`.
    Book,
    /// `POST /books`, `/prices`, `/midpoints`.
    Books,
    /// Market listings and parameters (`/markets`, tick size, neg risk, Gamma).
    Markets,
    /// `/data/orders`, `/data/trades`.
    Data,
    /// `/balance-allowance`.
    Balance,
    /// API-key endpoints.
    ApiKey,
    /// `POST /v1/heartbeats`.
    Heartbeat,
}

/// A bucket: capacity and refill per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Bucket size.
    pub burst: f64,
    /// Tokens per second.
    pub per_sec: f64,
}

impl Rate {
    /// `count` per `secs` seconds, all available at once.
    pub const fn per(count: f64, secs: f64) -> Self {
        Self { burst: count, per_sec: count / secs }
    }
}

/// The per-signer tier (API.md §7b).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignerTier {
    /// Order bucket.
    pub orders: Rate,
    /// Cancel bucket.
    pub cancels: Rate,
}

impl SignerTier {
    /// The same tier at `fraction` of its rates and bursts: the client runs a little under
    /// the venue's numbers so that network jitter (a slow first request, say) never turns
    /// into a 429.
    pub fn scaled(self, fraction: f64) -> Self {
        let scale = |rate: Rate| Rate {
            burst: (rate.burst * fraction).floor().max(1.0),
            per_sec: rate.per_sec * fraction,
        };
        Self { orders: scale(self.orders), cancels: scale(self.cancels) }
    }

    /// The standard tier: orders 40/s (burst 60), cancels 80/s (burst 120).
    pub const STANDARD: Self =
        Self { orders: Rate { burst: 60.0, per_sec: 40.0 }, cancels: Rate { burst: 120.0, per_sec: 80.0 } };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum BucketKey {
    Family(Endpoint),
    SignerOrders,
    SignerCancels,
}

/// The per-IP limit of an endpoint family, per API.md (docs mirror of 2026-07-25).
fn family_rate(endpoint: Endpoint) -> Rate {
    match endpoint {
        Endpoint::Order | Endpoint::Cancel => Rate::per(5_000.0, 10.0),
        Endpoint::OrderBatch | Endpoint::CancelBatch => Rate::per(2_000.0, 10.0),
        Endpoint::CancelAll => Rate::per(250.0, 10.0),
        Endpoint::CancelMarket => Rate::per(1_500.0, 10.0),
        Endpoint::Book => Rate::per(1_500.0, 10.0),
        Endpoint::Books | Endpoint::Data => Rate::per(500.0, 10.0),
        Endpoint::Markets => Rate::per(300.0, 10.0),
        Endpoint::Balance => Rate::per(200.0, 10.0),
        Endpoint::ApiKey => Rate::per(100.0, 10.0),
        Endpoint::Heartbeat => Rate::per(900.0, 10.0),
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    rate: Rate,
    tokens: f64,
    at_ms: u64,
}

impl Bucket {
    fn refill(&mut self, now_ms: u64) {
        let elapsed = now_ms.saturating_sub(self.at_ms) as f64 / 1_000.0;
        self.tokens = (self.tokens + elapsed * self.rate.per_sec).min(self.rate.burst);
        self.at_ms = self.at_ms.max(now_ms);
    }

    /// Milliseconds until `cost` tokens are there (`None`: never, the cost exceeds the burst).
    fn wait_for(&self, cost: f64) -> Option<u64> {
        if cost > self.rate.burst {
            return None;
        }
        let missing = cost - self.tokens;
        Some(if missing <= 0.0 { 0 } else { (missing / self.rate.per_sec * 1_000.0).ceil() as u64 })
    }
}

/// What the caller should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Send now (tokens taken).
    Go,
    /// Send after this many milliseconds (tokens reserved: the buckets go negative).
    WaitMs(u64),
    /// Do not send: refused by the caller's choice, or the cost can never fit (split it).
    Refused,
    /// Do not send: it would have to wait this many milliseconds, longer than the caller
    /// allows (nothing was taken).
    TooLong(u64),
}

/// Whether a request may wait for tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// Wait as long as needed.
    Wait,
    /// Wait up to this many milliseconds, refuse a longer wait.
    UpToMs(u64),
}

/// Counters of what the limiter did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimiterStats {
    /// Requests sent at once.
    pub immediate: u64,
    /// Requests told to wait.
    pub delayed: u64,
    /// Requests refused.
    pub refused: u64,
}

/// The limiter of one signer.
#[derive(Debug)]
pub struct RateLimiter {
    tier: SignerTier,
    buckets: HashMap<BucketKey, Bucket>,
    stats: LimiterStats,
}

impl RateLimiter {
    /// A limiter at `tier`; each bucket starts full on first use.
    pub fn new(tier: SignerTier) -> Self {
        Self { tier, buckets: HashMap::new(), stats: LimiterStats::default() }
    }

    /// What happened so far.
    pub fn stats(&self) -> LimiterStats {
        self.stats
    }

    fn rate(&self, key: BucketKey) -> Rate {
        match key {
            BucketKey::Family(endpoint) => family_rate(endpoint),
            BucketKey::SignerOrders => self.tier.orders,
            BucketKey::SignerCancels => self.tier.cancels,
        }
    }

    /// How long a request to `endpoint` costing `cost` would wait now, ms, without taking
    /// anything (`None`: the cost can never fit).
    pub fn peek_wait_ms(&self, endpoint: Endpoint, cost: u32, now_ms: u64) -> Option<u64> {
        let draws = draws(endpoint, cost);
        draws.iter().try_fold(0, |wait, (key, draw)| {
            let rate = self.rate(*key);
            let mut bucket =
                self.buckets.get(key).copied().unwrap_or(Bucket { rate, tokens: rate.burst, at_ms: now_ms });
            bucket.refill(now_ms);
            Some(wait.max(bucket.wait_for(*draw)?))
        })
    }

    /// Asks to send `endpoint` costing `cost` (orders or ids in a batch, else 1).
    pub fn admit(&mut self, endpoint: Endpoint, cost: u32, patience: Patience, now_ms: u64) -> Admission {
        let draws = draws(endpoint, cost);
        let mut wait = 0;
        for (key, draw) in &draws {
            let rate = self.rate(*key);
            let bucket =
                self.buckets.entry(*key).or_insert(Bucket { rate, tokens: rate.burst, at_ms: now_ms });
            bucket.refill(now_ms);
            match bucket.wait_for(*draw) {
                Some(ms) => wait = wait.max(ms),
                None => {
                    self.stats.refused += 1;
                    return Admission::Refused;
                }
            }
        }
        let refusal = match patience {
            Patience::UpToMs(most) if wait > most => Some(Admission::TooLong(wait)),
            _ => None,
        };
        if let Some(refusal) = refusal {
            self.stats.refused += 1;
            return refusal;
        }
        for (key, draw) in draws {
            if let Some(bucket) = self.buckets.get_mut(&key) {
                bucket.tokens -= draw;
            }
        }
        if wait == 0 {
            self.stats.immediate += 1;
            Admission::Go
        } else {
            self.stats.delayed += 1;
            Admission::WaitMs(wait)
        }
    }
}

/// The buckets a request draws from and how much from each.
fn draws(endpoint: Endpoint, cost: u32) -> Vec<(BucketKey, f64)> {
    let cost = f64::from(cost.max(1));
    let signer = match endpoint {
        Endpoint::Order | Endpoint::OrderBatch => Some(BucketKey::SignerOrders),
        Endpoint::Cancel | Endpoint::CancelBatch | Endpoint::CancelAll | Endpoint::CancelMarket => {
            Some(BucketKey::SignerCancels)
        }
        _ => None,
    };
    let family_cost =
        if matches!(endpoint, Endpoint::OrderBatch | Endpoint::CancelBatch) { 1.0 } else { cost };
    std::iter::once((BucketKey::Family(endpoint), family_cost)).chain(signer.map(|key| (key, cost))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_wait_is_taken_up_to_its_limit_and_refused_beyond_it() {
        let mut limiter = RateLimiter::new(SignerTier::STANDARD);
        let mut last = Admission::Go;
        let mut sent = 0;
        while !matches!(last, Admission::TooLong(_)) && sent < 1_000 {
            last = limiter.admit(Endpoint::Order, 1, Patience::UpToMs(500), 0);
            sent += 1;
        }
        let Admission::TooLong(wait) = last else { panic!("never refused: {last:?}") };
        assert!(wait > 500 && wait <= 550, "the first refusal would have waited just over the limit: {wait}");
        assert_eq!(sent - 1, 60 + 20, "the burst of 60 and half a second at 40 orders/s");
        assert_eq!(
            limiter.admit(Endpoint::Cancel, 1, Patience::UpToMs(500), 0),
            Admission::Go,
            "cancels draw apart"
        );
        let peeked = limiter.peek_wait_ms(Endpoint::Order, 1, 0).unwrap();
        assert!(peeked > 500, "peeking sees the same wait: {peeked}");
        assert_eq!(limiter.peek_wait_ms(Endpoint::Order, 1, 0), Some(peeked), "and takes nothing");
        assert!(matches!(limiter.admit(Endpoint::Order, 1, Patience::Wait, 0), Admission::WaitMs(_)));
    }

    #[test]
    fn a_burst_then_waits_at_the_signer_rate() {
        let mut limiter = RateLimiter::new(SignerTier::STANDARD);
        for _ in 0..60 {
            assert_eq!(limiter.admit(Endpoint::Order, 1, Patience::Wait, 0), Admission::Go);
        }
        assert_eq!(limiter.admit(Endpoint::Order, 1, Patience::UpToMs(0), 0), Admission::TooLong(25));
        assert_eq!(
            limiter.admit(Endpoint::Order, 1, Patience::Wait, 0),
            Admission::WaitMs(25),
            "1 token at 40/s"
        );
        assert_eq!(
            limiter.admit(Endpoint::Order, 1, Patience::Wait, 0),
            Admission::WaitMs(50),
            "reservations queue up"
        );
        assert_eq!(limiter.admit(Endpoint::Order, 1, Patience::Wait, 1_000), Admission::Go);
        assert_eq!(limiter.stats(), LimiterStats { immediate: 61, delayed: 2, refused: 1 });
    }

    #[test]
    fn batches_cost_one_token_per_order_and_must_fit_the_burst() {
        let mut limiter = RateLimiter::new(SignerTier::STANDARD);
        assert_eq!(limiter.admit(Endpoint::OrderBatch, 15, Patience::Wait, 0), Admission::Go);
        assert_eq!(
            limiter.admit(Endpoint::OrderBatch, 61, Patience::Wait, 0),
            Admission::Refused,
            "split it"
        );
        assert_eq!(limiter.admit(Endpoint::CancelBatch, 120, Patience::Wait, 0), Admission::Go);
        assert!(matches!(limiter.admit(Endpoint::Cancel, 1, Patience::UpToMs(0), 0), Admission::TooLong(_)));
        assert_eq!(
            limiter.admit(Endpoint::Book, 1, Patience::UpToMs(0), 0),
            Admission::Go,
            "other families are separate"
        );
    }

    #[test]
    fn family_limits_apply_without_a_signer_bucket() {
        let mut limiter = RateLimiter::new(SignerTier::STANDARD);
        for _ in 0..300 {
            assert_eq!(limiter.admit(Endpoint::Markets, 1, Patience::UpToMs(0), 0), Admission::Go);
        }
        assert!(matches!(limiter.admit(Endpoint::Markets, 1, Patience::UpToMs(0), 0), Admission::TooLong(_)));
        assert_eq!(
            limiter.admit(Endpoint::Markets, 1, Patience::Wait, 0),
            Admission::WaitMs(34),
            "300 per 10 s"
        );
    }
}
