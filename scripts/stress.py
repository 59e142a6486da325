"""The stress campaign's driver (run by scripts/stress.sh with the interop venv's python).

    python stress.py [CAMPAIGN ...]     run the campaigns (default: all) and print the table
    python stress.py --reader           (internal) the long-lived MLflow reader

Environment (set by scripts/stress.sh):
    MLT            the mlt binary
    STRESS_WORK    the work folder (everything is created under it)
    STRESS_SCALE   factor on every count (1 = the issue's full size; --quick gives 0.1)
    STRESS_TMPFS   a mounted 2 MB tmpfs for the full-disk campaign (unset: skipped)
    STRESS_SEED    seed of the random kill moments (default: the time)

Campaigns: writers, experiments, params, kill, disk, bundles (see scripts/stress.sh).
"""

import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
import traceback

# ---------------------------------------------------------------------------------------------
# The MLflow reader: one process, MLflow imported once; every request gets a fresh client.
# ---------------------------------------------------------------------------------------------


def reader_main():
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    import mlflow  # noqa: F401 - the import cost is paid here, once
    from mlflow import MlflowClient
    from mlflow.entities import ViewType

    out = sys.stdout
    sys.stdout = sys.stderr  # MLflow's chatter must not mix with the answers

    def pages(fetch):
        res, token = [], None
        while True:
            page = fetch(token)
            res.extend(page)
            token = getattr(page, "token", None)
            if not token:
                return res

    def read(root):
        os.chdir(root)  # relative artifact locations resolve against the working directory
        uri = "file://" + os.path.join(root, "mlruns")
        reg = "file://" + os.path.join(root, "registry")
        os.environ["MLFLOW_TRACKING_URI"] = uri
        os.environ["MLFLOW_REGISTRY_URI"] = reg
        c = MlflowClient(tracking_uri=uri, registry_uri=reg)
        exps = pages(
            lambda t: c.search_experiments(view_type=ViewType.ALL, max_results=1000, page_token=t)
        )
        ids = [e.experiment_id for e in exps]
        runs = []
        if ids:
            runs = pages(
                lambda t: c.search_runs(
                    ids, run_view_type=ViewType.ALL, max_results=50000, page_token=t
                )
            )
        points = artifacts = 0
        for r in runs:
            run = c.get_run(r.info.run_id)
            for key in run.data.metrics:
                points += len(c.get_metric_history(run.info.run_id, key))

            def walk(path, run_id=run.info.run_id):
                n = 0
                for fi in c.list_artifacts(run_id, path):
                    n += walk(fi.path) if fi.is_dir else 1
                return n

            artifacts += walk(None)
        models = pages(lambda t: c.search_registered_models(max_results=1000, page_token=t))
        versions = 0
        for m in models:
            for v in c.search_model_versions(f"name='{m.name}'"):
                c.get_model_version(m.name, v.version)
                versions += 1
        return {
            "experiments": len(exps),
            "runs": len(runs),
            "metric_points": points,
            "artifacts": artifacts,
            "models": len(models),
            "versions": versions,
        }

    for line in sys.stdin:
        req = json.loads(line)
        try:
            ans = {"ok": True, **read(req["root"])}
        except Exception as e:  # noqa: BLE001 - any failure to read is the answer
            last = traceback.format_exception_only(type(e), e)[-1].strip()
            ans = {"ok": False, "error": last[:300]}
        out.write(json.dumps(ans) + "\n")
        out.flush()


class Reader:
    """The driver's handle on the reader process."""

    def __init__(self, work):
        self.log = open(os.path.join(work, "mlflow-reader.log"), "ab")
        self.p = None

    def start(self):
        self.p = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--reader"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def read(self, root):
        if self.p is None or self.p.poll() is not None:
            self.start()
        self.p.stdin.write(json.dumps({"root": os.path.abspath(root)}) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            self.p = None
            return {"ok": False, "error": "the MLflow reader died"}
        return json.loads(line)

    def close(self):
        if self.p is not None:
            self.p.stdin.close()
            self.p.wait()


# ---------------------------------------------------------------------------------------------
# Common helpers
# ---------------------------------------------------------------------------------------------

MLT = os.environ.get("MLT", "mlt")
WORK = os.environ.get("STRESS_WORK", "")
SCALE = float(os.environ.get("STRESS_SCALE", "1") or 1)
RNG = random.Random(int(os.environ.get("STRESS_SEED") or time.time_ns()))
ROWS = []  # (campaign, trials, survivors, losses, store check, meaning)
LOSSES = {}  # campaign -> [reason, ...]


def scaled(n, minimum=1):
    return max(minimum, int(round(n * SCALE)))


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def mlt(store, *args, stdin=None, env=None, timeout=600, cwd=None):
    """Runs mlt against STORE; returns (exit code, stdout, stderr). A hang is exit code -999."""
    cmd = [MLT] + (["--store", store] if store else []) + [str(a) for a in args]
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run(
            cmd,
            input=stdin,
            capture_output=True,
            text=True,
            errors="replace",
            env=e,
            timeout=timeout,
            cwd=cwd or WORK,
        )
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -999, "", f"timed out after {timeout} s"


def ok(store, *args, **kw):
    rc, out, err = mlt(store, *args, **kw)
    if rc != 0:
        raise SystemExit(f"setup failed: mlt {' '.join(map(str, args))}: exit {rc}: {err.strip()}")
    return out.strip()


def new_store(path):
    os.makedirs(path, exist_ok=True)
    ok(None, "init", cwd=path)
    return path


def loss(campaign, reason):
    LOSSES.setdefault(campaign, []).append(reason)


def one_line(err):
    lines = [x for x in err.strip().splitlines() if x.strip()]
    return lines[-1][:200] if lines else "(no message)"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def write_files(root, n, per_dir=500, prefix="f"):
    for i in range(n):
        d = os.path.join(root, f"d{i // per_dir}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{prefix}{i}.txt"), "w") as f:
            f.write(f"file {i}\n")


