#!/usr/bin/env bash
# Benchmark (not a test): `mlt push` to a team's MLflow tracking server (MLflow 3.17.2 over
# PostgreSQL, artifacts on S3 through the server's proxy) against mlflow-export-import moving
# the same runs between two such servers, and against the floor, side by side in one run
# (issue 14's speed targets).
#
#   scripts/bench-push.sh
#   BENCH_QUICK=1 scripts/bench-push.sh        20 runs (5 for the memory row), a few minutes
#
# The stack is scripts/team-stack.sh's (`start --mode pg --servers 2`): one PostgreSQL, one
# moto_server for S3, two `mlflow server`s (A and B, own database and bucket, 2 workers each),
# all on loopback, stopped at exit whatever happens. Its venv (made once, cached) has
# mlflow==3.17.2 and mlflow-export-import==1.2.0.
#
# The store, made by the mlt binary before any clock starts: BENCH_RUNS (200) runs in the
# experiment "bench" x 10 params x 20 metrics x 100 steps (one `mlt runs start`, `mlt log
# batch`, `mlt artifacts log`, `mlt runs end` per run), each with one 1 MiB file of random
# bytes (N.bin). Timed, in this order:
# 1. mlt push A: the whole store to server A (--jobs BENCH_JOBS, mlt's default 4); wall
#    seconds and max RSS (/usr/bin/time); its JSON summary must say every run was new with
#    every point and byte, and server A is checked to hold them (runs, params, one run's
#    histories and artifact bytes).
# 2. mlt push A again, the store unchanged: must send nothing (target: under 1 s).
# 3. The floor (scripts/bench_push.py floor): the fewest requests MLflow's REST API needs for
#    the same data, bodies made in advance, from one Python process, BENCH_JOBS runs at once:
#    per run runs/create, 3 runs/log-batch (1,000 entities each at most), one PUT of the 1 MiB
#    through the artifact proxy, runs/update. Into the experiment "floor" of server A. It is
#    what the server itself must do for any client; mlt push / floor is mlt's overhead.
# 4. Memory: a second store of BENCH_SMALL_RUNS (50) runs of the same kind (experiment
#    "bench-small") pushed to server A; its max RSS against the first push's (target: flat,
#    which this script takes as at most 1.2x the small store's).
# 5. mlflow-export-import, what a team without mlt runs to move these runs from one server to
#    another: `export-experiment --experiment bench` from A to a folder, then
#    `import-experiment --experiment-name bench` into B (MLFLOW_TRACKING_URI set for each,
#    artifacts through the servers' proxies); each half timed with its max RSS, the total is
#    the row compared with mlt push (target: mlt push at least 10x faster). B is checked to
#    hold the runs afterwards.
# Before step 1 both servers are warmed up with 4 runs of the floor's kind (experiment
# "warm-up", not timed), and before each step the script waits until the MLflow servers'
# process trees are idle (MLflow 3.17.2 starts a job runner and seven huey consumers after
# /health already answers: on a 2-core machine a push timed right after the start ran 5x
# slower).
# The table: seconds and max RSS of each row, export-import / mlt push, mlt push / floor, RSS
# at BENCH_SMALL_RUNS and BENCH_RUNS runs, and PASS/MISS per target.
#
# Environment:
#   BENCH_QUICK       1: 20 runs, 5 for the memory row
#   BENCH_RUNS        runs in the main store (default 200)
#   BENCH_SMALL_RUNS  runs in the memory row's store (default 50, or BENCH_RUNS / 4)
#   BENCH_JOBS        mlt push --jobs, and the floor's requests at once (default 4)
#   BENCH_EXPORT      1 (default) time mlflow-export-import; 0 skip it (minutes at 200 runs)
#   BENCH_KEEP        a folder: keep the stores, the export and the results there
#   MLT               the mlt binary (default: build this checkout's release binary)
#   MLT_STACK_VENV    the stack's venv (see scripts/team-stack.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    RUNS="${BENCH_RUNS:-20}"
    SMALL="${BENCH_SMALL_RUNS:-5}"
else
    RUNS="${BENCH_RUNS:-200}"
    SMALL="${BENCH_SMALL_RUNS:-$((RUNS >= 200 ? 50 : (RUNS + 3) / 4))}"
