//! `mlt import`: a bundle (folder or `.tar.gz`, verified first) or another store (a copied
//! store, an MLflow `mlruns/` folder) into this store. Also the report that `mlt store merge`
//! prints.

use crate::bundle::{self, Opened};
use crate::cli::kit::{CliError, CmdResult, Ctx, bundle_error};
use crate::output::{self, Format, Listing};
use crate::store::{Counts, OnConflict, Report, Selection, Store, TransferOptions};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OnConflictArg {
    /// Keep this store's copy
    Skip,
    /// Change nothing when anything conflicts
    #[default]
    Fail,
    /// Replace this store's copy
    Overwrite,
}

impl From<OnConflictArg> for OnConflict {
    fn from(a: OnConflictArg) -> OnConflict {
        match a {
            OnConflictArg::Skip => OnConflict::Skip,
            OnConflictArg::Fail => OnConflict::Fail,
            OnConflictArg::Overwrite => OnConflict::Overwrite,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A bundle (folder or .tar.gz), a store or MLflow mlruns/ folder, or an MLflow SQLite
    /// database (mlflow.db)
    pub source: PathBuf,
    /// With an mlflow.db: the folder holding its runs' artifacts as <experiment id>/<run
    /// id>/artifacts, when they are not where MLflow recorded them [default: mlruns/ beside
    /// the database, else mlartifacts/]
    #[arg(long, value_name = "DIR")]
    pub artifact_root: Option<PathBuf>,
    /// What to do with a run or model version that is here with different content
    #[arg(long, value_enum, default_value_t)]
    pub on_conflict: OnConflictArg,
    /// Check and report what would happen; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The report's format
    #[arg(long, short, value_enum, default_value_t)]
    pub format: Format,
}

/// "3 runs (1200 metric points, 7 artifacts, 12.3 KiB) and 2 model versions".
pub fn summary(c: &Counts) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if c.experiments > 0 {
        parts.push(plural(c.experiments, "experiment", "experiments"));
    }
    let others = c.experiment_items + c.models + c.model_versions;
    if c.runs > 0 || others == 0 {
        parts.push(format!(
            "{} ({}, {}, {})",
            plural(c.runs, "run", "runs"),
            plural(c.metric_points, "metric point", "metric points"),
            plural(c.artifacts, "artifact", "artifacts"),
            output::bytes(c.artifact_bytes)
        ));
    }
    if c.experiment_items > 0 {
        parts.push(plural(
            c.experiment_items,
            "logged model, dataset or trace",
            "logged models, datasets and traces",
        ));
    }
    if c.models > 0 {
        parts.push(plural(c.models, "registered model", "registered models"));
    }
    if c.model_versions > 0 {
        parts.push(plural(c.model_versions, "model version", "model versions"));
    }
    match parts.len() {
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

/// "2 experiments, 5 runs, 1 model version": the things, without their contents.
fn brief(c: &Counts) -> String {
    let parts: Vec<String> = [
        (c.experiments, "experiment", "experiments"),
        (c.runs, "run", "runs"),
        (
            c.experiment_items,
            "logged model, dataset or trace",
            "logged models, datasets and traces",
        ),
        (c.models, "registered model", "registered models"),
        (c.model_versions, "model version", "model versions"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn rows(c: &Counts) -> [(&'static str, u64); 8] {
    [
        ("experiments", c.experiments),
        ("runs", c.runs),
        ("metric points", c.metric_points),
        ("artifacts", c.artifacts),
        ("artifact bytes", c.artifact_bytes),
        ("logged models, datasets, traces", c.experiment_items),
        ("registered models", c.models),
        ("model versions", c.model_versions),
    ]
}

/// The report on stdout, in the chosen format.
fn render(format: Format, r: &Report, manifest: Option<&Counts>) -> String {
    output::render(
        format,
        || {
            let mut headers = vec!["what", "imported", "unchanged", "overwritten", "skipped"];
            if manifest.is_some() {
                headers.push("in bundle");
            }
            let mut l = Listing::new(headers);
            let imported = rows(&r.imported);
            let unchanged = rows(&r.unchanged);
            let overwritten = rows(&r.overwritten);
            let skipped = rows(&r.skipped);
            let bundle = manifest.map(rows);
            for i in 0..imported.len() {
                let mut row = vec![
                    imported[i].0.to_string(),
                    imported[i].1.to_string(),
                    unchanged[i].1.to_string(),
                    overwritten[i].1.to_string(),
                    skipped[i].1.to_string(),
                ];
                if let Some(b) = &bundle {
                    row.push(b[i].1.to_string());
                }
                l.row(row);
            }
            l
        },
        || {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["experiments_created"] = r
                .experiments_created
                .iter()
                .map(|(name, id)| serde_json::json!({"name": name, "experiment_id": id}))
                .collect();
            v["manifest"] = serde_json::to_value(manifest).unwrap_or_default();
            v
        },
    )
}

/// Plans, reports conflicts, applies (unless a dry run), and prints the report.
pub fn transfer(
    target: &Store,
    source: &Store,
    opts: TransferOptions,
    dry_run: bool,
    format: Format,
    manifest: Option<&Counts>,
    source_word: &str,
) -> CmdResult {
    transfer_reading(
        target,
        source,
        opts,
        dry_run,
        format,
        manifest,
        source_word,
        &[],
    )
}

/// [`transfer`], reading artifacts also from `artifact_roots` (see
/// [`Store::plan_transfer_reading`]).
#[allow(clippy::too_many_arguments)]
fn transfer_reading(
    target: &Store,
    source: &Store,
    opts: TransferOptions,
    dry_run: bool,
    format: Format,
    manifest: Option<&Counts>,
    source_word: &str,
    artifact_roots: &[PathBuf],
) -> CmdResult {
    let plan = target.plan_transfer_reading(source, &Selection::default(), opts, artifact_roots)?;
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    let settled = match opts.on_conflict {
        OnConflict::Skip => "; kept this store's copy",
        OnConflict::Overwrite => "; replaced by the source's",
        OnConflict::Fail => "",
    };
    for c in plan.conflicts() {
        eprintln!("conflict: {} {}: {}{settled}", c.kind, c.id, c.reason);
    }
    let n = plan.conflicts().len();
    if opts.on_conflict == OnConflict::Fail && n > 0 {
        return Err(CliError::failure(format!(
            "{n} conflict{}; nothing was imported",
            if n == 1 { "" } else { "s" }
        ))
        .hint(format!(
            "--on-conflict skip keeps this store's copies, --on-conflict overwrite takes the \
             {source_word}'s"
        )));
    }
    if dry_run {
        eprintln!(
            "Dry run: {} unit{} to write, {} conflict{}; nothing was written",
            plan.units(),
            if plan.units() == 1 { "" } else { "s" },
            n,
            if n == 1 { "" } else { "s" }
        );
        return Ok(());
    }
    let mut bar = crate::cli::kit::Printer::Default.bar("units");
    let report = plan.apply(&mut |d, t, b| bar.update(d, t, b));
    bar.finish();
    let report = report.map_err(|s| {
        let w = &s.written;
        let wrote = !w.imported.is_zero() || w.tags_added > 0 || w.aliases_added > 0;
        let what = if wrote {
            format!("wrote {} before it failed", brief(&w.imported))
        } else {
            "wrote nothing before it failed".to_string()
        };
        CliError::failure(s.error.to_string()).hint(format!(
            "{what}; each run and version lands whole, so running the same command again \
             completes it (what is already here is kept as unchanged)"
        ))
    })?;
    for (name, id) in &report.experiments_created {
        eprintln!("Created experiment '{name}' ({id})");
    }
    let wrote = !report.imported.is_zero() || report.tags_added > 0 || report.aliases_added > 0;
    if wrote {
        eprintln!("Imported {}", summary(&report.imported));
    } else if !report.skipped.is_zero() {
        eprintln!(
            "Nothing imported: the conflicts were kept as they are here, and the rest is \
             already here ({})",
            brief(&report.unchanged)
        );
    } else {
        eprintln!(
            "Nothing to import: everything is already here ({})",
            brief(&report.unchanged)
        );
    }
    if let Some(m) = manifest
        && report.unchanged.runs == 0
        && report.skipped.runs == 0
    {
        let key = |c: &Counts| (c.runs, c.metric_points, c.artifacts, c.artifact_bytes);
        if key(m) == key(&report.imported) {
            eprintln!("The counts match the bundle's manifest");
        } else {
            eprintln!("warning: the bundle's manifest says {}", summary(m));
        }
    }
    output::print(&render(format, &report, manifest))?;
    Ok(())
}

/// Imports an MLflow SQLite database: read into a temporary store, then taken in.
fn from_mlflow_db(ctx: &Ctx, args: &Args) -> CmdResult {
    let db = &args.source;
    let beside = db.parent().unwrap_or(std::path::Path::new("."));
    let root = args.artifact_root.clone().unwrap_or_else(|| {
        let mlruns = beside.join("mlruns");
        if mlruns.is_dir() {
            mlruns
        } else {
            beside.join("mlartifacts")
        }
    });
    let view = ctx.store();
    let tmp = bundle::import_scratch(Some(&view)).map_err(bundle_error)?;
    let source = Store::new(tmp.path().join("db")).on_warning(|m| eprintln!("warning: {m}"));
    for w in source.write_from_mlflow_db(db, &root)? {
        eprintln!("note: {w}");
    }
    let target = if args.dry_run {
        ctx.store()
    } else {
        ctx.writable_store()?
    };
    let opts = TransferOptions {
        on_conflict: args.on_conflict.into(),
        artifacts: true,
        own_source: false,
    };
    // The database's artifacts are read from its folder and the artifact root, nowhere else.
    let beside = if beside.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        beside
    };
    transfer_reading(
        &target,
        &source,
        opts,
        args.dry_run,
        args.format,
        None,
        "database",
        &[beside.to_path_buf(), root],
    )
}

pub fn run(ctx: &Ctx, args: Args) -> CmdResult {
    if args.source.is_file() && crate::store::sqlite::is_sqlite(&args.source) {
        return from_mlflow_db(ctx, &args);
    }
    // Everything is verified before the store is touched (or created); a .tar.gz is unpacked
    // in the store's own scratch space when the store exists.
    let view = ctx.store();
    let opened = bundle::open(&args.source, Some(&view)).map_err(bundle_error)?;
    let target = if args.dry_run {
        ctx.store()
    } else {
        ctx.writable_store()?
    };
    let opts = TransferOptions {
        on_conflict: args.on_conflict.into(),
        artifacts: true,
        own_source: false,
    };
    match opened {
        Opened::Bundle { dir, manifest, .. } => {
            let source = Store::new(&dir).on_warning(|m| eprintln!("warning: {m}"));
            let opts = TransferOptions {
                artifacts: manifest.artifacts,
                ..opts
            };
            transfer(
                &target,
                &source,
                opts,
                args.dry_run,
                args.format,
                Some(&manifest.counts),
                "bundle",
            )
        }
        Opened::Store(source) => {
            super::store_cmd::refuse_same(&target, &source)?;
            let source = source.on_warning(|m| eprintln!("warning: {m}"));
            transfer(
                &target,
                &source,
                opts,
                args.dry_run,
                args.format,
                None,
                "source",
            )
        }
    }
}
