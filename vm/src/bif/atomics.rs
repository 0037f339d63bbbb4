//! `atomics`: arrays of 64-bit atomic integers shared between processes (erl_bif_atomics.c).
//!
//! `atomics:new/2` (Erlang, preloaded atomics.erl) encodes its options and calls
//! `erts_internal:atomics_new/2`; the other functions are NIF stubs routed to the BIFs here.
//! An array is a [`Resource`] behind a magic reference, freed when the last copy of the
//! reference is collected. Values wrap at 64 bits, signed or unsigned as the array was made;
//! every operation is sequentially consistent, as ERTS's `_mb` atomics.

use alloc::boxed::Box;
use alloc::vec::Vec;
use beamos_gc::resource::Resource;
use beamos_gc::Term;
use core::sync::atomic::{AtomicU64, Ordering::SeqCst};

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::resource::kind;
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("erts_internal", "atomics_new", 2, atomics_new_2),
    bif("atomics", "get", 2, get_2),
    bif("atomics", "put", 3, put_3),
    bif("atomics", "add", 3, add_3),
    bif("atomics", "add_get", 3, add_get_3),
    bif("atomics", "exchange", 3, exchange_3),
    bif("atomics", "compare_exchange", 4, compare_exchange_4),
    bif("atomics", "info", 1, info_1),
];

/// atomics.erl's `OPT_SIGNED` option bit.
const OPT_SIGNED: u64 = 1;

/// What ERTS's `info/1` counts besides the values: its magic binary header (24 bytes) and the
/// array's own fields (16), so `memory` is erl's.
const ATOMICS_OVERHEAD_BYTES: usize = 40;

/// One array.
struct Atomics {
    signed: bool,
    values: Box<[AtomicU64]>,
}

/// ERTS's `term_to_UWord` with its error: `badarg` for negative numbers and non-integers,
/// `system_limit` for integers above 64 bits.
pub(crate) fn term_to_uword(t: Term) -> Result<u64, Term> {
    if let Some(v) = t.as_small() {
        return u64::try_from(v).map_err(|_| am::BADARG);
    }
    match terms::big_parts(t) {
        Some((true, _)) | None => Err(am::BADARG),
        Some((false, limbs)) if limbs.len() == 1 => Ok(limbs[0]),
        Some(_) => Err(am::SYSTEM_LIMIT),
    }
}

/// An integer in `-2^63 .. 2^64-1` as its 64-bit pattern, `signed` saying which range holds it
/// (`term_to_Sint64` / `term_to_Uint64`).
fn term_to_bits(t: Term) -> Option<(u64, bool)> {
    if let Some(v) = t.as_small() {
        return Some((v as u64, v < 0));
    }
    match terms::big_parts(t)? {
        (false, [v]) => Some((*v, false)),
        (true, [v]) if *v <= 1 << 63 => Some((v.wrapping_neg(), true)),
        _ => None,
    }
}

/// A value to store in `a`: in the array's range (`get_value`).
fn value(a: &Atomics, t: Term) -> Option<u64> {
    let (bits, negative) = term_to_bits(t)?;
    let fits = if a.signed { negative || bits <= i64::MAX as u64 } else { !negative };
    fits.then_some(bits)
}

/// An increment: any integer that fits 64 bits signed or unsigned (`get_incr`).
fn increment(t: Term) -> Option<u64> {
    term_to_bits(t).map(|(bits, _)| bits)
}

/// A 64-bit pattern as an integer term, signed or not.
pub(crate) fn int_term(ctx: &mut Ctx, bits: u64, signed: bool) -> Term {
    if signed {
        terms::int(ctx.heap(), bits as i64)
    } else {
        terms::int_from_i128(ctx.heap(), bits as i128)
    }
}

fn array<'a>(t: Term) -> Option<&'a Atomics> {
    let res = terms::resource_of(t)?;
    if res.type_tag != kind::ATOMICS {
        return None;
    }
    res.data::<Atomics>()
}

