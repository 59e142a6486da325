//! Lexer and recursive-descent parser for filters and order-by clauses.
//!
//! One lexer and one grammar (comparisons joined by AND, OR, NOT and parentheses) serve two
//! subjects with different columns: runs (MLflow's `search_runs`) and experiments (MLflow's
//! `search_experiments`). What a column is, and which comparisons it takes, depends on the
//! subject; a wrong one is an error at its column, like any syntax error.

use super::dsl::{Cursor, Tok, entity, err, one_or};
pub use super::dsl::{Entity, Identifier, MAX_DEPTH, Op, ParseError};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Str(String),
    List(Vec<String>),
    None,
}

/// What a filter or an order-by searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject {
    Runs,
    Experiments,
    /// Registered models (MLflow's `search_registered_models`).
    Models,
    /// Model versions (MLflow's `search_model_versions`).
    Versions,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Cmp {
        ident: Identifier,
        op: Op,
        value: Value,
    },
    /// Every operand holds (two or more). A chain `a AND b AND c` is one node, so a long
    /// chain does not make a deep tree: only parentheses and NOT nest.
    And(Vec<Expr>),
    /// Some operand holds (two or more).
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    /// The columns a filter names, in order, once each.
    pub fn identifiers(&self) -> Vec<&Identifier> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Identifier>) {
            match e {
                Expr::Cmp { ident, .. } => {
                    if !out.contains(&ident) {
                        out.push(ident);
                    }
                }
                Expr::And(xs) | Expr::Or(xs) => {
                    for x in xs {
                        walk(x, out);
                    }
                }
                Expr::Not(a) => walk(a, out),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// For each metric, param and tag the filter names, a filter that finds the runs having
    /// it (`metrics.`acc` IS NOT NULL`): when none does, the key is most likely a typo.
    pub fn presence_probes(&self) -> Vec<(&Identifier, String)> {
        self.identifiers()
            .into_iter()
            .filter(|i| i.entity != Entity::Attribute)
            .map(|i| (i, format!("{} IS NOT NULL", i.to_filter())))
            .collect()
    }
}

/// One ORDER BY clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderBy {
    pub ident: Identifier,
    pub ascending: bool,
}

/// How a too-deep filter's error starts.
const NESTING: &str = "the filter nests parentheses and NOT";

/// The filter parser: the shared cursor, knowing what it searches.
type Parser = Cursor<Subject>;

impl Parser {
    fn parser(subject: Subject, input: &str) -> Result<Parser, ParseError> {
        Cursor::new(input, NESTING, subject)
    }

