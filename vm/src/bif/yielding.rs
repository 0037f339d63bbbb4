//! The `erlang` BIFs whose work grows with their input, written to trap (see `emu::trap`):
//! `length/1`, `'++'/2` (`append/2`), `'--'/2`, `list_to_binary/1`, `iolist_to_binary/1`,
//! `iolist_size/1`, `binary_to_list/1,3`, `bitstring_to_list/1`, `list_to_bitstring/1`,
//! `list_to_tuple/1`, `tuple_to_list/1`, `phash2/1,2`.
//!
//! Each does a chunk of work sized by the reductions left in the caller's slice times a
//! per-reduction factor (ERTS's), and traps with the rest. Their errors show the original
//! arguments, as erl's do.
//!
//! `length/1`, the iolist BIFs and `binary_to_list` keep their state in terms (and byte
//! buffers), so the process may collect between chunks. `++` and `--` build their result front
//! to back by setting the tail of the last cell, and `--` keeps the right-hand side's elements
//! in a multiset outside the heap: like ERTS, they forbid collections while they are pending.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx, Exc, Trap};
use crate::compare::{self, eq_exact, Mode};
use crate::terms::{self, Alloc};

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "length", 1, length_1),
    bif("erlang", "++", 2, append_2),
    bif("erlang", "append", 2, append_2),
    bif("erlang", "--", 2, subtract_2),
    bif("erlang", "subtract", 2, subtract_2),
    bif("erlang", "list_to_binary", 1, list_to_binary_1),
    bif("erlang", "iolist_to_binary", 1, iolist_to_binary_1),
    bif("erlang", "iolist_size", 1, iolist_size_1),
    bif("erlang", "binary_to_list", 1, binary_to_list_1),
    bif("erlang", "binary_to_list", 3, binary_to_list_3),
];

/// A trap whose data holds pointers into the list it is building: no collection meanwhile.
fn trap_no_gc(ctx: &mut Ctx, f: super::BifFn, args: Vec<Term>, data: Box<dyn core::any::Any>) -> Exc {
    ctx.trap_with(Trap { f, args, data: Some(data), restart: false, gc: false })
}

// ------------------------------------------------------------------ length/1

/// List cells counted per reduction (erts_trapping_length_1).
const LENGTH_PER_RED: usize = 16;

fn length_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    length_chunk(ctx, a[0], 0)
}

/// Continuation: `[Rest, CountSoFar]`.
fn length_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    length_chunk(ctx, a[0], a[1].as_small().unwrap_or(0))
}

fn length_chunk(ctx: &mut Ctx, mut l: Term, mut n: i64) -> BifResult {
    let budget = ctx.reds_left() * LENGTH_PER_RED;
    let mut i = 0;
    while let Some((_, t)) = terms::cons_parts(l) {
        if i == budget {
            return Err(ctx.trap(length_cont, vec![l, Term::small(n)], None));
        }
        l = t;
        n += 1;
        i += 1;
    }
    ctx.bump_reds(i / LENGTH_PER_RED);
    if !l.is_nil() {
        return super::badarg_r();
    }
    Ok(Term::small(n))
}

// ------------------------------------------------------------------ ++

/// Cells copied per reduction (lists_append_alloc).
const APPEND_CELLS_PER_RED: usize = 40;

/// The copy of the left-hand side built so far.
struct Building {
    /// The first cell, or nil before the first chunk.
    result: Term,
    /// The tail word of the last cell.
    last: *mut u64,
}

impl Building {
    fn new() -> Building {
        Building { result: Term::NIL, last: core::ptr::null_mut() }
    }

    /// Appends `elems` as new cells (their tail left nil).
    fn push(&mut self, h: &mut impl Alloc, elems: &[Term]) {
        if elems.is_empty() {
            return;
        }
        let first = terms::list(h, elems);
        self.link(first);
        // SAFETY: `first` is a fresh proper list of elems.len() cells laid out contiguously.
        self.last = unsafe { first.ptr().add(2 * elems.len() - 1) };
    }

