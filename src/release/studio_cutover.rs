//! Moving points of contact between Studio scripts, all or nothing: a release's cutover (every
//! mapped point of contact runs `NAME__TAG` afterwards, or none was left moved) and a rollback
//! checked against the audit log's record of each point of contact before anything moves. Every
//! move is written to the audit log before its `PUT` and after its read-back.

use serde_json::Value;

use crate::cxone::studio::StudioClient;
use crate::cxone::studio_types::PointOfContact;
use crate::exit::Ending;
use crate::release::audit::{AuditEvent, AuditLog};
use crate::release::run::runtime;
use crate::release::studio_tenant::{StudioSettings, client, is_version_of, versioned_name};
use crate::release::target::RollbackFailure;
use crate::settings::Connection;

/// One point of contact moved (or, in a dry run, to be moved) to the released script.
#[derive(Debug, Clone, PartialEq)]
pub struct Cutover {
    /// Its `contactCode` (or the mapping's name when the tenant has no such point of contact).
    pub point_of_contact: String,
    pub from: String,
    pub to: String,
    /// `None` when done (or not needed); why not otherwise.
    pub failed: Option<String>,
    pub dry_run: bool,
}

/// The point of contact a mapping names: by `contactCode` or description.
fn find<'p>(points: &'p [PointOfContact], name: &str) -> Option<&'p PointOfContact> {
    points.iter().find(|p| p.is_named(name))
}

/// Moves every point of contact `mapped` names to `versioned`. Each is read again before it is
/// moved and after; the move is recorded before the `PUT` and after the read-back. When any of them
/// does not run `versioned` at the end, the ones this run moved are moved back, and all fail.
pub async fn cut_over(
    client: &StudioClient,
    mapped: &[String],
    versioned: &str,
    dry_run: bool,
    points: &[PointOfContact],
    record: &impl Fn(AuditEvent),
) -> Vec<Cutover> {
    let cutover = |point: String, from: String, failed: Option<String>| Cutover {
        point_of_contact: point,
        from,
        to: versioned.to_string(),
        failed,
        dry_run,
    };
    if mapped.is_empty() {
        return Vec::new();
    }
    // Every point of contact is found and read before any moves.
    let mut before = Vec::new();
    for name in mapped {
        let read = match find(points, name) {
            Some(point) => client
                .point_of_contact(point.contact_code.0)
                .await
                .map_err(|e| e.to_string()),
            None => Err(format!("the tenant has no point of contact `{name}`")),
        };
        before.push((name, read));
    }
    if before.iter().any(|(_, read)| read.is_err()) {
        return before
            .into_iter()
            .map(|(name, read)| match read {
                Ok(point) => cutover(
                    point.contact_code.0.to_string(),
                    point.script_name,
                    Some("not moved: another point of contact of this release could not be read".into()),
                ),
                Err(why) => cutover(name.clone(), String::new(), Some(why)),
            })
            .collect();
    }
    let before: Vec<PointOfContact> = before.into_iter().filter_map(|(_, read)| read.ok()).collect();
    let mut cutovers: Vec<Cutover> = before
        .iter()
        .map(|p| cutover(p.contact_code.0.to_string(), p.script_name.clone(), None))
        .collect();
    if dry_run {
        for c in cutovers.iter().filter(|c| c.from != c.to) {
            record(repointed(c));
        }
        return cutovers;
    }
    let mut moved = Vec::new();
    for (point, cut) in before.iter().zip(cutovers.iter_mut()) {
        if point.script_name == versioned {
            continue;
        }
        match move_to(client, point, versioned, record).await {
            Ok(()) => {
                moved.push(point);
                record(repointed(cut));
            }
            Err(why) => {
                cut.failed = Some(why);
                record(repointed(cut));
                break;
            }
        }
    }
    // Read every one again: another run may have moved one meanwhile.
    for (point, cut) in before
        .iter()
        .zip(cutovers.iter_mut())
        .filter(|(_, c)| c.failed.is_none())
    {
        match client.point_of_contact(point.contact_code.0).await {
            Ok(now) if now.script_name == versioned => {}
            Ok(now) => {
                cut.failed = Some(format!(
                    "it runs `{}` after the cutover, not `{versioned}`",
                    now.script_name
                ))
            }
            Err(error) => cut.failed = Some(format!("it could not be read after the cutover: {error}")),
        }
    }
    if cutovers.iter().all(|c| c.failed.is_none()) {
        return cutovers;
    }
    let why = cutovers
        .iter()
        .filter_map(|c| {
            c.failed
                .as_ref()
                .map(|f| format!("point of contact {}: {f}", c.point_of_contact))
        })
        .collect::<Vec<_>>()
        .join("; ");
    for point in moved {
        let mut now = point.clone();
        now.script_name = versioned.to_string();
        let undone = move_to(client, &now, &point.script_name, record).await;
        let code = point.contact_code.0.to_string();
        if let Some(cut) = cutovers
            .iter_mut()
            .find(|c| c.point_of_contact == code && c.failed.is_none())
        {
            cut.failed = Some(match undone {
                Ok(()) => {
                    record(AuditEvent::PointOfContactRolledBack {
                        point_of_contact: code.clone(),
                        from: versioned.to_string(),
                        to: point.script_name.clone(),
                    });
                    format!("moved back to `{}`, all or nothing: {why}", point.script_name)
                }
                Err(error) => format!("could not be moved back to `{}` ({error}): {why}", point.script_name),
            });
        }
    }
    cutovers
}