    /// Comparisons joined by AND and OR, AND binding tighter.
    fn or(&mut self) -> Result<Expr, ParseError> {
        let ors = self.and_or(Parser::not)?;
        let ors = ors.into_iter().map(|ands| one_or(ands, Expr::And));
        Ok(one_or(ors.collect(), Expr::Or))
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.prefixed(Parser::not)?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            return self.parenthesized(Parser::or, "expected ')'");
        }
        self.comparison()
    }

    fn identifier(&mut self) -> Result<Identifier, ParseError> {
        let Some(name) = self.name() else {
            return err(
                self.col(),
                match self.lang {
                    Subject::Runs => "expected a column such as metrics.loss, params.lr or status",
                    Subject::Experiments => {
                        "expected a column such as name, creation_time or tags.team"
                    }
                    Subject::Models => "expected name or tags.<key>",
                    Subject::Versions => {
                        "expected name, version_number, run_id, source_path or tags.<key>"
                    }
                },
            );
        };
        let name = name?;
        let Some(prefix) = &name.prefix else {
            return Ok(Identifier {
                entity: Entity::Attribute,
                key: self.attribute(&name.text, name.col)?,
            });
        };
        let entity = match (self.lang, entity(prefix)) {
            (Subject::Runs, e) => e,
            // MLflow's search_experiments takes `attribute.`; `attributes.` is mlt's, as for
            // runs. Experiments and models have no metrics or params.
            (_, Some(Entity::Tag)) => Some(Entity::Tag),
            (_, Some(Entity::Attribute))
                if matches!(
                    prefix.to_ascii_lowercase().as_str(),
                    "attribute" | "attributes"
                ) =>
            {
                Some(Entity::Attribute)
            }
            _ => None,
        };
        let Some(entity) = entity else {
            let first = prefix;
            return err(
                name.col,
                match self.lang {
                    Subject::Runs => {
                        format!(
                            "unknown entity '{first}' (use metrics, params, tags or attributes)"
                        )
                    }
                    Subject::Experiments => format!(
                        "unknown entity '{first}' (experiments have attributes and tags: \
                         use name, attribute.name or tags.<key>)"
                    ),
                    Subject::Models => format!(
                        "unknown entity '{first}' (registered models have a name and tags: \
                         use name or tags.<key>)"
                    ),
                    Subject::Versions => format!(
                        "unknown entity '{first}' (model versions have attributes and tags: \
                         use name, version_number, run_id, source_path or tags.<key>)"
                    ),
                },
            );
        };
        let key = if entity == Entity::Attribute {
            self.attribute(&name.text, name.key_col)?
        } else {
            name.text
        };
        Ok(Identifier { entity, key })
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let ident_col = self.col();
        let ident = self.identifier()?;
        if self.lang == Subject::Models && ident.entity == Entity::Attribute && ident.key != "name"
        {
            return err(
                ident_col,
                format!(
                    "registered models are filtered by name and tags, not {}",
                    ident.key
                ),
            );
        }
        if self.lang == Subject::Versions
            && ident.entity == Entity::Attribute
            && matches!(
                ident.key.as_str(),
                "creation_timestamp" | "last_updated_timestamp"
            )
        {
            return err(
                ident_col,
                format!(
                    "model versions are ordered by {} but not filtered by it",
                    ident.key
                ),
            );
        }
        let op_col = self.col();
        let tok = self.next_tok();
        let op = match tok {
            Some(t) if let Some(op) = Op::comparison(&t) => op,
            Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "like" => Op::Like,
                "ilike" => Op::ILike,
                "in" => Op::In,
                "not" if self.keyword("in") => {
                    self.pos += 1;
                    Op::NotIn
                }
                "is" => {
                    let not = self.keyword("not");
                    if not {
                        self.pos += 1;
                    }
                    if !self.keyword("null") {
                        return err(self.col(), "expected NULL after IS");
                    }
                    self.pos += 1;
                    let op = if not { Op::IsNotNull } else { Op::IsNull };
                    match self.lang {
                        Subject::Experiments => {
                            check_experiment(&ident, op, &Value::None, op_col, op_col)?
                        }
                        Subject::Models => check_model(&ident, op, &Value::None, op_col, op_col)?,
                        Subject::Versions => {
                            check_version(&ident, op, &Value::None, op_col, op_col)?
                        }
                        Subject::Runs => {}
                    }
                    return Ok(Expr::Cmp {
                        ident,
                        op,
                        value: Value::None,
                    });
                }
                _ => {
                    return err(
                        op_col,
                        format!("expected a comparison after {ident}, found '{w}'"),
                    );
                }
            },
            _ => {
                return err(
                    op_col,
                    format!(
                        "expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL) after {ident}"
                    ),
                );
            }
        };
        let val_col = self.col();
        let list = matches!(op, Op::In | Op::NotIn);
        let number = if list { None } else { self.signed_number() };
        let value = match (
            op,
            number.map_or_else(|| self.next_tok(), |n| Some(Tok::Number(n))),
        ) {
            (Op::In | Op::NotIn, Some(Tok::LParen)) => {
                let mut items = Vec::new();
                loop {
                    let item_col = self.col();
                    if let Some(n) = self.signed_number() {
                        // An 18-digit experiment id would lose digits as a number.
                        if self.lang == Subject::Experiments
                            && ident.entity == Entity::Attribute
                            && ident.key == "experiment_id"
                        {
                            return err(item_col, "quote the ids: ('0', '1')");
                        }
                        items.push(n.to_string());
                    } else if let Some(Tok::Quoted(s, _)) = self.next_tok() {
                        items.push(s);
                    } else {
                        return err(
                            self.col().saturating_sub(1).max(1),
                            "expected a quoted value in the list",
                        );
                    }
                    match self.next_tok() {
                        Some(Tok::Comma) => continue,
                        Some(Tok::RParen) => break,
                        _ => {
                            return err(
                                self.col().saturating_sub(1).max(1),
                                "expected ',' or ')' in the list",
                            );
                        }
                    }
                }
                Value::List(items)
            }
            (Op::In | Op::NotIn, _) => return err(val_col, "expected a list like ('a', 'b')"),
            (_, Some(Tok::Number(n))) => Value::Number(n),
            (_, Some(Tok::Quoted(s, _))) => Value::Str(s),
            (_, Some(Tok::Word(w))) => {
                return err(
                    val_col,
                    format!("value '{w}' must be quoted ('{w}') or a number"),
                );
            }
            _ => return err(val_col, "expected a value"),
        };
        match self.lang {
            Subject::Runs => check_kinds(&ident, op, &value, val_col)?,
            Subject::Experiments => check_experiment(&ident, op, &value, op_col, val_col)?,
            Subject::Models => check_model(&ident, op, &value, op_col, val_col)?,
            Subject::Versions => check_version(&ident, op, &value, op_col, val_col)?,
        }
        Ok(Expr::Cmp { ident, op, value })
    }

    /// The canonical name of an attribute of the subject.
    fn attribute(&self, name: &str, col: usize) -> Result<String, ParseError> {
        match self.lang {
            Subject::Runs => attribute(name, col),
            Subject::Experiments => experiment_attribute(name, col),
            Subject::Models => match name {
                "name" | "creation_timestamp" | "last_updated_timestamp" => Ok(name.to_string()),
                _ => err(
                    col,
                    format!(
                        "unknown attribute '{name}' (registered models: name, and \
                         creation_timestamp or last_updated_timestamp to order by)"
                    ),
                ),
            },
            Subject::Versions => match name {
                "name"
                | "version_number"
                | "run_id"
                | "source_path"
                | "creation_timestamp"
                | "last_updated_timestamp" => Ok(name.to_string()),
                _ => err(
                    col,
                    format!(
                        "unknown attribute '{name}' (model versions: name, version_number, \
                         run_id, source_path, and creation_timestamp or last_updated_timestamp \
                         to order by)"
                    ),
                ),
            },
        }
    }
}

