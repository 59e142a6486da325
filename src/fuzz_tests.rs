//! Property tests ("fuzzing") for everything that parses input a user or another tool hands
//! mlt: the filter languages, the `--fail-if` gate, `log batch` JSON, `meta.yaml` and bundle
//! manifests (metric lines: `store/metric.rs`). Each target feeds arbitrary text (strings made
//! from arbitrary bytes) and grammar-shaped input (valid and near-valid expressions, deep
//! nesting) and checks: no panic, and where there is an oracle, the same answer as the oracle.
//!
//! `cargo test` runs 256 cases per target; `PROPTEST_CASES=N` changes that, and
//! `scripts/fuzz.sh` runs a long campaign and prints, per target, the inputs tried and the
//! failures found (the `fuzz:` lines below).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `test` over `strategy` for `PROPTEST_CASES` cases (256 by default) and prints one
/// `fuzz: <target> inputs=<n> failures=<0|1>` line; a failure (after shrinking) fails the test
/// with the smallest failing input.
pub(crate) fn fuzz<S: Strategy>(
    target: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    // Config::default() reads PROPTEST_CASES (256 without it).
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let tried = AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let result = runner.run(&strategy, |v| {
        tried.fetch_add(1, Ordering::Relaxed);
        test(v)
    });
    let failures = usize::from(result.is_err());
    println!(
        "fuzz: {target} inputs={} failures={failures} seconds={:.1}",
        tried.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{target}: {e}");
    }
}

/// Text from arbitrary bytes (invalid UTF-8 replaced), as a file or an argument might hold.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..200).prop_map(|b| String::from_utf8_lossy(&b).into())
}

/// Arbitrary text biased toward the characters a grammar cares about.
fn tokens(alphabet: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet), 0..60).prop_map(|t| t.join(""))
}

/// One edit of a valid input: a character deleted, a token inserted or a cut, to reach the
/// error paths next to valid input.
fn mutate(s: String, at: usize, what: u8, insert: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return insert.to_string();
    }
    let at = at % chars.len();
    let mut out: String;
    match what % 3 {
        0 => {
            out = chars[..at].iter().collect();
            out.extend(&chars[at + 1..]);
        }
        1 => {
            out = chars[..at].iter().collect();
            out.push_str(insert);
            out.extend(&chars[at..]);
        }
        _ => out = chars[..at].iter().collect(),
    }
    out
}

mod search_filters {
    use super::*;
    use crate::search::{
        MAX_DEPTH, matches, matches_experiment, matches_model, parse_experiment_filter,
        parse_experiment_order_by, parse_filter, parse_model_filter, parse_model_order_by,
        parse_order_by,
    };

    /// A filter the generator builds, with its meaning.
    #[derive(Clone, Debug)]
    enum F {
        /// `metrics.m<i> <op> <n>`, against the run below.
        Metric(usize, &'static str, u8),
        /// `params.p = '<s>'`.
        Param(String),
        And(Vec<F>),
        Or(Vec<F>),
        Not(Box<F>),
        Paren(Box<F>),
    }

    const METRICS: [f64; 3] = [1.0, 2.0, 3.0];
    const PARAM: &str = "it's";

    impl F {
        fn text(&self) -> String {
            match self {
                F::Metric(i, op, n) => format!("metrics.m{i} {op} {n}"),
                F::Param(s) => format!("params.p = '{}'", s.replace('\'', "''")),
                F::And(xs) => xs.iter().map(F::operand).collect::<Vec<_>>().join(" AND "),
                F::Or(xs) => xs.iter().map(F::operand).collect::<Vec<_>>().join(" or "),
                F::Not(x) => format!("not {}", x.operand()),
                F::Paren(x) => format!("({})", x.text()),
            }
        }

        /// The text as an operand of AND, OR or NOT: parenthesized unless it is atomic.
        fn operand(&self) -> String {
            match self {
                F::Metric(..) | F::Param(_) | F::Paren(_) => self.text(),
                _ => format!("({})", self.text()),
            }
        }

