//! Studio's expressions (the IF action's `Expression`, ASSIGN's `Value`, the conditions and values
//! in Snippet code): a parser for the subset cxone-flow simulates, located errors naming what is
//! outside it, evaluation over `Variables`, and the facts rules and case generation read (the
//! variables an expression reads, its comparisons of a variable with a literal).

use std::cmp::Ordering;
use std::ops::Range;

use super::value::{Value, Variables};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    node: Node,
}

/// A parsed expression node and the bytes it was read from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    kind: NodeKind,
    span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum NodeKind {
    Literal(Value),
    /// A string literal with `{var}` substitutions.
    Template(Vec<Piece>),
    Variable(String),
    /// `name[index]`: an element of a pipe-delimited array, counted from 1.
    Element(String, Box<Node>),
    Not(Box<Node>),
    Negate(Box<Node>),
    Binary(BinaryOp, Box<Node>, Box<Node>),
    Call(Function, Vec<Node>),
}

/// One piece of a text with substitutions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Text(String),
    Variable { name: String, index: Option<Index> },
}

/// The index of a `{name[index]}` substitution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Index {
    Number(usize),
    Variable(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum BinaryOp {
    Or,
    And,
    Compare(CompareOp),
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
}

/// The functions the simulation evaluates (Studio has many more; the rest are refused by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Function {
    Len,
    Left,
    Right,
    Mid,
    Upper,
    Lower,
    Trim,
    IndexOf,
    Replace,
    Contains,
    IsNumeric,
    Abs,
    Round,
    Floor,
    Ceiling,
}

const FUNCTIONS: [(&str, Function, usize); 15] = [
    ("len", Function::Len, 1),
    ("left", Function::Left, 2),
    ("right", Function::Right, 2),
    ("mid", Function::Mid, 3),
    ("upper", Function::Upper, 1),
    ("lower", Function::Lower, 1),
    ("trim", Function::Trim, 1),
    ("indexof", Function::IndexOf, 2),
    ("replace", Function::Replace, 3),
    ("contains", Function::Contains, 2),
    ("isnumeric", Function::IsNumeric, 1),
    ("abs", Function::Abs, 1),
    ("round", Function::Round, 1),
    ("floor", Function::Floor, 1),
    ("ceiling", Function::Ceiling, 1),
];

/// Why a text is not an expression cxone-flow can simulate; `span` is the byte range in the text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExprError {
    /// Not an expression at all (an unexpected character, an unclosed quote or parenthesis…).
    #[error("{message} (bytes {}..{})", span.start, span.end)]
    Syntax { message: String, span: Range<usize> },
    /// A construct Studio has that the simulation leaves out, named (`function "getrandom"`,
    /// `object member ".name"`…).
    #[error("{construct} is outside the simulated subset (bytes {}..{})", span.start, span.end)]
    Unsupported { construct: String, span: Range<usize> },
}

impl ExprError {
    /// The byte range the error is about.
    pub fn span(&self) -> Range<usize> {
        match self {
            ExprError::Syntax { span, .. } | ExprError::Unsupported { span, .. } => span.clone(),
        }
    }

    pub(crate) fn syntax(message: impl Into<String>, span: Range<usize>) -> ExprError {
        ExprError::Syntax {
            message: message.into(),
            span,
        }
    }

    pub(crate) fn unsupported(construct: impl Into<String>, span: Range<usize>) -> ExprError {
        ExprError::Unsupported {
            construct: construct.into(),
            span,
        }
    }
}

/// Why evaluating a parsed expression failed; `span` is the byte range in the expression's text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// A value that is not a number where arithmetic needs one (`"abc" * 2`).
    #[error("{value:?} is not a number (bytes {}..{})", span.start, span.end)]
    NotANumber { value: String, span: Range<usize> },
    /// A condition whose value is neither true nor false (`IF "abc"`).
    #[error("{value:?} is not true or false (bytes {}..{})", span.start, span.end)]
    NotACondition { value: String, span: Range<usize> },
    /// Division or remainder by zero.
    #[error("division by zero (bytes {}..{})", span.start, span.end)]
    DivisionByZero { span: Range<usize> },
    /// A function given arguments it cannot take (`left("abc", -1)`).
    #[error("{function}: {message} (bytes {}..{})", span.start, span.end)]
    BadArgument {
        function: String,
        message: String,
        span: Range<usize>,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

impl CompareOp {
    /// The operator with its sides swapped (`5 < x` is `x > 5`).
    fn flipped(self) -> CompareOp {
        match self {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Ge => CompareOp::Le,
            same => same,
        }
    }

    fn holds(self, ordering: Ordering) -> bool {
        match self {
            CompareOp::Eq => ordering == Ordering::Equal,
            CompareOp::Ne => ordering != Ordering::Equal,
            CompareOp::Lt => ordering == Ordering::Less,
            CompareOp::Gt => ordering == Ordering::Greater,
            CompareOp::Le => ordering != Ordering::Greater,
            CompareOp::Ge => ordering != Ordering::Less,
        }
    }
}

/// A comparison of a variable (or an element of one, `x[2]` names `x`) with a literal, as written
/// (`ANI = "555"`, `5 < count` is `count > 5`): the classes case generation picks values from.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub variable: String,
    pub op: CompareOp,
    pub literal: Value,
}

/// The ASSIGN action's `Type` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignType {
    /// `Value` is text with `{var}` substitution.
    String,
    /// `Value` is an expression evaluated to a number (`1+1` is 2).
    Numeric,
    /// `Value` is a datetime kept as text after `{var}` substitution.
    Datetime,
}

impl AssignType {
    /// The type a `Type` property names (`String`, `Numeric`, `Datetime`, any case); `None` for
    /// anything else.
    pub fn from_property(text: &str) -> Option<AssignType> {
        let text = text.trim();
        [
            ("string", AssignType::String),
            ("numeric", AssignType::Numeric),
            ("datetime", AssignType::Datetime),
        ]
        .into_iter()
        .find(|(name, _)| text.eq_ignore_ascii_case(name))
        .map(|(_, kind)| kind)
    }
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let mut parser = Parser::new(text, false)?;
    let node = parser.expression()?;
    match parser.peek() {
        None => Ok(Expr { node }),
        Some(token) => Err(ExprError::syntax(
            format!("unexpected {}", token.describe()),
            token.span.clone(),
        )),
    }
}

impl Expr {
    /// The value of the expression given `variables` (an unassigned variable reads as the empty
    /// text).
    pub fn eval(&self, variables: &Variables) -> Result<Value, EvalError> {
        self.node.eval(variables)
    }

