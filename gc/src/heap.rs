//! Process heaps: a young generation (one block plus heap fragments) and an old generation.
//!
//! Allocation never collects: when the young block is full, [`Heap::alloc`] takes words from a
//! heap fragment, exactly as ERTS's `HAlloc` does, so terms held by the caller stay valid. The
//! owner decides when to collect ([`Heap::wants_gc`]) at a point where it can name every root.
//!
//! Architecture Invariant: nothing on an old heap points into the young generation. Terms are
//! immutable and objects only point to older objects, so promoting everything below the
//! high-water mark keeps this true without a remembered set.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use crate::offheap;

/// ERTS's heap sizes (a Fibonacci-like series), in words.
const HEAP_SIZES: [usize; 24] = [
    233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946, 17711, 28657, 46368, 75025, 121393, 196418,
    317811, 514229, 832040, 1346269, 2178309, 3524578, 5702887, 9227465, 14930352,
];

/// The smallest heap size (from the series, then +20% steps) holding `words`.
pub fn next_heap_size(words: usize) -> usize {
    for &s in HEAP_SIZES.iter() {
        if s >= words {
            return s;
        }
    }
    let mut s = HEAP_SIZES[HEAP_SIZES.len() - 1];
    while s < words {
        s += s / 5;
    }
    s
}

/// A block of words outside the young block: filled by `alloc` overflow or by a message copy.
pub struct Fragment {
    pub(crate) data: Box<[u64]>,
    pub(crate) used: usize,
    /// Off-heap objects (refc binaries, magic references) held in this fragment.
    pub(crate) mso: Vec<*mut u64>,
}

impl Fragment {
    pub fn with_capacity(words: usize) -> Fragment {
        Fragment { data: vec![0u64; words].into_boxed_slice(), used: 0, mso: Vec::new() }
    }
    /// Takes `n` words, or `None` if the fragment is full.
    pub fn alloc(&mut self, n: usize) -> Option<*mut u64> {
        if self.data.len() - self.used >= n {
            // SAFETY: used + n <= len, so the pointer stays inside the block.
            let p = unsafe { self.data.as_mut_ptr().add(self.used) };
            self.used += n;
            Some(p)
        } else {
            None
        }
    }
    pub fn used_words(&self) -> usize {
        self.used
    }
    /// Records a refc binary or magic reference object allocated in this fragment.
    pub fn note_off_heap(&mut self, obj: *mut u64) {
        self.mso.push(obj);
    }
    /// The addresses of the used words, `[start, end)`.
    pub(crate) fn range(&self) -> (usize, usize) {
        let start = self.data.as_ptr() as usize;
        (start, start + self.used * 8)
    }
    pub(crate) fn contains(&self, p: *const u64) -> bool {
        let start = self.data.as_ptr();
        // SAFETY: one-past-the-end pointer of the block.
        let end = unsafe { start.add(self.used) };
        p >= start && p < end
    }
}

impl Drop for Fragment {
    fn drop(&mut self) {
        // A fragment dropped without joining a heap releases its off-heap objects.
        for &obj in &self.mso {
            // SAFETY: obj is an off-heap object in this fragment holding one count.
            unsafe { offheap::release(obj) };
        }
    }
}

/// Collection settings and counters of one heap.
#[derive(Clone, Copy, Debug)]
pub struct GcSettings {
    pub min_heap_size: usize,
    /// The least virtual binary heap limit, in words (ERTS's `min_bin_vheap_size`).
    pub min_bin_vheap_size: usize,
    /// Minor collections between two full sweeps (ERTS default 65535).
    pub fullsweep_after: u32,
    /// Check the heap invariants before and after every collection (always on in debug
    /// builds; `BEAMOS_GC_VERIFY=1` turns it on in a release beamos).
    pub verify: bool,
}

impl GcSettings {
    /// `min_bin_vheap_size` in bytes.
    pub fn min_bin_vheap_bytes(&self) -> usize {
        self.min_bin_vheap_size.saturating_mul(8)
    }
}

impl Default for GcSettings {
    fn default() -> Self {
        GcSettings { min_heap_size: 233, min_bin_vheap_size: MIN_BIN_VHEAP_BYTES / 8, fullsweep_after: 65535, verify: false }
    }
}

