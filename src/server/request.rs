//! Reading a request message: a JSON body (POST, PATCH, DELETE) or the query string (GET, as
//! MLflow's client sends GET requests: `requests.get(url, params=message_as_dict)`, so a
//! repeated field is a repeated key). Every failure is a 400 in MLflow's shape, never a 500.

use super::error::{ApiError, Code};
use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode};
use serde::de::DeserializeOwned;

/// The largest JSON body a request may have (artifact uploads stream and are not bound by it).
pub const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

/// A request message of type `T`, from the body or the query string.
pub struct Msg<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Msg<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if req.method() == Method::GET {
            let query = req.uri().query().unwrap_or("");
            return parse_query(query).map(Msg);
        }
        let bytes = match axum::body::to_bytes(req.into_body(), MAX_JSON_BODY).await {
            Ok(b) => b,
            Err(e) => {
                return Err(ApiError::new(Code::RequestLimitExceeded, body_error(&e))
                    .with_status(StatusCode::PAYLOAD_TOO_LARGE));
            }
        };
        parse_json(&bytes).map(Msg)
    }
}

fn body_error(e: &axum::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return format!("the request body is larger than {MAX_JSON_BODY} bytes");
        }
        source = s.source();
    }
    format!("could not read the request body: {e}")
}

/// A JSON body as `T`. An empty body is the empty message.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        bytes
    };
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(Code::MalformedRequest, format!("malformed JSON body: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(
            Code::MalformedRequest,
            "the request body must be a JSON object",
        ));
    }
    from_value(value)
}

/// A query string as `T`: each key's value is a string, a repeated key a list of strings
/// (the message's deserializers accept numbers and booleans written as strings).
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let mut map = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k)?, decode(v)?);
        match map.get_mut(&k) {
            None => {
                map.insert(k, serde_json::Value::String(v));
            }
            Some(serde_json::Value::Array(list)) => list.push(v.into()),
            Some(old) => {
                let first = old.take();
                *old = serde_json::Value::Array(vec![first, v.into()]);
            }
        }
    }
    from_value(serde_json::Value::Object(map))
}

fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::invalid(format!("invalid request: {e}")))
}

/// Percent-decoding of one query component (`+` is a space, as in forms).
pub fn decode(s: &str) -> Result<String, ApiError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        ApiError::bad_request(format!("bad percent-encoding in {s:?}"))
                    })?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::bad_request(format!("{s:?} is not UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::proto::de;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct M {
        #[serde(default, deserialize_with = "de::strings")]
        run_ids: Vec<String>,
        #[serde(default, deserialize_with = "de::opt_i64")]
        max_results: Option<i64>,
        #[serde(default)]
        filter: Option<String>,
    }

    #[test]
    fn query_strings_give_repeated_keys_as_lists_and_numbers_from_strings() {
        let m: M = parse_query("run_ids=a&run_ids=b&max_results=5&filter=x+%3D+1").unwrap();
        assert_eq!(m.run_ids, ["a", "b"]);
        assert_eq!(m.max_results, Some(5));
        assert_eq!(m.filter.as_deref(), Some("x = 1"));
        let m: M = parse_query("run_ids=a").unwrap();
        assert_eq!(m.run_ids, ["a"]);
    }

    #[test]
    fn bad_bodies_are_400s_with_a_code() {
        let e = parse_json::<M>(b"{not json").unwrap_err();
        assert_eq!(e.code, Code::MalformedRequest);
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        let e = parse_json::<M>(b"[1]").unwrap_err();
        assert_eq!(e.code, Code::MalformedRequest);
        let e = parse_json::<M>(br#"{"max_results": "many"}"#).unwrap_err();
        assert_eq!(e.code, Code::InvalidParameterValue);
        assert_eq!(parse_json::<M>(b"").unwrap().max_results, None);
        let e = parse_query::<M>("filter=%zz").unwrap_err();
        assert_eq!(e.code, Code::BadRequest);
    }
}
