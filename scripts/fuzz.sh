#!/usr/bin/env bash
# The fuzzing campaign: every property test of the parsers and file readers (src/fuzz_tests.rs,
# src/store/metric.rs) with many cases, in a release build, then a table of target, inputs
# tried, failures found and seconds. `cargo test` runs the same targets with 256 cases each.
#
#   scripts/fuzz.sh [CASES]        # CASES per target, default 20000
#
# Exit 0 when no target failed or crashed, 1 otherwise (the failing input is in the log).
set -uo pipefail
cd "$(dirname "$0")/.."

cases=${1:-20000}
log=$(mktemp -t mlt-fuzz.XXXXXX)
trap 'rm -f "$log"' EXIT

echo "fuzzing with $cases cases per target (release build)..." >&2
PROPTEST_CASES=$cases cargo test --release --lib fuzz -- --nocapture --test-threads=1 >"$log" 2>&1
status=$?

printf '%-26s %10s %9s %9s\n' target inputs failures seconds
total_inputs=0
total_failures=0
while read -r target inputs failures seconds; do
    printf '%-26s %10s %9s %9s\n' "$target" "${inputs#inputs=}" "${failures#failures=}" "${seconds#seconds=}"
    total_inputs=$((total_inputs + ${inputs#inputs=}))
    total_failures=$((total_failures + ${failures#failures=}))
done < <(grep -o 'fuzz: .*' "$log" | sed 's/^fuzz: //')
printf '%-26s %10s %9s\n' total "$total_inputs" "$total_failures"

if [ "$status" -ne 0 ]; then
    # A failed property prints its smallest input; a crash (stack overflow, abort) prints
    # no fuzz: line for its target and kills the test binary.
    echo >&2
    grep -E 'minimal failing input|panicked|SIGABRT|SIGSEGV|overflow|error' "$log" >&2 | head -40
    echo "fuzz: FAILED (cargo test exit $status)" >&2
    exit 1
fi