    /// Sets the tail of the list built so far (the whole result if nothing was built).
    fn link(&mut self, t: Term) {
        if self.last.is_null() {
            self.result = t;
        } else {
            // SAFETY: `last` is the tail word of a cell this BIF allocated; no collection has
            // run since (the trap forbids them), so the cell is where it was built.
            unsafe { *self.last = t.raw() };
        }
    }

    /// The result, ending in `tail`.
    fn finish(mut self, tail: Term) -> Term {
        self.link(tail);
        self.result
    }
}

fn append_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (lhs, rhs) = (a[0], a[1]);
    if lhs.is_nil() {
        // `[] ++ X` is X, list or not.
        return Ok(rhs);
    }
    if !lhs.is_list() {
        return super::badarg_r();
    }
    if rhs.is_nil() {
        // The result equals the left-hand side: only check that it is proper.
        return append_check(ctx, &[lhs, lhs]);
    }
    append_chunk(ctx, lhs, rhs, Building::new())
}

/// Continuation of `L ++ []`: `[Rest, L]`.
fn append_check(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let budget = ctx.reds_left() * APPEND_CELLS_PER_RED;
    let mut l = a[0];
    let mut i = 0;
    while let Some((_, t)) = terms::cons_parts(l) {
        if i == budget {
            return Err(ctx.trap(append_check, vec![l, a[1]], None));
        }
        l = t;
        i += 1;
    }
    ctx.bump_reds(i / APPEND_CELLS_PER_RED);
    if !l.is_nil() {
        return super::badarg_r();
    }
    Ok(a[1])
}

/// Continuation: `[Rest, Rhs]`, with the [`Building`] as data.
fn append_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(b) = ctx.take_trap_data::<Building>() else { return super::badarg_r() };
    append_chunk(ctx, a[0], a[1], *b)
}

fn append_chunk(ctx: &mut Ctx, iter: Term, rhs: Term, mut b: Building) -> BifResult {
    let budget = ctx.reds_left() * APPEND_CELLS_PER_RED;
    let mut elems = Vec::new();
    let mut l = iter;
    while elems.len() < budget {
        match terms::cons_parts(l) {
            Some((h, t)) => {
                elems.push(h);
                l = t;
            }
            None => break,
        }
    }
    ctx.bump_reds(elems.len() / APPEND_CELLS_PER_RED);
    if !l.is_list_or_nil() {
        return super::badarg_r();
    }
    b.push(ctx.heap(), &elems);
    if l.is_nil() {
        return Ok(b.finish(rhs));
    }
    Err(trap_no_gc(ctx, append_cont, vec![l, rhs], Box::new(b)))
}

// ------------------------------------------------------------------ --

/// Inputs up to this length are scanned linearly (SUBTRACT_LHS/RHS_THRESHOLD).
const SUBTRACT_THRESHOLD: usize = 16;
const LEN_PER_RED: usize = 32;
const CHECKS_PER_RED: usize = 16;
const INSERTIONS_PER_RED: usize = 16;
const SET_CHECKS_PER_RED: usize = 8;

/// A term ordered by the exact term order (`=:=` equality), for the multiset.
#[derive(Clone, Copy)]
struct Exact(Term);

