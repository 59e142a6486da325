//! Run artifacts: where a run's artifact location points, and listing, logging and fetching
//! files there. Never depends on the working directory: a relative location is taken against
//! the store root.

use super::fs::{self, IoContext};
use super::layout;
use super::locate::{local_path_of_uri, percent_decode};
use super::safe_path::{self, Bounds};
use super::{Entity, Error, Result, RunHandle, Store};
use std::path::{Component, Path, PathBuf};

/// A run named on the command line: a bare id or `runs:/<run_id>/<path>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRef {
    pub run_id: String,
    pub path: Option<String>,
}

impl RunRef {
    pub fn parse(s: &str) -> Result<RunRef> {
        if let Some(rest) = s.strip_prefix("runs:/") {
            let rest = rest.trim_start_matches('/');
            let (id, path) = match rest.split_once('/') {
                Some((id, p)) => (id, Some(p.trim_end_matches('/'))),
                None => (rest, None),
            };
            if id.is_empty() {
                return Err(Error::Invalid(format!("'{s}' names no run id")));
            }
            return Ok(RunRef {
                run_id: id.to_string(),
                path: path.filter(|p| !p.is_empty()).map(percent_decode),
            });
        }
        if s.contains(":/") {
            return Err(Error::Invalid(format!(
                "'{s}' is not a run id or a runs:/<run_id>/<path> URI"
            )));
        }
        Ok(RunRef {
            run_id: s.to_string(),
            path: None,
        })
    }
}

/// One file or folder under a run's artifacts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactEntry {
    pub path: String,
    pub is_dir: bool,
    pub size: Option<u64>,
}

