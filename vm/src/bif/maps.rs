//! Map BIFs: the native parts of `maps`, `erlang:map_size/1` and friends, and
//! `erts_internal:map_next/3`, which maps:iterator/next and maps:to_list build on.

use alloc::vec::Vec;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::map;
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("maps", "find", 2, find_2),
    bif("maps", "get", 2, get_2),
    bif("maps", "from_list", 1, from_list_1),
    bif("maps", "from_keys", 2, from_keys_2),
    bif("maps", "is_key", 2, is_key_2),
    bif("maps", "keys", 1, keys_1),
    bif("maps", "values", 1, values_1),
    bif("maps", "merge", 2, merge_2),
    bif("maps", "put", 3, put_3),
    bif("maps", "remove", 2, remove_2),
    bif("maps", "take", 2, take_2),
    bif("maps", "to_list", 1, to_list_1),
    bif("maps", "update", 3, update_3),
    bif("erlang", "map_size", 1, map_size_1),
    bif("erlang", "map_get", 2, get_2_swapped),
    bif("erlang", "is_map_key", 2, is_key_2),
    bif("erts_internal", "map_next", 3, map_next_3),
];

fn badmap(ctx: &mut Ctx, m: Term) -> Exc {
    Exc::Error(terms::tuple(ctx.heap(), &[am::BADMAP, m]))
}

fn need_map(ctx: &mut Ctx, m: Term) -> Result<(), Exc> {
    if m.is_map() {
        Ok(())
    } else {
        Err(badmap(ctx, m))
    }
}

fn find_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[1])?;
    match map::get(a[1], a[0]) {
        Some(v) => Ok(terms::tuple(ctx.heap(), &[am::OK, v])),
        None => Ok(atom::atom("error")),
    }
}

fn get_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[1])?;
    match map::get(a[1], a[0]) {
        Some(v) => Ok(v),
        None => Err(Exc::Error(terms::tuple(ctx.heap(), &[am::BADKEY, a[0]]))),
    }
}

fn get_2_swapped(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    get_2(ctx, a)
}

fn from_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(items) = terms::list_to_vec(a[0]) else { return super::badarg_r() };
    let mut pairs = Vec::with_capacity(items.len());
    for it in items {
        match terms::tuple_elems(it) {
            Some(e) if e.len() == 2 => pairs.push((e[0], e[1])),
            _ => return super::badarg_r(),
        }
    }
    Ok(map::from_pairs(ctx.heap(), &pairs))
}

fn from_keys_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(keys) = terms::list_to_vec(a[0]) else { return super::badarg_r() };
    let pairs: Vec<(Term, Term)> = keys.into_iter().map(|k| (k, a[1])).collect();
    Ok(map::from_pairs(ctx.heap(), &pairs))
}

fn is_key_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[1])?;
    Ok(atom::bool_atom(map::get(a[1], a[0]).is_some()))
}

fn keys_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    let k = map::parts(a[0]).0.to_vec();
    Ok(terms::list(ctx.heap(), &k))
}

fn values_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    let v = map::parts(a[0]).1.to_vec();
    Ok(terms::list(ctx.heap(), &v))
}

fn merge_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    need_map(ctx, a[1])?;
    let (k, v) = map::parts(a[1]);
    let pairs: Vec<(Term, Term)> = k.iter().copied().zip(v.iter().copied()).collect();
    if pairs.is_empty() {
        return Ok(a[0]);
    }
    Ok(map::put_many(ctx.heap(), a[0], &pairs))
}

fn put_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[2])?;
    Ok(map::put_many(ctx.heap(), a[2], &[(a[0], a[1])]))
}

fn remove_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[1])?;
    Ok(map::remove(ctx.heap(), a[1], a[0]))
}

fn take_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[1])?;
    match map::get(a[1], a[0]) {
        Some(v) => {
            let m = map::remove(ctx.heap(), a[1], a[0]);
            Ok(terms::tuple(ctx.heap(), &[v, m]))
        }
        None => Ok(atom::atom("error")),
    }
}

fn to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    let (k, v) = map::parts(a[0]);
    let (k, v) = (k.to_vec(), v.to_vec());
    let mut items = Vec::with_capacity(k.len());
    for i in 0..k.len() {
        items.push(terms::tuple(ctx.heap(), &[k[i], v[i]]));
    }
    Ok(terms::list(ctx.heap(), &items))
}

fn update_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[2])?;
    match map::update_many(ctx.heap(), a[2], &[(a[0], a[1])]) {
        Ok(m) => Ok(m),
        Err(k) => Err(Exc::Error(terms::tuple(ctx.heap(), &[am::BADKEY, k]))),
    }
}

fn map_size_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    Ok(Term::small(map::size(a[0]) as i64))
}

fn map_next_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (path, m, acc) = (a[0], a[1], a[2]);
    if !m.is_map() || path.as_small().is_none() {
        return super::badarg_r();
    }
    let (k, v) = map::parts(m);
    let (k, v) = (k.to_vec(), v.to_vec());
    if acc == atom::atom("iterator") {
        let mut res = atom::atom("none");
        for i in (0..k.len()).rev() {
            res = terms::tuple(ctx.heap(), &[k[i], v[i], res]);
        }
        return Ok(res);
    }
    if !acc.is_list_or_nil() {
        return super::badarg_r();
    }
    let mut res = acc;
    for i in (0..k.len()).rev() {
        let t = terms::tuple(ctx.heap(), &[k[i], v[i]]);
        res = terms::cons(ctx.heap(), t, res);
    }
    Ok(res)
}
