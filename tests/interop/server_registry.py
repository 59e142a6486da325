"""Usage: server_registry.py EXP_ID RUN_ID OTHER_RUN_ID MODEL_ID

MLflow's own MlflowClient against `mlt server` (MLFLOW_TRACKING_URI): every registry call,
the error cases, paging; RUN_ID and OTHER_RUN_ID were made with the mlt CLI and hold model
files under `model/`, MODEL_ID is an MLflow 3 logged model in the same store.

Prints JSON: {"download_uris": {version: uri}, "sources": {version: source},
              "by_alias": N, "pages": [[names]...], "version_pages": [[versions]...]}
"""

import json
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def error_code(f):
    try:
        f()
    except MlflowException as e:
        return e.error_code
    raise AssertionError("no error")


def main():
    exp, run, other, model_id = sys.argv[1:5]
    c = MlflowClient()
    out = {}

    # Registered models: create, duplicate, get, update, tags, rename, delete.
    rm = c.create_registered_model("clf", tags={"team": "cv", "gone": "x"}, description="first")
    assert rm.name == "clf" and rm.description == "first" and rm.tags == {"team": "cv", "gone": "x"}
    assert error_code(lambda: c.create_registered_model("clf")) == "RESOURCE_ALREADY_EXISTS"
    assert error_code(lambda: c.get_registered_model("nope")) == "RESOURCE_DOES_NOT_EXIST"
    assert c.update_registered_model("clf", description="a classifier").description == "a classifier"
    c.set_registered_model_tag("clf", "owner", "ana")
    c.delete_registered_model_tag("clf", "gone")
    assert c.get_registered_model("clf").tags == {"team": "cv", "owner": "ana"}

    c.create_registered_model("tmp")
    c.rename_registered_model("tmp", "tmp2")
    assert c.get_registered_model("tmp2").name == "tmp2"
    assert error_code(lambda: c.get_registered_model("tmp")) == "RESOURCE_DOES_NOT_EXIST"
    c.delete_registered_model("tmp2")
    assert error_code(lambda: c.delete_registered_model("tmp2")) == "RESOURCE_DOES_NOT_EXIST"

    # Versions from runs:/ and from the proxied artifact location the tracking server gives.
    v1 = c.create_model_version("clf", f"runs:/{run}/model", run_id=run, tags={"data": "v1"},
                                description="from runs:/")
    assert (v1.version, v1.current_stage, v1.run_id, v1.tags) == ("1", "None", run, {"data": "v1"})
    proxied = f"mlflow-artifacts:/{exp}/{other}/artifacts/model"
    v2 = c.create_model_version("clf", proxied, run_id=other)
    assert v2.version == "2" and v2.source == proxied, v2.source
    v3 = c.create_model_version("clf", f"runs:/{other}/model", run_id=other)
    assert v3.version == "3"
    assert error_code(lambda: c.create_model_version("clf", proxied, run_id=run)) \
        == "INVALID_PARAMETER_VALUE"
    assert error_code(lambda: c.create_model_version("nope", f"runs:/{run}/model", run_id=run)) \
        == "RESOURCE_DOES_NOT_EXIST"

    # An MLflow 3 logged model, as mlflow.register_model("models:/m-...") sends it.
    c.create_registered_model("from-logged")
    lv = c.create_model_version("from-logged", f"models:/{model_id}", model_id=model_id)
    # (MLflow's client reads no model_id from the answer; `mlt models version` checks it.)
    assert lv.source == f"models:/{model_id}" and lv.run_id, lv

    got = c.get_model_version("clf", "1")
    assert got.description == "from runs:/" and got.source == f"runs:/{run}/model"
    assert error_code(lambda: c.get_model_version("clf", "9")) == "RESOURCE_DOES_NOT_EXIST"
    assert c.update_model_version("clf", "2", description="proxied").description == "proxied"
    c.set_model_version_tag("clf", "2", "validated", "true")
    c.set_model_version_tag("clf", "2", "tmp", "1")
    c.delete_model_version_tag("clf", "2", "tmp")
    assert c.get_model_version("clf", "2").tags == {"validated": "true"}

    # Stages.
    c.transition_model_version_stage("clf", "1", "Production")
    mv = c.transition_model_version_stage("clf", "2", "production", archive_existing_versions=True)
    assert mv.current_stage == "Production"
    assert c.get_model_version("clf", "1").current_stage == "Archived"
    c.transition_model_version_stage("clf", "3", "Staging")
    assert error_code(lambda: c.transition_model_version_stage("clf", "3", "Prod")) \
        == "INVALID_PARAMETER_VALUE"
    latest = {v.current_stage: v.version for v in c.get_latest_versions("clf")}
    assert latest == {"Archived": "1", "Production": "2", "Staging": "3"}, latest
    assert [v.version for v in c.get_latest_versions("clf", stages=["Staging"])] == ["3"]

    # Aliases.
    c.set_registered_model_alias("clf", "champion", "1")
    c.set_registered_model_alias("clf", "champion", "2")
    c.set_registered_model_alias("clf", "challenger", "3")
    c.set_registered_model_alias("clf", "old", "1")
    c.delete_registered_model_alias("clf", "old")
    by_alias = c.get_model_version_by_alias("clf", "champion")
    assert by_alias.version == "2" and by_alias.aliases == ["champion"]
    assert error_code(lambda: c.get_model_version_by_alias("clf", "old")) \
        == "RESOURCE_DOES_NOT_EXIST"
    assert c.get_registered_model("clf").aliases == {"champion": "2", "challenger": "3"}
    out["by_alias"] = int(by_alias.version)

    # Download URIs: what load_model("models:/clf/N") downloads from.
    out["download_uris"] = {
        v: c.get_model_version_download_uri("clf", v) for v in ["1", "2", "3"]
    }
    out["download_uris"]["logged"] = c.get_model_version_download_uri("from-logged", "1")
    out["sources"] = {v: c.get_model_version("clf", v).source for v in ["1", "2", "3"]}

    # Searches with paging.
    for i in range(5):
        c.create_registered_model(f"page-{i}", tags={"kind": "page"})
    pages, token = [], None
    while True:
        page = c.search_registered_models(filter_string="name LIKE 'page-%'", max_results=2,
                                          order_by=["name DESC"], page_token=token)
        pages.append([m.name for m in page])
        token = page.token
        if not token:
            break
    out["pages"] = pages
    assert [m.name for m in c.search_registered_models("tags.team = 'cv'")] == ["clf"]
    rm = c.search_registered_models("name = 'clf'")[0]
    assert {v.current_stage for v in rm.latest_versions} == {"Archived", "Production", "Staging"}
    assert error_code(lambda: c.search_registered_models("name > 1")) == "INVALID_PARAMETER_VALUE"

    vpages, token = [], None
    while True:
        page = c.search_model_versions("name = 'clf'", max_results=2,
                                       order_by=["version_number ASC"], page_token=token)
        vpages.append([v.version for v in page])
        token = page.token
        if not token:
            break
    out["version_pages"] = vpages
    assert [v.version for v in c.search_model_versions(f"run_id = '{other}'", order_by=["version_number DESC"])] == ["3", "2"]
    assert [v.version for v in c.search_model_versions("name = 'clf' and version_number <= 2",
                                                       order_by=["version_number DESC"])] \
        == ["2", "1"]
    assert [v.version for v in c.search_model_versions("tags.validated = 'true'")] == ["2"]
    assert error_code(lambda: c.search_model_versions("stage = 'x'")) == "INVALID_PARAMETER_VALUE"

    # A deleted version is gone (and its number is never reused).
    c.create_model_version("clf", f"runs:/{run}/model", run_id=run)
    c.delete_model_version("clf", "4")
    assert error_code(lambda: c.get_model_version("clf", "4")) == "RESOURCE_DOES_NOT_EXIST"
    assert error_code(lambda: c.delete_model_version("clf", "4")) == "RESOURCE_DOES_NOT_EXIST"
    assert c.create_model_version("clf", f"runs:/{run}/model", run_id=run).version == "5"
    c.delete_model_version("clf", "5")
    for i in range(5):
        c.delete_registered_model(f"page-{i}")

    # MLflow's prompt registry rides on the same endpoints; prompts stay out of model searches.
    import mlflow

    mlflow.genai.register_prompt(name="greet", template="Hello {{name}}!")
    assert mlflow.genai.load_prompt("prompts:/greet/1").format(name="ana") == "Hello ana!"
    assert "greet" not in [m.name for m in c.search_registered_models()]

    print(json.dumps(out))


if __name__ == "__main__":
    main()
