//! Every setting declared once: its key (the Action's input and the settings file's key), its
//! command-line flag, its environment variable, its default, the shape of its value, who may set
//! it, the commands that take it and its help text. The command line's flags, the Action's input
//! reader, the settings file's check, `cxone-flow config`, action.yml's test and the settings
//! table of docs/configuration.md are all read from [`SETTINGS`].

use crate::cxone::config::DEFAULT_MAX_RETRIES;
use crate::generate::{DEFAULT_MAX_CASES, DEFAULT_MAX_STATES};
use crate::registry::{DEFAULT_MAX_DECISION_NODES, DEFAULT_MAX_MENU_DEPTH};
use crate::sim::run::DEFAULT_MAX_EXECUTION_MS;

/// The CXone API of the tutorial's contract.
pub const DEFAULT_BASE_URL: &str = "https://api.mynicecx.com/api/v2";
pub const DEFAULT_TOKEN_URL: &str = "https://api.mynicecx.com/oauth/token";
/// The audit log, appended to.
pub const DEFAULT_AUDIT_LOG: &str = "cxone-flow-audit.jsonl";
/// Flows released at once.
pub const DEFAULT_MAX_CONCURRENCY: usize = 4;
/// `metadata.activationPriority` of the versions.
pub const DEFAULT_ACTIVATION_PRIORITY: u32 = 1;
/// The tags that release to production when nobody says otherwise: a `-prod` suffix or a `prod-`
/// prefix (never `nonprod`, `preprod` or `products-v2`).
pub const PRODUCTION_TAGS: &str = "*-prod,prod-*";
/// The environment variable that holds the client secret (never a flag: process lists keep those).
pub const SECRET_ENV: &str = "CXONE_CLIENT_SECRET";

/// Where an access key's secret is read from (never from the command line).
pub const ACCESS_KEY_SECRET_ENV: &str = "CXONE_ACCESS_KEY_SECRET";
/// The fallback API host of a cluster.
pub const DEFAULT_CLUSTER_API: &str = "https://api-{cluster}.nice-incontact.com";

/// The commands of the command line, as bits: a setting names the commands that take it, and a
/// command's `--help` lists only those.
pub type Commands = u16;
pub const CHECK: Commands = 1;
pub const RELEASE: Commands = 1 << 1;
pub const ROLLBACK: Commands = 1 << 2;
pub const VALIDATE: Commands = 1 << 3;
pub const PULL: Commands = 1 << 4;
pub const VERSIONS: Commands = 1 << 5;
pub const SIMULATE: Commands = 1 << 6;
pub const GENERATE: Commands = 1 << 7;
pub const CONVERT: Commands = 1 << 8;
/// The commands that judge files by the rules' limits and severities.
const JUDGE: Commands = CHECK | RELEASE | VALIDATE;
/// The commands that call a real tenant's Studio API.
const STUDIO: Commands = RELEASE | ROLLBACK | VALIDATE | PULL;
/// The commands that call the flows-api backend.
const FLOWS_API: Commands = RELEASE | ROLLBACK | VERSIONS;

/// The command names of the bits, for the docs.
pub const COMMAND_NAMES: [(Commands, &str); 9] = [
    (CHECK, "check"),
    (RELEASE, "release"),
    (ROLLBACK, "rollback"),
    (VALIDATE, "validate"),
    (PULL, "pull"),
    (VERSIONS, "versions"),
    (SIMULATE, "simulate"),
    (GENERATE, "cases generate"),
    (CONVERT, "convert"),
];

/// Which CXone API a run talks to, declared beside its setting's words (`release/mod.rs` chooses
/// the release target of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The first contract's flow versions (`*.flow.json`).
    FlowsApi,
    /// A real tenant's Studio scripts and points of contact.
    Studio,
}

