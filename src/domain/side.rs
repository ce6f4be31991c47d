//! Small enumerations of the trading vocabulary: side, outcome, order type.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::DomainError;

/// Which way an order trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Side {
    /// Buy outcome shares with collateral (a bid).
    Buy,
    /// Sell outcome shares for collateral (an ask).
    Sell,
}

impl Side {
    /// The other side.
    pub fn opposite(self) -> Self {
        match self {
            Self::Buy => Self::Sell,
            Self::Sell => Self::Buy,
        }
    }

    /// The wire spelling, `BUY` or `SELL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buy => "BUY",
            Self::Sell => "SELL",
        }
    }

    /// The value in the signed order struct: 0 for BUY, 1 for SELL.
    pub fn as_u8(self) -> u8 {
        match self {
            Self::Buy => 0,
            Self::Sell => 1,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Side {
    type Err = DomainError;

    /// Accepts `BUY`/`SELL` in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_uppercase().as_str() {
            "BUY" => Ok(Self::Buy),
            "SELL" => Ok(Self::Sell),
            _ => Err(DomainError::UnknownVariant {
                what: "side",
                text: text.to_owned(),
                expected: "BUY, SELL",
            }),
        }
    }
}

/// The outcome a token pays out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    /// The YES token.
    Yes,
    /// The NO token.
    No,
}

impl Outcome {
    /// The complementary outcome.
    pub fn complement(self) -> Self {
        match self {
            Self::Yes => Self::No,
            Self::No => Self::Yes,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Yes => "Yes",
            Self::No => "No",
        })
    }
}

/// Time in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum OrderType {
    /// Good till cancelled.
    Gtc,
    /// Good till a date (`expiration`, seconds).
    Gtd,
    /// Fill or kill: all at once or nothing.
    Fok,
    /// Fill and kill: what can fill now, the rest cancelled.
    Fak,
}

impl OrderType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gtc => "GTC",
            Self::Gtd => "GTD",
            Self::Fok => "FOK",
            Self::Fak => "FAK",
        }
    }

    /// Whether the order may rest on the book (and so may be post-only).
    pub fn rests(self) -> bool {
        matches!(self, Self::Gtc | Self::Gtd)
    }
}

impl fmt::Display for OrderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderType {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_uppercase().as_str() {
            "GTC" => Ok(Self::Gtc),
            "GTD" => Ok(Self::Gtd),
            "FOK" => Ok(Self::Fok),
            "FAK" => Ok(Self::Fak),
            _ => Err(DomainError::UnknownVariant {
                what: "order type",
                text: text.to_owned(),
                expected: "GTC, GTD, FOK, FAK",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for side in [Side::Buy, Side::Sell] {
            assert_eq!(side.as_str().parse::<Side>().unwrap(), side);
            assert_eq!(side.opposite().opposite(), side);
        }
        assert_eq!("sell".parse::<Side>().unwrap().as_u8(), 1);
        for kind in [OrderType::Gtc, OrderType::Gtd, OrderType::Fok, OrderType::Fak] {
            assert_eq!(kind.as_str().parse::<OrderType>().unwrap(), kind);
        }
        assert!("IOC".parse::<OrderType>().is_err());
        assert!(OrderType::Gtd.rests() && !OrderType::Fak.rests());
        assert_eq!(Outcome::Yes.complement(), Outcome::No);
    }
}