        fn holds(&self) -> bool {
            match self {
                F::Metric(i, op, n) => {
                    let (v, n) = (METRICS[*i], f64::from(*n));
                    match *op {
                        "=" => v == n,
                        "!=" => v != n,
                        "<" => v < n,
                        "<=" => v <= n,
                        ">" => v > n,
                        _ => v >= n,
                    }
                }
                F::Param(s) => s == PARAM,
                F::And(xs) => xs.iter().all(F::holds),
                F::Or(xs) => xs.iter().any(F::holds),
                F::Not(x) => !x.holds(),
                F::Paren(x) => x.holds(),
            }
        }

        /// Parentheses and NOTs, as the parser counts them.
        fn depth(&self) -> usize {
            match self {
                F::Metric(..) | F::Param(_) => 0,
                F::And(xs) | F::Or(xs) => {
                    xs.iter().map(|x| x.depth_as_operand()).max().unwrap_or(0)
                }
                F::Not(x) => 1 + x.depth_as_operand(),
                F::Paren(x) => 1 + x.depth(),
            }
        }

        fn depth_as_operand(&self) -> usize {
            match self {
                F::Metric(..) | F::Param(_) | F::Paren(_) => self.depth(),
                _ => 1 + self.depth(),
            }
        }
    }

    fn filter() -> impl Strategy<Value = F> {
        let leaf = prop_oneof![
            (
                0..3usize,
                prop::sample::select(&["=", "!=", "<", "<=", ">", ">="][..]),
                0..5u8
            )
                .prop_map(|(i, op, n)| F::Metric(i, op, n)),
            prop::sample::select(&["it's", "x", "", "it''s"][..]).prop_map(|s| F::Param(s.into())),
        ];
        leaf.prop_recursive(8, 64, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(F::And),
                prop::collection::vec(inner.clone(), 2..4).prop_map(F::Or),
                inner.clone().prop_map(|x| F::Not(Box::new(x))),
                inner.prop_map(|x| F::Paren(Box::new(x))),
            ]
        })
    }

    /// `depth` levels of parentheses and NOTs around `inner`.
    fn nested(depth: usize, pattern: u64, inner: &str) -> String {
        let mut open = String::new();
        let mut close = String::new();
        for i in 0..depth {
            if pattern >> (i % 64) & 1 == 1 {
                open.push_str("not ");
            } else {
                open.push('(');
                close.push(')');
            }
        }
        format!("{open}{inner}{close}")
    }

    fn every_parser(s: &str) {
        let run =
            crate::entities::test_run("a", 1, &[("m0", 1.0), ("loss", f64::NAN)], &[("p", "x")]);
        if let Ok(Some(e)) = parse_filter(s) {
            matches(&e, &run);
            e.identifiers();
        }
        if let Ok(Some(e)) = parse_experiment_filter(s) {
            let exp = crate::entities::Experiment {
                experiment_id: "1".into(),
                name: "n".into(),
                artifact_location: String::new(),
                lifecycle_stage: crate::entities::Lifecycle::Active,
                creation_time: None,
                last_update_time: Some(5),
                tags: Default::default(),
            };
            matches_experiment(&e, &exp);
        }
        if let Ok(Some(e)) = parse_model_filter(s) {
            let m = crate::entities::RegisteredModel {
                name: "n".into(),
                creation_timestamp: 1,
                last_updated_timestamp: 2,
                description: None,
                tags: Default::default(),
                aliases: Default::default(),
            };
            matches_model(&e, &m);
        }
        let _ = parse_order_by(s);
        let _ = parse_experiment_order_by(s);
        let _ = parse_model_order_by(s);
    }

    #[test]
    fn arbitrary_text_never_panics() {
        fuzz("search-filter/bytes", text(), |s| {
            every_parser(&s);
            Ok(())
        });
    }

    #[test]
    fn token_soup_never_panics() {
        const ALPHABET: &[&str] = &[
            "metrics.",
            "params.",
            "tags.",
            "attributes.",
            "status",
            "name",
            "run_id",
            "a",
            "`",
            "\"",
            "'",
            "(",
            ")",
            ",",
            ".",
            "=",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "<>",
            " ",
            " and ",
            " or ",
            "not ",
            " IN ",
            " NOT IN ",
            " LIKE ",
            " ILIKE ",
            " IS NULL",
            " IS NOT NULL",
            "1",
            "-1.5e3",
            "1e400",
            "nan",
            " ASC",
            " DESC",
            "\u{e9}",
        ];
        fuzz("search-filter/tokens", tokens(ALPHABET), |s| {
            every_parser(&s);
            Ok(())
        });
    }

    #[test]
    fn generated_filters_mean_what_they_say() {
        fuzz(
            "search-filter/grammar",
            (
                filter(),
                any::<usize>(),
                any::<u8>(),
                prop::sample::select(&["(", ")", "'", " and", "not"][..]),
            ),
            |(f, at, what, insert)| {
                let text = f.text();
                let run = crate::entities::test_run(
                    "a",
                    1,
                    &[("m0", METRICS[0]), ("m1", METRICS[1]), ("m2", METRICS[2])],
                    &[("p", PARAM)],
                );
                let parsed = parse_filter(&text);
                if f.depth() <= MAX_DEPTH {
                    let e = parsed
                        .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?
                        .expect("not empty");
                    prop_assert_eq!(matches(&e, &run), f.holds(), "{}", text);
                } else {
                    prop_assert!(parsed.is_err(), "{}", text);
                }
                every_parser(&mutate(text, at, what, insert));
                Ok(())
            },
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        fuzz(
            "search-filter/depth",
            (0..3000usize, any::<u64>(), 0..3usize),
            |(depth, pattern, which)| {
                let inner = ["metrics.m0 > 0", "name = 'x'", "name LIKE 'x%'"][which];
                let s = nested(depth, pattern, inner);
                let results = [
                    parse_filter(&s).map(|_| ()),
                    parse_experiment_filter(&s).map(|_| ()),
                    parse_model_filter(&s).map(|_| ()),
                ];
                let r = &results[which];
                if depth > MAX_DEPTH {
                    let e = r.as_ref().expect_err("too deep");
                    prop_assert!(e.message.contains("deep"), "{}", e);
                } else {
                    prop_assert!(r.is_ok(), "{:?}", r);
                }
                Ok(())
            },
        );
    }
}

