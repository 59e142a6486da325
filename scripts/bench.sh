#!/usr/bin/env bash
# Benchmark (not a test): how fast mlt writes a store, and how fast it searches one against
# MLflow and against the floor of reading every file.
#
#   scripts/bench.sh [RUNS] [JOBS]            one store: write side and read side
#   scripts/bench.sh --scale [SMALL] [LARGE]  read side on two stores (default 2000 and 20000),
#                                             with the time per run of each and their ratio
#
# The store: RUNS runs (default 2000) x 10 params (lr in 0.1/0.01/0.001, then p1..p9) x
# 20 metrics (acc, loss, then m2..m19) x 100 steps, in the experiment "bench".
#
# Write side:
# 1. Builds the store with one `mlt runs start`, one `mlt log batch` (JSON lines, as a training
#    loop would stream them) and one `mlt runs end` per run, JOBS (default: number of cores)
#    training jobs at once. JOBS=1 gives the serial time.
# 2. The floor of creating the same files from one Python process.
# 3. A shell loop calling `mlt log metric` 1,000 times (in a scratch store), and the CPU time of
#    `mlt log batch` of 2,000 points streamed on stdin against `cat` of the same input, the
#    CPU time of one `mlt log metric`, and (with valgrind installed) the instructions of both
#    and of `mlt --version`, which a loaded machine does not change.
# 4. The durable mode's cost (MLT_DURABLE=1: every file and folder flushed around each rename
#    and append): the same log-metric loop and 50 runs of the store's kind (start, log batch,
#    end, one job), each in the default mode and in the durable mode, side by side.
# Read side, all on the same store in the same call, each warm (after one warm-up) and cold
# (page cache dropped before every timed command; needs root, else "not measurable"):
# - mlt runs search --filter "metrics.acc > 0.5 and params.lr = '0.01'" --order-by metrics.loss,
#   as CSV (reads the named files) and as JSON (reads whole runs);
# - mlt runs compare with the same filter, when this build has it;
# - MLflow's search_runs (the pinned venv of scripts/mlflow-venv.sh): the call alone, and the
#   whole process including `import mlflow`; it returns whole runs, like mlt's JSON;
# - the floor: find mlruns -type f | xargs cat.
# It also checks that mlt and MLflow return the same runs in the same order.
#
# Environment:
#   BENCH_DIR     keep the stores in this folder and reuse them (default: a temp folder,
#                 removed at exit). A reused store is not rebuilt, so its build is not timed.
#   BENCH_REPEAT  timed repetitions of each read command (default 3); shown as
#                 median (min-max) seconds
#   BENCH_MLFLOW  1 (default) time MLflow; 0 skip it. With --scale MLflow is timed on the small
#                 store only (about 25 s a call at 2,000 runs) unless BENCH_MLFLOW=all.
#   BENCH_COLD    1 (default) also time with a cold cache; 0 warm only
#   MLT           the mlt binary to time (default: build this checkout's release binary)
#
# Reference figures measured on a 2-core machine: MLflow 3.x's client needs about 500 s to log
# the 2,000-run store through log_batch, and about 2 s just to import per process.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=0
if [[ "${1:-}" == "--scale" ]]; then
    SCALE=1
    shift
    SMALL="${1:-2000}"
    LARGE="${2:-20000}"
    JOBS="$(nproc)"
else
    RUNS="${1:-2000}"
    JOBS="${2:-$(nproc)}"
fi
REPEAT="${BENCH_REPEAT:-3}"
MLFLOW="${BENCH_MLFLOW:-1}"
COLD="${BENCH_COLD:-1}"
FILTER="metrics.acc > 0.5 and params.lr = '0.01'"
ORDER="metrics.loss"
# Bumped when the generated store changes, so that stale stores in BENCH_DIR are rebuilt.
STORE_VERSION="2: lr, p1..p9; acc, loss, m2..m19"

if [[ -z "${MLT:-}" ]]; then
    cargo build --release --quiet
    MLT="$PWD/target/release/mlt"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [[ -n "${BENCH_DIR:-}" ]]; then
    mkdir -p "$BENCH_DIR"
    DIR="$(cd "$BENCH_DIR" && pwd)"
