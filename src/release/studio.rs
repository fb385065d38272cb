//! Releasing Studio scripts to a real CXone tenant (docs/real-cxone.md): each script saved once
//! under an immutable versioned name (skipped when that name already holds the same content),
//! then every point of contact mapped to it repointed, each repoint recorded with what it ran
//! before, so a rollback is a repoint back. Also CXone's own syntax check on a sandbox name, and
//! reading scripts back (pull, drift).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::check::{CheckReport, FileReport};
use crate::cxone::config::{ClientConfig, Grant};
use crate::cxone::secret::Secret;
use crate::cxone::studio::{StudioClient, StudioConfig};
use crate::cxone::studio_types::{PointOfContact, SaveResult};
use crate::cxone::transport::ApiError;
use crate::diagnostic::{Diagnostic, Finding};
use crate::registry::{Rule, Severity};
use crate::release::audit::{AuditEvent, AuditLog};
use crate::release::gate::Blocked;
use crate::release::run::{open_audit, runtime};
use crate::settings::{ACCESS_KEY_SECRET_ENV, Connection, StudioSettings};

/// How a Studio release runs.
#[derive(Debug, Clone, Default)]
pub struct StudioRelease {
    pub tag: String,
    pub dry_run: bool,
    /// Save over a versioned name that a point of contact runs today (it goes live at once).
    pub allow_live_overwrite: bool,
    /// Script name → the points of contact (ids) that run it once released.
    pub points_of_contact: BTreeMap<String, Vec<String>>,
}

/// A Studio client for the configured tenant: the access key pair (its secret added to the run's
/// redactor), by the OIDC password grant when an app's client id and secret are set too.
pub fn client(connection: &Connection, studio: &StudioSettings) -> Result<StudioClient, String> {
    let key_id = studio
        .access_key_id
        .clone()
        .ok_or("set the `cxone-access-key-id` input (CXONE_ACCESS_KEY_ID on the command line)")?;
    let key_secret = studio.access_key_secret.clone().ok_or(format!(
        "set {ACCESS_KEY_SECRET_ENV} to the access key's secret (in the Action: the `cxone-access-key-secret` input, from a repository secret)"
    ))?;
    connection.redactor.add(key_secret.expose());
    let app = connection.client_id.clone().zip(connection.client_secret.clone());
    let (grant, client_id, client_secret) = match app {
        Some((id, secret)) => {
            connection.redactor.add(secret.expose());
            (Grant::Password { key_id, key_secret }, id, secret)
        }
        None => (
            Grant::AccessKey { key_id, key_secret },
            String::new(),
            Secret::new(String::new()),
        ),
    };
    let mut config = ClientConfig::new("", "", client_id, client_secret);
    config.max_retries = connection.max_retries;
    config.redactor = connection.redactor.clone();
    config.progress = connection.progress.clone();
    let issuer = studio
        .issuer
        .clone()
        .unwrap_or_else(|| studio.region.issuer().to_string());
    StudioClient::new(StudioConfig {
        client: config,
        grant,
        token_url: studio
            .access_key_url
            .clone()
            .unwrap_or_else(|| studio.region.access_key_url().to_string()),
        issuer,
        api_base: studio.api_base.clone(),
        cluster_api: studio.cluster_api.clone(),
        api_version: studio.api_version.clone(),
        renames: studio.renames.clone(),
    })
    .map_err(|e| e.to_string())
}

/// The scripts of a checked report, ready to release: every script, with its name and content as
/// the check kept them, or why not. A flow file in a Studio release is refused, not skipped.
pub fn scripts_to_release(report: &CheckReport, fail_on: Severity) -> Result<Vec<ScriptToRelease>, Blocked> {
    if !report.read_errors.is_empty() || report.fails(fail_on) {
        return Err(Blocked::ChecksFailed);
    }
    let mut scripts = Vec::new();
    let mut problems = Vec::new();
    for file in report.units.iter().filter_map(|u| u.flow.as_ref()) {
        let path = file.source.display_path();
        match script_of(file) {
            _ if !crate::discover::is_script_path(&file.source.path) => problems.push(format!(
                "{path} cannot be released: it is a flow file, which the studio backend does not release; leave it out with --exclude"
            )),
            Some(script) => scripts.push(script),
            None => problems.push(format!("{path} cannot be released: it has no `header.scriptName`")),
        }
    }
    if problems.is_empty() {
        Ok(scripts)
    } else {
        Err(Blocked::Unprepared(problems))
    }
}

