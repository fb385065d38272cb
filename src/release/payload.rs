//! Version payloads: what a flow file becomes when it is released, with a content hash and an id
//! that are the same for the same flow, tag and content.

use std::collections::BTreeSet;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cxone::types::{Metadata, Timeouts, VersionPayload, VersionTags};
use crate::flow::model::Timeouts as FlowTimeouts;

/// The namespace of version ids (UUID v5 over flow id, tag and content hash).
const VERSION_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6c1e_2f0a_8e5b_4d7c_9a31_c0fe_f10e_0001);

/// What a release is for: the tag and who made it.
#[derive(Debug, Clone)]
pub struct ReleaseInfo {
    pub tag: String,
    /// `production` or `staging`.
    pub environment: String,
    /// Why that environment, for the dry run and the summary.
    pub environment_reason: String,
    pub activation_priority: u32,
    /// Repository and commit, `owner/repo@sha`.
    pub created_by: String,
}

/// The environment a release goes to, and why: `given` when the user says, else `production` when
/// the tag matches one of `patterns` (comma-separated globs where `*` is any run of characters,
/// compared without case), else `staging`.
pub fn environment_for(tag: &str, given: Option<&str>, patterns: &str) -> (String, String) {
    if let Some(environment) = given {
        return (environment.to_string(), format!("`{environment}` was asked for"));
    }
    let patterns: Vec<&str> = patterns.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    match patterns
        .iter()
        .find(|p| glob_match(&p.to_ascii_lowercase(), &tag.to_ascii_lowercase()))
    {
        Some(pattern) => ("production".into(), format!("tag `{tag}` matches `{pattern}`")),
        None => (
            "staging".into(),
            format!("tag `{tag}` matches no production pattern ({})", patterns.join(", ")),
        ),
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|&i| tail.is_char_boundary(i))
                .any(|i| glob_match(rest, &tail[i..]))
        }
    }
}

/// The element fields a substitution replaces placeholders in: what a caller hears (`prompt`),
/// where a call goes (`queue`, `target`) and what a `set` element stores (`value`).
pub const SUBSTITUTED_FIELDS: [&str; 4] = ["prompt", "queue", "target", "value"];

/// Replaces the placeholders in every string of `value`, in one pass over each string (what a
/// value brings in is not read again), noting the placeholders it replaced.
fn replace_in<'s>(value: &mut Value, substitutions: &'s [(String, String)], used: &mut BTreeSet<&'s str>) {
    match value {
        Value::String(text) => {
            if !text.contains("{{") {
                return;
            }
            let mut out = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(at) = rest.find("{{") {
                out.push_str(&rest[..at]);
                rest = &rest[at..];
                match substitutions
                    .iter()
                    .find(|(placeholder, _)| rest.starts_with(placeholder.as_str()))
                {
                    Some((placeholder, replacement)) => {
                        out.push_str(replacement);
                        rest = &rest[placeholder.len()..];
                        used.insert(placeholder);
                    }
                    None => {
                        out.push_str("{{");
                        rest = &rest[2..];
                    }
                }
            }
            out.push_str(rest);
            *text = out;
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_in(v, substitutions, used)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_in(v, substitutions, used)),
        _ => {}
    }
}

/// The SHA-256 of a flow file's bytes, hex.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The version id for a flow, tag and content: the same inputs always give the same id.
pub fn version_id(flow_id: &str, tag: &str, content_hash: &str) -> String {
    uuid::Uuid::new_v5(
        &VERSION_NAMESPACE,
        format!("{flow_id}\n{tag}\n{content_hash}").as_bytes(),
    )
    .to_string()
}

/// A flow file's JSON, as the payload carries it: elements, edges and rules exactly as written.
#[derive(Debug, Clone)]
pub struct FlowContent {
    pub flow_id: String,
    pub content_hash: String,
    pub elements: Vec<Value>,
    pub edges: Vec<Value>,
    pub routing_rules: Vec<Value>,
    pub timeouts: Timeouts,
}

impl FlowContent {
    /// Replaces each `{{NAME}}` placeholder with its environment's value in the content fields of
    /// the elements ([`SUBSTITUTED_FIELDS`]), never in ids, types, edges, routing rules or
    /// variables, so a substitution cannot change what the flow is made of; a value is put in as
    /// it is, never searched for placeholders again. Content that changes gets a hash of its own,
    /// so each environment's content is a version of its own; content no placeholder touches keeps
    /// its hash. Returns the placeholders replaced, in the order of `substitutions`.
    pub fn substitute(&mut self, substitutions: &[(String, String)]) -> Vec<String> {
        let mut used = BTreeSet::new();
        for element in self.elements.iter_mut().filter_map(Value::as_object_mut) {
            for field in SUBSTITUTED_FIELDS {
                if let Some(value) = element.get_mut(field) {
                    replace_in(value, substitutions, &mut used);
                }
            }
        }
        if !used.is_empty() {
            let canonical = serde_json::json!([self.content_hash, self.elements, self.edges, self.routing_rules]);
            self.content_hash = content_hash(canonical.to_string().as_bytes());
        }
        substitutions
            .iter()
            .filter(|(placeholder, _)| used.contains(placeholder.as_str()))
            .map(|(placeholder, _)| placeholder.clone())
            .collect()
    }

