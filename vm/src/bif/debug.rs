//! `erts_debug`: the emulator's test and debugging BIFs (bif.tab's `erts_debug:*`), which
//! OTP's own test suites call: term sizes and identity, and the internal state switches
//! (`set_internal_state/2`, `get_internal_state/1`) that are reachable only after
//! `set_internal_state(available_internal_state, true)`, as in ERTS.
//!
//! Sizes are reported in BEAM's words, not ours: `flat_size/1` answers what ERTS's
//! `size_object` would for the same term on a 64-bit emulator (a float is 2 words, a refc
//! binary 6, a fun 5 plus its free variables, ...), because suites compare them with
//! constants. Where our layout differs (flat maps, HAMT heads, sub-binaries, references), the
//! size is that of ERTS's layout of the same term.

use beamos_gc::term::header_arity;
use beamos_gc::{header_tag, Term};
use core::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use hashbrown::HashSet;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::terms;
use crate::vm::{ProcState, Rest};

pub const BIFS: &[BifEntry] = &[
    bif("erts_debug", "same", 2, same_2),
    bif("erts_debug", "flat_size", 1, flat_size_1),
    bif("erts_debug", "size_shared", 1, size_shared_1),
    bif("erts_debug", "copy_shared", 1, copy_shared),
    bif("erts_debug", "copy_shared", 2, copy_shared),
    bif("erts_debug", "set_internal_state", 2, set_internal_state_2),
    bif("erts_debug", "get_internal_state", 1, get_internal_state_1),
    bif("erts_debug", "interpreter_size", 0, interpreter_size_0),
    bif("erts_debug", "instructions", 0, instructions_0),
];

/// The switches of `set_internal_state/2` (one set per VM).
pub struct DebugState {
    available: AtomicBool,
    /// Loop limits of the binary, re and unicode BIFs (`binary_loop_limit`, ...): 0 is the
    /// default. Stored and reported; our BIFs size their slices by reductions instead.
    loop_limits: [AtomicI64; 3],
}

impl Default for DebugState {
    fn default() -> Self {
        DebugState { available: AtomicBool::new(false), loop_limits: [AtomicI64::new(0), AtomicI64::new(0), AtomicI64::new(0)] }
    }
}

fn same_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(atom::bool_atom(a[0].raw() == a[1].raw()))
}

fn flat_size_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(terms::int(ctx.heap(), beam_size(a[0], None) as i64))
}

/// As ERTS, literals (terms outside the process heap) are not counted.
fn size_shared_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let mut seen = HashSet::new();
    let heap = &ctx.proc.heap;
    let n = beam_size(a[0], Some((&mut seen, &|t: Term| heap.contains(t.ptr()))));
    Ok(terms::int(ctx.heap(), n as i64))
}

/// `copy_shared/1,2`: a copy that keeps the sharing of the original. Terms are immutable, so
/// the term itself is such a copy.
fn copy_shared(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(a[0])
}

fn interpreter_size_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(terms::int(ctx.heap(), core::mem::size_of::<crate::emu::instr::Instr>() as i64))
}

fn instructions_0(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(Term::NIL)
}

/// Words of BEAM's heap binary of `n` bytes (`heap_bin_size`).
fn heap_bin_size(n: usize) -> usize {
    2 + n.div_ceil(8)
}

