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
                .config()
                .timeout_global(Some(self.body_budget(len)))
                .build()
                .header("Content-Type", "application/octet-stream")
                .header("Content-Length", len.to_string());
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            Ok(req.send(ureq::SendBody::from_owned_reader(f))?)
        })?;
        Ok(sent)
    }

    /// Downloads the file at `path` (`len` bytes, as listed, if known) into `out`; returns
    /// its size.
    pub fn download_file(
        &self,
        path: &str,
        len: Option<u64>,
        out: &mut impl std::io::Write,
    ) -> Result<u64> {
        let url = self.proxy_url(path);
        let budget = self.body_budget(len.unwrap_or(0));
        let resp = self.send_with(&format!("GET {url}"), Retry::Safe, |agent, auth| {
            let mut req = agent
                .get(&url)
                .config()
                .timeout_global(Some(budget))
                .build();
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
    use crate::remote::Settings;
    use std::time::Duration;

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

    /// A server that takes 1.5 s to read a PUT's body (64 KiB at a time), then answers 200,
    /// or sends a body of `len` bytes as slowly for a GET.
    fn slow_server(len: usize) -> String {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(c) = conn else { return };
                let mut r = BufReader::new(c.try_clone().unwrap());
                let (mut put, mut body) = (false, 0usize);
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    put |= line.starts_with("PUT");
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        body = v.trim().parse().unwrap();
                    }
                }
                let chunks = len.max(body).div_ceil(64 << 10).max(1);
                let pause = std::time::Duration::from_millis(1500 / chunks as u64);
                let mut c = c;
                if put {
                    let mut buf = vec![0u8; 64 << 10];
                    let mut left = body;
                    while left > 0 {
                        std::thread::sleep(pause);
                        let n = r.read(&mut buf[..left.min(64 << 10)]).unwrap();
                        left -= n;
                    }
                    let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
                } else {
                    let _ = write!(c, "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n");
                    for _ in 0..chunks {
                        std::thread::sleep(pause);
                        let _ = c.write_all(&vec![7u8; (64 << 10).min(len)]);
                    }
                }
            }
        });
        url
    }

    #[test]
    fn a_large_file_on_a_slow_link_gets_time_by_its_size() {
        // 2 MiB at about 1.4 MiB/s, with a 1 s request timeout: allowed 1 s + 8 s.
        let len = 2 << 20;
        let settings = Settings {
            timeout: Duration::from_secs(1),
            max_retries: 0,
            ..Settings::default()
        };
        let remote = Remote::new(&slow_server(len), settings).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.bin");
        std::fs::write(&file, vec![1u8; len]).unwrap();
        assert_eq!(
            remote.upload_file("1/r/artifacts/big.bin", &file).unwrap(),
            len as u64
        );
        let mut out = Vec::new();
        let n = remote
            .download_file("1/r/artifacts/big.bin", Some(len as u64), &mut out)
            .unwrap();
        assert_eq!((n, out.len()), (len as u64, len));
        // A file listed as small has the plain timeout only.
        let e = remote
            .download_file("1/r/artifacts/small", Some(10), &mut Vec::new())
            .unwrap_err();
        assert!(e.to_string().contains("time"), "{e}");
    }

    #[test]
    fn paths_are_encoded_per_segment() {
        assert_eq!(encode_path("1/r/a b/%x.txt"), "1/r/a%20b/%25x.txt");
        assert_eq!(encode_path("ü"), "%C3%BC");
    }
}