/// Checks an artifact path: relative, no `..`, no `.` parts, no empty parts.
pub fn validate_artifact_path(p: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::Invalid(format!(
            "invalid artifact path '{p}': {why}"
        )))
    };
    if p.starts_with('/') || Path::new(p).is_absolute() {
        return bad("it must be relative");
    }
    if p.contains('\\') {
        return bad("use '/' to separate folders");
    }
    for part in p.split('/') {
        match part {
            "" => return bad("empty folder name"),
            "." | ".." => return bad("'.' and '..' are not allowed"),
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn join_rel(base: &Path, rel: Option<&str>) -> Result<PathBuf> {
    match rel {
        None | Some("") => Ok(base.to_path_buf()),
        Some(r) => {
            let r = r.trim_end_matches('/');
            validate_artifact_path(r)?;
            Ok(r.split('/')
                .fold(base.to_path_buf(), |p, part| p.join(part)))
        }
    }
}

impl Store {
    /// The folders a read of this store may reach: its tracking folder and its registry (each
    /// where it really is: a tracking folder may be a link to another disk).
    /// A `meta.yaml` (or another record of the store's own) as text. A record that is a link
    /// is read only when the link stays inside [`Store::read_bounds`]: a crafted
    /// `meta.yaml -> /home/me/.ssh/...` merged from a branch is refused, not shown.
    pub(crate) fn read_record(&self, path: &Path) -> Result<String> {
        if let Some(text) = fs::read_to_string_unless_link(path)? {
            return Ok(text);
        }
        let target = safe_path::check_inside(
            path,
            &self.read_bounds(),
            &path.display().to_string(),
            "the store",
        )?;
        fs::read_to_string(&target)
    }

    pub fn read_bounds(&self) -> Bounds {
        // Not the root: it is usually the project's folder, whose `.git/` or `.env` a link in a
        // run must not reach.
        Bounds::new([
            self.tracking(),
            self.models_dir().as_path(),
            self.models_dir().as_path(),
        ])
    }

    /// What reading a run's artifacts may reach: the store, and the run's artifact folder when
    /// its location (as recorded, before any link) is outside the store, as a location the user
    /// chose can be. A link inside the artifacts that leads elsewhere is not read.
    pub fn artifact_bounds(&self, h: &RunHandle) -> Bounds {
        let b = self.read_bounds();
        match self.artifact_dir(h) {
            Ok(dir) if !super::locate::normalize(&dir).starts_with(self.tracking()) => b.with(&dir),
            _ => b,
        }
    }

    /// Refuses to write an artifact through a link (the artifacts folder, or a folder in it)
    /// that leads out of the store.
    pub(super) fn check_writable(
        &self,
        h: &RunHandle,
        target: &Path,
        rel: Option<&str>,
    ) -> Result<()> {
        let what = match rel {
            Some(r) => format!("run {}'s artifact path '{r}'", h.info.run_id),
            None => format!("run {}'s artifact folder", h.info.run_id),
        };
        safe_path::check_inside(target, &self.artifact_bounds(h), &what, "the store")?;
        Ok(())
    }

    /// The local folder of a run's artifacts. A relative location is store-relative; an absolute
    /// one in MLflow's default layout that no longer exists (a store moved after MLflow wrote
    /// it) falls back to the run's own `artifacts/` folder when that exists.
    pub fn artifact_dir(&self, h: &RunHandle) -> Result<PathBuf> {
        let uri = &h.info.artifact_uri;
        let own = h.dir.join(layout::ARTIFACTS);
        let path = if uri.is_empty() {
            return Ok(own);
        } else if let Some(p) = local_path_of_uri(uri) {
            if p.is_absolute() {
                p
            } else {
                super::locate::normalize(&self.root.join(p))
            }
        } else {
            return Err(Error::Invalid(format!(
                "run {} keeps its artifacts at '{uri}', which is not a local path; mlt reads \
                 only local artifacts",
                h.info.run_id
            )));
        };
        // Only a location in MLflow's default layout (`.../<exp>/<run>/artifacts`) is taken for
        // this run's own folder seen from elsewhere; a location the user chose stays as it is.
        let default_layout = uri.trim_end_matches('/').ends_with(&format!(
            "/{}/{}/artifacts",
            h.info.experiment_id, h.info.run_id
        ));
        if default_layout && !path.exists() && own.is_dir() {
            return Ok(own);
        }
        Ok(path)
    }

    /// Lists artifacts under `path` (or all), recursively, sorted by path. A link that leads
    /// out of the store is left out, with a warning.
    pub fn list_artifacts(&self, h: &RunHandle, path: Option<&str>) -> Result<Vec<ArtifactEntry>> {
        let own = self.artifact_dir(h)?;
        let mut out = Vec::new();
        let start = match path {
            // Resolved like any artifact, so MLflow 3's logged models are found too.
            Some(_) => self.artifact_path(h, path)?,
            None if !own.exists() => return Ok(out),
            None => own.clone(),
        };
        // Paths are listed from the artifact root: `<path>/<below start>`.
        let prefix = path.map(|p| p.trim_matches('/')).unwrap_or("");
        if start.is_file() {
            let size = std::fs::metadata(&start).at(&start)?.len();
            out.push(ArtifactEntry {
                path: path.unwrap_or_default().trim_end_matches('/').to_string(),
                is_dir: false,
                size: Some(size),
            });
            return Ok(out);
        }
        let bounds = self.artifact_bounds(h);
        let walk = safe_path::walk(&start, &bounds)?;
        let shown = |rel: &Path| {
            let below = fs::slash_path(rel);
            match (prefix.is_empty(), below.is_empty()) {
                (true, _) => below,
                (false, true) => prefix.to_string(),
                (false, false) => format!("{prefix}/{below}"),
            }
        };
        for (rel, o) in &walk.skipped {
            self.warn(&format!(
                "run {}: artifact '{}' is {}; not read",
                h.info.run_id,
                shown(rel),
                o.describe("the store")
            ));
        }
        for entry in walk.entries {
            let size = if entry.is_dir {
                None
            } else {
                Some(std::fs::metadata(&entry.path).map(|m| m.len()).unwrap_or(0))
            };
            out.push(ArtifactEntry {
                path: shown(&entry.rel),
                is_dir: entry.is_dir,
                size,
            });
        }
        Ok(out)
    }

    /// Copies a local file or folder into a run's artifacts under `dest` (a folder inside the
    /// artifacts). A file keeps its name; a folder's contents are copied (MLflow's
    /// `log_artifact` and `log_artifacts`). Everything is checked before the first copy; each
    /// file lands whole (temp file + rename). Returns the artifact paths written.
    pub fn log_artifacts(
        &self,
        h: &RunHandle,
        local: &Path,
        dest: Option<&str>,
    ) -> Result<Vec<String>> {
        if h.info.lifecycle_stage == crate::entities::Lifecycle::Deleted {
            return Err(Error::deleted_run(&h.info.run_id));
        }
        let base = self.artifact_dir(h)?;
        let dest = dest.map(|d| d.trim_matches('/')).filter(|d| !d.is_empty());
        let target = join_rel(&base, dest)?;
        self.check_writable(h, &target, dest)?;
        let meta = std::fs::metadata(local).at(local)?;
        let prefix = dest.map(|d| format!("{d}/")).unwrap_or_default();
        let mut plan: Vec<CopyStep> = Vec::new();
        if meta.is_file() {
            let name = local
                .file_name()
                .ok_or_else(|| Error::Invalid(format!("{} has no file name", local.display())))?
                .to_string_lossy()
                .into_owned();
            plan.push((
                local.to_path_buf(),
                target.join(&name),
                format!("{prefix}{name}"),
            ));
        } else {
            plan = folder_plan(local, &target, &prefix)?;
        }
        // Check that every source can be opened before the first copy.
        for (src, _, _) in &plan {
            std::fs::File::open(src).at(src)?;
        }
        // A folder already in the artifacts may be a link out of the store: no file is written
        // through it.
        for (_, dst, a) in &plan {
            self.check_writable(h, dst, Some(a))?;
        }
        for (src, dst, _) in &plan {
            copy_atomic(src, dst)?;
        }
        Ok(plan.into_iter().map(|(_, _, a)| a).collect())
    }

    /// Opens an artifact file to be written as it grows (a command's output, saved while the
    /// command runs): created empty, in append mode so chunks from several writers never
    /// overlap. Unlike other artifact writes it is not renamed into place: a reader sees the
    /// output so far. Returns the file and its local path.
    pub fn create_artifact_file(
        &self,
        h: &RunHandle,
        path: &str,
    ) -> Result<(std::fs::File, PathBuf)> {
        if h.info.lifecycle_stage == crate::entities::Lifecycle::Deleted {
            return Err(Error::deleted_run(&h.info.run_id));
        }
        let target = join_rel(&self.artifact_dir(h)?, Some(path))?;
        self.check_writable(h, &target, Some(path))?;
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&target)
            .at(&target)?;
        file.set_len(0).at(&target)?;
        Ok((file, target))
    }

    /// The local path of one artifact (file or folder). MLflow 3 keeps a logged model's files
    /// under the experiment's `models/<model_id>/artifacts`, not in the run's artifacts, and
    /// resolves `runs:/<run>/<model name>/...` to them; so does this, when the run's own
    /// artifacts have no such path.
    pub fn artifact_path(&self, h: &RunHandle, path: Option<&str>) -> Result<PathBuf> {
        let p = join_rel(&self.artifact_dir(h)?, path)?;
        if !p.exists()
            && let Some(path) = path
        {
            let (first, rest) = match path.split_once('/') {
                Some((f, r)) => (f, Some(r)),
                None => (path, None),
            };
            if let Some(dir) =
                self.logged_model_of_run(&h.info.experiment_id, &h.info.run_id, first)?
            {
                let p = join_rel(&dir, rest)?;
                if p.exists() {
                    let what = format!("run {}'s logged model file '{path}'", h.info.run_id);
                    safe_path::check_inside(&p, &self.read_bounds(), &what, "the store")?;
                    return Ok(p);
                }
            }
        }
        let what = || match path.map(|p| p.trim_matches('/')).filter(|p| !p.is_empty()) {
            Some(p) => format!("run {}'s artifact '{p}'", h.info.run_id),
            None => format!("run {}'s artifact folder", h.info.run_id),
        };
        // A link (or a linked folder on the way) that leads out of the store is not read.
        if std::fs::symlink_metadata(&p).is_ok() {
            safe_path::check_inside(&p, &self.artifact_bounds(h), &what(), "the store")?;
        }
        if !p.exists() {
            return Err(Error::missing(
                Entity::Artifact {
                    run: h.info.run_id.clone(),
                },
                path.unwrap_or(""),
            ));
        }
        Ok(p)
    }

    /// Copies an artifact (or all of them) to `dest` as MLflow's `download_artifacts` does: a
    /// file lands as `dest/<file name>`, a folder keeps its path under the artifact root.
    /// Returns the local path of what was downloaded.
    pub fn download_artifacts(
        &self,
        h: &RunHandle,
        path: Option<&str>,
        dest: &Path,
    ) -> Result<PathBuf> {
        let src = self.artifact_path(h, path)?;
        if src.is_file() {
            let out = dest.join(src.file_name().unwrap_or_default());
            copy_atomic(&src, &out)?;
            return Ok(out);
        }
        let out = join_rel(dest, path)?;
        fs::create_dir_all(&out)?;
        let walk = safe_path::walk(&src, &self.artifact_bounds(h))?;
        for (rel, o) in &walk.skipped {
            self.warn(&format!(
                "run {}: artifact '{}' is {}; not downloaded",
                h.info.run_id,
                fs::slash_path(rel),
                o.describe("the store")
            ));
        }
        for entry in walk.entries {
            let to = out.join(&entry.rel);
            if entry.is_dir {
                fs::create_dir_all(&to)?;
            } else {
                copy_atomic(&entry.path, &to)?;
            }
        }
        Ok(out)
    }
}

/// One file to copy: source, destination, and its artifact path.
pub(super) type CopyStep = (PathBuf, PathBuf, String);

/// The files of a folder to copy under `target`, sorted by path: links are followed, and a
/// path that is not plain (`..`, a root) is skipped. The artifact path is `prefix` and the
/// file's path in the folder, with `/` separators.
pub(super) fn folder_plan(local: &Path, target: &Path, prefix: &str) -> Result<Vec<CopyStep>> {
    let mut plan = Vec::new();
    for entry in walkdir::WalkDir::new(local)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| fs::walk_error(e, local))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(local).unwrap_or(entry.path());
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            continue;
        }
        plan.push((
            entry.path().to_path_buf(),
            target.join(rel),
            format!("{prefix}{}", fs::slash_path(rel)),
        ));
    }
    Ok(plan)
}

/// Copies a file through a temporary file and renames it into place.
pub(super) fn copy_atomic(src: &Path, dst: &Path) -> Result<()> {
    fs::copy_atomic(src, dst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_refs() {
        assert_eq!(
            RunRef::parse("runs:/abc/model/MLmodel").unwrap(),
            RunRef {
                run_id: "abc".into(),
                path: Some("model/MLmodel".into())
            }
        );
        assert_eq!(RunRef::parse("runs:/abc").unwrap().path, None);
        assert_eq!(RunRef::parse("abc").unwrap().run_id, "abc");
        assert!(RunRef::parse("runs:/").is_err());
        assert!(RunRef::parse("s3://bucket/x").is_err());
    }

    #[test]
    fn artifact_paths() {
        assert!(validate_artifact_path("a/b.txt").is_ok());
        for bad in ["/etc/passwd", "../x", "a/../../x", "a//b", "./a"] {
            assert!(validate_artifact_path(bad).is_err(), "{bad}");
        }
    }
}
