"""The client side of scripts/bench-server.sh (a benchmark, not a test).

    bench_server.py client URL OUT.json --pid PID   the workload against one server, with MLflow's
                                                    own client (run it from the full MLflow venv)
    bench_server.py floor URL OUT_DIR               the same numbers of requests to GET /health
    bench_server.py sqlite STORE DB                 copies the runs of a file store into a new
                                                    MLflow SQLite database (schema by MLflow)
    bench_server.py settle PID                      waits until the server's processes are idle
    bench_server.py report OUT_DIR                  prints the table (any python3)

Sizes come from the environment (bench-server.sh sets them): BENCH_RUNS, BENCH_METRIC_CALLS,
BENCH_HISTORY, BENCH_REPEAT, BENCH_FILTER, BENCH_ORDER.
"""

import json
import os
import statistics
import sys
import threading
import time

RUNS = int(os.environ.get("BENCH_RUNS", "100"))
METRIC_CALLS = int(os.environ.get("BENCH_METRIC_CALLS", "1000"))
HISTORY = int(os.environ.get("BENCH_HISTORY", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
FILTER = os.environ.get("BENCH_FILTER", "metrics.acc > 0.5 and params.lr = '0.01'")
ORDER = os.environ.get("BENCH_ORDER", "metrics.loss")
SEARCH_EXPERIMENT = "bench"
PAGE = 1000

# (key, label) of every timed workload, in the order they run and are shown.
WORKLOADS = [
    ("batch", "(a) {RUNS} runs x 10 params x 20 metrics x 100 steps, log_batch"),
    ("metric", "(b) {METRIC_CALLS} x log_metric"),
    ("search", "(c) search_runs, filter + order, {SEARCH_RUNS} runs"),
    ("history_log", "    (setup of d) log_batch of {HISTORY} points of one metric"),
    ("history", "(d) get_metric_history, {HISTORY} points"),
]
# Workloads that the targets are about: key -> (minimum ratio vs file, vs sqlite).
TARGETS = {"batch": (5, 5), "metric": (5, 5), "search": (50, None)}


# ---------------------------------------------------------------------------------------------
# The server's process tree: RSS and CPU time, from /proc.


def tree(pid):
    """pid and all its descendants (alive now)."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_rss(pids):
    """Sum of VmRSS of the processes, bytes (shared pages counted in every process)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def tree_cpu(pids):
    """utime + stime of the processes and of their waited-for children, seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += sum(int(x) for x in fields[11:15])
    return total / tick


class Sampler(threading.Thread):
    """Samples the RSS of the server's process tree every INTERVAL seconds, by phase."""

    INTERVAL = 0.2

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.phase = "idle"
        self.samples = []  # (phase, bytes)
        self.stop = threading.Event()
        self.pids = tree(pid)
        self.last_tree = 0.0

    def sample(self):
        now = time.monotonic()
        if now - self.last_tree > 1.0:  # new workers are rare; walking /proc is not free
            self.pids = tree(self.pid)
            self.last_tree = now
        self.samples.append((self.phase, tree_rss(self.pids)))

    def run(self):
        while not self.stop.wait(self.INTERVAL):
            self.sample()

    def summary(self):
        by = lambda ph: [b for p, b in self.samples if p == ph] or [0]
        load = [b for p, b in self.samples if p not in ("idle", "after")] or [0]
        return {
            "start": max(by("idle")),
            "peak": max(load),
            "end": by("after")[-1],
            "processes": len(tree(self.pid)),
            "per_workload": {
                k: max(by(k)) for k, _ in WORKLOADS if any(p == k for p, _ in self.samples)
            },
        }


# ---------------------------------------------------------------------------------------------
# The workload, with MLflow's own client.


def client(url, out, pid):
    import requests

    counter = {"n": 0}
    orig = requests.Session.request

    def counting(self, *a, **kw):
        counter["n"] += 1
        return orig(self, *a, **kw)

    requests.Session.request = counting

    import mlflow
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    mlflow.set_tracking_uri(url)
    c = MlflowClient()
    sampler = Sampler(pid)
    sampler.sample()
    sampler.start()
    time.sleep(1.0)
    results = {}

    def timed(key, fn, repeat=1):
        """Runs fn() `repeat` times: the median wall time, the server's CPU time per call."""
        sampler.phase = key
        walls, cpus, mine = [], [], []
        requests_before = counter["n"]
        try:
            value = None
            for _ in range(repeat):
                pids = tree(pid)
                cpu0 = tree_cpu(pids)
                c0 = time.process_time()
                t0 = time.perf_counter()
                value = fn()
                walls.append(time.perf_counter() - t0)
                mine.append(time.process_time() - c0)
                cpus.append(tree_cpu(pids) - cpu0)
            results[key] = {
                "seconds": statistics.median(walls),
                "min": min(walls),
                "max": max(walls),
                "server_cpu": statistics.median(cpus),
                "client_cpu": statistics.median(mine),
                "requests": (counter["n"] - requests_before) // repeat,
                "repeat": repeat,
            }
            return value
        except Exception as e:  # a failed workload is a result, not a crash
            msg = " ".join(str(e).split())
            results[key] = {"error": f"{type(e).__name__}: {msg[:400]}"}
            return None
        finally:
            sampler.phase = "between"

    # (a) runs through log_batch; the data is made before the clock starts.
    names = ["acc", "loss"] + [f"m{i}" for i in range(2, 20)]
    ts = 1700000000000
    batches = [
        (
            [Param("lr", ["0.1", "0.01", "0.001"][r % 3])]
            + [Param(f"p{i}", str(r * i % 7)) for i in range(1, 10)],
            [
                Metric(n, ((r * 31 + s * 7 + j) % 1000) / 1000, ts + s, s)
                for s in range(100)
                for j, n in enumerate(names)
            ],
        )
        for r in range(RUNS)
    ]

    def batch():
        exp = c.create_experiment(f"bench-log-{time.time_ns()}")
        for params, metrics in batches:
            run = c.create_run(exp)
            c.log_batch(run.info.run_id, metrics=metrics, params=params)
            c.set_terminated(run.info.run_id)
        return exp

    exp = timed("batch", batch)

    # (b) single log_metric calls into one run.
    def metric():
        run = c.create_run(exp if exp else "0")
        for i in range(METRIC_CALLS):
            c.log_metric(run.info.run_id, "loss", i / METRIC_CALLS, timestamp=ts + i, step=i)

    timed("metric", metric)

    # (c) search over the experiment of the copied store, every page.
    def search():
        e = c.get_experiment_by_name(SEARCH_EXPERIMENT)
        if e is None:
            raise RuntimeError(f"no experiment {SEARCH_EXPERIMENT!r} on the server")
        ids, token = [], None
        while True:
            page = c.search_runs(
                [e.experiment_id], FILTER, order_by=[ORDER], max_results=PAGE, page_token=token
            )
            ids.extend(r.info.run_id for r in page)
            token = page.token
            if not token:
                return ids

    ids = timed("search", search, REPEAT)
    if ids is not None:
        results["search"]["found"] = len(ids)
        results["search"]["ids"] = ids

    # (d) one metric of HISTORY points, logged (timed apart), then read back.
    history_run = {}

    def history_log():
        run = c.create_run(exp if exp else "0")
        points = [Metric("h", (i % 977) / 977, ts + i, i) for i in range(HISTORY)]
        c.log_batch(run.info.run_id, metrics=points)
        history_run["id"] = run.info.run_id

    timed("history_log", history_log)

    def history():
        if "id" not in history_run:
            raise RuntimeError("no run with the metric (its logging failed)")
        got = c.get_metric_history(history_run["id"], "h")
        if len(got) != HISTORY:
            raise RuntimeError(f"{len(got)} points back instead of {HISTORY}")
        return got

    timed("history", history, REPEAT)

    sampler.phase = "after"
    time.sleep(2.0)
    sampler.sample()
    sampler.stop.set()
    sampler.join()
    results["memory"] = sampler.summary()
    with open(out, "w") as f:
        json.dump(results, f)


def floor(url, out_dir):
    """The same number of requests as each workload made (against MLflow's file store, else
    SQLite, else mlt) to GET /health, through MLflow's HTTP layer."""
    from mlflow.utils.rest_utils import MlflowHostCreds, http_request

    counts = {}
    for s in ("mlt", "sqlite", "file"):
        try:
            with open(os.path.join(out_dir, f"{s}.json")) as f:
                res = json.load(f)
        except (OSError, ValueError):
            continue
        for key, _ in WORKLOADS:
            if "requests" in (res.get(key) or {}):
                counts[key] = res[key]["requests"]
    creds = MlflowHostCreds(url)
    results = {}
    for key, n in counts.items():
        t0 = time.perf_counter()
        for _ in range(n):
            r = http_request(creds, "/health", "GET")
            r.raise_for_status()
        results[key] = {"seconds": time.perf_counter() - t0, "requests": n}
    with open(os.path.join(out_dir, "floor.json"), "w") as f:
        json.dump(results, f)


# ---------------------------------------------------------------------------------------------
# The SQLite copy of the search store.


def sqlite(store, db):
    """Creates DB with MLflow's own schema and copies every run of STORE's experiment "bench"
    into it (same run ids, params, tags, every metric point), with plain bulk inserts."""
    import yaml
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    art = os.path.join(os.path.dirname(db), "sqlite-artifacts")
    sql = SqlAlchemyStore(f"sqlite:///{db}", art)
    exp_id = sql.create_experiment(SEARCH_EXPERIMENT)
    location = sql.get_experiment(exp_id).artifact_location
    sql.engine.dispose()
    del sql

    import sqlite3

    mlruns = os.path.join(store, "mlruns")
    src = None
    for e in os.listdir(mlruns):
        meta = os.path.join(mlruns, e, "meta.yaml")
        if os.path.isfile(meta):
            with open(meta) as f:
                if (yaml.safe_load(f) or {}).get("name") == SEARCH_EXPERIMENT:
                    src = os.path.join(mlruns, e)
    if src is None:
        raise SystemExit(f"no experiment {SEARCH_EXPERIMENT!r} in {store}")
    status = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}
    runs, params, tags, metrics, latest = [], [], [], [], []
    total = [0, 0]
    con = sqlite3.connect(db)  # one transaction, committed at the end

    def flush():
        """Inserts the rows gathered so far (every 100 runs: memory stays small)."""
        con.executemany(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, "
            "user_id, status, start_time, end_time, source_version, lifecycle_stage, "
            "artifact_uri, experiment_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            runs,
        )
        con.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?,?,?)", params)
        con.executemany("INSERT INTO tags (key, value, run_uuid) VALUES (?,?,?)", tags)
        con.executemany(
            "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
            "VALUES (?,?,?,?,?,?)",
            metrics,
        )
        con.executemany(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
            "VALUES (?,?,?,?,?,?)",
            latest,
        )
        total[0] += len(runs)
        total[1] += len(metrics)
        for rows in (runs, params, tags, metrics, latest):
            rows.clear()

    for rid in sorted(os.listdir(src)):
        d = os.path.join(src, rid)
        if not os.path.isfile(os.path.join(d, "meta.yaml")):
            continue
        if len(runs) == 100:
            flush()
        with open(os.path.join(d, "meta.yaml")) as f:
            m = yaml.safe_load(f)
        st = m.get("status", 3)
        runs.append(
            (
                rid, m.get("run_name") or "", "UNKNOWN", "", "", m.get("user_id") or "",
                status.get(st, st) if isinstance(st, int) else st,
                m.get("start_time"), m.get("end_time"), "", "active",
                f"{location}/{rid}/artifacts", int(exp_id),
            )
        )
        for sub, rows in (("params", params), ("tags", tags)):
            base = os.path.join(d, sub)
            for root, _, files in os.walk(base):
                for name in files:
                    path = os.path.join(root, name)
                    with open(path) as f:
                        rows.append((os.path.relpath(path, base), f.read(), rid))
        base = os.path.join(d, "metrics")
        for root, _, files in os.walk(base):
            for name in files:
                path = os.path.join(root, name)
                key = os.path.relpath(path, base)
                best = None
                with open(path) as f:
                    for line in f:
                        t, v, *s = line.split()
                        t, v, s = int(t), float(v), int(s[0]) if s else 0
                        nan = v != v
                        metrics.append((key, 0.0 if nan else v, t, rid, s, nan))
                        # MLflow's latest metric: the greatest (step, timestamp, value).
                        if best is None or (s, t, v) > (best[2], best[1], best[0]):
                            best = (v, t, s, nan)
                if best is not None:
                    latest.append((key, 0.0 if best[3] else best[0], best[1], best[2], best[3], rid))
    flush()
    con.commit()
    con.close()
    print(f"{total[0]} runs, {total[1]} metric points", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# The table.

SERVERS = [("file", "mlflow file"), ("sqlite", "mlflow sqlite"), ("mlt", "mlt")]


class Sizes(dict):
    """The sizes for the labels, "?" for one that is missing."""

    def __init__(self, sizes):
        super().__init__({k: f"{v:,}" for k, v in sizes.items()})

    def __missing__(self, key):
        return "?"


def report(out_dir):
    def load(name):
        try:
            with open(os.path.join(out_dir, name)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    res = {s: load(f"{s}.json") for s, _ in SERVERS}
    fl = load("floor.json") or {}
    def text(name):
        try:
            with open(os.path.join(out_dir, name)) as f:
                return " ".join(f.read().split())[:300]
        except OSError:
            return None

    why = {s: text(f"{s}.why") for s, _ in SERVERS}
    sizes = load("sizes.json") or {}

    def cell(s, key):
        r = res[s]
        if r is None:
            return "failed" if why[s] else "-"
        w = r.get(key)
        if w is None:
            return "-"
        if "error" in w:
            return "failed"
        return f"{w['seconds']:.3f}"

    def secs(s, key):
        w = (res[s] or {}).get(key) or {}
        return w.get("seconds")

    def ratio(a, b):
        if a is None or b is None or b <= 0:
            return None
        return a / b

    fmt = lambda x: "-" if x is None else f"{x:.1f}x"
    widths = (62, 9, 12, 14, 9, 9, 14, 16)
    head = ("workload (wall seconds; median of reads)", "requests", "mlflow file",
            "mlflow sqlite", "mlt", "floor", "ratio vs file", "ratio vs sqlite")
    line = lambda cols: "  ".join(str(c).ljust(w) for c, w in zip(cols, widths)).rstrip()
    print(line(head))
    verdicts = []
    for key, label in WORKLOADS:
        label = label.format_map(Sizes(sizes))
        req = next(
            ((res[s] or {}).get(key, {}).get("requests") for s in ("file", "sqlite", "mlt")
             if "requests" in ((res[s] or {}).get(key) or {})),
            None,
        )
        m = secs("mlt", key)
        rf, rs = ratio(secs("file", key), m), ratio(secs("sqlite", key), m)
        f = fl.get(key, {}).get("seconds")
        print(line((label, "-" if req is None else req, cell("file", key), cell("sqlite", key),
                    cell("mlt", key), "-" if f is None else f"{f:.3f}", fmt(rf), fmt(rs))))
        if key in TARGETS:
            tf, ts_ = TARGETS[key]
            for name, want, got in (("file", tf, rf), ("sqlite", ts_, rs)):
                if want is None:
                    continue
                state = "not measured" if got is None else ("met" if got >= want else "NOT MET")
                verdicts.append(f"{label.strip()}: >= {want}x faster than MLflow {name}: {state}"
                                + ("" if got is None else f" ({got:.1f}x)"))
    def val(s, key, name):
        return ((res[s] or {}).get(key) or {}).get(name)

    def share(s, key):
        """The server's share of the wall time: wall seconds less the client's CPU seconds."""
        wall, client = val(s, key, "seconds"), val(s, key, "client_cpu")
        return None if wall is None or client is None else max(wall - client, 0.0)

    def cols(get):
        return ["-" if get(s) is None else f"{get(s):.2f}" for s, _ in SERVERS]

    print()
    print("server CPU seconds (user + system of the server's process tree) per workload:")
    print(line(("", "", "mlflow file", "mlflow sqlite", "mlt")))
    for key, label in WORKLOADS:
        label = label.format_map(Sizes(sizes))
        print(line((label, "", *cols(lambda s: val(s, key, "server_cpu")))))
    print()
    print("client CPU seconds (MLflow's client: building, sending and parsing requests, in this")
    print("process), and the most any server could be faster than MLflow's with this client:")
    print("MLflow's wall time over the client's CPU time against mlt:")
    print(line(("", "", "mlflow file", "mlflow sqlite", "mlt", "", "bound vs file",
                "bound vs sqlite")))
    for key, label in WORKLOADS:
        label = label.format_map(Sizes(sizes))
        mc = val("mlt", key, "client_cpu")
        print(line((label, "", *cols(lambda s: val(s, key, "client_cpu")), "",
                    fmt(ratio(secs("file", key), mc)), fmt(ratio(secs("sqlite", key), mc)))))
    print()
    print("the servers' share of the wall time (wall seconds less the client's CPU seconds):")
    print(line(("", "", "mlflow file", "mlflow sqlite", "mlt", "", "ratio vs file",
                "ratio vs sqlite")))
    for key, label in WORKLOADS:
        label = label.format_map(Sizes(sizes))
        m = share("mlt", key)
        print(line((label, "", *cols(lambda s: share(s, key)), "",
                    fmt(ratio(share("file", key), m)), fmt(ratio(share("sqlite", key), m)))))
    print()
    print("server memory (RSS summed over the server's process tree, MiB):")
    mw = (62, 10, 12, 8, 16, 5, 16)
    line = lambda cols: "  ".join(str(c).ljust(w) for c, w in zip(cols, mw)).rstrip()
    print(line(("", "processes", "before load", "peak", "end (2 s after)", "flat",
                "worker restarts")))
    for s, name in SERVERS:
        mem = (res[s] or {}).get("memory")
        ran = any("seconds" in ((res[s] or {}).get(k) or {}) for k, _ in WORKLOADS)
        if not mem or not ran:
            print(line((name, "-", "failed" if why[s] or res[s] else "not run")))
            if s == "mlt":
                verdicts.append("mlt server memory flat under load: not measured")
            continue
        mib = lambda b: f"{b / 2**20:.0f}"
        # Flat: what the server holds does not grow with the load. The load writes 2 million
        # points and reads a 100,000-point history; a server that kept what it served, or
        # buffered whole bodies, would grow by far more than this bound. (A ratio to the
        # idle size would not do: mlt starts at ~10 MiB, and the allocator keeps the few MiB
        # one large answer needed.)
        bound = 64 * 2**20
        flat = mem["peak"] <= mem["start"] + bound and mem["end"] <= mem["start"] + bound
        if s == "mlt":
            per = ", ".join(f"{k} {mib(v)}" for k, v in mem.get("per_workload", {}).items())
            verdicts.append(f"mlt server memory flat under load (peak and end <= before + 64 MiB): "
                            f"{'met' if flat else 'NOT MET'} ({mib(mem['start'])} -> peak "
                            f"{mib(mem['peak'])} -> {mib(mem['end'])} MiB; peak per workload, "
                            f"MiB: {per})")
        restarts = text(f"{s}.restarts") if s != "mlt" else None
        print(line((name, mem["processes"], mib(mem["start"]), mib(mem["peak"]), mib(mem["end"]),
                    "yes" if flat else "no", "-" if restarts is None else restarts)))
    print()
    ids = {s: (res[s] or {}).get("search", {}).get("ids") for s, _ in SERVERS}
    found = {s: len(v) for s, v in ids.items() if v is not None}
    if found:
        same = len({tuple(v) for v in ids.values() if v is not None}) == 1
        print("search_runs found " + ", ".join(f"{n} runs ({s})" for s, n in found.items())
              + ("; the same runs in the same order" if same and len(found) > 1 else
                 "" if len(found) == 1 else "; MISMATCH in the runs or their order"))
    for s, name in SERVERS:
        if why[s]:
            print(f"{name}: failed: {why[s]}")
        for key, _ in WORKLOADS:
            err = ((res[s] or {}).get(key) or {}).get("error")
            if err:
                print(f"{name}, {key}: failed: {err}")
    print()
    print("targets (from issue 12):")
    for v in verdicts:
        print(f"  {v}")


def settle(pid, limit=180.0):
    """Waits until the server's process tree uses less than 10% of a core over 2 s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        pids = tree(pid)
        before = tree_cpu(pids)
        time.sleep(2.0)
        if tree_cpu(pids) - before < 0.2:
            return
    raise SystemExit(1)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "client":
        client(args[0], args[1], int(args[args.index("--pid") + 1]))
    elif cmd == "settle":
        settle(int(args[0]))
    elif cmd == "floor":
        floor(*args)
    elif cmd == "sqlite":
        sqlite(*args)
    elif cmd == "report":
        report(*args)
    else:
        raise SystemExit(__doc__)
