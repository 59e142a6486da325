"""Usage: logged_model.py write STORE_ROOT | logged_model.py load STORE_ROOT MODEL_URI

write: logs an MLflow 3 model (a pyfunc PythonModel that doubles its input) in a run, with
       registered_model_name="doubler", and prints {"run_id", "model_id"} as JSON.
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

    if mode == "write":

        class Doubler(mlflow.pyfunc.PythonModel):
            def predict(self, context, model_input, params=None):
                return [x * 2 for x in model_input]

        with mlflow.start_run() as run:
            info = mlflow.pyfunc.log_model(
                name="model", python_model=Doubler(), registered_model_name="doubler"
            )
        print(json.dumps({"run_id": run.info.run_id, "model_id": info.model_id}))
    else:
        model = mlflow.pyfunc.load_model(sys.argv[3])
        print(json.dumps(list(model.predict([1, 2, 3]))))


if __name__ == "__main__":
    main()
