//! `erlang:process_info/1,2` for the calling process and for any other local process.
//!
//! Another process is read where it rests: parked (waiting in a receive) or in the run queue.
//! Its terms are copied into the caller's heap. With one scheduler that is every live process
//! but the caller; with several, a process running elsewhere would need ERTS's request signal.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use beamos_gc::heap::Heap;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx};
use crate::atom::{self, am};
use crate::emu::instr::Instr;
use crate::emu::receive;
use crate::process::{MonitorOut, Priority, Process, Signal};
use crate::terms;
use crate::vm::{ProcState, Rest, Vm};

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "process_info", 1, process_info_1),
    bif("erlang", "process_info", 2, process_info_2),
];

/// What `process_info/1` reports, in its order (registered_name first when there is one).
const DEFAULT_ITEMS: &[&str] = &[
    "current_function",
    "initial_call",
    "status",
    "message_queue_len",
    "links",
    "dictionary",
    "trap_exit",
    "error_handler",
    "priority",
    "group_leader",
    "total_heap_size",
    "heap_size",
    "stack_size",
    "reductions",
    "garbage_collection",
    "suspending",
];

/// Every item `process_info/2` knows.
const ITEMS: &[&str] = &[
    "current_function", "current_location", "current_stacktrace", "initial_call", "status",
    "message_queue_len", "messages", "links", "monitors", "monitored_by", "dictionary",
    "trap_exit", "error_handler", "priority", "group_leader", "registered_name",
    "total_heap_size", "heap_size", "stack_size", "memory", "reductions", "garbage_collection",
    "suspending", "binary", "sequential_trace_token", "message_queue_data", "min_heap_size",
    "min_bin_vheap_size", "fullsweep_after", "catchlevel", "trace", "last_calls", "parent",
    "backtrace", "max_heap_size",
];

/// The parts of a process an item reads (everything but its heap, which for the caller is the
/// heap results are built on).
struct View<'a> {
    state: ProcState,
    mailbox: Vec<Term>,
    dict: &'a [(Term, Term)],
    links: Vec<Term>,
    monitors_out: &'a [MonitorOut],
    monitored_by: Vec<Term>,
    trap_exit: bool,
    priority: Priority,
    reductions: u64,
    registered_name: Option<Term>,
    group_leader: Term,
    initial_call: (Term, Term, u32),
    error_handler: Term,
    stack: &'a [Term],
    ip: *const Instr,
    heap_size: usize,
    total_heap_size: usize,
    minor_gcs: u64,
    min_heap_size: usize,
    min_bin_vheap_size: usize,
    fullsweep_after: u32,
    max_heap_size: crate::bif::system_flag::MaxHeapSize,
    off_heap_msgq: bool,
    /// (data address, size, reference count) of each refc binary the heap refers to.
    binaries: Vec<(usize, usize, usize)>,
    /// Terms of another process must be copied; the caller's own are used as they are.
    copy: bool,
    /// Suspended by erlang:suspend_process/1,2.
    suspended: bool,
}

