//! Signing benchmarks: one order signed end to end (amounts, EIP-712 digest, ECDSA, body,
//! L2 headers), with an RFC 6979 nonce and with a presignature made ahead, against a bare
//! secp256k1 signature of a digest and the making of one presignature.
//!
//! `cargo bench --bench signing`; `benches/compare_python.sh` adds the official Python
//! client's time for the same order and prints the ratio (numbers in BENCHMARKS.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use polymm::domain::{Price, Side, Size, TickSize};
use polymm::polymarket::body::order_body;
use polymm::polymarket::{
    ApiCreds, Chain, KeySigner, L2Headers, OrderSigner, OrderSpec, OrderStamp, Presignature, SignatureType,
};
use polymm::secret::Secret;
use rust_decimal_macros::dec;

const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const TOKEN: &str = "71321045679252212594626385532706912750332728571942532289631379312455583992563";

fn fixtures() -> (OrderSigner, OrderSpec, ApiCreds) {
    let key = KeySigner::from_secret(&Secret::new(KEY)).unwrap();
    let signer = OrderSigner::new(key, Chain::Polygon, SignatureType::Eoa, None).unwrap();
    let price = Price::new(dec!(0.57)).unwrap();
    let spec = OrderSpec::limit(
        TOKEN.parse().unwrap(),
        Side::Buy,
        price,
        Size::new(dec!(21.37)).unwrap(),
        TickSize::Hundredth,
    );
    let creds = ApiCreds {
        api_key: "b3f7a1c2-5d4e-4f60-9a8b-7c6d5e4f3a21".into(),
        secret: Secret::new("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
        passphrase: Secret::new("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
    };
    (signer, spec, creds)
}

fn signing(c: &mut Criterion) {
    let (signer, spec, creds) = fixtures();
    let mut salt = 0u64;
    c.bench_function("sign_order_body_l2", |b| {
        b.iter(|| {
            salt += 1;
            let stamp = OrderStamp { salt, timestamp_ms: 1_790_000_000_000 };
            let order = signer.sign(black_box(&spec), stamp).unwrap();
            let body = order_body(&order, &creds.api_key);
            let headers =
                L2Headers::sign(&creds, signer.eoa(), 1_790_000_000, "POST", "/order", Some(&body)).unwrap();
            black_box((body, headers))
        })
    });
    c.bench_function("sign_order_body_l2_presigned", |b| {
        b.iter_batched(
            Presignature::generate,
            |presignature| {
                salt += 1;
                let stamp = OrderStamp { salt, timestamp_ms: 1_790_000_000_000 };
                let order = signer.sign_presigned(black_box(&spec), stamp, presignature).unwrap();
                let body = order_body(&order, &creds.api_key);
                let headers =
                    L2Headers::sign(&creds, signer.eoa(), 1_790_000_000, "POST", "/order", Some(&body))
                        .unwrap();
                black_box((body, headers))
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("presignature_generate", |b| b.iter(|| black_box(Presignature::generate())));
    let key = signer.key().clone();
    let mut digest = [7u8; 32];
    c.bench_function("bare_secp256k1_sign", |b| {
        b.iter(|| {
            digest[0] = digest[0].wrapping_add(1);
            black_box(key.sign_digest(black_box(&digest)).unwrap())
        })
    });
    c.bench_function("order_amounts_only", |b| {
        b.iter(|| {
            let amounts = black_box(&spec).amounts().unwrap();
            black_box(amounts)
        })
    });
}

criterion_group!(benches, signing);
criterion_main!(benches);
