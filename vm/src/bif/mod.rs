//! Built-in functions: one table of `module:name/arity` → native function, as ERTS's bif.tab.
//!
//! Each BIF file registers its functions in a `pub const BIFS: &[BifEntry]` table; [`lookup`]
//! indexes them all once. A BIF gets a [`Ctx`] (the calling process and the VM) and its
//! arguments, allocates on the process heap (never collecting), and returns a term or an
//! [`Exc`]. A name missing from the tables is `undef`, like any unloaded function.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;
use beamos_gc::Term;
use hashbrown::HashMap;
use spin::Once;

use crate::atom::{self, am};
use crate::process::Process;
use crate::vm::Vm;

pub mod arith;
pub mod atomics;
pub mod binary;
pub mod code;
pub mod debug;
pub mod counters;
pub mod erlang;
pub mod etf;
pub mod ets;
pub mod lists;
pub mod maps;
pub mod misc;
pub mod math;
pub mod memory;
pub mod numfmt;
pub mod packet;
pub mod persistent;
pub mod prim_buffer;
pub mod prim_file;
pub mod proc;
pub mod procinfo;
pub mod re;
pub mod string;
pub mod system_flag;
pub mod time;
pub mod timer;
pub mod unicode;
pub mod yielding;
pub mod zlib;

/// A VM-wide table of native objects that terms name by number (zlib streams, open files,
/// prim_buffers): each BIF file keeps its own, with its own rules for owners that exit.
pub struct Objects<T> {
    pub map: spin::Mutex<HashMap<u64, T>>,
    next: core::sync::atomic::AtomicU64,
}

impl<T> Objects<T> {
    pub fn new() -> Objects<T> {
        Objects { map: spin::Mutex::new(HashMap::new()), next: core::sync::atomic::AtomicU64::new(1) }
    }

    /// A number no object of this table has had.
    pub fn next_id(&self) -> u64 {
        self.next.fetch_add(1, core::sync::atomic::Ordering::Relaxed)
    }
}

impl<T> Default for Objects<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// What a BIF sees: the calling process and the VM.
pub struct Ctx<'a> {
    pub proc: &'a mut Process,
    pub vm: &'a Vm,
}

impl<'a> Ctx<'a> {
    #[inline]
    pub fn heap(&mut self) -> &mut beamos_gc::heap::Heap {
        &mut self.proc.heap
    }

    /// Reductions left in the caller's time slice (at least 1): the budget of a long BIF is
    /// this times its per-reduction work factor, as ERTS's `ERTS_BIF_REDS_LEFT`.
    #[inline]
    pub fn reds_left(&self) -> usize {
        (self.proc.trap.reds_left - self.proc.trap.charged).max(1) as usize
    }

    /// Charges `n` reductions for work done (`BUMP_REDS`).
    #[inline]
    pub fn bump_reds(&mut self, n: usize) {
        self.proc.trap.charged += n as i64;
    }

    /// Traps to `f(args)`, with `data` for it; the rest of the slice is used up
    /// (`BUMP_ALL_REDS` + `BIF_TRAP`). Errors of `f` show the original BIF's original arguments.
    pub fn trap(&mut self, f: BifFn, args: Vec<Term>, data: Option<Box<dyn Any>>) -> Exc {
        self.trap_with(Trap { f, args, data, restart: false, gc: true })
    }

    /// Traps to the BIF itself with new arguments (its errors then show them).
    pub fn trap_self(&mut self, f: BifFn, args: Vec<Term>) -> Exc {
        self.trap_with(Trap { f, args, data: None, restart: true, gc: true })
    }

    /// Calls `f(args)` again once other processes have had a turn: for a BIF that needs
    /// another process at rest while a scheduler runs it ([`crate::vm::Rest::Busy`]).
    pub fn retry_later(&mut self, f: BifFn, args: &[Term]) -> Exc {
        self.trap_self(f, args.to_vec())
    }

    pub fn trap_with(&mut self, t: Trap) -> Exc {
        self.proc.trap.charged = self.proc.trap.reds_left.max(self.proc.trap.charged);
        Exc::Trap(Box::new(t))
    }

    /// The `data` of the trap whose continuation is running, if it is a `T`.
    pub fn take_trap_data<T: 'static>(&mut self) -> Option<Box<T>> {
        self.proc.trap.data.take()?.downcast::<T>().ok()
    }
}

