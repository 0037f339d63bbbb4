use super::*;
use crate::bin::{write_refc_bin, BinData, REFC_BIN_WORDS};
use crate::term::header_tag;
use crate::heap::GcSettings;
use crate::make_header;

fn cons(h: &mut Heap, hd: Term, tl: Term) -> Term {
    let p = h.alloc(2);
    // SAFETY: two fresh words.
    unsafe {
        *p = hd.raw();
        *p.add(1) = tl.raw();
    }
    Term::list_ptr(p)
}

fn tuple(h: &mut Heap, elems: &[Term]) -> Term {
    let p = h.alloc(elems.len() + 1);
    // SAFETY: fresh words.
    unsafe {
        *p = make_header(header_tag::TUPLE, elems.len());
        for (i, e) in elems.iter().enumerate() {
            *p.add(i + 1) = e.raw();
        }
    }
    Term::boxed_ptr(p)
}

/// Sums a list of `{I, I*2}` tuples, checking the shape.
fn check_list(mut t: Term, n: i64) {
    let mut i = n;
    while t.is_list() {
        // SAFETY: a live list built by the test.
        let (hd, tl) = unsafe { t.cons_parts() };
        let p = hd.ptr();
        // SAFETY: a live 2-tuple.
        unsafe {
            assert_eq!(*p, make_header(header_tag::TUPLE, 2));
            assert_eq!(Term(*p.add(1)).small_value(), i);
            assert_eq!(Term(*p.add(2)).small_value(), i * 2);
        }
        i -= 1;
        t = tl;
    }
    assert!(t.is_nil());
    assert_eq!(i, 0);
}

fn gc(h: &mut Heap, root: &mut Term, full: bool) {
    let mut slots = [*root];
    {
        let mut s: [&mut [Term]; 1] = [&mut slots];
        collect(h, &mut SliceRoots(&mut s), 0, full);
    }
    *root = slots[0];
}

#[test]
fn minor_and_major_keep_live_data_and_drop_garbage() {
    let mut h = Heap::new(GcSettings::default());
    let mut list = Term::NIL;
    for i in 1..=5000 {
        let _garbage = tuple(&mut h, &[Term::small(-1), Term::small(-2), Term::small(-3)]);
        let t = tuple(&mut h, &[Term::small(i), Term::small(i * 2)]);
        list = cons(&mut h, t, list);
        if h.wants_gc(8) {
            gc(&mut h, &mut list, false);
            check_list(list, i);
        }
    }
    assert!(h.stats.minor_collections > 0);
    assert!(h.old_top > 0, "survivors were promoted");
    gc(&mut h, &mut list, true);
    check_list(list, 5000);
    assert_eq!(h.old_top, 0);
    assert_eq!(h.top, 5000 * 5, "exactly the live words remain after a full sweep");
}

#[test]
fn deep_list_does_not_recurse() {
    let mut h = Heap::new(GcSettings::default());
    let mut list = Term::NIL;
    for i in 0..1_000_000 {
        list = cons(&mut h, Term::small(i), list);
    }
    let mut nested = Term::NIL;
    for _ in 0..200_000 {
        nested = cons(&mut h, nested, Term::NIL);
    }
    let pair = tuple(&mut h, &[list, nested]);
    let mut root = pair;
    gc(&mut h, &mut root, true);
    assert_eq!(size_of_term(root), 3 + 2_000_000 + 400_000);
    assert_eq!(h.top, 3 + 2_000_000 + 400_000);
    let (copy, frag) = copy_to_fragment(root);
    assert_eq!(frag.used_words(), h.top);
    assert_eq!(size_of_term(copy), h.top);
}

#[test]
fn unreachable_refc_binaries_are_released() {
    let mut h = Heap::new(GcSettings::default());
    let data = BinData::new(vec![7u8; 1000]);
    // SAFETY: data is live; we hold one extra reference to observe the count.
    unsafe { BinData::inc_ref(data) };
    let obj = h.alloc(REFC_BIN_WORDS);
    // SAFETY: four fresh words; takes over one reference.
    unsafe { write_refc_bin(obj, data, 0, 1000) };
    h.note_off_heap(obj);
    let mut root = Term::boxed_ptr(obj);
    let (msg, frag) = copy_to_fragment(root);
    // SAFETY: data is live while we hold our reference.
    assert_eq!(unsafe { (*data).ref_count() }, 3);
    h.attach_fragment(frag);
    let mut keep = msg;
    gc(&mut h, &mut keep, false);
    assert_eq!(unsafe { (*data).ref_count() }, 2, "the heap copy died, the message copy lives");
    root = Term::NIL;
    let _ = root;
    gc(&mut h, &mut keep, false);
    gc(&mut h, &mut keep, false); // promoted to old
    assert_eq!(h.old_mso.len(), 1);
    keep = Term::NIL;
    gc(&mut h, &mut keep, true);
    assert_eq!(unsafe { (*data).ref_count() }, 1);
    // SAFETY: our own reference.
    unsafe { BinData::dec_ref(data) };
}

