//! Trapping: how a BIF whose work grows with its input gives the scheduler back (ERTS's
//! `BIF_TRAP`).
//!
//! A long BIF does a bounded amount of work, charged as reductions, and when more remains it
//! returns [`Exc::Trap`]: a continuation (a [`BifFn`]) and its arguments. The interpreter keeps
//! them as the process's [`Pending`] trap and calls the continuation again, in this slice while
//! reductions last, else after the process has been rescheduled. Until it returns, the
//! continuation stands for the original BIF: its value lands where the BIF's would have (x0 and
//! the caller's continuation pointer for a call, the destination register for `gc_bif`), and
//! its errors are the BIF's errors, with the BIF's original arguments in the stack trace (or,
//! for a BIF that traps to itself with new arguments as ERTS's `lists:reverse/2` does, with
//! the arguments of that call).
//!
//! Where the process waits:
//! - after a call (`call_ext` and friends, apply, funs), at the BIF's trap stub: a one-instruction
//!   block [`Instr::TrapResume`] per BIF export, so `process_info(P, current_function)` names the
//!   BIF, as in ERTS;
//! - in a `gc_bif` (`length/1` in guards and bodies), at that instruction, which sees the pending
//!   trap and resumes it instead of starting over (ERTS's `i_length`); its live x registers are
//!   saved with the process. A plain `bif` instruction (no live register count) runs its
//!   continuations to the end without yielding or collecting.
//!
//! The continuation's arguments and the original arguments are roots of the process
//! (`Process::gc`), so a collection between two chunks moves them. Non-term state (an output
//! buffer, a counter) rides along as [`Trap::data`]. A trap may instead forbid collections while
//! it is pending (`gc: false`, ERTS's `erts_set_gc_state(p, 0)`) when its data holds terms or
//! pointers into objects it is building: nothing else collects a process that is inside a BIF.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::any::Any;
use beamos_gc::Term;
use spin::Mutex;

use crate::bif::{BifFn, BifResult, Ctx, Exc, Trap};
use crate::emu::instr::Instr;
use crate::emu::interp::SLICE_REDUCTIONS;
use crate::module::Export;
use crate::process::Process;
use crate::vm::Vm;

/// The trap bookkeeping of a process.
pub struct TrapState {
    /// The continuation of a BIF that trapped, until it returns.
    pub pending: Option<Box<Pending>>,
    /// The running continuation's non-term state (see [`Ctx::take_trap_data`]).
    pub data: Option<Box<dyn Any>>,
    /// Reductions left in the slice when the running BIF was called (`ERTS_BIF_REDS_LEFT`).
    pub reds_left: i64,
    /// Reductions the running BIF has charged (`BUMP_REDS`).
    pub charged: i64,
}

impl Default for TrapState {
    fn default() -> Self {
        TrapState { pending: None, data: None, reds_left: SLICE_REDUCTIONS, charged: 0 }
    }
}

/// A BIF that trapped and has not returned yet.
pub struct Pending {
    pub f: BifFn,
    pub args: Vec<Term>,
    pub data: Option<Box<dyn Any>>,
    pub gc: bool,
    /// The BIF the continuation stands for (stack traces, `current_function`).
    pub export: &'static Export,
    /// The arguments its errors show.
    pub orig: Vec<Term>,
    /// The instruction that resumes it: the export's trap stub, or the `gc_bif` instruction.
    pub at: *const Instr,
    /// For a BIF called in a tail call: the instruction after that call, so that its errors
    /// name the calling function as erl's do (null otherwise).
    pub tail_call: *const Instr,
}

impl Pending {
    pub fn new(t: Trap, export: &'static Export, orig: &[Term], at: *const Instr) -> Box<Pending> {
        let orig = if t.restart { t.args.clone() } else { orig.to_vec() };
        Box::new(Pending { f: t.f, args: t.args, data: t.data, gc: t.gc, export, orig, at, tail_call: core::ptr::null() })
    }

    /// The continuation trapped again.
    fn update(&mut self, t: Trap) {
        if t.restart {
            self.orig = t.args.clone();
        }
        self.f = t.f;
        self.args = t.args;
        self.data = t.data;
        self.gc = t.gc;
    }

    /// The terms a collection must see and move.
    pub fn roots(&mut self) -> impl Iterator<Item = &mut Term> {
        self.args.iter_mut().chain(self.orig.iter_mut())
    }
}

/// Trap stubs by export address, and their exports by stub address.
struct Stubs {
    by_export: BTreeMap<usize, usize>,
    by_stub: BTreeMap<usize, &'static Export>,
}