/// The scripts of a checked report that have no errors, with their names and content (for the
/// remote syntax check and the drift check).
pub fn checked_scripts(report: &CheckReport) -> Vec<ScriptToRelease> {
    report
        .units
        .iter()
        .filter_map(|u| u.flow.as_ref())
        .filter(|f| crate::discover::is_script_path(&f.source.path) && !f.has_errors())
        .filter_map(script_of)
        .collect()
}

/// A checked file as a script to save: its path, its non-empty `header.scriptName` and the JSON
/// the check kept; `None` without them.
fn script_of(file: &FileReport) -> Option<ScriptToRelease> {
    let json = file.json.as_ref()?;
    let name = json.pointer("/header/scriptName")?.as_str().filter(|n| !n.is_empty())?;
    Some(ScriptToRelease {
        path: file.source.display_path(),
        name: name.to_string(),
        content: (**json).clone(),
    })
}

/// The name a script is saved under for a tag: `NAME__TAG`.
pub fn versioned_name(name: &str, tag: &str) -> String {
    format!("{name}__{tag}")
}

/// The sandbox a script's remote syntax check is saved under: `PREFIX` + `NAME__ci`, one per
/// script, reused by every run (CXone has no delete, so per-commit names would pile up). The prefix
/// files sandboxes apart (a folder path, or a naming convention of the tenant's).
pub fn sandbox_name(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}__ci")
}

/// One script to release: where it is, its name (`header.scriptName`) and its content.
#[derive(Debug, Clone)]
pub struct ScriptToRelease {
    pub path: String,
    pub name: String,
    pub content: Value,
}

impl ScriptToRelease {
    /// The content saved under another name.
    fn named(&self, name: &str) -> Value {
        let mut content = self.content.clone();
        content["header"]["scriptName"] = Value::String(name.to_string());
        content
    }
}

/// One error or warning of CXone's syntax check, by action id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFinding {
    pub action: String,
    pub action_type: Option<String>,
    pub key: String,
    pub error: bool,
}

