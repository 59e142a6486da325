//! The one place that speaks YAML.
//!
//! Writing is done by hand so that every string is quoted: PyYAML reads YAML 1.1, where a bare
//! `yes`, `012` or `1:30` would come back as a bool or a number. Keys are sorted, as MLflow's
//! `yaml.safe_dump(sort_keys=True)` sorts them, so files diff cleanly against MLflow's own.
//! Reading accepts whatever PyYAML writes (quoted or plain scalars, folded long strings).
//!
//! There is one reader: every document becomes a [`Tree`] through [`Tree::parse`], with one
//! rule for mapping keys. PyYAML (which MLflow reads every file with) reads a key that is not a
//! string as the Python value it spells: `null:` or `~:` is `None`, `true:` is `True`, `1:` is
//! the int `1`. MLflow then looks fields up by their string names, so such a key never is one of
//! its fields, and where MLflow shows or compares a key as text it is Python's `str()` of it. So
//! mlt names a key by Python's `str()` of what PyYAML reads: `None`, `True`, `False`, `1`,
//! `1.5` (a string key is itself). [`Doc`] (a `meta.yaml`), [`parse_tree`] (an `MLmodel`) and
//! [`Tree`] itself (an `MLproject`) all see the same names; a file mlt rewrites keeps such a key
//! as the string of that name (MLflow, which rewrites only the fields it knows, drops it).

use std::collections::BTreeMap;

/// A value in a `meta.yaml` that mlt writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Null,
    Bool(bool),
    EmptyList,
    Map(BTreeMap<String, String>),
    /// Any other value found in a file mlt rewrites; kept so nothing is lost.
    Other(Tree),
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Scalar::Str(s.to_string())
    }
}

impl From<String> for Scalar {
    fn from(s: String) -> Self {
        Scalar::Str(s)
    }
}

impl From<i64> for Scalar {
    fn from(v: i64) -> Self {
        Scalar::Int(v)
    }
}

impl From<Option<i64>> for Scalar {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Scalar::Null, Scalar::Int)
    }
}

/// A `meta.yaml` as a sorted mapping.
pub type Meta = BTreeMap<String, Scalar>;

/// Writes a mapping as block YAML with sorted keys and quoted strings.
pub fn to_yaml(map: &Meta) -> String {
    let mut out = String::new();
    for (k, v) in map {
        out.push_str(&quote_key(k));
        out.push(':');
        match v {
            Scalar::Map(m) if m.is_empty() => out.push_str(" {}\n"),
            Scalar::Map(m) => {
                out.push('\n');
                for (mk, mv) in m {
                    out.push_str("  ");
                    out.push_str(&quote_key(mk));
                    out.push_str(": ");
                    out.push_str(&quote(mv));
                    out.push('\n');
                }
            }
            other => {
                out.push(' ');
                out.push_str(&match other {
                    Scalar::Str(s) => quote(s),
                    Scalar::Int(i) => i.to_string(),
                    Scalar::Null => "null".into(),
                    Scalar::Bool(b) => b.to_string(),
                    Scalar::EmptyList => "[]".into(),
                    Scalar::Other(v) => other_to_flow(v),
                    Scalar::Map(_) => unreachable!(),
                });
                out.push('\n');
            }
        }
    }
    out
}

/// Writes an arbitrary value in flow style (`[a, b]`, `{'k': v}`) with quoted strings and
/// keys, floats in YAML 1.1's form.
fn other_to_flow(v: &Tree) -> String {
    match v {
        Tree::Null => "null".into(),
        Tree::Bool(b) => b.to_string(),
        Tree::Int(i) => i.to_string(),
        Tree::Float(f) => yaml11_float(*f),
        Tree::Str(s) => quote(s),
        Tree::List(items) => {
            let parts: Vec<String> = items.iter().map(other_to_flow).collect();
            format!("[{}]", parts.join(", "))
        }
        Tree::Map(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", quote(k), other_to_flow(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

fn quote_key(k: &str) -> String {
    if !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        k.to_string()
    } else {
        quote(k)
    }
}

/// Quotes a string scalar: single quotes when it is printable on one line, double quotes with
/// escapes otherwise (newlines, tabs, control characters).
pub fn quote(s: &str) -> String {
    let needs_double = s
        .chars()
        .any(|c| c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}');
    if !needs_double {
        return format!("'{}'", s.replace('\'', "''"));
    }
    double_quoted(s, |c| {
        let special = c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}';
        let n = c as u32;
        special.then(|| {
            if n <= 0xff {
                format!("\\x{n:02x}")
            } else {
                format!("\\u{n:04x}")
            }
        })
    })
}

/// `s` in double quotes, the form YAML and JSON share: `"`, `\`, newline, tab and carriage
/// return escaped with a backslash, any other character for which `escape` gives text written
/// as that text.
pub fn double_quoted(s: &str, escape: impl Fn(char) -> Option<String>) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => match escape(c) {
                Some(e) => out.push_str(&e),
                None => out.push(c),
            },
        }
    }
    out.push('"');
    out
}

