//! The command line: parses arguments into the library's settings, runs the library, prints what
//! it returns, and exits with the code it decided.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
mod settings_args;
mod studio;
use settings_args::SettingArgs;

use cxone_flow::check::{self, CheckReport, FileReport, Settings as CheckSettings};
use cxone_flow::discover;
use cxone_flow::exit::{Ending, Exit};
use cxone_flow::flow::model::{Flow, is_dtmf_entry};
use cxone_flow::generate::merge;
use cxone_flow::generate::{Goal, generate_within};
use cxone_flow::github::git::Trust;
use cxone_flow::outcome::Outcome;
use cxone_flow::registry::{Rule, Severities, Severity};
use cxone_flow::release::driver::{self, Release};
use cxone_flow::release::payload::content_hash;
use cxone_flow::release::run::list_versions;
use cxone_flow::release::target::{ReleaseTarget, Setting};
use cxone_flow::release::{self, WithTarget};
use cxone_flow::report;
use cxone_flow::report::diagram::{Diagram, Highlights};
use cxone_flow::report::files::ReportFiles;
use cxone_flow::report::human::Palette;
use cxone_flow::report::json::Detail;
use cxone_flow::safe_file::Root;
use cxone_flow::settings::file::{self as settings_file, ConfigFile};
use cxone_flow::settings::resolve::Values;
use cxone_flow::settings::table;
use cxone_flow::settings::{Backend, Settings};
use cxone_flow::sim::condition::Variables;
use cxone_flow::sim::engine::{Engine, Verdict};
use cxone_flow::sim::run::CallSummary;

#[derive(Parser)]
#[command(
    name = "cxone-flow",
    version,
    about = "Validate, test and release NICE CXone IVR call flows kept in Git"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour in the output: on a terminal unless NO_COLOR is set (auto), always, or never.
    #[arg(long, global = true, value_enum, default_value_t = clap::ColorChoice::Auto)]
    color: clap::ColorChoice,
    /// The settings file (default: cxone-flow.toml in the checked path's folder or one above it,
    /// else in the current folder or one above it). Flags and environment variables override it.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Check every flow or script (*.flow.json, Studio *.json) and *.tests.json under the paths and
    /// run the test cases.
    Check(CheckArgs),
    /// Simulate one call through a flow or script and print its trace.
    Simulate(SimulateArgs),
    /// Check everything, then release the flows (or, with --backend studio, the scripts) under the
    /// paths to CXone, tagged TAG.
    Release(ReleaseArgs),
    /// Make an earlier version of a flow the active one again, or move a script's points of contact
    /// back (studio).
    Rollback(RollbackArgs),
    /// List every rule with its code, name, default severity and summary; with a code or name,
    /// explain that rule.
    Rules(RulesArgs),
    /// Test cases: `cases generate FLOW` writes cases covering every reachable edge of a flow or
    /// script.
    #[command(subcommand)]
    Cases(CasesCommand),
    /// Draw a flow or script as a Mermaid or Graphviz diagram, with its tests' coverage and failing
    /// calls.
    Graph(GraphArgs),
    /// List a flow's versions in CXone (flows-api), marking the one that holds the flow file's content.
    Versions(VersionsArgs),
    /// Turn a flow file into a Studio script, or a Studio script into a flow file.
    Convert(ConvertArgs),
    /// Check Studio scripts with CXone's own syntax check (--remote): each is saved under its
    /// sandbox name, NAME__ci, and CXone's findings land at their actions.
    Validate(studio::ValidateArgs),
    /// Write a real tenant's Studio scripts into the repository as NAME.json, or report which
    /// differ from the files there (--check-drift).
    Pull(studio::PullArgs),
    /// Print the effective settings of `check` and `release`, and where each comes from (a flag's
    /// environment variable, the config file, or the default).
    Config,
    /// Start a repository: a flow and its tests under flows/ (with --studio: a Studio script and
    /// its tests under ivr/), cxone-flow.toml, and the PR-check and tag-release workflows. Writes
    /// nothing over an existing file.
    Init(InitArgs),
}

#[derive(clap::Args)]
struct InitArgs {
    /// The repository's folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// A repository of Studio scripts for a real tenant: the script, its tests, the points of
    /// contact it runs on, CXone's syntax check on every PR and a release on every tag with an
    /// access key.
    #[arg(long)]
    studio: bool,
}

/// What `init` writes: (path under the repository, content).
const INIT_FILES: [(&str, &str); 5] = [
    ("flows/main.flow.json", include_str!("../templates/main.flow.json")),
    ("flows/main.tests.json", include_str!("../templates/main.tests.json")),
    ("cxone-flow.toml", include_str!("../templates/cxone-flow.toml")),
    (
        ".github/workflows/cxone-flow-check.yml",
        include_str!("../templates/cxone-flow-check.yml"),
    ),
    (
        ".github/workflows/cxone-flow-release.yml",
        include_str!("../templates/cxone-flow-release.yml"),
    ),
];

