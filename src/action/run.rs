//! The Action as a library call: given its resolved settings (`action/resolve.rs`), the GitHub
//! context, the [`GitHub`] port and where its log goes, it checks what the event calls for,
//! releases on a tag or rolls back, and reports through the log, annotations, files, the job
//! summary, outputs and the PR comment; it returns the run's [`Outcome`], whose exit is the code.
//! Nothing here prints: every line goes to the [`Log`] the caller hands in. Nothing here depends
//! on the process either: paths are resolved against the workspace, never the current folder,
//! every file the run writes goes through its own `Root`, and the audit log's run identity is the
//! settings', so runs in one process stay apart.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::action::context::{GitHubContext, PullRequest, Trigger};
use crate::action::inputs::{ActionSettings, Shard};
use crate::action::log::Log;
use crate::action::logged::Logged;
use crate::action::resolve::NO_TOKEN_FOR_BASE;
use crate::action::select::{Selection, repo_path, select, touched};
use crate::check::online::{Online, check_drift, check_online};
use crate::check::{self, CheckReport};
use crate::discover;
use crate::exit::{Ending, Exit};
use crate::generate::merge;
use crate::github::GitHub;
use crate::github::api::FILES_CAP;
use crate::github::changes::{Diff, git_diff, git_show_all};
use crate::outcome::Outcome;
use crate::release::driver::{self, Release, Released};
use crate::release::gate::Blocked;
use crate::release::studio_target::StudioChecker;
use crate::release::studio_tenant::StudioSettings;
use crate::release::target::{ReleaseTarget, RollbackFailure};
use crate::release::{self, WithTarget};
use crate::report::annotations;
use crate::report::files::ReportFiles;
use crate::report::summary::{self, FlowChanges, PerFile, STEP_SUMMARY_LIMIT, SummaryInput, TestChanges};
use crate::report::{self, outputs};
use crate::settings::{Backend, Settings};

/// A PR comment may hold 65,536 characters; the summary in it stays well below.
const COMMENT_BUDGET: usize = 60_000;

/// One run of the Action with `settings`, for the event `context` says, asking GitHub through
/// `github` (none without a token or a repository), its log streamed to `log`.
pub fn run(settings: &ActionSettings, context: &GitHubContext, github: Option<&dyn GitHub>, log: &Log) -> Outcome {
    let run = Run {
        settings,
        context,
        log,
        github,
    };
    match &settings.rollback_flow_id {
        Some(flow_id) => run.rollback(flow_id),
        None => run.check_and_release(),
    }
}

struct Run<'a> {
    settings: &'a ActionSettings,
    context: &'a GitHubContext,
    log: &'a Log,
    github: Option<&'a dyn GitHub>,
}

