//! The `erts_internal:counters_*` BIFs behind `counters:new(N, [write_concurrency])`
//! (erl_bif_counters.c); counters.erl (preloaded, plain Erlang) uses `atomics` for the other
//! kinds.
//!
//! As in ERTS, each counter has one 64-bit instance per scheduler plus a base value, laid out a
//! cache line of eight counters per instance: `add` changes only its scheduler's instance,
//! `get` sums them all, `put` sets the base to the value minus the others. The VM has one
//! scheduler, so `add` uses instance 1; it adds atomically, so it stays correct when several
//! threads share an instance. Sums wrap at 64 bits, signed.

use alloc::boxed::Box;
use alloc::vec::Vec;
use beamos_gc::resource::Resource;
use beamos_gc::Term;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::atomics::{int_term, term_to_uword};
use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::resource::kind;
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("erts_internal", "counters_new", 1, counters_new_1),
    bif("erts_internal", "counters_get", 2, counters_get_2),
    bif("erts_internal", "counters_add", 3, counters_add_3),
    bif("erts_internal", "counters_put", 3, counters_put_3),
    bif("erts_internal", "counters_info", 1, counters_info_1),
];

const CACHE_LINE_BYTES: usize = 64;
const PER_LINE: usize = CACHE_LINE_BYTES / 8;
/// ERTS's magic binary header (24 bytes) and the array's arity field (8), counted in `memory`.
const COUNTERS_OVERHEAD_BYTES: usize = 32;

struct Counters {
    size: usize,
    /// Instances of each counter: one per scheduler (`erts_no_schedulers`) and the base.
    instances: usize,
    /// `lines * PER_LINE` instances: line `(ix / PER_LINE) * instances + instance`.
    values: Box<[AtomicU64]>,
}

impl Counters {
    /// The instance `instance` of 0-based counter `ix`.
    fn at(&self, ix: usize, instance: usize) -> &AtomicU64 {
        &self.values[((ix / PER_LINE) * self.instances + instance) * PER_LINE + ix % PER_LINE]
    }
    /// The sum of the schedulers' instances (not the base).
    fn others(&self, ix: usize) -> u64 {
        (1..self.instances).fold(0u64, |acc, i| acc.wrapping_add(self.at(ix, i).load(Relaxed)))
    }
}

fn counters<'a>(t: Term) -> Option<&'a Counters> {
    let res = terms::resource_of(t)?;
    if res.type_tag != kind::COUNTERS {
        return None;
    }
    res.data::<Counters>()
}

/// The array and the 0-based index of 1-based `ix`.
fn counter<'a>(r: Term, ix: Term) -> Result<(&'a Counters, usize), Exc> {
    let c = counters(r).ok_or_else(super::badarg)?;
    let i = term_to_uword(ix).ok().and_then(|i| i.checked_sub(1)).ok_or_else(super::badarg)?;
    match usize::try_from(i) {
        Ok(i) if i < c.size => Ok((c, i)),
        _ => super::badarg_r(),
    }
}

/// An integer that fits 64 bits, signed or unsigned, as its bit pattern.
fn int_bits(t: Term, unsigned_too: bool) -> Option<u64> {
    if let Some(v) = super::binary::term_to_i64(t) {
        return Some(v as u64);
    }
    if unsigned_too {
        return super::binary::term_to_u64(t);
    }
    None
}

fn counters_new_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let n = term_to_uword(a[0]).map_err(Exc::Error)?;
    if n == 0 {
        return super::badarg_r();
    }
    let instances = ctx.vm.sched.count() + 1;
    if n > u64::MAX / (8 * 2 * instances as u64) {
        return Err(Exc::Error(am::SYSTEM_LIMIT));
    }
    let size = usize::try_from(n).map_err(|_| Exc::Error(am::SYSTEM_LIMIT))?;
    let lines = instances * size.div_ceil(PER_LINE);
    let mut values = Vec::new();
    values.try_reserve_exact(lines * PER_LINE).map_err(|_| Exc::Error(am::SYSTEM_LIMIT))?;
    values.resize_with(lines * PER_LINE, || AtomicU64::new(0));
    let data = Counters { size, instances, values: values.into_boxed_slice() };
    let bytes = COUNTERS_OVERHEAD_BYTES + lines * CACHE_LINE_BYTES;
    let res = Resource::new(kind::COUNTERS, ctx.vm.make_ref_id(), bytes, Box::new(data));
    // SAFETY: just made; we own its count, which the magic reference takes over.
    unsafe { ctx.vm.resources.register(res) };
    Ok(terms::magic_ref(ctx.heap(), res))
}

fn counters_get_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (c, i) = counter(a[0], a[1])?;
    let sum = c.at(i, 0).load(Relaxed).wrapping_add(c.others(i));
    Ok(int_term(ctx, sum, true))
}

fn counters_add_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (c, i) = counter(a[0], a[1])?;
    let incr = int_bits(a[2], true).ok_or_else(super::badarg)?;
    // The calling scheduler's own instance, so schedulers do not share a cache line.
    let mine = 1 + ctx.proc.sched as usize % (c.instances - 1);
    c.at(i, mine).fetch_add(incr, Relaxed);
    Ok(am::OK)
}

fn counters_put_3(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (c, i) = counter(a[0], a[1])?;
    let v = int_bits(a[2], false).ok_or_else(super::badarg)?;
    c.at(i, 0).store(v.wrapping_sub(c.others(i)), Relaxed);
    Ok(am::OK)
}

fn counters_info_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let c = counters(a[0]).ok_or_else(super::badarg)?;
    let memory = terms::resource_of(a[0]).map_or(0, |r| r.bytes);
    let size = terms::int_from_i128(ctx.heap(), c.size as i128);
    let memory = terms::int_from_i128(ctx.heap(), memory as i128);
    let pairs = [(am::MEMORY, memory), (atom::atom("size"), size)];
    Ok(crate::map::from_pairs(ctx.heap(), &pairs))
}