else
    DIR="$tmp"
fi

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
log() { printf '%s\n' "$*" >&2; }

if [[ "$COLD" == 1 ]] && ! { sync && echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
    echo "cold cache: not measurable (cannot write /proc/sys/vm/drop_caches; run as root)"
    COLD=0
fi
drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches; }

if [[ "$MLFLOW" != 0 ]]; then
    if PY="$(scripts/mlflow-venv.sh)"; then
        export MLFLOW_ALLOW_FILE_STORE=true
    else
        echo "MLflow: not available (scripts/mlflow-venv.sh failed)"
        MLFLOW=0
    fi
fi
cat >"$tmp/mlflow_search.py" <<'PY'
# argv: store, experiment name, filter, order-by, file for the run ids, file for the call's time
import sys, time
store, name, flt, order, ids_file, time_file = sys.argv[1:]
import mlflow
from mlflow.tracking import MlflowClient
mlflow.set_tracking_uri(f"file:{store}/mlruns")
exp = MlflowClient().get_experiment_by_name(name)
start = time.perf_counter()
# Pages of 10,000 runs up to max_results, each page a search of the whole experiment.
runs = mlflow.search_runs(experiment_ids=[exp.experiment_id], filter_string=flt,
                          order_by=[order], max_results=10_000_000, output_format="list")
call = time.perf_counter() - start
with open(time_file, "w") as f:
    f.write(f"{call}\n")
with open(ids_file, "w") as f:
    f.writelines(r.info.run_id + "\n" for r in runs)
PY

# Builds (or reuses) the store of RUNS runs in $DIR/store-RUNS; prints its build time, or "".
build_store() {
    local runs=$1 store="$DIR/store-$1"
    if [[ -f "$store.ok" && "$(cat "$store.ok")" == "$STORE_VERSION" ]]; then
        log "reusing $store"
        return
    fi
    rm -rf "$store" "$store.ok" "$tmp/in"
    "$MLT" init "$store" >/dev/null 2>&1
    log "generating the input of $runs runs..."
    # Input files are made before the clock starts: they are what a training loop would print.
    python3 - "$tmp/in" "$runs" <<'PY'
import os, sys, random
out, runs = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
random.seed(1)
names = ["acc", "loss"] + [f"m{i}" for i in range(2, 20)]
for r in range(runs):
    with open(f"{out}/{r}.jsonl", "w") as f:
        params = [f'"lr": "{random.choice(["0.1", "0.01", "0.001"])}"']
        params += [f'"p{i}": "{random.choice(["0.1", "0.01", "adam", "3"])}"' for i in range(1, 10)]
        f.write("{\"params\": {%s}}\n" % ", ".join(params))
        for step in range(100):
            ms = ", ".join(f'"{n}": {random.random():.6f}' for n in names)
            f.write('{"step": %d, "timestamp": %d, "metrics": {%s}}\n' % (step, 1700000000000 + step, ms))
PY
    log "building the store of $runs runs with $JOBS jobs..."
    local start end
    start=$(now)
    MLT_STORE="$store" "$MLT" experiments create bench >/dev/null
    MLT_STORE="$store" MLT="$MLT" IN="$tmp/in" xargs -P "$JOBS" -I{} bash -c '
        RUN=$("$MLT" runs start -e bench)
        "$MLT" log batch "$IN/{}.jsonl" --run "$RUN" 2>/dev/null
        "$MLT" runs end --run "$RUN"' < <(seq 0 $((runs - 1)))
    end=$(now)
    rm -rf "$tmp/in"
    printf '%s' "$STORE_VERSION" >"$store.ok"
    calc "$end - $start"
}