impl Run<'_> {
    /// GitHub, when the run has a `github-token` to ask it with.
    fn github(&self) -> Option<&dyn GitHub> {
        self.github.filter(|_| self.settings.has_github_token)
    }

    /// The library's settings for a release of `tag`.
    fn settings(&self, tag: &str) -> Settings {
        let mut settings = self.settings.settings.clone();
        settings.release.tag = tag.to_string();
        settings
    }

    fn write_outputs(&self, pairs: &[(&str, String)]) -> Result<(), String> {
        let Some(path) = &self.context.output else {
            return Ok(());
        };
        let text: String = pairs.iter().map(|(name, value)| outputs::format(name, value)).collect();
        append(path, &text).map_err(|e| format!("failed to write the step outputs `{}`: {e}", path.display()))
    }

    fn write_summary(&self, markdown: &str) -> Result<(), String> {
        match &self.context.step_summary {
            Some(path) if self.settings.summary => {
                append(path, markdown).map_err(|e| format!("failed to write the job summary `{}`: {e}", path.display()))
            }
            _ => Ok(()),
        }
    }

    /// Rolls back what `rollback-flow-id` names: a flow (flows-api) or a script (studio), by the
    /// target the `backend` input names.
    fn rollback(&self, subject: &str) -> Outcome {
        let settings = self.settings("rollback");
        let with = Rollback {
            run: self,
            subject,
            settings: &settings,
        };
        release::with_target(&settings, with)
            .unwrap_or_else(|message| self.log.stopped("cxone-flow", Ending::BadSetting, &message).into())
    }

    fn roll_back_with<T: ReleaseTarget>(&self, target: &T, subject: &str, settings: &Settings) -> Outcome {
        let (what, _) = target.nouns();
        let mut outcome = Outcome::unchecked();
        let (text, published) = match driver::roll_back(target, subject, self.settings.rollback_to.as_deref(), settings)
        {
            Err(RollbackFailure::CannotRun(ending, message)) => {
                return self.log.stopped("cxone-flow", ending, &message).into();
            }
            Ok(done) => (done.text, done.published),
            Err(RollbackFailure::Failed(failure)) => {
                let failure = format!("rollback of {what} {subject}: {failure}");
                self.log.error("cxone-flow rollback", &failure);
                outcome.problem(Ending::RollbackFailed, failure.clone());
                (failure, serde_json::json!([]))
            }
        };
        self.log.group(&format!("rollback of {subject}"), &text);
        let markdown = format!(
            "## {} cxone-flow: rollback of {}\n\n{}\n",
            if outcome.exit() == Exit::Clean { "✅" } else { "❌" },
            summary::md(subject),
            summary::md(&text)
        );
        let written = self.write_summary(&markdown).and_then(|()| {
            self.write_outputs(&[
                ("published", published.to_string()),
                ("audit-log", settings.connection.audit_log.display().to_string()),
            ])
        });
        if let Err(message) = written {
            self.log.error("cxone-flow", &message);
            outcome.problem(Ending::NotWritten, message);
        }
        outcome
    }

    /// The files the pull request changed (from GitHub, or from `git diff` with their blobs at the
    /// base), or why every flow is checked.
    fn changed_files(&self, pr: &PullRequest, notes: &mut Vec<String>) -> Result<Diff, String> {
        if pr.changes_more_than_listed() {
            return Err(format!(
                "the pull request changes more than {FILES_CAP} files, more than GitHub lists, so every flow is checked"
            ));
        }
        match self.github() {
            Some(github) => match github.pull_files(pr.number) {
                Ok(listed) if listed.capped => {
                    return Err(format!(
                        "GitHub lists at most {FILES_CAP} files of a pull request, so every flow is checked"
                    ));
                }
                Ok(listed) => {
                    return Ok(Diff {
                        files: listed.files,
                        at_base: None,
                    });
                }
                Err(error) => notes.push(format!("{error}; using git diff instead")),
            },
            None => notes.push("no github-token: the changed files come from git diff".into()),
        }
        git_diff(&self.settings.git, &pr.base_sha, &pr.head_sha).map_err(|error| {
            format!("neither the GitHub API nor git could say which files changed ({error}), so every flow is checked")
        })
    }

    /// A changed flow's or test file's bytes at the base commit (`base_path`, its path there), as
    /// `bases` has them; `head` is the file's text now when it is at the same path.
    fn base_bytes(
        &self,
        pr: &PullRequest,
        bases: &Bases,
        base_path: &str,
        head: Option<&str>,
    ) -> Result<Option<Vec<u8>>, String> {
        Ok(match bases {
            Bases::FromDiff { at_base, contents } => match (at_base.get(base_path), head) {
                (Some(blob), _) => blob.as_ref().and_then(|blob| contents.get(blob).cloned()),
                // Untouched by the pull request: at the base as it is now.
                (None, Some(text)) => Some(text.as_bytes().to_vec()),
                (None, None) if std::fs::symlink_metadata(self.settings.workspace.join(base_path)).is_err() => None,
                (None, None) => self.settings.git.file_at(&pr.base_sha, base_path).ok().flatten(),
            },
            Bases::Read(read) => read.get(base_path).cloned().flatten(),
            Bases::Asked => {
                let Some(github) = self.github() else {
                    return Err(NO_TOKEN_FOR_BASE.into());
                };
                github.file_at(base_path, &pr.base_sha).map_err(|e| e.to_string())?
            }
        })
    }

    /// Where the base versions of the changed flows and their test files come from: the blobs the
    /// diff named, printed by one `git cat-file --batch`, when it was taken from the base commit;
    /// else read at the base commit when the clone has it (one `ls-tree`, one `cat-file`); else
    /// GitHub.
    fn bases<'d>(
        &self,
        pr: &PullRequest,
        selection: &Selection,
        at_base: Option<&'d HashMap<String, Option<String>>>,
    ) -> Bases<'d> {
        let paths: Vec<String> = selection
            .changed_flows
            .values()
            .flat_map(|base| [base.clone(), tests_path(base)])
            .collect();
        if let Some(at_base) = at_base {
            let blobs: Vec<&str> = paths.iter().filter_map(|path| at_base.get(path)?.as_deref()).collect();
            return Bases::FromDiff {
                at_base,
                contents: self.settings.git.blobs(&blobs),
            };
        }
        if !self.settings.git.has_commit(&pr.base_sha) {
            return Bases::Asked;
        }
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let contents = git_show_all(&self.settings.git, &pr.base_sha, &paths);
        Bases::Read(paths.into_iter().map(str::to_string).zip(contents).collect())
    }

    fn flow_changes(
        &self,
        pr: &PullRequest,
        selection: &Selection,
        report: &CheckReport,
        at_base: Option<&HashMap<String, Option<String>>>,
    ) -> Vec<FlowChanges> {
        if selection.changed_flows.is_empty() {
            return Vec::new();
        }
        let bases = self.bases(pr, selection, at_base);
        report
            .units
            .iter()
            .filter_map(|unit| {
                let flow = unit.flow.as_ref()?;
                let path = repo_path(&flow.source.path, &self.settings.workspace);
                let base_path = selection.changed_flows.get(&path)?;
                let tests_now = tests_path(&path);
                let tests_before = tests_path(base_path);
                let tests_text = unit.tests.as_ref().map(|t| t.source.text.as_str());
                let tests_base = self.base_bytes(
                    pr,
                    &bases,
                    &tests_before,
                    tests_text.filter(|_| tests_before == tests_now),
                );
                // A test file the same at the base has no case changes: it is not parsed twice to find none.
                let unchanged =
                    matches!((&tests_base, tests_text), (Ok(Some(base)), Some(text)) if base == text.as_bytes());
                let tests = (!unchanged).then(|| TestChanges {
                    head: tests_text.and_then(|text| serde_json::from_str(text).ok()),
                    base: tests_base.and_then(parse_base),
                    path: tests_now,
                });
                let flow_text = Some(flow.source.text.as_str()).filter(|_| *base_path == path);
                Some(FlowChanges {
                    head: flow.json.clone(),
                    base: self.base_bytes(pr, &bases, base_path, flow_text).and_then(parse_base),
                    path,
                    tests,
                })
            })
            .collect()
    }

    fn check_and_release(&self) -> Outcome {
        let action = self.settings;
        let scope = discover::Scope {
            boundary: Some(action.workspace.clone()),
            exclude: action.settings.exclude.clone(),
        };
        let mut notes = Vec::new();
        if let Some(problem) = &self.context.event_problem {
            notes.push(problem.clone());
        }
        let pull_request = match &self.context.trigger {
            Trigger::PullRequest(pr) => Some(pr),
            _ => None,
        };
        let diff = match pull_request {
            Some(pr) if action.changed_only => self.changed_files(pr, &mut notes),
            Some(_) => Err("changed-only is false, so every flow is checked".into()),
            None => Err(format!(
                "a {} event checks every flow",
                if self.context.event_name.is_empty() {
                    "manual"
                } else {
                    &self.context.event_name
                }
            )),
        };
        let (changes, at_base) = match diff {
            Ok(diff) => (Ok(diff.files), diff.at_base),
            Err(reason) => (Err(reason), None),
        };
        // A pull request's run looks only for the flows it touched (and their tests): the walk
        // enters only their folders. CXF033 compares the checked flows' ids, as before. Read where
        // they are in the workspace, whatever the current folder.
        let paths: Vec<PathBuf> = action.paths.iter().map(|path| action.workspace.join(path)).collect();
        let found = match &changes {
            Ok(changes) => discover::discover_touched(&paths, &scope, touched(changes, &action.workspace)),
            Err(_) => discover::discover_in(&paths, &scope),
        };
        let discovery_errors: Vec<String> = found
            .errors
            .into_iter()
            .map(|error| error.shown_from(&action.workspace).to_string())
            .collect();
        if found.nothing
            && let Some(error) = discovery_errors.first()
        {
            return self.log.stopped("cxone-flow", Ending::Unreadable, error).into();
        }
        let all = found.units;
        let selection = select(
            all,
            found.found,
            changes.as_deref().map_err(Clone::clone),
            action.shard,
            &action.workspace,
        );
        for deleted in &selection.deleted_flows {
            notes.push(format!("{deleted} was deleted by this pull request; nothing to check"));
        }
        let scope = scope_sentence(&selection, action.shard);
        self.log.untrusted(
            &std::iter::once(&scope)
                .chain(&notes)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let settings = &action.settings;
        let studio = settings.backend == Backend::Studio;
        let online = studio && (action.remote_validate || action.check_drift);
        let tag_release = matches!(self.context.trigger, Trigger::Tag(_)) && action.release_on_tag;
        // What comes after the check reads the files again only for a pull request's diffs and
        // diagrams (which also show every case's path and what no case reached), a tag's payloads
        // and CXone's own syntax check or drift (their findings are placed in the files' text); any
        // other run lets each file go once it is checked, so its memory does not grow with every
        // flow's JSON, model and paths. The reports show what is kept either way.
        let keep = pull_request.is_some() || tag_release || online;
        let check_settings = check::Settings {
            keep_loaded: keep,
            keep_clean_texts: keep,
            keep_details: pull_request.is_some(),
            ..settings.check.clone()
        };
        // The log, the summary's per-file parts and the report files take each unit as it is
        // checked when nothing after the check reads the report again, so the run's memory does
        // not grow with its files; else they take the units of the final report.
        let min_coverage = check_settings.min_coverage;
        let mut logged = Logged::new(self.log, min_coverage, action.annotations);
        let mut per_file = PerFile::new(STEP_SUMMARY_LIMIT, settings.fail_on, min_coverage);
        let mut files = ReportFiles::new(&settings.reports, min_coverage);
        let report = if keep {
            check::check(&selection.units, &check_settings)
        } else {
            let streamed = check::stream::check_each(&selection.units, &check_settings, |unit| {
                logged.unit(unit);
                per_file.unit(unit);
                files.unit(unit);
            });
            CheckReport::of_streamed(streamed, min_coverage)
        };
        let mut outcome = Outcome::checked(report, settings.fail_on);
        outcome.notes = notes;
        // Why the run cannot succeed at all (exit 2); reported after everything else is written.
        for error in discovery_errors {
            outcome.problem(Ending::Unreadable, error);
        }
        if online {
            match self.check_online(&mut outcome.report) {
                Ok(skipped) => outcome.notes.extend(skipped),
                Err(message) => outcome.problem(Ending::CxoneRefused, message),
            }
        }
        for unit in &outcome.report.units {
            logged.unit(unit);
        }
        logged.finish(&outcome, &settings.reports);
        if let Trigger::Tag(tag) = &self.context.trigger
            && tag_release
        {
            let released = release::with_target(
                &action.settings,
                TagRelease {
                    run: self,
                    tag,
                    report: &outcome.report,
                },
            );
            match released.unwrap_or_else(|message| Err((Ending::BadSetting, message))) {
                Ok(released) => outcome.release = released,
                Err((ending, message)) => outcome.problem(ending, message),
            }
        }
        self.file_release_findings(&mut outcome);
        for unit in &outcome.report.units {
            per_file.unit(unit);
            files.unit(unit);
        }
        for failure in files.finish(&outcome, &settings.connection.root) {
            outcome.problem(Ending::NotWritten, failure);
        }
        let changes = pull_request
            .map(|pr| self.flow_changes(pr, &selection, &outcome.report, at_base.as_ref()))
            .unwrap_or_default();
        let full_results = action.settings.reports.get("report-path").map_or_else(
            || "the job log".to_string(),
            |p| format!("{} and the job log", p.display()),
        );
        let input = SummaryInput {
            outcome: &outcome,
            per_file: &per_file,
            scope,
            changes,
            full_results,
        };
        let summary_written = self.write_summary(&summary::render(&input, STEP_SUMMARY_LIMIT));
        if let (true, Some(pr)) = (action.comment, pull_request) {
            self.comment(pr, &summary::render(&input, COMMENT_BUDGET));
        }
        if let Err(message) = summary_written {
            outcome.problem(Ending::NotWritten, message);
        }
        if let Err(message) = self.write_outputs(&outputs::of(&outcome, &action.settings.reports)) {
            outcome.problem(Ending::NotWritten, message);
        }
        if let Some(failure) = outcome.release.as_ref().and_then(|r| r.audit_failure.clone()) {
            outcome.problem(Ending::AuditLogNotWritten, failure);
        }
        // Why the run could not do what it was asked: the first said last.
        let cannot: Vec<&str> = outcome.cannot_run().map(|p| p.message.as_str()).collect();
        if let Some((first, others)) = cannot.split_first() {
            for message in others.iter().chain([first]) {
                self.log.error("cxone-flow", message);
            }
        }
        outcome
    }

    /// `check`'s online hook: CXone's own syntax check of every checked script without errors
    /// (`remote-validate`, CXF040) and the drift of each live script from its file (`check-drift`,
    /// CXF044), filed on the report before anything is rendered; a note for each skipped (no
    /// credentials, as on a pull request from a fork).
    fn check_online(&self, report: &mut CheckReport) -> Result<Vec<String>, String> {
        let settings = &self.settings.settings;
        let studio = StudioSettings::checked(settings)?;
        let checker = StudioChecker {
            connection: &settings.connection,
            studio: &studio,
        };
        let mut skipped = Vec::new();
        if self.settings.remote_validate
            && let Online::Skipped(note) = check_online(report, &checker)?
        {
            skipped.push(note);
        }
        if self.settings.check_drift {
            skipped.extend(check_drift(report, &checker, &settings.check.severities)?);
        }
        Ok(skipped)
    }

    /// CXone's syntax check of a release (when one ran), filed on the report (so the summary and
    /// the report files hold it) and annotated at the file and line of each action it named, as
    /// `validate` does.
    fn file_release_findings(&self, outcome: &mut Outcome) {
        let Some(released) = &outcome.release else { return };
        for (path, diagnostic) in released.file_findings(&mut outcome.report) {
            self.log
                .line(&annotations::Annotation::of_diagnostic(path, &diagnostic).command());
        }
    }

    /// On a tag: the release by `target` of what the checks passed, unless they failed; else how
    /// the run ended and why.
    fn release<T: ReleaseTarget>(
        &self,
        target: &T,
        tag: &str,
        report: &CheckReport,
    ) -> Result<Option<Released>, (Ending, String)> {
        let settings = self.settings(tag);
        let asked = driver::asked(&settings, &[]);
        let failed = |e: driver::DriverError| (e.ending(), e.to_string());
        driver::refuse(target, &asked).map_err(failed)?;
        let released = match driver::release(target, report, &settings).map_err(failed)? {
            Release::Ran(released) => released,
            Release::Blocked(blocked) => return releasable(tag, blocked, self.log).map(|()| None),
        };
        self.log
            .group(&format!("release {tag}"), &report::release::render_release(&released));
        for item in released.items.iter().filter(|i| i.failed()) {
            let warning = item.warning.as_ref().map(|w| format!(" ({w})")).unwrap_or_default();
            self.log.error(
                &format!("cxone-flow release of {}", item.id),
                &format!("{}: {}{warning}", item.path, item.label),
            );
        }
        Ok(Some(released))
    }

    fn comment(&self, pr: &PullRequest, body: &str) {
        let marker = match self.settings.shard {
            Shard::WHOLE => "<!-- cxone-flow:summary -->".to_string(),
            shard => format!("<!-- cxone-flow:summary shard {}/{} -->", shard.index, shard.count),
        };
        let body = format!("{marker}\n{body}");
        let outcome = match self.github() {
            Some(github) => github.upsert_comment(pr.number, &marker, &body).map(|_| ()),
            None => {
                self.log
                    .line("comment: no github-token or repository, so no pull request comment");
                return;
            }
        };
        if let Err(error) = outcome {
            self.log.warning("cxone-flow comment", &error.to_string());
        }
    }
}