def snapshot(root, skip_top=(".mlt",), keep_bytes=None):
    """{relative path: (kind, size, sha256 | link target, bytes | None)} of a tree, not
    following links. keep_bytes(rel) says which files' bytes to keep."""
    snap = {}
    for base, dirs, files in os.walk(root):
        rel_base = os.path.relpath(base, root)
        if rel_base == ".":
            dirs[:] = [d for d in dirs if d not in skip_top]
            files = [f for f in files if f not in skip_top]
        for d in list(dirs):
            p = os.path.join(base, d)
            rel = os.path.normpath(os.path.join(rel_base, d))
            if os.path.islink(p):
                snap[rel] = ("l", 0, os.readlink(p), None)
                dirs.remove(d)
            else:
                snap[rel] = ("d", 0, "", None)
        for f in files:
            p = os.path.join(base, f)
            rel = os.path.normpath(os.path.join(rel_base, f))
            if os.path.islink(p):
                snap[rel] = ("l", 0, os.readlink(p), None)
                continue
            try:
                with open(p, "rb") as fh:
                    data = fh.read()
            except OSError as e:
                snap[rel] = ("?", 0, str(e), None)
                continue
            keep = data if keep_bytes and keep_bytes(rel) else None
            snap[rel] = ("f", len(data), sha(data), keep)
    return snap


def tree_bytes(*roots):
    total = 0
    for root in roots:
        for base, _, files in os.walk(root):
            for f in files:
                try:
                    total += os.lstat(os.path.join(base, f)).st_blocks * 512
                except OSError:
                    pass
    return total


def run_dirs(store):
    """Run folders (with a meta.yaml) on disk, active and deleted."""
    n = 0
    ml = os.path.join(store, "mlruns")
    exps = []
    for e in os.listdir(ml) if os.path.isdir(ml) else []:
        if e == ".trash":
            exps += [os.path.join(ml, e, x) for x in os.listdir(os.path.join(ml, e))]
        elif not e.startswith("."):
            exps.append(os.path.join(ml, e))
    for e in exps:
        if not os.path.isdir(e):
            continue
        for r in os.listdir(e):
            if re.fullmatch(r"[0-9a-f]{32}", r) and os.path.isfile(os.path.join(e, r, "meta.yaml")):
                n += 1
    return n


def experiment_names(store):
    names = []
    ml = os.path.join(store, "mlruns")
    paths = [os.path.join(ml, e, "meta.yaml") for e in os.listdir(ml) if e != ".trash"]
    trash = os.path.join(ml, ".trash")
    if os.path.isdir(trash):
        paths += [os.path.join(trash, e, "meta.yaml") for e in os.listdir(trash)]
    for p in paths:
        try:
            with open(p) as f:
                m = re.search(r"^name: '?(.*?)'?$", f.read(), re.M)
            if m:
                names.append(m.group(1))
        except OSError:
            pass
    return names


def mlflow_check(reader, store):
    """'' when MLflow reads every run and version on disk, else why not."""
    ans = reader.read(store)
    if not ans["ok"]:
        return f"MLflow cannot read the store: {ans['error']}"
    on_disk = run_dirs(store)
    if ans["runs"] < on_disk:
        return f"MLflow sees {ans['runs']} runs of the {on_disk} on disk"
    return ""


def store_check_args():
    """The `mlt store check` to run (with --deep when the build has it), or None."""
    rc, out, _ = mlt(None, "store", "check", "--help")
    if rc != 0:
        return None
    return ["store", "check"] + (["--deep"] if "--deep" in out else [])


def barrier_spawn(cmds, **kw):
    """Starts every command, each held in a `read` until all exist, then releases them all."""
    procs = [
        subprocess.Popen(
            ["bash", "-c", 'read -r _ && exec "$0" "$@"'] + cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **kw,
        )
        for cmd in cmds
    ]
    time.sleep(0.2)
    for p in procs:
        p.stdin.write(b"\n")
        p.stdin.flush()
    for p in procs:
        p.stdin.close()
        p.stdin = None
    res = []
    for p in procs:
        out, err = p.communicate()
        res.append((p.returncode, out.decode(errors="replace"), err.decode(errors="replace")))
    return res


def row(campaign, trials, losses, check, meaning):
    ROWS.append((campaign, trials, trials - losses, losses, check, meaning))


# ---------------------------------------------------------------------------------------------
# 1. Concurrent writers of one metric
# ---------------------------------------------------------------------------------------------


def campaign_writers(reader):
    name = "writers"
    writers, lines = 16, scaled(10_000)
    say(f"[writers] {writers} concurrent `log batch` x {lines} lines of metric m into one run")
    d = os.path.join(WORK, "writers")
    store = new_store(os.path.join(d, "store"))
    run = ok(store, "runs", "start", "-e", "writers")
    t0 = 1_700_000_000_000
    files = []
    for w in range(writers):
        path = os.path.join(d, f"w{w}.jsonl")
        with open(path, "w") as f:
            for i in range(lines):
                # (writer, line) is in the value, the step and the timestamp.
                rec = {"step": i, "timestamp": t0 + w * 1_000_000 + i, "metrics": {"m": w * 1_000_000 + i}}
                f.write(json.dumps(rec) + "\n")
        files.append(path)
    started = time.time()
    res = barrier_spawn([[MLT, "--store", store, "log", "batch", p, "--run", run] for p in files])
    say(f"[writers] done in {time.time() - started:.1f} s")
    for w, (rc, _, err) in enumerate(res):
        if rc != 0:
            loss(name, f"writer {w} exited {rc}: {one_line(err)}")
    seen = {}
    malformed = 0
    mfile = [
        os.path.join(store, "mlruns", e, run, "metrics", "m")
        for e in os.listdir(os.path.join(store, "mlruns"))
        if os.path.isdir(os.path.join(store, "mlruns", e, run))
    ][0]
    with open(mfile, "rb") as f:
        data = f.read()
    for n, raw in enumerate(data.split(b"\n")):
        if not raw and n == data.count(b"\n"):
            break  # after the last newline
        try:
            ts, value, step = raw.decode().split(" ")
            ts, value, step = int(ts), float(value), int(step)
            w, i = divmod(int(value), 1_000_000)
            if value != int(value) or step != i or ts != t0 + w * 1_000_000 + i:
                raise ValueError
            if not (0 <= w < writers and 0 <= i < lines):
                raise ValueError
        except ValueError:
            malformed += 1
            if malformed <= 5:
                loss(name, f"malformed line {n + 1}: {raw[:80]!r}")
            continue
        seen[(w, i)] = seen.get((w, i), 0) + 1
    if not data.endswith(b"\n"):
        loss(name, "the metric file does not end with a newline (torn last line)")
    dup = sum(1 for c in seen.values() if c > 1)
    missing = writers * lines - len(seen)
    for k, c in list((k, c) for k, c in seen.items() if c > 1)[:5]:
        loss(name, f"line (writer {k[0]}, step {k[1]}) landed {c} times")
    if missing:
        loss(name, f"{missing} lines missing")
    why = mlflow_check(reader, store)
    if why:
        loss(name, why)
    bad = missing + dup + malformed
    row(
        f"{writers} writers x {lines} lines, one metric",
        writers * lines,
        min(bad, writers * lines),
        "-",
        "a line missing, doubled or torn" + ("; MLflow failed to read" if why else ""),
    )


