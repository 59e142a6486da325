//! Where a run comes from: the calling script and the git commit, recorded as MLflow's system
//! tags. Git is read from the files in `.git/` (no `git` process), so `mlt runs start` stays fast.

use std::path::{Path, PathBuf};

/// The git state of a work tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitInfo {
    pub commit: String,
    pub branch: Option<String>,
}

/// The git commit (and branch) of the work tree containing `dir`, if any.
pub fn git_info(dir: &Path) -> Option<GitInfo> {
    let git_dir = find_git_dir(dir)?;
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.clone());
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    if let Some(reference) = head.strip_prefix("ref:") {
        let reference = reference.trim();
        let commit = resolve_ref(&git_dir, &common, reference)?;
        Some(GitInfo {
            commit,
            branch: reference.strip_prefix("refs/heads/").map(str::to_string),
        })
    } else if head.len() >= 40 && head.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some(GitInfo {
            commit: head.to_string(),
            branch: None,
        })
    } else {
        None
    }
}

fn find_git_dir(dir: &Path) -> Option<PathBuf> {
    for d in dir.ancestors() {
        let dot_git = d.join(".git");
        if dot_git.is_dir() {
            return Some(dot_git);
        }
        if dot_git.is_file() {
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let target = text.trim().strip_prefix("gitdir:")?.trim();
            return Some(d.join(target));
        }
    }
    None
}

fn resolve_ref(git_dir: &Path, common: &Path, reference: &str) -> Option<String> {
    for base in [git_dir, common] {
        if let Ok(s) = std::fs::read_to_string(base.join(reference)) {
            let s = s.trim();
            if let Some(next) = s.strip_prefix("ref:") {
                return resolve_ref(git_dir, common, next.trim());
            }
            return Some(s.to_string());
        }
    }
    // A branch without a loose file: look in packed-refs. An unborn branch has no commit.
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|l| {
        let (hash, name) = l.split_once(' ')?;
        (name == reference).then(|| hash.to_string())
    })
}

/// What MLflow records as `mlflow.source.name`: `MLT_SOURCE_NAME`, else the script that called
/// mlt (read from the parent process: `bash train.sh` gives `train.sh`), else `mlt`.
pub fn source_name() -> String {
    crate::env::var(crate::env::MLT_SOURCE_NAME)
        .or_else(parent_script)
        .unwrap_or_else(|| "mlt".to_string())
}

fn parent_script() -> Option<String> {
    let ppid = std::os::unix::process::parent_id();
    let raw = std::fs::read(format!("/proc/{ppid}/cmdline")).ok()?;
    let args: Vec<String> = raw
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let first = args.first()?;
    let prog = Path::new(first.trim_start_matches('-'))
        .file_name()?
        .to_string_lossy()
        .into_owned();
    let interpreters = [
        "sh", "bash", "zsh", "dash", "ksh", "fish", "python", "python3",
    ];
    if interpreters.contains(&prog.as_str()) {
        // `bash train.sh`: the script is the first argument that is not an option.
        if let Some(script) = args.iter().skip(1).find(|a| !a.starts_with('-')) {
            return Some(script.clone());
        }
    }
    Some(prog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_branch_and_commit_from_files() {
        let tmp = tempfile::tempdir().unwrap();
        let git = tmp.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        let sub = tmp.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        // Unborn branch: no commit yet.
        assert_eq!(git_info(&sub), None);
        let hash = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack\n{hash} refs/heads/main\n"),
        )
        .unwrap();
        assert_eq!(
            git_info(&sub),
            Some(GitInfo {
                commit: hash.into(),
                branch: Some("main".into())
            })
        );
        std::fs::write(git.join("HEAD"), format!("{hash}\n")).unwrap();
        assert_eq!(git_info(&sub).unwrap().branch, None);
    }
}
