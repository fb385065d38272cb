//! A big block (a large flow's text, its model's vectors, its tape) asks the kernel for 2 MiB pages
//! before it is first written: one page fault per 2 MiB instead of one per 4 KiB. The allocator
//! advises every block of 4 MiB or more as it hands it out, so a block that is not filled (a tape
//! reserved from an estimate) may hold up to 2 MiB more than it uses; mimalloc's own arenas use no
//! huge pages (docs/performance.md). Only on Linux; elsewhere nothing happens.

/// Advises huge pages for the whole 2 MiB pages inside the block of `bytes` at `start`, when the
/// block is big enough for that to matter.
#[cfg(target_os = "linux")]
#[inline]
pub fn advise(start: *mut u8, bytes: usize) {
    /// Smaller blocks are left alone: they hold at most one whole huge page.
    const AT_LEAST: usize = 4 << 20;
    if bytes < AT_LEAST || start.is_null() {
        return;
    }
    advise_big(start as usize, bytes);
}

#[cfg(target_os = "linux")]
#[cold]
fn advise_big(start: usize, bytes: usize) {
    const HUGE_PAGE: usize = 2 << 20;
    let first = start.next_multiple_of(HUGE_PAGE);
    let end = (start + bytes) & !(HUGE_PAGE - 1);
    if end > first {
        // SAFETY: madvise only tells the kernel how to back the range, which lies inside the
        // block; it reads and writes no memory, and a refusal changes nothing.
        unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
#[inline]
pub fn advise(_start: *mut u8, _bytes: usize) {}

/// What the tests of this module and of the allocator read back: whether the kernel took the advice.
#[cfg(all(test, target_os = "linux"))]
pub(crate) mod tests {
    /// Whether this kernel has transparent huge pages (one without them refuses the advice).
    pub(crate) fn available() -> bool {
        std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists()
    }

    /// The `VmFlags` of the mapping that holds `address`, from `/proc/self/smaps`.
    fn flags_at(address: usize) -> Option<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ')
                && let Some((from, to)) = range.split_once('-')
                && let (Ok(from), Ok(to)) = (usize::from_str_radix(from, 16), usize::from_str_radix(to, 16))
            {
                inside = (from..to).contains(&address);
            } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
                return Some(flags.to_string());
            }
        }
        None
    }

    /// Whether the mapping that holds `address` is advised to use huge pages.
    pub(crate) fn advised(address: usize) -> bool {
        let flags = flags_at(address).expect("the block's mapping is in smaps");
        flags.split_whitespace().any(|f| f == "hg")
    }

    /// Where the first whole huge page of the block at `block` starts.
    pub(crate) fn first_huge_page(block: *mut u8) -> usize {
        (block as usize).next_multiple_of(2 << 20)
    }

    #[test]
    fn a_big_block_is_advised_and_a_small_one_left_alone() {
        if !available() {
            return;
        }
        let bytes = 16 << 20;
        // SAFETY: a fresh private anonymous mapping, only advised and unmapped here.
        unsafe {
            let mapping = libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(mapping, libc::MAP_FAILED);
            let block = mapping.cast::<u8>();
            super::advise(block, 64 << 10);
            assert!(!advised(first_huge_page(block)), "a 64 KiB block");
            super::advise(block, bytes);
            assert!(advised(first_huge_page(block)), "a 16 MiB block");
            libc::munmap(mapping, bytes);
        }
    }
}
