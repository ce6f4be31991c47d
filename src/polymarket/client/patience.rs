//! Patience at start: a request the daemon cannot start without (the start-up cancel of
//! orders left by an earlier run, market discovery) is tried again while the venue answers
//! but is not ready (engine restart, 429, 5xx), saying so in the log each time, up to a
//! limit. A daemon restarted during the venue's weekly engine restart waits for it instead
//! of exiting. A venue that cannot be reached at all (a wrong address, no network) is not
//! waited for beyond the client's own retries: the start fails at once with the cause.

use std::future::Future;
use std::time::Duration;

use super::ClientError;

/// The first wait; it doubles up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait between tries.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Runs `call` until it succeeds, fails for good, or `limit` has passed in waits.
pub async fn patiently<T, F, Fut>(what: &str, limit: Duration, mut call: F) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let mut waited = Duration::ZERO;
    let mut wait = FIRST_WAIT;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(error) if answered_not_ready(&error) && waited < limit => {
                tracing::warn!(%error, ?wait, "{what}: the venue is not ready; trying again");
                actix_rt::time::sleep(wait).await;
                waited += wait;
                wait = (wait * 2).min(LONGEST_WAIT);
            }
            Err(error) => return Err(error),
        }
    }
}

/// Whether the venue answered, saying to come back later.
fn answered_not_ready(error: &ClientError) -> bool {
    matches!(error, ClientError::EngineRestarting | ClientError::RateLimited(_) | ClientError::Server { .. })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[actix_rt::test]
    async fn passing_failures_are_waited_out_and_lasting_ones_are_not() {
        let tries = Cell::new(0);
        let answer = patiently("start", Duration::from_secs(5), || {
            tries.set(tries.get() + 1);
            let now = tries.get();
            async move { if now < 2 { Err(ClientError::EngineRestarting) } else { Ok(now) } }
        })
        .await;
        assert_eq!(answer, Ok(2));
        let refused: Result<(), _> = patiently("start", Duration::from_secs(5), || async {
            Err(ClientError::Unauthorized("bad key".into()))
        })
        .await;
        assert!(matches!(refused, Err(ClientError::Unauthorized(_))), "not transient: no wait");
        let unreachable: Result<(), _> = patiently("start", Duration::from_secs(5), || async {
            Err(ClientError::Transport("connection refused".into()))
        })
        .await;
        assert!(matches!(unreachable, Err(ClientError::Transport(_))), "no venue: no wait");
        let never: Result<(), _> =
            patiently("start", Duration::ZERO, || async { Err(ClientError::EngineRestarting) }).await;
        assert_eq!(never, Err(ClientError::EngineRestarting), "the limit is kept");
    }
}
