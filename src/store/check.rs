//! `mlt store check`: finds what makes a store unreadable or untrustworthy (for mlt or for
//! MLflow), and repairs what can be repaired without losing data.
//!
//! The scan reads only what it needs: folder listings, `meta.yaml` files, and of each metric
//! file its size and last byte (every line only with `deep`). A store of 20,000 runs is mostly
//! `readdir` and `stat`.

use super::fs::{self, IoContext};
use super::layout;
use super::metric::parse_line;
use super::yaml::Doc;
use super::{Error, Result, Store, TRASH};
use crate::entities::{self, RunStatus, View};
use crate::owner::{Owner, State, WRAPPER_TAG};
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The folders every run folder has (MLflow finds a run only when the first three exist).
pub use super::layout::RUN_FOLDERS;

/// What is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A run without some of `metrics/ params/ artifacts/ tags/` (git drops empty folders), or
    /// `mlruns/` without `.trash/`.
    MissingFolder,
    /// A metric file of zero bytes (MLflow: "Metric '...' is malformed. No data found.").
    EmptyMetric,
    /// A metric file whose last line has no newline (a write cut short).
    TornMetric,
    /// A metric file with lines that do not parse.
    MalformedMetric,
    /// A temporary file an older mlt left beside the files it was writing (`.mlt-tmp-XXXXXX`).
    TempFile,
    /// A run folder without `meta.yaml`.
    NoRunMeta,
    /// An experiment folder without `meta.yaml`.
    NoExperimentMeta,
    /// A `meta.yaml` that does not parse, or names another run or experiment than its folder.
    BadMeta,
    /// A folder in `mlruns/` whose name is not an experiment id (MLflow refuses to list).
    BadExperimentFolder,
    /// A folder in an experiment that is neither a run nor one of MLflow's reserved folders.
    StrayFolder,
    /// A RUNNING run whose `mlt run` wrapper is gone (killed).
    StaleRun,
    /// A RUNNING run whose wrapper ran on another host (nothing can be said from here).
    RunningElsewhere,
    /// An absolute artifact location that does not exist.
    MissingArtifacts,
    /// A registered version whose run or files are missing.
    BadVersion,
    /// An alias that names a missing or deleted version (or no number at all).
    BadAlias,
    /// A symbolic link that leads out of the store.
    OutsideLink,
    /// Two experiments with the same name.
    DuplicateName,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MissingFolder => "missing-folder",
            Kind::EmptyMetric => "empty-metric",
            Kind::TornMetric => "torn-metric",
            Kind::MalformedMetric => "malformed-metric",
            Kind::TempFile => "temp-file",
            Kind::NoRunMeta => "no-run-meta",
            Kind::NoExperimentMeta => "no-experiment-meta",
            Kind::BadMeta => "bad-meta",
            Kind::BadExperimentFolder => "bad-experiment-folder",
            Kind::StrayFolder => "stray-folder",
            Kind::StaleRun => "stale-run",
            Kind::RunningElsewhere => "running-elsewhere",
            Kind::MissingArtifacts => "missing-artifacts",
            Kind::BadVersion => "bad-version",
            Kind::BadAlias => "bad-alias",
            Kind::OutsideLink => "outside-link",
            Kind::DuplicateName => "duplicate-name",
        }
    }

    /// A note says something worth knowing that is not a fault (the exit code stays 0).
    pub fn is_note(self) -> bool {
        matches!(self, Kind::RunningElsewhere)
    }
}

/// One thing found, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// The file or folder concerned.
    pub path: PathBuf,
    pub run_id: Option<String>,
    pub experiment_id: Option<String>,
    pub message: String,
    /// Whether [`Store::repair`] can fix it without losing data.
    pub repairable: bool,
    /// What the user can do about it, for the caller to word (a command, a button).
    pub suggestion: Option<Suggestion>,
}

/// What the user can do about a finding that no repair fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suggestion {
    /// Give all but one of the experiments sharing a name another name.
    RenameExperiment,
}

/// What [`Store::repair`] did with one finding.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub finding: Finding,
    pub repaired: bool,
    /// What was done, or why nothing was.
    pub message: String,
}