impl Backend {
    /// Every backend, as the `backend` setting spells it.
    pub const ALL: [(Backend, &'static str); 2] = [(Backend::FlowsApi, "flows-api"), (Backend::Studio, "studio")];
    /// The words of [`Backend::ALL`], the `backend` setting's choices.
    pub const WORDS: [&'static str; 2] = {
        let mut words = [""; Backend::ALL.len()];
        let mut i = 0;
        while i < words.len() {
            words[i] = Backend::ALL[i].1;
            i += 1;
        }
        words
    };

    /// The word `--backend` spells it with.
    pub fn word(self) -> &'static str {
        Backend::ALL
            .iter()
            .find(|(backend, _)| *backend == self)
            .map_or("", |(_, word)| word)
    }

    /// The backend a word names.
    pub fn of_word(word: &str) -> Option<Backend> {
        Backend::ALL
            .iter()
            .find(|(_, w)| *w == word)
            .map(|(backend, _)| *backend)
    }
}

/// The shape of a setting's value: how a flag takes it and how its text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Text,
    /// `true` or `false`; on the command line a switch.
    Switch,
    /// A whole number of at least this.
    Number(u64),
    /// A percentage from 0 to 100, `%` allowed.
    Percent,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// An `https://` URL (`http://` for loopback).
    Url,
    /// A file or folder.
    Path,
    /// Items, one per line or comma-separated (a flag repeated).
    List,
    /// `KEY=VALUE` items, one per line (a flag repeated).
    Pairs,
    /// A secret: from the Action's input or the environment only, masked, never in the file.
    Secret,
}

/// Where a setting may come from besides the workflow and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Also the settings file.
    Anywhere,
    /// Never the settings file: it is committed, and a secret never is.
    Secret,
    /// Never the settings file: it names what one run does (a rollback, the folder it runs in).
    PerRun,
    /// Never the settings file: it widens where credentials may go, and a pull request can change
    /// a committed file. Only the workflow's input or the command line's flag sets it.
    WorkflowOnly,
}

/// A setting's value when nobody sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    /// Not set.
    Unset,
    Text(&'static str),
    Number(u64),
    Switch(bool),
}

impl DefaultValue {
    /// The default as the text a flag or input would hold, `None` when unset.
    pub fn text(self) -> Option<String> {
        match self {
            DefaultValue::Unset => None,
            DefaultValue::Text(text) => Some(text.to_string()),
            DefaultValue::Number(n) => Some(n.to_string()),
            DefaultValue::Switch(on) => Some(on.to_string()),
        }
    }
}

/// A row's own parser: whether a value is one it takes, or why not.
pub type Parser = fn(&str) -> Result<(), String>;

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The Action's input name and the settings file's key.
    pub key: &'static str,
    /// The command line's long flag (without `--`); `None` when the command line does not take it.
    pub flag: Option<&'static str>,
    /// Whether the Action takes it as an input (action.yml declares exactly these).
    pub input: bool,
    /// The environment variable that sets it (below a flag or input, above the file).
    pub env: Option<&'static str>,
    pub default: DefaultValue,
    /// The Action's default, where it differs (the Action writes report files by default).
    pub action_default: Option<DefaultValue>,
    pub kind: Kind,
    pub scope: Scope,
    /// The commands whose flags include it.
    pub commands: Commands,
    /// A report file's path: `Settings::reports` holds it by its key, and `report::FILE_FORMATS`
    /// names the renderer of the same key that writes it.
    pub report: bool,
    /// The backend whose own setting it is (its connection, its release's options):
    /// `Settings::resolve` keeps its value by key in `Settings::backend_values`, and the backend
    /// reads it from there in its own module (Studio: `release/studio_tenant.rs`).
    pub backend: Option<Backend>,
    /// What its value must be beyond its kind's shape (a region's name, `SCRIPT=ID` items), checked
    /// when the settings are resolved; whoever reads the typed value parses it with the same
    /// function. `None`: its kind's parser alone.
    pub parser: Option<Parser>,
    /// For a backend's own release option: why another backend's release cannot carry it. Set
    /// under another backend, the release is refused (exit 2) with this reason, unless that
    /// backend's target gives its own.
    pub elsewhere: Option<&'static str>,
    pub help: &'static str,
}

