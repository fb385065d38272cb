//! Snippet code (the SNIPPET action's `Data`): a parser for the subset cxone-flow simulates
//! (ASSIGN, IF/ELSE, SWITCH/CASE/DEFAULT, SELECT, FOR, FOREACH, REPEAT, WHILE, BREAK, TRACE),
//! located errors naming what is outside it, and a bounded interpreter over `Variables`.

use std::ops::Range;

use super::expr::{CompareOp, Comparison, EvalError, ExprError, Node, Parser, Token, TokenKind, position};
use super::value::{Value, Variables};

/// Parsed Snippet code.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    statements: Vec<Statement>,
}

/// One statement (private: callers go through `Snippet`'s methods).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Statement {
    /// `ASSIGN name = value` or `ASSIGN name[index] = value` (the keyword is optional).
    Assign {
        name: String,
        index: Option<Node>,
        value: Node,
    },
    If {
        condition: Node,
        then: Vec<Statement>,
        otherwise: Vec<Statement>,
    },
    /// `SWITCH value { CASE literal { … } … DEFAULT { … } }`.
    Switch {
        subject: Node,
        cases: Vec<(Node, Vec<Statement>)>,
        default: Vec<Statement>,
    },
    /// `SELECT { CASE condition { … } … DEFAULT { … } }`: the first true case.
    Select {
        cases: Vec<(Node, Vec<Statement>)>,
        default: Vec<Statement>,
    },
    ForEach {
        iterator: String,
        array: String,
        body: Vec<Statement>,
        span: Range<usize>,
    },
    For {
        variable: String,
        start: Node,
        end: Node,
        body: Vec<Statement>,
        span: Range<usize>,
    },
    Repeat {
        count: Node,
        body: Vec<Statement>,
        span: Range<usize>,
    },
    While {
        condition: Node,
        body: Vec<Statement>,
        span: Range<usize>,
    },
    Break,
    /// `TRACE "text"`: output in the editor's debugger, nothing on the platform.
    Trace(Node),
}

/// Why Snippet code is not code cxone-flow can simulate; `span` is the byte range in the code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnippetError {
    /// Not Snippet code at all (a missing `}`, a statement that does not start with a keyword or a
    /// variable…).
    #[error("{message} (bytes {}..{})", span.start, span.end)]
    Syntax { message: String, span: Range<usize> },
    /// A construct Snippet has that the simulation leaves out, named (`DYNAMIC`, `FUNCTION`,
    /// `ASSIGN to an object member`, `function "getrandom"`…).
    #[error("{construct} is outside the simulated subset (bytes {}..{})", span.start, span.end)]
    Unsupported { construct: String, span: Range<usize> },
}

impl SnippetError {
    /// The byte range the error is about.
    pub fn span(&self) -> Range<usize> {
        match self {
            SnippetError::Syntax { span, .. } | SnippetError::Unsupported { span, .. } => span.clone(),
        }
    }

    fn syntax(message: impl Into<String>, span: Range<usize>) -> SnippetError {
        SnippetError::Syntax {
            message: message.into(),
            span,
        }
    }

    fn unsupported(construct: impl Into<String>, span: Range<usize>) -> SnippetError {
        SnippetError::Unsupported {
            construct: construct.into(),
            span,
        }
    }
}

impl From<ExprError> for SnippetError {
    fn from(error: ExprError) -> SnippetError {
        match error {
            ExprError::Syntax { message, span } => SnippetError::Syntax { message, span },
            ExprError::Unsupported { construct, span } => SnippetError::Unsupported { construct, span },
        }
    }
}

/// How much looping a run may do: the number of loop iterations, across all loops of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub iterations: u64,
}

impl Default for Budget {
    /// 10,000 iterations.
    fn default() -> Budget {
        Budget { iterations: 10_000 }
    }
}

/// How a run ended, as the SNIPPET action's branches tell it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Every statement ran: the action's Default branch.
    Completed,
    /// A statement failed: the rest did not run, `_ERR` holds `message`, the action takes its
    /// Error branch.
    Failed { message: String },
}

/// Why a run could not be simulated faithfully (the engine falls back to a mock).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The loops ran more iterations than the budget allows; `span` is the loop that ran out.
    #[error("the loop ran over {iterations} iterations (bytes {}..{})", span.start, span.end)]
    BudgetExhausted { iterations: u64, span: Range<usize> },
}

