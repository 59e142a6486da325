"""Usage: mlflow_download.py STORE_ROOT RUN_ID ARTIFACT_PATH DEST

Downloads one artifact (file or directory) of RUN_ID with the real MLflow
(cwd = STORE_ROOT, tracking URI file://<abs STORE_ROOT>/mlruns) into DEST and
prints the local path MLflow returns.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonical import setup_tracking  # noqa: E402


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: mlflow_download.py STORE_ROOT RUN_ID ARTIFACT_PATH DEST")
    store_root, run_id, artifact_path, dest = sys.argv[1:]
    dest = os.path.abspath(dest)  # before chdir
    setup_tracking(store_root)
    import mlflow.artifacts

    os.makedirs(dest, exist_ok=True)
    path = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path=artifact_path, dst_path=dest
    )
    print(path)


if __name__ == "__main__":
    main()
