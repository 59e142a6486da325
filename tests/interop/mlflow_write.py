"""Usage: mlflow_write.py STORE_ROOT [--sqlite]

Creates STORE_ROOT/mlruns with the real MLflow (cwd = STORE_ROOT, tracking URI
file://<abs STORE_ROOT>/mlruns) and prints its canonical JSON (see canonical.py).

Content (fixed, distinctive values; ids and wall-clock times are MLflow's own):
  0 "Default"            (created by MLflow, empty)
  "interop-alpha"        tags team=mlt, nested/key=v/1, mlflow.note.content=...
      parent-run  FINISHED  params/tags/metrics/artifacts/description (fluent API)
      child-run   FINISHED  nested under parent-run (fluent, nested=True)
      failed-run  FAILED    fixed start/end times
      killed-run  KILLED    fixed start/end times
      running-run RUNNING   end_time null
      deleted-run FINISHED, then deleted
  "interop-beta"         one FINISHED run
  "interop-doomed"       one FINISHED run, then the experiment is deleted

With --sqlite, MLflow writes STORE_ROOT/mlflow.db (MLflow 3's default store; artifacts under
STORE_ROOT/mlruns), also registers a model (tags, two versions, an alias, a stage), and
prints {"tracking": <canonical JSON>, "registry": <registered models as MLflow reads them>}.
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import canonical, dumps, setup_tracking  # noqa: E402

T0 = 1_700_000_000_000  # fixed base timestamp (ms)


def make_artifact_tree(base):
    """root.txt, empty.bin, plots/a.txt, plots/deep/b.json"""
    os.makedirs(os.path.join(base, "plots", "deep"))
    files = {
        "root.txt": "root artifact\n",
        "empty.bin": "",
        "plots/a.txt": "alpha plot data: 1 2 3\n",
        "plots/deep/b.json": '{"b": [1, 2.5, "x"], "ok": true}\n',
    }
    for rel, content in files.items():
        with open(os.path.join(base, rel), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)


def registry(client, run_ids):
    """Registers a model from two runs and returns what MLflow reads back."""
    client.create_registered_model("clf", tags={"team": "cv"}, description="a model")
    for run_id in run_ids:
        client.create_model_version("clf", f"runs:/{run_id}/plots", run_id=run_id,
                                    tags={"from": run_id[:8]})
    client.set_registered_model_alias("clf", "champion", "1")
    client.transition_model_version_stage("clf", "2", "Staging")
    client.update_model_version("clf", "2", description="second")
    out = []
    for m in client.search_registered_models():
        versions = []
        for v in sorted(client.search_model_versions(f"name = '{m.name}'"),
                        key=lambda v: int(v.version)):
            versions.append({"version": int(v.version), "source": v.source,
                             "run_id": v.run_id, "current_stage": v.current_stage,
                             "description": v.description or None, "status": v.status,
                             "tags": dict(v.tags), "creation_timestamp": v.creation_timestamp})
        out.append({"name": m.name, "description": m.description, "tags": dict(m.tags),
                    "aliases": dict(m.aliases), "versions": versions})
    return out


def main():
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "--sqlite"):
        sys.exit("usage: mlflow_write.py STORE_ROOT [--sqlite]")
    sqlite = len(sys.argv) == 3
    store_root = os.path.abspath(sys.argv[1])
    if os.path.exists(os.path.join(store_root, "mlruns")):
        sys.exit(f"{store_root}/mlruns already exists")
    if sqlite:
        os.makedirs(store_root, exist_ok=True)
        os.chdir(store_root)
        uri = "sqlite:///" + os.path.join(store_root, "mlflow.db")
        os.environ["MLFLOW_TRACKING_URI"] = uri
        import mlflow

        mlflow.set_tracking_uri(uri)
    else:
        uri = setup_tracking(store_root)

    import mlflow
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri)

    alpha = client.create_experiment(
        "interop-alpha",
        tags={"team": "mlt", "nested/key": "v/1",
              "mlflow.note.content": "Alpha experiment for interop tests"},
    )
    beta = client.create_experiment("interop-beta")
    doomed = client.create_experiment("interop-doomed", tags={"fate": "deleted"})

    # --- interop-alpha: parent + nested child via the fluent API -------------
    mlflow.set_experiment(experiment_id=alpha)
    with mlflow.start_run(run_name="parent-run",
                          description="Parent run **description**\nline two") as parent:
        mlflow.log_params({
            "lr": 0.001,
            "epochs": 5,
            "model/name": "res net 50",
            "unicode": "naïve café – 日本語 ✓",
            "spaces": "  leading and trailing  ",
            "empty": "",
        })
        mlflow.set_tags({
            "nested/tag": "deep value",
            "multiline": "hello\nworld",
            "empty_tag": "",
            "priority": "P1",
        })
        # steps 0..4 with distinctive values, fixed timestamps
        for step, v in enumerate([2.5, 1.25, 0.625, 1e-05, 0.3125]):
            mlflow.log_metric("train/loss", v, step=step, timestamp=T0 + 1000 * step)
        for step, v in enumerate([float("nan"), float("inf"), float("-inf"), 1e20, -7]):
            mlflow.log_metric("weird", v, step=step, timestamp=T0 + 1000 * step)
        mlflow.log_metric("neg_step", 42, step=-3, timestamp=T0 + 10)
        mlflow.log_metric("neg_step", 7.5, step=-1, timestamp=T0 + 20)
        # latest = max by (step, timestamp, value): step 2 @ T0+3000 -> 1.5
        # (not the last line 0.5, not the max value 9.0)
        for ts, v, step in [(1000, 3.0, 2), (3000, 1.5, 2), (2000, 9.0, 1), (3000, 0.5, 2)]:
            mlflow.log_metric("latest_rule", v, step=step, timestamp=T0 + ts)
        mlflow.log_metric("acc", 1, step=0, timestamp=T0 + 5)  # int -> stored as 1.0

        tmp = tempfile.mkdtemp(prefix="mlt-interop-")
        try:
            make_artifact_tree(tmp)
            mlflow.log_artifact(os.path.join(tmp, "root.txt"))
            mlflow.log_artifact(os.path.join(tmp, "empty.bin"))
            mlflow.log_artifacts(os.path.join(tmp, "plots"), artifact_path="plots")
        finally:
            shutil.rmtree(tmp)

        with mlflow.start_run(run_name="child-run", nested=True):
            mlflow.log_param("child_param", "child value")
            mlflow.log_metric("child_metric", 0.5, step=0, timestamp=T0 + 100)
            mlflow.log_metric("child_metric", 0.75, step=1, timestamp=T0 + 200)
    assert parent.info.run_id

    # --- interop-alpha: client-made runs with fixed times ----------------------
    failed = client.create_run(alpha, run_name="failed-run", start_time=T0 + 10_000,
                               tags={"reason": "oom"})
    client.log_param(failed.info.run_id, "batch_size", "4096")
    client.log_metric(failed.info.run_id, "loss", 3.75, timestamp=T0 + 10_500, step=0)
    client.set_terminated(failed.info.run_id, status="FAILED", end_time=T0 + 11_000)

    killed = client.create_run(alpha, run_name="killed-run", start_time=T0 + 20_000)
    client.log_metric(killed.info.run_id, "progress", 0.4, timestamp=T0 + 20_500, step=40)
    client.set_terminated(killed.info.run_id, status="KILLED", end_time=T0 + 21_000)

    running = client.create_run(alpha, run_name="running-run", start_time=T0 + 30_000)
    client.set_tag(running.info.run_id, "state", "still going")

    deleted = client.create_run(alpha, run_name="deleted-run", start_time=T0 + 40_000)
    client.log_param(deleted.info.run_id, "gone", "yes")
    client.log_metric(deleted.info.run_id, "m", 1.5, timestamp=T0 + 40_500, step=0)
    client.set_terminated(deleted.info.run_id, status="FINISHED", end_time=T0 + 41_000)
    client.delete_run(deleted.info.run_id)

    # --- interop-beta ----------------------------------------------------------
    b = client.create_run(beta, run_name="beta-run", start_time=T0 + 50_000,
                          tags={"kind": "beta"})
    client.log_param(b.info.run_id, "alpha", "0.5")
    client.log_metric(b.info.run_id, "score", 0.875, timestamp=T0 + 50_500, step=0)
    client.set_terminated(b.info.run_id, status="FINISHED", end_time=T0 + 51_000)

    # --- interop-doomed: a run, then the experiment is deleted ----------------
    d = client.create_run(doomed, run_name="doomed-run", start_time=T0 + 60_000)
    client.log_param(d.info.run_id, "p", "v")
    client.log_metric(d.info.run_id, "x", 2.0, timestamp=T0 + 60_500, step=0)
    client.set_terminated(d.info.run_id, status="FINISHED", end_time=T0 + 61_000)
    client.delete_experiment(doomed)

    if sqlite:
        models = registry(client, [parent.info.run_id, b.info.run_id])
        print(dumps({"tracking": canonical(client), "registry": models}))
        return
    print(dumps(canonical(client)))


if __name__ == "__main__":
    main()