/// What `init --studio` writes: the example script, the script it calls and their tests, and the
/// Studio settings and workflows.
const STUDIO_INIT_FILES: [(&str, &str); 7] = [
    (
        "ivr/acme_main_ivr.json",
        include_str!("../examples/studio/acme_main_ivr.json"),
    ),
    (
        "ivr/acme_main_ivr.tests.json",
        include_str!("../examples/studio/acme_main_ivr.tests.json"),
    ),
    (
        "ivr/acme_caller_tier.json",
        include_str!("../examples/studio/acme_caller_tier.json"),
    ),
    (
        "ivr/acme_caller_tier.tests.json",
        include_str!("../examples/studio/acme_caller_tier.tests.json"),
    ),
    ("cxone-flow.toml", include_str!("../templates/studio/cxone-flow.toml")),
    (
        ".github/workflows/cxone-flow-check.yml",
        include_str!("../templates/studio/cxone-flow-check.yml"),
    ),
    (
        ".github/workflows/cxone-flow-release.yml",
        include_str!("../templates/studio/cxone-flow-release.yml"),
    ),
];

#[derive(clap::Args)]
struct ConvertArgs {
    /// A flow file (*.flow.json) to write as a Studio script, or a Studio script to write as a flow
    /// file.
    input: PathBuf,
    /// Where to write the result (its folders are created); default: standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    #[command(flatten)]
    settings: SettingArgs<{ table::CONVERT }>,
}

#[derive(clap::Args)]
struct VersionsArgs {
    /// The flow file (its `flowId` names the flow; its content is looked for among the versions).
    flow: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    settings: SettingArgs<{ table::VERSIONS }>,
}

#[derive(clap::Args)]
struct GraphArgs {
    /// The flow or script file.
    flow: PathBuf,
    /// The diagram's language.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
    /// The tests file to overlay (default: NAME.tests.json beside the file, when there is one):
    /// elements or actions no case reaches are drawn dashed and grey, failing calls red.
    #[arg(long)]
    tests: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(clap::Args)]
struct RulesArgs {
    /// A rule's code (`CXF002`) or name (`dangling-edge`) to explain.
    rule: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Subcommand)]
enum CasesCommand {
    /// Generate cases that cover every reachable edge (or element, or path) of a flow or script,
    /// from the file alone; report what no input reaches, with the reason.
    Generate(GenerateArgs),
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// The flow or script file.
    flow: PathBuf,
    /// Write the tests file here (default: print it; with --update, NAME.tests.json beside the file).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Merge into the tests file: cases people wrote stay as they are, generated ones (marked
    /// `"generated": true`) are replaced, and every change to them is shown.
    #[arg(long)]
    update: bool,
    #[command(flatten)]
    settings: SettingArgs<{ table::GENERATE }>,
}

#[derive(clap::Args)]
struct ReleaseArgs {
    /// The release tag (`v1.4.0`); one matching `--production-tags` releases to production.
    #[arg(long)]
    tag: String,
    /// Files or directories with the flows or scripts to release [default: the settings file's
    /// `paths`, else .]
    paths: Vec<PathBuf>,
    /// With --dry-run: write each payload that would be sent to DIR/FLOW_ID.json (studio:
    /// DIR/NAME__TAG.json).
    #[arg(long, value_name = "DIR", requires = "dry-run")]
    payloads: Option<PathBuf>,
    #[command(flatten)]
    settings: SettingArgs<{ table::RELEASE }>,
}

#[derive(clap::Args)]
struct RollbackArgs {
    /// The flow to roll back (flows-api).
    #[arg(long, required_unless_present = "script")]
    flow_id: Option<String>,
    /// The script whose points of contact go back (studio).
    #[arg(long, conflicts_with = "flow_id")]
    script: Option<String>,
    /// The version to restore; default: the most recently deprecated one, unless the active
    /// version is a rollback already (flows-api: a second rollback moves nothing), or what the
    /// points of contact ran before the last release, as the audit log says (studio: a TAG).
    #[arg(long)]
    to: Option<String>,
    #[command(flatten)]
    settings: SettingArgs<{ table::ROLLBACK }>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check [default: the settings file's `paths`, else .]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    settings: SettingArgs<{ table::CHECK }>,
}

/// The files or folders a command reads: its arguments, else the settings file's `paths`, else
/// the default.
fn paths_or_default(given: &[PathBuf], values: &Values) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let here = std::env::current_dir()
        .and_then(std::path::absolute)
        .unwrap_or_default();
    values.paths(&here)
}

/// The run's settings from the flags, or the exit after saying which value is wrong.
fn resolved(values: &Values) -> Result<Settings, ExitCode> {
    Settings::resolve(values).map_err(|error| cannot_run(&error.to_string()))
}

/// The settings of a release or a rollback, whose audit log says who ran: `--repository` and
/// `--commit`, else the runner's `GITHUB_*` variables, else the current folder's name and
/// `git rev-parse HEAD` there.
fn resolved_with_identity(values: &Values) -> Result<Settings, ExitCode> {
    let mut settings = resolved(values)?;
    let here = std::env::current_dir().ok();
    settings.connection.run = std::mem::take(&mut settings.connection.run).completed(
        |name| std::env::var(name).ok(),
        here.as_deref(),
        Trust::AsGitDecides,
    );
    Ok(settings)
}

/// What discovery leaves out.
fn scope_of(settings: &Settings) -> discover::Scope {
    discover::Scope {
        boundary: None,
        exclude: settings.exclude.clone(),
    }
}

