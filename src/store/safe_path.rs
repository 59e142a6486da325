//! Reading a tree of files without being led out of it by a link.
//!
//! A store, a bundle or a source store is read only inside its own folders ([`Bounds`]). A
//! symbolic link is followed when where it leads (every link resolved) is inside the bounds,
//! and read as the file or folder it points at; a link that leads out, or nowhere, is not
//! read: [`walk`] reports it as skipped, [`Bounds::resolve`] refuses it. Names are kept as
//! the file system has them (bytes, not text), so two names that differ only in bytes that are
//! not UTF-8 stay two files.

use super::fs::IoContext;
use super::{Error, Result};
use std::path::{Path, PathBuf};

/// Folders a read may reach, resolved (links and `..` taken out).
#[derive(Clone, Debug, Default)]
pub struct Bounds {
    roots: Vec<PathBuf>,
}

/// A path that leads out of the bounds: where it leads, or `None` when nowhere (a dangling
/// link, a loop).
#[derive(Clone, Debug)]
pub struct Outside {
    pub path: PathBuf,
    pub target: Option<PathBuf>,
}

impl Outside {
    /// "a link out of the store (to /etc/hostname)".
    pub fn describe(&self, tree: &str) -> String {
        match &self.target {
            Some(t) => format!("a link out of {tree} (to {})", t.display()),
            None => "a link that leads nowhere".to_string(),
        }
    }
}

impl Bounds {
    /// The folders given, those that exist, resolved.
    pub fn new<'a>(folders: impl IntoIterator<Item = &'a Path>) -> Bounds {
        let mut roots: Vec<PathBuf> = folders
            .into_iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        roots.sort();
        roots.dedup();
        Bounds { roots }
    }

    /// Adds a folder, resolved as far as it exists (a run's artifact folder outside the store
    /// is made by its first artifact).
    pub fn with(mut self, folder: &Path) -> Bounds {
        let p = match std::fs::canonicalize(folder) {
            Ok(p) => p,
            Err(_) if std::fs::symlink_metadata(folder).is_ok() => return self,
            Err(_) => resolve_missing(folder),
        };
        if !self.roots.contains(&p) {
            self.roots.push(p);
        }
        self
    }

    /// Whether a resolved path is inside one of the folders.
    pub fn contains(&self, resolved: &Path) -> bool {
        self.roots.iter().any(|r| resolved.starts_with(r))
    }

    /// Where `path` leads, when that is inside the bounds. A path that does not exist is
    /// taken lexically (its `..` folded) and must be inside too.
    pub fn resolve(&self, path: &Path) -> std::result::Result<PathBuf, Outside> {
        match std::fs::canonicalize(path) {
            Ok(real) if self.contains(&real) => Ok(real),
            Ok(real) => Err(Outside {
                path: path.to_path_buf(),
                target: Some(real),
            }),
            Err(_) => {
                // Missing: a dangling link, or nothing at all.
                if std::fs::symlink_metadata(path).is_ok() {
                    return Err(Outside {
                        path: path.to_path_buf(),
                        target: std::fs::read_link(path).ok(),
                    });
                }
                let real = resolve_missing(path);
                if self.contains(&real) {
                    Ok(real)
                } else {
                    Err(Outside {
                        path: path.to_path_buf(),
                        target: Some(real),
                    })
                }
            }
        }
    }
}

/// A path that does not exist, taken lexically (its `..` folded), with the longest part of it
/// that exists resolved and the rest added.
fn resolve_missing(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or(path.to_path_buf());
    let lexical = super::locate::normalize(&absolute);
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = std::fs::canonicalize(existing).unwrap_or(existing.to_path_buf());
    for part in rest.iter().rev() {
        real.push(part);
    }
    real
}

/// One file or folder found by [`walk`].
#[derive(Clone, Debug)]
pub struct Entry {
    /// Relative to the walk's root, exact name bytes.
    pub rel: PathBuf,
    /// The path to read (through links that stay inside).
    pub path: PathBuf,
    pub is_dir: bool,
}

/// What a walk found, and the links it did not follow.
#[derive(Debug, Default)]
pub struct Walk {
    pub entries: Vec<Entry>,
    pub skipped: Vec<(PathBuf, Outside)>,
    /// Links to folders followed so far (see [`MAX_FOLDER_LINKS`]).
    followed: usize,
}

/// Links to folders one walk follows at most. Links that stay inside cannot loop, but they can
/// fan out: thirty folders each linking twice to the next would be a billion entries. Past
/// this, a folder link is skipped as leading nowhere.
pub const MAX_FOLDER_LINKS: usize = 10_000;

/// Every file and folder under `root`, sorted by name, following only links that stay inside
/// `bounds`. A `root` that itself leads out is not read (reported as skipped, with an empty
/// relative path). A missing `root` reads as empty.
pub fn walk(root: &Path, bounds: &Bounds) -> Result<Walk> {
    walk_skipping(root, bounds, &[])
}

/// [`walk`], leaving out the top-level entries named in `skip_top` (and all below them).
pub fn walk_skipping(root: &Path, bounds: &Bounds, skip_top: &[&str]) -> Result<Walk> {
    let mut out = Walk::default();
    if std::fs::symlink_metadata(root).is_err() {
        return Ok(out);
    }
    let real = match bounds.resolve(root) {
        Ok(r) => r,
        Err(o) => {
            out.skipped.push((PathBuf::new(), o));
            return Ok(out);
        }
    };
    if !real.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![real];
    walk_into(root, Path::new(""), bounds, skip_top, &mut stack, &mut out)?;
    Ok(out)
}

