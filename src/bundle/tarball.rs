//! `.tar.gz` bundles: packing a bundle folder, and unpacking one safely.
//!
//! Unpacking never lets the archive decide where a file goes: each entry's name is checked
//! (relative, no `..`, no absolute path) and the file is created by mlt under the destination.
//! Links, hard links, devices and pipes are refused, so nothing can point outside.

use super::manifest::check_relative;
use super::{Result, rejected};
use crate::store::{self, fs::IoContext};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

/// Packs the folder `root` into `dest` (a `.tar.gz`), entries relative to `root`, sorted,
/// with fixed owners and times so the same bundle packs to the same bytes.
pub fn pack(root: &Path, dest: &Path) -> Result<()> {
    let file = std::fs::File::create(dest).at(dest)?;
    let gz = GzEncoder::new(std::io::BufWriter::new(file), Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    tar.follow_symlinks(false);
    // The manifest first, so a reader sees what the bundle holds before its content.
    tar.append_path_with_name(root.join(super::MANIFEST), super::MANIFEST)
        .at(dest)?;
    for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| store::fs::walk_error(e, root))?;
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if name == super::MANIFEST {
            continue;
        }
        if entry.file_type().is_dir() {
            tar.append_dir(&name, entry.path()).at(entry.path())?;
        } else {
            tar.append_path_with_name(entry.path(), &name)
                .at(entry.path())?;
        }
    }
    let gz = tar.into_inner().at(dest)?;
    let mut w = gz.finish().at(dest)?;
    w.flush().at(dest)?;
    let file = w.into_inner().map_err(|e| e.into_error()).at(dest)?;
    file.sync_all().at(dest)?;
    Ok(())
}

/// Unpacks `archive` into the (empty) folder `dest`, refusing anything unsafe.
pub fn unpack(archive: &Path, dest: &Path) -> Result<()> {
    let file = std::fs::File::open(archive).at(archive)?;
    let mut tar = tar::Archive::new(GzDecoder::new(std::io::BufReader::new(file)));
    let bad = |e: std::io::Error| {
        rejected(format!(
            "{} is not a readable .tar.gz: {e}",
            archive.display()
        ))
    };
    for entry in tar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let raw = entry.path_bytes().into_owned();
        let Ok(name) = String::from_utf8(raw) else {
            return Err(rejected("an entry's name is not UTF-8"));
        };
        let mut rel = name.trim_end_matches('/');
        while let Some(rest) = rel.strip_prefix("./") {
            rel = rest;
        }
        let kind = entry.header().entry_type();
        if rel.is_empty() || rel == "." {
            if kind.is_dir() {
                continue;
            }
            return Err(rejected(format!("an entry has the empty name '{name}'")));
        }
        check_relative(rel).map_err(|why| rejected(format!("the archive holds {why}")))?;
        let path = rel.split('/').fold(dest.to_path_buf(), |p, s| p.join(s));
        match kind {
            tar::EntryType::Directory => store::fs::create_dir_all(&path)?,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if let Some(parent) = path.parent() {
                    store::fs::create_dir_all(parent)?;
                }
                let mut out = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(|e| match e.kind() {
                        std::io::ErrorKind::AlreadyExists => {
                            rejected(format!("the archive holds '{rel}' twice"))
                        }
                        _ => store::Error::Io {
                            path: path.clone(),
                            source: e,
                        }
                        .into(),
                    })?;
                std::io::copy(&mut entry, &mut out).map_err(bad)?;
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                let to = entry
                    .link_name()
                    .ok()
                    .flatten()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                return Err(rejected(format!(
                    "{rel} is a link (to {to}); bundles hold only files and folders"
                )));
            }
            tar::EntryType::XGlobalHeader => {}
            other => {
                return Err(rejected(format!(
                    "{rel} is not a file or a folder (tar entry type {other:?})"
                )));
            }
        }
    }
    Ok(())
}
