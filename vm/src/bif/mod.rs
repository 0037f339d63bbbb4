//! Built-in functions: one table of `module:name/arity` → native function, as ERTS's bif.tab.
//!
//! Each BIF file registers its functions in a `pub const BIFS: &[BifEntry]` table; [`lookup`]
//! indexes them all once. A BIF gets a [`Ctx`] (the calling process and the VM) and its
//! arguments, allocates on the process heap (never collecting), and returns a term or an
//! [`Exc`]. A name missing from the tables is `undef`, like any unloaded function.

use alloc::vec::Vec;
use beamos_gc::Term;
use hashbrown::HashMap;
use spin::Once;

use crate::atom::{self, am};
use crate::process::Process;
use crate::vm::Vm;

pub mod arith;
pub mod binary;
pub mod erlang;
pub mod etf;
pub mod lists;
pub mod maps;
pub mod misc;
pub mod math;
pub mod numfmt;
pub mod persistent;
pub mod proc;
pub mod procinfo;
pub mod string;
pub mod time;
pub mod timer;
pub mod unicode;

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
}

/// How a BIF ends when it does not return a value.
#[derive(Debug)]
pub enum Exc {
    /// `error:Reason` (with the BIF's own arguments in the stack trace).
    Error(Term),
    /// `erlang:error/1,2`: an error raised by the calling function itself; `args` (a list, or
    /// the non-value) replaces the arity in its stack frame.
    ErrorHere { reason: Term, args: Term },
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
