//! The command line of the Studio backend's own commands, `validate --remote` and `pull` (`release`
//! and `rollback` with `--backend studio` run through the release driver), read into the library's
//! settings, run, and printed.

use std::path::PathBuf;
use std::process::ExitCode;

use cxone_flow::check::online::{Online, RemoteFinding, check_online};
use cxone_flow::check::{self, CheckReport};
use cxone_flow::discover;
use cxone_flow::exit::Ending;
use cxone_flow::outcome::Outcome;
use cxone_flow::release::studio as studio_release;
use cxone_flow::release::studio_pull;
use cxone_flow::release::studio_target::StudioChecker;
use cxone_flow::release::studio_tenant::{self, StudioSettings};
use cxone_flow::report;
use cxone_flow::safe_file::Root;
use cxone_flow::settings::file::ConfigFile;
use cxone_flow::settings::{Settings, table};

use super::settings_args::SettingArgs;
use super::{cannot_run, paths_or_default, print, print_failed, resolved, scope_of};

/// The backend `validate` and `pull` name: only Studio has a remote syntax check and scripts to
/// pull.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Backend {
    /// The first contract's flow versions (`*.flow.json`).
    FlowsApi,
    /// A real tenant's Studio scripts and points of contact.
    Studio,
}

#[derive(clap::Args)]
pub(super) struct ValidateArgs {
    /// The backend: only `studio` has a remote syntax check.
    #[arg(long, value_enum, default_value_t = Backend::Studio)]
    backend: Backend,
    /// Run CXone's own syntax check: save each script under its sandbox name (NAME__ci).
    #[arg(long, required = true)]
    remote: bool,
    /// Files or directories with the scripts [default: the settings file's `paths`, else .]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    settings: SettingArgs<{ table::VALIDATE }>,
}

#[derive(clap::Args)]
pub(super) struct PullArgs {
    /// The backend: only `studio` has scripts to pull.
    #[arg(long, value_enum, default_value_t = Backend::Studio)]
    backend: Backend,
    /// The scripts to pull (default: every script of the tenant).
    #[arg(long = "script", value_name = "NAME")]
    scripts: Vec<String>,
    /// The folder the scripts are written to, as NAME.json.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Write nothing: report the scripts whose live content differs from the file of their name
    /// under --out (exit 1 when one does).
    #[arg(long)]
    check_drift: bool,
    #[command(flatten)]
    settings: SettingArgs<{ table::PULL }>,
}

/// Checks the scripts under `paths` (what was loaded kept).
fn check_scripts(paths: &[PathBuf], settings: &Settings) -> Result<CheckReport, ExitCode> {
    let mut check = settings.check.clone();
    check.keep_loaded = true;
    let units = discover::discover_in(paths, &scope_of(settings))
        .into_result()
        .map_err(|e| cannot_run(&e.to_string()))?;
    Ok(check::check(&units, &check))
}

/// The Studio settings, once every host a credential would go to may take it.
fn studio_of(settings: &Settings) -> Result<StudioSettings, ExitCode> {
    StudioSettings::checked(settings).map_err(|message| cannot_run(&message))
}

