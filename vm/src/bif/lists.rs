//! The native parts of `lists`: reverse/2, member/2, keyfind/3, keymember/3, keysearch/3.
//!
//! All of them walk a list of any length, so they trap (see `emu::trap`) as ERTS's
//! erl_bif_lists.c does: to themselves, with the rest of the list as the new argument, so that
//! an error after a trap shows the arguments of the last call (the remainder of the list), as
//! erl's stack traces do. reverse/2 and member/2 size their chunks by the reductions left;
//! the key functions do 40,000 elements per chunk whatever the reductions, as ERTS.

use alloc::vec;
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

/// List cells reversed per reduction (ERTS's lists_reverse_alloc).
const REVERSE_CELLS_PER_RED: usize = 40;
/// Elements compared per reduction (ERTS's lists_member_2).
const MEMBER_PER_RED: usize = 16;
/// Elements per chunk of the key functions (ERTS: 10 * CONTEXT_REDS).
const KEYFIND_CHUNK: usize = 40_000;

fn reverse_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (list, mut acc) = (a[0], a[1]);
    if list.is_nil() {
        return Ok(acc);
    }
    if !list.is_list() {
        return super::badarg_r();
    }
    // Look ahead over this chunk first: an improper end fails before anything is built.
    let budget = ctx.reds_left() * REVERSE_CELLS_PER_RED;
    let mut n = 0;
    let mut l = list;
    while n < budget {
        match terms::cons_parts(l) {
            Some((_, t)) => {
                l = t;
                n += 1;
            }
            None => break,
        }
    }
    if !l.is_list_or_nil() {
        return super::badarg_r();
    }
    let mut c = list;
    for _ in 0..n {
        let Some((h, t)) = terms::cons_parts(c) else { break };
        acc = terms::cons(ctx.heap(), h, acc);
        c = t;
    }
    if c.is_nil() {
        ctx.bump_reds(n / REVERSE_CELLS_PER_RED);
        return Ok(acc);
    }
    Err(ctx.trap_self(reverse_2, vec![c, acc]))
}

fn member_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (key, list) = (a[0], a[1]);
    if list.is_nil() {
        return Ok(am::FALSE);
    }
    if !list.is_list() {
        return super::badarg_r();
    }
    let budget = ctx.reds_left() * MEMBER_PER_RED;
    let mut n = 0;
    let mut l = list;
    while let Some((h, t)) = terms::cons_parts(l) {
        if n == budget {
            return Err(ctx.trap_self(member_2, vec![key, l]));
        }
        n += 1;
        if eq_exact(h, key) {
            ctx.bump_reds(n / MEMBER_PER_RED);
            return Ok(am::TRUE);
        }
        l = t;
    }
    ctx.bump_reds(n / MEMBER_PER_RED);
    if !l.is_nil() {
        return super::badarg_r();
    }
    Ok(am::FALSE)
}

/// How a search of the key functions ended.
enum Found {
    Tuple(Term),
    NotFound,
    /// Not done: the rest of the list to search.
    More(Term),
}

/// Searches one chunk of `list` for the first tuple whose element `n` (1-based) equals `key`
/// (==).
fn keyfind(ctx: &mut Ctx, key: Term, n: Term, list: Term) -> Result<Found, super::Exc> {
    let Some(n) = n.as_small().filter(|&n| n >= 1) else { return super::badarg_r() };
    let mut l = list;
    let mut i = 0;
    while let Some((h, t)) = terms::cons_parts(l) {
        if i == KEYFIND_CHUNK {
            return Ok(Found::More(l));
        }
        i += 1;
        if let Some(e) = terms::tuple_elems(h) {
            if let Some(&v) = e.get(n as usize - 1) {
                if eq(v, key) {
                    ctx.bump_reds(i / MEMBER_PER_RED);
                    return Ok(Found::Tuple(h));
                }
            }
        }
        l = t;
    }
    ctx.bump_reds(i / MEMBER_PER_RED);
    if !l.is_nil() {
        return super::badarg_r();
    }
    Ok(Found::NotFound)
}

fn keyfind_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match keyfind(ctx, a[0], a[1], a[2])? {
        Found::Tuple(t) => Ok(t),
        Found::NotFound => Ok(am::FALSE),
        Found::More(rest) => Err(ctx.trap_self(keyfind_3, vec![a[0], a[1], rest])),
    }
}

fn keymember_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match keyfind(ctx, a[0], a[1], a[2])? {
        Found::Tuple(_) => Ok(am::TRUE),
        Found::NotFound => Ok(am::FALSE),
        Found::More(rest) => Err(ctx.trap_self(keymember_3, vec![a[0], a[1], rest])),
    }
}

fn keysearch_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match keyfind(ctx, a[0], a[1], a[2])? {
        Found::Tuple(t) => Ok(terms::tuple(ctx.heap(), &[atom::atom("value"), t])),
        Found::NotFound => Ok(am::FALSE),
        Found::More(rest) => Err(ctx.trap_self(keysearch_3, vec![a[0], a[1], rest])),
    }
}
