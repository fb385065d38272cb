//! The `cxone-flow` command line: parses arguments, runs the library, maps outcomes to exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use cxone_flow::check::{self, Settings};
use cxone_flow::diagnostic::Severity;
use cxone_flow::discover;
use cxone_flow::report;
use cxone_flow::rules::{Limits, Severities};

/// Exit code: nothing at or above the fail-on severity.
const CLEAN: u8 = 0;
/// Exit code: findings at or above the fail-on severity.
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
    /// Check every *.flow.json and *.tests.json under the paths.
    Check(CheckArgs),
    /// List every rule with its code, name, default severity and summary.
    Rules,
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
    #[arg(long, default_value_t = Limits::default().max_decision_nodes)]
    max_decision_nodes: usize,
    /// Menu depth limit: the most menus and inputs a caller may pass to reach any element.
    #[arg(long, default_value_t = Limits::default().max_menu_depth)]
    max_menu_depth: usize,
    /// Override a rule's severity: CODE=error|warning|off (code or name; repeat, or separate with commas).
    #[arg(long = "severity", value_name = "CODE=LEVEL")]
    severity: Vec<String>,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rules => {
            let mut out = String::new();
            for rule in cxone_flow::rules::Rule::ALL {
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
        limits: Limits {
            max_decision_nodes: args.max_decision_nodes,
            max_menu_depth: args.max_menu_depth,
        },
        severities,
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
    for error in &report.read_errors {
        eprintln!("error: {error}");
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if !report.read_errors.is_empty() {
        ExitCode::from(CANNOT_RUN)
    } else if report.diagnostics().any(|d| d.severity >= threshold) {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::from(CLEAN)
    }
}

fn cannot_run(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(CANNOT_RUN)
}

/// Writes to stdout, ignoring a closed pipe (`cxone-flow check | head`).
fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
