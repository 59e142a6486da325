//! CI gates for `runs compare --fail-if`: small conditions over a candidate run and a base run,
//! such as `metrics.accuracy < base - 0.01` or `metrics.loss > base.metrics.loss * 1.05`.
//!
//! Grammar (case-insensitive words):
//!
//! ```text
//! condition := comparison (("and" | "or") comparison)*     and binds tighter than or
//! comparison:= sum ("<" | "<=" | ">" | ">=" | "=" | "==" | "!=") sum
//! sum       := product (("+" | "-") product)*
//! product   := unary (("*" | "/") unary)*
//! unary     := "-" unary | "(" sum ")" | number | 'string' | reference | "base"
//! reference := ["base." | "candidate."] ("metrics." | "params." | "tags.") key
//! ```
//!
//! The words, quoting, numbers and column names are the filter's (`crate::search::dsl`):
//! `'it''s'` is a string with a quote in it, the prefixes take MLflow's aliases (`metric.`,
//! `param.`, `tag.`), and keys with other characters go in backticks or double quotes
//! (``metrics.`a b` ``).
//!
//! A reference without a prefix is the candidate's value. Bare `base` is the base run's value of
//! the first reference in the same comparison, so `metrics.acc < base - 0.01` reads "the
//! candidate's acc is below the base's acc minus 0.01". A key runs until a space or an operator
//! character other than `-` (MLflow keys may hold `-`, `.` and `/`), so subtraction needs a space
//! before the minus.
//! Metrics are latest values; params and tags are numbers when they parse as one, strings
//! otherwise.

use crate::entities::Run;
use crate::search::dsl::{Cursor, Entity, Identifier, Op, Tok, entity, err, one_or};
use std::fmt;

/// A parse error with the 1-based column it points at (the filter's type).
pub use crate::search::dsl::{MAX_DEPTH, ParseError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Base,
    Candidate,
}

/// A metric, param or tag of one side.
#[derive(Clone, Debug, PartialEq)]
pub struct Ref {
    pub side: Side,
    /// `Metric`, `Param` or `Tag`.
    pub kind: Entity,
    pub key: String,
}

impl Ref {
    /// The column without its side: `metrics.acc`.
    pub fn identifier(&self) -> Identifier {
        Identifier {
            entity: self.kind,
            key: self.key.clone(),
        }
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = match self.side {
            Side::Base => "base.",
            Side::Candidate => "",
        };
        write!(f, "{side}{}", self.identifier())
    }
}

/// A key a gate names that none of the compared runs has, base or candidate: most likely a
/// typo, so it is an error in the gate rather than a failed check.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownKey {
    /// The column as named, without its side: `metrics.acuracy`.
    pub column: Identifier,
    /// The keys of that kind the runs have, sorted.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Keys listed before the rest are counted.
        const SHOWN: usize = 20;
        let plural = self.column.entity.plural();
        write!(f, "no compared run has {}", self.column)?;
        if self.known.is_empty() {
            return write!(f, " (they have no {plural})");
        }
        let mut list = self.known[..self.known.len().min(SHOWN)].join(", ");
        if self.known.len() > SHOWN {
            list.push_str(&format!(" and {} more", self.known.len() - SHOWN));
        }
        write!(f, " (their {plural}: {list})")
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Term {
    Num(f64),
    Str(String),
    Ref(Ref),
    Neg(Box<Term>),
    /// `first op1 t1 op2 t2 ...`, evaluated left to right; one node per chain of `+ -` or
    /// `* /`, so a long sum does not make a deep tree.
    Chain(Box<Term>, Vec<(char, Term)>),
}

#[derive(Clone, Debug, PartialEq)]
enum Cond {
    Cmp(Term, Op, Term),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

/// How a too-deep condition's error starts (the bound is [`MAX_DEPTH`], the filter's).
const NESTING: &str = "the condition nests parentheses and minus signs";

/// A parsed `--fail-if` condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    pub text: String,
    cond: Cond,
}

/// A value met while evaluating.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Num(f64),
    Str(String),
}