fi
JOBS="${BENCH_JOBS:-4}"
EXPORT="${BENCH_EXPORT:-1}"
HELPER="$ROOT/scripts/bench_push.py"

log() { printf 'bench-push: %s\n' "$*" >&2; }
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
die() { log "$*"; exit 1; }

[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
if [[ -z "${MLT:-}" ]]; then
    log "building the release binary..."
    cargo build --release --quiet
    MLT="$ROOT/target/release/mlt"
fi
[[ -x "$MLT" ]] || die "no mlt binary at $MLT"

tmp="$(mktemp -d)"
STACK_DIR=""
cleanup() {
    local rc=$?
    if [[ -n "$STACK_DIR" ]]; then
        log "stopping the stack..."
        "$ROOT/scripts/team-stack.sh" stop "$STACK_DIR" || log "the stack did not stop cleanly"
    fi
    if [[ -n "${BENCH_KEEP:-}" ]]; then
        mkdir -p "$BENCH_KEEP"
        cp -a "$tmp/." "$BENCH_KEEP/" 2>/dev/null || true
        log "kept in $BENCH_KEEP"
    fi
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
OUT="$tmp/out"
mkdir -p "$OUT"
note() { printf '%s\n' "$*" >>"$OUT/notes.txt"; }

log "the stack's venv (made once, several minutes)..."
PY="$("$ROOT/scripts/team-stack.sh" venv)"
VENV="$(dirname -- "$(dirname -- "$PY")")"
for exe in export-experiment import-experiment; do
    [[ -x "$VENV/bin/$exe" ]] || die "$VENV/bin/$exe is missing (mlflow-export-import)"
done
# mlflow-export-import 1.2.0 imports tabulate without declaring it: it goes in a folder of its
# own (on PYTHONPATH for the two commands only), made once beside the venv, so that the shared
# venv is neither changed nor rebuilt under the tests that may be using it.
EXTRAS_REQ="tabulate==0.10.0"
EXTRAS="${VENV}-export-import-extras"
if [[ "$(cat "$EXTRAS/.mlt-ready" 2>/dev/null)" != "$EXTRAS_REQ" ]]; then
    (
        exec 9>"$EXTRAS.lock"
        flock 9
        if [[ "$(cat "$EXTRAS/.mlt-ready" 2>/dev/null)" != "$EXTRAS_REQ" ]]; then
            rm -rf -- "$EXTRAS"
            "$PY" -m pip install --disable-pip-version-check --no-input -q --no-deps \
                --target "$EXTRAS" "$EXTRAS_REQ"
            printf '%s' "$EXTRAS_REQ" >"$EXTRAS/.mlt-ready"
        fi
    ) >&2
fi

# build_store DIR EXPERIMENT RUNS SEED: the store (outside any timing).
build_store() {
    local store=$1 exp=$2 runs=$3 seed=$4 in="$tmp/in-$2"
    log "generating the store of $runs runs ($exp)..."
    python3 "$HELPER" gen "$in" "$runs" "$seed"
    "$MLT" init "$store" >/dev/null 2>&1
    MLT_STORE="$store" "$MLT" experiments create "$exp" >/dev/null
    # A job that fails makes xargs, and so this script, fail. (The single quotes are meant.)
    # shellcheck disable=SC2016
    MLT_STORE="$store" MLT="$MLT" IN="$in" EXP="$exp" xargs -P "$(nproc)" -I{} bash -c '
        set -e
        RUN=$("$MLT" -q runs start -e "$EXP" --name "run-{}")
        "$MLT" -q log batch "$IN/{}.jsonl" --run "$RUN" >/dev/null
        "$MLT" -q artifacts log "$IN/{}.bin" --run "$RUN" >/dev/null
        "$MLT" -q runs end --run "$RUN" >/dev/null' < <(seq 0 $((runs - 1)))
    local n
    n=$(MLT_STORE="$store" "$MLT" runs list -e "$exp" --format csv | tail -n +2 | wc -l)
    [[ "$n" == "$runs" ]] || die "the store $store has $n runs, not $runs"
}
# The floor reads the main store's input; the small store's is not needed after it is built.
build_store "$tmp/store" bench "$RUNS" 1
build_store "$tmp/store-small" bench-small "$SMALL" 2
rm -rf "$tmp/in-bench-small"

log "starting the stack (PostgreSQL, moto S3, two MLflow servers)..."
"$ROOT/scripts/team-stack.sh" start --mode pg --servers 2 >"$tmp/stack.env"
MLFLOW_URL="" MLFLOW_URL_B="" S3_ENDPOINT=""
while IFS='=' read -r k v; do
    case "$k" in
    STACK_DIR) STACK_DIR=$v ;;
    MLFLOW_URL) MLFLOW_URL=$v ;;
    MLFLOW_URL_B) MLFLOW_URL_B=$v ;;
    S3_ENDPOINT) S3_ENDPOINT=$v ;;
    AWS_ACCESS_KEY_ID | AWS_SECRET_ACCESS_KEY | AWS_DEFAULT_REGION) export "$k=$v" ;;
    esac
