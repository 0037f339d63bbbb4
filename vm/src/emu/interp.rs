//! The interpreter: runs one process for one time slice.
//!
//! Registers: x registers live in a per-scheduler array passed in; y registers live in the
//! process stack, `y(i) = stack[len - 1 - i]`, under the frame's saved continuation pointer.
//! The continuation pointer (`cp`) is a register: `call` sets it, `allocate` pushes it and
//! clears it, `deallocate` pops it, `return` jumps to it. Garbage collection happens only at
//! instructions that name their live registers (allocate, test_heap, gc_bif, ...), so no other
//! instruction has to worry about terms moving.

use alloc::vec::Vec;
use beamos_gc::Term;

use crate::atom::am;
use crate::bif::{self, Ctx, Exc};
use crate::compare::{self, eq, eq_exact};
use crate::emu::exception::{self, Raised};
use crate::emu::instr::{Dst, FDst, FSrc, Instr, Src};
use crate::emu::{bits, receive, trap};
use crate::map;
use crate::module::Export;
use crate::process::Process;
use crate::terms;
use crate::vm::Vm;

/// Number of x registers (as ERTS's MAX_REG).
pub const X_REGS: usize = 1024;
/// Float registers.
pub const F_REGS: usize = crate::loader::beam_file::MAX_REG as usize;
/// Reductions in one time slice (CONTEXT_REDS in ERTS).
pub const SLICE_REDUCTIONS: i64 = 4000;

/// How a time slice ended.
pub enum Outcome {
    /// Out of reductions: run again later.
    Yield,
    /// Waiting for a message (or a timer).
    Park,
    /// The process ended with this reason.
    Exit(Term),
    /// The VM is to halt with this status.
    Halt(i32),
}

/// Runs `p` until it yields, waits, exits or halts the VM.
/// `x` and `fr` are the scheduler's register files (float registers hold nothing between
/// slices: the compiler keeps floats in them only within a block without calls).
pub fn run_slice(vm: &Vm, p: &mut Process, x: &mut [Term], fr: &mut [f64; F_REGS]) -> Outcome {
    assert!(x.len() >= X_REGS, "register file too small");
    // Restore the live x registers.
    let n = p.saved_x.len();
    x[..n].copy_from_slice(&p.saved_x);
    p.saved_x.clear();
    if let Some(o) = receive::handle_signals(vm, p, x) {
        return o;
    }
    receive::serve_system_tasks(vm, p, &mut x[..n]);
    interpret(vm, p, x, fr)
}

macro_rules! y_index {
    ($p:expr, $i:expr) => {
        $p.stack.len() - 1 - ($i as usize)
    };
}

// x register operands are below MAX_REG (the loader refuses others) and `run_slice` checks
// that the register file has X_REGS, so they are read and written unchecked.
const _: () = assert!(crate::loader::beam_file::MAX_REG as usize <= X_REGS);

#[inline(always)]
fn read(p: &Process, x: &[Term], s: Src) -> Term {
    match s {
        // SAFETY: see above.
        Src::X(i) => unsafe { *x.get_unchecked(i as usize) },
        Src::Y(i) => p.stack[y_index!(p, i)],
        Src::Lit(t) => t,
    }
}

#[inline(always)]
fn write(p: &mut Process, x: &mut [Term], d: Dst, v: Term) {
    match d {
        // SAFETY: as for `read`.
        Dst::X(i) => unsafe { *x.get_unchecked_mut(i as usize) = v },
        Dst::Y(i) => {
            let k = y_index!(p, i);
            p.stack[k] = v
        }
    }
}

#[inline(always)]
fn lbl(l: usize) -> *const Instr {
    l as *const Instr
}

/// Collects if the heap cannot take `need` more words; `live` x registers are roots.
#[inline]
pub fn gc_test(p: &mut Process, x: &mut [Term], need: usize, live: usize) {
    if p.heap.wants_gc(need) {
        p.gc(&mut x[..live], need, false);
    }
}

/// After a called BIF returned (its value in x0, the only live register after a call): collects
/// if the BIF's allocations overflowed the heap, its off-heap data passed the virtual binary
/// heap's limit (ERTS's `erts_gc_after_bif_call`; `erlang:garbage_collect/0` collects itself).
/// Without this, a loop whose only allocations are BIF results (a loop making `atomics`
/// arrays or large binaries) would never collect: allocation overflows into fragments and
/// only the instructions that name their live registers collect.
#[inline]
fn gc_after_bif(p: &mut Process, x: &mut [Term]) {
    if p.heap.wants_gc(0) {
        p.gc(&mut x[..1], 0, false);
    }
}

