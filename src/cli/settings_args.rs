//! The command line's flags of the settings table: each command's flags are the table's settings
//! that name it (so `--help` lists only what the command uses), read back as the values a
//! [`Values`] layers over the environment, the settings file and the defaults.

use clap::builder::PossibleValuesParser;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches};
use cxone_flow::settings::file::ConfigFile;
use cxone_flow::settings::resolve::{Source, Values};
use cxone_flow::settings::table::{self, Commands, Kind, Setting};

/// The settings flags of the command `C` (a bit of `table`), as given on the command line.
#[derive(Debug, Clone, Default)]
pub(super) struct SettingArgs<const C: Commands> {
    given: Vec<(&'static str, Vec<String>)>,
}

/// The process's environment.
fn process_environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl<const C: Commands> SettingArgs<C> {
    /// The flags given, over the environment, the settings file and the table's defaults.
    pub(super) fn values<'a>(&self, file: Option<&'a ConfigFile>) -> Values<'a> {
        let mut values = Values::new(&process_environment, file, false);
        for (key, items) in &self.given {
            let flag = table::setting(key).and_then(|s| s.flag).unwrap_or(key);
            values.give(key, items.clone(), Source::Flag(flag));
        }
        values
    }
}

/// The flag of one setting, its help ending with its default and its environment variable.
fn arg_of(setting: &'static Setting) -> Arg {
    // The table's help as a sentence, as the other flags' help reads.
    let mut chars = setting.help.chars();
    let mut help: String = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    help.push('.');
    if let Some(default) = setting
        .default
        .text()
        .filter(|d| !d.is_empty() && setting.kind != Kind::Switch)
    {
        help.push_str(&format!(" [default: {default}]"));
    }
    if let Some(env) = setting.env {
        help.push_str(&format!(" [env: {env}]"));
    }
    let arg = Arg::new(setting.key)
        .long(setting.flag.unwrap_or(setting.key))
        .help(help);
    match setting.kind {
        Kind::Switch => arg.action(ArgAction::SetTrue),
        Kind::List | Kind::Pairs => arg
            .action(ArgAction::Append)
            .value_parser(clap::value_parser!(String))
            .value_name(if setting.kind == Kind::Pairs {
                "KEY=VALUE"
            } else {
                "VALUE"
            }),
        Kind::Choice(words) => arg
            .action(ArgAction::Set)
            .value_parser(PossibleValuesParser::new(words))
            .value_name("WORD"),
        kind => arg
            .action(ArgAction::Set)
            .value_parser(clap::value_parser!(String))
            .value_name(match kind {
                Kind::Number(_) => "N",
                Kind::Percent => "PCT",
                Kind::Url => "URL",
                Kind::Path => "PATH",
                _ => "TEXT",
            }),
    }
}

impl<const C: Commands> clap::Args for SettingArgs<C> {
    fn augment_args(command: clap::Command) -> clap::Command {
        table::of_command(C).fold(command, |command, setting| command.arg(arg_of(setting)))
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

impl<const C: Commands> clap::FromArgMatches for SettingArgs<C> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for setting in table::of_command(C) {
            if matches.value_source(setting.key) != Some(ValueSource::CommandLine) {
                continue;
            }
            let items = match setting.kind {
                Kind::Switch => vec![matches.get_flag(setting.key).to_string()],
                _ => matches
                    .get_many::<String>(setting.key)
                    .map(|values| values.cloned().collect())
                    .unwrap_or_default(),
            };
            given.push((setting.key, items));
        }
        Ok(SettingArgs { given })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}
