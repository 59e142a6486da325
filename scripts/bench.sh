#!/usr/bin/env bash
# Benchmark (not a test): how fast mlt writes a store.
#
#   scripts/bench.sh [RUNS] [JOBS]      (default 2000 runs, JOBS = number of cores)
#
# 1. Builds a store of RUNS runs x 10 params x 20 metrics x 100 steps, one `mlt runs start`,
#    one `mlt log batch` (JSON lines, as a training loop would stream them) and one
#    `mlt runs end` per run, and prints the time. JOBS training jobs log at once, as they would
#    on a machine with that many cores (JOBS=1 gives the serial time).
# 2. Times `mlt runs search` over that store against `cat` of all its files.
# 3. Times a shell loop calling `mlt log metric` 1,000 times.
# Reference figures measured on this 2-core machine with MLflow 3.x: its client needs about
# 500 s for the 2,000-run store through log_batch, and about 2 s just to import per process.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-2000}"
JOBS="${2:-$(nproc)}"
cargo build --release --quiet
MLT="$PWD/target/release/mlt"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export MLT_STORE="$tmp/store"
"$MLT" init "$MLT_STORE" 2>/dev/null >/dev/null

# Input files are made before the clock starts: they are what a training loop would print.
python3 - "$tmp/in" "$RUNS" <<'PY'
import os, sys, random
out, runs = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
random.seed(1)
for r in range(runs):
    with open(f"{out}/{r}.jsonl", "w") as f:
        params = ", ".join(f'"p{i}": "{random.choice(["0.1", "0.01", "adam", "3"])}"' for i in range(10))
        f.write("{\"params\": {%s}}\n" % params)
        for step in range(100):
            ms = ", ".join(f'"m{i}": {random.random():.6f}' for i in range(20))
            f.write('{"step": %d, "timestamp": %d, "metrics": {%s}}\n' % (step, 1700000000000 + step, ms))
PY

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
start=$(now)
"$MLT" experiments create bench >/dev/null
export MLT tmp
seq 0 $((RUNS - 1)) | xargs -P "$JOBS" -I{} bash -c '
    RUN=$("$MLT" runs start -e bench)
    "$MLT" log batch "$tmp/in/{}.jsonl" --run "$RUN" 2>/dev/null
    "$MLT" runs end --run "$RUN"'

end=$(now)
store_s=$(calc "$end - $start")
files=$(find "$MLT_STORE/mlruns" -type f | wc -l)

# Reading it back: a search over every run against the floor of reading every file.
start=$(now)
"$MLT" runs search -e bench --filter "metrics.m0 > 0.5 and params.p0 = '0.01'" \
    --order-by metrics.m1 --format csv >/dev/null
end=$(now)
search_s=$(calc "$end - $start")
start=$(now)
find "$MLT_STORE/mlruns" -type f -print0 | xargs -0 cat >/dev/null
end=$(now)
cat_s=$(calc "$end - $start")

# The floor: creating the same folders and files (same count, same sizes) from one Python
# process, with no parsing, no validation and no process start-up per run.
start=$(now)
python3 - "$tmp/floor" "$RUNS" <<'PY'
import os, sys
base, runs = sys.argv[1], int(sys.argv[2])
for r in range(runs):
    d = f"{base}/{r}"
    for s in ("metrics", "params", "tags", "artifacts"):
        os.makedirs(f"{d}/{s}")
    with open(f"{d}/meta.yaml", "w") as f:
        f.write("x" * 400)
    for i in range(10):
        with open(f"{d}/params/p{i}", "w") as f:
            f.write("0.01")
    for i in range(5):
        with open(f"{d}/tags/t{i}", "w") as f:
            f.write("value")
    for i in range(20):
        with open(f"{d}/metrics/m{i}", "w") as f:
            f.write("1700000000000 0.123456 0\n" * 100)
PY
end=$(now)
floor_s=$(calc "$end - $start")

RUN=$("$MLT" runs start -e bench-single 2>/dev/null)
start=$(now)
for ((i = 0; i < 1000; i++)); do
    "$MLT" log metric loss 0.5 --step "$i" --run "$RUN"
done
end=$(now)
metric_s=$(calc "$end - $start")

printf 'store of %d runs x 10 params x 20 metrics x 100 steps, %d jobs: %.1f s (%d files; target < 20 s for 2000 runs; MLflow ~500 s: %.0fx faster)\n' \
    "$RUNS" "$JOBS" "$store_s" "$files" "$(calc "500 * $RUNS / 2000 / $store_s")"
printf 'floor (one Python process creating the same %d runs of files): %.1f s; mlt / floor = %.2f\n' \
    "$RUNS" "$floor_s" "$(calc "$store_s / $floor_s")"
printf 'runs search (filter + order-by over %d runs, warm cache): %.2f s; cat of every file: %.2f s; search / cat = %.2f\n' \
    "$RUNS" "$search_s" "$cat_s" "$(calc "$search_s / $cat_s")"
printf '1000 x mlt log metric: %.2f s, %.2f ms per call (target < 5 ms; MLflow import alone ~2000 ms: %.0fx faster)\n' \
    "$metric_s" "$metric_s" "$(calc "2 / ($metric_s / 1000)")"