/// How thoroughly to look.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    /// Parse every line of every metric file (otherwise only the size and the last byte are
    /// looked at, which finds empty and torn files but not a bad line in the middle).
    pub deep: bool,
}

/// What a scan covered.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub findings: Vec<Finding>,
    pub experiments: usize,
    pub runs: usize,
    pub metric_files: usize,
}

impl Scan {
    /// Findings that are faults (not notes).
    pub fn faults(&self) -> usize {
        self.findings.iter().filter(|f| !f.kind.is_note()).count()
    }
}

/// A name older mlt gave its temporary files: `.mlt-tmp-` and 6 letters or digits.
pub fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(fs::TMP_PREFIX)
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Folders in an experiment that are not runs (MLflow's `RESERVED_EXPERIMENT_FOLDERS`).
use super::layout::EXPERIMENT_RESERVED as RESERVED;

fn finding(kind: Kind, path: &Path, message: impl Into<String>, repairable: bool) -> Finding {
    Finding {
        kind,
        path: path.to_path_buf(),
        run_id: None,
        experiment_id: None,
        message: message.into(),
        repairable,
        suggestion: None,
    }
}

/// The state of a metric file, from its size and last byte (and every line when `deep`).
enum MetricState {
    Good,
    Empty,
    /// The last line has no newline.
    Torn,
    /// Lines that do not parse (1-based numbers, at most a few).
    Malformed(Vec<usize>),
}

fn metric_state(path: &Path, deep: bool) -> Result<MetricState> {
    let mut file = std::fs::File::open(path).at(path)?;
    let len = file.metadata().at(path)?.len();
    if len == 0 {
        return Ok(MetricState::Empty);
    }
    if !deep {
        file.seek(SeekFrom::Start(len - 1)).at(path)?;
        let mut last = [0u8; 1];
        file.read_exact(&mut last).at(path)?;
        return Ok(if last[0] == b'\n' {
            MetricState::Good
        } else {
            MetricState::Torn
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes).at(path)?;
    let (_, dropped, torn) = good_lines(&bytes);
    Ok(if !dropped.is_empty() {
        MetricState::Malformed(dropped.into_iter().map(|(n, _)| n).collect())
    } else if torn {
        MetricState::Torn
    } else {
        MetricState::Good
    })
}

/// Splits a metric file into the lines a reader keeps (each ending in a newline) and the ones
/// it skips (with their 1-based numbers); and whether the last line lacked its newline.
/// A last line without its newline is kept when it is whole (3 or 5 fields), as readers do.
#[allow(clippy::type_complexity)]
fn good_lines(bytes: &[u8]) -> (Vec<u8>, Vec<(usize, Vec<u8>)>, bool) {
    let mut good = Vec::with_capacity(bytes.len() + 1);
    let mut dropped = Vec::new();
    let torn = !bytes.is_empty() && !bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    for (i, raw) in lines.iter().enumerate() {
        let complete = raw.ends_with(b"\n");
        let body = raw.strip_suffix(b"\n").unwrap_or(raw);
        let ok = match std::str::from_utf8(body) {
            // A blank line: mlt skips it, MLflow fails on it.
            Ok(text) if text.trim().is_empty() => false,
            Ok(text) => match parse_line(text) {
                Ok(_) => complete || text.trim().split(' ').count() != 2,
                Err(_) => false,
            },
            Err(_) => false,
        };
        if ok {
            good.extend_from_slice(body);
            good.push(b'\n');
        } else {
            dropped.push((i + 1, raw.to_vec()));
        }
    }
    (good, dropped, torn)
}

/// Whether `path` (a link) leads out of `root` (canonical).
fn leads_out(link: &Path, root: &Path) -> bool {
    let Ok(target) = std::fs::read_link(link) else {
        return false;
    };
    let base = link.parent().unwrap_or(Path::new("/"));
    let joined = base.join(&target);
    match std::fs::canonicalize(&joined) {
        Ok(real) => !real.starts_with(root),
        // A dangling link reads nothing; judge it by its text.
        Err(_) => !super::locate::normalize(&joined).starts_with(root),
    }
}

impl Store {
    /// The store's path relative to its root, for messages.
    pub fn display_path(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string())
    }

    /// Creates the folders git drops because they are empty (a run's `params/`, `artifacts/`,
    /// `metrics/`, `tags/`; `mlruns/.trash/`), so MLflow can read a cloned store. Nothing else
    /// is touched. Returns the folders created.
    pub fn restore_folders(&self) -> Result<Vec<PathBuf>> {
        let mut made = Vec::new();
        let trash = self.tracking.join(TRASH);
        if self.tracking.is_dir() && !trash.is_dir() {
            fs::create_dir_all(&trash)?;
            made.push(trash);
        }
        for exp in self.experiment_dirs(View::All)? {
            if !exp.join(layout::META).is_file() {
                continue;
            }
            for run in self.run_dirs(&exp)? {
                if !run.join(layout::META).is_file() {
                    continue;
                }
                for d in RUN_FOLDERS {
                    let p = run.join(d);
                    if !p.is_dir() && std::fs::symlink_metadata(&p).is_err() {
                        fs::create_dir_all(&p)?;
                        made.push(p);
                    }
                }
            }
        }
        Ok(made)
    }

    /// Scans the whole store (see the module's notes on what is read).
    pub fn check(&self, opts: CheckOptions) -> Result<Scan> {
        self.require()?;
        let mut scan = Scan::default();
        let root = std::fs::canonicalize(&self.root).at(&self.root)?;

        // 2. Experiments.
        let trash = self.tracking.join(TRASH);
        if !trash.is_dir() {
            scan.findings.push(finding(
                Kind::MissingFolder,
                &trash,
                "no .trash/ folder (MLflow wants it to list deleted experiments)",
                true,
            ));
        }
        let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut exp_dirs = Vec::new();
        for base in [self.tracking.clone(), trash.clone()] {
            let Ok(entries) = std::fs::read_dir(&base) else {
                continue;
            };
            for dir in sorted_folders(entries) {
                let name = dir.file_name().unwrap_or_default().to_string_lossy();
                if base == self.tracking && layout::is_reserved_in_tracking(&name) {
                    continue;
                }
                if !entities::is_valid_experiment_id(&name) {
                    scan.findings.push(finding(
                        Kind::BadExperimentFolder,
                        &dir,
                        format!(
                            "'{name}' is not an experiment id; MLflow refuses to list the \
                             experiments while it is there (move it out of {})",
                            self.display_path(&base)
                        ),
                        false,
                    ));
                    continue;
                }
                if !dir.join(layout::META).is_file() {
                    scan.findings.push(finding(
                        Kind::NoExperimentMeta,
                        &dir,
                        "an experiment folder without meta.yaml: neither mlt nor MLflow lists it",
                        false,
                    ));
                    continue;
                }
                match self.read_experiment_dir(&dir) {
                    Ok(e) => {
                        names
                            .entry(e.name.clone())
                            .or_default()
                            .push(e.experiment_id.clone());
                        scan.experiments += 1;
                        exp_dirs.push((dir, e.experiment_id));
                    }
                    Err(e) => {
                        let mut f =
                            finding(Kind::BadMeta, &dir.join(layout::META), e.to_string(), false);
                        f.experiment_id = Some(name.to_string());
                        scan.findings.push(f);
                    }
                }
            }
        }
        for (name, ids) in &names {
            if ids.len() > 1 {
                let mut f = finding(
                    Kind::DuplicateName,
                    &self.tracking,
                    format!(
                        "experiments {} are all named '{name}'; rename all but one",
                        ids.join(", ")
                    ),
                    false,
                );
                f.suggestion = Some(Suggestion::RenameExperiment);
                scan.findings.push(f);
            }
        }

        // 3. Runs, several at once.
        let mut run_dirs = Vec::new();
        for (exp_dir, exp_id) in &exp_dirs {
            let entries = std::fs::read_dir(exp_dir).at(exp_dir)?;
            for dir in sorted_folders(entries) {
                let name = dir.file_name().unwrap_or_default().to_string_lossy();
                if RESERVED.contains(&name.as_ref()) {
                    continue;
                }
                if !entities::is_valid_run_id(&name) {
                    let mut f = finding(
                        Kind::StrayFolder,
                        &dir,
                        "neither a run nor one of MLflow's folders (MLflow warns about it)",
                        false,
                    );
                    f.experiment_id = Some(exp_id.clone());
                    scan.findings.push(f);
                    continue;
                }
                run_dirs.push((dir, exp_id.clone()));
            }
        }
        scan.runs = run_dirs.len();
        // Every file and folder of mlruns/ and registry/ outside the runs: links out,
        // temporary files. Run folders are walked on the reading threads.
        let skip: HashSet<PathBuf> = run_dirs.iter().map(|(d, _)| d.clone()).collect();
        for top in [self.tracking.clone(), self.registry_root()] {
            if top.is_dir() {
                scan.findings.extend(self.scan_tree(&top, &root, &skip));
            }
        }
        let none = HashSet::new();
        let per_run: Vec<(Vec<Finding>, usize)> = self
            .par_map(&run_dirs, |(dir, exp)| {
                let (mut f, n) = self.check_run(dir, exp, opts);
                let mut tree = self.scan_tree(dir, &root, &none);
                for t in &mut tree {
                    t.run_id = dir.file_name().map(|n| n.to_string_lossy().into_owned());
                    t.experiment_id = Some(exp.clone());
                }
                f.extend(tree);
                (f, n)
            })
            .collect();
        for (f, metrics) in per_run {
            scan.findings.extend(f);
            scan.metric_files += metrics;
        }

        // 4. The registry.
        scan.findings.extend(self.check_registry()?);
        Ok(scan)
    }

    /// Links out of the store and temporary files under `top`, not descending into `skip`
    /// (run folders, which [`Store::check_run`] walks on the reading threads).
    fn scan_tree(&self, top: &Path, root: &Path, skip: &HashSet<PathBuf>) -> Vec<Finding> {
        let mut out = Vec::new();
        let walk = walkdir::WalkDir::new(top)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| !skip.contains(e.path()));
        for e in walk {
            let e = match e {
                Ok(e) => e,
                Err(e) => {
                    let p = e.path().unwrap_or(top).to_path_buf();
                    out.push(finding(
                        Kind::BadMeta,
                        &p,
                        format!("cannot be read: {e}"),
                        false,
                    ));
                    continue;
                }
            };
            let name = e.file_name().to_string_lossy();
            if e.path_is_symlink() {
                if leads_out(e.path(), root) {
                    let target = std::fs::read_link(e.path()).unwrap_or_default();
                    out.push(finding(
                        Kind::OutsideLink,
                        e.path(),
                        format!(
                            "a link to {}, outside the store; mlt does not read through it \
                             (replace it by a copy of what it points to, or remove it)",
                            target.display()
                        ),
                        false,
                    ));
                }
            } else if e.file_type().is_file() && is_temp_name(&name) {
                out.push(finding(
                    Kind::TempFile,
                    e.path(),
                    "a temporary file left by a killed write (MLflow takes it for a key or \
                     an artifact)",
                    true,
                ));
            }
        }
        out
    }

    /// The findings of one run folder, and how many metric files it has.
    fn check_run(&self, dir: &Path, exp_id: &str, opts: CheckOptions) -> (Vec<Finding>, usize) {
        let mut out = Vec::new();
        let run_id = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let push = |out: &mut Vec<Finding>, mut f: Finding| {
            f.run_id = Some(run_id.clone());
            f.experiment_id = Some(exp_id.to_string());
            out.push(f);
        };
        if !dir.join(layout::META).is_file() {
            push(
                &mut out,
                finding(
                    Kind::NoRunMeta,
                    dir,
                    "a run folder without meta.yaml: neither mlt nor MLflow can read it \
                     (restore meta.yaml from a backup or git, or remove the folder)",
                    false,
                ),
            );
            return (out, 0);
        }
        let info = match self.read_run_info(dir) {
            Ok(i) => Some(i),
            Err(e) => {
                push(
                    &mut out,
                    finding(Kind::BadMeta, &dir.join(layout::META), e.to_string(), false),
                );
                None
            }
        };
        let missing: Vec<&str> = RUN_FOLDERS
            .iter()
            .copied()
            .filter(|d| !dir.join(d).is_dir())
            .collect();
        if !missing.is_empty() {
            push(
                &mut out,
                finding(
                    Kind::MissingFolder,
                    dir,
                    format!(
                        "no {} folder (git drops empty folders; MLflow cannot find the run)",
                        missing
                            .iter()
                            .map(|d| format!("{d}/"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                    true,
                ),
            );
        }
        let mut metrics = 0;
        if let Ok(files) = fs::read_key_files(&dir.join(layout::METRICS)) {
            for (key, path) in files {
                if is_temp_name(path.file_name().unwrap_or_default().to_str().unwrap_or("")) {
                    continue;
                }
                metrics += 1;
                let f = match metric_state(&path, opts.deep) {
                    Ok(MetricState::Good) => continue,
                    Ok(MetricState::Empty) => finding(
                        Kind::EmptyMetric,
                        &path,
                        format!("metric '{key}' is an empty file (MLflow refuses to read the run)"),
                        true,
                    ),
                    Ok(MetricState::Torn) => finding(
                        Kind::TornMetric,
                        &path,
                        format!("metric '{key}': the last line has no newline (a cut write)"),
                        true,
                    ),
                    Ok(MetricState::Malformed(lines)) => finding(
                        Kind::MalformedMetric,
                        &path,
                        format!(
                            "metric '{key}': {} malformed line(s) (line {})",
                            lines.len(),
                            lines
                                .iter()
                                .take(5)
                                .map(|n| n.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        true,
                    ),
                    Err(e) => finding(Kind::MalformedMetric, &path, e.to_string(), false),
                };
                push(&mut out, f);
            }
        }
        let Some(info) = info else {
            return (out, metrics);
        };
        if info.status == RunStatus::Running {
            let tag = layout::tag(dir, WRAPPER_TAG);
            if let Some(owner) = std::fs::read_to_string(&tag)
                .ok()
                .and_then(|t| Owner::parse(&t))
            {
                match owner.state() {
                    State::Alive => {}
                    State::Gone => push(
                        &mut out,
                        finding(
                            Kind::StaleRun,
                            dir,
                            format!(
                                "RUNNING, but its `mlt run` (pid {} on {}) is gone",
                                owner.pid, owner.host
                            ),
                            true,
                        ),
                    ),
                    State::Elsewhere => push(
                        &mut out,
                        finding(
                            Kind::RunningElsewhere,
                            dir,
                            format!(
                                "RUNNING under `mlt run` on {} (pid {}): cannot tell from here \
                                 whether it still runs",
                                owner.host, owner.pid
                            ),
                            false,
                        ),
                    ),
                }
            }
        }
        let uri = info.artifact_uri.as_str();
        if let Some(p) = super::locate::local_path_of_uri(uri).filter(|_| !uri.is_empty())
            && p.is_absolute()
            && !p.exists()
        {
            let own = dir.join(layout::ARTIFACTS);
            let default_layout = uri.trim_end_matches('/').ends_with(&format!(
                "/{}/{}/artifacts",
                info.experiment_id, info.run_id
            ));
            let repairable =
                default_layout && (own.is_dir() || missing.contains(&layout::ARTIFACTS));
            push(
                &mut out,
                finding(
                    Kind::MissingArtifacts,
                    dir,
                    format!(
                        "the artifact location {uri} does not exist{}",
                        if repairable {
                            " (the store moved; the run's own artifacts/ folder is used)"
                        } else {
                            ""
                        }
                    ),
                    repairable,
                ),
            );
        }
        (out, metrics)
    }

    /// Versions pointing at missing runs or files, and aliases pointing at missing or
    /// deleted versions.
    fn check_registry(&self) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        let root = self.models_dir();
        let Ok(entries) = std::fs::read_dir(&root) else {
            return Ok(out);
        };
        let mut models: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        models.sort();
        for dir in models {
            if !dir.join(layout::META).is_file() {
                continue;
            }
            let name = dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            // version -> deleted?
            let mut versions: BTreeMap<i64, bool> = BTreeMap::new();
            for (n, vdir) in self.version_dirs(&dir)? {
                let meta = vdir.join(layout::META);
                let doc = match self.read_record(&meta).and_then(|t| {
                    Doc::parse(&t).map_err(|msg| Error::Malformed {
                        path: meta.clone(),
                        msg,
                    })
                }) {
                    Ok(d) => d,
                    Err(e) => {
                        out.push(finding(Kind::BadMeta, &meta, e.to_string(), false));
                        continue;
                    }
                };
                let deleted = doc.opt_str("current_stage").ok().flatten().as_deref()
                    == Some("Deleted_Internal");
                versions.insert(n, deleted);
                if deleted {
                    continue;
                }
                let bad = |msg: String| finding(Kind::BadVersion, &vdir, msg, false);
                if let Ok(Some(run)) = doc.opt_str("run_id")
                    && !run.is_empty()
                    && self.find_run(&run).is_err()
                {
                    out.push(bad(format!(
                        "version {n} of '{name}' was made by run {run}, which is not in the store"
                    )));
                    continue;
                }
                if let Err(e) = self.model_files(&format!("models:/{name}/{n}")) {
                    out.push(bad(format!("version {n} of '{name}': {e}")));
                }
            }
            for (alias, p) in fs::read_key_files(&dir.join(layout::ALIASES))? {
                let Ok(text) = fs::read_to_string(&p) else {
                    out.push(finding(
                        Kind::BadAlias,
                        &p,
                        format!("alias '{alias}' of '{name}' is not text"),
                        true,
                    ));
                    continue;
                };
                let msg = match text.trim().parse::<i64>() {
                    Err(_) => format!("alias '{alias}' of '{name}' holds '{text}', not a version"),
                    Ok(v) => match versions.get(&v) {
                        Some(false) => continue,
                        Some(true) => format!(
                            "alias '{alias}' of '{name}' names version {v}, which is deleted"
                        ),
                        None => format!(
                            "alias '{alias}' of '{name}' names version {v}, which does not exist"
                        ),
                    },
                };
                out.push(finding(Kind::BadAlias, &p, msg, true));
            }
        }
        Ok(out)
    }

    /// Repairs what can be repaired without losing data; says for each finding what was done.
    pub fn repair(&self, findings: &[Finding]) -> Vec<Outcome> {
        // Runs whose wrapper is gone are ended first, so their metric files can be repaired
        // in the same pass.
        let mut order: Vec<&Finding> = findings.iter().collect();
        order.sort_by_key(|f| f.kind != Kind::StaleRun);
        order
            .into_iter()
            .map(|f| {
                let (repaired, message) = if !f.repairable {
                    (false, "not repairable by mlt: see the message".to_string())
                } else {
                    match self.repair_one(f) {
                        Ok(msg) => (true, msg),
                        Err(e) => (false, format!("repair failed: {e}")),
                    }
                };
                Outcome {
                    finding: f.clone(),
                    repaired,
                    message,
                }
            })
            .collect()
    }

    fn repair_one(&self, f: &Finding) -> Result<String> {
        // Never through a link: a linked `aliases/` or `metrics/` would make a repair write or
        // remove files outside the store (the scan reports such links as `outside-link`).
        fs::check_no_link(&self.root, &f.path)?;
        match f.kind {
            Kind::MissingFolder => {
                if f.run_id.is_none() {
                    fs::create_dir_all(&f.path)?;
                    return Ok(format!("created {}", self.display_path(&f.path)));
                }
                let mut made = Vec::new();
                for d in RUN_FOLDERS {
                    let p = f.path.join(d);
                    if !p.is_dir() {
                        fs::create_dir_all(&p)?;
                        made.push(format!("{d}/"));
                    }
                }
                Ok(format!("created {}", made.join(" ")))
            }
            Kind::TempFile => {
                if !fs::temp_abandoned(&f.path) {
                    return Err(Error::Conflict(
                        "a running write holds it; try again when it is done".into(),
                    ));
                }
                // Kept, not deleted: a key may look like a temporary name by chance.
                let dest = self.kept_path(&f.path);
                if let Some(d) = dest.parent() {
                    fs::create_dir_all(d)?;
                }
                fs::rename(&f.path, &dest)?;
                Ok(format!(
                    "moved to {} (if it was a real key, move it back)",
                    self.display_path(&dest)
                ))
            }
            Kind::EmptyMetric => self.repair_metric_file(&f.path),
            Kind::TornMetric | Kind::MalformedMetric => {
                // A rewrite is renamed into place: a writer that holds the old file open
                // (mlt run keeps its metric files open) would go on writing into the old one,
                // and what it writes would be lost. So not while the run may be writing.
                if let Some(run) = f.run_id.as_deref()
                    && self.find_run(run)?.info.status == RunStatus::Running
                {
                    return Err(Error::RunRunning {
                        run: run.to_string(),
                    });
                }
                self.repair_metric_file(&f.path)
            }
            Kind::StaleRun => {
                let run = f.run_id.as_deref().unwrap_or_default();
                self.set_run_status(run, RunStatus::Killed, None)?;
                self.set_artifact_location_form(run, super::LocationForm::Relative)?;
                // The wrapper is gone for good: a client that resumes the run later must not
                // make it look stale again (mlt run removes the tag at a normal end too).
                let h = self.find_run(run)?;
                let tag = layout::tag(&h.dir, WRAPPER_TAG);
                if tag.is_file() {
                    std::fs::remove_file(&tag).map_err(|source| Error::Io { path: tag, source })?;
                }
                Ok("ended as KILLED".into())
            }
            Kind::MissingArtifacts => {
                let run = f.run_id.as_deref().unwrap_or_default();
                let _lock = self.lock()?;
                let h = self.find_run(run)?;
                let own = h.dir.join(layout::ARTIFACTS);
                fs::create_dir_all(&own)?;
                let mut info = h.info;
                info.artifact_uri = self.relative_location(&own);
                self.write_run_info(&h.dir, &info)?;
                Ok(format!("artifact location set to {}", info.artifact_uri))
            }
            Kind::BadAlias => {
                let _lock = self.lock()?;
                let text = std::fs::read(&f.path).at(&f.path)?;
                std::fs::remove_file(&f.path).at(&f.path)?;
                Ok(format!(
                    "removed (it held '{}')",
                    String::from_utf8_lossy(&text)
                ))
            }
            _ => Err(Error::Invalid("not repairable".into())),
        }
    }

    /// Where a repair keeps what it takes out of the store: `.mlt/check/<time>/<path>`.
    fn kept_path(&self, path: &Path) -> PathBuf {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let base = self
            .root
            .join(super::MLT_DIR)
            .join(layout::CHECK)
            .join(format!("{}", crate::env::now_ms()));
        let mut p = base.join(rel);
        let mut i = 1;
        while p.symlink_metadata().is_ok() {
            p = base.join(format!("{}.{i}", rel.display()));
            i += 1;
        }
        p
    }

    /// Rewrites a metric file with the lines readers keep, under the store lock; the lines
    /// left out are kept in `.mlt/check/` so nothing is lost. An empty result removes the file
    /// (an empty metric file breaks MLflow).
    fn repair_metric_file(&self, path: &Path) -> Result<String> {
        let _lock = self.lock()?;
        let bytes = std::fs::read(path).at(path)?;
        let (good, dropped, torn) = good_lines(&bytes);
        let mut msg = Vec::new();
        if !dropped.is_empty() {
            let keep = self.kept_path(path);
            let mut text = Vec::new();
            for (_, line) in &dropped {
                text.extend_from_slice(line);
                if !line.ends_with(b"\n") {
                    text.push(b'\n');
                }
            }
            fs::write_atomic(&keep, &text)?;
            msg.push(format!(
                "{} line(s) left out, kept in {}",
                dropped.len(),
                self.display_path(&keep)
            ));
        } else if torn {
            msg.push("newline added to the last line".to_string());
        }
        // A writer appending meanwhile would be lost by the rename: check the size again.
        let now = std::fs::metadata(path).at(path)?.len();
        if now != bytes.len() as u64 {
            return Err(Error::Conflict(format!(
                "{} is being written to; try again when the run is done",
                path.display()
            )));
        }
        if good.is_empty() {
            std::fs::remove_file(path).at(path)?;
            msg.push("removed the file (no good line)".into());
        } else {
            fs::write_atomic(path, &good)?;
        }
        Ok(msg.join("; "))
    }
}

/// The folders (not links, not files) among `entries`, sorted.
fn sorted_folders(entries: std::fs::ReadDir) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_without_its_empty_folders_is_found_checked_and_restored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.init().unwrap();
        let exp = store.create_experiment("e", None, &[]).unwrap();
        let info = store
            .create_run(&exp, super::super::NewRun::default())
            .unwrap();
        let h = store.find_run(&info.run_id).unwrap();
        for d in [layout::PARAMS, layout::ARTIFACTS] {
            std::fs::remove_dir(h.dir.join(d)).unwrap();
        }
        std::fs::remove_dir(store.tracking().join(TRASH)).unwrap();
        assert!(store.get_run(&info.run_id).unwrap().params.is_empty());
        let scan = store.check(CheckOptions::default()).unwrap();
        let kinds: Vec<Kind> = scan.findings.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [Kind::MissingFolder, Kind::MissingFolder]);
        assert_eq!((scan.experiments, scan.runs), (2, 1));
        let made = store.restore_folders().unwrap();
        assert_eq!(made.len(), 3);
        assert!(
            store
                .check(CheckOptions { deep: true })
                .unwrap()
                .findings
                .is_empty()
        );
        assert!(store.restore_folders().unwrap().is_empty());
    }

    /// A finding names no command: what to do is a typed suggestion the caller words.
    #[test]
    fn a_duplicate_name_comes_with_a_suggestion_not_a_command() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.init().unwrap();
        let a = store.create_experiment("same", None, &[]).unwrap();
        let b = store.create_experiment("other", None, &[]).unwrap();
        let meta = layout::meta(&store.tracking().join(&b.experiment_id));
        let text = std::fs::read_to_string(&meta).unwrap();
        std::fs::write(&meta, text.replace("name: 'other'", "name: 'same'")).unwrap();
        let scan = store.check(CheckOptions::default()).unwrap();
        let dup: Vec<&Finding> = scan
            .findings
            .iter()
            .filter(|f| f.kind == Kind::DuplicateName)
            .collect();
        assert_eq!(dup.len(), 1, "{:?}", scan.findings);
        assert_eq!(dup[0].suggestion, Some(Suggestion::RenameExperiment));
        assert!(dup[0].message.contains(&a.experiment_id));
        for f in &scan.findings {
            assert!(!f.message.contains("(mlt "), "{}", f.message);
        }
    }

    #[test]
    fn temp_names() {
        assert!(is_temp_name(".mlt-tmp-a1B2c3"));
        assert!(!is_temp_name(".mlt-tmp-a1B2c"));
        assert!(!is_temp_name(".mlt-tmp-a1B2c34"));
        assert!(!is_temp_name(".mlt-tmp-a1B2-3"));
        assert!(!is_temp_name("mlt-tmp-a1B2c3"));
    }

    #[test]
    fn good_lines_keep_what_readers_keep() {
        let (good, dropped, torn) = good_lines(b"1 0.5 0\nbad line here x\n2 0.6 1\n3 0.");
        assert_eq!(good, b"1 0.5 0\n2 0.6 1\n");
        assert_eq!(dropped.len(), 2);
        assert_eq!(dropped[0].0, 2);
        assert_eq!(dropped[1].0, 4);
        assert!(torn);
        // A whole last line without its newline is kept, with one.
        let (good, dropped, torn) = good_lines(b"1 0.5 0\n2 0.6 1");
        assert_eq!(good, b"1 0.5 0\n2 0.6 1\n");
        assert!(dropped.is_empty() && torn);
        // Not UTF-8.
        let (good, dropped, _) = good_lines(b"1 0.5 0\n\xff\xfe 1 2\n");
        assert_eq!(good, b"1 0.5 0\n");
        assert_eq!(dropped.len(), 1);
    }
}
