//! The toolkit both expression languages are built from: `--filter` and `--order-by`
//! (MLflow's search filters, in `parse.rs`) and `--fail-if` (CI gates, in `crate::gate`).
//! One lexer (tokens, quoting, numbers, operators, columns), one set of column names
//! (`metrics.`, `params.`, `tags.`, `attributes.` and their aliases, quoted keys), one nesting
//! bound and one error type, so a text means the same and fails the same in both languages.
//! (jj's `dsl_util.rs` serves its revsets, filesets and templates the same way.)
//!
//! Quoting, as in SQL and MLflow: `'text'` is a string; `"text"` is a string where a value is
//! expected and a name where a column is; `` `text` `` is a name. Inside any of them the quote
//! doubles to stand for itself: `'it''s'`.

use std::cmp::Ordering;
use std::fmt;

/// A parse error with the 1-based column (in characters) it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

/// `Err(ParseError)` at `column`.
pub fn err<T>(column: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        column,
        message: message.into(),
    })
}

/// How deeply parentheses, NOT and unary minus may nest in an expression. Parsing, evaluating
/// and dropping one recurse once per level; this bound keeps them far inside the smallest stack
/// they run on (a reader thread's 2 MiB) while no hand-written expression comes near it.
pub const MAX_DEPTH: usize = 100;

/// What a column name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    Metric,
    Param,
    Tag,
    Attribute,
}

impl Entity {
    /// The prefix mlt writes for the entity (`metrics.`); attributes have none.
    pub fn prefix(self) -> &'static str {
        match self {
            Entity::Metric => "metrics.",
            Entity::Param => "params.",
            Entity::Tag => "tags.",
            Entity::Attribute => "",
        }
    }

    /// The plural noun: "metrics", "params", "tags", "attributes".
    pub fn plural(self) -> &'static str {
        match self {
            Entity::Metric => "metrics",
            Entity::Param => "params",
            Entity::Tag => "tags",
            Entity::Attribute => "attributes",
        }
    }
}

/// The entity a prefix word names, with MLflow's aliases (`SearchUtils`): `metric(s)`,
/// `param(s)`, `parameter(s)`, `tag(s)`, `attribute(s)`, `attr`, `run`, in any case.
pub fn entity(prefix: &str) -> Option<Entity> {
    Some(match prefix.to_ascii_lowercase().as_str() {
        "metric" | "metrics" => Entity::Metric,
        "param" | "params" | "parameter" | "parameters" => Entity::Param,
        "tag" | "tags" => Entity::Tag,
        "attribute" | "attributes" | "attr" | "run" => Entity::Attribute,
        _ => return None,
    })
}

/// `metrics.loss`, `params."a b"`, `status`, ...
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identifier {
    pub entity: Entity,
    pub key: String,
}

impl Identifier {
    /// The column as a filter writes it, the key backquoted unless it is an attribute:
    /// ``metrics.`a b` `` (a backquote in the key doubled).
    pub fn to_filter(&self) -> String {
        match self.entity {
            Entity::Attribute => self.key.clone(),
            e => format!("{}`{}`", e.prefix(), self.key.replace('`', "``")),
        }
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.entity.prefix(), self.key)
    }
}

/// An operator of a filter; `--fail-if` takes the first six.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    ILike,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

