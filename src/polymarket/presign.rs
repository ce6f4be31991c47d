//! ECDSA presignatures: the message-independent half of a secp256k1 signature, computed
//! ahead of time so that signing an order on the hot path is two scalar multiplications.
//!
//! An ECDSA signature over digest `z` with key `d` and nonce `k` is `r = x(k·G) mod n`,
//! `s = k⁻¹·(z + r·d) mod n`. Everything but the last product depends on `k` alone, and
//! `k·G` is nearly all of the cost (≈ 30 µs of the 32 µs a signature takes here). A
//! [`Presignature`] holds `k⁻¹`, `r` and the parity of `k·G`'s `y` for one nonce drawn from
//! the operating system's CSPRNG (ECDSA as first specified, rather than RFC 6979's
//! deterministic nonce). The result is an ordinary low-`s` signature with `v` in {27, 28}
//! that any verifier or `ecrecover` accepts.
//!
//! A presignature must sign exactly one digest: two signatures with one nonce reveal the
//! key. The type is neither `Clone` nor `Copy`, and [`Presignature::sign`] consumes it. Its
//! `Debug` shows nothing of the nonce.

use std::fmt;

use k256::elliptic_curve::PrimeField;
use k256::elliptic_curve::ops::{Invert, MulByGenerator, Reduce};
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::scalar::IsHigh;
use k256::{FieldBytes, NonZeroScalar, ProjectivePoint, Scalar, U256};
use zeroize::Zeroize;

/// The nonce-dependent part of one future signature.
pub struct Presignature {
    k_inverse: Scalar,
    r: Scalar,
    y_is_odd: bool,
}

impl Presignature {
    /// Draws a nonce from the operating system and computes `k⁻¹`, `r` and the parity of
    /// `k·G` (≈ 30 µs). Retries in the cases of probability ~2⁻¹²⁸ that would need a second
    /// recovery bit (`x(k·G) ≥ n`) or give `r = 0`.
    pub fn generate() -> Self {
        loop {
            let mut k = NonZeroScalar::random(&mut rand::rngs::OsRng);
            let point = ProjectivePoint::mul_by_generator(&*k).to_affine();
            let x = point.x();
            let r = <Scalar as Reduce<U256>>::reduce_bytes(&x);
            let k_inverse = *k.invert();
            k.zeroize();
            if bool::from(r.is_zero()) || r.to_repr() != x {
                continue;
            }
            return Self { k_inverse, r, y_is_odd: point.y_is_odd().into() };
        }
    }

    /// The 65-byte `r ‖ s ‖ v` signature of `digest` under the secret scalar `key`, or
    /// `None` in the case of probability ~2⁻²⁵⁶ that `s = 0` (sign another way then).
    pub fn sign(self, key: &NonZeroScalar, digest: &[u8; 32]) -> Option<[u8; 65]> {
        let z = <Scalar as Reduce<U256>>::reduce_bytes(FieldBytes::from_slice(digest));
        let mut s = self.k_inverse * (z + self.r * key.as_ref());
        if bool::from(s.is_zero()) {
            return None;
        }
        let mut y_is_odd = self.y_is_odd;
        if bool::from(s.is_high()) {
            s = -s;
            y_is_odd = !y_is_odd;
        }
        let mut signature = [0u8; 65];
        signature[..32].copy_from_slice(&self.r.to_repr());
        signature[32..64].copy_from_slice(&s.to_repr());
        signature[64] = 27 + u8::from(y_is_odd);
        Some(signature)
    }
}

impl Drop for Presignature {
    fn drop(&mut self) {
        self.k_inverse.zeroize();
    }
}

impl fmt::Debug for Presignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Presignature([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::polymarket::signer::recover_signer;
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    use k256::ecdsa::{Signature, SigningKey, VerifyingKey};

    fn key() -> SigningKey {
        SigningKey::random(&mut rand::rngs::OsRng)
    }

    #[test]
    fn presigned_signatures_verify_recover_and_are_low_s() {
        for round in 0..300u32 {
            let key = key();
            let digest = crate::crypto::keccak256(&round.to_be_bytes());
            let bytes = Presignature::generate().sign(key.as_nonzero_scalar(), &digest).unwrap();
            let signature = Signature::from_slice(&bytes[..64]).unwrap();
            assert!(signature.normalize_s().is_none(), "s is already low");
            VerifyingKey::from(&key).verify_prehash(&digest, &signature).unwrap();
            let address = ethers_core::utils::secret_key_to_address(&key);
            assert_eq!(
                recover_signer(&digest, &bytes).unwrap().as_bytes(),
                &address.0,
                "v recovers the signer"
            );
        }
    }

    #[test]
    fn each_presignature_gives_a_different_signature_of_the_same_digest() {
        let key = key();
        let digest = crate::crypto::keccak256(b"one order");
        let first = Presignature::generate().sign(key.as_nonzero_scalar(), &digest).unwrap();
        let second = Presignature::generate().sign(key.as_nonzero_scalar(), &digest).unwrap();
        assert_ne!(first[..32], second[..32], "fresh nonces");
    }

    #[test]
    fn debug_shows_nothing_of_the_nonce() {
        assert_eq!(format!("{:?}", Presignature::generate()), "Presignature([redacted])");
    }
}