impl PartialEq for Exact {
    fn eq(&self, o: &Exact) -> bool {
        eq_exact(self.0, o.0)
    }
}
impl Eq for Exact {}
impl PartialOrd for Exact {
    fn partial_cmp(&self, o: &Exact) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Exact {
    fn cmp(&self, o: &Exact) -> Ordering {
        if self.0 == o.0 {
            Ordering::Equal
        } else {
            compare::compare(self.0, o.0, Mode::Exact)
        }
    }
}

enum Stage {
    /// Measuring the left-hand side.
    LenLhs,
    /// Short left-hand side (in `elems`): remove each element of the right-hand side from it.
    NaiveLhs,
    /// Measuring the right-hand side.
    LenRhs,
    /// Short right-hand side (in `elems`): keep the left-hand elements not in it.
    NaiveRhs,
    /// Building the multiset of the right-hand side.
    SetBuild,
    /// Keeping the left-hand elements not in the multiset.
    SetFinish,
}

/// The state of `--` between chunks (holds terms: no collection while it is pending).
struct Subtract {
    stage: Stage,
    lhs: Term,
    rhs: Term,
    iter: Term,
    lhs_len: usize,
    rhs_len: usize,
    elems: Vec<Term>,
    set: BTreeMap<Exact, usize>,
    out: Building,
}

fn subtract_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (lhs, rhs) = (a[0], a[1]);
    if !lhs.is_list_or_nil() || !rhs.is_list_or_nil() {
        return super::badarg_r();
    }
    let s = Subtract {
        stage: Stage::LenLhs,
        lhs,
        rhs,
        iter: lhs,
        lhs_len: 0,
        rhs_len: 0,
        elems: Vec::new(),
        set: BTreeMap::new(),
        out: Building::new(),
    };
    subtract_run(ctx, Box::new(s))
}

fn subtract_cont(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let Some(s) = ctx.take_trap_data::<Subtract>() else { return super::badarg_r() };
    subtract_run(ctx, s)
}

/// What one stage's chunk did.
enum Step {
    /// Out of budget in this stage.
    Trap,
    /// The stage is complete.
    Next,
    Done(Term),
}

fn subtract_run(ctx: &mut Ctx, mut s: Box<Subtract>) -> BifResult {
    loop {
        let step = match s.stage {
            Stage::LenLhs => measure(ctx, &mut s.iter, &mut s.lhs_len)?,
            Stage::LenRhs => measure(ctx, &mut s.iter, &mut s.rhs_len)?,
            Stage::NaiveLhs => naive_lhs(ctx, &mut s)?,
            Stage::NaiveRhs => naive_rhs(ctx, &mut s),
            Stage::SetBuild => set_build(ctx, &mut s),
            Stage::SetFinish => set_finish(ctx, &mut s),
        };
        match step {
            Step::Done(t) => return Ok(t),
            Step::Trap => return Err(trap_no_gc(ctx, subtract_cont, Vec::new(), s)),
            Step::Next => match s.stage {
                Stage::LenLhs => {
                    if s.lhs_len <= SUBTRACT_THRESHOLD {
                        s.elems = terms::list_to_vec(s.lhs).unwrap_or_default();
                        s.iter = s.rhs;
                        s.stage = Stage::NaiveLhs;
                    } else {
                        s.iter = s.rhs;
                        s.stage = Stage::LenRhs;
                    }
                }
                Stage::LenRhs => {
                    if s.rhs_len == 0 {
                        return Ok(s.lhs);
                    }
                    s.iter = s.lhs;
                    if s.rhs_len <= SUBTRACT_THRESHOLD {
                        s.elems = terms::list_to_vec(s.rhs).unwrap_or_default();
                        s.stage = Stage::NaiveRhs;
                    } else {
                        s.iter = s.rhs;
                        s.stage = Stage::SetBuild;
                    }
                }
                Stage::SetBuild => {
                    s.iter = s.lhs;
                    s.stage = Stage::SetFinish;
                }
                // The other stages end in Done.
                _ => return super::badarg_r(),
            },
        }
        if ctx.reds_left() <= 1 {
            return Err(trap_no_gc(ctx, subtract_cont, Vec::new(), s));
        }
    }
}

/// Counts the cells of `iter` into `count`; an improper end is badarg.
fn measure(ctx: &mut Ctx, iter: &mut Term, count: &mut usize) -> Result<Step, Exc> {
    let budget = ctx.reds_left() * LEN_PER_RED;
    let mut l = *iter;
    let mut i = 0;
    while i < budget {
        match terms::cons_parts(l) {
            Some((_, t)) => {
                l = t;
                i += 1;
            }
            None => break,
        }
    }
    ctx.bump_reds(i / LEN_PER_RED);
    *iter = l;
    *count += i;
    if l.is_nil() {
        Ok(Step::Next)
    } else if l.is_list() {
        Ok(Step::Trap)
    } else {
        super::badarg_r()
    }
}