impl Op {
    /// The comparison an operator token names: `= != < <= > >=` (`<>` lexes as `!=`).
    pub fn comparison(tok: &Tok) -> Option<Op> {
        Some(match tok {
            Tok::Op("=") => Op::Eq,
            Tok::Op("!=") => Op::Ne,
            Tok::Op("<") => Op::Lt,
            Tok::Op("<=") => Op::Le,
            Tok::Op(">") => Op::Gt,
            Tok::Op(">=") => Op::Ge,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Like => "LIKE",
            Op::ILike => "ILIKE",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
            Op::IsNull => "IS NULL",
            Op::IsNotNull => "IS NOT NULL",
        }
    }

    /// Whether a comparison holds for two values ordered `ord`. `None` is a comparison with
    /// NaN, where only `!=` holds, as in Python. The other operators never hold here.
    pub fn holds(self, ord: Option<Ordering>) -> bool {
        match (self, ord) {
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
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A bare word: a letter, digit or `_`, then those and `_ / : -`.
    Word(String),
    /// A `'single'` or `"double"` quoted text, with its quote.
    Quoted(String, char),
    /// A `` `backquoted` `` name.
    Backticked(String),
    /// An unsigned number (a sign is an operator token before it).
    Number(f64),
    Dot,
    LParen,
    RParen,
    Comma,
    /// `= == != <> < <= > >= + - * /`; `<>` is read as `!=`.
    Op(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// The 1-based column of its first character.
    pub col: usize,
    /// The 1-based column just after its last character.
    pub end: usize,
}

fn is_word_start(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || "_/:-".contains(c)
}

/// Splits an expression into tokens.
pub fn lex(input: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // The token just before, when it ends right here.
        let touching = out.last().filter(|t| t.end == col).map(|t| &t.tok);
        let after_name = matches!(
            touching,
            Some(Tok::Word(_) | Tok::Quoted(..) | Tok::Backticked(_))
        );
        let after_dot = touching == Some(&Tok::Dot);
        let next = chars.get(i + 1).copied();
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            '.' if after_name || !next.is_some_and(|d| d.is_ascii_digit()) => (Tok::Dot, 1),
            '=' if next == Some('=') => (Tok::Op("=="), 2),
            '=' => (Tok::Op("="), 1),
            '!' if next == Some('=') => (Tok::Op("!="), 2),
            '<' if next == Some('=') => (Tok::Op("<="), 2),
            '<' if next == Some('>') => (Tok::Op("!="), 2),
            '<' => (Tok::Op("<"), 1),
            '>' if next == Some('=') => (Tok::Op(">="), 2),
            '>' => (Tok::Op(">"), 1),
            '+' => (Tok::Op("+"), 1),
            '-' => (Tok::Op("-"), 1),
            '*' => (Tok::Op("*"), 1),
            '/' => (Tok::Op("/"), 1),
            '\'' | '"' | '`' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return err(col, format!("unclosed {c}")),
                        // A doubled quote stands for itself.
                        Some(&q) if q == c && chars.get(j + 1) == Some(&c) => {
                            s.push(c);
                            j += 2;
                        }
                        Some(&q) if q == c => break,
                        Some(&ch) => {
                            s.push(ch);
                            j += 1;
                        }
                    }
                }
                let tok = if c == '`' {
                    Tok::Backticked(s)
                } else {
                    Tok::Quoted(s, c)
                };
                (tok, j + 1 - i)
            }
            // A key part right after a dot is a word even when it starts with a digit:
            // `metrics.0`, `params.1st`.
            c if is_word_start(c) && (after_dot || !c.is_ascii_digit()) => {
                let len = chars[i..].iter().take_while(|&&d| is_word_char(d)).count();
                (Tok::Word(chars[i..i + len].iter().collect()), len)
            }
            c if c.is_ascii_digit() || c == '.' => {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_ascii_alphanumeric()
                        || chars[j] == '.'
                        || ((chars[j] == '-' || chars[j] == '+')
                            && matches!(chars[j - 1], 'e' | 'E')))
                {
                    j += 1;
                }
                let text: String = chars[i..j].iter().collect();
                let number = text
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".eE+-".contains(c))
                    .then(|| text.parse::<f64>().ok())
                    .flatten();
                match number {
                    Some(v) => (Tok::Number(v), j - i),
                    None => return err(col, format!("'{text}' is not a number")),
                }
            }
            _ => return err(col, format!("unexpected character '{c}'")),
        };
        i += len;
        out.push(Token {
            tok,
            col,
            end: i + 1,
        });
    }
    Ok(out)
}

/// The one operand, or the operands joined by `join`.
pub fn one_or<T>(mut xs: Vec<T>, join: fn(Vec<T>) -> T) -> T {
    if xs.len() == 1 {
        xs.pop().expect("one operand")
    } else {
        join(xs)
    }
}

/// A column name as written: `prefix.key` or a bare name.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    /// The word before the first dot (`metrics` in `metrics.a.b`), if there is a dot.
    pub prefix: Option<String>,
    /// The key after the prefix (`a.b`), or the bare name.
    pub text: String,
    /// Where the name starts.
    pub col: usize,
    /// Where the key starts (the name's column for a bare name).
    pub key_col: usize,
}

/// The tokens of one expression, read front to back, with the nesting depth so far. A
/// language's parser is a `Cursor<L>` with its own methods (`impl Cursor<L>` in its module) and
/// its own state in `lang`, such as what the filter searches.
pub struct Cursor<L = ()> {
    toks: Vec<Token>,
    pub pos: usize,
    end_col: usize,
    depth: usize,
    /// How a too-deep error starts, e.g. "the filter nests parentheses and NOT".
    nesting: &'static str,
    pub lang: L,
}

impl<L> Cursor<L> {
    /// Lexes `input`; `nesting` says what nests in this language, for the too-deep error.
    pub fn new(input: &str, nesting: &'static str, lang: L) -> Result<Cursor<L>, ParseError> {
        Ok(Cursor {
            toks: lex(input)?,
            pos: 0,
            end_col: input.chars().count() + 1,
            depth: 0,
            nesting,
            lang,
        })
    }