/// The audit line of a cutover.
fn repointed(cut: &Cutover) -> AuditEvent {
    AuditEvent::PointOfContactRepointed {
        point_of_contact: cut.point_of_contact.clone(),
        from: cut.from.clone(),
        to: cut.to.clone(),
        dry_run: cut.dry_run,
        failed: cut.failed.clone(),
    }
}

/// One move: recorded before the `PUT`, then confirmed by reading the point of contact back.
async fn move_to(
    client: &StudioClient,
    point: &PointOfContact,
    to: &str,
    record: &impl Fn(AuditEvent),
) -> Result<(), String> {
    let code = point.contact_code.0;
    record(AuditEvent::PointOfContactRepointing {
        point_of_contact: code.to_string(),
        from: point.script_name.clone(),
        to: to.to_string(),
    });
    client.repoint(point, to).await.map_err(|e| e.to_string())?;
    match client.point_of_contact(code).await {
        Ok(now) if now.script_name == to => Ok(()),
        Ok(now) => Err(format!(
            "CXone accepted the change, but it runs `{}` when read back",
            now.script_name
        )),
        Err(error) => Err(format!("it could not be read back: {error}")),
    }
}

/// A move of one point of contact, as the audit log records it.
#[derive(Debug, Clone, PartialEq)]
struct Move {
    from: String,
    to: String,
    /// The script released (`flowId`) when the move was a release's cutover.
    released: Option<String>,
}

/// The moves the audit log records for point of contact `code`, oldest first, given what it runs
/// `now`: a move whose line after the `PUT` is missing (a killed run) counts when the point of
/// contact runs its target.
fn moves(entries: &[Value], code: &str, now: &str) -> Vec<Move> {
    let text = |e: &Value, key: &str| e[key].as_str().unwrap_or_default().to_string();
    let mut found: Vec<Move> = Vec::new();
    let mut pending: Option<Move> = None;
    let entries = entries
        .iter()
        .filter(|e| {
            e["pointOfContact"].as_str() == Some(code)
                || e["pointOfContact"].as_u64().is_some_and(|c| c.to_string() == code)
        })
        .filter(|e| e["dryRun"] != true && e["failed"].is_null());
    for entry in entries {
        // A release's move goes to the name it saved (`versionId`); a rollback's, or a cutover
        // undone, goes elsewhere.
        let to = text(entry, "to");
        let released = (entry["versionId"].as_str() == Some(to.as_str())).then(|| text(entry, "flowId"));
        let one = Move {
            from: text(entry, "from"),
            to,
            released,
        };
        match entry["event"].as_str() {
            Some("point_of_contact_repointing") => pending = Some(one),
            Some("point_of_contact_repointed") => {
                pending = None;
                found.push(one);
            }
            Some("point_of_contact_rolled_back") => {
                pending = None;
                found.push(Move { released: None, ..one });
            }
            _ => {}
        }
    }
    if let Some(last) = pending.filter(|p| p.to == now && p.from != now) {
        found.push(last);
    }
    found
}

