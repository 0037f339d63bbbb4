//! `erlang:system_flag/2` (ERTS's `system_flag_2` in bif.c) and the VM-wide settings it
//! changes, which `erlang:system_info/1` reports ([`SystemFlags`], `Vm::flags`).
//!
//! The garbage collection flags (`min_heap_size`, `min_bin_vheap_size`, `fullsweep_after`,
//! `max_heap_size`) are the defaults of processes spawned afterwards; `backtrace_depth` limits
//! stack traces. `schedulers_online` takes schedulers out of (and back into) use; there are
//! no dirty schedulers, so `dirty_cpu_schedulers_online` accepts only 1; schedulers are not
//! bound to CPUs, so `scheduler_bind_type` takes only `unbound` (other types are `notsup`, as
//! ERTS on a system without binding); `multi_scheduling` keeps ERTS's count of blocks per
//! process (released when the process exits), and while any is held only the first
//! scheduler runs. `microstate_accounting` is a stored switch (nothing is measured).

use alloc::vec::Vec;
use beamos_gc::heap::GcSettings;
use beamos_gc::Term;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering::Relaxed};
use spin::Mutex;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::terms::{self, Alloc};

pub const BIFS: &[BifEntry] = &[bif("erlang", "system_flag", 2, system_flag_2)];

/// ERTS's `MAX_BACKTRACE_SIZE`: the largest `backtrace_depth`.
const MAX_BACKTRACE_DEPTH: usize = 64;
/// ERTS's `ERTS_MAX_PROCESSES`, the largest `outstanding_system_requests_limit`.
const MAX_OUTSTANDING_REQUESTS: u64 = (1 << 27) - 1;
/// ERTS's `ERTS_MAX_CPU_TOPOLOGY_ID`.
const MAX_CPU_TOPOLOGY_ID: i64 = 0xffff;
/// Normal and dirty CPU schedulers of this VM.
pub const SCHEDULERS: i64 = 1;

/// `max_heap_size`: the size in words (0: no limit) and what happens past it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxHeapSize {
    pub size: u64,
    pub kill: bool,
    pub error_logger: bool,
}

impl Default for MaxHeapSize {
    fn default() -> Self {
        MaxHeapSize { size: 0, kill: true, error_logger: true }
    }
}

impl MaxHeapSize {
    /// `#{error_logger => _, kill => _, size => _}`.
    pub fn to_map(self, h: &mut impl Alloc) -> Term {
        let size = terms::int_from_i128(h, self.size as i128);
        let pairs = [
            (atom::atom("error_logger"), atom::bool_atom(self.error_logger)),
            (am::KILL, atom::bool_atom(self.kill)),
            (atom::atom("size"), size),
        ];
        crate::map::from_pairs(h, &pairs)
    }
}

/// Processes blocking multi-scheduling, one entry per block (ERTS's blocker lists).
#[derive(Default)]
struct Blockers {
    all: Vec<u64>,
    normal: Vec<u64>,
}

impl Blockers {
    fn state(&self) -> Term {
        if !self.all.is_empty() {
            atom::atom("blocked")
        } else if !self.normal.is_empty() {
            atom::atom("blocked_normal")
        } else {
            atom::atom("enabled")
        }
    }
}

/// One CPU of a user-defined topology: node, processor, processor_node, core, thread,
/// logical (ERTS's `erts_cpu_topology_t`; -1 for none).
type Cpu = [i64; 6];

/// The settings `erlang:system_flag/2` changes.
pub struct SystemFlags {
    backtrace_depth: AtomicUsize,
    min_heap_size: AtomicUsize,
    min_bin_vheap_size: AtomicUsize,
    fullsweep_after: AtomicU32,
    max_heap_size: Mutex<MaxHeapSize>,
    trace_control_word: AtomicU32,
    microstate_accounting: AtomicBool,
    outstanding_requests_limit: AtomicU32,
    /// `logger`, `undefined` or a local pid: immediates only.
    system_logger: Mutex<Term>,
    blockers: Mutex<Blockers>,
    /// The topology set through `cpu_topology` (none is detected).
    cpu_topology: Mutex<Option<Vec<Cpu>>>,
}

