//! Process BIFs: spawn, send, exit, links, monitors, registration, the process dictionary,
//! and halt.

use alloc::vec::Vec;
use beamos_gc::collect::copy_to_fragment;
use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::compare::eq_exact;
use crate::emu::receive;
use crate::process::{AliasMode, MonitorOut, Priority, Process, Signal};
use crate::terms;
use crate::vm::Rest;

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "self", 0, self_0),
    bif("erlang", "spawn", 1, spawn_1),
    bif("erlang", "spawn", 3, spawn_3),
    bif("erlang", "spawn_link", 1, spawn_link_1),
    bif("erlang", "spawn_link", 3, spawn_link_3),
    bif("erlang", "spawn_monitor", 1, spawn_monitor_1),
    bif("erlang", "spawn_monitor", 3, spawn_monitor_3),
    bif("erlang", "spawn_opt", 2, spawn_opt_2),
    bif("erlang", "spawn_opt", 4, spawn_opt_4),
    bif("erlang", "!", 2, send_2),
    bif("erlang", "send", 2, send_2),
    bif("erlang", "send", 3, send_3),
    bif("erlang", "exit", 1, exit_1),
    bif("erlang", "exit", 2, exit_2),
    bif("erlang", "link", 1, link_1),
    bif("erlang", "unlink", 1, unlink_1),
    bif("erlang", "monitor", 2, monitor_2),
    bif("erlang", "monitor", 3, monitor_3),
    bif("erts_internal", "suspend_process", 2, suspend_process_2),
    bif("erlang", "resume_process", 1, resume_process_1),
    bif("erlang", "monitor_node", 2, monitor_node_2),
    bif("erlang", "monitor_node", 3, monitor_node_3),
    bif("erlang", "alias", 0, alias_0),
    bif("erlang", "alias", 1, alias_1),
    bif("erlang", "unalias", 1, unalias_1),
    bif("erlang", "demonitor", 1, demonitor_1),
    bif("erlang", "demonitor", 2, demonitor_2),
    bif("erlang", "register", 2, register_2),
    bif("erlang", "unregister", 1, unregister_1),
    bif("erlang", "whereis", 1, whereis_1),
    bif("erlang", "registered", 0, registered_0),
    bif("erlang", "process_flag", 2, process_flag_2),
    bif("erlang", "is_process_alive", 1, is_process_alive_1),
    bif("erlang", "processes", 0, processes_0),
    bif("erlang", "put", 2, put_2),
    bif("erlang", "get", 1, get_1),
    bif("erlang", "get", 0, get_0),
    bif("erlang", "erase", 1, erase_1),
    bif("erlang", "erase", 0, erase_0),
    bif("erlang", "get_keys", 0, get_keys_0),
    bif("erlang", "get_keys", 1, get_keys_1),
    bif("erlang", "halt", 0, halt_0),
    bif("erlang", "halt", 1, halt_1),
    bif("erlang", "halt", 2, halt_2),
    bif("erlang", "yield", 0, yield_0),
    bif("erlang", "group_leader", 0, group_leader_0),
    bif("erlang", "group_leader", 2, group_leader_2),
    bif("erlang", "garbage_collect", 0, garbage_collect_0),
    bif("erts_internal", "garbage_collect", 1, internal_garbage_collect_1),
    bif("erlang", "make_ref", 0, make_ref_0),
];

fn self_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(ctx.proc.pid)
}

#[derive(Default, Clone, Copy)]
struct SpawnOpts {
    link: bool,
    monitor: Option<MonOpts>,
    priority: Option<Priority>,
    min_heap_size: Option<usize>,
    min_bin_vheap_size: Option<usize>,
    fullsweep_after: Option<u32>,
    max_heap_size: Option<crate::bif::system_flag::MaxHeapSize>,
    off_heap_msgq: Option<bool>,
    /// `{scheduler, N}` (undocumented, used by OTP's tests): bound to scheduler N.
    bound: Option<u32>,
}

/// ERTS's least process heap (`H_MIN_SIZE`) and virtual binary heap (`BIN_VH_MIN_SIZE`).
const H_MIN_SIZE: u64 = 233;
const BIN_VH_MIN_SIZE: u64 = 46422;

fn priority_of(t: Term) -> Option<Priority> {
    Some(match t {
        am::LOW => Priority::Low,
        am::NORMAL => Priority::Normal,
        am::HIGH => Priority::High,
        am::MAX => Priority::Max,
        _ => return None,
    })
}

