//! `persistent_term`: a global key-value store whose values are read without copying.
//!
//! Keys and values are copied into fragments owned by the store. A replaced or erased value's
//! fragment is kept (leaked) because processes may still hold pointers into it; ERTS instead
//! runs a global copying pass. Known gap, fine for configuration-style use.

use alloc::vec::Vec;
use beamos_gc::collect::copy_to_fragment;
use beamos_gc::heap::Fragment;
use beamos_gc::Term;
use spin::Mutex;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::am;
use crate::compare::eq_exact;
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("persistent_term", "get", 1, get_1),
    bif("persistent_term", "get", 2, get_2),
    bif("persistent_term", "get", 0, get_0),
    bif("persistent_term", "put", 2, put_2),
    bif("persistent_term", "erase", 1, erase_1),
    bif("persistent_term", "info", 0, info_0),
];

struct Entry {
    key: Term,
    value: Term,
}

struct Store {
    entries: Vec<Entry>,
    /// Every fragment ever used; never freed (see the module note).
    frags: Vec<Fragment>,
}

// SAFETY: the terms point into the store's own fragments, which never move or die.
unsafe impl Send for Store {}

static STORE: Mutex<Store> = Mutex::new(Store { entries: Vec::new(), frags: Vec::new() });

fn lookup(key: Term) -> Option<Term> {
    let s = STORE.lock();
    s.entries.iter().find(|e| eq_exact(e.key, key)).map(|e| e.value)
}

fn get_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match lookup(a[0]) {
        Some(v) => Ok(v),
        None => Err(Exc::Error(terms::tuple(ctx.heap(), &[am::BADARG, a[0]]))),
    }
}

fn get_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(lookup(a[0]).unwrap_or(a[1]))
}

fn get_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let pairs: Vec<(Term, Term)> = STORE.lock().entries.iter().map(|e| (e.key, e.value)).collect();
    let mut items = Vec::new();
    for (k, v) in pairs {
        items.push(terms::tuple(ctx.heap(), &[k, v]));
    }
    Ok(terms::list(ctx.heap(), &items))
}

fn put_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mut s = STORE.lock();
    if let Some(e) = s.entries.iter().find(|e| eq_exact(e.key, a[0])) {
        if eq_exact(e.value, a[1]) {
            return Ok(am::OK);
        }
    }
    let (k, kf) = copy_to_fragment(a[0]);
    let (v, vf) = copy_to_fragment(a[1]);
    s.frags.push(kf);
    s.frags.push(vf);
    match s.entries.iter_mut().find(|e| eq_exact(e.key, a[0])) {
        Some(e) => e.value = v,
        None => s.entries.push(Entry { key: k, value: v }),
    }
    Ok(am::OK)
}

fn erase_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mut s = STORE.lock();
    let before = s.entries.len();
    s.entries.retain(|e| !eq_exact(e.key, a[0]));
    Ok(crate::atom::bool_atom(s.entries.len() != before))
}

fn info_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let (n, words) = {
        let s = STORE.lock();
        (s.entries.len(), s.frags.iter().map(|f| f.used_words()).sum::<usize>())
    };
    let pairs = [(crate::atom::atom("count"), Term::small(n as i64)), (am::MEMORY, Term::small((words * 8) as i64))];
    Ok(crate::map::from_pairs(ctx.heap(), &pairs))
}
