//! The `cxone-flow` binary: two thin adapters over the library. On a GitHub runner with no
//! arguments it is the Action (`INPUT_*`, `GITHUB_*`); everywhere else, the command line.

mod action_entry;
mod cli;

/// mimalloc: loading and checking a flow makes many small, short-lived allocations, which it serves
/// faster than the system allocator (docs/performance.md has the figures).
#[global_allocator]
static ALLOCATOR: cxone_flow::allocator::Mimalloc = cxone_flow::allocator::Mimalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (`mimalloc.h`; libmimalloc-sys names only
/// the options of older versions).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory freed goes back to the system at once instead of a second later: an 18 MB flow's tape is
/// freed before its rules run, and kept that second, it would add its size to the peak
/// (docs/performance.md). Transparent huge pages are off (the `no_thp` feature) for the same
/// reason: each first touch near the end of the heap made a whole 2 MiB page resident.
fn return_freed_memory_at_once() {
    // SAFETY: sets one of mimalloc's options; any value is valid, and no other thread runs yet.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

fn main() -> std::process::ExitCode {
    return_freed_memory_at_once();
    if action_entry::wanted() {
        action_entry::run()
    } else {
        cli::run()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_names_mimallocs_option() {
        // SAFETY: reads one of mimalloc's options.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(
            default, 1000,
            "mimalloc's purge delay defaults to 1000 ms: is PURGE_DELAY its index?"
        );
        return_freed_memory_at_once();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 0);
    }
}
