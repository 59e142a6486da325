//! Model-registry use cases shared by `mlt models` and `mlt server`: searching registered
//! models and versions with MLflow's filters, orders and offsets, and what a new version is
//! made of when its source is a `runs:/` or `models:/` URI.

use super::{Error, Language, Result};
use crate::entities::{ModelVersion, RegisteredModel, Stage};
use crate::search;
use crate::store::{self, ModelUri, NewVersion, RunRef, Store};

fn expression<T>(
    what: Language,
    text: &str,
    r: std::result::Result<T, search::ParseError>,
) -> Result<T> {
    r.map_err(|error| Error::Expression {
        what,
        text: text.to_string(),
        error,
    })
}

/// One page of a search: the items from `offset`, at most `max_results` of them, and the
/// offset of the next page when there are more.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_offset: Option<usize>,
}

fn page<T>(mut all: Vec<T>, offset: usize, max_results: Option<usize>) -> Page<T> {
    let total = all.len();
    let start = offset.min(total);
    let end = max_results.map_or(total, |m| start.saturating_add(m).min(total));
    all.truncate(end);
    let items = all.split_off(start);
    Page {
        items,
        next_offset: (end < total).then_some(end),
    }
}

/// Registered models matching `filter`, ordered by `order_by` (then by name), from `offset`.
/// Prompts (registered models with MLflow's prompt tag) are left out unless the filter names
/// the prompt tag itself, as MLflow's model searches do.
pub fn search_registered_models(
    store: &Store,
    filter: &str,
    order_by: &[String],
    offset: usize,
    max_results: Option<usize>,
) -> Result<Page<RegisteredModel>> {
    let expr = expression(Language::Filter, filter, search::parse_model_filter(filter))?;
    let orders = order_by
        .iter()
        .map(|o| expression(Language::OrderBy, o, search::parse_model_order_by(o)))
        .collect::<Result<Vec<_>>>()?;
    let asks_for_prompts = expr.as_ref().is_some_and(|e| {
        e.identifiers()
            .iter()
            .any(|i| i.entity == search::Entity::Tag && i.key == search::IS_PROMPT_TAG)
    });
    let mut models: Vec<RegisteredModel> = store
        .list_registered_models()?
        .into_iter()
        .filter(|m| {
            asks_for_prompts
                || m.tags.get(search::IS_PROMPT_TAG).map(String::as_str) != Some("true")
        })
        .filter(|m| expr.as_ref().is_none_or(|e| search::matches_model(e, m)))
        .collect();
    search::sort_models(&mut models, &orders);
    Ok(page(models, offset, max_results))
}

/// Live model versions of every registered model matching `filter`, ordered by `order_by`
/// (MLflow's default when empty: most recently updated first), from `offset`. Versions of
/// prompts are left out unless the filter names the prompt tag.
pub fn search_model_versions(
    store: &Store,
    filter: &str,
    order_by: &[String],
    offset: usize,
    max_results: Option<usize>,
) -> Result<Page<ModelVersion>> {
    let expr = expression(
        Language::Filter,
        filter,
        search::parse_version_filter(filter),
    )?;
    let default: Vec<String> = search::DEFAULT_VERSION_ORDER
        .iter()
        .map(|s| s.to_string())
        .collect();
    let order_by = if order_by.is_empty() {
        &default
    } else {
        order_by
    };
    let orders = order_by
        .iter()
        .map(|o| expression(Language::OrderBy, o, search::parse_version_order_by(o)))
        .collect::<Result<Vec<_>>>()?;
    let asks_for_prompts = expr.as_ref().is_some_and(|e| {
        e.identifiers()
            .iter()
            .any(|i| i.entity == search::Entity::Tag && i.key == search::IS_PROMPT_TAG)
    });
    let mut versions = Vec::new();
    for m in store.list_registered_models()? {
        let versions_of = match store.model_versions(&m.name) {
            Ok(v) => v,
            // Deleted between the listing and now.
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.into()),
        };
        versions.extend(versions_of.into_iter().filter(|v| {
            (asks_for_prompts
                || v.tags.get(search::IS_PROMPT_TAG).map(String::as_str) != Some("true"))
                && expr.as_ref().is_none_or(|e| search::matches_version(e, v))
        }));
    }
    search::sort_versions(&mut versions, &orders);
    Ok(page(versions, offset, max_results))
}

