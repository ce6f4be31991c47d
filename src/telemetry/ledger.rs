//! The ledger: what the daemon must not forget about money. Fills go to the SQLite store
//! (each once) and, when new, to the JSON trade log (`trades.jsonl`, one object per line,
//! appended and flushed per fill); the day's P&L and the kill switch's state go to the store.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Store, StoreError, StoredFill};
use crate::clock::Millis;
use crate::domain::ConditionId;
use crate::feed::user::OwnFill;
use crate::killswitch::SwitchState;

/// The store and the trade log.
#[derive(Debug)]
pub struct Ledger {
    store: Store,
    trade_log: Option<File>,
}

#[derive(Serialize)]
struct TradeLine<'a> {
    at: String,
    trade_id: &'a str,
    order_id: String,
    market: String,
    asset: &'a str,
    side: &'a str,
    price: Decimal,
    size: Decimal,
    maker: bool,
    undone: bool,
}

/// The store's file in the state directory.
const STORE_FILE: &str = "polymm.sqlite";
/// The JSON trade log's file in the state directory.
const TRADE_LOG: &str = "trades.jsonl";

impl Ledger {
    /// The ledger kept in `dir` (`polymm.sqlite` and `trades.jsonl`), created if needed.
    ///
    /// A directory used before (it has a trade log) whose store holds no kill-switch state
    /// is refused: the store was replaced, emptied or copied without its write-ahead log,
    /// and starting armed could undo a halt. A new directory gets an armed switch saved
    /// and checkpointed at once, so from then on the state is always there.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| io_error("state dir", &e))?;
        let used_before = dir.join(TRADE_LOG).exists();
        let store = Store::open(&dir.join(STORE_FILE))?;
        if store.load_switch()?.is_none() {
            if used_before {
                return Err(StoreError::StateLost(format!(
                    "{} holds no kill-switch state, but {} was used before ({TRADE_LOG} exists): the store was \
                     replaced, emptied or copied without its write-ahead log. Restore it, or move the directory \
                     aside to start afresh",
                    dir.join(STORE_FILE).display(),
                    dir.display()
                )));
            }
            store.save_switch(crate::killswitch::KillSwitch::armed().state())?;
            store.checkpoint()?;
        }
        let trade_log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(TRADE_LOG))
            .map_err(|e| io_error("trade log", &e))?;
        Ok(Self { store, trade_log: Some(trade_log) })
    }

    /// A ledger in memory with no trade log (tests).
    pub fn in_memory() -> Result<Self, StoreError> {
        Ok(Self { store: Store::in_memory()?, trade_log: None })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Records our fills in a trade; returns the pUSD they moved (negative when we paid),
    /// counting only fills not recorded before (or, when `undone`, reversing them).
    pub fn record_trade(
        &mut self,
        market: ConditionId,
        trade_id: &str,
        fills: &[OwnFill],
        undone: bool,
        now: Millis,
    ) -> Result<Decimal, StoreError> {
        let mut cash = Decimal::ZERO;
        for fill in fills {
            let stored = StoredFill {
                trade_id: trade_id.to_owned(),
                order_id: fill.order.to_string(),
                market: market.to_string(),
                asset: fill.asset.to_string(),
                side: fill.side.to_string(),
                price: fill.price,
                size: fill.size,
                fee: Decimal::ZERO,
                at_ms: now.0,
            };
            let new = undone || self.store.record_fill(&stored)?;
            if !new {
                continue;
            }
            let signed = fill.price * fill.size * if undone { -Decimal::ONE } else { Decimal::ONE };
            cash += match fill.side {
                crate::domain::Side::Buy => -signed,
                crate::domain::Side::Sell => signed,
            };
            self.log_line(&TradeLine {
                at: now.iso8601(),
                trade_id,
                order_id: stored.order_id.clone(),
                market: stored.market.clone(),
                asset: &stored.asset,
                side: &stored.side,
                price: fill.price,
                size: fill.size,
                maker: fill.maker,
                undone,
            });
        }
        Ok(cash)
    }

    fn log_line(&mut self, line: &TradeLine<'_>) {
        let Some(file) = self.trade_log.as_mut() else { return };
        let written = serde_json::to_string(line)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(file, "{json}").and_then(|()| file.flush()));
        if let Err(error) = written {
            tracing::error!(%error, "trade log write failed");
        }
    }

    /// Adds `delta` to the day's P&L; returns the day's total.
    pub fn add_pnl(&self, day: &str, delta: Decimal) -> Result<Decimal, StoreError> {
        self.store.add_daily_pnl(day, delta)
    }

    /// The day's P&L so far.
    pub fn pnl(&self, day: &str) -> Result<Decimal, StoreError> {
        self.store.daily_pnl(day)
    }

    /// Saves the kill switch's state.
    pub fn save_switch(&self, state: &SwitchState) -> Result<(), StoreError> {
        self.store.save_switch(state)
    }

    /// The saved kill switch state.
    pub fn load_switch(&self) -> Result<Option<SwitchState>, StoreError> {
        self.store.load_switch()
    }
}

fn io_error(what: &'static str, error: &std::io::Error) -> StoreError {
    StoreError::Corrupt { table: what, why: error.to_string() }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::{OrderId, Side, TokenId};

    #[test]
    fn a_fill_is_logged_once_and_moves_cash_once() {
        let dir = std::env::temp_dir().join(format!("polymm-ledger-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut ledger = Ledger::open(&dir).unwrap();
        let fill = OwnFill {
            order: OrderId::from_bytes([1; 32]),
            asset: TokenId::from_be_bytes([2; 32]),
            side: Side::Buy,
            price: dec!(0.48),
            size: dec!(10),
            maker: true,
        };
        let market = ConditionId::from_bytes([3; 32]);
        let now = Millis(1_700_000_000_000);
        assert_eq!(
            ledger.record_trade(market, "t1", std::slice::from_ref(&fill), false, now).unwrap(),
            dec!(-4.8)
        );
        assert_eq!(
            ledger.record_trade(market, "t1", std::slice::from_ref(&fill), false, now).unwrap(),
            dec!(0)
        );
        assert_eq!(ledger.record_trade(market, "t1", &[fill], true, now).unwrap(), dec!(4.8));
        let log = std::fs::read_to_string(dir.join("trades.jsonl")).unwrap();
        let lines: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["trade_id"], "t1");
        assert_eq!(lines[0]["price"], "0.48");
        assert_eq!(lines[0]["at"], "2023-11-14T22:13:20Z");
        assert_eq!(lines[1]["undone"], true);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_used_directory_whose_store_lost_the_switch_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        assert!(
            matches!(ledger.load_switch().unwrap(), Some(SwitchState::Armed)),
            "a new directory starts armed, saved"
        );
        drop(ledger);
        assert!(Ledger::open(dir.path()).is_ok(), "reopened with its state");
        std::fs::write(dir.path().join(STORE_FILE), b"").unwrap();
        for sidecar in ["polymm.sqlite-wal", "polymm.sqlite-shm"] {
            let _ = std::fs::remove_file(dir.path().join(sidecar));
        }
        let refused = Ledger::open(dir.path()).unwrap_err().to_string();
        assert!(
            refused.contains("holds no kill-switch state") && refused.contains("trades.jsonl"),
            "{refused}"
        );
        std::fs::remove_file(dir.path().join(STORE_FILE)).unwrap();
        assert!(Ledger::open(dir.path()).is_err(), "a missing store in a used directory is refused too");
    }
}
