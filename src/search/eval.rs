//! Evaluating filters on runs, and ordering runs, with MLflow's meaning: a metric is its latest
//! value, a missing key matches nothing (but `IS NULL`), and missing or NaN values sort last.

use super::parse::{Entity, Expr, Identifier, Op, OrderBy, Value};
use crate::model::Run;
use std::cmp::Ordering;

enum Field<'a> {
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

fn compare(op: Op, ord: Option<Ordering>) -> bool {
    // `None` is a NaN comparison: only != holds, as in Python.
    match (op, ord) {
        (Op::Ne, None) => true,
        (_, None) => false,
        (Op::Eq, Some(o)) => o == Ordering::Equal,
        (Op::Ne, Some(o)) => o != Ordering::Equal,
        (Op::Lt, Some(o)) => o == Ordering::Less,
        (Op::Le, Some(o)) => o != Ordering::Greater,
        (Op::Gt, Some(o)) => o == Ordering::Greater,
        (Op::Ge, Some(o)) => o != Ordering::Less,
        _ => false,
    }
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
    match (f, value) {
        (Field::Missing, _) => false,
        (Field::Num(x), Value::Number(y)) => compare(op, x.partial_cmp(y)),
        (Field::Num(x), Value::Str(s)) => match numeric(s) {
            Some(y) => compare(op, x.partial_cmp(&y)),
            None => false,
        },
        (Field::Text(t), Value::Number(y)) => match numeric(t) {
            Some(x) => compare(op, x.partial_cmp(y)),
            None => false,
        },
        (Field::Text(t), Value::Str(s)) => match op {
            Op::Like => like(t, s, false),
            Op::ILike => like(t, s, true),
            Op::Eq | Op::Ne => compare(op, Some(t.cmp(s.as_str()))),
            // Order comparisons are numeric when both sides are numbers (`params.lr < '0.01'`).
            _ => match (numeric(t), numeric(s)) {
                (Some(x), Some(y)) => compare(op, x.partial_cmp(&y)),
                _ => compare(op, Some(t.cmp(s.as_str()))),
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
        Expr::And(a, b) => matches(a, run) && matches(b, run),
        Expr::Or(a, b) => matches(a, run) || matches(b, run),
        Expr::Not(e) => !matches(e, run),
    }
}

fn sort_cmp(a: &Field, b: &Field) -> Option<Ordering> {
    // None means "a or b is missing or NaN": handled by the caller, which puts it last.
    match (a, b) {
        (Field::Num(x), Field::Num(y)) => x.partial_cmp(y),
        (Field::Text(x), Field::Text(y)) => Some(match (numeric(x), numeric(y)) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
            _ => x.cmp(y),
        }),
        (Field::Num(_), Field::Text(_)) => Some(Ordering::Less),
        (Field::Text(_), Field::Num(_)) => Some(Ordering::Greater),
        _ => None,
    }
}

fn is_last(f: &Field) -> bool {
    matches!(f, Field::Missing) || matches!(f, Field::Num(x) if x.is_nan())
}

/// Sorts runs as MLflow does: `start_time DESC, run_id ASC` first, then each clause as a stable
/// sort from the last to the first. Missing and NaN values go last in either direction.
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
            match (is_last(&fa), is_last(&fb)) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => {
                    let ord = sort_cmp(&fa, &fb).unwrap_or(Ordering::Equal);
                    if o.ascending { ord } else { ord.reverse() }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_filter, parse_order_by};
    use super::*;

    fn run(id: &str, start: i64, metrics: &[(&str, f64)], params: &[(&str, &str)]) -> Run {
        crate::model::test_run(id, start, metrics, params)
    }

    fn ids(runs: &[Run], filter: &str) -> Vec<String> {
        let e = parse_filter(filter).unwrap().unwrap();
        runs.iter()
            .filter(|r| matches(&e, r))
            .map(|r| r.info.run_id.clone())
            .collect()
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
    fn ordering_puts_missing_and_nan_last() {
        let mut runs = vec![
            run("a", 1, &[("loss", 0.3)], &[]),
            run("b", 2, &[("loss", f64::NAN)], &[]),
            run("c", 3, &[], &[]),
            run("d", 4, &[("loss", 0.1)], &[]),
        ];
        sort_runs(&mut runs, &[]);
        let order: Vec<_> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
        assert_eq!(order, ["d", "c", "b", "a"], "default: newest first");
        for (clause, want) in [
            ("metrics.loss", ["d", "a", "c", "b"]),
            ("metrics.loss DESC", ["a", "d", "c", "b"]),
        ] {
            sort_runs(&mut runs, &[parse_order_by(clause).unwrap()]);
            let order: Vec<_> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
            assert_eq!(order, want, "{clause}");
        }
    }
}
