//! A supply of presignatures computed on a thread of their own, so that the order path
//! signs an order in a few microseconds instead of spending ≈ 30 µs of the actors' thread
//! on the nonce's point multiplication.
//!
//! The thread tops the stock up and, when it is full, sleeps for [`REFILL_EVERY`] before
//! looking again; it ends when the supply is dropped. Taking one is a pop under an
//! uncontended lock and never wakes the thread: a wake-up per order would cost the actors'
//! thread a system call on the hot path, and at normal priority the woken thread would
//! preempt the very order being sent (measured: 40–120 µs lost per order). It also runs
//! under Linux's `SCHED_IDLE` policy, so it only ever uses an otherwise idle core. Taking
//! never blocks: an empty stock (a burst larger than it) means the caller signs the
//! ordinary way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::polymarket::Presignature;

/// How many presignatures wait ready: the venue's largest order burst (60 for the
/// Standard tier) with room to spare; 256 take ≈ 8 ms of one core to make.
pub const DEFAULT_STOCK: usize = 256;

/// How long the thread sleeps when the stock is full.
pub const REFILL_EVERY: Duration = Duration::from_millis(2);

#[derive(Debug, Default)]
struct Stock {
    ready: Mutex<Vec<Presignature>>,
    stopped: AtomicBool,
}

/// The taking end of the presignature thread; dropping it stops the thread.
#[derive(Debug)]
pub struct PresignatureSupply {
    stock: Arc<Stock>,
}

impl PresignatureSupply {
    /// Starts the thread that keeps `stock` presignatures ready. `None` if the operating
    /// system refuses a thread (orders are then signed the ordinary way).
    pub fn start(stock: usize) -> Option<Self> {
        let shared = Arc::new(Stock { ready: Mutex::new(Vec::with_capacity(stock)), ..Stock::default() });
        let filled = shared.clone();
        std::thread::Builder::new()
            .name("polymm-presign".into())
            .spawn(move || {
                lower_priority();
                fill(&filled, stock.max(1));
            })
            .map_err(|error| tracing::warn!(%error, "no presignature thread: orders are signed inline"))
            .ok()?;
        Some(Self { stock: shared })
    }

    /// A presignature if one is ready.
    pub fn take(&self) -> Option<Presignature> {
        self.stock.ready.lock().unwrap_or_else(PoisonError::into_inner).pop()
    }
}

impl Drop for PresignatureSupply {
    fn drop(&mut self) {
        self.stock.stopped.store(true, Ordering::Release);
    }
}

/// Lets the thread run only on an otherwise idle core.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
            thread_native_id,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        if let Err(error) =
            set_thread_priority_and_policy(thread_native_id(), thread_priority::ThreadPriority::Min, idle)
        {
            tracing::warn!(?error, "presignature thread keeps normal priority");
        }
    }
}

/// Keeps `capacity` presignatures ready until the supply is dropped.
fn fill(stock: &Stock, capacity: usize) {
    while !stock.stopped.load(Ordering::Acquire) {
        let missing =
            capacity.saturating_sub(stock.ready.lock().unwrap_or_else(PoisonError::into_inner).len());
        if missing == 0 {
            std::thread::sleep(REFILL_EVERY);
            continue;
        }
        let fresh = Presignature::generate();
        stock.ready.lock().unwrap_or_else(PoisonError::into_inner).push(fresh);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn the_stock_fills_and_refills_after_being_taken() {
        let supply = PresignatureSupply::start(8).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut taken = 0;
        while taken < 20 && Instant::now() < deadline {
            if supply.take().is_some() {
                taken += 1;
            } else {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        assert_eq!(taken, 20, "more than the stock was handed out over time");
    }

    #[test]
    fn dropping_the_supply_stops_the_thread() {
        let supply = PresignatureSupply::start(2).unwrap();
        let stock = supply.stock.clone();
        drop(supply);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&stock) > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(Arc::strong_count(&stock), 1, "the thread let go of the stock");
    }
}