#[derive(clap::Args)]
struct SimulateArgs {
    /// The flow or script file.
    flow: PathBuf,
    /// What the caller keys, one entry per menu or input reached, comma-separated (`1,,4321`: an empty
    /// entry is silence).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    dtmf: String,
    /// A starting variable, NAME=VALUE; VALUE is read as JSON when it parses (10, true, "10"), else as text.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// A Studio script's opaque action and the branch it takes, ACTION=BRANCH (the action by its
    /// label or id).
    #[arg(long = "mock", value_name = "ACTION=BRANCH")]
    mocks: Vec<String>,
    #[command(flatten)]
    settings: SettingArgs<{ table::SIMULATE }>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Runs the command the arguments name.
pub fn run() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let config = match settings_file(&args) {
        Ok(config) => config,
        Err(message) => return cannot_run(&message),
    };
    let matches = Cli::command().get_matches_from(&args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let config = config.as_ref();
    let colour = match cli.color {
        clap::ColorChoice::Auto => anstream::ColorChoice::Auto,
        clap::ColorChoice::Always => anstream::ColorChoice::Always,
        clap::ColorChoice::Never => anstream::ColorChoice::Never,
    };
    colour.write_global();
    match cli.command {
        Command::Check(args) => run_check(args, config),
        Command::Simulate(args) => run_simulate(args, config),
        Command::Release(args) => run_release(args, config),
        Command::Rollback(args) => run_rollback(args, config),
        Command::Cases(CasesCommand::Generate(args)) => run_generate(args, config),
        Command::Rules(args) => run_rules(args),
        Command::Graph(args) => run_graph(args),
        Command::Versions(args) => run_versions(args, config),
        Command::Convert(args) => run_convert(args, config),
        Command::Validate(args) => studio::validate(args, config),
        Command::Pull(args) => studio::pull(args, config),
        Command::Config => {
            print(&effective_settings(config));
            Exit::Clean.into()
        }
        Command::Init(args) => run_init(&args.dir, args.studio),
    }
}

/// Checks one flow or script (and its tests file, when given), keeping what was loaded; exit 2
/// when a file cannot be read.
fn check_kept(flow: &Path, tests: Option<PathBuf>, severities: Severities) -> Result<check::CheckReport, ExitCode> {
    let unit = discover::Unit {
        flow: Some(flow.to_path_buf()),
        tests,
        refused: Vec::new(),
    };
    let settings = CheckSettings {
        keep_loaded: true,
        severities,
        ..CheckSettings::default()
    };
    let report = check::check(std::slice::from_ref(&unit), &settings);
    match report.read_errors.first() {
        Some(error) => Err(cannot_run(&error.to_string())),
        None => Ok(report),
    }
}

/// `init`: writes the starting files, refusing (before writing any) when one exists already.
fn run_init(dir: &Path, studio: bool) -> ExitCode {
    let (files, next) = if studio {
        (
            &STUDIO_INIT_FILES[..],
            "next: `cxone-flow check` runs the script's cases; edit ivr/acme_main_ivr.json (or put your own exported script there) and the point-of-contact ids in cxone-flow.toml; set the CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET secrets (for the PR's syntax check, and in environment `cxone` for the release) before the first release tag",
        )
    } else {
        (
            &INIT_FILES[..],
            "next: `cxone-flow check` runs the example's cases; edit flows/main.flow.json; set the CXONE_CLIENT_ID and CXONE_CLIENT_SECRET secrets (environment `cxone`) before the first release tag",
        )
    };
    let existing: Vec<String> = files
        .iter()
        .map(|(path, _)| dir.join(path))
        // A link counts as there (even one that leads nowhere): init writes over nothing.
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        return cannot_run(&format!(
            "init writes nothing over existing files: {} (move them away, or start in another folder)",
            existing.join(", ")
        ));
    }
    for (path, text) in files {
        let path = dir.join(path);
        if let Err(error) = report::files::write_file(&path, text) {
            return cannot_run(&format!("failed to write `{}`: {error}", path.display()));
        }
        println!("wrote {}", path.display());
    }
    println!("{next}");
    Exit::Clean.into()
}

/// How a release shows its steps: on a terminal a progress bar over the flows with each step
/// printed above it, elsewhere (CI, a pipe) one plain line per step, all on standard error.
/// Returns the bar too, to be cleared when the release is over.
fn release_progress(flows: usize) -> (cxone_flow::progress::Progress, Option<indicatif::ProgressBar>) {
    use std::io::IsTerminal;
    let line = |step: &cxone_flow::progress::Step| match &step.flow {
        Some(flow) => format!("{flow}: {}", step.text),
        None => step.text.clone(),
    };
    if !std::io::stderr().is_terminal() {
        return (
            cxone_flow::progress::Progress::new(move |step| eprintln!("{}", line(&step))),
            None,
        );
    }
    let bar = indicatif::ProgressBar::new(flows as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} flows released or skipped") {
        bar.set_style(style);
    }
    let done = std::sync::Mutex::new(std::collections::HashSet::new());
    let shown = bar.clone();
    let progress = cxone_flow::progress::Progress::new(move |step| {
        shown.println(line(&step));
        let mut done = done.lock().unwrap_or_else(|p| p.into_inner());
        if let (true, Some(flow)) = (step.finished, &step.flow)
            && done.insert(flow.clone())
        {
            shown.inc(1);
        }
    });
    (progress, Some(bar))
}

