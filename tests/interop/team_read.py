"""Usage: team_read.py store STORE_ROOT [EXP,...] | team_read.py server URL [EXP,...]

Prints, as JSON, everything MLflow's own client (MlflowClient) sees of a store or of a
tracking server, for the push/pull tests (team.rs), which compare the two sides:

{"experiments": [canonical.py's experiments, each run with "digests": {path: sha256 of the
                 bytes download_artifacts gives}, each experiment with
                 "logged_models": [{"model_id", "name", "status", "source_run_id", "params",
                                    "tags", "metrics": [[key, value, step, run_id,
                                    dataset_name, dataset_digest]] (sorted),
                                    "digests": {path: sha256}}]  (sorted by name, id)],
 "registry": registry.py's canonical registry}

With EXP,... (experiment names), only those experiments.
"""

import hashlib
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import canonical, dumps  # noqa: E402
import registry  # noqa: E402


def digests_of(download):
    """{relative path: sha256} of the files a download (into a temp dir) produces."""
    out = {}
    with tempfile.TemporaryDirectory() as d:
        local = download(d)
        for base, _, names in os.walk(local):
            for n in names:
                if n == "registered_model_meta":  # written by MLflow's download itself
                    continue
                p = os.path.join(base, n)
                with open(p, "rb") as f:
                    out[os.path.relpath(p, local)] = hashlib.sha256(f.read()).hexdigest()
    return out


def logged_models(c, experiment_id):
    import mlflow

    out = []
    token = None
    while True:
        page = c.search_logged_models(experiment_ids=[experiment_id], max_results=100,
                                      page_token=token)
        for m in page:
            out.append({
                "model_id": m.model_id,
                "name": m.name,
                "status": str(m.status),
                "source_run_id": m.source_run_id,
                "params": dict(m.params or {}),
                "tags": dict(m.tags or {}),
                "metrics": sorted([mm.key, mm.value, mm.step, mm.run_id, mm.dataset_name,
                                   mm.dataset_digest] for mm in (m.metrics or [])),
                "digests": digests_of(lambda d, m=m: mlflow.artifacts.download_artifacts(
                    artifact_uri=f"models:/{m.model_id}", dst_path=d)),
            })
        token = page.token
        if not token:
            break
    return sorted(out, key=lambda m: (m["name"], m["model_id"]))


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("store", "server"):
        sys.exit("usage: team_read.py store STORE_ROOT [EXP,...] | team_read.py server URL [EXP,...]")
    only = sys.argv[3].split(",") if len(sys.argv) == 4 else None
    if sys.argv[1] == "store":
        c = registry.client(sys.argv[2])
    else:
        url = sys.argv[2]
        os.environ["MLFLOW_TRACKING_URI"] = url
        os.environ["MLFLOW_REGISTRY_URI"] = url
        import mlflow
        from mlflow import MlflowClient

        mlflow.set_tracking_uri(url)
        mlflow.set_registry_uri(url)
        c = MlflowClient(tracking_uri=url, registry_uri=url)

    out = canonical(c, only)
    for exp in out["experiments"]:
        for run in exp["runs"]:
            files = [p for p, size in (run["artifacts"] or []) if size is not None]
            run["digests"] = digests_of(
                lambda d, run=run: c.download_artifacts(run["run_id"], "", d)) if files else {}
        exp["logged_models"] = logged_models(c, exp["experiment_id"])
    out["registry"] = registry.canonical(c)
    print(dumps(out))


if __name__ == "__main__":
    main()
