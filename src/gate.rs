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
//! reference := ["base." | "candidate."] ("metrics." | "params.") key
//! ```
//!
//! A reference without a prefix is the candidate's value. Bare `base` is the base run's value of
//! the first reference in the same comparison, so `metrics.acc < base - 0.01` reads "the
//! candidate's acc is below the base's acc minus 0.01". A key runs until a space or an operator
//! character other than `-` (MLflow keys may hold `-`, `.` and `/`), so subtraction needs a space
//! before the minus; keys with other characters go in backticks or double quotes.
//! Metrics are latest values; params are numbers when they parse as one, strings otherwise.

use crate::model::Run;
use std::fmt;

/// A parse error with the 1-based column it points at (same shape as the filter's).
pub use crate::search::ParseError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Base,
    Candidate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Metric,
    Param,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ref {
    pub side: Side,
    pub kind: Kind,
    pub key: String,
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = match self.side {
            Side::Base => "base.",
            Side::Candidate => "",
        };
        let kind = match self.kind {
            Kind::Metric => "metrics",
            Kind::Param => "params",
        };
        write!(f, "{side}{kind}.{}", self.key)
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Clone, Debug, PartialEq)]
enum Cond {
    Cmp(Term, Cmp, Term),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

/// How deeply parentheses and unary minus may nest in a `--fail-if` condition. Parsing,
/// evaluating and dropping it recurse once per level; this keeps them far inside any
/// thread's stack.
pub const MAX_DEPTH: usize = 100;

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

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Word(String),
    Sym(&'static str),
}

fn err<T>(column: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        column,
        message: message.into(),
    })
}

fn lex(input: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(s) = ["<=", ">=", "==", "!="].into_iter().find(|s| *s == two) {
            out.push((Tok::Sym(s), col));
            i += 2;
            continue;
        }
        if let Some(s) = ["<", ">", "=", "+", "-", "*", "/", "(", ")"]
            .into_iter()
            .find(|s| s.starts_with(c))
        {
            out.push((Tok::Sym(s), col));
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' || c == '`' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == c)
                .ok_or(ParseError {
                    column: col,
                    message: format!("unclosed {c}"),
                })?;
            let s: String = chars[i + 1..i + 1 + end].iter().collect();
            // Backticks and double quotes quote a key; single quotes a string value.
            let quoted_key = c != '\'';
            out.push((
                if quoted_key {
                    Tok::Word(s)
                } else {
                    Tok::Str(s)
                },
                col,
            ));
            i += end + 2;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '.'
                    || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            let n = s
                .parse::<f64>()
                .or_else(|_| err(col, format!("bad number '{s}'")))?;
            out.push((Tok::Num(n), col));
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() {
                let d = chars[i];
                if d.is_alphanumeric() || matches!(d, '_' | '.' | '/' | '-') {
                    i += 1;
                } else if d == '`' || d == '"' {
                    // `metrics."a key"`: the quoted part continues the word.
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&e| e == d)
                        .ok_or(ParseError {
                            column: i + 1,
                            message: format!("unclosed {d}"),
                        })?;
                    i += end + 2;
                } else {
                    break;
                }
            }
            let s: String = chars[start..i]
                .iter()
                .filter(|&&d| d != '`' && d != '"')
                .collect();
            out.push((Tok::Word(s), col));
            continue;
        }
        return err(col, format!("unexpected '{c}'"));
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
    /// Parentheses and unary minuses open around the current position.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.1)
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(x)) if *x == s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn condition(&mut self) -> Result<Cond, ParseError> {
        let mut xs = vec![self.conjunction()?];
        while self.eat_word("or") {
            xs.push(self.conjunction()?);
        }
        Ok(if xs.len() == 1 {
            xs.pop().expect("one operand")
        } else {
            Cond::Or(xs)
        })
    }

    fn conjunction(&mut self) -> Result<Cond, ParseError> {
        let mut xs = vec![self.comparison()?];
        while self.eat_word("and") {
            xs.push(self.comparison()?);
        }
        Ok(if xs.len() == 1 {
            xs.pop().expect("one operand")
        } else {
            Cond::And(xs)
        })
    }

    /// Enters one more level of parentheses or unary minus, refusing past [`MAX_DEPTH`].
    fn deeper(&mut self) -> Result<(), ParseError> {
        if self.depth >= MAX_DEPTH {
            return err(
                self.col(),
                format!(
                    "the condition nests parentheses and minus signs more than {MAX_DEPTH} deep"
                ),
            );
        }
        self.depth += 1;
        Ok(())
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
                Some(Tok::Sym(x)) if ops.contains(x) => x.chars().next().expect("an operator"),
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
            Some(Tok::Sym("<")) => Cmp::Lt,
            Some(Tok::Sym("<=")) => Cmp::Le,
            Some(Tok::Sym(">")) => Cmp::Gt,
            Some(Tok::Sym(">=")) => Cmp::Ge,
            Some(Tok::Sym("=" | "==")) => Cmp::Eq,
            Some(Tok::Sym("!=")) => Cmp::Ne,
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
        if matches!(self.peek(), Some(Tok::Sym("-"))) {
            self.deeper()?;
            self.pos += 1;
            let t = Term::Neg(Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(t);
        }
        if matches!(self.peek(), Some(Tok::Sym("("))) {
            self.deeper()?;
            self.pos += 1;
            let t = self.sum()?;
            if !self.eat_sym(")") {
                return err(self.col(), "expected )");
            }
            self.depth -= 1;
            return Ok(t);
        }
        let tok = self.toks.get(self.pos).map(|t| t.0.clone());
        self.pos += 1;
        match tok {
            Some(Tok::Num(n)) => Ok(Term::Num(n)),
            Some(Tok::Str(s)) => Ok(Term::Str(s)),
            Some(Tok::Word(w)) => reference(&w).ok_or(ParseError {
                column: col,
                message: format!(
                    "expected metrics.KEY, params.KEY, base.metrics.KEY or base, got '{w}'"
                ),
            }),
            Some(_) => err(col, "expected a value"),
            None => err(col, "expected a value, got the end"),
        }
    }
}

