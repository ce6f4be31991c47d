//! The daemon's durable state in SQLite: our fills (each once), the day's P&L and the kill
//! switch's state, so a restart knows what happened before it. Open orders are not kept:
//! the venue is their truth, read back at every start. Decimals are stored as text; writes
//! are small and synchronous (WAL mode).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

use crate::error::{HasSeverity, Severity};
use crate::killswitch::SwitchState;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The state directory was used before but its store lost the kill switch's state
    /// (replaced, emptied, or copied without its write-ahead log).
    #[error("store: {0}")]
    StateLost(String),
    /// A stored value does not parse.
    #[error("store: corrupt value in {table}: {why}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// What is wrong.
        why: String,
    },
}

impl HasSeverity for StoreError {
    fn severity(&self) -> Severity {
        Severity::Halt
    }
}

/// One of our fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFill {
    /// Trade id.
    pub trade_id: String,
    /// Our order.
    pub order_id: String,
    /// Condition id.
    pub market: String,
    /// Token id.
    pub asset: String,
    /// BUY or SELL.
    pub side: String,
    /// Price.
    pub price: Decimal,
    /// Size.
    pub size: Decimal,
    /// Fee paid.
    pub fee: Decimal,
    /// Fill time, unix ms.
    pub at_ms: u64,
    /// Our order was the maker.
    pub maker: bool,
}

/// The store.
pub struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS fills (
    trade_id TEXT NOT NULL, order_id TEXT NOT NULL, market TEXT NOT NULL, asset TEXT NOT NULL,
    side TEXT NOT NULL, price TEXT NOT NULL, size TEXT NOT NULL, fee TEXT NOT NULL, at_ms INTEGER NOT NULL,
    maker INTEGER NOT NULL DEFAULT 1, logged INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (trade_id, order_id));
