//! Code loading BIFs: what `erlang:load_module/2`, `erlang:delete_module/1`,
//! `erlang:check_old_code/1`, `erlang:check_process_code/2,3` and OTP's `code_server` and
//! `erts_code_purger` are built on.
//!
//! Loading is two-phase as in ERTS: `erts_internal:prepare_loading/2` parses and translates
//! a .beam into a prepared module held by the VM under a reference; `erlang:finish_loading/1`
//! makes prepared modules current (the previous versions become old). A module keeps at most
//! one old version: loading over an unpurged one is `not_purged`.
//!
//! Not built: `-on_load` functions are not run (the module is installed as if it had none).

use alloc::vec::Vec;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx};
use crate::atom::{self, am};
use crate::emu::instr::Instr;
use crate::process::Process;
use crate::terms;
use crate::vm::Rest;

pub const BIFS: &[BifEntry] = &[
    bif("erts_internal", "prepare_loading", 2, prepare_loading_2),
    bif("erlang", "has_prepared_code_on_load", 1, has_prepared_code_on_load_1),
    bif("erlang", "finish_loading", 1, finish_loading_1),
    bif("erlang", "delete_module", 1, delete_module_1),
    bif("erlang", "check_old_code", 1, check_old_code_1),
    bif("erts_internal", "purge_module", 2, purge_module_2),
    bif("erts_internal", "check_process_code", 3, check_process_code_3),
    bif("erts_internal", "request_system_task", 3, request_system_task_3),
    bif("erts_internal", "request_system_task", 4, request_system_task_4),
    bif("erts_internal", "spawn_system_process", 3, spawn_system_process_3),
    bif("erts_internal", "beamfile_chunk", 2, beamfile_chunk_2),
];

/// `erts_internal:beamfile_chunk(Beam, "Id")`: the data of the (last) chunk with that id, or
/// `undefined` (also for a malformed file), as beam_bif_load.c reads it.
fn beamfile_chunk_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let id = match terms::byte_list(a[1]) {
        Some(v) if v.len() == 4 => v,
        _ => return super::badarg_r(),
    };
    let Some(bytes) = terms::binary_bytes(a[0]) else { return super::badarg_r() };
    let be32 = |b: &[u8], at: usize| b.get(at..at + 4).map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
    let find = || -> Option<(usize, usize)> {
        if bytes.get(0..4)? != b"FOR1" {
            return None;
        }
        let form_size = be32(&bytes, 4)? as usize;
        let form = bytes.get(8..8usize.checked_add(form_size)?)?;
        if form.get(0..4)? != b"BEAM" {
            return None;
        }
        let (mut at, mut found) = (4usize, None);
        while at < form.len() {
            let chunk_id = form.get(at..at + 4)?;
            let size = be32(form, at + 4)? as usize;
            let data = at + 8;
            let storage = size.checked_add(3)? & !3;
            form.get(data..data.checked_add(storage)?)?;
            if chunk_id == &id[..] {
                found = Some((8 + data, size));
            }
            at = data + storage;
        }
        found.filter(|&(_, size)| size > 0)
    };
    match find() {
        Some((start, size)) => {
            let chunk = bytes[start..start + size].to_vec();
            Ok(terms::binary(ctx.heap(), &chunk))
        }
        None => Ok(am::UNDEFINED),
    }
}

/// A process that does not keep an idle VM alive (OTP's code purger, for one).
fn spawn_system_process_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() || !a[1].is_atom() {
        return super::badarg_r();
    }
    let Some(args) = terms::list_to_vec(a[2]) else { return super::badarg_r() };
    let vm = ctx.vm;
    Ok(vm.spawn_process(a[0], a[1], &args, Some(ctx.proc), |c| vm.mark_system(c)))
}

/// Prepared-code references carry this tag above their id.
const PREP_TAG: u64 = 0x5052_4550;

fn prepared_id(t: Term) -> Option<u64> {
    terms::tagged_ref_number(t, PREP_TAG)
}

fn error(ctx: &mut Ctx, why: Term) -> BifResult {
    Ok(terms::tuple(ctx.heap(), &[am::ERROR, why]))
}

fn prepare_loading_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (module, code) = (a[0], a[1]);
    if !module.is_atom() {
        return super::badarg_r();
    }
    let Some(bytes) = terms::binary_bytes(code).map(|b| b.to_vec()) else { return super::badarg_r() };
    match crate::loader::load(ctx.vm, &bytes) {
        Ok((m, exports)) if m.name == module => {
            let id = ctx.vm.prepare(m, exports);
            Ok(terms::tagged_reference(ctx.heap(), PREP_TAG, id))
        }
        // The file defines another module: badfile, as ERTS.
        _ => error(ctx, am::BADFILE),
    }
}

fn has_prepared_code_on_load_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(id) = prepared_id(a[0]) else { return super::badarg_r() };
    match ctx.vm.prepared_on_load(id) {
        Some(b) => Ok(atom::bool_atom(b)),
        None => super::badarg_r(),
    }
}

/// `finish_loading(Prepared)`: `ok`, or `{Reason, Modules}` when none could be installed.
fn finish_loading_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(refs) = terms::list_to_vec(a[0]) else { return super::badarg_r() };
    let mut ids = Vec::with_capacity(refs.len());
    for r in refs {
        match prepared_id(r) {
            Some(id) if ctx.vm.prepared_module(id).is_some() => ids.push(id),
            _ => return super::badarg_r(),
        }
    }
    // All or nothing: any module with an unpurged old version stops the whole load.
    let blocked: Vec<Term> =
        ids.iter().filter_map(|&id| ctx.vm.prepared_module(id)).filter(|&m| ctx.vm.code.has_old(m) && ctx.vm.code.module(m).is_some()).collect();
    if !blocked.is_empty() {
        let l = terms::list(ctx.heap(), &blocked);
        return Ok(terms::tuple(ctx.heap(), &[am::NOT_PURGED, l]));
    }
    for id in ids {
        ctx.vm.finish_prepared(id).map_err(|_| super::badarg())?;
    }
    Ok(am::OK)
}