impl Default for SystemFlags {
    fn default() -> Self {
        Self::new()
    }
}

impl SystemFlags {
    pub fn new() -> SystemFlags {
        let gc = GcSettings::default();
        SystemFlags {
            backtrace_depth: AtomicUsize::new(8),
            min_heap_size: AtomicUsize::new(gc.min_heap_size),
            min_bin_vheap_size: AtomicUsize::new(gc.min_bin_vheap_size),
            fullsweep_after: AtomicU32::new(gc.fullsweep_after),
            max_heap_size: Mutex::new(MaxHeapSize::default()),
            trace_control_word: AtomicU32::new(0),
            microstate_accounting: AtomicBool::new(false),
            // ERTS: twice the schedulers.
            outstanding_requests_limit: AtomicU32::new(2 * SCHEDULERS as u32),
            system_logger: Mutex::new(atom::atom("logger")),
            blockers: Mutex::new(Blockers::default()),
            cpu_topology: Mutex::new(None),
        }
    }

    /// Frames in a stack trace (ERTS's `erts_backtrace_depth`, default 8).
    pub fn backtrace_depth(&self) -> usize {
        self.backtrace_depth.load(Relaxed)
    }
    pub fn min_heap_size(&self) -> usize {
        self.min_heap_size.load(Relaxed)
    }
    pub fn min_bin_vheap_size(&self) -> usize {
        self.min_bin_vheap_size.load(Relaxed)
    }
    pub fn fullsweep_after(&self) -> u32 {
        self.fullsweep_after.load(Relaxed)
    }
    pub fn max_heap_size(&self) -> MaxHeapSize {
        *self.max_heap_size.lock()
    }
    pub fn trace_control_word(&self) -> u32 {
        self.trace_control_word.load(Relaxed)
    }
    pub fn outstanding_requests_limit(&self) -> u32 {
        self.outstanding_requests_limit.load(Relaxed)
    }

    /// The collection settings of a new process: `base` with the flags' defaults.
    pub fn process_gc_settings(&self, base: GcSettings) -> GcSettings {
        GcSettings {
            min_heap_size: self.min_heap_size(),
            min_bin_vheap_size: self.min_bin_vheap_size(),
            fullsweep_after: self.fullsweep_after(),
            ..base
        }
    }

    /// The VM has `n` schedulers: ERTS's default limit of outstanding system requests is
    /// twice that.
    pub fn set_scheduler_count(&self, n: usize) {
        self.outstanding_requests_limit.store(2 * n as u32, Relaxed);
    }

    /// The processes blocking multi-scheduling (all, or normal only), one entry per block,
    /// as ERTS lists them (`multi_scheduling_blockers`).
    pub fn blockers(&self, normal: bool) -> Vec<u64> {
        let b = self.blockers.lock();
        let mut v = if normal { b.normal.clone() } else { b.all.clone() };
        v.dedup();
        v
    }

    /// `enabled`, `blocked` or `blocked_normal` (`system_info(multi_scheduling)`).
    pub fn multi_scheduling(&self) -> Term {
        self.blockers.lock().state()
    }

    /// A process exited: its blocks of multi-scheduling go. True if that was the last block.
    pub fn process_exited(&self, pid: u64) -> bool {
        let mut b = self.blockers.lock();
        if !b.all.is_empty() || !b.normal.is_empty() {
            b.all.retain(|&p| p != pid);
            b.normal.retain(|&p| p != pid);
            return b.all.is_empty() && b.normal.is_empty();
        }
        false
    }