/// The array and the slot at 1-based index `ix`.
fn slot<'a>(r: Term, ix: Term) -> Result<(&'a Atomics, &'a AtomicU64), Exc> {
    let a = array(r).ok_or_else(super::badarg)?;
    let i = term_to_uword(ix).ok().and_then(|i| i.checked_sub(1)).ok_or_else(super::badarg)?;
    let v = a.values.get(usize::try_from(i).map_err(|_| super::badarg())?).ok_or_else(super::badarg)?;
    Ok((a, v))
}

fn atomics_new_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let n = term_to_uword(a[0]).map_err(Exc::Error)?;
    if n == 0 {
        return super::badarg_r();
    }
    let opts = term_to_uword(a[1]).map_err(Exc::Error)?;
    if n > u64::MAX / 8 {
        return Err(Exc::Error(am::SYSTEM_LIMIT));
    }
    // ERTS would abort on memory it cannot get; we say system_limit.
    let n = usize::try_from(n).map_err(|_| Exc::Error(am::SYSTEM_LIMIT))?;
    let mut values = Vec::new();
    values.try_reserve_exact(n).map_err(|_| Exc::Error(am::SYSTEM_LIMIT))?;
    values.resize_with(n, || AtomicU64::new(0));
    let data = Atomics { signed: opts & OPT_SIGNED != 0, values: values.into_boxed_slice() };
    let bytes = ATOMICS_OVERHEAD_BYTES + 8 * n;
    let res = Resource::new(kind::ATOMICS, ctx.vm.make_ref_id(), bytes, Box::new(data));
    // SAFETY: just made; we own its count, which the magic reference takes over.
    unsafe { ctx.vm.resources.register(res) };
    Ok(terms::magic_ref(ctx.heap(), res))
}

fn get_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (arr, v) = slot(a[0], a[1])?;
    let bits = v.load(SeqCst);
    Ok(int_term(ctx, bits, arr.signed))
}

fn put_3(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (arr, v) = slot(a[0], a[1])?;
    let new = value(arr, a[2]).ok_or_else(super::badarg)?;
    v.store(new, SeqCst);
    Ok(am::OK)
}

fn add_3(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (_, v) = slot(a[0], a[1])?;
    let incr = increment(a[2]).ok_or_else(super::badarg)?;
    v.fetch_add(incr, SeqCst);
    Ok(am::OK)
}

fn add_get_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (arr, v) = slot(a[0], a[1])?;
    let incr = increment(a[2]).ok_or_else(super::badarg)?;
    let new = v.fetch_add(incr, SeqCst).wrapping_add(incr);
    Ok(int_term(ctx, new, arr.signed))
}

fn exchange_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (arr, v) = slot(a[0], a[1])?;
    let new = value(arr, a[2]).ok_or_else(super::badarg)?;
    let was = v.swap(new, SeqCst);
    Ok(int_term(ctx, was, arr.signed))
}

fn compare_exchange_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (arr, v) = slot(a[0], a[1])?;
    let expected = value(arr, a[2]).ok_or_else(super::badarg)?;
    let desired = value(arr, a[3]).ok_or_else(super::badarg)?;
    match v.compare_exchange(expected, desired, SeqCst, SeqCst) {
        Ok(_) => Ok(am::OK),
        Err(was) => Ok(int_term(ctx, was, arr.signed)),
    }
}

fn info_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let arr = array(a[0]).ok_or_else(super::badarg)?;
    let memory = terms::resource_of(a[0]).map_or(0, |r| r.bytes);
    let size = arr.values.len() as u64;
    let (max, min) = if arr.signed { (i64::MAX as u64, i64::MIN as u64) } else { (u64::MAX, 0) };
    let max = int_term(ctx, max, arr.signed);
    let min = int_term(ctx, min, arr.signed);
    let size = terms::int_from_i128(ctx.heap(), size as i128);
    let memory = terms::int_from_i128(ctx.heap(), memory as i128);
    let pairs = [(am::MAX, max), (atom::atom("min"), min), (atom::atom("size"), size), (am::MEMORY, memory)];
    Ok(crate::map::from_pairs(ctx.heap(), &pairs))
}