    pub fn peek(&self) -> Option<&Tok> {
        self.peek_at(0)
    }

    /// The token `n` places ahead.
    pub fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }

    /// The column of the next token, or just past the end.
    pub fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_col, |t| t.col)
    }

    /// Takes the next token.
    pub fn next_tok(&mut self) -> Option<Tok> {
        let t = self.peek().cloned();
        self.pos += 1;
        t
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    /// Whether the next token is the word `kw`, in any case.
    pub fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    /// Takes the word `kw` if it is next.
    pub fn eat_keyword(&mut self, kw: &str) -> bool {
        let yes = self.keyword(kw);
        if yes {
            self.pos += 1;
        }
        yes
    }

    /// Takes `tok` if it is next.
    pub fn eat(&mut self, tok: &Tok) -> bool {
        let yes = self.peek() == Some(tok);
        if yes {
            self.pos += 1;
        }
        yes
    }

    /// Enters one more level of nesting, refusing past [`MAX_DEPTH`].
    pub fn deeper(&mut self) -> Result<(), ParseError> {
        if self.depth >= MAX_DEPTH {
            return err(
                self.col(),
                format!("{} more than {MAX_DEPTH} deep", self.nesting),
            );
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves a level entered with [`Cursor::deeper`].
    pub fn shallower(&mut self) {
        self.depth -= 1;
    }

    /// Operands joined by AND and OR (in any case), AND binding tighter: `a and b or c` is
    /// `[[a, b], [c]]`.
    pub fn and_or<T>(
        &mut self,
        operand: fn(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Vec<Vec<T>>, ParseError> {
        let mut ors = Vec::new();
        loop {
            let mut ands = vec![operand(self)?];
            while self.eat_keyword("and") {
                ands.push(operand(self)?);
            }
            ors.push(ands);
            if !self.eat_keyword("or") {
                return Ok(ors);
            }
        }
    }

    /// After a prefix operator (NOT, unary minus): takes it and parses its operand one level
    /// deeper.
    pub fn prefixed<T>(
        &mut self,
        operand: fn(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        self.deeper()?;
        self.pos += 1;
        let t = operand(self)?;
        self.shallower();
        Ok(t)
    }

    /// At `(`: parses `inner` one level deeper and takes the `)`, or says `expected` where it
    /// is missing.
    pub fn parenthesized<T>(
        &mut self,
        inner: fn(&mut Self) -> Result<T, ParseError>,
        expected: &str,
    ) -> Result<T, ParseError> {
        self.deeper()?;
        self.pos += 1;
        let t = inner(self)?;
        if !self.eat(&Tok::RParen) {
            return err(self.col(), expected);
        }
        self.shallower();
        Ok(t)
    }

    /// Takes a number with an optional sign written against it (`-1e3`, `+5`, `0.5`).
    pub fn signed_number(&mut self) -> Option<f64> {
        let sign = match self.peek() {
            Some(Tok::Number(n)) => {
                let n = *n;
                self.pos += 1;
                return Some(n);
            }
            Some(Tok::Op("-")) => -1.0,
            Some(Tok::Op("+")) => 1.0,
            _ => return None,
        };
        let (op, num) = (self.toks.get(self.pos)?, self.toks.get(self.pos + 1)?);
        match num.tok {
            Tok::Number(n) if num.col == op.end => {
                self.pos += 2;
                Some(sign * n)
            }
            _ => None,
        }
    }

    /// Takes a column name if one is next: a word with `.key` after it, a bare word, or a
    /// backquoted or double-quoted name. The key runs over dots (`metrics.a.b` has key `a.b`)
    /// and its parts may be quoted (``params.`a b` ``).
    pub fn name(&mut self) -> Option<Result<Name, ParseError>> {
        let col = self.col();
        let text = match self.peek()? {
            Tok::Word(w) => w.clone(),
            Tok::Backticked(w) | Tok::Quoted(w, '"') => {
                let text = w.clone();
                self.pos += 1;
                return Some(Ok(Name {
                    prefix: None,
                    text,
                    col,
                    key_col: col,
                }));
            }
            _ => return None,
        };
        self.pos += 1;
        if !self.eat(&Tok::Dot) {
            return Some(Ok(Name {
                prefix: None,
                text,
                col,
                key_col: col,
            }));
        }
        let key_col = self.col();
        Some(self.key().map(|key| Name {
            prefix: Some(text),
            text: key,
            col,
            key_col,
        }))
    }

    /// A key after `prefix.`: parts (words, quoted or backquoted names) joined by dots.
    fn key(&mut self) -> Result<String, ParseError> {
        let mut key = String::new();
        loop {
            let col = self.col();
            match self.next_tok() {
                Some(Tok::Word(w) | Tok::Backticked(w) | Tok::Quoted(w, '"')) => key.push_str(&w),
                Some(Tok::Number(n)) if key.is_empty() => key.push_str(&n.to_string()),
                _ => return err(col, "expected a key after '.'"),
            }
            if !self.eat(&Tok::Dot) {
                return Ok(key);
            }
            key.push('.');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn quotes_double_to_stand_for_themselves() {
        assert_eq!(
            toks(r#"'it''s' "a""b" `c``d` ''"#),
            [
                Tok::Quoted("it's".into(), '\''),
                Tok::Quoted("a\"b".into(), '"'),
                Tok::Backticked("c`d".into()),
                Tok::Quoted(String::new(), '\''),
            ]
        );
        let e = lex("x = 'it''s").unwrap_err();
        assert_eq!(e.to_string(), "column 5: unclosed '");
    }

    #[test]
    fn words_dots_numbers_and_operators() {
        assert_eq!(
            toks("metrics.f1-score>=-1.5e-3"),
            [
                Tok::Word("metrics".into()),
                Tok::Dot,
                Tok::Word("f1-score".into()),
                Tok::Op(">="),
                Tok::Op("-"),
                Tok::Number(1.5e-3),
            ]
        );
        // A key part after a dot may start with a digit; a dot after a space starts a number.
        assert_eq!(
            toks("params.1st.2 < .5"),
            [
                Tok::Word("params".into()),
                Tok::Dot,
                Tok::Word("1st".into()),
                Tok::Dot,
                Tok::Word("2".into()),
                Tok::Op("<"),
                Tok::Number(0.5),
            ]
        );
        assert_eq!(
            toks("a <> b == c != d"),
            [
                Tok::Word("a".into()),
                Tok::Op("!="),
                Tok::Word("b".into()),
                Tok::Op("=="),
                Tok::Word("c".into()),
                Tok::Op("!="),
                Tok::Word("d".into()),
            ]
        );
        let cols: Vec<usize> = lex("a  = 'é' ,1").unwrap().iter().map(|t| t.col).collect();
        assert_eq!(cols, [1, 4, 6, 10, 11]);
        assert_eq!(
            lex("1x").unwrap_err().to_string(),
            "column 1: '1x' is not a number"
        );
        assert_eq!(
            lex("a ? 1").unwrap_err().to_string(),
            "column 3: unexpected character '?'"
        );
    }

    #[test]
    fn names_and_their_prefixes() {
        let name = |s: &str| Cursor::new(s, "", ()).unwrap().name().unwrap().unwrap();
        let n = name("metrics.`a b`.c");
        assert_eq!(
            (n.prefix.as_deref(), n.text.as_str(), n.col, n.key_col),
            (Some("metrics"), "a b.c", 1, 9)
        );
        assert_eq!(name("`Run Name`").text, "Run Name");
        assert_eq!(name("\"a.b\"").prefix, None);
        assert_eq!(name("status").text, "status");
        let e = Cursor::new("tags. = 1", "", ())
            .unwrap()
            .name()
            .unwrap()
            .unwrap_err();
        assert_eq!(e.to_string(), "column 7: expected a key after '.'");
        for (p, e) in [
            ("metric", Entity::Metric),
            ("PARAMETERS", Entity::Param),
            ("tag", Entity::Tag),
            ("attr", Entity::Attribute),
            ("run", Entity::Attribute),
        ] {
            assert_eq!(entity(p), Some(e), "{p}");
        }
        assert_eq!(entity("dataset"), None);
    }

    #[test]
    fn a_column_written_as_a_filter_reads_back_the_same() {
        for (entity, key) in [
            (Entity::Metric, "a b`c"),
            (Entity::Param, "x.y"),
            (Entity::Tag, "mlflow.runName"),
            (Entity::Attribute, "status"),
        ] {
            let ident = Identifier {
                entity,
                key: key.into(),
            };
            let text = format!("{} IS NULL", ident.to_filter());
            let parsed = crate::search::parse_filter(&text).unwrap().unwrap();
            assert_eq!(parsed.identifiers(), [&ident], "{text}");
        }
    }

    #[test]
    fn signs_stick_to_numbers_only_when_touching() {
        let mut c = Cursor::new("-1e3 - 2 +.5", "", ()).unwrap();
        assert_eq!(c.signed_number(), Some(-1000.0));
        assert_eq!(c.signed_number(), None);
        c.pos += 1;
        assert_eq!(c.signed_number(), Some(2.0));
        assert_eq!(c.signed_number(), Some(0.5));
        assert!(c.at_end());
    }
}