fn priority_atom(p: Priority) -> Term {
    match p {
        Priority::Low => am::LOW,
        Priority::Normal => am::NORMAL,
        Priority::High => am::HIGH,
        Priority::Max => am::MAX,
    }
}

/// A heap size option: a non-negative small integer, rounded up to ERTS's next heap size
/// and at least `least`.
fn heap_size_opt(t: Term, least: u64) -> Option<usize> {
    let n = u64::try_from(t.as_small()?).ok()?;
    Some(crate::bif::system_flag::erts_next_heap_size(n.max(least)) as usize)
}

fn mqd_opt(t: Term) -> Option<bool> {
    match t {
        t if t == atom::atom("off_heap") => Some(true),
        t if t == atom::atom("on_heap") => Some(false),
        _ => None,
    }
}

/// The options of `monitor/3` (and of spawn_opt's `{monitor, Opts}`).
#[derive(Clone, Copy)]
struct MonOpts {
    alias: Option<AliasMode>,
    tag: Term,
}

impl Default for MonOpts {
    fn default() -> MonOpts {
        MonOpts { alias: None, tag: am::DOWN }
    }
}

fn parse_monitor_opts(opts: Term) -> Option<MonOpts> {
    let mut o = MonOpts::default();
    for opt in terms::list_to_vec(opts)? {
        let e = terms::tuple_elems(opt).filter(|e| e.len() == 2)?;
        match e[0].is_atom().then(|| atom::name(e[0]))? {
            "alias" => {
                o.alias = match e[1].is_atom().then(|| atom::name(e[1]))? {
                    "explicit_unalias" => Some(AliasMode::Explicit),
                    "demonitor" => Some(AliasMode::Demonitor),
                    "reply_demonitor" => Some(AliasMode::ReplyDemonitor),
                    _ => return None,
                }
            }
            "tag" => o.tag = e[1],
            _ => return None,
        }
    }
    Some(o)
}

/// A new monitor reference; an alias as well if `opts` ask for one.
fn monitor_ref(ctx: &mut Ctx, opts: &MonOpts) -> Term {
    let id = match opts.alias {
        Some(mode) => ctx.vm.alias_create(ctx.proc, mode),
        None => ctx.vm.make_ref_id(),
    };
    terms::reference(&mut ctx.proc.heap, id)
}

fn do_spawn(ctx: &mut Ctx, m: Term, f: Term, args: Term, opts: SpawnOpts) -> BifResult {
    if !m.is_atom() || !f.is_atom() {
        return super::badarg_r();
    }
    let Some(argv) = terms::list_to_vec(args) else { return super::badarg_r() };
    let parent_pid = ctx.proc.pid;
    let mut mref = Term::NIL;
    if let Some(mo) = &opts.monitor {
        mref = monitor_ref(ctx, mo);
    }
    // The child's copy of the monitor reference is made from the parent's heap, which stays
    // put while the child is set up (nothing collects during a BIF).
    let mref_copy = mref;
    let pid = ctx.vm.spawn_process(m, f, &argv, Some(ctx.proc), |child: &mut Process| {
        if opts.link {
            child.links.push(parent_pid);
        }
        if opts.monitor.is_some() {
            let r = terms::copy_into(&mut child.heap, mref_copy);
            child.monitors_in.push(crate::process::MonitorIn { reference: r, watcher: parent_pid, name: Term::NIL });
        }
        if let Some(p) = opts.priority {
            child.priority = p;
        }
        if let Some(n) = opts.min_heap_size {
            child.heap.settings.min_heap_size = n;
        }
        if let Some(n) = opts.min_bin_vheap_size {
            child.heap.settings.min_bin_vheap_size = n;
        }
        if let Some(n) = opts.fullsweep_after {
            child.heap.settings.fullsweep_after = n;
        }
        if let Some(m) = opts.max_heap_size {
            child.max_heap_size = m;
        }
        if let Some(b) = opts.off_heap_msgq {
            child.off_heap_msgq = b;
        }
        if let Some(n) = opts.bound {
            child.bound = n;
        }
    });
    if opts.link {
        ctx.proc.links.push(pid);
    }
    if let Some(mo) = opts.monitor {
        ctx.proc.monitors_out.push(MonitorOut { reference: mref, target: pid, name: Term::NIL, tag: mo.tag });
        return Ok(terms::tuple(ctx.heap(), &[pid, mref]));
    }
    Ok(pid)
}