/// A parsed `meta.yaml` mapping, with typed accessors that explain what is wrong.
pub struct Doc {
    fields: Vec<(String, Tree)>,
}

/// A document that must be a mapping: its entries.
fn mapping(text: &str) -> Result<Vec<(String, Tree)>, String> {
    match Tree::parse(text)? {
        Tree::Map(fields) => Ok(fields),
        Tree::Null => Err("the file is empty".into()),
        _ => Err("the file is not a YAML mapping".into()),
    }
}

impl Doc {
    /// Parses a document that must be a mapping.
    pub fn parse(text: &str) -> Result<Doc, String> {
        Ok(Doc {
            fields: mapping(text)?,
        })
    }

    /// Every field, as values mlt can write back unchanged.
    pub fn to_meta(&self) -> Meta {
        let mut out = Meta::new();
        for (k, v) in &self.fields {
            let s = match v {
                Tree::Null => Scalar::Null,
                Tree::Str(s) => Scalar::Str(s.clone()),
                Tree::Bool(b) => Scalar::Bool(*b),
                Tree::Int(i) => match i64::try_from(*i) {
                    Ok(i) => Scalar::Int(i),
                    Err(_) => Scalar::Other(v.clone()),
                },
                Tree::List(items) if items.is_empty() => Scalar::EmptyList,
                other => Scalar::Other(other.clone()),
            };
            out.insert(k.clone(), s);
        }
        out
    }

    fn get(&self, key: &str) -> Option<&Tree> {
        match self.fields.iter().rev().find(|(k, _)| k == key) {
            None | Some((_, Tree::Null)) => None,
            Some((_, v)) => Some(v),
        }
    }

    /// A string field; numbers and bools are taken as their text (ids written as ints).
    pub fn opt_str(&self, key: &str) -> Result<Option<String>, String> {
        Ok(match self.get(key) {
            None => None,
            Some(Tree::Str(s)) => Some(s.clone()),
            Some(t @ (Tree::Int(_) | Tree::Float(_) | Tree::Bool(_))) => Some(t.python_str()),
            Some(_) => return Err(format!("field '{key}' is not a string")),
        })
    }

    pub fn str(&self, key: &str) -> Result<String, String> {
        self.opt_str(key)?
            .ok_or_else(|| format!("required field '{key}' is missing"))
    }

    /// An integer field (null or absent is `None`).
    pub fn opt_int(&self, key: &str) -> Result<Option<i64>, String> {
        let not_int = || format!("field '{key}' is not an integer");
        match self.get(key) {
            None => Ok(None),
            Some(Tree::Int(i)) => i64::try_from(*i).map(Some).map_err(|_| not_int()),
            Some(Tree::Float(f)) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(Some(*f as i64)),
            Some(_) => Err(not_int()),
        }
    }

    pub fn int(&self, key: &str) -> Result<i64, String> {
        self.opt_int(key)?
            .ok_or_else(|| format!("required field '{key}' is missing"))
    }
}

/// Parses a YAML document into a JSON tree, for files whose content is free-form (an `MLmodel`):
/// [`Tree::parse`], then [`Tree::to_json`]. An empty document is an error, and so is one that
/// is not a mapping.
pub fn parse_tree(text: &str) -> Result<serde_json::Value, String> {
    mapping(text).map(|fields| Tree::Map(fields).to_json())
}

/// Writes a JSON tree whose top is an object as block YAML the way PyYAML's
/// `safe_dump(default_flow_style=False)` lays it out (keys sorted at every level, sequences
/// under a key not indented), but with every string quoted and floats always in YAML 1.1's
/// float form (`1.0e-05`, `.nan`), so PyYAML reads back exactly the same values.
pub fn tree_to_yaml(tree: &serde_json::Value) -> String {
    let mut out = String::new();
    match tree {
        serde_json::Value::Object(m) if !m.is_empty() => write_mapping(&mut out, m, 0),
        other => {
            out.push_str(&flow_scalar(other));
            out.push('\n');
        }
    }
    out
}