/// Walks the right-hand side removing the first equal element of the short left-hand side
/// for each (all of it, to find an improper end).
fn naive_lhs(ctx: &mut Ctx, s: &mut Subtract) -> Result<Step, Exc> {
    let budget = ctx.reds_left() * CHECKS_PER_RED;
    let mut checks = 0;
    while checks < budget {
        let Some((v, t)) = terms::cons_parts(s.iter) else { break };
        if let Some(i) = s.elems.iter().position(|&e| eq_exact(e, v)) {
            s.elems.remove(i);
        }
        checks += s.elems.len().max(1);
        s.iter = t;
    }
    ctx.bump_reds(checks.min(budget) / CHECKS_PER_RED);
    if s.iter.is_list() {
        return Ok(Step::Trap);
    }
    if !s.iter.is_nil() {
        return super::badarg_r();
    }
    Ok(Step::Done(terms::list(ctx.heap(), &s.elems)))
}

/// Walks the left-hand side keeping the elements not in the short right-hand side.
fn naive_rhs(ctx: &mut Ctx, s: &mut Subtract) -> Step {
    let budget = ctx.reds_left() * CHECKS_PER_RED;
    let mut checks = 0;
    let mut kept = Vec::new();
    let mut step = Step::Trap;
    while checks < budget {
        let Some((v, next)) = terms::cons_parts(s.iter) else {
            step = Step::Next;
            break;
        };
        match s.elems.iter().rposition(|&e| eq_exact(e, v)) {
            None => kept.push(v),
            Some(i) => {
                s.elems.swap_remove(i);
                if s.elems.is_empty() {
                    // Nothing left to remove: the rest of the left-hand side is the rest of
                    // the result.
                    s.iter = next;
                    step = Step::Next;
                    break;
                }
            }
        }
        checks += s.elems.len();
        s.iter = next;
    }
    ctx.bump_reds(checks.min(budget) / CHECKS_PER_RED);
    s.out.push(ctx.heap(), &kept);
    match step {
        Step::Next => Step::Done(core::mem::replace(&mut s.out, Building::new()).finish(s.iter)),
        other => other,
    }
}

fn set_build(ctx: &mut Ctx, s: &mut Subtract) -> Step {
    let budget = ctx.reds_left() * INSERTIONS_PER_RED;
    let mut n = 0;
    while n < budget {
        let Some((v, t)) = terms::cons_parts(s.iter) else { break };
        *s.set.entry(Exact(v)).or_insert(0) += 1;
        s.iter = t;
        n += 1;
    }
    ctx.bump_reds(n / INSERTIONS_PER_RED);
    if s.iter.is_list() {
        Step::Trap
    } else {
        Step::Next
    }
}

fn set_finish(ctx: &mut Ctx, s: &mut Subtract) -> Step {
    let budget = ctx.reds_left() * SET_CHECKS_PER_RED;
    let mut n = 0;
    let mut kept = Vec::new();
    let mut done = false;
    while n < budget {
        let Some((v, next)) = terms::cons_parts(s.iter) else {
            done = true;
            break;
        };
        let k = Exact(v);
        match s.set.get_mut(&k) {
            None => kept.push(v),
            Some(c) => {
                *c -= 1;
                if *c == 0 {
                    s.set.remove(&k);
                }
                s.rhs_len -= 1;
                if s.rhs_len == 0 {
                    s.iter = next;
                    done = true;
                    break;
                }
            }
        }
        s.iter = next;
        n += 1;
    }
    ctx.bump_reds(n / SET_CHECKS_PER_RED);
    s.out.push(ctx.heap(), &kept);
    if done {
        Step::Done(core::mem::replace(&mut s.out, Building::new()).finish(s.iter))
    } else {
        Step::Trap
    }
}

// ------------------------------------------------------------------ iolists

