//! Bundles: a store-shaped folder (`mlruns/...`, `registry/models/...`) plus `manifest.json`,
//! or the same folder as one `.tar.gz` file.
//!
//! The manifest says what the bundle holds, how much of it (the counts that `mlt import`
//! prints back), which mlt wrote it and when, and the SHA-256 and size of every file. A bundle
//! is verified whole before anything is taken from it: every listed file present and equal,
//! nothing unlisted, no links, no path that could leave the bundle. A `.tar.gz` is unpacked
//! entry by entry into scratch of the target store (no `..`, no absolute path, no links, no
//! devices, nothing its manifest does not announce: see [`unpack`]) and then verified the same
//! way.
//!
//! What goes in, and how a bundle's content lands in a store, is the store's business
//! ([`crate::store::transfer`]); this module only packs, lists and checks files.

pub mod export_import;
mod export_import_layout;
pub mod import;
mod manifest;
pub mod report;
mod tarball;

pub use manifest::{Contents, FileEntry, MANIFEST, Manifest, ModelContents, SelectionRecord};
pub use tarball::{pack, unpack};

use crate::store::{self, Report, Store, TransferOptions, TransferScope};
use std::path::{Path, PathBuf};

/// Why a bundle was refused, or could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("bundle rejected: {0}")]
    Rejected(String),
    #[error(transparent)]
    Store(#[from] store::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn rejected(msg: impl Into<String>) -> Error {
    Error::Rejected(msg.into())
}

/// The name of the folder an export builds in beside its destination: `.mlt-export-XXXXXX`,
/// owned (an `.owner` file its export holds locked), removed on failure; one a killed export
/// left is removed by the next export into the same folder.
pub const EXPORT_SCRATCH: &str = ".mlt-export-";

/// Whether a path names a `.tar.gz` bundle by its name.
pub fn is_tarball_name(p: &Path) -> bool {
    let n = p.file_name().unwrap_or_default().to_string_lossy();
    n.ends_with(".tar.gz") || n.ends_with(".tgz")
}

/// What an export writes, told by the destination's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    Folder,
    /// `.tar.gz` or `.tgz`.
    Tarball,
}

/// A destination named as an archive that mlt does not write (`res.zip`, `res.tar.bz2`).
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot export to {}: a bundle is a folder or a .tar.gz (or .tgz) file, not a {suffix} file",
    path.display()
)]
pub struct UnsupportedDestination {
    pub path: PathBuf,
    /// `.zip`, `.tar.bz2`...
    pub suffix: String,
}

/// Archive name endings mlt does not write (a folder may have any other name).
const OTHER_ARCHIVES: &[&str] = &[
    "zip", "tar", "gz", "bz2", "xz", "zst", "7z", "rar", "tbz", "tbz2", "txz", "tzst", "jar", "lz",
    "lzma",
];

/// Whether `dest` names a folder or a `.tar.gz` bundle; another archive's name is refused.
pub fn destination(dest: &Path) -> Result<Destination, UnsupportedDestination> {
    if is_tarball_name(dest) {
        return Ok(Destination::Tarball);
    }
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let ext = dest
        .extension()
        .unwrap_or_default()
        .to_string_lossy()
        .to_ascii_lowercase();
    if !OTHER_ARCHIVES.contains(&ext.as_str()) {
        return Ok(Destination::Folder);
    }
    let lower = name.to_ascii_lowercase();
    let suffix = match lower.strip_suffix(&format!(".{ext}")) {
        Some(stem) if stem.ends_with(".tar") => format!(".tar.{ext}"),
        _ => format!(".{ext}"),
    };
    Err(UnsupportedDestination {
        path: dest.to_path_buf(),
        suffix,
    })
}

/// What a bundle file or folder turned out to be.
pub enum Opened {
    /// A verified bundle; `dir` holds its content (a temporary folder for a `.tar.gz`).
    Bundle {
        dir: PathBuf,
        manifest: Box<Manifest>,
        _tmp: Option<store::fs::Scratch>,
    },
    /// No manifest: a plain store (a copied store, an MLflow `mlruns/` folder).
    Store(Store),
}

/// Scratch for unpacking a bundle into `target`: inside its `.mlt/tmp/` (the same file system,
/// reclaimed by `mlt store gc` if mlt is killed), or, while the store does not exist yet, in the
/// system's temporary folder, where the next import reclaims what a killed one left.
pub fn import_scratch(target: Option<&Store>) -> Result<store::fs::Scratch> {
    if let Some(t) = target
        && t.tracking().is_dir()
    {
        return Ok(t.scratch_named("import-")?);
    }
    let base = std::env::temp_dir();
    reap_abandoned(&base, "mlt-import-");
    Ok(store::fs::Scratch::new_in(&base, "mlt-import-")?)
}

