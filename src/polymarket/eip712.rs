//! EIP-712 hashing for the two structs polymm signs: CLOB V2 `Order` and L1 `ClobAuth`.
//!
//! Everything is fixed-width ABI encoding into 32-byte words and keccak-256; there is no
//! generic typed-data engine because the two structs never change shape. The digest of an
//! order is also its id on the venue. Signing the digest is [`super::signer`]'s job.

pub use crate::crypto::{keccak256, keccak256_parts};
use crate::domain::{Address, Bytes32, TokenId};

/// The V2/V3 order struct, field order as signed.
pub const ORDER_TYPE: &str = "Order(uint256 salt,address maker,address signer,uint256 tokenId,\
uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,\
bytes32 metadata,bytes32 builder)";
/// The domain type of exchange orders (with a verifying contract).
pub const EXCHANGE_DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
/// The domain name of every CTF exchange.
pub const EXCHANGE_DOMAIN_NAME: &str = "Polymarket CTF Exchange";
/// The L1 auth struct.
pub const CLOB_AUTH_TYPE: &str = "ClobAuth(address address,string timestamp,uint256 nonce,string message)";
/// The L1 auth domain type (no verifying contract).
pub const CLOB_AUTH_DOMAIN_TYPE: &str = "EIP712Domain(string name,string version,uint256 chainId)";
/// The message an L1 signature attests.
pub const CLOB_AUTH_MESSAGE: &str = "This message attests that I control the given wallet";

/// The EIP-712 digest `keccak(0x1901 ‖ domain ‖ struct)`.
pub fn typed_digest(domain_separator: &[u8; 32], struct_hash: &[u8; 32]) -> [u8; 32] {
    keccak256_parts(&[&[0x19, 0x01], domain_separator, struct_hash])
}

/// A uint256 word holding `value`.
pub fn word_u128(value: u128) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[16..].copy_from_slice(&value.to_be_bytes());
    word
}

/// An address word (left-padded).
pub fn word_address(address: &Address) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(address.as_bytes());
    word
}

/// Separator of an exchange domain: name, version, chain id, verifying contract.
pub fn exchange_domain_separator(version: &str, chain_id: u64, contract: &Address) -> [u8; 32] {
    keccak256_parts(&[
        &keccak256(EXCHANGE_DOMAIN_TYPE.as_bytes()),
        &keccak256(EXCHANGE_DOMAIN_NAME.as_bytes()),
        &keccak256(version.as_bytes()),
        &word_u128(u128::from(chain_id)),
        &word_address(contract),
    ])
}

/// The eleven signed fields of a V2/V3 order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderStruct {
    /// Entropy making equal orders distinct.
    pub salt: u64,
    /// The funder: the address whose funds trade.
    pub maker: Address,
    /// The address whose key signs (the deposit wallet itself for POLY_1271).
    pub signer: Address,
    /// The outcome token (or V3 position id).
    pub token_id: TokenId,
    /// What the maker gives, 6-decimal base units.
    pub maker_amount: u128,
    /// What the maker receives, 6-decimal base units.
    pub taker_amount: u128,
    /// 0 = BUY, 1 = SELL.
    pub side: u8,
    /// 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271.
    pub signature_type: u8,
    /// Creation time, milliseconds.
    pub timestamp_ms: u64,
    /// Free 32 bytes, signed.
    pub metadata: Bytes32,
    /// Builder code, signed.
    pub builder: Bytes32,
}

impl OrderStruct {
    /// `hashStruct(order)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        keccak256_parts(&[
            &order_typehash(),
            &word_u128(u128::from(self.salt)),
            &word_address(&self.maker),
            &word_address(&self.signer),
            &self.token_id.to_be_bytes(),
            &word_u128(self.maker_amount),
            &word_u128(self.taker_amount),
            &word_u128(u128::from(self.side)),
            &word_u128(u128::from(self.signature_type)),
            &word_u128(u128::from(self.timestamp_ms)),
            self.metadata.as_bytes(),
            self.builder.as_bytes(),
        ])
    }
}

/// `keccak(ORDER_TYPE)`, computed once.
pub fn order_typehash() -> [u8; 32] {
    static TYPEHASH: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    *TYPEHASH.get_or_init(|| keccak256(ORDER_TYPE.as_bytes()))
}

/// Separator of the L1 auth domain for `chain_id`.
pub fn clob_auth_domain_separator(chain_id: u64) -> [u8; 32] {
    keccak256_parts(&[
        &keccak256(CLOB_AUTH_DOMAIN_TYPE.as_bytes()),
        &keccak256(b"ClobAuthDomain"),
        &keccak256(b"1"),
        &word_u128(u128::from(chain_id)),
    ])
}

/// `hashStruct(ClobAuth)`; `timestamp` is signed as a decimal string.
pub fn clob_auth_struct_hash(address: &Address, timestamp: u64, nonce: u64) -> [u8; 32] {
    keccak256_parts(&[
        &keccak256(CLOB_AUTH_TYPE.as_bytes()),
        &word_address(address),
        &keccak256(timestamp.to_string().as_bytes()),
        &word_u128(u128::from(nonce)),
        &keccak256(CLOB_AUTH_MESSAGE.as_bytes()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex32(bytes: [u8; 32]) -> String {
        format!("0x{}", hex::encode(bytes))
    }

    #[test]
    fn typehashes_match_the_reference() {
        assert_eq!(
            hex32(order_typehash()),
            "0xbb86318a2138f5fa8ae32fbe8e659f8fcf13cc6ae4014a707893055433818589"
        );
        assert_eq!(
            hex32(keccak256(CLOB_AUTH_TYPE.as_bytes())),
            "0x52578c5c725a28a84fedc8c22aa47947822942f35b4dc350db028e45320e035c"
        );
    }

    #[test]
    fn domain_separators_match_the_reference() {
        let exchange: Address = "0xE111180000d2663C0091e4f400237545B87B996B".parse().unwrap();
        assert_eq!(
            hex32(exchange_domain_separator("2", 137, &exchange)),
            "0x3264e159346253e26a64e00b69032db0e7d32f94628de3e6eecb50304d7af3d2"
        );
        assert_eq!(
            hex32(clob_auth_domain_separator(137)),
            "0xcfc66be2a3b30464cb3b588324101f660c9a205fa76e8e5f83ee16a528e1c4cb"
        );
        assert_eq!(
            hex32(clob_auth_domain_separator(80002)),
            "0xa1df8f4e3112eaee2448fbec9ab79f68278407e49d9cf52e3dd3d9692fcac9b6"
        );
    }
}
