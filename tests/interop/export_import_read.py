"""Usage: export_import_read.py DIR

Reads a folder in the layout of mlflow-export-import's export-experiments (experiments.json,
<exp id>/experiment.json, <exp id>/runs/<run id>/run.json and artifacts/) the way its
import-experiments does (Python's json, which takes NaN and Infinity), and prints the values
in the shape of canonical.py, without what that tool does not carry (latest metrics, artifact
URIs, artifact sizes of folders).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import dumps, enc_float  # noqa: E402


def read(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["mlflow"]


def main():
    root = sys.argv[1]
    out = []
    for e in read(os.path.join(root, "experiments.json"))["experiments"]:
        exp_dir = os.path.join(root, e["id"])
        dct = read(os.path.join(exp_dir, "experiment.json"))
        exp = dct["experiment"]
        runs = []
        for run_id in dct["runs"]:
            run_dir = os.path.join(exp_dir, "runs", run_id)
            r = read(os.path.join(run_dir, "run.json"))
            info = r["info"]
            artifacts = []
            art = os.path.join(run_dir, "artifacts")
            for d, dirs, files in os.walk(art):
                for name in dirs:
                    artifacts.append([os.path.relpath(os.path.join(d, name), art), None])
                for name in files:
                    p = os.path.join(d, name)
                    artifacts.append([os.path.relpath(p, art), os.path.getsize(p)])
            runs.append({
                "run_id": info["run_id"], "run_name": info["run_name"],
                "experiment_id": info["experiment_id"], "status": info["status"],
                "start_time": info["start_time"], "end_time": info["end_time"],
                "lifecycle_stage": info["lifecycle_stage"], "user_id": info["user_id"],
                "params": r["params"], "tags": r["tags"],
                "history": {k: [[m["timestamp"], enc_float(m["value"]), m["step"]] for m in v]
                            for k, v in r["metrics"].items()},
                "artifacts": sorted(artifacts),
            })
        out.append({
            "experiment_id": exp["experiment_id"], "name": exp["name"],
            "artifact_location": exp["artifact_location"],
            "lifecycle_stage": exp["lifecycle_stage"], "tags": exp["tags"],
            "runs": sorted(runs, key=lambda r: r["run_id"]),
        })
    print(dumps({"experiments": sorted(out, key=lambda e: e["experiment_id"])}))


if __name__ == "__main__":
    main()
