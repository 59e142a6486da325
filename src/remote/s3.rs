//! Straight to S3, for a tracking server that hands out `s3://bucket/key` artifact locations
//! (`mlflow server --no-serve-artifacts --default-artifact-root s3://...`): objects put (in one
//! request, or in parts for large files), fetched and listed, each request signed with AWS
//! Signature Version 4 ([`sigv4`]).
//!
//! Settings come from the variables boto3 and MLflow read: `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (temporary credentials), `AWS_DEFAULT_REGION`
//! or `AWS_REGION` (default `us-east-1`), `MLFLOW_S3_ENDPOINT_URL` (an S3-compatible server
//! such as MinIO or moto: addressed path-style, `<endpoint>/<bucket>/<key>`; without it,
//! AWS's virtual-hosted `https://<bucket>.s3.<region>.amazonaws.com/<key>`) and
//! `MLFLOW_S3_IGNORE_TLS=true` (no certificate check). Bodies are streamed from and to files,
//! never held in memory; a body's hash is not computed (`UNSIGNED-PAYLOAD`, which S3 accepts
//! for any request), except for the small XML of a multipart upload's completion.

use super::{Error, Result};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

/// Environment variables, with boto3's and MLflow's names.
pub mod vars {
    pub const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
    pub const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
    pub const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
    pub const DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    pub const REGION: &str = "AWS_REGION";
    pub const ENDPOINT_URL: &str = "MLFLOW_S3_ENDPOINT_URL";
    pub const IGNORE_TLS: &str = "MLFLOW_S3_IGNORE_TLS";
}

/// S3 allows at most this many parts in one upload.
pub const MAX_PARTS: u64 = 10_000;
/// The smallest part S3 accepts (but for the last one).
pub const MIN_PART: u64 = 5 << 20;

/// `s3://bucket/key`: the bucket and the key (no leading or trailing `/`; empty for the
/// bucket's root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub key: String,
}

impl S3Url {
    /// `None` for another scheme; an error for an `s3://` URL without a bucket.
    pub fn parse(uri: &str) -> Option<Result<S3Url>> {
        let rest = uri.strip_prefix("s3://")?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Some(Err(Error::Config(format!("{uri:?} names no S3 bucket"))));
        }
        Some(Ok(S3Url {
            bucket: bucket.to_string(),
            key: key.trim_matches('/').to_string(),
        }))
    }

    /// The key of `rel` below this one.
    pub fn join(&self, rel: &str) -> String {
        if self.key.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.key)
        }
    }
}

/// Where S3 is and who is asking.
#[derive(Clone)]
pub struct S3Config {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
    pub region: String,
    /// `MLFLOW_S3_ENDPOINT_URL`, without a trailing `/`.
    pub endpoint: Option<String>,
    pub insecure_tls: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("access_key", &self.access_key)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// The settings the variables give, read through `get` (the process environment). No
    /// credentials: an error naming the variables to set.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<S3Config> {
        let nonempty = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let (Some(access_key), Some(secret_key)) = (
            nonempty(vars::ACCESS_KEY_ID),
            nonempty(vars::SECRET_ACCESS_KEY),
        ) else {
            return Err(Error::Config(format!(
                "the server keeps artifacts in S3: set {} and {} (and {} for temporary \
                 credentials, {} for the region, {} for an S3-compatible server) to send or \
                 fetch them",
                vars::ACCESS_KEY_ID,
                vars::SECRET_ACCESS_KEY,
                vars::SESSION_TOKEN,
                vars::DEFAULT_REGION,
                vars::ENDPOINT_URL
            )));
        };
        let endpoint =
            nonempty(vars::ENDPOINT_URL).map(|e| e.trim().trim_end_matches('/').to_string());
        if let Some(e) = &endpoint
            && !(e.starts_with("http://") || e.starts_with("https://"))
        {
            return Err(Error::Config(format!(
                "{}={e:?} is not an http:// or https:// URL",
                vars::ENDPOINT_URL
            )));
        }
        Ok(S3Config {
            access_key: access_key.trim().to_string(),
            secret_key: secret_key.trim().to_string(),
            session_token: nonempty(vars::SESSION_TOKEN).map(|t| t.trim().to_string()),
            region: nonempty(vars::DEFAULT_REGION)
                .or_else(|| nonempty(vars::REGION))
                .map_or_else(|| "us-east-1".to_string(), |r| r.trim().to_string()),
            endpoint,
            insecure_tls: nonempty(vars::IGNORE_TLS)
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes")),
        })
    }
}

