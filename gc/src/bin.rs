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

/// Bytes held by every live off-heap binary (their capacities): `erlang:memory(binary)`.
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

/// Bytes held by off-heap binaries now, in the whole OS process.
pub fn allocated_bytes() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}

/// The shared bytes of an off-heap binary.
///
/// The buffer may have spare capacity after its written `end`. Appending (`<<Bin/binary, ...>>`
/// when `Bin` views the buffer up to its end) claims the next bytes by moving `end` with a
/// compare-and-swap and writes them in place: every existing view covers only bytes below the
/// `end` it was made at, so none sees the write, and two appenders cannot both win. This makes
/// the accumulate-a-binary idiom linear, as ERTS's writable binaries do.
pub struct BinData {
    refc: AtomicUsize,
    end: AtomicUsize,
    /// Bytes already charged to a process's virtual binary heap (see [`BinData::charge_growth`]).
    charged: AtomicUsize,
    ptr: *mut u8,
    cap: usize,
}

// SAFETY: the bytes below `end` are immutable once written; bytes above it are written only by
// the one appender whose compare-and-swap claimed them, before any view of them exists.
unsafe impl Send for BinData {}
// SAFETY: as above.
unsafe impl Sync for BinData {}

impl BinData {
    /// A new binary with one reference (owned by the caller); `bytes`'s spare capacity is kept
    /// for appends.
    pub fn new(bytes: Vec<u8>) -> *const BinData {
        let mut bytes = core::mem::ManuallyDrop::new(bytes);
        let (ptr, end, cap) = (bytes.as_mut_ptr(), bytes.len(), bytes.capacity());
        ALLOCATED.fetch_add(cap, Ordering::Relaxed);
        Box::into_raw(Box::new(BinData { refc: AtomicUsize::new(1), end: AtomicUsize::new(end), charged: AtomicUsize::new(0), ptr, cap }))
    }

    /// The bytes written since the last call: what a new view of this binary adds to its
    /// process's virtual binary heap. Appending makes a view per append; charging each the
    /// whole binary would count it again at every step (ERTS counts one ProcBin once).
    pub fn charge_growth(&self) -> usize {
        // Plain load and store: racing views may both charge some bytes; the count steers
        // collections and need not be exact.
        let end = self.end.load(Ordering::Relaxed);
        let before = self.charged.load(Ordering::Relaxed);
        if end <= before {
            return 0;
        }
        self.charged.store(end, Ordering::Relaxed);
        end - before
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
            let d = unsafe { Box::from_raw(p as *mut BinData) };
            ALLOCATED.fetch_sub(d.cap, Ordering::Relaxed);
            // SAFETY: ptr and cap came from a Vec<u8> in `new`; u8 needs no drop, so length 0.
            drop(unsafe { Vec::from_raw_parts(d.ptr, 0, d.cap) });
        }
    }

    /// The current number of references (for tests and `binary:referenced_byte_size`).
    pub fn ref_count(&self) -> usize {
        self.refc.load(Ordering::Relaxed)
    }

    /// Bytes written so far (the size of the underlying binary).
    /// Bytes allocated for the binary (its length plus the spare room for appends).
    pub fn capacity(&self) -> usize {
        self.cap
    }

    pub fn len(&self) -> usize {
        self.end.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `len` bytes from `off`.
    ///
    /// # Safety
    /// `off + len` must not exceed the `end` some view of this binary was made at.
    pub unsafe fn slice(&self, off: usize, len: usize) -> &[u8] {
        debug_assert!(off + len <= self.len());
        // SAFETY: the caller guarantees the range was written (below an observed end).
        unsafe { core::slice::from_raw_parts(self.ptr.add(off), len) }
    }

    /// Appends `extra` in place if the binary ends exactly at `at` and has room: true when
    /// done (the bytes `at..at + extra.len()` now exist), false when the caller must copy.
    pub fn try_append(&self, at: usize, extra: &[u8]) -> bool {
        let new_end = at + extra.len();
        if new_end > self.cap || self.end.compare_exchange(at, new_end, Ordering::AcqRel, Ordering::Relaxed).is_err() {
            return false;
        }
        // SAFETY: the compare-and-swap gave us at..new_end, inside the capacity, seen by no view.
        unsafe { core::ptr::copy_nonoverlapping(extra.as_ptr(), self.ptr.add(at), extra.len()) };
        true
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
            data.slice(off, len)
        }
    }
}

/// Words of a heap binary object holding `n` bytes, header included.
#[inline]
pub const fn heap_bin_words(n: usize) -> usize {
    2 + n.div_ceil(8)
}