mod gate {
    use super::*;
    use crate::gate::{Gate, MAX_DEPTH};

    /// An arithmetic term with its value.
    #[derive(Clone, Debug)]
    enum T {
        Num(u16),
        Metric,
        Neg(Box<T>),
        Paren(Box<T>),
        Chain(Box<T>, Vec<(char, T)>),
    }

    const M: f64 = 0.75;

    impl T {
        fn text(&self) -> String {
            match self {
                T::Num(n) => format!("{}", f64::from(*n) / 4.0),
                T::Metric => "metrics.m".into(),
                T::Neg(t) => format!("- {}", t.operand()),
                T::Paren(t) => format!("({})", t.text()),
                T::Chain(first, rest) => {
                    let mut s = first.operand();
                    for (op, t) in rest {
                        s.push_str(&format!(" {op} {}", t.operand()));
                    }
                    s
                }
            }
        }

        fn operand(&self) -> String {
            match self {
                T::Chain(..) => format!("({})", self.text()),
                _ => self.text(),
            }
        }

        fn value(&self) -> f64 {
            match self {
                T::Num(n) => f64::from(*n) / 4.0,
                T::Metric => M,
                T::Neg(t) => -t.value(),
                T::Paren(t) => t.value(),
                T::Chain(first, rest) => {
                    // The same precedence as the parser when one chain mixes + and *: the
                    // generator keeps a chain to one precedence level.
                    let mut x = first.value();
                    for (op, t) in rest {
                        let y = t.value();
                        x = match op {
                            '+' => x + y,
                            '-' => x - y,
                            '*' => x * y,
                            _ => x / y,
                        };
                    }
                    x
                }
            }
        }
    }