    /// `system_info({cpu_topology, defined | detected | used})` in ERTS's internal form
    /// (a list of `{cpu, ...}` records, or `undefined`); none is detected here.
    pub fn cpu_topology(&self, h: &mut impl Alloc, which: &str) -> Term {
        match which {
            "defined" | "used" => match &*self.cpu_topology.lock() {
                Some(cpus) => cpus_term(h, cpus),
                None => am::UNDEFINED,
            },
            _ => am::UNDEFINED,
        }
    }
}

/// ERTS's heap sizes (erl_gc.c): 12, 38, then each the sum of the two before plus one, and
/// from the 24th on 20% more than the one before, up to 2^50 words; the least one holding
/// `words` (the largest for more).
pub fn erts_next_heap_size(words: u64) -> u64 {
    let (mut a, mut b) = (12u64, 38u64);
    if words <= a {
        return a;
    }
    let mut i = 1;
    while b < words {
        let next = if i < 22 { a + b + 1 } else { b + b / 5 };
        if next > 1 << 50 {
            return b;
        }
        (a, b) = (b, next);
        i += 1;
    }
    b
}

fn system_flag_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let (flag, value) = (a[0], a[1]);
    let name = if flag.is_atom() { atom::name(flag) } else { "" };
    let vm = ctx.vm;
    let flags = &vm.flags;
    let t = match name {
        "backtrace_depth" => {
            let n = non_negative(value)?.min(MAX_BACKTRACE_DEPTH as i64);
            Term::small(flags.backtrace_depth.swap(n as usize, Relaxed) as i64)
        }
        "schedulers_online" => match value.as_small() {
            Some(n) if n >= 1 && n as usize <= vm.sched.count() => {
                Term::small(vm.sched.set_online(n as usize, &*vm.platform) as i64)
            }
            _ => return super::badarg_r(),
        },
        // No dirty schedulers: one is reported, and that is all that can be online.
        "dirty_cpu_schedulers_online" => match value.as_small() {
            Some(n) if n == SCHEDULERS => Term::small(SCHEDULERS),
            _ => return super::badarg_r(),
        },
        "fullsweep_after" => {
            let n = non_negative(value)?.min(u16::MAX as i64);
            Term::small(flags.fullsweep_after.swap(n as u32, Relaxed) as i64)
        }
        "min_heap_size" => {
            let n = erts_next_heap_size(non_negative(value)? as u64);
            Term::small(flags.min_heap_size.swap(n as usize, Relaxed) as i64)
        }
        "min_bin_vheap_size" => {
            let n = erts_next_heap_size(non_negative(value)? as u64);
            Term::small(flags.min_bin_vheap_size.swap(n as usize, Relaxed) as i64)
        }
        "max_heap_size" => {
            let mut current = flags.max_heap_size.lock();
            let new = parse_max_heap_size(value, *current).ok_or_else(super::badarg)?;
            if new.size != 0 && new.size < flags.min_heap_size() as u64 {
                return super::badarg_r();
            }
            let old = core::mem::replace(&mut *current, new);
            drop(current);
            old.to_map(ctx.heap())
        }
        "multi_scheduling" => return multi_scheduling(ctx, value),
        "trace_control_word" => {
            let v = super::binary::term_to_u64(value).and_then(|v| u32::try_from(v).ok()).ok_or_else(super::badarg)?;
            Term::small(flags.trace_control_word.swap(v, Relaxed) as i64)
        }
        "erts_alloc" => erts_alloc(value)?,
        "time_offset" if value == atom::atom("finalize") => atom::atom("final"),
        "scheduler_bind_type" => {
            if value == atom::atom("unbound") {
                atom::atom("unbound")
            } else {
                return Err(Exc::Error(atom::atom("notsup")));
            }
        }
        "cpu_topology" => {
            // ERTS traps to erlang:set_cpu_topology/1, which converts the topology and
            // calls back with internal_cpu_topology.
            return Err(Exc::CallMfa { module: am::ERLANG, function: atom::atom("set_cpu_topology"), args: alloc::vec![value] });
        }
        "internal_cpu_topology" => set_cpu_topology(ctx, value)?,
        "microstate_accounting" => {
            let old = flags.microstate_accounting.load(Relaxed);
            if value == am::TRUE || value == am::FALSE {
                flags.microstate_accounting.store(value == am::TRUE, Relaxed);
            } else if value != atom::atom("reset") {
                return super::badarg_r();
            }
            atom::bool_atom(old)
        }
        "outstanding_system_requests_limit" => match super::binary::term_to_u64(value) {
            Some(v @ 1..=MAX_OUTSTANDING_REQUESTS) => {
                Term::small(flags.outstanding_requests_limit.swap(v as u32, Relaxed) as i64)
            }
            _ => return super::badarg_r(),
        },
        "system_logger" => {
            if !(value == atom::atom("logger") || value == am::UNDEFINED || value.is_local_pid()) {
                return super::badarg_r();
            }
            core::mem::replace(&mut *flags.system_logger.lock(), value)
        }
        "sequential_tracer" if value == am::FALSE => am::FALSE,
        "debug_flags" | "reset_seq_trace" => am::TRUE,
        "scheduling_statistics" => match atom_str(value) {
            "disable" | "enable" | "clear" => am::TRUE,
            _ => return super::badarg_r(),
        },
        "sequential_tracer" => return super::badarg_r(),
        _ => return Err(Exc::ErrorCause { reason: am::BADARG, cause: atom::atom("badopt") }),
    };
    Ok(t)
}