done <"$tmp/stack.env"
[[ -n "$STACK_DIR" && -n "$MLFLOW_URL" && -n "$MLFLOW_URL_B" ]] || die "the stack printed no URLs"
export MLFLOW_S3_ENDPOINT_URL="$S3_ENDPOINT" AWS_EC2_METADATA_DISABLED=true
unset MLFLOW_TRACKING_URI
log "server A $MLFLOW_URL, server B $MLFLOW_URL_B"

printf '{"runs": %d, "small": %d, "jobs": %d}\n' "$RUNS" "$SMALL" "$JOBS" >"$OUT/sizes.json"

# Warm-up, not timed: a few runs of the floor's kind into "warm-up" on both servers, so that no
# timed row pays for the servers' first requests (lazy imports, the S3 client, the first
# statistics of empty tables).
log "warming the servers up..."
for url in "$MLFLOW_URL" "$MLFLOW_URL_B"; do
    "$PY" "$HELPER" floor "$url" warm-up "$tmp/in-bench" "$((RUNS < 4 ? RUNS : 4))" "$JOBS" \
        "$tmp/warm-up.json" || die "the warm-up of $url failed"
done

# stack_cpu_from NAME / stack_cpu_to NAME: the stack's CPU seconds between the two, in
# $OUT/NAME.server (what the servers, PostgreSQL and moto did for that step).
stack_cpu_from() { python3 "$HELPER" cpu "$STACK_DIR" >"$tmp/$1.cpu0"; }
stack_cpu_to() {
    local b a
    b=$(cat "$tmp/$1.cpu0")
    a=$(python3 "$HELPER" cpu "$STACK_DIR")
    calc "$a - $b" >"$OUT/$1.server"
}

# timed NAME CMD...: runs CMD with stdout in $tmp/NAME.stdout and stderr in $tmp/NAME.stderr;
# writes $OUT/NAME.json with the wall seconds (date, around the process), the max RSS
# (/usr/bin/time's %M, KiB) and CPU seconds (%U + %S), and $OUT/NAME.server. Returns CMD's
# status.
timed() {
    local name=$1 start end rc=0
    shift
    stack_cpu_from "$name"
    start=$(now)
    /usr/bin/time -f '%e %M %U %S' -o "$tmp/$name.time" "$@" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" || rc=$?
    end=$(now)
    stack_cpu_to "$name"
    local rss cpu
    rss=$(awk 'END { print $2 }' "$tmp/$name.time")
    cpu=$(awk 'END { print $3 + $4 }' "$tmp/$name.time")
    printf '{"seconds": %s, "rss_kb": %s, "client_cpu": %s, "status": %d}\n' \
        "$(calc "$end - $start")" "${rss:-null}" "${cpu:-null}" "$rc" >"$OUT/$name.json"
    if [[ $rc -ne 0 ]]; then
        log "$name failed ($rc): $(tail -n 5 "$tmp/$name.stderr")"
    fi
    return "$rc"
}
# Before each timed step: the servers idle (MLflow 3.17.2 starts its job runner and seven
# huey consumers after /health answers, a minute of both cores on this machine).
settle() {
    python3 "$HELPER" settle "$STACK_DIR" 2>&1 | sed 's/^/bench-push:    servers /' >&2 ||
        note "the servers were still busy before step $1"
}
seconds() { python3 -c 'import json, sys; print("%.2f" % json.load(open(sys.argv[1]))["seconds"])' "$OUT/$1.json"; }

