//! The flow model: elements, edges, routing rules and timeouts, each remembering where it stands.

use compact_str::CompactString;

use crate::source::{Span, Spanned};

/// A call's variables by name: what conditions compare (here, below both the engine and Studio's
/// logic, which read and write them).
pub type Variables = std::collections::BTreeMap<String, serde_json::Value>;

/// A loaded flow file. Parts that could not be read are left out (their findings say why).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flow {
    pub flow_id: Option<Spanned<CompactString>>,
    pub name: Option<String>,
    /// The whole document (the root object).
    pub span: Span,
    /// The `elements` array (or the root, when it is missing).
    pub elements_span: Span,
    pub elements: Vec<Element>,
    pub edges: Vec<Edge>,
    pub routing_rules: Vec<RoutingRule>,
    pub timeouts: Timeouts,
    /// What only a Studio script has, when the flow was loaded from one.
    pub script: Option<Box<Script>>,
    /// Findings the flow's authors suppressed, each on one element with a reason.
    pub suppressions: Vec<Suppression>,
}

/// A rule turned off for one element (`"suppress": [{"rule", "reason"}]` on it).
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub rule: crate::registry::Rule,
    /// The element it covers: findings located inside it are suppressed.
    pub element_span: Span,
    pub reason: String,
}

/// What a Studio script says beyond the graph: its name, and where its header stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    /// `header.scriptName`, the script's identity in CXone.
    pub name: Option<Spanned<CompactString>>,
    /// The `header` object (or the root, when it is missing).
    pub header_span: Span,
}

impl Flow {
    /// Whether the flow was loaded from a Studio script.
    pub fn is_script(&self) -> bool {
        self.script.is_some()
    }

    /// How messages name an element with its kind: `menu element "menu_main"`, or for a script's
    /// action `action 4 "Main Menu" (MENU)`.
    pub fn describe_kind(&self, element: &Element) -> String {
        match &element.action {
            Some(action) => action.describe(&element.id.value),
            None => format!("{} element \"{}\"", element.kind.name(), element.id.value),
        }
    }

    /// How a message names an element after a word of its own: `"menu_main"` in a flow file,
    /// `action 4 "Main Menu" (MENU)` in a script.
    pub fn named(&self, element: &Element) -> String {
        match &element.action {
            Some(action) => action.describe(&element.id.value),
            None => format!("\"{}\"", element.id.value),
        }
    }

    /// An edge as a path names it: `menu_main -[1]-> queue_sales`, or in a script by the actions'
    /// labels, `Main Menu -[1]-> Claims Queue`.
    pub fn arrow(&self, edge: &Edge) -> String {
        if !self.is_script() {
            return edge.arrow();
        }
        let short = |id: &str| {
            self.elements
                .iter()
                .find(|e| e.id.value == id)
                .map_or(id, Element::short_name)
                .to_string()
        };
        let (from, to) = (short(&edge.from.value), short(&edge.to.value));
        match &edge.on {
            Some(on) => format!("{from} -[{}]-> {to}", on.value),
            None => format!("{from} -> {to}"),
        }
    }

    /// A word in the file's own terms: `flow` in a flow file, Studio's word in a script.
    pub fn word<'w>(&self, flow: &'w str, script: &'w str) -> &'w str {
        if self.is_script() { script } else { flow }
    }

    /// How messages name an element: `element "menu_main"`, or for a script's action
    /// `action 4 "Main Menu" (MENU)`.
    pub fn describe(&self, element: &Element) -> String {
        match &element.action {
            Some(action) => action.describe(&element.id.value),
            None => format!("element \"{}\"", element.id.value),
        }
    }
}

/// The kinds of element the flow format defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementKind {
    Start,
    Play,
    Menu,
    Input,
    Routing,
    Set,
    Queue,
    Transfer,
    Voicemail,
    Hangup,
    Timeout,
    Error,
    /// A `type` the format does not define (already reported); treated as opaque.
    Unknown,
}

/// Which `on` labels an element's outgoing edges may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labels {
    /// Exactly one edge, without `on`.
    Single,
    /// A key `0`-`9`, `*`, `#`, or `timeout` / `invalid`.
    MenuKeys,
    /// `ok`, `timeout`, `invalid`.
    InputOutcomes,
    /// `default`.
    Default,
    /// No outgoing edges at all.
    NoEdges,
    /// Unknown element type: labels are not checked.
    Unchecked,
}

/// The keys a caller can press at a menu.
pub const MENU_KEYS: [&str; 12] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"];

/// Where `label` stands in `MENU_KEYS`, when it is one key.
pub fn menu_key(label: &str) -> Option<usize> {
    match label.as_bytes() {
        &[digit @ b'0'..=b'9'] => Some(usize::from(digit - b'0')),
        b"*" => Some(10),
        b"#" => Some(11),
        _ => None,
    }
}

