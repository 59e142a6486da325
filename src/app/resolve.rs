//! The run a user names. As in git, a run can be named by less than its whole id:
//! - its id, or a `runs:/<id>/...` URI;
//! - a `models:/` URI of a registered version (the run that produced it);
//! - a unique prefix of its id (the 8 characters `runs compare` and `--plot` print);
//! - its name, where only one run in the experiments searched has it.

use super::Result;
use crate::entities::{Experiment, View, is_valid_run_id};
use crate::store::{self, Error, ModelUri, RunHandle, RunRef, Store};

/// Finds the run `spec` names, searching every experiment for prefixes and names.
pub fn run(store: &Store, spec: &str) -> Result<RunHandle> {
    run_in(store, spec, None)
}

/// Finds the run `spec` names; prefixes and names are looked up in `scope` only, when given.
pub fn run_in(store: &Store, spec: &str, scope: Option<&[Experiment]>) -> Result<RunHandle> {
    if spec.starts_with("models:/") {
        let v = store.resolve_version(&ModelUri::parse(spec)?)?;
        let Some(run) = v.run_id else {
            return Err(Error::Invalid(format!(
                "{spec} (version {} of '{}') was not made by a run, so it has no tracking data",
                v.version, v.name
            ))
            .into());
        };
        return Ok(store.find_run(&run)?);
    }
    if spec.starts_with("runs:/") || spec.contains(":/") {
        return Ok(store.find_run(&RunRef::parse(spec)?.run_id)?);
    }
    if spec.is_empty() {
        return Err(Error::Invalid("an empty run id".into()).into());
    }
    if is_valid_run_id(spec) {
        match store.find_run(spec) {
            Err(e) if e.is_not_found() => {}
            found => return Ok(found?),
        }
    }
    let all;
    let exps = match scope {
        Some(s) => s,
        None => {
            all = store.list_experiments(View::All)?;
            &all
        }
    };
    let mut by_id = Vec::new();
    let mut by_name = Vec::new();
    for e in exps {
        for h in store.list_runs(e, View::All)? {
            if h.info.run_id.starts_with(spec) {
                by_id.push(h);
            } else if h.info.run_name == spec {
                by_name.push(h);
            }
        }
    }
    let mut found = if by_id.is_empty() { by_name } else { by_id };
    match found.len() {
        0 if spec.len() == 32 && spec.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Err(Error::Missing {
                what: store::Entity::Run,
                name: spec.to_string(),
                candidates: Vec::new(),
            }
            .into())
        }
        0 => Err(Error::NotFound(format!("no run with id, id prefix or name '{spec}'")).into()),
        1 => Ok(found.remove(0)),
        n => {
            found.sort_by(|a, b| a.info.run_id.cmp(&b.info.run_id));
            let shown: Vec<String> = found
                .iter()
                .take(5)
                .map(|h| format!("{} ({})", h.info.run_id, h.info.run_name))
                .collect();
            let more = if n > 5 {
                format!(" and {} more", n - 5)
            } else {
                String::new()
            };
            Err(store::Error::Conflict(format!(
                "'{spec}' names {n} runs: {}{more}; give more of the id",
                shown.join(", ")
            ))
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewRun;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::new(dir.path().to_path_buf());
        s.init().unwrap();
        (dir, s)
    }

    fn new_run(s: &Store, name: &str) -> String {
        let e = s.experiment("0").unwrap();
        s.create_run(
            &e,
            NewRun {
                run_name: Some(name.into()),
                tags: vec![],
                start_time: None,
                user: None,
            },
        )
        .unwrap()
        .run_id
    }

    #[test]
    fn a_run_is_found_by_id_prefix_and_name() {
        let (_d, s) = store();
        let a = new_run(&s, "alpha");
        let b = new_run(&s, "beta");
        assert_eq!(run(&s, &a).unwrap().info.run_id, a);
        assert_eq!(run(&s, &a[..8]).unwrap().info.run_id, a);
        assert_eq!(run(&s, "beta").unwrap().info.run_id, b);
        assert_eq!(run(&s, &format!("runs:/{b}/model")).unwrap().info.run_id, b);
        let e = run(&s, "gamma").unwrap_err().to_string();
        assert!(
            e.contains("no run with id, id prefix or name 'gamma'"),
            "{e}"
        );
    }

    #[test]
    fn a_shared_name_or_prefix_is_ambiguous() {
        let (_d, s) = store();
        let a = new_run(&s, "same");
        let b = new_run(&s, "same");
        let e = run(&s, "same").unwrap_err().to_string();
        assert!(e.contains("'same' names 2 runs"), "{e}");
        assert!(e.contains(&a) && e.contains(&b), "{e}");
        // The empty prefix is refused rather than matching everything.
        assert!(run(&s, "").is_err());
    }
}
