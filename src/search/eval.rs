//! Evaluating filters on runs and experiments, and ordering them, with MLflow's meaning: a
//! metric is its latest value, a missing key matches nothing (but `IS NULL`), and NaN then
//! missing values sort last.

use super::parse::{Entity, Expr, Identifier, Op, OrderBy, Value};
use crate::entities::{Experiment, RegisteredModel, Run};
use std::cmp::Ordering;

pub(super) enum Field<'a> {
    Num(f64),
    Text(&'a str),
    Missing,
}

fn field<'a>(run: &'a Run, ident: &Identifier) -> Field<'a> {
    match ident.entity {
        Entity::Metric => run
            .metrics
            .get(&ident.key)
            .map_or(Field::Missing, |p| Field::Num(p.value)),
        Entity::Param => run
            .params
            .get(&ident.key)
            .map_or(Field::Missing, |v| Field::Text(v)),
        Entity::Tag => run
            .tags
            .get(&ident.key)
            .map_or(Field::Missing, |v| Field::Text(v)),
        Entity::Attribute => {
            let i = &run.info;
            match ident.key.as_str() {
                "run_id" => Field::Text(&i.run_id),
                "run_name" => Field::Text(&i.run_name),
                "status" => Field::Text(i.status.as_str()),
                "user_id" => Field::Text(&i.user_id),
                "artifact_uri" => Field::Text(&i.artifact_uri),
                "experiment_id" => Field::Text(&i.experiment_id),
                "start_time" => Field::Num(i.start_time as f64),
                "end_time" => i.end_time.map_or(Field::Missing, |t| Field::Num(t as f64)),
                _ => Field::Missing,
            }
        }
    }
}

fn numeric(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

/// SQL LIKE: `%` is any run of characters, `_` one character.
pub fn like(text: &str, pattern: &str, case_insensitive: bool) -> bool {
    let (t, p): (Vec<char>, Vec<char>) = if case_insensitive {
        (
            text.to_lowercase().chars().collect(),
            pattern.to_lowercase().chars().collect(),
        )
    } else {
        (text.chars().collect(), pattern.chars().collect())
    };
    // Iterative wildcard matching with backtracking to the last '%'.
    let (mut ti, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || (p[pi] != '%' && p[pi] == t[ti])) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '%')
}

fn eval_cmp(run: &Run, ident: &Identifier, op: Op, value: &Value) -> bool {
    let f = field(run, ident);
    match op {
        Op::IsNull => return matches!(f, Field::Missing),
        Op::IsNotNull => return !matches!(f, Field::Missing),
        _ => {}
    }
    eval_field(f, op, value)
}

/// One comparison of a present or missing field with a value (not `IS [NOT] NULL`).
pub(super) fn eval_field(f: Field, op: Op, value: &Value) -> bool {
    match (f, value) {
        (Field::Missing, _) => false,
        (Field::Num(x), Value::Number(y)) => op.holds(x.partial_cmp(y)),
        (Field::Num(x), Value::Str(s)) => match numeric(s) {
            Some(y) => op.holds(x.partial_cmp(&y)),
            None => false,
        },
        (Field::Text(t), Value::Number(y)) => match numeric(t) {
            Some(x) => op.holds(x.partial_cmp(y)),
            None => false,
        },
        (Field::Text(t), Value::Str(s)) => match op {
            Op::Like => like(t, s, false),
            Op::ILike => like(t, s, true),
            Op::Eq | Op::Ne => op.holds(Some(t.cmp(s.as_str()))),
            // Order comparisons are numeric when both sides are numbers (`params.lr < '0.01'`).
            _ => match (numeric(t), numeric(s)) {
                (Some(x), Some(y)) => op.holds(x.partial_cmp(&y)),
                _ => op.holds(Some(t.cmp(s.as_str()))),
            },
        },
        (Field::Text(t), Value::List(items)) => {
            let found = items.iter().any(|i| i == t);
            if op == Op::In { found } else { !found }
        }
        (Field::Num(x), Value::List(items)) => {
            let found = items.iter().any(|i| numeric(i) == Some(x));
            if op == Op::In { found } else { !found }
        }
        (_, Value::None) => false,
    }
}

