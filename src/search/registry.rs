//! Evaluating model-version filters (from `parse_version_filter`) and ordering versions, with
//! MLflow's meaning (`SearchModelVersionUtils`): `source_path` is the version's source,
//! `version_number` compares as a number, a missing tag matches nothing (except that a version
//! without the prompt tag is "not a prompt").

use super::eval::{Field, eval_registry_field, sort_by_keys};
use super::parse::{Entity, Expr, OrderBy};
use crate::entities::ModelVersion;

/// MLflow's order when a search gives none: most recently updated first, then by name, then
/// newest version first.
pub const DEFAULT_VERSION_ORDER: [&str; 3] = [
    "last_updated_timestamp DESC",
    "name ASC",
    "version_number DESC",
];

/// Whether a model version matches a filter.
pub fn matches_version(expr: &Expr, v: &ModelVersion) -> bool {
    match expr {
        Expr::Cmp { ident, op, value } => {
            let f = match ident.entity {
                Entity::Tag => v
                    .tags
                    .get(&ident.key)
                    .map_or(Field::Missing, |t| Field::Text(t)),
                _ => match ident.key.as_str() {
                    "name" => Field::Text(&v.name),
                    "run_id" => v.run_id.as_deref().map_or(Field::Missing, Field::Text),
                    "source_path" => Field::Text(&v.source),
                    "version_number" => Field::Num(v.version as f64),
                    _ => Field::Missing,
                },
            };
            eval_registry_field(ident, f, *op, value)
        }
        Expr::And(xs) => xs.iter().all(|x| matches_version(x, v)),
        Expr::Or(xs) => xs.iter().any(|x| matches_version(x, v)),
        Expr::Not(x) => !matches_version(x, v),
    }
}