# expect_summary FILE NEW UNCHANGED POINTS BYTES: mlt push's JSON summary says so.
expect_summary() {
    python3 - "$@" <<'PY'
import json, sys
path, new, unchanged, points, size = sys.argv[1], *map(int, sys.argv[2:])
s = json.load(open(path))
got = (s["runs"]["new"], s["runs"]["updated"], s["runs"]["unchanged"], s["metric_points"],
       s["artifact_bytes"])
want = (new, 0, unchanged, points, size)
if got != want:
    sys.exit(f"bench-push: {path}: runs new/updated/unchanged, points, bytes = {got}, "
             f"expected {want}")
PY
}

MIB=$((1 << 20))
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "1. mlt push of $RUNS runs to A..."
settle 1
timed push "$MLT" --store "$tmp/store" push "$MLFLOW_URL" --format json --jobs "$JOBS" ||
    die "mlt push failed"
expect_summary "$tmp/push.stdout" "$RUNS" 0 $((RUNS * 2000)) $((RUNS * MIB))
"$PY" "$HELPER" check "$MLFLOW_URL" bench "$RUNS" >&2 || die "server A lacks the pushed runs"
log "   $(seconds push) s"

log "2. mlt push again, unchanged..."
settle 2
timed repush "$MLT" --store "$tmp/store" push "$MLFLOW_URL" --format json --jobs "$JOBS" ||
    die "the second mlt push failed"
expect_summary "$tmp/repush.stdout" 0 "$RUNS" 0 0
log "   $(seconds repush) s"

log "3. the floor..."
settle 3
stack_cpu_from floor
"$PY" "$HELPER" floor "$MLFLOW_URL" floor "$tmp/in-bench" "$RUNS" "$JOBS" "$OUT/floor.json" ||
    die "the floor failed"
stack_cpu_to floor
"$PY" "$HELPER" check "$MLFLOW_URL" floor "$RUNS" >&2 || die "the floor's runs are not all there"
log "   $(seconds floor) s"

log "4. mlt push of $SMALL runs to A (memory)..."
settle 4
timed push_small "$MLT" --store "$tmp/store-small" push "$MLFLOW_URL" --format json --jobs "$JOBS" ||
    die "mlt push of the small store failed"
expect_summary "$tmp/push_small.stdout" "$SMALL" 0 $((SMALL * 2000)) $((SMALL * MIB))

# From here in the scratch folder: MLflow's client makes ./mlflow.db where it has no tracking URI.
cd "$tmp"
if [[ "$EXPORT" == 1 ]]; then
    # mlflow-export-import prints a line or more per run; kept in $tmp/*.stdout.
    log "5. mlflow-export-import: export-experiment from A..."
    settle 5
    if MLFLOW_TRACKING_URI="$MLFLOW_URL" PYTHONPATH="$EXTRAS" timed export \
        "$VENV/bin/export-experiment" --experiment bench --output-dir "$tmp/export"; then
        log "   $(seconds export) s; import-experiment into B..."
        settle 5
        if MLFLOW_TRACKING_URI="$MLFLOW_URL_B" PYTHONPATH="$EXTRAS" timed import \
            "$VENV/bin/import-experiment" --experiment-name bench --input-dir "$tmp/export"; then
            log "   $(seconds import) s"
            if ! "$PY" "$HELPER" check "$MLFLOW_URL_B" bench "$RUNS" >"$tmp/check_b" 2>&1; then
                note "after export-import, $(cat "$tmp/check_b")"
            fi
            cat "$tmp/check_b" >&2
        else
            note "import-experiment failed: $(tail -n 3 "$tmp/import.stderr" | tr '\n' ' ')"
            rm -f "$OUT/import.json"
        fi
    else
        note "export-experiment failed: $(tail -n 3 "$tmp/export.stderr" | tr '\n' ' ')"
        rm -f "$OUT/export.json"
    fi
else
    note "mlflow-export-import not timed (BENCH_EXPORT=0)"
fi

echo
echo "mlt push against mlflow-export-import $("$PY" -c 'import importlib.metadata as m; print(m.version("mlflow-export-import"))'),"
echo "MLflow $("$PY" -c 'import mlflow; print(mlflow.__version__)') over PostgreSQL, S3 on moto through the server's proxy (2 workers a server)."
echo "$RUNS runs x 10 params x 20 metrics x 100 steps + 1 MiB artifact each; $(nproc) cores,"
echo "load average before step 1 $LOAD_START, after step 5 $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows every row)"
echo
python3 "$HELPER" report "$OUT"