fn fun_spawn(ctx: &mut Ctx, fun: Term, opts: SpawnOpts) -> BifResult {
    if crate::emu::interp::fun_arity(fun) != Some(0) {
        return super::badarg_r();
    }
    let args = terms::list(ctx.heap(), &[fun, Term::NIL]);
    do_spawn(ctx, am::ERLANG, am::APPLY, args, opts)
}

fn spawn_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    fun_spawn(ctx, a[0], SpawnOpts::default())
}
fn spawn_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    do_spawn(ctx, a[0], a[1], a[2], SpawnOpts::default())
}
fn spawn_link_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    fun_spawn(ctx, a[0], SpawnOpts { link: true, ..Default::default() })
}
fn spawn_link_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    do_spawn(ctx, a[0], a[1], a[2], SpawnOpts { link: true, ..Default::default() })
}
fn spawn_monitor_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    fun_spawn(ctx, a[0], SpawnOpts { monitor: Some(MonOpts::default()), ..Default::default() })
}
fn spawn_monitor_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    do_spawn(ctx, a[0], a[1], a[2], SpawnOpts { monitor: Some(MonOpts::default()), ..Default::default() })
}

fn parse_spawn_opts(opts: Term, schedulers: usize) -> Option<SpawnOpts> {
    let mut o = SpawnOpts::default();
    for opt in terms::list_to_vec(opts)? {
        if opt == am::LINK {
            o.link = true;
        } else if opt == am::MONITOR {
            o.monitor = Some(MonOpts::default());
        } else if let Some(e) = terms::tuple_elems(opt).filter(|e| e.len() == 2 && e[0] == am::MONITOR) {
            o.monitor = Some(parse_monitor_opts(e[1])?);
        } else if let Some(&[k, v]) = terms::tuple_elems(opt) {
            match k {
                am::PRIORITY => o.priority = Some(priority_of(v)?),
                _ if k == atom::atom("min_heap_size") => o.min_heap_size = Some(heap_size_opt(v, H_MIN_SIZE)?),
                _ if k == atom::atom("min_bin_vheap_size") => {
                    o.min_bin_vheap_size = Some(heap_size_opt(v, BIN_VH_MIN_SIZE)?)
                }
                _ if k == atom::atom("fullsweep_after") => {
                    o.fullsweep_after = Some(u32::try_from(v.as_small()?).ok()?.min(u16::MAX as u32))
                }
                _ if k == atom::atom("max_heap_size") => {
                    let d = crate::bif::system_flag::MaxHeapSize::default();
                    o.max_heap_size = Some(crate::bif::system_flag::parse_max_heap_size(v, d)?)
                }
                _ if k == atom::atom("message_queue_data") => o.off_heap_msgq = Some(mqd_opt(v)?),
                _ if k == atom::atom("scheduler") => {
                    o.bound = Some(v.as_small().filter(|&n| n >= 1 && n as usize <= schedulers)? as u32)
                }
                _ => return None,
            }
        } else {
            return None;
        }
    }
    Some(o)
}

fn spawn_opt_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(o) = parse_spawn_opts(a[1], ctx.vm.sched.count()) else { return super::badarg_r() };
    fun_spawn(ctx, a[0], o)
}
fn spawn_opt_4(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(o) = parse_spawn_opts(a[3], ctx.vm.sched.count()) else { return super::badarg_r() };
    do_spawn(ctx, a[0], a[1], a[2], o)
}

/// `Dest ! Msg`.
pub fn send(ctx: &mut Ctx, to: Term, msg: Term) -> BifResult {
    let pid = if to.is_local_pid() {
        to
    } else if to.is_atom() {
        match ctx.vm.whereis(to) {
            Some(p) => p,
            None => return super::badarg_r(),
        }
    } else if let Some(e) = terms::tuple_elems(to).filter(|e| e.len() == 2 && e[0].is_atom() && e[1].is_atom()) {
        if e[1] != am::NONODE {
            return Ok(msg); // no distribution yet: dropped, as to an unreachable node
        }
        // `{Name, node()} ! Msg` to an unregistered name is silently dropped (as ERTS does).
        match ctx.vm.whereis(e[0]) {
            Some(p) => p,
            None => return Ok(msg),
        }
    } else if to.is_local_port() {
        return Ok(msg);
    } else if let Some(id) = terms::ref_id(to) {
        // Through a process alias; dropped if it is not (or no longer) one.
        ctx.vm.send_to_alias(id, msg);
        return Ok(msg);
    } else {
        return super::badarg_r();
    };
    ctx.vm.send_message_from(Some(ctx.proc.sched), pid, msg);
    Ok(msg)
}

