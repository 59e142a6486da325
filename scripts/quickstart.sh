#!/usr/bin/env bash
# Quickstart: a small training loop in plain shell, tracked with mlt, then compared.
#
#   scripts/quickstart.sh [STORE_DIR]
#
# Builds mlt (unless $MLT names a binary), creates a store (default: a new temp folder),
# trains three "models" with different learning rates, and lists the runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${MLT:-}" ]]; then
    cargo build --release --quiet
    MLT="$PWD/target/release/mlt"
fi
mlt() { "$MLT" "$@"; }

STORE="${1:-$(mktemp -d)/store}"
mlt init "$STORE" >/dev/null
export MLT_STORE="$STORE"
work="$(mktemp -d)"

# The "training": loss decays with the learning rate; accuracy follows.
train_step() { # lr epoch -> "loss acc"
    awk -v lr="$1" -v e="$2" 'BEGIN { l = exp(-lr * 10 * (e + 1)) + 0.05; printf "%.4f %.4f\n", l, 1 - l / 1.05 }'
}

for lr in 0.1 0.03 0.01; do
    RUN=$(mlt runs start -e quickstart --name "lr-$lr" -t model=toy -d "learning rate $lr")
    export MLT_RUN_ID="$RUN"
    mlt log params lr="$lr" epochs=5 optimizer=sgd
    for epoch in 0 1 2 3 4; do
        read -r loss acc < <(train_step "$lr" "$epoch")
        mlt log metrics loss="$loss" accuracy="$acc" --step "$epoch"
    done
    echo "weights for lr=$lr" > "$work/model.txt"
    mlt artifacts log "$work/model.txt" --path model
    mlt runs end
done

# A loop that streams its metrics as JSON lines into one mlt process.
RUN=$(mlt runs start -e quickstart --name streamed)
for step in $(seq 0 99); do
    printf '{"step": %d, "metrics": {"loss": %s}}\n' "$step" "$(awk -v s="$step" 'BEGIN { printf "%.5f", 1 / (s + 1) }')"
done | mlt log batch --run "$RUN"
mlt runs end --run "$RUN"
unset MLT_RUN_ID

echo "Runs in $STORE:" >&2
mlt runs list -e quickstart
BEST=$(mlt runs list -e quickstart --format json | python3 -c '
import json, sys
runs = [r for r in json.load(sys.stdin)["runs"] if any(m["key"] == "accuracy" for m in r["data"]["metrics"])]
best = max(runs, key=lambda r: next(m["value"] for m in r["data"]["metrics"] if m["key"] == "accuracy"))
print(best["info"]["run_id"])')
echo "Best run by accuracy:" >&2
mlt runs show "$BEST"
rm -rf "$work"
