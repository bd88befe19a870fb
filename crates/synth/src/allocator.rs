//! The `synth` binary's global allocator: mimalloc, asked for plain blocks
//! whenever any block meets the alignment.
//!
//! The `mimalloc` crate's allocator passes every request to
//! `mi_malloc_aligned`, whose fast path takes a free block of the size
//! class when one happens to be aligned; when the class's page has none
//! free (its first block, or a full page), it falls back to allocating
//! `size + alignment - 1` bytes from the next size class, for every size
//! that is not a power of two. A third of `synth --all`'s page faults
//! were in that fallback. Every mimalloc block is aligned to 8 bytes
//! (block sizes are multiples of the word, pages start 16-byte aligned), so
//! requests aligned to 8 or less go to `mi_malloc` / `mi_realloc`; larger
//! alignments keep the aligned calls.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment every block of `mi_malloc` has.
const BLOCK_ALIGN: usize = 8;

/// See the module documentation.
pub struct Mimalloc;

// SAFETY: the calls are mimalloc's allocator functions, used as documented:
// memory from `mi_malloc`/`mi_malloc_aligned`/`mi_zalloc*`/`mi_realloc*` is
// freed with `mi_free`, and a plain call is made only for alignments every
// mimalloc block meets.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's allocation functions accept any size.
        unsafe { by_alignment(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe { by_alignment(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`'s alignment,
        // which the reallocated block keeps.
        unsafe {
            if layout.align() <= BLOCK_ALIGN {
                mi::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

/// A block of `layout` from `plain` when every mimalloc block meets its
/// alignment, else from `aligned`.
///
/// # Safety
/// `plain` and `aligned` are a mimalloc allocation function and its aligned
/// form, which accept any size and (for `aligned`) any power-of-two
/// alignment.
#[inline(always)]
unsafe fn by_alignment(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    // SAFETY: the caller's promise; a plain call only for alignments every
    // mimalloc block meets.
    unsafe {
        if layout.align() <= BLOCK_ALIGN {
            plain(layout.size()).cast()
        } else {
            aligned(layout.size(), layout.align()).cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to 4 KiB and beyond, with every alignment from 1 to 4
    /// KiB, allocated, grown, shrunk and zeroed: aligned and usable.
    #[test]
    fn blocks_meet_their_alignment_through_allocation_and_reallocation() {
        let allocator = Mimalloc;
        let mut kept = Vec::new();
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..600).chain([1000, 4095, 4096, 70_000, 300_000]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero size; the block is written within its
                // size, reallocated with its own layout and freed once.
                unsafe {
                    let p = allocator.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    p.write_bytes(0xab, size);
                    let grown = allocator.realloc(p, layout, size * 3);
                    assert_eq!(grown as usize % align, 0, "grown {size} align {align}");
                    assert_eq!(*grown.add(size - 1), 0xab);
                    let zeroed = allocator.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0);
                    assert!((0..size).all(|i| *zeroed.add(i) == 0));
                    allocator.dealloc(zeroed, layout);
                    kept.push((grown, Layout::from_size_align(size * 3, align).unwrap()));
                }
            }
        }
        for (p, layout) in kept {
            // SAFETY: each block is freed once, with the layout it has.
            unsafe { allocator.dealloc(p, layout) }
        }
    }
}
