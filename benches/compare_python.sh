#!/usr/bin/env bash
# Compares polymm's order signing with the official Python client on this machine.
# Installs py-clob-client-v2 into a throwaway venv, times it, runs the criterion bench,
# and prints both means and the ratios. Usage: benches/compare_python.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-2000}"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "py-clob-client-v2==1.2.1"
python_json="$("$venv/bin/python" benches/python_signing.py "$iterations")"
cargo bench --bench signing -- --noplot >/dev/null
estimate() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['mean']['point_estimate'])" "target/criterion/$1/new/estimates.json"; }
rust_ns="$(estimate sign_order_body_l2)"
bare_ns="$(estimate bare_secp256k1_sign)"
python3 - "$python_json" "$rust_ns" "$bare_ns" <<'PY'
import json, sys
py = json.loads(sys.argv[1])["mean_us"]
rust = float(sys.argv[2]) / 1000
bare = float(sys.argv[3]) / 1000
print(f"python py-clob-client-v2: {py:9.1f} us/order")
print(f"polymm sign+body+L2:      {rust:9.1f} us/order")
print(f"bare secp256k1 sign:      {bare:9.1f} us/signature")
print(f"polymm is {py / rust:.0f}x faster than the Python client; {rust / bare:.2f}x a bare signature")
PY