impl<'a> View<'a> {
    /// `inbox`: signals not yet handled by `p`, which ERTS would handle before answering.
    fn of(p: &'a Process, h: &Heap, state: ProcState, inbox: &VecDeque<Signal>, copy: bool) -> View<'a> {
        let mut mailbox: Vec<Term> = p.mailbox.iter().copied().collect();
        let mut links = p.links.clone();
        let mut monitored_by: Vec<Term> = p.monitors_in.iter().map(|m| m.watcher).collect();
        for s in inbox {
            match s {
                Signal::Message(m, _) | Signal::Down { msg: m, .. } => mailbox.push(*m),
                Signal::Link { from } if !links.contains(from) => links.push(*from),
                Signal::Unlink { from } => links.retain(|l| l != from),
                Signal::Monitor { from, .. } => monitored_by.push(*from),
                _ => {}
            }
        }
        View {
            state,
            mailbox,
            dict: &p.dict,
            links,
            monitors_out: &p.monitors_out,
            monitored_by,
            trap_exit: p.trap_exit,
            priority: p.priority,
            reductions: p.reductions,
            registered_name: p.registered_name,
            group_leader: p.group_leader,
            initial_call: p.initial_call,
            error_handler: p.error_handler,
            stack: &p.stack,
            ip: p.ip,
            heap_size: h.young_size(),
            total_heap_size: h.total_size(),
            minor_gcs: h.stats.minor_collections,
            min_heap_size: h.settings.min_heap_size,
            min_bin_vheap_size: h.settings.min_bin_vheap_size,
            fullsweep_after: h.settings.fullsweep_after,
            max_heap_size: p.max_heap_size,
            off_heap_msgq: p.off_heap_msgq,
            binaries: h.refc_binaries(),
            copy,
            suspended: p.shared.suspended.load(core::sync::atomic::Ordering::Acquire) > 0,
        }
    }

    fn term(&self, h: &mut Heap, t: Term) -> Term {
        if self.copy {
            terms::copy_into(h, t)
        } else {
            t
        }
    }

    /// The saved continuation pointers on the stack, innermost first.
    fn continuations(&self) -> impl Iterator<Item = *const Instr> + '_ {
        self.stack.iter().rev().filter(|w| w.raw() & 0b11 == 0 && w.raw() != 0).map(|w| w.raw() as *const Instr)
    }
}

fn mfa_at(vm: &Vm, at: *const Instr) -> Option<(Term, Term, u32, Option<(alloc::string::String, u32)>)> {
    if vm.is_hibernating_at(at) {
        return Some((am::ERLANG, atom::atom("hibernate"), 3, None));
    }
    // A process waiting to continue a BIF that trapped is in that BIF (as in ERTS).
    if let Some(e) = crate::emu::trap::stub_export(at) {
        return Some((e.module, e.function, e.arity, None));
    }
    let m = vm.code.module_of(at)?;
    // SAFETY: module_of checked that `at` lies inside m's code.
    let idx = unsafe { at.offset_from(m.code.as_ptr()) } as usize;
    let f = *m.function_at(idx)?;
    let loc = m.location_at(idx).map(|(file, line)| (alloc::string::String::from(file), line));
    Some((m.name, f.function, f.arity, loc))
}

fn mfa_tuple(h: &mut Heap, m: Term, f: Term, a: u32) -> Term {
    terms::tuple(h, &[m, f, Term::small(a as i64)])
}

fn location_frame(h: &mut Heap, (m, f, a, loc): (Term, Term, u32, Option<(alloc::string::String, u32)>)) -> Term {
    let l = match loc {
        Some((file, line)) => {
            let fs = terms::string(h, &file);
            let ft = terms::tuple(h, &[am::FILE, fs]);
            let lt = terms::tuple(h, &[am::LINE, Term::small(line as i64)]);
            terms::list(h, &[ft, lt])
        }
        None => Term::NIL,
    };
    terms::tuple(h, &[m, f, Term::small(a as i64), l])
}

/// The instruction the process is at: for the caller, the call of this BIF (just before
/// `caller_ip`); for another process, its saved instruction pointer.
fn current(vm: &Vm, v: &View, caller_ip: *const Instr) -> Option<*const Instr> {
    if v.copy {
        (!v.ip.is_null()).then_some(v.ip)
    } else {
        // SAFETY: caller_ip points just after the calling instruction.
        (!caller_ip.is_null()).then(|| unsafe { caller_ip.sub(1) }).filter(|&p| vm.code.module_of(p).is_some())
    }
}

