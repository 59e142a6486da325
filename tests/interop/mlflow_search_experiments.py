"""Usage: mlflow_search_experiments.py STORE_ROOT CASES_JSON

CASES_JSON holds a list of {"filter": str, "order_by": [str]}. For each case, prints
one line of JSON: the experiment ids that the real MLflow's search_experiments returns
(view ALL, in its order), or {"error": message} when MLflow refuses the case.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import setup_tracking  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mlflow_search_experiments.py STORE_ROOT CASES_JSON")
    with open(sys.argv[2]) as f:
        cases = json.load(f)
    uri = setup_tracking(sys.argv[1])
    from mlflow import MlflowClient
    from mlflow.entities import ViewType
    from mlflow.exceptions import MlflowException

    client = MlflowClient(tracking_uri=uri)
    for case in cases:
        try:
            found = client.search_experiments(
                view_type=ViewType.ALL,
                max_results=50000,
                filter_string=case["filter"],
                order_by=case["order_by"] or None,
            )
            print(json.dumps([e.experiment_id for e in found]))
        except MlflowException as e:
            print(json.dumps({"error": e.message}))


if __name__ == "__main__":
    main()