/// ERTS's `size_object` (or, with `seen`, the size counting every shared object once, as
/// `size_shared`) of `t`, in the words of ERTS's 64-bit term layout.
/// `shared`: the set of objects seen, and whether a term is to be counted at all.
fn beam_size(t: Term, mut shared: Option<(&mut HashSet<u64>, &dyn Fn(Term) -> bool)>) -> usize {
    let mut sum = 0;
    let mut stack = alloc::vec![t];
    while let Some(t) = stack.pop() {
        if t.is_immediate() {
            continue;
        }
        if let Some((seen, counted)) = shared.as_mut() {
            if !counted(t) || !seen.insert(t.raw() & !0b11) {
                continue;
            }
        }
        if let Some((h, tl)) = terms::cons_parts(t) {
            sum += 2;
            stack.push(tl);
            stack.push(h);
            continue;
        }
        let Some(tag) = t.box_tag() else { continue };
        // SAFETY: a boxed term points at its header.
        let arity = unsafe { header_arity(*t.ptr()) } as usize;
        match tag {
            header_tag::TUPLE => {
                if arity > 0 {
                    sum += 1 + arity;
                    stack.extend_from_slice(terms::tuple_elems(t).unwrap_or(&[]));
                }
            }
            header_tag::FLOAT => sum += 2,
            header_tag::POS_BIG | header_tag::NEG_BIG => {
                sum += 1 + terms::big_parts(t).map_or(1, |(_, d)| d.len());
            }
            header_tag::REF => sum += 3,
            header_tag::FUN => {
                let free = terms::closure_parts(t).map_or(&[][..], |(_, f)| f);
                sum += 5 + free.len();
                stack.extend_from_slice(free);
            }
            header_tag::EXPORT => sum += 5,
            header_tag::HEAP_BIN | header_tag::REFC_BIN | header_tag::SUB_BIN => sum += bits_size(t),
            header_tag::MAP | header_tag::HASHMAP_NODE => {
                // SAFETY: every word after a map header is a term (gc::term's MAP layout).
                let words = unsafe { core::slice::from_raw_parts(t.ptr().add(1) as *const Term, arity) };
                if tag == header_tag::MAP && !words[0].is_immediate() {
                    // Flat: ERTS has [header, size, keys, values...]; we have no size word.
                    sum += 2 + arity;
                    stack.extend_from_slice(words);
                } else if tag == header_tag::MAP {
                    // HAMT head: ERTS keeps the bitmap in the header; we keep it in word 2.
                    sum += arity;
                    stack.extend_from_slice(&words[2..]);
                } else {
                    sum += arity;
                    stack.extend_from_slice(&words[1..]);
                }
            }
            _ => sum += 1 + arity,
        }
    }
    sum
}

/// ERTS's size of a binary or bitstring object (copy.c `size_object`, SUB_BINARY_SUBTAG).
fn bits_size(t: Term) -> usize {
    let Some(v) = terms::bit_view(t) else { return 0 };
    let base_refc = match t.box_tag() {
        Some(header_tag::REFC_BIN) => true,
        // SAFETY: word 1 of a sub-binary is its heap or refc binary.
        Some(header_tag::SUB_BIN) => unsafe { Term::from_raw(*t.ptr().add(1)) }.box_tag() == Some(header_tag::REFC_BIN),
        _ => false,
    };
    let bytes = v.bit_size / 8;
    let odd = v.bit_size % 8 + v.bit_offset % 8;
    let (sub, extra) = match odd {
        0 => (0, 0),
        1..=8 => (5, 1),
        _ => (5, 2),
    };
    // ERTS extracts aligned pieces of at most 64 bytes as heap binaries.
    let heap_copy = sub == 0 && bytes <= 64 && t.box_tag() == Some(header_tag::SUB_BIN);
    if base_refc && !heap_copy {
        sub + 6
    } else {
        sub + heap_bin_size(bytes + extra)
    }
}

