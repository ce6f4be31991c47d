//! API authentication: L1 (`ClobAuth` EIP-712 signature) and L2 (HMAC-SHA256) headers.
//!
//! L1 proves control of the key and is used only to create or derive API credentials.
//! L2 signs `timestamp + METHOD + path + body` with the API secret, where the path excludes
//! the query string and the body is exactly the bytes sent. Like the official Python and
//! Rust clients, every `'` in the body is replaced by `"` in the HMAC input only.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::eip712::{clob_auth_domain_separator, clob_auth_struct_hash, typed_digest};
use super::error::PolymarketError;
use super::signer::KeySigner;
use crate::domain::Address;
use crate::secret::Secret;

/// API credentials of one signer address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCreds {
    /// The API key (a UUID; public, sent as `POLY_API_KEY` and as the order `owner`).
    pub api_key: String,
    /// The base64 HMAC secret.
    pub secret: Secret,
    /// The passphrase sent with every L2 request.
    pub passphrase: Secret,
}

/// The four L1 headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L1Headers {
    /// `POLY_ADDRESS`: the signer, checksummed.
    pub address: Address,
    /// `POLY_SIGNATURE`: `0x` + 65 bytes.
    pub signature: String,
    /// `POLY_TIMESTAMP`: unix seconds.
    pub timestamp: u64,
    /// `POLY_NONCE`.
    pub nonce: u64,
}

impl L1Headers {
    /// Signs the `ClobAuth` struct for `chain_id` at `timestamp` with `nonce`.
    pub fn sign(key: &KeySigner, chain_id: u64, timestamp: u64, nonce: u64) -> Result<Self, PolymarketError> {
        let address = key.address();
        let digest = l1_digest(&address, chain_id, timestamp, nonce);
        let signature = format!("0x{}", hex::encode(key.sign_digest(&digest)?));
        Ok(Self { address, signature, timestamp, nonce })
    }

    /// Header names and values, in the order the official client sends them.
    pub fn pairs(&self) -> [(&'static str, String); 4] {
        [
            ("POLY_ADDRESS", self.address.to_string()),
            ("POLY_SIGNATURE", self.signature.clone()),
            ("POLY_TIMESTAMP", self.timestamp.to_string()),
            ("POLY_NONCE", self.nonce.to_string()),
        ]
    }
}

/// The digest an L1 signature covers.
pub fn l1_digest(address: &Address, chain_id: u64, timestamp: u64, nonce: u64) -> [u8; 32] {
    typed_digest(&clob_auth_domain_separator(chain_id), &clob_auth_struct_hash(address, timestamp, nonce))
}

/// The five L2 headers. `Debug` hides the passphrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L2Headers {
    /// `POLY_ADDRESS`: the signer EOA (not the funder).
    pub address: Address,
    /// `POLY_SIGNATURE`: url-safe base64 HMAC.
    pub signature: String,
    /// `POLY_TIMESTAMP`: unix seconds.
    pub timestamp: u64,
    /// `POLY_API_KEY`.
    pub api_key: String,
    /// `POLY_PASSPHRASE`.
    pub passphrase: Secret,
}

impl L2Headers {
    /// Signs a request. `path_and_query` may carry a query string, which is not signed;
    /// `body` must be exactly the bytes that will be sent.
    pub fn sign(
        creds: &ApiCreds,
        address: Address,
        timestamp: u64,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
    ) -> Result<Self, PolymarketError> {
        let message = l2_message(timestamp, method, path_and_query, body);
        let signature = hmac_signature(&creds.secret, &message)?;
        Ok(Self {
            address,
            signature,
            timestamp,
            api_key: creds.api_key.clone(),
            passphrase: creds.passphrase.clone(),
        })
    }

    /// Header names and values to put on the wire (the passphrase exposed: never log these).
    pub fn pairs(&self) -> [(&'static str, String); 5] {
        [
            ("POLY_ADDRESS", self.address.to_string()),
            ("POLY_SIGNATURE", self.signature.clone()),
            ("POLY_TIMESTAMP", self.timestamp.to_string()),
            ("POLY_API_KEY", self.api_key.clone()),
            ("POLY_PASSPHRASE", self.passphrase.expose().to_owned()),
        ]
    }
}

/// The HMAC input: `timestamp + METHOD + path (no query) + body`, with `'` → `"` in the body.
pub fn l2_message(timestamp: u64, method: &str, path_and_query: &str, body: Option<&str>) -> String {
    let path = path_and_query.split_once('?').map_or(path_and_query, |(path, _)| path);
    let body = body.unwrap_or("");
    let mut message = String::with_capacity(20 + method.len() + path.len() + body.len());
    message.push_str(&timestamp.to_string());
    message.push_str(&method.to_ascii_uppercase());
    message.push_str(path);
    if body.contains('\'') {
        message.push_str(&body.replace('\'', "\""));
    } else {
        message.push_str(body);
    }
    message
}

/// `urlsafe_b64(HMAC_SHA256(b64decode(secret), message))` with padding.
pub fn hmac_signature(secret: &Secret, message: &str) -> Result<String, PolymarketError> {
    let key = decode_secret(secret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| PolymarketError::BadApiSecret)?;
    mac.update(message.as_bytes());
    Ok(URL_SAFE.encode(mac.finalize().into_bytes()))
}

/// Decodes an API secret in the url-safe or standard alphabet, padded or not.
fn decode_secret(secret: &Secret) -> Result<Vec<u8>, PolymarketError> {
    let text = secret.expose().trim();
    let normalised: String = text
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .filter(|c| *c != '=')
        .collect();
    let padded = format!("{normalised}{}", "=".repeat((4 - normalised.len() % 4) % 4));
    URL_SAFE
        .decode(padded.as_bytes())
        .or_else(|_| STANDARD.decode(text.as_bytes()))
        .map_err(|_| PolymarketError::BadApiSecret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_not_signed_and_quotes_are_swapped_in_the_hash_only() {
        assert_eq!(l2_message(1, "get", "/data/orders?next_cursor=MA==", None), "1GET/data/orders");
        assert_eq!(l2_message(2, "POST", "/x", Some("{'a':1}")), "2POST/x{\"a\":1}");
    }

    #[test]
    fn secrets_in_either_alphabet_decode_to_the_same_key() {
        let url = Secret::new("lMF5FXqjd7-bBOkTIPChTtn58t1LxBO5QWpBBN5yE_A=");
        let std = Secret::new("lMF5FXqjd7+bBOkTIPChTtn58t1LxBO5QWpBBN5yE/A");
        assert_eq!(decode_secret(&url).unwrap(), decode_secret(&std).unwrap());
        assert!(decode_secret(&Secret::new("not base64 at all!")).is_err());
    }

    #[test]
    fn headers_debug_hides_the_passphrase() {
        let creds = ApiCreds {
            api_key: "key".into(),
            secret: Secret::new("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
            passphrase: Secret::new("hunter2"),
        };
        let headers = L2Headers::sign(&creds, Address::ZERO, 1, "GET", "/ok", None).unwrap();
        assert!(!format!("{headers:?} {creds:?}").contains("hunter2"));
        assert!(!format!("{creds:?}").contains("AAECAw"));
    }
}