/// Whether a run matches a filter.
pub fn matches(expr: &Expr, run: &Run) -> bool {
    match expr {
        Expr::Cmp { ident, op, value } => eval_cmp(run, ident, *op, value),
        Expr::And(xs) => xs.iter().all(|x| matches(x, run)),
        Expr::Or(xs) => xs.iter().any(|x| matches(x, run)),
        Expr::Not(e) => !matches(e, run),
    }
}

/// An experiment's column: `name`, `experiment_id`, `creation_time`, `last_update_time` or a tag.
/// The times are missing in experiments written by old MLflow versions.
fn experiment_field<'a>(e: &'a Experiment, ident: &Identifier) -> Field<'a> {
    let time = |t: Option<i64>| t.map_or(Field::Missing, |t| Field::Num(t as f64));
    match ident.entity {
        Entity::Tag => e
            .tags
            .get(&ident.key)
            .map_or(Field::Missing, |v| Field::Text(v)),
        Entity::Attribute => match ident.key.as_str() {
            "name" => Field::Text(&e.name),
            "experiment_id" => Field::Text(&e.experiment_id),
            "creation_time" => time(e.creation_time),
            "last_update_time" => time(e.last_update_time),
            _ => Field::Missing,
        },
        Entity::Metric | Entity::Param => Field::Missing,
    }
}

/// Whether an experiment matches a filter from `parse_experiment_filter`, as in MLflow's
/// `SearchExperimentsUtils._does_experiment_match_clause`: a missing tag matches only
/// `IS NULL`. A missing time is Python's `None` there, which only `!=` matches (`<` and `>`
/// raise a TypeError in MLflow; here they do not match).
pub fn matches_experiment(expr: &Expr, e: &Experiment) -> bool {
    match expr {
        Expr::Cmp { ident, op, value } => {
            let f = experiment_field(e, ident);
            match op {
                Op::IsNull => matches!(f, Field::Missing),
                Op::IsNotNull => !matches!(f, Field::Missing),
                Op::Ne if ident.entity == Entity::Attribute && matches!(f, Field::Missing) => true,
                _ => eval_field(f, *op, value),
            }
        }
        Expr::And(xs) => xs.iter().all(|x| matches_experiment(x, e)),
        Expr::Or(xs) => xs.iter().any(|x| matches_experiment(x, e)),
        Expr::Not(x) => !matches_experiment(x, e),
    }
}

