//! Identifiers: token ids, condition ids, order ids, EVM addresses and 32-byte words.
//!
//! Each is validated on construction and on deserialisation, so a value of these types is
//! always well-formed. Token ids are uint256 values the venue writes as decimal strings; we
//! keep both the text (for the wire) and the 32 big-endian bytes (for signing and hashing).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use super::error::DomainError;
use crate::crypto::keccak256;

/// An outcome token's ERC-1155 position id (uint256).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId {
    bytes: [u8; 32],
    text: Arc<str>,
}

impl TokenId {
    /// The 32 big-endian bytes, as ABI-encoded.
    pub fn to_be_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// The decimal text, as the venue writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The token whose uint256 value has these 32 big-endian bytes.
    pub fn from_be_bytes(bytes: [u8; 32]) -> Self {
        Self { bytes, text: Arc::from(u256_be_to_decimal(bytes)) }
    }
}

/// Decimal digits of a big-endian uint256.
fn u256_be_to_decimal(mut bytes: [u8; 32]) -> String {
    let mut digits = Vec::with_capacity(78);
    while bytes.iter().any(|b| *b != 0) {
        let mut remainder = 0u32;
        for byte in bytes.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = (value / 10) as u8;
            remainder = value % 10;
        }
        digits.push(b'0' + remainder as u8);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    digits.into_iter().map(char::from).collect()
}

impl FromStr for TokenId {
    type Err = DomainError;

    /// Parses a decimal uint256 without sign, spaces or leading zeros.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why| DomainError::BadId { what: "token id", text: text.to_owned(), why };
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("expected a decimal integer"));
        }
        if text.len() > 1 && text.starts_with('0') {
            return Err(bad("leading zeros are not canonical"));
        }
        let bytes = decimal_to_u256_be(text).ok_or_else(|| bad("larger than uint256"))?;
        Ok(Self { bytes, text: Arc::from(text) })
    }
}

/// Big-endian 32 bytes of a decimal string of digits; `None` on overflow.
fn decimal_to_u256_be(digits: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    for digit in digits.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let value = u32::from(*byte) * 10 + carry;
            *byte = (value & 0xff) as u8;
            carry = value >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(out)
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenId({})", self.text)
    }
}

/// A fixed-size byte string written as `0x` + lowercase hex on the wire.
macro_rules! hex_id {
    ($name:ident, $len:expr, $what:expr, $doc:expr) => {
        #[doc = $doc]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name([u8; $len]);

        impl $name {
            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// From raw bytes.
            pub fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }
        }

        impl FromStr for $name {
            type Err = DomainError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                parse_hex::<$len>(text).map(Self).ok_or_else(|| DomainError::BadId {
                    what: $what,
                    text: text.to_owned(),
                    why: concat!("expected 0x and ", stringify!($len), " hex bytes"),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self)
            }
        }
    };
}

hex_id!(ConditionId, 32, "condition id", "A CTF condition id: the venue's market identifier (bytes32).");
hex_id!(OrderId, 32, "order id", "An order's id: the EIP-712 hash of the signed order (bytes32).");
hex_id!(Bytes32, 32, "bytes32", "A 32-byte word such as an order's `metadata` or `builder` code.");

/// Parses `0x` + exactly `2 * N` hex digits (either case).
fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))?;
    let mut out = [0u8; N];
    hex::decode_to_slice(digits, &mut out).ok()?;
    Some(out)
}

/// A 20-byte EVM address, displayed with its EIP-55 checksum.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Address([u8; 20]);

impl Address {
    /// The zero address.
    pub const ZERO: Address = Address([0; 20]);

    /// From raw bytes.
    pub const fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// From `0x` + 40 hex digits at compile time, for address constants; a malformed
    /// literal fails the build (this is only ever evaluated in `const` items).
    pub const fn from_hex_literal(text: &str) -> Self {
        let digits = text.as_bytes();
        assert!(digits.len() == 42 && digits[0] == b'0' && digits[1] == b'x', "address literal");
        let mut bytes = [0u8; 20];
        let mut i = 0;
        while i < 20 {
            bytes[i] = hex_value(digits[2 + 2 * i]) << 4 | hex_value(digits[3 + 2 * i]);
            i += 1;
        }
        Self(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The EIP-55 mixed-case form, `0x…`.
    pub fn checksummed(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, ch) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            out.push(if nibble >= 8 { ch.to_ascii_uppercase() } else { ch });
        }
        out
    }
}

/// The value of one hex digit, for [`Address::from_hex_literal`].
const fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => panic!("hex digit in address literal"),
    }
}

impl FromStr for Address {
    type Err = DomainError;

    /// Parses `0x` + 40 hex digits. Mixed case must carry a valid EIP-55 checksum.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why| DomainError::BadId { what: "address", text: text.to_owned(), why };
        let bytes = parse_hex::<20>(text).ok_or_else(|| bad("expected 0x and 40 hex digits"))?;
        let address = Self(bytes);
        let digits = &text[2..];
        let one_case = digits == digits.to_ascii_lowercase() || digits == digits.to_ascii_uppercase();
        if !one_case && address.checksummed()[2..] != *digits {
            return Err(bad("mixed-case address with a wrong EIP-55 checksum"));
        }
        Ok(address)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.checksummed())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.checksummed())
    }
}

serde_via_str!(TokenId, ConditionId, OrderId, Bytes32, Address);

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "71321045679252212594626385532706912750332728571942532289631379312455583992563";

    #[test]
    fn token_id_encodes_uint256_big_endian() {
        let token: TokenId = TOKEN.parse().unwrap();
        assert_eq!(
            hex::encode(token.to_be_bytes()),
            "9dae480511c4c0cb5d6c7937924c1db5be221e758b7135fec2a1977a1c130af3"
        );
        let one: TokenId = "1".parse().unwrap();
        assert_eq!(one.to_be_bytes()[31], 1);
        let big: TokenId = "256".parse().unwrap();
        assert_eq!(&big.to_be_bytes()[30..], &[1, 0]);
        assert_eq!(token.as_str(), TOKEN);
        assert_eq!(TokenId::from_be_bytes(token.to_be_bytes()), token);
        assert_eq!(TokenId::from_be_bytes([0; 32]).as_str(), "0");
    }

    #[test]
    fn token_id_refuses_bad_text() {
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert!(max.parse::<TokenId>().is_ok());
        let over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert!(over.parse::<TokenId>().is_err());
        for bad in ["", "-1", "12a", "007", " 1"] {
            assert!(bad.parse::<TokenId>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn address_checksum_round_trips_and_is_verified() {
        let text = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
        let address: Address = text.parse().unwrap();
        assert_eq!(address.to_string(), text);
        assert_eq!(text.to_lowercase().parse::<Address>().unwrap(), address);
        assert!("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse::<Address>().is_err());
        assert!("0x1234".parse::<Address>().is_err());
    }

    #[test]
    fn hex_ids_need_the_full_width() {
        let id = "0x2d6d9a4a5b3f1e0c8b7a69584736251403f2e1d0c9b8a7968574635241302f1e";
        assert_eq!(id.parse::<OrderId>().unwrap().to_string(), id);
        assert!("0x2d6d".parse::<OrderId>().is_err());
        assert!(id.trim_start_matches("0x").parse::<ConditionId>().is_err());
    }
}
