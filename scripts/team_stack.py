"""A team's MLflow stack on loopback, for the push/pull tests and the benchmark.

Run by scripts/team-stack.sh with the stack venv's python (which has the full mlflow,
psycopg2, boto3 and moto). Subcommands:

  serve [--mode M] [--servers N] [--dir D] [--detach]
      Starts the stack and prints one KEY=VALUE per line on stdout once it answers, then
      stays up until stdin closes (the caller exited) or SIGTERM/SIGINT, and then stops
      every process and removes its folder. With --detach it ignores stdin (for shells:
      `team-stack.sh start` runs it so, and `team-stack.sh stop DIR` ends it).
  stop DIR
      Stops a detached stack started with its folder DIR (STACK_DIR in the output).

Modes:
  pg      PostgreSQL backend (initdb in the stack's folder, run as an unprivileged user when
          this runs as root) and S3 artifacts on moto_server, proxied
          (--artifacts-destination s3://BUCKET/artifacts).
  pg-direct  the same, but artifacts are not proxied: runs get s3://BUCKET/direct/...
          locations (--default-artifact-root, --no-serve-artifacts), and clients move the
          bytes to and from moto themselves (with the AWS_* lines and S3_ENDPOINT).
  sqlite  SQLite backend with proxied local artifacts (fast).

With --servers 2, a second MLflow server (own database, own bucket or folder) is started
too: MLFLOW_URL_B (the benchmark's export-import target).

Everything listens on 127.0.0.1 only, on free ports.
"""

import argparse
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ACCESS_KEY = "mlt-test"
SECRET_KEY = "mlt-test-secret"
REGION = "us-east-1"