fn send_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    send(ctx, a[0], a[1])
}
fn send_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    send(ctx, a[0], a[1]).map(|_| am::OK)
}

fn exit_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Err(Exc::Exit(a[0]))
}

fn exit_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (to, reason) = (a[0], a[1]);
    if !to.is_pid() && !to.is_port() {
        return super::badarg_r();
    }
    if to.is_local_port() {
        return Ok(am::TRUE);
    }
    let (r, f) = copy_to_fragment(reason);
    let me = ctx.proc.pid;
    ctx.vm.send_signal(to, Signal::Exit { from: me, reason: r, frag: Some(f), link: false });
    if to == me {
        // Let the signal take effect now.
        return Err(Exc::Yield);
    }
    Ok(am::TRUE)
}

fn link_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let pid = a[0];
    if !pid.is_pid() && !pid.is_port() {
        return super::badarg_r();
    }
    if pid == ctx.proc.pid || ctx.proc.is_linked(pid) {
        return Ok(am::TRUE);
    }
    if !ctx.vm.is_alive(pid) {
        if ctx.proc.trap_exit {
            let m = terms::tuple(ctx.heap(), &[am::EXIT_UPPER, pid, am::NOPROC]);
            ctx.vm.send_message(ctx.proc.pid, m);
            return Ok(am::TRUE);
        }
        return Err(Exc::Error(am::NOPROC));
    }
    ctx.proc.links.push(pid);
    let me = ctx.proc.pid;
    ctx.vm.send_signal(pid, Signal::Link { from: me });
    Ok(am::TRUE)
}

fn unlink_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let pid = a[0];
    if !pid.is_pid() && !pid.is_port() {
        return super::badarg_r();
    }
    ctx.proc.links.retain(|&l| l != pid);
    let me = ctx.proc.pid;
    ctx.vm.send_signal(pid, Signal::Unlink { from: me });
    Ok(am::TRUE)
}

fn monitor_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    monitor(ctx, a[0], a[1], MonOpts::default())
}

fn monitor_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(opts) = parse_monitor_opts(a[2]) else { return super::badarg_r() };
    monitor(ctx, a[0], a[1], opts)
}

fn monitor(ctx: &mut Ctx, kind: Term, target: Term, opts: MonOpts) -> BifResult {
    if kind != am::PROCESS {
        return super::badarg_r();
    }
    let (pid, name) = if target.is_local_pid() {
        (Some(target), Term::NIL)
    } else if target.is_atom() {
        (ctx.vm.whereis(target), target)
    } else if let Some(e) = terms::tuple_elems(target).filter(|e| e.len() == 2 && e[0].is_atom() && e[1].is_atom()) {
        (ctx.vm.whereis(e[0]), target)
    } else {
        return super::badarg_r();
    };
    let r = monitor_ref(ctx, &opts);
    let me = ctx.proc.pid;
    let name_atom = if name.is_atom() { name } else { terms::tuple_elems(name).map_or(Term::NIL, |e| e[0]) };
    match pid.filter(|&p| ctx.vm.is_alive(p)) {
        Some(p) => {
            ctx.proc.monitors_out.push(MonitorOut { reference: r, target: p, name, tag: opts.tag });
            let (rc, f) = copy_to_fragment(r);
            ctx.vm.send_signal(p, Signal::Monitor { from: me, reference: rc, name: name_atom, frag: Some(f) });
        }
        None => {
            let who = if name.is_nil() {
                target
            } else if name.is_atom() {
                terms::tuple(ctx.heap(), &[name, am::NONODE])
            } else {
                name
            };
            let m = terms::tuple(ctx.heap(), &[opts.tag, r, am::PROCESS, who, am::NOPROC]);
            ctx.vm.send_message(me, m);
            // The monitor is gone as soon as made: so is an alias tied to it.
            ctx.vm.monitor_alias_gone(ctx.proc, r);
        }
    }
    Ok(r)
}

