"""The web UI's speed (scripts/bench-ui.sh runs this): bench_ui.py MLT DIR.

Writes (once; DIR/store is reused when its marker is there) a store in MLflow's file-store
layout (/work/shared/docs/mlflow-file-store.md):
  - experiment 1 "table": 10,000 runs, 3 params, 3 metrics (one point each), 2 tags;
  - experiment 2 "compare": 20 runs, loss and acc at 100,000 steps each;
  - experiment 3 "report": 100 runs, 5 metrics at 10,000 steps each;
then starts `mlt server` on a free loopback port and measures, in headless Chromium, the time
from navigation to the runs table showing runs and to the compare view's charts all drawn;
the runs endpoint (warm, median of 5); and `mlt report` of experiment 3 (time and size).
"""
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid

from pw import browser_page

MLT, DIR = sys.argv[1], sys.argv[2]
STORE = os.path.join(DIR, "store")
MARKER = os.path.join(STORE, ".bench-ui-v1")
T0 = 1_700_000_000_000


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def experiment(eid, name):
    write(
        os.path.join(STORE, "mlruns", eid, "meta.yaml"),
        f"artifact_location: 'mlruns/{eid}'\ncreation_time: {T0}\nexperiment_id: '{eid}'\n"
        f"last_update_time: {T0}\nlifecycle_stage: 'active'\nname: '{name}'\n",
    )


def run(eid, name, start, params, metrics, tags=None):
    """A finished run; metrics: {key: text of its file ("timestamp value step" lines)}."""
    rid = uuid.uuid4().hex
    d = os.path.join(STORE, "mlruns", eid, rid)
    write(
        os.path.join(d, "meta.yaml"),
        f"artifact_uri: 'mlruns/{eid}/{rid}/artifacts'\nend_time: {start + 60_000}\n"
        f"entry_point_name: ''\nexperiment_id: '{eid}'\nlifecycle_stage: 'active'\n"
        f"run_id: '{rid}'\nrun_name: '{name}'\nsource_name: ''\nsource_type: 4\n"
        f"source_version: ''\nstart_time: {start}\nstatus: 3\ntags: []\nuser_id: 'bench'\n",
    )
    os.makedirs(os.path.join(d, "artifacts"), exist_ok=True)
    for k, v in params.items():
        write(os.path.join(d, "params", k), v)
    for k, text in metrics.items():
        write(os.path.join(d, "metrics", k), text)
    for k, v in dict({"mlflow.runName": name, "mlflow.user": "bench"}, **(tags or {})).items():
        write(os.path.join(d, "tags", k), v)
    return rid


def history(n, f, dt=100):
    return "".join(f"{T0 + s * dt} {f(s)!r} {s}\n" for s in range(n))


def build():
    if os.path.exists(MARKER):
        return
    t = time.time()
    subprocess.run([MLT, "init", "--store", STORE, "-q"], check=True)
    experiment("1", "table")
    for i in range(10_000):
        run(
            "1",
            f"run-{i:05d}",
            T0 + i * 1000,
            {"lr": str(10 ** -(1 + i % 4)), "batch": str(2 ** (4 + i % 5)), "opt": ["adam", "sgd"][i % 2]},
            {
                "loss": f"{T0 + i * 1000} {1 / (1 + i % 97)!r} 0\n",
                "acc": f"{T0 + i * 1000} {(i % 89) / 89!r} 0\n",
                "f1": f"{T0 + i * 1000} {(i % 83) / 83!r} 0\n",
            },
        )
    experiment("2", "compare")
    for i in range(20):
        run(
            "2",
            f"long-{i:02d}",
            T0 + i * 1000,
            {"lr": str(0.001 * (i + 1))},
            {
                "loss": history(100_000, lambda s: (1 + i / 10) * math.exp(-s / 20_000) + 0.01 * math.sin(s / 50)),
                "acc": history(100_000, lambda s: 1 - math.exp(-s / 30_000) * (1 - i / 40)),
            },
        )
    experiment("3", "report")
    for i in range(100):
        run(
            "3",
            f"rep-{i:03d}",
            T0 + i * 1000,
            {"lr": str(0.001 * (i + 1)), "seed": str(i)},
            {
                k: history(10_000, lambda s: math.sin(s * 0.001 + i + j) / math.sqrt(1 + s))
                for j, k in enumerate(["loss", "acc", "lr", "grad_norm", "val_loss"])
            },
        )
    write(MARKER, "")
    print(f"store written in {time.time() - t:.0f} s: {STORE}", file=sys.stderr)


