//! Book updates to the markets, newest wins: at most one update per market waits in its
//! mailbox. While one is there, further changes only mark the token dirty; once the market
//! has taken it (clearing the shared flag), the next dispatch sends the then-latest book,
//! stamped with when the first of the deferred frames came in. A slow market so costs one
//! book in memory, not a queue of them. [`Rebroadcast`] re-sends every book once a second,
//! spread over the second a few at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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
    in_mailbox: super::TokenMap<String, Arc<AtomicBool>>,
    deferred: super::TokenMap<String, Option<Instant>>,
}

impl Coalescer {
    /// The tokens to send now out of `changed` (in the order given) and those deferred
    /// earlier (after them); the others wait.
    pub fn admit<'a>(
        &mut self,
        changed: impl IntoIterator<Item = (&'a str, Option<Instant>)>,
    ) -> Vec<Admitted> {
        let mut admitted = Vec::new();
        for (token, frame_at) in changed {
            let stamp = match self.deferred.remove(token) {
                Some(Some(a)) => Some(frame_at.map_or(a, |b| a.min(b))),
                Some(None) | None => frame_at,
            };
            match self.take_mailbox(token) {
                Some(in_mailbox) => {
                    admitted.push(Admitted { token: token.to_owned(), frame_at: stamp, in_mailbox })
                }
                None => {
                    self.deferred.insert(token.to_owned(), stamp);
                }
            }
        }
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

    /// Marks `token`'s mailbox as holding an update, unless it already does; the flag to
    /// hand over when it did not.
    fn take_mailbox(&mut self, token: &str) -> Option<Arc<AtomicBool>> {
        let flag = match self.in_mailbox.get(token) {
            Some(flag) => flag,
            None => self.in_mailbox.entry(token.to_owned()).or_default(),
        };
        (!flag.swap(true, Ordering::AcqRel)).then(|| flag.clone())
    }

    /// The market behind `token` was started anew: nothing of ours is in its mailbox.
    pub fn reset(&mut self, token: &str) {
        if let Some(flag) = self.in_mailbox.get(token) {
            flag.store(false, Ordering::Release);
        }
    }
}

/// Every book is re-sent to its market once a second (a market learns that its book went
/// untrusted, or gets one after a restart, within a second), spread evenly over the second a
/// few at a time: the markets handle a re-sent book like any other, and a frame that comes
/// in meanwhile waits for them, so no step hands over more than [`Rebroadcast::BATCH`].
pub struct Rebroadcast {
    tokens: usize,
    started_ms: u64,
    sent: u128,
}

impl Rebroadcast {
    /// The most books re-sent in one step.
    pub const BATCH: usize = 4;

    /// `tokens` books, the first second counted from `started_ms` (the injected clock).
    pub fn new(tokens: usize, started_ms: u64) -> Self {
        Self { tokens, started_ms, sent: 0 }
    }

    /// Indices of the tokens due by `now`, at most [`Self::BATCH`]; the rest stay due (a
    /// backlog of more than one round is dropped: each book once, not every missed turn).
    pub fn due(&mut self, now_ms: u64) -> impl Iterator<Item = usize> + use<> {
        let owed = self.owed(now_ms);
        let from = self.sent.max(owed.saturating_sub(self.tokens as u128));
        let to = owed.min(from + Self::BATCH as u128);
        self.sent = to;
        let tokens = self.tokens.max(1) as u128;
        (from..to).map(move |n| (n % tokens) as usize)
    }

    /// How long after `now` the next full batch is due (zero if it already is).
    pub fn next_batch_in(&self, now_ms: u64) -> Duration {
        if self.tokens == 0 {
            return Duration::MAX;
        }
        let batch_at_us = (self.sent + Self::BATCH as u128) * 1_000_000 / self.tokens as u128;
        let elapsed_us = u128::from(now_ms.saturating_sub(self.started_ms)) * 1_000;
        Duration::from_micros(u64::try_from(batch_at_us.saturating_sub(elapsed_us)).unwrap_or(u64::MAX))
    }

    fn owed(&self, now_ms: u64) -> u128 {
        u128::from(now_ms.saturating_sub(self.started_ms)) * self.tokens as u128 / 1_000
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

    #[test]
    fn books_are_admitted_in_the_order_given_before_older_deferred_ones() {
        let mut coalescer = Coalescer::default();
        let first = coalescer.admit([("C", None)]);
        assert!(coalescer.admit([("C", None)]).is_empty(), "C waits behind its mailbox");
        first[0].in_mailbox.store(false, Ordering::Release);
        let order: Vec<String> =
            coalescer.admit([("B", None), ("A", None), ("D", None)]).into_iter().map(|a| a.token).collect();
        assert_eq!(order, ["B", "A", "D", "C"]);
    }

    #[test]
    fn every_book_is_resent_once_a_second_a_few_at_a_time() {
        let start = 1_000_000;
        let at = |ms| start + ms;
        let mut rebroadcast = Rebroadcast::new(10, start);
        assert_eq!(rebroadcast.next_batch_in(start), Duration::from_millis(400), "four of ten books: 0.4 s");
        let first: Vec<usize> = rebroadcast.due(at(300)).collect();
        assert_eq!(first, [0, 1, 2], "three tenths of a second: three of ten books");
        let capped: Vec<usize> = rebroadcast.due(at(1_000)).collect();
        assert_eq!(capped, [3, 4, 5, 6], "at most a batch per step");
        assert_eq!(rebroadcast.next_batch_in(at(1_000)), Duration::from_millis(100), "the next full batch");
        let rest: Vec<usize> = rebroadcast.due(at(1_000)).collect();
        assert_eq!(rest, [7, 8, 9]);
        let mut late = Vec::new();
        for _ in 0..5 {
            late.extend(rebroadcast.due(at(5_000)));
        }
        late.sort_unstable();
        assert_eq!(late, (0..10).collect::<Vec<_>>(), "after a stall each book once, not the whole backlog");
        assert_eq!(Rebroadcast::new(0, start).due(at(3_000)).count(), 0);
        assert_eq!(Rebroadcast::new(0, start).next_batch_in(start), Duration::MAX);
    }
}
