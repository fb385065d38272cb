//! The real CXone's Studio endpoints (docs/real-cxone.md): the access-key and OIDC token routes,
//! the discovery documents, scripts searched, read, saved through a syntax check built on
//! cxone-flow's Studio rules (200 saved, 206 saved with warnings, 409 rejected), deleted, their
//! history, and points of contact. Every answer is written here as NICE's published specs show it,
//! never through cxone-flow's own wire types, so the client cannot shape what it is tested against.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use cxone_flow::check::{Settings, check_flow_bytes};
use cxone_flow::cxone::types::TokenResponse;
use cxone_flow::flow::model::ElementKind;
use cxone_flow::http::decode_json;
use cxone_flow::registry::{Severities, Severity};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{live_token_scopes, unauthorized};
use crate::error::ApiError;
use crate::state::{AppState, PointOfContact, StoredScript, TokenInfo};

/// The Studio API's routes: the access-key and OIDC logins, discovery, scripts and points of
/// contact.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/authentication/v1/token/access-key", post(access_key_token))
        .route("/.well-known/openid-configuration", get(openid_configuration))
        .route("/auth/token", post(password_token))
        .route("/.well-known/cxone-configuration", get(cxone_configuration))
        .route(
            "/inContactAPI/services/{version}/scripts",
            get(get_script).post(save).delete(delete_script),
        )
        .route("/inContactAPI/services/{version}/scripts/search", get(search))
        .route("/inContactAPI/services/{version}/scripts/historyByName", get(history))
        .route(
            "/inContactAPI/services/{version}/points-of-contact",
            get(points_of_contact),
        )
        .route(
            "/inContactAPI/services/{version}/points-of-contact/{code}",
            get(point_of_contact).put(repoint),
        )
}

/// Who may log in to the Studio side, and what the tenant holds at start.
#[derive(Debug, Clone)]
pub struct StudioConfig {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// A registered app, for the OIDC password grant.
    pub app_client_id: String,
    pub app_client_secret: String,
    pub tenant_id: String,
    pub business_unit: u64,
    /// `icClusterId` of the tokens (the fallback API host is made from it).
    pub cluster: String,
    /// Skills the tenant has; a REQAGENT naming another fails the syntax check. Empty: any skill.
    pub skills: Vec<String>,
    /// Points of contact at start.
    pub points_of_contact: Vec<PointOfContact>,
    /// Whether `/.well-known/cxone-configuration` answers (off: 503, to rehearse the fallback).
    pub discovery: bool,
}

impl Default for StudioConfig {
    fn default() -> Self {
        StudioConfig {
            access_key_id: "emulator-access-key".into(),
            access_key_secret: "emulator-access-secret".into(),
            app_client_id: "emulator-app".into(),
            app_client_secret: "emulator-app-secret".into(),
            tenant_id: "11eb0358-f1a4-4b62-8e6f-0242ac110003".into(),
            business_unit: 4_600_012,
            cluster: "C32".into(),
            skills: Vec::new(),
            points_of_contact: Vec::new(),
            discovery: true,
        }
    }
}

/// The origin the request was addressed to (`http://127.0.0.1:PORT`), for the URLs the emulator
/// hands out.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// A token whose claims say the tenant, business unit and cluster, as CXone's do (unsigned here).
fn issue(state: &AppState) -> TokenResponse {
    let config = &state.config.studio;
    let encode = |value: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    let claims = json!({"tenantId": config.tenant_id, "icBUId": config.business_unit, "icClusterId": config.cluster,
        "jti": uuid::Uuid::new_v4().simple().to_string()});
    let access_token = format!(
        "{}.{}.emulator",
        encode(json!({"alg": "none", "typ": "JWT"})),
        encode(claims)
    );
    let ttl = state.config.token_ttl_secs;
    let mut inner = state.lock();
    inner.tokens_issued += 1;
    inner.tokens.insert(
        access_token.clone(),
        TokenInfo {
            expires_at: state.config.clock.now() + Duration::from_secs(ttl),
            scopes: Vec::new(),
            revoked: false,
        },
    );
    TokenResponse {
        id_token: Some(access_token.clone()),
        access_token,
        expires_in: ttl,
        token_type: "Bearer".into(),
        scope: String::new(),
        refresh_token: Some(format!("refresh-{}", uuid::Uuid::new_v4().simple())),
    }
}

