"""MLflow's real client (MlflowClient and the fluent API) against `mlt server`'s tracking
endpoints. MLFLOW_TRACKING_URI is the server. Usage:

    server_tracking.py endpoints          every endpoint; prints the ids it made (JSON)
    server_tracking.py errors             the client's exceptions for MLflow's error codes
    server_tracking.py paging N           N runs through search_runs pages, a metric in pages
    server_tracking.py workers SHARED K N K concurrent clients, each a thread with its own
                                          MlflowClient (prints their run ids)
    server_tracking.py canonical RUN...   what the client sees of these runs (JSON)
"""

import json
import os
import sys

import mlflow
import numpy as np
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException

URI = os.environ["MLFLOW_TRACKING_URI"]


def expect_error(code, f, *args, **kwargs):
    try:
        f(*args, **kwargs)
    except MlflowException as e:
        assert e.error_code == code, (code, e.error_code, str(e))
        return e
    raise AssertionError(f"{f.__name__} did not raise {code}")


def endpoints():
    c = MlflowClient()
    eid = c.create_experiment("tracking-e", tags={"team": "a"})
    e = c.get_experiment(eid)
    assert e.name == "tracking-e" and e.tags == {"team": "a"}, e
    assert e.artifact_location == f"mlflow-artifacts:/{eid}", e.artifact_location
    assert e.lifecycle_stage == "active"
    assert c.get_experiment_by_name("tracking-e").experiment_id == eid
    assert c.get_experiment_by_name("no such experiment") is None
    c.set_experiment_tag(eid, "k", "v")
    c.delete_experiment_tag(eid, "team")
    c.rename_experiment(eid, "tracking")
    e = c.get_experiment(eid)
    assert e.name == "tracking" and e.tags == {"k": "v"}, e
    found = c.search_experiments(filter_string="name LIKE 'track%'")
    assert [x.experiment_id for x in found] == [eid], found
    found = c.search_experiments(filter_string="tags.k = 'v'", order_by=["name DESC"])
    assert [x.experiment_id for x in found] == [eid], found

    gone = c.create_experiment("to-delete")
    c.delete_experiment(gone)
    assert c.get_experiment(gone).lifecycle_stage == "deleted"
    deleted = c.search_experiments(view_type=ViewType.DELETED_ONLY)
    assert [x.experiment_id for x in deleted] == [gone], deleted
    assert gone not in [x.experiment_id for x in c.search_experiments()]
    c.restore_experiment(gone)
    assert c.get_experiment(gone).lifecycle_stage == "active"

    # The fluent API: set_experiment, nested runs, params, metrics, tags, a dataset.
    mlflow.set_experiment("tracking")
    x = np.arange(12, dtype=float).reshape(4, 3)
    with mlflow.start_run(run_name="parent") as parent:
        pid = parent.info.run_id
        assert parent.info.artifact_uri == f"mlflow-artifacts:/{eid}/{pid}/artifacts"
        mlflow.log_params({"lr": "0.01", "layers": 3})
        mlflow.log_metric("loss", 0.5, step=1)
        mlflow.log_metrics({"loss": 0.25, "acc": 0.9}, step=2)
        mlflow.set_tag("team", "vision")
        mlflow.set_tags({"a": "1", "b": "2"})
        mlflow.log_input(mlflow.data.from_numpy(x, source="iris"), context="Train")
        with mlflow.start_run(run_name="child", nested=True) as child:
            cid = child.info.run_id
            mlflow.log_metric("x", 1.0)
        expect_error("INVALID_PARAMETER_VALUE", mlflow.log_param, "lr", "0.02")
        c.delete_tag(pid, "b")
    r = c.get_run(pid)
    assert r.info.status == "FINISHED" and r.info.end_time, r.info
    assert r.info.run_name == "parent"
    assert r.data.params == {"lr": "0.01", "layers": "3"}, r.data.params
    assert r.data.metrics == {"loss": 0.25, "acc": 0.9}, r.data.metrics
    assert r.data.tags["team"] == "vision" and r.data.tags["a"] == "1"
    assert "b" not in r.data.tags
    (di,) = r.inputs.dataset_inputs
    assert di.dataset.source_type == "local" or di.dataset.source_type, di
    assert {t.key: t.value for t in di.tags} == {"mlflow.data.context": "Train"}, di.tags
    ds = mlflow.data.from_numpy(x, source="iris")
    assert di.dataset.digest == ds.digest and di.dataset.name == ds.name, di.dataset
    assert c.get_run(cid).data.tags["mlflow.parentRunId"] == pid
    children = c.search_runs([eid], f"tags.mlflow.parentRunId = '{pid}'")
    assert [r.info.run_id for r in children] == [cid], children

    # The client's own calls: create_run, log_batch, update_run, set_terminated.
    run = c.create_run(eid, run_name="direct", tags={"t": "1"}, start_time=1234)
    did = run.info.run_id
    assert run.info.start_time == 1234 and run.info.status == "RUNNING"
    assert run.data.tags["t"] == "1" and run.data.tags["mlflow.runName"] == "direct"
    c.log_batch(
        did,
        metrics=[Metric("m", float(i), 1000 + i, i) for i in range(10)]
        + [Metric("nan", float("nan"), 1, 0), Metric("inf", float("inf"), 1, 0)],
        params=[Param("p", "1"), Param("q", "two words")],
        tags=[RunTag("t2", "2")],
    )
    c.log_metric(did, "single", -1.5, timestamp=42, step=7)
    c.log_param(did, "r", "x")
    c.set_tag(did, "t3", "3")
    c.update_run(did, name="renamed")
    c.set_terminated(did, "FAILED", end_time=99999)
    r = c.get_run(did)
    assert r.info.status == "FAILED" and r.info.end_time == 99999, r.info
    assert r.info.run_name == "renamed" and r.data.tags["mlflow.runName"] == "renamed"
    assert r.data.metrics["m"] == 9.0 and np.isnan(r.data.metrics["nan"])
    assert r.data.metrics["inf"] == float("inf")
    hist = c.get_metric_history(did, "m")
    assert [(h.step, h.value, h.timestamp) for h in hist] == [
        (i, float(i), 1000 + i) for i in range(10)
    ], hist
    assert c.get_metric_history(did, "no-such-metric") == []

    # log-model (the log-model history tag) and outputs.
    from mlflow.entities import LoggedModelOutput
    from mlflow.models import Model

    store = c._tracking_client.store
    store.record_logged_model(did, Model(artifact_path="m", run_id=did, flavors={"x": {}}))
    store.record_logged_model(did, Model(artifact_path="n", run_id=did, flavors={"x": {}}))
    hist = json.loads(c.get_run(did).data.tags["mlflow.log-model.history"])
    assert [h["artifact_path"] for h in hist] == ["m", "n"], hist
    c.log_outputs(did, [LoggedModelOutput(model_id="m-0123456789abcdef", step=3)])
    outs = c.get_run(did).outputs.model_outputs
    assert [(o.model_id, o.step) for o in outs] == [("m-0123456789abcdef", 3)], outs

    # Search: filter, order, view.
    got = c.search_runs([eid], "params.lr = '0.01'")
    assert [r.info.run_id for r in got] == [pid], got
    got = c.search_runs([eid], "attributes.status = 'FAILED'")
    assert [r.info.run_id for r in got] == [did], got
    got = c.search_runs([eid], order_by=["attributes.run_name ASC"])
    assert [r.info.run_name for r in got] == ["child", "parent", "renamed"], got
    got = c.search_runs([eid, gone], "metrics.loss < 1", max_results=5)
    assert [r.info.run_id for r in got] == [pid], got
    df = mlflow.search_runs(experiment_names=["tracking"])
    assert len(df) == 3, df

    c.delete_run(cid)
    assert c.get_run(cid).info.lifecycle_stage == "deleted"
    assert [r.info.run_id for r in c.search_runs([eid], run_view_type=ViewType.DELETED_ONLY)] == [cid]
    assert len(c.search_runs([eid], run_view_type=ViewType.ALL)) == 3
    c.restore_run(cid)
    assert c.get_run(cid).info.lifecycle_stage == "active"

    # get-history-bulk-interval, as MLflow's UI calls it.
    r = requests.get(
        f"{URI}/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
        params={"run_ids": [did, pid], "metric_key": "m", "max_results": 3},
    )
    assert r.status_code == 200, r.text
    pts = r.json()["metrics"]
    assert [(p["run_id"], p["step"]) for p in pts] == [(did, s) for s in (0, 3, 6, 9)], pts
    print(json.dumps({"experiment_id": eid, "runs": [pid, cid, did]}))


