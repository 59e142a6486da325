"""Usage: mlflow_read.py STORE_ROOT

Prints the canonical JSON (see canonical.py) of the MLflow file store at
STORE_ROOT/mlruns, as read by the real MLflow. STORE_ROOT is the folder that
CONTAINS mlruns/; the process chdirs there first.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import canonical, dumps, setup_tracking  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mlflow_read.py STORE_ROOT")
    uri = setup_tracking(sys.argv[1])
    from mlflow import MlflowClient

    print(dumps(canonical(MlflowClient(tracking_uri=uri))))


if __name__ == "__main__":
    main()