CREATE TABLE IF NOT EXISTS daily_pnl (day TEXT PRIMARY KEY, pnl TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kill_switch (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
";

fn decimal(table: &'static str, text: &str) -> Result<Decimal, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt { table, why: format!("{text:?} is not a decimal") })
}

impl Store {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::init(conn)
    }

    /// A store that lives in memory (tests, paper runs without a state dir).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.execute_batch(SCHEMA)?;
        let has_logged: bool =
            conn.prepare("SELECT 1 FROM pragma_table_info('fills') WHERE name = 'logged'")?.exists([])?;
        if !has_logged {
            conn.execute_batch(
                "ALTER TABLE fills ADD COLUMN maker INTEGER NOT NULL DEFAULT 1;
                 ALTER TABLE fills ADD COLUMN logged INTEGER NOT NULL DEFAULT 1;",
            )?;
        }
        Ok(Self { conn })
    }

    /// Moves every row from the write-ahead log into the main file and empties the log, so
    /// the file alone (copied, backed up) holds everything: done when the daemon stops.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }

    /// Records a fill; `false` if this (trade, order) was already recorded.
    pub fn record_fill(&self, fill: &StoredFill) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "INSERT OR IGNORE INTO fills (trade_id, order_id, market, asset, side, price, size, fee, at_ms, maker, logged)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)",
            params![
                fill.trade_id,
                fill.order_id,
                fill.market,
                fill.asset,
                fill.side,
                fill.price.to_string(),
                fill.size.to_string(),
                fill.fee.to_string(),
                i64::try_from(fill.at_ms).unwrap_or(i64::MAX),
                fill.maker
            ],
        )?;
        Ok(changed == 1)
    }

    /// Fills of a market, oldest first.
    pub fn fills(&self, market: &str) -> Result<Vec<StoredFill>, StoreError> {
        self.select_fills("WHERE market = ?1", market)
    }

    /// Fills recorded but not yet written to the trade log (a daemon stopped in between).
    pub fn unlogged(&self) -> Result<Vec<StoredFill>, StoreError> {
        self.select_fills("WHERE logged = 0 AND ?1 = ?1", "")
    }

    /// Notes that a fill is in the trade log.
    pub fn mark_logged(&self, trade_id: &str, order_id: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE fills SET logged = 1 WHERE trade_id = ?1 AND order_id = ?2",
            params![trade_id, order_id],
        )?;
        Ok(())
    }

    fn select_fills(&self, filter: &str, value: &str) -> Result<Vec<StoredFill>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT trade_id, order_id, market, asset, side, price, size, fee, at_ms, maker FROM fills
             {filter} ORDER BY at_ms, trade_id"
        ))?;
        let rows = statement.query_map(params![value], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                (r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                (r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?),
                (r.get::<_, i64>(8)?, r.get::<_, bool>(9)?),
            ))
        })?;
        rows.map(|row| {
            let ((trade_id, order_id, market), (asset, side), (price, size, fee), (at, maker)) = row?;
            Ok(StoredFill {
                trade_id,
                order_id,
                market,
                asset,
                side,
                price: decimal("fills", &price)?,
                size: decimal("fills", &size)?,
                fee: decimal("fills", &fee)?,
                at_ms: u64::try_from(at).unwrap_or(0),
                maker,
            })
        })
        .collect()
    }

    /// Adds `delta` to the P&L of `day` (`YYYY-MM-DD`, UTC); returns the new total.
    pub fn add_daily_pnl(&self, day: &str, delta: Decimal) -> Result<Decimal, StoreError> {
        let total = self.daily_pnl(day)? + delta;
        self.conn.execute(
            "INSERT INTO daily_pnl (day, pnl) VALUES (?1, ?2) ON CONFLICT(day) DO UPDATE SET pnl = ?2",
            params![day, total.to_string()],
        )?;
        Ok(total)
    }

    /// The P&L of `day` (0 if none recorded).
    pub fn daily_pnl(&self, day: &str) -> Result<Decimal, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT pnl FROM daily_pnl WHERE day = ?1", params![day], |r| r.get(0))
            .optional()?;
        text.map_or(Ok(Decimal::ZERO), |t| decimal("daily_pnl", &t))
    }

    /// Saves the kill switch's state.
    pub fn save_switch(&self, state: &SwitchState) -> Result<(), StoreError> {
        let json = serde_json::to_string(state)
            .map_err(|e| StoreError::Corrupt { table: "kill_switch", why: e.to_string() })?;
        self.conn.execute(
            "INSERT INTO kill_switch (id, state) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET state = ?1",
            params![json],
        )?;
        Ok(())
    }

    /// The saved kill-switch state, if any.
    pub fn load_switch(&self) -> Result<Option<SwitchState>, StoreError> {
        let text: Option<String> =
            self.conn.query_row("SELECT state FROM kill_switch WHERE id = 1", [], |r| r.get(0)).optional()?;
        text.map(|t| {
            serde_json::from_str(&t)
                .map_err(|e| StoreError::Corrupt { table: "kill_switch", why: e.to_string() })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::killswitch::{KillSwitch, TripReason};

    fn fill(trade: &str, at_ms: u64) -> StoredFill {
        StoredFill {
            trade_id: trade.into(),
            order_id: "0xab".into(),
            market: "0x01".into(),
            asset: "7".into(),
            side: "BUY".into(),
            price: dec!(0.48),
            size: dec!(10),
            fee: dec!(0),
            at_ms,
            maker: true,
        }
    }

    #[test]
    fn fills_are_recorded_once() {
        let store = Store::in_memory().unwrap();
        assert!(store.record_fill(&fill("t1", 5)).unwrap());
        assert!(!store.record_fill(&fill("t1", 5)).unwrap(), "the same trade again changes nothing");
        assert!(store.record_fill(&fill("t0", 1)).unwrap());
        let fills = store.fills("0x01").unwrap();
        assert_eq!(fills.iter().map(|f| f.trade_id.as_str()).collect::<Vec<_>>(), ["t0", "t1"]);
    }

    #[test]
    fn pnl_and_a_tripped_switch_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        {
            let store = Store::open(&path).unwrap();
            store.add_daily_pnl("2026-11-24", dec!(-12.5)).unwrap();
            assert_eq!(store.add_daily_pnl("2026-11-24", dec!(2.5)).unwrap(), dec!(-10));
            let mut switch = KillSwitch::armed();
            switch.kill(9);
            store.save_switch(switch.state()).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.daily_pnl("2026-11-24").unwrap(), dec!(-10));
        assert_eq!(store.daily_pnl("2026-11-25").unwrap(), dec!(0));
        let restored = KillSwitch::restored(store.load_switch().unwrap().unwrap());
        assert_eq!(restored.state(), &SwitchState::Halted { reason: TripReason::Manual, at_ms: 9 });
    }

    #[test]
    fn after_a_checkpoint_the_main_file_alone_holds_a_tripped_switch() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let store = Store::open(&path).unwrap();
        let mut switch = KillSwitch::armed();
        switch.kill(9);
        store.save_switch(switch.state()).unwrap();
        store.checkpoint().unwrap();
        let copy = dir.path().join("copy.sqlite");
        std::fs::copy(&path, &copy).unwrap();
        drop(store);
        let restored = Store::open(&copy).unwrap().load_switch().unwrap();
        assert!(
            matches!(restored, Some(SwitchState::Tripped { .. })),
            "the copy without its WAL holds the trip: {restored:?}"
        );
    }
}