# Results: $tmp/res/<runs>/<key>.<warm|cold>, one wall time in seconds a line, and
# <key>.<warm|cold>.cpu, the CPU time (user + system, children included) of the same runs:
# on a shared machine the wall time depends on what else runs, the CPU time much less.
# measure RUNS KEY MODE CMD... ; the command's stdout goes to $tmp/out. Fails if CMD fails.
measure() {
    local runs=$1 key=$2 mode=$3 out="$tmp/res/$1/$2.$3"
    shift 3
    mkdir -p "$tmp/res/$runs"
    if [[ "$mode" == warm ]]; then
        "$@" >"$tmp/out" 2>"$tmp/err" || return 1
    fi
    local i t TIMEFORMAT='%R %U %S'
    for ((i = 0; i < REPEAT; i++)); do
        rm -f "$tmp/call"
        [[ "$mode" == cold ]] && drop_caches
        t=$({ time "$@" >"$tmp/out" 2>"$tmp/err"; } 2>&1) || return 1
        read -r wall user sys <<<"$t"
        echo "$wall" >>"$out"
        calc "$user + $sys" >>"$out.cpu"
        # MLflow's script leaves the time of the search_runs call itself in $tmp/call.
        if [[ -f "$tmp/call" ]]; then cat "$tmp/call" >>"$tmp/res/$runs/${key}_call.$mode"; fi
    done
}