impl Setting {
    const fn new(key: &'static str, kind: Kind, help: &'static str) -> Setting {
        Setting {
            key,
            flag: None,
            input: false,
            env: None,
            default: DefaultValue::Unset,
            action_default: None,
            kind,
            scope: Scope::Anywhere,
            commands: 0,
            report: false,
            backend: None,
            parser: None,
            elsewhere: None,
            help,
        }
    }
    /// A flag of these commands, named as the key.
    const fn flag(self, commands: Commands) -> Setting {
        self.flag_named(self.key, commands)
    }
    const fn flag_named(mut self, flag: &'static str, commands: Commands) -> Setting {
        self.flag = Some(flag);
        self.commands = commands;
        self
    }
    const fn input(mut self) -> Setting {
        self.input = true;
        self
    }
    const fn env(mut self, name: &'static str) -> Setting {
        self.env = Some(name);
        self
    }
    const fn default(mut self, default: DefaultValue) -> Setting {
        self.default = default;
        self
    }
    const fn action_default(mut self, default: DefaultValue) -> Setting {
        self.action_default = Some(default);
        self
    }
    const fn report(mut self) -> Setting {
        self.report = true;
        self
    }
    /// One of `backend`'s own settings.
    const fn of(mut self, backend: Backend) -> Setting {
        self.backend = Some(backend);
        self
    }
    const fn parser(mut self, parser: Parser) -> Setting {
        self.parser = Some(parser);
        self
    }
    /// A release option of its backend's alone, refused under any other for `reason`.
    const fn refused_elsewhere(mut self, reason: &'static str) -> Setting {
        self.elsewhere = Some(reason);
        self
    }
    const fn scope(mut self, scope: Scope) -> Setting {
        self.scope = scope;
        self
    }

    /// The default an adapter applies: the Action's own where it has one.
    pub fn default_for(&self, action: bool) -> DefaultValue {
        match (action, self.action_default) {
            (true, Some(default)) => default,
            _ => self.default,
        }
    }

    /// How an error or a listing names it on the command line: `--flag`, else the key.
    pub fn shown_as_flag(&self) -> String {
        self.flag
            .map_or_else(|| self.key.to_string(), |flag| format!("--{flag}"))
    }
}

use DefaultValue::{Number, Switch, Text};
use Kind::{Choice, List, Pairs, Path, Percent, Secret, Url};