/// Removes the monitor `p.monitors_out[i]`, telling its target. Returns it.
pub fn remove_monitor(vm: &crate::vm::Vm, p: &mut Process, i: usize) -> MonitorOut {
    let m = p.monitors_out.swap_remove(i);
    let (rc, f) = copy_to_fragment(m.reference);
    vm.send_signal(m.target, Signal::Demonitor { from: p.pid, reference: rc, frag: Some(f) });
    vm.monitor_alias_gone(p, m.reference);
    m
}

fn demonitor(ctx: &mut Ctx, r: Term, flush: bool) -> Result<bool, Exc> {
    if !r.is_ref() {
        return super::badarg_r();
    }
    let pos = ctx.proc.monitors_out.position(r);
    let found = pos.is_some();
    if let Some(i) = pos {
        remove_monitor(ctx.vm, ctx.proc, i);
    }
    if flush {
        // As erts_internal:flush_monitor_messages/3: the first `{_, Ref, _, _, _}` goes,
        // whatever its tag.
        let mut x = [];
        receive::handle_signals(ctx.vm, ctx.proc, &mut x);
        let down = ctx.proc.mailbox.iter().position(|&m| {
            terms::tuple_elems(m).is_some_and(|e| e.len() == 5 && eq_exact(e[1], r))
        });
        if let Some(i) = down {
            ctx.proc.remove_message_at(i);
        }
        ctx.proc.save = 0;
    }
    Ok(found)
}

/// `erts_internal:suspend_process(Pid, Opts)`, behind erlang:suspend_process/1,2: answers
/// what erlang.erl turns into a value or an error (`true`, `false`, `badarg`, `badopt`).
/// Suspensions are counted per suspender and released when it exits.
fn suspend_process_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (pid, opts) = (a[0], a[1]);
    let Some(opts) = terms::list_to_vec(opts) else { return Ok(am::BADOPT) };
    let (mut unless, mut reply_tag) = (false, None);
    for o in opts {
        if o == atom::atom("unless_suspending") {
            unless = true;
        } else if o == atom::atom("asynchronous") {
            reply_tag = reply_tag.or(Some(Term::NON_VALUE));
        } else if let Some(&[t, tag]) = terms::tuple_elems(o) {
            if t != atom::atom("asynchronous") {
                return Ok(am::BADOPT);
            }
            reply_tag = Some(tag);
        } else {
            return Ok(am::BADOPT);
        }
    }
    if !pid.is_local_pid() || pid == ctx.proc.pid || !ctx.vm.is_alive(pid) {
        return Ok(am::BADARG);
    }
    let id = pid.pid_number();
    let held = ctx.proc.suspending.iter().position(|s| s.0 == id);
    if unless && held.is_some() {
        return Ok(am::FALSE);
    }
    ctx.vm.suspend_count_add(pid, 1);
    match held {
        Some(i) => ctx.proc.suspending[i].1 += 1,
        None => ctx.proc.suspending.push((id, 1)),
    }
    if let Some(tag) = reply_tag.filter(|t| t.is_value()) {
        let m = terms::tuple(ctx.heap(), &[tag, atom::atom("suspended")]);
        ctx.vm.send_message(ctx.proc.pid, m);
    }
    Ok(am::TRUE)
}

/// `erlang:resume_process(Pid)`: undoes one suspend_process/1,2 of the caller's.
fn resume_process_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let pid = a[0];
    if !pid.is_local_pid() || !ctx.vm.is_alive(pid) {
        return super::badarg_r();
    }
    let id = pid.pid_number();
    let Some(i) = ctx.proc.suspending.iter().position(|s| s.0 == id) else { return super::badarg_r() };
    ctx.proc.suspending[i].1 -= 1;
    if ctx.proc.suspending[i].1 == 0 {
        ctx.proc.suspending.swap_remove(i);
    }
    ctx.vm.suspend_count_add(pid, -1);
    Ok(am::TRUE)
}

/// `monitor_node(Node, Flag)`: without distribution the only node is this one, which never
/// goes down; any other is `notalive`, as on an ERTS node that is not distributed.
fn monitor_node_2(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (node, flag) = (a[0], a[1]);
    if !node.is_atom() {
        return super::badarg_r();
    }
    if node != am::NONODE {
        return Err(Exc::Error(atom::atom("notalive")));
    }
    if flag != am::TRUE && flag != am::FALSE {
        return super::badarg_r();
    }
    Ok(am::TRUE)
}