/// MLflow's run attributes, with their aliases.
fn attribute(name: &str, col: usize) -> Result<String, ParseError> {
    let canonical = match name {
        "run_id" | "run_name" | "status" | "start_time" | "end_time" | "artifact_uri"
        | "user_id" | "experiment_id" => name,
        "created" | "Created" => "start_time",
        "run name" | "Run name" | "Run Name" => "run_name",
        _ => {
            return err(
                col,
                format!(
                    "unknown attribute '{name}' (attributes: run_id, run_name, status, \
                     start_time, end_time, artifact_uri, user_id, experiment_id)"
                ),
            );
        }
    };
    Ok(canonical.to_string())
}

/// MLflow's searchable experiment attributes (`SearchExperimentsUtils.VALID_SEARCH_ATTRIBUTE_KEYS`,
/// also its order-by keys). They have no aliases, and are case-sensitive as in MLflow.
fn experiment_attribute(name: &str, col: usize) -> Result<String, ParseError> {
    match name {
        "name" | "experiment_id" | "creation_time" | "last_update_time" => Ok(name.to_string()),
        _ => err(
            col,
            format!(
                "unknown attribute '{name}' (experiment attributes: name, experiment_id, \
                 creation_time, last_update_time)"
            ),
        ),
    }
}

fn is_numeric_attribute(key: &str) -> bool {
    matches!(key, "start_time" | "end_time")
}

