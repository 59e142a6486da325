"""Usage: hostile_input.py none STORE_ROOT MLT_RUN_ID
       hostile_input.py experiment STORE_ROOT NAME

none: logs {"p": None} with log_params and set_tag("t", None) in a new run of
STORE_ROOT, and prints JSON {"mlflow": {"p", "t"}, "mlt": {"p", "t"}}: what MLflow
stored for its own run and what it reads back from mlt's run MLT_RUN_ID.

experiment: prints JSON {"experiments": how many experiments are named NAME,
"runs": how many runs MLflow's search_runs finds in it}.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import setup_tracking  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    mode, root, arg = sys.argv[1:]
    uri = setup_tracking(root)
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import ViewType

    client = MlflowClient(tracking_uri=uri)
    if mode == "none":
        with mlflow.start_run() as run:
            mlflow.log_params({"p": None})
            mlflow.set_tag("t", None)
        ours = client.get_run(run.info.run_id).data
        theirs = client.get_run(arg).data
        print(
            json.dumps(
                {
                    "mlflow": {"p": ours.params["p"], "t": ours.tags["t"]},
                    "mlt": {"p": theirs.params["p"], "t": theirs.tags["t"]},
                }
            )
        )
    elif mode == "experiment":
        named = [
            e
            for e in client.search_experiments(view_type=ViewType.ALL)
            if e.name == arg
        ]
        exp = client.get_experiment_by_name(arg)
        runs = client.search_runs([exp.experiment_id], max_results=1000)
        print(json.dumps({"experiments": len(named), "runs": len(runs)}))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