fn item(vm: &Vm, v: &View, h: &mut Heap, caller_ip: *const Instr, item: Term) -> Option<Term> {
    let name = atom::name(item);
    let val = match name {
        "current_function" => match current(vm, v, caller_ip).and_then(|ip| mfa_at(vm, ip)) {
            Some((m, f, a, _)) => mfa_tuple(h, m, f, a),
            None => am::UNDEFINED,
        },
        "current_location" => match current(vm, v, caller_ip).and_then(|ip| mfa_at(vm, ip)) {
            Some(fr) => location_frame(h, fr),
            None => am::UNDEFINED,
        },
        "current_stacktrace" => {
            let mut frames = Vec::new();
            if let Some(fr) = current(vm, v, caller_ip).and_then(|ip| mfa_at(vm, ip)) {
                frames.push(fr);
            }
            for cp in v.continuations() {
                // SAFETY: a saved continuation points just after a call instruction.
                if let Some(fr) = mfa_at(vm, unsafe { cp.sub(1) }) {
                    frames.push(fr);
                }
                if frames.len() >= 8 {
                    break;
                }
            }
            let ts: Vec<Term> = frames.into_iter().map(|fr| location_frame(h, fr)).collect();
            terms::list(h, &ts)
        }
        "initial_call" => mfa_tuple(h, v.initial_call.0, v.initial_call.1, v.initial_call.2),
        "status" if v.suspended => atom::atom("suspended"),
        "status" => match v.state {
            ProcState::Running => am::RUNNING,
            ProcState::Runnable => am::RUNNABLE,
            ProcState::Waiting => am::WAITING,
        },
        "message_queue_len" => Term::small(v.mailbox.len() as i64),
        "messages" => {
            let ms: Vec<Term> = v.mailbox.iter().map(|&m| v.term(h, m)).collect();
            terms::list(h, &ms)
        }
        "links" => terms::list(h, &v.links),
        "monitors" => {
            let ms: Vec<Term> = v
                .monitors_out
                .iter()
                .map(|m| {
                    let who = if m.name.is_nil() {
                        m.target
                    } else if m.name.is_atom() {
                        terms::tuple(h, &[m.name, am::NONODE])
                    } else {
                        v.term(h, m.name)
                    };
                    terms::tuple(h, &[am::PROCESS, who])
                })
                .collect();
            terms::list(h, &ms)
        }
        "monitored_by" => terms::list(h, &v.monitored_by),
        "dictionary" => {
            let ps: Vec<Term> = v
                .dict
                .iter()
                .map(|&(k, val)| {
                    let (k, val) = (v.term(h, k), v.term(h, val));
                    terms::tuple(h, &[k, val])
                })
                .collect();
            terms::list(h, &ps)
        }
        "trap_exit" => atom::bool_atom(v.trap_exit),
        "error_handler" => v.error_handler,
        "priority" => match v.priority {
            Priority::Low => am::LOW,
            Priority::Normal => am::NORMAL,
            Priority::High => am::HIGH,
            Priority::Max => am::MAX,
        },
        "group_leader" => v.group_leader,
        "registered_name" => v.registered_name.unwrap_or(Term::NIL),
        "total_heap_size" => Term::small(v.total_heap_size as i64),
        "heap_size" => Term::small(v.heap_size as i64),
        "stack_size" => Term::small(v.stack.len() as i64),
        "memory" => Term::small(((v.total_heap_size + v.stack.len()) * 8 + super::memory::PROCESS_OVERHEAD) as i64),
        "reductions" => Term::small(v.reductions as i64),
        "garbage_collection" => {
            let mhs = v.max_heap_size.to_map(h);
            let items = [
                (atom::atom("max_heap_size"), mhs),
                (atom::atom("min_bin_vheap_size"), Term::small(v.min_bin_vheap_size as i64)),
                (atom::atom("min_heap_size"), Term::small(v.min_heap_size as i64)),
                (atom::atom("fullsweep_after"), Term::small(v.fullsweep_after as i64)),
                (atom::atom("minor_gcs"), Term::small(v.minor_gcs as i64)),
            ];
            let ts: Vec<Term> = items.iter().map(|&(k, x)| terms::tuple(h, &[k, x])).collect();
            terms::list(h, &ts)
        }
        "binary" => {
            let items: Vec<Term> = v
                .binaries
                .iter()
                .map(|&(a, size, n)| {
                    let a = terms::int(h, a as i64);
                    terms::tuple(h, &[a, Term::small(size as i64), Term::small(n as i64)])
                })
                .collect();
            terms::list(h, &items)
        }
        "suspending" | "sequential_trace_token" => Term::NIL,
        "message_queue_data" => atom::atom(if v.off_heap_msgq { "off_heap" } else { "on_heap" }),
        "min_heap_size" => Term::small(v.min_heap_size as i64),
        "min_bin_vheap_size" => Term::small(v.min_bin_vheap_size as i64),
        "max_heap_size" => v.max_heap_size.to_map(h),
        "fullsweep_after" => Term::small(v.fullsweep_after as i64),
        "catchlevel" | "trace" => Term::small(0),
        "last_calls" => am::FALSE,
        "parent" => am::UNDEFINED,
        "backtrace" => terms::binary(h, b""),
        _ => return None,
    };
    Some(terms::tuple(h, &[item, val]))
}

