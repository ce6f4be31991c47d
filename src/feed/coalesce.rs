//! Book updates to the markets, newest wins: at most one update per market waits in its
//! mailbox. While one is there, further changes only mark the token dirty; once the market
//! has taken it (clearing the shared flag), the next dispatch sends the then-latest book,
//! stamped with when the first of the deferred frames came in. A slow market so costs one
//! book in memory, not a queue of them.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What to send to a market now.
#[derive(Debug, Clone)]
pub struct Admitted {
    /// The YES token.
    pub token: String,
    /// When the oldest frame behind it was read.
    pub frame_at: Option<Instant>,
    /// Set now; the market clears it when it takes the update.
    pub in_mailbox: Arc<AtomicBool>,
}

/// Per-token mailbox flags and deferred updates.
#[derive(Debug, Default)]
pub struct Coalescer {
    in_mailbox: HashMap<String, Arc<AtomicBool>>,
    deferred: HashMap<String, Option<Instant>>,
}

impl Coalescer {
    /// The tokens to send now out of `changed` and those deferred earlier; the others wait.
    pub fn admit<'a>(
        &mut self,
        changed: impl IntoIterator<Item = (&'a str, Option<Instant>)>,
    ) -> Vec<Admitted> {
        for (token, frame_at) in changed {
            let stamp = self.deferred.entry(token.to_owned()).or_insert(frame_at);
            *stamp = match (*stamp, frame_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let mut admitted = Vec::new();
        let in_mailbox = &mut self.in_mailbox;
        self.deferred.retain(|token, frame_at| {
            let flag = in_mailbox.entry(token.clone()).or_default();
            if flag.swap(true, Ordering::AcqRel) {
                return true;
            }
            admitted.push(Admitted { token: token.clone(), frame_at: *frame_at, in_mailbox: flag.clone() });
            false
        });
        admitted
    }

    /// The market behind `token` was started anew: nothing of ours is in its mailbox.
    pub fn reset(&mut self, token: &str) {
        if let Some(flag) = self.in_mailbox.get(token) {
            flag.store(false, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_busy_market_gets_the_latest_book_once_with_the_oldest_stamp() {
        let mut coalescer = Coalescer::default();
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_millis(1);
        let first = coalescer.admit([("A", Some(t1)), ("B", None)]);
        assert_eq!(first.len(), 2);
        let a = first.iter().find(|x| x.token == "A").unwrap().clone();
        assert!(coalescer.admit([("A", Some(t0))]).is_empty(), "A's update is still in its mailbox");
        assert!(coalescer.admit([("A", Some(t1))]).is_empty());
        a.in_mailbox.store(false, Ordering::Release);
        let again = coalescer.admit(std::iter::empty());
        assert_eq!(again.len(), 1);
        assert_eq!((again[0].token.as_str(), again[0].frame_at), ("A", Some(t0)));
        assert!(coalescer.admit(std::iter::empty()).is_empty(), "nothing left over");
        coalescer.reset("B");
        assert_eq!(coalescer.admit([("B", None)]).len(), 1, "a restarted market takes updates again");
    }
}
