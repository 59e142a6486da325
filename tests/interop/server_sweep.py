"""Sends every endpoint of MLflow's tracking, registry and artifact services (as MLflow's own
client knows them, from its protos) an empty request, a malformed JSON body and a body of
wrong types, and prints one JSON line per request: what mlt server answered.

Usage: server_sweep.py URL
"""

import json
import re
import sys

import requests
from mlflow.protos import mlflow_artifacts_pb2
from mlflow.protos.model_registry_pb2 import ModelRegistryService
from mlflow.protos.service_pb2 import MlflowService
from mlflow.utils.rest_utils import _REST_API_PATH_PREFIX, extract_api_info_for_service

url = sys.argv[1].rstrip("/")


def fill(path):
    path = re.sub(r"\{[^}]+\}", "x1", path)
    return re.sub(r"<path:[^>]+>", "1/x1/artifacts/f.txt", path)


def send(method, path, **kw):
    try:
        r = requests.request(method, url + path, timeout=30, **kw)
    except requests.RequestException as e:
        return {"status": 0, "error": str(e)}
    try:
        code = r.json().get("error_code")
    except ValueError:
        code = None
    return {"status": r.status_code, "error_code": code, "body": r.text[:200]}


for svc in [MlflowService, ModelRegistryService, mlflow_artifacts_pb2.MlflowArtifactsService]:
    for req, (path, method) in extract_api_info_for_service(svc, _REST_API_PATH_PREFIX).items():
        if path.startswith("/api/"):
            p = fill(path)
            cases = [("empty", {})]
            if method != "GET":
                cases += [
                    ("malformed", {"data": b"{not json", "headers": {"Content-Type": "application/json"}}),
                    ("wrong types", {"json": {"experiment_id": [1], "max_results": "many", "name": 7,
                                              "run_id": {"a": 1}, "metrics": "x", "tags": 3}}),
                    ("not an object", {"json": [1, 2]}),
                ]
            else:
                cases += [("wrong types", {"params": {"max_results": "many", "run_ids": ""}})]
            for case, kw in cases:
                out = send(method, p, **kw)
                out.update({"rpc": req.__name__, "method": method, "path": path, "case": case})
                print(json.dumps(out))
