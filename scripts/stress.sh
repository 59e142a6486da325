#!/usr/bin/env bash
# Stress campaign (not a test: cargo test and CI do not run it). It attacks a release mlt with
# concurrency, kill -9, a full disk and crafted bundles, and prints one table:
# campaign | trials | survivors | losses | store check | what a loss means.
#
#   scripts/stress.sh [--quick] [CAMPAIGN ...]
#
# Campaigns (default: all, in this order):
#   writers      16 concurrent `mlt log batch` x 10,000 lines of one metric into one run; every
#                (writer, line) pair must land exactly once, whole.
#   experiments  64 concurrent `mlt runs start -e NEW` (5 rounds) and `mlt run -e NEW -- true`
#                (1 round): no command fails, one experiment of the name.
#   params       150 rounds of two concurrent `mlt log batch` giving one new param two values:
#                exactly one wins, and its value is the one stored.
#   kill         300 kill -9 at a random moment of `log metrics` (200 keys), `log params` (200),
#                `artifacts log` (5,000 files), `models register`, `import`, `export` and
#                `store merge`, each on a fresh copy of a small store; then `mlt store check
#                --repair` and `mlt store check` (must exit 0; "n/a" when the build has no
#                `store check`), MLflow's client reading every run, metric history, artifact and
#                model version, and every file there before the kill still there (metric files
#                may only have grown).
#   disk         (root only) a store on a full 2 MB tmpfs: every writing command must fail with
#                exit 1 and one error line (or succeed, when it fits), the store stays readable
#                by mlt and MLflow and `store check` is clean after --repair; with the space
#                freed, the same commands succeed.
#   bundles      crafted bundles against `mlt import`: `..` and absolute names, symlinks and
#                hard links, duplicate entries, a device, a lying manifest, an artifact_uri
#                outside the bundle, a gzip bomb. Each must be refused (or the bad run skipped
#                with a warning), read and write nothing outside, leave the store as it was and
#                use bounded scratch.
#
# Options and environment:
#   --quick        every count x 0.1 (same as STRESS_SCALE=0.1): a smoke run of a few minutes
#   STRESS_SCALE   factor on every count (default 1, the full size)
#   STRESS_DIR     work in this folder and keep it (default: a temp folder, removed at exit);
#                  it holds losses.log (every loss) and mlflow-reader.log
#   STRESS_KEEP=1  also keep copies of the first stores a kill broke (under STRESS_DIR/kill)
#   STRESS_SEED    seed of the random kill moments
#   MLT            the mlt binary (default: build this checkout's release binary)
#
# Exit status: 0 when nothing was lost, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

campaigns=()
for a in "$@"; do
    case "$a" in
        --quick) export STRESS_SCALE="${STRESS_SCALE:-0.1}" ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "error: unknown option $a (see --help)" >&2
            exit 2
            ;;
        *) campaigns+=("$a") ;;
    esac
done

if [[ -z "${MLT:-}" ]]; then
    cargo build --release --quiet
    MLT="$PWD/target/release/mlt"
fi
MLT="$(cd "$(dirname "$MLT")" && pwd)/$(basename "$MLT")"
export MLT
PY="$(bash scripts/mlflow-venv.sh)"

if [[ -n "${STRESS_DIR:-}" ]]; then
    mkdir -p "$STRESS_DIR"
    work="$(cd "$STRESS_DIR" && pwd)"
    keep=1
else
    work="$(mktemp -d)"
    keep=0
fi
mnt="$work/tmpfs"
mounted=0
cleanup() {
    if [[ $mounted == 1 ]]; then
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
    fi
    if [[ $keep == 0 ]]; then
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh start in a kept folder (a previous run's stores would be in the way).
for c in writers experiments params kill disk bundles; do rm -rf "${work:?}/$c"; done

want_disk=1
if [[ ${#campaigns[@]} -gt 0 ]]; then
    want_disk=0
    for c in "${campaigns[@]}"; do [[ $c == disk ]] && want_disk=1; done
fi
if [[ $want_disk == 1 ]]; then
    if [[ $(id -u) != 0 ]]; then
        export STRESS_TMPFS_WHY="skipped: needs root"
    else
        mkdir -p "$mnt"
        if mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then
            mounted=1
            export STRESS_TMPFS="$mnt"
        else
            export STRESS_TMPFS_WHY="skipped: cannot mount a tmpfs here"
        fi
    fi
fi

export STRESS_WORK="$work"
echo "stress: mlt $MLT, work folder $work, scale ${STRESS_SCALE:-1}" >&2
status=0
"$PY" scripts/stress.py "${campaigns[@]}" || status=$?
if [[ $keep == 1 ]]; then
    echo "stress: every loss is in $work/losses.log" >&2
fi
exit "$status"
