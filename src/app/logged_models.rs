//! Searching MLflow 3 logged models as MLflow's `search_logged_models` does
//! (`SearchLoggedModelsUtils` in `mlflow/utils/search_utils.py`): a filter of `AND`ed
//! comparisons on attributes (`name`, `model_id`, `model_type`, `status`, `source_run_id`,
//! `creation_timestamp`, `last_updated_timestamp`), `metrics.<k>`, `params.<k>` and
//! `tags.<k>`; an order (default: newest first, then model id); pages of `max_results`
//! (default 100) with a base64 JSON page token `{experiment_ids, filter_string, order_by,
//! offset}`.

use crate::store::logged_write::LoggedModelRecord;
use crate::store::{Error, Result, Store};
use base64::Engine;
use std::cmp::Ordering;

/// MLflow's `SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT`.
pub const DEFAULT_MAX_RESULTS: usize = 100;

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OrderBy {
    pub field_name: String,
    #[serde(default = "yes")]
    pub ascending: bool,
    #[serde(default)]
    pub dataset_name: Option<String>,
    #[serde(default)]
    pub dataset_digest: Option<String>,
}

fn yes() -> bool {
    true
}

/// What a search asks for.
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub experiment_ids: Vec<String>,
    pub filter: Option<String>,
    /// `(dataset_name, dataset_digest)`: metric comparisons only look at these datasets.
    pub datasets: Vec<(String, Option<String>)>,
    pub order_by: Vec<OrderBy>,
    pub max_results: Option<usize>,
    pub page_token: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Token {
    experiment_ids: Vec<String>,
    #[serde(default)]
    filter_string: Option<String>,
    #[serde(default)]
    order_by: Option<Vec<OrderBy>>,
    #[serde(default)]
    offset: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Str(String),
    Num(f64),
}

#[derive(Clone, Debug, PartialEq)]
enum Key {
    Attr(String),
    Metric(String),
    Param(String),
    Tag(String),
}

#[derive(Clone, Debug, PartialEq)]
struct Cond {
    key: Key,
    op: String,
    value: Value,
}

fn invalid(msg: String) -> Error {
    Error::Invalid(msg)
}

/// Splits a filter on `AND` outside quotes.
fn clauses(filter: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let chars: Vec<char> = filter.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' || c == '`' => quote = Some(c),
            None => {
                // `and` then whitespace, after whitespace (compared by char: the filter may
                // hold any text).
                let rest = &chars[i..chars.len().min(i + 4)];
                let before_space = i == 0 || chars[i - 1].is_whitespace();
                if before_space
                    && rest.len() == 4
                    && rest[..3]
                        .iter()
                        .zip("and".chars())
                        .all(|(c, a)| c.eq_ignore_ascii_case(&a))
                    && rest[3].is_whitespace()
                {
                    out.push(std::mem::take(&mut cur));
                    i += 4;
                    continue;
                }
            }
        }
        cur.push(c);
        i += 1;
    }
    out.push(cur);
    out.into_iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

fn parse_key(s: &str) -> Result<Key> {
    let unquote = |k: &str| k.trim_matches('`').trim_matches('"').to_string();
    let (kind, name) = match s.split_once('.') {
        Some((kind, name)) => (kind.to_ascii_lowercase(), Some(unquote(name))),
        None => (String::new(), None),
    };
    Ok(match (kind.as_str(), name) {
        ("metrics" | "metric", Some(n)) => Key::Metric(n),
        ("params" | "param" | "parameters" | "parameter", Some(n)) => Key::Param(n),
        ("tags" | "tag", Some(n)) => Key::Tag(n),
        ("attributes" | "attribute" | "attr", Some(n)) => attr(&n)?,
        (_, None) => attr(&unquote(s))?,
        _ => return Err(invalid(format!("invalid filter key '{s}'"))),
    })
}

fn attr(name: &str) -> Result<Key> {
    let name = match name {
        "creation_time" => "creation_timestamp",
        "last_updated_time" => "last_updated_timestamp",
        n => n,
    };
    match name {
        "name"
        | "model_id"
        | "model_type"
        | "status"
        | "source_run_id"
        | "creation_timestamp"
        | "last_updated_timestamp" => Ok(Key::Attr(name.to_string())),
        other => Err(invalid(format!(
            "Invalid attribute key '{other}' specified. Valid keys are 'name', 'model_id', \
             'model_type', 'status', 'source_run_id', 'creation_timestamp', \
             'last_updated_timestamp'"
        ))),
    }
}

