//! Chains, exchange contracts and signature types: which EIP-712 domain an order is
//! signed under and who appears as its maker and signer.
//!
//! Addresses are those of CLOB V2 (API.md §6.1). V1 contracts are not listed: production
//! refuses V1 orders, so polymm cannot sign them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::PolymarketError;
use crate::domain::Address;

/// CTF Exchange V2 (same address on both chains).
pub const EXCHANGE_V2: Address = Address::from_hex_literal("0xE111180000d2663C0091e4f400237545B87B996B");
/// Neg-risk CTF Exchange V2 (same address on both chains).
pub const NEG_RISK_EXCHANGE_V2: Address =
    Address::from_hex_literal("0xe2222d279d744050d28e00520010520000310F59");
/// Exchange V3 on Polygon.
pub const EXCHANGE_V3_POLYGON: Address =
    Address::from_hex_literal("0xe3333700cA9d93003F00f0F71f8515005F6c00Aa");
/// Exchange V3 on Amoy.
pub const EXCHANGE_V3_AMOY: Address = Address::from_hex_literal("0x9fE6e61422AdB6F610d8597F9684b16912D50C3D");
/// pUSD, the V2 collateral token.
pub const PUSD: Address = Address::from_hex_literal("0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB");

/// A chain the venue settles on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub enum Chain {
    /// Polygon mainnet, 137.
    Polygon,
    /// Polygon Amoy testnet, 80002.
    Amoy,
}

impl Chain {
    /// The EIP-155 chain id.
    pub fn id(self) -> u64 {
        match self {
            Self::Polygon => 137,
            Self::Amoy => 80002,
        }
    }
}

impl TryFrom<u64> for Chain {
    type Error = PolymarketError;

    fn try_from(id: u64) -> Result<Self, Self::Error> {
        match id {
            137 => Ok(Self::Polygon),
            80002 => Ok(Self::Amoy),
            _ => Err(PolymarketError::UnknownChain(id)),
        }
    }
}

impl From<Chain> for u64 {
    fn from(chain: Chain) -> u64 {
        chain.id()
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id())
    }
}

/// Which exchange generation a market trades on (its EIP-712 domain version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ExchangeVersion {
    /// CTF Exchange V2, domain version "2": ordinary CLOB V2 markets.
    V2,
    /// Exchange V3, domain version "3": Gamma markets whose `version` is "v2".
    V3,
}

impl ExchangeVersion {
    /// The EIP-712 domain version string.
    pub fn domain_version(self) -> &'static str {
        match self {
            Self::V2 => "2",
            Self::V3 => "3",
        }
    }

    /// From the domain version number (2 or 3).
    pub fn from_number(number: u8) -> Result<Self, PolymarketError> {
        match number {
            2 => Ok(Self::V2),
            3 => Ok(Self::V3),
            _ => Err(PolymarketError::UnsupportedExchangeVersion(number)),
        }
    }
}

/// The exchange contract an order for a market is signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExchangeTarget {
    /// Exchange generation.
    pub version: ExchangeVersion,
    /// Whether the market is part of a neg-risk (multi-outcome) event.
    pub neg_risk: bool,
}

impl ExchangeTarget {
    /// An ordinary V2 market.
    pub const V2: Self = Self { version: ExchangeVersion::V2, neg_risk: false };
    /// A neg-risk V2 market.
    pub const V2_NEG_RISK: Self = Self { version: ExchangeVersion::V2, neg_risk: true };

    /// The verifying contract on `chain`; fails for neg-risk V3 (no such contract is known).
    pub fn contract(self, chain: Chain) -> Result<Address, PolymarketError> {
        match (self.version, self.neg_risk, chain) {
            (ExchangeVersion::V2, false, _) => Ok(EXCHANGE_V2),
            (ExchangeVersion::V2, true, _) => Ok(NEG_RISK_EXCHANGE_V2),
            (ExchangeVersion::V3, false, Chain::Polygon) => Ok(EXCHANGE_V3_POLYGON),
            (ExchangeVersion::V3, false, Chain::Amoy) => Ok(EXCHANGE_V3_AMOY),
            (ExchangeVersion::V3, true, _) => Err(PolymarketError::NoNegRiskV3),
        }
    }
}