/// Whether a DTMF entry is made of keys only (`0`-`9`, `*`, `#`); the empty entry is silence.
pub fn is_dtmf_entry(entry: &str) -> bool {
    entry.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#')
}

impl ElementKind {
    /// All defined kinds, with their `type` names.
    pub const NAMED: [(&'static str, ElementKind); 12] = [
        ("start", ElementKind::Start),
        ("play", ElementKind::Play),
        ("menu", ElementKind::Menu),
        ("input", ElementKind::Input),
        ("routing", ElementKind::Routing),
        ("set", ElementKind::Set),
        ("queue", ElementKind::Queue),
        ("transfer", ElementKind::Transfer),
        ("voicemail", ElementKind::Voicemail),
        ("hangup", ElementKind::Hangup),
        ("timeout", ElementKind::Timeout),
        ("error", ElementKind::Error),
    ];

    pub fn parse(name: &str) -> Option<ElementKind> {
        ElementKind::NAMED.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    pub fn name(self) -> &'static str {
        ElementKind::NAMED
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("unknown", |(n, _)| n)
    }

    /// Ends the call: no outgoing edges.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ElementKind::Queue
                | ElementKind::Transfer
                | ElementKind::Voicemail
                | ElementKind::Hangup
                | ElementKind::Timeout
                | ElementKind::Error
        )
    }

    /// Waits for the caller (`menu`, `input`).
    pub fn takes_input(self) -> bool {
        matches!(self, ElementKind::Menu | ElementKind::Input)
    }

    /// Counts toward branching complexity (`menu`, `routing`).
    pub fn is_decision(self) -> bool {
        matches!(self, ElementKind::Menu | ElementKind::Routing)
    }

    pub fn labels(self) -> Labels {
        match self {
            ElementKind::Start | ElementKind::Play | ElementKind::Set => Labels::Single,
            ElementKind::Menu => Labels::MenuKeys,
            ElementKind::Input => Labels::InputOutcomes,
            ElementKind::Routing => Labels::Default,
            ElementKind::Unknown => Labels::Unchecked,
            _ => Labels::NoEdges,
        }
    }

    /// The fields this kind has beyond `id`, `type` and `description`, and which are required.
    pub fn fields(self) -> &'static [(&'static str, bool)] {
        match self {
            ElementKind::Play | ElementKind::Menu => &[("prompt", true), ("promptMs", false)],
            ElementKind::Input => &[
                ("prompt", true),
                ("promptMs", false),
                ("variable", true),
                ("minDigits", false),
                ("maxDigits", false),
            ],
            ElementKind::Set => &[("variable", true), ("value", true)],
            ElementKind::Queue => &[("queue", true)],
            ElementKind::Transfer => &[("target", true)],
            _ => &[],
        }
    }
}

/// One element of the flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub id: Spanned<CompactString>,
    pub kind: ElementKind,
    /// The `type` value.
    pub kind_span: Span,
    /// The whole element object.
    pub span: Span,
    pub prompt: Option<String>,
    pub prompt_ms: u64,
    pub variable: Option<CompactString>,
    /// A `set` element's value (boxed: most elements have none).
    pub value: Option<Box<serde_json::Value>>,
    pub min_digits: Option<u64>,
    pub max_digits: Option<u64>,
    /// What a Studio script's action adds (boxed: flow files have none).
    pub action: Option<Box<Action>>,
}

impl Element {
    /// An element with nothing but its id, kind and where they stand.
    pub fn new(id: Spanned<CompactString>, kind: ElementKind, kind_span: Span, span: Span) -> Self {
        Element {
            id,
            kind,
            kind_span,
            span,
            prompt: None,
            prompt_ms: 0,
            variable: None,
            value: None,
            min_digits: None,
            max_digits: None,
            action: None,
        }
    }

    /// How a path or a list names the element: its id in a flow file, a script action's label
    /// (else its id).
    pub fn short_name(&self) -> &str {
        self.action
            .as_ref()
            .and_then(|a| a.label.as_deref())
            .unwrap_or(&self.id.value)
    }
}