fn monitor_node_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let ok = terms::list_to_vec(a[2]).is_some_and(|o| o.iter().all(|&o| o == atom::atom("allow_passive_connect")));
    if !ok {
        return Err(Exc::ErrorCause { reason: am::BADARG, cause: am::BADOPT });
    }
    monitor_node_2(ctx, &a[..2])
}

fn alias_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    alias(ctx, AliasMode::Explicit)
}

fn alias_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(opts) = terms::list_to_vec(a[0]) else { return super::badarg_r() };
    let mut mode = AliasMode::Explicit;
    for o in opts {
        match o.is_atom().then(|| atom::name(o)) {
            Some("explicit_unalias") => mode = AliasMode::Explicit,
            Some("reply") => mode = AliasMode::Reply,
            _ => return super::badarg_r(),
        }
    }
    alias(ctx, mode)
}

fn alias(ctx: &mut Ctx, mode: AliasMode) -> BifResult {
    let id = ctx.vm.alias_create(ctx.proc, mode);
    Ok(terms::reference(&mut ctx.proc.heap, id))
}

fn unalias_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_ref() {
        return super::badarg_r();
    }
    let was = terms::ref_id(a[0]).is_some_and(|id| ctx.vm.alias_deactivate(ctx.proc, id));
    Ok(atom::bool_atom(was))
}

fn demonitor_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    demonitor(ctx, a[0], false).map(|_| am::TRUE)
}

fn demonitor_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(opts) = terms::list_to_vec(a[1]) else { return super::badarg_r() };
    let mut flush = false;
    let mut info = false;
    for o in opts {
        if o == am::FLUSH {
            flush = true;
        } else if o == am::INFO {
            info = true;
        } else {
            return super::badarg_r();
        }
    }
    let found = demonitor(ctx, a[0], flush)?;
    Ok(if info { atom::bool_atom(found) } else { am::TRUE })
}

fn register_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (name, pid) = (a[0], a[1]);
    if !name.is_atom() || name == am::UNDEFINED || !pid.is_local_pid() || !ctx.vm.is_alive(pid) {
        return super::badarg_r();
    }
    if ctx.vm.registered_name_of(pid).is_some() {
        return super::badarg_r();
    }
    if !ctx.vm.register(name, pid) {
        return super::badarg_r();
    }
    if pid == ctx.proc.pid {
        ctx.proc.registered_name = Some(name);
    }
    Ok(am::TRUE)
}

fn unregister_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() || !ctx.vm.unregister(a[0]) {
        return super::badarg_r();
    }
    if ctx.proc.registered_name == Some(a[0]) {
        ctx.proc.registered_name = None;
    }
    Ok(am::TRUE)
}

fn whereis_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_atom() {
        return super::badarg_r();
    }
    Ok(ctx.vm.whereis(a[0]).unwrap_or(am::UNDEFINED))
}

fn registered_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let r = ctx.vm.registered();
    Ok(terms::list(ctx.heap(), &r))
}