/// `POST /authentication/v1/token/access-key`: `{"accessKeyId", "accessKeySecret"}` as JSON.
pub async fn access_key_token(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let Ok(body) = decode_json::<Value>(&body) else {
        return ApiError::bad_request("the body must be JSON {\"accessKeyId\", \"accessKeySecret\"}").into_response();
    };
    let config = &state.config.studio;
    let matches = body["accessKeyId"] == config.access_key_id.as_str()
        && body["accessKeySecret"] == config.access_key_secret.as_str();
    if !matches {
        return unauthorized("invalid access key").into_response();
    }
    Json(issue(&state)).into_response()
}

/// `GET /.well-known/openid-configuration`: the fields OpenID Connect Discovery requires.
pub async fn openid_configuration(headers: HeaderMap) -> Response {
    let origin = origin(&headers);
    Json(json!({
        "issuer": origin,
        "authorization_endpoint": format!("{origin}/auth/authorize"),
        "token_endpoint": format!("{origin}/auth/token"),
        "jwks_uri": format!("{origin}/auth/jwks"),
        "response_types_supported": ["code", "id_token", "token id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "grant_types_supported": ["authorization_code", "password", "refresh_token"],
    }))
    .into_response()
}

#[derive(Deserialize)]
pub struct PasswordForm {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// `POST /auth/token`: the password grant, the app's id and secret as Basic authentication.
pub async fn password_token(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let config = &state.config.studio;
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    if basic.as_deref() != Some(&format!("{}:{}", config.app_client_id, config.app_client_secret)) {
        return unauthorized("invalid client authentication").into_response();
    }
    let form = password_form(&body);
    if form.grant_type.as_deref() != Some("password") {
        return ApiError::bad_request("grant_type must be password").into_response();
    }
    let matches = form.username.as_deref() == Some(config.access_key_id.as_str())
        && form.password.as_deref() == Some(config.access_key_secret.as_str());
    if !matches {
        return unauthorized("invalid access key").into_response();
    }
    Json(issue(&state)).into_response()
}

fn password_form(body: &[u8]) -> PasswordForm {
    let pairs: BTreeMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    PasswordForm {
        grant_type: pairs.get("grant_type").cloned(),
        username: pairs.get("username").cloned(),
        password: pairs.get("password").cloned(),
    }
}

#[derive(Deserialize)]
pub struct TenantQuery {
    #[serde(rename = "tenantId")]
    tenant_id: Option<String>,
}

/// `GET /.well-known/cxone-configuration?tenantId=`: the tenant's API and auth hosts.
pub async fn cxone_configuration(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<TenantQuery>,
) -> Response {
    let config = &state.config.studio;
    if !config.discovery {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "discovery is switched off",
        )
        .into_response();
    }
    if query.tenant_id.as_deref() != Some(config.tenant_id.as_str()) {
        return ApiError::not_found("no such tenant").into_response();
    }
    let origin = origin(&headers);
    // The spec's required fields (`private`, `ui_endpoint`, `auth_endpoint`, `api_endpoint`,
    // `domain`, `uhDomain`) and what clients read besides.
    Json(json!({
        "private": false,
        "ui_endpoint": origin,
        "auth_endpoint": origin,
        "api_endpoint": origin,
        "domain": "emulator.invalid",
        "uhDomain": "emulator.invalid",
        "area": "na1",
        "cluster": config.cluster,
        "tenantId": config.tenant_id,
    }))
    .into_response()
}

/// Every Studio call needs a live token and `Accept: application/json` (without it CXone answers
/// "No known way to render data").
fn require(state: &AppState, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let accepts_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if !accepts_json {
        return Err(Box::new(
            (StatusCode::NOT_ACCEPTABLE, "No known way to render data").into_response(),
        ));
    }
    match live_token_scopes(state, headers) {
        Ok(_) => Ok(()),
        Err(refused) => Err(Box::new(refused.into_response())),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchQuery {
    script_name: Option<String>,
}

/// `GET scripts/search?scriptName=&includeInactive=&skip=&top=`: scripts whose name contains
/// `scriptName`, a page of at most 100, with `totalRecords`, `busNo` and `_links` (every emulated
/// script is active, so `includeInactive` changes nothing).
pub async fn search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
    Query(page): Query<PageQuery>,
) -> Response {
    if let Err(refused) = require(&state, &headers) {
        return *refused;
    }
    let inner = state.lock();
    let bus = state.config.studio.business_unit;
    let wanted = query.script_name.unwrap_or_default();
    let (skip, top) = page.window(100);
    let matching: Vec<_> = inner
        .scripts
        .iter()
        .filter(|(name, _)| name.contains(&wanted))
        .collect();
    let found: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(top)
        .map(|(name, script)| {
            json!({
                "masterID": script.master_id,
                "busNo": bus,
                "scriptName": name,
                "status": "CURR",
                "mediaType": 4,
                "modifyDate": script.modify_date,
                "mUser": "emulator",
                "actions": [],
            })
        })
        .collect();
    let origin = origin(&headers);
    let page = |skip: usize| format!("{origin}/inContactAPI/services/v30.0/scripts/search?skip={skip}&top={top}");
    let mut links = json!({"self": page(skip), "next": null, "previous": null});
    if skip + top < matching.len() {
        links["next"] = json!(page(skip + top));
    }
    if skip > 0 {
        links["previous"] = json!(page(skip.saturating_sub(top)));
    }
    Json(json!({
        "totalRecords": matching.len(),
        "busNo": bus,
        "_links": links,
        "scriptSearchDetails": found,
    }))
    .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathQuery {
    script_path: Option<String>,
}

/// The `scriptPath` of a call that passed [`require`].
fn script_path(state: &AppState, headers: &HeaderMap, query: PathQuery) -> Result<String, Box<Response>> {
    require(state, headers)?;
    Ok(query.script_path.unwrap_or_default())
}

/// `GET scripts?scriptPath=NAME`: the script's JSON, 404 when there is none.
pub async fn get_script(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<PathQuery>,
) -> Response {
    let name = match script_path(&state, &headers, query) {
        Ok(name) => name,
        Err(refused) => return *refused,
    };
    match state.lock().scripts.get(&name) {
        Some(script) => Json(read_back(script)).into_response(),
        None => ApiError::not_found(format!("no script `{name}`")).into_response(),
    }
}

/// A script as a tenant reads it back: its header carries the tenant's `masterId`, `lockInfo` and
/// `lastSavedIn`, and its actions have no `xws`/`yws` (NICE's own scripts have none).
fn read_back(script: &StoredScript) -> Value {
    let mut content = script.content.clone();
    if let Some(header) = content.get_mut("header").and_then(Value::as_object_mut) {
        header.insert("masterId".into(), json!(script.master_id));
        header.insert(
            "lockInfo".into(),
            json!({"isLocked": false, "lockedBy": null, "lockedDate": null}),
        );
        header.insert("lastSavedIn".into(), json!("API"));
    }
    if let Some(actions) = content.get_mut("actions").and_then(Value::as_object_mut) {
        for action in actions.values_mut().filter_map(Value::as_object_mut) {
            action.remove("xws");
            action.remove("yws");
        }
    }
    content
}

/// `DELETE scripts?scriptPath=NAME`: the name is gone; 404 when there is none.
pub async fn delete_script(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<PathQuery>,
) -> Response {
    let name = match script_path(&state, &headers, query) {
        Ok(name) => name,
        Err(refused) => return *refused,
    };
    match state.lock().scripts.remove(&name) {
        Some(_) => Json(json!({})).into_response(),
        None => ApiError::not_found(format!("no script `{name}`")).into_response(),
    }
}

/// `GET scripts/historyByName?scriptPath=NAME`: every save of the name, oldest first, as
/// `{name, versions: [{scriptId, modifyDate, modifyUser, status}]}`.
pub async fn history(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<PathQuery>,
) -> Response {
    let name = match script_path(&state, &headers, query) {
        Ok(name) => name,
        Err(refused) => return *refused,
    };
    match state.lock().scripts.get(&name) {
        Some(script) => {
            let last = script.history.len().saturating_sub(1);
            let versions: Vec<Value> = script
                .history
                .iter()
                .enumerate()
                .map(|(at, (id, date))| {
                    json!({"scriptId": id, "modifyDate": date, "modifyUser": "emulator",
                        "status": if at == last { "CURR" } else { "HIST" }})
                })
                .collect();
            Json(json!({"name": name, "versions": versions})).into_response()
        }
        None => ApiError::not_found(format!("no script `{name}`")).into_response(),
    }
}

/// One action's findings of the syntax check: its type and the keys of its errors and warnings.
#[derive(Default)]
struct Issues {
    kind: Option<String>,
    errors: Vec<String>,
    warnings: Vec<String>,
}

/// CXone's syntax check, as cxone-flow's Studio rules see the script, plus what only the tenant
/// knows (skills): per action, the keys of its errors and warnings.
fn syntax_check(state: &AppState, content: &Value) -> BTreeMap<String, Issues> {
    let text = serde_json::to_string_pretty(content).unwrap_or_default();
    // NICE's own QA code saves scripts without `xws`/`yws` through the API: a tenant takes them.
    let settings = Settings {
        severities: Severities::parse(["missing-layout=off"]).unwrap_or_default(),
        ..Settings::default()
    };
    let (report, model) = check_flow_bytes("script.json", text.into_bytes(), &settings);
    let mut details: BTreeMap<String, Issues> = BTreeMap::new();
    let mut add = |action: String, kind: Option<String>, key: String, error: bool| {
        let entry = details.entry(action).or_insert_with(|| Issues {
            kind,
            ..Issues::default()
        });
        if error {
            entry.errors.push(key);
        } else {
            entry.warnings.push(key);
        }
    };
    let kinds: BTreeMap<String, String> = model
        .iter()
        .flat_map(|flow| &flow.elements)
        .map(|e| {
            let kind = e.action.as_ref().map_or_else(String::new, |a| a.name.to_string());
            (e.id.value.to_string(), kind)
        })
        .collect();
    let owners = owners(&report.source);
    for diagnostic in &report.diagnostics {
        let at = &diagnostic.location;
        let owner = owners
            .iter()
            .find(|(_, from, to)| *from <= (at.line, at.column) && (at.line, at.column) <= *to);
        let (action, kind) = match owner {
            Some((id, _, _)) => (id.clone(), kinds.get(id).cloned()),
            None => ("0".to_string(), Some("SCRIPT".to_string())),
        };
        add(
            action,
            kind,
            diagnostic.rule.name().to_string(),
            diagnostic.severity == Severity::Error,
        );
    }
    let skills = &state.config.studio.skills;
    for element in model.iter().flat_map(|f| &f.elements) {
        let Some(action) = element.action.as_ref().filter(|_| element.kind == ElementKind::Queue) else {
            continue;
        };
        let skill = action.target.as_deref().unwrap_or_default();
        if !skills.is_empty() && !skills.iter().any(|s| s == skill) {
            add(
                element.id.value.to_string(),
                Some(action.name.to_string()),
                "skill-not-found".into(),
                true,
            );
        }
    }
    details
}

/// An action id, and the first and last line:column of one of its parts.
type Owner = (String, (usize, usize), (usize, usize));

/// Where each action's parts stand (its entry in `actions`, `properties` and `branches`, key to end),
/// as (action id, first line:column, last line:column), so a finding can be filed under its action.
fn owners(source: &cxone_flow::source::SourceFile) -> Vec<Owner> {
    let Ok(tape) = cxone_flow::json::Tape::parse(&source.text) else {
        return Vec::new();
    };
    let Some(root) = tape.root().as_object() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for part in ["actions", "properties", "branches"] {
        let Some(map) = root.get(part).and_then(|p| p.value.as_object()) else {
            continue;
        };
        for entry in map.iter() {
            let span = cxone_flow::source::Span::new(entry.name.span().start(), entry.value.span().end());
            let at = source.locate(span);
            found.push((
                entry.key().into_owned(),
                (at.line, at.column),
                (at.end_line, at.end_column),
            ));
        }
    }
    found
}

/// `POST scripts` with `{"scriptContent": SCRIPT}`: 200 saved clean, 206 saved with warnings,
/// 409 rejected (nothing saved). Every save mints a new master id; saving a name overwrites it. The
/// answer has a top-level `errorCount` and its totals as strings, as NICE's fixtures show them.
pub async fn save(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refused) = require(&state, &headers) {
        return *refused;
    }
    let mut request: Value = match decode_json(&body) {
        Ok(request) => request,
        Err(error) => return ApiError::bad_request(format!("malformed save request: {error}")).into_response(),
    };
    let content = request["scriptContent"].take();
    let Some(name) = content
        .pointer("/header/scriptName")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
    else {
        return ApiError::bad_request("scriptContent.header.scriptName is required").into_response();
    };
    let details = syntax_check(&state, &content);
    let errors: usize = details.values().map(|a| a.errors.len()).sum();
    let warnings: usize = details.values().map(|a| a.warnings.len()).sum();
    let status = match (errors, warnings) {
        (0, 0) => StatusCode::OK,
        (0, _) => StatusCode::PARTIAL_CONTENT,
        _ => StatusCode::CONFLICT,
    };
    let mut inner = state.lock();
    let master_id = if errors > 0 {
        Value::Null
    } else {
        inner.next_master_id += 1;
        let id = inner.next_master_id;
        let date = httpdate::fmt_http_date(std::time::SystemTime::now());
        let script = inner.scripts.entry(name).or_insert_with(|| StoredScript {
            master_id: id,
            content: Value::Null,
            modify_date: date.clone(),
            history: Vec::new(),
        });
        script.master_id = id;
        script.content = content;
        script.modify_date = date.clone();
        script.history.push((id, date));
        json!(id)
    };
    let actions: serde_json::Map<String, Value> = details
        .into_iter()
        .map(|(id, issues)| {
            let keys = |list: Vec<String>| list.into_iter().map(|key| json!({"key": key})).collect::<Vec<_>>();
            (
                id,
                json!({"actionType": issues.kind, "errors": keys(issues.errors), "warnings": keys(issues.warnings)}),
            )
        })
        .collect();
    let mut result = json!({
        "success": errors == 0,
        "masterId": master_id,
        "libraryId": "00000000-0000-0000-0000-000000000000",
    });
    if errors + warnings > 0 {
        result["error_code"] = json!({"details": {
            "totalErrors": errors.to_string(),
            "totalWarnings": warnings.to_string(),
            "actions": actions,
        }});
    }
    (status, Json(json!({"errorCount": errors, "results": [result]}))).into_response()
}

/// A point of contact as `GET points-of-contact` lists it (`subType` left out: the spec gives no
/// value of it).
fn listed(point: &PointOfContact, business_unit: u64) -> Value {
    json!({
        "businessUnitId": business_unit,
        "contactCode": point.contact_code,
        "contactAddress": point.address,
        "contactDescription": point.description,
        "defaultSkillId": point.skill_id,
        "isActive": point.is_active,
        "mediaTypeId": 4,
        "mediaTypeName": "Phone Call",
        "notes": "",
        "outboundSkill": false,
        "scriptName": point.script_name,
    })
}

/// The list's envelope around `points`.
fn envelope(state: &AppState, points: Vec<Value>) -> Value {
    json!({
        "businessUnitId": state.config.studio.business_unit,
        "lastPollTime": humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
        "pointsOfContact": points,
    })
}

/// `skip` and `top`, the paging every CXone list takes.
#[derive(Deserialize)]
pub struct PageQuery {
    skip: Option<usize>,
    top: Option<usize>,
}

impl PageQuery {
    /// How many to skip, and how many to answer: `default` unless asked, at most 100.
    fn window(&self, default: usize) -> (usize, usize) {
        (self.skip.unwrap_or(0), self.top.unwrap_or(default).clamp(1, 100))
    }
}

/// `GET points-of-contact?skip=&top=`: a page, of 50 unless asked (at most 100), as CXone's lists
/// page (outboundani/cxone-mcp `src/cxone.js`).
pub async fn points_of_contact(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(page): Query<PageQuery>,
) -> Response {
    if let Err(refused) = require(&state, &headers) {
        return *refused;
    }
    let unit = state.config.studio.business_unit;
    let (skip, top) = page.window(50);
    let points = state
        .lock()
        .points_of_contact
        .iter()
        .skip(skip)
        .take(top)
        .map(|p| listed(p, unit))
        .collect();
    Json(envelope(&state, points)).into_response()
}

/// `GET points-of-contact/{contactCode}`: the list's envelope around the one (as PowerShell clients
/// read it, `.pointsOfContact`).
pub async fn point_of_contact(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((_version, code)): Path<(String, String)>,
) -> Response {
    if let Err(refused) = require(&state, &headers) {
        return *refused;
    }
    let found = state
        .lock()
        .points_of_contact
        .iter()
        .find(|p| p.contact_code.to_string() == code)
        .map(|p| listed(p, state.config.studio.business_unit));
    match found {
        Some(point) => Json(envelope(&state, vec![point])).into_response(),
        None => ApiError::not_found(format!("no point of contact `{code}`")).into_response(),
    }
}

/// `PUT points-of-contact/{contactCode}` with the whole point of contact: `pointOfContactName`,
/// `skillId` and `scriptName` required (400 without one, or when no such script exists), `isActive`
/// optional. Answers `{}`; the point of contact runs the script from its next call.
pub async fn repoint(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((_version, code)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Err(refused) = require(&state, &headers) {
        return *refused;
    }
    let request: Value = match decode_json(&body) {
        Ok(request) => request,
        Err(error) => return ApiError::bad_request(format!("malformed request: {error}")).into_response(),
    };
    let (Some(name), Some(skill), Some(script)) = (
        request["pointOfContactName"].as_str(),
        request["skillId"].as_u64(),
        request["scriptName"].as_str(),
    ) else {
        return ApiError::bad_request("pointOfContactName, skillId (a number) and scriptName are required")
            .into_response();
    };
    let mut inner = state.lock();
    if !inner.scripts.contains_key(script) {
        return ApiError::bad_request(format!("no script `{script}`")).into_response();
    }
    match inner
        .points_of_contact
        .iter_mut()
        .find(|p| p.contact_code.to_string() == code)
    {
        Some(point) => {
            point.description = name.to_string();
            point.skill_id = skill;
            point.script_name = script.to_string();
            if let Some(active) = request["isActive"].as_bool() {
                point.is_active = active;
            }
            Json(json!({})).into_response()
        }
        None => ApiError::not_found(format!("no point of contact `{code}`")).into_response(),
    }
}
