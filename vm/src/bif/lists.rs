//! The native parts of `lists`: reverse/2, member/2, keyfind/3, keymember/3, keysearch/3.

use alloc::vec::Vec;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx};
use crate::atom::{self, am};
use crate::compare::{eq, eq_exact};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("lists", "reverse", 2, reverse_2),
    bif("lists", "member", 2, member_2),
    bif("lists", "keyfind", 3, keyfind_3),
    bif("lists", "keymember", 3, keymember_3),
    bif("lists", "keysearch", 3, keysearch_3),
];

fn reverse_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mut acc = a[1];
    let mut l = a[0];
    let mut items = Vec::new();
    while let Some((h, t)) = terms::cons_parts(l) {
        items.push(h);
        l = t;
    }
    if !l.is_nil() {
        return super::badarg_r();
    }
    for h in items {
        acc = terms::cons(ctx.heap(), h, acc);
    }
    Ok(acc)
}

fn member_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mut l = a[1];
    while let Some((h, t)) = terms::cons_parts(l) {
        if eq_exact(h, a[0]) {
            return Ok(am::TRUE);
        }
        l = t;
    }
    if !l.is_nil() {
        return super::badarg_r();
    }
    Ok(am::FALSE)
}

/// The first tuple in `list` whose element `n` (1-based) equals `key` (==).
fn keyfind(key: Term, n: Term, list: Term) -> Result<Option<Term>, super::Exc> {
    let Some(n) = n.as_small().filter(|&n| n >= 1) else { return super::badarg_r() };
    let mut l = list;
    while let Some((h, t)) = terms::cons_parts(l) {
        if let Some(e) = terms::tuple_elems(h) {
            if let Some(&v) = e.get(n as usize - 1) {
                if eq(v, key) {
                    return Ok(Some(h));
                }
            }
        }
        l = t;
    }
    if !l.is_nil() {
        return super::badarg_r();
    }
    Ok(None)
}

fn keyfind_3(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(keyfind(a[0], a[1], a[2])?.unwrap_or(am::FALSE))
}

fn keymember_3(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(keyfind(a[0], a[1], a[2])?.is_some()))
}

fn keysearch_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match keyfind(a[0], a[1], a[2])? {
        Some(t) => Ok(terms::tuple(ctx.heap(), &[atom::atom("value"), t])),
        None => Ok(am::FALSE),
    }
}
