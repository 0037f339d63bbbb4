//! Off-heap reference-counted binaries.
//!
//! Binaries over [`HEAP_BIN_LIMIT`] bytes live in a [`BinData`] outside every process heap. A
//! process refers to one through a *refc binary* object on its heap:
//!
//! ```text
//! [header(REFC_BIN, 3), byte_size, *const BinData, byte_offset]
//! ```
//!
//! Every heap (and every heap fragment) keeps a list of the refc objects it holds (its "MSO"
//! list). After a collection, a refc object that was not copied is dead, and its reference is
//! released; the bytes are freed when the last reference goes.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::term::{header_tag, make_header, Term};

/// Binaries up to this size are stored on the process heap; larger ones off-heap.
pub const HEAP_BIN_LIMIT: usize = 64;

/// Words of a refc binary object, header included.
pub const REFC_BIN_WORDS: usize = 4;

/// The shared bytes of an off-heap binary.
pub struct BinData {
    refc: AtomicUsize,
    pub bytes: Vec<u8>,
}

impl BinData {
    /// A new binary with one reference (owned by the caller).
    pub fn new(bytes: Vec<u8>) -> *const BinData {
        Box::into_raw(Box::new(BinData { refc: AtomicUsize::new(1), bytes }))
    }

    /// Adds a reference.
    ///
    /// # Safety
    /// `p` must point at a live `BinData`.
    pub unsafe fn inc_ref(p: *const BinData) {
        // SAFETY: the caller guarantees p is live.
        unsafe { (*p).refc.fetch_add(1, Ordering::Relaxed) };
    }

    /// Releases a reference, freeing the data when it was the last.
    ///
    /// # Safety
    /// `p` must point at a live `BinData` and the caller must own one of its references.
    pub unsafe fn dec_ref(p: *const BinData) {
        // SAFETY: the caller owns a reference, so p is live until we release it.
        if unsafe { (*p).refc.fetch_sub(1, Ordering::Release) } == 1 {
            core::sync::atomic::fence(Ordering::Acquire);
            // SAFETY: that was the last reference; nobody else can reach p.
            drop(unsafe { Box::from_raw(p as *mut BinData) });
        }
    }

    /// The current number of references (for tests and `binary:referenced_byte_size`).
    pub fn ref_count(&self) -> usize {
        self.refc.load(Ordering::Relaxed)
    }
}

/// Writes a refc binary object at `p` (4 words) referring to `data`, taking over one reference.
///
/// # Safety
/// `p` must point at [`REFC_BIN_WORDS`] writable words.
pub unsafe fn write_refc_bin(p: *mut u64, data: *const BinData, byte_offset: usize, byte_size: usize) {
    // SAFETY: the caller guarantees the four words are writable.
    unsafe {
        *p = make_header(header_tag::REFC_BIN, REFC_BIN_WORDS - 1);
        *p.add(1) = byte_size as u64;
        *p.add(2) = data as u64;
        *p.add(3) = byte_offset as u64;
    }
}

/// The `BinData` a refc binary object refers to.
///
/// # Safety
/// `obj` must point at a live refc binary object.
pub unsafe fn refc_bin_data(obj: *const u64) -> *const BinData {
    // SAFETY: the caller guarantees obj is a refc binary object.
    unsafe { *obj.add(2) as *const BinData }
}

/// The bytes of a heap or refc binary term (not sub-binaries).
///
/// # Safety
/// `t` must be a boxed term pointing at a live HEAP_BIN or REFC_BIN object.
pub unsafe fn binary_bytes<'a>(t: Term) -> &'a [u8] {
    let p = t.ptr();
    // SAFETY: the caller guarantees the object is live; the sizes were written by its builder.
    unsafe {
        let h = *p;
        if crate::term::header_tag_of(h) == header_tag::HEAP_BIN {
            let len = *p.add(1) as usize;
            core::slice::from_raw_parts(p.add(2) as *const u8, len)
        } else {
            let len = *p.add(1) as usize;
            let data = &*refc_bin_data(p);
            let off = *p.add(3) as usize;
            &data.bytes[off..off + len]
        }
    }
}

/// Words of a heap binary object holding `n` bytes, header included.
#[inline]
pub const fn heap_bin_words(n: usize) -> usize {
    2 + n.div_ceil(8)
}
