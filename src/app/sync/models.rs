//! MLflow 3 logged models and the model registry, to and from the server (see the module
//! doc of `app::sync`).

// Stubs until push.rs and pull.rs call them (the helper that wires them removes this).
#![allow(dead_code)]

use super::{Scope, Session};
use crate::entities::Experiment;
use crate::store::RunHandle;
use std::collections::HashSet;

/// The runs the scope's registered models' versions come from (for `push -m MODEL`: they
/// are pushed with the model).
pub(super) fn runs_for_models(s: &Session, scope: &Scope) -> crate::app::Result<Vec<RunHandle>> {
    let _ = (s, scope);
    Ok(Vec::new())
}

/// Pushes the logged models of these experiments (local experiment, its id on the server):
/// all of them when `runs` is `None`, else those whose source run is one of `runs` (local
/// ids). Run after the runs, so source runs map to their remote ids.
pub(super) fn push_logged_models(
    s: &Session,
    experiments: &[(Experiment, String)],
    runs: Option<&HashSet<String>>,
) -> crate::app::Result<()> {
    let _ = (s, experiments, runs);
    Ok(())
}

/// Pushes the scope's registered models, versions, tags, stages and aliases. Run last.
pub(super) fn push_registry(s: &Session, scope: &Scope) -> crate::app::Result<()> {
    let _ = (s, scope);
    Ok(())
}

/// Pulls the logged models of these experiments (local experiment, its id on the server):
/// all of them when `runs` is `None`, else those whose source run is one of `runs` (the
/// server's ids).
pub(super) fn pull_logged_models(
    s: &Session,
    experiments: &[(Experiment, String)],
    runs: Option<&HashSet<String>>,
) -> crate::app::Result<()> {
    let _ = (s, experiments, runs);
    Ok(())
}

/// Pulls the scope's registered models, versions, tags, stages and aliases. Run last.
pub(super) fn pull_registry(s: &Session, scope: &Scope) -> crate::app::Result<()> {
    let _ = (s, scope);
    Ok(())
}
