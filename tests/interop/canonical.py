"""Canonical, comparable description of everything MlflowClient sees in a store.

Used by mlflow_read.py / mlflow_write.py (and the Rust interop tests, which compare
this JSON with what `mlt` reports / writes). Output shape:

{"experiments": [  # ViewType.ALL, sorted by experiment_id (string sort)
  {"experiment_id", "name", "artifact_location" (verbatim), "lifecycle_stage", "tags": {k: v},
   "runs": [  # ViewType.ALL, sorted by run_id
     {"run_id", "run_name", "experiment_id", "status" (e.g. "FINISHED"), "start_time" (int ms),
      "end_time" (int ms | null), "lifecycle_stage", "artifact_uri" (verbatim), "user_id",
      "params": {k: v}, "tags": {k: v},
      "metrics": {key: {"value": float, "timestamp": int, "step": int}},  # latest (get_run)
      "history": {key: [[timestamp, value, step], ...]},  # get_metric_history, file order
      "artifacts": [[path, size | null for dirs], ...] | null}]}]}  # null if listing raised

Non-finite floats are encoded as the strings "NaN", "Infinity", "-Infinity".
"""

import json
import math
import os

from mlflow.entities import ViewType


def setup_tracking(store_root):
    """chdir to STORE_ROOT (relative artifact URIs resolve against the CWD), allow the
    file store, and point MLflow at STORE_ROOT/mlruns. Returns the tracking URI."""
    root = os.path.abspath(store_root)
    os.makedirs(root, exist_ok=True)
    os.chdir(root)
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    uri = "file://" + os.path.join(root, "mlruns")
    os.environ["MLFLOW_TRACKING_URI"] = uri
    import mlflow

    mlflow.set_tracking_uri(uri)
    return uri


def enc_float(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _all_pages(fetch):
    out, token = [], None
    while True:
        page = fetch(token)
        out.extend(page)
        token = getattr(page, "token", None)
        if not token:
            return out


def _artifacts(client, run_id):
    out = []

    def walk(path):
        for fi in client.list_artifacts(run_id, path):
            if fi.is_dir:
                out.append([fi.path, None])
                walk(fi.path)
            else:
                out.append([fi.path, None if fi.file_size is None else int(fi.file_size)])

    try:
        walk(None)
    except Exception:  # noqa: BLE001 - e.g. missing artifact dir
        return None
    return sorted(out, key=lambda e: e[0])


def _run(client, run_id):
    run = client.get_run(run_id)
    info, data = run.info, run.data

    # Latest metric objects (value + timestamp + step) exactly as MLflow reports them:
    # RunData keeps the Metric objects and exposes them through the public proto.
    latest = {}
    for m in run.to_proto().data.metrics:
        latest[m.key] = {"value": enc_float(m.value), "timestamp": int(m.timestamp),
                         "step": int(m.step)}
    # Sanity: the proto values are the ones run.data.metrics reports.
    assert set(latest) == set(data.metrics), (latest.keys(), data.metrics.keys())
    for k, v in data.metrics.items():
        assert latest[k]["value"] == enc_float(v), (k, latest[k], v)

    history = {}
    for key in sorted(data.metrics):
        history[key] = [
            [int(m.timestamp), enc_float(m.value), int(m.step)]
            for m in client.get_metric_history(run_id, key)
        ]

    return {
        "run_id": info.run_id,
        "run_name": info.run_name,
        "experiment_id": info.experiment_id,
        "status": info.status,
        "start_time": None if info.start_time is None else int(info.start_time),
        "end_time": None if info.end_time is None else int(info.end_time),
        "lifecycle_stage": info.lifecycle_stage,
        "artifact_uri": info.artifact_uri,
        "user_id": info.user_id,
        "params": dict(data.params),
        "tags": dict(data.tags),
        "metrics": latest,
        "history": history,
        "artifacts": _artifacts(client, run_id),
    }


def canonical(client, only=None):
    """`only`: a list of experiment names to describe (default: every experiment)."""
    exps = _all_pages(
        lambda tok: client.search_experiments(view_type=ViewType.ALL, max_results=1000,
                                              page_token=tok)
    )
    if only is not None:
        exps = [e for e in exps if e.name in only]
    out = []
    for exp in sorted(exps, key=lambda e: e.experiment_id):
        runs = _all_pages(
            lambda tok, eid=exp.experiment_id: client.search_runs(
                [eid], run_view_type=ViewType.ALL, max_results=1000, page_token=tok
            )
        )
        out.append({
            "experiment_id": exp.experiment_id,
            "name": exp.name,
            "artifact_location": exp.artifact_location,
            "lifecycle_stage": exp.lifecycle_stage,
            "tags": dict(exp.tags),
            "runs": [_run(client, r.info.run_id)
                     for r in sorted(runs, key=lambda r: r.info.run_id)],
        })
    return {"experiments": out}


def dumps(obj):
    # allow_nan=False: every non-finite float must already be encoded as a string.
    return json.dumps(obj, sort_keys=True, allow_nan=False)