/// Parses Snippet code.
pub fn parse(code: &str) -> Result<Snippet, SnippetError> {
    let mut parser = Parser::new(code, true)?;
    let statements = statements(&mut parser, false)?;
    Ok(Snippet { statements })
}

/// Statements up to the end of the code, or through the `}` closing a block when `in_block`.
fn statements(parser: &mut Parser, in_block: bool) -> Result<Vec<Statement>, SnippetError> {
    let mut found = Vec::new();
    loop {
        match parser.peek() {
            None if in_block => return Err(SnippetError::syntax("missing \"}\"", parser.end_span())),
            None => return Ok(found),
            Some(token) if token.is_symbol("}") => {
                if in_block {
                    parser.next();
                    return Ok(found);
                }
                return Err(SnippetError::syntax("unmatched \"}\"", token.span.clone()));
            }
            Some(_) => found.push(statement(parser)?),
        }
    }
}

/// A `{ … }` block.
fn block(parser: &mut Parser) -> Result<Vec<Statement>, SnippetError> {
    parser.expect_symbol("{")?;
    statements(parser, true)
}

/// Keywords naming Snippet constructs the simulation leaves out.
const UNSUPPORTED_KEYWORDS: [&str; 6] = ["DYNAMIC", "FUNCTION", "RETURN", "GLOBAL", "USING", "EXIT"];

fn statement(parser: &mut Parser) -> Result<Statement, SnippetError> {
    let Some(token) = parser.next() else {
        return Err(SnippetError::syntax("expected a statement", parser.end_span()));
    };
    let TokenKind::Word(word) = &token.kind else {
        return Err(SnippetError::syntax(
            "a statement starts with a keyword or a variable",
            token.span,
        ));
    };
    let keyword = word.to_ascii_uppercase();
    let span = token.span.clone();
    match keyword.as_str() {
        "ASSIGN" => {
            let Some(target) = parser.next() else {
                return Err(SnippetError::syntax("expected a variable", parser.end_span()));
            };
            assignment(parser, target)
        }
        "IF" => if_statement(parser),
        "SWITCH" => {
            let subject = parser.expression()?;
            let (cases, default) = cases(parser, true)?;
            Ok(Statement::Switch {
                subject,
                cases,
                default,
            })
        }
        "SELECT" => {
            let (cases, default) = cases(parser, false)?;
            Ok(Statement::Select { cases, default })
        }
        "FOREACH" => {
            let iterator = name(parser)?;
            match parser.next() {
                Some(token) if token.is_word("IN") => {}
                other => return Err(expected("IN", other, parser)),
            }
            let array_token = parser.peek().cloned();
            let array = name(parser)?;
            if parser.peek().is_some_and(|next| !next.is_symbol("{")) {
                let start = array_token.map_or(span.start, |token| token.span.start);
                let end = parser.peek().map_or(start, |next| next.span.end);
                return Err(SnippetError::unsupported(
                    "FOREACH over anything but a variable",
                    start..end,
                ));
            }
            let body = block(parser)?;
            Ok(Statement::ForEach {
                iterator,
                array,
                body,
                span,
            })
        }
        "FOR" => {
            let variable = name(parser)?;
            parser.expect_symbol("=")?;
            let start = parser.expression()?;
            match parser.next() {
                Some(token) if token.is_word("TO") => {}
                other => return Err(expected("TO", other, parser)),
            }
            let end = parser.expression()?;
            let body = block(parser)?;
            Ok(Statement::For {
                variable,
                start,
                end,
                body,
                span,
            })
        }
        "REPEAT" => {
            let count = parser.expression()?;
            let body = block(parser)?;
            Ok(Statement::Repeat { count, body, span })
        }
        "WHILE" => {
            let condition = parser.expression()?;
            let body = block(parser)?;
            Ok(Statement::While { condition, body, span })
        }
        "BREAK" => Ok(Statement::Break),
        "TRACE" => Ok(Statement::Trace(parser.expression()?)),
        "ELSE" | "CASE" | "DEFAULT" | "TO" | "IN" => {
            Err(SnippetError::syntax(format!("\"{word}\" out of place"), span))
        }
        _ if UNSUPPORTED_KEYWORDS.contains(&keyword.as_str()) => Err(SnippetError::unsupported(keyword, span)),
        _ => assignment(parser, token),
    }
}

