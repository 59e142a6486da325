//! Multipart uploads through the artifact proxy, as MLflow's `HttpArtifactRepository` does
//! them: `POST /api/2.0/mlflow-artifacts/mpu/create/<folder>` with the file's name and number
//! of parts answers an upload id and one presigned URL per part (the server's artifact store
//! is S3 or another cloud store); each part is PUT to its URL, streamed from the file; then
//! `mpu/complete/<folder>` with the parts' ETags, or `mpu/abort/<folder>` when a part failed.
//! A server whose artifact store has no multipart uploads (a local folder: `mlt server`,
//! `mlflow server --artifacts-destination ./mlartifacts`) answers the create with 501
//! `NOT_IMPLEMENTED` ("Multipart upload is not supported ..."): [`Remote::upload_multipart`]
//! then says so ([`Multipart::Unsupported`]) and the caller sends the file in one PUT.

use super::s3::S3;
use super::{Error, Remote, Result, Retry};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Multipart upload variables, with MLflow's names and defaults.
pub mod vars {
    /// Files at least this big (bytes) go in parts; default 500 MiB.
    pub const MINIMUM_FILE_SIZE: &str = "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE";
    /// The size of each part (bytes); default 10 MiB.
    pub const CHUNK_SIZE: &str = "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE";
    /// `false` turns multipart uploads through the proxy off.
    pub const ENABLE_PROXY: &str = "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD";
}

pub const DEFAULT_MINIMUM_FILE_SIZE: u64 = 500 << 20;
pub const DEFAULT_CHUNK_SIZE: u64 = 10 << 20;

/// When files go in parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Files of at least this many bytes go in parts.
    pub minimum: u64,
    pub chunk: u64,
    /// Whether to try the proxy's multipart endpoints at all.
    pub proxy: bool,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            minimum: DEFAULT_MINIMUM_FILE_SIZE,
            chunk: DEFAULT_CHUNK_SIZE,
            proxy: true,
        }
    }
}

impl Thresholds {
    /// From MLflow's variables read through `get`; a malformed size is an error naming it.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Thresholds> {
        let mut t = Thresholds::default();
        let size = |k: &str| -> Result<Option<u64>> {
            match get(k).filter(|v| !v.trim().is_empty()) {
                None => Ok(None),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(Error::Config(format!("{k}={v:?} is not a size in bytes"))),
                },
            }
        };
        if let Some(n) = size(vars::MINIMUM_FILE_SIZE)? {
            t.minimum = n;
        }
        if let Some(n) = size(vars::CHUNK_SIZE)? {
            t.chunk = n;
        }
        if let Some(v) = get(vars::ENABLE_PROXY) {
            t.proxy = !matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0" | "no");
        }
        Ok(t)
    }
}

/// How a multipart upload went.
#[derive(Debug, PartialEq, Eq)]
pub enum Multipart {
    /// Every part sent and the upload completed: the file's size.
    Done(u64),
    /// The server's artifact store has no multipart uploads: nothing was sent.
    Unsupported,
}

#[derive(Serialize)]
struct Create<'a> {
    path: &'a str,
    num_parts: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Credential {
    url: String,
    part_number: i64,
    headers: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Created {
    upload_id: Option<String>,
    credentials: Vec<Credential>,
}

#[derive(Serialize)]
struct Part<'a> {
    part_number: i64,
    etag: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Complete<'a> {
    path: &'a str,
    upload_id: Option<&'a str>,
    parts: Vec<Part<'a>>,
}

#[derive(Serialize)]
struct Abort<'a> {
    path: &'a str,
    upload_id: Option<&'a str>,
}

/// Whether an error is the server saying it has no multipart uploads: MLflow's 501 with its
/// message, or an older server without the endpoint at all.
pub fn is_unsupported(e: &Error) -> bool {
    match e {
        Error::Api {
            status,
            code,
            message,
            ..
        } => {
            *status == 501
                || code == "NOT_IMPLEMENTED"
                || message.starts_with("Multipart upload is not supported")
                || (*status == 404 && code == "ENDPOINT_NOT_FOUND")
        }
        _ => false,
    }
}