impl Val {
    /// The value as plain text, without the quotes `Display` puts around strings.
    fn text(&self) -> String {
        match self {
            Val::Num(n) => crate::output::value(*n),
            Val::Str(s) => s.clone(),
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Num(n) => f.write_str(&crate::output::value(*n)),
            Val::Str(s) => write!(f, "'{s}'"),
        }
    }
}

/// The result of one gate on one candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The condition held, so the candidate fails the gate.
    pub failed: bool,
    /// How each comparison came out, e.g. `0.8 < 0.84` or `metrics.acc is missing in base`.
    pub detail: String,
}

/// The condition language, as the shared cursor's marker.
struct Condition;

type Parser = Cursor<Condition>;

impl Parser {
    /// Comparisons joined by AND and OR, AND binding tighter.
    fn condition(&mut self) -> Result<Cond, ParseError> {
        let ors = self.and_or(Parser::comparison)?;
        let ors = ors.into_iter().map(|ands| one_or(ands, Cond::And));
        Ok(one_or(ors.collect(), Cond::Or))
    }

    /// `first (op next)*` for the operators `ops`, as one [`Term::Chain`].
    fn chain(
        &mut self,
        ops: [&'static str; 2],
        next: fn(&mut Parser) -> Result<Term, ParseError>,
    ) -> Result<Term, ParseError> {
        let first = next(self)?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Tok::Op(x)) if ops.contains(x) => x.chars().next().expect("an operator"),
                _ => break,
            };
            self.pos += 1;
            rest.push((op, next(self)?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Term::Chain(Box::new(first), rest)
        })
    }

    fn comparison(&mut self) -> Result<Cond, ParseError> {
        let left = self.sum()?;
        let col = self.col();
        let op = match self.peek() {
            Some(Tok::Op("==")) => Op::Eq,
            Some(t) if let Some(op) = Op::comparison(t) => op,
            _ => return err(col, "expected a comparison (< <= > >= = !=)"),
        };
        self.pos += 1;
        let right = self.sum()?;
        let cond = Cond::Cmp(left, op, right);
        if uses_bare_base(&cond) && subject(&cond).is_none() {
            return err(
                col,
                "bare `base` needs a metric or param in the same comparison, \
                 e.g. metrics.acc < base - 0.01",
            );
        }
        Ok(cond)
    }

    fn sum(&mut self) -> Result<Term, ParseError> {
        self.chain(["+", "-"], Parser::product)
    }

    fn product(&mut self) -> Result<Term, ParseError> {
        self.chain(["*", "/"], Parser::unary)
    }

    fn unary(&mut self) -> Result<Term, ParseError> {
        let col = self.col();
        if self.peek() == Some(&Tok::Op("-")) {
            return Ok(Term::Neg(Box::new(self.prefixed(Parser::unary)?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            return self.parenthesized(Parser::sum, "expected )");
        }
        match self.peek() {
            Some(Tok::Number(n)) => {
                let n = *n;
                self.pos += 1;
                Ok(Term::Num(n))
            }
            // A double-quoted text is a string here too, as it is a filter's value.
            Some(Tok::Quoted(s, _)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(Term::Str(s))
            }
            Some(Tok::Word(_) | Tok::Backticked(_)) => self.reference(),
            Some(_) => err(col, "expected a value"),
            None => err(col, "expected a value, got the end"),
        }
    }

    /// `base`, or `[base.|candidate.](metrics|params|tags).key`.
    fn reference(&mut self) -> Result<Term, ParseError> {
        let col = self.col();
        let side_word = |w: &str| match w.to_ascii_lowercase().as_str() {
            "base" => Some(Side::Base),
            "candidate" => Some(Side::Candidate),
            _ => None,
        };
        let side = match (self.peek(), self.peek_at(1)) {
            (Some(Tok::Word(w)), Some(Tok::Dot)) => side_word(w),
            (Some(Tok::Word(w)), _) if w.eq_ignore_ascii_case("base") => {
                self.pos += 1;
                return Ok(Term::Ref(Ref {
                    side: Side::Base,
                    kind: Entity::Metric,
                    key: String::new(),
                }));
            }
            _ => None,
        };
        if side.is_some() {
            self.pos += 2;
        }
        let name = match self.name() {
            Some(name) => name?,
            None => return err(self.col(), "expected metrics.KEY, params.KEY or tags.KEY"),
        };
        match name.prefix.as_deref().and_then(entity) {
            Some(kind @ (Entity::Metric | Entity::Param | Entity::Tag)) => Ok(Term::Ref(Ref {
                side: side.unwrap_or(Side::Candidate),
                kind,
                key: name.text,
            })),
            _ => {
                let written = match &name.prefix {
                    Some(p) => format!("{p}.{}", name.text),
                    None => name.text,
                };
                err(
                    col,
                    format!(
                        "expected metrics.KEY, params.KEY, tags.KEY, base.metrics.KEY or base, \
                         got '{written}'"
                    ),
                )
            }
        }
    }
}

fn is_bare_base(r: &Ref) -> bool {
    r.key.is_empty()
}

fn refs<'a>(t: &'a Term, out: &mut Vec<&'a Ref>) {
    match t {
        Term::Ref(r) => out.push(r),
        Term::Neg(a) => refs(a, out),
        Term::Chain(first, rest) => {
            refs(first, out);
            for (_, t) in rest {
                refs(t, out);
            }
        }
        Term::Num(_) | Term::Str(_) => {}
    }
}

fn comparison_refs(c: &Cond) -> Vec<&Ref> {
    let mut out = Vec::new();
    if let Cond::Cmp(a, _, b) = c {
        refs(a, &mut out);
        refs(b, &mut out);
    }
    out
}

fn uses_bare_base(c: &Cond) -> bool {
    comparison_refs(c).into_iter().any(is_bare_base)
}

/// The key bare `base` stands for: the first named reference of the comparison.
fn subject(c: &Cond) -> Option<&Ref> {
    comparison_refs(c).into_iter().find(|r| !is_bare_base(r))
}

impl Gate {
    pub fn parse(text: &str) -> Result<Gate, ParseError> {
        let mut p = Parser::new(text, NESTING, Condition)?;
        let cond = p.condition()?;
        if !p.at_end() {
            return err(p.col(), "expected and, or or the end");
        }
        Ok(Gate {
            text: text.to_string(),
            cond,
        })
    }

    /// The metrics and params the gate reads, per side.
    pub fn references(&self) -> Vec<Ref> {
        fn walk(c: &Cond, out: &mut Vec<Ref>) {
            match c {
                Cond::Cmp(..) => {
                    let subj = subject(c).cloned();
                    for r in comparison_refs(c) {
                        let r = if is_bare_base(r) {
                            match &subj {
                                Some(s) => Ref {
                                    side: Side::Base,
                                    ..s.clone()
                                },
                                None => continue,
                            }
                        } else {
                            r.clone()
                        };
                        if !out.contains(&r) {
                            out.push(r);
                        }
                    }
                }
                Cond::And(xs) | Cond::Or(xs) => {
                    for x in xs {
                        walk(x, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.cond, &mut out);
        out
    }

    /// Whether every key the gate names is in at least one of `runs` (the base and the
    /// candidates). One that none has is an [`UnknownKey`], with the keys of its kind the runs
    /// do have.
    pub fn check_keys(&self, runs: &[Run]) -> Result<(), UnknownKey> {
        for r in self.references() {
            let keys = |run: &Run| -> Vec<String> {
                match r.kind {
                    Entity::Metric => run.metrics.keys().cloned().collect(),
                    Entity::Param => run.params.keys().cloned().collect(),
                    Entity::Tag => run.tags.keys().cloned().collect(),
                    Entity::Attribute => Vec::new(),
                }
            };
            let known: std::collections::BTreeSet<String> = runs.iter().flat_map(keys).collect();
            if !known.contains(&r.key) {
                return Err(UnknownKey {
                    column: r.identifier(),
                    known: known.into_iter().collect(),
                });
            }
        }
        Ok(())
    }

    /// Checks `candidate` against `base`. A value that is missing, or arithmetic on a string,
    /// fails the gate: a CI gate that cannot check must not pass.
    pub fn check(&self, base: &Run, candidate: &Run) -> Verdict {
        let mut details = Vec::new();
        let failed = match eval_cond(&self.cond, base, candidate, &mut details) {
            Ok(b) => b,
            Err(why) => {
                details.push(why);
                true
            }
        };
        Verdict {
            failed,
            detail: details.join("; "),
        }
    }
}

fn lookup(r: &Ref, base: &Run, candidate: &Run) -> Result<Val, String> {
    let (run, side) = match r.side {
        Side::Base => (base, "base"),
        Side::Candidate => (candidate, "candidate"),
    };
    let text = |v: &String| {
        v.trim()
            .parse::<f64>()
            .map_or_else(|_| Val::Str(v.clone()), Val::Num)
    };
    let found = match r.kind {
        Entity::Metric => run.metrics.get(&r.key).map(|p| Val::Num(p.value)),
        Entity::Param => run.params.get(&r.key).map(text),
        Entity::Tag => run.tags.get(&r.key).map(text),
        Entity::Attribute => None,
    };
    found.ok_or_else(|| {
        format!(
            "{} is missing in the {side} run {}",
            r.identifier(),
            run.info.run_name
        )
    })
}

fn eval_term(t: &Term, subj: Option<&Ref>, base: &Run, cand: &Run) -> Result<Val, String> {
    let num = |v: Val| match v {
        Val::Num(n) => Ok(n),
        Val::Str(s) => Err(format!("'{s}' is not a number")),
    };
    Ok(match t {
        Term::Num(n) => Val::Num(*n),
        Term::Str(s) => Val::Str(s.clone()),
        Term::Ref(r) if is_bare_base(r) => {
            let s = subj.ok_or("bare base has no key")?;
            lookup(
                &Ref {
                    side: Side::Base,
                    ..s.clone()
                },
                base,
                cand,
            )?
        }
        Term::Ref(r) => lookup(r, base, cand)?,
        Term::Neg(a) => Val::Num(-num(eval_term(a, subj, base, cand)?)?),
        Term::Chain(first, rest) => {
            let mut x = num(eval_term(first, subj, base, cand)?)?;
            for (op, t) in rest {
                let y = num(eval_term(t, subj, base, cand)?)?;
                x = match op {
                    '+' => x + y,
                    '-' => x - y,
                    '*' => x * y,
                    _ => x / y,
                };
            }
            Val::Num(x)
        }
    })
}

fn eval_cond(c: &Cond, base: &Run, cand: &Run, details: &mut Vec<String>) -> Result<bool, String> {
    match c {
        Cond::And(xs) => {
            for x in xs {
                if !eval_cond(x, base, cand, details)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Cond::Or(xs) => {
            for x in xs {
                if eval_cond(x, base, cand, details)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Cond::Cmp(l, op, r) => {
            let subj = subject(c);
            let x = eval_term(l, subj, base, cand)?;
            let y = eval_term(r, subj, base, cand)?;
            let sym = op.symbol();
            let held = match (&x, &y) {
                (Val::Num(a), Val::Num(b)) => op.holds(a.partial_cmp(b)),
                // A number against a string compares as text: params.lr = '0.1'.
                _ if matches!(op, Op::Eq | Op::Ne) => op.holds(Some(x.text().cmp(&y.text()))),
                _ => return Err(format!("cannot order {x} {sym} {y}: not numbers")),
            };
            details.push(format!("{x} {sym} {y}"));
            Ok(held)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, metrics: &[(&str, f64)], params: &[(&str, &str)]) -> Run {
        let mut r = crate::entities::test_run(name, 0, metrics, params);
        r.info.run_name = name.into();
        r
    }

    fn check(text: &str, base: &Run, cand: &Run) -> Verdict {
        Gate::parse(text).unwrap().check(base, cand)
    }

    #[test]
    fn bare_base_is_the_same_key_of_the_base_run() {
        let base = run("base", &[("accuracy", 0.85), ("loss", 0.3)], &[]);
        let worse = run("cand", &[("accuracy", 0.80), ("loss", 0.4)], &[]);
        let fine = run("cand", &[("accuracy", 0.845), ("loss", 0.3)], &[]);
        let g = "metrics.accuracy < base - 0.01";
        assert_eq!(
            check(g, &base, &worse),
            Verdict {
                failed: true,
                detail: "0.8 < 0.84".into()
            }
        );
        assert!(!check(g, &base, &fine).failed);
        assert!(check("metrics.loss > base * 1.1", &base, &worse).failed);
        assert!(!check("metrics.loss > base * 1.1", &base, &fine).failed);
        // Explicit references, either side, and arithmetic precedence.
        assert!(
            check(
                "base.metrics.accuracy - metrics.accuracy > 0.01",
                &base,
                &worse
            )
            .failed
        );
        assert!(
            !check(
                "metrics.accuracy < base.metrics.accuracy - 2 * 0.01",
                &base,
                &fine
            )
            .failed
        );
        assert!(check("-(metrics.accuracy) > -base", &base, &worse).failed);
    }

    #[test]
    fn and_or_params_and_strings() {
        let base = run("b", &[("acc", 0.9)], &[("lr", "0.01"), ("opt", "adam")]);
        let cand = run("c", &[("acc", 0.8)], &[("lr", "0.1"), ("opt", "sgd")]);
        assert!(check("params.lr > base * 5 and metrics.acc < base", &base, &cand).failed);
        assert!(!check("params.lr > 1 and metrics.acc < base", &base, &cand).failed);
        assert!(check("params.lr > 1 or metrics.acc < base", &base, &cand).failed);
        assert!(check("params.opt != base", &base, &cand).failed);
        assert!(!check("params.opt = 'sgd' and params.lr > 1", &base, &cand).failed);
        // A numeric param against a quoted value compares as text.
        assert!(check("params.lr = '0.1'", &base, &cand).failed);
        assert!(!check("params.lr != '0.1'", &base, &cand).failed);
        let v = check("params.opt < 'z'", &base, &cand);
        assert!(v.failed);
        assert!(v.detail.contains("not numbers"), "{}", v.detail);
    }

    #[test]
    fn missing_values_fail_closed() {
        let base = run("b", &[], &[]);
        let cand = run("c", &[("acc", 0.8)], &[]);
        let v = check("metrics.acc < base - 0.01", &base, &cand);
        assert!(v.failed);
        assert_eq!(v.detail, "metrics.acc is missing in the base run b");
    }

    #[test]
    fn keys_with_dashes_slashes_and_quotes() {
        let base = run(
            "b",
            &[("f1-score", 0.5), ("val/loss", 1.0), ("a b", 2.0)],
            &[],
        );
        let cand = run(
            "c",
            &[("f1-score", 0.4), ("val/loss", 2.0), ("a b", 3.0)],
            &[],
        );
        assert!(check("metrics.f1-score < base - 0.05", &base, &cand).failed);
        assert!(check("metrics.val/loss > base", &base, &cand).failed);
        assert!(check("metrics.`a b` > base", &base, &cand).failed);
        assert!(check("metrics.\"a b\" >= 3", &base, &cand).failed);
        let g = Gate::parse("metrics.acc < base - 0.01 or params.lr > base.params.lr").unwrap();
        let names: Vec<String> = g.references().iter().map(|r| r.to_string()).collect();
        assert_eq!(
            names,
            [
                "metrics.acc",
                "base.metrics.acc",
                "params.lr",
                "base.params.lr"
            ]
        );
    }

    #[test]
    fn nesting_is_bounded_and_the_bound_fits_a_small_stack() {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let base = run("b", &[("loss", 0.5)], &[]);
                let cand = run("c", &[("loss", 0.4)], &[]);
                let half = MAX_DEPTH / 2;
                let deepest = format!(
                    "metrics.loss > {}({}base{})",
                    "-".repeat(half),
                    "(".repeat(half - 1),
                    ")".repeat(half - 1)
                );
                assert!(!check(&deepest, &base, &cand).failed);
                // Long chains are one node each.
                let sum = format!("metrics.loss > {}", vec!["0.00001"; 50_000].join(" + "));
                assert!(!check(&sum, &base, &cand).failed);
                let or = vec!["metrics.loss > 1"; 50_000].join(" or ");
                assert!(!check(&or, &base, &cand).failed);
            })
            .unwrap()
            .join()
            .unwrap();
        let minus = format!("{}1 < metrics.loss", "-".repeat(30_000));
        let parens = format!("{}1{} < metrics.loss", "(".repeat(7400), ")".repeat(7400));
        let mixed = format!("metrics.loss < {}1", "-(".repeat(MAX_DEPTH));
        for t in [&minus, &parens, &mixed] {
            let e = Gate::parse(t).unwrap_err();
            assert!(e.message.contains("more than 100 deep"), "{e}");
        }
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = |t: &str| Gate::parse(t).unwrap_err();
        assert_eq!(e("metrics.acc base").column, 13);
        assert_eq!(e("metrics.acc < ").column, 15);
        assert_eq!(e("accuracy < 1").column, 1);
        assert_eq!(e("base < 1").column, 6);
        assert_eq!(e("metrics.acc < (base").column, 20);
        assert_eq!(e("metrics.acc < 1 2").column, 17);
        assert_eq!(e("metrics.acc < 'x").column, 15);
        assert_eq!(e("metrics.acc ? 1").column, 13);
    }

    #[test]
    fn quoting_and_names_are_the_filters() {
        let mut base = run("b", &[("acc", 0.9)], &[("opt", "it's")]);
        let cand = base.clone();
        base.tags.insert("team".into(), "cv".into());
        // A doubled quote stands for itself, as in `--filter`.
        assert!(check("params.opt = 'it''s'", &base, &cand).failed);
        assert!(check("params.opt = \"it's\"", &base, &cand).failed);
        assert!(!check("params.opt != 'it''s'", &base, &cand).failed);
        // The filter's aliases and quoted keys; tags compare as params do.
        assert!(check("metric.acc = base", &base, &cand).failed);
        assert!(check("param.`opt` = base.parameters.opt", &base, &cand).failed);
        assert!(check("base.tags.team = 'cv'", &base, &cand).failed);
        assert!(!check("base.tag.team != 'cv'", &base, &cand).failed);
        assert!(check("metrics.acc <> 0.8", &base, &cand).failed);
        let e = Gate::parse("status = 'FINISHED'").unwrap_err();
        assert_eq!(
            e.to_string(),
            "column 1: expected metrics.KEY, params.KEY, tags.KEY, base.metrics.KEY or base, \
             got 'status'"
        );
        // The filter's lexer errors, word for word.
        for text in ["params.opt = 'x", "metrics.acc ? 1", "metrics.acc < 1x"] {
            let gate = Gate::parse(text).unwrap_err();
            let filter = crate::search::parse_filter(text).unwrap_err();
            assert_eq!(gate, filter, "{text}");
        }
    }

    #[test]
    fn a_key_no_run_has_is_an_unknown_key_not_a_failure() {
        let base = run("b", &[("acc", 0.9), ("loss", 0.2)], &[("lr", "0.1")]);
        let cand = run("c", &[("acc", 0.8), ("f1", 0.5)], &[]);
        let runs = [base, cand];
        let keys = |t: &str| Gate::parse(t).unwrap().check_keys(&runs);
        assert_eq!(keys("metrics.acc < base - 0.01"), Ok(()));
        // Present in one run only: known, and the check fails closed as before.
        assert_eq!(keys("metrics.f1 < base"), Ok(()));
        let e = keys("metrics.acuracy < base - 0.01").unwrap_err();
        assert_eq!(e.known, ["acc", "f1", "loss"]);
        assert_eq!(
            e.to_string(),
            "no compared run has metrics.acuracy (their metrics: acc, f1, loss)"
        );
        let e = keys("metrics.acc < 1 or base.params.lr2 > 1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "no compared run has params.lr2 (their params: lr)"
        );
        let e = keys("tags.team = 'cv'").unwrap_err();
        assert_eq!(
            e.to_string(),
            "no compared run has tags.team (they have no tags)"
        );
        let many: Vec<(String, f64)> = (0..25).map(|i| (format!("m{i:02}"), 1.0)).collect();
        let many: Vec<(&str, f64)> = many.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let runs = [run("b", &many, &[])];
        let e = Gate::parse("metrics.x > 1")
            .unwrap()
            .check_keys(&runs)
            .unwrap_err();
        assert!(e.to_string().ends_with("m18, m19 and 5 more)"), "{e}");
    }
}
