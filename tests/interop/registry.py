"""Usage: registry.py read STORE_ROOT | registry.py write STORE_ROOT

read:  prints the canonical JSON of the model registry at STORE_ROOT/registry, as the real
       MLflow reads it (MLFLOW_REGISTRY_URI=file:<store>/registry); with
       MLT_TEST_REGISTRY=tracking, the one at MLflow's default location (the tracking URI).
search: prints the names search_registered_models returns for each [filter, order_by] of
       the JSON list given.
write: first writes a registry there with MLflow's own client (runs with model files,
       registered models, versions, tags, descriptions, aliases, stages, a deleted version),
       then prints the canonical JSON as above.

Canonical shape (compared with what `mlt models ... --format json` reports):

{"models": [  # sorted by name
  {"name", "description", "tags": {k: v}, "aliases": {alias: "N"},
   "creation_timestamp", "last_updated_timestamp",
   "by_alias": {alias: N},             # get_model_version_by_alias
   "latest_by_stage": {stage: N},      # get_latest_versions
   "versions": [  # live versions, sorted by number
     {"version": N, "current_stage", "description", "source", "run_id", "status",
      "tags": {k: v}, "aliases": [sorted], "creation_timestamp", "last_updated_timestamp",
      "download_uri",                  # get_model_version_download_uri
      "files": [relative paths]}]}]}   # download_artifacts("models:/name/N")
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import setup_tracking  # noqa: E402


def client(root):
    uri = setup_tracking(root)
    # MLT_TEST_REGISTRY=tracking: MLflow's default registry location (registry URI = tracking
    # URI, so models live in mlruns/models/).
    if os.environ.get("MLT_TEST_REGISTRY") == "tracking":
        registry = uri
    else:
        registry = "file://" + os.path.join(os.path.abspath(root), "registry")
    os.environ["MLFLOW_REGISTRY_URI"] = registry
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_registry_uri(registry)
    return MlflowClient(tracking_uri=uri, registry_uri=registry)


def files_of(uri):
    import mlflow

    with tempfile.TemporaryDirectory() as d:
        local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=d)
        out = []
        for base, _, names in os.walk(local):
            for n in names:
                if n == "registered_model_meta":  # written by MLflow's download itself
                    continue
                out.append(os.path.relpath(os.path.join(base, n), local))
        return sorted(out)


def canonical(c):
    models = []
    for rm in sorted(c.search_registered_models(max_results=1000), key=lambda m: m.name):
        versions = c.search_model_versions(f"name = '{rm.name}'", max_results=10000)
        vs = []
        for mv in sorted(versions, key=lambda v: int(v.version)):
            mv = c.get_model_version(rm.name, mv.version)
            vs.append({
                "version": int(mv.version),
                "current_stage": mv.current_stage,
                "description": mv.description or None,
                "source": mv.source,
                "run_id": mv.run_id or None,
                "status": mv.status,
                "tags": dict(mv.tags),
                "aliases": sorted(mv.aliases),
                "creation_timestamp": mv.creation_timestamp,
                "last_updated_timestamp": mv.last_updated_timestamp,
                "download_uri": c.get_model_version_download_uri(rm.name, mv.version),
                "files": files_of(f"models:/{rm.name}/{mv.version}"),
            })
        models.append({
            "name": rm.name,
            "description": rm.description or None,
            "tags": dict(rm.tags),
            "aliases": {a: str(v) for a, v in rm.aliases.items()},
            "creation_timestamp": rm.creation_timestamp,
            "last_updated_timestamp": rm.last_updated_timestamp,
            "by_alias": {
                a: int(c.get_model_version_by_alias(rm.name, a).version) for a in rm.aliases
            },
            "latest_by_stage": {
                v.current_stage: int(v.version) for v in c.get_latest_versions(rm.name)
            },
            "versions": vs,
        })
    return {"models": models}


def write(c):
    import mlflow

    exp = c.create_experiment("models")
    runs = []
    for i in range(3):
        run = c.create_run(exp, run_name=f"train-{i}")
        rid = run.info.run_id
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "model"))
            with open(os.path.join(d, "model", "MLmodel"), "w") as f:
                f.write(f"flavors: {{}}\nrun_id: {rid}\n")
            with open(os.path.join(d, "model", "weights.bin"), "w") as f:
                f.write("w" * (i + 1))
            c.log_artifacts(rid, os.path.join(d, "model"), "model")
        c.log_metric(rid, "accuracy", 0.8 + i / 100)
        c.set_terminated(rid)
        runs.append(rid)

    c.create_registered_model("classifier", tags={"team": "cv", "yes": "no"}, description="a model")
    for rid in runs:
        c.create_model_version("classifier", f"runs:/{rid}/model", run_id=rid,
                               tags={"data": "v1"} if rid == runs[0] else None)
    c.set_registered_model_alias("classifier", "champion", "1")
    c.set_registered_model_alias("classifier", "champion", "2")
    c.set_registered_model_alias("classifier", "staging", "3")
    c.transition_model_version_stage("classifier", "1", "Production")
    c.transition_model_version_stage("classifier", "2", "production", archive_existing_versions=True)
    c.transition_model_version_stage("classifier", "3", "Staging")
    c.set_model_version_tag("classifier", "2", "validated", "true")
    c.update_model_version("classifier", "2", description="the good one")
    c.delete_model_version("classifier", "3")
    c.update_registered_model("classifier", description="a model, revised")
    c.set_registered_model_tag("classifier", "owner", "ana")
    c.delete_registered_model_tag("classifier", "yes")

    c.create_registered_model("other model")
    c.create_model_version("other model", "models:/classifier/2", run_id=runs[1])
    mlflow.end_run()


def search(c, queries):
    """[[filter, [order_by...]], ...] -> [[names...] or "error", ...]"""
    out = []
    for filter_string, order_by in queries:
        try:
            ms = c.search_registered_models(filter_string=filter_string, order_by=order_by,
                                            max_results=1000)
            out.append([m.name for m in ms])
        except Exception:  # MLflow refuses the filter
            out.append("error")
    return out


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "search":
        c = client(sys.argv[2])
        print(json.dumps(search(c, json.loads(sys.argv[3]))))
        return
    if len(sys.argv) != 3 or sys.argv[1] not in ("read", "write"):
        sys.exit("usage: registry.py read|write STORE_ROOT | registry.py search STORE_ROOT JSON")
    c = client(sys.argv[2])
    if sys.argv[1] == "write":
        write(c)
    print(json.dumps(canonical(c), indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
