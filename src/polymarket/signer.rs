//! The private key and ECDSA: the only module that touches `ethers-signers`.
//!
//! [`KeySigner`] signs 32-byte digests (RFC 6979, or a nonce drawn ahead in a
//! [`Presignature`]; low s, `v` in {27, 28}) and nothing else;
//! [`recover_signer`] does the inverse for the embedded venue. Swapping the signing library
//! means rewriting this file only. The key never appears in `Debug` output or errors.

use std::fmt;
use std::str::FromStr;

use ethers_core::types::{H256, RecoveryMessage, Signature};
use ethers_signers::{LocalWallet, Signer as _};
use thiserror::Error;

use crate::domain::Address;
use crate::error::{HasSeverity, Severity};
use crate::polymarket::presign::Presignature;
use crate::secret::Secret;

/// Failure to load a key, sign, or recover a signature.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignerError {
    /// The private key is not 32 bytes of hex (the key itself is never shown).
    #[error("private key is not a valid secp256k1 key (expected 0x and 64 hex digits)")]
    BadKey,
    /// The signing library failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A signature that is not 65 bytes or does not recover.
    #[error("signature does not recover to an address: {0}")]
    BadSignature(String),
}

impl HasSeverity for SignerError {
    fn severity(&self) -> Severity {
        match self {
            Self::BadKey | Self::Signing(_) => Severity::Halt,
            Self::BadSignature(_) => Severity::Reject,
        }
    }
}

/// An EOA key that signs digests.
#[derive(Clone)]
pub struct KeySigner {
    wallet: LocalWallet,
    address: Address,
}

impl KeySigner {
    /// Loads a hex private key (with or without `0x`).
    pub fn from_secret(key: &Secret) -> Result<Self, SignerError> {
        let text = key.expose().trim();
        let wallet = LocalWallet::from_str(text.strip_prefix("0x").unwrap_or(text))
            .map_err(|_| SignerError::BadKey)?;
        let address = Address::from_bytes(wallet.address().0);
        Ok(Self { wallet, address })
    }

    /// A fresh random key, for the embedded venue's throwaway accounts.
    pub fn random() -> Self {
        let wallet = LocalWallet::new(&mut rand::thread_rng());
        let address = Address::from_bytes(wallet.address().0);
        Self { wallet, address }
    }

    /// The key as `0x` hex, for handing a generated sim key to a client.
    pub fn export_secret(&self) -> Secret {
        Secret::new(format!("0x{}", hex::encode(self.wallet.signer().to_bytes())))
    }

    /// The signer's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a prehashed digest with a nonce computed ahead ([`Presignature`]): the same
    /// kind of signature as [`Self::sign_digest`] in a tenth of the time.
    pub fn sign_digest_presigned(
        &self,
        digest: &[u8; 32],
        presignature: Presignature,
    ) -> Result<[u8; 65], SignerError> {
        match presignature.sign(self.wallet.signer().as_nonzero_scalar(), digest) {
            Some(signature) => Ok(signature),
            None => self.sign_digest(digest),
        }
    }

    /// Signs a prehashed digest: 65 bytes `r ‖ s ‖ v`, `v` in {27, 28}.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Result<[u8; 65], SignerError> {
        let signature = self
            .wallet
            .sign_hash(H256::from(*digest))
            .map_err(|err| SignerError::Signing(err.to_string()))?;
        Ok(<[u8; 65]>::from(signature))
    }
}

impl fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySigner").field("address", &self.address).field("key", &"[redacted]").finish()
    }
}

/// The address whose key produced the 65-byte `signature` over `digest`.
pub fn recover_signer(digest: &[u8; 32], signature: &[u8]) -> Result<Address, SignerError> {
    let parsed = Signature::try_from(signature).map_err(|err| SignerError::BadSignature(err.to_string()))?;
    let address = parsed
        .recover(RecoveryMessage::Hash(H256::from(*digest)))
        .map_err(|err| SignerError::BadSignature(err.to_string()))?;
    Ok(Address::from_bytes(address.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn known_key_has_its_known_address_and_signatures_recover() {
        let signer = KeySigner::from_secret(&Secret::new(KEY)).unwrap();
        assert_eq!(signer.address().to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        let digest = crate::crypto::keccak256(b"polymm");
        let signature = signer.sign_digest(&digest).unwrap();
        assert!(signature[64] == 27 || signature[64] == 28);
        assert_eq!(recover_signer(&digest, &signature).unwrap(), signer.address());
        assert_eq!(signer.sign_digest(&digest).unwrap(), signature, "RFC 6979 is deterministic");
    }

    #[test]
    fn bad_keys_and_signatures_are_clear_errors_without_the_key() {
        let err = KeySigner::from_secret(&Secret::new("0x1234")).unwrap_err();
        assert_eq!(err, SignerError::BadKey);
        assert!(!format!("{err} {err:?}").contains("1234"));
        let signer = KeySigner::from_secret(&Secret::new(KEY)).unwrap();
        assert!(!format!("{signer:?}").contains("ac0974"));
        assert!(recover_signer(&[0; 32], &[1; 10]).is_err());
    }

    #[test]
    fn exported_random_key_loads_back_to_the_same_address() {
        let signer = KeySigner::random();
        let again = KeySigner::from_secret(&signer.export_secret()).unwrap();
        assert_eq!(again.address(), signer.address());
    }
}