/// The config file of this run: `--config PATH`, else `cxone-flow.toml` found upward from the first
/// argument that is an existing path, else from the current folder.
fn settings_file(args: &[std::ffi::OsString]) -> Result<Option<ConfigFile>, String> {
    let given = args
        .windows(2)
        .find(|pair| pair[0] == "--config")
        .map(|pair| PathBuf::from(&pair[1]))
        .or_else(|| {
            args.iter()
                .filter_map(|a| a.to_str())
                .find_map(|a| a.strip_prefix("--config=").map(PathBuf::from))
        });
    let path = match given {
        Some(path) => Some(path),
        None => {
            let start = args
                .iter()
                .skip(1)
                .map(PathBuf::from)
                .find(|p| !p.as_os_str().to_string_lossy().starts_with('-') && p.exists())
                .unwrap_or_else(|| PathBuf::from("."));
            settings_file::find(&start)
        }
    };
    path.map(|p| ConfigFile::load(&p)).transpose()
}

/// `config`: every setting the settings file may hold (and the secrets the environment holds),
/// its value, and where it came from (an environment variable, the file, or the default).
fn effective_settings(config: Option<&ConfigFile>) -> String {
    use cxone_flow::settings::table::{SETTINGS, Scope};
    let mut out = match config {
        Some(config) => format!("config file: {}\n", config.path.display()),
        None => format!(
            "config file: none ({} not found here or above)\n",
            settings_file::FILE_NAME
        ),
    };
    let values = SettingArgs::<0>::default().values(config);
    for setting in SETTINGS
        .iter()
        .filter(|s| matches!(s.scope, Scope::Anywhere | Scope::Secret))
    {
        let (items, source) = values.items(setting.key);
        let value = match (setting.key, &items, setting.scope) {
            ("paths", _, _) => {
                let paths = paths_or_default(&[], &values);
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            (_, Some(_), Scope::Secret) => "***".to_string(),
            (_, Some(items), _) => items.join(", "),
            (_, None, _) => "(not set)".to_string(),
        };
        let name = match setting.key {
            "paths" => "paths (arguments)".to_string(),
            _ => setting.shown_as_flag(),
        };
        out.push_str(&format!("{name:<28} {value:<40} ({source})\n"));
    }
    out
}

/// `convert`: checks the input (a file with errors is not converted), then writes it in the other
/// format, or says where each part that does not translate stands.
fn run_convert(args: ConvertArgs, config: Option<&ConfigFile>) -> ExitCode {
    use cxone_flow::studio::convert;
    let severities = match resolved(&args.settings.values(config)) {
        Ok(settings) => settings.check.severities,
        Err(exit) => return exit,
    };
    let outcome = match check_kept(&args.input, None, severities) {
        Ok(report) => Outcome::checked(report, Severity::Error),
        Err(exit) => return exit,
    };
    let report = &outcome.report;
    let Some(file) = report.units.first().and_then(|u| u.flow.as_ref()) else {
        return cannot_run("nothing to convert");
    };
    let (Some(json), Some(model), false) = (&file.json, &file.model, file.has_errors()) else {
        eprint!("{}", report::human::render(&outcome));
        eprintln!(
            "error: fix the errors in `{}` first: it is not converted",
            args.input.display()
        );
        return Ending::NotAsked.into();
    };
    let converted = if discover::is_script_path(&args.input) {
        convert::script_to_flow(json, model)
    } else {
        convert::flow_to_script(json, model)
    };
    let value = match converted {
        Ok(value) => value,
        Err(mut refusals) => {
            refusals.sort_by_key(|r| r.span.start());
            for refusal in &refusals {
                let at = file.source.locate(refusal.span);
                eprintln!(
                    "{}:{}:{}: error: {}",
                    file.source.display_path(),
                    at.line,
                    at.column,
                    refusal.message
                );
            }
            eprintln!(
                "error: `{}` does not translate ({} part{} above); nothing was written",
                args.input.display(),
                refusals.len(),
                if refusals.len() == 1 { "" } else { "s" }
            );
            return Ending::NotAsked.into();
        }
    };
    let text = cxone_flow::json::pretty::pretty(&value, convert::KEY_ORDER);
    match &args.out {
        None => print(&text),
        Some(path) => {
            if let Err(error) = report::files::write_file(path, &text) {
                return cannot_run(&format!("failed to write `{}`: {error}", path.display()));
            }
            eprintln!("wrote {}", path.display());
        }
    }
    Exit::Clean.into()
}

/// `versions`: what CXone holds of a flow, and whether the file's content is among it.
fn run_versions(args: VersionsArgs, config: Option<&ConfigFile>) -> ExitCode {
    let settings = match resolved(&args.settings.values(config)) {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let (checked, _) = match check_flow_file(&args.flow, &CheckSettings::default()) {
        Ok(checked) => checked,
        Err(exit) => return exit,
    };
    let path = checked.source.display_path();
    let Some(flow_id) = checked.flow_id.clone() else {
        eprint!("{}", diagnostics_text(&checked, Severity::Warning));
        return cannot_run(&format!("`{path}` has no flowId, so it names no CXone flow"));
    };
    let content_hash = content_hash(checked.source.text.as_bytes());
    match list_versions(&settings, &flow_id) {
        Ok(versions) => {
            print(&match args.format {
                Format::Human => report::release::render_versions(&flow_id, &path, &versions, &content_hash),
                Format::Json => format!(
                    "{}\n",
                    report::release::versions_json(&flow_id, &versions, &content_hash)
                ),
            });
            Exit::Clean.into()
        }
        Err(message) => cannot_run(&message),
    }
}

/// `graph`: the flow's diagram on stdout; with a tests file, what its cases leave uncovered and
/// the paths of the failing ones.
fn run_graph(args: GraphArgs) -> ExitCode {
    let tests = args
        .tests
        .clone()
        .or_else(|| Some(merge::tests_path_of(&args.flow)).filter(|p| p.is_file()));
    let has_tests = tests.is_some();
    let outcome = match check_kept(&args.flow, tests, Severities::default()) {
        Ok(report) => Outcome::checked(report, Severity::Error),
        Err(exit) => return exit,
    };
    let report = &outcome.report;
    let Some(flow) = report.units.first().and_then(|u| u.flow.as_ref()) else {
        return cannot_run("nothing to draw");
    };
    let Some(json) = &flow.json else {
        eprint!("{}", report::human::render(&outcome));
        return cannot_run("the flow file cannot be read as JSON, so it cannot be drawn");
    };
    let view = cxone_flow::flow::script_view::as_flow(json);
    let diagram = Diagram::of_file(&view, flow);
    let mut highlights = Highlights::default();
    match flow.simulation.as_ref().filter(|_| has_tests) {
        Some(simulation) => {
            if let Some(coverage) = &simulation.coverage {
                highlights.uncovered = diagram.nodes_named(coverage.uncovered_elements.iter());
            }
            let failing: Vec<&CallSummary> = simulation
                .cases
                .iter()
                .filter(|c| c.failed())
                .filter_map(|c| c.call.as_ref())
                .collect();
            (highlights.failing_nodes, highlights.failing_links) = diagram.on_paths(&failing);
            if let Some(why) = &simulation.not_run {
                eprintln!("note: no coverage drawn: {why}");
            }
        }
        None => eprintln!("note: no tests file, so no coverage is drawn"),
    }
    print(&match args.format {
        GraphFormat::Mermaid => report::mermaid::write(&diagram, &highlights),
        GraphFormat::Dot => report::dot::write(&diagram, &highlights),
    });
    Exit::Clean.into()
}

fn run_check(args: CheckArgs, config: Option<&ConfigFile>) -> ExitCode {
    let values = args.settings.values(config);
    let (run, details, coverage) = match resolved(&values).and_then(|run| {
        let switch = |key| values.switch(key).map_err(|e| cannot_run(&e.to_string()));
        Ok((run, switch("details")?, switch("coverage")?))
    }) {
        Ok(resolved) => resolved,
        Err(exit) => return exit,
    };
    let (mut settings, fail_on) = (run.check.clone(), run.fail_on);
    // The coverage listing names edges from the flows' models.
    settings.keep_loaded = coverage;
    settings.keep_clean_texts = coverage;
    // Every path and list only for a report that shows them all.
    settings.keep_details = details || coverage;
    // A path that is missing or holds nothing is an error; the other paths are still checked.
    let found = discover::discover_in(&paths_or_default(&args.paths, &values), &scope_of(&run));
    if found.units.is_empty() && !found.errors.is_empty() {
        for error in &found.errors {
            eprintln!("error: {error}");
        }
        return Exit::CannotRun.into();
    }
    let detail = if details { Detail::Everything } else { Detail::Failures };
    let mut report_files = ReportFiles::new(&run.reports.taken_by(table::CHECK), settings.min_coverage);
    // Without a coverage listing (it reads the kept flows at the end), the output and the report
    // files are written as the units are checked: the run's memory does not grow with its files
    // (docs/performance.md).
    let streamed = (!coverage).then(|| check_streamed(&found.units, &settings, args.format, detail, &mut report_files));
    let mut outcome = match streamed {
        Some(streamed) => Outcome::checked(CheckReport::of_streamed(streamed, settings.min_coverage), fail_on),
        None => {
            let outcome = Outcome::checked(check::check(&found.units, &settings), fail_on);
            match args.format {
                Format::Human => {
                    print_styled(&report::human::render_styled(&outcome, &Palette::COLOUR, coverage));
                }
                // JSON has no colour to strip (a control character in it is escaped).
                Format::Json => {
                    // Written as it is serialized: a large run's report is never held whole.
                    let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                    let _ = report::json::write(&outcome, detail, stdout);
                }
            }
            for unit in &outcome.report.units {
                report_files.unit(unit);
            }
            outcome
        }
    };
    if let Some(error) = report_files.finish(&outcome, &Root::default()).first() {
        return cannot_run(error);
    }
    for error in &outcome.report.read_errors {
        eprintln!("error: {error}");
    }
    for error in &found.errors {
        eprintln!("error: {error}");
        outcome.problem(Ending::Unreadable, error.to_string());
    }
    let exit = outcome.exit();
    // The last line a person reads says whether the run failed.
    if matches!(args.format, Format::Human) {
        print_failed(exit);
    }
    // The process ends here: the operating system takes the report back faster than freeing it
    // piece by piece would.
    std::mem::forget(outcome);
    exit.into()
}

/// Checks the units and writes the report and the report files as they are checked, each unit let
/// go once written.
fn check_streamed(
    units: &[discover::Unit],
    settings: &CheckSettings,
    format: Format,
    detail: Detail,
    report_files: &mut ReportFiles,
) -> check::stream::Streamed {
    match format {
        Format::Human => {
            let mut findings = report::human::Findings::new(Palette::COLOUR, settings.min_coverage);
            let streamed = check::stream::check_each(units, settings, |unit| {
                findings.unit(unit);
                report_files.unit(unit);
            });
            let mut out = findings.into_text();
            out.push_str(&report::human::summary_of(&streamed.tally));
            print_styled(&out);
            streamed
        }
        Format::Json => {
            let mut json = report::json::Spilled::new(detail, settings.min_coverage);
            let mut spill_error = None;
            let streamed = check::stream::check_each(units, settings, |unit| {
                if let Err(error) = json.unit(unit) {
                    spill_error.get_or_insert(error);
                }
                report_files.unit(unit);
            });
            // JSON has no colour to strip (a control character in it is escaped).
            let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let written = match spill_error {
                Some(error) => Err(error),
                None => json.finish(&streamed.tally, &streamed.read_errors, stdout),
            };
            // A closed pipe (`cxone-flow check | head`) is no error.
            if let Some(error) = written.err().filter(|e| e.kind() != std::io::ErrorKind::BrokenPipe) {
                eprintln!("error: the JSON report could not be written: {error}");
            }
            streamed
        }
    }
}

/// `release`: the local gate, then the release by the backend's target; the report is printed
/// when the gate refuses.
fn run_release(args: ReleaseArgs, config: Option<&ConfigFile>) -> ExitCode {
    let values = args.settings.values(config);
    let mut settings = match resolved_with_identity(&values) {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    settings.release.tag = args.tag.clone();
    let paths = paths_or_default(&args.paths, &values);
    let asked = driver::asked(&settings, &[(Setting::Payloads, args.payloads.is_some())]);
    let chosen = release::with_target(
        &settings,
        ReleaseWith {
            args: &args,
            paths: &paths,
            settings: &settings,
            asked: &asked,
        },
    );
    chosen.unwrap_or_else(|message| cannot_run(&message))
}

/// A release on the command line, given the target `--backend` names.
struct ReleaseWith<'a> {
    args: &'a ReleaseArgs,
    paths: &'a [PathBuf],
    settings: &'a Settings,
    asked: &'a [Setting],
}

impl WithTarget for ReleaseWith<'_> {
    type Output = ExitCode;
    fn with<T: ReleaseTarget>(self, target: &T) -> ExitCode {
        release_with(target, self.args, self.paths, self.settings.clone(), self.asked)
    }
}

fn release_with<T: ReleaseTarget>(
    target: &T,
    args: &ReleaseArgs,
    paths: &[PathBuf],
    mut settings: Settings,
    asked: &[Setting],
) -> ExitCode {
    if let Err(error) = driver::prepare(target, &settings, asked) {
        return cannot_run(&error.to_string());
    }
    // A release sends nothing unless every path was found.
    let units = match discover::discover_in(paths, &scope_of(&settings)).into_result() {
        Ok(units) => units,
        Err(error) => return cannot_run(&error.to_string()),
    };
    let report = check::check(
        &units,
        &CheckSettings {
            keep_loaded: true,
            ..settings.check.clone()
        },
    );
    let mut outcome = Outcome::checked(report, settings.fail_on);
    let (progress, bar) = release_progress(outcome.report.units.iter().filter(|u| u.flow.is_some()).count());
    settings.connection.progress = progress;
    let released = driver::release(target, &outcome.report, &settings);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let released = match released {
        Ok(Release::Ran(released)) => released,
        Ok(Release::Blocked(blocked)) => {
            print(&report::human::render(&outcome));
            for error in &outcome.report.read_errors {
                eprintln!("error: {error}");
            }
            eprintln!("{}", blocked.describe(&args.tag));
            let ending = blocked.ending(&outcome.report, settings.fail_on);
            outcome.problem(ending, blocked.describe(&args.tag));
            return outcome.exit().into();
        }
        Err(error) => return cannot_run(&error.to_string()),
    };
    print(&report::release::render_release(&released));
    // CXone's syntax check, at the file and line of each action it named.
    released.file_findings(&mut outcome.report);
    for file in outcome.report.units.iter().filter_map(|u| u.flow.as_ref()) {
        for diagnostic in file.diagnostics.iter().filter(|d| d.rule == Rule::RemoteSyntaxCheck) {
            let mut out = String::new();
            report::human::render_diagnostic(&mut out, &file.source, diagnostic, &Palette::PLAIN);
            print(&out);
        }
    }
    if let Some(dir) = &args.payloads {
        for item in &released.items {
            let Some((name, payload)) = &item.payload else { continue };
            // A flow's id never chooses where its file lands (named as `pull` names files).
            let Some(file) = cxone_flow::release::studio_pull::file_name_of(name) else {
                let field = if target.backend() == Backend::Studio {
                    "scriptName"
                } else {
                    "flowId"
                };
                return cannot_run(&format!(
                    "the {field} `{name}` of {} cannot name a payload file",
                    item.path
                ));
            };
            let path = dir.join(file);
            let text = serde_json::to_string_pretty(payload).unwrap_or_default() + "\n";
            if let Err(error) = report::files::write_file(&path, &text) {
                return cannot_run(&format!("failed to write `{}`: {error}", path.display()));
            }
            eprintln!("wrote {}", path.display());
        }
    }
    if let Some(failure) = &released.audit_failure {
        eprintln!("error: {failure}");
    }
    outcome.release = Some(released);
    outcome.exit().into()
}

/// `rules`: every rule in one line each, or one rule explained; as text or JSON.
fn run_rules(args: RulesArgs) -> ExitCode {
    let json = |rule: Rule| {
        serde_json::json!({
            "code": rule.code(), "name": rule.name(), "defaultSeverity": rule.default_level_name(),
            "summary": rule.summary(), "docs": format!("docs/rules.md#{}-{}", rule.code().to_lowercase(), rule.name()),
        })
    };
    let Some(key) = &args.rule else {
        let out = match args.format {
            Format::Json => {
                let all: Vec<serde_json::Value> = Rule::ALL.iter().map(|&r| json(r)).collect();
                format!("{}\n", serde_json::to_string_pretty(&all).unwrap_or_default())
            }
            Format::Human => Rule::ALL
                .iter()
                .map(|r| {
                    format!(
                        "{}  {:<26} {:<8} {}\n",
                        r.code(),
                        r.name(),
                        r.default_level_name(),
                        r.summary()
                    )
                })
                .collect(),
        };
        print(&out);
        return Exit::Clean.into();
    };
    let Some(rule) = Rule::lookup(key) else {
        return cannot_run(&format!("no rule `{key}`: `cxone-flow rules` lists them"));
    };
    let out = match args.format {
        Format::Json => {
            let mut value = json(rule);
            value["explanation"] = serde_json::json!(rule.explanation());
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        Format::Human => format!(
            "{} {} ({}): {}\n\n{}\n",
            rule.code(),
            rule.name(),
            rule.default_level_name(),
            rule.summary(),
            rule.explanation()
        ),
    };
    print(&out);
    Exit::Clean.into()
}

/// `cases generate`: checks the flow, generates its cases, prints or writes (merges) the tests file.
fn run_generate(args: GenerateArgs, config: Option<&ConfigFile>) -> ExitCode {
    let values = args.settings.values(config);
    let (settings, goal, max_cases, max_states) = match resolved(&values).and_then(|settings| {
        let goal = values
            .parsed("goal", str::parse::<Goal>)
            .map_err(|e| cannot_run(&e.to_string()))?;
        let max_cases = values.number("max-cases").map_err(|e| cannot_run(&e.to_string()))?;
        let max_states = values.number("max-states").map_err(|e| cannot_run(&e.to_string()))?;
        Ok((settings.check, goal.unwrap_or(Goal::Edges), max_cases, max_states))
    }) {
        Ok(resolved) => resolved,
        Err(exit) => return exit,
    };
    let (checked, flow) = match check_flow_file(&args.flow, &settings) {
        Ok(checked) => checked,
        Err(exit) => return exit,
    };
    let Some(flow) = flow.filter(|_| !checked.has_errors()) else {
        print(&diagnostics_text(&checked, Severity::Error));
        let noun = if checked.is_script() { "script" } else { "flow" };
        eprintln!("error: the {noun} has errors (above): fix them before generating its cases");
        return Ending::NotAsked.into();
    };
    let path = checked.source.display_path();
    let flow = cxone_flow::studio::library::with_called_scripts(&args.flow, flow);
    let generated = generate_within(&flow, goal, max_cases, max_states);
    for unreachable in &generated.unreachable {
        let at = checked.source.locate(unreachable.span);
        eprintln!(
            "{path}:{}:{}: note: {} is unreachable by input: {}",
            at.line, at.column, unreachable.what, unreachable.reason
        );
    }
    let what = match goal {
        Goal::Edges | Goal::Paths => flow.word("edges and rules", "branches"),
        Goal::Elements => flow.word("elements", "actions"),
    };
    eprintln!(
        "generated {} covering {} of {} {what} ({} unreachable by input; {} calls explored)",
        cxone_flow::printable::plural(generated.cases.len(), "case"),
        generated.covered,
        generated.targets,
        generated.unreachable.len(),
        generated.explored
    );
    if let Some(budget) = generated.stopped_at_budget {
        eprintln!(
            "warning: {path}: exploring stopped at the state budget of {budget} states (steps of the \
             calls explored and opaque actions' mocked branches they carry) after {} calls: the cases \
             cover what was explored, and what lies past the budget may be called unreachable; raise \
             it with --max-states",
            generated.explored
        );
    }
    let target = match (&args.out, args.update) {
        (Some(out), _) => Some(out.clone()),
        (None, true) => Some(merge::tests_path_of(&args.flow)),
        (None, false) => None,
    };
    let Some(target) = target else {
        print(&merge::fresh(&generated.cases));
        return Exit::Clean.into();
    };
    let existing = if args.update {
        match std::fs::read_to_string(&target) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return cannot_run(&format!("failed to read `{}`: {error}", target.display())),
        }
    } else {
        None
    };
    let merged = match existing {
        Some(text) => match merge::merge(&text, &generated.cases) {
            Ok(merged) => merged,
            Err(message) => return cannot_run(&format!("`{}`: {message}", target.display())),
        },
        None => merge::Merged {
            text: merge::fresh(&generated.cases),
            changes: Vec::new(),
        },
    };
    if let Err(error) = report::files::write_file(&target, &merged.text) {
        return cannot_run(&format!("failed to write `{}`: {error}", target.display()));
    }
    let mut out = String::new();
    for change in &merged.changes {
        out.push_str(change);
        out.push('\n');
    }
    out.push_str(&format!("wrote {}\n", target.display()));
    print(&out);
    Exit::Clean.into()
}

/// `rollback`: restores an earlier version of one flow, or a script's points of contact.
fn run_rollback(args: RollbackArgs, config: Option<&ConfigFile>) -> ExitCode {
    let settings = match resolved_with_identity(&args.settings.values(config)) {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let chosen = release::with_target(
        &settings,
        RollbackWith {
            args: &args,
            settings: &settings,
        },
    );
    chosen.unwrap_or_else(|message| cannot_run(&message))
}

/// A rollback on the command line, given the target `--backend` names.
struct RollbackWith<'a> {
    args: &'a RollbackArgs,
    settings: &'a Settings,
}

impl WithTarget for RollbackWith<'_> {
    type Output = ExitCode;
    fn with<T: ReleaseTarget>(self, target: &T) -> ExitCode {
        // A script is named by --script, anything else a backend releases by --flow-id.
        let (what, _) = target.nouns();
        let (flag, subject) = match what {
            "script" => ("--script NAME", &self.args.script),
            _ => ("--flow-id", &self.args.flow_id),
        };
        let Some(subject) = subject else {
            return cannot_run(&format!("rollback --backend {} needs {flag}", target.name()));
        };
        let mut outcome = Outcome::unchecked();
        match driver::roll_back(target, subject, self.args.to.as_deref(), self.settings) {
            Ok(done) => print(&done.text),
            Err(failure) => {
                let message = format!("rollback of {what} {subject}: {}", failure.message());
                eprintln!("error: {}", cxone_flow::printable::shown(&message));
                outcome.problem(failure.ending(), message);
            }
        }
        outcome.exit().into()
    }
}

