"""Usage: mlflow_order.py STORE_ROOT EXPERIMENT_ID CASES_JSON

CASES_JSON holds a list of order_by lists. For each, prints one line of JSON: the run ids
that the real MLflow's mlflow.search_runs returns for the experiment, in its order.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import setup_tracking  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: mlflow_order.py STORE_ROOT EXPERIMENT_ID CASES_JSON")
    with open(sys.argv[3]) as f:
        cases = json.load(f)
    setup_tracking(sys.argv[1])
    import mlflow
    from mlflow.entities import ViewType

    for order_by in cases:
        runs = mlflow.search_runs(
            experiment_ids=[sys.argv[2]],
            run_view_type=ViewType.ALL,
            max_results=1000,
            order_by=order_by,
            output_format="list",
        )
        print(json.dumps([r.info.run_id for r in runs]))


if __name__ == "__main__":
    main()