#[test]
fn literals_outside_the_heap_are_not_copied() {
    let mut lit = [make_header(header_tag::TUPLE, 1), Term::small(5).raw()];
    let lit_term = Term::boxed_ptr(lit.as_mut_ptr());
    let mut h = Heap::new(GcSettings::default());
    let mut root = cons(&mut h, lit_term, Term::NIL);
    gc(&mut h, &mut root, true);
    // SAFETY: root is a live cons.
    let (hd, _) = unsafe { root.cons_parts() };
    assert_eq!(hd, lit_term);
    assert_eq!(h.top, 2);
}

fn object(h: &mut Heap, tag: u64, words: &[Term]) -> Term {
    let p = h.alloc(words.len() + 1);
    // SAFETY: fresh words.
    unsafe {
        *p = make_header(tag, words.len());
        for (i, w) in words.iter().enumerate() {
            *p.add(i + 1) = w.raw();
        }
    }
    Term::boxed_ptr(p)
}

/// A HAMT-shaped map: head (size 3, bitmap 0b101) → leaf [1|10], node (bitmap 0b11) → leaves
/// [2|20], [3|30]; the node is also referenced a second time from a tuple (sharing).
fn hamt(h: &mut Heap) -> Term {
    let l1 = cons(h, Term::small(1), Term::small(10));
    let l2 = cons(h, Term::small(2), Term::small(20));
    let l3 = cons(h, Term::small(3), Term::small(30));
    let node = object(h, header_tag::HASHMAP_NODE, &[Term::small(0b11), l2, l3]);
    let head = object(h, header_tag::MAP, &[Term::small(3), Term::small(0b101), l1, node]);
    tuple(h, &[head, node])
}

fn check_hamt(t: Term) {
    // SAFETY: the objects built by `hamt`, moved by the collector.
    unsafe {
        let p = t.ptr();
        let (head, node) = (Term(*p.add(1)), Term(*p.add(2)));
        let hp = head.ptr();
        assert_eq!(*hp, make_header(header_tag::MAP, 4));
        assert_eq!(Term(*hp.add(1)).small_value(), 3);
        assert_eq!(Term(*hp.add(2)).small_value(), 0b101);
        assert_eq!(Term(*hp.add(3)).cons_parts(), (Term::small(1), Term::small(10)));
        assert_eq!(Term(*hp.add(4)), node, "sharing is kept");
        let np = node.ptr();
        assert_eq!(*np, make_header(header_tag::HASHMAP_NODE, 3));
        assert_eq!(Term(*np.add(1)).small_value(), 0b11);
        assert_eq!(Term(*np.add(2)).cons_parts(), (Term::small(2), Term::small(20)));
        assert_eq!(Term(*np.add(3)).cons_parts(), (Term::small(3), Term::small(30)));
    }
}

#[test]
fn hamt_maps_survive_collections_and_copies() {
    let mut h = Heap::new(GcSettings::default());
    let mut root = hamt(&mut h);
    // Tuple 3 + head 5 + leaf 2, and the shared node (4 + two leaves) once per reference.
    assert_eq!(size_of_term(root), 3 + 5 + 2 + 2 * (4 + 2 * 2));
    for full in [false, false, true] {
        for _ in 0..100 {
            let _garbage = tuple(&mut h, &[Term::small(-1)]);
        }
        gc(&mut h, &mut root, full);
        let mut slots = [root];
        let mut s: [&mut [Term]; 1] = [&mut slots];
        verify(&h, &mut SliceRoots(&mut s), true);
        check_hamt(root);
    }
    let (copy, _frag) = copy_to_fragment(root);
    // SAFETY: the copy is a tuple whose elements are the copied head and node.
    unsafe {
        let hp = Term(*copy.ptr().add(1)).ptr();
        assert_eq!(*hp, make_header(header_tag::MAP, 4));
        assert_eq!(Term(*hp.add(3)).cons_parts(), (Term::small(1), Term::small(10)));
    }
}

