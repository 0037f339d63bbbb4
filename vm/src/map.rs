//! Maps: a flat map is `[header(MAP, n + 1), keys tuple, values...]` with keys sorted in
//! exact term order (integers before equal floats), as ERTS's flatmap.
//!
//! Known gap: ERTS switches to a HAMT above 32 keys; every map here is flat, so building a huge
//! map key by key is quadratic. The HAMT header tag is reserved in gc.

use alloc::vec::Vec;
use beamos_gc::term::{header_arity, header_tag_of};
use beamos_gc::{header_tag, make_header, Term};
use core::cmp::Ordering;

use crate::compare::{compare, Mode};
use crate::terms::{self, Alloc};

/// Keys and values of a map term (empty slices for non-maps).
pub fn parts<'a>(m: Term) -> (&'a [Term], &'a [Term]) {
    if m.box_tag() != Some(header_tag::MAP) {
        return (&[], &[]);
    }
    let p = m.ptr();
    // SAFETY: the flat map layout above; the keys tuple has n elements.
    unsafe {
        let n = header_arity(*p) - 1;
        let keys = terms::tuple_elems(Term(*p.add(1))).unwrap_or(&[]);
        let vals = core::slice::from_raw_parts(p.add(2) as *const Term, n);
        (keys, vals)
    }
}

pub fn size(m: Term) -> usize {
    parts(m).0.len()
}

fn key_cmp(a: Term, b: Term) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    compare(a, b, Mode::Exact)
}

fn find(keys: &[Term], k: Term) -> Result<usize, usize> {
    if keys.len() <= 8 {
        for (i, &x) in keys.iter().enumerate() {
            match key_cmp(x, k) {
                Ordering::Equal => return Ok(i),
                Ordering::Greater => return Err(i),
                Ordering::Less => {}
            }
        }
        return Err(keys.len());
    }
    keys.binary_search_by(|&x| key_cmp(x, k))
}

pub fn get(m: Term, k: Term) -> Option<Term> {
    let (keys, vals) = parts(m);
    find(keys, k).ok().map(|i| vals[i])
}

/// Builds a map from sorted, distinct keys and their values.
pub fn from_sorted(h: &mut impl Alloc, keys: &[Term], vals: &[Term]) -> Term {
    debug_assert_eq!(keys.len(), vals.len());
    let kt = terms::tuple(h, keys);
    let p = h.alloc_words(2 + vals.len());
    // SAFETY: fresh words.
    unsafe {
        *p = make_header(header_tag::MAP, vals.len() + 1);
        *p.add(1) = kt.raw();
        core::ptr::copy_nonoverlapping(vals.as_ptr() as *const u64, p.add(2), vals.len());
    }
    Term::boxed_ptr(p)
}

pub fn empty(h: &mut impl Alloc) -> Term {
    from_sorted(h, &[], &[])
}

/// A map from pairs; later pairs win for equal keys.
pub fn from_pairs(h: &mut impl Alloc, pairs: &[(Term, Term)]) -> Term {
    let mut v: Vec<(usize, Term, Term)> = pairs.iter().enumerate().map(|(i, &(k, x))| (i, k, x)).collect();
    v.sort_by(|a, b| key_cmp(a.1, b.1).then(b.0.cmp(&a.0)));
    v.dedup_by(|later, first| key_cmp(later.1, first.1) == Ordering::Equal);
    let keys: Vec<Term> = v.iter().map(|e| e.1).collect();
    let vals: Vec<Term> = v.iter().map(|e| e.2).collect();
    from_sorted(h, &keys, &vals)
}

/// `M#{K => V, ...}`: inserts or replaces.
pub fn put_many(h: &mut impl Alloc, m: Term, pairs: &[(Term, Term)]) -> Term {
    let (keys, vals) = parts(m);
    if pairs.len() == 1 {
        let (k, v) = pairs[0];
        match find(keys, k) {
            Ok(i) => {
                if vals[i] == v {
                    return m;
                }
                let mut nv = vals.to_vec();
                nv[i] = v;
                // Share the keys tuple.
                // SAFETY: word 1 of a map is its keys tuple.
                let kt = Term(unsafe { *m.ptr().add(1) });
                return with_keys_tuple(h, kt, &nv);
            }
            Err(i) => {
                let mut nk = Vec::with_capacity(keys.len() + 1);
                nk.extend_from_slice(&keys[..i]);
                nk.push(k);
                nk.extend_from_slice(&keys[i..]);
                let mut nv = Vec::with_capacity(vals.len() + 1);
                nv.extend_from_slice(&vals[..i]);
                nv.push(v);
                nv.extend_from_slice(&vals[i..]);
                return from_sorted(h, &nk, &nv);
            }
        }
    }
    let mut all: Vec<(Term, Term)> = keys.iter().copied().zip(vals.iter().copied()).collect();
    all.extend_from_slice(pairs);
    from_pairs(h, &all)
}

fn with_keys_tuple(h: &mut impl Alloc, kt: Term, vals: &[Term]) -> Term {
    let p = h.alloc_words(2 + vals.len());
    // SAFETY: fresh words.
    unsafe {
        *p = make_header(header_tag::MAP, vals.len() + 1);
        *p.add(1) = kt.raw();
        core::ptr::copy_nonoverlapping(vals.as_ptr() as *const u64, p.add(2), vals.len());
    }
    Term::boxed_ptr(p)
}

/// `M#{K := V, ...}`: every key must exist; returns the failing key otherwise.
pub fn update_many(h: &mut impl Alloc, m: Term, pairs: &[(Term, Term)]) -> Result<Term, Term> {
    let (keys, vals) = parts(m);
    let mut nv = vals.to_vec();
    for &(k, v) in pairs {
        match find(keys, k) {
            Ok(i) => nv[i] = v,
            Err(_) => return Err(k),
        }
    }
    // SAFETY: word 1 of a map is its keys tuple.
    let kt = Term(unsafe { *m.ptr().add(1) });
    Ok(with_keys_tuple(h, kt, &nv))
}

pub fn remove(h: &mut impl Alloc, m: Term, k: Term) -> Term {
    let (keys, vals) = parts(m);
    match find(keys, k) {
        Ok(i) => {
            let mut nk = keys.to_vec();
            let mut nv = vals.to_vec();
            nk.remove(i);
            nv.remove(i);
            from_sorted(h, &nk, &nv)
        }
        Err(_) => m,
    }
}

pub fn is_map(t: Term) -> bool {
    t.box_tag().map(|_| {
        // SAFETY: boxed.
        header_tag_of(unsafe { t.boxed_header() }) == header_tag::MAP
    }) == Some(true)
}