# "median (min-max)" of a result file, or "-" when it is missing.
show() {
    [[ -f "$1" ]] || { printf -- '-'; return; }
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.3f (%.3f-%.3f)", m, v[1], v[NR] }'
}
# The median of a CPU time file, or "-".
cpu() {
    if [[ -f "$1" ]]; then printf '%.3f' "$(median "$1")"; else printf -- '-'; fi
}
median() {
    [[ -f "$1" ]] || return 0
    sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# ratio A_FILE B_FILE: median(A) / median(B), or "-"
ratio() {
    local a b
    a=$(median "$1")
    b=$(median "$2")
    if [[ -z "$a" || -z "$b" ]]; then printf -- '-'; else printf '%.2f' "$(calc "$a / $b")"; fi
}

# The read side on the store of RUNS runs; WITH_MLFLOW is 0 or 1.
read_side() {
    local runs=$1 with_mlflow=$2 store="$DIR/store-$1"
    local r="$tmp/res/$runs"
    export MLT_STORE="$store"
    local search=("$MLT" runs search -e bench --filter "$FILTER" --order-by "$ORDER"
        --max-results 1000000000)
    local modes=(warm)
    [[ "$COLD" == 1 ]] && modes+=(cold)
    local have_compare=0
    "$MLT" runs compare --help >/dev/null 2>&1 && have_compare=1
    for mode in "${modes[@]}"; do
        log "$runs runs, $mode: mlt runs search (csv, json)..."
        measure "$runs" csv "$mode" "${search[@]}" --format csv
        tail -n +2 "$tmp/out" | cut -d, -f1 >"$tmp/mlt_ids"
        measure "$runs" json "$mode" "${search[@]}" --format json
        python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"]))' \
            "$tmp/out" >"$tmp/json_count"
        if [[ $have_compare == 1 ]]; then
            log "$runs runs, $mode: mlt runs compare..."
            measure "$runs" compare "$mode" "$MLT" runs compare --filter "$FILTER" -e bench \
                --format csv || { echo "runs compare: failed: $(head -c 300 "$tmp/err")"; have_compare=0; }
        fi
        if [[ $with_mlflow == 1 ]]; then
            log "$runs runs, $mode: MLflow search_runs..."
            (cd "$store" && measure "$runs" mlflow "$mode" "$PY" "$tmp/mlflow_search.py" "$store" \
                bench "$FILTER" "$ORDER" "$tmp/mlflow_ids" "$tmp/call") ||
                { echo "MLflow search_runs failed: $(tail -n 3 "$tmp/err")"; with_mlflow=0; }
        fi
        log "$runs runs, $mode: cat of every file..."
        measure "$runs" cat "$mode" bash -c 'find "$1" -type f -print0 | xargs -0 cat' _ "$store/mlruns"
    done
    local files
    files=$(find "$store/mlruns" -type f | wc -l)
    echo
    echo "load average (1, 5, 15 min) after the $runs-run timings: $(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'read side: %d runs (%d files, %s), filter "%s", order %s; %d repetitions,\n' \
        "$runs" "$files" "$(du -sh "$store/mlruns" | cut -f1)" "$FILTER" "$ORDER" "$REPEAT"
    printf 'wall seconds as median (min-max), CPU seconds as median; mlt found %d runs (%d as JSON)\n' \
        "$(wc -l <"$tmp/mlt_ids")" "$(cat "$tmp/json_count")"
    printf '  %-36s %-24s %-24s %s\n' "" warm cold "CPU warm / cold"
    row() {
        printf '  %-36s %-24s %-24s %s / %s\n' "$1" "$(show "$r/$2.warm")" "$(show "$r/$2.cold")" \
            "$(cpu "$r/$2.warm.cpu")" "$(cpu "$r/$2.cold.cpu")"
    }
    row "mlt runs search --format csv" csv
    row "mlt runs search --format json" json
    if [[ $have_compare == 1 ]]; then
        row "mlt runs compare --format csv" compare
    else
        echo "  runs compare: not available"
    fi
    if [[ $with_mlflow == 1 ]]; then
        row "MLflow search_runs: the call" mlflow_call
        row "MLflow search_runs: the process" mlflow
    else
        echo "  MLflow search_runs: not measured"
    fi
    row "cat of every file (the floor)" cat
    echo "ratios of medians, warm / cold (targets: mlt / cat at most 1, MLflow / mlt at least 50):"
    rat() { printf '  %-36s %s / %s\n' "$1" "$(ratio "$r/$2.warm" "$r/$3.warm")" \
        "$(ratio "$r/$2.cold" "$r/$3.cold")"; }
    rat "mlt csv / cat" csv cat
    rat "mlt json / cat" json cat
    [[ $have_compare == 1 ]] && rat "mlt compare / cat" compare cat
    if [[ $with_mlflow == 1 ]]; then
        rat "MLflow call / mlt csv" mlflow_call csv
        rat "MLflow call / mlt json" mlflow_call json
        rat "MLflow process / mlt csv" mlflow csv
        rat "MLflow process / mlt json" mlflow json
        if cmp -s "$tmp/mlt_ids" "$tmp/mlflow_ids"; then
            echo "mlt and MLflow return the same $(wc -l <"$tmp/mlflow_ids") runs in the same order"
        else
            echo "MISMATCH: mlt returns $(wc -l <"$tmp/mlt_ids") runs, MLflow $(wc -l <"$tmp/mlflow_ids") (or another order)"
        fi
    fi
}

if [[ $SCALE == 1 ]]; then
    for n in "$SMALL" "$LARGE"; do
        s=$(build_store "$n")
        [[ -n "$s" ]] && printf 'built the store of %d runs in %.1f s\n' "$n" "$s"
    done
    read_side "$SMALL" "$([[ "$MLFLOW" != 0 ]] && echo 1 || echo 0)"
    read_side "$LARGE" "$([[ "$MLFLOW" == all ]] && echo 1 || echo 0)"
    per() { if [[ -f "$1" ]]; then printf '%.4f' "$(calc "$(median "$1") * 1000 / $2")"; else printf -- -; fi; }
    growth() {
        if [[ -f "$1" && -f "$2" ]]; then
            printf '%.2f' "$(calc "($(median "$2") / $LARGE) / ($(median "$1") / $SMALL)")"
        else printf -- -; fi
    }
    labels=(csv "mlt runs search --format csv" json "mlt runs search --format json"
        compare "mlt runs compare --format csv" mlflow_call "MLflow search_runs: the call"
        mlflow "MLflow search_runs: the process" cat "cat of every file")
    # per_run_table TITLE SUFFIX: SUFFIX "" for wall times, ".cpu" for CPU times.
    per_run_table() {
        echo
        echo "$1 per run in milliseconds (medians), $SMALL vs $LARGE runs; growth = per-run"
        echo "time at $LARGE / per-run time at $SMALL (1.00 = linear, more = worse than linear)"
        printf '  %-32s %11s %11s %7s %11s %11s %7s\n' "" "warm $SMALL" "warm $LARGE" growth \
            "cold $SMALL" "cold $LARGE" growth
        for ((k = 0; k < ${#labels[@]}; k += 2)); do
            local a="$tmp/res/$SMALL/${labels[k]}" b="$tmp/res/$LARGE/${labels[k]}" x="$2"
            [[ -f "$a.warm$x" ]] || continue
            printf '  %-32s %11s %11s %7s %11s %11s %7s\n' "${labels[k + 1]}" \
                "$(per "$a.warm$x" "$SMALL")" "$(per "$b.warm$x" "$LARGE")" \
                "$(growth "$a.warm$x" "$b.warm$x")" "$(per "$a.cold$x" "$SMALL")" \
                "$(per "$b.cold$x" "$LARGE")" "$(growth "$a.cold$x" "$b.cold$x")"
        done
    }
    per_run_table "Wall time" ""
    per_run_table "CPU time (user + system)" .cpu
    exit 0
fi

store_s=$(build_store "$RUNS")
files=$(find "$DIR/store-$RUNS/mlruns" -type f | wc -l)
read_side "$RUNS" "$([[ "$MLFLOW" != 0 ]] && echo 1 || echo 0)"

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
rm -rf "$tmp/floor"

export MLT_STORE="$tmp/single"
RUN=$("$MLT" runs start -e bench-single 2>/dev/null)
start=$(now)
for ((i = 0; i < 1000; i++)); do
    "$MLT" log metric loss 0.5 --step "$i" --run "$RUN"
done
end=$(now)
metric_s=$(calc "$end - $start")

# `mlt log batch` of 2,000 points (100 JSON lines x 20 metrics, streamed on stdin as a training
# loop would) against the floor of `tee` copying the same input into a file, and against
# `mlt --version` (starting the process): CPU time per call over 100 calls.
python3 - "$tmp/batch-2000.jsonl" <<'PY'
import sys, random
random.seed(2)
with open(sys.argv[1], "w") as f:
    for step in range(100):
        ms = ", ".join(f'"m{i}": {random.random():.6f}' for i in range(20))
        f.write('{"step": %d, "timestamp": %d, "metrics": {%s}}\n' % (step, 1700000000000 + step, ms))
PY
BATCH_RUN=$("$MLT" runs start -e bench-batch 2>/dev/null)
# cpu_ms N CMD...: CPU milliseconds (user + system) per call of CMD, stdin from the input.
cpu_ms() {
    local n=$1 i t TIMEFORMAT='%U %S'
    shift
    t=$({ time for ((i = 0; i < n; i++)); do "$@" <"$tmp/batch-2000.jsonl" >/dev/null 2>&1; done; } 2>&1)
    read -r user sys <<<"$t"
    calc "($user + $sys) * 1000 / $n"
}
batch_ms=$(cpu_ms 100 "$MLT" log batch --run "$BATCH_RUN")
cat_ms=$(cpu_ms 100 tee "$tmp/batch-copy")
version_ms=$(cpu_ms 100 "$MLT" --version)
metric_cpu_ms=$(cpu_ms 100 "$MLT" log metric loss 0.5 --run "$BATCH_RUN")
# Instructions (user space, valgrind's callgrind when installed): unlike CPU time, the same on
# a loaded machine, so start-up and per-point work can be compared across builds.
instr() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" <"$tmp/batch-2000.jsonl" 2>&1 \
        >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
if command -v valgrind >/dev/null; then
    batch_instr=$(instr "$MLT" log batch --run "$BATCH_RUN")
    version_instr=$(instr "$MLT" --version)
    metric_instr=$(instr "$MLT" log metric loss 0.5 --run "$BATCH_RUN")
fi
rm -f "$tmp/batch-copy"

# The durable mode against the default, side by side: the same loop and 50 runs in each.
durable_pair() {
    local mode=$1 store="$tmp/durable-$1" start end i
    rm -rf "$store"
    MLT_STORE="$store" "$MLT" init >/dev/null 2>&1
    local run
    run=$(MLT_STORE="$store" MLT_DURABLE=$mode "$MLT" runs start -e d 2>/dev/null)
    start=$(now)
    for ((i = 0; i < 300; i++)); do
        MLT_STORE="$store" MLT_DURABLE=$mode "$MLT" log metric loss 0.5 --step "$i" --run "$run"
    done
    end=$(now)
    printf '%s ' "$(calc "($end - $start) / 300 * 1000")"
    python3 - "$tmp/durable-in.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"params": {%s}}\n' % ", ".join(f'"p{i}": "0.01"' for i in range(10)))
    for step in range(100):
        ms = ", ".join(f'"m{i}": 0.5' for i in range(20))
        f.write('{"step": %d, "timestamp": %d, "metrics": {%s}}\n' % (step, 1700000000000 + step, ms))
PY
    start=$(now)
    for ((i = 0; i < 50; i++)); do
        run=$(MLT_STORE="$store" MLT_DURABLE=$mode "$MLT" runs start -e d 2>/dev/null)
        MLT_STORE="$store" MLT_DURABLE=$mode "$MLT" log batch "$tmp/durable-in.jsonl" --run "$run" 2>/dev/null
        MLT_STORE="$store" MLT_DURABLE=$mode "$MLT" runs end --run "$run"
    done
    end=$(now)
    calc "$end - $start"
}
read -r plain_ms plain_runs <<<"$(durable_pair 0)"
read -r durable_ms durable_runs <<<"$(durable_pair 1)"

echo
echo "write side:"
if [[ -n "$store_s" ]]; then
    printf 'store of %d runs x 10 params x 20 metrics x 100 steps, %d jobs: %.1f s (%d files; target < 20 s for 2000 runs; MLflow ~500 s: %.0fx faster)\n' \
        "$RUNS" "$JOBS" "$store_s" "$files" "$(calc "500 * $RUNS / 2000 / $store_s")"
    printf 'floor (one Python process creating the same %d runs of files): %.1f s; mlt / floor = %.2f\n' \
        "$RUNS" "$floor_s" "$(calc "$store_s / $floor_s")"
else
    printf 'store of %d runs reused from %s: build not timed; floor (one Python process creating the same files): %.1f s\n' \
        "$RUNS" "$DIR" "$floor_s"
fi
printf '1000 x mlt log metric: %.2f s, %.2f ms per call (target < 5 ms; MLflow import alone ~2000 ms: %.0fx faster)\n' \
    "$metric_s" "$metric_s" "$(calc "2 / ($metric_s / 1000)")"
printf 'mlt log batch of 2000 points on stdin: %.2f ms CPU per call; floor (tee of the input into a file): %.2f ms; mlt / floor = %.2f; mlt --version: %.2f ms, so %.2f ms for the points (target <= 2 ms)\n' \
    "$batch_ms" "$cat_ms" "$(calc "$batch_ms / $cat_ms")" "$version_ms" "$(calc "$batch_ms - $version_ms")"
printf 'mlt log metric: %.2f ms CPU per call (mlt --version: %.2f ms)\n' "$metric_cpu_ms" "$version_ms"
if [[ -n "${batch_instr:-}" ]]; then
    printf 'instructions (callgrind, user space): mlt --version %.2f M, log metric %.2f M, log batch of 2000 points %.2f M (%.2f M for the points)\n' \
        "$(calc "$version_instr / 1e6")" "$(calc "$metric_instr / 1e6")" "$(calc "$batch_instr / 1e6")" \
        "$(calc "($batch_instr - $version_instr) / 1e6")"
fi
printf 'durable mode (MLT_DURABLE=1) against the default: log metric %.2f ms against %.2f ms per call (%.1fx); 50 runs (start, log batch of 10 params x 20 metrics x 100 steps, end) %.2f s against %.2f s (%.1fx)\n' \
    "$durable_ms" "$plain_ms" "$(calc "$durable_ms / $plain_ms")" \
    "$durable_runs" "$plain_runs" "$(calc "$durable_runs / $plain_runs")"