/// A `{}` object on a heap (header word 0) must not derail the scans: it becomes the static
/// empty tuple, and the objects after it survive intact, in minor and major collections and in
/// message copies. (A zero header used to be read as a moved cons cell.)
#[test]
fn empty_tuple_objects_do_not_derail_scans() {
    for full in [false, true] {
        let mut h = Heap::new(GcSettings::default());
        let mut list = Term::NIL;
        for i in 1..=200 {
            // A stray heap `{}` (built by hand: the VM's builders never make one) in every
            // element, between the cons cell and a 2-tuple.
            let p = h.alloc(1);
            // SAFETY: one fresh word.
            unsafe { *p = 0 };
            let empty = Term::boxed_ptr(p);
            let t = tuple(&mut h, &[Term::small(i), Term::small(i * 2)]);
            let pair = tuple(&mut h, &[empty, t]);
            list = cons(&mut h, pair, list);
        }
        gc(&mut h, &mut list, full);
        let (copy, _frag) = copy_to_fragment(list);
        for root in [list, copy] {
            let mut t = root;
            let mut i = 200;
            while t.is_list() {
                // SAFETY: a live list of {{}, {I, 2I}} built above.
                unsafe {
                    let (hd, tl) = t.cons_parts();
                    let e = hd.ptr();
                    assert_eq!(Term(*e.add(1)), Term::empty_tuple());
                    let inner = Term(*e.add(2)).ptr();
                    assert_eq!(Term(*inner.add(1)).small_value(), i);
                    assert_eq!(Term(*inner.add(2)).small_value(), i * 2);
                    t = tl;
                }
                i -= 1;
            }
            assert_eq!(i, 0);
        }
    }
}

#[test]
fn refc_binaries_make_a_collection_due() {
    use crate::heap::MIN_BIN_VHEAP_BYTES;
    let mut h = Heap::new(GcSettings::default());
    let size = 100_000;
    let mut made = 0;
    // Binaries take four heap words each, so only their bytes can make a collection due.
    while !h.wants_gc(0) {
        let data = BinData::new(vec![1u8; size]);
        let obj = h.alloc(REFC_BIN_WORDS);
        // SAFETY: four fresh words; takes over the only reference.
        unsafe { write_refc_bin(obj, data, 0, size) };
        h.note_off_heap(obj);
        made += 1;
        assert!(made * size <= MIN_BIN_VHEAP_BYTES + size, "no collection due after {made} binaries");
    }
    assert!(made * size > MIN_BIN_VHEAP_BYTES);
    let mut none = Term::NIL;
    gc(&mut h, &mut none, false);
    assert!(!h.wants_gc(0), "all binaries were garbage");
    assert!(h.mso.is_empty());
}

#[test]
fn appending_views_charge_only_the_growth() {
    let mut h = Heap::new(GcSettings::default());
    let mut bytes = vec![0u8; 1000];
    bytes.reserve(1_000_000);
    let data = BinData::new(bytes);
    for i in 0..50 {
        // A new view of the same data after each append, as `<<Acc/binary, ...>>` makes.
        // SAFETY: data is live (the first view owns the initial reference).
        let grown = unsafe { (*data).len() };
        assert!(unsafe { (*data).try_append(grown, &[i as u8; 100]) });
        if i > 0 {
            // SAFETY: data is live.
            unsafe { BinData::inc_ref(data) };
        }
        let obj = h.alloc(REFC_BIN_WORDS);
        // SAFETY: four fresh words; takes over one reference.
        unsafe { write_refc_bin(obj, data, 0, grown + 100) };
        h.note_off_heap(obj);
    }
    assert_eq!(h.bin_vheap, 1000 + 50 * 100);
}

#[test]
fn the_young_heap_shrinks_when_little_survives() {
    let mut h = Heap::new(GcSettings::default());
    // A phase that keeps a long list alive grows the heap...
    let mut keep = Term::NIL;
    for i in 0..200_000 {
        if h.wants_gc(2) {
            collect(&mut h, &mut SliceRoots(&mut [core::slice::from_mut(&mut keep)]), 2, false);
        }
        keep = cons(&mut h, Term::small(i), keep);
    }
    let grown = h.young_size();
    assert!(grown > 200_000, "the live list fits: {grown}");
    // ...then only garbage is made, with a large `need` each time (as a deep stack makes).
    keep = Term::NIL;
    for i in 0..2_000_000 {
        if h.wants_gc(2) {
            collect(&mut h, &mut SliceRoots(&mut [core::slice::from_mut(&mut keep)]), 1000, false);
        }
        let _ = cons(&mut h, Term::small(i), Term::NIL);
    }
    assert!(h.young_size() < 10_000, "young heap still {} words (was {grown})", h.young_size());
}

mod resources {
    //! Magic references keep their resource alive exactly as long as some copy lives.
    use super::*;
    use crate::resource::{write_magic_ref, Resource, MAGIC_REF_WORDS};
    use alloc::boxed::Box;
    use alloc::sync::Arc;
    use core::sync::atomic::{AtomicBool, Ordering};

