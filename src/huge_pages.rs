//! A big buffer (a large flow's text and model vectors) asks the kernel for 2 MiB pages before it
//! is first written: one page fault per 2 MiB instead of one per 4 KiB, and no memory wasted, since
//! the buffer fills what it asked for (the allocator itself asks for none: docs/performance.md).
//! Only on Linux; elsewhere nothing happens.

/// Advises huge pages for the part of `buffer`'s allocation that covers whole 2 MiB pages, when
/// the buffer is big enough for that to matter.
#[cfg(target_os = "linux")]
pub fn advise<T>(buffer: &Vec<T>) {
    const HUGE_PAGE: usize = 2 << 20;
    const AT_LEAST: usize = 2 * HUGE_PAGE;
    let bytes = buffer.capacity() * size_of::<T>();
    if bytes < AT_LEAST {
        return;
    }
    let start = buffer.as_ptr() as usize;
    let first = start.next_multiple_of(HUGE_PAGE);
    let end = (start + bytes) & !(HUGE_PAGE - 1);
    if end > first {
        // SAFETY: madvise only tells the kernel how to back the range, which lies inside the
        // buffer's own allocation; it reads and writes no memory, and a refusal changes nothing.
        unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
#[allow(clippy::ptr_arg)] // one signature for both: the Linux version reads the capacity
pub fn advise<T>(_buffer: &Vec<T>) {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

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

    #[test]
    fn a_big_buffer_asks_for_huge_pages_and_a_small_one_does_not() {
        if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists() {
            return; // a kernel without transparent huge pages refuses the advice
        }
        let big: Vec<u8> = Vec::with_capacity(16 << 20);
        advise(&big);
        let inside = (big.as_ptr() as usize).next_multiple_of(2 << 20);
        let flags = flags_at(inside).expect("the buffer's mapping is in smaps");
        assert!(flags.split_whitespace().any(|f| f == "hg"), "{flags}");

        let small: Vec<u8> = Vec::with_capacity(64 << 10);
        advise(&small);
        let flags = flags_at(small.as_ptr() as usize).expect("the buffer's mapping is in smaps");
        assert!(!flags.split_whitespace().any(|f| f == "hg"), "{flags}");
    }
}
