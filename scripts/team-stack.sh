#!/usr/bin/env bash
# A team's MLflow tracking stack on loopback, for the push/pull tests (tests/interop/team.rs),
# .ci/run and scripts/bench-push.sh:
#   - the full mlflow==3.17.2 `mlflow server`, in its own cached venv (created on first use);
#   - PostgreSQL (Debian's postgresql package; initdb in a temp folder, a free loopback port);
#   - S3 on moto_server, proxied by the server (--artifacts-destination s3://BUCKET/artifacts);
#   or, with --mode pg-direct, the same with S3 not proxied (runs get s3:// locations);
#   or, with --mode sqlite, MLflow over SQLite with proxied local artifacts (fast).
#
#   team-stack.sh venv                 ensure the venv; print its python
#   team-stack.sh serve [OPTIONS]      start; print KEY=VALUE lines (MLFLOW_URL=..., S3_ENDPOINT=...,
#                                      PG_URL=..., STACK_DIR=..., then READY=1); stay up until
#                                      stdin closes or SIGTERM, then stop all and remove the folder
#   team-stack.sh start [OPTIONS]      the same, in the background: prints the lines and returns;
#                                      end it with `team-stack.sh stop "$STACK_DIR"`
#   team-stack.sh stop DIR             stop a started stack and remove its folder
# OPTIONS: --mode pg|pg-direct|sqlite (default pg), --servers 1|2 (2: a second server, MLFLOW_URL_B),
#          --workers N (the MLflow servers' workers, default 2), --dir PARENT (for the temp folder)
#
#   MLT_STACK_VENV  venv dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/mlt/venv-mlflow-server-3.17.2)
#   MLT_PYTHON      interpreter that creates the venv (default python3; 3.11 is what is tested)
#
# Idempotent: the venv's marker (.mlt-ready, holding the pinned requirements) is written last;
# concurrent callers serialize on an flock'ed lock beside the venv. Everything listens on
# 127.0.0.1 only.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd -P)"
# mlflow-export-import is for the benchmark (scripts/bench-push.sh) only.
REQS="mlflow==3.17.2 psycopg2-binary==2.9.13 boto3==1.44.8 botocore==1.44.8 moto[server]==5.2.5 mlflow-export-import==1.2.0"

VENV="${MLT_STACK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/mlt/venv-mlflow-server-3.17.2}"
BASE_PY="${MLT_PYTHON:-python3}"

ensure_venv() {
    mkdir -p "$(dirname -- "$VENV")"
    VENV="$(cd -- "$(dirname -- "$VENV")" && pwd -P)/$(basename -- "$VENV")"
    PY="$VENV/bin/python"
    local marker="$VENV/.mlt-ready" lock="$VENV.lock"
    ready() { [[ -f "$marker" && -x "$PY" && "$(cat -- "$marker" 2>/dev/null)" == "$REQS" ]]; }
    ready && return 0
    exec 9>"$lock"
    flock 9
    if ! ready; then
        {
            echo "team-stack: creating $VENV ($REQS)"
            rm -rf -- "$VENV"
            "$BASE_PY" -m venv "$VENV"
            # shellcheck disable=SC2086
            "$PY" -m pip install --disable-pip-version-check --no-input -q $REQS
            "$PY" -c 'import mlflow, psycopg2, boto3, moto, mlflow_export_import, sqlalchemy; print("team-stack: mlflow", mlflow.__version__, "moto", moto.__version__)'
            printf '%s' "$REQS" >"$marker.tmp.$$"
            mv -f -- "$marker.tmp.$$" "$marker"
        } 1>&2
    fi
    exec 9>&-
}

# PostgreSQL's server binaries: Debian's package keeps them in /usr/lib/postgresql/N/bin.
ensure_postgres() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            PATH="$d:$PATH"
            export PATH
            return 0
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null && command -v postgres >/dev/null; then
        return 0
    fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "team-stack: PostgreSQL's initdb/pg_ctl are missing (apt-get install postgresql)" >&2
        return 1
    fi
    echo "team-stack: installing PostgreSQL (apt-get install postgresql)" >&2
    {
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends postgresql
    } 1>&2
    for d in /usr/lib/postgresql/*/bin; do
        if [[ -x "$d/initdb" ]]; then
            PATH="$d:$PATH"
            export PATH
            return 0
        fi
    done
    echo "team-stack: PostgreSQL installed but initdb not found" >&2
    return 1
}

wants_pg() {
    local mode=pg prev=""
    for a in "$@"; do
        [[ "$prev" == "--mode" ]] && mode="$a"
        [[ "$a" == --mode=* ]] && mode="${a#--mode=}"
        prev="$a"
    done
    [[ "$mode" == pg || "$mode" == pg-direct ]]
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
venv)
    ensure_venv
    printf '%s\n' "$PY"
    ;;
serve)
    ensure_venv
    if wants_pg "$@"; then ensure_postgres; fi
    exec "$PY" "$HERE/team_stack.py" serve "$@"
    ;;
start)
    ensure_venv
    if wants_pg "$@"; then ensure_postgres; fi
    out="$(mktemp)"
    # Detached: its own session, stdin from /dev/null; it ends on `stop` (SIGTERM).
    setsid "$PY" "$HERE/team_stack.py" serve --detach "$@" </dev/null >"$out" &
    pid=$!
    while ! grep -q '^READY=1$' "$out" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" || true
            rm -f -- "$out"
            echo "team-stack: the stack did not start (see above)" >&2
            exit 1
        fi
        sleep 0.2
    done
    cat -- "$out"
    rm -f -- "$out"
    ;;
stop)
    [[ $# -eq 1 ]] || { echo "usage: team-stack.sh stop STACK_DIR" >&2; exit 2; }
    ensure_venv
    exec "$PY" "$HERE/team_stack.py" stop "$1"
    ;;
*)
    sed -n '2,26p' "$0" >&2
    exit 2
    ;;
esac
