#!/usr/bin/env bash
# Ensure what the browser tests need, and print ONLY the absolute path of the python that has
# Playwright on stdout (everything else -> stderr):
#   - Debian's chromium at /usr/bin/chromium (installed with apt-get when missing; never
#     `playwright install`: a browser download cannot work here);
#   - a virtualenv with Python's playwright (pinned), cached outside the repo.
#
#   MLT_BROWSER_VENV  venv dir (default: ${XDG_CACHE_HOME:-$HOME/.cache}/mlt/venv-playwright-1.63.0)
#   MLT_PYTHON        interpreter used to create the venv (default: python3)
#
# Idempotent; concurrent callers serialize on an flock'ed lock file next to the venv.
set -euo pipefail

PW_PIN="playwright==1.63.0"
VENV="${MLT_BROWSER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/mlt/venv-playwright-1.63.0}"
BASE_PY="${MLT_PYTHON:-python3}"

mkdir -p "$(dirname -- "$VENV")"
PY="$VENV/bin/python"
MARKER="$VENV/.mlt-ready"
LOCK="$VENV.lock"

ready() {
    [[ -x /usr/bin/chromium && -f "$MARKER" && -x "$PY" && "$(cat -- "$MARKER" 2>/dev/null)" == "$PW_PIN" ]]
}
if ready; then
    printf '%s\n' "$PY"
    exit 0
fi

exec 9>"$LOCK"
flock 9
{
    if [[ ! -x /usr/bin/chromium ]]; then
        echo "browser-env: installing Debian's chromium with apt-get" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    fi
    if [[ ! -f "$MARKER" || "$(cat -- "$MARKER" 2>/dev/null)" != "$PW_PIN" ]]; then
        echo "browser-env: creating $VENV" >&2
        rm -rf -- "$VENV"
        "$BASE_PY" -m venv "$VENV"
        "$PY" -m pip install -q --disable-pip-version-check "$PW_PIN"
        printf '%s' "$PW_PIN" >"$MARKER.tmp.$$"
        mv -f -- "$MARKER.tmp.$$" "$MARKER"
    fi
} >&2
printf '%s\n' "$PY"
