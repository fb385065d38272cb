//! The registry of rules: every code, name, default severity and summary, the severities in force,
//! and the limits some rules check against. The lowest layer: the loaders, the diagnostics and the
//! rules all name their findings with it.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// How serious a finding is. Ordered: `Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            other => Err(format!("unknown severity `{other}` (expected `error` or `warning`)")),
        }
    }
}

macro_rules! rules {
    (@level Off) => { None };
    (@level $severity:ident) => { Some(Severity::$severity) };
    ($($variant:ident = $code:literal, $name:literal, $severity:ident, $summary:literal;)*) => {
        /// Every rule cxone-flow knows. Codes are permanent and never reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// All rules, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The permanent code, such as `CXF002`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            /// The kebab-case name of the bad pattern, such as `dangling-edge`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// The severity used unless the user overrides it; `None` for a rule that is off
            /// unless turned on.
            pub fn default_level(self) -> Option<Severity> {
                match self { $(Rule::$variant => rules!(@level $severity),)* }
            }

            /// One line saying what the rule catches.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    InvalidJson = "CXF001", "invalid-json", Error, "the file is not a strict, UTF-8 JSON document";
    DanglingEdge = "CXF002", "dangling-edge", Error, "an edge names an element that does not exist";
    MissingField = "CXF003", "missing-field", Error, "a required field is absent";
    InvalidFieldValue = "CXF004", "invalid-field-value", Error, "a field has the wrong JSON type or a value out of range";
    UnknownElementType = "CXF005", "unknown-element-type", Error, "an element's `type` is not one the flow format defines";
    InvalidEdgeLabel = "CXF006", "invalid-edge-label", Error, "an edge's `on` label is one its source element cannot produce, or is missing";
    UnknownField = "CXF007", "unknown-field", Warning, "a field that this element or object does not have (a typo, or a field of another element type)";
    InvalidTimeouts = "CXF008", "invalid-timeouts", Error, "`timeouts` values are not positive integers, or `inputTimeout` is not below `globalTimeout`";
    DuplicateElementId = "CXF009", "duplicate-element-id", Error, "two elements share one id";
    MissingStart = "CXF010", "missing-start", Error, "the flow has no `start` element";
    UnreachableElement = "CXF011", "unreachable-element", Warning, "no call can reach this element from `start`";
    MultipleStart = "CXF012", "multiple-start", Error, "the flow has more than one `start` element";
    DuplicateEdge = "CXF013", "duplicate-edge", Error, "two edges leave one element on the same `on` label";
    TerminalWithExit = "CXF014", "terminal-with-exit", Error, "a terminal element has outgoing edges";
    DeadEnd = "CXF015", "dead-end", Error, "a non-terminal element has no way out";
    MisplacedRoutingRule = "CXF016", "misplaced-routing-rule", Error, "a routing rule is attached to an element that is not a `routing` element";
    UnknownGoto = "CXF017", "unknown-goto", Error, "a routing rule's `goto` names an element that does not exist";
    MalformedCondition = "CXF018", "malformed-condition", Error, "a routing condition cannot be evaluated as written";
    MissingDefault = "CXF019", "missing-default", Warning, "a routing element has no `default` edge for when no rule matches";
    ShadowedRule = "CXF020", "shadowed-rule", Warning, "a routing rule can never fire because earlier rules of the element always match";
    SilentLoop = "CXF021", "silent-loop", Error, "a cycle with no `menu` or `input` in it: the call loops without the caller doing anything";
    NoTerminalReachable = "CXF022", "no-terminal-reachable", Error, "no terminal element can be reached from this element";
    UnhandledInput = "CXF023", "unhandled-input", Warning, "a `menu` or `input` has no `timeout` or `invalid` edge for a caller who stays silent or keys wrongly";
    TooManyDecisions = "CXF024", "too-many-decisions", Error, "the flow has more `menu` and `routing` elements than the branching-complexity limit";
    MenuTooDeep = "CXF025", "menu-too-deep", Error, "a caller must pass more `menu`/`input` elements than the depth limit to reach an element";
    OrphanTestFile = "CXF026", "orphan-test-file", Error, "a test file has no flow file beside it";
    MalformedTestCase = "CXF027", "malformed-test-case", Error, "a test file or case does not follow the test file format";
    DuplicateCaseName = "CXF028", "duplicate-case-name", Error, "two cases in one test file share a name";
    UnknownExpectedElement = "CXF029", "unknown-expected-element", Error, "a test expectation names an element the flow does not have";
    DuplicateKey = "CXF030", "duplicate-key", Error, "a JSON object has the same key twice, so readers disagree on its value";
    SymlinkedFile = "CXF031", "symlinked-file", Error, "a flow or test file is a symbolic link, or its real path leaves the checked tree: it is not read";
    UnreadableEntry = "CXF032", "unreadable-entry", Error, "a path named like a flow or test file is a folder, a FIFO or a device, or its name is not UTF-8: it is not read";
    DuplicateFlowId = "CXF033", "duplicate-flow-id", Error, "two flow files have the same `flowId`, so both would be released to one CXone flow";
    MenuWithoutDefault = "CXF034", "menu-without-default", Warning, "a Studio MENU has no `default` branch for a caller who stays silent or presses a key it has no branch for";
    UnwiredQueueDefault = "CXF035", "unwired-queue-default", Warning, "a Studio REQAGENT's `default` branch is not wired (CXone warns; it usually leads into a hold loop)";
    StaleNextActionId = "CXF036", "stale-next-action-id", Error, "a Studio script's `header.nextActionId` is not above every action id, so CXone would mint an id already in use";
    MissingLayout = "CXF037", "missing-layout", Warning, "a Studio action has no integer `xws`/`yws`, which one source says CXone's save rejects (NICE's own scripts lack them)";
    LongTtsSegment = "CXF038", "long-tts-segment", Warning, "a Studio prompt has a text-to-speech segment over 300 characters";
    OpaqueAction = "CXF039", "opaque-action", Off, "a Studio action whose type cxone-flow does not know: its outcome in a simulation comes from the test case's `mock`";
    RemoteSyntaxCheck = "CXF040", "remote-syntax-check", Error, "CXone's own syntax check (`validate --remote`, a Studio release) reported this error or warning on an action";
    UnsimulatedLogic = "CXF041", "unsimulated-logic", Warning, "a Studio IF, SNIPPET or ASSIGN uses a construct outside the subset cxone-flow simulates: a case must mock the action";
    UnassignedVariable = "CXF042", "unassigned-variable", Warning, "a Studio IF, CASE, ASSIGN or SNIPPET reads a variable that no path from BEGIN assigns before it: it may be unassigned";
    ConstantCondition = "CXF043", "constant-condition", Warning, "a Studio IF whose expression reads no variable: it always takes the same branch";
    LiveDrift = "CXF044", "live-drift", Warning, "a Studio script's live version (what its mapped points of contact run, or the tenant's script of its name) differs from the file (`check-drift`)";
    MissingSubScript = "CXF045", "missing-sub-script", Warning, "a Studio RUNSUB or RUNSCRIPT names a script that is not beside it in the repository: a simulation cannot follow it, so a case must mock the call";
    SubScriptCycle = "CXF046", "sub-script-cycle", Warning, "Studio scripts call each other in a cycle (RUNSUB or RUNSCRIPT): a simulation does not enter a script already on the call's chain, so a case that reaches that call must mock it";
    ImpossibleBranch = "CXF047", "impossible-branch", Warning, "a Studio IF never true (or never false), or a CASE branch no value reaches, given the only values the script gives the variables it reads (constant ASSIGNs, and empty where unassigned)";
    UnknownBranchType = "CXF050", "unknown-branch-type", Warning, "a Studio branch's `type` is not `default`, `case` or `branch` (a typo): the branch is read by its label, so a misspelt `default` is no default";
    MistypedActionType = "CXF051", "mistyped-action-type", Warning, "a Studio action's `libraryId` is a character or two from a known action type's GUID, or its `name` is a known type's while its GUID is unknown";
}

impl Rule {
    /// The default level as a word: `error`, `warning` or `off`.
    pub fn default_level_name(self) -> &'static str {
        match self.default_level() {
            Some(Severity::Error) => "error",
            Some(Severity::Warning) => "warning",
            None => "off",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.name(), self.code())
    }
}