fn delete_module_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let m = a[0];
    if !m.is_atom() {
        return super::badarg_r();
    }
    // An old version must be purged first (checked before whether there is a current one).
    if ctx.vm.code.has_old(m) {
        return super::badarg_r();
    }
    if !ctx.vm.code.ever_loaded(m) {
        return Ok(am::UNDEFINED);
    }
    ctx.vm.code.delete(m);
    Ok(am::TRUE)
}

fn check_old_code_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() {
        return super::badarg_r();
    }
    Ok(atom::bool_atom(ctx.vm.code.has_old(a[0])))
}

/// `erts_internal:purge_module(Module, Op)`: `prepare` (is there old code?), `abort`,
/// `complete` (drop it). `prepare_on_load` is `prepare`.
fn purge_module_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let m = a[0];
    if !m.is_atom() || !a[1].is_atom() {
        return super::badarg_r();
    }
    // Only the code purger may purge (it first makes processes leave the old code).
    if ctx.proc.registered_name != Some(atom::atom("erts_code_purger")) {
        return Err(super::Exc::Error(am::NOTSUP));
    }
    match atom::name(a[1]) {
        "prepare" | "prepare_on_load" => Ok(atom::bool_atom(ctx.vm.code.has_old(m))),
        "abort" => Ok(am::TRUE),
        "complete" => {
            ctx.vm.code.purge(m);
            Ok(am::TRUE)
        }
        _ => super::badarg_r(),
    }
}

/// Whether process `p` may run code of the old version of `module`: its instruction pointer,
/// continuation pointer or a saved continuation on its stack lies in that code.
fn uses_old_code(ctx_vm: &crate::vm::Vm, p: &Process, module: Term, caller_cp: Option<*const Instr>) -> bool {
    let Some(range) = ctx_vm.code.old_code_range(module) else { return false };
    let inside = |ip: *const Instr| range.contains(&ip);
    if inside(p.ip) || inside(p.cp) || caller_cp.is_some_and(inside) {
        return true;
    }
    p.stack.iter().any(|w| w.raw() & 0b11 == 0 && w.raw() != 0 && inside(w.raw() as *const Instr))
}

fn check_process_code(ctx: &mut Ctx, pid: Term, module: Term) -> Rest<bool> {
    if pid == ctx.proc.pid {
        let cp = ctx.proc.cp;
        return Rest::Found(uses_old_code(ctx.vm, ctx.proc, module, Some(cp)));
    }
    let vm = ctx.vm;
    vm.with_process(pid, |p, _, _| uses_old_code(vm, p, module, None))
}

fn check_process_code_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (pid, module) = (a[0], a[1]);
    if !pid.is_local_pid() || !module.is_atom() {
        return super::badarg_r();
    }
    let Some(opts) = terms::list_to_vec(a[2]) else { return super::badarg_r() };
    let mut async_id = None;
    for o in opts {
        match terms::tuple_elems(o) {
            Some(&[k, v]) if k.is_atom() && atom::name(k) == "allow_gc" && (v == am::TRUE || v == am::FALSE) => {}
            Some(&[k, v]) if k.is_atom() && atom::name(k) == "async" => async_id = Some(v),
            _ => return Err(super::Exc::Error(atom::atom("bad_option"))),
        }
    }
    let r = match check_process_code(ctx, pid, module) {
        Rest::Found(b) => atom::bool_atom(b),
        Rest::Busy => return Err(ctx.retry_later(check_process_code_3, a)),
        Rest::Gone => am::FALSE,
    };
    match async_id {
        Some(id) => {
            let tag = atom::atom("check_process_code");
            let m = terms::tuple(ctx.heap(), &[tag, id, r]);
            ctx.vm.send_message(ctx.proc.pid, m);
            Ok(atom::atom("async"))
        }
        None => Ok(r),
    }
}

/// `erts_internal:request_system_task(Pid, Prio, Request)`: `check_process_code` (what
/// erts_code_purger asks; the answer is sent to the caller at once) and `garbage_collect`
/// (erlang:garbage_collect/1,2 of another process; see proc.rs).
fn request_system_task_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (pid, req) = (a[0], a[2]);
    if !pid.is_pid() || !a[1].is_atom() {
        return super::badarg_r();
    }
    match terms::tuple_elems(req) {
        Some(&[tag, id, module]) if tag.is_atom() && atom::name(tag) == "check_process_code" && module.is_atom() => {
            let r = match check_process_code(ctx, pid, module) {
                Rest::Found(b) => atom::bool_atom(b),
                Rest::Busy => return Err(ctx.retry_later(request_system_task_3, &a[..3])),
                Rest::Gone => am::FALSE,
            };
            let m = terms::tuple(ctx.heap(), &[tag, id, r]);
            ctx.vm.send_message(ctx.proc.pid, m);
            Ok(am::OK)
        }
        Some(&[tag, _, _]) if tag == am::GARBAGE_COLLECT => super::proc::request_gc(ctx, pid, req),
        _ => super::badarg_r(),
    }
}

fn request_system_task_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    request_system_task_3(ctx, &a[..3])
}
