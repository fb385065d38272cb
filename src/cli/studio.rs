//! The command line of the Studio backend: its settings (`--backend studio` of `release` and
//! `rollback`, which the driver runs), `validate --remote` and `pull`.

use std::path::PathBuf;
use std::process::ExitCode;

use cxone_flow::check::online::{Online, RemoteFinding, check_online};
use cxone_flow::check::{self, CheckReport};
use cxone_flow::cxone::secret::Secret;
use cxone_flow::cxone::studio::Region;
use cxone_flow::discover;
use cxone_flow::exit::Exit;
use cxone_flow::release::studio::{self as studio_release};
use cxone_flow::release::studio_pull;
use cxone_flow::release::studio_target::StudioChecker;
use cxone_flow::report;
use cxone_flow::settings::{self, StudioSettings};

use super::{CheckOptions, Connection, ReportOptions, cannot_run, print, print_failed};

/// Which CXone API a release talks to.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Backend {
    /// The first contract's flow versions (`*.flow.json`).
    FlowsApi,
    /// A real tenant's Studio scripts and points of contact.
    Studio,
}

/// Where the real tenant is and how scripts go live. Secrets come from the environment only:
/// `CXONE_ACCESS_KEY_SECRET` (and, for the OIDC route, `CXONE_CLIENT_SECRET` with `--client-id`).
#[derive(clap::Args)]
pub(super) struct StudioArgs {
    /// The region's login and discovery hosts: global, fedramp, au, eu.
    #[arg(long, env = "CXONE_REGION", default_value = "global")]
    cxone_region: Region,
    /// The OIDC issuer (its discovery documents), instead of the region's.
    #[arg(long, env = "CXONE_ISSUER")]
    cxone_issuer: Option<String>,
    /// The access-key token route, instead of the region's.
    #[arg(long, env = "CXONE_ACCESS_KEY_URL")]
    cxone_access_key_url: Option<String>,
    /// The API host; without it, discovered from the token's tenant.
    #[arg(long, env = "CXONE_API_BASE")]
    cxone_api_base: Option<String>,
    /// The fallback API host when discovery fails, `{cluster}` for the token's cluster.
    #[arg(long, env = "CXONE_CLUSTER_API", default_value = settings::DEFAULT_CLUSTER_API)]
    cxone_cluster_api: String,
    /// The Studio API version pinned.
    #[arg(long, env = "CXONE_API_VERSION", default_value = cxone_flow::cxone::studio_types::DEFAULT_API_VERSION)]
    cxone_api_version: String,
    /// The access key id (its secret: `CXONE_ACCESS_KEY_SECRET`).
    #[arg(long, env = "CXONE_ACCESS_KEY_ID")]
    access_key_id: Option<String>,
    /// Which points of contact run a script once released: SCRIPT=ID[,ID...] (repeat for more).
    #[arg(long = "point-of-contact", value_name = "SCRIPT=ID")]
    points_of_contact: Vec<String>,
    /// Save over a `NAME__TAG` that holds other content (as `release --force`): a rollback to that
    /// tag then restores the new content.
    #[arg(long)]
    allow_live_overwrite: bool,
    /// Put before each sandbox name of the remote syntax check (`PREFIX` + `NAME__ci`).
    #[arg(long, default_value = "")]
    sandbox_prefix: String,
    /// An API name the tenant spells otherwise: CANONICAL=ACTUAL, for an endpoint path
    /// (`points-of-contact`), a query parameter or an answer's field (docs/real-cxone.md lists them).
    #[arg(long = "cxone-rename", value_name = "CANONICAL=ACTUAL")]
    renames: Vec<String>,
    /// A host besides NICE's domains and loopback that the access key and tokens may go to (repeat
    /// for more); never taken from cxone-flow.toml.
    #[arg(long = "cxone-allowed-host", value_name = "HOST")]
    allowed_hosts: Vec<String>,
}

