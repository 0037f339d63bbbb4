//! Timer BIFs: erlang:send_after/3,4, start_timer/3,4, cancel_timer/1,2, read_timer/1,2.

use beamos_gc::collect::copy_to_fragment;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx};
use crate::atom::{self, am};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "send_after", 3, send_after_3),
    bif("erlang", "send_after", 4, send_after_4),
    bif("erlang", "start_timer", 3, start_timer_3),
    bif("erlang", "start_timer", 4, start_timer_4),
    bif("erlang", "cancel_timer", 1, cancel_timer_1),
    bif("erlang", "cancel_timer", 2, cancel_timer_2),
    bif("erlang", "read_timer", 1, read_timer_1),
    bif("erlang", "read_timer", 2, read_timer_2),
];

/// Milliseconds since the VM started, on the monotonic clock.
fn now_ms(ctx: &Ctx) -> i64 {
    (ctx.vm.now_ns().saturating_sub(ctx.vm.start_ns) / 1_000_000) as i64
}

/// Parses `[{abs, Bool}]`.
fn abs_option(opts: Term) -> Option<bool> {
    let mut abs = false;
    for o in terms::list_to_vec(opts)? {
        match terms::tuple_elems(o) {
            Some(&[k, v]) if k == atom::atom("abs") && (v == am::TRUE || v == am::FALSE) => abs = v == am::TRUE,
            _ => return None,
        }
    }
    Some(abs)
}

fn start(ctx: &mut Ctx, time: Term, dest: Term, msg: Term, abs: bool, wrap: bool) -> BifResult {
    let Some(t) = time.as_small() else { return super::badarg_r() };
    let delay_ms = if abs { t - now_ms(ctx) } else { t };
    if (!abs && t < 0) || t > (1 << 40) || !(dest.is_local_pid() || dest.is_atom()) {
        return super::badarg_r();
    }
    let deadline = ctx.vm.now_ns().saturating_add(delay_ms.max(0) as u64 * 1_000_000);
    // The reference names the timer's wheel and its serial there.
    let id = ctx.vm.timer_ref(ctx.proc.sched);
    let r = terms::reference(ctx.heap(), id);
    let payload = if wrap { terms::tuple(ctx.heap(), &[am::TIMEOUT, r, msg]) } else { msg };
    let (m, f) = if payload.is_immediate() {
        (payload, None)
    } else {
        let (m, f) = copy_to_fragment(payload);
        (m, Some(f))
    };
    ctx.vm.arm_message(id, deadline, dest, m, f);
    Ok(r)
}

fn send_after_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    start(ctx, a[0], a[1], a[2], false, false)
}
fn send_after_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(abs) = abs_option(a[3]) else { return super::badarg_r() };
    start(ctx, a[0], a[1], a[2], abs, false)
}
fn start_timer_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    start(ctx, a[0], a[1], a[2], false, true)
}
fn start_timer_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(abs) = abs_option(a[3]) else { return super::badarg_r() };
    start(ctx, a[0], a[1], a[2], abs, true)
}

fn left(ctx: &mut Ctx, r: Term, read_only: bool) -> BifResult {
    let Some(id) = terms::ref_id(r) else { return super::badarg_r() };
    match ctx.vm.cancel_timer(id, read_only) {
        Some(ns) => Ok(Term::small(ns.div_ceil(1_000_000) as i64)),
        None => Ok(am::FALSE),
    }
}

fn cancel_timer_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    left(ctx, a[0], false)
}

fn cancel_timer_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(opts) = terms::list_to_vec(a[1]) else { return super::badarg_r() };
    let mut asynchronous = false;
    let mut info = true;
    for o in opts {
        match terms::tuple_elems(o) {
            Some(&[k, v]) if k == atom::atom("async") => asynchronous = v == am::TRUE,
            Some(&[k, v]) if k == am::INFO => info = v == am::TRUE,
            _ => return super::badarg_r(),
        }
    }
    let r = left(ctx, a[0], false)?;
    if asynchronous {
        if info {
            let m = terms::tuple(ctx.heap(), &[atom::atom("cancel_timer"), a[0], r]);
            ctx.vm.send_message(ctx.proc.pid, m);
        }
        return Ok(am::OK);
    }
    Ok(if info { r } else { am::OK })
}

fn read_timer_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    left(ctx, a[0], true)
}

fn read_timer_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if terms::list_to_vec(a[1]).is_none() {
        return super::badarg_r();
    }
    left(ctx, a[0], true)
}
