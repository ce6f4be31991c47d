//! Every L1 (`ClobAuth`) and L2 (HMAC) vector from `shared/polymarket/vectors/auth.json`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use common::{load, text};
use polymm::polymarket::{ApiCreds, KeySigner, L1Headers, L2Headers};
use polymm::polymarket::{clob_auth_domain_separator, clob_auth_struct_hash};
use polymm::polymarket::{hmac_signature, l1_digest, l2_message};
use polymm::secret::Secret;

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[test]
fn l1_headers_match_every_vector() {
    let file = load("auth.json");
    let key = KeySigner::from_secret(&Secret::new(text(&file["meta"], "private_key"))).unwrap();
    let vectors = file["l1_auth"].as_array().unwrap();
    assert!(vectors.len() >= 5);
    for vector in vectors {
        let inputs = &vector["inputs"];
        let expected = &vector["expected"];
        let chain_id = inputs["chain_id"].as_u64().unwrap();
        let timestamp = inputs["timestamp"].as_u64().unwrap();
        let nonce = inputs["nonce"].as_u64().unwrap();
        let address = key.address();
        assert_eq!(hex0x(&clob_auth_domain_separator(chain_id)), text(expected, "domain_separator"));
        assert_eq!(hex0x(&clob_auth_struct_hash(&address, timestamp, nonce)), text(expected, "struct_hash"));
        assert_eq!(hex0x(&l1_digest(&address, chain_id, timestamp, nonce)), text(expected, "digest"));
        let headers = L1Headers::sign(&key, chain_id, timestamp, nonce).unwrap();
        let got: BTreeMap<String, String> =
            headers.pairs().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let want: BTreeMap<String, String> = serde_json::from_value(expected["headers"].clone()).unwrap();
        assert_eq!(got, want, "{}", text(vector, "id"));
    }
}

#[test]
fn l2_headers_match_every_vector() {
    let file = load("auth.json");
    let vectors = file["l2_hmac"].as_array().unwrap();
    assert!(vectors.len() >= 11);
    for vector in vectors {
        let id = text(vector, "id");
        let inputs = &vector["inputs"];
        let expected = &vector["expected"];
        let secret = Secret::new(text(inputs, "secret"));
        assert_eq!(
            hmac_signature(&secret, text(expected, "message")).unwrap(),
            text(expected, "signature"),
            "{id} raw"
        );
        let request_path = text(inputs, "request_path");
        if request_path.contains('?') {
            continue;
        }
        let timestamp = inputs["timestamp"].as_u64().unwrap();
        let method = text(inputs, "method");
        let body = inputs["body"].as_str();
        let on_wire = text(inputs, "url_path_and_query");
        assert_eq!(l2_message(timestamp, method, on_wire, body), text(expected, "message"), "{id} message");
        let creds = ApiCreds {
            api_key: text(inputs, "api_key").to_owned(),
            secret,
            passphrase: Secret::new(text(inputs, "passphrase")),
        };
        let address = text(inputs, "address").parse().unwrap();
        let headers = L2Headers::sign(&creds, address, timestamp, method, on_wire, body).unwrap();
        let got: BTreeMap<String, String> =
            headers.pairs().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let want: BTreeMap<String, String> = serde_json::from_value(expected["headers"].clone()).unwrap();
        assert_eq!(got, want, "{id}");
    }
}