def errors():
    c = MlflowClient()
    assert c.get_experiment_by_name("missing") is None
    c.create_experiment("dup")
    expect_error("RESOURCE_ALREADY_EXISTS", c.create_experiment, "dup")
    expect_error("RESOURCE_DOES_NOT_EXIST", c.get_experiment, "424242")
    expect_error("RESOURCE_DOES_NOT_EXIST", c.get_run, "0123456789abcdef0123456789abcdef")
    run = c.create_run("0")
    rid = run.info.run_id
    c.log_param(rid, "p", "1")
    c.log_param(rid, "p", "1")  # the same value again is fine
    expect_error("INVALID_PARAMETER_VALUE", c.log_param, rid, "p", "2")
    expect_error(
        "INVALID_PARAMETER_VALUE",
        c.log_batch,
        rid,
        params=[Param("p", "3")],
    )
    expect_error("INVALID_PARAMETER_VALUE", c.log_metric, rid, "bad/../key", 1.0)
    # (The client splits a log_batch over MLflow's limits itself; the server's limits are
    # checked with raw requests in server_tracking.rs.)
    expect_error("INVALID_PARAMETER_VALUE", c.set_tag, rid, "t", "x" * 8001)
    expect_error("INVALID_PARAMETER_VALUE", c.search_runs, ["0"], "metrics.m >>> 1")
    expect_error("INVALID_PARAMETER_VALUE", c.search_runs, ["0"], max_results=50001)
    # Nothing of a refused batch was written.
    r = c.get_run(rid)
    assert r.data.params == {"p": "1"} and "m" not in r.data.metrics, r.data
    c.delete_run(rid)
    expect_error("INVALID_PARAMETER_VALUE", c.log_metric, rid, "m", 1.0)
    print("ok")


