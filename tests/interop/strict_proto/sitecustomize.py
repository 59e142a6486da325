"""Loaded by every client script a test runs against `mlt server` (it is on their PYTHONPATH).

MLflow's client parses answers ignoring fields its protos do not have, so a misspelt field in
an answer would silently be dropped. Here such a field is an error, so the test fails instead.
"""

import os

if os.environ.get("MLT_STRICT_PROTO") == "1":
    from google.protobuf.json_format import ParseDict

    import mlflow.utils.rest_utils as _rest_utils

    def _strict_parse_dict(js_dict, message):
        ParseDict(js_dict=js_dict, message=message, ignore_unknown_fields=False)

    _rest_utils.parse_dict = _strict_parse_dict
