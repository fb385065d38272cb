//! Snippet code (the SNIPPET action's `Data`): a parser for the subset cxone-flow simulates
//! (ASSIGN, IF/ELSE, SWITCH/CASE/DEFAULT, SELECT, FOR, FOREACH, REPEAT, WHILE, BREAK, TRACE),
//! located errors naming what is outside it, and a bounded interpreter over `Variables`.

use std::ops::Range;

use super::expr::{CompareOp, Comparison, EvalError, ExprError, MAX_TEXT, Node, Parser, Token, TokenKind, position};
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

/// Why Snippet code is not code cxone-flow can simulate: the same errors as an expression's
/// (`Syntax`, or `Unsupported` naming the construct: `DYNAMIC`, `FUNCTION`, `ASSIGN to an object
/// member`, `function "getrandom"`…), `span` being the byte range in the code.
pub type SnippetError = ExprError;

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
            None if in_block => return Err(ExprError::syntax("missing \"}\"", parser.end_span())),
            None => return Ok(found),
            Some(token) if token.is_symbol("}") => {
                if in_block {
                    parser.next();
                    return Ok(found);
                }
                return Err(ExprError::syntax("unmatched \"}\"", token.span.clone()));
            }
            Some(_) => found.push(statement(parser)?),
        }
    }
}

/// A `{ … }` block.
fn block(parser: &mut Parser) -> Result<Vec<Statement>, SnippetError> {
    parser.expect_symbol("{")?;
    parser.enter()?;
    let body = statements(parser, true);
    parser.leave();
    body
}

/// Keywords naming Snippet constructs the simulation leaves out.
const UNSUPPORTED_KEYWORDS: [&str; 6] = ["DYNAMIC", "FUNCTION", "RETURN", "GLOBAL", "USING", "EXIT"];

