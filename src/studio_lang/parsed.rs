//! What a Studio action decides, as parsed from its properties: the data the flow model holds for
//! an IF, CASE, SNIPPET, ASSIGN, LOOP or followed call (below `flow::model`, over the expression
//! and Snippet languages only); `logic.rs` reads it from a script and runs it.

use compact_str::CompactString;

use crate::source::Spanned;
use crate::studio_lang::expr::{AssignType, Expr};
use crate::studio_lang::snippet::Snippet;

/// What an action decides, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Logic {
    /// IF: its `Expression`; branches `True` and `False`.
    If(Expr),
    /// CASE: its `Variable`; the branch labelled with the value, else `default`.
    Case(CompactString),
    /// SNIPPET: its `Data`; `default` when it completes, `Error` when a statement fails.
    Snippet(Snippet),
    /// ASSIGN with a `Type`, or with `{var}` in its `Value`: the value worked out per call.
    Assign { value: CompactString, kind: AssignType },
    /// LOOP: its `Repeat` (a number, or `{var}`); takes its repeat branch that many times in a
    /// call, then its finish branch.
    Loop(CompactString),
    /// RUNSUB or RUNSCRIPT whose script is followed (`studio::subscript`): sets the called
    /// script's BEGIN `Parameters` (names) to the call's (values, `{var}` substituted) and takes
    /// the branch into it. The called script starts a scope of its own: it sees the contact's
    /// variables ([`value::is_contact_variable`]), `global:` ones and its parameters, nothing else
    /// of the caller's. A RUNSUB keeps the caller's scope aside under `caller` until the RETURN.
    /// Back from the RETURN (`returned` is set), it takes its `default` branch instead.
    Call {
        parameters: Vec<(CompactString, CompactString)>,
        returned: CompactString,
        caller: Option<CompactString>,
    },
    /// A followed RUNSUB's RETURN: works out its `ReturnValue` (`{var}`) in the called script's
    /// scope, goes back to the caller's scope kept under `caller` (the contact's and `global:`
    /// variables as the called script left them), sets the call's `ReturnVariable` to it, sets
    /// `returned` and takes the branch back to the call.
    Return {
        assign: Option<(CompactString, CompactString)>,
        returned: CompactString,
        caller: CompactString,
    },
}

/// The property that holds an action's logic, as the loader keeps it until every property is read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    /// IF's `Expression`, CASE's `Variable`, SNIPPET's `Data`, ASSIGN's `Value` (or `Expression`).
    pub text: Option<Spanned<CompactString>>,
    /// ASSIGN's `Type`.
    pub assign_type: Option<CompactString>,
}

/// Where a call keeps how many times a LOOP took its repeat branch: `ID/repeats`.
pub const LOOP_REPEATS: &str = "repeats";

/// The branch a SNIPPET takes when a statement fails.
pub const SNIPPET_ERROR: &str = "Error";

/// The branch a followed call takes into the called script.
pub const CALL_BRANCH: &str = "sub-script";

/// The branch a followed RUNSUB's RETURN takes back to the call, which then follows its own
/// `Default` branch.
pub const RETURN_BRANCH: &str = "return";
