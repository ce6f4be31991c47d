//! The server's shared state: the world behind one lock, the websocket fan-out and the
//! clock. Every mutation goes through [`SimState::with_world`], which publishes the events
//! it produced before releasing the lock, so channel order equals venue order.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::broadcast;

use crate::clock::Clock;
use crate::sim::wire::{Outgoing, batch_messages};
use crate::sim::world::SimWorld;

/// Websocket messages buffered per subscriber before it counts as too slow.
pub const FANOUT_CAPACITY: usize = 16_384;

/// Shared by every handler and background task.
pub struct SimState {
    world: Mutex<SimWorld>,
    hub: broadcast::Sender<Arc<Outgoing>>,
    clock: Arc<dyn Clock>,
    faults_version: std::sync::atomic::AtomicU64,
}

impl SimState {
    /// State over `world`, timed by `clock`.
    pub fn new(world: SimWorld, clock: Arc<dyn Clock>) -> Self {
        let (hub, _) = broadcast::channel(FANOUT_CAPACITY);
        Self { world: Mutex::new(world), hub, clock, faults_version: std::sync::atomic::AtomicU64::new(0) }
    }

    /// The current time, ms.
    pub fn now_ms(&self) -> u64 {
        self.clock.now().0
    }

    /// The operator changed the faults: connections apply them before their next message.
    pub fn faults_changed(&self) {
        self.faults_version.fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// How many times the operator changed the faults.
    pub fn faults_version(&self) -> u64 {
        self.faults_version.load(std::sync::atomic::Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, SimWorld> {
        self.world.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the world at the current time, then publishes the events it caused.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut SimWorld, u64) -> R) -> R {
        let now = self.now_ms();
        let mut world = self.lock();
        let result = f(&mut world, now);
        let events = world.venue.drain_events();
        if self.hub.receiver_count() > 0 {
            for message in batch_messages(&world.venue, &events, now) {
                let _ = self.hub.send(Arc::new(message));
            }
        }
        result
    }

    /// A new subscription to every channel message.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Outgoing>> {
        self.hub.subscribe()
    }
}