/// MLflow's `get_latest_versions`: the highest live version in each of `stages` (every stage
/// when empty), in stage order. A stage name MLflow does not know is an error.
pub fn latest_versions(store: &Store, name: &str, stages: &[String]) -> Result<Vec<ModelVersion>> {
    let wanted = stages
        .iter()
        .map(|s| {
            Stage::parse_user(s).ok_or_else(|| {
                store::Error::Invalid(format!(
                    "invalid model version stage '{s}': expected None, Staging, Production or \
                     Archived"
                ))
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(latest_per_stage(&store.model_versions(name)?)
        .into_iter()
        .filter(|v| wanted.is_empty() || wanted.contains(&v.current_stage))
        .collect())
}

/// The highest version in each stage, in stage order, from versions newest first.
pub fn latest_per_stage(versions: &[ModelVersion]) -> Vec<ModelVersion> {
    let mut out: Vec<ModelVersion> = Vec::new();
    for v in versions {
        if !out.iter().any(|o| o.current_stage == v.current_stage) {
            out.push(v.clone());
        }
    }
    out.sort_by_key(|v| v.current_stage);
    out
}

/// What a new version registered from a `runs:/` or `models:/` URI is made of, as MLflow
/// records it: the run (whose files must be there, in its artifacts or an MLflow 3 logged
/// model), or the logged model and its run, or the registered version's run and model.
/// `None` when the source is neither kind of URI.
pub fn version_from_uri(store: &Store, source: &str) -> Result<Option<NewVersion>> {
    if source.starts_with("runs:/") {
        let r = RunRef::parse(source)?;
        store.find_run(&r.run_id)?;
        store.model_files(source)?;
        return Ok(Some(NewVersion {
            source: source.to_string(),
            run_id: Some(r.run_id),
            ..Default::default()
        }));
    }
    if !source.starts_with("models:/") {
        return Ok(None);
    }
    Ok(Some(match ModelUri::parse(source)? {
        ModelUri::LoggedModel(id) => {
            let m = store.logged_model(&id)?;
            NewVersion {
                source: source.to_string(),
                run_id: m.source_run_id,
                model_id: Some(m.model_id),
                ..Default::default()
            }
        }
        other => {
            let v = store.resolve_version(&other)?;
            NewVersion {
                source: source.to_string(),
                run_id: v.run_id,
                model_id: v.model_id,
                ..Default::default()
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_their_next_offsets() {
        let p = page((0..5).collect::<Vec<_>>(), 0, Some(2));
        assert_eq!((p.items, p.next_offset), (vec![0, 1], Some(2)));
        let p = page((0..5).collect::<Vec<_>>(), 4, Some(2));
        assert_eq!((p.items, p.next_offset), (vec![4], None));
        let p = page((0..5).collect::<Vec<_>>(), 3, Some(2));
        assert_eq!((p.items, p.next_offset), (vec![3, 4], None));
        let p = page((0..5).collect::<Vec<_>>(), 9, None);
        assert_eq!((p.items, p.next_offset), (Vec::<i32>::new(), None));
        let p = page((0..5).collect::<Vec<_>>(), 1, None);
        assert_eq!((p.items, p.next_offset), (vec![1, 2, 3, 4], None));
    }

    #[test]
    fn version_searches_across_models_with_the_default_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.init().unwrap();
        for (name, n) in [("a", 2), ("b", 1)] {
            for _ in 0..n {
                store
                    .create_model_version(
                        name,
                        NewVersion {
                            source: "s3://bucket/m".into(),
                            ..Default::default()
                        },
                    )
                    .unwrap();
            }
        }
        let all = search_model_versions(&store, "", &[], 0, None).unwrap();
        assert_eq!(all.items.len(), 3);
        let p = search_model_versions(
            &store,
            "name = 'a'",
            &["version_number ASC".into()],
            0,
            Some(1),
        )
        .unwrap();
        assert_eq!(p.items[0].version, 1);
        assert_eq!(p.next_offset, Some(1));
        let e = search_model_versions(&store, "nope = 1", &[], 0, None).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Expression {
                    what: Language::Filter,
                    ..
                }
            ),
            "{e}"
        );
        let latest = latest_versions(&store, "a", &[]).unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].version, 2);
        assert!(
            latest_versions(&store, "a", &["Production".into()])
                .unwrap()
                .is_empty()
        );
        assert!(latest_versions(&store, "a", &["Prod".into()]).is_err());
        let m = search_registered_models(&store, "name LIKE 'a%'", &[], 0, None).unwrap();
        assert_eq!(m.items.len(), 1);
    }
}
