//! The venue side of API authentication: issuing credentials on a valid L1 signature and
//! checking L2 HMAC headers, as Polymarket does.
//!
//! Credentials are derived deterministically from the venue seed, the address and the
//! nonce, so `create` and `derive` agree and a restarted sim with the same seed hands out
//! the same keys. Header lookup is a closure, so this module needs no HTTP types.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;

use crate::crypto::keccak256_parts;
use crate::domain::Address;
use crate::polymarket::auth::{ApiCreds, hmac_signature, l1_digest};
use crate::polymarket::signer::recover_signer;
use crate::secret::Secret;

use super::venue::uuid_text;

/// Why a request was not authenticated. `Display` is the venue's error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// L1 headers missing, malformed, stale or signed by someone else.
    #[error("Invalid L1 Request headers")]
    L1,
    /// L2 headers missing, malformed, stale, or the HMAC does not match.
    #[error("Unauthorized/Invalid api key")]
    L2,
}

/// The credentials of one (address, nonce).
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// The credentials.
    pub creds: ApiCreds,
    /// The signer address they belong to.
    pub address: Address,
}

/// Every API key the venue has issued.
#[derive(Debug)]
pub struct KeyStore {
    seed: u64,
    chain_id: u64,
    window_secs: u64,
    by_key: HashMap<String, IssuedKey>,
}

impl KeyStore {
    /// An empty store; timestamps more than `window_secs` from now are refused.
    pub fn new(seed: u64, chain_id: u64, window_secs: u64) -> Self {
        Self { seed, chain_id, window_secs, by_key: HashMap::new() }
    }

    /// The chain L1 signatures must be made for.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// Checks L1 headers; on success issues (or re-issues) the key of (address, nonce).
    pub fn authenticate_l1<'h>(
        &mut self,
        header: impl Fn(&str) -> Option<&'h str>,
        now_secs: u64,
    ) -> Result<IssuedKey, AuthError> {
        let address: Address = header("POLY_ADDRESS").and_then(|v| v.parse().ok()).ok_or(AuthError::L1)?;
        let timestamp: u64 = header("POLY_TIMESTAMP").and_then(|v| v.parse().ok()).ok_or(AuthError::L1)?;
        let nonce: u64 = header("POLY_NONCE").map_or(Some(0), |v| v.parse().ok()).ok_or(AuthError::L1)?;
        let signature = header("POLY_SIGNATURE").and_then(|v| hex::decode(v.trim_start_matches("0x")).ok());
        let signature = signature.ok_or(AuthError::L1)?;
        if timestamp.abs_diff(now_secs) > self.window_secs {
            return Err(AuthError::L1);
        }
        let digest = l1_digest(&address, self.chain_id, timestamp, nonce);
        match recover_signer(&digest, &signature) {
            Ok(signer) if signer == address => Ok(self.issue(address, nonce)),
            _ => Err(AuthError::L1),
        }
    }

    /// The key of (address, nonce), created on first use.
    pub fn issue(&mut self, address: Address, nonce: u64) -> IssuedKey {
        let root = keccak256_parts(&[
            b"polymm-sim-api-key",
            &self.seed.to_be_bytes(),
            address.as_bytes(),
            &nonce.to_be_bytes(),
        ]);
        let api_key = uuid_text(&root);
        let secret = keccak256_parts(&[b"secret", &root]);
        let passphrase = keccak256_parts(&[b"passphrase", &root]);
        let issued = IssuedKey {
            creds: ApiCreds {
                api_key: api_key.clone(),
                secret: Secret::new(URL_SAFE.encode(secret)),
                passphrase: Secret::new(hex::encode(passphrase)),
            },
            address,
        };
        self.by_key.entry(api_key).or_insert(issued).clone()
    }

    /// The key with this id.
    pub fn get(&self, api_key: &str) -> Option<&IssuedKey> {
        self.by_key.get(api_key)
    }

    /// Checks L2 headers of a request to `path` (no query) with exactly `body`.
    pub fn authenticate_l2<'h>(
        &self,
        header: impl Fn(&str) -> Option<&'h str>,
        method: &str,
        path: &str,
        body: &str,
        now_secs: u64,
    ) -> Result<&IssuedKey, AuthError> {
        let issued = header("POLY_API_KEY").and_then(|key| self.by_key.get(key)).ok_or(AuthError::L2)?;
        let address: Address = header("POLY_ADDRESS").and_then(|v| v.parse().ok()).ok_or(AuthError::L2)?;
        let timestamp: u64 = header("POLY_TIMESTAMP").and_then(|v| v.parse().ok()).ok_or(AuthError::L2)?;
        let passphrase = header("POLY_PASSPHRASE").ok_or(AuthError::L2)?;
        let signature = header("POLY_SIGNATURE").ok_or(AuthError::L2)?;
        let fresh = timestamp.abs_diff(now_secs) <= self.window_secs;
        let owner =
            address == issued.address && constant_time_eq(passphrase, issued.creds.passphrase.expose());
        if !fresh || !owner {
            return Err(AuthError::L2);
        }
        let signed_over = |text: &str| {
            let message = format!("{timestamp}{}{path}{text}", method.to_ascii_uppercase());
            hmac_signature(&issued.creds.secret, &message)
                .is_ok_and(|expected| constant_time_eq(&expected, signature))
        };
        let quirk = body.contains('\'') && signed_over(&body.replace('\'', "\""));
        if signed_over(body) || quirk { Ok(issued) } else { Err(AuthError::L2) }
    }
}

