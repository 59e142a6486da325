//! Every endpoint MLflow's protos define, sent bad requests: the answer is a 4xx in MLflow's
//! error shape, never a 500, and every endpoint of the families mlt serves exists.

use crate::harness::TestEnv;
use crate::server::Server;

/// The RPCs mlt server serves: everything of tracking (but traces, workspaces, evaluation
/// datasets, scorers, the gateway and other GenAI services), logged models, the registry and
/// the artifact proxy.
const SERVED: &[&str] = &[
    "GetExperimentByName",
    "CreateExperiment",
    "SearchExperiments",
    "GetExperiment",
    "DeleteExperiment",
    "RestoreExperiment",
    "UpdateExperiment",
    "CreateRun",
    "UpdateRun",
    "DeleteRun",
    "RestoreRun",
    "LogMetric",
    "LogParam",
    "SetExperimentTag",
    "DeleteExperimentTag",
    "SetTag",
    "DeleteTag",
    "GetRun",
    "SearchRuns",
    "ListArtifacts",
    "GetMetricHistory",
    "GetMetricHistoryBulkInterval",
    "LogBatch",
    "LogModel",
    "LogInputs",
    "LogOutputs",
    "CreateLoggedModel",
    "FinalizeLoggedModel",
    "GetLoggedModel",
    "DeleteLoggedModel",
    "SearchLoggedModels",
    "SetLoggedModelTags",
    "DeleteLoggedModelTag",
    "ListLoggedModelArtifacts",
    "LogLoggedModelParamsRequest",
    "CreateRegisteredModel",
    "RenameRegisteredModel",
    "UpdateRegisteredModel",
    "DeleteRegisteredModel",
    "GetRegisteredModel",
    "SearchRegisteredModels",
    "GetLatestVersions",
    "CreateModelVersion",
    "UpdateModelVersion",
    "TransitionModelVersionStage",
    "DeleteModelVersion",
    "GetModelVersion",
    "SearchModelVersions",
    "GetModelVersionDownloadUri",
    "SetRegisteredModelTag",
    "SetModelVersionTag",
    "DeleteRegisteredModelTag",
    "DeleteModelVersionTag",
    "SetRegisteredModelAlias",
    "DeleteRegisteredModelAlias",
    "GetModelVersionByAlias",
    "DownloadArtifact",
    "UploadArtifact",
    "DeleteArtifact",
];

#[test]
fn every_mlflow_endpoint_answers_bad_requests_with_a_4xx_and_mlts_families_are_all_served() {
    let env = TestEnv::init();
    let server = Server::start(&env, &[]);
    let out = server.py("server_sweep.py", &[&server.url]);
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for line in out.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        let (rpc, status) = (r["rpc"].as_str().unwrap(), r["status"].as_u64().unwrap());
        let what = format!("{} {} ({rpc}, {})", r["method"], r["path"], r["case"]);
        if !(200..500).contains(&status) {
            errors.push(format!("{what}: {status} {}", r["body"]));
        } else if status >= 400 && r["error_code"].is_null() {
            errors.push(format!(
                "{what}: {status} without an error_code: {}",
                r["body"]
            ));
        }
        if SERVED.contains(&rpc) {
            seen.insert(rpc.to_string());
            if r["error_code"] == "ENDPOINT_NOT_FOUND" {
                errors.push(format!("{what}: not served"));
            }
        }
    }
    for rpc in SERVED {
        if !seen.contains(*rpc) {
            errors.push(format!("{rpc}: not in MLflow's protos"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