# ---------------------------------------------------------------------------------------------
# 2. Experiment on first use, 64 at once
# ---------------------------------------------------------------------------------------------


def campaign_experiments(reader):
    name = "experiments"
    conc = 64
    rounds_start, rounds_run = scaled(5), scaled(1)
    say(f"[experiments] {rounds_start} rounds of {conc} `runs start -e NEW`, {rounds_run} of `run -e NEW -- true`")
    store = new_store(os.path.join(WORK, "experiments", "store"))
    trials = bad = 0
    for k in range(rounds_start + rounds_run):
        exp = f"new-{k}"
        if k < rounds_start:
            cmd = [MLT, "--store", store, "runs", "start", "-e", exp]
        else:
            cmd = [MLT, "--store", store, "run", "-e", exp, "--", "true"]
        res = barrier_spawn([cmd] * conc)
        trials += conc
        for rc, _, err in res:
            if rc != 0:
                bad += 1
                loss(name, f"round {k} ({' '.join(cmd[3:5])}): exit {rc}: {one_line(err)}")
        extra = experiment_names(store).count(exp) - 1
        if extra:
            bad += extra
            loss(name, f"round {k}: {extra + 1} experiments named {exp}")
    why = mlflow_check(reader, store)
    if why:
        loss(name, why)
    row(
        f"{conc} x `runs start -e NEW` / `run -e NEW`",
        trials,
        min(bad + (1 if why else 0), trials),
        "-",
        "a command failed, or a second experiment of the name",
    )


# ---------------------------------------------------------------------------------------------
# 3. Two writers of one param
# ---------------------------------------------------------------------------------------------