/// Compares two strings without an early exit on the first difference.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::polymarket::auth::{L1Headers, L2Headers};
    use crate::polymarket::signer::KeySigner;

    const NOW: u64 = 1_800_000_000;

    fn lookup<'a>(pairs: &'a [(&'static str, String)]) -> impl Fn(&str) -> Option<&'a str> {
        move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| value.as_str())
    }

    #[test]
    fn l1_issues_stable_keys_and_refuses_forgeries() {
        let key = KeySigner::random();
        let mut store = KeyStore::new(9, 137, 60);
        let headers = L1Headers::sign(&key, 137, NOW, 0).unwrap().pairs();
        let first = store.authenticate_l1(lookup(&headers), NOW).unwrap();
        let again = store.authenticate_l1(lookup(&headers), NOW + 5).unwrap();
        assert_eq!(first.creds, again.creds);
        assert_eq!(first.creds.secret.expose().len(), 44);
        let wrong_chain = L1Headers::sign(&key, 80002, NOW, 0).unwrap().pairs();
        assert_eq!(store.authenticate_l1(lookup(&wrong_chain), NOW).unwrap_err(), AuthError::L1);
        assert_eq!(store.authenticate_l1(lookup(&headers), NOW + 61).unwrap_err(), AuthError::L1);
        let other_nonce = L1Headers::sign(&key, 137, NOW, 1).unwrap().pairs();
        assert_ne!(
            store.authenticate_l1(lookup(&other_nonce), NOW).unwrap().creds.api_key,
            first.creds.api_key
        );
    }

    #[test]
    fn l2_checks_hmac_over_the_exact_body() {
        let key = KeySigner::random();
        let mut store = KeyStore::new(9, 137, 30);
        let issued = store.issue(key.address(), 0);
        let body = r#"{"orderID":"0xab"}"#;
        let headers = L2Headers::sign(&issued.creds, key.address(), NOW, "DELETE", "/order", Some(body))
            .unwrap()
            .pairs();
        assert!(store.authenticate_l2(lookup(&headers), "DELETE", "/order", body, NOW).is_ok());
        let tampered = r#"{"orderID":"0xac"}"#;
        assert_eq!(
            store.authenticate_l2(lookup(&headers), "DELETE", "/order", tampered, NOW).unwrap_err(),
            AuthError::L2
        );
        assert!(store.authenticate_l2(lookup(&headers), "DELETE", "/orders", body, NOW).is_err());
        assert!(store.authenticate_l2(lookup(&headers), "DELETE", "/order", body, NOW + 31).is_err());
        let quirky = r#"{"note":"it's"}"#;
        let headers =
            L2Headers::sign(&issued.creds, key.address(), NOW, "POST", "/x", Some(quirky)).unwrap().pairs();
        assert!(store.authenticate_l2(lookup(&headers), "POST", "/x", quirky, NOW).is_ok());
    }
}
