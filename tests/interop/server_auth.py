"""MLflow's client against `mlt server --auth` / `--read-only`.

Usage: server_auth.py ACTION, with MLFLOW_TRACKING_URI set to the server and the credentials
(MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN), if any, in the environment.
ACTION: `read` (search_experiments) or `write` (create_experiment). Prints one JSON line:
{"ok": true, "result": ...} or {"ok": false, "error_code": ..., "message": ..., "seconds": ...}.
"""

import json
import sys
import time
import uuid

from mlflow.exceptions import MlflowException, RestException
from mlflow.tracking import MlflowClient

action = sys.argv[1]
client = MlflowClient()
start = time.monotonic()
try:
    if action == "read":
        result = [e.name for e in client.search_experiments()]
    elif action == "write":
        result = client.create_experiment(f"auth-{uuid.uuid4().hex[:8]}")
    else:
        raise SystemExit(f"unknown action {action}")
    print(json.dumps({"ok": True, "result": result}))
except MlflowException as e:
    print(
        json.dumps(
            {
                "ok": False,
                "rest": isinstance(e, RestException),
                "error_code": e.error_code,
                "message": str(e),
                "seconds": time.monotonic() - start,
            }
        )
    )