/// The rules' documentation, one `## CODE name` section per rule.
const RULES_DOC: &str = include_str!("../docs/rules.md");

impl Rule {
    /// The rule's section of docs/rules.md (what it catches, why it matters, a bad and a good
    /// example), without its heading.
    pub fn explanation(self) -> &'static str {
        let heading = format!("## {} {}\n", self.code(), self.name());
        let Some(start) = RULES_DOC.find(&heading) else {
            return "";
        };
        let section = &RULES_DOC[start + heading.len()..];
        section[..section.find("\n## ").unwrap_or(section.len())].trim()
    }

    /// Finds a rule by code (`CXF011`, any case) or name (`unreachable-element`).
    pub fn lookup(key: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.code().eq_ignore_ascii_case(key) || rule.name() == key)
    }
}

/// The configurable limits some rules check against (CXF024, CXF025).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleLimits {
    pub max_decision_nodes: usize,
    pub max_menu_depth: usize,
}

/// The most `menu` and `routing` elements a flow may have, unless a run says otherwise.
pub const DEFAULT_MAX_DECISION_NODES: usize = 15;
/// The most menus and inputs a caller may pass to reach any element, unless a run says otherwise.
pub const DEFAULT_MAX_MENU_DEPTH: usize = 5;

impl Default for RuleLimits {
    fn default() -> Self {
        RuleLimits {
            max_decision_nodes: DEFAULT_MAX_DECISION_NODES,
            max_menu_depth: DEFAULT_MAX_MENU_DEPTH,
        }
    }
}