fn parse_cond(clause: &str) -> Result<Cond> {
    let re = regex::Regex::new(
        r#"(?is)^\s*(\S+?)\s*(!=|<=|>=|=|<|>|\bnot\s+ilike\b|\bnot\s+like\b|\bilike\b|\blike\b)\s*('(?:[^']*)'|"(?:[^"]*)"|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*$"#,
    )
    .expect("valid regex");
    let caps = re
        .captures(clause)
        .ok_or_else(|| invalid(format!("invalid filter clause '{clause}'")))?;
    let key = parse_key(&caps[1])?;
    let op = caps[2]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let raw = &caps[3];
    let value = if raw.starts_with('\'') || raw.starts_with('"') {
        Value::Str(raw[1..raw.len() - 1].to_string())
    } else {
        Value::Num(
            raw.parse()
                .map_err(|_| invalid(format!("'{raw}' is not a number")))?,
        )
    };
    let numeric =
        matches!(&key, Key::Metric(_)) || matches!(&key, Key::Attr(a) if a.ends_with("_timestamp"));
    match (&value, numeric) {
        (Value::Num(_), false) => {
            return Err(invalid(format!(
                "expected a quoted string value in '{clause}'"
            )));
        }
        (Value::Str(_), true) => {
            return Err(invalid(format!("expected a numeric value in '{clause}'")));
        }
        _ => {}
    }
    let string_ops = ["=", "!=", "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE"];
    if !numeric && !string_ops.contains(&op.as_str()) {
        return Err(invalid(format!(
            "invalid comparator '{op}' for a string in '{clause}'"
        )));
    }
    if numeric && op.contains("LIKE") {
        return Err(invalid(format!(
            "invalid comparator '{op}' for a number in '{clause}'"
        )));
    }
    Ok(Cond { key, op, value })
}

fn like(pattern: &str, s: &str, case_insensitive: bool) -> bool {
    let mut re = String::from(if case_insensitive { "(?is)^" } else { "(?s)^" });
    for c in pattern.chars() {
        match c {
            '%' => re.push_str(".*"),
            '_' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(s))
}

fn cmp_str(op: &str, have: &str, want: &str) -> bool {
    match op {
        "=" => have == want,
        "!=" => have != want,
        "LIKE" => like(want, have, false),
        "ILIKE" => like(want, have, true),
        "NOT LIKE" => !like(want, have, false),
        "NOT ILIKE" => !like(want, have, true),
        _ => false,
    }
}

fn cmp_num(op: &str, have: f64, want: f64) -> bool {
    match op {
        "=" => have == want,
        "!=" => have != want,
        "<" => have < want,
        "<=" => have <= want,
        ">" => have > want,
        ">=" => have >= want,
        _ => false,
    }
}

/// `LoggedModelStatus`'s names, as MLflow compares `status` in a filter.
pub fn status_name(status: i64) -> &'static str {
    match status {
        1 => "PENDING",
        2 => "READY",
        3 => "FAILED",
        _ => "UNSPECIFIED",
    }
}

fn attr_str(m: &LoggedModelRecord, a: &str) -> Option<String> {
    match a {
        "name" => Some(m.name.clone()),
        "model_id" => Some(m.model_id.clone()),
        "model_type" => m.model_type.clone(),
        "status" => Some(status_name(m.status).to_string()),
        "source_run_id" => m.source_run_id.clone(),
        _ => None,
    }
}

fn attr_num(m: &LoggedModelRecord, a: &str) -> Option<f64> {
    match a {
        "creation_timestamp" => m.creation_timestamp.map(|v| v as f64),
        "last_updated_timestamp" => m.last_updated_timestamp.map(|v| v as f64),
        _ => None,
    }
}

