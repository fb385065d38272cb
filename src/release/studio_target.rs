//! The Studio backend as a release target: scripts selected from the checked report, each saved as
//! `NAME__TAG` and its points of contact cut over (`studio.rs`), rolled back by repointing
//! (`studio_cutover.rs`); and CXone's syntax check and drift as `check`'s online checker.

use serde_json::json;

use crate::check::CheckReport;
use crate::check::online::{OnlineChecker, RemoteFinding, listed};
use crate::registry::Severity;
use crate::release::gate::Blocked;
use crate::release::run::runtime;
use crate::release::studio::{
    ScriptOutcome, ScriptReport, StudioRelease, checked_scripts, release, scripts_to_release, validate_remote,
};
use crate::release::studio_cutover::{Cutover, roll_back_script};
use crate::release::studio_pull::drift;
use crate::release::studio_tenant::{ScriptToRelease, StudioSettings, check_tag, client};
use crate::release::target::{ItemResult, ReleaseTarget, RollbackFailure, RolledBackTo, Run, Setting, Status, Stopped};
use crate::settings::{Backend, Connection, Settings};

/// Releases Studio scripts to a real tenant.
pub struct StudioTarget {
    pub studio: StudioSettings,
}

impl ReleaseTarget for StudioTarget {
    type Item = ScriptToRelease;

    fn backend(&self) -> Backend {
        Backend::Studio
    }

    fn nouns(&self) -> (&'static str, &'static str) {
        ("script", "scripts")
    }

    fn cannot_carry(&self, setting: Setting) -> Option<&'static str> {
        match setting {
            Setting::Environment => Some("a script is saved as NAME__TAG, which names no environment"),
            Setting::Substitutions => Some(
                "a script is saved as written: which of an action's properties are content (not ids, branches or variable names) is not known, so a substitution could change what the script does where no check saw it",
            ),
            Setting::SmokeTest => Some("the Studio API has no call to simulate a saved script"),
            Setting::QaWebhook => Some("the Studio API this backend uses has no webhooks"),
            Setting::ProductionTags => {
                Some("a script is saved as NAME__TAG, which names no environment, so no tag releases to production")
            }
            Setting::ActivationPriority => {
                Some("a script is saved whole under NAME__TAG; activation priority is a field of a flows-api version")
            }
            Setting::MaxConcurrency => {
                Some("scripts are saved one after another, each repointing its points of contact in turn")
            }
            Setting::Payloads | Setting::RollbackDryRun | Setting::Own(_) => None,
        }
    }

    fn ready(&self, settings: &Settings) -> Result<(), String> {
        check_tag(&settings.release.tag)?;
        client(&settings.connection, &self.studio).map(|_| ())
    }

    fn select(&self, report: &CheckReport, fail_on: Severity) -> Result<Vec<ScriptToRelease>, Blocked> {
        scripts_to_release(report, fail_on)
    }

    fn apply(&self, scripts: Vec<ScriptToRelease>, run: &Run) -> Result<Vec<ItemResult>, Stopped> {
        let stopped = |reason: String| Stopped { step: "start", reason };
        let client = client(&run.settings.connection, &self.studio).map_err(stopped)?;
        let options = &run.settings.release;
        let release_settings = StudioRelease {
            tag: options.tag.clone(),
            dry_run: options.dry_run,
            force: options.force || self.studio.allow_live_overwrite,
            points_of_contact: self.studio.points_of_contact.clone(),
        };
        let reports =
            runtime()
                .map_err(stopped)?
                .block_on(release(&client, &scripts, &release_settings, &run.audit))?;
        Ok(reports.into_iter().map(result_of).collect())
    }

    fn roll_back(&self, script: &str, to: Option<&str>, run: &Run) -> Result<RolledBackTo, RollbackFailure> {
        let dry_run = run.settings.release.dry_run;
        let moved = roll_back_script(&run.settings.connection, &self.studio, script, to, &run.audit, dry_run)?;
        let published = moved
            .iter()
            .map(|(point, from, to)| {
                json!({"script": script, "pointOfContact": point, "from": from, "to": to,
                    "outcome": if dry_run { "dry run" } else { "rolled back" }})
            })
            .collect();
        Ok(RolledBackTo {
            text: describe_rollback(script, &moved, dry_run),
            published,
        })
    }
}