def timed(page, predicate):
    """The page's clock (ms since navigation) when predicate first holds, or None after 120 s."""
    try:
        return page.wait_for_function(predicate, polling="raf", timeout=120_000).json_value()
    except Exception as e:  # a timeout: the figure is reported as missing, the rest goes on
        print(f"timed out: {str(e).splitlines()[0]}", file=sys.stderr)
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url) as r:
        return r.read()


def main():
    build()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [MLT, "server", "--store", STORE, "--host", "127.0.0.1", "--port", str(port), "--log-level", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        for _ in range(300):
            try:
                get(base + "/mlt-api/v1/experiments")
                break
            except OSError:
                time.sleep(0.1)
        # The runs endpoint, 10,000 runs: once to warm, then the median of 5.
        get(base + "/mlt-api/v1/runs?experiments=1")
        times = []
        size = 0
        for _ in range(5):
            t = time.perf_counter()
            body = get(base + "/mlt-api/v1/runs?experiments=1")
            times.append(time.perf_counter() - t)
            size = len(body)
        n = len(json.loads(body)["runs"])
        assert n == 10_000, n
        api_ms = statistics.median(times) * 1000
        compare_ids = [r["run_id"] for r in json.loads(get(base + "/mlt-api/v1/runs?experiments=2"))["runs"]]
        assert len(compare_ids) == 20, len(compare_ids)

        with browser_page(base) as (page, seen):
            # Warm the page's script and styles in the cache, as a user's second visit.
            page.goto(base + "/")
            page.wait_for_load_state("load")
            page.goto(base + "/experiments/1", wait_until="commit")
            table_ms = timed(page,
                """() => { const a = document.getElementById('app');
                    return a && /run-\\d{5}/.test(a.textContent) ? performance.now() : false; }""",
            )
            page.goto(base + "/compare?runs=" + ",".join(compare_ids), wait_until="commit")
            compare_ms = timed(page,
                """() => {
                    const cells = document.querySelectorAll('.chart-cell');
                    if (cells.length < 2) return false;
                    for (const c of cells) if (!c.dataset.loaded) return false;
                    const cs = document.querySelectorAll('.chart-cell canvas');
                    if (!cs.length) return false;
                    for (const c of cs) {
                        if (!c.width || !c.height) return false;
                        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                        let any = false;
                        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) { any = true; break; }
                        if (!any) return false;
                    }
                    return performance.now();
                }""",
            )
            charts = page.evaluate("document.querySelectorAll('.chart-cell canvas').length")
    finally:
        server.terminate()
        server.wait()

    out = os.path.join(DIR, "report.html")
    t = time.perf_counter()
    subprocess.run([MLT, "report", "--store", STORE, "-e", "report", "-o", out, "-q"], check=True)
    report_s = time.perf_counter() - t
    report_mb = os.path.getsize(out) / 1e6

    def row(what, figure, target, ok):
        rows.append((what, figure, target, "ok" if ok else "MISSED"))

    def secs(ms):
        return "timeout" if ms is None else f"{ms / 1000:.2f} s"

    row("10,000-run table shows runs (after navigation)", secs(table_ms), "< 1 s", table_ms is not None and table_ms < 1000)
    row(f"compare 20 runs x 100,000 steps drawn ({charts} canvases)", secs(compare_ms), "< 1 s", compare_ms is not None and compare_ms < 1000)
    row(f"runs endpoint, 10,000 runs, warm (median of 5, {size / 1e6:.1f} MB)", f"{api_ms:.0f} ms", "< 200 ms", api_ms < 200)
    row("mlt report, 100 runs x 5 metrics x 10,000 steps", f"{report_s:.2f} s", "< 2 s", report_s < 2)
    row("  its size", f"{report_mb:.2f} MB", "< 3 MB", report_mb < 3)
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  {'figure':>9}  {'target':>9}")
    for what, figure, target, verdict in rows:
        print(f"{what:<{w}}  {figure:>9}  {target:>9}  {verdict}")


main()