/// Points each point of contact mapped to `script` back: to `to` when given (`NAME__TAG`), else to
/// what it ran before its last recorded cutover to a version of `script`. Every point of contact is
/// checked first (it runs what the audit log says it last moved it to; the target is a version of
/// `script` the tenant has), then all are moved (in a dry run, none is). Returns (contactCode, from,
/// to) per move made (or, in a dry run, to be made).
pub async fn rollback(
    client: &StudioClient,
    script: &str,
    to: Option<&str>,
    mapped: &[String],
    entries: &[Value],
    audit: &AuditLog,
    dry_run: bool,
) -> Result<Vec<(String, String, String)>, String> {
    let points = client.points_of_contact().await.map_err(|e| e.to_string())?;
    let mut plan = Vec::new();
    for name in mapped {
        let listed = find(&points, name).ok_or_else(|| format!("the tenant has no point of contact `{name}`"))?;
        let point = client
            .point_of_contact(listed.contact_code.0)
            .await
            .map_err(|e| e.to_string())?;
        let code = point.contact_code.0.to_string();
        let history = moves(entries, &code, &point.script_name);
        if let Some(last) = history.last().filter(|m| m.to != point.script_name) {
            return Err(format!(
                "point of contact {code} runs `{}`, but the audit log last moved it to `{}`: it was moved outside this log, so its history cannot be trusted; point it by hand or say where with --to TAG after checking",
                point.script_name, last.to
            ));
        }
        let target = match to {
            Some(tag) => versioned_name(script, tag),
            None => history
                .iter()
                .rev()
                .find(|m| m.released.as_deref() == Some(script))
                .map(|m| m.from.clone())
                .ok_or_else(|| {
                    format!(
                        "the audit log records no cutover of point of contact {code} to a version of `{script}`: say which version with --to TAG"
                    )
                })?,
        };
        if !is_version_of(script, &target) {
            return Err(format!(
                "`{target}` is not a version of `{script}` (`{script}` or `{script}__TAG`): a rollback only moves between released versions; point point of contact {code} by hand"
            ));
        }
        if point.script_name != target && client.get(&target).await.map_err(|e| e.to_string())?.is_none() {
            return Err(format!("the tenant has no script `{target}` to roll back to"));
        }
        plan.push((point, target));
    }
    if dry_run {
        return Ok(plan
            .into_iter()
            .filter(|(p, t)| p.script_name != *t)
            .map(|(p, t)| (p.contact_code.0.to_string(), p.script_name, t))
            .collect());
    }
    let record = |event: AuditEvent| audit.record(event, Some(script), None);
    let mut done = Vec::new();
    let mut moved: Vec<(PointOfContact, String)> = Vec::new();
    for (point, target) in plan.into_iter().filter(|(p, t)| p.script_name != *t) {
        let code = point.contact_code.0.to_string();
        if let Err(why) = move_to(client, &point, &target, &record).await {
            let undone = undo(client, moved, &record).await;
            return Err(format!("point of contact {code}: {why}{undone}"));
        }
        record(AuditEvent::PointOfContactRolledBack {
            point_of_contact: code.clone(),
            from: point.script_name.clone(),
            to: target.clone(),
        });
        let mut now = point.clone();
        now.script_name = target.clone();
        moved.push((now, point.script_name.clone()));
        done.push((code, point.script_name, target));
    }
    Ok(done)
}