/// Steps per reduction over an iolist; a binary costs one step per 32 bytes
/// (ERTS_IOLIST_TO_BUF_YIELD_COUNT_PER_RED, ERTS_IOLIST_TO_BUF_BYTES_PER_YIELD_COUNT).
const IOLIST_STEPS_PER_RED: usize = 8;
const IOLIST_BYTES_PER_STEP: usize = 32;

/// Where the walk of an iolist stands: the list or binary at hand and a stack (a list) of
/// tails to come back to. Both are terms, so the walk survives collections.
struct IoWalk {
    cur: Term,
    stack: Term,
    /// Bitstrings are allowed (list_to_bitstring).
    bits: bool,
}

/// Walks up to one chunk of an iolist, giving each byte run to `sink`. `Ok(true)`: done.
/// `sink` gets runs of bytes and their length in bits (less than 8 per byte only for the last
/// byte of a bitstring, when `w.bits`).
fn io_walk(ctx: &mut Ctx, w: &mut IoWalk, sink: &mut dyn FnMut(&[u8], usize)) -> Result<bool, Exc> {
    let budget = ctx.reds_left() * IOLIST_STEPS_PER_RED;
    let mut steps = 0;
    let mut byte = [0u8; 1];
    let done = loop {
        if steps >= budget {
            break false;
        }
        steps += 1;
        if let Some((h, t)) = terms::cons_parts(w.cur) {
            if let Some(c) = h.as_small() {
                if !(0..=255).contains(&c) {
                    return super::badarg_r();
                }
                byte[0] = c as u8;
                sink(&byte, 8);
                w.cur = t;
            } else if h.is_list() {
                if !t.is_nil() {
                    w.stack = terms::cons(ctx.heap(), t, w.stack);
                }
                w.cur = h;
            } else if h.is_nil() {
                w.cur = t;
            } else {
                steps += bytes_to(h, sink, w.bits)? / IOLIST_BYTES_PER_STEP;
                w.cur = t;
            }
        } else if w.cur.is_nil() {
            match terms::cons_parts(w.stack) {
                Some((t, rest)) => {
                    w.cur = t;
                    w.stack = rest;
                }
                None => break true,
            }
        } else {
            // The tail of a list may be a binary.
            steps += bytes_to(w.cur, sink, w.bits)? / IOLIST_BYTES_PER_STEP;
            w.cur = Term::NIL;
        }
    };
    ctx.bump_reds(steps / IOLIST_STEPS_PER_RED);
    Ok(done)
}

/// Gives the bytes of binary `t` to `sink`; returns their number. Not a binary: badarg (a
/// bitstring too, unless `bits`).
fn bytes_to(t: Term, sink: &mut dyn FnMut(&[u8], usize), bits: bool) -> Result<usize, Exc> {
    let Some(v) = terms::bit_view(t) else { return super::badarg_r() };
    if v.bit_size % 8 != 0 && !bits {
        return super::badarg_r();
    }
    match v.as_bytes() {
        Some(b) => sink(b, v.bit_size),
        None => sink(&v.to_vec(), v.bit_size),
    }
    Ok(v.bit_size / 8)
}

pub(crate) fn list_to_binary_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_list_or_nil() {
        return super::badarg_r();
    }
    to_binary_chunk(ctx, IoWalk { cur: a[0], stack: Term::NIL, bits: false }, Box::new(Vec::new()))
}

fn iolist_to_binary_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if terms::is_binary(a[0]) {
        return Ok(a[0]);
    }
    list_to_binary_1(ctx, a)
}

/// Continuation: `[Cur, Stack]`, with the bytes so far as data.
fn to_binary_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(out) = ctx.take_trap_data::<Vec<u8>>() else { return super::badarg_r() };
    to_binary_chunk(ctx, IoWalk { cur: a[0], stack: a[1], bits: false }, out)
}

