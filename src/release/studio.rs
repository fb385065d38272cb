//! Releasing Studio scripts to a real CXone tenant (docs/real-cxone.md): each script saved once
//! under an immutable versioned name (skipped when that name already holds the same content,
//! refused when it holds other content), confirmed by reading it back, then every point of contact
//! mapped to it cut over (`studio_cutover.rs`). Also CXone's own syntax check on a sandbox name.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::check::online::{RemoteFinding, listed};
use crate::check::{CheckReport, FileReport};
use crate::cxone::studio::{Saved, StudioClient};
use crate::cxone::studio_types::SaveResult;
use crate::cxone::transport::ApiError;
use crate::registry::Severity;
use crate::release::audit::{AuditEvent, AuditLog};
use crate::release::gate::Blocked;
use crate::release::studio_calls::Calls;
use crate::release::studio_cutover::{Cutover, cut_over};
use crate::release::studio_tenant::{ScriptToRelease, sandbox_name, versioned_name};
use crate::release::target::Stopped;

/// How a Studio release runs.
#[derive(Debug, Clone, Default)]
pub struct StudioRelease {
    pub tag: String,
    pub dry_run: bool,
    /// Save over a `NAME__TAG` that holds other content (`--force`).
    pub force: bool,
    /// Script name → the points of contact (`contactCode` or description) that run it once released.
    pub points_of_contact: BTreeMap<String, Vec<String>>,
}

impl StudioRelease {
    /// The points of contact mapped to a script.
    pub fn mapped(&self, script: &str) -> &[String] {
        self.points_of_contact.get(script).map_or(&[], Vec::as_slice)
    }
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
    problems.extend(Calls::within(&scripts).misnamed(&scripts));
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

/// The findings of a save's answer, per action.
pub fn remote_findings(result: Option<&SaveResult>) -> Vec<RemoteFinding> {
    let Some(code) = result.and_then(|r| r.error_code.as_ref()) else {
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

/// The findings of a save CXone did not say succeeded: its per-action errors, and when it named
/// none (a bare 409, `success: false`, an answer that says nothing), one error at the script. The
/// remote check never passes what CXone did not pass.
pub fn failing_findings(saved: &Saved) -> Vec<RemoteFinding> {
    let mut found = remote_findings(saved.result());
    if !found.iter().any(|f| f.error) {
        let key = match saved.result() {
            _ if saved.status == 409 => "rejected (HTTP 409) naming no action".to_string(),
            Some(result) if result.success == Some(false) => {
                format!("`success: false` (HTTP {}) naming no action", saved.status)
            }
            Some(result) if result.success == Some(true) => {
                format!("errors counted (HTTP {}) naming no action", saved.status)
            }
            _ => format!(
                "an answer (HTTP {}) that does not say the script was saved",
                saved.status
            ),
        };
        found.push(RemoteFinding {
            action: String::new(),
            action_type: None,
            key,
            error: true,
        });
    }
    found
}

/// What happened to one script.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptOutcome {
    /// Saved (HTTP 200, or 206 with the warnings) and read back with this content.
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
    /// The versioned name holds other content: a rollback to it would restore that, so it is not
    /// overwritten without `--force`.
    OverwriteRefused,
    Failed {
        reason: String,
    },
}

impl ScriptOutcome {
    /// Whether the versioned name holds the script (or would, in a dry run).
    pub fn saved(&self) -> bool {
        matches!(self, Self::Saved { .. } | Self::Unchanged | Self::WouldSave)
    }
}

/// A script's release.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptReport {
    pub path: String,
    pub name: String,
    pub versioned: String,
    pub outcome: ScriptOutcome,
    pub cutovers: Vec<Cutover>,
    /// What a dry run would have saved.
    pub would_save: Option<Value>,
}

impl ScriptReport {
    pub fn failed(&self) -> bool {
        matches!(
            self.outcome,
            ScriptOutcome::Rejected { .. } | ScriptOutcome::OverwriteRefused | ScriptOutcome::Failed { .. }
        ) || self.cutovers.iter().any(|c| c.failed.is_some())
    }
}

/// The keys of an action that only place it on Studio's canvas.
const LAYOUT: [&str; 4] = ["x", "y", "xws", "yws"];

/// Header fields that change what a script does, compared where both scripts have them (a
/// read-back may add them, a file may leave them out).
const CONTENT_HEADER: [&str; 2] = ["mediaType", "purposeType"];

/// Whether two scripts say the same: their name, the header fields that change what they do,
/// actions (layout aside), properties and branches. CXone adds header fields of its own
/// (`masterId`, `lockInfo`, `lastSavedIn`) and may drop the layout (`xws`, `yws`) on a read-back,
/// so neither counts. `variableRedaction` (which variables logs hide) always counts, absent
/// meaning none.
pub fn same_content(a: &Value, b: &Value) -> bool {
    let header = |s: &Value, key: &str| s.pointer(&format!("/header/{key}")).filter(|v| !v.is_null()).cloned();
    let redacted = |s: &Value| header(s, "variableRedaction").unwrap_or_else(|| Value::String(String::new()));
    a.pointer("/header/scriptName") == b.pointer("/header/scriptName")
        && redacted(a) == redacted(b)
        && CONTENT_HEADER.iter().all(|key| match (header(a, key), header(b, key)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        })
        && a.get("properties") == b.get("properties")
        && a.get("branches") == b.get("branches")
        && same_actions(a.get("actions"), b.get("actions"))
}

fn same_actions(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.and_then(Value::as_object), b.and_then(Value::as_object)) {
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(id, action)| b.get(id).is_some_and(|other| same_action(action, other)))
        }
        _ => a == b,
    }
}

