//! The generational copying collector, and deep copies of terms between heaps.
//!
//! A collection is Cheney's algorithm over one or two to-spaces:
//!
//! 1. *Minor*: from-space is the young block and the fragments. Objects below the high-water
//!    mark (they survived one collection already) are promoted to the old heap; the rest go to a
//!    fresh young block sized for the worst case. Pointers into the old heap or outside the heap
//!    (literals) are left alone.
//! 2. *Major* (every `fullsweep_after` minors, or when the old heap is full): the old heap is
//!    from-space too and everything live lands in one fresh young block.
//!
//! Moved objects are marked in place: a boxed object's header is replaced by a boxed pointer to
//! its copy; a cons cell gets the non-value in its head and a list pointer in its tail.
//! Both the copy and the scan are loops: guest data depth never becomes Rust stack depth.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use crate::heap::{next_heap_size, refc_bytes, Fragment, Heap};
use crate::offheap::{self, is_off_heap_header};
use crate::term::{is_header, object_layout, Term, TAG_BOXED, TAG_LIST};

/// The owner of a heap names its roots through this.
pub trait Roots {
    /// Calls `f` on every root slot. Slots that are not terms (frame pointers, non-values) are
    /// skipped by the collector, so stacks may be passed whole.
    fn for_each(&mut self, f: &mut dyn FnMut(&mut Term));
}

/// Roots given as a list of slices.
pub struct SliceRoots<'a>(pub &'a mut [&'a mut [Term]]);

impl Roots for SliceRoots<'_> {
    fn for_each(&mut self, f: &mut dyn FnMut(&mut Term)) {
        for s in self.0.iter_mut() {
            for t in s.iter_mut() {
                f(t);
            }
        }
    }
}

/// One to-space being filled.
struct Space {
    data: Box<[u64]>,
    top: usize,
}

impl Space {
    fn new(words: usize) -> Space {
        Space { data: vec![0u64; words].into_boxed_slice(), top: 0 }
    }
    /// A to-space of at least `words`: the heap's spare block if it fits (not more than twice
    /// the size), cleared, else a new one.
    fn for_heap(heap: &mut Heap, words: usize) -> Space {
        match heap.spare.take() {
            Some((mut data, dirty)) if data.len() >= words && data.len() <= words * 2 => {
                data[..dirty].fill(0);
                Space { data, top: 0 }
            }
            _ => Space::new(words),
        }
    }
    #[inline]
    fn take(&mut self, n: usize) -> *mut u64 {
        assert!(self.data.len() - self.top >= n, "to-space sized for the worst case");
        // SAFETY: checked above.
        let p = unsafe { self.data.as_mut_ptr().add(self.top) };
        self.top += n;
        p
    }
}

/// Where an object lives, seen from the collector.
#[derive(PartialEq, Eq, Clone, Copy)]
enum Zone {
    /// Copy it to the young to-space.
    Young,
    /// Copy it to the old heap (promotion).
    Promote,
    /// Leave it where it is (old heap in a minor collection, literals, other heaps' data).
    Stay,
}

struct Collector<'h> {
    heap: &'h Heap,
    major: bool,
    young_to: Space,
    /// Promotion target: the old heap's block and its top, in a minor collection.
    old_to: Option<(*mut u64, usize, usize)>,
    /// The fragments' address ranges, sorted: a process with a long mailbox has a fragment
    /// per message, so membership is a binary search, not a scan.
    fragments: Vec<(usize, usize)>,
}

