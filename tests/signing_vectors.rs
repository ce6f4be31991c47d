//! Every order, batch and heartbeat vector from `shared/polymarket/vectors/orders_v2.json`
//! reproduced by polymm's own signing code: amounts, struct hash, digest, signature, body
//! and L2 headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use common::{load, order_vectors, spec, stamp, text};
use polymm::polymarket::{ApiCreds, Chain, KeySigner, L2Headers, OrderSigner, SignatureType, SignedOrder};
use polymm::polymarket::{batch_body, heartbeat_body, order_body};
use polymm::polymarket::{order_typehash, typed_digest};
use polymm::secret::Secret;
use serde_json::Value;

fn meta() -> Value {
    load("orders_v2.json")["meta"].clone()
}

fn creds() -> ApiCreds {
    let creds = &meta()["api_creds"];
    ApiCreds {
        api_key: text(creds, "api_key").to_owned(),
        secret: Secret::new(text(creds, "secret")),
        passphrase: Secret::new(text(creds, "passphrase")),
    }
}

fn signer_for(vector: &Value) -> OrderSigner {
    let inputs = &vector["inputs"];
    let key = KeySigner::from_secret(&Secret::new(text(&meta(), "private_key"))).unwrap();
    let chain = Chain::try_from(inputs["chain_id"].as_u64().unwrap()).unwrap();
    let kind = SignatureType::try_from(inputs["signature_type"].as_u64().unwrap() as u8).unwrap();
    let funder = (kind != SignatureType::Eoa).then(|| text(inputs, "funder").parse().unwrap());
    OrderSigner::new(key, chain, kind, funder).unwrap()
}

