use super::*;
use crate::bin::{write_refc_bin, REFC_BIN_WORDS};
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
    h.note_refc_bin(obj);
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