static STUBS: Mutex<Stubs> = Mutex::new(Stubs { by_export: BTreeMap::new(), by_stub: BTreeMap::new() });

/// The trap stub of `export`: where a process waits to call the continuation of a BIF it
/// called. One leaked instruction per BIF export that ever traps.
pub fn stub(export: &'static Export) -> *const Instr {
    let key = export as *const Export as usize;
    let mut s = STUBS.lock();
    if let Some(&p) = s.by_export.get(&key) {
        return p as *const Instr;
    }
    let code: &'static [Instr] = Box::leak(Box::new([Instr::TrapResume { export }]));
    let p = code.as_ptr();
    s.by_export.insert(key, p as usize);
    s.by_stub.insert(p as usize, export);
    p
}

/// The BIF whose trap stub `at` is, if it is one.
pub fn stub_export(at: *const Instr) -> Option<&'static Export> {
    STUBS.lock().by_stub.get(&(at as usize)).copied()
}

/// Calls a BIF (or a continuation) with `reds` reductions left in the slice and charges what
/// it used.
#[inline]
pub fn call(vm: &Vm, p: &mut Process, f: BifFn, args: &[Term], reds: &mut i64) -> BifResult {
    p.trap.reds_left = *reds;
    p.trap.charged = 0;
    let r = {
        let mut ctx = Ctx { proc: p, vm };
        f(&mut ctx, args)
    };
    *reds -= p.trap.charged;
    p.trap.charged = 0;
    r
}

/// After a tail call of a BIF that trapped (`target` is its stub): remembers where the call was.
#[inline]
pub fn note_tail_call(p: &mut Process, target: *const Instr, after_call: *const Instr) {
    if let Some(t) = p.trap.pending.as_mut() {
        if t.at == target {
            t.tail_call = after_call;
        }
    }
}

/// How driving a pending trap ended.
pub enum Drive {
    /// The BIF's value.
    Done(Term),
    /// Out of reductions: the trap is still pending; the process must yield and come back to
    /// the pending trap's instruction.
    Yield,
    /// The BIF ended otherwise: this, as an end of the trap's `export` called with its `orig`.
    End(Exc, Box<Pending>),
}

/// Runs the pending trap's continuation, chunk after chunk, while reductions last. `live`: the
/// live x registers, if the caller knows them (then the process may collect between chunks
/// and may yield, leaving the trap pending); `None` runs the continuation to its end.
/// `export`: the BIF the caller expects to be pending.
pub fn drive(vm: &Vm, p: &mut Process, x: &mut [Term], export: &'static Export, live: Option<usize>, reds: &mut i64) -> Drive {
    loop {
        let mut budget = *reds;
        match live {
            Some(live) => {
                if *reds <= 0 {
                    return Drive::Yield;
                }
                if p.trap.pending.as_ref().is_some_and(|t| t.gc) && p.heap.wants_gc(0) {
                    p.gc(&mut x[..live], 0, false);
                }
            }
            None => budget = SLICE_REDUCTIONS,
        }
        let Some(mut t) = p.trap.pending.take() else {
            let t = Pending::new(Trap { f: |_, _| crate::bif::badarg_r(), args: Vec::new(), data: None, restart: false, gc: true }, export, &[], core::ptr::null());
            return Drive::End(crate::bif::badarg(), t);
        };
        p.trap.data = t.data.take();
        let r = call(vm, p, t.f, &t.args, &mut budget);
        p.trap.data = None;
        if live.is_some() {
            *reds = budget;
        }
        match r {
            Ok(v) => return Drive::Done(v),
            Err(Exc::Trap(n)) => {
                t.update(*n);
                p.trap.pending = Some(t);
            }
            Err(e) => return Drive::End(e, t),
        }
    }
}

/// Calls a BIF outside the interpreter (tests, embedders), running its continuations to the
/// end with a fresh slice of reductions each.
pub fn call_to_end(ctx: &mut Ctx, f: BifFn, args: &[Term]) -> BifResult {
    ctx.proc.trap.reds_left = SLICE_REDUCTIONS;
    ctx.proc.trap.charged = 0;
    let mut r = f(ctx, args);
    loop {
        match r {
            Err(Exc::Trap(t)) => {
                let t = *t;
                ctx.proc.trap.data = t.data;
                ctx.proc.trap.reds_left = SLICE_REDUCTIONS;
                ctx.proc.trap.charged = 0;
                r = (t.f)(ctx, &t.args);
                ctx.proc.trap.data = None;
            }
            r => return r,
        }
    }
}
