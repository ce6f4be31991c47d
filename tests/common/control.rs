//! Reading a running daemon through its control API, as an operator would.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use polymm::control::ControlClient;
use polymm::control::StatusView;

/// The daemon's status.
pub async fn status(ctl: &ControlClient) -> StatusView {
    serde_json::from_value(ctl.call(false, "/v1/status").await.unwrap()).unwrap()
}

/// The first status within `limit` for which `done` holds.
pub async fn until(
    ctl: &ControlClient,
    limit: Duration,
    done: impl Fn(&StatusView) -> bool,
) -> Option<StatusView> {
    let start = Instant::now();
    while start.elapsed() < limit {
        let status = status(ctl).await;
        if done(&status) {
            return Some(status);
        }
        actix_rt::time::sleep(Duration::from_millis(25)).await;
    }
    None
}