    /// The expression as a condition (the IF action's `Expression`): true or false, or an error
    /// when its value is neither.
    pub fn is_true(&self, variables: &Variables) -> Result<bool, EvalError> {
        self.node.condition(variables)
    }

    /// The names of the variables the expression reads, in order of first appearance, each once
    /// (case-insensitively), as first written.
    pub fn variables(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.node.collect_variables(&mut names);
        names
    }

    /// The comparisons of a variable with a literal anywhere in the expression.
    pub fn comparisons(&self) -> Vec<Comparison> {
        let mut found = Vec::new();
        self.node.collect_comparisons(&mut found);
        found
    }
}

/// Replaces each `{name}` (or `{name[index]}`) in `text` with the variable's value as text (the
/// empty text when unassigned); anything else in braces is a located error.
pub fn substitute(text: &str, variables: &Variables) -> Result<String, ExprError> {
    let pieces = template(text, 0, false)?;
    Ok(render(&pieces, variables))
}

/// The variables a text's `{name}` substitutions read, in order, each once; none when the text's
/// braces are not all substitutions.
pub fn substituted_variables(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(pieces) = template(text, 0, false) {
        pieces_variables(&pieces, &mut names);
    }
    names
}

/// The value the ASSIGN action stores: its `Value` property read as its `Type` says (a Numeric
/// value may use `{var}` substitutions too: they are made before it is evaluated).
pub fn assign_value(text: &str, kind: AssignType, variables: &Variables) -> Result<Value, AssignError> {
    match kind {
        AssignType::String | AssignType::Datetime => Ok(Value::Text(substitute(text, variables)?)),
        AssignType::Numeric => {
            let substituted = substitute(text, variables)?;
            let expr = parse(&substituted)?;
            let value = expr.eval(variables)?;
            match value.as_number() {
                Some(number) => Ok(Value::Number(number)),
                None => Err(EvalError::NotANumber {
                    value: value.to_text(),
                    span: 0..substituted.len(),
                }
                .into()),
            }
        }
    }
}

/// Why an ASSIGN action's value could not be worked out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssignError {
    #[error(transparent)]
    Parse(#[from] ExprError),
    #[error(transparent)]
    Eval(#[from] EvalError),
}

// ---- Lexing ----

/// One token of an expression or of Snippet code.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) span: Range<usize>,
    /// Whether a line break comes between this token and the one before (Snippet statements end
    /// at a line break).
    pub(crate) starts_line: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    Number(f64),
    Text(Vec<Piece>),
    Word(String),
    Symbol(&'static str),
}

impl Token {
    fn describe(&self) -> String {
        match &self.kind {
            TokenKind::Number(_) => "number".to_owned(),
            TokenKind::Text(_) => "string".to_owned(),
            TokenKind::Word(word) => format!("\"{word}\""),
            TokenKind::Symbol(symbol) => format!("\"{symbol}\""),
        }
    }

    pub(crate) fn is_symbol(&self, symbol: &str) -> bool {
        matches!(self.kind, TokenKind::Symbol(found) if found == symbol)
    }

    pub(crate) fn is_word(&self, word: &str) -> bool {
        matches!(&self.kind, TokenKind::Word(found) if found.eq_ignore_ascii_case(word))
    }
}

/// Symbols, longest first so `<=` is read before `<`.
const SYMBOLS: [&str; 24] = [
    "==", "!=", "<>", "<=", ">=", "=>", "=<", "&&", "||", "=", "<", ">", "!", "&", "|", "+", "-", "*", "/", "%", "(",
    ")", ",", ".",
];
const BRACKETS: [&str; 5] = ["[", "]", "{", "}", ":"];

/// Splits `text` into tokens; `//` starts a comment to the end of the line.
fn tokenize(text: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    let mut starts_line = true;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'\n' || byte == b'\r' {
            starts_line = true;
            at += 1;
            continue;
        }
        if byte.is_ascii_whitespace() {
            at += 1;
            continue;
        }
        if text[at..].starts_with("//") {
            at = text[at..].find('\n').map_or(bytes.len(), |end| at + end);
            continue;
        }
        let start = at;
        let kind = if byte == b'"' || byte == b'\'' {
            let (pieces, end) = string_literal(text, at)?;
            at = end;
            TokenKind::Text(pieces)
        } else if byte == b'#' && matches!(bytes.get(at + 1), Some(b'"' | b'\'')) {
            // `#"02/09/2023"`: a datetime literal, kept as text.
            let (pieces, end) = string_literal(text, at + 1)?;
            at = end;
            TokenKind::Text(pieces)
        } else if byte.is_ascii_digit() {
            let end = number_end(bytes, at);
            let number = text[at..end]
                .parse()
                .map_err(|_| ExprError::syntax("malformed number", at..end))?;
            at = end;
            TokenKind::Number(number)
        } else if byte.is_ascii_alphabetic() || byte == b'_' {
            let end = bytes[at..]
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .map_or(bytes.len(), |length| at + length);
            at = end;
            TokenKind::Word(text[start..end].to_owned())
        } else if let Some(symbol) = SYMBOLS
            .iter()
            .chain(BRACKETS.iter())
            .find(|symbol| text[at..].starts_with(**symbol))
        {
            at += symbol.len();
            TokenKind::Symbol(symbol)
        } else {
            let character = text[at..].chars().next().unwrap_or('?');
            return Err(ExprError::syntax(
                format!("unexpected character {character:?}"),
                at..at + character.len_utf8(),
            ));
        };
        tokens.push(Token {
            kind,
            span: start..at,
            starts_line,
        });
        starts_line = false;
    }
    Ok(tokens)
}

fn number_end(bytes: &[u8], start: usize) -> usize {
    let digits_from = |at: usize| {
        bytes[at..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |length| at + length)
    };
    let end = digits_from(start);
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        digits_from(end + 1)
    } else {
        end
    }
}

/// A quoted string starting at `start` (its quote): its pieces and the byte after its closing
/// quote. A backslash escapes the quote, `{`, `\`, and writes `\t`, `\r`, `\n`, `\b`, `\0`.
fn string_literal(text: &str, start: usize) -> Result<(Vec<Piece>, usize), ExprError> {
    let quote = text.as_bytes()[start];
    let mut raw_end = None;
    let mut escaped = false;
    for (offset, byte) in text.as_bytes()[start + 1..].iter().enumerate() {
        if escaped {
            escaped = false;
        } else if *byte == b'\\' {
            escaped = true;
        } else if *byte == quote {
            raw_end = Some(start + 1 + offset);
            break;
        }
    }
    let Some(raw_end) = raw_end else {
        return Err(ExprError::syntax("unclosed string", start..text.len()));
    };
    let pieces = template(&text[start + 1..raw_end], start + 1, true)?;
    Ok((pieces, raw_end + 1))
}