/// Per-rule severity overrides; `None` turns a rule off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Severities {
    overrides: HashMap<Rule, Option<Severity>>,
}

impl Severities {
    /// Parses overrides such as `CXF011=error`, `unreachable-element=off`, comma-separated or one per item.
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut overrides = HashMap::new();
        for item in items.into_iter().flat_map(|s| s.split([',', '\n'])) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (key, level) = item
                .split_once('=')
                .ok_or_else(|| format!("severity override `{item}` is not CODE=LEVEL"))?;
            let rule =
                Rule::lookup(key.trim()).ok_or_else(|| format!("severity override `{item}` names no known rule"))?;
            let level = match level.trim() {
                "off" => None,
                other => Some(
                    other
                        .parse::<Severity>()
                        .map_err(|e| format!("severity override `{item}`: {e} or `off`"))?,
                ),
            };
            overrides.insert(rule, level);
        }
        Ok(Severities { overrides })
    }

    /// The severity in force for a rule, or `None` when it is turned off.
    pub fn of(&self, rule: Rule) -> Option<Severity> {
        self.overrides.get(&rule).copied().unwrap_or(rule.default_level())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        // Codes rise in order; a block may be left free for rules written in parallel (CXF044-049).
        for code in &codes {
            let number = code.strip_prefix("CXF").and_then(|n| n.parse::<u16>().ok());
            assert!(code.len() == 6 && number.is_some(), "{code} is not CXFnnn");
        }
        assert!(
            codes.windows(2).all(|pair| pair[0] < pair[1]),
            "codes run in order: {codes:?}"
        );
        for name in &names {
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{name}");
        }
        codes.dedup();
        names.sort();
        names.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
        assert_eq!(names.len(), Rule::ALL.len());
    }

    #[test]
    fn a_rule_explains_itself_from_its_section() {
        let text = Rule::DanglingEdge.explanation();
        assert!(text.starts_with("Default severity: error."), "{text}");
        assert!(Rule::OpaqueAction.explanation().starts_with("Default severity: off."));
        assert!(text.contains("Bad:") && text.contains("Good:") && !text.contains("## CXF003"));
        assert!(Rule::ALL.iter().all(|r| !r.explanation().is_empty()));
    }

    #[test]
    fn every_rule_is_documented_with_examples() {
        let docs = include_str!("../docs/rules.md");
        for rule in Rule::ALL {
            let heading = format!("## {} {}", rule.code(), rule.name());
            let start = docs
                .find(&heading)
                .unwrap_or_else(|| panic!("docs/rules.md lacks `{heading}`"));
            let section = &docs[start + heading.len()..];
            let section = &section[..section.find("\n## ").unwrap_or(section.len())];
            for part in ["Default severity", "Why it matters", "Bad", "Good"] {
                assert!(section.contains(part), "{heading} lacks `{part}`");
            }
        }
    }

    #[test]
    fn an_off_by_default_rule_is_off_until_turned_on() {
        assert_eq!(Severities::default().of(Rule::OpaqueAction), None);
        let on = Severities::parse(["opaque-action=warning"]).unwrap();
        assert_eq!(on.of(Rule::OpaqueAction), Some(Severity::Warning));
    }

    #[test]
    fn severity_overrides_parse_codes_names_and_off() {
        let s = Severities::parse(["CXF011=error,duplicate-edge=warning", "cxf019=off"]).unwrap();
        assert_eq!(s.of(Rule::UnreachableElement), Some(Severity::Error));
        assert_eq!(s.of(Rule::DuplicateEdge), Some(Severity::Warning));
        assert_eq!(s.of(Rule::MissingDefault), None);
        assert_eq!(s.of(Rule::DanglingEdge), Some(Severity::Error));
        assert!(
            Severities::parse(["CXF999=error"])
                .unwrap_err()
                .contains("no known rule")
        );
        assert!(
            Severities::parse(["CXF011=fatal"])
                .unwrap_err()
                .contains("unknown severity")
        );
        assert!(Severities::parse(["CXF011"]).unwrap_err().contains("CODE=LEVEL"));
    }
}