/// `validate --remote`: the local checks, then CXone's syntax check of every script that passed
/// them, its findings located at their actions like any other.
pub(super) fn validate(args: ValidateArgs, config: Option<&ConfigFile>) -> ExitCode {
    if args.backend != Backend::Studio {
        return cannot_run("validate --remote runs CXone's syntax check on Studio scripts: use --backend studio");
    }
    let values = args.settings.values(config);
    let settings = match resolved(&values) {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let studio = match studio_of(&settings) {
        Ok(studio) => studio,
        Err(exit) => return exit,
    };
    let mut report = match check_scripts(&paths_or_default(&args.paths, &values), &settings) {
        Ok(checked) => checked,
        Err(exit) => return exit,
    };
    // The scripts as they stand before CXone's findings are filed (each named by its sandbox).
    let scripts = studio_release::checked_scripts(&report);
    let checker = StudioChecker {
        connection: &settings.connection,
        studio: &studio,
    };
    // Asked for by name, the remote check needs the access key: its absence is an error that says
    // which setting to give, not a skip.
    if let Err(message) = studio_tenant::client(&settings.connection, &studio) {
        return cannot_run(&format!("validate --remote: {message}"));
    }
    let found = match check_online(&mut report, &checker) {
        Ok(Online::Checked(found)) => found,
        Ok(Online::Skipped(note)) => return cannot_run(&format!("validate --remote: {note}")),
        Err(message) => return cannot_run(&message),
    };
    let mut outcome = Outcome::checked(report, settings.fail_on);
    let failed = report::files::write(&outcome, &settings.reports.taken_by(table::VALIDATE), &Root::default());
    print(&report::human::render(&outcome));
    for (script, (path, findings)) in scripts.iter().zip(&found) {
        let sandbox = studio_tenant::sandbox_name(&studio.sandbox_prefix, &script.name);
        print(&format!("remote: {path} {}\n", remote_verdict(findings, &sandbox)));
    }
    for failure in failed {
        eprintln!("error: {failure}");
        outcome.problem(Ending::NotWritten, failure);
    }
    let exit = outcome.exit();
    print_failed(exit);
    exit.into()
}

/// What CXone's syntax check made of one script: rejected (nothing saved), or saved under its
/// sandbox name, clean or with warnings.
fn remote_verdict(findings: &[RemoteFinding], sandbox: &str) -> String {
    let errors = findings.iter().filter(|f| f.error).count();
    let warnings = findings.len() - errors;
    let counted = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => format!("clean, saved as {sandbox}"),
        (0, _) => format!("saved as {sandbox} with {}", counted(warnings, "warning")),
        _ => format!(
            "rejected by CXone's syntax check ({}, {}), nothing saved",
            counted(errors, "error"),
            counted(warnings, "warning")
        ),
    }
}

/// `pull`: writes the tenant's scripts as NAME.json (stable key order, layout kept): the named
/// ones, else what each mapped point of contact runs, else every script but sandboxes and
/// versions; every one read and checked before a file is written. With --check-drift it writes
/// nothing and reports which differ from the files of their name.
pub(super) fn pull(args: PullArgs, config: Option<&ConfigFile>) -> ExitCode {
    if args.backend != Backend::Studio {
        return cannot_run("pull reads Studio scripts from a tenant: use --backend studio");
    }
    let settings = match resolved(&args.settings.values(config)) {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let studio = match studio_of(&settings) {
        Ok(studio) => studio,
        Err(exit) => return exit,
    };
    let pulled = match studio_pull::pull_scripts(&settings.connection, &studio, &args.scripts) {
        Ok(pulled) => pulled,
        Err(message) => return cannot_run(&message),
    };
    let mut drifted = 0;
    for script in &pulled {
        let path = args.out.join(&script.file);
        let local = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        let same = local
            .as_ref()
            .is_some_and(|local| studio_release::same_content(local, &script.content));
        if args.check_drift {
            if !same {
                drifted += 1;
                let what = if local.is_some() {
                    "differs from this file"
                } else {
                    "has no file here"
                };
                println!("{}: the live script `{}` {what}", path.display(), script.tenant_name);
            }
            continue;
        }
        if same {
            println!("{}: unchanged", path.display());
            continue;
        }
        let text = cxone_flow::json::pretty::pretty(&script.content, cxone_flow::studio::convert::KEY_ORDER);
        if let Err(error) = report::files::write_file(&path, &text) {
            return cannot_run(&format!("failed to write `{}`: {error}", path.display()));
        }
        println!("wrote {}", path.display());
    }
    if args.check_drift {
        println!(
            "{} of {} live script{} drifted from the files under {}.",
            drifted,
            pulled.len(),
            if pulled.len() == 1 { "" } else { "s" },
            args.out.display()
        );
    }
    Ending::NotAsked.when(drifted > 0).into()
}
