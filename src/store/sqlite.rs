//! Reading MLflow's SQLite tracking database (`mlflow.db`, MLflow 3's default store) into a
//! store-shaped folder, which `mlt import` then takes in by the usual rules.
//!
//! What is read: experiments (with tags; deleted ones go to `.trash/`), runs (info, params,
//! tags, every metric point in MLflow's history order: timestamp, step, value), and the
//! model registry (models, tags, aliases, versions with their tags). Artifacts stay where
//! MLflow put them: each run's `artifact_uri` is resolved to a local folder (as stored, else
//! under the artifact root, by default `mlruns/` beside the database) and copied by the
//! import. MLflow 3 logged models, datasets and traces in the database are not read.

use super::experiment::experiment_meta;
use super::fs;
use super::layout;
use super::locate::local_path_of_uri;
use super::run::run_meta;
use super::yaml::{Meta, Scalar, to_yaml};
use super::{Error, Result, Store, TRASH};
use crate::entities::{Lifecycle, MetricPoint, RunInfo, RunStatus};
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The first bytes of every SQLite database file.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether a file is a SQLite database.
pub fn is_sqlite(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == SQLITE_MAGIC
}

/// id, name, artifact location, lifecycle stage, creation and last update times.
type ExpRow = (String, String, String, String, Option<i64>, Option<i64>);
/// name, creation and last update times, description.
type ModelRow = (String, Option<i64>, Option<i64>, Option<String>);

fn db_err(db: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Invalid(format!("{}: {e}", db.display()))
}

/// Where a stored artifact location is on this machine: as stored when that exists, else
/// under `root` by its path after the experiment id (`<exp>/<run>/artifacts`), for a
/// database moved from elsewhere or locations of the `mlflow-artifacts:` proxy.
/// The rows of a `SELECT owner, key, value` over a tag or param table, the owner as text
/// (experiment ids are integers there, run ids and model names text) and a NULL value as "".
fn owner_key_values(
    conn: &Connection,
    sql: &str,
    e: &impl Fn(rusqlite::Error) -> Error,
) -> Result<Vec<(String, String, String)>> {
    use rusqlite::types::Value;
    rows_of(conn, sql, e, |r| {
        let owner = match r.get::<_, Value>(0)? {
            Value::Integer(i) => i.to_string(),
            Value::Text(t) => t,
            other => format!("{other:?}"),
        };
        Ok((
            owner,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        ))
    })
}

/// Every row `sql` selects, each read by `row`.
fn rows_of<T>(
    conn: &Connection,
    sql: &str,
    e: &impl Fn(rusqlite::Error) -> Error,
    row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut q = conn.prepare(sql).map_err(e)?;
    let rows = q.query_map([], row).map_err(e)?;
    rows.collect::<std::result::Result<_, _>>().map_err(e)
}

/// Whether the database has the table (older MLflow versions lack some).
fn has_table(conn: &Connection, table: &str) -> bool {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .unwrap_or(false)
}

fn resolve_location(uri: &str, exp_id: &str, root: &Path) -> Option<PathBuf> {
    if let Some(p) = local_path_of_uri(uri)
        && p.is_absolute()
        && p.exists()
    {
        return Some(p);
    }
    let path = uri
        .strip_prefix("mlflow-artifacts:")
        .map(str::to_string)
        .or_else(|| local_path_of_uri(uri).map(|p| p.to_string_lossy().into_owned()))?;
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let at = parts.iter().rposition(|p| *p == exp_id)?;
    let local = parts[at..]
        .iter()
        .fold(root.to_path_buf(), |p, s| p.join(s));
    local.exists().then_some(local)
}