fn interpret(vm: &Vm, p: &mut Process, x: &mut [Term], fr: &mut [f64; F_REGS]) -> Outcome {
    let mut ip = p.ip;
    let mut reds: i64 = SLICE_REDUCTIONS;

    // Yield at a call boundary when out of reductions.
    macro_rules! charge {
        ($arity:expr, $target:expr) => {{
            reds -= 1;
            if reds <= 0 {
                p.ip = $target;
                p.saved_x.extend_from_slice(&x[..$arity as usize]);
                p.reductions += SLICE_REDUCTIONS as u64;
                return Outcome::Yield;
            }
        }};
    }
    // Everything else runs out of line, so this loop stays small enough for the compiler to
    // keep ip and the other hot values in registers.
    macro_rules! cold {
        ($instr:expr) => {
            match step(vm, p, x, fr, $instr, ip, &mut reds) {
                Ok(next) => ip = next,
                Err(o) => return o,
            }
        };
    }

    macro_rules! float_op {
        ($instr:expr, $r:expr, $dst:expr) => {{
            let r: f64 = $r;
            if r.is_finite() {
                fr[$dst as usize] = r;
            } else {
                cold!($instr)
            }
        }};
    }
    loop {
        // SAFETY: ip always points at an instruction of a loaded module (labels and
        // continuation pointers are resolved at load time; modules are never freed while
        // code may run in them).
        let instr = unsafe { &*ip };
        // SAFETY: every code block ends in an instruction that never falls through.
        ip = unsafe { ip.add(1) };
        match instr {
            Instr::Move { src, dst } => {
                let v = read(p, x, *src);
                write(p, x, *dst, v);
            }
            Instr::Call { arity, target } => {
                p.cp = ip;
                charge!(*arity, lbl(*target));
                ip = lbl(*target);
            }
            Instr::CallLast { arity, target, dealloc } => {
                deallocate(p, *dealloc);
                charge!(*arity, lbl(*target));
                ip = lbl(*target);
            }
            Instr::CallOnly { arity, target } => {
                charge!(*arity, lbl(*target));
                ip = lbl(*target);
            }
            Instr::Arith { op, a, b, dst, .. } => {
                let (va, vb) = (read(p, x, *a), read(p, x, *b));
                if let (Some(i), Some(j)) = (va.as_small(), vb.as_small()) {
                    // Two 60-bit smalls never overflow an i64 for + and -; a result that
                    // needs a bignum is left to the BIF.
                    if let Some(t) = op.small(i, j).and_then(Term::try_small) {
                        write(p, x, *dst, t);
                        continue;
                    }
                }
                cold!(instr)
            }
            Instr::Allocate { stack, heap, live, zero: _ } => {
                if *heap > 0 {
                    gc_test(p, x, *heap as usize, *live as usize);
                }
                let cp = p.cp;
                p.stack.push(Term(cp as u64));
                let n = p.stack.len() + *stack as usize;
                p.stack.resize(n, Term::NIL);
                p.cp = core::ptr::null();
            }
            Instr::TestHeap { heap, live } => gc_test(p, x, *heap as usize, *live as usize),
            Instr::InitYregs { regs } => {
                for &r in regs.iter() {
                    let k = y_index!(p, r);
                    p.stack[k] = Term::NIL;
                }
            }
            Instr::Deallocate { n } => deallocate(p, *n),
            Instr::DeallocateReturn { n } => {
                deallocate(p, *n);
                ip = p.cp;
                p.cp = core::ptr::null();
            }
            Instr::IsNonemptyListGetList { fail, src, head, tail } => match terms::cons_parts(read(p, x, *src)) {
                Some((h, t)) => {
                    write(p, x, *head, h);
                    write(p, x, *tail, t);
                    ip = skip(ip);
                }
                None => ip = lbl(*fail),
            },
            Instr::TestHeapPutList { heap, live, head, tail, dst } => {
                gc_test(p, x, *heap as usize, *live as usize);
                let h = read(p, x, *head);
                let t = read(p, x, *tail);
                let c = terms::cons(&mut p.heap, h, t);
                write(p, x, *dst, c);
                ip = skip(ip);
            }
            Instr::Return => {
                ip = p.cp;
                p.cp = core::ptr::null();
            }
            Instr::Move2 { s1, d1, s2, d2 } => {
                let v = read(p, x, *s1);
                write(p, x, *d1, v);
                let v = read(p, x, *s2);
                write(p, x, *d2, v);
                ip = skip(ip);
            }
            Instr::MoveReturn { src, dst } => {
                let v = read(p, x, *src);
                write(p, x, *dst, v);
                ip = p.cp;
                p.cp = core::ptr::null();
            }
            Instr::MoveCall { src, dst, arity, target } => {
                let v = read(p, x, *src);
                write(p, x, *dst, v);
                p.cp = skip(ip);
                charge!(*arity, lbl(*target));
                ip = lbl(*target);
            }
            Instr::MoveCallLast { src, dst, arity, target, dealloc } => {
                let v = read(p, x, *src);
                write(p, x, *dst, v);
                deallocate(p, *dealloc);
                charge!(*arity, lbl(*target));
                ip = lbl(*target);
            }
            Instr::MoveCallOnly { src, dst, arity, target } => {
                let v = read(p, x, *src);
                write(p, x, *dst, v);
                charge!(*arity, lbl(*target));
                ip = lbl(*target);
            }
            Instr::Trim { n } => {
                let l = p.stack.len() - *n as usize;
                p.stack.truncate(l);
            }
            Instr::Jump { target } => ip = lbl(*target),
            Instr::IsLt { fail, a, b } => {
                test(&mut ip, *fail, less(read(p, x, *a), read(p, x, *b)));
            }
            Instr::IsGe { fail, a, b } => {
                test(&mut ip, *fail, !less(read(p, x, *a), read(p, x, *b)));
            }
            Instr::IsEq { fail, a, b } => test(&mut ip, *fail, equal(read(p, x, *a), read(p, x, *b))),
            Instr::IsNe { fail, a, b } => test(&mut ip, *fail, !equal(read(p, x, *a), read(p, x, *b))),
            Instr::IsEqExact { fail, a, b } => {
                test(&mut ip, *fail, exactly_equal(read(p, x, *a), read(p, x, *b)))
            }
            Instr::IsNeExact { fail, a, b } => {
                test(&mut ip, *fail, !exactly_equal(read(p, x, *a), read(p, x, *b)))
            }
            Instr::IsInteger { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_integer()),
            Instr::IsFloat { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_float()),
            Instr::IsNumber { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_number()),
            Instr::IsAtom { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_atom()),
            Instr::IsPid { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_pid()),
            Instr::IsReference { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_ref()),
            Instr::IsPort { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_port()),
            Instr::IsNil { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_nil()),
            Instr::IsBinary { fail, a } => test(&mut ip, *fail, terms::is_binary(read(p, x, *a))),
            Instr::IsBitstr { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_bitstring()),
            Instr::IsList { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_list_or_nil()),
            Instr::IsNonemptyList { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_list()),
            Instr::IsTuple { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_tuple()),
            Instr::IsMap { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_map()),
            Instr::IsBoolean { fail, a } => {
                let v = read(p, x, *a);
                test(&mut ip, *fail, v == am::TRUE || v == am::FALSE)
            }
            Instr::IsFunction { fail, a } => test(&mut ip, *fail, read(p, x, *a).is_fun()),
            Instr::IsFunction2 { fail, a, arity } => {
                let f = read(p, x, *a);
                let ar = read(p, x, *arity).as_small();
                test(&mut ip, *fail, ar.is_some_and(|n| fun_arity(f) == Some(n as u32)))
            }
            Instr::TestArity { fail, a, arity } => {
                let ok = terms::tuple_elems(read(p, x, *a)).is_some_and(|e| e.len() == *arity as usize);
                test(&mut ip, *fail, ok)
            }
            Instr::IsTaggedTuple { fail, a, arity, tag } => {
                let ok = terms::tuple_elems(read(p, x, *a))
                    .is_some_and(|e| e.len() == *arity as usize && e[0] == *tag);
                test(&mut ip, *fail, ok)
            }
            Instr::SelectVal { src, fail, table } => {
                let v = read(p, x, *src);
                ip = lbl(select_val(v, table, *fail));
            }
            Instr::SelectTupleArity { src, fail, table } => {
                let v = read(p, x, *src);
                let n = terms::tuple_elems(v).map(|e| e.len() as u32);
                ip = lbl(table.iter().find(|(a, _)| Some(*a) == n).map(|&(_, l)| l).unwrap_or(*fail));
            }
            Instr::GetList { src, head, tail } => {
                let (h, t) = terms::cons_parts(read(p, x, *src)).unwrap_or((Term::NIL, Term::NIL));
                write(p, x, *head, h);
                write(p, x, *tail, t);
            }
            Instr::GetHd { src, dst } => {
                let (h, _) = terms::cons_parts(read(p, x, *src)).unwrap_or((Term::NIL, Term::NIL));
                write(p, x, *dst, h);
            }
            Instr::GetTl { src, dst } => {
                let (_, t) = terms::cons_parts(read(p, x, *src)).unwrap_or((Term::NIL, Term::NIL));
                write(p, x, *dst, t);
            }
            Instr::GetTupleElement { src, index, dst } => {
                let v = terms::tuple_elems(read(p, x, *src)).map(|e| e[*index as usize]).unwrap_or(Term::NIL);
                write(p, x, *dst, v);
            }
            Instr::PutList { head, tail, dst } => {
                let h = read(p, x, *head);
                let t = read(p, x, *tail);
                let c = terms::cons(&mut p.heap, h, t);
                write(p, x, *dst, c);
            }
            Instr::PutTuple2 { dst, elems } => {
                let t = put_tuple(p, x, elems);
                write(p, x, *dst, t);
            }
            Instr::Swap { a, b } => {
                let va = read(p, x, dst_src(*a));
                let vb = read(p, x, dst_src(*b));
                write(p, x, *a, vb);
                write(p, x, *b, va);
            }
            Instr::Fclearerror | Instr::Fcheckerror { .. } => {}
            Instr::Fmove { src, dst } => {
                let v = match src {
                    FSrc::Reg(r) => fr[*r as usize],
                    FSrc::Term(s) => terms::float_value(read(p, x, *s)).unwrap_or(0.0),
                };
                match dst {
                    FDst::Reg(r) => fr[*r as usize] = v,
                    FDst::Term(d) => {
                        let t = terms::float(&mut p.heap, v);
                        write(p, x, *d, t);
                    }
                }
            }
            Instr::Fconv { src, dst } => match bif::arith::to_f64(read(p, x, *src)) {
                Some(f) => fr[*dst as usize] = f,
                None => cold!(instr),
            },
            // A result that is not finite raises badarith (out of line).
            Instr::Fadd { a, b, dst } => float_op!(instr, fr[*a as usize] + fr[*b as usize], *dst),
            Instr::Fsub { a, b, dst } => float_op!(instr, fr[*a as usize] - fr[*b as usize], *dst),
            Instr::Fmul { a, b, dst } => float_op!(instr, fr[*a as usize] * fr[*b as usize], *dst),
            Instr::Fdiv { a, b, dst } => float_op!(instr, fr[*a as usize] / fr[*b as usize], *dst),
            Instr::Fnegate { a, dst } => fr[*dst as usize] = -fr[*a as usize],
            // Binary construction and matching: straight to the bit-syntax code.
            Instr::BsCreateBin { .. } | Instr::BsStartMatch { .. } | Instr::BsGetPosition { .. }
            | Instr::BsSetPosition { .. } | Instr::BsGetTail { .. } | Instr::BsGetInteger { .. }
            | Instr::BsGetFloat { .. } | Instr::BsGetBinary { .. } | Instr::BsSkipBits { .. }
            | Instr::BsTestTail { .. } | Instr::BsTestUnit { .. } | Instr::BsMatchString { .. }
            | Instr::BsGetUtf8 { .. } | Instr::BsSkipUtf8 { .. } | Instr::BsMatch { .. } => {
                match bits::exec(vm, p, x, instr) {
                    bits::Next::Continue => {}
                    bits::Next::Fail(l) => ip = lbl(l),
                    bits::Next::Error(r) => match raise_at(vm, p, x, ip, Raised::error(r)) {
                        Ok(handler) => ip = handler,
                        Err(o) => return o,
                    },
                    bits::Next::Raise(r) => match raise_at(vm, p, x, ip, r) {
                        Ok(handler) => ip = handler,
                        Err(o) => return o,
                    },
                }
            }
            _ => cold!(instr),
        }
    }
}