/// Every setting, in action.yml's order of inputs (a test keeps the two in step).
pub static SETTINGS: &[Setting] = &[
    Setting::new("working-directory", Path, "the folder, inside the repository, that `paths` and the report paths are relative to")
        .input()
        .default(Text("."))
        .scope(Scope::PerRun),
    Setting::new("paths", List, "files or folders to check (the command line: its arguments)")
        .input()
        .default(Text(".")),
    Setting::new("exclude", List, "leave out files and folders matching this glob (`.gitignore` syntax, below each folder walked; repeat for more); what `.gitignore` ignores is always left out")
        .flag(JUDGE)
        .input(),
    Setting::new("changed-only", Kind::Switch, "on a pull request, check only the flows it touches")
        .input()
        .default(Switch(true)),
    Setting::new("fail-on", Choice(&["error", "warning"]), "the least severity that fails the run (exit 1) and blocks a release")
        .flag(JUDGE)
        .input()
        .default(Text("error")),
    Setting::new("max-decision-nodes", Kind::Number(0), "branching complexity limit: the most `menu` and `routing` elements a flow (or `MENU` actions a script) may have")
        .flag(JUDGE)
        .input()
        .default(Number(DEFAULT_MAX_DECISION_NODES as u64)),
    Setting::new("max-menu-depth", Kind::Number(0), "menu depth limit: the most menus and inputs a caller may pass to reach any element or action")
        .flag(JUDGE)
        .input()
        .default(Number(DEFAULT_MAX_MENU_DEPTH as u64)),
    Setting::new("max-execution-ms", Kind::Number(1), "fail a case whose simulated call takes longer than this (ms), unless it sets its own maxExecutionMs")
        .flag(JUDGE | SIMULATE)
        .input()
        .default(Number(DEFAULT_MAX_EXECUTION_MS)),
    Setting::new("min-coverage", Percent, "fail flows or scripts whose cases reach fewer than this percentage of their elements or actions")
        .flag(JUDGE)
        .input(),
    Setting::new("severity", Pairs, "override a rule's severity: CODE=error|warning|off (code or name; repeat, or separate with commas)")
        .flag(JUDGE | CONVERT | GENERATE)
        .input(),
    Setting::new("details", Kind::Switch, "JSON output: every case's path and every flow's or script's uncovered elements or actions, not only those of failures")
        .flag(CHECK)
        .default(Switch(false)),
    Setting::new("coverage", Kind::Switch, "human output: every flow's or script's coverage, with the elements or actions no case reaches and the edges no case takes")
        .flag(CHECK)
        .default(Switch(false)),
    Setting::new("junit-path", Path, "also write a JUnit XML report to this file (the Action: empty for none)")
        .flag_named("junit", CHECK | VALIDATE)
        .report()
        .input()
        .action_default(Text("cxone-flow-junit.xml")),
    Setting::new("sarif-path", Path, "also write a SARIF 2.1.0 report (for code scanning) to this file (the Action: empty for none)")
        .flag_named("sarif", CHECK | VALIDATE)
        .report()
        .input()
        .action_default(Text("cxone-flow.sarif")),
    Setting::new("report-path", Path, "the Action's JSON report (empty for none)")
        .report()
        .input()
        .action_default(Text("cxone-flow-report.json")),
    Setting::new("annotations", Kind::Switch, "annotate the pull request's lines")
        .input()
        .default(Switch(true)),
    Setting::new("summary", Kind::Switch, "write the job summary")
        .input()
        .default(Switch(true)),
    Setting::new("comment", Kind::Switch, "keep one pull request comment with the summary")
        .input()
        .default(Switch(false)),
    Setting::new("github-token", Secret, "for the pull request's files, the base versions, the comment")
        .input()
        .scope(Scope::Secret),
    Setting::new("shard", Kind::Text, "`k/n`: check the k-th of n slices of the selected flows")
        .input()
        .default(Text("1/1")),
    Setting::new("release-on-tag", Kind::Switch, "release on a tag push")
        .input()
        .default(Switch(false)),
    Setting::new("cxone-base-url", Url, "the CXone API base URL (tenants live in different areas)")
        .flag_named("base-url", FLOWS_API)
        .input()
        .env("CXONE_BASE_URL")
        .default(Text(DEFAULT_BASE_URL)),
    Setting::new("cxone-token-url", Url, "the OAuth token URL")
        .flag_named("token-url", FLOWS_API)
        .input()
        .env("CXONE_TOKEN_URL")
        .default(Text(DEFAULT_TOKEN_URL)),
    Setting::new("cxone-client-id", Kind::Text, "the OAuth client id (Studio: a registered app's, which switches the login to the OIDC password grant; its secret in CXONE_CLIENT_SECRET)")
        .flag_named("client-id", FLOWS_API | STUDIO)
        .input()
        .env("CXONE_CLIENT_ID"),
    Setting::new("cxone-client-secret", Secret, "the OAuth client secret")
        .input()
        .env(SECRET_ENV)
        .scope(Scope::Secret),
    Setting::new("max-retries", Kind::Number(0), "retries after the first attempt of a call")
        .flag(FLOWS_API | STUDIO)
        .default(Number(DEFAULT_MAX_RETRIES as u64)),
    Setting::new("backend", Choice(&Backend::WORDS), "`flows-api` (flow files, the first contract) or `studio` (Studio scripts, a real tenant)")
        .flag(RELEASE | ROLLBACK)
        .input()
        .default(Text("flows-api")),
    Setting::new("cxone-access-key-id", Kind::Text, "Studio: the access key id (its secret: CXONE_ACCESS_KEY_SECRET)")
        .flag_named("access-key-id", STUDIO)
        .input()
        .env("CXONE_ACCESS_KEY_ID")
        .of(Backend::Studio),
    Setting::new("cxone-access-key-secret", Secret, "Studio: the access key's secret")
        .input()
        .env(ACCESS_KEY_SECRET_ENV)
        .scope(Scope::Secret)
        .of(Backend::Studio),
    Setting::new("cxone-region", Choice(&["global", "fedramp", "au", "eu"]), "Studio: the region's login and discovery hosts")
        .flag(STUDIO)
        .input()
        .env("CXONE_REGION")
        .default(Text("global"))
        .of(Backend::Studio)
        .parser(|text| text.parse::<crate::cxone::studio::Region>().map(drop)),
    Setting::new("cxone-issuer", Url, "Studio: the OIDC issuer (its discovery documents), instead of the region's")
        .flag(STUDIO)
        .input()
        .env("CXONE_ISSUER")
        .of(Backend::Studio),
    Setting::new("cxone-access-key-url", Url, "Studio: the access-key token route, instead of the region's")
        .flag(STUDIO)
        .input()
        .env("CXONE_ACCESS_KEY_URL")
        .of(Backend::Studio),
    Setting::new("cxone-api-base", Url, "Studio: the API host; without it, discovered from the token's tenant")
        .flag(STUDIO)
        .input()
        .env("CXONE_API_BASE")
        .of(Backend::Studio),
    Setting::new("cxone-cluster-api", Url, "Studio: the fallback API host when discovery fails, `{cluster}` for the token's cluster")
        .flag(STUDIO)
        .input()
        .env("CXONE_CLUSTER_API")
        .default(Text(DEFAULT_CLUSTER_API))
        .of(Backend::Studio),
    Setting::new("cxone-api-version", Kind::Text, "Studio: the Studio API version pinned")
        .flag(STUDIO)
        .input()
        .env("CXONE_API_VERSION")
        .default(Text(crate::cxone::studio_types::DEFAULT_API_VERSION))
        .of(Backend::Studio),
    Setting::new("points-of-contact", Pairs, "Studio: which points of contact run a script once released: SCRIPT=ID[,ID...] (repeat, or one per line)")
        .flag_named("point-of-contact", RELEASE | ROLLBACK | PULL)
        .input()
        .of(Backend::Studio)
        .parser(|text| crate::cxone::studio::parse_points_of_contact([text]).map(drop))
        .refused_elsewhere("only a Studio release saves scripts that points of contact run; no point of contact is moved"),
    Setting::new("allow-live-overwrite", Kind::Switch, "Studio: save over a `NAME__TAG` that holds other content (as `release --force`): a rollback to that tag then restores the new content")
        .flag(RELEASE)
        .input()
        .default(Switch(false))
        .of(Backend::Studio)
        .refused_elsewhere("only a Studio release saves over a script's `NAME__TAG`"),
    Setting::new("remote-validate", Kind::Switch, "Studio: also run CXone's own syntax check on every checked script (saved as `NAME__ci`)")
        .input()
        .default(Switch(false))
        .of(Backend::Studio),
    Setting::new("sandbox-prefix", Kind::Text, "Studio: put before each sandbox name of the remote syntax check (`PREFIX` + `NAME__ci`)")
        .flag(RELEASE | VALIDATE)
        .input()
        .default(Text(""))
        .of(Backend::Studio)
        .refused_elsewhere("it names the sandboxes of Studio's remote syntax check, which only a Studio release has"),
    Setting::new("cxone-renames", Pairs, "Studio: an API name the tenant spells otherwise: CANONICAL=ACTUAL, for an endpoint path, a query parameter or an answer's field (repeat, or one per line)")
        .flag_named("cxone-rename", STUDIO)
        .input()
        .of(Backend::Studio)
        .parser(|text| crate::cxone::studio::Renames::parse([text]).map(drop)),
    Setting::new("check-drift", Kind::Switch, "Studio: warn at each checked script whose live script differs from the file")
        .input()
        .default(Switch(false))
        .of(Backend::Studio),
    Setting::new("cxone-allowed-hosts", List, "Studio: a host besides NICE's domains and loopback that the access key and tokens may go to (repeat for more); never taken from cxone-flow.toml")
        .flag_named("cxone-allowed-host", STUDIO)
        .input()
        .scope(Scope::WorkflowOnly),
    Setting::new("environment", Choice(&["production", "staging"]), "`production` or `staging`, instead of deciding from the tag (flows-api only)")
        .flag(RELEASE)
        .input(),
    Setting::new("production-tags", Kind::Text, "tags that release to production (comma-separated globs, `*` any characters, any case); every other tag releases to staging (flows-api only)")
        .flag(RELEASE)
        .input()
        .default(Text(PRODUCTION_TAGS)),
    Setting::new("force", Kind::Switch, "release content that a rollback undid instead of leaving it rolled back; Studio: save over a `NAME__TAG` that holds other content")
        .flag(RELEASE)
        .input()
        .default(Switch(false)),
    Setting::new("activation-priority", Kind::Number(0), "`metadata.activationPriority` of the versions (flows-api only)")
        .flag(RELEASE)
        .input()
        .default(Number(DEFAULT_ACTIVATION_PRIORITY as u64)),
    Setting::new("max-concurrency", Kind::Number(1), "flows released at once (flows-api only)")
        .flag(RELEASE)
        .input()
        .default(Number(DEFAULT_MAX_CONCURRENCY as u64)),
    Setting::new("qa-webhook-url", Url, "make sure a FLOW_VERSION_PUBLISHED webhook to this URL exists (created once, never twice; flows-api only)")
        .flag(RELEASE)
        .input(),
    Setting::new("smoke-test", Kind::Switch, "after publishing, simulate the cases again against the active version; roll back if they fail (flows-api only)")
        .flag(RELEASE)
        .input()
        .default(Switch(false)),
    Setting::new("dry-run", Kind::Switch, "every read and check, and what would be sent; nothing registered, published, saved or repointed")
        .flag(RELEASE | ROLLBACK)
        .input()
        .default(Switch(false)),
    Setting::new("audit-log", Path, "the audit log, one JSON object per line, appended to")
        .flag(RELEASE | ROLLBACK)
        .input()
        .default(Text(DEFAULT_AUDIT_LOG)),
    Setting::new("commit", Kind::Text, "the commit released (default: GITHUB_SHA, else `git rev-parse HEAD`; the Action: the event's)")
        .flag(RELEASE | ROLLBACK)
        .scope(Scope::PerRun),
    Setting::new("repository", Kind::Text, "the repository released from (default: GITHUB_REPOSITORY, else the current folder's name; the Action: the event's)")
        .flag(RELEASE | ROLLBACK)
        .scope(Scope::PerRun),
    Setting::new("rollback-flow-id", Kind::Text, "roll this flow (flows-api) or script (studio) back instead of checking")
        .input()
        .scope(Scope::PerRun),
    Setting::new("rollback-to", Kind::Text, "the version (flows-api) or tag (studio) the rollback restores; empty for the last release's predecessor")
        .input()
        .scope(Scope::PerRun),
    Setting::new("goal", Choice(&["edges", "elements", "paths"]), "what the generated cases must cover")
        .flag(GENERATE)
        .default(Text("edges")),
    Setting::new("max-cases", Kind::Number(1), "the most cases to write")
        .flag(GENERATE)
        .default(Number(DEFAULT_MAX_CASES as u64)),
    Setting::new("max-states", Kind::Number(1), "the most states the explored calls may hold (a step of a call, or an opaque action's branch it was mocked with): bounds the generator's memory and time")
        .flag(GENERATE)
        .default(Number(DEFAULT_MAX_STATES as u64)),
];

