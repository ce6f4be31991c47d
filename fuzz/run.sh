#!/usr/bin/env bash
# Runs every fuzz target for RUNS inputs (default 1,000,000) with libFuzzer (cargo fuzz,
# nightly), starting from the checked-in seeds in fuzz/seeds/TARGET; new inputs go to
# fuzz/corpus/TARGET (not checked in). Prints one line per target: inputs run, seconds,
# crashes. A crash leaves its input in fuzz/artifacts/TARGET: make it a regression test.
#
#   fuzz/run.sh                      # every target
#   RUNS=100000 fuzz/run.sh config   # some targets, fewer inputs
#
# The decoders and parsers run under AddressSanitizer; the configuration loader runs
# without a sanitizer (-s none): figment's and toml's allocations make it 40 inputs/s under
# ASan against about 300 without, and safe Rust's failures are panics, which libFuzzer
# catches either way.
set -euo pipefail
cd "$(dirname "$0")"
runs="${RUNS:-1000000}"
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=(market_frame user_frame rest_responses sim_order config); fi
for target in "${targets[@]}"; do
  sanitizer=address
  [ "$target" = config ] && sanitizer=none
  mkdir -p "corpus/$target"
  log="$(mktemp)"
  started=$(date +%s)
  if cargo +nightly fuzz run -O -s "$sanitizer" "$target" "corpus/$target" "seeds/$target" -- \
      -runs="$runs" -print_final_stats=1 >"$log" 2>&1; then
    verdict="0 crashes"
  else
    verdict="CRASH: see fuzz/artifacts/$target"
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
  echo "$target: $execs inputs in $(( $(date +%s) - started )) s, $verdict"
  rm -f "$log"
done
