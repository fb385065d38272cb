//! The `cxone-flow` binary: two thin adapters over the library. On a GitHub runner with no
//! arguments it is the Action (`INPUT_*`, `GITHUB_*`); everywhere else, the command line.

mod action_entry;
mod cli;

/// mimalloc: loading and checking a flow makes many small, short-lived allocations, which it serves
/// faster than the system allocator (docs/performance.md has the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    if cxone_flow::action::wanted() {
        action_entry::run()
    } else {
        cli::run()
    }
}