fn statement(parser: &mut Parser) -> Result<Statement, SnippetError> {
    let Some(token) = parser.next() else {
        return Err(ExprError::syntax("expected a statement", parser.end_span()));
    };
    let TokenKind::Word(word) = &token.kind else {
        return Err(ExprError::syntax(
            "a statement starts with a keyword or a variable",
            token.span,
        ));
    };
    let keyword = word.to_ascii_uppercase();
    let span = token.span.clone();
    match keyword.as_str() {
        "ASSIGN" => {
            let Some(target) = parser.next() else {
                return Err(ExprError::syntax("expected a variable", parser.end_span()));
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
                return Err(ExprError::unsupported(
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
        "ELSE" | "CASE" | "DEFAULT" | "TO" | "IN" => Err(ExprError::syntax(format!("\"{word}\" out of place"), span)),
        _ if UNSUPPORTED_KEYWORDS.contains(&keyword.as_str()) => Err(ExprError::unsupported(keyword, span)),
        _ => assignment(parser, token),
    }
}

/// `name = value` or `name[index] = value`, `target` being the name's token.
fn assignment(parser: &mut Parser, target: Token) -> Result<Statement, SnippetError> {
    let TokenKind::Word(name) = target.kind else {
        return Err(ExprError::syntax("expected a variable", target.span));
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
            return Err(ExprError::unsupported(
                "ASSIGN to an object member",
                target.span.start..token.span.end,
            ));
        }
        Some(token) if token.is_symbol(":") => {
            return Err(ExprError::unsupported(
                format!("scoped name \"{name}:\""),
                target.span.start..token.span.end,
            ));
        }
        Some(token) if token.is_symbol("(") => {
            return Err(ExprError::unsupported(
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
            return Err(ExprError::syntax("missing \"}\"", parser.end_span()));
        };
        if token.is_symbol("}") {
            return Ok((cases, default));
        }
        if token.is_word("DEFAULT") {
            default = block(parser)?;
        } else if token.is_word("CASE") {
            let value = parser.expression()?;
            if literals && value.literal().is_none() {
                return Err(ExprError::unsupported(
                    "SWITCH CASE with a value that is not a literal",
                    value.span(),
                ));
            }
            cases.push((value, block(parser)?));
        } else {
            return Err(ExprError::syntax("expected CASE, DEFAULT or \"}\"", token.span));
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
        Some(token) => ExprError::syntax(format!("expected {what}"), token.span),
        None => ExprError::syntax(format!("expected {what}"), parser.end_span()),
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
                let span = value.span();
                let mut value = value.eval(self.variables)?;
                if let Some(index) = index {
                    let position = position(index, self.variables)?;
                    if position > MAX_TEXT {
                        return Err(over_limit(index.span()).into());
                    }
                    value = with_element(&self.variables.read(name), position, value.to_text());
                }
                if value.to_text().len() > MAX_TEXT {
                    return Err(over_limit(span).into());
                }
                self.variables.set(name, value);
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
                        let array_value = self.variables.read(array);
                        self.variables.set(array, with_element(&array_value, position, changed));
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
}

/// `array` with the element at a 1-based `position` set to `text`, the elements below it blank
/// when they were never assigned.
fn with_element(array: &Value, position: usize, text: String) -> Value {
    let mut elements = array.elements();
    if elements.len() < position {
        elements.resize(position, String::new());
    }
    elements[position - 1] = text;
    Value::Text(elements.join("|"))
}

/// An assignment past Studio's largest string size (Limit32K), which the SNIPPET action's
/// `MaxStringSize` property caps.
fn over_limit(span: Range<usize>) -> EvalError {
    EvalError::BadArgument {
        function: "ASSIGN".to_owned(),
        message: "the value is longer than Studio's 32K string limit".to_owned(),
        span,
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn run(code: &str, variables: &mut Variables) -> Outcome {
        parse(code)
            .unwrap_or_else(|error| panic!("{error}"))
            .run(variables, Budget::default())
            .unwrap_or_else(|error| panic!("{error}"))
    }

    fn run_fresh(code: &str) -> Variables {
        let mut variables = Variables::new();
        assert_eq!(run(code, &mut variables), Outcome::Completed);
        variables
    }

    #[test]
    fn the_statements_pages_example() {
        // NICE's Statements page, as printed there on one line.
        let variables = run_fresh(
            r#"ASSIGN Names="Odin|Freya|Thor|Loki" ASSIGN SubCounter=1 FOREACH Name IN Names { IF Name = "Odin" | Name = "Freya" { ASSIGN NewNames[SubCounter]= "{Name}" ASSIGN SubCounter=SubCounter + 1 } }"#,
        );
        assert_eq!(variables.read("NewNames"), Value::from("Odin|Freya"));
        assert_eq!(variables.read("SubCounter"), Value::Number(3.0));
        // The iterator no longer exists after its loop.
        assert!(!variables.contains("Name"));
    }

    #[test]
    fn a_counter_never_assigned_counts_from_nothing() {
        // NICE's Expressions page: a name that is no variable is ignored in a sum.
        assert_eq!(run_fresh("n = n + 1").read("n"), Value::Number(1.0));
    }

    #[test]
    fn for_counts_up_and_down_inclusively() {
        // NICE's Looping Statements page: the results are ph="123456789" and ph="987654321".
        let up = run_fresh("FOR i=1 TO 9\n{\n\tph = \"{ph}{i}\"\n}");
        assert_eq!(up.read("ph"), Value::from("123456789"));
        let down = run_fresh("FOR i=9 TO 1\n{\n\tph = \"{ph}{i}\"\n}");
        assert_eq!(down.read("ph"), Value::from("987654321"));
        // "At least one iteration of the loop will always occur."
        assert_eq!(
            run_fresh("n = 0\nFOR i=3 TO 3 { n = n + 1 }").read("n"),
            Value::Number(1.0)
        );
    }

    #[test]
    fn foreach_writes_changes_of_its_iterator_back_into_the_array() {
        // NICE's SNIPPET - FOREACH page: Output NUM=1|2|3|FOUR|FIVE|6|7|8|9|10.
        let variables = run_fresh(
            r#"ASSIGN i=1
REPEAT 10
{
ASSIGN num[i]="{i}"
ASSIGN i=i+1
}
FOREACH item in num
{
SWITCH item
{
CASE 4 { ASSIGN item="FOUR" }
CASE 5 { ASSIGN item="FIVE" }
}
}"#,
        );
        assert_eq!(variables.read("NUM"), Value::from("1|2|3|FOUR|FIVE|6|7|8|9|10"));
    }

    #[test]
    fn assigning_an_element_fills_the_elements_below_with_blanks() {
        // NICE's SNIPPET - FOREACH page: ASSIGN x[10] = "ten" needs no pre-initialization.
        let variables = run_fresh(r#"ASSIGN x[3] = "three""#);
        assert_eq!(variables.read("x"), Value::from("||three"));
    }

    #[test]
    fn if_else_and_else_if() {
        let code = r#"IF score >= 90 { grade = "A" } ELSE IF score >= 80 { grade = "B" } ELSE { grade = "C" }"#;
        for (score, grade) in [(95.0, "A"), (85.0, "B"), (10.0, "C")] {
            let mut variables: Variables = [("score", Value::Number(score))].into_iter().collect();
            run(code, &mut variables);
            assert_eq!(variables.read("grade"), Value::from(grade), "{score}");
        }
    }

    #[test]
    fn the_commands_pages_layouts_and_any_keyword_case() {
        // NICE's Flow Control Command Set page: a statement ends at a line break or an open
        // curly brace; command names are not case sensitive.
        for code in [
            "IF x=1 { TRACE \"one\" y = 1 }",
            "IF x=1\n{\nTRACE \"one\"\ny = 1\n}",
            "if x=1 {TRACE \"one\" } If x=2 {TRACE \"two\" } assign y = 1",
        ] {
            let mut variables: Variables = [("x", Value::Number(1.0))].into_iter().collect();
            run(code, &mut variables);
            assert_eq!(variables.read("y"), Value::Number(1.0), "{code}");
        }
    }

    #[test]
    fn switch_takes_the_matching_case_else_the_default() {
        let code = r#"SWITCH lang { CASE "en" { greeting = "Hello" } CASE 2 { greeting = "two" } DEFAULT { greeting = "Hola" } }"#;
        for (lang, greeting) in [("EN", "Hello"), ("02", "two"), ("fr", "Hola")] {
            let mut variables: Variables = [("lang", Value::from(lang))].into_iter().collect();
            run(code, &mut variables);
            assert_eq!(variables.read("greeting"), Value::from(greeting), "{lang}");
        }
    }

    #[test]
    fn select_takes_the_first_true_case() {
        let code =
            "SELECT { CASE n > 10 { size = \"big\" } CASE n > 5 { size = \"mid\" } DEFAULT { size = \"small\" } }";
        for (n, size) in [(20.0, "big"), (7.0, "mid"), (1.0, "small")] {
            let mut variables: Variables = [("n", Value::Number(n))].into_iter().collect();
            run(code, &mut variables);
            assert_eq!(variables.read("size"), Value::from(size), "{n}");
        }
    }

    #[test]
    fn repeat_while_and_break() {
        assert_eq!(run_fresh("n = 0 REPEAT 4 { n = n + 1 }").read("n"), Value::Number(4.0));
        let variables = run_fresh("n = 0\nWHILE n < 100 { n = n + 1\nIF n = 7 { BREAK } }");
        assert_eq!(variables.read("n"), Value::Number(7.0));
        let variables = run_fresh("FOR i = 1 TO 10 { IF i = 3 { BREAK } last = i }");
        assert_eq!(variables.read("last"), Value::Number(2.0));
    }

    #[test]
    fn comments_are_skipped() {
        let variables = run_fresh("// set it\nx = 4 // four\n// y = 5");
        assert_eq!(variables.read("x"), Value::Number(4.0));
        assert!(!variables.contains("y"));
    }

    #[test]
    fn an_error_stops_the_snippet_and_sets_err() {
        // NICE's Statements page: the remaining statements aren't executed; an error message is
        // saved in _ERR.
        let mut variables = Variables::new();
        let outcome = run("a = 1\nb = \"x\" * 2\nc = 3", &mut variables);
        let Outcome::Failed { message } = outcome else {
            panic!("{outcome:?}");
        };
        assert!(message.contains("\"x\" is not a number"), "{message}");
        assert_eq!(variables.read("_ERR"), Value::Text(message));
        assert_eq!(variables.read("a"), Value::Number(1.0));
        assert!(!variables.contains("c"));
    }

    #[test]
    fn a_runaway_loop_exhausts_the_budget_instead_of_hanging() {
        let snippet = parse("n = 0\nWHILE 1 = 1 { n = n + 1 }").unwrap();
        let mut variables = Variables::new();
        let error = snippet.run(&mut variables, Budget { iterations: 50 }).unwrap_err();
        assert_eq!(
            error,
            RunError::BudgetExhausted {
                iterations: 50,
                span: 6..11,
            }
        );
        assert_eq!(variables.read("n"), Value::Number(50.0));
    }

    #[test]
    fn values_past_the_32k_string_limit_fail_the_snippet_instead_of_exhausting_memory() {
        let mut variables = Variables::new();
        let doubling = run("s = \"ab\"\nREPEAT 100 { s = \"{s}{s}\" }", &mut variables);
        assert!(matches!(doubling, Outcome::Failed { .. }), "{doubling:?}");
        assert!(variables.read("s").to_text().len() <= 32 * 1024);
        let far = run("x[4000000000] = 1", &mut Variables::new());
        assert!(matches!(far, Outcome::Failed { .. }), "{far:?}");
        let widened = run(
            "s = \"aaaa\"\nt = replace(s, \"a\", \"{s}{s}{s}{s}\")\nREPEAT 20 { t = replace(t, \"a\", t) }",
            &mut Variables::new(),
        );
        assert!(matches!(widened, Outcome::Failed { .. }), "{widened:?}");
        let empty = run("t = replace(\"abc\", \"\", \"x\")", &mut Variables::new());
        assert!(matches!(empty, Outcome::Failed { .. }), "{empty:?}");
    }

    #[test]
    fn the_budget_counts_iterations_across_all_loops() {
        let snippet = parse("REPEAT 30 { a = 1 }\nREPEAT 30 { b = 1 }").unwrap();
        assert!(snippet.run(&mut Variables::new(), Budget { iterations: 60 }).is_ok());
        let error = snippet
            .run(&mut Variables::new(), Budget { iterations: 59 })
            .unwrap_err();
        assert!(matches!(error, RunError::BudgetExhausted { span, .. } if span == (20..26)));
    }

    #[test]
    fn constructs_outside_the_subset_are_named_where_they_stand() {
        for (code, construct, span) in [
            ("DYNAMIC caller", "DYNAMIC", 0..7),
            ("x = 1\nfunction f() { RETURN 1 }", "FUNCTION", 6..14),
            ("ASSIGN caller.name = \"x\"", "ASSIGN to an object member", 7..14),
            ("ASSIGN global:x = 1", "scoped name \"global:\"", 7..14),
            ("x = getrandom(1, 9)", "function \"getrandom\"", 4..13),
            ("doThings(1)", "function call statement \"doThings(…)\"", 0..9),
            (
                "SWITCH x { CASE y { z = 1 } }",
                "SWITCH CASE with a value that is not a literal",
                16..17,
            ),
        ] {
            assert_eq!(
                parse(code).unwrap_err(),
                SnippetError::Unsupported {
                    construct: construct.to_owned(),
                    span,
                },
                "{code}"
            );
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        for (code, span) in [
            ("IF x = 1 { y = 2", 16..16),
            ("x = 1 }", 6..7),
            ("ELSE { }", 0..4),
            ("FOR i = 1 UNTIL 3 { }", 10..15),
            ("x 1", 2..3),
            ("SELECT { WHEN x { } }", 9..13),
            ("\"text\"", 0..6),
        ] {
            let error = parse(code).unwrap_err();
            assert!(matches!(error, SnippetError::Syntax { .. }), "{code}: {error}");
            assert_eq!(error.span(), span, "{code}: {error}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let blocks = format!("{}x = 1{}", "IF 1 = 1 { ".repeat(10_000), " }".repeat(10_000));
        assert!(matches!(parse(&blocks), Err(SnippetError::Syntax { .. })));
        let parentheses = format!("x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(matches!(parse(&parentheses), Err(SnippetError::Syntax { .. })));
        let chain = format!("x = 1{}", " + 1".repeat(100_000));
        let error = parse(&chain).unwrap_err();
        assert_eq!(error.span(), 1030..1031, "{error}");
        let negations = format!("x = {}1", "-".repeat(10_000));
        assert!(matches!(parse(&negations), Err(SnippetError::Syntax { .. })));
    }

    #[test]
    fn variables_read_before_assignment_and_assigned() {
        let snippet = parse(
            "greeting = \"Hi {name}\"\ncount = count + 1\nFOREACH item IN items { total = total + item }\nIF total > 3 { big = 1 }",
        )
        .unwrap();
        assert_eq!(snippet.variables_read(), ["name", "count", "items", "total"]);
        assert_eq!(
            snippet.variables_assigned(),
            ["greeting", "count", "item", "total", "big"]
        );
    }

    #[test]
    fn comparisons_in_conditions_and_switch_cases() {
        let snippet =
            parse("IF ANI = \"555\" { x = 1 }\nSWITCH lang { CASE \"en\" { } CASE 2 { } }\nSELECT { CASE n > 10 { } }")
                .unwrap();
        let facts: Vec<(String, CompareOp, Value)> = snippet
            .comparisons()
            .into_iter()
            .map(|c| (c.variable, c.op, c.literal))
            .collect();
        assert_eq!(
            facts,
            [
                ("ANI".to_owned(), CompareOp::Eq, Value::from("555")),
                ("lang".to_owned(), CompareOp::Eq, Value::from("en")),
                ("lang".to_owned(), CompareOp::Eq, Value::Number(2.0)),
                ("n".to_owned(), CompareOp::Gt, Value::Number(10.0)),
            ]
        );
    }

    proptest! {
        /// Any code built from Snippet's pieces parses or fails with a range inside it, and a run
        /// ends (completed, failed or out of budget) without panicking.
        #[test]
        fn parse_and_run_never_panic_and_always_end(
            code in "\\PC{0,40}|( |\n|[a-z0-9\"{}\\[\\]()=<>+*/%!&|-]|IF |ELSE |WHILE |FOR |TO |FOREACH |IN |REPEAT |SWITCH |SELECT |CASE |DEFAULT |BREAK|ASSIGN ){0,40}",
        ) {
            match parse(&code) {
                Ok(snippet) => {
                    let mut variables = Variables::new();
                    let _ = snippet.run(&mut variables, Budget { iterations: 200 });
                    let _ = snippet.variables_read();
                    let _ = snippet.comparisons();
                }
                Err(error) => {
                    let span = error.span();
                    prop_assert!(span.start <= span.end && span.end <= code.len(), "{error}");
                }
            }
        }
    }
}
