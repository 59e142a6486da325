//! Finding the store: `--store`, `MLT_STORE`, `MLFLOW_TRACKING_URI`, the nearest ancestor with
//! `mlruns/`, else the working directory.

use super::layout;
use super::{MLRUNS, Store};
use std::path::{Path, PathBuf};

/// Where the store's location came from (shown by `mlt init` and in errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Flag,
    MltStore,
    TrackingUri,
    Ancestor,
    WorkingDir,
}

/// The store's root and tracking folder, before anything is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub root: PathBuf,
    pub tracking: PathBuf,
    /// The registry folder `MLFLOW_REGISTRY_URI` names, if it applies (see
    /// [`Located::with_registry_uri`]); else the store's own rule decides.
    pub registry: Option<PathBuf>,
    pub origin: Origin,
    /// `MLFLOW_TRACKING_URI` when it was set but is not a file store (`http:`, `databricks`...)
    /// and so was passed over; the caller may say so.
    pub ignored_uri: Option<String>,
}

impl Located {
    pub fn store(&self) -> Store {
        Store::with_tracking(self.root.clone(), self.tracking.clone())
            .with_registry(self.registry.clone())
    }

    /// Takes MLflow's registry URI into account, as MLflow does: when it names a local folder
    /// (a `file:` URI or a path, relative ones against `cwd`), the store's registered models are
    /// in `<that folder>/models/`. It applies to a store MLflow's variables or discovery found,
    /// not to one named by `--store` or `MLT_STORE`, which has its own registry (`mlt run` sets
    /// both variables to the same store). A registry URI that is not local (a server, a
    /// database) is left aside.
    pub fn with_registry_uri(mut self, registry_uri: Option<&str>, cwd: &Path) -> Located {
        if matches!(self.origin, Origin::Flag | Origin::MltStore) {
            return self;
        }
        // MLflow takes `databricks` and `databricks-uc` for registries, not folders.
        let registry_uri = registry_uri.filter(|u| !matches!(*u, "databricks" | "databricks-uc"));
        if let Some(p) = registry_uri.and_then(local_path_of_uri) {
            self.registry = Some(normalize(&absolute(cwd, &p)));
        }
        self
    }
}

/// Applies the discovery order to explicit inputs (so it can be tested without touching the
/// process environment).
pub fn locate(
    flag: Option<&Path>,
    mlt_store: Option<&str>,
    tracking_uri: Option<&str>,
    cwd: &Path,
) -> Located {
    if let Some(p) = flag {
        return from_path(&absolute(cwd, p), Origin::Flag);
    }
    if let Some(p) = mlt_store {
        return from_path(&absolute(cwd, Path::new(p)), Origin::MltStore);
    }
    if let Some(p) = tracking_uri.and_then(local_path_of_uri) {
        return from_path(&absolute(cwd, &p), Origin::TrackingUri);
    }
    let ignored_uri = tracking_uri.map(str::to_string);
    for dir in cwd.ancestors() {
        if dir.join(MLRUNS).is_dir() {
            return Located {
                root: dir.to_path_buf(),
                tracking: dir.join(MLRUNS),
                registry: None,
                origin: Origin::Ancestor,
                ignored_uri,
            };
        }
    }
    Located {
        root: cwd.to_path_buf(),
        tracking: cwd.join(MLRUNS),
        registry: None,
        origin: Origin::WorkingDir,
        ignored_uri,
    }
}

/// A path names a store root when it holds `mlruns/`; it names the tracking folder itself when
/// it is called `mlruns` or already looks like one (MLflow's URIs point at the tracking folder).
fn from_path(p: &Path, origin: Origin) -> Located {
    if layout::looks_like_tracking(p)
        && let Some(parent) = p.parent()
    {
        return Located {
            root: parent.to_path_buf(),
            tracking: p.to_path_buf(),
            registry: None,
            origin,
            ignored_uri: None,
        };
    }
    Located {
        root: p.to_path_buf(),
        tracking: p.join(MLRUNS),
        registry: None,
        origin,
        ignored_uri: None,
    }
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    normalize(&joined)
}

