"""MLflow's real client against `mlt server`'s artifact proxy and logged-model endpoints,
using only those endpoints (no run or experiment calls): the artifact repository of a run's
`mlflow-artifacts:/` folder, and MlflowClient's logged-model calls.

usage: server_artifacts.py EXPERIMENT_ID RUN_ID WORKDIR
Prints one JSON object for the Rust test to check against the store and the CLI."""

import hashlib
import json
import os
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

exp_id, run_id, work = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# -- a run's artifacts through the proxy ------------------------------------------------------
root = f"mlflow-artifacts:/{exp_id}/{run_id}/artifacts"
repo = get_artifact_repository(root)
src = os.path.join(work, "src")
os.makedirs(os.path.join(src, "sub"), exist_ok=True)
with open(os.path.join(src, "hello.txt"), "w") as f:
    f.write("hello from mlflow\n")
with open(os.path.join(src, "sub", "data.csv"), "w") as f:
    f.write("a,b\n1,2\n")
big = os.path.join(work, "big.bin")
with open(big, "wb") as f:
    f.write(os.urandom(6 * 1024 * 1024 + 123))
repo.log_artifacts(src)
repo.log_artifact(big, "blobs")
out["list_root"] = [[f.path, f.is_dir, f.file_size] for f in repo.list_artifacts()]
out["list_sub"] = [[f.path, f.is_dir, f.file_size] for f in repo.list_artifacts("sub")]
dl = os.path.join(work, "dl")
os.makedirs(dl)
got = repo.download_artifacts("blobs/big.bin", dl)
out["big_same"] = sha(got) == sha(big)
out["big_size"] = os.path.getsize(got)
whole = mlflow.artifacts.download_artifacts(artifact_uri=root, dst_path=os.path.join(work, "all"))
out["downloaded"] = sorted(
    os.path.relpath(os.path.join(d, n), whole) for d, _, ns in os.walk(whole) for n in ns
)
# Delete a folder, then list again.
repo.delete_artifacts("sub")
out["after_delete"] = [f.path for f in repo.list_artifacts()]

# -- logged models --------------------------------------------------------------------------
client = MlflowClient()
m = client.create_logged_model(
    experiment_id=exp_id,
    name="clf",
    source_run_id=run_id,
    params={"alpha": "0.5"},
    tags={"team": "ml"},
)
out["model_id"] = m.model_id
out["artifact_location"] = m.artifact_location
out["status_created"] = str(m.status)

# A real sklearn model, saved locally and logged as the model's files.
from sklearn.linear_model import LogisticRegression  # noqa: E402

model = LogisticRegression(max_iter=200).fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
saved = os.path.join(work, "saved")
mlflow.sklearn.save_model(model, saved)
client.log_model_artifacts(m.model_id, saved)
client.set_logged_model_tags(m.model_id, {"stage": "test", "tmp": "x"})
client.delete_logged_model_tag(m.model_id, "tmp")
f = client.finalize_logged_model(m.model_id, "READY")
out["status_final"] = str(f.status)
g = client.get_logged_model(m.model_id)
out["tags"] = {k: v for k, v in g.tags.items()}
out["params"] = dict(g.params)
found = client.search_logged_models(experiment_ids=[exp_id], filter_string="name = 'clf'")
out["search"] = [x.model_id for x in found]
out["search_none"] = len(
    client.search_logged_models(experiment_ids=[exp_id], filter_string="name = 'nope'")
)
# Loading and downloading by models:/<model_id> (get_logged_model, then the proxy).
loaded = mlflow.sklearn.load_model(f"models:/{m.model_id}")
out["predict"] = [int(x) for x in loaded.predict([[0.0], [3.0]])]
dst = mlflow.artifacts.download_artifacts(f"models:/{m.model_id}", dst_path=os.path.join(work, "m"))
out["model_files"] = sorted(os.listdir(dst))

# Errors the client maps to exceptions.
try:
    client.get_logged_model("m-00000000000000000000000000000000")
    out["missing"] = None
except mlflow.exceptions.MlflowException as e:
    out["missing"] = e.error_code
try:
    client.create_logged_model(experiment_id=exp_id, name="bad/name")
    out["bad_name"] = None
except mlflow.exceptions.MlflowException as e:
    out["bad_name"] = e.error_code

# A second, deleted model: hidden from search.
d = client.create_logged_model(experiment_id=exp_id, name="gone")
client.delete_logged_model(d.model_id)
out["after_model_delete"] = sorted(
    x.name for x in client.search_logged_models(experiment_ids=[exp_id])
)
print(json.dumps(out))
