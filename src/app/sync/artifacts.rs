//! A run's or logged model's files, to and from the server (see the module doc of
//! `app::sync`). The remote side is a location the server gave: `mlflow-artifacts:/...`
//! (through the artifact proxy) or `s3://...` (straight to S3 when credentials are set).
//! Only changed files move: a file whose stamp is in the link's map is skipped.

// Stubs until push.rs and pull.rs call them (the helper that wires them removes this).
#![allow(dead_code)]

use super::{FileStamp, RunLink, Session};
use crate::store::RunHandle;
use std::collections::BTreeMap;
use std::path::Path;

/// Sends the run's new and changed files to `remote_uri` (the run's `artifact_uri` on the
/// server), recording each in `link.artifacts` and in the tally.
pub(super) fn push_run(
    s: &Session,
    run: &RunHandle,
    remote_uri: &str,
    link: &mut RunLink,
) -> crate::app::Result<()> {
    let _ = (s, run, remote_uri, link);
    Ok(())
}

/// Fetches the files at `remote_uri` into the local run's artifacts, recording each in
/// `link.artifacts` and in the tally.
pub(super) fn pull_run(
    s: &Session,
    remote_uri: &str,
    run: &RunHandle,
    link: &mut RunLink,
) -> crate::app::Result<()> {
    let _ = (s, remote_uri, run, link);
    Ok(())
}

/// Sends the files under `local_dir` (a logged model's artifacts folder in the store) to
/// `remote_uri`; `state` is what the server has (relative path → stamp).
pub(super) fn push_dir(
    s: &Session,
    local_dir: &Path,
    remote_uri: &str,
    state: &mut BTreeMap<String, FileStamp>,
) -> crate::app::Result<()> {
    let _ = (s, local_dir, remote_uri, state);
    Ok(())
}

/// Fetches the files at `remote_uri` into `local_dir` (a logged model's artifacts folder in
/// the store).
pub(super) fn pull_dir(
    s: &Session,
    remote_uri: &str,
    local_dir: &Path,
    state: &mut BTreeMap<String, FileStamp>,
) -> crate::app::Result<()> {
    let _ = (s, remote_uri, local_dir, state);
    Ok(())
}