fn check_kinds(ident: &Identifier, op: Op, value: &Value, col: usize) -> Result<(), ParseError> {
    let text_op = matches!(op, Op::Like | Op::ILike);
    match ident.entity {
        Entity::Metric => {
            if !matches!(value, Value::Number(_)) {
                return err(
                    col,
                    format!("{ident} is a metric: compare it with a number"),
                );
            }
            if text_op {
                return err(col, format!("LIKE does not apply to metric {ident}"));
            }
        }
        Entity::Param | Entity::Tag => {
            if text_op && !matches!(value, Value::Str(_)) {
                return err(col, "LIKE needs a quoted pattern");
            }
        }
        Entity::Attribute if is_numeric_attribute(&ident.key) => {
            if !matches!(value, Value::Number(_)) {
                return err(
                    col,
                    format!(
                        "{} is a time in milliseconds: compare it with a number",
                        ident.key
                    ),
                );
            }
        }
        Entity::Attribute => {
            if matches!(value, Value::Number(_)) {
                return err(col, format!("{} is text: quote the value", ident.key));
            }
            if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) {
                return err(
                    col,
                    format!("{} is text: use =, !=, LIKE, ILIKE or IN", ident.key),
                );
            }
        }
    }
    Ok(())
}

/// The comparisons MLflow's `SearchExperimentsUtils` allows:
///
/// - `name`: `= != LIKE ILIKE`, with a quoted value;
/// - `experiment_id`: the same, and `IN`, `NOT IN` with a list of quoted ids
///   (`LIST_SUPPORTED_KEYS`);
/// - `creation_time`, `last_update_time`: `= != < <= > >=`, with a number;
/// - `tags.<key>`: `= != LIKE ILIKE` with a quoted value, and `IS NULL`, `IS NOT NULL`
///   (`VALID_TAG_COMPARATORS`); attributes take no `IS NULL`.
///
/// A wrong comparison points at the operator, a wrong value at the value.
fn check_experiment(
    ident: &Identifier,
    op: Op,
    value: &Value,
    op_col: usize,
    val_col: usize,
) -> Result<(), ParseError> {
    let key = &ident.key;
    match ident.entity {
        Entity::Tag => {
            if !matches!(
                op,
                Op::Eq | Op::Ne | Op::Like | Op::ILike | Op::IsNull | Op::IsNotNull
            ) {
                return err(
                    op_col,
                    format!("{ident} is a tag: use =, !=, LIKE, ILIKE, IS NULL or IS NOT NULL"),
                );
            }
            if !matches!(value, Value::Str(_) | Value::None) {
                return err(val_col, format!("{ident} is a tag: quote the value"));
            }
        }
        _ if matches!(op, Op::IsNull | Op::IsNotNull) => {
            return err(
                op_col,
                format!("IS NULL applies to tags only, not to the attribute {key}"),
            );
        }
        _ if is_numeric_experiment_attribute(key) => {
            if !matches!(op, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge) {
                return err(
                    op_col,
                    format!("{key} is a time in milliseconds: use =, !=, <, <=, > or >="),
                );
            }
            if !matches!(value, Value::Number(_)) {
                return err(
                    val_col,
                    format!("{key} is a time in milliseconds: compare it with a number"),
                );
            }
        }
        _ => {
            let lists = key == "experiment_id";
            if matches!(op, Op::In | Op::NotIn) && !lists {
                return err(op_col, format!("only experiment_id takes IN, not {key}"));
            }
            if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) {
                return err(
                    op_col,
                    format!(
                        "{key} is text: use =, !=, LIKE, ILIKE{}",
                        if lists { ", IN or NOT IN" } else { "" }
                    ),
                );
            }
            if matches!(value, Value::Number(_)) {
                return err(val_col, format!("{key} is text: quote the value"));
            }
        }
    }
    Ok(())
}

/// The comparisons MLflow's `SearchModelUtils` allows: `name` with `= != LIKE ILIKE IN NOT IN`
/// and a quoted value (or a list), `tags.<key>` with `= != LIKE ILIKE` and a quoted value.
/// The timestamps order registered models but cannot filter them.
fn check_model(
    ident: &Identifier,
    op: Op,
    value: &Value,
    op_col: usize,
    val_col: usize,
) -> Result<(), ParseError> {
    let name = ident.entity == Entity::Attribute;
    let allowed = match op {
        Op::Eq | Op::Ne | Op::Like | Op::ILike => true,
        Op::In | Op::NotIn => name,
        _ => false,
    };
    if !allowed {
        return err(
            op_col,
            if name {
                "name takes =, !=, LIKE, ILIKE, IN or NOT IN".to_string()
            } else {
                format!("{ident} is a tag: use =, !=, LIKE or ILIKE")
            },
        );
    }
    if !matches!(value, Value::Str(_) | Value::List(_)) {
        return err(val_col, format!("{ident} is text: quote the value"));
    }
    Ok(())
}

