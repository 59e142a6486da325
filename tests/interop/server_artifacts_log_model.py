"""The issue's proof through `mlt server`: `mlflow.sklearn.log_model` inside `start_run`, then
`load_model` and `download_artifacts` of `model_info.model_uri`. Needs the tracking endpoints
(experiments, runs) as well as the artifact proxy and logged models.

usage: server_artifacts_log_model.py WORKDIR"""

import json
import os
import sys

import mlflow
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

work = sys.argv[1]
x = [[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0]]
y = [0, 0, 0, 1, 1, 1]
model = LogisticRegression(max_iter=200).fit(x, y)
mlflow.set_experiment("served-models")
with mlflow.start_run() as run:
    signature = infer_signature(x, model.predict(x))
    info = mlflow.sklearn.log_model(model, name="model", signature=signature, input_example=x[:2])
loaded = mlflow.sklearn.load_model(info.model_uri)
dst = mlflow.artifacts.download_artifacts(info.model_uri, dst_path=os.path.join(work, "dl"))
print(
    json.dumps(
        {
            "run_id": run.info.run_id,
            "model_id": info.model_id,
            "model_uri": info.model_uri,
            "predict": [int(v) for v in loaded.predict(x)],
            "files": sorted(os.listdir(dst)),
        }
    )
)