impl Collector<'_> {
    #[inline]
    fn zone(&self, p: *const u64) -> Zone {
        let h = self.heap;
        if h.in_young_block(p) {
            let s = h.young.as_ptr();
            // SAFETY: p is inside the young block.
            let idx = unsafe { p.offset_from(s) } as usize;
            if !self.major && idx < h.high_water {
                Zone::Promote
            } else {
                Zone::Young
            }
        } else if h.in_old(p) {
            if self.major {
                Zone::Young
            } else {
                Zone::Stay
            }
        } else if self.in_fragment(p) {
            Zone::Young
        } else {
            Zone::Stay
        }
    }

    #[inline]
    fn in_fragment(&self, p: *const u64) -> bool {
        let a = p as usize;
        // The last range starting at or below `a`.
        let i = self.fragments.partition_point(|&(start, _)| start <= a);
        i > 0 && a < self.fragments[i - 1].1
    }

    fn take(&mut self, zone: Zone, n: usize) -> *mut u64 {
        match zone {
            Zone::Promote => {
                let (base, top, cap) = self.old_to.as_mut().expect("old heap reserved");
                assert!(*cap - *top >= n, "old heap sized for promotion");
                // SAFETY: checked above.
                let p = unsafe { base.add(*top) };
                *top += n;
                p
            }
            _ => self.young_to.take(n),
        }
    }

    /// Returns the new location of `t`, copying its top object if needed (not its children).
    #[inline]
    fn evacuate(&mut self, t: Term) -> Term {
        let tag = t.raw() & 0b11;
        if tag != TAG_LIST && tag != TAG_BOXED {
            return t;
        }
        let p = t.ptr();
        let zone = self.zone(p);
        if zone == Zone::Stay {
            return t;
        }
        // SAFETY: p is inside from-space, which stays readable for the whole collection.
        unsafe {
            if tag == TAG_LIST {
                if *p == 0 {
                    return Term(*p.add(1)); // already moved
                }
                let q = self.take(zone, 2);
                *q = *p;
                *q.add(1) = *p.add(1);
                *p = 0;
                *p.add(1) = Term::list_ptr(q).raw();
                Term::list_ptr(q)
            } else {
                let h = *p;
                if h & 0b11 == TAG_BOXED {
                    return Term(h); // already moved
                }
                if h == 0 {
                    return Term::empty_tuple(); // a stray heap `{}` is not copied
                }
                let (total, _, _) = object_layout(h);
                let q = self.take(zone, total);
                core::ptr::copy_nonoverlapping(p, q, total);
                *p = Term::boxed_ptr(q).raw();
                Term::boxed_ptr(q)
            }
        }
    }

    /// Scans words `[from, until)` of a to-space, evacuating what they refer to.
    /// Returns how far it got (the space may grow while scanning).
    ///
    /// # Safety
    /// `base[from..until]` must hold complete, copied objects.
    unsafe fn scan(&mut self, base: *mut u64, from: usize, until: usize) -> usize {
        let mut i = from;
        while i < until {
            // SAFETY: i < until, inside the filled part of the space.
            let w = unsafe { *base.add(i) };
            if is_header(w) {
                let (total, first, n) = object_layout(w);
                for k in first..first + n {
                    // SAFETY: term slots of a copied object.
                    unsafe {
                        let slot = base.add(i + k);
                        *slot = self.evacuate(Term(*slot)).raw();
                    }
                }
                i += total;
            } else {
                for k in 0..2 {
                    // SAFETY: a copied cons cell has two term words.
                    unsafe {
                        let slot = base.add(i + k);
                        *slot = self.evacuate(Term(*slot)).raw();
                    }
                }
                i += 2;
            }
        }
        i
    }
}

/// Young blocks at least this large are kept for reuse as the next to-space (smaller ones come
/// cheaply from the allocator, and idle processes should not hold two).
const SPARE_MIN_WORDS: usize = 8192;

/// Collects `heap`, keeping what `roots` reach, and leaves at least `need` free young words.
/// `full` forces a major collection.
pub fn collect(heap: &mut Heap, roots: &mut dyn Roots, need: usize, full: bool) {
    let check = cfg!(debug_assertions) || heap.settings.verify;
    if check {
        verify(heap, roots, false);
    }
    collect_inner(heap, roots, need, full);
    if check {
        verify(heap, roots, true);
    }
}