/// One object of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub size: u64,
}

/// An HTTP client for S3 (and for the presigned URLs a server's multipart upload hands out):
/// its own agent, since S3 is not the tracking server (its TLS settings are not S3's), with
/// retries on 429, 5xx and dropped connections.
pub struct S3 {
    config: Option<S3Config>,
    agent: ureq::Agent,
    retries: u32,
    backoff: Duration,
    timeout: Duration,
}

impl std::fmt::Debug for S3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3").field("config", &self.config).finish()
    }
}

/// A request to send: the method, the URL, and headers besides the signed ones.
struct Req<'a> {
    method: &'a str,
    bucket: &'a str,
    key: &'a str,
    query: Vec<(String, String)>,
    /// Bytes the answer is expected to hold (for its timeout).
    expect: u64,
}

impl S3 {
    /// A client for S3 itself (`config`), or only for presigned URLs (`None`).
    pub fn new(config: Option<S3Config>) -> S3 {
        let insecure = config.as_ref().is_some_and(|c| c.insecure_tls);
        let tls = ureq::tls::TlsConfig::builder()
            .disable_verification(insecure)
            .build();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(300)))
            .user_agent(concat!("mlt/", env!("CARGO_PKG_VERSION")))
            .max_redirects(0)
            .build()
            .new_agent();
        S3 {
            config,
            agent,
            retries: 5,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(120),
        }
    }

    fn config(&self) -> Result<&S3Config> {
        self.config
            .as_ref()
            .ok_or_else(|| Error::Config("no S3 settings".into()))
    }

    /// How long moving `len` bytes may take: the base timeout and at least 256 KiB/s.
    fn body_timeout(&self, len: u64) -> Duration {
        self.timeout + Duration::from_secs(len / (256 << 10))
    }

    /// The URL, the `Host` header and the canonical (encoded) path of an object.
    fn locate(&self, bucket: &str, key: &str) -> Result<(String, String, String)> {
        let c = self.config()?;
        let key_path = super::artifacts::encode_path(key);
        let (base, path) = match &c.endpoint {
            Some(e) => {
                let (scheme_host, prefix) = split_url(e);
                let prefix = prefix.trim_end_matches('/');
                (
                    scheme_host.to_string(),
                    format!(
                        "{prefix}/{}/{key_path}",
                        super::artifacts::encode_path(bucket)
                    ),
                )
            }
            None => (
                format!("https://{bucket}.s3.{}.amazonaws.com", c.region),
                format!("/{key_path}"),
            ),
        };
        let host = host_of(&base);
        Ok((format!("{base}{path}"), host, path))
    }

    /// Sends a signed request; `body` gives the body each attempt (a retry opens it again)
    /// with its length and hash (`None`: unsigned).
    fn send<F>(&self, r: &Req, mut body: F) -> Result<ureq::http::Response<ureq::Body>>
    where
        F: FnMut() -> Result<(Body, Option<String>)>,
    {
        let c = self.config()?;
        let (url, host, path) = self.locate(r.bucket, r.key)?;
        let what = format!("{} s3://{}/{}", r.method, r.bucket, r.key);
        let query = canonical_query(&r.query);
        let full = if query.is_empty() {
            url
        } else {
            format!("{url}?{query}")
        };
        self.retrying(&what, r.expect, || {
            let (b, hash) = body()?;
            let hash = hash.unwrap_or_else(|| "UNSIGNED-PAYLOAD".to_string());
            let now = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
            let mut headers = vec![
                ("host".to_string(), host.clone()),
                ("x-amz-content-sha256".to_string(), hash.clone()),
                ("x-amz-date".to_string(), now.clone()),
            ];
            if let Some(t) = &c.session_token {
                headers.push(("x-amz-security-token".to_string(), t.clone()));
            }
            let auth = sigv4::authorization(
                &sigv4::Request {
                    method: r.method,
                    path: &path,
                    query: &r.query,
                    headers: &headers,
                    payload_hash: &hash,
                },
                &sigv4::Key {
                    access_key: &c.access_key,
                    secret_key: &c.secret_key,
                    region: &c.region,
                    service: "s3",
                },
                &now,
            );
            let mut req = ureq::http::Request::builder().method(r.method).uri(&full);
            for (k, v) in &headers {
                req = req.header(k.as_str(), v.as_str());
            }
            req = req.header("authorization", auth);
            Ok((req, b))
        })
    }

    /// Sends a request built by `build` (called again on each retry), with retries on 429,
    /// 5xx and dropped connections; a non-2xx answer is an error with S3's code.
    fn retrying<F>(
        &self,
        what: &str,
        expect: u64,
        mut build: F,
    ) -> Result<ureq::http::Response<ureq::Body>>
    where
        F: FnMut() -> Result<(ureq::http::request::Builder, Body)>,
    {
        let mut tries = 0;
        loop {
            let (req, body) = build()?;
            let len = body.len();
            let (req, send) = match body {
                Body::Empty => (req, ureq::SendBody::none()),
                Body::Bytes(bytes) => (
                    req.header("content-length", bytes.len().to_string()),
                    ureq::SendBody::from_owned_reader(std::io::Cursor::new(bytes)),
                ),
                Body::Reader(reader, n) => (
                    req.header("content-length", n.to_string()),
                    ureq::SendBody::from_owned_reader(reader),
                ),
            };
            let req = req
                .body(send)
                .map_err(|e| Error::Config(format!("{what}: {e}")))?;
            let req = self
                .agent
                .configure_request(req)
                .timeout_send_body(Some(self.body_timeout(len)))
                .timeout_recv_body(Some(self.body_timeout(expect)))
                .build();
            let res = self.agent.run(req);
            let (error, retryable) = match res {
                Ok(resp) if resp.status().is_success() => return Ok(resp),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    (
                        status_error(what, resp),
                        matches!(status, 429 | 500 | 502 | 503 | 504),
                    )
                }
                Err(e) => {
                    let fatal = matches!(
                        e,
                        ureq::Error::BadUri(_) | ureq::Error::Tls(_) | ureq::Error::Rustls(_)
                    );
                    (
                        Error::Transport {
                            endpoint: what.to_string(),
                            message: e.to_string(),
                            sent: true,
                        },
                        !fatal,
                    )
                }
            };
            if !retryable || tries >= self.retries {
                return Err(error);
            }
            std::thread::sleep(self.backoff * 2u32.pow(tries.min(6)));
            tries += 1;
        }
    }

    /// Puts a file as the object `key`, in one streamed request.
    pub fn put_object(&self, bucket: &str, key: &str, file: &Path) -> Result<u64> {
        let mut sent = 0;
        let r = Req {
            method: "PUT",
            bucket,
            key,
            query: Vec::new(),
            expect: 0,
        };
        self.send(&r, || {
            let (f, len) = super::open_file(file)?;
            sent = len;
            Ok((Body::Reader(Box::new(f), len), None))
        })?;
        Ok(sent)
    }

    /// Puts a file as the object `key` in parts of `chunk` bytes (grown when the file would
    /// need more than S3's 10,000 parts), each streamed from the file; an upload that fails
    /// is aborted, so S3 keeps no stray parts.
    pub fn put_object_multipart(
        &self,
        bucket: &str,
        key: &str,
        file: &Path,
        chunk: u64,
    ) -> Result<u64> {
        let (_, len) = super::open_file(file)?;
        let chunk = part_size(len, chunk);
        let created = self.send(
            &Req {
                method: "POST",
                bucket,
                key,
                query: vec![("uploads".into(), String::new())],
                expect: 0,
            },
            || {
                Ok((
                    Body::Bytes(Vec::new()),
                    Some(sigv4::EMPTY_SHA256.to_string()),
                ))
            },
        )?;
        let text = read_text(created, &format!("POST s3://{bucket}/{key}?uploads"))?;
        let upload_id = xml::first(&text, "UploadId").ok_or_else(|| Error::Decode {
            endpoint: format!("POST s3://{bucket}/{key}?uploads"),
            message: format!("no UploadId in {}", super::excerpt(&text)),
        })?;
        let result = (|| {
            let mut parts = Vec::new();
            let n = len.div_ceil(chunk).max(1);
            for i in 0..n {
                let start = i * chunk;
                let size = chunk.min(len - start);
                let resp = self.send(
                    &Req {
                        method: "PUT",
                        bucket,
                        key,
                        query: vec![
                            ("partNumber".into(), (i + 1).to_string()),
                            ("uploadId".into(), upload_id.clone()),
                        ],
                        expect: 0,
                    },
                    || Ok((open_part(file, start, size)?, None)),
                )?;
                parts.push((i + 1, etag(&resp)));
            }
            let mut body = String::from("<CompleteMultipartUpload>");
            for (n, etag) in &parts {
                body.push_str(&format!(
                    "<Part><PartNumber>{n}</PartNumber><ETag>{}</ETag></Part>",
                    xml::escape(etag)
                ));
            }
            body.push_str("</CompleteMultipartUpload>");
            let what = format!("POST s3://{bucket}/{key}?uploadId");
            let done = self.send(
                &Req {
                    method: "POST",
                    bucket,
                    key,
                    query: vec![("uploadId".into(), upload_id.clone())],
                    expect: 0,
                },
                || {
                    let hash = sigv4::hex_sha256(body.as_bytes());
                    Ok((Body::Bytes(body.clone().into_bytes()), Some(hash)))
                },
            )?;
            // S3 may answer 200 and say in the body that the completion failed.
            let text = read_text(done, &what)?;
            if text.contains("<Error>") {
                return Err(Error::Api {
                    endpoint: what,
                    status: 200,
                    code: xml::first(&text, "Code").unwrap_or_else(|| "InternalError".into()),
                    message: xml::first(&text, "Message").unwrap_or_default(),
                });
            }
            Ok(len)
        })();
        if result.is_err() {
            let _ = self.send(
                &Req {
                    method: "DELETE",
                    bucket,
                    key,
                    query: vec![("uploadId".into(), upload_id.clone())],
                    expect: 0,
                },
                || Ok((Body::Empty, Some(sigv4::EMPTY_SHA256.to_string()))),
            );
        }
        result
    }

    /// Writes the object `key` to `out`; returns its size.
    /// `size` (as listed) only sets how long the transfer may take.
    pub fn get_object(
        &self,
        bucket: &str,
        key: &str,
        size: u64,
        out: &mut impl std::io::Write,
    ) -> Result<u64> {
        let resp = self.send(
            &Req {
                method: "GET",
                bucket,
                key,
                query: Vec::new(),
                expect: size,
            },
            || Ok((Body::Empty, Some(sigv4::EMPTY_SHA256.to_string()))),
        )?;
        super::copy_body(resp, out).map_err(|e| Error::Transport {
            endpoint: format!("GET s3://{bucket}/{key}"),
            message: e.to_string(),
            sent: true,
        })
    }

    /// Every object whose key starts with `prefix` (ListObjectsV2, page by page), in S3's
    /// order (by key).
    pub fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<Object>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![
                ("list-type".to_string(), "2".to_string()),
                ("prefix".to_string(), prefix.to_string()),
            ];
            if let Some(t) = &token {
                query.push(("continuation-token".to_string(), t.clone()));
            }
            let what = format!("GET s3://{bucket}/?list-type=2&prefix={prefix}");
            let resp = self.send(
                &Req {
                    method: "GET",
                    bucket,
                    key: "",
                    query,
                    expect: 0,
                },
                || Ok((Body::Empty, Some(sigv4::EMPTY_SHA256.to_string()))),
            )?;
            let text = read_text(resp, &what)?;
            for item in xml::all(&text, "Contents") {
                let key = xml::first(item, "Key").ok_or_else(|| Error::Decode {
                    endpoint: what.clone(),
                    message: "an object without a Key".into(),
                })?;
                let size = xml::first(item, "Size")
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| Error::Decode {
                        endpoint: what.clone(),
                        message: format!("object {key:?} without a size"),
                    })?;
                out.push(Object { key, size });
            }
            let truncated = xml::first(&text, "IsTruncated").is_some_and(|t| t.trim() == "true");
            token = xml::first(&text, "NextContinuationToken");
            if !truncated || token.is_none() {
                return Ok(out);
            }
        }
    }

    /// PUTs `size` bytes of `file` from `start` to a presigned URL (a part of a multipart
    /// upload the tracking server started), with the headers it gave; returns the ETag.
    pub fn put_presigned(
        &self,
        url: &str,
        headers: &[(String, String)],
        file: &Path,
        start: u64,
        size: u64,
    ) -> Result<String> {
        let what = format!("PUT part to {}", url.split('?').next().unwrap_or(url));
        let resp = self.retrying(&what, 0, || {
            let mut req = ureq::http::Request::builder().method("PUT").uri(url);
            for (k, v) in headers {
                req = req.header(k.as_str(), v.as_str());
            }
            Ok((req, open_part(file, start, size)?))
        })?;
        Ok(etag(&resp))
    }
}