/// Reads a text with `{name}` / `{name[index]}` substitutions into pieces; `offset` is where the
/// text starts in the whole input (for error ranges); `escapes` turns on backslash escapes.
fn template(text: &str, offset: usize, escapes: bool) -> Result<Vec<Piece>, ExprError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, character)) = chars.next() {
        match character {
            '\\' if escapes => {
                let Some((_, next)) = chars.next() else {
                    literal.push('\\');
                    break;
                };
                match next {
                    't' => literal.push('\t'),
                    'r' => literal.push('\r'),
                    'n' => literal.push('\n'),
                    'b' => literal.push('\u{8}'),
                    '0' => literal.push('\0'),
                    '"' | '\'' | '{' | '\\' => literal.push(next),
                    other => {
                        literal.push('\\');
                        literal.push(other);
                    }
                }
            }
            '{' => {
                let close = text[at..]
                    .find('}')
                    .ok_or_else(|| ExprError::syntax("unclosed \"{\"", offset + at..offset + text.len()))?;
                let inner = &text[at + 1..at + close];
                let span = offset + at..offset + at + close + 1;
                let piece = substitution(inner, span)?;
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                pieces.push(piece);
                while chars.peek().is_some_and(|(next, _)| *next <= at + close) {
                    chars.next();
                }
            }
            other => literal.push(other),
        }
    }
    if !literal.is_empty() || pieces.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

/// The inside of `{…}`: a variable name, optionally indexed by a number or a variable.
fn substitution(inner: &str, span: Range<usize>) -> Result<Piece, ExprError> {
    let inner = inner.trim();
    let (name, index) = match inner.split_once('[') {
        Some((name, rest)) => {
            let index = rest
                .strip_suffix(']')
                .map(str::trim)
                .ok_or_else(|| ExprError::unsupported(format!("substitution {{{inner}}}"), span.clone()))?;
            let index = if let Ok(number) = index.parse::<usize>() {
                Index::Number(number)
            } else if is_name(index) {
                Index::Variable(index.to_owned())
            } else {
                return Err(ExprError::unsupported(format!("substitution {{{inner}}}"), span));
            };
            (name.trim(), Some(index))
        }
        None => (inner, None),
    };
    if !is_name(name) {
        return Err(ExprError::unsupported(format!("substitution {{{inner}}}"), span));
    }
    Ok(Piece::Variable {
        name: name.to_owned(),
        index,
    })
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn render(pieces: &[Piece], variables: &Variables) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable { name, index } => {
                let value = variables.read(name);
                match index {
                    None => out.push_str(&value.to_text()),
                    Some(index) => {
                        let position = match index {
                            Index::Number(number) => Some(*number),
                            Index::Variable(name) => variables
                                .read(name)
                                .as_number()
                                .filter(|number| number.fract() == 0.0 && *number >= 1.0)
                                .map(|number| number as usize),
                        };
                        if let Some(element) = position.and_then(|at| element_at(&value, at)) {
                            out.push_str(&element);
                        }
                    }
                }
            }
        }
    }
    out
}

/// The element at a 1-based position of a pipe-delimited array.
fn element_at(value: &Value, position: usize) -> Option<String> {
    position
        .checked_sub(1)
        .and_then(|at| value.elements().into_iter().nth(at))
}

fn pieces_variables(pieces: &[Piece], names: &mut Vec<String>) {
    for piece in pieces {
        if let Piece::Variable { name, index } = piece {
            push_name(names, name);
            if let Some(Index::Variable(index)) = index {
                push_name(names, index);
            }
        }
    }
}

fn push_name(names: &mut Vec<String>, name: &str) {
    if !names.iter().any(|known| known.eq_ignore_ascii_case(name)) {
        names.push(name.to_owned());
    }
}

// ---- Parsing ----

/// Words Snippet reserves: they end an expression and never name a variable.
const KEYWORDS: [&str; 22] = [
    "ASSIGN", "IF", "ELSE", "SWITCH", "SELECT", "CASE", "DEFAULT", "FOR", "TO", "FOREACH", "IN", "REPEAT", "WHILE",
    "BREAK", "TRACE", "DYNAMIC", "FUNCTION", "RETURN", "GLOBAL", "USING", "CONTINUE", "EXIT",
];

/// A recursive-descent parser over tokens, shared by expressions and Snippet code.
pub(crate) struct Parser {
    tokens: Vec<Token>,
    at: usize,
    /// In Snippet code, an expression ends at a line break.
    line_ends_expression: bool,
    end: usize,
    /// How deep the parse is (parentheses, unary operators, arguments, blocks): bounded so
    /// neither parsing nor evaluating can run out of stack.
    nesting: usize,
    /// Binary operators in the current outermost expression, bounded for the same reason.
    operators: usize,
}

/// The longest text a Snippet may build, in bytes: Studio's largest `MaxStringSize` (Limit32K).
pub(crate) const MAX_TEXT: usize = 32 * 1024;

/// The deepest nesting the parser accepts.
const MAX_NESTING: usize = 64;
/// The most binary operators one expression may have.
const MAX_OPERATORS: usize = 256;

impl Parser {
    pub(crate) fn new(text: &str, line_ends_expression: bool) -> Result<Parser, ExprError> {
        Ok(Parser {
            tokens: tokenize(text)?,
            at: 0,
            line_ends_expression,
            end: text.len(),
            nesting: 0,
            operators: 0,
        })
    }