fn walk_into(
    dir: &Path,
    prefix: &Path,
    bounds: &Bounds,
    skip_top: &[&str],
    stack: &mut Vec<PathBuf>,
    out: &mut Walk,
) -> Result<()> {
    let mut it = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = it.next() {
        let entry = entry.map_err(|e| super::fs::walk_error(e, dir))?;
        if entry.depth() == 1 && skip_top.iter().any(|n| entry.file_name() == *n) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let below = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = prefix.join(below);
        let ft = entry.file_type();
        if ft.is_dir() {
            out.entries.push(Entry {
                rel,
                path: entry.path().to_path_buf(),
                is_dir: true,
            });
            continue;
        }
        if ft.is_file() {
            out.entries.push(Entry {
                rel,
                path: entry.path().to_path_buf(),
                is_dir: false,
            });
            continue;
        }
        if !ft.is_symlink() {
            // A device, socket or pipe: never read as a file.
            continue;
        }
        let target = match bounds.resolve(entry.path()) {
            Ok(t) => t,
            Err(o) => {
                out.skipped.push((rel, o));
                continue;
            }
        };
        let meta = std::fs::metadata(&target).at(&target)?;
        if meta.is_file() {
            out.entries.push(Entry {
                rel,
                path: entry.path().to_path_buf(),
                is_dir: false,
            });
        } else if meta.is_dir() {
            // A link to a folder that holds it (or one being walked) would never end.
            if stack.iter().any(|s| s.starts_with(&target))
                || stack.len() > 64
                || out.followed >= MAX_FOLDER_LINKS
            {
                out.skipped.push((
                    rel,
                    Outside {
                        path: entry.path().to_path_buf(),
                        target: None,
                    },
                ));
                continue;
            }
            out.entries.push(Entry {
                rel: rel.clone(),
                path: entry.path().to_path_buf(),
                is_dir: true,
            });
            out.followed += 1;
            stack.push(target);
            walk_into(entry.path(), &rel, bounds, &[], stack, out)?;
            stack.pop();
        }
    }
    Ok(())
}

/// Refuses a path that leads out of `bounds`, naming what it is (`what`) and the tree.
pub fn check_inside(path: &Path, bounds: &Bounds, what: &str, tree: &str) -> Result<PathBuf> {
    bounds.resolve(path).map_err(|o| {
        Error::Invalid(format!(
            "{what} is {}; mlt does not read through it",
            o.describe(tree)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_out_are_skipped_links_in_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("store");
        let outside = tmp.path().join("secret");
        std::fs::create_dir_all(root.join("a/sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("s.txt"), "secret").unwrap();
        std::fs::write(root.join("a/sub/f.txt"), "f").unwrap();
        symlink(outside.join("s.txt"), root.join("a/leak.txt")).unwrap();
        symlink(&outside, root.join("a/leakdir")).unwrap();
        symlink(root.join("a/sub/f.txt"), root.join("a/inside.txt")).unwrap();
        symlink(root.join("a/sub"), root.join("a/subdir")).unwrap();
        symlink(root.join("a"), root.join("a/sub/loop")).unwrap();
        symlink(tmp.path().join("nothing"), root.join("a/dangling")).unwrap();
        let bounds = Bounds::new([root.as_path()]);
        let w = walk(&root.join("a"), &bounds).unwrap();
        let names: Vec<String> = w
            .entries
            .iter()
            .map(|e| e.rel.display().to_string())
            .collect();
        assert_eq!(
            names,
            ["inside.txt", "sub", "sub/f.txt", "subdir", "subdir/f.txt"]
        );
        let mut skipped: Vec<String> = w
            .skipped
            .iter()
            .map(|(r, _)| r.display().to_string())
            .collect();
        skipped.sort();
        assert_eq!(
            skipped,
            ["dangling", "leak.txt", "leakdir", "sub/loop", "subdir/loop"]
        );
        assert!(bounds.resolve(&root.join("a/leak.txt")).is_err());
        assert!(bounds.resolve(&root.join("a/inside.txt")).is_ok());
        assert!(bounds.resolve(&root.join("a/../../secret/s.txt")).is_err());
        assert!(bounds.resolve(&root.join("a/leakdir/missing")).is_err());
        assert!(bounds.resolve(&root.join("a/new/missing")).is_ok());
        // A root that is itself a link out is not read.
        let w = walk(&root.join("a/leakdir"), &bounds).unwrap();
        assert!(w.entries.is_empty() && w.skipped.len() == 1);
    }

    #[test]
    fn links_that_fan_out_inside_are_bounded() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("store");
        // d0 .. d24, each holding two links to the next: 2^25 paths if every link were walked.
        for i in 0..25 {
            std::fs::create_dir_all(root.join(format!("d{i}"))).unwrap();
        }
        std::fs::write(root.join("d24/f"), "x").unwrap();
        for i in 0..24 {
            for l in ["a", "b"] {
                symlink(
                    root.join(format!("d{}", i + 1)),
                    root.join(format!("d{i}/{l}")),
                )
                .unwrap();
            }
        }
        let bounds = Bounds::new([root.as_path()]);
        let w = walk(&root.join("d0"), &bounds).unwrap();
        assert!(w.followed <= MAX_FOLDER_LINKS);
        assert!(
            w.entries.len() < 3 * MAX_FOLDER_LINKS,
            "{}",
            w.entries.len()
        );
        assert!(!w.skipped.is_empty());
    }
}