fn matches(m: &LoggedModelRecord, c: &Cond, datasets: &[(String, Option<String>)]) -> bool {
    match (&c.key, &c.value) {
        (Key::Attr(a), Value::Num(v)) => attr_num(m, a).is_some_and(|h| cmp_num(&c.op, h, *v)),
        (Key::Attr(a), Value::Str(v)) => attr_str(m, a).is_some_and(|h| cmp_str(&c.op, &h, v)),
        (Key::Param(k), Value::Str(v)) => m.params.get(k).is_some_and(|h| cmp_str(&c.op, h, v)),
        (Key::Tag(k), Value::Str(v)) => m.tags.get(k).is_some_and(|h| cmp_str(&c.op, h, v)),
        (Key::Metric(k), Value::Num(v)) => m.metrics.iter().any(|x| {
            x.key == *k
                && (datasets.is_empty()
                    || datasets.iter().any(|(n, d)| {
                        x.dataset_name.as_deref() == Some(n)
                            && d.as_ref()
                                .is_none_or(|d| x.dataset_digest.as_ref() == Some(d))
                    }))
                && cmp_num(&c.op, x.value, *v)
        }),
        _ => false,
    }
}

#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Num(Option<f64>),
    Str(Option<String>),
}

fn sort_key(m: &LoggedModelRecord, o: &OrderBy) -> Result<SortKey> {
    if let Some(k) = o.field_name.strip_prefix("metrics.") {
        let latest = m
            .metrics
            .iter()
            .filter(|x| {
                x.key == k
                    && o.dataset_name
                        .as_ref()
                        .is_none_or(|n| x.dataset_name.as_ref() == Some(n))
                    && o.dataset_digest
                        .as_ref()
                        .is_none_or(|d| x.dataset_digest.as_ref() == Some(d))
            })
            .max_by_key(|x| x.timestamp)
            .map(|x| x.value);
        return Ok(SortKey::Num(latest));
    }
    match attr(&o.field_name)? {
        Key::Attr(a) if a.ends_with("_timestamp") => Ok(SortKey::Num(attr_num(m, &a))),
        Key::Attr(a) => Ok(SortKey::Str(attr_str(m, &a))),
        _ => unreachable!(),
    }
}

/// A missing value sorts last, whatever the direction.
fn compare(a: &SortKey, b: &SortKey, ascending: bool) -> Ordering {
    let (a_none, b_none) = match (a, b) {
        (SortKey::Num(x), SortKey::Num(y)) => (x.is_none(), y.is_none()),
        (SortKey::Str(x), SortKey::Str(y)) => (x.is_none(), y.is_none()),
        _ => (false, false),
    };
    match (a_none, b_none) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => {
            let o = a.partial_cmp(b).unwrap_or(Ordering::Equal);
            if ascending { o } else { o.reverse() }
        }
    }
}