    /// Goes one level deeper (an error past `MAX_NESTING`); `leave` comes back up.
    pub(crate) fn enter(&mut self) -> Result<(), ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            let span = self.peek().map_or(self.end_span(), |token| token.span.clone());
            return Err(ExprError::syntax("nested too deeply", span));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.nesting -= 1;
    }

    /// The next token, whatever line it is on.
    pub(crate) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    pub(crate) fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += usize::from(token.is_some());
        token
    }

    /// The range of the end of the input (for "expected …" at the end).
    pub(crate) fn end_span(&self) -> Range<usize> {
        self.end..self.end
    }

    /// The next token when it continues the current expression.
    fn peek_operand(&self) -> Option<&Token> {
        self.peek()
            .filter(|token| !(self.line_ends_expression && token.starts_line))
    }

    fn eat_symbol(&mut self, symbols: &[&'static str]) -> Option<(&'static str, Range<usize>)> {
        let token = self.peek_operand()?;
        let TokenKind::Symbol(symbol) = token.kind else {
            return None;
        };
        if symbols.contains(&symbol) {
            let span = token.span.clone();
            self.at += 1;
            Some((symbol, span))
        } else {
            None
        }
    }

    pub(crate) fn expect_symbol(&mut self, symbol: &'static str) -> Result<Range<usize>, ExprError> {
        match self.peek() {
            Some(token) if token.is_symbol(symbol) => {
                let span = token.span.clone();
                self.at += 1;
                Ok(span)
            }
            Some(token) => Err(ExprError::syntax(
                format!("expected \"{symbol}\", found {}", token.describe()),
                token.span.clone(),
            )),
            None => Err(ExprError::syntax(format!("expected \"{symbol}\""), self.end_span())),
        }
    }

    /// One whole expression.
    pub(crate) fn expression(&mut self) -> Result<Node, ExprError> {
        if self.nesting == 0 {
            self.operators = 0;
        }
        self.binary_level(0)
    }

    /// The binary operators by precedence, loosest first: `|`, `&`, comparisons, `+ -`, `* / %`.
    fn binary_level(&mut self, level: usize) -> Result<Node, ExprError> {
        const LEVELS: [&[&str]; 5] = [
            &["|", "||"],
            &["&", "&&"],
            &["=", "==", "!=", "<>", "<", ">", "<=", ">=", "=>", "=<"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary_level(level + 1)?;
        while let Some((symbol, span)) = self.eat_symbol(LEVELS[level]) {
            if symbol == "&&" || symbol == "||" {
                return Err(ExprError::unsupported(format!("operator \"{symbol}\""), span));
            }
            self.operators += 1;
            if self.operators > MAX_OPERATORS {
                return Err(ExprError::syntax("expression too long", span));
            }
            let right = self.binary_level(level + 1)?;
            let op = binary_op(symbol);
            let span = left.span.start..right.span.end;
            left = Node {
                kind: NodeKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        self.enter()?;
        let node = self.unary_inner();
        self.leave();
        node
    }

    fn unary_inner(&mut self) -> Result<Node, ExprError> {
        if let Some((symbol, span)) = self.eat_symbol(&["!", "-", "+"]) {
            let operand = self.unary()?;
            let whole = span.start..operand.span.end;
            let kind = match symbol {
                "!" => NodeKind::Not(Box::new(operand)),
                "-" => NodeKind::Negate(Box::new(operand)),
                _ => {
                    return Ok(Node {
                        kind: operand.kind,
                        span: whole,
                    });
                }
            };
            return Ok(Node { kind, span: whole });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        let Some(token) = self.peek_operand().cloned() else {
            let span = self.peek().map_or(self.end_span(), |token| token.span.clone());
            return Err(ExprError::syntax("expected a value", span));
        };
        self.at += 1;
        let node = match token.kind {
            TokenKind::Number(number) => Node {
                kind: NodeKind::Literal(Value::Number(number)),
                span: token.span,
            },
            TokenKind::Text(pieces) => Node {
                kind: literal_or_template(pieces),
                span: token.span,
            },
            TokenKind::Symbol("(") => {
                let inner = self.expression()?;
                let close = self.expect_symbol(")")?;
                Node {
                    kind: inner.kind,
                    span: token.span.start..close.end,
                }
            }
            TokenKind::Word(word) => self.word(word, token.span)?,
            _ => {
                return Err(ExprError::syntax(
                    format!("unexpected {}", token.describe()),
                    token.span,
                ));
            }
        };
        self.postfix(node)
    }

    /// A word: `true`/`false`, a function call, or a variable (perhaps indexed).
    fn word(&mut self, word: String, span: Range<usize>) -> Result<Node, ExprError> {
        if word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false") {
            return Ok(Node {
                kind: NodeKind::Literal(Value::Bool(word.eq_ignore_ascii_case("true"))),
                span,
            });
        }
        if self.peek_operand().is_some_and(|token| token.is_symbol(":")) {
            return Err(ExprError::unsupported(format!("scoped name \"{word}:\""), span));
        }
        if KEYWORDS.iter().any(|keyword| word.eq_ignore_ascii_case(keyword)) {
            return Err(ExprError::syntax(
                format!("keyword \"{word}\" where a value belongs"),
                span,
            ));
        }
        if self.eat_symbol(&["("]).is_some() {
            let (arguments, close) = self.arguments()?;
            return call(&word, arguments, span.start..close.end, span);
        }
        if self.peek_operand().is_some_and(|token| token.is_symbol("[")) {
            self.at += 1;
            let index = self.expression()?;
            let close = self.expect_symbol("]")?;
            return Ok(Node {
                kind: NodeKind::Element(word, Box::new(index)),
                span: span.start..close.end,
            });
        }
        Ok(Node {
            kind: NodeKind::Variable(word),
            span,
        })
    }

    /// `value.function(arguments)`: the same call as `function(value, arguments)`.
    fn postfix(&mut self, mut node: Node) -> Result<Node, ExprError> {
        while let Some((_, dot)) = self.eat_symbol(&["."]) {
            let (name, name_span) = match self.peek_operand() {
                Some(Token {
                    kind: TokenKind::Word(name),
                    span,
                    ..
                }) => (name.clone(), span.clone()),
                _ => return Err(ExprError::syntax("expected a name after \".\"", dot)),
            };
            self.at += 1;
            if self.eat_symbol(&["("]).is_none() {
                return Err(ExprError::unsupported(
                    format!("object member \".{name}\""),
                    dot.start..name_span.end,
                ));
            }
            let (mut arguments, close) = self.arguments()?;
            let whole = node.span.start..close.end;
            arguments.insert(0, node);
            node = call(&name, arguments, whole, name_span)?;
        }
        Ok(node)
    }

    /// The arguments after `(`, through `)`.
    fn arguments(&mut self) -> Result<(Vec<Node>, Range<usize>), ExprError> {
        let mut arguments = Vec::new();
        if let Some(token) = self.peek().filter(|token| token.is_symbol(")")) {
            let span = token.span.clone();
            self.at += 1;
            return Ok((arguments, span));
        }
        loop {
            arguments.push(self.expression()?);
            if self.eat_symbol(&[","]).is_none() {
                let close = self.expect_symbol(")")?;
                return Ok((arguments, close));
            }
        }
    }
}

fn binary_op(symbol: &str) -> BinaryOp {
    match symbol {
        "|" => BinaryOp::Or,
        "&" => BinaryOp::And,
        "=" | "==" => BinaryOp::Compare(CompareOp::Eq),
        "!=" | "<>" => BinaryOp::Compare(CompareOp::Ne),
        "<" => BinaryOp::Compare(CompareOp::Lt),
        ">" => BinaryOp::Compare(CompareOp::Gt),
        "<=" | "=<" => BinaryOp::Compare(CompareOp::Le),
        ">=" | "=>" => BinaryOp::Compare(CompareOp::Ge),
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Subtract,
        "*" => BinaryOp::Multiply,
        "/" => BinaryOp::Divide,
        _ => BinaryOp::Remainder,
    }
}

/// A string literal: plain text when it has no substitutions.
fn literal_or_template(pieces: Vec<Piece>) -> NodeKind {
    match pieces.as_slice() {
        [Piece::Text(text)] => NodeKind::Literal(Value::Text(text.clone())),
        _ => NodeKind::Template(pieces),
    }
}

/// A call of a function the simulation knows, with the number of arguments it takes.
fn call(name: &str, arguments: Vec<Node>, span: Range<usize>, name_span: Range<usize>) -> Result<Node, ExprError> {
    let Some((known, function, arity)) = FUNCTIONS.iter().find(|(known, _, _)| known.eq_ignore_ascii_case(name)) else {
        return Err(ExprError::unsupported(format!("function \"{name}\""), name_span));
    };
    if arguments.len() != *arity {
        return Err(ExprError::syntax(
            format!("{known} takes {arity} argument(s), not {}", arguments.len()),
            span,
        ));
    }
    Ok(Node {
        kind: NodeKind::Call(*function, arguments),
        span,
    })
}

// ---- Evaluation ----

impl Node {
    pub(crate) fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The value of this node.
    pub(crate) fn eval(&self, variables: &Variables) -> Result<Value, EvalError> {
        match &self.kind {
            NodeKind::Literal(value) => Ok(value.clone()),
            NodeKind::Template(pieces) => Ok(Value::Text(render(pieces, variables))),
            NodeKind::Variable(name) => Ok(variables.read(name)),
            NodeKind::Element(name, index) => {
                let position = position(index, variables)?;
                let value = variables.read(name);
                Ok(element_at(&value, position).map_or_else(Value::empty, Value::Text))
            }
            NodeKind::Not(inner) => Ok(Value::Bool(!inner.condition(variables)?)),
            NodeKind::Negate(inner) => Ok(Value::Number(-inner.number(variables)?)),
            NodeKind::Binary(op, left, right) => self.binary(*op, left, right, variables),
            NodeKind::Call(function, arguments) => self.call(*function, arguments, variables),
        }
    }

    /// This node as a condition.
    pub(crate) fn condition(&self, variables: &Variables) -> Result<bool, EvalError> {
        let value = self.eval(variables)?;
        value.as_bool().ok_or_else(|| EvalError::NotACondition {
            value: value.to_text(),
            span: self.span(),
        })
    }

    /// This node as a number.
    pub(crate) fn number(&self, variables: &Variables) -> Result<f64, EvalError> {
        let value = self.eval(variables)?;
        value.as_number().ok_or_else(|| EvalError::NotANumber {
            value: value.to_text(),
            span: self.span(),
        })
    }

    fn binary(&self, op: BinaryOp, left: &Node, right: &Node, variables: &Variables) -> Result<Value, EvalError> {
        let arithmetic = |apply: fn(f64, f64) -> f64| -> Result<Value, EvalError> {
            let result = apply(left.number(variables)?, right.number(variables)?);
            Ok(Value::Number(result))
        };
        match op {
            BinaryOp::Or => Ok(Value::Bool(left.condition(variables)? || right.condition(variables)?)),
            BinaryOp::And => Ok(Value::Bool(left.condition(variables)? && right.condition(variables)?)),
            BinaryOp::Compare(op) => {
                let ordering = left.eval(variables)?.compare(&right.eval(variables)?);
                Ok(Value::Bool(op.holds(ordering)))
            }
            // NICE's Expressions page: in `123 + 456 + nextNum`, a nextNum that holds text, or
            // that is no variable at all, is ignored (579). Adding or subtracting nothing is 0.
            BinaryOp::Add | BinaryOp::Subtract => {
                let left = left.eval(variables)?.as_number().unwrap_or(0.0);
                let right = right.eval(variables)?.as_number().unwrap_or(0.0);
                Ok(Value::Number(if op == BinaryOp::Add {
                    left + right
                } else {
                    left - right
                }))
            }
            BinaryOp::Multiply => arithmetic(|a, b| a * b),
            BinaryOp::Divide | BinaryOp::Remainder => {
                let dividend = left.number(variables)?;
                let divisor = right.number(variables)?;
                if divisor == 0.0 {
                    return Err(EvalError::DivisionByZero { span: self.span() });
                }
                Ok(Value::Number(if op == BinaryOp::Divide {
                    dividend / divisor
                } else {
                    dividend % divisor
                }))
            }
        }
    }

    fn call(&self, function: Function, arguments: &[Node], variables: &Variables) -> Result<Value, EvalError> {
        let text = |at: usize| -> Result<String, EvalError> { Ok(arguments[at].eval(variables)?.to_text()) };
        let count = |at: usize| -> Result<usize, EvalError> {
            let number = arguments[at].number(variables)?;
            if number.fract() != 0.0 || number < 0.0 || number > u32::MAX as f64 {
                return Err(EvalError::BadArgument {
                    function: function_name(function).to_owned(),
                    message: format!("{} is not a whole number from 0", Value::Number(number).to_text()),
                    span: arguments[at].span(),
                });
            }
            Ok(number as usize)
        };
        let number = |at: usize| arguments[at].number(variables);
        let value = match function {
            Function::Len => Value::Number(text(0)?.chars().count() as f64),
            Function::Left => Value::Text(text(0)?.chars().take(count(1)?).collect()),
            Function::Right => {
                let chars: Vec<char> = text(0)?.chars().collect();
                let keep = count(1)?.min(chars.len());
                Value::Text(chars[chars.len() - keep..].iter().collect())
            }
            Function::Mid => {
                let start = count(1)?.max(1);
                Value::Text(text(0)?.chars().skip(start - 1).take(count(2)?).collect())
            }
            Function::Upper => Value::Text(text(0)?.to_uppercase()),
            Function::Lower => Value::Text(text(0)?.to_lowercase()),
            Function::Trim => Value::Text(text(0)?.trim().to_owned()),
            Function::IndexOf => {
                let haystack = text(0)?;
                let position = haystack
                    .find(&text(1)?)
                    .map_or(0, |at| haystack[..at].chars().count() + 1);
                Value::Number(position as f64)
            }
            Function::Replace => {
                let (within, old, new) = (text(0)?, text(1)?, text(2)?);
                let too_long = |message: &str| EvalError::BadArgument {
                    function: "replace".to_owned(),
                    message: message.to_owned(),
                    span: self.span(),
                };
                if old.is_empty() {
                    return Err(too_long("the text to replace is empty"));
                }
                let grown = within.matches(old.as_str()).count() * new.len();
                if within.len().saturating_add(grown) > MAX_TEXT {
                    return Err(too_long("the result is longer than Studio's 32K limit"));
                }
                Value::Text(within.replace(&old, &new))
            }
            Function::Contains => Value::Bool(text(0)?.contains(&text(1)?)),
            Function::IsNumeric => Value::Bool(arguments[0].eval(variables)?.as_number().is_some()),
            Function::Abs => Value::Number(number(0)?.abs()),
            Function::Round => Value::Number(number(0)?.round_ties_even()),
            Function::Floor => Value::Number(number(0)?.floor()),
            Function::Ceiling => Value::Number(number(0)?.ceil()),
        };
        Ok(value)
    }

    pub(crate) fn collect_variables(&self, names: &mut Vec<String>) {
        match &self.kind {
            NodeKind::Literal(_) => {}
            NodeKind::Template(pieces) => pieces_variables(pieces, names),
            NodeKind::Variable(name) => push_name(names, name),
            NodeKind::Element(name, index) => {
                push_name(names, name);
                index.collect_variables(names);
            }
            NodeKind::Not(inner) | NodeKind::Negate(inner) => inner.collect_variables(names),
            NodeKind::Binary(_, left, right) => {
                left.collect_variables(names);
                right.collect_variables(names);
            }
            NodeKind::Call(_, arguments) => {
                for argument in arguments {
                    argument.collect_variables(names);
                }
            }
        }
    }

    pub(crate) fn collect_comparisons(&self, found: &mut Vec<Comparison>) {
        match &self.kind {
            NodeKind::Binary(BinaryOp::Compare(op), left, right) => {
                match (
                    left.variable_name(),
                    right.literal(),
                    right.variable_name(),
                    left.literal(),
                ) {
                    (Some(variable), Some(literal), _, _) => found.push(Comparison {
                        variable: variable.to_owned(),
                        op: *op,
                        literal,
                    }),
                    (_, _, Some(variable), Some(literal)) => found.push(Comparison {
                        variable: variable.to_owned(),
                        op: op.flipped(),
                        literal,
                    }),
                    _ => {}
                }
                left.collect_comparisons(found);
                right.collect_comparisons(found);
            }
            NodeKind::Binary(_, left, right) => {
                left.collect_comparisons(found);
                right.collect_comparisons(found);
            }
            NodeKind::Not(inner) | NodeKind::Negate(inner) => inner.collect_comparisons(found),
            NodeKind::Element(_, index) => index.collect_comparisons(found),
            NodeKind::Call(_, arguments) => {
                for argument in arguments {
                    argument.collect_comparisons(found);
                }
            }
            NodeKind::Literal(_) | NodeKind::Template(_) | NodeKind::Variable(_) => {}
        }
    }

    /// The variable this node reads when it is one (or an element of one).
    fn variable_name(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Variable(name) | NodeKind::Element(name, _) => Some(name),
            _ => None,
        }
    }

    /// The value of this node when it is a literal (a negated number included).
    pub(crate) fn literal(&self) -> Option<Value> {
        match &self.kind {
            NodeKind::Literal(value) => Some(value.clone()),
            NodeKind::Negate(inner) => match &inner.kind {
                NodeKind::Literal(Value::Number(number)) => Some(Value::Number(-number)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The 1-based array position an index node gives.
pub(crate) fn position(index: &Node, variables: &Variables) -> Result<usize, EvalError> {
    let number = index.number(variables)?;
    if number.fract() != 0.0 || number < 1.0 || number > u32::MAX as f64 {
        return Err(EvalError::BadArgument {
            function: "[]".to_owned(),
            message: format!("index {} is not a whole number from 1", Value::Number(number).to_text()),
            span: index.span(),
        });
    }
    Ok(number as usize)
}

fn function_name(function: Function) -> &'static str {
    FUNCTIONS
        .iter()
        .find(|(_, known, _)| *known == function)
        .map_or("?", |(name, _, _)| name)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn vars(pairs: &[(&str, Value)]) -> Variables {
        pairs.iter().cloned().collect()
    }

    fn eval(text: &str, variables: &Variables) -> Value {
        parse(text)
            .unwrap_or_else(|error| panic!("{text}: {error}"))
            .eval(variables)
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn eval_empty(text: &str) -> Value {
        eval(text, &Variables::new())
    }

    #[test]
    fn the_if_actions_documented_expressions() {
        // NICE's IF action page: "TOTAL=>0 (Total equal to or greater than 0)", and its example
        // script's TOTAL>0.
        let agents = vars(&[("TOTAL", Value::from("3"))]);
        let none = vars(&[("TOTAL", Value::from("0"))]);
        for (text, with_agents, without) in [("TOTAL=>0", true, true), ("TOTAL>0", true, false)] {
            let expr = parse(text).unwrap();
            assert_eq!(expr.is_true(&agents), Ok(with_agents), "{text}");
            assert_eq!(expr.is_true(&none), Ok(without), "{text}");
        }
    }

    #[test]
    fn comparison_operators() {
        let x = vars(&[("X", Value::Number(5.0))]);
        // NICE's Expressions page: "X = 5 compares the value of the variable X to 5".
        for (text, expected) in [
            ("X = 5", true),
            ("X == 5", true),
            ("X != 5", false),
            ("X <> 4", true),
            ("X < 6", true),
            ("X > 6", false),
            ("X <= 5", true),
            ("X >= 6", false),
            ("X =< 5", true),
            ("X => 5", true),
        ] {
            assert_eq!(eval(text, &x), Value::Bool(expected), "{text}");
        }
    }

    #[test]
    fn arithmetic_with_precedence_and_parentheses() {
        assert_eq!(eval_empty("1+1"), Value::Number(2.0));
        assert_eq!(eval_empty("2 + 3 * 4"), Value::Number(14.0));
        assert_eq!(eval_empty("(2 + 3) * 4"), Value::Number(20.0));
        assert_eq!(eval_empty("10 - 4 - 3"), Value::Number(3.0));
        assert_eq!(eval_empty("7 / 2"), Value::Number(3.5));
        assert_eq!(eval_empty("7 % 4"), Value::Number(3.0));
        assert_eq!(eval_empty("-3 + 1"), Value::Number(-2.0));
        let counter = vars(&[("SubCounter", Value::from("1"))]);
        assert_eq!(eval("SubCounter + 1", &counter), Value::Number(2.0));
    }

    #[test]
    fn text_and_unknown_names_are_ignored_in_sums() {
        // NICE's Expressions page: c1 = 123 + 456 + nextNum is 579 when nextNum holds
        // "my string" or is no variable, 1368 when it holds 789.
        let text = vars(&[("nextNum", Value::from("my string"))]);
        let number = vars(&[("nextNum", Value::Number(789.0))]);
        assert_eq!(eval("123 + 456 + nextNum", &text), Value::Number(579.0));
        assert_eq!(eval("123 + 456 + nextNum", &number), Value::Number(1368.0));
        assert_eq!(eval_empty("123 + 456 + nextNum"), Value::Number(579.0));
        // NICE's Expressions page: c2 = "123 + 456" is that text.
        assert_eq!(eval_empty("\"123 + 456\""), Value::from("123 + 456"));
    }

    #[test]
    fn logical_operators_pipe_ampersand_and_not() {
        // NICE's Statements page: IF Name = "Odin" | Name = "Freya".
        let freya = vars(&[("Name", Value::from("Freya"))]);
        assert_eq!(eval(r#"Name = "Odin" | Name = "Freya""#, &freya), Value::Bool(true));
        assert_eq!(eval(r#"Name = "Odin" & Name = "Freya""#, &freya), Value::Bool(false));
        assert_eq!(eval(r#"!(Name = "Odin")"#, &freya), Value::Bool(true));
        // `&` binds tighter than `|`; comparisons tighter than both.
        assert_eq!(eval_empty("1 = 1 | 1 = 2 & 1 = 2"), Value::Bool(true));
        assert_eq!(eval_empty("TRUE & false"), Value::Bool(false));
    }

    #[test]
    fn a_comparison_assigned_is_a_boolean_and_quoted_it_is_text() {
        // NICE's Variables page: ASSIGN myVar = var2 > 42 evaluates to true or false, while
        // ASSIGN myVar = "var2 > 42" holds the text itself.
        let var2 = vars(&[("var2", Value::Number(50.0))]);
        assert_eq!(eval("var2 > 42", &var2), Value::Bool(true));
        assert_eq!(eval(r#""var2 > 42""#, &var2), Value::from("var2 > 42"));
    }

    #[test]
    fn strings_substitute_variables_in_braces() {
        // NICE's Variables page: ASSIGN myVar = "the meaning of life is {life}".
        let life = vars(&[("life", Value::from("forty-two"))]);
        assert_eq!(
            eval(r#""the meaning of life is {life}""#, &life),
            Value::from("the meaning of life is forty-two")
        );
        assert_eq!(eval("'single {life}'", &life), Value::from("single forty-two"));
        assert_eq!(eval_empty(r#""[{nobody}]""#), Value::from("[]"));
        let names = vars(&[("Names", Value::from("Odin|Freya")), ("i", Value::Number(2.0))]);
        assert_eq!(eval(r#""{Names[1]}-{Names[i]}""#, &names), Value::from("Odin-Freya"));
    }

    #[test]
    fn string_escapes() {
        assert_eq!(eval_empty(r#""say \"hi\" \{x}\t""#), Value::from("say \"hi\" {x}\t"));
        assert_eq!(eval_empty(r#""C:\data""#), Value::from("C:\\data"));
    }

    #[test]
    fn datetime_literals_are_text() {
        // NICE's Variables page: ASSIGN var = #"02/09/2023".
        assert_eq!(eval_empty(r##"#"02/09/2023""##), Value::from("02/09/2023"));
    }

    #[test]
    fn unassigned_variables_read_as_empty_text() {
        assert_eq!(eval_empty("nobody"), Value::empty());
        assert_eq!(eval_empty(r#"nobody = """#), Value::Bool(true));
    }

    #[test]
    fn array_elements_count_from_one() {
        let names = vars(&[("Names", Value::from("Odin|Freya|Thor"))]);
        assert_eq!(eval("Names[3]", &names), Value::from("Thor"));
        assert_eq!(eval("Names[4]", &names), Value::empty());
        let error = parse("Names[0]").unwrap().eval(&names).unwrap_err();
        assert!(matches!(error, EvalError::BadArgument { span, .. } if span == (6..7)));
    }

    #[test]
    fn string_functions() {
        let text = vars(&[("s", Value::from("  Hello World  "))]);
        for (expression, expected) in [
            ("len(\"abc\")", Value::Number(3.0)),
            ("left(\"abcdef\", 2)", Value::from("ab")),
            ("right(\"abcdef\", 2)", Value::from("ef")),
            ("right(\"ab\", 5)", Value::from("ab")),
            ("mid(\"abcdef\", 2, 3)", Value::from("bcd")),
            ("upper(\"abc\")", Value::from("ABC")),
            ("LOWER(\"ABC\")", Value::from("abc")),
            ("trim(s)", Value::from("Hello World")),
            ("indexof(\"abcdef\", \"cd\")", Value::Number(3.0)),
            ("indexof(\"abcdef\", \"x\")", Value::Number(0.0)),
            ("replace(\"a-b-c\", \"-\", \"+\")", Value::from("a+b+c")),
            ("contains(\"abc\", \"b\")", Value::Bool(true)),
            ("isnumeric(\"12\")", Value::Bool(true)),
            ("isnumeric(\"1x\")", Value::Bool(false)),
            ("s.trim().upper()", Value::from("HELLO WORLD")),
        ] {
            assert_eq!(eval(expression, &text), expected, "{expression}");
        }
    }

    #[test]
    fn number_functions() {
        assert_eq!(eval_empty("abs(-2.5)"), Value::Number(2.5));
        assert_eq!(eval_empty("round(2.5)"), Value::Number(2.0));
        assert_eq!(eval_empty("round(3.5)"), Value::Number(4.0));
        assert_eq!(eval_empty("floor(2.7)"), Value::Number(2.0));
        assert_eq!(eval_empty("ceiling(2.1)"), Value::Number(3.0));
    }

    #[test]
    fn functions_outside_the_subset_are_refused_by_name_where_they_stand() {
        let error = parse("x + getrandom(1, 10)").unwrap_err();
        assert_eq!(
            error,
            ExprError::Unsupported {
                construct: "function \"getrandom\"".to_owned(),
                span: 4..13,
            }
        );
        let error = parse("len(1, 2)").unwrap_err();
        assert!(matches!(error, ExprError::Syntax { span, .. } if span == (0..9)));
    }

    #[test]
    fn objects_and_scopes_are_refused_where_they_stand() {
        assert_eq!(
            parse("caller.name = 1").unwrap_err(),
            ExprError::Unsupported {
                construct: "object member \".name\"".to_owned(),
                span: 6..11,
            }
        );
        assert!(matches!(
            parse("global:x").unwrap_err(),
            ExprError::Unsupported { span, .. } if span == (0..6)
        ));
        assert!(matches!(
            parse("\"{x.asdate()}\"").unwrap_err(),
            ExprError::Unsupported { span, .. } if span == (1..13)
        ));
        assert!(matches!(
            parse("a && b").unwrap_err(),
            ExprError::Unsupported { span, .. } if span == (2..4)
        ));
    }

    #[test]
    fn syntax_errors_are_located() {
        for (text, span) in [
            ("1 +", 3..3),
            ("(1 + 2", 6..6),
            ("\"open", 0..5),
            ("1 $ 2", 2..3),
            ("1 2", 2..3),
            ("\"{open\"", 1..6),
            ("IF", 0..2),
        ] {
            let error = parse(text).unwrap_err();
            assert!(matches!(error, ExprError::Syntax { .. }), "{text}: {error}");
            assert_eq!(error.span(), span, "{text}: {error}");
        }
    }

    #[test]
    fn evaluation_errors_are_located() {
        let error = parse("1 + \"abc\" * 2").unwrap().eval(&Variables::new()).unwrap_err();
        assert_eq!(
            error,
            EvalError::NotANumber {
                value: "abc".to_owned(),
                span: 4..9,
            }
        );
        let error = parse("4 / (1 - 1)").unwrap().eval(&Variables::new()).unwrap_err();
        assert_eq!(error, EvalError::DivisionByZero { span: 0..11 });
        let error = parse("\"abc\"").unwrap().is_true(&Variables::new()).unwrap_err();
        assert!(matches!(error, EvalError::NotACondition { span, .. } if span == (0..5)));
        let error = parse("left(\"abc\", -1)").unwrap().eval(&Variables::new()).unwrap_err();
        assert!(matches!(error, EvalError::BadArgument { span, .. } if span == (12..14)));
    }

    #[test]
    fn variables_read_each_once_in_order() {
        let expr = parse(r#"ANI = "555" | ani = "{DNIS}" & len(Names[i]) > 2"#).unwrap();
        assert_eq!(expr.variables(), ["ANI", "DNIS", "Names", "i"]);
    }

    #[test]
    fn comparisons_of_a_variable_with_a_literal() {
        let expr = parse(r#"ANI = "555" | 5 < count & x = y & -2 >= Names[1]"#).unwrap();
        assert_eq!(
            expr.comparisons(),
            [
                Comparison {
                    variable: "ANI".to_owned(),
                    op: CompareOp::Eq,
                    literal: Value::from("555"),
                },
                Comparison {
                    variable: "count".to_owned(),
                    op: CompareOp::Gt,
                    literal: Value::Number(5.0),
                },
                Comparison {
                    variable: "Names".to_owned(),
                    op: CompareOp::Le,
                    literal: Value::Number(-2.0),
                },
            ]
        );
    }

    #[test]
    fn substitution_in_action_properties() {
        let caller = vars(&[("ANI", Value::from("5551234")), ("Names", Value::from("a|b"))]);
        assert_eq!(
            substitute("Caller {ANI}, {Names[2]}", &caller).unwrap(),
            "Caller 5551234, b"
        );
        assert_eq!(
            substitute(r"no escapes \{ANI}", &caller).unwrap(),
            r"no escapes \5551234"
        );
        assert_eq!(substituted_variables("{ANI} {x[i]} {ani}"), ["ANI", "x", "i"]);
        assert!(matches!(
            substitute("{ANI + 1}", &caller).unwrap_err(),
            ExprError::Unsupported { span, .. } if span == (0..9)
        ));
    }

    #[test]
    fn the_assign_actions_types() {
        let counter = vars(&[("count", Value::from("4"))]);
        assert_eq!(AssignType::from_property("Numeric"), Some(AssignType::Numeric));
        assert_eq!(AssignType::from_property("dateTime"), Some(AssignType::Datetime));
        assert_eq!(AssignType::from_property("Boolean"), None);
        // The ASSIGN action's page: a Numeric value of 1+1 assigns 2.
        assert_eq!(
            assign_value("1+1", AssignType::Numeric, &counter),
            Ok(Value::Number(2.0))
        );
        assert_eq!(
            assign_value("count * 2", AssignType::Numeric, &counter),
            Ok(Value::Number(8.0))
        );
        assert_eq!(
            assign_value("{count}1", AssignType::Numeric, &counter),
            Ok(Value::Number(41.0))
        );
        assert_eq!(
            assign_value("1+1", AssignType::String, &counter),
            Ok(Value::from("1+1"))
        );
        assert_eq!(
            assign_value("{count}/12/2024", AssignType::Datetime, &counter),
            Ok(Value::from("4/12/2024"))
        );
        assert!(matches!(
            assign_value("\"abc\"", AssignType::Numeric, &counter),
            Err(AssignError::Eval(EvalError::NotANumber { .. }))
        ));
    }

    proptest! {
        /// Any text, and any text built from the language's own pieces, parses or fails with a
        /// range inside the text, and evaluates or fails, never panicking.
        #[test]
        fn parse_and_eval_never_panic(
            text in "\\PC{0,40}|([ a-zA-Z0-9_\"'{}\\[\\]().,:#!&|<>=+*/%-]|len|mid|ANI|\\.upper\\(\\)){0,30}",
        ) {
            let variables: Variables = [("ANI", Value::from("555|1")), ("x", Value::Number(2.0))]
                .into_iter()
                .collect();
            match parse(&text) {
                Ok(expr) => {
                    let _ = expr.eval(&variables);
                    let _ = expr.is_true(&variables);
                    let _ = expr.variables();
                    let _ = expr.comparisons();
                }
                Err(error) => {
                    let span = error.span();
                    prop_assert!(span.start <= span.end && span.end <= text.len(), "{error}");
                }
            }
            let _ = substitute(&text, &variables);
        }
    }
}
