//! `.tar.gz` bundles: packing a bundle folder, and unpacking one safely.
//!
//! Unpacking never lets the archive decide where a file goes: each entry's name is checked
//! (relative, no `..`, no absolute path) and the file is created by mlt under the destination.
//! Links, hard links, devices and pipes are refused, so nothing can point outside.

use super::manifest::{MANIFEST, Manifest, check_relative};
use super::{Result, rejected};
use crate::store::{self, fs::IoContext};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::collections::HashMap;
use std::io::{Read, Write};
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
        let name = store::fs::slash_path(rel);
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

/// The largest `manifest.json` read (about a million files).
const MAX_MANIFEST: u64 = 512 << 20;

/// An entry's name, checked: relative to the archive's root, no `..`, no absolute path, UTF-8.
/// `None` for the archive's root folder itself.
fn entry_name(entry: &tar::Entry<'_, impl std::io::Read>) -> Result<Option<String>> {
    let raw = entry.path_bytes().into_owned();
    let Ok(name) = String::from_utf8(raw) else {
        return Err(rejected(format!(
            "an entry's name is not UTF-8 ({})",
            String::from_utf8_lossy(&entry.path_bytes())
        )));
    };
    let mut rel = name.trim_end_matches('/');
    while let Some(rest) = rel.strip_prefix("./") {
        rel = rest;
    }
    let kind = entry.header().entry_type();
    if rel.is_empty() || rel == "." {
        if kind.is_dir() {
            return Ok(None);
        }
        return Err(rejected(format!("an entry has the empty name '{name}'")));
    }
    check_relative(rel).map_err(|why| rejected(format!("the archive holds {why}")))?;
    match kind {
        tar::EntryType::Directory
        | tar::EntryType::Regular
        | tar::EntryType::Continuous
        | tar::EntryType::XGlobalHeader => Ok(Some(rel.to_string())),
        tar::EntryType::Symlink | tar::EntryType::Link => {
            let to = entry
                .link_name()
                .ok()
                .flatten()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            Err(rejected(format!(
                "{rel} is a link (to {to}); bundles hold only files and folders"
            )))
        }
        other => Err(rejected(format!(
            "{rel} is not a file or a folder (tar entry type {other:?})"
        ))),
    }
}

fn open_archive(
    archive: &Path,
) -> Result<tar::Archive<GzDecoder<std::io::BufReader<std::fs::File>>>> {
    let file = std::fs::File::open(archive).at(archive)?;
    Ok(tar::Archive::new(GzDecoder::new(std::io::BufReader::new(
        file,
    ))))
}

/// The refusal of an archive that cannot be read as a `.tar.gz`.
fn unreadable(archive: &Path) -> impl Fn(std::io::Error) -> super::Error + Copy + '_ {
    move |e| {
        rejected(format!(
            "{} is not a readable .tar.gz: {e}",
            archive.display()
        ))
    }
}

/// Finds the manifest (`manifest.json`, or `<folder>/manifest.json` in a tarball of a
/// folder): its folder prefix (`""` or `"<folder>/"`), its bytes and what it says. Every
/// entry before it is checked for safety, and nothing is written.
fn find_manifest(archive: &Path) -> Result<(String, Vec<u8>, Manifest)> {
    let bad = unreadable(archive);
    let mut tar = open_archive(archive)?;
    for entry in tar.entries().map_err(bad)? {
        let entry = entry.map_err(bad)?;
        let Some(rel) = entry_name(&entry)? else {
            continue;
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let prefix = match rel.strip_suffix(MANIFEST) {
            Some("") => "",
            Some(p) if p.ends_with('/') && p.matches('/').count() == 1 => p,
            _ => continue,
        }
        .to_string();
        if entry.size() > MAX_MANIFEST {
            return Err(rejected(format!(
                "{rel} is {} bytes; mlt reads a manifest of at most {MAX_MANIFEST}",
                entry.size()
            )));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry.take(MAX_MANIFEST), &mut bytes).map_err(bad)?;
        let manifest = Manifest::parse(&bytes)?;
        return Ok((prefix, bytes, manifest));
    }
    Err(rejected(format!(
        "{} holds no {MANIFEST}: it is not a bundle",
        archive.display()
    )))
}

/// Unpacks `archive` into the (empty) folder `dest`, refusing anything unsafe, and anything
/// its manifest does not announce: the manifest is read first, then each entry must be a file
/// it lists, no larger than it says, each once; unpacking stops at the first entry that is
/// not, so an archive cannot fill the disk beyond what its manifest declares.
pub fn unpack(archive: &Path, dest: &Path) -> Result<()> {
    let (prefix, manifest_bytes, manifest) = find_manifest(archive)?;
    manifest.check_totals()?;
    let mut listed: HashMap<&str, u64> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.size))
        .collect();
    listed.insert(MANIFEST, manifest_bytes.len() as u64);
    // Folders cost no data; a bound on them keeps a flood of empty ones out.
    let max_dirs = 10 * (manifest.files.len() as u64 + 1) + 10_000;
    let (mut dirs, mut bytes) = (0u64, 0u64);
    let allowed_bytes = manifest.total_bytes + manifest_bytes.len() as u64;
    let bad = unreadable(archive);
    let mut tar = open_archive(archive)?;
    for entry in tar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let Some(name) = entry_name(&entry)? else {
            continue;
        };
        let kind = entry.header().entry_type();
        if kind == tar::EntryType::XGlobalHeader {
            continue;
        }
        // Everything is under the manifest's folder.
        let rel = match name.strip_prefix(prefix.as_str()) {
            Some(r) if !r.is_empty() => r,
            _ if kind.is_dir() && format!("{name}/") == prefix => continue,
            _ => {
                return Err(rejected(format!(
                    "the archive holds '{name}', which its manifest does not list"
                )));
            }
        };
        let path = store::layout::key_path(dest, rel);
        if kind.is_dir() {
            dirs += 1;
            if dirs > max_dirs {
                return Err(rejected(format!(
                    "the archive holds more than {max_dirs} folders for the {} files its \
                     manifest lists",
                    manifest.files.len()
                )));
            }
            store::fs::create_dir_all(&path)?;
            continue;
        }
        let Some(size) = listed.remove(rel) else {
            return Err(rejected(
                if manifest.files.iter().any(|f| f.path == rel) || rel == MANIFEST {
                    format!("the archive holds '{rel}' twice")
                } else {
                    format!("the archive holds '{rel}', which its manifest does not list")
                },
            ));
        };
        if entry.size() != size {
            return Err(rejected(format!(
                "'{rel}' is {} bytes in the archive; its manifest says {size}",
                entry.size()
            )));
        }
        bytes += size;
        if bytes > allowed_bytes {
            return Err(rejected(format!(
                "the archive holds more than the {} bytes its manifest lists",
                manifest.total_bytes
            )));
        }
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
        let copied = std::io::copy(&mut (&mut entry).take(size), &mut out).map_err(bad)?;
        if copied != size {
            return Err(rejected(format!(
                "'{rel}' ends after {copied} bytes; its manifest says {size}"
            )));
        }
    }
    Ok(())
}
