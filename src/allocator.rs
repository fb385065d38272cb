//! The allocator the binary and the benchmarks use: mimalloc, asked for plain blocks whenever a
//! plain block is aligned enough, with a big block on huge pages (`huge_pages`).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc, mi_zalloc_aligned,
};

/// Every mimalloc block is aligned to a machine word (its own `mi_realloc_aligned` relies on it).
const WORD: usize = size_of::<usize>();

/// mimalloc for Rust's allocations. The `mimalloc` crate's allocator asks for an aligned block every
/// time, and mimalloc serves an aligned request for a block of more than 1 KiB whose size is not a
/// power of two (a file's text, a flow's vectors) by over-allocating on a slower path; nearly every
/// Rust allocation needs no more than a word's alignment, which a plain block has.
pub struct Mimalloc;

/// A new block for `layout` from mimalloc: `plain(size)` when a word's alignment is enough,
/// `aligned(size, alignment)` otherwise; a big one advised onto huge pages.
///
/// # Safety
/// `plain` and `aligned` are mimalloc's allocation functions of one kind (`mi_malloc` and
/// `mi_malloc_aligned`, or the zeroing pair).
#[inline]
unsafe fn new_block(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    // SAFETY: plain calls into mimalloc; a null return is passed on as failure.
    let block: *mut u8 = unsafe {
        if layout.align() <= WORD {
            plain(layout.size()).cast()
        } else {
            aligned(layout.size(), layout.align()).cast()
        }
    };
    crate::huge_pages::advise(block, layout.size());
    block
}

// SAFETY: each method hands mimalloc's blocks to Rust with at least the layout's alignment (a plain
// block for an alignment of at most a word, an aligned one otherwise), and gives back only blocks
// mimalloc made; `mi_free` frees either kind.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's allocating pair.
        unsafe { new_block(layout, mi_malloc, mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's zeroing pair.
        unsafe { new_block(layout, mi_zalloc, mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; the new block keeps its alignment.
        let block: *mut u8 = unsafe {
            if layout.align() <= WORD {
                mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        };
        crate::huge_pages::advise(block, new_size);
        block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every alignment come back aligned, zeroed when asked, and keep their bytes when
    /// they grow.
    #[test]
    fn blocks_are_aligned_zeroed_and_kept_across_realloc() {
        for align in [1, 2, 4, 8, 16, 64, 4096] {
            for size in [1, 7, 24, 100, 1500, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero layout; each block is used within its size and freed once.
                unsafe {
                    let zeroed = Mimalloc.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0, "zeroed {size} bytes aligned to {align}");
                    assert!(std::slice::from_raw_parts(zeroed, size).iter().all(|&b| b == 0));
                    Mimalloc.dealloc(zeroed, layout);

                    let block = Mimalloc.alloc(layout);
                    assert_eq!(block as usize % align, 0, "{size} bytes aligned to {align}");
                    std::ptr::write_bytes(block, 0xA5, size);
                    let grown = Mimalloc.realloc(block, layout, size * 3);
                    assert_eq!(grown as usize % align, 0, "{size} bytes grown, aligned to {align}");
                    assert!(std::slice::from_raw_parts(grown, size).iter().all(|&b| b == 0xA5));
                    Mimalloc.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
                }
            }
        }
    }

    /// Big blocks, and blocks grown big, are handed out advised onto huge pages; small ones not.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_allocator_puts_big_blocks_on_huge_pages_and_leaves_small_ones() {
        use crate::huge_pages::tests::{advised, available, first_huge_page};

        if !available() {
            return;
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