impl Remote {
    /// Uploads `file` as `<folder>/<name>` (a proxy path, as in [`Remote::upload_file`]) in
    /// parts of `chunk` bytes (grown to stay within S3's 10,000 parts), `parallel` at once,
    /// through presigned URLs the server hands out; `s3` sends the parts (it is not the
    /// tracking server: no credentials of the tracking server go with them).
    pub fn upload_multipart(
        &self,
        folder: &str,
        name: &str,
        file: &Path,
        chunk: u64,
        s3: &S3,
    ) -> Result<Multipart> {
        let (_, len) = super::open_file(file)?;
        let chunk = super::s3::part_size(len, chunk);
        let num_parts = len.div_ceil(chunk).max(1);
        let folder = super::artifacts::encode_path(folder.trim_matches('/'));
        let endpoint = |step: &str| format!("2.0/mlflow-artifacts/mpu/{step}/{folder}");
        // Creating twice makes two uploads, the first left to the store's clean-up: not
        // repeated after an ambiguous failure.
        let created: Created = match self.call(
            super::Method::Post,
            &endpoint("create"),
            &Create {
                path: name,
                num_parts,
            },
            Retry::Unsafe,
        ) {
            Ok(c) => c,
            Err(e) if is_unsupported(&e) => return Ok(Multipart::Unsupported),
            Err(e) => return Err(e),
        };
        let upload_id = created.upload_id.as_deref();
        let sent = (|| {
            if created.credentials.len() as u64 != num_parts {
                return Err(Error::Decode {
                    endpoint: endpoint("create"),
                    message: format!(
                        "{} part URLs for {num_parts} parts",
                        created.credentials.len()
                    ),
                });
            }
            let mut credentials: Vec<&Credential> = created.credentials.iter().collect();
            credentials.sort_by_key(|c| c.part_number);
            if credentials
                .iter()
                .enumerate()
                .any(|(i, c)| c.part_number != i as i64 + 1)
            {
                return Err(Error::Decode {
                    endpoint: endpoint("create"),
                    message: "the part URLs are not numbered 1 to the number of parts".into(),
                });
            }
            let mut etags = Vec::with_capacity(credentials.len());
            for (i, c) in credentials.iter().enumerate() {
                let start = i as u64 * chunk;
                let size = chunk.min(len - start.min(len));
                let headers: Vec<(String, String)> = c
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                etags.push(s3.put_presigned(&c.url, &headers, file, start, size)?);
            }
            let parts = credentials
                .iter()
                .zip(&etags)
                .map(|(c, etag)| Part {
                    part_number: c.part_number,
                    etag,
                    url: &c.url,
                })
                .collect();
            let _: serde_json::Value = self.post(
                &endpoint("complete"),
                &Complete {
                    path: name,
                    upload_id,
                    parts,
                },
            )?;
            Ok(len)
        })();
        match sent {
            Ok(n) => Ok(Multipart::Done(n)),
            Err(e) => {
                let _ = self.post::<_, serde_json::Value>(
                    &endpoint("abort"),
                    &Abort {
                        path: name,
                        upload_id,
                    },
                );
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_come_from_mlflow_variables() {
        assert_eq!(
            Thresholds::from_env(|_| None).unwrap(),
            Thresholds::default()
        );
        let env = |k: &str| match k {
            vars::MINIMUM_FILE_SIZE => Some("1000".to_string()),
            vars::CHUNK_SIZE => Some("100".to_string()),
            vars::ENABLE_PROXY => Some("False".to_string()),
            _ => None,
        };
        assert_eq!(
            Thresholds::from_env(env).unwrap(),
            Thresholds {
                minimum: 1000,
                chunk: 100,
                proxy: false
            }
        );
        let bad = |k: &str| (k == vars::CHUNK_SIZE).then(|| "10MB".to_string());
        let e = Thresholds::from_env(bad).unwrap_err().to_string();
        assert!(e.contains(vars::CHUNK_SIZE), "{e}");
    }

    #[test]
    fn mlt_server_says_it_has_no_multipart_uploads() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::store::Store::new(tmp.path());
        store.init().unwrap();
        let server = crate::server::Spawned::new(store);
        let r = Remote::new(&server.url, super::super::Settings::default()).unwrap();
        let f = tmp.path().join("big.bin");
        std::fs::write(&f, vec![7u8; 1000]).unwrap();
        let got = r
            .upload_multipart("0/abc/artifacts", "big.bin", &f, 100, &S3::new(None))
            .unwrap();
        assert_eq!(got, Multipart::Unsupported);
    }
}