/// Sorts versions by the clauses (from `parse_version_order_by`), then by name ascending and
/// version descending (MLflow's tie-breakers).
pub fn sort_versions(versions: &mut [ModelVersion], order_by: &[OrderBy]) {
    let mut keys: Vec<(&str, bool)> = order_by
        .iter()
        .map(|o| (o.ident.key.as_str(), o.ascending))
        .collect();
    if !keys.iter().any(|(k, _)| *k == "name") {
        keys.push(("name", true));
    }
    if !keys.iter().any(|(k, _)| *k == "version_number") {
        keys.push(("version_number", false));
    }
    sort_by_keys(versions, &keys, |key, a, b| match key {
        "name" => a.name.cmp(&b.name),
        "version_number" => a.version.cmp(&b.version),
        "creation_timestamp" => a.creation_timestamp.cmp(&b.creation_timestamp),
        _ => a.last_updated_timestamp.cmp(&b.last_updated_timestamp),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::Stage;
    use crate::search::{parse_version_filter, parse_version_order_by};

    fn version(
        name: &str,
        n: i64,
        updated: i64,
        run: Option<&str>,
        tags: &[(&str, &str)],
    ) -> ModelVersion {
        ModelVersion {
            name: name.into(),
            version: n,
            creation_timestamp: n,
            last_updated_timestamp: updated,
            current_stage: Stage::None,
            description: None,
            source: format!("runs:/{}/model", run.unwrap_or("none")),
            run_id: run.map(String::from),
            run_link: None,
            status: "READY".into(),
            status_message: None,
            storage_location: None,
            user_id: None,
            model_id: None,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            aliases: Vec::new(),
        }
    }

    fn all() -> Vec<ModelVersion> {
        vec![
            version("clf", 1, 10, Some("r1"), &[("data", "v1")]),
            version("clf", 2, 30, Some("r2"), &[]),
            version("clf", 3, 20, None, &[("data", "v2")]),
            version("Other", 1, 30, Some("r1"), &[]),
        ]
    }

    fn ids(f: &str) -> Vec<String> {
        let e = parse_version_filter(f).unwrap().unwrap();
        all()
            .iter()
            .filter(|v| matches_version(&e, v))
            .map(|v| format!("{}/{}", v.name, v.version))
            .collect()
    }

    #[test]
    fn mlflows_version_filters() {
        assert_eq!(ids("name = 'clf'"), ["clf/1", "clf/2", "clf/3"]);
        assert_eq!(
            ids("name = 'clf' and version_number > 1"),
            ["clf/2", "clf/3"]
        );
        assert_eq!(ids("version_number = '1'"), ["clf/1", "Other/1"]);
        assert_eq!(ids("version_number <= 1 AND name ILIKE 'o%'"), ["Other/1"]);
        assert_eq!(ids("run_id = 'r1'"), ["clf/1", "Other/1"]);
        assert_eq!(ids("run_id IN ('r2', 'x')"), ["clf/2"]);
        // A version without a run matches no run_id comparison, as in MLflow.
        assert_eq!(ids("run_id != 'r1'"), ["clf/2"]);
        assert_eq!(ids("name NOT IN ('clf')"), ["Other/1"]);
        assert_eq!(ids("source_path LIKE 'runs:/r1/%'"), ["clf/1", "Other/1"]);
        assert_eq!(ids("tags.data = 'v2'"), ["clf/3"]);
        assert_eq!(ids("tag.data LIKE 'v%'"), ["clf/1", "clf/3"]);
        assert_eq!(ids("attribute.name = 'Other'"), ["Other/1"]);
        assert_eq!(
            ids("tags.`mlflow.prompt.is_prompt` != 'true'").len(),
            all().len()
        );
    }

    #[test]
    fn bad_version_filters_point_at_the_column() {
        let e = |f: &str| parse_version_filter(f).unwrap_err().to_string();
        assert_eq!(
            e("creation_timestamp > 1"),
            "column 1: model versions are ordered by creation_timestamp but not filtered by it"
        );
        assert_eq!(
            e("version_number LIKE '1'"),
            "column 16: version_number takes =, !=, <, <=, > or >="
        );
        assert_eq!(
            e("version_number = 'one'"),
            "column 18: version_number is compared with a whole number"
        );
        assert_eq!(
            e("source_path IN ('a')"),
            "column 13: source_path is text: use =, !=, LIKE, ILIKE"
        );
        assert_eq!(
            e("run_id = 5"),
            "column 10: run_id is text: quote the value"
        );
        assert_eq!(
            e("tags.t > 'a'"),
            "column 8: tags.t is a tag: use =, !=, LIKE or ILIKE"
        );
        assert!(e("metrics.a = 1").starts_with("column 1: unknown entity 'metrics'"));
        assert!(e("stage = 'x'").starts_with("column 1: unknown attribute 'stage'"));
        assert_eq!(parse_version_filter(" ").unwrap(), None);
    }

    #[test]
    fn version_order_with_mlflows_default_and_tie_breakers() {
        let order = |clauses: &[&str]| -> Vec<String> {
            let o: Vec<OrderBy> = clauses
                .iter()
                .map(|c| parse_version_order_by(c).unwrap())
                .collect();
            let mut vs = all();
            sort_versions(&mut vs, &o);
            vs.iter()
                .map(|v| format!("{}/{}", v.name, v.version))
                .collect()
        };
        assert_eq!(
            order(&DEFAULT_VERSION_ORDER),
            ["Other/1", "clf/2", "clf/3", "clf/1"]
        );
        assert_eq!(order(&[]), ["Other/1", "clf/3", "clf/2", "clf/1"]);
        assert_eq!(
            order(&["version_number ASC"]),
            ["Other/1", "clf/1", "clf/2", "clf/3"]
        );
        assert_eq!(
            order(&["creation_timestamp DESC", "name DESC"]),
            ["clf/3", "clf/2", "clf/1", "Other/1"]
        );
        for bad in [
            "run_id",
            "tags.data",
            "source_path DESC",
            "version_number up",
        ] {
            assert!(parse_version_order_by(bad).is_err(), "{bad}");
        }
    }
}
