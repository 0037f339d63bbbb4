//! The kernel's global allocator: power-of-two size classes (16 B .. 2 KiB) with free lists,
//! carved from 64 KiB chunks, over a page-granular, address-ordered first-fit free list with
//! coalescing for everything larger. One spin lock (interrupts are off; ready for SMP later).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicBool, Ordering};

const PAGE: usize = 4096;
const MIN_CLASS: usize = 16;
const MAX_SMALL: usize = 2048;
const NCLASS: usize = 8; // 16, 32, ..., 2048
const CHUNK: usize = 64 * 1024;

/// A free block: small blocks use only `next`; large blocks also record their size.
struct Node {
    next: *mut Node,
    size: usize,
}

struct Heap {
    small: [*mut Node; NCLASS],
    bump: usize,
    bump_end: usize,
    large: *mut Node,
    total: usize,
}

/// The allocator; `init` must be called before the first allocation.
pub struct KernelAlloc {
    lock: AtomicBool,
    heap: UnsafeCell<Heap>,
}

// SAFETY: all access to `heap` goes through `with`, which holds the spin lock.
unsafe impl Sync for KernelAlloc {}

fn align_up(x: usize, a: usize) -> usize {
    (x + a - 1) & !(a - 1)
}

/// Size class index for a layout, or None if it is a large allocation.
fn class_of(layout: &Layout) -> Option<usize> {
    let s = layout.size().max(layout.align()).max(MIN_CLASS).next_power_of_two();
    (s <= MAX_SMALL).then(|| (s.trailing_zeros() - MIN_CLASS.trailing_zeros()) as usize)
}

fn large_size(layout: &Layout) -> usize {
    align_up(layout.size(), PAGE)
}

impl Heap {
    /// # Safety: [p, p + size) is unused memory, page aligned, owned by this heap.
    unsafe fn large_free(&mut self, p: usize, size: usize) {
        let (mut prev, mut cur) = (null_mut::<Node>(), self.large);
        // SAFETY (whole body): every node in the list is a free block this heap owns.
        unsafe {
            while !cur.is_null() && (cur as usize) < p {
                prev = cur;
                cur = (*cur).next;
            }
            let n = p as *mut Node;
            (*n).size = size;
            (*n).next = cur;
            if !cur.is_null() && p + size == cur as usize {
                (*n).size += (*cur).size;
                (*n).next = (*cur).next;
            }
            if prev.is_null() {
                self.large = n;
            } else if prev as usize + (*prev).size == p {
                (*prev).size += (*n).size;
                (*prev).next = (*n).next;
            } else {
                (*prev).next = n;
            }
        }
    }

    /// First fit: a page-multiple `size` at an `align` (>= PAGE) boundary.
    unsafe fn large_alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        let mut link: *mut *mut Node = &mut self.large;
        // SAFETY (whole body): `link` always points at the list head or a free node's `next`.
        unsafe {
            while !(*link).is_null() {
                let node = *link;
                let (start, end) = (node as usize, node as usize + (*node).size);
                let a = align_up(start, align);
                if a < end && end - a >= size {
                    let mut rest = (*node).next;
                    if a + size < end {
                        let t = (a + size) as *mut Node;
                        (*t).size = end - (a + size);
                        (*t).next = rest;
                        rest = t;
                    }
                    if a > start {
                        (*node).size = a - start;
                        (*node).next = rest;
                    } else {
                        *link = rest;
                    }
                    return a as *mut u8;
                }
                link = &mut (*node).next;
            }
        }
        null_mut()
    }

    unsafe fn small_alloc(&mut self, class: usize) -> *mut u8 {
        let head = self.small[class];
        if !head.is_null() {
            // SAFETY: `head` is a free block of this class.
            self.small[class] = unsafe { (*head).next };
            return head as *mut u8;
        }
        let bs = MIN_CLASS << class;
        let mut p = align_up(self.bump, bs);
        if p + bs > self.bump_end {
            // SAFETY: the large free list is consistent (we hold the lock).
            let chunk = unsafe { self.large_alloc(CHUNK, PAGE) };
            if chunk.is_null() {
                return null_mut();
            }
            p = chunk as usize;
            self.bump_end = p + CHUNK;
        }
        self.bump = p + bs;
        p as *mut u8
    }
}

impl KernelAlloc {
    /// An allocator with no memory yet.
    pub const fn new() -> Self {
        KernelAlloc {
            lock: AtomicBool::new(false),
            heap: UnsafeCell::new(Heap { small: [null_mut(); NCLASS], bump: 0, bump_end: 0, large: null_mut(), total: 0 }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Heap) -> R) -> R {
        while self.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        // SAFETY: the lock gives exclusive access to the heap until released below.
        let r = f(unsafe { &mut *self.heap.get() });
        self.lock.store(false, Ordering::Release);
        r
    }

    /// Give the allocator the memory [start, end).
    ///
    /// # Safety
    /// The range is RAM, mapped, and used by nothing else for the rest of the kernel's life.
    pub unsafe fn init(&self, start: usize, end: usize) {
        let (s, e) = (align_up(start, PAGE), end & !(PAGE - 1));
        if s < e {
            // SAFETY: the caller hands us the range; it is page aligned.
            self.with(|h| unsafe { h.large_free(s, e - s) });
            self.with(|h| h.total += e - s);
        }
    }

    /// Total bytes handed to the allocator.
    pub fn total(&self) -> usize {
        self.with(|h| h.total)
    }
}

// SAFETY: blocks are disjoint and sized/aligned for their layout: a small class block of size
// 2^k is 2^k-aligned (chunks are page aligned, bump is aligned up), and large blocks are
// page-multiple, `max(align, PAGE)`-aligned ranges of the free list.
unsafe impl GlobalAlloc for KernelAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.with(|h| match class_of(&layout) {
            // SAFETY: we hold the lock, so the lists are consistent.
            Some(c) => unsafe { h.small_alloc(c) },
            // SAFETY: as above.
            None => unsafe { h.large_alloc(large_size(&layout), layout.align().max(PAGE)) },
        })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.with(|h| match class_of(&layout) {
            Some(c) => {
                let n = ptr as *mut Node;
                // SAFETY: `ptr` came from `alloc` with this layout, so it is a block of class c.
                unsafe { (*n).next = h.small[c] };
                h.small[c] = n;
            }
            // SAFETY: `ptr` is a large block of exactly this size that we handed out.
            None => unsafe { h.large_free(ptr as usize, large_size(&layout)) },
        })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees new_size, rounded to align, does not overflow isize.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let same = match (class_of(&layout), class_of(&new)) {
            (Some(a), Some(b)) => a == b,
            (None, None) => large_size(&layout) == large_size(&new),
            _ => false,
        };
        if same {
            return ptr;
        }
        // SAFETY: plain alloc/copy/free with the caller's guarantees.
        unsafe {
            let p = self.alloc(new);
            if !p.is_null() {
                core::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            p
        }
    }
}