fn to_binary_chunk(ctx: &mut Ctx, mut w: IoWalk, mut out: Box<Vec<u8>>) -> BifResult {
    let done = io_walk(ctx, &mut w, &mut |b, _| out.extend_from_slice(b))?;
    if !done {
        return Err(ctx.trap(to_binary_cont, vec![w.cur, w.stack], Some(out)));
    }
    let out = *out;
    if out.len() <= beamos_gc::bin::HEAP_BIN_LIMIT {
        Ok(terms::binary(ctx.heap(), &out))
    } else {
        Ok(terms::refc_binary(ctx.heap(), out))
    }
}

fn iolist_size_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if let Some(v) = terms::bit_view(a[0]) {
        if v.bit_size % 8 != 0 {
            return super::badarg_r();
        }
        return Ok(terms::int(ctx.heap(), (v.bit_size / 8) as i64));
    }
    if !a[0].is_list_or_nil() {
        return super::badarg_r();
    }
    size_chunk(ctx, IoWalk { cur: a[0], stack: Term::NIL, bits: false }, 0)
}

/// Continuation: `[Cur, Stack, SizeSoFar]`.
fn size_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let n = a[2].as_small().unwrap_or(0) as usize;
    size_chunk(ctx, IoWalk { cur: a[0], stack: a[1], bits: false }, n)
}

fn size_chunk(ctx: &mut Ctx, mut w: IoWalk, mut n: usize) -> BifResult {
    let done = io_walk(ctx, &mut w, &mut |b, _| n += b.len())?;
    let size = terms::int(ctx.heap(), n as i64);
    if !done {
        return Err(ctx.trap(size_cont, vec![w.cur, w.stack, size], None));
    }
    Ok(size)
}

// ------------------------------------------------------------------ binary_to_list

/// Bytes turned into list cells per reduction (ERTS_B2L_BYTES_PER_REDUCTION).
const B2L_BYTES_PER_RED: usize = 256;

fn binary_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(v) = terms::bit_view(a[0]) else { return super::badarg_r() };
    if v.bit_size % 8 != 0 {
        return super::badarg_r();
    }
    b2l_chunk(ctx, a[0], 0, v.bit_size / 8, Term::NIL)
}

fn binary_to_list_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(v) = terms::bit_view(a[0]) else { return super::badarg_r() };
    let size = v.bit_size / 8;
    let pos = |t: Term| t.as_small().filter(|&i| i >= 1).map(|i| i as usize);
    match (pos(a[1]), pos(a[2])) {
        (Some(start), Some(stop)) if start <= stop && stop <= size => b2l_chunk(ctx, a[0], start - 1, stop, Term::NIL),
        _ => super::badarg_r(),
    }
}

/// Continuation: `[Bin, From, To, ListOfBytesFromTo]`: bytes `From..To` are still to cons.
fn b2l_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (Some(from), Some(to)) = (a[1].as_small(), a[2].as_small()) else { return super::badarg_r() };
    b2l_chunk(ctx, a[0], from as usize, to as usize, a[3])
}

/// Conses bytes `from..to` of `bin` onto `acc`, from the last one back.
fn b2l_chunk(ctx: &mut Ctx, bin: Term, from: usize, to: usize, mut acc: Term) -> BifResult {
    let Some(v) = terms::bit_view(bin) else { return super::badarg_r() };
    let budget = ctx.reds_left() * B2L_BYTES_PER_RED;
    let start = to - (to - from).min(budget);
    let mut chunk = vec![0u8; to - start];
    terms::copy_bits(v.bytes, v.bit_offset + start * 8, &mut chunk, 0, (to - start) * 8);
    for &b in chunk.iter().rev() {
        acc = terms::cons(ctx.heap(), Term::small(b as i64), acc);
    }
    ctx.bump_reds(chunk.len() / B2L_BYTES_PER_RED);
    if start == from {
        return Ok(acc);
    }
    Err(ctx.trap(b2l_cont, vec![bin, Term::small(from as i64), Term::small(start as i64), acc], None))
}

// ------------------------------------------------------------------ bitstrings

