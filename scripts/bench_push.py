"""The helper of scripts/bench-push.sh (a benchmark, not a test).

Subcommands:

  gen OUT RUNS SEED
      The input of RUNS runs in OUT: R.jsonl (10 params, then 100 lines of 20 metrics, what
      `mlt log batch` reads) and R.bin (ARTIFACT_BYTES random bytes). Standard library only.
  floor URL EXPERIMENT IN RUNS JOBS OUT.json
      The floor of a push (see below), timed; writes {"seconds": ..., "requests": ...}.
      Needs `requests` (the stack venv's python).
  check URL EXPERIMENT RUNS
      Whether the server has the experiment with RUNS runs, each FINISHED, and one of them
      (the first the server lists) whole: 10 params, 20 metrics of 100 points, ARTIFACT_BYTES
      of artifacts. Prints one line; exits 1 if not. Needs `requests`.
  cpu STACK_DIR
      The CPU seconds the stack's processes have used so far (see stack_cpu()).
  settle STACK_DIR
      Waits until the stack's MLflow servers are idle (see settle()).
  report DIR
      The table of scripts/bench-push.sh from the results in DIR. Standard library only.

The floor: the fewest requests MLflow's REST API needs to hold the same data, with every body
made before the clock starts and nothing else done: per run `runs/create` (with the run's
tags), `runs/log-batch` in as few requests as MLflow's limits allow (1,000 metrics + params +
tags a request: 3 for 10 params + 2,000 points), one PUT of the artifact's bytes through the
server's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/...`), `runs/update` (FINISHED);
JOBS runs at once (mlt push's --jobs), one keep-alive connection each. That is what the server
(MLflow, PostgreSQL, S3) must do for any client that moves these runs; the client side of it
is a few milliseconds of Python per run.
"""

import json
import os
import random
import sys
import time

PARAMS = 10
METRICS = 20
STEPS = 100
ARTIFACT_BYTES = 1 << 20
METRIC_NAMES = ["acc", "loss"] + [f"m{i}" for i in range(2, METRICS)]
BATCH_LIMIT = 1000  # MLflow's log-batch: at most 1,000 metrics, params and tags together
T0 = 1_700_000_000_000


def gen(out, runs, seed):
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(seed)
    for r in range(runs):
        with open(os.path.join(out, f"{r}.jsonl"), "w") as f:
            params = {"lr": rnd.choice(["0.1", "0.01", "0.001"])}
            for i in range(1, PARAMS):
                params[f"p{i}"] = rnd.choice(["0.1", "0.01", "adam", "3"])
            f.write(json.dumps({"params": params}) + "\n")
            for step in range(STEPS):
                ms = ", ".join(f'"{n}": {rnd.random():.6f}' for n in METRIC_NAMES)
                f.write('{"step": %d, "timestamp": %d, "metrics": {%s}}\n' % (step, T0 + step, ms))
        with open(os.path.join(out, f"{r}.bin"), "wb") as f:
            f.write(rnd.randbytes(ARTIFACT_BYTES))


# ---------------------------------------------------------------------------- floor

def read_input(path):
    """(params, metrics) of one R.jsonl as MLflow's log-batch entities."""
    params, metrics = [], []
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            for k, v in rec.get("params", {}).items():
                params.append({"key": k, "value": v})
            for k, v in rec.get("metrics", {}).items():
                metrics.append({"key": k, "value": v, "timestamp": rec["timestamp"],
                                "step": rec["step"]})
    return params, metrics


def batch_tails(params, metrics):
    """The log-batch bodies of one run without their run id: b'"params": ...}' pieces that
    follow b'{"run_id": "<id>", '."""
    out = []
    entities = [("params", p) for p in params] + [("metrics", m) for m in metrics]
    for i in range(0, len(entities), BATCH_LIMIT):
        chunk = entities[i:i + BATCH_LIMIT]
        body = {"params": [e for k, e in chunk if k == "params"],
                "metrics": [e for k, e in chunk if k == "metrics"], "tags": []}
        out.append(json.dumps(body)[1:].encode())
    return out


