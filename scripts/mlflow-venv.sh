#!/usr/bin/env bash
# Ensure a virtualenv with the real MLflow (pinned) exists for the interop tests,
# and print ONLY the absolute path of its python on stdout (everything else -> stderr).
#
#   MLT_VENV     venv dir (default: ${XDG_CACHE_HOME:-$HOME/.cache}/mlt/venv-mlflow-3.17.2-sklearn-sql)
#   MLT_PYTHON   interpreter used to create the venv (default: python3)
#
# Idempotent: a marker file (.mlt-ready, holding the pinned requirements) is written
# last. A venv dir without a matching marker is first checked (an existing venv with
# exactly the pinned versions is adopted), otherwise removed and recreated.
# Concurrent callers serialize on an flock'ed lock file next to the venv.
set -euo pipefail

MLFLOW_PIN="mlflow-skinny==3.17.2"
PANDAS_PIN="pandas==3.1.1"
# scikit-learn and skops: the model-package tests load an sklearn model (MLflow 3's default
# serialization format is skops).
SKLEARN_PINS="scikit-learn==1.9.1 skops==0.16.0"
# sqlalchemy and alembic: MLflow's SQLite store (mlflow.db), which mlflow-skinny leaves out;
# the interop suite has MLflow write an mlflow.db for `mlt import` to read.
SQL_PINS="sqlalchemy==2.0.58 alembic==1.16.5"
REQS="$MLFLOW_PIN $PANDAS_PIN $SKLEARN_PINS $SQL_PINS"

VENV="${MLT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/mlt/venv-mlflow-3.17.2-sklearn-sql}"
BASE_PY="${MLT_PYTHON:-python3}"

mkdir -p "$(dirname -- "$VENV")"
VENV="$(cd -- "$(dirname -- "$VENV")" && pwd -P)/$(basename -- "$VENV")"
PY="$VENV/bin/python"
MARKER="$VENV/.mlt-ready"
LOCK="$VENV.lock"

ready() {
    [[ -f "$MARKER" && -x "$PY" && "$(cat -- "$MARKER" 2>/dev/null)" == "$REQS" ]]
}

# Fast path: no lock needed, the marker is only ever created (atomically) last.
if ready; then
    printf '%s\n' "$PY"
    exit 0
fi

exec 9>"$LOCK"
flock 9

if ! ready; then
    {
        write_marker() {
            printf '%s' "$REQS" >"$MARKER.tmp.$$"
            mv -f -- "$MARKER.tmp.$$" "$MARKER"
        }
        adopted=0
        if [[ -d "$VENV" && -x "$PY" ]]; then
            # A venv built by hand (or by an older copy of this script) without the
            # marker: keep it if it has exactly the pinned versions.
            if "$PY" - "$REQS" <<'PYEOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
for req in sys.argv[1].split():
    name, want = req.split("==")
    if version(name) != want:
        sys.exit(1)
import mlflow, pandas, sklearn, skops, sqlalchemy, alembic  # noqa: F401  (importable, not just installed)
PYEOF
            then
                echo "mlflow-venv: adopting existing venv $VENV" >&2
                write_marker
                adopted=1
            fi
        fi
        if [[ $adopted -eq 0 ]]; then
            echo "mlflow-venv: creating $VENV ($REQS)" >&2
            rm -rf -- "$VENV"
            "$BASE_PY" -m venv "$VENV"
            "$PY" -m pip install --disable-pip-version-check --no-input -q $REQS
            # Fail now rather than in the tests if the install is unusable.
            "$PY" -c 'import mlflow, pandas, sklearn, skops, sqlalchemy, alembic; print("mlflow", mlflow.__version__, "pandas", pandas.__version__, "sklearn", sklearn.__version__, "sqlalchemy", sqlalchemy.__version__)'
            write_marker
        fi
    } 1>&2
fi

printf '%s\n' "$PY"