/// A word as a reference: `base`, `[base.|candidate.](metrics|params).key`.
fn reference(word: &str) -> Option<Term> {
    if word.eq_ignore_ascii_case("base") {
        return Some(Term::Ref(Ref {
            side: Side::Base,
            kind: Kind::Metric,
            key: String::new(),
        }));
    }
    let (side, rest) = match word.split_once('.') {
        Some((s, rest)) if s.eq_ignore_ascii_case("base") => (Side::Base, rest),
        Some((s, rest)) if s.eq_ignore_ascii_case("candidate") => (Side::Candidate, rest),
        _ => (Side::Candidate, word),
    };
    let (kind, key) = rest.split_once('.')?;
    let kind = match kind.to_ascii_lowercase().as_str() {
        "metrics" | "metric" => Kind::Metric,
        "params" | "param" => Kind::Param,
        _ => return None,
    };
    (!key.is_empty()).then(|| {
        Term::Ref(Ref {
            side,
            kind,
            key: key.to_string(),
        })
    })
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
        let toks = lex(text)?;
        let mut p = Parser {
            toks,
            pos: 0,
            end: text.chars().count() + 1,
            depth: 0,
        };
        let cond = p.condition()?;
        if p.pos < p.toks.len() {
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
    let missing = || {
        let kind = if r.kind == Kind::Metric {
            "metrics"
        } else {
            "params"
        };
        format!(
            "{kind}.{} is missing in the {side} run {}",
            r.key, run.info.run_name
        )
    };
    match r.kind {
        Kind::Metric => run
            .metrics
            .get(&r.key)
            .map(|p| Val::Num(p.value))
            .ok_or_else(missing),
        Kind::Param => run
            .params
            .get(&r.key)
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .map_or_else(|_| Val::Str(v.clone()), Val::Num)
            })
            .ok_or_else(missing),
    }
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
            let sym = match op {
                Cmp::Lt => "<",
                Cmp::Le => "<=",
                Cmp::Gt => ">",
                Cmp::Ge => ">=",
                Cmp::Eq => "=",
                Cmp::Ne => "!=",
            };
            let held = match (&x, &y) {
                (Val::Num(a), Val::Num(b)) => match op {
                    Cmp::Lt => a < b,
                    Cmp::Le => a <= b,
                    Cmp::Gt => a > b,
                    Cmp::Ge => a >= b,
                    Cmp::Eq => a == b,
                    Cmp::Ne => a != b,
                },
                _ => {
                    // A number against a string compares as text: params.lr = '0.1'.
                    let (a, b) = (x.text(), y.text());
                    match op {
                        Cmp::Eq => a == b,
                        Cmp::Ne => a != b,
                        _ => return Err(format!("cannot order {x} {sym} {y}: not numbers")),
                    }
                }
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
        let mut r = crate::model::test_run(name, 0, metrics, params);
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
}