pub(crate) fn bitstring_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(v) = terms::bit_view(a[0]) else { return super::badarg_r() };
    let whole = v.bit_size / 8;
    let rest = v.bit_size % 8;
    let tail = if rest == 0 {
        Term::NIL
    } else if whole == 0 {
        terms::cons(ctx.heap(), a[0], Term::NIL)
    } else {
        let last = terms::sub_binary(ctx.heap(), a[0], whole * 8, rest);
        terms::cons(ctx.heap(), last, Term::NIL)
    };
    b2l_chunk(ctx, a[0], 0, whole, tail)
}

/// A bitstring being built: bytes and the number of bits used.
struct BitBuf {
    out: Vec<u8>,
    bits: usize,
}

impl BitBuf {
    fn push(&mut self, b: &[u8], n: usize) {
        if self.bits % 8 == 0 && n % 8 == 0 {
            self.out.extend_from_slice(&b[..n / 8]);
        } else {
            self.out.resize((self.bits + n).div_ceil(8), 0);
            terms::copy_bits(b, 0, &mut self.out, self.bits, n);
        }
        self.bits += n;
    }
}

pub(crate) fn list_to_bitstring_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_list_or_nil() {
        return super::badarg_r();
    }
    l2bs_chunk(ctx, IoWalk { cur: a[0], stack: Term::NIL, bits: true }, Box::new(BitBuf { out: Vec::new(), bits: 0 }))
}

/// Continuation: `[Cur, Stack]`, with the [`BitBuf`] as data.
fn l2bs_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(out) = ctx.take_trap_data::<BitBuf>() else { return super::badarg_r() };
    l2bs_chunk(ctx, IoWalk { cur: a[0], stack: a[1], bits: true }, out)
}

fn l2bs_chunk(ctx: &mut Ctx, mut w: IoWalk, mut out: Box<BitBuf>) -> BifResult {
    let done = io_walk(ctx, &mut w, &mut |b, n| out.push(b, n))?;
    if !done {
        return Err(ctx.trap(l2bs_cont, vec![w.cur, w.stack], Some(out)));
    }
    let BitBuf { out, bits } = *out;
    let whole = if out.len() <= beamos_gc::bin::HEAP_BIN_LIMIT { terms::binary(ctx.heap(), &out) } else { terms::refc_binary(ctx.heap(), out) };
    if bits % 8 == 0 {
        Ok(whole)
    } else {
        Ok(terms::sub_binary(ctx.heap(), whole, 0, bits))
    }
}

// ------------------------------------------------------------------ tuples

/// Elements copied per reduction by `list_to_tuple/1` and `tuple_to_list/1` (ERTS does them
/// in one go; results and errors do not depend on the chunks).
const TUPLE_ELEMS_PER_RED: usize = 64;

pub(crate) fn tuple_to_list_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(e) = terms::tuple_elems(a[0]) else { return super::badarg_r() };
    t2l_chunk(ctx, a[0], e.len(), Term::NIL)
}

/// Continuation: `[Tuple, To, ListOfElementsFromTo]`: elements `..To` are still to cons.
fn t2l_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(to) = a[1].as_small() else { return super::badarg_r() };
    t2l_chunk(ctx, a[0], to as usize, a[2])
}

fn t2l_chunk(ctx: &mut Ctx, t: Term, to: usize, mut acc: Term) -> BifResult {
    let Some(e) = terms::tuple_elems(t) else { return super::badarg_r() };
    let from = to.saturating_sub(ctx.reds_left() * TUPLE_ELEMS_PER_RED);
    let chunk = e[from..to].to_vec();
    for &x in chunk.iter().rev() {
        acc = terms::cons(ctx.heap(), x, acc);
    }
    ctx.bump_reds(chunk.len() / TUPLE_ELEMS_PER_RED);
    if from == 0 {
        return Ok(acc);
    }
    Err(ctx.trap(t2l_cont, vec![t, Term::small(from as i64), acc], None))
}

pub(crate) fn list_to_tuple_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_list_or_nil() {
        return super::badarg_r();
    }
    l2t_measure(ctx, a[0], a[0], 0)
}

