//! Term order and equality (`<`, `==`, `=:=`), as erts/emulator/beam/utils.c `erts_cmp`.
//!
//! number < atom < reference < fun < port < pid < tuple < map < [] < list < bitstring.
//! Iterative: a work list of pairs still to compare, so deep terms never deepen the Rust stack.

use alloc::vec::Vec;
use beamos_gc::term::header_tag_of;
use beamos_gc::{header_tag, Term};
use core::cmp::Ordering;
use num_bigint::BigInt;

use crate::terms::{self, bit_view, cons_parts, float_value, to_bigint};

/// How numbers of different types compare.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `==`, `<`: 1 and 1.0 are equal.
    Arith,
    /// `=:=`: 1 and 1.0 differ (integer first, as in map key order).
    Exact,
}

fn type_rank(t: Term) -> u8 {
    if t.is_small() {
        return 0;
    }
    if t.is_atom() {
        return 1;
    }
    if t.is_local_pid() {
        return 5;
    }
    if t.is_local_port() {
        return 4;
    }
    if t.is_nil() {
        return 8;
    }
    if t.is_list() {
        return 9;
    }
    if t.is_boxed() {
        // SAFETY: boxed terms point at live objects.
        let h = unsafe { t.boxed_header() };
        return match header_tag_of(h) {
            header_tag::POS_BIG | header_tag::NEG_BIG | header_tag::FLOAT => 0,
            header_tag::REF | header_tag::EXTERNAL_REF => 2,
            header_tag::FUN | header_tag::EXPORT => 3,
            header_tag::EXTERNAL_PORT => 4,
            header_tag::EXTERNAL_PID => 5,
            header_tag::TUPLE => 6,
            header_tag::MAP | header_tag::HASHMAP_NODE => 7,
            _ => 10,
        };
    }
    11
}

