//! `mlt store gc`: removes what killed commands left in `.mlt/tmp/`, and permanently purges
//! runs, experiments and MLflow 3 logged models deleted longer ago than a duration, as
//! `mlflow gc` does. Only files inside the store are ever removed: a run whose artifacts live
//! outside the store (or behind a link out of it) loses its folder, never those files.

use super::fs::{self, IoContext};
use super::layout;
use super::yaml::Doc;
use super::{Result, Store, TRASH};
use crate::entities::{Lifecycle, View};
use std::path::{Path, PathBuf};

/// A scratch folder or temporary file younger than this is left alone even when nothing holds
/// it: its owner may not have taken its lock yet.
pub const SCRATCH_MIN_AGE_MS: i64 = 60_000;
/// How old a lock-holding file must be before a free lock on it means its owner is gone: the
/// owner takes the lock right after creating the file, so this only covers that instant.
pub const LOCKED_MIN_AGE_MS: i64 = 2_000;

/// What an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcKind {
    /// A scratch folder under `.mlt/tmp/` whose owner is gone.
    Scratch,
    /// A loose temporary file under `.mlt/tmp/` whose writer is gone.
    TempFile,
    /// A deleted run (its folder, and its artifacts when they are elsewhere in the store).
    Run,
    /// A deleted experiment (`mlruns/.trash/<id>/`, with every run in it).
    Experiment,
    /// A deleted MLflow 3 logged model (`<exp>/models/m-*/`).
    LoggedModel,
    /// Artifacts of a purged run kept outside its folder, inside the store.
    Artifacts,
}

impl GcKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GcKind::Scratch => "scratch",
            GcKind::TempFile => "temp-file",
            GcKind::Run => "run",
            GcKind::Experiment => "experiment",
            GcKind::LoggedModel => "logged-model",
            GcKind::Artifacts => "artifacts",
        }
    }
}

/// One thing gc removes (or would remove).
#[derive(Clone, Debug)]
pub struct GcItem {
    pub kind: GcKind,
    pub path: PathBuf,
    /// The run, experiment or model id.
    pub id: Option<String>,
    /// Bytes of the files it holds.
    pub bytes: u64,
    /// Something the user should know (artifacts left in place outside the store).
    pub note: Option<String>,
}

/// Parses MLflow's `--older-than` format: `[Nd][Nh][Nm][Ns]` in that order, each N a decimal
/// number (`30d`, `12h`, `1d12h`, `2m4s`, `1.5h`). Returns milliseconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "invalid duration '{text}': expected days, hours, minutes and seconds in that \
             order, like 30d, 12h, 90m, 1d12h or 2m4s"
        )
    };
    if text.is_empty() {
        return Err(bad());
    }
    let units = [
        ('d', 86_400_000.0),
        ('h', 3_600_000.0),
        ('m', 60_000.0),
        ('s', 1000.0),
    ];
    let mut rest = text;
    let mut next_unit = 0;
    let mut total = 0.0f64;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let (num, tail) = rest.split_at(end);
        let unit = tail.chars().next().ok_or_else(bad)?;
        let n: f64 = num.parse().map_err(|_| bad())?;
        let i = units[next_unit..]
            .iter()
            .position(|(u, _)| *u == unit)
            .ok_or_else(bad)?
            + next_unit;
        total += n * units[i].1;
        next_unit = i + 1;
        rest = &tail[1..];
    }
    if !total.is_finite() || total > i64::MAX as f64 {
        return Err(bad());
    }
    Ok(total as i64)
}