    fn term() -> impl Strategy<Value = T> {
        let leaf = prop_oneof![(0..40u16).prop_map(T::Num), Just(T::Metric)];
        leaf.prop_recursive(6, 48, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|t| T::Neg(Box::new(t))),
                inner.clone().prop_map(|t| T::Paren(Box::new(t))),
                (
                    inner.clone(),
                    any::<bool>(),
                    prop::collection::vec((any::<bool>(), inner), 1..4)
                )
                    .prop_map(|(first, additive, rest)| {
                        let ops = if additive { ['+', '-'] } else { ['*', '/'] };
                        T::Chain(
                            Box::new(first),
                            rest.into_iter()
                                .map(|(b, t)| (ops[usize::from(b)], t))
                                .collect(),
                        )
                    }),
            ]
        })
    }

    fn run(m: f64) -> crate::entities::Run {
        crate::entities::test_run("r", 1, &[("m", m)], &[("p", "0.1")])
    }

    fn parse_and_check(s: &str) {
        if let Ok(g) = Gate::parse(s) {
            g.references();
            g.check(&run(0.5), &run(M));
        }
    }

    #[test]
    fn arbitrary_text_never_panics() {
        fuzz("fail-if/bytes", text(), |s| {
            parse_and_check(&s);
            Ok(())
        });
    }

    #[test]
    fn token_soup_never_panics() {
        const ALPHABET: &[&str] = &[
            "metrics.m",
            "params.p",
            "base",
            "base.metrics.m",
            "candidate.",
            "metrics.",
            "(",
            ")",
            "-",
            "+",
            "*",
            "/",
            "<",
            "<=",
            ">",
            ">=",
            "=",
            "==",
            "!=",
            " and ",
            " or ",
            "'",
            "\"",
            "1",
            "0.5",
            "1e400",
            " ",
            "x",
        ];
        fuzz("fail-if/tokens", tokens(ALPHABET), |s| {
            parse_and_check(&s);
            Ok(())
        });
    }

    #[test]
    fn generated_conditions_compute_what_they_say() {
        fuzz(
            "fail-if/grammar",
            (
                term(),
                prop::sample::select(&["<", "<=", ">", ">=", "=", "!="][..]),
                any::<usize>(),
                any::<u8>(),
            ),
            |(t, op, at, what)| {
                let text = format!("metrics.m {op} {}", t.text());
                let g =
                    Gate::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
                let v = t.value();
                let held = match op {
                    "<" => M < v,
                    "<=" => M <= v,
                    ">" => M > v,
                    ">=" => M >= v,
                    "=" => M == v,
                    _ => M != v,
                };
                prop_assert_eq!(
                    g.check(&run(0.5), &run(M)).failed,
                    held,
                    "{} (= {})",
                    text,
                    v
                );
                parse_and_check(&mutate(text, at, what, "("));
                Ok(())
            },
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        fuzz(
            "fail-if/depth",
            (0..3000usize, any::<u64>()),
            |(depth, pattern)| {
                let mut open = String::new();
                let mut close = String::new();
                for i in 0..depth {
                    if pattern >> (i % 64) & 1 == 1 {
                        open.push('-');
                    } else {
                        open.push('(');
                        close.push(')');
                    }
                }
                let s = format!("metrics.m < {open}1{close}");
                let r = Gate::parse(&s);
                if depth > MAX_DEPTH {
                    let e = r.expect_err("too deep");
                    prop_assert!(e.message.contains("deep"), "{}", e);
                } else {
                    prop_assert!(r.is_ok(), "{:?}", r.err());
                }
                Ok(())
            },
        );
    }
}

mod log_batch {
    use super::*;

    fn records(s: &[u8]) {
        let _ = crate::ingest::for_each_record(s, 5, |_, _| Ok(()));
    }