/// A request's body.
enum Body {
    Empty,
    Bytes(Vec<u8>),
    Reader(Box<dyn Read + Send>, u64),
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Bytes(b) => b.len() as u64,
            Body::Reader(_, n) => *n,
        }
    }
}

/// `size` bytes of `file` from `start`, as a body.
fn open_part(file: &Path, start: u64, size: u64) -> Result<Body> {
    let (mut f, _) = super::open_file(file)?;
    f.seek(SeekFrom::Start(start)).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        source,
    })?;
    Ok(Body::Reader(Box::new(f.take(size)), size))
}

/// The size of each part: `chunk`, grown so no upload needs more than [`MAX_PARTS`], and
/// never below S3's minimum.
pub fn part_size(len: u64, chunk: u64) -> u64 {
    chunk.max(MIN_PART).max(len.div_ceil(MAX_PARTS))
}

fn etag(resp: &ureq::http::Response<ureq::Body>) -> String {
    resp.headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn read_text(mut resp: ureq::http::Response<ureq::Body>, what: &str) -> Result<String> {
    resp.body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .map_err(|e| Error::Transport {
            endpoint: what.to_string(),
            message: e.to_string(),
            sent: true,
        })
}

fn status_error(what: &str, mut resp: ureq::http::Response<ureq::Body>) -> Error {
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .unwrap_or_default();
    Error::Api {
        endpoint: what.to_string(),
        status,
        code: xml::first(&text, "Code").unwrap_or_else(|| super::default_code(status).into()),
        message: xml::first(&text, "Message").unwrap_or_else(|| super::excerpt(&text)),
    }
}

/// `scheme://host[:port]` and the path of a URL.
fn split_url(url: &str) -> (&str, &str) {
    let after = url.find("://").map_or(0, |i| i + 3);
    match url[after..].find('/') {
        Some(i) => (&url[..after + i], &url[after + i..]),
        None => (url, ""),
    }
}

/// The `Host` header of `scheme://host[:port]`: the default port left out, as HTTP clients
/// send it.
fn host_of(scheme_host: &str) -> String {
    let (scheme, host) = scheme_host
        .split_once("://")
        .unwrap_or(("https", scheme_host));
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let default = if scheme == "http" { ":80" } else { ":443" };
    host.strip_suffix(default).unwrap_or(host).to_string()
}

/// Percent-encodes everything but RFC 3986's unreserved characters (`/` too), as SigV4 wants
/// query keys and values.
fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The query string, keys and values encoded and sorted (the canonical form, sent as is).
fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (encode_component(k), encode_component(v)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), over sha2, with HMAC-SHA256 written out.
pub mod sigv4 {
    use sha2::{Digest, Sha256};

    /// The SHA-256 of no bytes, hex.
    pub const EMPTY_SHA256: &str =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// What is signed of a request. `path` is the URI's path as sent (already encoded);
    /// `query` raw keys and values; `headers` the signed headers (lowercase names).
    pub struct Request<'a> {
        pub method: &'a str,
        pub path: &'a str,
        pub query: &'a [(String, String)],
        pub headers: &'a [(String, String)],
        pub payload_hash: &'a str,
    }

    pub struct Key<'a> {
        pub access_key: &'a str,
        pub secret_key: &'a str,
        pub region: &'a str,
        pub service: &'a str,
    }

    pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
        const BLOCK: usize = 64;
        let mut k = [0u8; BLOCK];
        if key.len() > BLOCK {
            k[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut inner = Sha256::new();
        inner.update(k.map(|b| b ^ 0x36));
        inner.update(data);
        let mut outer = Sha256::new();
        outer.update(k.map(|b| b ^ 0x5c));
        outer.update(inner.finalize());
        outer.finalize().into()
    }

    pub fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn hex_sha256(data: &[u8]) -> String {
        hex(&Sha256::digest(data))
    }

    /// The canonical request (SigV4's first step).
    pub fn canonical_request(r: &Request) -> (String, String) {
        let mut headers: Vec<(String, String)> = r
            .headers
            .iter()
            .map(|(k, v)| {
                let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                (k.to_ascii_lowercase(), v)
            })
            .collect();
        headers.sort();
        let signed = headers
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
        let path = if r.path.is_empty() { "/" } else { r.path };
        let text = format!(
            "{}\n{path}\n{}\n{canonical_headers}\n{signed}\n{}",
            r.method,
            super::canonical_query(r.query),
            r.payload_hash
        );
        (text, signed)
    }

    /// The signing key for a day (`yyyymmdd`).
    pub fn signing_key(k: &Key, date: &str) -> [u8; 32] {
        let k_date = hmac_sha256(format!("AWS4{}", k.secret_key).as_bytes(), date.as_bytes());
        let k_region = hmac_sha256(&k_date, k.region.as_bytes());
        let k_service = hmac_sha256(&k_region, k.service.as_bytes());
        hmac_sha256(&k_service, b"aws4_request")
    }

    /// The string to sign and the signed headers, for a request at `amz_date`
    /// (`yyyymmddThhmmssZ`).
    pub fn string_to_sign(r: &Request, k: &Key, amz_date: &str) -> (String, String) {
        let (canonical, signed) = canonical_request(r);
        let date = &amz_date[..8.min(amz_date.len())];
        let scope = format!("{date}/{}/{}/aws4_request", k.region, k.service);
        (
            format!(
                "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
                hex_sha256(canonical.as_bytes())
            ),
            signed,
        )
    }

    pub fn signature(r: &Request, k: &Key, amz_date: &str) -> String {
        let (sts, _) = string_to_sign(r, k, amz_date);
        let date = &amz_date[..8.min(amz_date.len())];
        hex(&hmac_sha256(&signing_key(k, date), sts.as_bytes()))
    }

    /// The `Authorization` header's value.
    pub fn authorization(r: &Request, k: &Key, amz_date: &str) -> String {
        let (_, signed) = canonical_request(r);
        let date = &amz_date[..8.min(amz_date.len())];
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{date}/{}/{}/aws4_request, SignedHeaders={signed}, \
             Signature={}",
            k.access_key,
            k.region,
            k.service,
            signature(r, k, amz_date)
        )
    }
}