/// Bytes of the files under `path` (links counted as themselves, never followed).
fn size_of(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| e.path().symlink_metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn age_ms(path: &Path, now: i64) -> i64 {
    let modified = path
        .symlink_metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    now - modified
}

impl Store {
    /// What gc would remove: abandoned scratch, and runs, experiments and logged models
    /// deleted at least `older_than_ms` ago (0: every deleted one, as `mlflow gc`).
    pub fn gc_plan(&self, older_than_ms: i64) -> Result<Vec<GcItem>> {
        self.require()?;
        let now = crate::env::now_ms();
        // Real time for scratch: files get the system clock's times.
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let mut out = Vec::new();

        let tmp = self.tmp_dir();
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                let path = e.path();
                let Ok(t) = e.file_type() else { continue };
                // A folder's owner locks `.owner` in it, a temporary file's writer the file
                // itself, right after creating it: past that instant a free lock means the
                // command is gone. A folder without `.owner` (made by an older mlt, or caught
                // between its creation and its lock) must be a minute old.
                let owner = path.join(fs::SCRATCH_OWNER);
                let min_age = if t.is_dir() && !owner.is_file() {
                    age_ms(&path, wall) < SCRATCH_MIN_AGE_MS
                } else if t.is_dir() {
                    age_ms(&owner, wall) < LOCKED_MIN_AGE_MS
                } else {
                    age_ms(&path, wall) < LOCKED_MIN_AGE_MS
                };
                if min_age {
                    continue;
                }
                let (kind, gone) = if t.is_dir() {
                    (GcKind::Scratch, fs::scratch_abandoned(&path))
                } else {
                    // A link or a file: a link is removed as itself.
                    (
                        GcKind::TempFile,
                        t.is_symlink() || fs::temp_abandoned(&path),
                    )
                };
                if gone {
                    out.push(GcItem {
                        kind,
                        bytes: size_of(&path),
                        path,
                        id: None,
                        note: None,
                    });
                }
            }
        }

        let old_enough = |deleted_at: Option<i64>| match deleted_at {
            // When it was deleted is unknown: only "everything deleted" takes it.
            None => older_than_ms == 0,
            Some(t) => now.saturating_sub(t) >= older_than_ms,
        };
        let root = std::fs::canonicalize(&self.root).at(&self.root)?;
        for exp_dir in self.experiment_dirs(View::All)? {
            if !exp_dir.join(layout::META).is_file() {
                continue;
            }
            let Ok(exp) = self.read_experiment_dir(&exp_dir) else {
                continue;
            };
            let in_trash = exp_dir.parent() == Some(self.tracking.join(TRASH).as_path());
            let purge_exp = in_trash
                && exp.lifecycle_stage == Lifecycle::Deleted
                && old_enough(exp.last_update_time);
            for run_dir in self.run_dirs(&exp_dir)? {
                let Ok(info) = self.read_run_info(&run_dir) else {
                    continue;
                };
                let purge_run = info.lifecycle_stage == Lifecycle::Deleted
                    && (purge_exp || old_enough(info.deleted_time));
                if !purge_run && !purge_exp {
                    continue;
                }
                // Artifacts kept elsewhere: removed only when inside the store.
                let h = super::RunHandle {
                    dir: run_dir.clone(),
                    info: info.clone(),
                };
                let mut note = None;
                if let Ok(art) = self.artifact_dir(&h)
                    && !art.starts_with(&run_dir)
                    && art.symlink_metadata().is_ok()
                {
                    // Only a run's own folder in MLflow's layout (`.../<run_id>/artifacts`):
                    // a location in meta.yaml such as `mlruns`, `registry` or another run's
                    // folder is inside the store too, and must never go with this run.
                    let own_layout = |c: &Path| {
                        c.file_name().is_some_and(|n| n == layout::ARTIFACTS)
                            && c.parent()
                                .and_then(|p| p.file_name())
                                .is_some_and(|n| n == info.run_id.as_str())
                    };
                    let inside = !art.symlink_metadata().is_ok_and(|m| m.is_symlink())
                        && std::fs::canonicalize(&art)
                            .is_ok_and(|c| c.starts_with(&root) && own_layout(&c));
                    if inside {
                        out.push(GcItem {
                            kind: GcKind::Artifacts,
                            bytes: size_of(&art),
                            path: art,
                            id: Some(info.run_id.clone()),
                            note: None,
                        });
                    } else {
                        note = Some(format!(
                            "its artifacts at {} are outside the store: left in place",
                            art.display()
                        ));
                    }
                }
                if purge_exp {
                    if let Some(n) = note {
                        out.push(GcItem {
                            kind: GcKind::Run,
                            path: run_dir,
                            id: Some(info.run_id),
                            bytes: 0,
                            note: Some(format!("{n} (the run goes with its experiment)")),
                        });
                    }
                    continue;
                }
                out.push(GcItem {
                    kind: GcKind::Run,
                    bytes: size_of(&run_dir),
                    path: run_dir,
                    id: Some(info.run_id),
                    note,
                });
            }
            // MLflow 3 logged models (deleted = lifecycle_stage deleted, at its last update).
            if let Ok(models) = std::fs::read_dir(exp_dir.join(layout::MODELS)) {
                for m in models.filter_map(|e| e.ok()) {
                    let dir = m.path();
                    if !m.file_type().is_ok_and(|t| t.is_dir()) {
                        continue;
                    }
                    let Ok(doc) = self
                        .read_record(&dir.join(layout::META))
                        .map_err(|e| e.to_string())
                        .and_then(|t| Doc::parse(&t))
                    else {
                        continue;
                    };
                    let deleted =
                        doc.opt_str("lifecycle_stage").ok().flatten().as_deref() == Some("deleted");
                    let updated = doc.opt_int("last_updated_timestamp").ok().flatten();
                    if (deleted && old_enough(updated)) && !purge_exp {
                        out.push(GcItem {
                            kind: GcKind::LoggedModel,
                            bytes: size_of(&dir),
                            id: doc.opt_str("model_id").ok().flatten(),
                            path: dir,
                            note: None,
                        });
                    }
                }
            }
            if purge_exp {
                out.push(GcItem {
                    kind: GcKind::Experiment,
                    bytes: size_of(&exp_dir),
                    path: exp_dir,
                    id: Some(exp.experiment_id),
                    note: None,
                });
            }
        }
        // Nothing is reached through a link: a linked `.mlt/tmp/`, `.trash/` or `models/`
        // would make its target's contents look like the store's own.
        out.retain(|i| {
            i.path
                .parent()
                .and_then(|p| std::fs::canonicalize(p).ok())
                .is_some_and(|p| p.starts_with(&root))
        });
        Ok(out)
    }

    /// Removes what [`Store::gc_plan`] lists (all of it unless `dry_run`), under the store
    /// lock. Each folder is first renamed into `.mlt/tmp/`, so readers never see half of it.
    pub fn gc(&self, older_than_ms: i64, dry_run: bool) -> Result<Vec<GcItem>> {
        let _lock = self.lock()?;
        let plan = self.gc_plan(older_than_ms)?;
        if dry_run {
            return Ok(plan);
        }
        let tmp = self.tmp_dir();
        fs::create_dir_all(&tmp)?;
        for item in &plan {
            if item.bytes == 0 && item.note.is_some() && item.kind == GcKind::Run {
                // A note only: the run goes with its experiment.
                continue;
            }
            let p = &item.path;
            let meta = match p.symlink_metadata() {
                Ok(m) => m,
                Err(_) => continue,
            };
            if !meta.is_dir() {
                std::fs::remove_file(p).at(p)?;
                continue;
            }
            let doomed = if p.starts_with(&tmp) {
                p.clone()
            } else {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                let d = tmp.join(format!("gc-{name}-{}", uuid::Uuid::new_v4().simple()));
                fs::rename(p, &d)?;
                d
            };
            // remove_dir_all never follows links: only files inside the store go.
            std::fs::remove_dir_all(&doomed).at(&doomed)?;
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_mlflow() {
        assert_eq!(parse_duration("30d"), Ok(30 * 86_400_000));
        assert_eq!(parse_duration("12h"), Ok(12 * 3_600_000));
        assert_eq!(parse_duration("90m"), Ok(90 * 60_000));
        assert_eq!(parse_duration("1d12h"), Ok(36 * 3_600_000));
        assert_eq!(
            parse_duration("2d8h5m20s"),
            Ok(((2 * 24 + 8) * 60 + 5) * 60_000 + 20_000)
        );
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000));
        for bad in [
            "", "0", "12", "h", "1h1d", "1d1d", "1w", "-1d", "1d ", "1..2h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scratch_a_live_command_holds_is_never_collected() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.init().unwrap();
        let live = store.scratch_named("import-").unwrap();
        let dead = store.tmp_dir().join("export-abcdef");
        std::fs::create_dir_all(&dead).unwrap();
        std::fs::write(dead.join(fs::SCRATCH_OWNER), "").unwrap();
        // Caught in the instant between creating `.owner` and locking it: left alone.
        let just_made = store.tmp_dir().join("build-abcdef");
        std::fs::create_dir_all(&just_made).unwrap();
        std::fs::write(just_made.join(fs::SCRATCH_OWNER), "").unwrap();
        // An owner gone three seconds ago is gone: no need to wait a minute.
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3);
        for d in [live.path(), dead.as_path()] {
            let owner = std::fs::OpenOptions::new()
                .write(true)
                .open(d.join(fs::SCRATCH_OWNER))
                .unwrap();
            owner.set_modified(old).unwrap();
        }
        let plan = store.gc(0, false).unwrap();
        let paths: Vec<&Path> = plan.iter().map(|i| i.path.as_path()).collect();
        assert_eq!(paths, [dead.as_path()]);
        assert!(live.path().is_dir() && !dead.exists() && just_made.is_dir());
    }
}