fn run_simulate(args: SimulateArgs, config: Option<&ConfigFile>) -> ExitCode {
    let max_execution_ms = match args.settings.values(config).number("max-execution-ms") {
        Ok(ms) => ms,
        Err(error) => return cannot_run(&error.to_string()),
    };
    let mut variables = Variables::new();
    for var in &args.vars {
        let Some((name, value)) = var.split_once('=').filter(|(name, _)| !name.is_empty()) else {
            return cannot_run(&format!("--var `{var}` is not NAME=VALUE"));
        };
        let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        variables.insert(name.to_string(), value);
    }
    let mut mocks = Vec::new();
    for mock in &args.mocks {
        let Some((action, branch)) = mock.split_once('=').filter(|(action, _)| !action.is_empty()) else {
            return cannot_run(&format!("--mock `{mock}` is not ACTION=BRANCH"));
        };
        let spanned = |text: &str| cxone_flow::source::Spanned::new(text.to_string(), Default::default());
        mocks.push((spanned(action), spanned(branch)));
    }
    let dtmf: Vec<String> = if args.dtmf.is_empty() {
        Vec::new()
    } else {
        args.dtmf.split(',').map(str::to_string).collect()
    };
    if let Some(bad) = dtmf.iter().find(|e| !is_dtmf_entry(e)) {
        return cannot_run(&format!("--dtmf entry `{bad}` is not a string of keys 0-9, * and #"));
    }
    let settings = CheckSettings {
        max_execution_ms,
        ..CheckSettings::default()
    };
    let (checked, flow) = match check_flow_file(&args.flow, &settings) {
        Ok(checked) => checked,
        Err(exit) => return exit,
    };
    let has_errors = checked.has_errors();
    let mut out = diagnostics_text(&checked, Severity::Error);
    let Some(flow) = flow else {
        print(&out);
        return cannot_run("the flow file cannot be read as JSON, so it cannot be simulated");
    };
    if has_errors {
        out.push_str("the flow has errors (above); simulating it as it stands:\n\n");
    }
    let flow = cxone_flow::studio::library::with_called_scripts(&args.flow, flow);
    let call = Engine::new(&flow).run_mocked(&dtmf, &variables, &mocks);
    out.push_str(&report::trace::render(&flow, &call, max_execution_ms));
    print(&out);
    Ending::NotAsked
        .when(has_errors || call.verdict(&flow, max_execution_ms) != Verdict::Success)
        .into()
}

