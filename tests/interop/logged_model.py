"""Usage: logged_model.py write STORE_ROOT | logged_model.py load STORE_ROOT MODEL_URI

write: logs an MLflow 3 sklearn model (a LinearRegression fitted to y = 2x) in a run, with
       registered_model_name="doubler", then two metrics of the model (one with a dataset),
       and prints {"run_id", "model_id"} as JSON.
load:  loads MODEL_URI with mlflow.pyfunc.load_model and prints its prediction for [1, 2, 3].
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from registry import client  # noqa: E402


def main():
    mode, root = sys.argv[1], sys.argv[2]
    client(root)
    import mlflow

    # MLflow 3.17 loads pickled or skops models only when told to.
    os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] = "true"
    import numpy as np

    if mode == "write":
        from sklearn.linear_model import LinearRegression

        x = np.array([[0.0], [1.0], [2.0], [3.0]])
        model = LinearRegression().fit(x, 2 * x.ravel())
        with mlflow.start_run() as run:
            info = mlflow.sklearn.log_model(
                model, name="model", registered_model_name="doubler", input_example=x[:2]
            )
            # Metrics of the model (MLflow 3): each goes to the run and to the model.
            mlflow.log_metric("r2", 1.0, step=1, model_id=info.model_id)
            train = mlflow.data.from_numpy(x, name="train")
            mlflow.log_metric("mae", 0.0, model_id=info.model_id, dataset=train)
        print(json.dumps({"run_id": run.info.run_id, "model_id": info.model_id}))
    else:
        model = mlflow.pyfunc.load_model(sys.argv[3])
        pred = model.predict(np.array([[1.0], [2.0], [3.0]]))
        print(json.dumps([round(float(v), 6) for v in pred]))

if __name__ == "__main__":
    main()
