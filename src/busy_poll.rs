//! Busy polling of the actors' thread (`actors.busy_poll`): a task that yields for ever, so
//! the thread never sleeps in the kernel between events. A frame is then read the moment it
//! arrives, and the feed, the markets and the signer find their data still in the core's
//! caches instead of evicted by whatever ran while the thread slept: at 500 markets on two
//! cores the frame-in → signed-order-out median falls from 41–47 µs to about 35 µs
//! (BENCHMARKS.md). The price is one core at 100 % for the life of the daemon; off by
//! default.

/// Starts spinning the current arbiter's thread; abort the handle to stop.
pub fn spawn() -> actix_rt::task::JoinHandle<()> {
    actix_rt::spawn(async {
        loop {
            tokio::task::yield_now().await;
        }
    })
}
