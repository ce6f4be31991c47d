//! The ledger: what the daemon must not forget about money. Fills go to the SQLite store
//! (each once) and, when new, to the JSON trade log (`trades.jsonl`, one object per line,
//! appended and flushed per fill), the store noting each one logged; a fill the store has
//! but never saw logged (the daemon stopped in between) is logged at the next start. The
//! day's P&L and the kill switch's state go to the store.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Store, StoreError, StoredFill};
use crate::clock::Millis;
use crate::domain::ConditionId;
use crate::domain::OwnFill;
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
    order_id: &'a str,
    market: &'a str,
    asset: &'a str,
    side: &'a str,
    price: Decimal,
    size: Decimal,
    maker: bool,
    undone: bool,
}

impl<'a> TradeLine<'a> {
    fn of(fill: &'a StoredFill, undone: bool) -> Self {
        Self {
            at: Millis(fill.at_ms).iso8601(),
            trade_id: &fill.trade_id,
            order_id: &fill.order_id,
            market: &fill.market,
            asset: &fill.asset,
            side: &fill.side,
            price: fill.price,
            size: fill.size,
            maker: fill.maker,
            undone,
        }
    }
}

/// How much of the trade log's end is searched when repairing it.
const REPAIR_TAIL: u64 = 4 << 20;

/// The (trade, order) keys in the last [`REPAIR_TAIL`] bytes of the trade log.
fn logged_tail(path: &Path) -> std::io::Result<std::collections::HashSet<(String, String)>> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let length = file.metadata()?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(REPAIR_TAIL)))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    Ok(String::from_utf8_lossy(&tail)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line.get("undone").and_then(serde_json::Value::as_bool) != Some(true))
        .filter_map(|line| {
            let field = |name: &str| line.get(name).and_then(serde_json::Value::as_str).map(str::to_owned);
            Some((field("trade_id")?, field("order_id")?))
        })
        .collect())
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
        let mut ledger = Self { store, trade_log: Some(trade_log) };
        ledger.repair_log(dir)?;
        Ok(ledger)
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
                maker: fill.maker,
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
            if self.log_line(&TradeLine::of(&stored, undone)) && !undone {
                self.store.mark_logged(&stored.trade_id, &stored.order_id)?;
            }
        }
        Ok(cash)
    }

    /// Writes one line; whether it was written.
    fn log_line(&mut self, line: &TradeLine<'_>) -> bool {
        let Some(file) = self.trade_log.as_mut() else { return false };
        let written = serde_json::to_string(line)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(file, "{json}").and_then(|()| file.flush()));
        if let Err(error) = &written {
            tracing::error!(%error, "trade log write failed");
        }
        written.is_ok()
    }

    /// Writes the lines of fills the store has but the log may lack: a daemon stopped
    /// (kill -9, power loss) between recording a fill and logging it. Only the log's last
    /// [`REPAIR_TAIL`] bytes are searched: such fills are the last ones it saw.
    fn repair_log(&mut self, dir: &Path) -> Result<(), StoreError> {
        let unlogged = self.store.unlogged()?;
        if unlogged.is_empty() {
            return Ok(());
        }
        let logged = logged_tail(&dir.join(TRADE_LOG)).map_err(|e| io_error("trade log", &e))?;
        let mut added = 0;
        for fill in &unlogged {
            let key = (fill.trade_id.clone(), fill.order_id.clone());
            if !logged.contains(&key) {
                if !self.log_line(&TradeLine::of(fill, false)) {
                    continue;
                }
                added += 1;
            }
            self.store.mark_logged(&fill.trade_id, &fill.order_id)?;
        }
        if added > 0 {
            tracing::warn!(
                added,
                "trade log: fills recorded by a daemon that stopped before logging them were added"
            );
        }
        Ok(())
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

    #[test]
    fn a_fill_recorded_but_never_logged_is_logged_once_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let stored = StoredFill {
            trade_id: "t7".into(),
            order_id: "0xab".into(),
            market: "0x01".into(),
            asset: "7".into(),
            side: "BUY".into(),
            price: dec!(0.48),
            size: dec!(10),
            fee: dec!(0),
            at_ms: 1_700_000_000_000,
            maker: true,
        };
        {
            let ledger = Ledger::open(dir.path()).unwrap();
            assert!(ledger.store().record_fill(&stored).unwrap(), "stored, then the daemon dies unlogged");
        }
        for _ in 0..2 {
            drop(Ledger::open(dir.path()).unwrap());
            let log = std::fs::read_to_string(dir.path().join(TRADE_LOG)).unwrap();
            assert_eq!(log.lines().filter(|l| l.contains("\"t7\"")).count(), 1, "{log}");
        }
    }
}