/// The comparisons MLflow's `SearchModelVersionUtils` allows: `name`, `run_id` and
/// `source_path` with `= != LIKE ILIKE` and a quoted value (`name` and `run_id` also `IN`,
/// `NOT IN` with a list), `version_number` with `= != < <= > >=` and a number, `tags.<key>`
/// with `= != LIKE ILIKE` and a quoted value. The timestamps order versions but cannot filter
/// them.
fn check_version(
    ident: &Identifier,
    op: Op,
    value: &Value,
    op_col: usize,
    val_col: usize,
) -> Result<(), ParseError> {
    let key = ident.key.as_str();
    if ident.entity == Entity::Tag {
        if !matches!(op, Op::Eq | Op::Ne | Op::Like | Op::ILike) {
            return err(
                op_col,
                format!("{ident} is a tag: use =, !=, LIKE or ILIKE"),
            );
        }
        if !matches!(value, Value::Str(_)) {
            return err(val_col, format!("{ident} is a tag: quote the value"));
        }
        return Ok(());
    }
    match key {
        "version_number" => {
            if !matches!(op, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge) {
                return err(op_col, "version_number takes =, !=, <, <=, > or >=");
            }
            let integer = match value {
                Value::Number(n) => n.fract() == 0.0,
                Value::Str(s) => s.trim().parse::<i64>().is_ok(),
                _ => false,
            };
            if !integer {
                return err(val_col, "version_number is compared with a whole number");
            }
            Ok(())
        }
        _ => {
            let lists = matches!(key, "name" | "run_id");
            let allowed = match op {
                Op::Eq | Op::Ne | Op::Like | Op::ILike => true,
                Op::In | Op::NotIn => lists,
                _ => false,
            };
            if !allowed {
                return err(
                    op_col,
                    format!(
                        "{key} is text: use =, !=, LIKE, ILIKE{}",
                        if lists { ", IN or NOT IN" } else { "" }
                    ),
                );
            }
            if !matches!(value, Value::Str(_) | Value::List(_)) {
                return err(val_col, format!("{key} is text: quote the value"));
            }
            Ok(())
        }
    }
}

fn is_numeric_experiment_attribute(key: &str) -> bool {
    matches!(key, "creation_time" | "last_update_time")
}

fn parse(subject: Subject, input: &str) -> Result<Option<Expr>, ParseError> {
    let mut p = Parser::parser(subject, input)?;
    if p.is_empty() {
        return Ok(None);
    }
    let e = p.or()?;
    if !p.at_end() {
        return err(p.col(), "expected AND, OR or the end of the filter");
    }
    Ok(Some(e))
}

/// Parses a run filter (MLflow's `search_runs`). An empty filter is `None` (every run matches).
pub fn parse_filter(input: &str) -> Result<Option<Expr>, ParseError> {
    parse(Subject::Runs, input)
}

/// Parses an experiment filter (MLflow's `search_experiments`): the attributes `name`,
/// `experiment_id`, `creation_time` and `last_update_time`, and `tags.<key>`. An empty filter
/// is `None` (every experiment matches).
pub fn parse_experiment_filter(input: &str) -> Result<Option<Expr>, ParseError> {
    parse(Subject::Experiments, input)
}

/// Parses a registered-model filter (MLflow's `search_registered_models`): `name` and
/// `tags.<key>`. An empty filter is `None`.
pub fn parse_model_filter(input: &str) -> Result<Option<Expr>, ParseError> {
    parse(Subject::Models, input)
}

/// Parses a model-version filter (MLflow's `search_model_versions`): `name`,
/// `version_number`, `run_id`, `source_path` and `tags.<key>`. An empty filter is `None`.
pub fn parse_version_filter(input: &str) -> Result<Option<Expr>, ParseError> {
    parse(Subject::Versions, input)
}

/// Parses one `ORDER BY` clause for model versions: `name`, `version_number`,
/// `creation_timestamp` or `last_updated_timestamp`, and `ASC` or `DESC`.
pub fn parse_version_order_by(input: &str) -> Result<OrderBy, ParseError> {
    order_by(Subject::Versions, input)
}

