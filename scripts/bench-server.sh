#!/usr/bin/env bash
# Benchmark (not a test): the same MLflow client workload against `mlflow server` on its file
# store, `mlflow server` on SQLite and `mlt server`, side by side in one run.
#
#   scripts/bench-server.sh
#   BENCH_QUICK=1 scripts/bench-server.sh      small sizes, to try it in a few minutes
#
# MLflow is the full `mlflow==3.17.2` package (server included) in its own venv, made once and
# cached (MLT_SERVER_VENV, default ~/.cache/mlt/venv-mlflow-full-3.17.2); the client workload
# (scripts/bench_server.py) runs from the same venv, so all three servers get MLflow's own
# client. Each server is started on a free loopback port over its own copy of the store, and
# stopped afterwards:
# - mlflow server --backend-store-uri file:COPY/mlruns --serve-artifacts (MLflow's defaults
#   otherwise: uvicorn with 4 workers, access log on), MLFLOW_ALLOW_FILE_STORE=true;
# - mlflow server --backend-store-uri sqlite:///COPY/mlflow.db --serve-artifacts (same
#   defaults), the same runs copied into the database outside the timing;
# - mlt --store COPY server --port 0 (the release binary; defaults: log line per request).
# The workload, timed in the client (wall seconds, after `import mlflow`):
# (a) BENCH_RUNS (100) runs x 10 params x 20 metrics x 100 steps: create_run, log_batch (the
#     client splits it in requests of 1000 metrics), set_terminated;
# (b) BENCH_METRIC_CALLS (1000) single log_metric calls into one run;
# (c) search_runs with filter "metrics.acc > 0.5 and params.lr = '0.01'" and order
#     metrics.loss over BENCH_SEARCH_RUNS (2000) runs, every page (the store bench.sh builds);
# (d) get_metric_history of a metric of BENCH_HISTORY (100,000) points (logged just before,
#     through log_batch: that is timed too, as the setup row);
# (e) the RSS of the server's process tree, sampled every 0.2 s: before the load, the peak
#     during it, and 2 s after it.
# Reads (c, d) are repeated BENCH_REPEAT (3) times: the median. The floor of each workload is
# the same number of GET /health requests through MLflow's HTTP layer to the mlt server: what
# HTTP and the client cost alone. Ratios are MLflow's time / mlt's time. The client's own CPU
# time is also shown: no server can make a workload take less wall time than that, so MLflow's
# time over the client's CPU time against mlt is the most any server could gain.
#
# Environment:
#   BENCH_QUICK   1: 10 runs, 100 log_metric calls, 200-run search, 10,000 points, 1 repeat
#   BENCH_RUNS, BENCH_METRIC_CALLS, BENCH_SEARCH_RUNS, BENCH_HISTORY, BENCH_REPEAT  the sizes
#   BENCH_DIR     keep the search store (and its SQLite copy) here and reuse them (default: a
#                 temp folder); the store is the same as scripts/bench.sh's, so one BENCH_DIR
#                 serves both
#   BENCH_SERVERS the servers to run, default "file sqlite mlt"
#   MLT           the mlt binary (default: build this checkout's release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    RUNS="${BENCH_RUNS:-10}" METRIC_CALLS="${BENCH_METRIC_CALLS:-100}"
    SEARCH_RUNS="${BENCH_SEARCH_RUNS:-200}" HISTORY="${BENCH_HISTORY:-10000}"
    REPEAT="${BENCH_REPEAT:-1}"
else
    RUNS="${BENCH_RUNS:-100}" METRIC_CALLS="${BENCH_METRIC_CALLS:-1000}"
    SEARCH_RUNS="${BENCH_SEARCH_RUNS:-2000}" HISTORY="${BENCH_HISTORY:-100000}"
    REPEAT="${BENCH_REPEAT:-3}"
fi
export BENCH_RUNS="$RUNS" BENCH_METRIC_CALLS="$METRIC_CALLS" BENCH_HISTORY="$HISTORY"
export BENCH_REPEAT="$REPEAT"
SERVERS="${BENCH_SERVERS:-file sqlite mlt}"
# The same store as scripts/bench.sh's (same generator, same marker), so BENCH_DIR is shared.
STORE_VERSION="2: lr, p1..p9; acc, loss, m2..m19"
SQLITE_VERSION="1"
MLFLOW_REQ="mlflow==3.17.2"

log() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

if [[ -z "${MLT:-}" ]]; then
    log "building the release binary..."
    cargo build --release --quiet
    MLT="$ROOT/target/release/mlt"
fi

tmp="$(mktemp -d)"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do stop_server "$p"; done
    rm -rf "$tmp"
}
trap cleanup EXIT
if [[ -n "${BENCH_DIR:-}" ]]; then
    mkdir -p "$BENCH_DIR"
    DIR="$(cd "$BENCH_DIR" && pwd)"
else
    DIR="$tmp"
fi

# The full MLflow in its own venv, made once: a marker holding the requirement is written
# last; callers at the same time serialize on a lock next to the venv (as scripts/mlflow-venv.sh).
mlflow_venv() {
    local venv="${MLT_SERVER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/mlt/venv-mlflow-full-3.17.2}"
    mkdir -p "$(dirname -- "$venv")"
    local marker="$venv/.mlt-ready"
    # A venv made with more (scripts/team-stack.sh's, with the same MLflow) does as well.
    has_mlflow() { [[ -f "$marker" && " $(cat "$marker") " == *" $MLFLOW_REQ "* && -x "$venv/bin/mlflow" ]]; }
    if has_mlflow; then
        printf '%s\n' "$venv"
        return
    fi
    (
        exec 9>"$venv.lock"
        flock 9
        if has_mlflow; then
            exit 0
        fi
        log "creating $venv ($MLFLOW_REQ, a few minutes)..."
        rm -rf -- "$venv"
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q "$MLFLOW_REQ"
        "$venv/bin/python" -c 'import mlflow, mlflow.server, sqlalchemy, uvicorn; print("mlflow", mlflow.__version__)' >&2
        printf '%s' "$MLFLOW_REQ" >"$marker.tmp.$$"
        mv -f -- "$marker.tmp.$$" "$marker"
    ) >&2
    printf '%s\n' "$venv"
}
VENV="$(mlflow_venv)"
PY="$VENV/bin/python"
CLIENT="$ROOT/scripts/bench_server.py"

# The search store: SEARCH_RUNS runs in experiment "bench", built by mlt exactly as bench.sh
# builds it (reused when BENCH_DIR has it).
build_store() {
    local runs=$1 store="$DIR/store-$1"
    if [[ -f "$store.ok" && "$(cat "$store.ok")" == "$STORE_VERSION" ]]; then
        log "reusing $store"
        return
    fi
    rm -rf "$store" "$store.ok" "$tmp/in"
    "$MLT" init "$store" >/dev/null 2>&1
    log "generating the search store of $runs runs..."
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
    MLT_STORE="$store" "$MLT" experiments create bench >/dev/null
    MLT_STORE="$store" MLT="$MLT" IN="$tmp/in" xargs -P "$(nproc)" -I{} bash -c '
        RUN=$("$MLT" runs start -e bench)
        "$MLT" log batch "$IN/{}.jsonl" --run "$RUN" 2>/dev/null
        "$MLT" runs end --run "$RUN"' < <(seq 0 $((runs - 1)))
    rm -rf "$tmp/in"
    printf '%s' "$STORE_VERSION" >"$store.ok"
}