def paging(n):
    c = MlflowClient()
    eid = c.create_experiment("paging")
    made = [c.create_run(eid, start_time=1000 + i).info.run_id for i in range(n)]
    seen, token, pages = [], None, 0
    while True:
        page = c.search_runs([eid], max_results=10, page_token=token, order_by=["start_time ASC"])
        seen += [r.info.run_id for r in page]
        pages += 1
        token = page.token
        if not token:
            break
    assert seen == made, (len(seen), len(made))
    assert pages == (n + 9) // 10, pages
    assert len(mlflow.search_runs([eid], max_results=n + 5)) == n
    # A metric longer than a page of get-history.
    rid = made[0]
    for start in range(0, 250, 100):
        c.log_batch(rid, metrics=[Metric("loss", i / 2, i, i) for i in range(start, min(start + 100, 250))])
    store = c._tracking_client.store
    got, token = [], None
    while True:
        page = store.get_metric_history(rid, "loss", max_results=100, page_token=token)
        got += [(m.step, m.value) for m in page]
        token = page.token
        if not token:
            break
    assert got == [(i, i / 2) for i in range(250)], got[:5]
    assert len(c.get_metric_history(rid, "loss")) == 250
    print(json.dumps({"experiment_id": eid, "runs": made}))


def workers(shared, k, n):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(k) as pool:
        owns = list(pool.map(lambda i: worker(shared, i, n), range(k)))
    print(json.dumps(owns))


def worker(shared, i, n):
    c = MlflowClient()
    own = c.create_run("0", run_name=f"worker-{i}").info.run_id
    for s in range(n):
        c.log_metric(shared, "shared", float(i * 10000 + s), timestamp=1, step=i * 10000 + s)
        c.log_metric(own, "own", float(s), timestamp=1, step=s)
    c.log_batch(
        shared,
        metrics=[Metric("shared", float(i * 10000 + s), 1, i * 10000 + s) for s in range(n, n + 100)],
        params=[Param("same", "1")],
    )
    c.log_batch(own, metrics=[Metric("own", float(s), 1, s) for s in range(n, n + 100)])
    c.set_terminated(own)
    return own


def canonical(run_ids):
    """What the client sees of runs; the file-store reader prints the same shape."""
    c = MlflowClient()
    out = {}
    for rid in run_ids:
        r = c.get_run(rid)
        out[rid] = {
            "name": r.info.run_name,
            "status": r.info.status,
            "start_time": r.info.start_time,
            "end_time": r.info.end_time,
            "lifecycle_stage": r.info.lifecycle_stage,
            "params": r.data.params,
            "metrics": {k: repr(v) for k, v in r.data.metrics.items()},
            "tags": r.data.tags,
            "history": {
                k: [(m.step, m.timestamp, repr(m.value)) for m in c.get_metric_history(rid, k)]
                for k in sorted(r.data.metrics)
            },
            "datasets": sorted(
                (
                    d.dataset.name,
                    d.dataset.digest,
                    d.dataset.source_type,
                    d.dataset.source,
                    d.dataset.schema,
                    d.dataset.profile,
                    sorted((t.key, t.value) for t in d.tags),
                )
                for d in r.inputs.dataset_inputs
            ),
            "outputs": [(o.model_id, o.step) for o in (r.outputs.model_outputs if r.outputs else [])],
        }
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "endpoints":
        endpoints()
    elif cmd == "errors":
        errors()
    elif cmd == "paging":
        paging(int(sys.argv[2]))
    elif cmd == "workers":
        workers(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "canonical":
        canonical(sys.argv[2:])
    else:
        raise SystemExit(f"unknown command {cmd}")