fn same_action(a: &Value, b: &Value) -> bool {
    match (a.as_object(), b.as_object()) {
        (Some(a), Some(b)) => {
            let placed =
                |map: &'_ serde_json::Map<String, Value>| map.keys().filter(|k| !LAYOUT.contains(&k.as_str())).count();
            placed(a) == placed(b)
                && a.iter()
                    .filter(|(k, _)| !LAYOUT.contains(&k.as_str()))
                    .all(|(k, v)| b.get(k) == Some(v))
        }
        _ => a == b,
    }
}

/// Releases every script: each saved (or skipped), a called script before its callers, then each
/// saved one cut over, unless a script it runs failed to save. The points of contact are listed
/// once, and only when a script has some mapped. `Err` when nothing could start.
pub async fn release(
    client: &StudioClient,
    scripts: &[ScriptToRelease],
    settings: &StudioRelease,
    audit: &AuditLog,
) -> Result<Vec<ScriptReport>, Stopped> {
    let stopped = |step: &'static str| {
        move |error: ApiError| Stopped {
            step,
            reason: error.to_string(),
        }
    };
    client.authenticate().await.map_err(stopped("token"))?;
    audit.record(AuditEvent::TokenAcquired, None, None);
    let points = if scripts.iter().any(|s| !settings.mapped(&s.name).is_empty()) {
        client.points_of_contact().await.map_err(stopped("points of contact"))?
    } else {
        Vec::new()
    };
    if let Some(clash) = shared_point_of_contact(scripts, settings, &points) {
        return Err(Stopped {
            step: "points of contact",
            reason: clash,
        });
    }
    let calls = Calls::within(scripts);
    let mut contents: Vec<Value> = (0..scripts.len())
        .map(|index| calls.as_released(scripts, index, &settings.tag))
        .collect();
    let mut outcomes = vec![None; scripts.len()];
    for index in calls.save_order() {
        outcomes[index] = Some(save_one(client, &scripts[index], &contents[index], settings, audit).await);
    }
    let outcomes: Vec<ScriptOutcome> = outcomes.into_iter().flatten().collect();
    let mut reports = Vec::new();
    for (index, (script, outcome)) in scripts.iter().zip(&outcomes).enumerate() {
        let versioned = versioned_name(&script.name, &settings.tag);
        let record = |event: AuditEvent| audit.record(event, Some(&script.name), Some(&versioned));
        let mapped = settings.mapped(&script.name);
        let unsaved = calls.callees(index).find(|&callee| !outcomes[callee].saved());
        let cutovers = match unsaved {
            _ if !outcome.saved() => Vec::new(),
            Some(callee) => not_cut_over(mapped, &versioned, &scripts[callee], settings),
            None => cut_over(client, mapped, &versioned, settings.dry_run, &points, &record).await,
        };
        reports.push(ScriptReport {
            path: script.path.clone(),
            name: script.name.clone(),
            versioned,
            outcome: outcome.clone(),
            cutovers,
            would_save: matches!(outcome, ScriptOutcome::WouldSave).then(|| std::mem::take(&mut contents[index])),
        });
    }
    Ok(reports)
}