/// Where each of `findings` stands, for messages: `action 12 Timeout, action 14 Prompt`.
pub fn listed<'f>(findings: impl IntoIterator<Item = &'f RemoteFinding>) -> String {
    findings
        .into_iter()
        .map(|f| format!("action {} {}", f.action, f.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The findings of a save's answer.
pub fn remote_findings(result: &SaveResult) -> Vec<RemoteFinding> {
    let Some(code) = &result.error_code else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (action, issues) in &code.details.actions {
        for (list, error) in [(&issues.errors, true), (&issues.warnings, false)] {
            found.extend(list.iter().map(|issue| RemoteFinding {
                action: action.clone(),
                action_type: issues.action_type.clone(),
                key: issue.key.clone(),
                error,
            }));
        }
    }
    found
}

/// What happened to one script.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptOutcome {
    /// Saved (HTTP 200, or 206 with the warnings).
    Saved {
        warnings: Vec<RemoteFinding>,
    },
    /// The versioned name already holds this content: nothing saved.
    Unchanged,
    /// Dry run: it would be saved.
    WouldSave,
    /// CXone's syntax check refused it (409): nothing saved, nothing repointed.
    Rejected {
        findings: Vec<RemoteFinding>,
    },
    /// The versioned name is live on these points of contact, and overwriting it was not allowed.
    LiveOverwriteRefused {
        points_of_contact: Vec<String>,
    },
    Failed {
        reason: String,
    },
}

/// One point of contact moved (or, in a dry run, to be moved) to the released script.
#[derive(Debug, Clone, PartialEq)]
pub struct Cutover {
    pub point_of_contact: String,
    pub from: String,
    pub to: String,
    /// `None` when done (or not needed); why not otherwise.
    pub failed: Option<String>,
    pub dry_run: bool,
}

/// A script's release.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptReport {
    pub path: String,
    pub name: String,
    pub versioned: String,
    pub outcome: ScriptOutcome,
    pub cutovers: Vec<Cutover>,
}

impl ScriptReport {
    pub fn failed(&self) -> bool {
        matches!(
            self.outcome,
            ScriptOutcome::Rejected { .. } | ScriptOutcome::LiveOverwriteRefused { .. } | ScriptOutcome::Failed { .. }
        ) || self.cutovers.iter().any(|c| c.failed.is_some())
    }
}

/// Whether two scripts say the same: their actions, properties, branches and name (CXone may add
/// header fields of its own, such as `masterId` or `lockInfo`).
pub fn same_content(a: &Value, b: &Value) -> bool {
    ["actions", "properties", "branches"]
        .iter()
        .all(|k| a.get(k) == b.get(k))
        && a.pointer("/header/scriptName") == b.pointer("/header/scriptName")
}

/// Releases every script, one after another: save (or skip), then cut over. The points of contact
/// are read once; each repoint is recorded with the script it replaced.
pub async fn release(
    client: &StudioClient,
    scripts: &[ScriptToRelease],
    settings: &StudioRelease,
    audit: &AuditLog,
) -> Result<Vec<ScriptReport>, ApiError> {
    client.authenticate().await?;
    audit.record(AuditEvent::TokenAcquired, None, None);
    let mut points = client.points_of_contact().await?;
    let mut reports = Vec::new();
    for script in scripts {
        let report = release_one(client, script, settings, audit, &mut points).await;
        reports.push(report);
    }
    Ok(reports)
}

async fn release_one(
    client: &StudioClient,
    script: &ScriptToRelease,
    settings: &StudioRelease,
    audit: &AuditLog,
    points: &mut [PointOfContact],
) -> ScriptReport {
    let versioned = versioned_name(&script.name, &settings.tag);
    let mut report = ScriptReport {
        path: script.path.clone(),
        name: script.name.clone(),
        versioned: versioned.clone(),
        outcome: ScriptOutcome::Unchanged,
        cutovers: Vec::new(),
    };
    let record = |event| audit.record(event, Some(&script.name), Some(&versioned));
    let content = script.named(&versioned);
    report.outcome = match save_unless_same(client, &content, &versioned, settings, points).await {
        Ok(outcome) => outcome,
        Err(error) => ScriptOutcome::Failed {
            reason: error.to_string(),
        },
    };
    match &report.outcome {
        ScriptOutcome::Saved { warnings } => record(AuditEvent::ScriptSaved {
            warnings: warnings
                .iter()
                .map(|w| format!("action {}: {}", w.action, w.key))
                .collect(),
        }),
        ScriptOutcome::Unchanged => record(AuditEvent::Skipped {
            reason: format!("`{versioned}` already holds this content"),
            rolled_back_by: None,
        }),
        ScriptOutcome::WouldSave => record(AuditEvent::ScriptWouldSave),
        ScriptOutcome::Rejected { findings } => record(AuditEvent::FlowFailed {
            reason: format!(
                "CXone's syntax check rejected it: {}",
                listed(findings.iter().filter(|f| f.error))
            ),
        }),
        ScriptOutcome::LiveOverwriteRefused { points_of_contact } => record(AuditEvent::FlowFailed {
            reason: format!(
                "`{versioned}` runs live on {} and holds other content: not overwritten without --allow-live-overwrite",
                points_of_contact.join(", ")
            ),
        }),
        ScriptOutcome::Failed { reason } => record(AuditEvent::FlowFailed { reason: reason.clone() }),
    }
    let saved = matches!(
        report.outcome,
        ScriptOutcome::Saved { .. } | ScriptOutcome::Unchanged | ScriptOutcome::WouldSave
    );
    if !saved {
        return report;
    }
    for id in settings.points_of_contact.get(&script.name).into_iter().flatten() {
        let cutover = cut_over(client, id, &versioned, settings.dry_run, points).await;
        if cutover.from != cutover.to || cutover.failed.is_some() {
            record(AuditEvent::PointOfContactRepointed {
                point_of_contact: cutover.point_of_contact.clone(),
                from: cutover.from.clone(),
                to: cutover.to.clone(),
                dry_run: cutover.dry_run,
                failed: cutover.failed.clone(),
            });
        }
        report.cutovers.push(cutover);
    }
    report
}

async fn save_unless_same(
    client: &StudioClient,
    content: &Value,
    versioned: &str,
    settings: &StudioRelease,
    points: &[PointOfContact],
) -> Result<ScriptOutcome, ApiError> {
    let existing = client.get(versioned).await?;
    if existing.as_ref().is_some_and(|e| same_content(e, content)) {
        return Ok(ScriptOutcome::Unchanged);
    }
    let live: Vec<String> = points
        .iter()
        .filter(|p| p.script_name == versioned)
        .map(|p| p.id.clone())
        .collect();
    if existing.is_some() && !live.is_empty() && !settings.allow_live_overwrite {
        return Ok(ScriptOutcome::LiveOverwriteRefused {
            points_of_contact: live,
        });
    }
    if settings.dry_run {
        return Ok(ScriptOutcome::WouldSave);
    }
    let (status, result) = client.save(content).await?;
    let findings = remote_findings(&result);
    Ok(if status == 409 || !result.success {
        ScriptOutcome::Rejected { findings }
    } else {
        ScriptOutcome::Saved { warnings: findings }
    })
}

async fn cut_over(
    client: &StudioClient,
    id: &str,
    versioned: &str,
    dry_run: bool,
    points: &mut [PointOfContact],
) -> Cutover {
    let point = points.iter_mut().find(|p| p.id == id);
    let mut cutover = Cutover {
        point_of_contact: id.to_string(),
        from: point.as_ref().map(|p| p.script_name.clone()).unwrap_or_default(),
        to: versioned.to_string(),
        failed: None,
        dry_run,
    };
    match point {
        None => cutover.failed = Some(format!("the tenant has no point of contact `{id}`")),
        Some(point) if point.script_name != versioned && !dry_run => match client.repoint(id, versioned).await {
            Ok(_) => point.script_name = versioned.to_string(),
            Err(error) => cutover.failed = Some(error.to_string()),
        },
        Some(_) => {}
    }
    cutover
}

/// CXone's own syntax check of one script, saved under its sandbox name: the findings (empty when
/// the save answered 200).
pub async fn validate_remote(
    client: &StudioClient,
    script: &ScriptToRelease,
    prefix: &str,
) -> Result<Vec<RemoteFinding>, ApiError> {
    let (_, result) = client.save(&script.named(&sandbox_name(prefix, &script.name))).await?;
    Ok(remote_findings(&result))
}

/// Points each point of contact mapped to `script` back: to `to` when given (`NAME__TAG`), else to
/// the script it ran before its last recorded repoint to a version of `script`, as the audit log
/// `entries` say. Returns (point of contact, from, to) per repoint made.
pub async fn rollback(
    client: &StudioClient,
    script: &str,
    to: Option<&str>,
    mapped: &[String],
    entries: &[Value],
    audit: &AuditLog,
) -> Result<Vec<(String, String, String)>, String> {
    let points = client.points_of_contact().await.map_err(|e| e.to_string())?;
    let mut done = Vec::new();
    for id in mapped {
        let Some(point) = points.iter().find(|p| &p.id == id) else {
            return Err(format!("the tenant has no point of contact `{id}`"));
        };
        let target = match to {
            Some(tag) => versioned_name(script, tag),
            None => previous_script(entries, script, id).ok_or_else(|| {
                format!(
                    "the audit log records no repoint of `{id}` to a version of `{script}`: say which version with --to TAG"
                )
            })?,
        };
        if point.script_name == target {
            continue;
        }
        if client.get(&target).await.map_err(|e| e.to_string())?.is_none() {
            return Err(format!("the tenant has no script `{target}` to roll back to"));
        }
        client.repoint(id, &target).await.map_err(|e| e.to_string())?;
        audit.record(
            AuditEvent::PointOfContactRolledBack {
                point_of_contact: id.clone(),
                from: point.script_name.clone(),
                to: target.clone(),
            },
            Some(script),
            None,
        );
        done.push((id.clone(), point.script_name.clone(), target));
    }
    Ok(done)
}

/// What point of contact `id` ran before its last recorded repoint to a version of `script`.
fn previous_script(entries: &[Value], script: &str, id: &str) -> Option<String> {
    entries
        .iter()
        .rev()
        .filter(|e| e["event"] == "point_of_contact_repointed" && e["pointOfContact"] == id)
        .filter(|e| e["dryRun"] != true && e["failed"].is_null())
        .find(|e| e["flowId"] == script)
        .and_then(|e| e["from"].as_str())
        .map(str::to_string)
}

/// Files CXone's findings on a checked report: each at its action's id in the script, under
/// CXF040 (an error or a warning, as CXone said), so every renderer shows them.
pub fn add_remote_findings(report: &mut CheckReport, found: &[(String, Vec<RemoteFinding>)]) {
    for file in report.units.iter_mut().filter_map(|u| u.flow.as_mut()) {
        let path = file.source.display_path();
        let Some((_, findings)) = found.iter().find(|(p, _)| *p == path) else {
            continue;
        };
        for finding in findings {
            let element = file
                .model
                .as_ref()
                .and_then(|m| m.elements.iter().find(|e| e.id.value == finding.action).map(|e| (m, e)));
            let (span, what) = match element {
                Some((model, element)) => (element.id.span, model.describe(element)),
                None => (Default::default(), format!("action {}", finding.action)),
            };
            let severity = if finding.error {
                Severity::Error
            } else {
                Severity::Warning
            };
            let message = format!(
                "CXone's syntax check {} `{}` on {what}",
                if finding.error { "rejects it with" } else { "warns" },
                finding.key
            );
            let finding = Finding::new(Rule::RemoteSyntaxCheck, span, message)
                .with_help("the tenant's own check, run by saving the script under its sandbox name (NAME__ci)");
            file.diagnostics
                .push(Diagnostic::locate(finding, severity, &file.source));
        }
        crate::check::sort_diagnostics(&mut file.diagnostics);
    }
}

/// Releases checked scripts for `tag`: `Err` when the release could not run at all.
pub fn release_scripts(
    connection: &Connection,
    studio: &StudioSettings,
    scripts: &[ScriptToRelease],
    tag: &str,
    dry_run: bool,
) -> Result<(Vec<ScriptReport>, Option<String>), String> {
    let client = client(connection, studio)?;
    let (audit, _) = open_audit(connection, tag)?;
    let settings = StudioRelease {
        tag: tag.to_string(),
        dry_run,
        allow_live_overwrite: studio.allow_live_overwrite,
        points_of_contact: studio.points_of_contact.clone(),
    };
    let reports = runtime()?
        .block_on(release(&client, scripts, &settings, &audit))
        .map_err(|e| format!("release {tag}: {e}"))?;
    Ok((reports, audit.failure()))
}

/// Rolls a script's points of contact back (to `NAME__TAG`, or to what the audit log says they ran
/// before): the repoints made, `Err` when the rollback could not be done.
pub fn roll_back_script(
    connection: &Connection,
    studio: &StudioSettings,
    script: &str,
    to: Option<&str>,
) -> Result<Vec<(String, String, String)>, String> {
    let mapped = studio.points_of_contact.get(script).cloned().unwrap_or_default();
    if mapped.is_empty() {
        return Err(format!(
            "no point of contact is mapped to `{script}`: say which with --point-of-contact {script}=ID"
        ));
    }
    let entries: Vec<Value> = std::fs::read_to_string(&connection.audit_log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let client = client(connection, studio)?;
    let (audit, _) = open_audit(connection, "rollback")?;
    runtime()?.block_on(rollback(&client, script, to, &mapped, &entries, &audit))
}

/// CXone's syntax check of each script, saved under its sandbox name; the findings per script path.
pub fn validate_scripts(
    connection: &Connection,
    studio: &StudioSettings,
    scripts: &[ScriptToRelease],
) -> Result<Vec<(String, Vec<RemoteFinding>)>, String> {
    let client = client(connection, studio)?;
    runtime()?.block_on(async {
        let mut found = Vec::new();
        for script in scripts {
            let findings = validate_remote(&client, script, &studio.sandbox_prefix)
                .await
                .map_err(|e| e.to_string())?;
            found.push((script.path.clone(), findings));
        }
        Ok(found)
    })
}

/// The scripts whose live content (the tenant's script of the same `header.scriptName`) differs
/// from the checked file, or that the tenant does not have: (path, why).
pub fn drift(
    connection: &Connection,
    studio: &StudioSettings,
    scripts: &[ScriptToRelease],
) -> Result<Vec<(String, String)>, String> {
    let client = client(connection, studio)?;
    runtime()?.block_on(async {
        let mut drifted = Vec::new();
        for script in scripts {
            match client.get(&script.name).await.map_err(|e| e.to_string())? {
                Some(live) if same_content(&live, &script.content) => {}
                Some(_) => drifted.push((
                    script.path.clone(),
                    format!("the live script `{}` differs from this file", script.name),
                )),
                None => drifted.push((
                    script.path.clone(),
                    format!("the tenant has no script `{}`", script.name),
                )),
            }
        }
        Ok(drifted)
    })
}

/// The file a pulled script is written to: its name with every character that is not a letter,
/// digit, space, `-`, `_` or `.` replaced by `_`, then `.json`; `None` for a name that would still
/// leave the folder or hide (`..`, `.x`). A tenant's names never choose where a file lands.
pub fn file_name_of(name: &str) -> Option<String> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (!safe.is_empty() && !safe.starts_with('.')).then(|| format!("{safe}.json"))
}

/// The tenant's current scripts named in `names` (every script when empty), by name.
pub fn pull_scripts(
    connection: &Connection,
    studio: &StudioSettings,
    names: &[String],
) -> Result<Vec<(String, Value)>, String> {
    let client = client(connection, studio)?;
    runtime()?.block_on(async {
        let names: Vec<String> = if names.is_empty() {
            let mut all: Vec<String> = client
                .search("")
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|s| s.script_name)
                .collect();
            all.sort();
            all.dedup();
            all
        } else {
            names.to_vec()
        };
        let mut pulled = Vec::new();
        for name in names {
            match client.get(&name).await.map_err(|e| e.to_string())? {
                Some(script) => pulled.push((name, script)),
                None => return Err(format!("the tenant has no script `{name}`")),
            }
        }
        Ok(pulled)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_rollback_goes_back_to_what_the_last_real_repoint_replaced() {
        let entries = vec![
            json!({"event": "point_of_contact_repointed", "flowId": "Main", "pointOfContact": "poc-1", "from": "Main__v1", "to": "Main__v2", "dryRun": false}),
            json!({"event": "point_of_contact_repointed", "flowId": "Main", "pointOfContact": "poc-1", "from": "Main__v2", "to": "Main__v3", "dryRun": true}),
            json!({"event": "point_of_contact_repointed", "flowId": "Other", "pointOfContact": "poc-1", "from": "X", "to": "Y", "dryRun": false}),
        ];
        assert_eq!(previous_script(&entries, "Main", "poc-1").as_deref(), Some("Main__v1"));
        assert_eq!(previous_script(&entries, "Main", "poc-2"), None);
    }

    #[test]
    fn a_tenant_s_script_name_never_leaves_the_folder() {
        assert_eq!(file_name_of("Acme_Main_IVR").as_deref(), Some("Acme_Main_IVR.json"));
        assert_eq!(file_name_of("Sales\\IVR v2").as_deref(), Some("Sales_IVR v2.json"));
        assert_eq!(file_name_of("../../etc/passwd").as_deref(), None);
        assert_eq!(file_name_of("a/../../b").as_deref(), Some("a_.._.._b.json"));
        assert_eq!(file_name_of("").as_deref(), None);
    }

    #[test]
    fn the_same_content_ignores_what_cxone_adds_to_the_header() {
        let ours = json!({"header": {"scriptName": "A__v1"}, "actions": {"1": {}}, "branches": {}});
        let theirs = json!({"header": {"scriptName": "A__v1", "masterId": 7, "lockInfo": {}}, "actions": {"1": {}}, "branches": {}});
        assert!(same_content(&ours, &theirs));
        let other = json!({"header": {"scriptName": "A__v1"}, "actions": {"2": {}}, "branches": {}});
        assert!(!same_content(&ours, &other));
    }
}
