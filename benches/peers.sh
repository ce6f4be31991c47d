#!/usr/bin/env bash
# polymm beside its honest peers, in one run each: the official Rust SDK
# (polymarket_client_sdk_v2) signing the same order, and the SDK's parse, a typed serde
# parse and sonic-rs on the same market frames (benches/peers, a crate of its own so the
# SDK never enters polymm's build). Prints criterion's estimates; numbers in BENCHMARKS.md.
#
#   benches/peers.sh            both
#   benches/peers.sh signing    one of them (signing | decoding)
set -euo pipefail
cd "$(dirname "$0")/peers"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-../../target/peers}"
for bench in ${1:-signing decoding}; do
    cargo bench --bench "$bench" -- --noplot
done
