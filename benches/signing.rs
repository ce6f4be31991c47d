//! Signing benchmarks: one order signed end to end (amounts, EIP-712 digest, ECDSA, body,
//! L2 headers), with an RFC 6979 nonce and with a presignature made ahead, against a bare
//! secp256k1 signature of a digest and the making of one presignature.
//!
//! `cargo bench --bench signing`; `benches/compare_python.sh` adds the official Python
//! client's time for the same order, and `benches/peers.sh` the official Rust SDK's
//! (numbers in BENCHMARKS.md).

#![allow(clippy::unwrap_used)]

mod fixtures;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fixtures::orders::OrderFixture;
use polymm::polymarket::Presignature;

fn signing(c: &mut Criterion) {
    let fixture = OrderFixture::new();
    let mut salt = 0u64;
    c.bench_function("sign_order_body_l2", |b| {
        b.iter(|| {
            salt += 1;
            black_box(fixture.sign_body_l2(black_box(salt)))
        })
    });
    c.bench_function("sign_order_body_l2_presigned", |b| {
        b.iter_batched(
            Presignature::generate,
            |presignature| {
                salt += 1;
                black_box(fixture.sign_body_l2_presigned(black_box(salt), presignature))
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("presignature_generate", |b| b.iter(|| black_box(Presignature::generate())));
    let key = fixture.signer.key().clone();
    let mut digest = [7u8; 32];
    c.bench_function("bare_secp256k1_sign", |b| {
        b.iter(|| {
            digest[0] = digest[0].wrapping_add(1);
            black_box(key.sign_digest(black_box(&digest)).unwrap())
        })
    });
    c.bench_function("order_amounts_only", |b| {
        b.iter(|| black_box(black_box(&fixture.spec).amounts().unwrap()))
    });
}

criterion_group!(benches, signing);
criterion_main!(benches);