/// Runs `f` on a view of process `pid` and the caller's heap; `None` if `pid` is not alive.
fn with_view<R>(ctx: &mut Ctx, pid: Term, f: impl FnOnce(&Vm, &View, &mut Heap, *const Instr) -> R) -> Rest<R> {
    let vm = ctx.vm;
    let caller_ip = ctx.proc.cp;
    // The registry is the truth: another process may have registered this one.
    let name = vm.registered_name_of(pid);
    if pid == ctx.proc.pid {
        let mut x = [];
        receive::handle_signals(vm, ctx.proc, &mut x);
        let p = &mut *ctx.proc;
        // Results go on the caller's own heap, which the view must not borrow: lend it out.
        let settings = p.heap.settings;
        let mut heap = core::mem::replace(&mut p.heap, Heap::new(settings));
        let mut view = View::of(p, &heap, ProcState::Running, &VecDeque::new(), false);
        view.registered_name = name;
        let r = f(vm, &view, &mut heap, caller_ip);
        p.heap = heap;
        return Rest::Found(r);
    }
    let heap = &mut ctx.proc.heap;
    vm.with_process(pid, |target, state, inbox| {
        let mut view = View::of(target, &target.heap, state, inbox, true);
        view.registered_name = name;
        f(vm, &view, heap, caller_ip)
    })
}

fn process_info_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_local_pid() {
        return super::badarg_r();
    }
    let r = with_view(ctx, a[0], |vm, v, h, cip| {
        let mut out = Vec::new();
        if v.registered_name.is_some() {
            out.extend(item(vm, v, h, cip, am::REGISTERED_NAME));
        }
        for name in DEFAULT_ITEMS {
            out.extend(item(vm, v, h, cip, atom::atom(name)));
        }
        terms::list(h, &out)
    });
    match r {
        Rest::Found(t) => Ok(t),
        Rest::Busy => Err(ctx.retry_later(process_info_1, a)),
        Rest::Gone => Ok(am::UNDEFINED),
    }
}

fn process_info_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_local_pid() {
        return super::badarg_r();
    }
    let single = a[1].is_atom();
    let items = if single {
        alloc::vec![a[1]]
    } else {
        terms::list_to_vec(a[1]).ok_or(super::badarg())?
    };
    if !items.iter().all(|&t| t.is_atom() && ITEMS.contains(&atom::name(t))) {
        return super::badarg_r();
    }
    let r = with_view(ctx, a[0], |vm, v, h, cip| {
        let mut out = Vec::with_capacity(items.len());
        for &it in &items {
            match item(vm, v, h, cip, it) {
                Some(t) => out.push(t),
                None => return Err(super::badarg()),
            }
        }
        if single {
            // An unregistered process's registered_name is [] itself, not a tuple.
            if a[1] == am::REGISTERED_NAME && v.registered_name.is_none() {
                return Ok(Term::NIL);
            }
            return Ok(out[0]);
        }
        Ok(terms::list(h, &out))
    });
    match r {
        Rest::Found(res) => res,
        Rest::Busy => Err(ctx.retry_later(process_info_2, a)),
        // A dead process: undefined (after the item names were checked).
        Rest::Gone => Ok(am::UNDEFINED),
    }
}