impl Store {
    /// Writes what an MLflow SQLite database holds into this (new, empty) store. Returns
    /// warnings (artifacts that could not be found).
    pub fn write_from_mlflow_db(&self, db: &Path, artifact_root: &Path) -> Result<Vec<String>> {
        let e = db_err(db);
        let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(&e)?;
        let has = |table: &str| has_table(&conn, table);
        if !has("experiments") || !has("runs") {
            return Err(Error::Invalid(format!(
                "{} is a SQLite database, but not MLflow's (no experiments and runs tables)",
                db.display()
            )));
        }
        let mut warnings = Vec::new();
        fs::create_dir_all(&self.tracking.join(TRASH))?;

        // Experiments and their tags.
        let mut exp_tags: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (id, k, v) in owner_key_values(
            &conn,
            "SELECT experiment_id, key, value FROM experiment_tags",
            &e,
        )? {
            exp_tags.entry(id).or_default().push((k, v));
        }
        let mut q = conn
            .prepare(
                "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, \
                 last_update_time FROM experiments ORDER BY experiment_id",
            )
            .map_err(&e)?;
        let exps: Vec<ExpRow> = q
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?.to_string(),
                    r.get(1)?,
                    r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(3)?
                        .unwrap_or_else(|| "active".into()),
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .map_err(&e)?
            .collect::<std::result::Result<_, _>>()
            .map_err(&e)?;
        let mut exp_dirs: BTreeMap<String, PathBuf> = BTreeMap::new();
        for (id, name, location, stage, created, updated) in exps {
            let dir = if stage == "deleted" {
                layout::trashed_experiment(&self.tracking, &id)
            } else {
                layout::experiment(&self.tracking, &id)
            };
            let location = if location.starts_with("mlflow-artifacts:") {
                artifact_root.join(&id).to_string_lossy().into_owned()
            } else {
                location
            };
            let mut meta = experiment_meta(&id, &name, &location, 0);
            meta.insert("creation_time".into(), Scalar::from(created));
            meta.insert("last_update_time".into(), Scalar::from(updated));
            meta.insert("lifecycle_stage".into(), Scalar::from(stage.as_str()));
            fs::write_new(&layout::meta(&dir), to_yaml(&meta).as_bytes())?;
            for (k, v) in exp_tags.remove(&id).unwrap_or_default() {
                fs::write_new(&layout::tag(&dir, &k), v.as_bytes())?;
            }
            exp_dirs.insert(id, dir);
        }

        // Runs, then their params, tags and metrics.
        let mut q = conn
            .prepare(
                "SELECT run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage, \
                 artifact_uri, experiment_id, deleted_time FROM runs",
            )
            .map_err(&e)?;
        let runs: Vec<(RunInfo, PathBuf)> = q
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    r.get::<_, i64>(8)?.to_string(),
                    r.get::<_, Option<i64>>(9)?,
                ))
            })
            .map_err(&e)?
            .filter_map(|row| {
                let (id, name, user, status, start, end, stage, uri, exp, deleted) = row.ok()?;
                let exp_dir = exp_dirs.get(&exp)?.clone();
                let status = [
                    RunStatus::Running,
                    RunStatus::Scheduled,
                    RunStatus::Finished,
                    RunStatus::Failed,
                    RunStatus::Killed,
                ]
                .into_iter()
                .find(|s| s.as_str() == status)
                .unwrap_or(RunStatus::Running);
                let artifact_uri = match resolve_location(&uri, &exp, artifact_root) {
                    Some(p) => p.to_string_lossy().into_owned(),
                    None => uri,
                };
                let info = RunInfo {
                    run_id: id.clone(),
                    experiment_id: exp,
                    run_name: name,
                    user_id: user,
                    status,
                    start_time: start,
                    end_time: end,
                    artifact_uri,
                    lifecycle_stage: Lifecycle::parse(&stage).unwrap_or(Lifecycle::Active),
                    deleted_time: deleted,
                };
                Some((info, exp_dir.join(id)))
            })
            .collect();
        let mut without = 0;
        for (info, dir) in &runs {
            for d in layout::RUN_FOLDERS {
                fs::create_dir_all(&dir.join(d))?;
            }
            fs::write_new(&layout::meta(dir), to_yaml(&run_meta(info)).as_bytes())?;
            if !Path::new(&info.artifact_uri).is_dir() {
                without += 1;
            }
        }
        if without > 0 {
            // MLflow makes a run's artifact folder only when something is logged, so this is
            // normal for runs without artifacts.
            warnings.push(format!(
                "{without} of {} runs have no artifact folder here (looked where MLflow stored \
                 them, then under {}); if they logged artifacts, pass --artifact-root DIR, the \
                 folder holding <experiment id>/<run id>/artifacts",
                runs.len(),
                artifact_root.display()
            ));
        }
        let run_dirs: BTreeMap<&str, &Path> = runs
            .iter()
            .map(|(i, d)| (i.run_id.as_str(), d.as_path()))
            .collect();
        for (table, folder) in [("params", layout::PARAMS), ("tags", layout::TAGS)] {
            let sql = format!("SELECT run_uuid, key, value FROM {table}");
            for (run, k, v) in owner_key_values(&conn, &sql, &e)? {
                if let Some(dir) = run_dirs.get(run.as_str()) {
                    fs::write_new(&layout::key_path(&dir.join(folder), &k), v.as_bytes())?;
                }
            }
        }
        // MLflow's history order; one open file at a time, lines appended as they come.
        let mut q = conn
            .prepare(
                "SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics \
                 ORDER BY run_uuid, key, timestamp, step, value",
            )
            .map_err(&e)?;
        let rows = q
            .query_map([], |r| {
                let nan: bool = r.get::<_, Option<bool>>(5)?.unwrap_or(false);
                let value: f64 = r.get(2)?;
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    MetricPoint {
                        value: if nan { f64::NAN } else { value },
                        timestamp: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                        step: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                    },
                ))
            })
            .map_err(&e)?;
        let mut open: Option<((String, String), std::fs::File)> = None;
        for row in rows {
            let (run, key, p) = row.map_err(&e)?;
            let Some(dir) = run_dirs.get(run.as_str()) else {
                continue;
            };
            let same = open
                .as_ref()
                .is_some_and(|((r, k), _)| *r == run && *k == key);
            if !same {
                let path = layout::metric(dir, &key);
                open = Some(((run.clone(), key.clone()), fs::open_append(&path)?));
            }
            if let Some((_, f)) = open.as_mut() {
                std::io::Write::write_all(f, super::metric::format_line(&p).as_bytes()).map_err(
                    |source| Error::Io {
                        path: dir.join(layout::METRICS),
                        source,
                    },
                )?;
            }
        }
        drop(open);

        if has("registered_models") {
            self.registry_from_db(&conn, db)?;
        }
        Ok(warnings)
    }

    fn registry_from_db(&self, conn: &Connection, db: &Path) -> Result<()> {
        let e = db_err(db);
        let models_dir = self.models_dir();
        let mut q = conn
            .prepare(
                "SELECT name, creation_time, last_updated_time, description FROM registered_models",
            )
            .map_err(&e)?;
        let models: Vec<ModelRow> = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(&e)?
            .collect::<std::result::Result<_, _>>()
            .map_err(&e)?;
        for (name, created, updated, description) in &models {
            crate::entities::validate_model_name(name)?;
            let mut meta = Meta::new();
            meta.insert("name".into(), Scalar::from(name.as_str()));
            meta.insert("creation_timestamp".into(), Scalar::from(*created));
            meta.insert("last_updated_timestamp".into(), Scalar::from(*updated));
            meta.insert(
                "description".into(),
                description.as_deref().map_or(Scalar::Null, Scalar::from),
            );
            fs::write_new(
                &models_dir.join(name).join(layout::META),
                to_yaml(&meta).as_bytes(),
            )?;
        }
        let model_dir = |name: &str| models_dir.join(name);
        let sql = "SELECT name, key, value FROM registered_model_tags";
        for (name, k, v) in owner_key_values(conn, sql, &e)? {
            fs::write_new(&layout::tag(&model_dir(&name), &k), v.as_bytes())?;
        }
        if has_table(conn, "registered_model_aliases") {
            let sql = "SELECT name, alias, version FROM registered_model_aliases";
            let aliases: Vec<(String, String, i64)> = rows_of(conn, sql, &e, |r| r.try_into())?;
            for (name, alias, v) in aliases {
                crate::entities::validate_alias(&alias)?;
                fs::write_new(
                    &layout::alias(&model_dir(&name), &alias),
                    v.to_string().as_bytes(),
                )?;
            }
        }
        let mut q = conn
            .prepare(
                "SELECT name, version, creation_time, last_updated_time, description, user_id, \
                 current_stage, source, run_id, run_link, status, status_message, \
                 storage_location FROM model_versions",
            )
            .map_err(&e)?;
        let rows = q
            .query_map([], |r| {
                let s = |i: usize| r.get::<_, Option<String>>(i);
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    [r.get::<_, Option<i64>>(2)?, r.get::<_, Option<i64>>(3)?],
                    [
                        s(4)?,
                        s(5)?,
                        s(6)?,
                        s(7)?,
                        s(8)?,
                        s(9)?,
                        s(10)?,
                        s(11)?,
                        s(12)?,
                    ],
                ))
            })
            .map_err(&e)?;
        for row in rows {
            let (name, version, [created, updated], texts) = row.map_err(&e)?;
            let fields = [
                "description",
                "user_id",
                "current_stage",
                "source",
                "run_id",
                "run_link",
                "status",
                "status_message",
                "storage_location",
            ];
            let mut meta = Meta::new();
            meta.insert("name".into(), Scalar::from(name.as_str()));
            meta.insert("version".into(), Scalar::Int(version));
            meta.insert("creation_timestamp".into(), Scalar::from(created));
            meta.insert("last_updated_timestamp".into(), Scalar::from(updated));
            for (f, v) in fields.iter().zip(texts) {
                meta.insert((*f).into(), v.map_or(Scalar::Null, Scalar::Str));
            }
            fs::write_new(
                &model_dir(&name)
                    .join(layout::version_folder(version))
                    .join(layout::META),
                to_yaml(&meta).as_bytes(),
            )?;
        }
        let sql = "SELECT name, version, key, value FROM model_version_tags";
        let tags: Vec<(String, i64, String, Option<String>)> =
            rows_of(conn, sql, &e, |r| r.try_into())?;
        for (name, version, k, v) in tags {
            let v = v.unwrap_or_default();
            let dir = model_dir(&name).join(layout::version_folder(version));
            fs::write_new(&layout::tag(&dir, &k), v.as_bytes())?;
        }
        Ok(())
    }
}

/// The folder a database file is in (`.` for a bare file name).
pub fn database_folder(db: &Path) -> PathBuf {
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Where a database's artifacts are: the root given, else `mlruns/` beside it when there is
/// one, else `mlartifacts/` beside it (MLflow's server default).
pub fn artifact_root(db: &Path, given: Option<&Path>) -> PathBuf {
    if let Some(g) = given {
        return g.to_path_buf();
    }
    let beside = db.parent().unwrap_or(Path::new("."));
    let mlruns = layout::tracking(beside);
    if mlruns.is_dir() {
        mlruns
    } else {
        beside.join(layout::MLARTIFACTS)
    }
}