fn atom_str(t: Term) -> &'static str {
    if t.is_atom() {
        atom::name(t)
    } else {
        ""
    }
}

/// A small non-negative integer, else badarg.
fn non_negative(t: Term) -> Result<i64, Exc> {
    match t.as_small() {
        Some(n) if n >= 0 => Ok(n),
        _ => super::badarg_r(),
    }
}

/// ERTS's `erts_max_heap_size`: a size, or a map with a mandatory `size` and optional `kill`
/// and `error_logger` (the flags not given stay as they are).
pub fn parse_max_heap_size(t: Term, current: MaxHeapSize) -> Option<MaxHeapSize> {
    let mut new = current;
    let size = if let Some(n) = t.as_small() {
        n
    } else if t.is_map() {
        let get = |k: Term| crate::map::get(t, k);
        let size = get(atom::atom("size"))?.as_small()?;
        for (key, slot) in [(am::KILL, &mut new.kill), (atom::atom("error_logger"), &mut new.error_logger)] {
            match get(key) {
                Some(v) if v == am::TRUE || v == am::FALSE => *slot = v == am::TRUE,
                Some(_) => return None,
                None => {}
            }
        }
        size
    } else {
        return None;
    };
    new.size = u64::try_from(size).ok()?;
    Some(new)
}

/// `multi_scheduling`: block or unblock (normal or all), counted per process.
fn multi_scheduling(ctx: &mut Ctx, value: Term) -> BifResult {
    let (block, normal) = match atom_str(value) {
        "block" => (true, false),
        "unblock" => (false, false),
        "block_normal" => (true, true),
        "unblock_normal" => (false, true),
        _ => return super::badarg_r(),
    };
    let pid = ctx.proc.pid.pid_number();
    let mut b = ctx.vm.flags.blockers.lock();
    let list = if normal { &mut b.normal } else { &mut b.all };
    if block {
        list.push(pid);
    } else if let Some(i) = list.iter().position(|&p| p == pid) {
        list.remove(i);
    }
    let blocked = !b.all.is_empty() || !b.normal.is_empty();
    let state = b.state();
    drop(b);
    ctx.vm.sched.set_blocked(blocked, &*ctx.vm.platform);
    Ok(state)
}

