//! The `cxone-flow` command line: parses arguments, runs the library, maps outcomes to exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod action_cli;
mod release_cli;

use cxone_flow::check::{self, Settings};
use cxone_flow::discover;
use cxone_flow::flow::model::is_dtmf_entry;
use cxone_flow::registry::Severity;
use cxone_flow::registry::{Rule, RuleLimits, Severities};
use cxone_flow::report;
use cxone_flow::sim::condition::Variables;
use cxone_flow::sim::engine::{Engine, Verdict};
use cxone_flow::sim::run::DEFAULT_MAX_EXECUTION_MS;

/// Exit code: nothing at or above the fail-on severity, every case passed.
const CLEAN: u8 = 0;
/// Exit code: findings at or above the fail-on severity, failing cases, or coverage below the minimum.
const FINDINGS: u8 = 1;
/// Exit code: the tool could not run (bad arguments, missing or unreadable input).
const CANNOT_RUN: u8 = 2;

#[derive(Parser)]
#[command(
    name = "cxone-flow",
    version,
    about = "Validate, test and release NICE CXone IVR call flows kept in Git"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every *.flow.json and *.tests.json under the paths and run the test cases.
    Check(CheckArgs),
    /// Simulate one call through a flow and print its trace.
    Simulate(SimulateArgs),
    /// Check everything, then release the flows under the paths to CXone as versions tagged TAG.
    Release(ReleaseArgs),
    /// Make an earlier version of a flow the active one again.
    Rollback(RollbackArgs),
    /// List every rule with its code, name, default severity and summary.
    Rules,
}

/// Where CXone is and who is calling. The client secret is read from `CXONE_CLIENT_SECRET` only,
/// never from the command line (where process lists and shell history would keep it).
#[derive(clap::Args)]
struct Connection {
    /// The CXone API base URL (tenants live in different areas).
    #[arg(long, env = "CXONE_BASE_URL", default_value = "https://api.mynicecx.com/api/v2")]
    base_url: String,
    /// The OAuth token URL.
    #[arg(
        long,
        env = "CXONE_TOKEN_URL",
        default_value = "https://api.mynicecx.com/oauth/token"
    )]
    token_url: String,
    /// The OAuth client id.
    #[arg(long, env = "CXONE_CLIENT_ID")]
    client_id: String,
    /// Retries after the first attempt of a call.
    #[arg(long, default_value_t = 5)]
    max_retries: u32,
    /// The run's secrets, scrubbed from whatever a server answers (the client secret joins it).
    #[arg(skip)]
    redactor: cxone_flow::redact::Redactor,
    /// The audit log, one JSON object per line, appended to.
    #[arg(long, default_value = "cxone-flow-audit.jsonl")]
    audit_log: PathBuf,
    /// The commit released (default: `GITHUB_SHA`, else `git rev-parse HEAD`).
    #[arg(long)]
    commit: Option<String>,
    /// The repository released from (default: `GITHUB_REPOSITORY`, else the current folder's name).
    #[arg(long)]
    repository: Option<String>,
}

#[derive(clap::Args)]
struct ReleaseArgs {
    /// The release tag (`v1.4.0`); one matching `--production-tags` releases to production.
    #[arg(long)]
    tag: String,
    /// Files or directories with the flows to release.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    connection: Connection,
    /// `production` or `staging`, instead of deciding from the tag.
    #[arg(long, value_parser = ["production", "staging"])]
    environment: Option<String>,
    /// Tags that release to production (comma-separated globs, `*` any characters, any case);
    /// every other tag releases to staging.
    #[arg(long, default_value = cxone_flow::release::payload::PRODUCTION_TAGS)]
    production_tags: String,
    /// Release content that a rollback undid (a failed smoke test, `cxone-flow rollback`) instead of
    /// leaving it rolled back.
    #[arg(long)]
    force: bool,
    /// `metadata.activationPriority` of the versions.
    #[arg(long, default_value_t = 1)]
    activation_priority: u32,
    /// Flows released at once.
    #[arg(long, default_value_t = 4)]
    max_concurrency: usize,
    /// Make sure a FLOW_VERSION_PUBLISHED webhook to this URL exists (created once, never twice).
    #[arg(long)]
    qa_webhook_url: Option<String>,
    /// After publishing, simulate the cases again against the active version; roll back if they fail.
    #[arg(long)]
    smoke_test: bool,
    /// Every read and check, and the payloads that would be sent; no register, webhook or publish.
    #[arg(long)]
    dry_run: bool,
    /// The execution threshold of cases without their own maxExecutionMs, locally and remotely.
    #[arg(long, default_value_t = DEFAULT_MAX_EXECUTION_MS)]
    max_execution_ms: u64,
}