/// How the venue verifies an order's signature, and so who is maker and signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum SignatureType {
    /// 0: the EOA trades its own funds; maker = signer = EOA.
    Eoa,
    /// 1: a Polymarket proxy wallet (email/Magic accounts); maker = proxy, signer = EOA.
    PolyProxy,
    /// 2: a Gnosis Safe (browser-wallet accounts); maker = Safe, signer = EOA.
    PolyGnosisSafe,
    /// 3: an ERC-1271 deposit wallet; maker = signer = wallet, ERC-7739 wrapped signature.
    Poly1271,
}

impl SignatureType {
    /// The number in the signed struct.
    pub fn as_u8(self) -> u8 {
        match self {
            Self::Eoa => 0,
            Self::PolyProxy => 1,
            Self::PolyGnosisSafe => 2,
            Self::Poly1271 => 3,
        }
    }
}

impl TryFrom<u8> for SignatureType {
    type Error = PolymarketError;

    fn try_from(number: u8) -> Result<Self, Self::Error> {
        match number {
            0 => Ok(Self::Eoa),
            1 => Ok(Self::PolyProxy),
            2 => Ok(Self::PolyGnosisSafe),
            3 => Ok(Self::Poly1271),
            _ => Err(PolymarketError::UnknownSignatureType(number.to_string())),
        }
    }
}

impl From<SignatureType> for u8 {
    fn from(kind: SignatureType) -> u8 {
        kind.as_u8()
    }
}

impl std::fmt::Display for SignatureType {
    /// The name the configuration takes (`EOA`, `POLY_PROXY`, …).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Eoa => "EOA",
            Self::PolyProxy => "POLY_PROXY",
            Self::PolyGnosisSafe => "POLY_GNOSIS_SAFE",
            Self::Poly1271 => "POLY_1271",
        })
    }
}

impl FromStr for SignatureType {
    type Err = PolymarketError;

    /// Accepts the number (`0`–`3`) or the name (`EOA`, `POLY_PROXY`, `POLY_GNOSIS_SAFE`, `POLY_1271`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_uppercase().as_str() {
            "0" | "EOA" => Ok(Self::Eoa),
            "1" | "POLY_PROXY" => Ok(Self::PolyProxy),
            "2" | "POLY_GNOSIS_SAFE" => Ok(Self::PolyGnosisSafe),
            "3" | "POLY_1271" => Ok(Self::Poly1271),
            _ => Err(PolymarketError::UnknownSignatureType(text.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contracts_per_target_and_chain() {
        assert_eq!(ExchangeTarget::V2.contract(Chain::Amoy).unwrap(), EXCHANGE_V2);
        assert_eq!(ExchangeTarget::V2_NEG_RISK.contract(Chain::Polygon).unwrap(), NEG_RISK_EXCHANGE_V2);
        let v3 = ExchangeTarget { version: ExchangeVersion::V3, neg_risk: false };
        assert_eq!(v3.contract(Chain::Amoy).unwrap(), EXCHANGE_V3_AMOY);
        assert!(ExchangeTarget { neg_risk: true, ..v3 }.contract(Chain::Polygon).is_err());
        assert_eq!(EXCHANGE_V2.to_string(), "0xE111180000d2663C0091e4f400237545B87B996B");
    }

    #[test]
    fn chains_and_signature_types_parse() {
        assert_eq!(Chain::try_from(80002).unwrap(), Chain::Amoy);
        assert!(Chain::try_from(1).is_err());
        assert_eq!("poly_gnosis_safe".parse::<SignatureType>().unwrap(), SignatureType::PolyGnosisSafe);
        assert_eq!("3".parse::<SignatureType>().unwrap().as_u8(), 3);
        assert!("4".parse::<SignatureType>().is_err());
    }
}
