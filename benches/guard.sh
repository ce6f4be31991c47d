#!/usr/bin/env bash
# The instruction-count guard: runs each hot-path workload of benches/instructions.rs under
# callgrind, counting only inside its measured loop, and compares the instructions per
# repetition with benches/guard_baseline.tsv. Fails when any workload costs more than the
# margin above its baseline. Instruction counts do not depend on how busy the machine is.
#
#   benches/guard.sh                 compare with the baseline (CI runs this)
#   benches/guard.sh --update        record a new baseline (commit it with the change)
#   GUARD_MARGIN=5 benches/guard.sh  a wider margin, percent (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."

baseline=benches/guard_baseline.tsv
margin=${GUARD_MARGIN:-3}
update=false
[[ "${1:-}" == "--update" ]] && update=true

command -v valgrind >/dev/null || { echo "guard: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }

bin=$(cargo bench --locked --bench instructions --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "instructions" and m.get("executable"):
        print(m["executable"])')
[[ -x "$bin" ]] || { echo "guard: could not build benches/instructions.rs" >&2; exit 2; }

compiler=$(rustc -V)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() {
    local name=$1 reps total
    reps=$(valgrind --tool=callgrind --callgrind-out-file="$out/$name.cg" \
        --toggle-collect='instructions::measured*' "$bin" "$name" 2>/dev/null | awk '{print $2}')
    total=$(awk '/^summary:/ {print $2}' "$out/$name.cg")
    echo $((total / reps))
}

declare -A base
if [[ -f $baseline ]]; then
    while IFS=$'\t' read -r name count; do
        [[ $name == \#* || -z $name ]] && continue
        base[$name]=$count
    done <"$baseline"
fi
recorded=$(sed -n 's/^# compiler: //p' "$baseline" 2>/dev/null || true)

failed=0
printf '%-28s %14s %14s %8s\n' workload baseline now change
{
    echo "# instructions per repetition of each workload in benches/instructions.rs (callgrind)"
    echo "# compiler: $compiler"
} >"$out/new.tsv"
for name in $("$bin"); do
    now=$(measure "$name")
    printf '%s\t%s\n' "$name" "$now" >>"$out/new.tsv"
    was=${base[$name]:-}
    if [[ -z $was ]]; then
        printf '%-28s %14s %14s %8s\n' "$name" - "$now" new
        continue
    fi
    change=$(python3 -c "print(f'{($now - $was) * 100 / $was:+.2f}%')")
    verdict=""
    if python3 -c "import sys; sys.exit(0 if $now > $was * (1 + $margin / 100) else 1)"; then
        verdict="  REGRESSION (margin $margin %)"
        failed=1
    elif python3 -c "import sys; sys.exit(0 if $now < $was * (1 - $margin / 100) else 1)"; then
        verdict="  faster: record it with --update"
    fi
    printf '%-28s %14s %14s %8s%s\n' "$name" "$was" "$now" "$change" "$verdict"
done

if $update; then
    cp "$out/new.tsv" "$baseline"
    echo "guard: baseline recorded in $baseline"
    exit 0
fi
if [[ -n $recorded && $recorded != "$compiler" ]]; then
    echo "guard: the baseline was recorded with $recorded, this is $compiler; counts differ by compiler, so not failing. Record a new baseline with --update." >&2
    exit 0
fi
if [[ $failed == 1 ]]; then
    echo "guard: instruction counts regressed beyond $margin % (see above)" >&2
    exit 1
fi
echo "guard: no workload above its baseline by more than $margin %"
