"""MLflow's own tutorial example, unchanged but for the port: a model trained, logged,
loaded back, saved, registered and aliased through `mlt server`.

Usage: server_seed.py PORT WORKDIR. Prints one JSON line of what the client saw, which the
test compares with what `mlt` and MLflow's file reader read from the store afterwards.
"""

import json
import os
import sys

import mlflow
from mlflow.models import infer_signature
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

port, workdir = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(uri=f"http://127.0.0.1:{port}")

x, y = datasets.load_iris(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=42)
model = LogisticRegression(max_iter=200)
model.fit(x_train, y_train)
accuracy = accuracy_score(y_test, model.predict(x_test))

mlflow.set_experiment("MLflow")
with mlflow.start_run() as run:
    signature = infer_signature(x_train, model.predict(x_train))
    model_info = mlflow.sklearn.log_model(
        model, "model", signature=signature, input_example=x_train[:10]
    )
    mlflow.log_params(model.get_params())
    mlflow.log_input(mlflow.data.from_numpy(x_train, source="iris"), context="Train")
    mlflow.log_metric("accuracy", accuracy)
    mlflow.set_tag("Training Info", "Basic LR model for iris data")

loaded = mlflow.sklearn.load_model(model_info.model_uri)
predictions = loaded.predict(x_test)
assert list(predictions) == list(model.predict(x_test))

downloaded = mlflow.artifacts.download_artifacts(
    model_info.model_uri, dst_path=os.path.join(workdir, "downloaded")
)
assert os.path.exists(os.path.join(downloaded, "MLmodel")), os.listdir(downloaded)

saved = os.path.join(workdir, "saved")
mlflow.sklearn.save_model(loaded, saved)
pyfunc = mlflow.pyfunc.load_model(saved)
assert list(pyfunc.predict(x_test)) == list(predictions)

version = mlflow.register_model(model_info.model_uri, "iris-estimator-1").version
registered = mlflow.sklearn.load_model(f"models:/iris-estimator-1/{version}")
assert list(registered.predict(x_test)) == list(predictions)

client = mlflow.MlflowClient()
client.set_registered_model_alias("iris-estimator-1", "champion", version)
by_alias = client.get_model_version_by_alias("iris-estimator-1", "champion")
assert by_alias.version == version
champion = mlflow.sklearn.load_model("models:/iris-estimator-1@champion")
assert list(champion.predict(x_test)) == list(predictions)
client.delete_registered_model_alias("iris-estimator-1", "champion")

print(
    json.dumps(
        {
            "run_id": run.info.run_id,
            "experiment_id": run.info.experiment_id,
            "model_id": model_info.model_id,
            "model_uri": model_info.model_uri,
            "version": str(version),
            "accuracy": accuracy,
            "params": {k: str(v) for k, v in model.get_params().items()},
        }
    )
)