/// A script's release as the driver reports it.
fn result_of(report: ScriptReport) -> ItemResult {
    let versioned = report.versioned.clone();
    let (status, label, detail) = match &report.outcome {
        ScriptOutcome::Saved { warnings } if warnings.is_empty() => {
            (Status::Released, "released", format!("saved as `{versioned}`"))
        }
        ScriptOutcome::Saved { warnings } => (
            Status::Released,
            "released",
            format!(
                "saved as `{versioned}` with {} from CXone's syntax check ({})",
                crate::printable::plural(warnings.len(), "warning"),
                listed(warnings)
            ),
        ),
        ScriptOutcome::Unchanged => (
            Status::Unchanged,
            "unchanged",
            format!("`{versioned}` already holds this content"),
        ),
        ScriptOutcome::WouldSave => (Status::WouldRelease, "dry run", format!("would save as `{versioned}`")),
        ScriptOutcome::Rejected { findings } => (
            Status::Failed,
            "failed",
            format!(
                "REJECTED by CXone's syntax check, nothing saved: {}",
                listed(findings.iter().filter(|f| f.error))
            ),
        ),
        ScriptOutcome::OverwriteRefused => (
            Status::Refused,
            "refused",
            format!(
                "`{versioned}` already holds other content than this file; a rollback to it would restore that content, so it is not overwritten: release a new tag (or --force)"
            ),
        ),
        ScriptOutcome::Failed { reason } => (Status::Failed, "failed", reason.clone()),
    };
    let cut_over_failed = report.cutovers.iter().any(|c| c.failed.is_some());
    let (status, label) = if cut_over_failed && !matches!(status, Status::Failed | Status::Refused) {
        (Status::Failed, "not cut over")
    } else {
        (status, label)
    };
    let mut item = ItemResult::new(&report.path, &report.name, status, label, detail);
    item.version = Some(versioned.clone());
    item.lines = report.cutovers.iter().map(cutover_line).collect();
    item.payload = report.would_save.map(|content| (versioned.clone(), content));
    item.findings = match report.outcome {
        ScriptOutcome::Saved { warnings } => warnings,
        ScriptOutcome::Rejected { findings } => findings,
        _ => Vec::new(),
    };
    item
}

/// One point of contact of a release: moved, to be moved, already there, or why not.
fn cutover_line(cutover: &Cutover) -> String {
    let verb = match (&cutover.failed, cutover.from == cutover.to, cutover.dry_run) {
        (Some(why), _, _) => format!("FAILED to repoint: {why}"),
        (None, true, _) => format!("already runs `{}`", cutover.to),
        (None, false, true) => format!("would move from `{}` to `{}`", cutover.from, cutover.to),
        (None, false, false) => format!("moved from `{}` to `{}` (read back)", cutover.from, cutover.to),
    };
    format!("point of contact {}: {verb}", cutover.point_of_contact)
}

/// CXone's syntax check of a report's scripts, each saved under its sandbox name.
pub struct StudioChecker<'a> {
    pub connection: &'a Connection,
    pub studio: &'a StudioSettings,
}

impl OnlineChecker for StudioChecker<'_> {
    fn has_credentials(&self) -> bool {
        self.studio.access_key_id.is_some() && self.studio.access_key_secret.is_some()
    }

    fn syntax(&self, report: &CheckReport) -> Result<Vec<(String, Vec<RemoteFinding>)>, String> {
        let scripts = checked_scripts(report);
        if scripts.is_empty() {
            return Ok(Vec::new());
        }
        let client = client(self.connection, self.studio)?;
        runtime()?.block_on(async {
            let mut found = Vec::new();
            for script in &scripts {
                let findings = validate_remote(&client, script, &self.studio.sandbox_prefix)
                    .await
                    .map_err(|e| e.to_string())?;
                found.push((script.path.clone(), findings));
            }
            Ok(found)
        })
    }

    fn drift(&self, report: &CheckReport) -> Result<Vec<(String, String)>, String> {
        drift(self.connection, self.studio, &checked_scripts(report))
    }
}

/// The points of contact a rollback moved, or would move in a dry run, a line each.
fn describe_rollback(script: &str, moved: &[(String, String, String)], dry_run: bool) -> String {
    if moved.is_empty() {
        return format!("{script}: every point of contact already runs the rollback's script; nothing moved.\n");
    }
    let verb = if dry_run { "would move back" } else { "moved back" };
    let mut out: String = moved
        .iter()
        .map(|(id, from, to)| format!("{script}: point of contact {id} {verb} from `{from}` to `{to}`\n"))
        .collect();
    if dry_run {
        out.push_str("dry run: nothing was moved\n");
    }
    out
}