/// The setting of this key.
pub fn setting(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// The settings a command's flags take, in the table's order.
pub fn of_command(command: Commands) -> impl Iterator<Item = &'static Setting> {
    SETTINGS
        .iter()
        .filter(move |s| s.flag.is_some() && s.commands & command != 0)
}

/// The Action's inputs, in action.yml's order.
pub fn inputs() -> impl Iterator<Item = &'static Setting> {
    SETTINGS.iter().filter(|s| s.input)
}

/// The keys the settings file may set.
pub fn file_keys() -> impl Iterator<Item = &'static str> {
    SETTINGS.iter().filter(|s| s.scope == Scope::Anywhere).map(|s| s.key)
}

/// The settings table of docs/configuration.md, written from [`SETTINGS`] (a test keeps the file
/// in step).
pub fn markdown() -> String {
    let mut out = String::from(
        "| key (input, file) | flag | environment | default (Action's) | commands | meaning |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    let code = |text: Option<String>| text.map_or_else(String::new, |t| format!("`{t}`"));
    for s in SETTINGS {
        let key = match (s.input, s.scope) {
            (_, Scope::Secret) => format!("`{}` (secret: never in the file)", s.key),
            (_, Scope::WorkflowOnly) => format!("`{}` (never in the file)", s.key),
            (_, Scope::PerRun) => format!("`{}` (per run: never in the file)", s.key),
            (false, _) => format!("`{}` (command line and file)", s.key),
            (true, _) => format!("`{}`", s.key),
        };
        let default = match (s.default.text(), s.action_default.and_then(DefaultValue::text)) {
            (default, Some(action)) => format!("{} (`{action}`)", code(default)),
            (default, None) => code(default),
        };
        let commands: Vec<&str> = COMMAND_NAMES
            .iter()
            .filter(|(bit, _)| s.commands & bit != 0)
            .map(|(_, name)| *name)
            .collect();
        out.push_str(&format!(
            "| {key} | {} | {} | {} | {} | {} |\n",
            code(s.flag.map(|f| format!("--{f}"))),
            code(s.env.map(str::to_string)),
            default.replace('|', "\\|"),
            commands.join(", "),
            s.help.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_flags_and_variables_are_each_declared_once() {
        let mut keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        let mut flags: Vec<&str> = SETTINGS.iter().filter_map(|s| s.flag).collect();
        let mut envs: Vec<&str> = SETTINGS.iter().filter_map(|s| s.env).collect();
        for list in [&mut keys, &mut flags, &mut envs] {
            let before = list.len();
            list.sort();
            list.dedup();
            assert_eq!(list.len(), before, "{list:?}");
        }
        // A flag belongs to a command, and a secret is never a flag (process lists keep those).
        for s in SETTINGS {
            assert_eq!(s.flag.is_some(), s.commands != 0, "{}", s.key);
            assert!(s.kind != Secret || s.flag.is_none(), "{}", s.key);
            // Only a backend's own setting is refused under the other backends.
            assert!(s.elsewhere.is_none() || s.backend.is_some(), "{}", s.key);
        }
    }

    #[test]
    fn no_secret_row_has_a_parser_of_its_own() {
        // A parser's error quotes the text it refuses: a secret's would land in the message.
        for setting in SETTINGS.iter().filter(|s| matches!(s.kind, Kind::Secret)) {
            assert!(setting.parser.is_none(), "{}", setting.key);
        }
    }

    #[test]
    fn validate_takes_no_flows_api_or_release_setting() {
        let flags: Vec<&str> = of_command(VALIDATE).filter_map(|s| s.flag).collect();
        for unused in [
            "base-url",
            "token-url",
            "point-of-contact",
            "allow-live-overwrite",
            "commit",
        ] {
            assert!(!flags.contains(&unused), "{unused}");
        }
        assert!(flags.contains(&"access-key-id") && flags.contains(&"fail-on"));
    }
}
