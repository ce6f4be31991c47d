//! The end-of-soak audit, pure: the venue's truth (shares, open orders, our trades) set
//! against what the daemon holds (its status, its ledger, its trade log), turned into the
//! figures a soak prints, each of which must be zero.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rust_decimal::Decimal;

/// One of our fills: (trade id, our order id).
pub type FillKey = (String, String);

/// YES and NO shares of one market.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shares {
    /// YES shares.
    pub yes: Decimal,
    /// NO shares.
    pub no: Decimal,
}

/// What the venue says.
#[derive(Debug, Clone, Default)]
pub struct VenueTruth {
    /// Shares per market (condition id).
    pub shares: BTreeMap<String, Shares>,
    /// Our open orders after the daemon stopped.
    pub open_orders_after_stop: usize,
    /// Our fills; `true` when the trade failed (then it must be undone in the log).
    pub fills: BTreeMap<FillKey, bool>,
}

/// What the daemon holds.
#[derive(Debug, Clone, Default)]
pub struct DaemonRecord {
    /// Shares per market, from its status before it stopped.
    pub shares: BTreeMap<String, Shares>,
    /// Fills in its ledger.
    pub ledger: BTreeSet<FillKey>,
    /// Per fill, lines in its trade log (an undo counts −1).
    pub log: BTreeMap<FillKey, i64>,
}

/// The figures of a soak.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Markets whose shares differ: (market, daemon, venue).
    pub share_mismatches: Vec<(String, Shares, Shares)>,
    /// Our open orders after SIGTERM.
    pub open_orders_after_stop: usize,
    /// Venue fills missing from the ledger.
    pub missing_from_ledger: usize,
    /// Ledger fills the venue does not have.
    pub unknown_in_ledger: usize,
    /// Venue fills whose trade-log lines do not net to exactly once (0 for a failed trade).
    pub log_not_once: usize,
    /// Our fills at the venue.
    pub venue_fills: usize,
}

impl Figures {
    /// Compares the daemon's record with the venue's truth.
    pub fn audit(venue: &VenueTruth, daemon: &DaemonRecord) -> Self {
        let markets: BTreeSet<&String> = venue.shares.keys().chain(daemon.shares.keys()).collect();
        let share_mismatches = markets
            .into_iter()
            .filter_map(|market| {
                let ours = daemon.shares.get(market).copied().unwrap_or_default();
                let theirs = venue.shares.get(market).copied().unwrap_or_default();
                (ours != theirs).then(|| (market.clone(), ours, theirs))
            })
            .collect();
        let log_not_once = venue
            .fills
            .iter()
            .filter(|(key, failed)| daemon.log.get(*key).copied().unwrap_or(0) != i64::from(!**failed))
            .count()
            + daemon.log.keys().filter(|key| !venue.fills.contains_key(*key)).count();
        Self {
            share_mismatches,
            open_orders_after_stop: venue.open_orders_after_stop,
            missing_from_ledger: venue.fills.keys().filter(|key| !daemon.ledger.contains(*key)).count(),
            unknown_in_ledger: daemon.ledger.iter().filter(|key| !venue.fills.contains_key(*key)).count(),
            log_not_once,
            venue_fills: venue.fills.len(),
        }
    }

    /// Whether every loss figure is zero.
    pub fn clean(&self) -> bool {
        self.share_mismatches.is_empty()
            && self.open_orders_after_stop == 0
            && self.missing_from_ledger == 0
            && self.unknown_in_ledger == 0
            && self.log_not_once == 0
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  open orders after SIGTERM            {}", self.open_orders_after_stop)?;
        writeln!(f, "  markets whose shares differ          {}", self.share_mismatches.len())?;
        for (market, ours, theirs) in &self.share_mismatches {
            writeln!(
                f,
                "    {market}: daemon YES {} NO {}, venue YES {} NO {}",
                ours.yes, ours.no, theirs.yes, theirs.no
            )?;
        }
        writeln!(f, "  venue fills (trade, our order)       {}", self.venue_fills)?;
        writeln!(f, "  ... missing from the ledger          {}", self.missing_from_ledger)?;
        writeln!(f, "  ledger fills the venue does not know {}", self.unknown_in_ledger)?;
        write!(f, "  fills not in the trade log once      {}", self.log_not_once)
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn key(trade: &str) -> FillKey {
        (trade.to_owned(), "0xo".to_owned())
    }

    #[test]
    fn matching_records_are_clean_and_each_difference_is_counted() {
        let shares = Shares { yes: dec!(5), no: dec!(0) };
        let venue = VenueTruth {
            shares: BTreeMap::from([("m".to_owned(), shares)]),
            open_orders_after_stop: 0,
            fills: BTreeMap::from([(key("t1"), false), (key("t2"), true)]),
        };
        let daemon = DaemonRecord {
            shares: venue.shares.clone(),
            ledger: BTreeSet::from([key("t1"), key("t2")]),
            log: BTreeMap::from([(key("t1"), 1), (key("t2"), 0)]),
        };
        let figures = Figures::audit(&venue, &daemon);
        assert!(figures.clean(), "{figures}");

        let off = DaemonRecord {
            shares: BTreeMap::from([("m".to_owned(), Shares { yes: dec!(10), no: dec!(0) })]),
            ledger: BTreeSet::from([key("t1"), key("t9")]),
            log: BTreeMap::from([(key("t1"), 2), (key("t2"), 0), (key("t9"), 1)]),
        };
        let figures = Figures::audit(&VenueTruth { open_orders_after_stop: 3, ..venue }, &off);
        assert_eq!(figures.share_mismatches.len(), 1);
        assert_eq!(
            (figures.open_orders_after_stop, figures.missing_from_ledger, figures.unknown_in_ledger),
            (3, 1, 1)
        );
        assert_eq!(figures.log_not_once, 2, "t1 twice, t9 unknown");
        assert!(!figures.clean());
        assert!(figures.to_string().contains("daemon YES 10"), "{figures}");
    }
}