/// A rollback is all or nothing too: the points of contact it moved before one failed are moved
/// back to what they ran (each `(now, before)`), and the answer says which were.
async fn undo(client: &StudioClient, moved: Vec<(PointOfContact, String)>, record: &impl Fn(AuditEvent)) -> String {
    let mut said = String::new();
    for (now, before) in moved {
        let code = now.contact_code.0.to_string();
        match move_to(client, &now, &before, record).await {
            Ok(()) => {
                record(AuditEvent::PointOfContactRolledBack {
                    point_of_contact: code.clone(),
                    from: now.script_name.clone(),
                    to: before.clone(),
                });
                said.push_str(&format!(
                    "; point of contact {code} moved back to `{before}`, all or nothing"
                ));
            }
            Err(why) => said.push_str(&format!(
                "; point of contact {code} runs `{}`: it could not be moved back to `{before}` ({why})",
                now.script_name
            )),
        }
    }
    said
}

/// Rolls a script's points of contact back (to `NAME__TAG`, or to what the audit log says they ran
/// before): the moves made (in a dry run, to be made); why not, as could-not-run (nothing mapped,
/// no credentials) or failed.
pub fn roll_back_script(
    connection: &Connection,
    studio: &StudioSettings,
    script: &str,
    to: Option<&str>,
    audit: &AuditLog,
    dry_run: bool,
) -> Result<Vec<(String, String, String)>, RollbackFailure> {
    let mapped = studio.points_of_contact.get(script).cloned().unwrap_or_default();
    if mapped.is_empty() {
        return Err(RollbackFailure::CannotRun(
            Ending::BadSetting,
            format!("no point of contact is mapped to `{script}`: say which with --point-of-contact {script}=ID"),
        ));
    }
    let entries: Vec<Value> = std::fs::read_to_string(connection.root.resolve(&connection.audit_log))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let refused = RollbackFailure::cannot_run(Ending::CxoneRefused);
    let client = client(connection, studio).map_err(&refused)?;
    runtime().map_err(&refused)?.block_on(async {
        // A refused login could not run the rollback; only what follows it can fail to restore.
        client
            .authenticate()
            .await
            .map_err(|error| refused(error.to_string()))?;
        rollback(&client, script, to, &mapped, &entries, audit, dry_run)
            .await
            .map_err(RollbackFailure::Failed)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_killed_cutover_counts_only_when_the_point_of_contact_runs_its_target() {
        let entries = vec![
            json!({"event": "point_of_contact_repointing", "flowId": "Main", "versionId": "Main__v1", "pointOfContact": "4001", "from": "Old", "to": "Main__v1"}),
            json!({"event": "point_of_contact_repointed", "flowId": "Main", "versionId": "Main__v1", "pointOfContact": "4001", "from": "Old", "to": "Main__v1", "dryRun": false}),
            json!({"event": "point_of_contact_repointing", "flowId": "Main", "versionId": "Main__v2", "pointOfContact": "4001", "from": "Main__v1", "to": "Main__v2"}),
            json!({"event": "point_of_contact_repointed", "flowId": "Main", "versionId": "Main__v3", "pointOfContact": "4001", "from": "Main__v2", "to": "Main__v3", "dryRun": true}),
        ];
        let killed_after_the_put = moves(&entries, "4001", "Main__v2");
        assert_eq!(killed_after_the_put.len(), 2);
        assert_eq!(killed_after_the_put[1].from, "Main__v1");
        let killed_before_the_put = moves(&entries, "4001", "Main__v1");
        assert_eq!(killed_before_the_put.len(), 1);
        assert_eq!(killed_before_the_put[0].to, "Main__v1");
        assert!(moves(&entries, "4002", "Main__v1").is_empty());
    }
}