/// A process heap.
pub struct Heap {
    pub(crate) young: Box<[u64]>,
    pub(crate) top: usize,
    /// A collection is due once `top` passes this (at most `young.len()`): after a collection
    /// that kept little, the block (sized for the worst case) is used only up to about twice
    /// what survived, so the next to-space, sized by what was allocated, is small again: the
    /// heap shrinks as ERTS's does after a mostly-garbage collection.
    pub(crate) limit: usize,
    /// The from-space of the last collection, kept as the next one's to-space when the sizes
    /// fit (large blocks only): a fresh large block is fresh pages, faulted in one by one.
    /// The second field is how many leading words were used (to clear before reuse).
    pub(crate) spare: Option<(Box<[u64]>, usize)>,
    /// Objects below this index survived one collection; the next minor one promotes them.
    pub(crate) high_water: usize,
    pub(crate) fragments: Vec<Fragment>,
    pub(crate) fragment_words: usize,
    pub(crate) old: Box<[u64]>,
    pub(crate) old_top: usize,
    /// Off-heap objects (refc binaries, magic references) in the young block and fragments:
    /// ERTS's MSO list.
    pub(crate) mso: Vec<*mut u64>,
    /// Off-heap objects on the old heap.
    pub(crate) old_mso: Vec<*mut u64>,
    pub(crate) minor_since_full: u32,
    /// Bytes of the refc binaries `mso` lists (ERTS's virtual binary heap): binaries take no
    /// heap words, so without this a process making large binaries would rarely collect and
    /// hold them all. Over `bin_vheap_limit`, a collection is due.
    pub(crate) bin_vheap: usize,
    pub(crate) bin_vheap_limit: usize,
    /// The same for the old heap's binaries; over its limit, the next collection is major.
    pub(crate) old_bin_vheap: usize,
    pub(crate) old_bin_vheap_limit: usize,
    pub settings: GcSettings,
    pub stats: GcStats,
}

/// ERTS's default `min_bin_vheap_size` (46422 words), in bytes.
pub const MIN_BIN_VHEAP_BYTES: usize = 46_422 * 8;

/// The bytes an off-heap object charges to the virtual binary heap.
///
/// # Safety
/// `obj` must be a live refc binary or magic reference object.
pub(crate) unsafe fn refc_bytes(obj: *mut u64) -> usize {
    // SAFETY: per the contract.
    unsafe { offheap::bytes(obj) }
}

/// Counters for `erlang:statistics(garbage_collection)` and tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct GcStats {
    pub minor_collections: u64,
    pub major_collections: u64,
    pub words_reclaimed: u64,
}

impl Heap {
    pub fn new(settings: GcSettings) -> Heap {
        let size = next_heap_size(settings.min_heap_size);
        Heap {
            young: vec![0u64; size].into_boxed_slice(),
            top: 0,
            limit: size,
            spare: None,
            high_water: 0,
            fragments: Vec::new(),
            fragment_words: 0,
            old: Box::new([]),
            old_top: 0,
            mso: Vec::new(),
            old_mso: Vec::new(),
            minor_since_full: 0,
            bin_vheap: 0,
            bin_vheap_limit: settings.min_bin_vheap_bytes(),
            old_bin_vheap: 0,
            old_bin_vheap_limit: settings.min_bin_vheap_bytes(),
            settings,
            stats: GcStats::default(),
        }
    }

    /// Allocates `n` words. Never collects: overflows into a heap fragment.
    #[inline]
    pub fn alloc(&mut self, n: usize) -> *mut u64 {
        if self.young.len() - self.top >= n {
            // SAFETY: top + n <= len.
            let p = unsafe { self.young.as_mut_ptr().add(self.top) };
            self.top += n;
            p
        } else {
            self.alloc_fragment(n)
        }
    }

    #[cold]
    fn alloc_fragment(&mut self, n: usize) -> *mut u64 {
        self.fragment_words += n;
        if let Some(f) = self.fragments.last_mut() {
            if let Some(p) = f.alloc(n) {
                return p;
            }
        }
        // Geometric growth keeps the fragment count (and the collector's zone lookups) small.
        let mut f = Fragment::with_capacity(n.max(self.young.len() / 2).max(self.fragment_words).max(64));
        let p = f.alloc(n).expect("fresh fragment holds n words");
        self.fragments.push(f);
        p
    }

    /// Free words left in the young block.
    #[inline]
    pub fn young_free(&self) -> usize {
        self.limit.saturating_sub(self.top)
    }

    /// True when a collection is due before `need` more words are taken.
    #[inline]
    pub fn wants_gc(&self, need: usize) -> bool {
        self.young_free() < need || self.fragment_words > self.limit || self.bin_vheap > self.bin_vheap_limit
    }