fn write_mapping(out: &mut String, m: &serde_json::Map<String, serde_json::Value>, indent: usize) {
    use serde_json::Value as J;
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for (i, k) in keys.into_iter().enumerate() {
        // The first key of a mapping inside a sequence sits on the "- " line.
        if i > 0 || indent == 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&quote_key(k));
        out.push(':');
        match &m[k] {
            J::Object(sub) if !sub.is_empty() => {
                out.push('\n');
                write_mapping(out, sub, indent + 2);
            }
            J::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_sequence(out, items, indent);
            }
            v => {
                out.push(' ');
                out.push_str(&flow_scalar(v));
                out.push('\n');
            }
        }
    }
}

fn write_sequence(out: &mut String, items: &[serde_json::Value], indent: usize) {
    use serde_json::Value as J;
    for item in items {
        if !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        match item {
            J::Object(sub) if !sub.is_empty() => write_mapping(out, sub, indent + 2),
            J::Array(inner) if !inner.is_empty() => write_sequence(out, inner, indent + 2),
            v => {
                out.push_str(&flow_scalar(v));
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty mapping or sequence, on one line.
fn flow_scalar(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) if n.is_f64() => yaml11_float(n.as_f64().unwrap_or(f64::NAN)),
        J::Number(n) => n.to_string(),
        J::String(s) => quote(s),
        J::Array(_) => "[]".into(),
        J::Object(_) => "{}".into(),
    }
}

/// A float as PyYAML writes one: `1.5`, `3.0`, `1.0e-05`, `1.0e+20`, `.nan`, `.inf`, `-.inf`.
/// (YAML 1.1 takes `1e-05` or `3` for a string or an int.)
fn yaml11_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let s = format!("{f:?}");
    match s.split_once('e') {
        None if s.contains('.') => s,
        None => format!("{s}.0"),
        Some((mant, exp)) => {
            let mant = if mant.contains('.') {
                mant.to_string()
            } else {
                format!("{mant}.0")
            };
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp.trim_start_matches('+')),
            };
            format!("{mant}e{sign}{digits:0>2}")
        }
    }
}

/// A YAML document as PyYAML reads it: the one tree every reader of YAML in mlt goes through
/// (see the module's documentation for how keys are named). Mappings keep their order, as
/// PyYAML's dicts do.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    /// Any integer YAML holds that fits in 64 bits, signed or not.
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

impl Tree {
    /// Parses a YAML document; an empty document is `Null`.
    pub fn parse(text: &str) -> Result<Tree, String> {
        let value: yaml_serde::Value = yaml_serde::from_str(text).map_err(|e| e.to_string())?;
        Ok(Tree::from_value(value))
    }

