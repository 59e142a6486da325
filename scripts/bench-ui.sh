#!/usr/bin/env bash
# The web UI's speed against issue 13's targets, in headless Chromium (Debian's, driven by the
# Playwright venv of scripts/browser-env.sh), over a release build:
#   - a 10,000-run experiment's table shows runs        (target < 1 s after navigation)
#   - compare of 20 runs x 100,000 steps draws           (target < 1 s, every canvas has pixels)
#   - the runs endpoint for 10,000 runs, warm            (target < 200 ms, median of 5)
#   - mlt report of 100 runs x 5 metrics x 10,000 steps  (target < 2 s; its size, < 3 MB)
# Prints one table: each figure beside its target.
#
#   scripts/bench-ui.sh                  # the stores in a temporary folder, removed after
#   BENCH_DIR=/dev/shm/ui-bench scripts/bench-ui.sh   # kept there, reused by the next run
# The stores take about 1 GB (130,000 small files): a tmpfs is a good place for them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
MLT="${CARGO_TARGET_DIR:-$PWD/target}/release/mlt"
PY="$(bash scripts/browser-env.sh)"
if [ -z "${BENCH_DIR:-}" ]; then
  BENCH_DIR="$(mktemp -d)"
  trap 'rm -rf "$BENCH_DIR"' EXIT
fi
mkdir -p "$BENCH_DIR"
env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY \
  PYTHONPATH="$PWD/tests/browser" "$PY" tests/browser/bench_ui.py "$MLT" "$BENCH_DIR"