    /// Joins a message fragment to this heap; its terms become heap terms.
    pub fn attach_fragment(&mut self, mut f: Fragment) {
        self.fragment_words += f.used;
        for &obj in &f.mso {
            // SAFETY: a fragment's list holds its live refc objects.
            self.bin_vheap += unsafe { refc_bytes(obj) };
        }
        self.mso.append(&mut f.mso);
        // Keep the block with spare room last so `alloc_fragment` can keep filling it.
        let pos = self.fragments.len().saturating_sub(1);
        if self.fragments.capacity() == self.fragments.len() {
            self.fragments.reserve(self.fragments.len().max(8));
        }
        self.fragments.insert(pos, f);
    }

    /// Records a refc binary or magic reference object allocated on this heap (from `alloc`),
    /// which holds one count of its off-heap data.
    #[inline]
    pub fn note_off_heap(&mut self, obj: *mut u64) {
        // SAFETY: the caller just made `obj`, an off-heap object.
        let h = unsafe { *obj };
        self.bin_vheap += if crate::term::header_tag_of(h) == crate::term::header_tag::REFC_BIN {
            // New data counts; another view of data already referenced (an append to a
            // writable binary makes one per append) does not, or appending would count the
            // whole binary again at every step, as ERTS counts one ProcBin however often it
            // is appended to.
            // SAFETY: a refc object.
            unsafe { (*crate::bin::refc_bin_data(obj)).charge_growth() }
        } else {
            // SAFETY: a magic reference object.
            unsafe { offheap::bytes(obj) }
        };
        self.mso.push(obj);
    }

    /// The refc binaries this heap refers to, newest first (young generation, then old):
    /// each as (address of its data, size in bytes, reference count), as
    /// `process_info(P, binary)` reports them.
    pub fn refc_binaries(&self) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for &obj in self.mso.iter().rev().chain(self.old_mso.iter().rev()) {
            // SAFETY: listed objects are live off-heap objects of this heap.
            let h = unsafe { *obj };
            if crate::term::header_tag_of(h) == crate::term::header_tag::REFC_BIN {
                // SAFETY: a REFC_BIN object points at live BinData.
                let d = unsafe { &*crate::bin::refc_bin_data(obj) };
                out.push((d as *const _ as usize, d.len(), d.ref_count()));
            }
        }
        out
    }

    /// Words in use: young block, fragments and old heap.
    pub fn used_words(&self) -> usize {
        self.top + self.fragment_words + self.old_top
    }
    /// Size of the young heap in words (`heap_size` in process_info): what may be used
    /// before the next collection.
    pub fn young_size(&self) -> usize {
        self.limit
    }
    /// Size of the old heap in words.
    pub fn old_size(&self) -> usize {
        self.old.len()
    }
    pub fn total_size(&self) -> usize {
        self.young.len() + self.old.len() + self.fragment_words
    }

    /// True if `p` points into this heap (young block, fragments or old heap).
    pub fn contains(&self, p: *const u64) -> bool {
        self.in_young_block(p) || self.in_old(p) || self.fragments.iter().any(|f| f.contains(p))
    }
    #[inline]
    pub(crate) fn in_young_block(&self, p: *const u64) -> bool {
        let s = self.young.as_ptr();
        // SAFETY: one-past-the-end of the used part.
        p >= s && p < unsafe { s.add(self.top) }
    }
    #[inline]
    pub(crate) fn in_old(&self, p: *const u64) -> bool {
        let s = self.old.as_ptr();
        // SAFETY: one-past-the-end of the used part.
        p >= s && p < unsafe { s.add(self.old_top) }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        for &obj in self.mso.iter().chain(self.old_mso.iter()) {
            // SAFETY: each listed object is a live off-heap object holding one count.
            unsafe { offheap::release(obj) };
        }
        // The fragments' own lists were moved into `mso` when they joined.
        for f in &mut self.fragments {
            f.mso.clear();
        }
    }
}

// A heap is owned by one process and moved between scheduler threads with it.
// SAFETY: the raw pointers in the MSO lists point into this heap's own blocks, at `BinData`
// or at `Resource`s (atomic counts, Send + Sync data); nothing is shared without
// synchronisation.
unsafe impl Send for Heap {}
// SAFETY: as above, a fragment owns its words; its binaries' counts are atomic.
unsafe impl Send for Fragment {}
