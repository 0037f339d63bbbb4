//! `erlang:memory/0,1`: the VM's memory by kind, in bytes, with ERTS's items and relations
//! (`total = processes + system`, `system` includes `atom`, `binary`, `code` and `ets`,
//! `processes_used <= processes`, `atom_used <= atom`).
//!
//! ERTS reads these from its allocators (erlang.erl asks `system_info({memory_internal, ..})`,
//! which has no meaning here); we count what we own: process heaps and stacks (as
//! `process_info(P, memory)` does), off-heap binaries (an exact running count kept by
//! `gc::bin`), ETS objects, atom names and loaded code.

use alloc::vec::Vec;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::process::Process;
use crate::terms;

pub const BIFS: &[BifEntry] = &[bif("erlang", "memory", 0, memory_0), bif("erlang", "memory", 1, memory_1)];

const ITEMS: [&str; 9] = ["total", "processes", "processes_used", "system", "atom", "atom_used", "binary", "code", "ets"];

/// Bytes a process costs besides its heap and stack (its control block, mailbox, ...).
pub const PROCESS_OVERHEAD: usize = 1000;

/// A process's memory as `process_info(P, memory)` reports it.
pub fn process_bytes(p: &Process) -> usize {
    (p.heap.total_size() + p.stack.len()) * 8 + PROCESS_OVERHEAD
}

fn sizes(ctx: &mut Ctx) -> [usize; 9] {
    let vm = ctx.vm;
    let mut processes = process_bytes(ctx.proc);
    for pid in vm.all_pids() {
        if pid != ctx.proc.pid {
            processes += vm.with_process(pid, |p, _, _| process_bytes(p)).found().unwrap_or(0);
        }
    }
    let binary = beamos_gc::bin::allocated_bytes();
    let ets: usize = vm
        .ets
        .all_ids()
        .into_iter()
        .filter_map(|id| vm.ets.by_id(id))
        .map(|t| t.read().memory_words() * 8)
        .sum();
    // An atom costs its entry and its name; names average well under 16 bytes.
    let atom_used = atom::count() * (16 + 16);
    let atom = atom_used.next_multiple_of(1 << 16);
    let code: usize = vm
        .code
        .loaded_modules()
        .into_iter()
        .filter_map(|m| vm.code.module(m))
        .map(|m| {
            m.code.len() * core::mem::size_of::<crate::emu::instr::Instr>()
                + m.literal_heap.iter().map(|b| b.len() * 8).sum::<usize>()
        })
        .sum();
    let system = atom + binary + code + ets;
    [processes + system, processes, processes, system, atom, atom_used, binary, code, ets]
}

fn memory_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let s = sizes(ctx);
    let pairs: Vec<Term> = ITEMS
        .iter()
        .zip(s)
        .map(|(name, v)| {
            let n = terms::int(ctx.heap(), v as i64);
            terms::tuple(ctx.heap(), &[atom::atom(name), n])
        })
        .collect();
    Ok(terms::list(ctx.heap(), &pairs))
}

/// `memory(Type)` or `memory([Type])`: badarg for an unknown type.
fn memory_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let index = |t: Term| t.is_atom().then(|| ITEMS.iter().position(|&n| n == atom::name(t))).flatten();
    let s = sizes(ctx);
    if a[0].is_atom() {
        let Some(i) = index(a[0]) else { return Err(Exc::Error(am::BADARG)) };
        return Ok(terms::int(ctx.heap(), s[i] as i64));
    }
    let Some(types) = terms::list_to_vec(a[0]) else { return super::badarg_r() };
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        let Some(i) = index(t) else { return super::badarg_r() };
        let n = terms::int(ctx.heap(), s[i] as i64);
        out.push(terms::tuple(ctx.heap(), &[t, n]));
    }
    Ok(terms::list(ctx.heap(), &out))
}