/// Where a run finds the base versions of the changed flows and their test files.
enum Bases<'d> {
    /// The diff was taken from the base commit: each path it touched there with its blob, and
    /// the blobs' contents; a path it did not touch is at the base as it is now.
    FromDiff {
        at_base: &'d HashMap<String, Option<String>>,
        contents: HashMap<String, Vec<u8>>,
    },
    /// Read at the base commit from the clone, by path (`None`: no file there).
    Read(HashMap<String, Option<Vec<u8>>>),
    /// The clone lacks the base commit: asked of GitHub, one by one.
    Asked,
}

/// A base version's JSON (`None`: no file at the base).
fn parse_base(bytes: Option<Vec<u8>>) -> Result<Option<serde_json::Value>, String> {
    bytes
        .map(|b| serde_json::from_slice(&b).map_err(|_| "the base version is not valid JSON".to_string()))
        .transpose()
}

/// The test file's path of a flow file's repository path.
fn tests_path(flow: &str) -> String {
    merge::tests_path_of(Path::new(flow)).to_string_lossy().into_owned()
}

/// A tag's release, given the target the `backend` input names.
struct TagRelease<'a> {
    run: &'a Run<'a>,
    tag: &'a str,
    report: &'a CheckReport,
}

impl WithTarget for TagRelease<'_> {
    type Output = Result<Option<Released>, (Ending, String)>;
    fn with<T: ReleaseTarget>(self, target: &T) -> Self::Output {
        self.run.release(target, self.tag, self.report)
    }
}