fn set_internal_state_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let st = &ctx.vm.debug;
    if a[0] == atom::atom("available_internal_state") && (a[1] == am::TRUE || a[1] == am::FALSE) {
        let prev = st.available.swap(a[1] == am::TRUE, Ordering::Relaxed);
        return Ok(atom::bool_atom(prev));
    }
    if !st.available.load(Ordering::Relaxed) {
        return Err(Exc::Error(am::UNDEF));
    }
    if !a[0].is_atom() {
        return super::badarg_r();
    }
    let (what, arg) = (atom::name(a[0]), a[1]);
    match what {
        "reds_left" => {
            let Some(n) = arg.as_small() else { return super::badarg_r() };
            if (0..=crate::emu::interp::SLICE_REDUCTIONS).contains(&n) {
                // What the caller has left when this BIF returns.
                let t = &mut ctx.proc.trap;
                t.charged = t.reds_left - n;
            }
            Ok(am::TRUE)
        }
        "binary_loop_limit" | "re_loop_limit" | "unicode_loop_limit" => {
            let i = match what {
                "binary_loop_limit" => 0,
                "re_loop_limit" => 1,
                _ => 2,
            };
            let new = if arg == atom::atom("default") {
                0
            } else {
                match arg.as_small() {
                    Some(n) if n > 0 => n,
                    _ => return super::badarg_r(),
                }
            };
            Ok(Term::small(st.loop_limits[i].swap(new, Ordering::Relaxed)))
        }
        "sleep" | "block" => {
            let Some(ms) = arg.as_small().filter(|&n| n >= 0) else { return super::badarg_r() };
            let deadline = ctx.vm.now_ns().saturating_add(ms as u64 * 1_000_000);
            ctx.vm.platform.sleep_until(deadline);
            Ok(am::TRUE)
        }
        // Deallocations, timer cancellations and aux work are done at once here: nothing to
        // wait for.
        "wait" => Ok(am::OK),
        // A release ERTS (built without ETS_DBG_FORCE_TRAP) answers notsup; so do we.
        "ets_force_trap" => Ok(atom::atom("notsup")),
        "test_long_gc_sleep" | "force_gc" | "gc_state" | "node_tab_delayed_delete" | "ets_force_split"
        | "ets_debug_random_split_join" | "mbuf" | "proc_sig_buffers" => Ok(am::TRUE),
        _ => super::badarg_r(),
    }
}

fn get_internal_state_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let st = &ctx.vm.debug;
    let arg = a[0];
    if !st.available.load(Ordering::Relaxed) {
        return Err(Exc::Error(am::UNDEF));
    }
    if arg.is_atom() {
        return match atom::name(arg) {
            "available_internal_state" => Ok(am::TRUE),
            "reds_left" => Ok(Term::small(ctx.reds_left() as i64)),
            "force_heap_frags" => Ok(am::FALSE),
            "stack_check" => Ok(am::FALSE),
            "unique_monotonic_integer_state" => Ok(Term::small(0)),
            _ => super::badarg_r(),
        };
    }
    let Some(e) = terms::tuple_elems(arg).filter(|e| e.len() == 2 && e[0].is_atom()) else {
        return super::badarg_r();
    };
    match atom::name(e[0]) {
        "binary_info" => binary_info(ctx, e[1]),
        "process_status" => {
            let pid = e[1];
            if !pid.is_local_pid() {
                return super::badarg_r();
            }
            if pid == ctx.proc.pid {
                return Ok(am::RUNNING);
            }
            let state = ctx.vm.with_process(pid, |_, s, _| s);
            Ok(match state {
                Rest::Found(ProcState::Running) | Rest::Busy => am::RUNNING,
                Rest::Found(ProcState::Runnable) => am::RUNNABLE,
                Rest::Found(ProcState::Waiting) => am::WAITING,
                Rest::Gone => am::UNDEFINED,
            })
        }
        _ => super::badarg_r(),
    }
}

/// `{binary_info, Bin}`: `heap_binary`, or `{refc_binary, Size, {binary, AllocatedSize},
/// Flags}` for a binary whose bytes are off-heap.
fn binary_info(ctx: &mut Ctx, b: Term) -> BifResult {
    if terms::bit_view(b).is_none() {
        return super::badarg_r();
    }
    let real = match b.box_tag() {
        // SAFETY: word 1 of a sub-binary is its heap or refc binary.
        Some(header_tag::SUB_BIN) => unsafe { Term::from_raw(*b.ptr().add(1)) },
        _ => b,
    };
    if real.box_tag() != Some(header_tag::REFC_BIN) {
        return Ok(atom::atom("heap_binary"));
    }
    let size = terms::binary_bytes(real).map_or(0, |s| s.len());
    // SAFETY: a REFC_BIN object points at live BinData.
    let cap = unsafe { (*beamos_gc::bin::refc_bin_data(real.ptr())).capacity() };
    let h = ctx.heap();
    let inner = terms::tuple(h, &[atom::atom("binary"), Term::small(cap as i64)]);
    Ok(terms::tuple(h, &[atom::atom("refc_binary"), Term::small(size as i64), inner, Term::small(0)]))
}