/// Parses one `ORDER BY` clause for registered models: `name`, `creation_timestamp` or
/// `last_updated_timestamp`, and `ASC` or `DESC`.
pub fn parse_model_order_by(input: &str) -> Result<OrderBy, ParseError> {
    order_by(Subject::Models, input)
}

/// Parses one `ORDER BY` clause for runs: `<identifier> [ASC|DESC]`.
pub fn parse_order_by(input: &str) -> Result<OrderBy, ParseError> {
    order_by(Subject::Runs, input)
}

/// Parses one `ORDER BY` clause for experiments: an attribute (`name`, `experiment_id`,
/// `creation_time`, `last_update_time`) and `ASC` or `DESC`. MLflow cannot order experiments
/// by tag.
pub fn parse_experiment_order_by(input: &str) -> Result<OrderBy, ParseError> {
    order_by(Subject::Experiments, input)
}

fn order_by(subject: Subject, input: &str) -> Result<OrderBy, ParseError> {
    let mut p = Parser::parser(subject, input)?;
    let col = p.col();
    let ident = p.identifier()?;
    if subject == Subject::Experiments && ident.entity != Entity::Attribute {
        return err(
            col,
            "experiments are ordered by name, experiment_id, creation_time or last_update_time",
        );
    }
    if subject == Subject::Models && ident.entity != Entity::Attribute {
        return err(
            col,
            "registered models are ordered by name, creation_timestamp or last_updated_timestamp",
        );
    }
    if subject == Subject::Versions
        && (ident.entity != Entity::Attribute
            || matches!(ident.key.as_str(), "run_id" | "source_path"))
    {
        return err(
            col,
            "model versions are ordered by name, version_number, creation_timestamp or \
             last_updated_timestamp",
        );
    }
    let ascending = if p.eat_keyword("desc") {
        false
    } else {
        p.eat_keyword("asc");
        true
    };
    if !p.at_end() {
        return err(p.col(), "expected ASC, DESC or the end of the clause");
    }
    Ok(OrderBy { ident, ascending })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(entity: Entity, key: &str, op: Op, value: Value) -> Expr {
        Expr::Cmp {
            ident: Identifier {
                entity,
                key: key.into(),
            },
            op,
            value,
        }
    }

    #[test]
    fn mlflow_filters() {
        let e = parse_filter("metrics.acc > 0.9 and params.lr = '0.01'")
            .unwrap()
            .unwrap();
        assert_eq!(
            e,
            Expr::And(vec![
                cmp(Entity::Metric, "acc", Op::Gt, Value::Number(0.9)),
                cmp(Entity::Param, "lr", Op::Eq, Value::Str("0.01".into()))
            ])
        );
        let e = parse_filter("tags.`a b` LIKE 'x%'").unwrap().unwrap();
        assert_eq!(
            e,
            cmp(Entity::Tag, "a b", Op::Like, Value::Str("x%".into()))
        );
        let e = parse_filter("tags.\"a.b\" IS NOT NULL").unwrap().unwrap();
        assert_eq!(e, cmp(Entity::Tag, "a.b", Op::IsNotNull, Value::None));
        let e = parse_filter("metrics.a.b <= -1e3").unwrap().unwrap();
        assert_eq!(
            e,
            cmp(Entity::Metric, "a.b", Op::Le, Value::Number(-1000.0))
        );
        let e = parse_filter("attributes.run_id IN ('a', 'b')")
            .unwrap()
            .unwrap();
        assert_eq!(
            e,
            cmp(
                Entity::Attribute,
                "run_id",
                Op::In,
                Value::List(vec!["a".into(), "b".into()])
            )
        );
        let e = parse_filter("`Run Name` = 'x'").unwrap().unwrap();
        assert_eq!(
            e,
            cmp(
                Entity::Attribute,
                "run_name",
                Op::Eq,
                Value::Str("x".into())
            )
        );
        let e = parse_filter("created >= 5").unwrap().unwrap();
        assert_eq!(
            e,
            cmp(Entity::Attribute, "start_time", Op::Ge, Value::Number(5.0))
        );
        let e = parse_filter("metric.train/loss < 1").unwrap().unwrap();
        assert_eq!(
            e,
            cmp(Entity::Metric, "train/loss", Op::Lt, Value::Number(1.0))
        );
        assert_eq!(parse_filter("  ").unwrap(), None);
    }

    #[test]
    fn or_not_and_parentheses() {
        let e = parse_filter("not (status = 'FAILED' or metrics.x < 1) and params.p != 'a'")
            .unwrap()
            .unwrap();
        match e {
            Expr::And(xs) => assert!(matches!(xs[0], Expr::Not(_))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = parse_filter("metrics.acc > ").unwrap_err();
        assert_eq!((e.column, e.message.as_str()), (15, "expected a value"));
        let e = parse_filter("params.lr = 0.01 and status = FINISHED").unwrap_err();
        assert_eq!(e.column, 31);
        assert!(e.message.contains("must be quoted"), "{e}");
        let e = parse_filter("metrics.acc = 'high'").unwrap_err();
        assert_eq!(e.column, 15);
        let e = parse_filter("foo.bar = 'x'").unwrap_err();
        assert_eq!(e.column, 1);
        let e = parse_filter("(metrics.a > 1").unwrap_err();
        assert_eq!((e.column, e.message.as_str()), (15, "expected ')'"));
        let e = parse_filter("tags.t = 'unclosed").unwrap_err();
        assert_eq!(e.column, 10);
        let e = parse_filter("metrics.a > 1 metrics.b > 2").unwrap_err();
        assert_eq!(e.column, 15);
    }

    #[test]
    fn experiment_filters() {
        let f = |s: &str| parse_experiment_filter(s).unwrap().unwrap();
        assert_eq!(
            f("name = 'a'"),
            cmp(Entity::Attribute, "name", Op::Eq, Value::Str("a".into()))
        );
        // MLflow's `attribute.` prefix, mlt's `attributes.`, quoted names, `tag.`.
        for s in [
            "attribute.name = 'a'",
            "attributes.name = 'a'",
            "`name` = 'a'",
            "\"name\" = \"a\"",
        ] {
            assert_eq!(f(s), f("name = 'a'"), "{s}");
        }
        assert_eq!(
            f("tag.`a b` IS NULL"),
            cmp(Entity::Tag, "a b", Op::IsNull, Value::None)
        );
        assert_eq!(
            f("experiment_id NOT IN ('0', '1')"),
            cmp(
                Entity::Attribute,
                "experiment_id",
                Op::NotIn,
                Value::List(vec!["0".into(), "1".into()])
            )
        );
        assert_eq!(
            f("creation_time >= 1.5e3"),
            cmp(
                Entity::Attribute,
                "creation_time",
                Op::Ge,
                Value::Number(1500.0)
            )
        );
        for ok in [
            "name != 'a' or name LIKE 'a%' and not name ILIKE 'B%'",
            "experiment_id = '0' or experiment_id LIKE '8%' or experiment_id IN ('1')",
            "creation_time = 1 and creation_time != 1 and last_update_time < 1",
            "last_update_time <= 1 or last_update_time > 1 or (creation_time >= 1)",
            "tags.t = 'x' or tags.t != 'x' or tags.t LIKE 'x' or tags.t ILIKE 'x'",
            "tags.t IS NOT NULL",
        ] {
            assert!(parse_experiment_filter(ok).is_ok(), "{ok}");
        }
        assert_eq!(parse_experiment_filter("").unwrap(), None);
    }

    #[test]
    fn experiment_filter_errors_point_at_the_column() {
        let e = |s: &str| {
            let e = parse_experiment_filter(s).unwrap_err();
            format!("{e}")
        };
        // Columns of runs are not columns of experiments.
        assert_eq!(
            e("metrics.acc > 1"),
            "column 1: unknown entity 'metrics' (experiments have attributes and tags: use \
             name, attribute.name or tags.<key>)"
        );
        assert_eq!(
            e("attr.name = 'a'"),
            e("metrics.acc > 1").replace("metrics", "attr")
        );
        assert_eq!(
            e("tags.t = 'a' and status = 'x'"),
            "column 18: unknown attribute 'status' (experiment attributes: name, \
             experiment_id, creation_time, last_update_time)"
        );
        assert!(e("Name = 'a'").starts_with("column 1: unknown attribute 'Name'"));
        // Operators: at the operator.
        assert_eq!(
            e("name < 'b'"),
            "column 6: name is text: use =, !=, LIKE, ILIKE"
        );
        assert_eq!(
            e("experiment_id >= '1'"),
            "column 15: experiment_id is text: use =, !=, LIKE, ILIKE, IN or NOT IN"
        );
        assert_eq!(
            e("name IN ('a')"),
            "column 6: only experiment_id takes IN, not name"
        );
        assert_eq!(
            e("creation_time LIKE 5"),
            "column 15: creation_time is a time in milliseconds: use =, !=, <, <=, > or >="
        );
        assert_eq!(
            e("last_update_time IN (1)"),
            "column 18: last_update_time is a time in milliseconds: use =, !=, <, <=, > or >="
        );
        assert_eq!(
            e("tags.t > 'a'"),
            "column 8: tags.t is a tag: use =, !=, LIKE, ILIKE, IS NULL or IS NOT NULL"
        );
        assert_eq!(
            e("name IS NULL"),
            "column 6: IS NULL applies to tags only, not to the attribute name"
        );
        assert_eq!(
            e("creation_time IS NOT NULL"),
            "column 15: IS NULL applies to tags only, not to the attribute creation_time"
        );
        // Values: at the value.
        assert_eq!(
            e("creation_time > '5'"),
            "column 17: creation_time is a time in milliseconds: compare it with a number"
        );
        assert_eq!(e("name = 5"), "column 8: name is text: quote the value");
        assert_eq!(
            e("experiment_id = 0"),
            "column 17: experiment_id is text: quote the value"
        );
        assert_eq!(
            e("tags.t = 5"),
            "column 10: tags.t is a tag: quote the value"
        );
        assert_eq!(
            e("experiment_id IN ('1', 2)"),
            "column 24: quote the ids: ('0', '1')"
        );
        // The shared grammar's errors.
        assert_eq!(e("name = 'a"), "column 8: unclosed '");
        assert_eq!(e("(name = 'a'"), "column 12: expected ')'");
        assert_eq!(
            e("= 'a'"),
            "column 1: expected a column such as name, creation_time or tags.team"
        );
    }

    #[test]
    fn experiment_order_by() {
        let o = |s: &str| parse_experiment_order_by(s).unwrap();
        for key in ["name", "experiment_id", "creation_time", "last_update_time"] {
            assert_eq!(o(key).ident.key, key);
            assert!(o(key).ascending);
        }
        assert!(!o("attribute.name DESC").ascending);
        assert!(o("`name` asc").ascending);
        let e = parse_experiment_order_by("tags.team").unwrap_err();
        assert_eq!(
            format!("{e}"),
            "column 1: experiments are ordered by name, experiment_id, creation_time or \
             last_update_time"
        );
        let e = parse_experiment_order_by("name sideways").unwrap_err();
        assert_eq!(e.column, 6);
        let e = parse_experiment_order_by("start_time").unwrap_err();
        assert!(
            e.message.starts_with("unknown attribute 'start_time'"),
            "{e}"
        );
        // Runs keep their own columns.
        assert!(parse_order_by("start_time").is_ok());
        assert!(parse_order_by("name").is_err());
    }

    #[test]
    fn identifiers_are_listed_once_in_order() {
        let e = parse_filter("metrics.a > 1 or (params.b = 'x' and not metrics.a < 0)")
            .unwrap()
            .unwrap();
        let names: Vec<String> = e.identifiers().iter().map(|i| i.to_string()).collect();
        assert_eq!(names, ["metrics.a", "params.b"]);
    }

    #[test]
    fn order_by() {
        assert_eq!(
            parse_order_by("metrics.loss DESC").unwrap(),
            OrderBy {
                ident: Identifier {
                    entity: Entity::Metric,
                    key: "loss".into()
                },
                ascending: false
            }
        );
        assert!(parse_order_by("start_time asc").unwrap().ascending);
        assert!(parse_order_by("metrics.loss sideways").is_err());
    }
}