/// `name = value` or `name[index] = value`, `target` being the name's token.
fn assignment(parser: &mut Parser, target: Token) -> Result<Statement, SnippetError> {
    let TokenKind::Word(name) = target.kind else {
        return Err(SnippetError::syntax("expected a variable", target.span));
    };
    let index = match parser.peek() {
        Some(token) if token.is_symbol("[") => {
            parser.next();
            let index = parser.expression()?;
            parser.expect_symbol("]")?;
            Some(index)
        }
        _ => None,
    };
    match parser.peek() {
        Some(token) if token.is_symbol("=") => {
            parser.next();
        }
        Some(token) if token.is_symbol(".") => {
            return Err(SnippetError::unsupported(
                "ASSIGN to an object member",
                target.span.start..token.span.end,
            ));
        }
        Some(token) if token.is_symbol(":") => {
            return Err(SnippetError::unsupported(
                format!("scoped name \"{name}:\""),
                target.span.start..token.span.end,
            ));
        }
        Some(token) if token.is_symbol("(") => {
            return Err(SnippetError::unsupported(
                format!("function call statement \"{name}(…)\""),
                target.span.start..token.span.end,
            ));
        }
        other => {
            let other = other.cloned();
            return Err(expected("=", other, parser));
        }
    }
    let value = parser.expression()?;
    Ok(Statement::Assign { name, index, value })
}

fn if_statement(parser: &mut Parser) -> Result<Statement, SnippetError> {
    let condition = parser.expression()?;
    let then = block(parser)?;
    let otherwise = match parser.peek() {
        Some(token) if token.is_word("ELSE") => {
            parser.next();
            match parser.peek() {
                Some(token) if token.is_word("IF") => {
                    parser.next();
                    vec![if_statement(parser)?]
                }
                _ => block(parser)?,
            }
        }
        _ => Vec::new(),
    };
    Ok(Statement::If {
        condition,
        then,
        otherwise,
    })
}

type Cases = (Vec<(Node, Vec<Statement>)>, Vec<Statement>);

/// The `{ CASE … { … } … DEFAULT { … } }` of a SWITCH (whose cases are literals) or a SELECT.
fn cases(parser: &mut Parser, literals: bool) -> Result<Cases, SnippetError> {
    parser.expect_symbol("{")?;
    let mut cases = Vec::new();
    let mut default = Vec::new();
    loop {
        let Some(token) = parser.next() else {
            return Err(SnippetError::syntax("missing \"}\"", parser.end_span()));
        };
        if token.is_symbol("}") {
            return Ok((cases, default));
        }
        if token.is_word("DEFAULT") {
            default = block(parser)?;
        } else if token.is_word("CASE") {
            let value = parser.expression()?;
            if literals && value.literal().is_none() {
                return Err(SnippetError::unsupported(
                    "SWITCH CASE with a value that is not a literal",
                    value.span(),
                ));
            }
            cases.push((value, block(parser)?));
        } else {
            return Err(SnippetError::syntax("expected CASE, DEFAULT or \"}\"", token.span));
        }
    }
}

/// A variable name.
fn name(parser: &mut Parser) -> Result<String, SnippetError> {
    match parser.next() {
        Some(Token {
            kind: TokenKind::Word(name),
            ..
        }) => Ok(name),
        other => Err(expected("a variable", other, parser)),
    }
}

fn expected(what: &str, found: Option<Token>, parser: &Parser) -> SnippetError {
    match found {
        Some(token) => SnippetError::syntax(format!("expected {what}"), token.span),
        None => SnippetError::syntax(format!("expected {what}"), parser.end_span()),
    }
}

// ---- Running ----

/// What a statement leaves the run to do next.
enum Flow {
    Next,
    Break,
}

/// Why a run stopped early.
enum Stop {
    Failed(EvalError),
    Budget(RunError),
}

impl From<EvalError> for Stop {
    fn from(error: EvalError) -> Stop {
        Stop::Failed(error)
    }
}

/// The state of one run: the variables and the iterations left.
struct Run<'v> {
    variables: &'v mut Variables,
    budget: Budget,
    used: u64,
}

impl Snippet {
    /// Runs the code over `variables` within `budget`. An evaluation error stops the run as Studio
    /// does: `_ERR` is set and the outcome is `Failed`.
    pub fn run(&self, variables: &mut Variables, budget: Budget) -> Result<Outcome, RunError> {
        let mut run = Run {
            variables,
            budget,
            used: 0,
        };
        match run.block(&self.statements) {
            Ok(_) => Ok(Outcome::Completed),
            Err(Stop::Failed(error)) => {
                let message = error.to_string();
                run.variables.set("_ERR", Value::Text(message.clone()));
                Ok(Outcome::Failed { message })
            }
            Err(Stop::Budget(error)) => Err(error),
        }
    }

