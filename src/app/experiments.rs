//! Selecting experiments as MLflow's `search_experiments` does over a file store: the view
//! picks the experiments, then the filter, the order and (the caller's) limit apply.

use super::Result;
use crate::entities::{Experiment, View};
use crate::search;
use crate::store::Store;

/// The experiments in `view` that match `filter`, in `orders` (MLflow's default order,
/// newest first, when there is none).
pub fn select(
    store: &Store,
    view: View,
    filter: Option<&search::Expr>,
    orders: &[search::OrderBy],
) -> Result<Vec<Experiment>> {
    let mut exps = store.list_experiments(view)?;
    if let Some(x) = filter {
        exps.retain(|e| search::matches_experiment(x, e));
    }
    search::sort_experiments(&mut exps, orders);
    Ok(exps)
}
