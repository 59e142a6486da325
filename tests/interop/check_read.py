"""Usage: check_read.py STORE_ROOT

Reads every run of the store the way a user of MLflow's client would: search_runs over all
experiments (active and deleted), then get_run and list_artifacts of each. Prints JSON:
{"runs": {run_id: {"params": [...], "tags": [...], "metrics": {...}, "artifacts": [...]}}}.
Fails (non-zero exit, MLflow's traceback on stderr) when MLflow cannot read the store.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import setup_tracking  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_read.py STORE_ROOT")
    uri = setup_tracking(sys.argv[1])
    from mlflow import MlflowClient
    from mlflow.entities import ViewType

    client = MlflowClient(tracking_uri=uri)
    exps = client.search_experiments(view_type=ViewType.ALL)
    ids = [e.experiment_id for e in exps]
    runs = client.search_runs(ids, run_view_type=ViewType.ALL, max_results=50000)
    out = {}
    for r in runs:
        got = client.get_run(r.info.run_id)
        out[r.info.run_id] = {
            "params": sorted(got.data.params),
            "tags": sorted(got.data.tags),
            "metrics": {k: v for k, v in sorted(got.data.metrics.items())},
            "artifacts": sorted(a.path for a in client.list_artifacts(r.info.run_id)),
            "status": got.info.status,
        }
    print(json.dumps({"runs": out}, sort_keys=True))


if __name__ == "__main__":
    main()