    /// The variables the code reads before (or without) assigning them itself, in order, each once.
    pub fn variables_read(&self) -> Vec<String> {
        let mut reads = Vec::new();
        let mut assigned = Vec::new();
        walk(&self.statements, &mut |event| match event {
            Event::Read(node) => {
                let mut names = Vec::new();
                node.collect_variables(&mut names);
                for name in names {
                    if !contains(&assigned, &name) {
                        push(&mut reads, &name);
                    }
                }
            }
            Event::ReadName(name) => {
                if !contains(&assigned, name) {
                    push(&mut reads, name);
                }
            }
            Event::Assigned(name) => push(&mut assigned, name),
            Event::Switch(..) => {}
        });
        reads
    }

    /// The variables the code assigns, in order, each once.
    pub fn variables_assigned(&self) -> Vec<String> {
        let mut assigned = Vec::new();
        walk(&self.statements, &mut |event| {
            if let Event::Assigned(name) = event {
                push(&mut assigned, name);
            }
        });
        assigned
    }

    /// The comparisons of a variable with a literal in the code's conditions and SWITCH cases.
    pub fn comparisons(&self) -> Vec<Comparison> {
        let mut found = Vec::new();
        walk(&self.statements, &mut |event| match event {
            Event::Read(node) => node.collect_comparisons(&mut found),
            Event::Switch(subject, literal) => {
                let mut names = Vec::new();
                subject.collect_variables(&mut names);
                if let ([variable], Some(literal)) = (names.as_slice(), literal.literal()) {
                    found.push(Comparison {
                        variable: variable.clone(),
                        op: CompareOp::Eq,
                        literal,
                    });
                }
            }
            Event::ReadName(_) | Event::Assigned(_) => {}
        });
        found
    }
}

impl Run<'_> {
    fn block(&mut self, statements: &[Statement]) -> Result<Flow, Stop> {
        for statement in statements {
            if let Flow::Break = self.statement(statement)? {
                return Ok(Flow::Break);
            }
        }
        Ok(Flow::Next)
    }

    /// Counts one loop iteration against the budget.
    fn iteration(&mut self, span: &Range<usize>) -> Result<(), Stop> {
        if self.used >= self.budget.iterations {
            return Err(Stop::Budget(RunError::BudgetExhausted {
                iterations: self.budget.iterations,
                span: span.clone(),
            }));
        }
        self.used += 1;
        Ok(())
    }

    fn statement(&mut self, statement: &Statement) -> Result<Flow, Stop> {
        match statement {
            Statement::Assign { name, index, value } => {
                let value = value.eval(self.variables)?;
                match index {
                    None => self.variables.set(name, value),
                    Some(index) => {
                        let position = position(index, self.variables)?;
                        self.set_element(name, position, value.to_text());
                    }
                }
                Ok(Flow::Next)
            }
            Statement::If {
                condition,
                then,
                otherwise,
            } => {
                if condition.condition(self.variables)? {
                    self.block(then)
                } else {
                    self.block(otherwise)
                }
            }
            Statement::Switch {
                subject,
                cases,
                default,
            } => {
                let value = subject.eval(self.variables)?;
                for (case, body) in cases {
                    if value.equals(&case.eval(self.variables)?) {
                        return self.block(body);
                    }
                }
                self.block(default)
            }
            Statement::Select { cases, default } => {
                for (case, body) in cases {
                    if case.condition(self.variables)? {
                        return self.block(body);
                    }
                }
                self.block(default)
            }
            Statement::ForEach {
                iterator,
                array,
                body,
                span,
            } => {
                let count = self.variables.read(array).elements().len();
                for position in 1..=count {
                    self.iteration(span)?;
                    let element = self.variables.read(array).elements();
                    let current = element.get(position - 1).cloned().unwrap_or_default();
                    self.variables.set(iterator, Value::Text(current.clone()));
                    let flow = self.block(body)?;
                    let changed = self.variables.read(iterator).to_text();
                    if changed != current {
                        self.set_element(array, position, changed);
                    }
                    if let Flow::Break = flow {
                        break;
                    }
                }
                self.variables.remove(iterator);
                Ok(Flow::Next)
            }
            Statement::For {
                variable,
                start,
                end,
                body,
                span,
            } => {
                let first = whole(start, self.variables)?;
                let last = whole(end, self.variables)?;
                let step = if last >= first { 1.0 } else { -1.0 };
                let mut at = first;
                loop {
                    self.iteration(span)?;
                    self.variables.set(variable, Value::Number(at));
                    if let Flow::Break = self.block(body)? {
                        break;
                    }
                    let current = self.variables.read(variable);
                    at = current.as_number().ok_or_else(|| EvalError::NotANumber {
                        value: current.to_text(),
                        span: span.clone(),
                    })? + step;
                    if (step > 0.0 && at > last) || (step < 0.0 && at < last) {
                        break;
                    }
                }
                Ok(Flow::Next)
            }
            Statement::Repeat { count, body, span } => {
                let times = whole(count, self.variables)?;
                let mut done = 0.0;
                while done < times {
                    self.iteration(span)?;
                    if let Flow::Break = self.block(body)? {
                        break;
                    }
                    done += 1.0;
                }
                Ok(Flow::Next)
            }
            Statement::While { condition, body, span } => {
                while condition.condition(self.variables)? {
                    self.iteration(span)?;
                    if let Flow::Break = self.block(body)? {
                        break;
                    }
                }
                Ok(Flow::Next)
            }
            Statement::Break => Ok(Flow::Break),
            Statement::Trace(text) => {
                text.eval(self.variables)?;
                Ok(Flow::Next)
            }
        }
    }

    /// Sets the element at a 1-based `position` of the array `name`, the elements below it blank
    /// when they were never assigned.
    fn set_element(&mut self, name: &str, position: usize, text: String) {
        let mut elements = self.variables.read(name).elements();
        if elements.len() < position {
            elements.resize(position, String::new());
        }
        elements[position - 1] = text;
        self.variables.set(name, Value::Text(elements.join("|")));
    }
}