    /// Resource data that reports when it is dropped.
    struct Probe(Arc<AtomicBool>);
    impl Drop for Probe {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// A new resource (of `bytes`) behind a magic reference on `h`; the flag tells when its
    /// data was dropped.
    fn magic_ref(h: &mut Heap, bytes: usize) -> (Term, *const Resource, Arc<AtomicBool>) {
        let dropped = Arc::new(AtomicBool::new(false));
        let res = Resource::new(1, 0x2000_0000_0000_0001, bytes, Box::new(Probe(dropped.clone())));
        let obj = h.alloc(MAGIC_REF_WORDS);
        // SAFETY: four fresh words; the object takes over the new resource's only count.
        unsafe { write_magic_ref(obj, res) };
        h.note_off_heap(obj);
        (Term::boxed_ptr(obj), res, dropped)
    }

    #[test]
    fn freed_when_the_last_term_dies() {
        let mut h = Heap::new(GcSettings::default());
        let (r, res, dropped) = magic_ref(&mut h, 64);
        let mut root = tuple(&mut h, &[r, Term::small(1)]);
        gc(&mut h, &mut root, false);
        assert!(!dropped.load(Ordering::SeqCst), "reachable: kept");
        // SAFETY: alive (we just checked).
        assert_eq!(unsafe { Resource::ref_count(res) }, 1);
        gc(&mut h, &mut root, false); // promoted to the old heap
        assert_eq!(h.old_mso.len(), 1);
        root = Term::NIL;
        gc(&mut h, &mut root, false);
        assert!(!dropped.load(Ordering::SeqCst), "a minor collection leaves the old heap alone");
        gc(&mut h, &mut root, true);
        assert!(dropped.load(Ordering::SeqCst), "unreachable after a full sweep: freed");
        assert!(h.mso.is_empty() && h.old_mso.is_empty());
    }

    #[test]
    fn kept_while_a_copy_lives_in_a_fragment() {
        let mut h = Heap::new(GcSettings::default());
        let (r, res, dropped) = magic_ref(&mut h, 64);
        let (copy, frag) = copy_to_fragment(cons(&mut h, r, Term::NIL));
        // SAFETY: alive: the heap's object and the fragment's copy hold a count each.
        assert_eq!(unsafe { Resource::ref_count(res) }, 2);
        let mut none = Term::NIL;
        gc(&mut h, &mut none, true);
        assert!(!dropped.load(Ordering::SeqCst), "the message copy keeps it");
        // SAFETY: alive.
        assert_eq!(unsafe { Resource::ref_count(res) }, 1);
        // The copy reads the same resource.
        // SAFETY: copy is a live cons in the fragment.
        let (hd, _) = unsafe { copy.cons_parts() };
        // SAFETY: hd is a magic reference object.
        assert_eq!(unsafe { crate::resource::magic_ref_resource(hd.ptr()) }, res);
        drop(frag);
        assert!(dropped.load(Ordering::SeqCst), "dropping the undelivered message freed it");
    }

    #[test]
    fn kept_while_a_copy_lives_in_another_heap() {
        let mut sender = Heap::new(GcSettings::default());
        let mut receiver = Heap::new(GcSettings::default());
        let (r, res, dropped) = magic_ref(&mut sender, 64);
        let (msg, frag) = copy_to_fragment(r);
        receiver.attach_fragment(frag);
        let mut kept = msg;
        gc(&mut receiver, &mut kept, false);
        drop(sender); // the sender dies: its count goes
        assert!(!dropped.load(Ordering::SeqCst), "the receiver's copy keeps it");
        // SAFETY: alive.
        assert_eq!(unsafe { Resource::ref_count(res) }, 1);
        gc(&mut receiver, &mut kept, false);
        kept = Term::NIL;
        gc(&mut receiver, &mut kept, true);
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[test]
    fn a_dying_heap_releases_its_resources() {
        let mut h = Heap::new(GcSettings::default());
        let (_r, _res, dropped) = magic_ref(&mut h, 64);
        drop(h);
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[test]
    fn resource_bytes_make_a_collection_due() {
        let mut h = Heap::new(GcSettings::default());
        let mut made = 0;
        let mut probes = alloc::vec::Vec::new();
        while !h.wants_gc(0) {
            let (_r, _res, dropped) = magic_ref(&mut h, 100_000);
            probes.push(dropped);
            made += 1;
            assert!(made < 100, "no collection due after {made} resources");
        }
        let mut none = Term::NIL;
        gc(&mut h, &mut none, false);
        assert!(probes.iter().all(|d| d.load(Ordering::SeqCst)), "every garbage resource was freed");
        assert!(!h.wants_gc(0));
    }
}