def campaign_params(reader):
    name = "params"
    rounds = scaled(150)
    say(f"[params] {rounds} rounds of two concurrent `log batch` of one param")
    store = new_store(os.path.join(WORK, "params", "store"))
    run = ok(store, "runs", "start", "-e", "params")
    pdir = None
    bad = 0
    for k in range(rounds):
        key = f"z{k}"
        procs = [
            subprocess.Popen(
                [MLT, "--store", store, "log", "batch", "--run", run],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        time.sleep(0.05)  # both started and waiting on stdin
        for i, p in enumerate(procs):
            p.stdin.write(json.dumps({"params": {key: f"val{i}"}}).encode() + b"\n")
            p.stdin.flush()
        for p in procs:
            p.stdin.close()
            p.stdin = None
        codes = []
        for p in procs:
            _, err = p.communicate()
            codes.append((p.returncode, err.decode(errors="replace")))
        if pdir is None:
            pdir = [
                os.path.join(store, "mlruns", e, run, "params")
                for e in os.listdir(os.path.join(store, "mlruns"))
                if os.path.isdir(os.path.join(store, "mlruns", e, run))
            ][0]
        try:
            with open(os.path.join(pdir, key)) as f:
                stored = f.read()
        except OSError:
            stored = None
        winners = [i for i, (rc, _) in enumerate(codes) if rc == 0]
        why = ""
        if len(winners) == 2:
            why = f"both writers exited 0 (stored {stored!r})"
        elif not winners:
            why = f"neither writer succeeded: {one_line(codes[0][1])}"
        elif stored != f"val{winners[0]}":
            why = f"writer {winners[0]} won but the stored value is {stored!r}"
        if why:
            bad += 1
            loss(name, f"round {k}: {why}")
    why = mlflow_check(reader, store)
    if why:
        loss(name, why)
    row(
        "2 writers of one param",
        rounds,
        min(bad + (1 if why else 0), rounds),
        "-",
        "both writers won, or the stored value is not the winner's",
    )


# ---------------------------------------------------------------------------------------------
# 4. kill -9 at random moments
# ---------------------------------------------------------------------------------------------

KINDS = ["log metrics", "log params", "artifacts log", "models register", "import", "export", "store merge"]


def campaign_kill(reader):
    name = "kill"
    trials = scaled(300, minimum=len(KINDS))
    nfiles = scaled(5000, minimum=50)
    check = store_check_args()
    say(f"[kill] {trials} kill -9 of {', '.join(KINDS)}; store check {'present' if check else 'absent'}")
    d = os.path.join(WORK, "kill")
    tmp = os.path.join(d, "tmp")  # TMPDIR of the killed commands, to see their scratch
    os.makedirs(tmp, exist_ok=True)
    # Inputs: 5,000 small files, a model folder, another store and a bundle of it.
    src = os.path.join(d, "src")
    write_files(src, nfiles)
    model = os.path.join(d, "model")
    os.makedirs(os.path.join(model, "data"))
    with open(os.path.join(model, "MLmodel"), "w") as f:
        f.write("artifact_path: model\nflavors:\n  python_function:\n    loader_module: x\n")
    with open(os.path.join(model, "data", "model.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    write_files(os.path.join(model, "data"), scaled(500, minimum=10))
    other = new_store(os.path.join(d, "other"))
    for r in range(5):
        rid = ok(other, "runs", "start", "-e", "other")
        ok(other, "log", "params", *[f"p{i}=v{i}" for i in range(20)], "--run", rid)
        batch = "".join(
            json.dumps({"step": s, "metrics": {f"m{i}": s * 0.5 + i for i in range(20)}}) + "\n"
            for s in range(100)
        )
        ok(other, "log", "batch", "--run", rid, stdin=batch)
        ok(other, "artifacts", "log", os.path.join(src, "d0", f"f{r}.txt"), "--run", rid)
        ok(other, "runs", "end", "--run", rid)
    ok(other, "models", "register", model, "othermodel")
    bundle = os.path.join(d, "bundle.tar.gz")
    ok(other, "export", bundle)
    # The store each trial starts from.
    base = new_store(os.path.join(d, "base"))
    run = ok(base, "runs", "start", "-e", "crash")
    ok(base, "log", "params", "a=1", "b=2", "--run", run)
    for s in range(10):
        ok(base, "log", "metric", "m", str(s), "--step", str(s), "--run", run)
    ok(base, "artifacts", "log", os.path.join(src, "d0"), "--run", run, "--path", "first")
    done = ok(base, "runs", "start", "-e", "crash")
    ok(base, "runs", "end", "--run", done)
    ok(base, "models", "register", model, "base")

    def command(kind, trial, store):
        if kind == "log metrics":
            return ["log", "metrics", *[f"k{i}=1" for i in range(200)], "--run", run]
        if kind == "log params":
            return ["log", "params", *[f"q{i}=v{i}" for i in range(200)], "--run", run]
        if kind == "artifacts log":
            return ["artifacts", "log", src, "--run", run, "--path", "up"]
        if kind == "models register":
            return ["models", "register", model, "base" if trial % 2 else "fresh"]
        if kind == "import":
            return ["import", bundle]
        if kind == "export":
            dest = os.path.join(d, "out", f"t{trial}" + (".tar.gz" if trial % 2 else ""))
            return ["export", dest]
        return ["store", "merge", other]

    def is_metric(rel):
        return "/metrics/" in rel

    def fresh(trial):
        t = os.path.join(d, "trial")
        subprocess.run(["rm", "-rf", t, os.path.join(d, "out"), tmp], check=True)
        os.makedirs(os.path.join(d, "out"))
        os.makedirs(tmp)
        subprocess.run(["cp", "-a", base, t], check=True)
        return t

    env = dict(os.environ, TMPDIR=tmp)
    # How long each command takes when left alone: the kill lands uniformly within that.
    # The median of three, as the machine may be busy.
    dur = {}
    for kind in KINDS:
        times = []
        for _ in range(3):
            t = fresh(-1)
            started = time.time()
            rc, _, err = mlt(t, *command(kind, 0, t), env={"TMPDIR": tmp})
            times.append(time.time() - started)
            if rc != 0:
                raise SystemExit(f"setup failed: {kind} exits {rc} when not killed: {one_line(err)}")
        dur[kind] = sorted(times)[1]
    say("[kill] durations unkilled (median of 3): " + ", ".join(f"{k} {v:.2f} s" for k, v in dur.items()))

    # trials, losses, finished before the kill, scratch left, store check not clean
    # and store scratch still there after `store gc`
    per = {k: [0, 0, 0, 0, 0, 0] for k in KINDS}
    rc, _, _ = mlt(None, "store", "gc", "--help")
    gc = rc == 0
    scratch_bytes = 0
    kept = 0
    check_clean = check_trials = 0
    spent = [0.0] * 5  # copy, command, store check, MLflow, compare
    started_all = time.time()
    for trial in range(trials):
        kind = KINDS[trial % len(KINDS)]
        t0 = time.time()
        t = fresh(trial)
        before = snapshot(t, keep_bytes=is_metric)
        t1 = time.time()
        cmd = [MLT, "--store", t, *command(kind, trial, t)]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=d)
        time.sleep(RNG.uniform(0, dur[kind]))
        finished = p.poll() is not None
        if not finished:
            p.send_signal(signal.SIGKILL)
        p.wait()
        killed_at = time.time()
        per[kind][0] += 1
        per[kind][2] += finished
        left = tree_bytes(os.path.join(t, ".mlt", "tmp"), tmp) + sum(
            tree_bytes(os.path.join(d, "out", x))
            for x in os.listdir(os.path.join(d, "out"))
            if x.startswith(".mlt-export")
        )
        if left:
            per[kind][3] += 1
            scratch_bytes += left
        if gc:
            # gc takes a free lock on scratch as proof that its command is gone once the lock
            # file is 2 s old (the instant between creating and locking it).
            time.sleep(max(0.0, killed_at + 2.1 - time.time()))
            mlt(t, "store", "gc")
            if tree_bytes(os.path.join(t, ".mlt", "tmp")):
                per[kind][5] += 1
        t2 = time.time()
        why = []
        if check:
            mlt(t, *check, "--repair")
            rc, out, err = mlt(t, *check)
            check_trials += 1
            if rc == 0:
                check_clean += 1
            else:
                per[kind][4] += 1
                why.append(f"store check not clean after --repair (exit {rc}): {one_line(out + err)}")
        for args in (["runs", "list", "-e", "crash"], ["runs", "show", run], ["models", "list"]):
            rc, _, err = mlt(t, *args)
            if rc != 0:
                why.append(f"mlt {' '.join(args[:2])} exits {rc}: {one_line(err)}")
        t3 = time.time()
        w = mlflow_check(reader, t)
        if w:
            why.append(w)
        t4 = time.time()
        after = snapshot(t)
        for rel, (kind_, size, digest, data) in before.items():
            now = after.get(rel)
            if now is None:
                why.append(f"{rel} is gone")
            elif rel.endswith("meta.yaml") or kind_ == "d":
                continue
            elif data is not None:
                with open(os.path.join(t, rel), "rb") as f:
                    if not f.read().startswith(data):
                        why.append(f"{rel} lost lines it had before")
            elif now[2] != digest:
                why.append(f"{rel} changed")
            if len(why) > 3:
                break
        for i, x in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3, time.time() - t4)):
            spent[i] += x
        if why:
            per[kind][1] += 1
            loss(name, f"trial {trial} ({kind}, {'finished' if finished else 'killed'}): " + "; ".join(why[:3]))
            if os.environ.get("STRESS_KEEP") and kept < 5:
                kept += 1
                shutil.copytree(t, os.path.join(d, f"lost-{trial}"), symlinks=True)
        if (trial + 1) % 25 == 0:
            say(f"[kill] {trial + 1}/{trials} trials, {time.time() - started_all:.0f} s")
    shutil.rmtree(os.path.join(d, "trial"), ignore_errors=True)
    for kind in KINDS:
        n, lost, fin, sc, cf, gcl = per[kind]
        after_gc = f", {gcl} after store gc" if gc else ""
        row(
            f"kill -9: {kind}",
            n,
            lost,
            f"clean {n - cf}/{n}" if check else "n/a (no store check in this build)",
            f"mlt or MLflow can't read, check not clean after --repair, or committed data gone ({fin} ended before the kill; scratch left by {sc}{after_gc})",
        )
    say(
        f"[kill] scratch left behind by killed commands (TMPDIR, .mlt/tmp, .mlt-export*): {scratch_bytes / 1e6:.1f} MB in total"
    )
    say("[kill] time spent: " + ", ".join(f"{k} {v:.0f} s" for k, v in zip(("copy", "command", "store check and mlt reads", "MLflow", "compare"), spent)))
    if check:
        say(f"[kill] store check clean after --repair in {check_clean} of {check_trials} trials")


# ---------------------------------------------------------------------------------------------
# 5. A full disk
# ---------------------------------------------------------------------------------------------


def campaign_disk(reader):
    name = "disk"
    mnt = os.environ.get("STRESS_TMPFS")
    if not mnt:
        why = os.environ.get("STRESS_TMPFS_WHY", "skipped: needs root")
        row("full disk (2 MB tmpfs)", 0, 0, "-", why)
        say(f"[disk] {why}")
        return
    check = store_check_args()
    say(f"[disk] a store on a full {mnt}")
    d = os.path.join(WORK, "disk")
    os.makedirs(d, exist_ok=True)
    arts = os.path.join(d, "arts")
    write_files(arts, 20)
    model = os.path.join(d, "model")
    os.makedirs(model)
    with open(os.path.join(model, "MLmodel"), "w") as f:
        f.write("artifact_path: model\nflavors: {}\n")
    with open(os.path.join(model, "weights.bin"), "wb") as f:
        f.write(os.urandom(64 << 10))
    other = new_store(os.path.join(d, "other"))
    orun = ok(other, "runs", "start", "-e", "other")
    ok(other, "log", "params", "x=1", "--run", orun)
    ok(other, "log", "metric", "om", "1", "--run", orun)
    ok(other, "artifacts", "log", arts, "--run", orun)
    ok(other, "runs", "end", "--run", orun)
    ok(other, "models", "register", model, "othermodel")
    bundle = os.path.join(d, "other.tar.gz")
    ok(other, "export", bundle)

    store = new_store(os.path.join(mnt, "store"))
    run = ok(store, "runs", "start", "-e", "disk")
    ok(store, "log", "params", "a=1", "--run", run)
    ok(store, "log", "metric", "m", "1", "--run", run)
    ok(store, "artifacts", "log", os.path.join(arts, "d0", "f0.txt"), "--run", run)
    ok(store, "models", "register", model, "fm")
    tmp = os.path.join(d, "tmp")
    os.makedirs(tmp)
    env = {"TMPDIR": tmp}

    def commands(phase):
        return [
            ("log metric", ["log", "metric", f"new{phase}", "2", "--run", run]),
            ("log metric (existing key)", ["log", "metric", "m", "2", "--run", run]),
            ("log metrics", ["log", "metrics", f"a{phase}=1", f"b{phase}=2", "--run", run]),
            ("log params", ["log", "params", f"p{phase}=x", f"q{phase}=y", "--run", run]),
            ("log tags", ["log", "tags", f"t{phase}=1", f"u{phase}=2", "--run", run]),
            ("log batch", ["log", "batch", "--run", run]),
            ("runs start", ["runs", "start", "-e", "disk"]),
            ("experiments create", ["experiments", "create", f"exp{phase}"]),
            ("artifacts log", ["artifacts", "log", arts, "--run", run, "--path", f"a{phase}"]),
            ("models register (existing)", ["models", "register", model, "fm"]),
            ("models register (new)", ["models", "register", model, f"new{phase}"]),
            ("models set-alias", ["models", "set-alias", "fm", f"champ{phase}", "1"]),
            ("import", ["import", bundle, "--on-conflict", "skip"]),
            ("export .tar.gz", ["export", os.path.join(mnt, f"out{phase}.tar.gz")]),
            ("export folder", ["export", os.path.join(mnt, f"out{phase}")]),
            ("store merge", ["store", "merge", other, "--on-conflict", "skip"]),
            ("runs end", ["runs", "end", "--run", run]),
        ]

    batch_in = json.dumps({"step": 1, "metrics": {"bm": 1}, "params": {"bp": "1"}, "tags": {"bt": "1"}}) + "\n"

    # Fill it: one big file, then small ones until not one more byte fits.
    filler = os.path.join(mnt, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    os.close(fd)
    for i in range(10_000):
        try:
            fd = os.open(os.path.join(mnt, f"filler{i}"), os.O_WRONLY | os.O_CREAT)
        except OSError:
            break
        try:
            os.write(fd, b"\0")
        except OSError:
            break
        finally:
            os.close(fd)
    trials = bad = 0
    refused = wrote = 0
    codes = {}
    for label, args in commands(1):
        trials += 1
        rc, out, err = mlt(store, *args, stdin=batch_in if label == "log batch" else None, env=env)
        codes[label] = rc
        errors = [x for x in err.splitlines() if x.startswith("error")]
        if rc == 0:
            wrote += 1
            continue
        if rc == 1 and len(errors) == 1 and "panicked" not in err:
            refused += 1
            continue
        bad += 1
        loss(name, f"full: {label}: exit {rc}, {len(errors)} error lines: {one_line(err)}")
    # A failed command leaves nothing half made behind.
    made = {"export .tar.gz": "out1.tar.gz", "export folder": "out1", "models register (new)": "store/registry/models/new1"}
    for label, left in made.items():
        if codes.get(label) != 0 and os.path.exists(os.path.join(mnt, left)):
            bad += 1
            loss(name, f"full: {left} was left behind by a command that failed")
    for x in os.listdir(mnt):
        if x.startswith(".mlt-export"):
            bad += 1
            loss(name, f"full: export scratch {x} left behind")
    say(f"[disk] full: {refused} refused cleanly, {wrote} fit in the space left, {bad} not clean")
    # Still readable, while full.
    trials += 1
    why = []
    for args in (["runs", "list", "-e", "disk"], ["runs", "show", run], ["models", "list"], ["experiments", "list"]):
        rc, _, err = mlt(store, *args)
        if rc != 0:
            why.append(f"mlt {' '.join(args[:2])} exits {rc}: {one_line(err)}")
    w = mlflow_check(reader, store)
    if w:
        why.append(w)
    if why:
        bad += 1
        loss(name, "read while full: " + "; ".join(why))
    # Free the space: store check after --repair must be clean, and every command must work.
    for x in os.listdir(mnt):
        if x.startswith("filler"):
            os.remove(os.path.join(mnt, x))
    check_col = "n/a (no store check in this build)"
    if check:
        trials += 1
        mlt(store, *check, "--repair")
        rc, out, err = mlt(store, *check)
        check_col = "clean" if rc == 0 else "NOT clean"
        if rc != 0:
            bad += 1
            loss(name, f"store check after --repair exits {rc}: {one_line(out + err)}")
    row("full disk: every writing command", trials, bad, check_col, "exit not 1, not one error line, a panic, or the store unreadable")
    trials = bad = 0
    for label, args in commands(2):
        trials += 1
        rc, out, err = mlt(store, *args, stdin=batch_in if label == "log batch" else None, env=env)
        if rc != 0:
            bad += 1
            loss(name, f"freed: {label}: exit {rc}: {one_line(err)}")
    trials += 1
    w = mlflow_check(reader, store)
    if w:
        bad += 1
        loss(name, "after freeing: " + w)
    row("full disk, then freed: same commands", trials, bad, "-", "a command failed after space came back, or MLflow can't read")


# ---------------------------------------------------------------------------------------------
# 6. Bundle attacks
# ---------------------------------------------------------------------------------------------


class Zeros(io.RawIOBase):
    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.left if n is None or n < 0 else min(n, self.left)
        self.left -= n
        return b"\0" * n


def manifest_of(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        return json.load(f)


def save_manifest(folder, m):
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(m, f, indent=2)


def relist(folder, m=None, extra=()):
    """Rewrites the manifest's file list from what the folder holds (following links), plus
    EXTRA entries (path, size, sha), so that only the attack itself is wrong."""
    m = m or manifest_of(folder)
    files = []
    for base, dirs, names in os.walk(folder, followlinks=True):
        for n in names:
            p = os.path.join(base, n)
            rel = os.path.relpath(p, folder).replace(os.sep, "/")
            if rel == "manifest.json":
                continue
            with open(p, "rb") as f:
                data = f.read()
            files.append({"path": rel, "size": len(data), "sha256": sha(data)})
    for path, size, digest in extra:
        files = [x for x in files if x["path"] != path] + [{"path": path, "size": size, "sha256": digest}]
    files.sort(key=lambda x: x["path"])
    m["files"] = files
    m["total_files"] = len(files)
    m["total_bytes"] = sum(x["size"] for x in files)
    save_manifest(folder, m)
    return m


def pack(folder, out, members=(), skip=()):
    """A .tar.gz of FOLDER (manifest first), then the crafted MEMBERS: (TarInfo, fileobj)."""
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(os.path.join(folder, "manifest.json"), arcname="manifest.json")
        for base, dirs, names in os.walk(folder):
            dirs.sort()
            for n in sorted(dirs) + sorted(names):
                p = os.path.join(base, n)
                rel = os.path.relpath(p, folder).replace(os.sep, "/")
                if rel == "manifest.json" or rel in skip:
                    continue
                if os.path.isdir(p) and not os.path.islink(p):
                    tar.add(p, arcname=rel, recursive=False)
                else:
                    tar.add(p, arcname=rel, recursive=False)
        for info, fileobj in members:
            tar.addfile(info, fileobj)


def member(name, data=None, kind=tarfile.REGTYPE, link="", size=None, fileobj=None):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = 0o644
    info.mtime = int(time.time())
    if kind == tarfile.CHRTYPE:
        info.devmajor, info.devminor = 1, 3
    if data is not None:
        info.size = len(data)
        fileobj = io.BytesIO(data)
    elif size is not None:
        info.size = size
    return info, fileobj


def campaign_bundles(reader):
    name = "bundles"
    d = os.path.join(WORK, "bundles")
    os.makedirs(d)
    bomb_mb = scaled(1024, minimum=64)
    src = new_store(os.path.join(d, "src"))
    victim = ok(src, "runs", "start", "-e", "victim")
    ok(src, "log", "params", "p=good", "--run", victim)
    ok(src, "log", "metric", "loss", "0.5", "--run", victim)
    arts = os.path.join(d, "arts")
    os.makedirs(os.path.join(arts, "sub"))
    with open(os.path.join(arts, "a.txt"), "w") as f:
        f.write("artifact a\n")
    with open(os.path.join(arts, "sub", "b.txt"), "w") as f:
        f.write("artifact b\n")
    ok(src, "artifacts", "log", arts, "--run", victim)
    ok(src, "runs", "end", "--run", victim)
    base_bundle = os.path.join(d, "base-bundle")
    ok(src, "export", base_bundle)
    exp_id = [e for e in os.listdir(os.path.join(base_bundle, "mlruns")) if os.path.isdir(os.path.join(base_bundle, "mlruns", e, victim))][0]
    rundir = f"mlruns/{exp_id}/{victim}"
    art = f"{rundir}/artifacts"
    # The store attacked: it already holds a run of its own.
    target = new_store(os.path.join(d, "target"))
    mine = ok(target, "runs", "start", "-e", "mine")
    ok(target, "log", "param", "mine", "1", "--run", mine)
    token = f"CANARY-{RNG.getrandbits(64):016x}"

    attacks = []  # (name, must refuse, build(dir) -> source path, extra check)

    def attack(title, must_refuse=True, check=None):
        def deco(fn):
            attacks.append((title, must_refuse, fn, check))
            return fn

        return deco

    def copy_bundle(ad):
        b = os.path.join(ad, "bundle")
        shutil.copytree(base_bundle, b, symlinks=True)
        return b

    def set_uri(b, uri):
        p = os.path.join(b, rundir, "meta.yaml")
        with open(p) as f:
            text = f.read()
        text = re.sub(r"^artifact_uri: .*$", f"artifact_uri: '{uri}'", text, flags=re.M)
        with open(p, "w") as f:
            f.write(text)

    @attack("tar: entries with ..")
    def _(ad):
        b = copy_bundle(ad)
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member("../escaped-dotdot1.txt", b"x"), member(f"{rundir}/../../../../escaped-dotdot2.txt", b"x")])
        return out

    @attack("tar: absolute names")
    def _(ad):
        b = copy_bundle(ad)
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(os.path.join(ad, "escaped-absolute.txt"), b"x")])
        return out

    @attack("tar: symlink to /etc/hostname and to the secret")
    def _(ad):
        b = copy_bundle(ad)
        data = open(os.path.join(ad, "outside", "secret.txt"), "rb").read()
        relist(b, extra=[(f"{art}/leak.txt", len(data), sha(data))])
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(f"{art}/leak.txt", kind=tarfile.SYMTYPE, link=os.path.join(ad, "outside", "secret.txt")),
                      member(f"{art}/host.txt", kind=tarfile.SYMTYPE, link="/etc/hostname")])
        return out

    @attack("tar: symlink to a folder outside, then a file through it")
    def _(ad):
        b = copy_bundle(ad)
        relist(b, extra=[(f"{art}/outdir/planted.txt", 1, sha(b"x"))])
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(f"{art}/outdir", kind=tarfile.SYMTYPE, link=os.path.join(ad, "outside")),
                      member(f"{art}/outdir/planted.txt", b"x")])
        return out

    @attack("tar: hard links (absolute and ../)")
    def _(ad):
        b = copy_bundle(ad)
        data = open(os.path.join(ad, "outside", "secret.txt"), "rb").read()
        relist(b, extra=[(f"{art}/hard1.txt", len(data), sha(data)), (f"{art}/hard2.txt", len(data), sha(data))])
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(f"{art}/hard1.txt", kind=tarfile.LNKTYPE, link=os.path.join(ad, "outside", "secret.txt")),
                      member(f"{art}/hard2.txt", kind=tarfile.LNKTYPE, link="../../../../../../outside/secret.txt")])
        return out

    @attack("tar: duplicate entries")
    def _(ad):
        b = copy_bundle(ad)
        relist(b, extra=[(f"{rundir}/params/p", 4, sha(b"evil"))])
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(f"{rundir}/params/p", b"evil")])
        return out

    @attack("tar: a device and a fifo")
    def _(ad):
        b = copy_bundle(ad)
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(f"{art}/null", kind=tarfile.CHRTYPE), member(f"{art}/fifo", kind=tarfile.FIFOTYPE)])
        return out

    for form in ("folder", "tar.gz"):

        def finish(ad, b, form=form):
            if form == "folder":
                return b
            out = os.path.join(ad, "b.tar.gz")
            pack(b, out)
            return out

        @attack(f"{form}: manifest with a wrong hash")
        def _(ad, finish=finish):
            b = copy_bundle(ad)
            with open(os.path.join(b, art, "a.txt"), "w") as f:
                f.write("artifact A\n")  # same size, other bytes
            return finish(ad, b)

        @attack(f"{form}: manifest with a wrong size")
        def _(ad, finish=finish):
            b = copy_bundle(ad)
            m = manifest_of(b)
            for x in m["files"]:
                if x["path"] == f"{art}/a.txt":
                    x["size"] += 1
            save_manifest(b, m)
            return finish(ad, b)

        @attack(f"{form}: manifest lists a missing file")
        def _(ad, finish=finish):
            b = copy_bundle(ad)
            os.remove(os.path.join(b, art, "a.txt"))
            return finish(ad, b)

        @attack(f"{form}: an extra file not in the manifest")
        def _(ad, finish=finish):
            b = copy_bundle(ad)
            with open(os.path.join(b, art, "extra.txt"), "w") as f:
                f.write("extra\n")
            return finish(ad, b)

        @attack(f"{form}: artifact_uri file://<outside folder>", must_refuse=False)
        def _(ad, finish=finish):
            b = copy_bundle(ad)
            set_uri(b, "file://" + os.path.join(ad, "outside"))
            relist(b)
            return finish(ad, b)

        @attack(f"{form}: artifact_uri file:///etc", must_refuse=False)
        def _(ad, finish=finish):
            b = copy_bundle(ad)
            set_uri(b, "file:///etc")
            relist(b)
            return finish(ad, b)

        @attack(f"{form}: artifact_uri mlruns/../../secret", must_refuse=False)
        def _(ad, finish=finish):
            b = copy_bundle(ad)
            set_uri(b, "mlruns/../../secret")
            relist(b)
            return finish(ad, b)

    @attack("folder: symlink to the secret file, manifest agreeing", must_refuse=False)
    def _(ad):
        b = copy_bundle(ad)
        os.remove(os.path.join(b, art, "a.txt"))
        os.symlink(os.path.join(ad, "outside", "secret.txt"), os.path.join(b, art, "a.txt"))
        relist(b)
        return b

    @attack("folder: symlink to a folder outside, manifest agreeing", must_refuse=False)
    def _(ad):
        b = copy_bundle(ad)
        os.symlink(os.path.join(ad, "outside"), os.path.join(b, art, "outdir"))
        relist(b)
        return b

    @attack("mlruns folder (no manifest): artifact_uri file://<outside>", must_refuse=False)
    def _(ad):
        s = os.path.join(ad, "plain")
        shutil.copytree(base_bundle, s, symlinks=True)
        os.remove(os.path.join(s, "manifest.json"))
        set_uri(s, "file://" + os.path.join(ad, "outside"))
        return s

    @attack("mlruns folder (no manifest): artifact_uri mlruns/../../secret", must_refuse=False)
    def _(ad):
        s = os.path.join(ad, "plain")
        shutil.copytree(base_bundle, s, symlinks=True)
        os.remove(os.path.join(s, "manifest.json"))
        set_uri(s, "mlruns/../../secret")
        return s

    @attack("mlruns folder (no manifest): symlinked artifact to the secret", must_refuse=False)
    def _(ad):
        s = os.path.join(ad, "plain")
        shutil.copytree(base_bundle, s, symlinks=True)
        os.remove(os.path.join(s, "manifest.json"))
        os.symlink(os.path.join(ad, "outside", "secret.txt"), os.path.join(s, art, "leak.txt"))
        return s

    @attack(f"gzip bomb: {bomb_mb} MB of zeros listed as 10 bytes")
    def _(ad):
        b = copy_bundle(ad)
        relist(b, extra=[(f"{art}/bomb.bin", 10, sha(b"\0" * 10))])
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(f"{art}/bomb.bin", size=bomb_mb << 20, fileobj=Zeros(bomb_mb << 20))])
        return out

    @attack(f"gzip bomb: {bomb_mb} MB of zeros not in the manifest")
    def _(ad):
        b = copy_bundle(ad)
        out = os.path.join(ad, "b.tar.gz")
        pack(b, out, [member(f"{art}/bomb.bin", size=bomb_mb << 20, fileobj=Zeros(bomb_mb << 20))])
        return out

    say(f"[bundles] {len(attacks)} crafted bundles against `mlt import`")
    bad = 0
    bound = 32 << 20  # the bundles' real content is a few KB
    for i, (title, must_refuse, build, _check) in enumerate(attacks):
        ad = os.path.join(d, f"a{i}")
        os.makedirs(os.path.join(ad, "outside"))
        os.makedirs(os.path.join(ad, "secret"))
        # Where `mlruns/../../secret` leads from a folder bundle (ad/bundle) and from a .tar.gz
        # unpacked in TMPDIR (ad/tmp/mlt-import-*).
        os.makedirs(os.path.join(ad, "tmp", "secret"))
        canaries = [os.path.join(ad, x, "secret.txt") for x in ("outside", "secret", "tmp/secret")]
        for p in canaries:
            with open(p, "w") as f:
                f.write(token + "\n")
        source = build(ad)
        store = os.path.join(ad, "store")
        shutil.copytree(target, store, symlinks=True)
        before_store = snapshot(store)
        before_world = snapshot(ad, skip_top=("store", "tmp"))
        # Poll the disk the import uses (TMPDIR and the store's .mlt/) while it runs.
        peak = [0]
        stop = threading.Event()

        def poll():
            while not stop.is_set():
                peak[0] = max(peak[0], tree_bytes(os.path.join(ad, "tmp"), os.path.join(store, ".mlt")))
                time.sleep(0.02)

        th = threading.Thread(target=poll)
        th.start()
        rc, out, err = mlt(store, "import", source, env={"TMPDIR": os.path.join(ad, "tmp")}, timeout=900)
        stop.set()
        th.join()
        why = []
        if rc not in (0, 1, 2) or "panicked" in err:
            why.append(f"exit {rc}: {one_line(err)}")
        if rc == 0 and must_refuse:
            why.append("accepted (exit 0)")
        if rc == 0 and "warning" not in err.lower():
            why.append("accepted without a warning")
        after_store = snapshot(store)
        changed = sorted(set(after_store) ^ set(before_store)) + sorted(
            k for k in before_store if k in after_store and after_store[k][2] != before_store[k][2]
        )
        if rc != 0 and changed:
            why.append(f"refused but the store changed: {changed[0]}")
        # Nothing read from outside the bundle: no canary, no artifact the bundle did not hold.
        leaked = [k for k in after_store if after_store[k][0] == "f" and token in open(os.path.join(store, k), "rb").read().decode(errors="replace")]
        for base, _, names in os.walk(os.path.join(store, ".mlt")):
            for n in names:
                try:
                    if token.encode() in open(os.path.join(base, n), "rb").read():
                        leaked.append(os.path.relpath(os.path.join(base, n), store))
                except OSError:
                    pass
        if leaked:
            why.append(f"read a file outside the bundle: {leaked[0]} holds the secret")
        for k in after_store:
            if k not in before_store and f"{victim}/artifacts/" in k and after_store[k][0] == "f":
                name_in = k.split(f"{victim}/artifacts/", 1)[1]
                if name_in not in ("a.txt", "sub/b.txt"):
                    why.append(f"imported an artifact the bundle did not hold: {k}")
                    break
        # Nothing written outside the store.
        after_world = snapshot(ad, skip_top=("store", "tmp"))
        new = sorted(set(after_world) - set(before_world))
        tmp_left = tree_bytes(os.path.join(ad, "tmp"))
        for base, _, names in os.walk(ad):
            for n in names:
                if n.startswith("escaped") or n == "planted.txt":
                    new.append(os.path.join(base, n))
        if new:
            why.append(f"wrote outside the store: {new[0]}")
        scratch = tree_bytes(os.path.join(store, ".mlt", "tmp")) + tmp_left
        if peak[0] > bound:
            why.append(f"unbounded: {peak[0] >> 20} MB of scratch at the peak")
        if scratch > (1 << 20):
            why.append(f"{scratch >> 20} MB of scratch left after the import")
        outcome = "refused" if rc != 0 else "imported" + (" with a warning" if "warning" in err.lower() else "")
        say(f"[bundles] {title}: {outcome} ({one_line(err)[:100]}){' -> LOSS' if why else ''}")
        if why:
            bad += 1
            loss(name, f"{title}: " + "; ".join(why))
        w = mlflow_check(reader, store)
        if w:
            bad += 0 if why else 1
            loss(name, f"{title}: {w}")
        shutil.rmtree(ad, ignore_errors=True)
    row("bundle attacks on `mlt import`", len(attacks), bad, "-", "accepted, read or wrote outside, store changed, unbounded scratch")


