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
    let k: Vec<Term> = map::pairs_list_order(a[0]).into_iter().map(|p| p.0).collect();
    Ok(terms::list(ctx.heap(), &k))
}

fn values_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    let v: Vec<Term> = map::pairs_list_order(a[0]).into_iter().map(|p| p.1).collect();
    Ok(terms::list(ctx.heap(), &v))
}

fn merge_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    need_map(ctx, a[1])?;
    Ok(map::merge(ctx.heap(), a[0], a[1]))
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
    match map::take(ctx.heap(), a[1], a[0]) {
        Some((v, m)) => Ok(terms::tuple(ctx.heap(), &[v, m])),
        None => Ok(atom::atom("error")),
    }
}

fn to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    need_map(ctx, a[0])?;
    let pairs = map::pairs_list_order(a[0]);
    let mut items = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        items.push(terms::tuple(ctx.heap(), &[k, v]));
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

/// How many pairs one `erts_internal:map_next/3` call returns from a HAMT after the first
/// call: ERTS returns a quarter of the caller's remaining reductions; this is a fresh slice's.
const MAP_NEXT_BUDGET: usize = 1000;

/// `erts_internal:map_next(Path, Map, iterator | Acc)` (erl_map.c): the next pairs of `Map`
/// from the leaf `Path` names. A path holds one 4-bit child index per level, the root's in the
/// lowest bits; below its last level it continues through child 0. The first call (path 0)
/// returns at most 32 pairs. `iterator` gives `{K1, V1, {K2, V2, ... none | [Path | Map]}}`;
/// a list `Acc` gives `[Path, Map | [{Kn, Vn}, ..., {K1, V1} | Acc]]`, or without the path
/// and map once all pairs are out. A flat map gives all its pairs at once.
fn map_next_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (path, m, acc) = (a[0], a[1], a[2]);
    if !m.is_map() {
        return super::badarg_r();
    }
    let iterator = acc == atom::atom("iterator");
    if !iterator && !acc.is_list_or_nil() {
        return super::badarg_r();
    }
    let out: Vec<(Term, Term)>;
    let mut next_path: Option<Term> = None;
    if !map::is_hamt(m) {
        // Any small path up to the size is accepted; all pairs come out.
        let Some(_) = path.as_small().filter(|&p| p >= 0 && p as usize <= map::size(m)) else {
            return super::badarg_r();
        };
        out = map::iter(m).collect();
    } else {
        let Some(r) = hamt_next(ctx, path, m) else { return super::badarg_r() };
        out = r.0;
        next_path = r.1;
    }
    let h = ctx.heap();
    if iterator {
        let mut res = match next_path {
            Some(p) => terms::cons(h, p, m),
            None => atom::atom("none"),
        };
        for &(k, v) in out.iter().rev() {
            res = terms::tuple(h, &[k, v, res]);
        }
        return Ok(res);
    }
    let mut res = acc;
    if map::is_hamt(m) {
        for &(k, v) in out.iter() {
            let t = terms::tuple(h, &[k, v]);
            res = terms::cons(h, t, res);
        }
    } else {
        for &(k, v) in out.iter().rev() {
            let t = terms::tuple(h, &[k, v]);
            res = terms::cons(h, t, res);
        }
    }
    if let Some(p) = next_path {
        res = terms::cons(h, m, res);
        res = terms::cons(h, p, res);
    }
    Ok(res)
}

/// The pairs from the leaf at `path` on (in depth-first order) and the path of the leaf after
/// them, if any; `None` for a path that names no node.
fn hamt_next(ctx: &mut Ctx, path: Term, m: Term) -> Option<(Vec<(Term, Term)>, Option<Term>)> {
    const ELEMS_PER_DIGIT: usize = 16;
    let size = map::size(m);
    let (mut curr, rest): (u64, &[u64]) = if path.is_small() {
        // ERTS's `unsigned_val`: a negative small reads as a large unsigned number.
        (path.raw() >> 4, &[])
    } else {
        let (neg, limbs) = terms::big_parts(path)?;
        if neg || limbs.is_empty() {
            return None;
        }
        (limbs[0], &limbs[1..])
    };
    let mut elems = MAP_NEXT_BUDGET.min(size);
    if curr == 0 && rest.is_empty() {
        elems = elems.min(map::SMALL_MAP_LIMIT);
    }
    let children = |t: Term| match map::node_view(t) {
        map::NodeView::Hamt { children, .. } => children,
        map::NodeView::Flat { .. } => &[],
    };
    let mut out: Vec<(Term, Term)> = Vec::with_capacity(elems);
    // Nodes on the path, each with the index of its next unexplored child.
    let mut stack: Vec<(&[Term], usize)> = Vec::new();
    let mut rest = rest;
    let mut node = m;
    let mut i = 1;
    loop {
        let ch = children(node);
        let e = (curr & 0xf) as usize;
        if e >= ch.len() {
            return None;
        }
        stack.push((ch, e + 1));
        if ch[e].is_list() {
            out.push(terms::cons_parts(ch[e])?);
            elems -= 1;
            break;
        }
        node = ch[e];
        curr >>= 4;
        if i == ELEMS_PER_DIGIT {
            i = 0;
            match rest.split_first() {
                Some((&d, r)) => {
                    curr = d;
                    rest = r;
                }
                None => curr = 0,
            }
        }
        i += 1;
    }
    while let Some((ch, mut idx)) = stack.pop() {
        while idx < ch.len() && elems != 0 && ch[idx].is_list() {
            out.push(terms::cons_parts(ch[idx])?);
            elems -= 1;
            idx += 1;
        }
        if elems == 0 {
            if idx < ch.len() {
                stack.push((ch, idx + 1));
            } else {
                while let Some((c2, ix)) = stack.pop() {
                    if ix < c2.len() {
                        stack.push((c2, ix + 1));
                        break;
                    }
                }
            }
            break;
        }
        if idx < ch.len() {
            stack.push((ch, idx + 1));
            stack.push((children(ch[idx]), 0));
        }
    }
    if stack.is_empty() {
        return Some((out, None));
    }
    // The path of the next leaf: the root's index in the lowest bits.
    let mut p = num_bigint::BigInt::from(0);
    for &(_, idx) in stack.iter().rev() {
        p = (p << 4) | num_bigint::BigInt::from(idx - 1);
    }
    let t = terms::bignum(ctx.heap(), &p);
    Some((out, Some(t)))
}