/// How a BIF ends when it does not return a value.
#[derive(Debug)]
pub enum Exc {
    /// `error:Reason` (with the BIF's own arguments in the stack trace).
    Error(Term),
    /// `error:Reason` whose stack frame's `error_info` map also says `cause => Cause`, for
    /// the module's error formatter (ERTS's `EXF_HAS_EXT_INFO` with the cause in `p->fvalue`).
    ErrorCause { reason: Term, cause: Term },
    /// `erlang:error/1,2`: an error raised by the calling function itself; `args` (a list, or
    /// the non-value) replaces the arity in its stack frame.
    ErrorHere { reason: Term, args: Term, info: Term },
    Exit(Term),
    Throw(Term),
    /// Continue by calling `M:F(Args)` in place of the BIF (apply and friends).
    CallMfa { module: Term, function: Term, args: Vec<Term> },
    /// Continue by calling a fun with arguments.
    CallFun { fun: Term, args: Vec<Term> },
    /// `erlang:halt/1,2`: stop the VM with this status.
    Halt(i32),
    /// Give up the rest of the time slice (erlang:yield/0); the BIF returns `true`.
    Yield,
    /// Raise with a given class, reason and stack trace (erlang:raise/3).
    Raise { class: Term, reason: Term, stacktrace: Term },
    /// Not done yet: continue later with a continuation (ERTS's `BIF_TRAP`; see `emu::trap`).
    Trap(Box<Trap>),
}

/// The rest of a BIF's work: `f(args)` is called in place of the BIF once the scheduler has had
/// the chance to run others (see `emu::trap`). Build it with [`Ctx::trap`].
pub struct Trap {
    pub f: BifFn,
    /// Terms the continuation needs: roots of the process while the trap is pending.
    pub args: Vec<Term>,
    /// State that is not terms (an output buffer, counters), handed to `f` through
    /// [`Ctx::take_trap_data`]. It may hold terms only when `gc` is false.
    pub data: Option<Box<dyn Any>>,
    /// `f` is the BIF itself with new arguments: its errors show these arguments (as ERTS's
    /// `lists:reverse/2`, `lists:member/2`, `lists:keyfind/3` report them), not the original ones.
    pub restart: bool,
    /// The process may collect while the trap is pending (the continuation's terms are all in
    /// `args`). False when `data` holds terms or pointers into objects under construction.
    pub gc: bool,
}

impl core::fmt::Debug for Trap {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Trap({} args, restart: {}, gc: {})", self.args.len(), self.restart, self.gc)
    }
}

pub type BifResult = Result<Term, Exc>;
pub type BifFn = fn(&mut Ctx, &[Term]) -> BifResult;

pub struct BifEntry {
    pub module: &'static str,
    pub name: &'static str,
    pub arity: u32,
    pub f: BifFn,
}

pub const fn bif(module: &'static str, name: &'static str, arity: u32, f: BifFn) -> BifEntry {
    BifEntry { module, name, arity, f }
}

#[inline]
pub fn badarg() -> Exc {
    Exc::Error(am::BADARG)
}

pub fn badarg_r<T>() -> Result<T, Exc> {
    Err(Exc::Error(am::BADARG))
}

const TABLES: &[&[BifEntry]] = &[
    erlang::BIFS,
    arith::BIFS,
    lists::BIFS,
    maps::BIFS,
    proc::BIFS,
    procinfo::BIFS,
    etf::BIFS,
    binary::BIFS,
    math::BIFS,
    time::BIFS,
    unicode::BIFS,
    persistent::BIFS,
    timer::BIFS,
    string::BIFS,
    misc::BIFS,
    ets::BIFS,
    code::BIFS,
    yielding::BIFS,
    zlib::BIFS,
    re::BIFS,
    debug::BIFS,
    memory::BIFS,
    packet::BIFS,
    atomics::BIFS,
    counters::BIFS,
    system_flag::BIFS,
    prim_file::BIFS,
    prim_buffer::BIFS,
];

type Index = HashMap<(Term, Term, u32), BifFn>;
static INDEX: Once<Index> = Once::new();

fn index() -> &'static Index {
    INDEX.call_once(|| {
        let mut m = HashMap::new();
        for t in TABLES {
            for e in t.iter() {
                m.insert((atom::atom(e.module), atom::atom(e.name), e.arity), e.f);
            }
        }
        m
    })
}

/// The BIF implementing `M:F/A`, if there is one.
pub fn lookup(module: Term, function: Term, arity: u32) -> Option<BifFn> {
    index().get(&(module, function, arity)).copied()
}

/// Every registered BIF (for tests and `erlang:system_info`).
pub fn all() -> impl Iterator<Item = &'static BifEntry> {
    TABLES.iter().flat_map(|t| t.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tables registering the same `M:F/A` would make one of them dead code silently.
    #[test]
    fn every_bif_is_registered_once() {
        let mut seen = hashbrown::HashSet::new();
        for e in all() {
            assert!(seen.insert((e.module, e.name, e.arity)), "{}:{}/{} registered twice", e.module, e.name, e.arity);
        }
    }
}
