//! The one release driver, for every backend: settings a backend cannot carry refused (exit 2,
//! naming both), the gate, the audit log (`run_failed` included), the environment, the run, CXone's
//! syntax-check findings filed on the report, and the exit code. Backends are `ReleaseTarget`s.

use std::path::PathBuf;
use std::sync::Arc;

use crate::check::CheckReport;
use crate::check::online::file_findings;
use crate::diagnostic::Diagnostic;
use crate::exit::Ending;
use crate::release::audit::AuditEvent;
use crate::release::gate::Blocked;
use crate::release::payload::environment_for;
use crate::release::run::open_audit;
use crate::release::target::{ItemResult, ReleaseTarget, RollbackFailure, RolledBackTo, Run, Setting, Status};
use crate::settings::{Settings, table};

/// Why a release or a rollback could not run (exit 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DriverError {
    #[error("{setting} cannot be used with the {backend} backend: {reason}")]
    Refused {
        setting: String,
        backend: &'static str,
        reason: &'static str,
    },
    /// The target is not ready (no credentials) or CXone stopped the run.
    #[error("{0}")]
    CannotRun(String),
    #[error("{0}")]
    AuditLog(String),
}

impl DriverError {
    /// How the run ended: a setting refused, the audit log not opened, else CXone out of reach.
    pub fn ending(&self) -> Ending {
        match self {
            DriverError::Refused { .. } => Ending::BadSetting,
            DriverError::CannotRun(_) => Ending::CxoneRefused,
            DriverError::AuditLog(_) => Ending::AuditLogNotWritten,
        }
    }
}

/// A release that ran: what happened to each item, and how the release was set up.
#[derive(Debug, Clone)]
pub struct Released {
    /// `--backend`'s name of it.
    pub backend: &'static str,
    /// What it released, one and many.
    pub nouns: (&'static str, &'static str),
    pub tag: String,
    /// The environment and why it was chosen, for a backend that has environments.
    pub environment: Option<(String, String)>,
    pub dry_run: bool,
    pub items: Vec<ItemResult>,
    pub audit_log: PathBuf,
    /// The first audit-log write that failed: the run reports it and exits 2.
    pub audit_failure: Option<String>,
}

impl Released {
    /// Whether any item's content is not live as the tag asked.
    pub fn failed(&self) -> bool {
        self.items.iter().any(ItemResult::failed)
    }

    /// How it ended: the audit log not written, else an item that failed, else clean.
    pub fn ending(&self) -> Ending {
        if self.audit_failure.is_some() {
            Ending::AuditLogNotWritten
        } else {
            Ending::ReleaseFailed.when(self.failed())
        }
    }

    /// Files what CXone's syntax check said of the items on the report they came from, at their
    /// file and line (CXF040), as `validate --remote` does; returns what it filed (what the report
    /// did not hold already), with each file's path.
    pub fn file_findings(&self, report: &mut CheckReport) -> Vec<(String, Diagnostic)> {
        let found: Vec<_> = self
            .items
            .iter()
            .filter(|i| !i.findings.is_empty())
            .map(|i| (i.path.clone(), i.findings.clone()))
            .collect();
        file_findings(report, &found)
    }

    /// How many items ended in `status`.
    pub fn count(&self, status: Status) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }
}

/// What a release came to once it could run: blocked by the gate, or released.
#[derive(Debug)]
pub enum Release {
    Blocked(Blocked),
    Ran(Released),
}

/// The settings a run asks for that some backend may not carry: those set in `settings`, every
/// backend's own release option among them (`Setting::Own`, asked when its value asks for
/// something: `Values::asks`), plus those only the adapter knows (`--payloads`), each with
/// whether it is set.
pub fn asked(settings: &Settings, outside: &[(Setting, bool)]) -> Vec<Setting> {
    let options = &settings.release;
    let (environment, _) = environment_for(&options.tag, options.environment.as_deref(), &options.production_tags);
    let per_environment = options.per_environment.get(&environment);
    [
        (Setting::Environment, options.environment.is_some()),
        (
            Setting::Substitutions,
            per_environment.is_some_and(|e| !e.substitutions.is_empty()),
        ),
        (Setting::SmokeTest, options.smoke_test),
        (
            Setting::QaWebhook,
            options.qa_webhook_url.is_some() || per_environment.is_some_and(|e| e.qa_webhook_url.is_some()),
        ),
    ]
    .into_iter()
    .chain(
        [
            Setting::ProductionTags,
            Setting::ActivationPriority,
            Setting::MaxConcurrency,
        ]
        .map(|setting| (setting, setting.key().is_some_and(|key| settings.set.contains(key)))),
    )
    .chain(
        table::SETTINGS
            .iter()
            .filter(|s| s.elsewhere.is_some())
            .filter_map(|s| {
                let asks = settings.backend_values.of(s.backend?).asks(s.key);
                Some((Setting::Own(s.key), asks))
            }),
    )
    .chain(outside.iter().copied())
    .filter_map(|(setting, set)| set.then_some(setting))
    .collect()
}