/// A point of contact mapped to two of the scripts released (by its code, or once by its code and
/// once by its description): each cutover would pass its own check and the last would win, so a
/// release would claim both. `None` when each runs one script.
fn shared_point_of_contact(
    scripts: &[ScriptToRelease],
    settings: &StudioRelease,
    points: &[crate::cxone::studio_types::PointOfContact],
) -> Option<String> {
    let mut owners: std::collections::BTreeMap<u64, &str> = Default::default();
    for script in scripts {
        for name in settings.mapped(&script.name) {
            let Some(point) = points.iter().find(|p| p.is_named(name)) else {
                continue;
            };
            let code = point.contact_code.0;
            match owners.insert(code, &script.name) {
                Some(other) if other != script.name => {
                    return Some(format!(
                        "point of contact {code} is mapped to both `{other}` and `{}`: it runs one script; map it to one",
                        script.name
                    ));
                }
                _ => {}
            }
        }
    }
    None
}

/// The points of contact mapped to a saved script that runs a script this release failed to save:
/// none is moved, since the released script would call a name CXone does not hold.
fn not_cut_over(
    mapped: &[String],
    versioned: &str,
    callee: &ScriptToRelease,
    settings: &StudioRelease,
) -> Vec<Cutover> {
    let why = format!(
        "not moved: `{versioned}` runs `{}`, which this release did not save ({})",
        versioned_name(&callee.name, &settings.tag),
        callee.path
    );
    mapped
        .iter()
        .map(|name| Cutover {
            point_of_contact: name.clone(),
            from: String::new(),
            to: versioned.to_string(),
            failed: Some(why.clone()),
            dry_run: settings.dry_run,
        })
        .collect()
}