# The same runs in an MLflow SQLite database ($DIR/sqlite-RUNS.db), rebuilt when the store
# changed.
build_sqlite() {
    local runs=$1 store="$DIR/store-$1" db="$DIR/sqlite-$1.db" want
    want="$SQLITE_VERSION $(cat "$store.ok") $(find "$store/mlruns" -maxdepth 2 | sort | md5sum | cut -d' ' -f1)"
    if [[ -f "$db.ok" && "$(cat "$db.ok")" == "$want" ]]; then
        log "reusing $db"
        return
    fi
    rm -rf "$db" "$db.ok" "$DIR/sqlite-artifacts"
    log "copying the $runs runs into $db..."
    "$PY" "$CLIENT" sqlite "$store" "$db" 2> >(grep -v 'INFO mlflow.store.db.utils\|alembic' >&2)
    printf '%s' "$want" >"$db.ok"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_health URL PID LOG: waits (up to 180 s) for GET URL/health to answer 200.
wait_health() {
    local url=$1 pid=$2 i
    for ((i = 0; i < 900; i++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        if python3 -c 'import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1] + "/health", timeout=2).status == 200 else 1)' \
            "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# Stops the server whose process group is PID (started with setsid): SIGTERM, then SIGKILL.
stop_server() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# start_server KIND: starts it over a fresh copy of the search store; sets URL and PID, or
# returns 1 with the reason in $tmp/out/KIND.why.
start_server() {
    local kind=$1 work="$tmp/$1" port
    rm -rf "$work"
    mkdir -p "$work"
    case $kind in
    file | sqlite)
        local uri
        if [[ $kind == file ]]; then
            cp -a "$DIR/store-$SEARCH_RUNS" "$work/store"
            uri="file:$work/store/mlruns"
        else
            cp "$DIR/sqlite-$SEARCH_RUNS.db" "$work/mlflow.db"
            uri="sqlite:///$work/mlflow.db"
        fi
        port=$(free_port)
        (cd "$work" && MLFLOW_ALLOW_FILE_STORE=true exec setsid "$VENV/bin/mlflow" server \
            --backend-store-uri "$uri" --serve-artifacts --artifacts-destination "$work/artifacts" \
            --host 127.0.0.1 --port "$port") >"$work/log" 2>&1 &
        PID=$!
        URL="http://127.0.0.1:$port"
        ;;
    mlt)
        cp -a "$DIR/store-$SEARCH_RUNS" "$work/store"
        setsid "$MLT" --store "$work/store" server --port 0 >"$work/log" 2>&1 &
        PID=$!
        local i
        URL=""
        for ((i = 0; i < 300; i++)); do
            URL=$(sed -n 's/.*Listening on \(http:[^ ]*\).*/\1/p' "$work/log" | head -n 1)
            [[ -n "$URL" ]] && break
            kill -0 "$PID" 2>/dev/null || break
            sleep 0.1
        done
        ;;
    esac
    PIDS+=("$PID")
    if [[ -z "$URL" ]] || ! wait_health "$URL" "$PID"; then
        echo "did not start or answer /health: $(tail -n 5 "$work/log")" >"$tmp/out/$kind.why"
        stop_server "$PID"
        return 1
    fi
    # One worker answering /health is not the whole server: wait until its processes are idle.
    "$PY" "$CLIENT" settle "$PID" || log "$kind: still busy after 180 s, starting anyway"
}

mkdir -p "$tmp/out"
printf '{"RUNS": %d, "METRIC_CALLS": %d, "SEARCH_RUNS": %d, "HISTORY": %d}\n' \
    "$RUNS" "$METRIC_CALLS" "$SEARCH_RUNS" "$HISTORY" >"$tmp/out/sizes.json"
build_store "$SEARCH_RUNS"
[[ " $SERVERS " == *" sqlite "* ]] && build_sqlite "$SEARCH_RUNS"

# The client keeps MLflow's defaults (retries included: uvicorn's supervisor restarts a worker
# that misses its health check under load, and the client retries the dropped request); only
# the run URL it prints after every run is turned off.
export MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT=true
declare -A SPENT
for kind in $SERVERS; do
    log "$kind: starting the server..."
    start=$(now)
    if start_server "$kind"; then
        log "$kind: the workload against $URL..."
        if ! "$PY" "$CLIENT" client "$URL" "$tmp/out/$kind.json" --pid "$PID" >"$tmp/$kind/client.out" 2>"$tmp/$kind/client.err"; then
            echo "the client crashed: $(tail -n 3 "$tmp/$kind/client.err")" >"$tmp/out/$kind.why"
        fi
        if [[ $kind == mlt ]]; then
            log "mlt: the floor (GET /health)..."
            "$PY" "$CLIENT" floor "$URL" "$tmp/out" 2>"$tmp/$kind/floor.err" ||
                log "floor failed: $(tail -n 3 "$tmp/$kind/floor.err")"
        fi
        stop_server "$PID"
        grep -c 'Child process .* died' "$tmp/$kind/log" >"$tmp/out/$kind.restarts" || true
    fi
    SPENT[$kind]=$(calc "$(now) - $start")
done

echo
echo "mlt server against mlflow server ($MLFLOW_REQ, defaults: uvicorn, 4 workers), MLflow's client"
echo "$($PY -c 'import mlflow; print(mlflow.__version__)') from $VENV; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'time per server, start to stop:'
for kind in $SERVERS; do printf ' %s %.0f s' "$kind" "${SPENT[$kind]}"; done
echo
echo
python3 "$CLIENT" report "$tmp/out"