# ---------------------------------------------------------------------------------------------


CAMPAIGNS = {
    "writers": campaign_writers,
    "experiments": campaign_experiments,
    "params": campaign_params,
    "kill": campaign_kill,
    "disk": campaign_disk,
    "bundles": campaign_bundles,
}


def table():
    head = ("campaign", "trials", "survivors", "losses", "store check", "a loss means")
    rows = [head] + [tuple(str(x) for x in r) for r in ROWS]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head) - 1)]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[i].ljust(widths[i]) if i in (0, 4) else r[i].rjust(widths[i]) for i in range(len(widths))]
        lines.append("| " + " | ".join(cells) + " | " + r[-1] + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|---|")
    return "\n".join(lines)


def main(argv):
    if argv[:1] == ["--reader"]:
        return reader_main()
    chosen = argv or list(CAMPAIGNS)
    for c in chosen:
        if c not in CAMPAIGNS:
            raise SystemExit(f"unknown campaign {c!r}; pick from {', '.join(CAMPAIGNS)}")
    reader = Reader(WORK)
    started = time.time()
    try:
        for c in chosen:
            t = time.time()
            CAMPAIGNS[c](reader)
            say(f"[{c}] {time.time() - t:.0f} s")
    finally:
        reader.close()
    with open(os.path.join(WORK, "losses.log"), "w") as f:
        for c, reasons in LOSSES.items():
            for r in reasons:
                f.write(f"{c}: {r}\n")
    if LOSSES:
        print("\nLosses (first 10 of each campaign; all in losses.log):")
        for c, reasons in LOSSES.items():
            for r in reasons[:10]:
                print(f"  {c}: {r}")
            if len(reasons) > 10:
                print(f"  {c}: ... and {len(reasons) - 10} more")
    print(f"\nStress campaign (scale {SCALE:g}, {time.time() - started:.0f} s, mlt {MLT}):\n")
    print(table())
    return 1 if any(r[3] for r in ROWS) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