fn process_flag_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0] == am::TRAP_EXIT {
        let old = ctx.proc.trap_exit;
        if a[1] == am::TRUE {
            ctx.proc.trap_exit = true;
        } else if a[1] == am::FALSE {
            ctx.proc.trap_exit = false;
        } else {
            return super::badarg_r();
        }
        return Ok(atom::bool_atom(old));
    }
    let p = &mut *ctx.proc;
    let settings = &mut p.heap.settings;
    let old = match a[0] {
        am::PRIORITY => {
            let new = priority_of(a[1]).ok_or_else(super::badarg)?;
            priority_atom(core::mem::replace(&mut p.priority, new))
        }
        k if k == atom::atom("min_heap_size") => {
            let n = heap_size_opt(a[1], H_MIN_SIZE).ok_or_else(super::badarg)?;
            Term::small(core::mem::replace(&mut settings.min_heap_size, n) as i64)
        }
        k if k == atom::atom("min_bin_vheap_size") => {
            let n = heap_size_opt(a[1], BIN_VH_MIN_SIZE).ok_or_else(super::badarg)?;
            Term::small(core::mem::replace(&mut settings.min_bin_vheap_size, n) as i64)
        }
        k if k == atom::atom("fullsweep_after") => {
            let n = a[1].as_small().and_then(|n| u32::try_from(n).ok()).ok_or_else(super::badarg)?;
            Term::small(core::mem::replace(&mut settings.fullsweep_after, n.min(u16::MAX as u32)) as i64)
        }
        k if k == atom::atom("message_queue_data") => {
            let b = mqd_opt(a[1]).ok_or_else(super::badarg)?;
            atom::atom(if p.set_off_heap_msgq(b) { "off_heap" } else { "on_heap" })
        }
        k if k == atom::atom("max_heap_size") => {
            let new = crate::bif::system_flag::parse_max_heap_size(a[1], p.max_heap_size).ok_or_else(super::badarg)?;
            let old = core::mem::replace(&mut p.max_heap_size, new);
            return Ok(old.to_map(&mut p.heap));
        }
        // Binds the process to a scheduler (0: unbinds); it moves when next queued.
        k if k == atom::atom("scheduler") => {
            let n = a[1].as_small().filter(|&n| n >= 0 && n as usize <= ctx.vm.sched.count()).ok_or_else(super::badarg)?;
            Term::small(core::mem::replace(&mut ctx.proc.bound, n as u32) as i64)
        }
        k if k == atom::atom("save_calls") => {
            let n = a[1].as_small().filter(|n| (0..=10000).contains(n)).ok_or_else(super::badarg)?;
            Term::small(core::mem::replace(&mut p.save_calls, n as u32) as i64)
        }
        k if k == atom::atom("sensitive") => {
            let b = match a[1] {
                am::TRUE => true,
                am::FALSE => false,
                _ => return super::badarg_r(),
            };
            atom::bool_atom(core::mem::replace(&mut p.sensitive, b))
        }
        _ => Term::NIL,
    };
    if old != Term::NIL {
        return Ok(old);
    }
    if a[0] == am::ERROR_HANDLER {
        let old = ctx.proc.error_handler;
        if !a[1].is_atom() {
            return super::badarg_r();
        }
        ctx.proc.error_handler = a[1];
        return Ok(old);
    }
    super::badarg_r()
}

fn is_process_alive_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_local_pid() {
        return super::badarg_r();
    }
    if a[0] == ctx.proc.pid {
        return Ok(am::TRUE);
    }
    // ERTS lets the target handle the caller's earlier signals first; an exit signal from
    // the caller still in the target's inbox that will end it counts as done.
    let me = ctx.proc.pid;
    let doomed = match ctx.vm.with_process(a[0], |t, _, inbox| {
        inbox.iter().any(|s| match s {
            Signal::Exit { from, reason, link: false, .. } if *from == me => {
                *reason == am::KILL || (!t.trap_exit && *reason != am::NORMAL)
            }
            _ => false,
        }) || t.pending_exit.is_some()
    }) {
        Rest::Found(d) => d,
        Rest::Busy => return Err(ctx.retry_later(is_process_alive_1, a)),
        Rest::Gone => return Ok(am::FALSE),
    };
    Ok(atom::bool_atom(!doomed && ctx.vm.is_alive(a[0])))
}

fn processes_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let mut v = ctx.vm.all_pids();
    if !v.contains(&ctx.proc.pid) {
        v.push(ctx.proc.pid);
        v.sort_by_key(|p| p.pid_number());
    }
    Ok(terms::list(ctx.heap(), &v))
}

fn dict_find(p: &Process, k: Term) -> Option<usize> {
    p.dict.iter().position(|&(x, _)| eq_exact(x, k))
}

fn put_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match dict_find(ctx.proc, a[0]) {
        Some(i) => {
            let old = ctx.proc.dict[i].1;
            ctx.proc.dict[i].1 = a[1];
            Ok(old)
        }
        None => {
            ctx.proc.dict.push((a[0], a[1]));
            Ok(am::UNDEFINED)
        }
    }
}

fn get_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(dict_find(ctx.proc, a[0]).map(|i| ctx.proc.dict[i].1).unwrap_or(am::UNDEFINED))
}

fn get_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let pairs: Vec<(Term, Term)> = ctx.proc.dict.clone();
    let mut v = Vec::with_capacity(pairs.len());
    for (k, x) in pairs.into_iter().rev() {
        v.push(terms::tuple(ctx.heap(), &[k, x]));
    }
    Ok(terms::list(ctx.heap(), &v))
}