/// `erts_alloc`: `{Allocator, Parameter, Integer}`; nothing can be changed here, so a known
/// allocator answers `notsup` (ERTS's answer for a parameter it cannot set).
fn erts_alloc(value: Term) -> BifResult {
    const ALLOCATORS: &[&str] = &[
        "sys_alloc", "temp_alloc", "sl_alloc", "std_alloc", "ll_alloc", "eheap_alloc", "ets_alloc", "fix_alloc",
        "literal_alloc", "binary_alloc", "driver_alloc", "test_alloc",
    ];
    match terms::tuple_elems(value) {
        Some(&[alloc, param, v]) if alloc.is_atom() && param.is_atom() && v.is_integer() => {
            if !ALLOCATORS.contains(&atom::name(alloc)) {
                return super::badarg_r();
            }
            if atom::name(param) == "sbct" && super::binary::term_to_u64(v).is_none() {
                return super::badarg_r();
            }
            Ok(atom::atom("notsup"))
        }
        _ => super::badarg_r(),
    }
}

/// `internal_cpu_topology`: `undefined` or a list of `{cpu, Node, Processor, ProcessorNode,
/// Core, Thread, Logical}` checked as ERTS's `erts_set_cpu_topology` and `verify_topology`
/// do; returns the topology in use before, in internal form.
fn set_cpu_topology(ctx: &mut Ctx, value: Term) -> BifResult {
    let new = if value == am::UNDEFINED {
        None
    } else {
        Some(parse_topology(value).ok_or_else(super::badarg)?)
    };
    let old = core::mem::replace(&mut *ctx.vm.flags.cpu_topology.lock(), new);
    Ok(match old {
        Some(cpus) => cpus_term(ctx.heap(), &cpus),
        None => am::UNDEFINED,
    })
}

fn parse_topology(t: Term) -> Option<Vec<Cpu>> {
    let mut cpus = Vec::new();
    for e in terms::list_to_vec(t)? {
        let f = terms::tuple_elems(e)?;
        if f.len() != 7 || f[0] != atom::atom("cpu") {
            return None;
        }
        let mut cpu = [0i64; 6];
        for (slot, v) in cpu.iter_mut().zip(&f[1..]) {
            *slot = v.as_small().filter(|n| (-1..=MAX_CPU_TOPOLOGY_ID).contains(n))?;
        }
        cpus.push(cpu);
    }
    verify_topology(&mut cpus).then_some(cpus)
}

/// Unique logical ids, unique entities, and consistent NUMA nodes; sorts into processor order.
fn verify_topology(cpus: &mut [Cpu]) -> bool {
    let [node, processor, processor_node, core, thread, logical] = [0, 1, 2, 3, 4, 5];
    let mut ids: Vec<i64> = cpus.iter().map(|c| c[logical]).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return false;
    }
    let key = |c: &Cpu| (c[processor], c[node], c[processor_node], c[core], c[thread]);
    cpus.sort_by_key(key);
    if cpus.windows(2).any(|w| key(&w[0]) == key(&w[1])) {
        return false;
    }
    let Some(first) = cpus.first() else { return true };
    let no_nodes = first[node] < 0 && first[processor_node] < 0;
    let (mut last_node, mut last_processor) = (first[node], first[processor]);
    for c in &cpus[1..] {
        if no_nodes {
            if c[node] >= 0 || c[processor_node] >= 0 {
                return false;
            }
            continue;
        }
        if c[processor] == last_processor && c[node] != last_node {
            return false;
        }
        (last_node, last_processor) = (c[node], c[processor]);
        if (c[node] >= 0) == (c[processor_node] >= 0) {
            return false;
        }
    }
    true
}

fn cpus_term(h: &mut impl Alloc, cpus: &[Cpu]) -> Term {
    let cpu = atom::atom("cpu");
    let items: Vec<Term> = cpus
        .iter()
        .map(|c| {
            let mut f = [cpu; 7];
            for (slot, &v) in f[1..].iter_mut().zip(c) {
                *slot = Term::small(v);
            }
            terms::tuple(h, &f)
        })
        .collect();
    terms::list(h, &items)
}