/// A Studio action's own facts: the element's id is its action id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Action {
    /// The action type's name as the script says it (`MENU`, `IF`, `REST`...).
    pub name: CompactString,
    /// The label the script author gave it (`Main Menu`).
    pub label: Option<CompactString>,
    /// The action type's GUID (`libraryId`).
    pub library_id: Option<CompactString>,
    /// A REQAGENT's skill, a MUSIC action's music file, the `ScriptName` a RUNSUB or RUNSCRIPT
    /// calls, the `ReturnValue` a RETURN gives back.
    pub target: Option<CompactString>,
    /// A MENU's own `Timeout`, in ms (instead of the flow's input timeout).
    pub input_timeout_ms: Option<u64>,
    /// A PLAY with `DetectDTMF`: a caller who has a key ready cuts the prompt short.
    pub detect_dtmf: bool,
    /// A MUSIC action: hold music, which may loop while the caller waits for an agent.
    pub is_hold: bool,
    /// A RUNSUB's or RUNSCRIPT's `Parameters`, one a line (p1 to p9 of the script it calls).
    pub parameters: Vec<CompactString>,
    /// The labels of the branches leaving this action, in file order (for messages on opaque
    /// actions: what a test case may mock).
    pub branches: Vec<CompactString>,
    /// What an IF, CASE, SNIPPET or ASSIGN decides, when it is inside the simulated subset.
    pub logic: Option<Box<crate::studio_lang::parsed::Logic>>,
    /// The properties that logic is read from, until every property is read.
    pub logic_source: Option<Box<crate::studio_lang::parsed::Source>>,
}

impl Action {
    /// `action 4 "Main Menu" (MENU)`, or `action 4 (MENU)` without a label.
    pub fn describe(&self, id: &str) -> String {
        describe_action(id, self.label.as_deref(), &self.name)
    }

    /// Whether a mock key (an action's label or id) names this action.
    pub fn is_named(&self, id: &str, key: &str) -> bool {
        key == id || self.label.as_deref() == Some(key)
    }
}

/// How messages name a script's action: `action 4 "Main Menu" (MENU)`, or `action 4 (MENU)`
/// without a label.
pub fn describe_action(id: &str, label: Option<&str>, name: &str) -> String {
    match label {
        Some(label) => format!("action {id} \"{label}\" ({name})"),
        None => format!("action {id} ({name})"),
    }
}

/// One edge: `from` to `to`, taken on the outcome `on`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: Spanned<CompactString>,
    pub to: Spanned<CompactString>,
    pub on: Option<Spanned<CompactString>>,
    pub span: Span,
}

impl Edge {
    /// `menu_main -[1]-> queue_sales`; an edge without `on`, `welcome -> menu_main`.
    pub fn arrow(&self) -> String {
        match &self.on {
            Some(on) => format!("{} -[{}]-> {}", self.from.value, on.value, self.to.value),
            None => format!("{} -> {}", self.from.value, self.to.value),
        }
    }
}

/// A routing rule: when `condition` holds at `element`, go to `goto`.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingRule {
    pub element: Spanned<CompactString>,
    /// `None` when the condition was malformed (already reported).
    pub condition: Option<Condition>,
    pub goto: Option<Spanned<CompactString>>,
    pub span: Span,
}

/// A routing condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Compare { variable: CompactString, test: Test },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// A comparison of one variable against constants.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Equals(serde_json::Value),
    NotEquals(serde_json::Value),
    In(Vec<serde_json::Value>),
    NotIn(Vec<serde_json::Value>),
    GreaterThan(f64),
    LessThan(f64),
    Between(f64, f64),
    StartsWith(String),
    Exists,
}

/// The operators a comparison may use.
pub const OPERATORS: [&str; 9] = [
    "equals",
    "notEquals",
    "in",
    "notIn",
    "greaterThan",
    "lessThan",
    "between",
    "startsWith",
    "exists",
];

/// The flow's timeouts in ms; absent ones take the documented defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeouts {
    pub global: Option<Spanned<u64>>,
    pub input: Option<Spanned<u64>>,
    pub transfer: Option<Spanned<u64>>,
}

impl Timeouts {
    pub const DEFAULT_GLOBAL: u64 = 30_000;
    pub const DEFAULT_INPUT: u64 = 10_000;
    pub const DEFAULT_TRANSFER: u64 = 60_000;

    pub fn global_ms(&self) -> u64 {
        self.global.as_ref().map_or(Self::DEFAULT_GLOBAL, |t| t.value)
    }

    pub fn input_ms(&self) -> u64 {
        self.input.as_ref().map_or(Self::DEFAULT_INPUT, |t| t.value)
    }

    pub fn transfer_ms(&self) -> u64 {
        self.transfer.as_ref().map_or(Self::DEFAULT_TRANSFER, |t| t.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_key_is_the_label_s_place_among_the_keys() {
        for (place, key) in MENU_KEYS.iter().enumerate() {
            assert_eq!(menu_key(key), Some(place), "{key}");
        }
        for label in ["", "10", "00", "a", "**", "#1", "timeout", "default", "٣", " 1"] {
            assert_eq!(menu_key(label), None, "{label:?}");
        }
    }
}