/// Continuation while measuring: `[Rest, List, CountSoFar]`.
fn l2t_measure_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    l2t_measure(ctx, a[0], a[1], a[2].as_small().unwrap_or(0) as usize)
}

fn l2t_measure(ctx: &mut Ctx, mut l: Term, list: Term, mut n: usize) -> BifResult {
    let budget = ctx.reds_left() * LENGTH_PER_RED;
    let mut i = 0;
    while let Some((_, t)) = terms::cons_parts(l) {
        if i == budget {
            return Err(ctx.trap(l2t_measure_cont, vec![l, list, Term::small(n as i64)], None));
        }
        l = t;
        n += 1;
        i += 1;
    }
    ctx.bump_reds(i / LENGTH_PER_RED);
    // Longer than a tuple can be (ERTS_MAX_TUPLE_SIZE): badarg, as in ERTS.
    if !l.is_nil() || n > 16_777_215 {
        return super::badarg_r();
    }
    if n == 0 {
        return Ok(Term::empty_tuple());
    }
    // The tuple, filled with nil and then with the elements chunk by chunk.
    let tuple = terms::tuple(ctx.heap(), &vec![Term::NIL; n]);
    l2t_fill(ctx, Box::new(Filling { tuple, iter: list, i: 0 }))
}

/// A tuple being filled in (holds terms and is written in place: no collection meanwhile).
struct Filling {
    tuple: Term,
    iter: Term,
    i: usize,
}

fn l2t_fill_cont(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let Some(f) = ctx.take_trap_data::<Filling>() else { return super::badarg_r() };
    l2t_fill(ctx, f)
}

fn l2t_fill(ctx: &mut Ctx, mut f: Box<Filling>) -> BifResult {
    let budget = ctx.reds_left() * TUPLE_ELEMS_PER_RED;
    let mut k = 0;
    while let Some((h, t)) = terms::cons_parts(f.iter) {
        if k == budget {
            ctx.bump_reds(k / TUPLE_ELEMS_PER_RED);
            return Err(trap_no_gc(ctx, l2t_fill_cont, Vec::new(), f));
        }
        // SAFETY: `tuple` is the tuple this BIF allocated with one element per list cell; no
        // collection has run since (the trap forbids them), so it is where it was built, and
        // it is young, so writing young terms into it keeps the generational invariant.
        unsafe { *f.tuple.ptr().add(1 + f.i) = h.raw() };
        f.i += 1;
        f.iter = t;
        k += 1;
    }
    ctx.bump_reds(k / TUPLE_ELEMS_PER_RED);
    Ok(f.tuple)
}

// ------------------------------------------------------------------ phash2

/// Steps of `make_hash2` per reduction (ERTS's `ITERATIONS_PER_RED`).
const HASH2_STEPS_PER_RED: usize = 64;

/// A `phash2/1,2` in progress (its stack holds terms: no collection while it is pending).
struct PHash2 {
    run: crate::hash::Hash2Run,
    range: Option<u64>,
}

/// `erlang:phash2(T)` (`range` None) or `phash2(T, Range)`.
pub(crate) fn phash2(ctx: &mut Ctx, t: Term, range: Option<u64>) -> BifResult {
    phash2_chunk(ctx, Box::new(PHash2 { run: crate::hash::Hash2Run::new(t), range }))
}

fn phash2_cont(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let Some(h) = ctx.take_trap_data::<PHash2>() else { return super::badarg_r() };
    phash2_chunk(ctx, h)
}

fn phash2_chunk(ctx: &mut Ctx, mut h: Box<PHash2>) -> BifResult {
    let (done, steps) = h.run.run(ctx.reds_left() * HASH2_STEPS_PER_RED);
    ctx.bump_reds(steps / HASH2_STEPS_PER_RED);
    match (done, h.range) {
        (None, _) => Err(trap_no_gc(ctx, phash2_cont, Vec::new(), h)),
        (Some(v), None) => Ok(Term::small(v as i64 & ((1 << 27) - 1))),
        (Some(v), Some(r)) => Ok(Term::small((v as u64 % r) as i64)),
    }
}
