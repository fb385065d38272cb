//! The `cxone-flow` binary: two thin adapters over the library. On a GitHub runner with no
//! arguments it is the Action (`INPUT_*`, `GITHUB_*`); everywhere else, the command line.

mod action_entry;
mod cli;

fn main() -> std::process::ExitCode {
    if cxone_flow::action::wanted() {
        action_entry::run()
    } else {
        cli::run()
    }
}
