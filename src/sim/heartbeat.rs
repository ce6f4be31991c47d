//! The venue's heartbeat dead-man switch: once an account sends a heartbeat, it must send
//! the next (echoing the id it was given) within the window, or all its orders are
//! cancelled and the chain starts over.

use std::collections::HashMap;

use super::venue::AccountId;

/// Why a heartbeat was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeartbeatError {
    /// The id echoed is not the one last issued.
    #[error("Invalid heartbeat id")]
    WrongId,
}

#[derive(Debug, Clone)]
struct Chain {
    id: String,
    deadline_ms: u64,
}

/// Heartbeat chains by account.
#[derive(Debug)]
pub struct Heartbeats {
    window_ms: u64,
    chains: HashMap<AccountId, Chain>,
}

impl Heartbeats {
    /// Chains that expire `window_ms` after each beat.
    pub fn new(window_ms: u64) -> Self {
        Self { window_ms, chains: HashMap::new() }
    }

    /// Records a beat. `previous` must be empty (start or restart a chain) or the id
    /// issued last; `next_id` becomes the id to echo next time.
    pub fn beat(
        &mut self,
        account: AccountId,
        previous: &str,
        next_id: String,
        now_ms: u64,
    ) -> Result<String, HeartbeatError> {
        match self.chains.get(&account) {
            Some(chain) if !previous.is_empty() && chain.id != previous => {
                return Err(HeartbeatError::WrongId);
            }
            None if !previous.is_empty() => return Err(HeartbeatError::WrongId),
            _ => {}
        }
        self.chains.insert(account, Chain { id: next_id.clone(), deadline_ms: now_ms + self.window_ms });
        Ok(next_id)
    }

    /// Whether `account` keeps a chain now.
    pub fn is_chained(&self, account: AccountId) -> bool {
        self.chains.contains_key(&account)
    }

    /// Accounts whose chain lapsed by `now_ms`; their chains are dropped.
    pub fn lapsed(&mut self, now_ms: u64) -> Vec<AccountId> {
        let mut gone: Vec<AccountId> =
            self.chains.iter().filter(|(_, chain)| chain.deadline_ms < now_ms).map(|(id, _)| *id).collect();
        gone.sort_unstable();
        for id in &gone {
            self.chains.remove(id);
        }
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_must_be_echoed_and_kept_alive() {
        let mut beats = Heartbeats::new(10_000);
        let me = AccountId(1);
        let first = beats.beat(me, "", "a".into(), 0).unwrap();
        assert_eq!(beats.beat(me, "zzz", "b".into(), 1_000), Err(HeartbeatError::WrongId));
        beats.beat(me, &first, "b".into(), 5_000).unwrap();
        assert!(beats.lapsed(14_000).is_empty());
        assert_eq!(beats.lapsed(15_001), vec![me]);
        assert_eq!(
            beats.beat(me, "b", "c".into(), 16_000),
            Err(HeartbeatError::WrongId),
            "a lapsed chain restarts empty"
        );
        assert!(beats.beat(me, "", "c".into(), 16_000).is_ok());
    }
}
