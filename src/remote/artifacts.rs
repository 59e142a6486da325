//! The artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/<path>`): files streamed up with
//! PUT and down with GET, folders listed. `path` is relative to the server's artifact root,
//! as the tail of an `mlflow-artifacts:/<path>` location (`1/<run id>/artifacts/model.pkl`).

use super::{Error, Remote, Result, Retry, SendError};
use crate::proto::artifacts::FileInfo;
use std::path::Path;

/// The path of an `mlflow-artifacts:` location (`mlflow-artifacts:/1/r/artifacts`,
/// `mlflow-artifacts://host:port/1/r/artifacts`): `1/r/artifacts`. `None` for any other scheme.
pub fn proxy_path(location: &str) -> Option<String> {
    let rest = location.strip_prefix("mlflow-artifacts:")?;
    let rest = match rest.strip_prefix("//") {
        Some(authority_and_path) => authority_and_path
            .find('/')
            .map_or("", |i| &authority_and_path[i..]),
        None => rest,
    };
    Some(rest.trim_matches('/').to_string())
}

/// Percent-encodes each segment of a `/`-separated path (RFC 3986 unreserved characters stay).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListResponse {
    files: Vec<FileInfo>,
}

impl Remote {
    fn proxy_url(&self, path: &str) -> String {
        self.endpoint_url(&format!(
            "2.0/mlflow-artifacts/artifacts/{}",
            encode_path(path.trim_matches('/'))
        ))
    }

    /// Uploads a local file to `path` through the proxy, streamed (never held in memory).
    /// Returns the bytes sent.
    pub fn upload_file(&self, path: &str, file: &Path) -> Result<u64> {
        let url = self.proxy_url(path);
        let mut sent = 0;
        self.send_with(&format!("PUT {url}"), Retry::Safe, |agent, auth| {
            let (f, len) = super::open_file(file).map_err(SendError::Io)?;
            sent = len;
            let mut req = agent
                .put(&url)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Length", len.to_string());
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            Ok(req.send(ureq::SendBody::from_owned_reader(f))?)
        })?;
        Ok(sent)
    }

    /// Downloads the file at `path` into `out`; returns its size.
    pub fn download_file(&self, path: &str, out: &mut impl std::io::Write) -> Result<u64> {
        let url = self.proxy_url(path);
        let resp = self.send_with(&format!("GET {url}"), Retry::Safe, |agent, auth| {
            let mut req = agent.get(&url);
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            Ok(req.call()?)
        })?;
        super::copy_body(resp, out).map_err(|e| Error::Transport {
            endpoint: format!("GET {url}"),
            message: e.to_string(),
            sent: true,
        })
    }

    /// The entries of the folder `path` (one level; an empty list for a missing folder).
    pub fn list_artifacts(&self, path: &str) -> Result<Vec<FileInfo>> {
        #[derive(serde::Serialize)]
        struct Q<'a> {
            path: &'a str,
        }
        let r: ListResponse = self.get(
            "2.0/mlflow-artifacts/artifacts",
            &Q {
                path: path.trim_matches('/'),
            },
        )?;
        Ok(r.files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_paths_come_from_both_spellings_of_the_scheme() {
        assert_eq!(
            proxy_path("mlflow-artifacts:/1/r/artifacts").unwrap(),
            "1/r/artifacts"
        );
        assert_eq!(
            proxy_path("mlflow-artifacts://h:5000/1/r/artifacts/").unwrap(),
            "1/r/artifacts"
        );
        assert_eq!(proxy_path("s3://b/1/r/artifacts"), None);
    }

    #[test]
    fn paths_are_encoded_per_segment() {
        assert_eq!(encode_path("1/r/a b/%x.txt"), "1/r/a%20b/%25x.txt");
        assert_eq!(encode_path("ü"), "%C3%BC");
    }
}
