//! ERC-7739 wrapped signatures for POLY_1271 deposit wallets (signature type 3).
//!
//! The EOA signs a Solady `TypedDataSign` struct that nests the order (the "contents")
//! under the wallet's own `DepositWallet` domain; the venue receives the inner signature
//! followed by what the wallet needs to rebuild the digest: the exchange's domain
//! separator, the order's struct hash, the order type string and its length.

use super::contracts::Chain;
use super::eip712::{ORDER_TYPE, keccak256, keccak256_parts, typed_digest, word_address, word_u128};
use super::error::PolymarketError;
use super::signer::KeySigner;
use crate::domain::Address;

/// Length of a wrapped signature for the V2 order struct (65 + 32 + 32 + 186 + 2).
pub const WRAPPED_LEN: usize = 65 + 32 + 32 + ORDER_TYPE.len() + 2;

/// `TypedDataSign(Order contents,…)` followed by the nested `Order` type.
fn typed_data_sign_type() -> String {
    format!(
        "TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt){ORDER_TYPE}"
    )
}

/// The digest the EOA signs for `wallet`, given the order's domain and struct hash.
pub fn signed_digest(
    chain: Chain,
    app_domain: &[u8; 32],
    contents_hash: &[u8; 32],
    wallet: &Address,
) -> [u8; 32] {
    let struct_hash = keccak256_parts(&[
        &keccak256(typed_data_sign_type().as_bytes()),
        contents_hash,
        &keccak256(b"DepositWallet"),
        &keccak256(b"1"),
        &word_u128(u128::from(chain.id())),
        &word_address(wallet),
        &[0u8; 32],
    ]);
    typed_digest(app_domain, &struct_hash)
}

/// The wrapped signature of an order for `wallet`.
pub fn wrap(
    key: &KeySigner,
    chain: Chain,
    app_domain: &[u8; 32],
    contents_hash: &[u8; 32],
    wallet: &Address,
) -> Result<Vec<u8>, PolymarketError> {
    let inner = key.sign_digest(&signed_digest(chain, app_domain, contents_hash, wallet))?;
    let mut out = Vec::with_capacity(WRAPPED_LEN);
    out.extend_from_slice(&inner);
    out.extend_from_slice(app_domain);
    out.extend_from_slice(contents_hash);
    out.extend_from_slice(ORDER_TYPE.as_bytes());
    let type_len = u16::try_from(ORDER_TYPE.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&type_len.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_length_is_317() {
        assert_eq!(ORDER_TYPE.len(), 186);
        assert_eq!(WRAPPED_LEN, 317);
    }
}
