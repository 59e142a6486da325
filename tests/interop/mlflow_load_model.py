"""Usage: mlflow_load_model.py STORE_ROOT RUN_ID NAME...

Loads each model runs:/RUN_ID/NAME that mlt logged, with the real MLflow (cwd = STORE_ROOT,
tracking URI file://<abs STORE_ROOT>/mlruns), and prints one JSON object:

    {"models": {NAME: {"mlmodel": {...}, "predictions": [...] | null, "pyfunc_error": str | null,
                       "files": [...]}},
     "history": <the run's mlflow.log-model.history tag, parsed>}

"mlmodel" holds the fields of `Model.load(uri).to_dict()` that the MLmodel file defines
(absent ones as null); "predictions" come from `mlflow.pyfunc.load_model(uri).predict` on two
rows with columns x1, x2, or "pyfunc_error" says why it could not load.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import setup_tracking  # noqa: E402

FIELDS = [
    "artifact_path",
    "flavors",
    "mlflow_version",
    "model_id",
    "model_size_bytes",
    "model_uuid",
    "run_id",
    "saved_input_example_info",
    "signature",
    "utc_time_created",
]


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: mlflow_load_model.py STORE_ROOT RUN_ID NAME...")
    store_root, run_id, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    setup_tracking(store_root)
    os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] = "true"
    import mlflow
    import mlflow.artifacts
    import pandas as pd
    from mlflow.models import Model

    out = {"models": {}}
    for name in names:
        uri = f"runs:/{run_id}/{name}"
        d = Model.load(uri).to_dict()
        entry = {"mlmodel": {k: d.get(k) for k in FIELDS}}
        try:
            model = mlflow.pyfunc.load_model(uri)
            x = pd.DataFrame({"x1": [1.0, 3.0], "x2": [0.5, 1.5]})
            entry["predictions"] = [float(v) for v in model.predict(x)]
            entry["pyfunc_error"] = None
        except Exception as e:  # noqa: BLE001 (the message is the result)
            entry["predictions"] = None
            entry["pyfunc_error"] = str(e)
        local = mlflow.artifacts.download_artifacts(uri)
        entry["files"] = sorted(
            os.path.relpath(os.path.join(dirpath, f), local)
            for dirpath, _, files in os.walk(local)
            for f in files
        )
        out["models"][name] = entry
    run = mlflow.MlflowClient().get_run(run_id)
    out["history"] = json.loads(run.data.tags["mlflow.log-model.history"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