/// Removes the scratch folders named `<prefix>...` in `dir` whose owner is gone (a killed
/// export or import). A folder without an owner file is taken only when it is an hour old, so
/// one being created this instant is left alone.
pub fn reap_abandoned(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().starts_with(prefix) {
            continue;
        }
        let path = e.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() || !store::fs::scratch_abandoned(&path) {
            continue;
        }
        let has_owner = path.join(store::fs::SCRATCH_OWNER).is_file();
        let old = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if has_owner || old {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Opens what `mlt import` was given: a bundle folder, a `.tar.gz` bundle, or a store. A
/// bundle is verified before this returns; a `.tar.gz` is unpacked into scratch of `target`
/// (see [`import_scratch`]).
pub fn open(path: &Path, target: Option<&Store>) -> Result<Opened> {
    let meta = std::fs::metadata(path)
        .map_err(|e| store::Error::NotFound(format!("cannot read {}: {e}", path.display())))?;
    if meta.is_file() {
        let mut magic = [0u8; 2];
        let ok = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
            .is_ok();
        if !ok || magic != [0x1f, 0x8b] {
            return Err(rejected(format!(
                "{} is neither a folder nor a .tar.gz file",
                path.display()
            )));
        }
        let tmp = import_scratch(target)?;
        let into = tmp.path().join("bundle");
        store::fs::create_dir_all(&into)?;
        unpack(path, &into)?;
        let tmp_path = into;
        let dir = content_root(&tmp_path);
        let manifest = verify(&dir)?;
        return Ok(Opened::Bundle {
            dir,
            manifest: Box::new(manifest),
            _tmp: Some(tmp),
        });
    }
    if path.join(MANIFEST).exists() {
        let manifest = verify(path)?;
        return Ok(Opened::Bundle {
            dir: path.to_path_buf(),
            manifest: Box::new(manifest),
            _tmp: None,
        });
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let located = store::locate(Some(path), None, None, &cwd);
    let s = located.store();
    s.require_as(store::StoreRole::ImportSource)?;
    Ok(Opened::Store(s))
}

/// A tarball of a folder (`tar czf b.tar.gz bundle/`) has its content one level down.
fn content_root(dir: &Path) -> PathBuf {
    if dir.join(MANIFEST).exists() {
        return dir.to_path_buf();
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    match entries.as_slice() {
        [only] if only.is_dir() && only.join(MANIFEST).is_file() => only.clone(),
        _ => dir.to_path_buf(),
    }
}

/// Checks a bundle folder against its manifest and returns the manifest.
pub fn verify(dir: &Path) -> Result<Manifest> {
    let manifest = Manifest::read(dir)?;
    manifest.verify(dir)?;
    Ok(manifest)
}

/// What `export` wrote.
pub struct Exported {
    pub manifest: Manifest,
    pub report: Report,
    pub warnings: Vec<String>,
}

/// Where the bundle goes and what it records about the selection.
pub struct ExportRequest<'a> {
    pub dest: &'a Path,
    pub selection: &'a TransferScope,
    /// As the user gave it (names, filter), for the manifest.
    pub described: SelectionRecord,
    pub artifacts: bool,
}

/// Writes a bundle of `sel` from `store` to `dest`: a folder, or a `.tar.gz` when the name
/// says so. The bundle is built aside and appears whole, or not at all.
pub fn export(
    store: &Store,
    req: &ExportRequest,
    progress: store::transfer::ProgressFn,
) -> Result<Exported> {
    let dest = req.dest;
    let tar = destination(dest).map_err(|e| store::Error::Invalid(e.to_string()))?
        == Destination::Tarball;
    if dest.exists() {
        let empty_dir = dest.is_dir()
            && std::fs::read_dir(dest)
                .map(|mut r| r.next().is_none())
                .unwrap_or(false);
        if tar || !empty_dir {
            return Err(store::Error::Conflict(format!(
                "{} already exists; remove it or choose another name",
                dest.display()
            ))
            .into());
        }
    }
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(store::Error::NotFound(format!("{} does not exist", parent.display())).into());
    }
    let io = |source| store::Error::Io {
        path: parent.clone(),
        source,
    };
    // What a killed export left beside the destination goes first.
    reap_abandoned(&parent, EXPORT_SCRATCH);
    let building = store::fs::Scratch::new_in(&parent, EXPORT_SCRATCH)?;
    let root = building.path().join("bundle");
    std::fs::create_dir(&root).map_err(io)?;
    let bundle_store = Store::new(&root);
    let plan = bundle_store.plan_transfer(
        store,
        req.selection,
        TransferOptions {
            artifacts: req.artifacts,
            own_source: true,
            ..TransferOptions::default()
        },
    )?;
    let warnings = plan.warnings.clone();
    let report = plan.apply(&mut *progress).map_err(|s| s.error)?;
    // The bundle's own lock and scratch space are not part of it.
    let _ = std::fs::remove_dir_all(root.join(store::MLT_DIR));
    let manifest = Manifest::build(
        &root,
        &bundle_store,
        req.described.clone(),
        req.artifacts,
        report.imported,
        progress,
    )?;
    manifest.write(&root)?;
    if tar {
        let tmp_file = building.path().join("bundle.tar.gz");
        pack(&root, &tmp_file)?;
        std::fs::rename(&tmp_file, dest).map_err(|source| store::Error::Io {
            path: dest.to_path_buf(),
            source,
        })?;
    } else {
        if dest.exists() {
            std::fs::remove_dir(dest).map_err(io)?;
        }
        std::fs::rename(&root, dest).map_err(|source| store::Error::Io {
            path: dest.to_path_buf(),
            source,
        })?;
    }
    Ok(Exported {
        manifest,
        report,
        warnings,
    })
}

#[cfg(test)]
mod tests;