/// Saves one script's released `content` (or skips it, or says why not) and audits the outcome.
async fn save_one(
    client: &StudioClient,
    script: &ScriptToRelease,
    content: &Value,
    settings: &StudioRelease,
    audit: &AuditLog,
) -> ScriptOutcome {
    let versioned = versioned_name(&script.name, &settings.tag);
    let record = |event: AuditEvent| audit.record(event, Some(&script.name), Some(&versioned));
    let outcome = match save_unless_same(client, content, &versioned, settings).await {
        Ok(outcome) => outcome,
        Err(error) => ScriptOutcome::Failed {
            reason: error.to_string(),
        },
    };
    match &outcome {
        ScriptOutcome::Saved { warnings } => record(AuditEvent::ScriptSaved {
            warnings: warnings.iter().map(|w| format!("{}: {}", w.place(), w.key)).collect(),
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
        ScriptOutcome::OverwriteRefused => record(AuditEvent::FlowFailed {
            reason: format!(
                "`{versioned}` already holds other content than {}: not overwritten without --force",
                script.path
            ),
        }),
        ScriptOutcome::Failed { reason } => record(AuditEvent::FlowFailed { reason: reason.clone() }),
    }
    outcome
}

async fn save_unless_same(
    client: &StudioClient,
    content: &Value,
    versioned: &str,
    settings: &StudioRelease,
) -> Result<ScriptOutcome, ApiError> {
    if let Some(existing) = client.get(versioned).await? {
        if same_content(&existing, content) {
            return Ok(ScriptOutcome::Unchanged);
        }
        if !settings.force {
            return Ok(ScriptOutcome::OverwriteRefused);
        }
    }
    if settings.dry_run {
        return Ok(ScriptOutcome::WouldSave);
    }
    let saved = match client.save(content).await {
        Ok(saved) => saved,
        // Nothing came back: the save may have been made all the same.
        Err(error) if error.status.is_none() => {
            return confirm(
                client,
                content,
                versioned,
                Vec::new(),
                &format!("the save's answer was lost ({error})"),
            )
            .await;
        }
        Err(error) => return Err(error),
    };
    match saved.succeeded() {
        Some(false) => Ok(ScriptOutcome::Rejected {
            findings: failing_findings(&saved),
        }),
        Some(true) => {
            let warnings = remote_findings(saved.result());
            confirm(client, content, versioned, warnings, "CXone said it saved it").await
        }
        None => {
            let why = format!("CXone answered {} with a body that is not a save answer", saved.status);
            confirm(client, content, versioned, Vec::new(), &why).await
        }
    }
}

/// A save confirmed by reading the name back: saved when it holds `content`.
async fn confirm(
    client: &StudioClient,
    content: &Value,
    versioned: &str,
    warnings: Vec<RemoteFinding>,
    why: &str,
) -> Result<ScriptOutcome, ApiError> {
    Ok(match client.get(versioned).await? {
        Some(live) if same_content(&live, content) => ScriptOutcome::Saved { warnings },
        Some(_) => ScriptOutcome::Failed {
            reason: format!("{why}, but `{versioned}` read back holds other content"),
        },
        None => ScriptOutcome::Failed {
            reason: format!("{why}, but the tenant has no `{versioned}` when read back"),
        },
    })
}

/// CXone's own syntax check of one script, saved under its sandbox name: its findings. Only a
/// 200/206 that CXone says succeeded passes; anything else is at least one error.
pub async fn validate_remote(
    client: &StudioClient,
    script: &ScriptToRelease,
    prefix: &str,
) -> Result<Vec<RemoteFinding>, ApiError> {
    let saved = client.save(&script.named(&sandbox_name(prefix, &script.name))).await?;
    Ok(match saved.succeeded() {
        Some(true) => remote_findings(saved.result()),
        _ => failing_findings(&saved),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_same_content_ignores_what_cxone_adds_to_the_header_and_the_layout() {
        let ours = json!({"header": {"scriptName": "A__v1"}, "actions": {"1": {"name": "BEGIN", "x": 1, "y": 2, "xws": 1, "yws": 2}}, "branches": {}});
        let theirs = json!({"header": {"scriptName": "A__v1", "masterId": 7, "lockInfo": {}, "lastSavedIn": "Studio"}, "actions": {"1": {"name": "BEGIN", "x": 5, "y": 9}}, "branches": {}});
        assert!(same_content(&ours, &theirs));
        let other = json!({"header": {"scriptName": "A__v1"}, "actions": {"1": {"name": "END"}}, "branches": {}});
        assert!(!same_content(&ours, &other));
        let more = json!({"header": {"scriptName": "A__v1"}, "actions": {"1": {"name": "BEGIN", "label": "start"}}, "branches": {}});
        assert!(!same_content(&ours, &more));
        // Which variables logs hide is content: a change of it is never "the same".
        let redacting = json!({"header": {"scriptName": "A__v1", "variableRedaction": "CardNumber"}, "actions": {"1": {"name": "BEGIN"}}, "branches": {}});
        assert!(!same_content(&redacting, &theirs));
        let mut unredacted = theirs.clone();
        unredacted["header"]["variableRedaction"] = json!("");
        assert!(same_content(&ours, &unredacted));
        let chat = json!({"header": {"scriptName": "A__v1", "mediaType": 3}, "actions": {"1": {"name": "BEGIN"}}, "branches": {}});
        let mut phone = theirs.clone();
        phone["header"]["mediaType"] = json!(4);
        assert!(!same_content(&chat, &phone) && same_content(&ours, &phone));
    }
}
