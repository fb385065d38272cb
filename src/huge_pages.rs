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

#[cfg(all(test, target_os = "linux"))]
mod tests {
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
    fn advised(address: usize) -> bool {
        let flags = flags_at(address).expect("the block's mapping is in smaps");
        flags.split_whitespace().any(|f| f == "hg")
    }

    /// Where the first whole huge page of the block at `block` starts.
    fn first_huge_page(block: *mut u8) -> usize {
        (block as usize).next_multiple_of(2 << 20)
    }

    #[test]
    fn the_allocator_puts_big_blocks_on_huge_pages_and_leaves_small_ones() {
        use std::alloc::{GlobalAlloc, Layout};

        use crate::allocator::Mimalloc;

        if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists() {
            return; // a kernel without transparent huge pages refuses the advice
        }
        let big = Layout::from_size_align(16 << 20, 1).unwrap();
        let small = Layout::from_size_align(64 << 10, 1).unwrap();
        let growing = Layout::from_size_align(1 << 20, 1).unwrap();
        // SAFETY: non-zero layouts; each block is freed once, with the layout it has then.
        unsafe {
            let block = Mimalloc.alloc(big);
            assert!(advised(first_huge_page(block)), "a 16 MiB block");
            Mimalloc.dealloc(block, big);

            let block = Mimalloc.alloc(small);
            assert!(!advised(block as usize), "a 64 KiB block");
            Mimalloc.dealloc(block, small);

            let block = Mimalloc.realloc(Mimalloc.alloc(growing), growing, 16 << 20);
            assert!(advised(first_huge_page(block)), "a block grown to 16 MiB");
            Mimalloc.dealloc(block, big);
        }
    }
}