/// The first of `asked` the target cannot carry, as the error that stops the run.
pub fn refuse<T: ReleaseTarget>(target: &T, asked: &[Setting]) -> Result<(), DriverError> {
    for &setting in asked {
        let reason = target
            .cannot_carry(setting)
            .or_else(|| setting.refused_elsewhere(target.backend()));
        if let Some(reason) = reason {
            return Err(DriverError::Refused {
                setting: setting.named(),
                backend: target.name(),
                reason,
            });
        }
    }
    Ok(())
}

/// Everything a release needs, asked before the checks run (the command line fails fast): no
/// setting the target cannot carry, and what the target needs (credentials, a tag it can release).
pub fn prepare<T: ReleaseTarget>(target: &T, settings: &Settings, asked: &[Setting]) -> Result<(), DriverError> {
    refuse(target, asked)?;
    target.ready(settings).map_err(DriverError::CannotRun)
}

/// Releases what the checked report lets through: the gate, what the target needs, the audit
/// log, the run. Checks that failed block it before credentials are asked for.
pub fn release<T: ReleaseTarget>(
    target: &T,
    report: &CheckReport,
    settings: &Settings,
) -> Result<Release, DriverError> {
    let items = match target.select(report, settings.fail_on) {
        Ok(items) => items,
        Err(blocked) => return Ok(Release::Blocked(blocked)),
    };
    target.ready(settings).map_err(DriverError::CannotRun)?;
    let options = &settings.release;
    let environment = target
        .cannot_carry(Setting::Environment)
        .is_none()
        .then(|| environment_for(&options.tag, options.environment.as_deref(), &options.production_tags));
    let (audit, created_by) = open_audit(&settings.connection, &options.tag).map_err(DriverError::AuditLog)?;
    let audit = Arc::new(audit);
    let (environment_name, environment_reason) = environment.clone().unwrap_or_default();
    let run = Run {
        settings,
        audit: Arc::clone(&audit),
        created_by,
        environment: environment_name,
        environment_reason,
    };
    let items = target.apply(items, &run).map_err(|stopped| {
        let reason = settings.connection.redactor.scrub(&stopped.reason);
        let step = stopped.step.to_string();
        audit.record(
            AuditEvent::RunFailed {
                step,
                reason: reason.clone(),
            },
            None,
            None,
        );
        DriverError::CannotRun(format!("release {}: {reason}", options.tag))
    })?;
    Ok(Release::Ran(Released {
        backend: target.name(),
        nouns: target.nouns(),
        tag: options.tag.clone(),
        environment,
        dry_run: options.dry_run,
        items,
        audit_log: audit.path().to_path_buf(),
        audit_failure: audit.failure(),
    }))
}

/// Rolls `subject` back: a dry run refused by a target that cannot make one, the audit log
/// opened, the rollback, and an audit-log write that failed made a could-not-run.
pub fn roll_back<T: ReleaseTarget>(
    target: &T,
    subject: &str,
    to: Option<&str>,
    settings: &Settings,
) -> Result<RolledBackTo, RollbackFailure> {
    let dry_run: &[Setting] = if settings.release.dry_run {
        &[Setting::RollbackDryRun]
    } else {
        &[]
    };
    refuse(target, dry_run).map_err(|e| RollbackFailure::CannotRun(Ending::BadSetting, e.to_string()))?;
    let (audit, created_by) = open_audit(&settings.connection, "rollback")
        .map_err(RollbackFailure::cannot_run(Ending::AuditLogNotWritten))?;
    let audit = Arc::new(audit);
    let run = Run {
        settings,
        audit: Arc::clone(&audit),
        created_by,
        environment: String::new(),
        environment_reason: String::new(),
    };
    let done = target.roll_back(subject, to, &run);
    match audit.failure() {
        Some(failure) => Err(RollbackFailure::CannotRun(Ending::AuditLogNotWritten, failure)),
        None => done,
    }
}

impl RollbackFailure {
    /// A rollback that could not run, ending as `ending` says, with `message`.
    pub fn cannot_run(ending: Ending) -> impl Fn(String) -> RollbackFailure {
        move |message| RollbackFailure::CannotRun(ending, message)
    }

    /// How it ended: as it could not run, or a rollback that ran and could not restore.
    pub fn ending(&self) -> Ending {
        match self {
            RollbackFailure::CannotRun(ending, _) => *ending,
            RollbackFailure::Failed(_) => Ending::RollbackFailed,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            RollbackFailure::CannotRun(_, message) | RollbackFailure::Failed(message) => message,
        }
    }
}