/// Reads and checks one flow file named on the command line; exit 2 when it cannot be read.
fn check_flow_file(path: &Path, settings: &CheckSettings) -> Result<(FileReport, Option<Flow>), ExitCode> {
    let bytes =
        std::fs::read(path).map_err(|error| cannot_run(&format!("failed to read `{}`: {error}", path.display())))?;
    Ok(check::check_flow_bytes(&path.to_string_lossy(), bytes, settings))
}

/// A checked file's diagnostics of at least `least` severity, as `check` prints them.
fn diagnostics_text(file: &FileReport, least: Severity) -> String {
    let mut out = String::new();
    for diagnostic in file.diagnostics.iter().filter(|d| d.severity >= least) {
        report::human::render_diagnostic(&mut out, &file.source, diagnostic, &Palette::PLAIN);
    }
    out
}

fn cannot_run(message: &str) -> ExitCode {
    // An error names files, ids and what a server said: shown as data, on one line.
    eprintln!("error: {}", cxone_flow::printable::shown(message));
    Exit::CannotRun.into()
}

/// Writes to stdout, ignoring a closed pipe (`cxone-flow check | head`).
fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Prints text that may carry colour: kept on a terminal that wants it, stripped elsewhere (a pipe,
/// a file, `NO_COLOR`, `--color never`).
/// The last line a person reads of a run that failed: `FAILED (exit N)`; nothing for a clean one.
fn print_failed(exit: Exit) {
    if exit != Exit::Clean {
        let style = Palette::COLOUR.error;
        print_styled(&format!("{style}FAILED{style:#} (exit {})\n", exit.code()));
    }
}

fn print_styled(text: &str) {
    let _ = anstream::stdout().lock().write_all(text.as_bytes());
}