/// A rollback, given the target the `backend` input names.
struct Rollback<'a> {
    run: &'a Run<'a>,
    subject: &'a str,
    settings: &'a Settings,
}

impl WithTarget for Rollback<'_> {
    type Output = Outcome;
    fn with<T: ReleaseTarget>(self, target: &T) -> Outcome {
        self.run.roll_back_with(target, self.subject, self.settings)
    }
}

fn scope_sentence(selection: &Selection, shard: Shard) -> String {
    // Studio scripts are counted as scripts; a run over both counts files.
    let scripts = selection
        .units
        .iter()
        .filter_map(|unit| unit.flow.as_deref())
        .filter(|path| crate::discover::is_script_path(path))
        .count();
    let noun = match scripts {
        0 => "flow",
        n if n == selection.units.len() => "script",
        _ => "file",
    };
    let count = |n: usize| crate::printable::plural(n, noun);
    let mut sentence = match &selection.everything_because {
        Some(reason) => format!("Checked all {} under the paths: {reason}.", count(selection.selected)),
        None => {
            let of = selection
                .found
                .map(|found| format!(" (of {found} under the paths)"))
                .unwrap_or_default();
            format!(
                "Checked the {} this pull request changes{of}.",
                count(selection.selected)
            )
        }
    };
    if shard != Shard::WHOLE {
        sentence.push_str(&format!(
            " This is shard {}/{}: {} of them.",
            shard.index,
            shard.count,
            count(selection.units.len())
        ));
    }
    sentence
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// Why a tag released nothing: the checks' own findings (logged as an error annotation; the run
/// fails with exit 1, or 2 for unreadable files), or an error when checked flows or scripts cannot
/// be sent, so the run cannot do what the tag asks (exit 2).
fn releasable(tag: &str, blocked: Blocked, log: &Log) -> Result<(), (Ending, String)> {
    match blocked {
        Blocked::ChecksFailed => {
            log.error("cxone-flow release", &blocked.describe(tag));
            Ok(())
        }
        blocked => Err((Ending::NotSendable, blocked.describe(tag))),
    }
}