/// Sorts experiments as MLflow's file store does (`SearchExperimentsUtils.sort`). Without
/// clauses: `creation_time DESC, experiment_id ASC`. With clauses: those, then
/// `experiment_id DESC` as the tie-breaker unless a clause names `experiment_id`. Ids and
/// names compare as text (`"10" < "9"`), and a missing time sorts last in either direction.
pub fn sort_experiments(exps: &mut [Experiment], order_by: &[OrderBy]) {
    let mut keys: Vec<(&str, bool)> = order_by
        .iter()
        .map(|o| (o.ident.key.as_str(), o.ascending))
        .collect();
    if keys.is_empty() {
        keys = vec![("creation_time", false), ("experiment_id", true)];
    } else if !keys.iter().any(|(k, _)| *k == "experiment_id") {
        keys.push(("experiment_id", false));
    }
    exps.sort_by(|a, b| {
        for &(key, ascending) in &keys {
            let ord = match key {
                "name" => missing_last(Some(&a.name), Some(&b.name), ascending),
                "experiment_id" => {
                    missing_last(Some(&a.experiment_id), Some(&b.experiment_id), ascending)
                }
                "creation_time" => missing_last(a.creation_time, b.creation_time, ascending),
                _ => missing_last(a.last_update_time, b.last_update_time, ascending),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    });
}

/// MLflow's `_Sorter`: `None` is greater than everything in either direction.
fn missing_last<T: Ord>(a: Option<T>, b: Option<T>, ascending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if ascending => x.cmp(&y),
        (Some(x), Some(y)) => y.cmp(&x),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// Where a value goes in MLflow's run order (`SearchUtils._get_value_for_sort`): values
/// first, then NaN, then missing, in either direction.
fn sort_rank(f: &Field) -> u8 {
    match f {
        Field::Num(x) if x.is_nan() => 1,
        Field::Missing => 2,
        _ => 0,
    }
}

/// Two values of one column (neither NaN nor missing) in ascending order: numbers as numbers,
/// text as Python compares `str`, by code point, even when it looks like a number (a param
/// `"10"` comes before `"9"`, as in MLflow).
fn value_cmp(a: &Field, b: &Field) -> Ordering {
    match (a, b) {
        (Field::Num(x), Field::Num(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Field::Text(x), Field::Text(y)) => x.cmp(y),
        (Field::Num(_), _) => Ordering::Less,
        (_, Field::Num(_)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// Sorts runs as MLflow does (`SearchUtils.sort`): `start_time DESC, run_id ASC` first, then
/// each clause as a stable sort from the last to the first. In each clause the values come in
/// its direction, then NaN, then missing values, in either direction.
pub fn sort_runs(runs: &mut [Run], order_by: &[OrderBy]) {
    runs.sort_by(|a, b| {
        b.info
            .start_time
            .cmp(&a.info.start_time)
            .then_with(|| a.info.run_id.cmp(&b.info.run_id))
    });
    for o in order_by.iter().rev() {
        runs.sort_by(|a, b| {
            let (fa, fb) = (field(a, &o.ident), field(b, &o.ident));
            sort_rank(&fa).cmp(&sort_rank(&fb)).then_with(|| {
                let ord = value_cmp(&fa, &fb);
                if o.ascending { ord } else { ord.reverse() }
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_filter, parse_order_by};
    use super::*;

    fn run(id: &str, start: i64, metrics: &[(&str, f64)], params: &[(&str, &str)]) -> Run {
        crate::entities::test_run(id, start, metrics, params)
    }

    fn ids(runs: &[Run], filter: &str) -> Vec<String> {
        let e = parse_filter(filter).unwrap().unwrap();
        runs.iter()
            .filter(|r| matches(&e, r))
            .map(|r| r.info.run_id.clone())
            .collect()
    }

    /// Runs `f` on a thread with a stack an eighth of a reader thread's (2 MiB).
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn nesting_is_bounded_and_the_bound_fits_a_small_stack() {
        use crate::search::{MAX_DEPTH, parse_experiment_filter, parse_model_filter};
        on_small_stack(|| {
            let r = run("a", 1, &[("loss", 0.5)], &[]);
            let deepest = format!(
                "{}{}metrics.loss > 0{}",
                "not not ".repeat(MAX_DEPTH / 4),
                "(".repeat(MAX_DEPTH / 2),
                ")".repeat(MAX_DEPTH / 2)
            );
            let e = parse_filter(&deepest).unwrap().unwrap();
            assert!(matches(&e, &r));
            // A long chain is one node, not a deep tree.
            let chain = vec!["metrics.loss > 0"; 50_000].join(" and ");
            assert!(matches(&parse_filter(&chain).unwrap().unwrap(), &r));
            let chain = vec!["metrics.loss < 0"; 50_000].join(" or ");
            assert!(!matches(&parse_filter(&chain).unwrap().unwrap(), &r));
        });
        let parens = format!("{}metrics.loss > 0{}", "(".repeat(7400), ")".repeat(7400));
        let nots = format!("{}metrics.loss > 0", "not ".repeat(30_000));
        let one_over = format!("{}metrics.loss > 0", "not ".repeat(MAX_DEPTH + 1));
        for f in [&parens, &nots, &one_over] {
            let e = parse_filter(f).unwrap_err();
            assert!(e.message.contains("more than 100 deep"), "{e}");
        }
        let e = parse_filter(&parens).unwrap_err();
        assert_eq!(e.column, MAX_DEPTH + 1);
        let exp = format!("{}name = 'x'{}", "(".repeat(7400), ")".repeat(7400));
        assert!(parse_experiment_filter(&exp).is_err());
        assert!(parse_model_filter(&exp).is_err());
        assert!(parse_model_filter(&format!("{}name = 'x'", "not ".repeat(30_000))).is_err());
    }

    #[test]
    fn filters() {
        let runs = vec![
            run(
                "a",
                1,
                &[("acc", 0.9), ("loss", 0.1)],
                &[("lr", "0.01"), ("opt", "Adam")],
            ),
            run(
                "b",
                2,
                &[("acc", 0.4), ("loss", f64::NAN)],
                &[("lr", "0.1"), ("opt", "sgd")],
            ),
            run("c", 3, &[], &[("lr", "1e-3")]),
        ];
        assert_eq!(
            ids(&runs, "metrics.acc > 0.5 and params.lr = '0.01'"),
            ["a"]
        );
        assert_eq!(ids(&runs, "params.lr < 0.05"), ["a", "c"]);
        assert_eq!(ids(&runs, "metrics.loss != 0.1"), ["b"]);
        assert_eq!(ids(&runs, "metrics.loss < 1"), ["a"]);
        assert_eq!(ids(&runs, "metrics.acc IS NULL"), ["c"]);
        assert_eq!(ids(&runs, "params.opt ILIKE 'a%'"), ["a"]);
        assert_eq!(ids(&runs, "params.opt LIKE 'a%'"), Vec::<String>::new());
        assert_eq!(ids(&runs, "params.opt LIKE '_g_'"), ["b"]);
        assert_eq!(ids(&runs, "run_id IN ('a', 'c')"), ["a", "c"]);
        assert_eq!(ids(&runs, "run_id NOT IN ('a')"), ["b", "c"]);
        assert_eq!(
            ids(&runs, "metrics.acc < 0.5 or params.lr = '1e-3'"),
            ["b", "c"]
        );
        assert_eq!(ids(&runs, "not metrics.acc > 0.5"), ["b", "c"]);
        assert_eq!(
            ids(&runs, "status = 'FINISHED' and start_time >= 2"),
            ["b", "c"]
        );
        assert_eq!(ids(&runs, "`Run Name` LIKE '%-b'"), ["b"]);
    }

    fn exp(id: &str, name: &str, created: Option<i64>, tags: &[(&str, &str)]) -> Experiment {
        Experiment {
            experiment_id: id.into(),
            name: name.into(),
            artifact_location: format!("mlruns/{id}"),
            lifecycle_stage: crate::entities::Lifecycle::Active,
            creation_time: created,
            last_update_time: created.map(|t| t + 100),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn experiments() -> Vec<Experiment> {
        vec![
            exp("0", "Default", Some(10), &[]),
            exp(
                "1",
                "cv-resnet",
                Some(20),
                &[("team", "vision"), ("gpu", "a100")],
            ),
            exp("2", "CV-vit", Some(30), &[("team", "Vision")]),
            exp("3", "nlp", None, &[("team", "text")]),
        ]
    }

    fn exp_ids(exps: &[Experiment], filter: &str) -> Vec<String> {
        let e = super::super::parse_experiment_filter(filter)
            .unwrap()
            .unwrap();
        exps.iter()
            .filter(|x| matches_experiment(&e, x))
            .map(|x| x.experiment_id.clone())
            .collect()
    }

    #[test]
    fn experiment_filters() {
        let exps = experiments();
        let none: Vec<&str> = Vec::new();
        for (filter, want) in [
            ("name = 'nlp'", vec!["3"]),
            ("name != 'nlp'", vec!["0", "1", "2"]),
            ("name LIKE 'cv-%'", vec!["1"]),
            ("name ILIKE 'cv-%'", vec!["1", "2"]),
            ("name LIKE '_lp'", vec!["3"]),
            ("name LIKE 'CV.vit'", none.clone()),
            ("attribute.name = 'Default'", vec!["0"]),
            ("experiment_id = '2'", vec!["2"]),
            ("experiment_id != '2'", vec!["0", "1", "3"]),
            ("experiment_id LIKE '%'", vec!["0", "1", "2", "3"]),
            ("experiment_id ILIKE '1'", vec!["1"]),
            ("experiment_id IN ('0', '3', '9')", vec!["0", "3"]),
            ("experiment_id NOT IN ('0', '3')", vec!["1", "2"]),
            ("creation_time = 20", vec!["1"]),
            ("creation_time > 10", vec!["1", "2"]),
            ("creation_time >= 10", vec!["0", "1", "2"]),
            ("creation_time < 20.5", vec!["0", "1"]),
            ("creation_time <= 20", vec!["0", "1"]),
            // A missing time is None in MLflow: only != holds.
            ("creation_time != 20", vec!["0", "2", "3"]),
            ("last_update_time = 130", vec!["2"]),
            ("last_update_time > 115", vec!["1", "2"]),
            ("tags.team = 'vision'", vec!["1"]),
            ("tags.team != 'vision'", vec!["2", "3"]),
            ("tags.team LIKE 'V%'", vec!["2"]),
            ("tags.team ILIKE 'v%'", vec!["1", "2"]),
            ("tags.gpu IS NULL", vec!["0", "2", "3"]),
            ("tags.gpu IS NOT NULL", vec!["1"]),
            ("tags.nope = 'x'", none.clone()),
            ("tags.nope != 'x'", none.clone()),
            // mlt's extensions.
            ("name = 'nlp' or tags.team = 'vision'", vec!["1", "3"]),
            ("not tags.team ILIKE 'vision'", vec!["0", "3"]),
            (
                "(name LIKE 'cv%' or name = 'nlp') and not creation_time < 25",
                vec!["3"],
            ),
        ] {
            assert_eq!(exp_ids(&exps, filter), want, "{filter}");
        }
    }

    fn sorted(order: &[&str]) -> Vec<String> {
        let mut exps = experiments();
        exps.push(exp("10", "nlp-2", Some(30), &[]));
        let clauses: Vec<OrderBy> = order
            .iter()
            .map(|o| super::super::parse_experiment_order_by(o).unwrap())
            .collect();
        sort_experiments(&mut exps, &clauses);
        exps.into_iter().map(|e| e.experiment_id).collect()
    }

    #[test]
    fn experiment_ordering() {
        // MLflow's default: newest first, then the id as text; a missing time is last.
        assert_eq!(sorted(&[]), ["10", "2", "1", "0", "3"]);
        // With clauses, ties go by id descending (MLflow's tie-breaker).
        assert_eq!(sorted(&["creation_time"]), ["0", "1", "2", "10", "3"]);
        assert_eq!(sorted(&["creation_time DESC"]), ["2", "10", "1", "0", "3"]);
        assert_eq!(
            sorted(&["creation_time DESC", "experiment_id"]),
            ["10", "2", "1", "0", "3"]
        );
        assert_eq!(sorted(&["name"]), ["2", "0", "1", "3", "10"]);
        assert_eq!(sorted(&["name DESC"]), ["10", "3", "1", "0", "2"]);
        assert_eq!(sorted(&["experiment_id DESC"]), ["3", "2", "10", "1", "0"]);
        assert_eq!(
            sorted(&["last_update_time DESC", "name"]),
            ["2", "10", "1", "0", "3"]
        );
    }

    #[test]
    fn like_patterns() {
        assert!(like("abc", "%", false));
        assert!(like("", "%", false));
        assert!(like("abc", "a%c", false));
        assert!(like("abbbc", "a%b%c", false));
        assert!(!like("abc", "a_", false));
        assert!(like("ABC", "a%", true));
    }

    #[test]
    fn ordering_puts_nan_then_missing_last_in_both_directions() {
        let mut runs = vec![
            run("a", 1, &[("loss", 0.3)], &[("n", "10")]),
            run("b", 2, &[("loss", f64::NAN)], &[("n", "9")]),
            run("c", 3, &[], &[]),
            run("d", 4, &[("loss", 0.1)], &[("n", "10.5")]),
            run("e", 5, &[("loss", f64::NAN)], &[]),
        ];
        sort_runs(&mut runs, &[]);
        let order: Vec<_> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
        assert_eq!(order, ["e", "d", "c", "b", "a"], "default: newest first");
        // MLflow's SearchUtils._get_value_for_sort: numbers, then NaN, then missing, with
        // ties in the default order.
        for (clause, want) in [
            ("metrics.loss", ["d", "a", "e", "b", "c"]),
            ("metrics.loss DESC", ["a", "d", "e", "b", "c"]),
            // Params are text, compared as text; missing ones are last both ways.
            ("params.n", ["a", "d", "b", "e", "c"]),
            ("params.n DESC", ["b", "d", "a", "e", "c"]),
        ] {
            sort_runs(&mut runs, &[]);
            sort_runs(&mut runs, &[parse_order_by(clause).unwrap()]);
            let order: Vec<_> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
            assert_eq!(order, want, "{clause}");
        }
        // A missing end time (a run still going) is last both ways.
        runs[0].info.end_time = Some(7);
        runs[1].info.end_time = Some(9);
        let ended = [runs[0].info.run_id.clone(), runs[1].info.run_id.clone()];
        for (clause, first) in [("end_time", &ended[0]), ("end_time DESC", &ended[1])] {
            sort_runs(&mut runs, &[parse_order_by(clause).unwrap()]);
            assert_eq!(&runs[0].info.run_id, first, "{clause}");
            assert!(
                runs[2..].iter().all(|r| r.info.end_time.is_none()),
                "{clause}"
            );
        }
    }
}

/// The tag MLflow puts on prompts, which are registered models hidden from model searches.
pub const IS_PROMPT_TAG: &str = "mlflow.prompt.is_prompt";

/// A registry filter's comparison of one field: as [`eval_field`], except that a model or
/// version without the prompt tag is "not a prompt" (`tags.mlflow.prompt.is_prompt = 'false'`
/// matches it), as MLflow's `SearchModelUtils` and `SearchModelVersionUtils` have it.
pub(super) fn eval_registry_field(ident: &Identifier, f: Field, op: Op, value: &Value) -> bool {
    if ident.entity == Entity::Tag && ident.key == IS_PROMPT_TAG && matches!(f, Field::Missing) {
        return matches!((op, value), (Op::Eq, Value::Str(v)) if v == "false")
            || matches!((op, value), (Op::Ne, Value::Str(v)) if v == "true");
    }
    eval_field(f, op, value)
}

/// Whether a registered model matches a filter from `parse_model_filter`, as in MLflow's
/// `SearchModelUtils`: a missing tag matches nothing, except that a model without the prompt
/// tag is "not a prompt".
pub fn matches_model(expr: &Expr, m: &RegisteredModel) -> bool {
    match expr {
        Expr::Cmp { ident, op, value } => {
            let f = match ident.entity {
                Entity::Tag => m
                    .tags
                    .get(&ident.key)
                    .map_or(Field::Missing, |v| Field::Text(v)),
                _ => Field::Text(&m.name),
            };
            eval_registry_field(ident, f, *op, value)
        }
        Expr::And(xs) => xs.iter().all(|x| matches_model(x, m)),
        Expr::Or(xs) => xs.iter().any(|x| matches_model(x, m)),
        Expr::Not(x) => !matches_model(x, m),
    }
}

/// Sorts registered models by the clauses, then by name (MLflow's tie-breaker), which is
/// also the order without clauses.
pub fn sort_models(models: &mut [RegisteredModel], order_by: &[OrderBy]) {
    let mut keys: Vec<(&str, bool)> = order_by
        .iter()
        .map(|o| (o.ident.key.as_str(), o.ascending))
        .collect();
    if !keys.iter().any(|(k, _)| *k == "name") {
        keys.push(("name", true));
    }
    sort_by_keys(models, &keys, |key, a, b| match key {
        "name" => a.name.cmp(&b.name),
        "creation_timestamp" => a.creation_timestamp.cmp(&b.creation_timestamp),
        _ => a.last_updated_timestamp.cmp(&b.last_updated_timestamp),
    });
}

/// Sorts by `(key, ascending)` clauses in turn, `cmp` comparing two items on one key.
pub(super) fn sort_by_keys<T>(
    items: &mut [T],
    keys: &[(&str, bool)],
    cmp: impl Fn(&str, &T, &T) -> Ordering,
) {
    items.sort_by(|a, b| {
        for &(key, ascending) in keys {
            let ord = cmp(key, a, b);
            let ord = if ascending { ord } else { ord.reverse() };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    });
}

#[cfg(test)]
mod model_tests {
    use super::*;
    use crate::search::{parse_model_filter, parse_model_order_by};

    fn model(name: &str, created: i64, tags: &[(&str, &str)]) -> RegisteredModel {
        RegisteredModel {
            name: name.into(),
            creation_timestamp: created,
            last_updated_timestamp: created,
            description: None,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            aliases: Default::default(),
        }
    }

    #[test]
    fn registered_model_filters_and_order() {
        let ms = [
            model("clf", 3, &[("team", "cv")]),
            model("Clf-big", 1, &[("team", "nlp")]),
            model("prompt", 2, &[(IS_PROMPT_TAG, "true")]),
        ];
        let names = |f: &str| -> Vec<&str> {
            let e = parse_model_filter(f).unwrap().unwrap();
            ms.iter()
                .filter(|m| matches_model(&e, m))
                .map(|m| m.name.as_str())
                .collect()
        };
        assert_eq!(names("name = 'clf'"), ["clf"]);
        assert_eq!(names("name ILIKE 'clf%'"), ["clf", "Clf-big"]);
        assert_eq!(names("name LIKE 'clf%'"), ["clf"]);
        assert_eq!(names("name IN ('clf', 'prompt')"), ["clf", "prompt"]);
        assert_eq!(names("tags.team != 'cv'"), ["Clf-big"]);
        assert_eq!(
            names("tags.team = 'cv' or name = 'prompt'"),
            ["clf", "prompt"]
        );
        // The prompt filter MLflow adds to every model search.
        assert_eq!(
            names("tags.`mlflow.prompt.is_prompt` != 'true'"),
            ["clf", "Clf-big"]
        );
        assert_eq!(
            names("tags.`mlflow.prompt.is_prompt` = 'false'"),
            ["clf", "Clf-big"]
        );
        let err = |f: &str| parse_model_filter(f).unwrap_err();
        assert_eq!(err("creation_timestamp > 1").column, 1);
        assert_eq!(err("name > 'a'").column, 6);
        assert_eq!(err("tags.team IN ('a')").column, 11);
        assert_eq!(err("name = 1").column, 8);
        assert_eq!(err("metrics.acc = 1").column, 1);
        let mut sorted = ms.to_vec();
        sort_models(
            &mut sorted,
            &[parse_model_order_by("creation_timestamp DESC").unwrap()],
        );
        let order: Vec<&str> = sorted.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(order, ["clf", "prompt", "Clf-big"]);
        sort_models(&mut sorted, &[]);
        let order: Vec<&str> = sorted.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(order, ["Clf-big", "clf", "prompt"]);
        assert!(parse_model_order_by("tags.team").is_err());
    }
}
