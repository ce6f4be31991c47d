//! The heartbeat keeper: the chained `POST /v1/heartbeats` loop that keeps the venue's
//! dead-man switch from cancelling our orders. The first beat sends an empty id, each next
//! one echoes the id the venue returned. A failed beat is reported as a health event (the
//! kill switch decides what it means) and the chain restarts empty, since the venue may
//! have let it lapse.

use std::rc::Rc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::client::{ClientError, ClobClient};

/// What one beat did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeartbeatEvent {
    /// The venue accepted the beat.
    Beat {
        /// The id to echo next.
        id: String,
    },
    /// The beat failed: the venue may cancel everything if this goes on.
    Missed {
        /// Why.
        error: ClientError,
        /// Failures in a row.
        consecutive: u32,
    },
}

/// The chain state.
#[derive(Debug, Default)]
pub struct HeartbeatKeeper {
    previous: String,
    consecutive_misses: u32,
}

impl HeartbeatKeeper {
    /// A keeper that starts a new chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends one beat.
    pub async fn beat(&mut self, client: &ClobClient) -> HeartbeatEvent {
        match client.heartbeat(&self.previous).await {
            Ok(id) => {
                self.previous.clone_from(&id);
                self.consecutive_misses = 0;
                HeartbeatEvent::Beat { id }
            }
            Err(error) => {
                self.previous.clear();
                self.consecutive_misses += 1;
                HeartbeatEvent::Missed { error, consecutive: self.consecutive_misses }
            }
        }
    }
}

/// Beats every `every` until the receiver of `events` is dropped or the task is aborted.
pub fn spawn_heartbeats(
    client: Rc<ClobClient>,
    every: Duration,
    events: UnboundedSender<HeartbeatEvent>,
) -> actix_rt::task::JoinHandle<()> {
    actix_rt::spawn(async move {
        let mut keeper = HeartbeatKeeper::new();
        let mut ticker = actix_rt::time::interval(every);
        loop {
            ticker.tick().await;
            let event = keeper.beat(&client).await;
            if let HeartbeatEvent::Missed { error, consecutive } = &event {
                tracing::warn!(%error, consecutive, "venue heartbeat missed");
            }
            if events.send(event).is_err() {
                return;
            }
        }
    })
}