    #[test]
    fn arbitrary_input_never_panics() {
        const ALPHABET: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"step\"",
            "\"timestamp\"",
            "\"metrics\"",
            "\"params\"",
            "\"tags\"",
            "\"key\"",
            "\"value\"",
            "\"m\"",
            "1",
            "1e30",
            "-0",
            "9223372036854775808",
            "null",
            "true",
            "\"NaN\"",
            "\n",
            " ",
        ];
        fuzz(
            "log-batch/bytes",
            prop::collection::vec(any::<u8>(), 0..300),
            |b| {
                records(&b);
                Ok(())
            },
        );
        fuzz("log-batch/tokens", tokens(ALPHABET), |s| {
            records(s.as_bytes());
            Ok(())
        });
        fuzz("log-batch/depth", 0..5000usize, |depth| {
            let s = format!("{{\"params\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
            let r = crate::ingest::for_each_record(s.as_bytes(), 5, |_, _| Ok(()));
            // serde_json stops at 128 levels with an error; shallower lists are bad records
            // (params must be objects) or, at depth 1, an empty list of params.
            match depth {
                1 => prop_assert!(r.is_ok(), "{:?}", r),
                d if d > 128 => {
                    let e = r.expect_err("too deep");
                    prop_assert!(e.contains("recursion limit exceeded"), "{}", e);
                }
                _ => prop_assert!(r.is_err()),
            }
            Ok(())
        });
    }
}

mod yaml {
    use super::*;
    use crate::store::yaml::{
        Doc, Meta, Scalar, Tree, parse_ordered_tree, parse_tree, to_yaml, tree_to_yaml,
    };

    fn every_reader(s: &str) {
        if let Ok(d) = Doc::parse(s) {
            let m = d.to_meta();
            let _ = to_yaml(&m);
            for k in ["name", "experiment_id", "lifecycle_stage", "creation_time"] {
                let _ = d.opt_str(k);
                let _ = d.opt_int(k);
            }
        }
        if let Ok(t) = parse_tree(s) {
            let _ = tree_to_yaml(&t);
        }
        if let Ok(t) = parse_ordered_tree(s) {
            let _ = t.python_str();
        }
    }

    #[test]
    fn arbitrary_text_never_panics() {
        fuzz("yaml/bytes", text(), |s| {
            every_reader(&s);
            Ok(())
        });
        const ALPHABET: &[&str] = &[
            "a",
            "b",
            ":",
            ": ",
            "\n",
            "  ",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "'",
            "\"",
            "&x ",
            "*x",
            "!!str ",
            "!!binary ",
            "? ",
            "|",
            ">",
            "#",
            "---",
            "...",
            "1",
            "0x1",
            "1e400",
            ".nan",
            "~",
            "null",
            "yes",
            "\t",
            "\\",
            "%YAML 1.1\n",
        ];
        fuzz("yaml/tokens", tokens(ALPHABET), |s| {
            every_reader(&s);
            Ok(())
        });
    }

    #[test]
    fn deep_or_exploding_documents_are_errors_not_crashes() {
        fuzz("yaml/depth", (0..400usize, 0..3usize), |(depth, shape)| {
            let s = match shape {
                0 => format!("x: {}{}", "[".repeat(depth), "]".repeat(depth)),
                1 => format!("x: {}1{}", "{a: ".repeat(depth), "}".repeat(depth)),
                _ => {
                    let mut s = String::from("x:\n");
                    for i in 0..depth.min(200) {
                        s.push_str(&"  ".repeat(i + 1));
                        s.push_str("- \n");
                    }
                    s
                }
            };
            every_reader(&s);
            Ok(())
        });
        fuzz("yaml/aliases", (1..8usize, 2..4usize), |(levels, width)| {
            let mut s = String::from("a0: &a0 [x, x]\n");
            for i in 1..levels {
                let refs = vec![format!("*a{}", i - 1); width].join(", ");
                s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
            }
            every_reader(&s);
            Ok(())
        });
    }

