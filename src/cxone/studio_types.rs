//! The wire types of the real CXone's Studio API, field for field (docs/real-cxone.md says which
//! rest on one public source and which shapes are ours where no source says).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The pinned Studio API version.
pub const DEFAULT_API_VERSION: &str = "v30.0";

/// An id CXone writes as a number or a string (`masterID`).
pub fn id_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `GET scripts/search`: one page of scripts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScriptSearch {
    #[serde(default)]
    pub script_search_details: Vec<ScriptSummary>,
}

/// One script of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScriptSummary {
    #[serde(rename = "masterID")]
    pub master_id: Value,
    pub script_name: String,
    /// `CURR` for the current version of the name.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub media_type: Option<Value>,
    #[serde(default)]
    pub modify_date: Option<String>,
    #[serde(default, rename = "mUser")]
    pub m_user: Option<Value>,
}

/// `POST scripts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveRequest {
    pub script_content: Value,
}

/// The answer of `POST scripts` (200 saved, 206 saved with warnings, 409 rejected); NICE's spec
/// adds a top-level `errorCount`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveAnswer {
    #[serde(default)]
    pub results: Vec<SaveResult>,
    #[serde(default)]
    pub error_count: Option<Count>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveResult {
    /// Optional in NICE's spec: an answer without it says nothing about the save.
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub master_id: Option<Value>,
    #[serde(default)]
    pub library_id: Option<String>,
    #[serde(default, rename = "error_code")]
    pub error_code: Option<ErrorCode>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorCode {
    #[serde(default)]
    pub details: Details,
}

/// A count CXone writes as a number or as a string of digits (`"0"`); anything else counts 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `1.0` or `"1e0"` is one error, never none: a count is rounded up.
        let float = |f: f64| if f > 0.0 { f.ceil() as u64 } else { 0 };
        Ok(Count(match Value::deserialize(deserializer)? {
            Value::Number(n) => n.as_u64().unwrap_or_else(|| n.as_f64().map_or(0, float)),
            Value::String(s) => s.trim().parse().unwrap_or_else(|_| s.trim().parse().map_or(0, float)),
            _ => 0,
        }))
    }
}

/// CXone's syntax check: how many errors and warnings, and which, per action id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(default)]
    pub total_errors: Count,
    #[serde(default)]
    pub total_warnings: Count,
    #[serde(default)]
    pub actions: BTreeMap<String, ActionIssues>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionIssues {
    #[serde(default)]
    pub action_type: Option<String>,
    #[serde(default)]
    pub errors: Vec<IssueKey>,
    #[serde(default)]
    pub warnings: Vec<IssueKey>,
}

/// One error or warning of the syntax check (`action-not-available`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueKey {
    pub key: String,
}

/// `GET points-of-contact` (and, in one source, `GET points-of-contact/{contactCode}`), as NICE's
/// Admin API spec publishes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointsOfContact {
    #[serde(default)]
    pub business_unit_id: Option<Value>,
    #[serde(default)]
    pub last_poll_time: Option<String>,
    #[serde(default)]
    pub points_of_contact: Vec<PointOfContact>,
}

/// A point of contact (a DNIS, a chat address): it runs the script it names. `contactCode` is its
/// id; the spec says an optional integer, a digit string is read too, and one without a code (0)
/// is listed but never named by a code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointOfContact {
    #[serde(default)]
    pub contact_code: Count,
    #[serde(default)]
    pub contact_address: Option<String>,
    #[serde(default)]
    pub contact_description: Option<String>,
    #[serde(default)]
    pub default_skill_id: Option<Value>,
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub media_type_id: Option<Value>,
    #[serde(default)]
    pub media_type_name: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub outbound_skill: Option<Value>,
    #[serde(default)]
    pub script_name: String,
}

impl PointOfContact {
    /// Whether the mapping names this point of contact: by its `contactCode` or its description.
    pub fn is_named(&self, name: &str) -> bool {
        let code = self.contact_code.0;
        (code != 0 && name.trim() == code.to_string()) || self.contact_description.as_deref() == Some(name)
    }

    /// The body of `PUT points-of-contact/{contactCode}` that changes only the script: the
    /// required `pointOfContactName`, `skillId` and `scriptName`, and `isActive` as it was.
    pub fn repointed(&self, script: &str) -> Repoint {
        Repoint {
            point_of_contact_name: self.contact_description.clone().unwrap_or_default(),
            skill_id: self.default_skill_id.clone().unwrap_or(Value::Null),
            script_name: script.to_string(),
            is_active: self.is_active,
        }
    }
}

/// `PUT points-of-contact/{contactCode}`: the spec requires the whole point of contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Repoint {
    pub point_of_contact_name: String,
    pub skill_id: Value,
    pub script_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// `GET .well-known/cxone-configuration?tenantId=`: where the tenant's API lives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CxoneConfiguration {
    #[serde(default)]
    pub api_endpoint: Option<String>,
    #[serde(default)]
    pub auth_endpoint: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub cluster: Option<String>,
    #[serde(default, rename = "tenantId")]
    pub tenant_id: Option<String>,
}

/// `GET .well-known/openid-configuration`: where the OIDC token endpoint is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenIdConfiguration {
    #[serde(default)]
    pub issuer: Option<String>,
    pub token_endpoint: String,
}
