#!/usr/bin/env bash
# Quickstart: a small training script in plain shell, run and tracked with `mlt run`, then
# compared.
#
#   scripts/quickstart.sh [STORE_DIR]
#
# Builds mlt (unless $MLT names a binary), creates a store (default: a new temp folder),
# trains three "models" with different learning rates, one more that only prints its metrics,
# and lists the runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${MLT:-}" ]]; then
    echo "Building mlt in release mode (the first build takes a few minutes)..." >&2
    cargo build --release --quiet
    MLT="$PWD/target/release/mlt"
fi
work="$(mktemp -d)"
# The training scripts call `mlt` too: put it on the PATH.
mkdir -p "$work/bin"
ln -s "$MLT" "$work/bin/mlt"
export PATH="$work/bin:$PATH"

STORE="${1:-$(mktemp -d)/store}"
mlt init "$STORE" >/dev/null
export MLT_STORE="$STORE"

# The "training": loss decays with the learning rate; accuracy follows. `mlt run` gives the
# script its run (MLT_RUN_ID), so plain `mlt log` calls land there.
cat >"$work/train.sh" <<'EOF'
lr="$1"
for epoch in 0 1 2 3 4; do
    read -r loss acc < <(awk -v lr="$lr" -v e="$epoch" 'BEGIN { l = exp(-lr * 10 * (e + 1)) + 0.05; printf "%.4f %.4f\n", l, 1 - l / 1.05 }')
    mlt log metrics loss="$loss" accuracy="$acc" --step "$epoch"
    echo "epoch $epoch: loss $loss"
done
echo "weights for lr=$lr" > model.txt
mlt artifacts log model.txt --path model
EOF

# Each run records its params, the command, the output (stdout.txt), git state and exit code.
cd "$work"
for lr in 0.1 0.03 0.01; do
    mlt run -e quickstart --name "lr-$lr" -t model=toy -d "learning rate $lr" \
        -P lr="$lr" -P epochs=5 -P optimizer=sgd -- bash train.sh "$lr"
done

# A loop that only prints its metrics: `--parse-metrics` reads them from its output.
cat >"$work/loop.sh" <<'EOF'
for step in $(seq 0 99); do
    echo "step=$step loss=$(awk -v s="$step" 'BEGIN { printf "%.5f", 1 / (s + 1) }')"
done
EOF
mlt run -e quickstart --name streamed --parse-metrics -- bash loop.sh >/dev/null

echo "Runs in $STORE:" >&2
mlt runs list -e quickstart
BEST=$(mlt runs list -e quickstart --format json | python3 -c '
import json, sys
runs = [r for r in json.load(sys.stdin)["runs"] if any(m["key"] == "accuracy" for m in r["data"]["metrics"])]
best = max(runs, key=lambda r: next(m["value"] for m in r["data"]["metrics"] if m["key"] == "accuracy"))
print(best["info"]["run_id"])')
echo "Best run by accuracy:" >&2
mlt runs show "$BEST"
cd /
rm -rf "$work"

cat >&2 <<EOF

Done: the store is $STORE. Things to try next:
  export MLT_STORE=$STORE
  $MLT runs compare -e quickstart     # the runs side by side, best values marked
  $MLT metrics history lr-0.1 --plot  # a run by its name: its curves in the terminal
  $MLT runs search --filter "metrics.accuracy > 0.5" --order-by metrics.loss
  $MLT artifacts cat runs:/$BEST/stdout.txt
To have mlt on your PATH: cargo install --path .   (then: mlt --help)
EOF