    fn scalar() -> impl Strategy<Value = Scalar> {
        prop_oneof![
            any::<String>().prop_map(Scalar::Str),
            prop::sample::select(
                &[
                    "yes", "no", "012", "1:30", "null", "~", "1e3", ".inf", "- a", "a: b", "#x",
                    "'", "\"", " a", "a ", "", "\n", "True"
                ][..]
            )
            .prop_map(|s| Scalar::Str(s.into())),
            any::<i64>().prop_map(Scalar::Int),
            Just(Scalar::Null),
            any::<bool>().prop_map(Scalar::Bool),
            Just(Scalar::EmptyList),
            prop::collection::btree_map(any::<String>(), any::<String>(), 0..3)
                .prop_map(Scalar::Map),
        ]
    }

    #[test]
    fn what_mlt_writes_reads_back_the_same() {
        fuzz(
            "yaml/round-trip",
            // Not empty: an empty file is an error, by design.
            prop::collection::btree_map("[a-z_]{1,12}|.{1,8}", scalar(), 1..6),
            |meta: Meta| {
                let text = to_yaml(&meta);
                let doc =
                    Doc::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
                let back = doc.to_meta();
                // An empty map reads back as the empty map written as {} (a Mapping).
                let norm = |m: &Meta| -> Meta {
                    m.iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Scalar::Other(Tree::Map(x)) if x.is_empty() => {
                                    Scalar::Map(Default::default())
                                }
                                Scalar::Other(Tree::Map(x)) => Scalar::Map(
                                    x.iter()
                                        .filter_map(|(a, b)| match b {
                                            Tree::Str(b) => Some((a.clone(), b.clone())),
                                            _ => None,
                                        })
                                        .collect(),
                                ),
                                other => other.clone(),
                            };
                            (k.clone(), v)
                        })
                        .collect()
                };
                prop_assert_eq!(norm(&back), norm(&meta), "{:?}", text);
                Ok(())
            },
        );
    }
}

mod manifest {
    use super::*;
    use crate::bundle::{MANIFEST, Manifest};

    fn read_and_verify(bytes: &[u8]) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), bytes).unwrap();
        if let Ok(m) = Manifest::read(dir.path()) {
            let _ = m.verify(dir.path());
        }
    }

    /// A real manifest: a small store exported to a folder.
    fn valid_manifest() -> String {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::store::Store::new(tmp.path().join("s"));
        let e = store.create_experiment("vision", None, &[]).unwrap();
        let run = store
            .create_run(&e, crate::store::NewRun::default())
            .unwrap();
        let h = store.find_run(&run.run_id).unwrap();
        store
            .log_batch(
                &h,
                &crate::store::Batch {
                    metrics: vec![],
                    params: vec![("lr".into(), "0.1".into())],
                    tags: vec![],
                },
            )
            .unwrap();
        let out = tmp.path().join("b");
        crate::bundle::export(
            &store,
            &crate::bundle::ExportRequest {
                dest: &out,
                selection: &crate::store::TransferScope::default(),
                described: crate::bundle::SelectionRecord {
                    everything: true,
                    ..Default::default()
                },
                artifacts: true,
            },
            &mut |_| {},
        )
        .unwrap();
        std::fs::read_to_string(out.join(MANIFEST)).unwrap()
    }

    #[test]
    fn arbitrary_and_mutated_manifests_never_panic() {
        fuzz(
            "manifest/bytes",
            prop::collection::vec(any::<u8>(), 0..400),
            |b| {
                read_and_verify(&b);
                Ok(())
            },
        );
        let valid = valid_manifest();
        fuzz(
            "manifest/mutated",
            (
                prop::collection::vec((any::<usize>(), any::<u8>()), 1..6),
                prop::sample::select(
                    &[
                        "\"../x\"",
                        "\"/etc/passwd\"",
                        "\"a//b\"",
                        "18446744073709551615",
                        "-1",
                        "null",
                        "[]",
                        "{}",
                        "\"manifest.json\"",
                        "\"\\u0000\"",
                        "\"",
                        ",",
                    ][..],
                ),
            ),
            |(edits, insert)| {
                let mut s = valid.clone();
                for (at, what) in edits {
                    s = mutate(s, at, what, insert);
                }
                read_and_verify(s.as_bytes());
                Ok(())
            },
        );
    }
}
