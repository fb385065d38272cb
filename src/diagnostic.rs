//! The one finding type every check produces, and its located form every renderer reads.

use crate::registry::{Rule, Severity};
use crate::source::{Location, SourceFile, Span};

/// What a check found, before severity and locations are applied: a rule, a span, words.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub related: Vec<(Span, String)>,
}

impl Finding {
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Self {
        Finding {
            rule,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push((span, message.into()));
        self
    }
}

/// A secondary location that explains a diagnostic ("first defined here").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Related {
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

/// A finding with its severity decided and its span resolved to lines and columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    pub help: Option<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// Resolves a finding's spans against its file.
    pub fn locate(finding: Finding, severity: Severity, source: &SourceFile) -> Self {
        Diagnostic {
            rule: finding.rule,
            severity,
            location: source.locate(finding.span),
            related: finding
                .related
                .into_iter()
                .map(|(span, message)| Related {
                    location: source.locate(span),
                    message,
                })
                .collect(),
            message: finding.message,
            help: finding.help,
        }
    }
}
