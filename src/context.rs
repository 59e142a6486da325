//! Where a run comes from: the calling script and the git commit, recorded as MLflow's system
//! tags. The commit, branch and remote URL are read from the files in `.git/` (no `git`
//! process), so `mlt runs start` stays fast. Only `mlt run` asks the `git` binary, when there is
//! one, whether the tree is dirty and for its diff.

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
    script_of_command(&args)
}

/// The script a command line runs, as MLflow names a run's source: `python train.py` and
/// `bash train.sh` give the script, `./train` gives `train`.
pub fn script_of_command(args: &[String]) -> Option<String> {
    let first = args.first()?;
    let prog = Path::new(first.trim_start_matches('-'))
        .file_name()?
        .to_string_lossy()
        .into_owned();
    let interpreters = [
        "sh", "bash", "zsh", "dash", "ksh", "fish", "python", "python3",
    ];
    if interpreters.contains(&prog.as_str()) || prog.starts_with("python") {
        // `bash train.sh`: the script is the first argument that is not an option.
        let mut rest = args.iter().skip(1);
        while let Some(a) = rest.next() {
            match a.as_str() {
                // `bash -c '...'` runs no script file; `python -m pkg.train` runs a module.
                "-c" => break,
                "-m" => return rest.next().cloned().or(Some(prog)),
                o if o.starts_with('-') => continue,
                script => return Some(script.to_string()),
            }
        }
    }
    Some(prog)
}

/// The work tree (the folder holding `.git`) that contains `dir`.
pub fn work_tree(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The URL of the repository's first remote, as MLflow's `get_git_repo_url` records it (read
/// from the git config, with any user and password taken out of the URL).
pub fn repo_url(dir: &Path) -> Option<String> {
    let git_dir = find_git_dir(dir)?;
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.clone());
    let config = std::fs::read_to_string(common.join("config")).ok()?;
    let mut in_remote = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_remote = line.starts_with("[remote ");
            continue;
        }
        if !in_remote {
            continue;
        }
        if let Some((k, v)) = line.split_once('=')
            && k.trim().eq_ignore_ascii_case("url")
        {
            let v = v.trim().trim_matches('"');
            return (!v.is_empty()).then(|| strip_credentials(v));
        }
    }
    None
}

/// `https://user:token@host/x` without `user:token@` (MLflow's `_strip_credentials_from_url`);
/// URLs without a scheme (`git@host:org/repo`) are left as they are.
fn strip_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

fn git_command(work_tree: &Path, args: &[&str], exclude: &[PathBuf]) -> std::process::Command {
    let mut c = std::process::Command::new("git");
    c.arg("-C")
        .arg(work_tree)
        .args(args)
        .arg("--")
        .arg(".")
        // Never wait on the index lock of a git command the user runs meanwhile.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for p in exclude {
        if let Ok(rel) = p.strip_prefix(work_tree)
            && !rel.as_os_str().is_empty()
        {
            c.arg(format!(":(exclude){}", rel.display()));
        }
    }
    c
}

/// Whether tracked files differ from the commit (MLflow's `is_dirty(untracked_files=False)`),
/// leaving out the paths in `exclude` (the store itself, when it lives in the repository). Asks
/// `git status`; `None` when there is no git or it fails.
pub fn git_dirty(work_tree: &Path, exclude: &[PathBuf]) -> Option<bool> {
    let out = git_command(
        work_tree,
        &["status", "--porcelain", "--untracked-files=no"],
        exclude,
    )
    .output()
    .ok()?;
    out.status.success().then_some(!out.stdout.is_empty())
}

/// Writes the changes of the tracked files against the commit (staged and not, `git diff
/// HEAD`) into `out`, streamed, leaving out the paths in `exclude`.
pub fn write_git_diff(
    work_tree: &Path,
    exclude: &[PathBuf],
    out: std::fs::File,
) -> std::io::Result<()> {
    let status = git_command(
        work_tree,
        &["diff", "HEAD", "--no-color", "--no-ext-diff"],
        exclude,
    )
    .stdout(out)
    .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("git diff failed ({status})")))
    }
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
        assert_eq!(work_tree(&sub).as_deref(), Some(tmp.path()));
    }

    #[test]
    fn repo_url_is_the_first_remote_without_credentials() {
        let tmp = tempfile::tempdir().unwrap();
        let git = tmp.path().join(".git");
        std::fs::create_dir_all(&git).unwrap();
        assert_eq!(repo_url(tmp.path()), None);
        std::fs::write(
            git.join("config"),
            "[core]\n\tbare = false\n[branch \"main\"]\n\turl = not-a-remote\n\
             [remote \"origin\"]\n\turl = https://ana:s3cret@example.com/team/repo.git\n\
             [remote \"fork\"]\n\turl = git@example.com:ana/repo.git\n",
        )
        .unwrap();
        assert_eq!(
            repo_url(tmp.path()).as_deref(),
            Some("https://example.com/team/repo.git")
        );
        assert_eq!(
            strip_credentials("git@example.com:ana/repo.git"),
            "git@example.com:ana/repo.git"
        );
        assert_eq!(
            strip_credentials("ssh://git@host/x?a@b"),
            "ssh://host/x?a@b"
        );
    }

    #[test]
    fn scripts_of_command_lines() {
        let s =
            |a: &[&str]| script_of_command(&a.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(
            s(&["python", "-u", "src/train.py", "--lr", "1"]).as_deref(),
            Some("src/train.py")
        );
        assert_eq!(
            s(&["/usr/bin/bash", "train.sh"]).as_deref(),
            Some("train.sh")
        );
        assert_eq!(s(&["./train", "x"]).as_deref(), Some("train"));
        assert_eq!(s(&["bash", "-c", "echo hi"]).as_deref(), Some("bash"));
        assert_eq!(
            s(&["python3.11", "-m", "pkg.train"]).as_deref(),
            Some("pkg.train")
        );
        assert_eq!(s(&[]), None);
    }

    #[test]
    fn dirty_state_and_diff_from_git() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let git = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@t", "-C"])
                .arg(dir)
                .args(args)
                .output()
                .unwrap()
                .status
                .success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        std::fs::create_dir_all(dir.join("mlruns")).unwrap();
        std::fs::write(dir.join("train.py"), "print(1)\n").unwrap();
        std::fs::write(dir.join("mlruns/meta.yaml"), "a: 1\n").unwrap();
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "init"]);
        let exclude = [dir.join("mlruns")];
        assert_eq!(git_dirty(dir, &exclude), Some(false));
        // Changes to the store do not make the code dirty; untracked files neither.
        std::fs::write(dir.join("mlruns/meta.yaml"), "a: 2\n").unwrap();
        std::fs::write(dir.join("new.txt"), "x").unwrap();
        assert_eq!(git_dirty(dir, &exclude), Some(false));
        assert_eq!(git_dirty(dir, &[]), Some(true));
        std::fs::write(dir.join("train.py"), "print(2)\n").unwrap();
        assert_eq!(git_dirty(dir, &exclude), Some(true));
        let out = dir.join("diff.txt");
        write_git_diff(dir, &exclude, std::fs::File::create(&out).unwrap()).unwrap();
        let diff = std::fs::read_to_string(&out).unwrap();
        assert!(diff.contains("-print(1)\n+print(2)"), "{diff}");
        assert!(!diff.contains("mlruns"), "{diff}");
        assert_eq!(git_dirty(&dir.join("nowhere"), &[]), None);
    }
}
