//! Signing one V2 order, polymm beside the official Rust SDK in the same run: the SDK
//! building the limit order (from cached tick size, neg-risk and fee data, no request),
//! signing it (EIP-712, RFC 6979) and serialising the body it posts; polymm signing the
//! same order and serialising its body, then with the L2 headers too, then the daemon's
//! path with a presignature made ahead. The SDK's futures are driven by a current-thread
//! tokio runtime (`block_on`, well under a microsecond of each figure).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../fixtures/mod.rs"]
mod fixtures;

use std::hint::black_box;
use std::io::{Read, Write};
use std::str::FromStr;

use alloy::signers::Signer as _;
use alloy::signers::local::LocalSigner;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fixtures::orders::{API_KEY, API_PASSPHRASE, API_SECRET, KEY, OrderFixture, TOKEN};
use polymarket_client_sdk_v2::POLYGON;
use polymarket_client_sdk_v2::auth::{Credentials, Uuid};
use polymarket_client_sdk_v2::clob::types::{Side, TickSize};
use polymarket_client_sdk_v2::clob::{Client, Config};
use polymarket_client_sdk_v2::types::U256;
use polymm::polymarket::Presignature;
use rust_decimal_macros::dec;

/// Answers the SDK's one `GET /version` (it caches the answer) on loopback.
fn version_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let body = r#"{"version":2}"#;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    format!("http://{addr}")
}

fn signing(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let signer = LocalSigner::from_str(KEY).unwrap().with_chain_id(Some(POLYGON));
    let token = U256::from_str(TOKEN).unwrap();
    let credentials =
        Credentials::new(Uuid::parse_str(API_KEY).unwrap(), API_SECRET.to_owned(), API_PASSPHRASE.to_owned());
    let client = runtime.block_on(async {
        let client = Client::new(&version_server(), Config::default())
            .unwrap()
            .authentication_builder(&signer)
            .credentials(credentials)
            .authenticate()
            .await
            .unwrap();
        client.set_tick_size(token, TickSize::Hundredth);
        client.set_neg_risk(token, false);
        client.set_fee_rate_bps(token, 0);
        assert_eq!(client.version().await.unwrap(), 2, "the SDK speaks V2 here");
        client
    });
    let sdk_order = || {
        runtime.block_on(async {
            let order = client
                .limit_order()
                .token_id(token)
                .side(Side::Buy)
                .price(dec!(0.57))
                .size(dec!(21.37))
                .build()
                .await
                .unwrap();
            let signed = client.sign(&signer, order).await.unwrap();
            serde_json::to_string(&signed).unwrap()
        })
    };
    let polymm = OrderFixture::new();
    same_order(&sdk_order(), &polymm.sign_body(1));

    let mut group = c.benchmark_group("signing");
    group.bench_function("sdk_build_sign_serialise", |b| b.iter(|| black_box(sdk_order())));
    let mut salt = 0u64;
    group.bench_function("polymm_sign_serialise", |b| {
        b.iter(|| {
            salt += 1;
            black_box(polymm.sign_body(black_box(salt)))
        })
    });
    group.bench_function("polymm_sign_serialise_l2", |b| {
        b.iter(|| {
            salt += 1;
            black_box(polymm.sign_body_l2(black_box(salt)))
        })
    });
    group.bench_function("polymm_presigned_serialise_l2", |b| {
        b.iter_batched(
            Presignature::generate,
            |presignature| {
                salt += 1;
                black_box(polymm.sign_body_l2_presigned(black_box(salt), presignature))
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Both bodies are the same order: maker, token, amounts, side, signer.
fn same_order(sdk: &str, polymm: &str) {
    let (sdk, polymm): (serde_json::Value, serde_json::Value) =
        (serde_json::from_str(sdk).unwrap(), serde_json::from_str(polymm).unwrap());
    for field in ["maker", "signer", "tokenId", "makerAmount", "takerAmount", "side", "signatureType"] {
        let (a, b) = (&sdk["order"][field], &polymm["order"][field]);
        let norm = |v: &serde_json::Value| v.to_string().trim_matches('"').to_lowercase();
        assert_eq!(norm(a), norm(b), "{field}: the SDK's order is not polymm's ({sdk} against {polymm})");
    }
}

criterion_group!(benches, signing);
criterion_main!(benches);