fn erase_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match dict_find(ctx.proc, a[0]) {
        Some(i) => Ok(ctx.proc.dict.remove(i).1),
        None => Ok(am::UNDEFINED),
    }
}

fn erase_0(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let r = get_0(ctx, a)?;
    ctx.proc.dict.clear();
    Ok(r)
}

fn get_keys_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let keys: Vec<Term> = ctx.proc.dict.iter().rev().map(|&(k, _)| k).collect();
    Ok(terms::list(ctx.heap(), &keys))
}

fn get_keys_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let keys: Vec<Term> = ctx.proc.dict.iter().rev().filter(|&&(_, v)| eq_exact(v, a[0])).map(|&(k, _)| k).collect();
    Ok(terms::list(ctx.heap(), &keys))
}

fn halt_0(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Err(Exc::Halt(0))
}

fn halt_status(ctx: &mut Ctx, s: Term) -> Result<i32, Exc> {
    if let Some(v) = s.as_small() {
        if v >= 0 {
            return Ok(v as i32 & 0xff);
        }
        return super::badarg_r();
    }
    if s == atom::atom("abort") {
        return Ok(134);
    }
    if let Some(bytes) = terms::byte_list(s) {
        let mut msg = bytes;
        msg.push(b'\n');
        ctx.vm.platform.write_stderr(&msg);
        return Ok(1);
    }
    super::badarg_r()
}

fn halt_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Err(Exc::Halt(halt_status(ctx, a[0])?))
}

/// `halt/2`: the only option is `{flush, boolean()}` (output is always flushed here).
fn halt_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(opts) = terms::list_to_vec(a[1]) else { return super::badarg_r() };
    for o in opts {
        let ok = terms::tuple_elems(o)
            .is_some_and(|e| e.len() == 2 && e[0] == atom::atom("flush") && (e[1] == am::TRUE || e[1] == am::FALSE));
        if !ok {
            return Err(Exc::ErrorCause { reason: am::BADARG, cause: am::BADOPT });
        }
    }
    Err(Exc::Halt(halt_status(ctx, a[0])?))
}

fn yield_0(_ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Err(Exc::Yield)
}

fn group_leader_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    Ok(ctx.proc.group_leader)
}

fn group_leader_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_pid() || !a[1].is_pid() {
        return super::badarg_r();
    }
    if a[1] == ctx.proc.pid {
        ctx.proc.group_leader = a[0];
    } else if !a[1].is_local_pid() || !ctx.vm.send_signal(a[1], Signal::GroupLeader { leader: a[0] }) {
        // Not alive (remote group leaders are immediates as well, but remote targets need
        // distribution).
        return super::badarg_r();
    }
    Ok(am::TRUE)
}

/// `erlang:garbage_collect/0`: a major collection, now. A BIF is called, so the only live x
/// registers are its arguments (none here, an atom for erts_internal:garbage_collect/1).
fn garbage_collect_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    ctx.proc.gc(&mut [], 0, true);
    Ok(am::TRUE)
}

/// `erts_internal:garbage_collect(major | minor)`, behind erlang:garbage_collect/1,2 of self.
fn internal_garbage_collect_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0] != am::MAJOR && a[0] != am::MINOR {
        return super::badarg_r();
    }
    ctx.proc.gc(&mut [], 0, a[0] == am::MAJOR);
    Ok(am::TRUE)
}

/// `erts_internal:request_system_task(Pid, Prio, {garbage_collect, ReqId, Type})` (see
/// code.rs): Pid collects when it next runs and answers `{garbage_collect, ReqId, true}`; a
/// dead Pid answers `false` at once.
pub fn request_gc(ctx: &mut Ctx, pid: Term, req: Term) -> BifResult {
    let ok = terms::tuple_elems(req).is_some_and(|e| e.len() == 3 && (e[2] == am::MAJOR || e[2] == am::MINOR));
    if !pid.is_local_pid() || !ok {
        return super::badarg_r();
    }
    let me = ctx.proc.pid;
    let (r, f) = copy_to_fragment(req);
    // A dead target answers false (Vm::send_signal does it).
    ctx.vm.send_signal(pid, Signal::SystemTask { from: me, request: r, frag: Some(f) });
    Ok(am::OK)
}

fn make_ref_0(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let id = ctx.vm.make_ref_id();
    Ok(terms::reference(ctx.heap(), id))
}