/// A node's value as a whole number (FOR bounds, REPEAT counts).
fn whole(node: &Node, variables: &Variables) -> Result<f64, EvalError> {
    let number = node.number(variables)?;
    if number.fract() != 0.0 {
        return Err(EvalError::NotANumber {
            value: Value::Number(number).to_text(),
            span: node.span(),
        });
    }
    Ok(number)
}

/// What the static walk over the code meets, in the order a run would meet it.
enum Event<'s> {
    Read(&'s Node),
    /// A variable read by name (a FOREACH's array).
    ReadName(&'s str),
    Assigned(&'s str),
    /// A SWITCH's subject and one of its CASE values.
    Switch(&'s Node, &'s Node),
}

fn walk<'s>(statements: &'s [Statement], visit: &mut impl FnMut(Event<'s>)) {
    for statement in statements {
        match statement {
            Statement::Assign { name, index, value } => {
                if let Some(index) = index {
                    visit(Event::Read(index));
                }
                visit(Event::Read(value));
                visit(Event::Assigned(name));
            }
            Statement::If {
                condition,
                then,
                otherwise,
            } => {
                visit(Event::Read(condition));
                walk(then, visit);
                walk(otherwise, visit);
            }
            Statement::Switch {
                subject,
                cases,
                default,
            } => {
                visit(Event::Read(subject));
                for (case, body) in cases {
                    visit(Event::Switch(subject, case));
                    walk(body, visit);
                }
                walk(default, visit);
            }
            Statement::Select { cases, default } => {
                for (case, body) in cases {
                    visit(Event::Read(case));
                    walk(body, visit);
                }
                walk(default, visit);
            }
            Statement::ForEach {
                iterator, array, body, ..
            } => {
                visit(Event::ReadName(array));
                visit(Event::Assigned(iterator));
                walk(body, visit);
            }
            Statement::For {
                variable,
                start,
                end,
                body,
                ..
            } => {
                visit(Event::Read(start));
                visit(Event::Read(end));
                visit(Event::Assigned(variable));
                walk(body, visit);
            }
            Statement::Repeat { count, body, .. } => {
                visit(Event::Read(count));
                walk(body, visit);
            }
            Statement::While { condition, body, .. } => {
                visit(Event::Read(condition));
                walk(body, visit);
            }
            Statement::Break => {}
            Statement::Trace(text) => visit(Event::Read(text)),
        }
    }
}

fn contains(names: &[String], name: &str) -> bool {
    names.iter().any(|known| known.eq_ignore_ascii_case(name))
}

fn push(names: &mut Vec<String>, name: &str) {
    if !contains(names, name) {
        names.push(name.to_owned());
    }
}
