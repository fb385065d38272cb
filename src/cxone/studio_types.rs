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

/// The answer of `POST scripts` (200 saved, 206 saved with warnings, 409 rejected).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SaveAnswer {
    #[serde(default)]
    pub results: Vec<SaveResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveResult {
    #[serde(default)]
    pub success: bool,
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

/// CXone's syntax check: how many errors and warnings, and which, per action id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(default)]
    pub total_errors: u32,
    #[serde(default)]
    pub total_warnings: u32,
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

/// `GET points-of-contact`. The shape is ours: no public source shows it (docs/real-cxone.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointsOfContact {
    #[serde(default)]
    pub points_of_contact: Vec<PointOfContact>,
}

/// A point of contact (a DNIS): it runs the script it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointOfContact {
    pub id: String,
    #[serde(default)]
    pub point_of_contact_name: Option<String>,
    pub script_name: String,
}

/// `PUT points-of-contact/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Repoint {
    pub script_name: String,
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