    /// The tree as JSON: NaN and the infinities, which JSON cannot hold, become the strings
    /// `nan`, `inf` and `-inf`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Tree::Null => J::Null,
            Tree::Bool(b) => J::Bool(*b),
            Tree::Int(i) => match (i64::try_from(*i), u64::try_from(*i)) {
                (Ok(i), _) => J::from(i),
                (_, Ok(u)) => J::from(u),
                _ => J::String(i.to_string()),
            },
            Tree::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| J::String(crate::entities::format_value(*f)), J::Number),
            Tree::Str(s) => J::String(s.clone()),
            Tree::List(items) => J::Array(items.iter().map(Tree::to_json).collect()),
            Tree::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The value of a key of a mapping (`None` for other nodes).
    pub fn get(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as Python's `str()` gives it for what PyYAML read: `True`, `10`, `0.1`,
    /// `1e-05`, `None`, `['a', 1]`.
    pub fn python_str(&self) -> String {
        match self {
            Tree::Str(s) => s.clone(),
            other => other.python_repr(),
        }
    }

    fn python_repr(&self) -> String {
        match self {
            Tree::Null => "None".into(),
            Tree::Bool(true) => "True".into(),
            Tree::Bool(false) => "False".into(),
            Tree::Int(i) => i.to_string(),
            Tree::Float(f) => crate::entities::format_value(*f),
            Tree::Str(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            Tree::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Tree::python_repr)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Tree::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("'{k}': {}", v.python_repr()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn from_value(v: yaml_serde::Value) -> Tree {
        use yaml_serde::Value;
        match v {
            Value::Null => Tree::Null,
            Value::Bool(b) => Tree::Bool(b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Tree::Int(i.into()),
                (None, Some(u), _) => Tree::Int(u.into()),
                (None, None, Some(f)) => Tree::Float(f),
                (None, None, None) => Tree::Str(n.to_string()),
            },
            Value::String(s) => Tree::Str(s),
            Value::Sequence(items) => Tree::List(items.into_iter().map(Tree::from_value).collect()),
            // The one rule for keys: Python's str() of the key PyYAML reads.
            Value::Mapping(m) => Tree::Map(
                m.into_iter()
                    .map(|(k, v)| (Tree::from_value(k).python_str(), Tree::from_value(v)))
                    .collect(),
            ),
            Value::Tagged(t) => Tree::from_value(t.value),
        }
    }
}

/// Parses a YAML document into a [`Tree`]; an empty document is `Null`.
pub fn parse_ordered_tree(text: &str) -> Result<Tree, String> {
    Tree::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_every_string_so_pyyaml_keeps_it_a_string() {
        let mut m = Meta::new();
        m.insert("name".into(), Scalar::from("yes"));
        m.insert("experiment_id".into(), Scalar::from("012"));
        m.insert("run_name".into(), Scalar::from("1:30"));
        m.insert("end_time".into(), Scalar::Null);
        m.insert("start_time".into(), Scalar::Int(17));
        m.insert("tags".into(), Scalar::EmptyList);
        m.insert("note".into(), Scalar::from("it's\nmulti"));
        let y = to_yaml(&m);
        assert_eq!(
            y,
            "end_time: null\nexperiment_id: '012'\nname: 'yes'\nnote: \"it's\\nmulti\"\n\
             run_name: '1:30'\nstart_time: 17\ntags: []\n"
        );
        let d = Doc::parse(&y).unwrap();
        assert_eq!(d.str("experiment_id").unwrap(), "012");
        assert_eq!(d.str("name").unwrap(), "yes");
        assert_eq!(d.str("note").unwrap(), "it's\nmulti");
        assert_eq!(d.opt_int("end_time").unwrap(), None);
        assert_eq!(d.int("start_time").unwrap(), 17);
    }

    #[test]
    fn reads_pyyaml_output() {
        let text = "artifact_location: file:///tmp/x\nexperiment_id: 12\nname: exp-one\n\
                    long: 'aaaa bbbb\n  cccc'\nlifecycle_stage: active\ntags: {}\n";
        let d = Doc::parse(text).unwrap();
        assert_eq!(d.str("experiment_id").unwrap(), "12");
        assert_eq!(d.str("long").unwrap(), "aaaa bbbb cccc");
        assert!(Doc::parse("").is_err());
        assert!(Doc::parse("- a\n- b\n").is_err());
        assert!(Doc::parse("a: [").is_err());
    }

    #[test]
    fn trees_keep_order_and_python_values() {
        let t = parse_ordered_tree(
            "name: demo\nentry_points:\n  main:\n    parameters:\n      b: float\n      \
             a: {type: int, default: 10}\n      c: {default: 0.1}\n      d: {default: true}\n      \
             e: {default: null}\n      f: {default: [x, 1]}\n",
        )
        .unwrap();
        let params = t
            .get("entry_points")
            .and_then(|e| e.get("main"))
            .and_then(|m| m.get("parameters"))
            .unwrap();
        let Tree::Map(entries) = params else {
            panic!("{params:?}")
        };
        let names: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["b", "a", "c", "d", "e", "f"]);
        let default = |k: &str| params.get(k).unwrap().get("default").unwrap().python_str();
        assert_eq!(default("a"), "10");
        assert_eq!(default("c"), "0.1");
        assert_eq!(default("d"), "True");
        assert_eq!(default("e"), "None");
        assert_eq!(default("f"), "['x', 1]");
        assert_eq!(parse_ordered_tree("").unwrap(), Tree::Null);
        assert!(parse_ordered_tree("a: [").is_err());
    }

    #[test]
    fn rewrites_keep_unknown_fields() {
        let text =
            "name: x\nworkspace: default\ntags: {a: b}\nflag: true\nratio: 0.5\nl: [1, 'x']\n";
        let meta = Doc::parse(text).unwrap().to_meta();
        let again = Doc::parse(&to_yaml(&meta)).unwrap().to_meta();
        assert_eq!(meta, again);
    }
    #[test]
    fn trees_round_trip_through_block_yaml() {
        let text = "flavors:\n  python_function:\n    env:\n      conda: conda.yaml\n    \
                    loader_module: mlflow.sklearn\n    python_version: 3.11.7\n  sklearn:\n    \
                    code: null\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"x1\",\n    \
                    \"required\": true}]'\nmetadata:\n  list: [1, 'yes', {a: b}, [x, y], []]\n  \
                    empty: {}\n  ratio: 0.5\n  tiny: 1.0e-05\n  big: 1e300\n  \"odd key\": 012\n\
                    model_size_bytes: 7076\nflag: true\n";
        let tree = parse_tree(text).unwrap();
        assert_eq!(
            tree["signature"]["inputs"],
            "[{\"type\": \"double\", \"name\": \"x1\", \"required\": true}]"
        );
        assert_eq!(
            tree["flavors"]["python_function"]["python_version"],
            "3.11.7"
        );
        let y = tree_to_yaml(&tree);
        assert_eq!(parse_tree(&y).unwrap(), tree);
        assert!(y.contains("python_version: '3.11.7'\n"), "{y}");
        assert!(y.contains("  tiny: 1.0e-05\n"), "{y}");
        assert!(
            y.contains("  list:\n  - 1\n  - 'yes'\n  - a: 'b'\n  - - 'x'\n    - 'y'\n  - []\n"),
            "{y}"
        );
        assert!(y.contains("    code: null\n"), "{y}");
        assert!(y.contains("  empty: {}\n"), "{y}");
        assert!(parse_tree("").is_err());
        assert!(parse_tree("- a\n").is_err());
        assert!(parse_tree("a: [").is_err());
    }

    /// The one rule for keys that are not strings, in every reader: Python's `str()` of what
    /// PyYAML reads (`yaml.safe_load("null: a\nfalse: b\n2: c\n1.5: d")` has the keys
    /// `None`, `False`, `2` and `1.5`). It used to be `null` in one reader, `None` in another,
    /// and the key was dropped in the third.
    #[test]
    fn keys_are_named_by_python_str_of_what_pyyaml_reads() {
        let text = "null: a\nfalse: b\n2: c\n1.5: d\nname: e\n";
        let want = ["None", "False", "2", "1.5", "name"];
        let Tree::Map(entries) = Tree::parse(text).unwrap() else {
            panic!()
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, want);
        let json = parse_tree(text).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = want.to_vec();
        keys.sort();
        sorted.sort();
        assert_eq!(keys, sorted);
        let doc = Doc::parse(text).unwrap();
        let meta = doc.to_meta();
        let keys: Vec<&str> = meta.keys().map(String::as_str).collect();
        assert_eq!(keys, sorted);
        assert_eq!(doc.str("None").unwrap(), "a");
        assert_eq!(doc.str("1.5").unwrap(), "d");
        // Kept on a rewrite, as the string of that name.
        let again = Doc::parse(&to_yaml(&meta)).unwrap().to_meta();
        assert_eq!(again, meta);
        // A nested mapping follows the same rule.
        let nested = "m: {null: 1, true: 2}\n";
        assert_eq!(parse_tree(nested).unwrap()["m"]["None"], 1);
        assert_eq!(parse_tree(nested).unwrap()["m"]["True"], 2);
        let meta = Doc::parse(nested).unwrap().to_meta();
        assert!(
            to_yaml(&meta).contains("{'None': 1, 'True': 2}"),
            "{}",
            to_yaml(&meta)
        );
        // Integers beyond i64 keep their value.
        assert_eq!(
            parse_tree("n: 18446744073709551615\n").unwrap()["n"],
            u64::MAX
        );
    }

    #[test]
    fn floats_in_yaml_1_1_form() {
        for (f, s) in [
            (1.5, "1.5"),
            (3.0, "3.0"),
            (1e-5, "1.0e-05"),
            (1e20, "1.0e+20"),
            (-2.5e-300, "-2.5e-300"),
            (f64::NAN, ".nan"),
            (f64::NEG_INFINITY, "-.inf"),
        ] {
            assert_eq!(yaml11_float(f), s);
        }
    }
}