/// Removes `.` and resolves `..` lexically.
pub fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The local path of a `file:` URI or a plain path; `None` for other schemes (`sqlite:`,
/// `http:`, `databricks`...), which are not file stores.
pub fn local_path_of_uri(uri: &str) -> Option<PathBuf> {
    if let Some(rest) = uri.strip_prefix("file:") {
        let path = match rest.strip_prefix("//") {
            // file://host/path: only an empty host or localhost is local.
            Some(after) => {
                let slash = after.find('/').unwrap_or(after.len());
                let host = &after[..slash];
                if !host.is_empty() && host != "localhost" {
                    return None;
                }
                &after[slash..]
            }
            None => rest,
        };
        return Some(PathBuf::from(percent_decode(path)));
    }
    if has_scheme(uri) {
        return None;
    }
    Some(PathBuf::from(uri))
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 1 => {
            s[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && s.as_bytes()[0].is_ascii_alphabetic()
        }
        // "c:" is a Windows drive, not a scheme; "databricks" alone has no colon.
        _ => s == "databricks",
    }
}

/// The `file://` URI of an absolute path, percent-encoded as Python's `Path.as_uri()` does
/// (letters, digits, `_ . - ~` and `/` stay as they are), so MLflow reads it back exactly.
pub fn path_to_file_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::from("file://");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_order() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        let nested = base.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(base.join("mlruns")).unwrap();

        let l = locate(Some(Path::new("x")), Some("/y"), Some("/z"), &nested);
        assert_eq!((l.root, l.origin), (nested.join("x"), Origin::Flag));
        let l = locate(None, Some("/y"), Some("/z"), &nested);
        assert_eq!((l.root, l.origin), (PathBuf::from("/y"), Origin::MltStore));
        let l = locate(None, None, Some("sqlite:///mlflow.db"), &nested);
        assert_eq!(
            (l.root.clone(), l.origin),
            (base.to_path_buf(), Origin::Ancestor)
        );
        assert_eq!(l.tracking, base.join("mlruns"));
        assert_eq!(l.ignored_uri.as_deref(), Some("sqlite:///mlflow.db"));
        let other = tempfile::tempdir().unwrap();
        let l = locate(None, None, None, other.path());
        assert_eq!(l.origin, Origin::WorkingDir);
        assert_eq!(l.root, other.path());
        assert_eq!(l.ignored_uri, None);
    }

    #[test]
    fn a_server_uri_is_passed_over_and_said_so() {
        let tmp = tempfile::tempdir().unwrap();
        for uri in ["http://localhost:5000", "https://x.example", "databricks"] {
            let l = locate(None, None, Some(uri), tmp.path());
            assert_eq!(l.origin, Origin::WorkingDir);
            assert_eq!(l.ignored_uri.as_deref(), Some(uri));
        }
        // A file URI is used, not ignored; --store or MLT_STORE win without a word.
        let l = locate(None, None, Some("file:///srv/store"), tmp.path());
        assert_eq!((l.origin, l.ignored_uri), (Origin::TrackingUri, None));
        let l = locate(None, Some("/y"), Some("http://h"), tmp.path());
        assert_eq!(l.ignored_uri, None);
        let l = locate(Some(Path::new("/x")), None, Some("http://h"), tmp.path());
        assert_eq!(l.ignored_uri, None);
    }

    #[test]
    fn tracking_uri_points_at_mlruns() {
        let tmp = tempfile::tempdir().unwrap();
        let uri = format!("file://{}/mlruns", tmp.path().display());
        let l = locate(None, None, Some(&uri), Path::new("/"));
        assert_eq!(l.root, tmp.path());
        assert_eq!(l.tracking, tmp.path().join("mlruns"));
        assert_eq!(l.origin, Origin::TrackingUri);
        // A plain relative path is taken against the working directory.
        let l = locate(None, None, Some("mlruns"), tmp.path());
        assert_eq!(l.root, tmp.path());
    }

    #[test]
    fn registry_uri_applies_to_stores_mlflow_variables_or_discovery_found() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        let uri = format!("file://{}/reg", base.display());
        let found = locate(None, None, Some("mlruns"), base).with_registry_uri(Some(&uri), base);
        assert_eq!(found.registry, Some(base.join("reg")));
        assert_eq!(found.store().registry_root(), base.join("reg"));
        let relative = locate(None, None, None, base).with_registry_uri(Some("./r/../reg"), base);
        assert_eq!(relative.registry, Some(base.join("reg")));
        // Not local: left aside.
        let remote = locate(None, None, None, base).with_registry_uri(Some("databricks-uc"), base);
        assert_eq!(remote.registry, None);
        let remote =
            locate(None, None, None, base).with_registry_uri(Some("http://host:5000"), base);
        assert_eq!(remote.registry, None);
        // A store named by --store or MLT_STORE has its own registry.
        let named = locate(Some(base), None, None, base).with_registry_uri(Some(&uri), base);
        assert_eq!(named.registry, None);
        let named = locate(None, Some("."), None, base).with_registry_uri(Some(&uri), base);
        assert_eq!(named.registry, None);
    }

    #[test]
    fn uris() {
        assert_eq!(local_path_of_uri("file:///a%20b/c"), Some("/a b/c".into()));
        let odd = Path::new("/tmp/a b/é%/x_y.z~-");
        assert_eq!(path_to_file_uri(odd), "file:///tmp/a%20b/%C3%A9%25/x_y.z~-");
        assert_eq!(
            local_path_of_uri(&path_to_file_uri(odd)).as_deref(),
            Some(odd)
        );
        assert_eq!(local_path_of_uri("file:/a"), Some("/a".into()));
        assert_eq!(local_path_of_uri("file://localhost/a"), Some("/a".into()));
        assert_eq!(local_path_of_uri("file://other/a"), None);
        assert_eq!(local_path_of_uri("http://x:5000"), None);
        assert_eq!(local_path_of_uri("sqlite:///mlflow.db"), None);
        assert_eq!(local_path_of_uri("databricks"), None);
        assert_eq!(local_path_of_uri("./mlruns"), Some("./mlruns".into()));
        // A '%' before a multi-byte character is kept, not a panic.
        assert_eq!(local_path_of_uri("file:///a%é/%2"), Some("/a%é/%2".into()));
    }
}