/// One page of the logged models a search selects, and the next page's token.
pub fn search(store: &Store, s: &Search) -> Result<(Vec<LoggedModelRecord>, Option<String>)> {
    if s.experiment_ids.is_empty() {
        return Err(invalid(
            "Missing value for required parameter 'experiment_ids'.".into(),
        ));
    }
    let filter = s.filter.as_deref().map(str::trim).filter(|f| !f.is_empty());
    let conds = match filter {
        Some(f) => clauses(f)
            .iter()
            .map(|c| parse_cond(c))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let mut order = s.order_by.clone();
    for o in &order {
        if o.field_name.is_empty() {
            return Err(invalid("an order_by entry has no field_name".into()));
        }
    }
    if !order.iter().any(|o| o.field_name == "creation_timestamp") {
        order.push(OrderBy {
            field_name: "creation_timestamp".into(),
            ascending: false,
            ..Default::default()
        });
    }
    if !order.iter().any(|o| o.field_name == "model_id") {
        order.push(OrderBy {
            field_name: "model_id".into(),
            ascending: true,
            ..Default::default()
        });
    }
    let offset = match &s.page_token {
        None => 0,
        Some(t) if t.is_empty() => 0,
        Some(t) => {
            let bad = || invalid(format!("Invalid page token: {t}"));
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(t)
                .map_err(|_| bad())?;
            let tok: Token = serde_json::from_slice(&bytes).map_err(|_| bad())?;
            if tok.experiment_ids != s.experiment_ids {
                return Err(invalid(
                    "Experiment IDs in the page token do not match the requested experiment IDs."
                        .into(),
                ));
            }
            tok.offset
        }
    };
    let mut all = Vec::new();
    for id in &s.experiment_ids {
        all.extend(store.experiment_logged_models(id)?);
    }
    all.retain(|m| conds.iter().all(|c| matches(m, c, &s.datasets)));
    let mut keyed = Vec::with_capacity(all.len());
    for m in all {
        let keys = order
            .iter()
            .map(|o| sort_key(&m, o))
            .collect::<Result<Vec<_>>>()?;
        keyed.push((keys, m));
    }
    keyed.sort_by(|(a, _), (b, _)| {
        a.iter()
            .zip(b)
            .zip(&order)
            .map(|((x, y), o)| compare(x, y, o.ascending))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    let max = s
        .max_results
        .filter(|m| *m > 0)
        .unwrap_or(DEFAULT_MAX_RESULTS);
    let total = keyed.len();
    let page: Vec<LoggedModelRecord> = keyed
        .into_iter()
        .skip(offset)
        .take(max)
        .map(|(_, m)| m)
        .collect();
    let next = (offset + max < total).then(|| {
        let tok = Token {
            experiment_ids: s.experiment_ids.clone(),
            filter_string: filter.map(str::to_string),
            order_by: (!s.order_by.is_empty()).then(|| s.order_by.clone()),
            offset: offset + max,
        };
        base64::engine::general_purpose::STANDARD
            .encode(serde_json::to_vec(&tok).unwrap_or_default())
    });
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_split_on_and_outside_quotes_whatever_text_they_hold() {
        assert_eq!(
            clauses("name = 'a and b' AND status = 'READY'"),
            ["name = 'a and b'", "status = 'READY'"]
        );
        // Multi-byte text where a byte-sliced `and` check would cut a character.
        for f in ["x = 1 abéc", "abéc", "name = 'é' and ébé", "andé x"] {
            let _ = clauses(f);
        }
    }
    use crate::store::logged_write::NewLoggedModel;

    #[test]
    fn filters_split_on_and_outside_quotes() {
        assert_eq!(
            clauses("name = 'a and b' AND params.x = '1'"),
            ["name = 'a and b'", "params.x = '1'"]
        );
        let c = parse_cond("metrics.acc >= 0.5").unwrap();
        assert_eq!(c.key, Key::Metric("acc".into()));
        assert!(parse_cond("name > 'x'").is_err());
        assert!(parse_cond("metrics.acc = 'x'").is_err());
        assert!(parse_cond("bogus = 'x'").is_err());
        assert!(like("mod%", "model", false) && !like("MOD%", "model", false));
        assert!(like("MOD%", "model", true));
    }

    #[test]
    fn search_filters_orders_and_pages() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let mut ids = Vec::new();
        for i in 0..5 {
            let m = s
                .create_logged_model(NewLoggedModel {
                    experiment_id: "0".into(),
                    name: Some(if i % 2 == 0 { "even" } else { "odd" }.into()),
                    params: vec![("i".into(), i.to_string())],
                    ..Default::default()
                })
                .unwrap();
            ids.push(m.model_id);
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let mut q = Search {
            experiment_ids: vec!["0".into()],
            filter: Some("name = 'even'".into()),
            ..Default::default()
        };
        let (page, next) = search(&s, &q).unwrap();
        let got: Vec<&str> = page.iter().map(|m| m.model_id.as_str()).collect();
        assert_eq!(got, [&ids[4], &ids[2], &ids[0]]);
        assert!(next.is_none());
        q.filter = Some("params.i != '0' AND name LIKE 'ev%'".into());
        assert_eq!(search(&s, &q).unwrap().0.len(), 2);
        q.filter = None;
        q.max_results = Some(2);
        q.order_by = vec![OrderBy {
            field_name: "name".into(),
            ascending: true,
            ..Default::default()
        }];
        let mut seen = Vec::new();
        loop {
            let (page, next) = search(&s, &q).unwrap();
            seen.extend(page.into_iter().map(|m| m.name));
            match next {
                Some(t) => q.page_token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, ["even", "even", "even", "odd", "odd"]);
        q.page_token = Some("not a token".into());
        assert!(search(&s, &q).is_err());
    }
}