fn collect_inner(heap: &mut Heap, roots: &mut dyn Roots, need: usize, full: bool) {
    let mut major = full
        || heap.minor_since_full >= heap.settings.fullsweep_after
        || heap.old_bin_vheap > heap.old_bin_vheap_limit;
    let promote_words = heap.high_water;
    if !major && promote_words > 0 && heap.old.len() - heap.old_top < promote_words {
        if heap.old_top == 0 {
            heap.old = vec![0u64; next_heap_size(promote_words * 2)].into_boxed_slice();
        } else {
            major = true;
        }
    }
    let before = heap.used_words();
    let worst = if major {
        heap.top + heap.fragment_words + heap.old_top
    } else {
        heap.top - heap.high_water + heap.fragment_words
    };
    let young_size = next_heap_size((worst + need).max(heap.settings.min_heap_size));
    let old_top_before = heap.old_top;
    let old_ptr = heap.old.as_mut_ptr();
    let old_len = heap.old.len();
    let mut fragments: Vec<(usize, usize)> = heap.fragments.iter().map(|f| f.range()).filter(|r| r.0 < r.1).collect();
    fragments.sort_unstable();
    let young_to = Space::for_heap(heap, young_size);
    let mut c = Collector {
        heap,
        fragments,
        major,
        young_to,
        old_to: if major { None } else { Some((old_ptr, old_top_before, old_len)) },
    };
    roots.for_each(&mut |t: &mut Term| *t = c.evacuate(*t));
    // Scan both to-spaces until neither grows.
    let mut young_scanned = 0;
    let mut old_scanned = old_top_before;
    loop {
        let mut progressed = false;
        if young_scanned < c.young_to.top {
            let base = c.young_to.data.as_mut_ptr();
            let until = c.young_to.top;
            // SAFETY: [young_scanned, until) holds copied objects.
            young_scanned = unsafe { c.scan(base, young_scanned, until) };
            progressed = true;
        }
        if let Some((obase, otop, _)) = c.old_to {
            if old_scanned < otop {
                // SAFETY: [old_scanned, otop) holds promoted objects.
                old_scanned = unsafe { c.scan(obase, old_scanned, otop) };
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    let new_young = c.young_to;
    let new_old_top = c.old_to.map(|(_, t, _)| t).unwrap_or(0);

    // Sweep the off-heap lists: an object (refc binary or magic reference) whose header was
    // not replaced by a forwarding pointer is unreachable, and gives back its count.
    let mut new_mso = Vec::new();
    let mut new_old_mso = if major { Vec::new() } else { core::mem::take(&mut heap.old_mso) };
    let mut lists = core::mem::take(&mut heap.mso);
    if major {
        lists.append(&mut heap.old_mso);
    }
    let new_young_range = new_young.data.as_ptr_range();
    for obj in lists {
        // SAFETY: every listed object is an off-heap object in from-space (or forwarded).
        unsafe {
            let h = *obj;
            if h & 0b11 == TAG_BOXED {
                let q = Term(h).ptr();
                if new_young_range.contains(&(q as *const u64)) {
                    new_mso.push(q);
                } else {
                    new_old_mso.push(q);
                }
            } else {
                debug_assert!(is_off_heap_header(h));
                offheap::release(obj);
            }
        }
    }
    // Fragments' lists were merged into `mso` when they joined; drop them without releasing.
    for f in heap.fragments.iter_mut() {
        f.mso.clear();
    }
    heap.fragments.clear();
    heap.fragment_words = 0;
    let used = heap.top;
    let from = core::mem::replace(&mut heap.young, new_young.data);
    if from.len() >= SPARE_MIN_WORDS {
        heap.spare = Some((from, used));
    }
    heap.top = new_young.top;
    heap.high_water = heap.top;
    // The binaries' limits follow what survived (ERTS's next_vheap_size, simplified): twice
    // the surviving bytes, never below the minimum.
    // SAFETY: both lists hold live refc objects.
    let young_bytes: usize = new_mso.iter().map(|&o| unsafe { refc_bytes(o) }).sum();
    let old_bytes: usize = new_old_mso.iter().map(|&o| unsafe { refc_bytes(o) }).sum();
    heap.bin_vheap = young_bytes;
    heap.old_bin_vheap = old_bytes;
    let min_bin_vheap = heap.settings.min_bin_vheap_bytes();
    heap.bin_vheap_limit = (young_bytes * 2).max(min_bin_vheap);
    if major {
        // What survived is young now and is promoted by the next minor collection.
        heap.old_bin_vheap_limit = (young_bytes * 2).max(min_bin_vheap);
    }
    heap.mso = new_mso;
    heap.old_mso = new_old_mso;
    if major {
        heap.old = Box::new([]);
        heap.old_top = 0;
        heap.minor_since_full = 0;
        heap.stats.major_collections += 1;
    } else {
        heap.old_top = new_old_top;
        heap.minor_since_full += 1;
        heap.stats.minor_collections += 1;
    }
    // Due again at twice the live data (young and old: the young generation is sized by the
    // whole heap, so a large live set means rarer minor collections), plus the need.
    let live = heap.top + heap.old_top + need;
    heap.limit = next_heap_size((live * 2).max(heap.settings.min_heap_size)).min(heap.young.len());
    heap.stats.words_reclaimed += before.saturating_sub(heap.used_words()) as u64;
}

/// Words needed to copy `t` into another heap (literals and all). Iterative.
pub fn size_of_term(t: Term) -> usize {
    let mut words = 0;
    // The root goes first without the stack: a flat term is sized without allocating.
    let mut stack: Vec<Term> = Vec::new();
    let mut next = Some(t);
    while let Some(t) = next.take().or_else(|| stack.pop()) {
        let mut t = t;
        loop {
            if t.is_list() {
                words += 2;
                // SAFETY: list terms point at live cons cells.
                let (h, tl) = unsafe { t.cons_parts() };
                if h.is_list() || h.is_boxed() {
                    stack.push(h);
                }
                t = tl;
            } else if t.is_boxed() {
                let p = t.ptr();
                // SAFETY: boxed terms point at live objects.
                let hdr = unsafe { *p };
                let (total, first, n) = object_layout(hdr);
                if hdr != 0 {
                    words += total; // `{}` is the static empty tuple: no words
                }
                for k in first..first + n {
                    // SAFETY: term slots of a live object.
                    let e = Term(unsafe { *p.add(k) });
                    if e.is_list() || e.is_boxed() {
                        stack.push(e);
                    }
                }
                break;
            } else {
                break;
            }
        }
    }
    words
}

/// Deep-copies `t` into a new fragment (a message being sent). Shared subterms are copied
/// once per reference, as in ERTS. Refc binaries and magic references gain a count.
pub fn copy_to_fragment(t: Term) -> (Term, Fragment) {
    let size = size_of_term(t);
    let mut f = Fragment::with_capacity(size.max(1));
    let r = copy_term_with(t, &mut |n| f.alloc(n).expect("sized exactly"), &mut Vec::new());
    // Record the off-heap objects we copied: scan the fragment.
    let base = f.data.as_mut_ptr();
    let mut i = 0;
    while i < f.used {
        // SAFETY: [0, used) holds the complete objects just copied.
        let w = unsafe { *base.add(i) };
        if is_header(w) {
            if is_off_heap_header(w) {
                // SAFETY: an off-heap object at base+i, a copy of a live one.
                let obj = unsafe { base.add(i) };
                unsafe { offheap::retain(obj) };
                f.mso.push(obj);
            }
            i += object_layout(w).0;
        } else {
            i += 2;
        }
    }
    (r, f)
}

/// Deep-copies `t` using `alloc` for each object. Iterative: a work list of slots to fill.
pub fn copy_term_with(t: Term, alloc: &mut dyn FnMut(usize) -> *mut u64, work: &mut Vec<(*mut u64, Term)>) -> Term {
    let mut root = Term::NON_VALUE;
    work.clear();
    // The root is the first item without going through the list: a flat message (a tuple
    // of immediates) copies without the list ever allocating.
    let mut next = Some((&mut root as *mut Term as *mut u64, t));
    while let Some((slot, t)) = next.take().or_else(|| work.pop()) {
        let mut slot = slot;
        let mut t = t;
        loop {
            if t.is_list() {
                // SAFETY: list terms point at live cons cells; q is freshly allocated.
                unsafe {
                    let (h, tl) = t.cons_parts();
                    let q = alloc(2);
                    *slot = Term::list_ptr(q).raw();
                    *q = h.raw();
                    if h.is_list() || h.is_boxed() {
                        work.push((q, h));
                    }
                    slot = q.add(1);
                    t = tl;
                }
            } else if t.is_boxed() {
                let p = t.ptr();
                // SAFETY: boxed terms point at live objects; q is freshly allocated.
                unsafe {
                    let hdr = *p;
                    if hdr == 0 {
                        *slot = Term::empty_tuple().raw(); // `{}` is never copied
                        break;
                    }
                    let (total, first, n) = object_layout(hdr);
                    let q = alloc(total);
                    core::ptr::copy_nonoverlapping(p, q, total);
                    *slot = Term::boxed_ptr(q).raw();
                    for k in first..first + n {
                        let e = Term(*q.add(k));
                        if e.is_list() || e.is_boxed() {
                            work.push((q.add(k), e));
                        }
                    }
                }
                break;
            } else {
                // SAFETY: slot is a writable word (root or inside a fresh object).
                unsafe { *slot = t.raw() };
                break;
            }
        }
    }
    root
}

#[cfg(test)]
mod tests;

/// Checks heap invariants (debug builds call it before and after every collection): every
/// pointer reachable from the roots points at a well-formed object, and after a collection
/// nothing on the old heap points into the young generation. Panics on a violation: a
/// violation is a VM bug, never a consequence of guest input.
pub fn verify(heap: &Heap, roots: &mut dyn Roots, after: bool) {
    let mut stack: Vec<Term> = Vec::new();
    roots.for_each(&mut |t: &mut Term| {
        if t.is_list() || t.is_boxed() {
            stack.push(*t);
        }
    });
    let mut seen = hashless::Seen::default();
    while let Some(t) = stack.pop() {
        let p = t.ptr();
        if !heap.contains(p) || !seen.insert(p as usize) {
            continue; // literal or already checked
        }
        // SAFETY: p is inside this heap's used area (checked above).
        unsafe {
            if t.is_list() {
                for k in 0..2 {
                    let w = Term(*p.add(k));
                    assert!(w.is_value() && !is_header(w.raw()), "cons cell holds a non-term at {:p}", p);
                    if w.is_list() || w.is_boxed() {
                        if after && heap.in_old(p) {
                            assert!(!heap.in_young_block(w.ptr()), "old cons points into the young generation");
                        }
                        stack.push(w);
                    }
                }
            } else {
                let h = *p;
                // (0 is `{}`: collections turn a stray heap one into the static empty tuple.)
                assert!(is_header(h) || h == 0, "boxed pointer {:p} does not point at a header ({:#x})", p, h);
                let (total, first, n) = object_layout(h);
                assert!(first + n <= total);
                for k in first..first + n {
                    let w = Term(*p.add(k));
                    if w.is_list() || w.is_boxed() {
                        if after && heap.in_old(p) {
                            assert!(!heap.in_young_block(w.ptr()), "old object points into the young generation");
                        }
                        stack.push(w);
                    }
                }
            }
        }
    }
}

mod hashless {
    //! A set of addresses without std's HashSet (gc is no_std): sorted-vector buckets.
    use alloc::vec::Vec;
    #[derive(Default)]
    pub struct Seen {
        buckets: Vec<Vec<usize>>,
    }
    impl Seen {
        pub fn insert(&mut self, a: usize) -> bool {
            if self.buckets.is_empty() {
                self.buckets = alloc::vec![Vec::new(); 4096];
            }
            let b = &mut self.buckets[(a >> 3) % 4096];
            match b.binary_search(&a) {
                Ok(_) => false,
                Err(i) => {
                    b.insert(i, a);
                    true
                }
            }
        }
    }
}