def floor(url, experiment, indir, runs, jobs, out):
    import concurrent.futures
    import threading
    import urllib.parse

    import requests

    api = url.rstrip("/") + "/api/2.0/mlflow"
    # Every body before the clock starts.
    prepared = []
    for r in range(runs):
        params, metrics = read_input(os.path.join(indir, f"{r}.jsonl"))
        with open(os.path.join(indir, f"{r}.bin"), "rb") as f:
            data = f.read()
        prepared.append((r, batch_tails(params, metrics), data))
    local = threading.local()

    def session():
        s = getattr(local, "s", None)
        if s is None:
            s = local.s = requests.Session()
        return s

    counter = {"requests": 0}
    lock = threading.Lock()

    def post(path, body):
        s = session()
        r = s.post(f"{api}/{path}", data=body, headers={"Content-Type": "application/json"})
        r.raise_for_status()
        with lock:
            counter["requests"] += 1
        return r

    def one(item, exp_id):
        r, tails, data = item
        create = json.dumps({
            "experiment_id": exp_id, "start_time": T0, "run_name": f"floor-{r}",
            "tags": [{"key": "mlflow.runName", "value": f"floor-{r}"},
                     {"key": "mlflow.user", "value": "bench"},
                     {"key": "mlt.source.run_id", "value": f"{r:032x}"}]})
        info = post("runs/create", create).json()["run"]["info"]
        run_id = info["run_id"]
        head = b'{"run_id": "' + run_id.encode() + b'", '
        for tail in tails:
            post("runs/log-batch", head + tail)
        loc = urllib.parse.urlparse(info["artifact_uri"])
        if loc.scheme != "mlflow-artifacts":
            raise SystemExit(f"floor: the server's artifact location is "
                             f"{info['artifact_uri']}, not proxied")
        path = loc.path.lstrip("/")
        s = session()
        put = s.put(f"{url.rstrip('/')}/api/2.0/mlflow-artifacts/artifacts/{path}/{r}.bin",
                    data=data, headers={"Content-Type": "application/octet-stream"})
        put.raise_for_status()
        post("runs/update", json.dumps({"run_id": run_id, "run_uuid": run_id,
                                        "status": "FINISHED", "end_time": T0 + 1000}))
        with lock:
            counter["requests"] += 1

    t0 = os.times()
    start = time.perf_counter()
    exp_id = post("experiments/create", json.dumps({"name": experiment})).json()["experiment_id"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for f in [pool.submit(one, item, exp_id) for item in prepared]:
            f.result()
    seconds = time.perf_counter() - start
    t = os.times()
    with open(out, "w") as f:
        json.dump({"seconds": seconds, "requests": counter["requests"],
                   "client_cpu": t.user + t.system - t0.user - t0.system}, f)


# ---------------------------------------------------------------------------- check

def check(url, experiment, runs):
    import requests

    api = url.rstrip("/") + "/api/2.0/mlflow"
    s = requests.Session()
    r = s.get(f"{api}/experiments/get-by-name", params={"experiment_name": experiment})
    if r.status_code != 200:
        print(f"{url}: no experiment {experiment!r} ({r.status_code})")
        return 1
    exp_id = r.json()["experiment"]["experiment_id"]
    found, token = [], None
    while True:
        body = {"experiment_ids": [exp_id], "max_results": 1000, "run_view_type": "ALL"}
        if token:
            body["page_token"] = token
        page = s.post(f"{api}/runs/search", json=body).json()
        found.extend(page.get("runs", []))
        token = page.get("next_page_token")
        if not token:
            break
    problems = []
    if len(found) != runs:
        problems.append(f"{len(found)} runs, not {runs}")
    unfinished = sum(1 for x in found if x["info"]["status"] != "FINISHED")
    if unfinished:
        problems.append(f"{unfinished} runs not FINISHED")
    if found:
        run = found[0]
        rid = run["info"]["run_id"]
        data = run.get("data", {})
        if len(data.get("params", [])) != PARAMS:
            problems.append(f"run {rid}: {len(data.get('params', []))} params")
        keys = {m["key"] for m in data.get("metrics", [])}
        if len(keys) != METRICS:
            problems.append(f"run {rid}: {len(keys)} metrics")
        for key in sorted(keys)[:2]:
            h = s.get(f"{api}/metrics/get-history",
                      params={"run_id": rid, "metric_key": key, "max_results": 25000}).json()
            n = len(h.get("metrics", []))
            if n != STEPS:
                problems.append(f"run {rid}: {n} points of {key}")

        def size(path):
            q = {"run_id": rid}
            if path:
                q["path"] = path
            ls = s.get(f"{api}/artifacts/list", params=q).json()
            total = 0
            for f in ls.get("files", []):
                total += size(f["path"]) if f.get("is_dir") else int(f.get("file_size", 0))
            return total

        b = size("")
        if b != ARTIFACT_BYTES:
            problems.append(f"run {rid}: {b} bytes of artifacts")
    if problems:
        print(f"{url} {experiment}: " + "; ".join(problems))
        return 1
    print(f"{url} {experiment}: {len(found)} runs, FINISHED; one checked whole")
    return 0


# ---------------------------------------------------------------------------- settle

def tree(roots):
    """The pids of the roots and all their descendants."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], list(roots)
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_cpu(pids, children=False):
    """CPU seconds (user + system) of these processes; with `children`, also of their children
    that have ended (PostgreSQL's backends, for one)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            if children:
                total += int(fields[13]) + int(fields[14])
        except (OSError, ValueError, IndexError):
            pass
    return total / tick


def stack_cpu(stack_dir):
    """CPU seconds the whole stack has used so far: its supervisor's tree (the MLflow servers
    with their workers and job consumers, moto, PostgreSQL and its backends)."""
    with open(os.path.join(stack_dir, "supervisor.pid")) as f:
        root = int(f.read().strip())
    return tree_cpu(tree([root]), children=True)


def settle(stack_dir, limit=300.0):
    """Waits until the stack's MLflow servers (their whole process trees: uvicorn's workers,
    the job runner and its huey consumers, which MLflow 3.17.2 starts after /health already
    answers) use less than 10% of a core over 2 s. Exits 1 after `limit` seconds."""
    roots = []
    for name in sorted(os.listdir(stack_dir)):
        if name.startswith("mlflow-") and name.endswith(".pid"):
            with open(os.path.join(stack_dir, name)) as f:
                roots.append(int(f.read().strip()))
    start = time.monotonic()
    while time.monotonic() - start < limit:
        pids = tree(roots)
        before = tree_cpu(pids)
        time.sleep(2.0)
        if tree_cpu(pids) - before < 0.2:
            print(f"settled after {time.monotonic() - start:.0f} s", file=sys.stderr)
            return 0
    print(f"still busy after {limit:.0f} s", file=sys.stderr)
    return 1


# ---------------------------------------------------------------------------- report

def report(d):
    def load(name):
        try:
            with open(os.path.join(d, name)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    sizes = load("sizes.json") or {}
    runs, small = sizes.get("runs"), sizes.get("small")
    push, repush = load("push.json"), load("repush.json")
    exp, imp = load("export.json"), load("import.json")
    fl, push_small = load("floor.json"), load("push_small.json")

    def secs(x):
        return None if not x or x.get("seconds") is None else float(x["seconds"])

    def fmt(x, unit=""):
        return "-" if x is None else f"{x:.2f}{unit}"

    def ratio(a, b):
        return None if a is None or not b else a / b

    total = None if secs(exp) is None or secs(imp) is None else secs(exp) + secs(imp)
    rss = lambda x: None if not x or x.get("rss_kb") is None else x["rss_kb"] / 1024
    ccpu = lambda x: None if not x or x.get("client_cpu") is None else float(x["client_cpu"])

    def server(name):
        try:
            with open(os.path.join(d, f"{name}.server")) as f:
                return float(f.read())
        except (OSError, ValueError):
            return None

    def add(a, b):
        return None if a is None or b is None else a + b

    rows = [
        (f"mlt push, first push ({runs} runs, --jobs {sizes.get('jobs')})", secs(push),
         rss(push), ccpu(push), server("push")),
        ("mlt push again, unchanged store", secs(repush), rss(repush), ccpu(repush),
         server("repush")),
        ("mlflow-export-import: export-experiment (server A)", secs(exp), rss(exp), ccpu(exp),
         server("export")),
        ("mlflow-export-import: import-experiment (server B)", secs(imp), rss(imp), ccpu(imp),
         server("import")),
        ("mlflow-export-import: total, A to B", total, None, add(ccpu(exp), ccpu(imp)),
         add(server("export"), server("import"))),
        (f"floor: the fewest REST requests, {sizes.get('jobs')} at once", secs(fl), None,
         ccpu(fl), server("floor")),
    ]
    w = (56, 9, 12, 12, 12)
    line = lambda c: "  ".join(str(x).ljust(n) for x, n in zip(c, w)).rstrip()
    print(line(("row", "seconds", "max RSS MiB", "client CPU s", "servers CPU s")))
    for label, sec, m, c, sv in rows:
        print(line((label, fmt(sec), "-" if m is None else f"{m:.1f}", fmt(c), fmt(sv))))
    print("(servers CPU: both MLflow servers with their workers, PostgreSQL and moto, "
          "during the row)")
    print()
    r_ei = ratio(total, secs(push))
    r_fl = ratio(secs(push), secs(fl))
    r_bound = ratio(total, secs(fl))
    print(f"export-import / mlt push: {fmt(r_ei, 'x')}   mlt push / floor: {fmt(r_fl, 'x')}"
          + (f"   (floor: {fl['requests']} requests)" if fl and "requests" in fl else ""))
    print(f"export-import / floor: {fmt(r_bound, 'x')} (about the most any client can reach against "
          f"these servers on this machine)")
    m_small, m_full = rss(push_small), rss(push)
    growth = ratio(m_full, m_small)
    print(f"max RSS of mlt push: {fmt(m_small, ' MiB')} at {small} runs, "
          f"{fmt(m_full, ' MiB')} at {runs} runs ({fmt(growth, 'x')}; "
          f"{fmt(secs(push_small), ' s')} for the {small} runs)")
    print()
    verdict = lambda ok: "-" if ok is None else ("PASS" if ok else "MISS")
    targets = [
        ("at least 10x faster than mlflow-export-import", fmt(r_ei, "x"),
         None if r_ei is None else r_ei >= 10),
        ("re-push of an unchanged store under 1 s", fmt(secs(repush), " s"),
         None if secs(repush) is None else secs(repush) < 1),
        (f"memory flat in the number of runs (RSS at {runs} runs <= 1.2x at {small})",
         fmt(growth, "x"), None if growth is None else growth <= 1.2),
    ]
    w2 = (72, 10)
    print("  ".join(("target (issue 14)".ljust(w2[0]), "measured".ljust(w2[1]), "verdict")))
    for t, m, ok in targets:
        print("  ".join((t.ljust(w2[0]), m.ljust(w2[1]), verdict(ok))))
    try:
        with open(os.path.join(d, "notes.txt")) as f:
            for n in f.read().splitlines():
                print(f"note: {n}")
    except OSError:
        pass


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(args[0], int(args[1]), int(args[2]))
    elif cmd == "floor":
        floor(args[0], args[1], args[2], int(args[3]), int(args[4]), args[5])
    elif cmd == "check":
        sys.exit(check(args[0], args[1], int(args[2])))
    elif cmd == "cpu":
        print(f"{stack_cpu(args[0]):.2f}")
    elif cmd == "settle":
        sys.exit(settle(args[0]))
    elif cmd == "report":
        report(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