#[derive(clap::Args)]
struct RollbackArgs {
    /// The flow to roll back.
    #[arg(long)]
    flow_id: String,
    /// The version to restore; default: the most recently deprecated one.
    #[arg(long)]
    to: Option<String>,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The least severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Branching complexity limit: the most `menu` and `routing` elements a flow may have.
    #[arg(long, default_value_t = RuleLimits::default().max_decision_nodes)]
    max_decision_nodes: usize,
    /// Menu depth limit: the most menus and inputs a caller may pass to reach any element.
    #[arg(long, default_value_t = RuleLimits::default().max_menu_depth)]
    max_menu_depth: usize,
    /// Override a rule's severity: CODE=error|warning|off (code or name; repeat, or separate with commas).
    #[arg(long = "severity", value_name = "CODE=LEVEL")]
    severity: Vec<String>,
    /// Fail a case whose simulated call takes longer than this (ms), unless it sets its own maxExecutionMs.
    #[arg(long, default_value_t = DEFAULT_MAX_EXECUTION_MS)]
    max_execution_ms: u64,
    /// Fail flows whose cases reach fewer than this percentage of their elements.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    min_coverage: Option<f64>,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "PATH")]
    junit: Option<PathBuf>,
    /// Also write a SARIF 2.1.0 report (for code scanning) to this file.
    #[arg(long, value_name = "PATH")]
    sarif: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SimulateArgs {
    /// The flow file.
    flow: PathBuf,
    /// What the caller keys, one entry per menu or input reached, comma-separated (`1,,4321`: an empty
    /// entry is silence).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    dtmf: String,
    /// A starting variable, NAME=VALUE; VALUE is read as JSON when it parses (10, true, "10"), else as text.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// The execution threshold for the SUCCESS/FAILURE verdict, in ms.
    #[arg(long, default_value_t = DEFAULT_MAX_EXECUTION_MS)]
    max_execution_ms: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(pct) if (0.0..=100.0).contains(&pct) => Ok(pct),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

fn main() -> ExitCode {
    if action_cli::wanted() {
        return action_cli::run();
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Simulate(args) => run_simulate(args),
        Command::Release(args) => release_cli::run_release(args),
        Command::Rollback(args) => release_cli::run_rollback(args),
        Command::Rules => {
            let mut out = String::new();
            for rule in Rule::ALL {
                out.push_str(&format!(
                    "{}  {:<26} {:<8} {}\n",
                    rule.code(),
                    rule.name(),
                    rule.default_severity(),
                    rule.summary()
                ));
            }
            print(&out);
            ExitCode::from(CLEAN)
        }
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    let severities = match Severities::parse(args.severity.iter().map(String::as_str)) {
        Ok(s) => s,
        Err(message) => return cannot_run(&message),
    };
    let settings = Settings {
        limits: RuleLimits {
            max_decision_nodes: args.max_decision_nodes,
            max_menu_depth: args.max_menu_depth,
        },
        severities,
        max_execution_ms: args.max_execution_ms,
        min_coverage: args.min_coverage,
    };
    let units = match discover::discover(&args.paths) {
        Ok(units) => units,
        Err(error) => return cannot_run(&error.to_string()),
    };
    let report = check::check(&units, &settings);
    print(&match args.format {
        Format::Human => report::human::render(&report),
        Format::Json => report::json::render(&report),
    });
    let written = write_report_files(
        &report,
        ReportFiles {
            junit: args.junit.as_deref(),
            sarif: args.sarif.as_deref(),
            json: None,
        },
    );
    if let Some(error) = written.first() {
        return cannot_run(error);
    }
    for error in &report.read_errors {
        eprintln!("error: {error}");
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if !report.read_errors.is_empty() {
        ExitCode::from(CANNOT_RUN)
    } else if report.fails(threshold) {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::from(CLEAN)
    }
}

fn run_simulate(args: SimulateArgs) -> ExitCode {
    let mut variables = Variables::new();
    for var in &args.vars {
        let Some((name, value)) = var.split_once('=').filter(|(name, _)| !name.is_empty()) else {
            return cannot_run(&format!("--var `{var}` is not NAME=VALUE"));
        };
        let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        variables.insert(name.to_string(), value);
    }
    let dtmf: Vec<String> = if args.dtmf.is_empty() {
        Vec::new()
    } else {
        args.dtmf.split(',').map(str::to_string).collect()
    };
    if let Some(bad) = dtmf.iter().find(|e| !is_dtmf_entry(e)) {
        return cannot_run(&format!("--dtmf entry `{bad}` is not a string of keys 0-9, * and #"));
    }
    let bytes = match std::fs::read(&args.flow) {
        Ok(bytes) => bytes,
        Err(error) => return cannot_run(&format!("failed to read `{}`: {error}", args.flow.display())),
    };
    let settings = Settings {
        max_execution_ms: args.max_execution_ms,
        ..Settings::default()
    };
    let path = args.flow.to_string_lossy().into_owned();
    let (checked, flow) = check::check_flow_bytes(&path, bytes, &settings);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let mut out = String::new();
    for diagnostic in &errors {
        report::human::render_diagnostic(&mut out, &checked.source, diagnostic);
    }
    let Some(flow) = flow else {
        print(&out);
        return cannot_run("the flow file cannot be read as JSON, so it cannot be simulated");
    };
    if !errors.is_empty() {
        out.push_str("the flow has errors (above); simulating it as it stands:\n\n");
    }
    let call = Engine::new(&flow).run(&dtmf, &variables);
    out.push_str(&report::trace::render(&flow, &call, args.max_execution_ms));
    print(&out);
    if errors.is_empty() && call.verdict(&flow, args.max_execution_ms) == Verdict::Success {
        ExitCode::from(CLEAN)
    } else {
        ExitCode::from(FINDINGS)
    }
}

/// The report files a run writes, each only when asked for.
struct ReportFiles<'p> {
    junit: Option<&'p Path>,
    sarif: Option<&'p Path>,
    json: Option<&'p Path>,
}

/// A report format's renderer.
type Render = fn(&check::CheckReport) -> Result<String, String>;

/// Renders and writes the report files asked for (creating their folders); returns what failed.
fn write_report_files(report: &check::CheckReport, files: ReportFiles) -> Vec<String> {
    let renderers: [(Option<&Path>, &str, Render); 3] = [
        (files.junit, "JUnit report", |r| {
            report::junit::render(r).map_err(|e| e.to_string())
        }),
        (files.sarif, "SARIF report", |r| Ok(report::sarif::render(r))),
        (files.json, "JSON report", |r| Ok(report::json::render(r))),
    ];
    let mut failed = Vec::new();
    for (path, what, render) in renderers {
        let Some(path) = path else { continue };
        let written = render(report).and_then(|text| {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(path, text).map_err(|e| e.to_string())
        });
        if let Err(error) = written {
            failed.push(format!("failed to write the {what} `{}`: {error}", path.display()));
        }
    }
    failed
}

fn cannot_run(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(CANNOT_RUN)
}

/// Writes to stdout, ignoring a closed pipe (`cxone-flow check | head`).
fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