/// Raises `r` at `ip`: the handler to continue at, or the end of the process.
#[cold]
#[inline(never)]
fn raise_at(vm: &Vm, p: &mut Process, x: &mut [Term], ip: *const Instr, r: Raised) -> Result<*const Instr, Outcome> {
    exception::handle(vm, p, x, ip, r).map_err(Outcome::Exit)
}

/// `a < b` in term order, small integers inline.
#[inline(always)]
fn less(a: Term, b: Term) -> bool {
    match (a.as_small(), b.as_small()) {
        (Some(i), Some(j)) => i < j,
        _ => compare::cmp(a, b) == core::cmp::Ordering::Less,
    }
}

/// `==`: identical words are equal (a boxed term is equal to itself); two different
/// immediates never are (1 == 1.0 involves a boxed float).
#[inline(always)]
fn equal(a: Term, b: Term) -> bool {
    a == b || (!(a.is_immediate() && b.is_immediate()) && eq(a, b))
}

/// `=:=`: as [`equal`], and an immediate is only ever exactly equal to the same word.
#[inline(always)]
fn exactly_equal(a: Term, b: Term) -> bool {
    a == b || (!(a.is_immediate() || b.is_immediate()) && eq_exact(a, b))
}

/// Executes one instruction that the hot loop of [`interpret`] does not handle itself; `ip`
/// already points past it. Returns where to go on, or how the slice ends.
#[inline(never)]
fn step(vm: &Vm, p: &mut Process, x: &mut [Term], fr: &mut [f64; F_REGS], instr: &Instr, mut ip: *const Instr, reds: &mut i64) -> Result<*const Instr, Outcome> {

    // Raise an exception: find a handler or end the process.
    macro_rules! raise {
        ($raised:expr) => {{
            let r: Raised = $raised;
            match exception::handle(vm, p, x, ip, r) {
                Ok(handler) => return Ok(handler),
                Err(reason) => return Err(Outcome::Exit(reason)),
            }
        }};
    }
    macro_rules! error {
        ($reason:expr) => {
            raise!(Raised::error($reason))
        };
    }
    // Yield at a call boundary when out of reductions.
    macro_rules! charge {
        ($arity:expr, $target:expr) => {{
            *reds -= 1;
            if *reds <= 0 {
                p.ip = $target;
                p.saved_x.extend_from_slice(&x[..$arity as usize]);
                p.reductions += SLICE_REDUCTIONS as u64;
                return Err(Outcome::Yield);
            }
        }};
    }
    // Handles a BIF's failure: jump to `fail` in guards, else raise.
    macro_rules! bif_fail {
        ($e:expr, $fail:expr, $export:expr, $args:expr) => {{
            let e: Exc = $e;
            if $fail != 0 {
                if matches!(e, Exc::Error(_) | Exc::ErrorCause { .. }) {
                    return Ok(lbl($fail));
                }
            }
            match bif_exception(e, $export, $args) {
                BifEnd::Raise(r) => raise!(r),
                BifEnd::Halt(s) => return Err(Outcome::Halt(s)),
                BifEnd::Yield => error!(am::BADARG),
            }
        }};
    }

    /// Continues after a call: at the callee, or at the continuation with a BIF's value in
    /// x0; `tail` marks a tail call (its BIF frames and errors as ERTS reports them).
    macro_rules! after_call {
        ($call:expr, $tail:expr) => {{
            let tail: bool = $tail;
            match $call {
                Ok(Jump { to, live }) => {
                    if tail {
                        trap::note_tail_call(p, to, ip);
                    }
                    charge!(live, to);
                    ip = to;
                }
                Err(CallEnd::Value) => {
                    ip = p.cp;
                    p.cp = core::ptr::null();
                }
                Err(CallEnd::Raise(mut r)) => {
                    if tail {
                        tail_called(&mut r);
                    }
                    raise!(r)
                }
                Err(CallEnd::Halt(s)) => return Err(Outcome::Halt(s)),
                Err(CallEnd::Yield) => {
                    p.ip = p.cp;
                    p.saved_x.push(x[0]);
                    return Err(Outcome::Yield);
                }
            }
        }};
    }

    {
        match instr {
            Instr::CallExt { arity, export } => {
                p.cp = ip;
                after_call!(call_export(vm, p, x, export, *arity, reds), false)
            }
            Instr::CallExtLast { arity, export, dealloc } => {
                if export.bif.is_some() {
                    // As ERTS's loader makes it ("call the BIF | deallocate | return"): the
                    // BIF runs with the frame in place, so an exception it raises meets the
                    // catches of this frame. The compiler leaves the untrimmed frame size in
                    // calls that never return (`erlang:error/1` after a `trim`); deallocating
                    // first would pop the caller's frames too.
                    p.cp = core::ptr::null();
                    let r = call_export(vm, p, x, export, *arity, reds);
                    // erlang:hibernate/3 has replaced the stack and set where to go on: the
                    // frame is gone already.
                    let replaced = matches!(r, Err(CallEnd::Yield)) && !p.cp.is_null();
                    if !matches!(r, Err(CallEnd::Raise(_))) && !replaced {
                        deallocate(p, *dealloc);
                    }
                    after_call!(r, true)
                } else {
                    deallocate(p, *dealloc);
                    after_call!(call_export(vm, p, x, export, *arity, reds), true)
                }
            }
            Instr::CallExtOnly { arity, export } => {
                after_call!(call_export(vm, p, x, export, *arity, reds), true)
            }
            Instr::Bif { bif, fail, args, dst, export } => {
                let mut a = [Term::NIL; 4];
                for (i, s) in args.iter().enumerate() {
                    a[i] = read(p, x, *s);
                }
                let n = args.len();
                match trap::call(vm, p, *bif, &a[..n], reds) {
                    Ok(v) => write(p, x, *dst, v),
                    Err(Exc::Trap(t)) => {
                        // No live register count: the continuation runs to its end here.
                        p.trap.pending = Some(trap::Pending::new(*t, export, &a[..n], ip));
                        match trap::drive(vm, p, x, export, None, reds) {
                            trap::Drive::Done(v) => write(p, x, *dst, v),
                            trap::Drive::End(e, t) => bif_fail!(e, *fail, t.export, &t.orig),
                            trap::Drive::Yield => error!(am::BADARG),
                        }
                    }
                    Err(e) => bif_fail!(e, *fail, export, &a[..n]),
                }
            }
            // The hot loop tried the small-integer case; this is the BIF.
            Instr::Arith { fail, a, b, dst, export, .. } => {
                let (va, vb) = (read(p, x, *a), read(p, x, *b));
                let args = [va, vb];
                let r = {
                    let mut ctx = Ctx { proc: p, vm };
                    match export.bif {
                        Some(f) => f(&mut ctx, &args),
                        None => Err(Exc::Error(am::BADARG)), // unreachable: operators are BIFs
                    }
                };
                match r {
                    Ok(v) => write(p, x, *dst, v),
                    Err(e) => bif_fail!(e, *fail, export, &args),
                }
            }
            Instr::GcBif { bif, fail, live, args, dst, export } => {
                // SAFETY: ip was advanced past this instruction.
                let at = unsafe { ip.sub(1) };
                let live = *live as usize;
                let out = if p.trap.pending.as_ref().is_some_and(|t| t.at == at) {
                    // Back from a yield in the middle of this BIF (ERTS's i_length).
                    trap::drive(vm, p, x, export, Some(live), reds)
                } else {
                    let mut a = [Term::NIL; 4];
                    for (i, s) in args.iter().enumerate() {
                        a[i] = read(p, x, *s);
                    }
                    let n = args.len();
                    match trap::call(vm, p, *bif, &a[..n], reds) {
                        Ok(v) => {
                            write(p, x, *dst, v);
                            return Ok(ip);
                        }
                        Err(Exc::Trap(t)) => {
                            p.trap.pending = Some(trap::Pending::new(*t, export, &a[..n], at));
                            trap::drive(vm, p, x, export, Some(live), reds)
                        }
                        Err(e) => bif_fail!(e, *fail, export, &a[..n]),
                    }
                };
                match out {
                    trap::Drive::Done(v) => write(p, x, *dst, v),
                    trap::Drive::Yield => {
                        p.ip = at;
                        p.saved_x.extend_from_slice(&x[..live]);
                        p.reductions += SLICE_REDUCTIONS as u64;
                        return Err(Outcome::Yield);
                    }
                    trap::Drive::End(e, t) => bif_fail!(e, *fail, t.export, &t.orig),
                }
            }
            Instr::TrapResume { export } => {
                // SAFETY: ip was advanced past this instruction (a one-instruction block).
                let at = unsafe { ip.sub(1) };
                let (r, exp, orig, tail_call) = match trap::drive(vm, p, x, export, Some(0), reds) {
                    trap::Drive::Done(v) => (Ok(v), *export, Vec::new(), core::ptr::null()),
                    trap::Drive::End(e, t) => (Err(e), t.export, t.orig, t.tail_call),
                    trap::Drive::Yield => {
                        p.ip = at;
                        p.reductions += SLICE_REDUCTIONS as u64;
                        return Err(Outcome::Yield);
                    }
                };
                match bif_return(vm, p, x, exp, &orig, r, reds) {
                    Ok(jump) => ip = jump.to,
                    Err(CallEnd::Value) => {
                        ip = p.cp;
                        p.cp = core::ptr::null();
                    }
                    Err(CallEnd::Raise(mut r)) => {
                        if !tail_call.is_null() {
                            // Raised where the tail call was made.
                            tail_called(&mut r);
                            ip = tail_call;
                        }
                        raise!(r)
                    }
                    Err(CallEnd::Halt(s)) => return Err(Outcome::Halt(s)),
                    Err(CallEnd::Yield) => {
                        p.ip = p.cp;
                        p.saved_x.push(x[0]);
                        return Err(Outcome::Yield);
                    }
                }
            }
            Instr::NormalExit => {
                p.saved_x.push(x[0]);
                return Err(Outcome::Exit(am::NORMAL));
            }
            Instr::SetTupleElement { value, tuple, index } => {
                let v = read(p, x, *value);
                let t = read(p, x, *tuple);
                // SAFETY: the compiler only emits set_tuple_element on a tuple it just built.
                unsafe { terms::tuple_elems_mut(t)[*index as usize] = v };
            }
            Instr::Badmatch { value } => {
                let v = read(p, x, *value);
                let r = terms::tuple(&mut p.heap, &[am::BADMATCH, v]);
                error!(r)
            }
            Instr::Badrecord { value } => {
                let v = read(p, x, *value);
                let r = terms::tuple(&mut p.heap, &[am::BADRECORD, v]);
                error!(r)
            }
            Instr::IfEnd => error!(am::IF_CLAUSE),
            Instr::CaseEnd { value } => {
                let v = read(p, x, *value);
                let r = terms::tuple(&mut p.heap, &[am::CASE_CLAUSE, v]);
                error!(r)
            }
            Instr::TryCaseEnd { value } => {
                let v = read(p, x, *value);
                let r = terms::tuple(&mut p.heap, &[am::TRY_CLAUSE, v]);
                error!(r)
            }
            Instr::FuncInfo { .. } => {
                raise!(Raised::function_clause(instr, x))
            }
            Instr::Catch { y, index, .. } | Instr::Try { y, index, .. } => {
                let k = y_index!(p, *y);
                p.stack[k] = exception::catch_term(*index);
            }
            Instr::CatchEnd { y } => {
                let k = y_index!(p, *y);
                p.stack[k] = Term::NIL;
                if x[0].is_non_value() {
                    x[0] = exception::catch_value(p, x[1], x[2], x[3]);
                }
            }
            Instr::TryEnd { y } => {
                let k = y_index!(p, *y);
                p.stack[k] = Term::NIL;
            }
            Instr::TryCase { y } => {
                let k = y_index!(p, *y);
                p.stack[k] = Term::NIL;
                x[0] = x[1];
                x[1] = x[2];
                x[2] = x[3];
            }
            Instr::Raise { stacktrace, value } => {
                let st = read(p, x, *stacktrace);
                let v = read(p, x, *value);
                raise!(exception::reraise(p, st, v))
            }
            Instr::RawRaise => {
                let (c, r, st) = (x[0], x[1], x[2]);
                if c == am::ERROR || c == am::EXIT || c == am::THROW {
                    raise!(Raised::with_trace(c, r, st))
                } else {
                    x[0] = am::BADARG;
                }
            }
            Instr::BuildStacktrace => {
                x[0] = exception::build_stacktrace(p, x[0]);
            }
            Instr::CallFun { arity } => {
                let fun = x[*arity as usize];
                p.cp = ip;
                after_call!(call_fun(vm, p, x, fun, *arity, reds), false)
            }
            Instr::CallFunLast { arity, fun, dealloc } => {
                // Read the fun before the frame (which may hold it) goes.
                let f = match fun {
                    Some(s) => read(p, x, *s),
                    None => x[*arity as usize],
                };
                deallocate(p, *dealloc);
                // Not marked as a tail call (unlike call_ext_last): BIF traces through a fun
                // in tail position keep what they showed before the fusion.
                after_call!(call_fun(vm, p, x, f, *arity, reds), false)
            }
            Instr::CallFun2 { arity, fun } => {
                let f = read(p, x, *fun);
                p.cp = ip;
                after_call!(call_fun(vm, p, x, f, *arity, reds), false)
            }
            Instr::MakeFun { entry, dst, free } => {
                let mut v: Vec<Term> = Vec::with_capacity(free.len());
                for s in free.iter() {
                    v.push(read(p, x, *s));
                }
                let f = terms::closure(&mut p.heap, entry, &v);
                write(p, x, *dst, f);
            }
            Instr::Apply { arity, dealloc } => {
                let n = *arity as usize;
                let (m, f) = (x[n], x[n + 1]);
                if let Some(d) = dealloc {
                    deallocate(p, *d);
                } else {
                    p.cp = ip;
                }
                if !m.is_atom() || !f.is_atom() {
                    // Reported as a failing erlang:apply/3 with its arguments, as ERTS does.
                    let args = terms::list(&mut p.heap, &x[..n]);
                    let apply = vm.code.export(am::ERLANG, am::APPLY, 3);
                    match bif_exception(Exc::Error(am::BADARG), apply, &[m, f, args]) {
                        BifEnd::Raise(r) => raise!(r),
                        _ => error!(am::BADARG),
                    }
                }
                let export = vm.code.export(m, f, *arity);
                after_call!(call_export(vm, p, x, export, *arity, reds), dealloc.is_some())
            }
            Instr::Send => {
                let (to, msg) = (x[0], x[1]);
                let r = {
                    let mut ctx = Ctx { proc: p, vm };
                    bif::proc::send(&mut ctx, to, msg)
                };
                match r {
                    Ok(v) => x[0] = v,
                    Err(e) => {
                        let send = vm.code.export(am::ERLANG, crate::atom::atom("!"), 2);
                        bif_fail!(e, 0usize, send, &[to, msg])
                    }
                }
                *reds -= 1;
            }
            Instr::LoopRec { fail, dst } => {
                // A long scan of the mailbox yields like any loop (no x register is live here).
                if *reds <= 0 {
                    // SAFETY: ip is past this instruction.
                    p.ip = unsafe { ip.sub(1) };
                    p.reductions += SLICE_REDUCTIONS as u64;
                    return Err(Outcome::Yield);
                }
                match receive::peek(vm, p, x) {
                    Ok(Some(m)) => write(p, x, *dst, m),
                    Ok(None) => ip = lbl(*fail),
                    Err(o) => return Err(o),
                }
            }
            Instr::LoopRecEnd { target } => {
                p.save += 1;
                *reds -= 1;
                ip = lbl(*target);
            }
            Instr::RemoveMessage => receive::remove(vm, p),
            Instr::Timeout => {
                p.save = 0;
                p.timed_out = false;
                p.timer_deadline = None;
                p.timer_id = None;
            }
            Instr::Wait { target } => match receive::wait(vm, p, x, lbl(*target)) {
                receive::Wait::Retry => ip = lbl(*target),
                receive::Wait::Exit(o) => return Err(o),
                _ => return Err(Outcome::Park),
            },
            Instr::WaitTimeout { target, time } => {
                let t = read(p, x, *time);
                match receive::wait_timeout(vm, p, x, t, lbl(*target)) {
                    receive::Wait::Park => return Err(Outcome::Park),
                    receive::Wait::TimedOut => {}
                    receive::Wait::Bad => error!(am::TIMEOUT_VALUE),
                    receive::Wait::Retry => ip = lbl(*target),
                    receive::Wait::Exit(o) => return Err(o),
                }
            }
            Instr::RecvMarkerReserve { dst } => {
                let r = terms::reference(&mut p.heap, vm.make_ref_id());
                write(p, x, *dst, r);
            }
            Instr::RecvMarkerBind { marker: _, reference } => {
                let r = read(p, x, *reference);
                receive::marker_bind(p, r);
            }
            Instr::RecvMarkerClear { reference } => {
                let r = read(p, x, *reference);
                receive::marker_clear(p, r);
            }
            Instr::RecvMarkerUse { reference } => {
                let r = read(p, x, *reference);
                receive::marker_use(p, r);
            }
            // Fclearerror, Fcheckerror, Fmove and Fnegate run in the hot loop only; the
            // arithmetic below is reached for its errors.
            Instr::Fconv { src, dst } => {
                let v = read(p, x, *src);
                match bif::arith::to_f64(v) {
                    Some(f) => fr[*dst as usize] = f,
                    None => error!(am::BADARITH),
                }
            }
            Instr::Fadd { a, b, dst } => {
                let r = fr[*a as usize] + fr[*b as usize];
                if !r.is_finite() {
                    error!(am::BADARITH);
                }
                fr[*dst as usize] = r;
            }
            Instr::Fsub { a, b, dst } => {
                let r = fr[*a as usize] - fr[*b as usize];
                if !r.is_finite() {
                    error!(am::BADARITH);
                }
                fr[*dst as usize] = r;
            }
            Instr::Fmul { a, b, dst } => {
                let r = fr[*a as usize] * fr[*b as usize];
                if !r.is_finite() {
                    error!(am::BADARITH);
                }
                fr[*dst as usize] = r;
            }
            Instr::Fdiv { a, b, dst } => {
                let r = fr[*a as usize] / fr[*b as usize];
                if !r.is_finite() {
                    error!(am::BADARITH);
                }
                fr[*dst as usize] = r;
            }
            // In a guard (a fail label), a bad map or a missing key fails the guard.
            Instr::PutMapAssoc { fail, src, dst, live: _, pairs } => {
                let m = read(p, x, *src);
                if !m.is_map() {
                    if *fail != 0 {
                        return Ok(lbl(*fail));
                    }
                    let r = terms::tuple(&mut p.heap, &[am::BADMAP, m]);
                    error!(r)
                }
                let r = with_pairs(p, x, pairs, |p, kv| map::put_many(&mut p.heap, m, kv));
                write(p, x, *dst, r);
            }
            Instr::PutMapExact { fail, src, dst, live: _, pairs } => {
                let m = read(p, x, *src);
                if !m.is_map() {
                    if *fail != 0 {
                        return Ok(lbl(*fail));
                    }
                    let r = terms::tuple(&mut p.heap, &[am::BADMAP, m]);
                    error!(r)
                }
                match with_pairs(p, x, pairs, |p, kv| map::update_many(&mut p.heap, m, kv)) {
                    Ok(r) => write(p, x, *dst, r),
                    Err(_) if *fail != 0 => return Ok(lbl(*fail)),
                    Err(k) => {
                        let r = terms::tuple(&mut p.heap, &[am::BADKEY, k]);
                        error!(r)
                    }
                }
            }
            Instr::HasMapFields { fail, src, keys } => {
                let m = read(p, x, *src);
                let ok = keys.iter().all(|k| map::get(m, read(p, x, *k)).is_some());
                test(&mut ip, *fail, ok)
            }
            Instr::GetMapElements { fail, src, pairs } => {
                let m = read(p, x, *src);
                let mut ok = true;
                for (k, d) in pairs.iter() {
                    match map::get(m, read(p, x, *k)) {
                        Some(v) => write(p, x, *d, v),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                test(&mut ip, *fail, ok)
            }
            Instr::UpdateRecord { hint: _, size: _, src, dst, updates } => {
                let t = read(p, x, *src);
                let mut el = terms::tuple_elems(t).unwrap_or(&[]).to_vec();
                for (i, s) in updates.iter() {
                    el[*i as usize - 1] = read(p, x, *s);
                }
                let r = terms::tuple(&mut p.heap, &el);
                write(p, x, *dst, r);
            }
            Instr::OnLoad | Instr::NifStart => {}
            // Binary construction and matching.
            _ => match bits::exec(vm, p, x, instr) {
                bits::Next::Continue => {}
                bits::Next::Fail(l) => ip = lbl(l),
                bits::Next::Error(r) => error!(r),
                bits::Next::Raise(r) => raise!(r),
            },
        }
    }
    Ok(ip)
}

/// Builds a tuple of the operands directly on the heap (the instruction's heap was reserved
/// by a test_heap before it).
#[inline]
fn put_tuple(p: &mut Process, x: &[Term], elems: &[Src]) -> Term {
    let mut buf = [Term::NIL; 16];
    if elems.len() <= buf.len() {
        for (slot, s) in buf.iter_mut().zip(elems.iter()) {
            *slot = read(p, x, *s);
        }
        return terms::tuple(&mut p.heap, &buf[..elems.len()]);
    }
    let v: Vec<Term> = elems.iter().map(|s| read(p, x, *s)).collect();
    terms::tuple(&mut p.heap, &v)
}

/// Runs `f` on the values of a map instruction's key/value operands (on the stack when few).
#[inline]
fn with_pairs<R>(p: &mut Process, x: &[Term], pairs: &[(Src, Src)], f: impl FnOnce(&mut Process, &[(Term, Term)]) -> R) -> R {
    let mut buf = [(Term::NIL, Term::NIL); 16];
    if pairs.len() <= buf.len() {
        for (slot, (k, v)) in buf.iter_mut().zip(pairs.iter()) {
            *slot = (read(p, x, *k), read(p, x, *v));
        }
        return f(p, &buf[..pairs.len()]);
    }
    let kv: Vec<(Term, Term)> = pairs.iter().map(|(k, v)| (read(p, x, *k), read(p, x, *v))).collect();
    f(p, &kv)
}

/// Past the second instruction of a fused pair.
#[inline(always)]
fn skip(ip: *const Instr) -> *const Instr {
    // SAFETY: a fused pair's second instruction is followed by at least the block's end.
    unsafe { ip.add(1) }
}

#[inline(always)]
fn test(ip: &mut *const Instr, fail: usize, ok: bool) {
    if !ok {
        *ip = lbl(fail);
    }
}

#[inline]
fn dst_src(d: Dst) -> Src {
    match d {
        Dst::X(i) => Src::X(i),
        Dst::Y(i) => Src::Y(i),
    }
}

#[inline]
fn deallocate(p: &mut Process, n: u32) {
    let l = p.stack.len() - n as usize;
    p.stack.truncate(l);
    let cp = p.stack.pop().unwrap_or(Term(0));
    p.cp = cp.0 as *const Instr;
}

fn select_val(v: Term, table: &[(Term, usize)], fail: usize) -> usize {
    // The loader sorts tables of small integers and atoms; scan is fine for small tables.
    if table.len() > 8 && v.is_immediate() {
        if let Ok(i) = table.binary_search_by(|(k, _)| k.raw().cmp(&v.raw())) {
            return table[i].1;
        }
        return fail;
    }
    for &(k, l) in table {
        if eq_exact(k, v) {
            return l;
        }
    }
    fail
}

pub fn fun_arity(f: Term) -> Option<u32> {
    if let Some((e, _)) = terms::closure_parts(f) {
        return Some(e.arity);
    }
    terms::export_of_fun(f).map(|e| e.arity)
}

/// Where a call goes on, and how many x registers are live there (a fun's arguments and its
/// free variables; an apply's arguments): what to save if the slice ends at the call.
pub struct Jump {
    pub to: *const Instr,
    pub live: u32,
}

/// How a call that did not simply jump ended.
pub enum CallEnd {
    /// A BIF returned its value in x0; continue at cp.
    Value,
    Raise(Raised),
    Halt(i32),
    Yield,
}

/// A BIF called in a tail call failed: its stack trace shows the calling function (at the
/// call) before the caller's caller, as ERTS, which runs such BIFs before the return.
fn tail_called(r: &mut Raised) {
    if matches!(r.origin, crate::emu::exception::Origin::Bif(..)) {
        r.from_call = false;
    }
}

enum BifEnd {
    Raise(Raised),
    Halt(i32),
    Yield,
}

fn bif_exception(e: Exc, export: &'static Export, args: &[Term]) -> BifEnd {
    match e {
        Exc::Error(r) => BifEnd::Raise(Raised::bif_error(r, export, args)),
        Exc::ErrorCause { reason, cause } => BifEnd::Raise(Raised::bif_error_cause(reason, cause, export, args)),
        Exc::ErrorHere { reason, args, info } => BifEnd::Raise(Raised::here_with_args(reason, args, info)),
        Exc::Exit(r) => BifEnd::Raise(Raised::new(am::EXIT, r)),
        Exc::Throw(r) => BifEnd::Raise(Raised::new(am::THROW, r)),
        Exc::Raise { class, reason, stacktrace } => BifEnd::Raise(Raised::with_trace(class, reason, stacktrace)),
        Exc::Halt(s) => BifEnd::Halt(s),
        Exc::Yield => BifEnd::Yield,
        // Calls from guard BIFs are not possible, and traps are handled before this;
        // treated as badarg by the caller.
        Exc::CallMfa { .. } | Exc::CallFun { .. } | Exc::Trap(_) => BifEnd::Raise(Raised::error(am::BADARG)),
    }
}

/// Calls an export: returns the code to jump to, or runs a BIF and reports how it ended.
/// The caller has set `p.cp` to where the callee returns; `reds` are the reductions left.
pub fn call_export(vm: &Vm, p: &mut Process, x: &mut [Term], export: &'static Export, arity: u32, reds: &mut i64) -> Result<Jump, CallEnd> {
    // A BIF wins over the module's Erlang stub of the same name (as in ERTS).
    if let Some(bif) = export.bif {
        let args: Vec<Term> = x[..arity as usize].to_vec();
        let r = trap::call(vm, p, bif, &args, reds);
        return bif_return(vm, p, x, export, &args, r, reds);
    }
    let code = export.code();
    if !code.is_null() {
        return Ok(Jump { to: code, live: arity });
    }
    // Not loaded: try loading the module on demand.
    if vm.ensure_loaded(export.module).is_ok() {
        let code = export.code();
        if !code.is_null() {
            return Ok(Jump { to: code, live: arity });
        }
    }
    let args: Vec<Term> = x[..arity as usize].to_vec();
    let a = terms::list(&mut p.heap, &args);
    Err(CallEnd::Raise(Raised::undef(export.module, export.function, a)))
}

/// How the call of BIF `export` with `args` goes on after the BIF (or its continuation)
/// returned `r`: a value in x0, a call to make, an exception, or a trap to resume at the
/// BIF's trap stub.
fn bif_return(vm: &Vm, p: &mut Process, x: &mut [Term], export: &'static Export, args: &[Term], r: bif::BifResult, reds: &mut i64) -> Result<Jump, CallEnd> {
    match r {
        Ok(v) => {
            x[0] = v;
            gc_after_bif(p, x);
            Err(CallEnd::Value)
        }
        Err(Exc::CallMfa { module, function, args }) => {
            if !module.is_atom() || !function.is_atom() {
                return Err(CallEnd::Raise(Raised::error(am::BADARG)));
            }
            let n = args.len();
            if n > X_REGS - 2 {
                return Err(CallEnd::Raise(Raised::error(am::BADARG)));
            }
            x[..n].copy_from_slice(&args);
            let e = vm.code.export(module, function, n as u32);
            call_export(vm, p, x, e, n as u32, reds)
        }
        Err(Exc::CallFun { fun, args }) => {
            let n = args.len();
            x[..n].copy_from_slice(&args);
            call_fun(vm, p, x, fun, n as u32, reds)
        }
        Err(Exc::Trap(t)) => {
            let stub = trap::stub(export);
            p.trap.pending = Some(trap::Pending::new(*t, export, args, stub));
            Ok(Jump { to: stub, live: 0 })
        }
        Err(e) => Err(match bif_exception(e, export, args) {
            BifEnd::Raise(mut r) => {
                // error/1,2, exit/1 and throw/1 report the calling function (beam_common.c).
                r.from_call = matches!(r.origin, crate::emu::exception::Origin::Bif(..));
                CallEnd::Raise(r)
            }
            BifEnd::Halt(s) => CallEnd::Halt(s),
            BifEnd::Yield => {
                x[0] = am::TRUE;
                CallEnd::Yield
            }
        }),
    }
}

/// Calls a fun value with `arity` arguments in x registers.
pub fn call_fun(vm: &Vm, p: &mut Process, x: &mut [Term], fun: Term, arity: u32, reds: &mut i64) -> Result<Jump, CallEnd> {
    if let Some((entry, free)) = terms::closure_parts(fun) {
        if entry.arity != arity {
            let args: Vec<Term> = x[..arity as usize].to_vec();
            let a = terms::list(&mut p.heap, &args);
            let inner = terms::tuple(&mut p.heap, &[fun, a]);
            let r = terms::tuple(&mut p.heap, &[am::BADARITY, inner]);
            return Err(CallEnd::Raise(Raised::error(r)));
        }
        let code = entry.code();
        if code.is_null() {
            let args: Vec<Term> = x[..arity as usize].to_vec();
            let a = terms::list(&mut p.heap, &args);
            return Err(CallEnd::Raise(Raised::undef(entry.module, entry.function, a)));
        }
        let n = arity as usize;
        x[n..n + free.len()].copy_from_slice(free);
        return Ok(Jump { to: code, live: arity + free.len() as u32 });
    }
    if let Some(e) = terms::export_of_fun(fun) {
        if e.arity != arity {
            let args: Vec<Term> = x[..arity as usize].to_vec();
            let a = terms::list(&mut p.heap, &args);
            let inner = terms::tuple(&mut p.heap, &[fun, a]);
            let r = terms::tuple(&mut p.heap, &[am::BADARITY, inner]);
            return Err(CallEnd::Raise(Raised::error(r)));
        }
        return call_export(vm, p, x, e, arity, reds);
    }
    let r = terms::tuple(&mut p.heap, &[am::BADFUN, fun]);
    Err(CallEnd::Raise(Raised::error(r)))
}