/// Just enough XML for S3's answers: the text of elements by name (not nested in themselves),
/// entities decoded.
mod xml {
    /// The raw contents of every `<name>...</name>`.
    pub fn all<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let Some(j) = after.find(&close) else { break };
            out.push(&after[..j]);
            rest = &after[j + close.len()..];
        }
        out
    }

    /// The decoded text of the first `<name>...</name>`.
    pub fn first(text: &str, name: &str) -> Option<String> {
        all(text, name).first().map(|s| unescape(s))
    }

    pub fn unescape(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let after = &rest[i..];
            let Some(end) = after.find(';') else {
                out.push_str(after);
                return out;
            };
            let entity = &after[1..end];
            let decoded = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            match decoded {
                Some(c) => {
                    out.push(c);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('&');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    pub fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            sigv4::hex(&sigv4::hmac_sha256(
                b"Jefe",
                b"what do ya want for nothing?"
            )),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than a block is hashed first.
        assert_eq!(
            sigv4::hex(&sigv4::hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn sigv4_matches_the_aws_test_suite_get_vanilla() {
        // aws-sig-v4-test-suite, get-vanilla.
        let key = sigv4::Key {
            access_key: "AKIDEXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "service",
        };
        let headers = [
            h("Host", "example.amazonaws.com"),
            h("X-Amz-Date", "20150830T123600Z"),
        ];
        let r = sigv4::Request {
            method: "GET",
            path: "/",
            query: &[],
            headers: &headers,
            payload_hash: sigv4::EMPTY_SHA256,
        };
        let (canonical, signed) = sigv4::canonical_request(&r);
        assert_eq!(
            canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
             host;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(signed, "host;x-amz-date");
        let (sts, _) = sigv4::string_to_sign(&r, &key, "20150830T123600Z");
        assert_eq!(
            sts,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
             bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        assert_eq!(
            sigv4::authorization(&r, &key, "20150830T123600Z"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    fn s3_example_key() -> sigv4::Key<'static> {
        sigv4::Key {
            access_key: "AKIAIOSFODNN7EXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "s3",
        }
    }

    #[test]
    fn sigv4_matches_the_s3_documentation_examples() {
        // "Signature Calculations for the Authorization Header", S3 API reference: GET Object.
        let headers = [
            h("host", "examplebucket.s3.amazonaws.com"),
            h("range", "bytes=0-9"),
            h("x-amz-content-sha256", sigv4::EMPTY_SHA256),
            h("x-amz-date", "20130524T000000Z"),
        ];
        let r = sigv4::Request {
            method: "GET",
            path: "/test.txt",
            query: &[],
            headers: &headers,
            payload_hash: sigv4::EMPTY_SHA256,
        };
        assert_eq!(
            sigv4::signature(&r, &s3_example_key(), "20130524T000000Z"),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
        // GET Bucket (List Objects): the query is encoded and sorted.
        let headers = [
            h("host", "examplebucket.s3.amazonaws.com"),
            h("x-amz-content-sha256", sigv4::EMPTY_SHA256),
            h("x-amz-date", "20130524T000000Z"),
        ];
        let query = [h("prefix", "J"), h("max-keys", "2")];
        let r = sigv4::Request {
            method: "GET",
            path: "/",
            query: &query,
            headers: &headers,
            payload_hash: sigv4::EMPTY_SHA256,
        };
        assert_eq!(
            sigv4::signature(&r, &s3_example_key(), "20130524T000000Z"),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        );
    }

    #[test]
    fn settings_name_the_variables_when_credentials_are_missing() {
        let e = S3Config::from_env(|_| None).unwrap_err().to_string();
        assert!(
            e.contains("AWS_ACCESS_KEY_ID") && e.contains("AWS_SECRET_ACCESS_KEY"),
            "{e}"
        );
        let env = |k: &str| match k {
            vars::ACCESS_KEY_ID => Some("ak".to_string()),
            vars::SECRET_ACCESS_KEY => Some("sk".to_string()),
            vars::REGION => Some("eu-west-3".to_string()),
            vars::ENDPOINT_URL => Some("http://127.0.0.1:9000/".to_string()),
            _ => None,
        };
        let c = S3Config::from_env(env).unwrap();
        assert_eq!(c.region, "eu-west-3");
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        let s3 = S3::new(Some(c.clone()));
        let (url, host, path) = s3.locate("b", "1/r/artifacts/a b.txt").unwrap();
        assert_eq!(url, "http://127.0.0.1:9000/b/1/r/artifacts/a%20b.txt");
        assert_eq!(host, "127.0.0.1:9000");
        assert_eq!(path, "/b/1/r/artifacts/a%20b.txt");
        let aws = S3::new(Some(S3Config {
            endpoint: None,
            ..c
        }));
        let (url, host, _) = aws.locate("b", "k").unwrap();
        assert_eq!(url, "https://b.s3.eu-west-3.amazonaws.com/k");
        assert_eq!(host, "b.s3.eu-west-3.amazonaws.com");
        assert_eq!(host_of("http://h:80"), "h");
    }

    #[test]
    fn s3_urls_and_listings_parse() {
        let u = S3Url::parse("s3://bkt/a/b/").unwrap().unwrap();
        assert_eq!((u.bucket.as_str(), u.key.as_str()), ("bkt", "a/b"));
        assert_eq!(u.join("x/y"), "a/b/x/y");
        assert!(S3Url::parse("s3:///k").unwrap().is_err());
        assert!(S3Url::parse("gs://b/k").is_none());
        let listing = "<ListBucketResult><IsTruncated>true</IsTruncated>\
            <Contents><Key>a/x &amp; y.txt</Key><Size>3</Size></Contents>\
            <Contents><Key>a/b</Key><Size>10</Size></Contents>\
            <NextContinuationToken>t+1</NextContinuationToken></ListBucketResult>";
        let keys: Vec<String> = xml::all(listing, "Contents")
            .into_iter()
            .map(|c| xml::first(c, "Key").unwrap())
            .collect();
        assert_eq!(keys, ["a/x & y.txt", "a/b"]);
        assert_eq!(xml::first(listing, "NextContinuationToken").unwrap(), "t+1");
        assert_eq!(xml::unescape("&#65;&#x42;&bogus;"), "AB&bogus;");
        assert_eq!(part_size(1, 1), MIN_PART);
        assert_eq!(part_size(100_000 * MIN_PART, MIN_PART), 10 * MIN_PART);
    }
}