/// Compares an integer with a float exactly (no rounding of big integers).
fn cmp_int_float(i: &BigInt, f: f64) -> Ordering {
    if f.is_nan() {
        return Ordering::Less;
    }
    let fl = libm::floor(f);
    let fi: BigInt = num_traits::FromPrimitive::from_f64(fl).unwrap_or_default();
    match i.cmp(&fi) {
        Ordering::Equal => {
            if f > fl {
                Ordering::Less
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

fn cmp_numbers(a: Term, b: Term, mode: Mode) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    let exact_tie = |o: Ordering, int_first: bool| {
        if o == Ordering::Equal && mode == Mode::Exact {
            if int_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        } else {
            o
        }
    };
    match (float_value(a), float_value(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(x), None) => {
            if let Some(i) = b.as_small() {
                if i.unsigned_abs() < (1u64 << 53) {
                    return exact_tie(x.partial_cmp(&(i as f64)).unwrap_or(Ordering::Equal), false);
                }
            }
            let i = to_bigint(b).unwrap_or_default();
            exact_tie(cmp_int_float(&i, x).reverse(), false)
        }
        (None, Some(y)) => {
            if let Some(i) = a.as_small() {
                if i.unsigned_abs() < (1u64 << 53) {
                    return exact_tie((i as f64).partial_cmp(&y).unwrap_or(Ordering::Equal), true);
                }
            }
            let i = to_bigint(a).unwrap_or_default();
            exact_tie(cmp_int_float(&i, y), true)
        }
        (None, None) => {
            let x = to_bigint(a).unwrap_or_default();
            let y = to_bigint(b).unwrap_or_default();
            x.cmp(&y)
        }
    }
}

fn cmp_atoms(a: Term, b: Term) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    crate::atom::name(a).as_bytes().cmp(crate::atom::name(b).as_bytes())
}

fn cmp_bits(a: Term, b: Term) -> Ordering {
    let (Some(x), Some(y)) = (bit_view(a), bit_view(b)) else { return Ordering::Equal };
    if let (Some(xb), Some(yb)) = (x.as_bytes(), y.as_bytes()) {
        return xb.cmp(yb);
    }
    let n = x.bit_size.min(y.bit_size);
    for i in 0..n {
        let o = x.bit(i).cmp(&y.bit(i));
        if o != Ordering::Equal {
            return o;
        }
    }
    x.bit_size.cmp(&y.bit_size)
}

/// Compares two terms in the standard term order.
pub fn compare(a: Term, b: Term, mode: Mode) -> Ordering {
    let mut work: Vec<(Term, Term)> = Vec::new();
    let mut pair = (a, b);
    loop {
        let (a, b) = pair;
        let o = if a == b { Ordering::Equal } else { compare_step(a, b, mode, &mut work) };
        if o != Ordering::Equal {
            return o;
        }
        match work.pop() {
            Some(p) => pair = p,
            None => return Ordering::Equal,
        }
    }
}

/// Compares the top level of `a` and `b`; pushes pairs of children still to compare
/// (in reverse, so the first child is compared first).
fn compare_step(a: Term, b: Term, mode: Mode, work: &mut Vec<(Term, Term)>) -> Ordering {
    let (ra, rb) = (type_rank(a), type_rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match ra {
        0 => cmp_numbers(a, b, mode),
        1 => cmp_atoms(a, b),
        2 => terms::ref_id(a).cmp(&terms::ref_id(b)),
        3 => cmp_funs(a, b, work),
        4 => a.port_number().cmp(&b.port_number()),
        5 => a.pid_number().cmp(&b.pid_number()),
        6 => {
            let (x, y) = (terms::tuple_elems(a).unwrap_or(&[]), terms::tuple_elems(b).unwrap_or(&[]));
            if x.len() != y.len() {
                return x.len().cmp(&y.len());
            }
            for i in (0..x.len()).rev() {
                work.push((x[i], y[i]));
            }
            Ordering::Equal
        }
        7 => cmp_maps(a, b, work),
        8 => Ordering::Equal,
        9 => {
            let (ha, ta) = cons_parts(a).expect("list");
            let (hb, tb) = cons_parts(b).expect("list");
            work.push((ta, tb));
            work.push((ha, hb));
            Ordering::Equal
        }
        10 => cmp_bits(a, b),
        _ => Ordering::Equal,
    }
}

fn cmp_funs(a: Term, b: Term, work: &mut Vec<(Term, Term)>) -> Ordering {
    match (terms::export_of_fun(a), terms::export_of_fun(b)) {
        (Some(x), Some(y)) => {
            return cmp_atoms(x.module, y.module)
                .then_with(|| cmp_atoms(x.function, y.function))
                .then(x.arity.cmp(&y.arity))
        }
        (Some(_), None) => return Ordering::Greater,
        (None, Some(_)) => return Ordering::Less,
        _ => {}
    }
    let (Some((ea, fa)), Some((eb, fb))) = (terms::closure_parts(a), terms::closure_parts(b)) else {
        return Ordering::Equal;
    };
    let o = cmp_atoms(ea.module, eb.module).then(ea.index.cmp(&eb.index)).then(ea.old_uniq.cmp(&eb.old_uniq));
    if o != Ordering::Equal {
        return o;
    }
    if fa.len() != fb.len() {
        return fa.len().cmp(&fb.len());
    }
    for i in (0..fa.len()).rev() {
        work.push((fa[i], fb[i]));
    }
    Ordering::Equal
}

fn cmp_maps(a: Term, b: Term, work: &mut Vec<(Term, Term)>) -> Ordering {
    let (ka, va) = crate::map::parts(a);
    let (kb, vb) = crate::map::parts(b);
    if ka.len() != kb.len() {
        return ka.len().cmp(&kb.len());
    }
    // Keys first (all of them, exactly), then values in key order.
    for i in 0..ka.len() {
        let o = compare(ka[i], kb[i], Mode::Exact);
        if o != Ordering::Equal {
            return o;
        }
    }
    for i in (0..va.len()).rev() {
        work.push((va[i], vb[i]));
    }
    Ordering::Equal
}

/// `=:=`
#[inline]
pub fn eq_exact(a: Term, b: Term) -> bool {
    a == b || (!a.is_immediate() && !b.is_immediate() && compare(a, b, Mode::Exact) == Ordering::Equal)
}

/// `==`
#[inline]
pub fn eq(a: Term, b: Term) -> bool {
    a == b || (!(a.is_immediate() && b.is_immediate()) && compare(a, b, Mode::Arith) == Ordering::Equal)
}

/// Term order with numbers compared by value (`<`, `>=`, sorting).
#[inline]
pub fn cmp(a: Term, b: Term) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    compare(a, b, Mode::Arith)
}
