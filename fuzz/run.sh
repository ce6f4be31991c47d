#!/usr/bin/env bash
# Runs every fuzz target for RUNS inputs (default 1,000,000) with libFuzzer (cargo fuzz,
# nightly), starting from the checked-in seeds in fuzz/seeds/TARGET; new inputs go to
# fuzz/corpus/TARGET (not checked in). Prints one line per target: inputs run, crashes.
# A crash leaves its input in fuzz/artifacts/TARGET: make it a regression test.
set -euo pipefail
cd "$(dirname "$0")"
runs="${RUNS:-1000000}"
targets=(market_frame user_frame rest_responses config sim_order)
cargo +nightly fuzz build -O
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  log="$(mktemp)"
  if cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- -runs="$runs" -print_final_stats=1 >"$log" 2>&1; then
    verdict="0 crashes"
  else
    verdict="CRASH: see fuzz/artifacts/$target"
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
  echo "$target: $execs inputs, $verdict"
  rm -f "$log"
done