fn sign(vector: &Value) -> SignedOrder {
    let spec = spec(vector, common::off_grid(vector)).unwrap();
    signer_for(vector).sign(&spec, stamp(vector)).unwrap()
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn header_map(headers: &L2Headers) -> BTreeMap<String, String> {
    headers.pairs().into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn expected_headers(request: &Value) -> BTreeMap<String, String> {
    serde_json::from_value(request["headers"].clone()).unwrap()
}

#[test]
fn there_are_order_vectors_for_every_signature_type_and_domain() {
    let vectors = order_vectors();
    assert!(vectors.len() >= 18, "only {} order vectors", vectors.len());
    for kind in 0..=3 {
        assert!(vectors.iter().any(|v| v["inputs"]["signature_type"] == kind));
    }
    for version in [2, 3] {
        assert!(vectors.iter().any(|v| v["inputs"]["exchange_version"] == version));
    }
}

#[test]
fn amounts_hashes_and_signatures_match_every_order_vector() {
    for vector in order_vectors() {
        let id = text(&vector, "id");
        let signed = sign(&vector);
        let eip = &vector["eip712"];
        assert_eq!(
            signed.fields.maker_amount.to_string(),
            text(&vector["computed"], "maker_amount"),
            "{id} maker"
        );
        assert_eq!(
            signed.fields.taker_amount.to_string(),
            text(&vector["computed"], "taker_amount"),
            "{id} taker"
        );
        assert_eq!(hex0x(&order_typehash()), text(eip, "order_typehash"), "{id}");
        assert_eq!(hex0x(&signed.fields.struct_hash()), text(eip, "struct_hash"), "{id} struct hash");
        assert_eq!(signed.id.to_string(), text(eip, "digest"), "{id} digest");
        assert_eq!(hex0x(signed.signature.as_bytes()), text(&vector, "signature"), "{id} signature");
        let separator = signer_for(&vector).domain_separator(spec(&vector, true).unwrap().exchange).unwrap();
        assert_eq!(hex0x(&separator), text(eip, "domain_separator"), "{id} domain");
        assert_eq!(typed_digest(&separator, &signed.fields.struct_hash()), *signed.id.as_bytes());
    }
}

#[test]
fn poly_1271_wrapping_matches_every_part() {
    for vector in order_vectors().into_iter().filter(|v| v["poly_1271"].is_object()) {
        let parts = &vector["poly_1271"];
        let signed = sign(&vector);
        let bytes = signed.signature.as_bytes();
        assert_eq!(bytes.len(), 317);
        assert_eq!(hex0x(&bytes[..65]), text(parts, "inner_signature"));
        assert_eq!(hex0x(&bytes[65..97]), text(parts, "app_domain_separator"));
        assert_eq!(hex0x(&bytes[97..129]), text(parts, "contents_hash"));
        let chain = Chain::try_from(vector["inputs"]["chain_id"].as_u64().unwrap()).unwrap();
        let wallet = signed.fields.signer;
        let app: [u8; 32] = bytes[65..97].try_into().unwrap();
        let contents: [u8; 32] = bytes[97..129].try_into().unwrap();
        let digest = polymm::polymarket::signed_digest(chain, &app, &contents, &wallet);
        assert_eq!(hex0x(&digest), text(parts, "signed_digest"));
    }
}

#[test]
fn bodies_equal_the_official_clients_bytes_and_headers_match() {
    let creds = creds();
    for vector in order_vectors() {
        let id = text(&vector, "id");
        let request = &vector["request"];
        let signed = sign(&vector);
        let body = order_body(&signed, &creds.api_key);
        assert_eq!(body, text(request, "body"), "{id} body bytes");
        let parsed: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed, serde_json::from_str::<Value>(text(request, "body")).unwrap(), "{id}");
        let l2_timestamp = vector["inputs"]["l2_timestamp"].as_u64().unwrap();
        let headers =
            L2Headers::sign(&creds, signer_for(&vector).eoa(), l2_timestamp, "POST", "/order", Some(&body))
                .unwrap();
        assert_eq!(header_map(&headers), expected_headers(request), "{id} headers");
    }
}

#[test]
fn batch_and_heartbeat_vectors_match() {
    let file = load("orders_v2.json");
    let creds = creds();
    let orders: BTreeMap<String, Value> =
        order_vectors().into_iter().map(|v| (text(&v, "id").to_owned(), v)).collect();
    let key = KeySigner::from_secret(&Secret::new(text(&file["meta"], "private_key"))).unwrap();
    let mut seen = 0;
    for vector in file["vectors"].as_array().unwrap() {
        let inputs = &vector["inputs"];
        let request = &vector["request"];
        let body = match vector["kind"].as_str().unwrap() {
            "batch_post" => {
                let signed: Vec<SignedOrder> = inputs["orders_from"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|from| {
                        let mut order = sign(&orders[from.as_str().unwrap()]);
                        order.post_only = inputs["post_only"].as_bool().unwrap();
                        order
                    })
                    .collect();
                batch_body(&signed, &creds.api_key)
            }
            "heartbeat" => heartbeat_body(text(inputs, "heartbeat_id")),
            _ => continue,
        };
        seen += 1;
        assert_eq!(body, text(request, "body"), "{}", text(vector, "id"));
        let timestamp = inputs["l2_timestamp"].as_u64().unwrap();
        let headers =
            L2Headers::sign(&creds, key.address(), timestamp, "POST", text(request, "path"), Some(&body))
                .unwrap();
        assert_eq!(header_map(&headers), expected_headers(request), "{}", text(vector, "id"));
    }
    assert!(seen >= 3);
}

#[test]
fn off_grid_vectors_are_refused_as_given_and_match_once_rounded() {
    let off: Vec<Value> = order_vectors().into_iter().filter(common::off_grid).collect();
    assert_eq!(off.len(), 2);
    for vector in off {
        let err = spec(&vector, false).unwrap_err();
        assert!(err.contains("round") || err.contains("grid"), "{err}");
        assert_eq!(sign(&vector).id.to_string(), text(&vector["eip712"], "digest"));
    }
}