    /// The flow file this content is, as the checker reads one (to check it again once substituted).
    pub fn flow_text(&self) -> String {
        let flow = serde_json::json!({
            "flowId": self.flow_id,
            "elements": self.elements,
            "edges": self.edges,
            "routingRules": self.routing_rules,
            "timeouts": {
                "globalTimeout": self.timeouts.global_timeout,
                "inputTimeout": self.timeouts.input_timeout,
                "transferTimeout": self.timeouts.transfer_timeout,
            },
        });
        serde_json::to_string_pretty(&flow).unwrap_or_default()
    }

    /// The parts of a checked flow file that a version carries: `json` is the checker's own parse of
    /// `text` (never a second parser that could disagree with it), `text` what the hash is taken of.
    pub fn from_json(json: &Value, text: &str) -> Result<Self, String> {
        let array = |key: &str| json.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        let timeout = |key: &str, default: u64| {
            json.pointer(&format!("/timeouts/{key}"))
                .and_then(Value::as_u64)
                .unwrap_or(default)
        };
        Ok(FlowContent {
            flow_id: json
                .get("flowId")
                .and_then(Value::as_str)
                .ok_or("the flow has no flowId")?
                .to_string(),
            content_hash: content_hash(text.as_bytes()),
            elements: array("elements"),
            edges: array("edges"),
            routing_rules: array("routingRules"),
            timeouts: Timeouts {
                global_timeout: timeout("globalTimeout", FlowTimeouts::DEFAULT_GLOBAL),
                input_timeout: timeout("inputTimeout", FlowTimeouts::DEFAULT_INPUT),
                transfer_timeout: timeout("transferTimeout", FlowTimeouts::DEFAULT_TRANSFER),
            },
        })
    }

    /// The payload that registers this content as a version.
    pub fn payload(
        &self,
        id: String,
        release: &ReleaseInfo,
        rollback_reference: Option<String>,
        timestamp: String,
    ) -> VersionPayload {
        VersionPayload {
            id,
            flow_id: self.flow_id.clone(),
            metadata: Metadata {
                version_tag: release.tag.clone(),
                activation_priority: release.activation_priority,
                created_by: release.created_by.clone(),
                timestamp,
                content_hash: Some(self.content_hash.clone()),
                rollback_of: None,
            },
            version_tags: VersionTags {
                environment: release.environment.clone(),
                release_matrix: release.tag.clone(),
                rollback_reference,
            },
            elements: self.elements.clone(),
            edges: self.edges.clone(),
            routing_rules: self.routing_rules.clone(),
            timeouts: self.timeouts,
        }
    }

    /// The content of a registered version (for re-registering it in a rollback).
    pub fn of_version(payload: &VersionPayload) -> Self {
        FlowContent {
            flow_id: payload.flow_id.clone(),
            content_hash: payload.metadata.content_hash.clone().unwrap_or_default(),
            elements: payload.elements.clone(),
            edges: payload.edges.clone(),
            routing_rules: payload.routing_rules.clone(),
            timeouts: payload.timeouts,
        }
    }
}

/// Now, RFC 3339, UTC, seconds.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::PRODUCTION_TAGS;

    #[test]
    fn ids_are_deterministic_per_flow_tag_and_content() {
        let a = version_id("main", "v1.0.0", &content_hash(b"{}"));
        assert_eq!(a, version_id("main", "v1.0.0", &content_hash(b"{}")));
        assert_ne!(a, version_id("main", "v1.0.1", &content_hash(b"{}")));
        assert_ne!(a, version_id("main", "v1.0.0", &content_hash(b"{ }")));
        assert_ne!(a, version_id("other", "v1.0.0", &content_hash(b"{}")));
        assert!(uuid::Uuid::parse_str(&a).is_ok());
    }

    #[test]
    fn production_only_for_a_documented_pattern_never_a_substring() {
        let env = |tag: &str| environment_for(tag, None, PRODUCTION_TAGS).0;
        assert_eq!(env("v1.4.0-prod"), "production");
        assert_eq!(env("PROD-2026-11"), "production");
        for staging in [
            "v1.4.0-rc1",
            "v1-nonprod",
            "preprod-1",
            "products-v2",
            "v2-preprod-x",
            "prod",
        ] {
            assert_eq!(env(staging), "staging", "{staging}");
        }
        let (environment, why) = environment_for("v1-nonprod", None, PRODUCTION_TAGS);
        assert_eq!(why, "tag `v1-nonprod` matches no production pattern (*-prod, prod-*)");
        assert_eq!(environment, "staging");
        assert_eq!(
            environment_for("release-7", None, "release-*").1,
            "tag `release-7` matches `release-*`"
        );
        assert_eq!(
            environment_for("v1", Some("production"), PRODUCTION_TAGS),
            ("production".into(), "`production` was asked for".into())
        );
    }

    #[test]
    fn content_keeps_the_file_and_fills_default_timeouts() {
        let file =
            r#"{"flowId": "f", "elements": [{"id": "start", "type": "start"}], "timeouts": {"inputTimeout": 5000}}"#;
        let content = FlowContent::from_json(&serde_json::from_str(file).unwrap(), file).unwrap();
        assert_eq!(content.flow_id, "f");
        assert_eq!(content.elements.len(), 1);
        assert_eq!(
            (content.timeouts.global_timeout, content.timeouts.input_timeout),
            (30_000, 5_000)
        );
        assert_eq!(content.content_hash.len(), 64);
    }
}
