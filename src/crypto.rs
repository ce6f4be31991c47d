//! Keccak-256, the one hash both the domain (EIP-55 checksums) and the venue protocol
//! (EIP-712 digests) need. Signing lives in `polymarket::signer`.

use tiny_keccak::{Hasher, Keccak};

/// Keccak-256 of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    keccak256_parts(&[data])
}

/// Keccak-256 of several slices, as if concatenated.
pub fn keccak256_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Keccak::v256();
    for part in parts {
        hasher.update(part);
    }
    let mut out = [0u8; 32];
    hasher.finalize(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keccak_of_empty_input_is_the_known_constant() {
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert_eq!(keccak256_parts(&[b"ab", b"c"]), keccak256(b"abc"));
    }
}