def log(msg):
    print(f"team-stack: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    base = "/usr/lib/postgresql"
    if os.path.isdir(base):
        for v in sorted(os.listdir(base), key=lambda s: int(s) if s.isdigit() else 0, reverse=True):
            p = os.path.join(base, v, "bin", name)
            if os.access(p, os.X_OK):
                return p
    raise SystemExit(f"team-stack: {name} not found (apt-get install postgresql)")


class Stack:
    def __init__(self, root):
        self.root = root
        self.procs = []  # (name, Popen, logpath)
        self.pg_data = None
        self.pg_user = None
        self.lock = threading.Lock()
        self.stopped = False

    # -- processes ---------------------------------------------------------------------------
    def spawn(self, name, argv, env=None, user=None, cwd=None):
        logpath = os.path.join(self.root, f"{name}.log")
        out = open(logpath, "ab")
        if user is not None:
            argv = ["runuser", "-u", user, "--"] + argv
        p = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd or self.root,
            start_new_session=True,
        )
        out.close()
        self.procs.append((name, p, logpath))
        with open(os.path.join(self.root, f"{name}.pid"), "w") as f:
            f.write(str(p.pid))
        return p

    def tail(self, name, lines=40):
        path = os.path.join(self.root, f"{name}.log")
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def fail(self, name, what):
        log(f"{what}\n--- {name} log (last lines) ---\n{self.tail(name)}")
        self.stop()
        sys.exit(1)

    def wait_http(self, name, proc, url, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                self.fail(name, f"{name} exited with code {proc.returncode} before answering")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status < 500:
                        return
            except Exception:
                pass
            time.sleep(0.2)
        self.fail(name, f"{name} did not answer {url} within {timeout} s")

    def stop(self):
        with self.lock:
            if self.stopped:
                return
            self.stopped = True
        # MLflow servers and moto first, PostgreSQL last (a clean shutdown of the cluster).
        for name, p, _ in reversed(self.procs):
            if name == "postgres":
                continue
            terminate(p)
        if self.pg_data is not None:
            ctl = [pg_bin("pg_ctl"), "-D", self.pg_data, "-m", "fast", "-w", "-t", "30", "stop"]
            if self.pg_user:
                ctl = ["runuser", "-u", self.pg_user, "--"] + ctl
            subprocess.run(ctl, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name, p, _ in self.procs:
            if name == "postgres":
                terminate(p)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- services ----------------------------------------------------------------------------
    def postgres(self, databases):
        pg_user = None
        if os.geteuid() == 0:
            pg_user = ensure_user("postgres")
        self.pg_user = pg_user
        pgdir = os.path.join(self.root, "pg")
        os.makedirs(pgdir)
        data = os.path.join(pgdir, "data")
        sock = os.path.join(pgdir, "sock")
        os.makedirs(sock)
        if pg_user:
            # PostgreSQL refuses to run as root: its folders belong to the unprivileged user,
            # who may pass through the stack's folder (root's, group-readable by that user).
            pw = pwd.getpwnam(pg_user)
            for d in (pgdir, sock):
                os.chown(d, pw.pw_uid, pw.pw_gid)
            os.chown(self.root, 0, pw.pw_gid)
            os.chmod(self.root, 0o750)
        initdb = [pg_bin("initdb"), "-D", data, "-U", "mlflow", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--locale=C"]
        if pg_user:
            initdb = ["runuser", "-u", pg_user, "--"] + initdb
        r = subprocess.run(initdb, capture_output=True, text=True)
        if r.returncode != 0:
            log(f"initdb failed:\n{r.stdout}\n{r.stderr}")
            self.stop()
            sys.exit(1)
        self.pg_data = data
        for attempt in range(5):
            port = free_port()
            argv = [pg_bin("postgres"), "-D", data, "-p", str(port), "-h", "127.0.0.1",
                    "-k", sock, "-c", "fsync=off", "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off", "-c", "max_connections=100"]
            p = self.spawn("postgres", argv, user=pg_user)
            if self.wait_pg(p, port):
                break
            self.procs.pop()
            terminate(p)
        else:
            self.fail("postgres", "PostgreSQL did not start")
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=port, user="mlflow", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as c:
            for db in databases:
                c.execute(f'CREATE DATABASE "{db}"')
        conn.close()
        return port

    def wait_pg(self, p, port, timeout=60):
        import psycopg2

        deadline = time.time() + timeout
        while time.time() < deadline:
            if p.poll() is not None:
                return False
            try:
                psycopg2.connect(host="127.0.0.1", port=port, user="mlflow",
                                 dbname="postgres", connect_timeout=2).close()
                return True
            except Exception:
                time.sleep(0.2)
        return False

    def moto(self, buckets):
        port = free_port()
        exe = os.path.join(os.path.dirname(sys.executable), "moto_server")
        p = self.spawn("moto", [exe, "-H", "127.0.0.1", "-p", str(port)], env=aws_env(None))
        url = f"http://127.0.0.1:{port}"
        self.wait_http("moto", p, url + "/moto-api/", 60)
        import boto3

        s3 = boto3.client("s3", endpoint_url=url, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, region_name=REGION)
        for b in buckets:
            s3.create_bucket(Bucket=b)
        return url

    def mlflow(self, name, backend, artifacts, env, workers, direct=False):
        port = free_port()
        exe = os.path.join(os.path.dirname(sys.executable), "mlflow")
        # direct: runs get s3:// locations and clients move the bytes to S3 themselves.
        where = (["--default-artifact-root", artifacts, "--no-serve-artifacts"] if direct
                 else ["--artifacts-destination", artifacts])
        argv = [exe, "server", "--backend-store-uri", backend, *where,
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
        p = self.spawn(name, argv, env=env)
        url = f"http://127.0.0.1:{port}"
        self.wait_http(name, p, url + "/health", 180)
        return url


def terminate(p, grace=10):
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


def ensure_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        name], check=True)
    return name


def aws_env(s3_url):
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "MLFLOW_TRACKING_URI"):
        env.pop(k, None)
    if s3_url:
        env["MLFLOW_S3_ENDPOINT_URL"] = s3_url
    return env


def serve(args):
    parent = os.path.realpath(args.dir or tempfile.gettempdir())
    root = tempfile.mkdtemp(prefix="mlt-team-stack-", dir=parent)
    stack = Stack(root)
    done = threading.Event()

    def on_signal(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    with open(os.path.join(root, "supervisor.pid"), "w") as f:
        f.write(str(os.getpid()))

    names = ["a", "b"][: args.servers]
    out = {"STACK_DIR": root, "STACK_MODE": args.mode, "STACK_PYTHON": sys.executable}
    try:
        if args.mode in ("pg", "pg-direct"):
            direct = args.mode == "pg-direct"
            pg_port = stack.postgres([f"mlflow_{n}" for n in names])
            s3 = stack.moto([f"mlt-{n}" for n in names])
            out["PG_PORT"] = str(pg_port)
            out["S3_ENDPOINT"] = s3
            out["S3_BUCKET"] = "mlt-a"
            out["AWS_ACCESS_KEY_ID"] = ACCESS_KEY
            out["AWS_SECRET_ACCESS_KEY"] = SECRET_KEY
            out["AWS_DEFAULT_REGION"] = REGION
            env = aws_env(s3)
            # Both servers start at once: their database migrations are the slow part.
            urls = {}
            threads = []
            for n in names:
                # SQLAlchemy 2.1 reads postgresql:// as psycopg 3; the venv has psycopg2.
                backend = f"postgresql+psycopg2://mlflow@127.0.0.1:{pg_port}/mlflow_{n}"
                out["PG_URL" if n == "a" else "PG_URL_B"] = backend
                where = f"s3://mlt-{n}/{'direct' if direct else 'artifacts'}"
                t = threading.Thread(target=lambda n=n, b=backend, w=where: urls.__setitem__(
                    n, stack.mlflow(f"mlflow-{n}", b, w, env, args.workers, direct)))
                t.start()
                threads.append(t)
            for t in threads:
                t.join()
            if len(urls) != len(names):
                raise SystemExit(1)
        else:
            urls = {}
            env = aws_env(None)
            for n in names:
                d = os.path.join(root, f"sqlite-{n}")
                os.makedirs(os.path.join(d, "artifacts"))
                backend = f"sqlite:///{d}/mlflow.db"
                out["DB_URL" if n == "a" else "DB_URL_B"] = backend
                out["ARTIFACTS_DIR" if n == "a" else "ARTIFACTS_DIR_B"] = f"{d}/artifacts"
                urls[n] = stack.mlflow(f"mlflow-{n}", backend, f"{d}/artifacts", env,
                                       args.workers)
        out["MLFLOW_URL"] = urls["a"]
        if "b" in urls:
            out["MLFLOW_URL_B"] = urls["b"]
    except SystemExit:
        stack.stop()
        raise
    except BaseException as e:
        log(f"failed: {e!r}")
        for name, _, _ in stack.procs:
            log(f"--- {name} log ---\n{stack.tail(name)}")
        stack.stop()
        sys.exit(1)

    with open(os.path.join(root, "env"), "w") as f:
        for k, v in out.items():
            f.write(f"{k}={v}\n")
    for k, v in out.items():
        print(f"{k}={v}")
    print("READY=1", flush=True)
    sys.stdout.flush()

    if not args.detach:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(65536):
                    pass
            except Exception:
                pass
            done.set()

        threading.Thread(target=watch_stdin, daemon=True).start()

    def watch_children():
        # A server that dies on its own is reported (in its log) and ends the stack, so that a
        # test sees a refused connection rather than hanging on a half stack.
        while not done.is_set():
            for name, p, _ in stack.procs:
                if p.poll() is not None:
                    log(f"{name} exited with code {p.returncode}\n{stack.tail(name)}")
                    done.set()
                    return
            time.sleep(0.5)

    threading.Thread(target=watch_children, daemon=True).start()
    done.wait()
    stack.stop()


def stop(args):
    root = args.dir
    pidfile = os.path.join(root, "supervisor.pid")
    try:
        pid = int(open(pidfile).read().strip())
    except (OSError, ValueError):
        shutil.rmtree(root, ignore_errors=True)
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        shutil.rmtree(root, ignore_errors=True)
        return
    deadline = time.time() + 60
    while time.time() < deadline and os.path.exists(root):
        time.sleep(0.2)
    if os.path.exists(root):
        log(f"the stack in {root} did not stop within 60 s")
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(prog="team-stack")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--mode", choices=["pg", "pg-direct", "sqlite"], default="pg")
    s.add_argument("--servers", type=int, choices=[1, 2], default=1)
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--dir", help="where the stack's temporary folder is made")
    s.add_argument("--detach", action="store_true")
    t = sub.add_parser("stop")
    t.add_argument("dir")
    args = ap.parse_args()
    if args.cmd == "serve":
        serve(args)
    else:
        stop(args)


if __name__ == "__main__":
    main()