impl StudioArgs {
    /// The settings, once every host a credential would go to is NICE's, loopback or named with
    /// `--cxone-allowed-host`.
    pub(super) fn settings(&self) -> Result<StudioSettings, String> {
        let studio = StudioSettings {
            region: self.cxone_region,
            issuer: self.cxone_issuer.clone(),
            access_key_url: self.cxone_access_key_url.clone(),
            api_base: self.cxone_api_base.clone(),
            cluster_api: self.cxone_cluster_api.clone(),
            api_version: self.cxone_api_version.clone(),
            access_key_id: self.access_key_id.clone(),
            access_key_secret: std::env::var(settings::ACCESS_KEY_SECRET_ENV)
                .ok()
                .filter(|s| !s.is_empty())
                .map(Secret::new),
            points_of_contact: settings::parse_points_of_contact(self.points_of_contact.iter().map(String::as_str))?,
            allow_live_overwrite: self.allow_live_overwrite,
            sandbox_prefix: self.sandbox_prefix.clone(),
            renames: cxone_flow::cxone::studio::Renames::parse(self.renames.iter().map(String::as_str))?,
        };
        for (what, url) in studio.credential_urls() {
            cxone_flow::cxone::hosts::check(what, &url, &self.allowed_hosts).map_err(|e| e.to_string())?;
        }
        Ok(studio)
    }
}

#[derive(clap::Args)]
pub(super) struct ValidateArgs {
    /// The backend: only `studio` has a remote syntax check.
    #[arg(long, value_enum, default_value_t = Backend::Studio)]
    backend: Backend,
    /// Run CXone's own syntax check: save each script under its sandbox name (NAME__ci).
    #[arg(long, required = true)]
    remote: bool,
    /// Files or directories with the scripts.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    connection: Connection,
    #[command(flatten)]
    studio: StudioArgs,
    #[command(flatten)]
    checks: CheckOptions,
    #[command(flatten)]
    reports: ReportOptions,
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
    connection: Connection,
    #[command(flatten)]
    studio: StudioArgs,
}

/// Checks the scripts under `paths` (what was loaded kept) and the check's failing severity.
fn check_scripts(
    paths: &[PathBuf],
    checks: &CheckOptions,
) -> Result<(CheckReport, cxone_flow::registry::Severity), ExitCode> {
    let (mut settings, fail_on) = checks.settings().map_err(|m| cannot_run(&m))?;
    settings.keep_loaded = true;
    let units = discover::discover_in(paths, &checks.scope())
        .into_result()
        .map_err(|e| cannot_run(&e.to_string()))?;
    Ok((check::check(&units, &settings), fail_on))
}

/// `validate --remote`: the local checks, then CXone's syntax check of every script that passed
/// them, its findings located at their actions like any other.
pub(super) fn validate(args: ValidateArgs) -> ExitCode {
    if args.backend != Backend::Studio {
        return cannot_run("validate --remote runs CXone's syntax check on Studio scripts: use --backend studio");
    }
    let studio = match args.studio.settings() {
        Ok(studio) => studio,
        Err(message) => return cannot_run(&message),
    };
    let (mut report, fail_on) = match check_scripts(&args.paths, &args.checks) {
        Ok(checked) => checked,
        Err(exit) => return exit,
    };
    // The scripts as they stand before CXone's findings are filed (each named by its sandbox).
    let scripts = studio_release::checked_scripts(&report);
    let connection = args.connection.settings();
    let checker = StudioChecker {
        connection: &connection,
        studio: &studio,
    };
    // Asked for by name, the remote check needs the access key: its absence is an error that says
    // which setting to give, not a skip.
    if let Err(message) = studio_release::client(&connection, &studio) {
        return cannot_run(&format!("validate --remote: {message}"));
    }
    let found = match check_online(&mut report, &checker) {
        Ok(Online::Checked(found)) => found,
        Ok(Online::Skipped(note)) => return cannot_run(&format!("validate --remote: {note}")),
        Err(message) => return cannot_run(&message),
    };
    let files = report::files::ReportFiles {
        junit: args.reports.junit.as_deref(),
        sarif: args.reports.sarif.as_deref(),
        json: None,
    };
    let failed = report::files::write(&report, files);
    print(&report::human::render(&report));
    for (script, (path, findings)) in scripts.iter().zip(&found) {
        let sandbox = studio_release::sandbox_name(&studio.sandbox_prefix, &script.name);
        print(&format!("remote: {path} {}\n", remote_verdict(findings, &sandbox)));
    }
    for failure in &failed {
        eprintln!("error: {failure}");
    }
    let exit = if failed.is_empty() {
        Exit::of_check(&report, fail_on)
    } else {
        Exit::CannotRun
    };
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
pub(super) fn pull(args: PullArgs) -> ExitCode {
    if args.backend != Backend::Studio {
        return cannot_run("pull reads Studio scripts from a tenant: use --backend studio");
    }
    let studio = match args.studio.settings() {
        Ok(studio) => studio,
        Err(message) => return cannot_run(&message),
    };
    let pulled = match studio_pull::pull_scripts(&args.connection.settings(), &studio, &args.scripts) {
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
    Exit::findings_if(drifted > 0).into()
}
