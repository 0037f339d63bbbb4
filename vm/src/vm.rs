//! The VM: code table, process table, run queue, timers, and the embedding API.
//!
//! ```no_run
//! # use beamos_vm::vm::Vm;
//! # fn demo(platform: Box<dyn beamos_vm::platform::Platform>) {
//! let vm = Vm::new(platform);
//! vm.add_code_path("/tmp/ebin");
//! let pid = vm.spawn_mfa("hello", "main", &[]).unwrap();
//! vm.run();
//! let result = vm.result_string(pid);
//! # }
//! ```
//!
//! Scheduling: [`Vm::run`] is one scheduler; an embedder with threads sets
//! [`Vm::set_schedulers`] and calls [`Vm::run_scheduler`] on that many threads (see
//! `crate::sched` for the run queues and how the threads agree that the run is over).

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use beamos_gc::collect::copy_to_fragment;
use beamos_gc::heap::GcSettings;
use beamos_gc::Term;
use hashbrown::HashMap;
use spin::{Mutex, RwLock};

use crate::atom::{self, am};
use crate::emu::instr::Instr;
use crate::emu::interp::{self, Outcome};
use crate::loader::{self, LoadError};
use crate::module::CodeTable;
use crate::platform::Platform;
use crate::process::{ProcShared, Process, Signal};
use crate::terms;

pub use crate::timers::Timer;

/// A hibernated process's code, its stack being `[cp = normal exit, Args, F, M]` (y0 = M):
/// `0: loop_rec 6 x3; 1-3: move y0..y2 to x0..x2; 4: deallocate 3; 5: call_ext_only apply/3;
/// 6: wait 0`. Labels are patched to the addresses of the boxed (never moving) instructions.
fn hibernate_code(apply: &'static crate::module::Export) -> Box<[Instr]> {
    use crate::emu::instr::{Dst, Src};
    let mut code = vec![
        Instr::LoopRec { fail: 0, dst: Dst::X(3) },
        Instr::Move { src: Src::Y(0), dst: Dst::X(0) },
        Instr::Move { src: Src::Y(1), dst: Dst::X(1) },
        Instr::Move { src: Src::Y(2), dst: Dst::X(2) },
        Instr::Deallocate { n: 3 },
        Instr::CallExtOnly { arity: 3, export: apply },
        Instr::Wait { target: 0 },
    ]
    .into_boxed_slice();
    let base = code.as_ptr() as usize;
    let size = core::mem::size_of::<Instr>();
    if let Instr::LoopRec { fail, .. } = &mut code[0] {
        *fail = base + 6 * size;
    }
    if let Instr::Wait { target } = &mut code[6] {
        *target = base;
    }
    code
}

/// Where a process is, as process_info's `status` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcState {
    Running,
    Runnable,
    Waiting,
}

/// How many times an idle scheduler looks for new work before it sleeps: adapted between
/// these bounds (see [`Vm::idle`]).
const IDLE_SPINS_MIN: u32 = 100;
const IDLE_SPINS_MAX: u32 = 8000;
/// Slices between two looks at the clock for due timers (see [`Vm::run_scheduler`]).
const CLOCK_EVERY: u32 = 15;
/// A sleep shorter than this (ns) means work comes often: spin longer next time.
const SHORT_SLEEP_NS: u64 = 200_000;

/// Where [`Vm::with_process`] found a process.
pub enum Rest<R> {
    /// Parked or queued: the closure's result.
    Found(R),
    /// Running on a scheduler (or exiting) now: ask again later.
    Busy,
    /// Not alive.
    Gone,
}

impl<R> Rest<R> {
    /// The result, treating a busy process as `None` too (for callers that can wait
    /// no better, such as `erlang:memory/0`).
    pub fn found(self) -> Option<R> {
        match self {
            Rest::Found(r) => Some(r),
            _ => None,
        }
    }
}

/// How a run of the VM ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// `erlang:halt/1` was called with this status.
    Halt(i32),
    /// No process can run and no timer is pending.
    Idle,
}

pub struct Vm {
    pub code: CodeTable,
    pub platform: Box<dyn Platform>,
    code_path: RwLock<Vec<String>>,
    /// Module bytes given through the API (and the kernel image), searched before the path.
    module_bytes: RwLock<HashMap<String, Vec<u8>>>,
    procs: RwLock<HashMap<u64, Arc<ProcShared>>>,
    registry: RwLock<HashMap<Term, u64>>,
    /// Active process aliases: reference id → owner's process id.
    aliases: Mutex<HashMap<u128, u64>>,
    pub sched: crate::sched::Schedulers,
    /// A timer wheel per scheduler.
    timers: crate::timers::Timers,
    /// Held while a module is found and loaded on first call, so two schedulers calling an
    /// unloaded module at once load it once.
    loading: Mutex<()>,
    next_pid: AtomicU64,
    next_ref: AtomicU64,
    next_unique: AtomicU64,
    /// Live system processes (erts_internal:spawn_system_process/3): they do not keep an
    /// idle VM running.
    system_procs: AtomicU64,
    halted: Mutex<Option<i32>>,
    /// Results of processes spawned through the API: (returned normally, value, its storage).
    results: Mutex<HashMap<u64, (bool, Term, beamos_gc::heap::Fragment)>>,
    /// `[NormalExit]` (the continuation of every initial call) and the spawn trampoline.
    exit_code: Box<[Instr]>,
    start_code: Box<[Instr]>,
    /// Where a hibernating process resumes (erlang:hibernate/3): wait for a message without
    /// taking it, then `apply(M, F, Args)` (kept in y0..y2) on an empty stack, then exit.
    hibernate_code: Box<[Instr]>,
    /// Collection settings of new processes; their `min_heap_size`, `min_bin_vheap_size` and
    /// `fullsweep_after` come from `flags` (erlang:system_flag/2).
    pub gc_settings: GcSettings,
    /// What erlang:system_flag/2 sets (bif/system_flag.rs).
    pub flags: crate::bif::system_flag::SystemFlags,
    pub start_ns: u64,
    /// ETS tables.
    pub ets: crate::ets::Registry,
    /// The switches of erts_debug:set_internal_state/2.
    pub debug: crate::bif::debug::DebugState,
    /// zlib streams (bif/zlib.rs).
    pub zlib: crate::bif::zlib::Streams,
    /// Live resources by reference id (`atomics`, `counters`; see crate::resource).
    pub resources: crate::resource::Table,
    /// Open files (bif/prim_file.rs) and prim_buffer queues (bif/prim_buffer.rs).
    pub files: crate::bif::prim_file::Files,
    pub prim_buffers: crate::bif::prim_buffer::Buffers,
    /// Modules prepared by `erts_internal:prepare_loading/2`, by reference id.
    prepared: Mutex<HashMap<u64, Prepared>>,
    next_prepared: AtomicU64,
}

type Prepared = (crate::module::Module, Vec<(Term, u32, usize)>);

// SAFETY: all shared state is behind locks or atomics; processes move between threads whole.
unsafe impl Sync for Vm {}
// SAFETY: as above.
unsafe impl Send for Vm {}

impl Vm {
    pub fn new(platform: Box<dyn Platform>) -> Vm {
        atom::init();
        let code = CodeTable::new();
        let apply = code.export(am::ERLANG, am::APPLY, 3);
        let start_ns = platform.monotonic_ns();
        Vm {
            code,
            platform,
            code_path: RwLock::new(Vec::new()),
            module_bytes: RwLock::new(HashMap::new()),
            procs: RwLock::new(HashMap::new()),
            registry: RwLock::new(HashMap::new()),
            aliases: Mutex::new(HashMap::new()),
            debug: Default::default(),
            sched: crate::sched::Schedulers::new(1),
            timers: crate::timers::Timers::new(1),
            loading: Mutex::new(()),
            next_pid: AtomicU64::new(0),
            next_ref: AtomicU64::new(1),
            next_unique: AtomicU64::new(1),
            system_procs: AtomicU64::new(0),
            halted: Mutex::new(None),
            results: Mutex::new(HashMap::new()),
            exit_code: vec![Instr::NormalExit].into_boxed_slice(),
            start_code: vec![Instr::CallExtOnly { arity: 3, export: apply }].into_boxed_slice(),
            hibernate_code: hibernate_code(apply),
            gc_settings: GcSettings::default(),
            flags: crate::bif::system_flag::SystemFlags::new(),
            start_ns,
            ets: crate::ets::Registry::new(),
            zlib: crate::bif::zlib::Streams::new(),
            resources: crate::resource::Table::new(),
            files: crate::bif::prim_file::Files::new(),
            prim_buffers: crate::bif::prim_buffer::Buffers::new(),
            prepared: Mutex::new(HashMap::new()),
            next_prepared: AtomicU64::new(1),
        }
    }

    /// The continuation a hibernating process resumes at (see `hibernate_code`).
    pub fn hibernate_entry(&self) -> *const Instr {
        self.hibernate_code.as_ptr()
    }

    /// Whether `ip` is in the hibernate continuation (process_info shows erlang:hibernate/3).
    pub fn is_hibernating_at(&self, ip: *const Instr) -> bool {
        self.hibernate_code.as_ptr_range().contains(&ip)
    }

    /// The continuation that ends a process normally (where initial calls return).
    pub fn exit_entry(&self) -> *const Instr {
        self.exit_code.as_ptr()
    }

    pub fn add_code_path(&self, dir: &str) {
        self.code_path.write().push(String::from(dir));
    }
    pub fn prepend_code_path(&self, dir: &str) {
        self.code_path.write().insert(0, String::from(dir));
    }
    pub fn code_path(&self) -> Vec<String> {
        self.code_path.read().clone()
    }

    /// Registers module bytes to load on demand (searched before the code path).
    pub fn add_module_bytes(&self, name: &str, bytes: Vec<u8>) {
        self.module_bytes.write().insert(String::from(name), bytes);
    }

    /// Loads a module from .beam bytes and makes it current.
    pub fn load_module(&self, bytes: &[u8]) -> Result<Term, LoadError> {
        let (module, exports) = loader::load(self, bytes)?;
        let name = module.name;
        self.code.install(module, exports).map_err(|_| LoadError::NotPurged)?;
        Ok(name)
    }

    /// Keeps a translated module until [`Vm::finish_prepared`]; returns its id.
    pub fn prepare(&self, m: crate::module::Module, exports: Vec<(Term, u32, usize)>) -> u64 {
        let id = self.next_prepared.fetch_add(1, Ordering::Relaxed);
        self.prepared.lock().insert(id, (m, exports));
        id
    }

    /// The name of prepared module `id`.
    pub fn prepared_module(&self, id: u64) -> Option<Term> {
        self.prepared.lock().get(&id).map(|(m, _)| m.name)
    }

    /// Whether prepared module `id` has an `-on_load` function.
    pub fn prepared_on_load(&self, id: u64) -> Option<bool> {
        self.prepared.lock().get(&id).map(|(m, _)| m.on_load.is_some())
    }

    /// Installs prepared module `id` as the current version.
    pub fn finish_prepared(&self, id: u64) -> Result<Term, LoadError> {
        let (m, exports) = self.prepared.lock().remove(&id).ok_or(LoadError::NotFound)?;
        let name = m.name;
        self.code.install(m, exports).map_err(|_| LoadError::NotPurged)?;
        Ok(name)
    }

    /// Makes sure `module` is loaded, searching the module bytes and the code path.
    pub fn ensure_loaded(&self, module: Term) -> Result<(), LoadError> {
        if self.code.module(module).is_some() {
            return Ok(());
        }
        let _loading = self.loading.lock();
        if self.code.module(module).is_some() {
            return Ok(());
        }
        let name = atom::name(module);
        let bytes = self.module_bytes.read().get(name).cloned();
        let (bytes, path) = match bytes {
            Some(b) => (b, format!("{name}.beam")),
            None => self.find_beam(name).ok_or(LoadError::NotFound)?,
        };
        let r = match self.load_module(&bytes) {
            Ok(loaded) if loaded == module => Ok(()),
            Ok(_) => Err(LoadError::WrongModuleName),
            Err(LoadError::NotPurged) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = &r {
            // As ERTS's loader and code server report it; the caller then sees `undef`.
            let msg = format!("=ERROR REPORT==== Loading of {path} failed: {e}\n\n");
            self.platform.write_stderr(msg.as_bytes());
        }
        r
    }

    /// The bytes of `name`.beam from the first code path directory that has it, and its path.
    fn find_beam(&self, name: &str) -> Option<(Vec<u8>, String)> {
        let dirs = self.code_path.read().clone();
        for d in dirs {
            let path = format!("{}/{}.beam", d, name);
            if let Ok(b) = self.platform.read_file(&path) {
                return Some((b, path));
            }
        }
        None
    }

    /// Spawns `M:F(Args)` with arguments given as Rust integers/atoms built by `build`.
    pub fn spawn_mfa(&self, module: &str, function: &str, args: &[Term]) -> Result<Term, LoadError> {
        let m = atom::atom(module);
        let f = atom::atom(function);
        Ok(self.spawn_process(m, f, args, None, |p| p.keep_result = true))
    }

    /// Creates a process running `apply(M, F, Args)`; `args` are copied into its heap.
    pub fn spawn_process(
        &self,
        module: Term,
        function: Term,
        args: &[Term],
        parent: Option<&Process>,
        setup: impl FnOnce(&mut Process),
    ) -> Term {
        let id = self.next_pid.fetch_add(1, Ordering::Relaxed);
        let mut p = Box::new(Process::new(id, self.flags.process_gc_settings(self.gc_settings)));
        p.max_heap_size = self.flags.max_heap_size();
        let mut copied = Vec::with_capacity(args.len());
        for &a in args {
            copied.push(terms::copy_into(&mut p.heap, a));
        }
        let arg_list = terms::list(&mut p.heap, &copied);
        p.saved_x = vec![module, function, arg_list];
        p.ip = self.start_code.as_ptr();
        p.cp = self.exit_code.as_ptr();
        p.initial_call = (module, function, args.len() as u32);
        if let Some(parent) = parent {
            p.group_leader = parent.group_leader;
            p.sched = parent.sched;
        } else {
            p.group_leader = p.pid;
        }
        setup(&mut p);
        let pid = p.pid;
        self.procs.write().insert(id, p.shared.clone());
        self.enqueue(p);
        pid
    }

    /// Sets the number of scheduler threads the embedder will run (`+S`); processes
    /// already queued move to the first.
    pub fn set_schedulers(&mut self, n: usize) {
        let fresh = crate::sched::Schedulers::new(n);
        self.flags.set_scheduler_count(fresh.count());
        let old = core::mem::replace(&mut self.sched, fresh);
        let timers = core::mem::replace(&mut self.timers, crate::timers::Timers::new(1));
        self.timers = timers.resized(n);
        for i in 0..old.count() {
            while let Some(mut p) = old.pop(i) {
                p.sched = 0;
                self.sched.push(p, &*self.platform);
            }
        }
    }

    /// Makes a process body runnable.
    pub fn enqueue(&self, p: Box<Process>) {
        self.sched.push(p, &*self.platform);
    }

    pub fn is_alive(&self, pid: Term) -> bool {
        pid.is_local_pid() && self.procs.read().contains_key(&pid.pid_number())
    }

    pub fn process_count(&self) -> usize {
        self.procs.read().len()
    }

    pub fn all_pids(&self) -> Vec<Term> {
        let mut v: Vec<u64> = self.procs.read().keys().copied().collect();
        v.sort_unstable();
        v.into_iter().map(Term::pid).collect()
    }

    pub fn shared(&self, pid: Term) -> Option<Arc<ProcShared>> {
        if !pid.is_local_pid() {
            return None;
        }
        self.procs.read().get(&pid.pid_number()).cloned()
    }

    /// Marks a process as a system process (see `system_procs`).
    pub fn mark_system(&self, p: &mut Process) {
        if !p.system {
            p.system = true;
            self.system_procs.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Runs `f` on process `pid` where it rests (parked or in a run queue), with the signals
    /// still in its inbox. [`Rest::Busy`] while a scheduler runs it (or it is exiting): the
    /// caller yields and asks again (see [`crate::bif::Ctx::retry_later`]).
    pub fn with_process<R>(&self, pid: Term, f: impl FnOnce(&Process, ProcState, &VecDeque<Signal>) -> R) -> Rest<R> {
        let Some(sh) = self.shared(pid) else { return Rest::Gone };
        let inbox = sh.inbox.lock();
        if let Some(p) = sh.parked.lock().as_deref() {
            return Rest::Found(f(p, ProcState::Waiting, &inbox));
        }
        let mut f = Some(f);
        if let Some(r) = self.sched.with_queued(sh.id, |p| (f.take().unwrap())(p, ProcState::Runnable, &inbox)) {
            return Rest::Found(r);
        }
        if sh.exited.load(Ordering::Acquire) {
            Rest::Gone
        } else {
            Rest::Busy
        }
    }

    /// Sends a signal; makes the receiver runnable if it was waiting. False if it is gone;
    /// then (or when it is exiting) a link, monitor or system task is answered as a dead
    /// process answers it (an exit signal or 'DOWN' with reason `noproc`, a refusal), so a
    /// process that dies between a caller's check and its signal loses nothing.
    pub fn send_signal(&self, to: Term, s: Signal) -> bool {
        self.send_signal_hinted(to, s, None)
    }

    /// [`Vm::send_signal`] from a process running on scheduler `from`: a receiver it wakes
    /// whose own scheduler sleeps joins `from`'s queue instead (it runs when the sender's
    /// slice ends, with no wake-up of a sleeping thread; a pair of processes talking to each
    /// other stays on one scheduler, as ERTS's run-queue balancing keeps them).
    pub fn send_signal_hinted(&self, to: Term, s: Signal, from: Option<u32>) -> bool {
        let Some(sh) = self.shared(to) else {
            if to.is_local_pid() {
                self.answer_for_exited(to, s, am::NOPROC);
            }
            return false;
        };
        match sh.deliver(s) {
            Ok(Some(mut body)) => {
                if let Some(f) = from {
                    if body.sched != f && self.sched.is_asleep(body.sched as usize) {
                        body.sched = f;
                    }
                }
                self.enqueue(body)
            }
            Ok(None) => {}
            // It is exiting: a link or monitor it will never handle is answered now.
            Err(s) => self.answer_for_exited(to, s, am::NOPROC),
        }
        true
    }

    /// Sends a copy of `msg` to `to` (a pid). Returns false if there is no such process.
    pub fn send_message(&self, to: Term, msg: Term) -> bool {
        self.send_message_from(None, to, msg)
    }

    /// [`Vm::send_message`] by a process running on scheduler `from` (see
    /// [`Vm::send_signal_hinted`]).
    pub fn send_message_from(&self, from: Option<u32>, to: Term, msg: Term) -> bool {
        let s = if msg.is_immediate() {
            Signal::Message(msg, None)
        } else {
            let (t, f) = copy_to_fragment(msg);
            Signal::Message(t, Some(f))
        };
        self.send_signal_hinted(to, s, from)
    }

    pub fn register(&self, name: Term, pid: Term) -> bool {
        let mut r = self.registry.write();
        if r.contains_key(&name) {
            return false;
        }
        r.insert(name, pid.pid_number());
        true
    }
    pub fn unregister(&self, name: Term) -> bool {
        self.registry.write().remove(&name).is_some()
    }
    pub fn whereis(&self, name: Term) -> Option<Term> {
        self.registry.read().get(&name).map(|&n| Term::pid(n))
    }
    /// The name `pid` is registered under (by itself or by another process).
    pub fn registered_name_of(&self, pid: Term) -> Option<Term> {
        let n = pid.pid_number();
        self.registry.read().iter().find(|&(_, &owner)| owner == n).map(|(&name, _)| name)
    }
    pub fn registered(&self) -> Vec<Term> {
        self.registry.read().keys().copied().collect()
    }

    pub fn make_ref_id(&self) -> u128 {
        let n = self.next_ref.fetch_add(1, Ordering::Relaxed) as u128;
        n | (0x2000_0000u128 << 64)
    }
    /// A new alias of `p` in `mode`: its reference id, routed to `p` until deactivated.
    pub fn alias_create(&self, p: &mut Process, mode: crate::process::AliasMode) -> u128 {
        let id = self.make_ref_id();
        self.aliases.lock().insert(id, p.id);
        p.aliases.push((id, mode));
        id
    }
    /// Deactivates alias `id` of `p`, in `p` and in the routing table. Returns whether it
    /// was active.
    pub fn alias_deactivate(&self, p: &mut Process, id: u128) -> bool {
        let was = p.drop_alias(id);
        if was {
            self.aliases.lock().remove(&id);
        }
        was
    }
    /// The monitor of `p` with reference `r` is gone: an alias tied to it (`{alias, demonitor}`
    /// or `reply_demonitor`) goes too.
    pub fn monitor_alias_gone(&self, p: &mut Process, r: Term) {
        use crate::process::AliasMode;
        if let Some(id) = terms::ref_id(r) {
            if matches!(p.alias_mode(id), Some(AliasMode::Demonitor | AliasMode::ReplyDemonitor)) {
                self.alias_deactivate(p, id);
            }
        }
    }
    /// Sends `msg` through alias `id`; dropped if the alias is gone.
    pub fn send_to_alias(&self, id: u128, msg: Term) {
        let Some(owner) = self.aliases.lock().get(&id).copied() else { return };
        let (msg, frag) = if msg.is_immediate() {
            (msg, None)
        } else {
            let (t, f) = copy_to_fragment(msg);
            (t, Some(f))
        };
        self.send_signal(Term::pid(owner), Signal::AliasMessage { alias: id, msg, frag });
    }
    pub fn unique_integer(&self) -> u64 {
        self.next_unique.fetch_add(1, Ordering::Relaxed)
    }

    pub fn now_ns(&self) -> u64 {
        self.platform.monotonic_ns()
    }

    /// Arms a receive timer for process `pid`, in the wheel of scheduler `sched`; returns
    /// its id.
    pub fn add_timer(&self, sched: u32, deadline: u64, pid: u64, seq: u64) -> u64 {
        let (id, earlier) = self.timers.arm(sched as usize, self.now_ns(), deadline, Timer::Receive { pid, seq }, 0);
        if earlier {
            // An idle scheduler may be sleeping towards a later deadline (or none).
            self.sched.bump(&*self.platform);
        }
        id
    }

    /// Drops process `pid`'s receive timer `id`, whose receive took a message.
    pub fn drop_receive_timer(&self, id: u64, pid: u64) {
        self.timers.drop_receive(id, pid);
    }

    /// A new message timer reference, for a timer in the wheel of scheduler `sched`.
    pub fn timer_ref(&self, sched: u32) -> u128 {
        self.timers.new_ref(sched as usize)
    }

    /// Arms the message timer (send_after, start_timer) `ref_id` names.
    pub fn arm_message(&self, ref_id: u128, deadline: u64, dest: Term, msg: Term, frag: Option<beamos_gc::heap::Fragment>) {
        if self.timers.arm_ref(ref_id, self.now_ns(), deadline, Timer::Send { dest, msg, frag }) {
            self.sched.bump(&*self.platform);
        }
    }

    /// Cancels a message timer by its reference id; returns the nanoseconds that were left.
    pub fn cancel_timer(&self, ref_id: u128, read_only: bool) -> Option<u64> {
        self.timers.cancel(ref_id, self.now_ns(), read_only)
    }

    pub fn halt(&self, status: i32) {
        *self.halted.lock() = Some(status);
    }

    pub fn halted(&self) -> Option<i32> {
        *self.halted.lock()
    }

    /// Runs processes on this thread as the only scheduler, until `halt` or until nothing
    /// can run.
    pub fn run(&self) -> RunEnd {
        self.sched.restart();
        self.run_scheduler(0)
    }

    /// Scheduler `me`'s loop, run by one thread for each of [`Vm::set_schedulers`]: until
    /// `halt` or until no process can run (every scheduler then returns the same end).
    pub fn run_scheduler(&self, me: usize) -> RunEnd {
        let mut x = vec![Term::NIL; interp::X_REGS].into_boxed_slice();
        let mut fr = Box::new([0.0f64; interp::F_REGS]);
        let mut spins = IDLE_SPINS_MIN;
        let mut clock_skip = 0u32;
        loop {
            if let Some(e) = self.sched.ended() {
                return e;
            }
            if let Some(s) = self.halted() {
                return self.sched.finish(RunEnd::Halt(s), &*self.platform);
            }
            // Timers are looked at before a slice, but the clock is read only every few
            // short slices (a slice that ran its reductions out, or an idle turn, makes the
            // next look at once): a ring passing one message per slice would read it per hop.
            if clock_skip == 0 {
                self.fire_timers();
                clock_skip = CLOCK_EVERY;
            } else {
                clock_skip -= 1;
            }
            let Some(mut p) = self.sched.pop(me) else {
                clock_skip = 0;
                if let Some(e) = self.idle(me, &mut spins) {
                    return e;
                }
                continue;
            };
            p.sched = me as u32;
            if p.shared.suspended.load(Ordering::Acquire) > 0 {
                // Suspended: its signals are handled (an exit still ends it), its code waits
                // for resume_process/1 (or for its suspender's exit).
                match crate::emu::receive::handle_signals(self, &mut p, &mut []) {
                    Some(Outcome::Exit(reason)) => self.process_exit(p, reason),
                    _ => self.park_suspended(p),
                }
                self.sched.done();
                continue;
            }
            self.sched.set_busy(me, true);
            let mut outcome = interp::run_slice(self, &mut p, &mut x, &mut fr);
            self.sched.set_busy(me, false);
            if let Some(total) = p.max_heap_reached.take() {
                self.report_max_heap(&p, total);
            }
            if let (Outcome::Yield | Outcome::Park, Some(r)) = (&outcome, p.pending_exit) {
                // Killed by its own collection (max_heap_size): it ends with this slice.
                p.pending_exit = None;
                outcome = Outcome::Exit(r);
            }
            match outcome {
                Outcome::Yield => {
                    clock_skip = 0;
                    self.enqueue(p)
                }
                Outcome::Park => self.park(p),
                Outcome::Exit(reason) => self.process_exit(p, reason),
                Outcome::Halt(s) => {
                    self.halt(s);
                    drop(p);
                }
            }
            self.sched.done();
        }
    }

    /// Nothing for scheduler `me` to run: sleep until there is, or end the run when nothing
    /// can ever run again (no process runnable or running, and no user process left or no
    /// timer to wake one).
    ///
    /// Before sleeping it watches for work for `spins` rounds, a budget that doubles when
    /// work came during the watch or soon after a sleep began (a producer on another
    /// scheduler, a spawner or a sender, keeps it busy: a sleep and a wake-up cost two system
    /// calls each time) and halves when a sleep was long (so an idle VM does not burn CPU).
    fn idle(&self, me: usize, spins: &mut u32) -> Option<RunEnd> {
        let seen = self.sched.epoch();
        if self.sched.pop_possible(me) {
            return None;
        }
        let next = self.timers.next_deadline();
        let timer = (next != u64::MAX).then_some(next);
        if self.sched.pending() == 0 {
            let only_system = self.procs.read().len() as u64 <= self.system_procs.load(Ordering::SeqCst);
            if only_system || timer.is_none() {
                // Over, unless something was queued or armed during the check.
                if self.sched.pending() == 0 && self.sched.epoch() == seen {
                    return Some(self.sched.finish(RunEnd::Idle, &*self.platform));
                }
                return None;
            }
        }
        // Others are running: work often follows within microseconds (a reply, a spawn), and
        // a sleep and wake-up costs two system calls, so watch the epoch a little first.
        if self.sched.pending() > 0 {
            for _ in 0..*spins {
                if self.sched.epoch() != seen {
                    *spins = (*spins * 2).min(IDLE_SPINS_MAX);
                    return None;
                }
                core::hint::spin_loop();
            }
        }
        let t0 = self.platform.monotonic_ns();
        self.sched.sleep(me, &*self.platform, seen, timer);
        let slept = self.platform.monotonic_ns().saturating_sub(t0);
        *spins = if slept < SHORT_SLEEP_NS && self.sched.epoch() != seen {
            (*spins * 2).min(IDLE_SPINS_MAX)
        } else {
            (*spins / 2).max(IDLE_SPINS_MIN)
        };
        None
    }

    /// Parks a suspended process: a signal makes it runnable only to handle the signal.
    fn park_suspended(&self, p: Box<Process>) {
        let sh = p.shared.clone();
        let inbox = sh.inbox.lock();
        // Resumed since the scheduler looked? (resume_process takes the inbox lock before it
        // looks for a parked body, so one of the two sees the other.)
        if !inbox.is_empty() || sh.suspended.load(Ordering::Acquire) == 0 {
            drop(inbox);
            self.enqueue(p);
        } else {
            *sh.parked.lock() = Some(p);
        }
    }

    /// Adds `n` (1 or -1) to the suspend count of `pid`; a process whose count drops to zero
    /// runs again. False if there is no such process.
    pub fn suspend_count_add(&self, pid: Term, n: i32) -> bool {
        let Some(sh) = self.shared(pid) else { return false };
        if n > 0 {
            sh.suspended.fetch_add(1, Ordering::AcqRel);
        } else if sh.suspended.fetch_sub(1, Ordering::AcqRel) == 1 {
            let inbox = sh.inbox.lock();
            let body = sh.parked.lock().take();
            drop(inbox);
            if let Some(body) = body {
                self.enqueue(body);
            }
        }
        true
    }

    fn park(&self, p: Box<Process>) {
        let sh = p.shared.clone();
        let inbox = sh.inbox.lock();
        if !inbox.is_empty() || p.timed_out {
            drop(inbox);
            self.enqueue(p);
        } else {
            *sh.parked.lock() = Some(p);
        }
    }

    /// Fires due timers (any scheduler, before each slice; the clock is read only when a
    /// timer is due soon enough to be worth a look).
    fn fire_timers(&self) {
        let next = self.timers.next_deadline();
        if next == u64::MAX {
            return;
        }
        let now = self.now_ns();
        if next > now {
            return;
        }
        // Timers taken off their wheels and not yet delivered are work in flight.
        self.sched.hold();
        let mut due = Vec::new();
        self.timers.take_due(now, &mut due);
        for timer in due {
            match timer {
                Timer::Receive { pid, seq } => {
                    self.send_signal(Term::pid(pid), Signal::Timeout { seq });
                }
                Timer::Send { dest, msg, frag } => {
                    let to = if dest.is_atom() { self.whereis(dest) } else { Some(dest) };
                    if let Some(to) = to {
                        self.send_signal(to, Signal::Message(msg, frag));
                    }
                }
            }
        }
        self.sched.done();
    }

    /// A process ended: tell its links and monitors, and forget it.
    pub fn process_exit(&self, mut p: Box<Process>, reason: Term) {
        // Signals that arrived after its last look at the inbox: links and monitors among
        // them are answered as if it had handled them just before dying.
        let unhandled = p.shared.close_inbox();
        if p.system {
            self.system_procs.fetch_sub(1, Ordering::Relaxed);
        }
        // Keep the initial call's result (or exit reason) for the embedding API.
        if p.keep_result {
            let normal = reason == am::NORMAL;
            let r = if normal { p.saved_x.first().copied().unwrap_or(Term::NIL) } else { reason };
            let (t, f) = copy_to_fragment(r);
            self.results.lock().insert(p.id, (normal, t, f));
        }
        self.procs.write().remove(&p.id);
        if self.flags.process_exited(p.id) {
            self.sched.set_blocked(false, &*self.platform);
        }
        // Its name, whoever registered it.
        let n = p.pid.pid_number();
        self.registry.write().retain(|_, owner| *owner != n);
        let pid = p.pid;
        for &(id, n) in &p.suspending {
            for _ in 0..n {
                self.suspend_count_add(Term::pid(id), -1);
            }
        }
        if !p.aliases.is_empty() {
            let mut table = self.aliases.lock();
            for (a, _) in &p.aliases {
                table.remove(a);
            }
        }
        crate::bif::ets::owner_exited(self, pid);
        crate::bif::zlib::owner_exited(self, pid);
        crate::bif::prim_file::owner_exited(self, pid);
        crate::bif::prim_buffer::owner_exited(self, pid);
        for &l in &p.links {
            let (r, f) = copy_to_fragment(reason);
            self.send_signal(l, Signal::Exit { from: pid, reason: r, frag: Some(f), link: true });
        }
        for m in p.monitors_in.iter() {
            self.send_down(m.watcher, m.reference, m.name, pid, reason);
        }
        for (from, request) in core::mem::take(&mut p.system_tasks) {
            self.refuse_system_task(from, request);
        }
        for s in unhandled {
            self.answer_for_exited(pid, s, reason);
        }
        for m in p.monitors_out.iter() {
            let (r, f) = copy_to_fragment(m.reference);
            self.send_signal(m.target, Signal::Demonitor { from: pid, reference: r, frag: Some(f) });
        }
    }

    /// Sends `{'DOWN', Ref, process, Who, Reason}` to `watcher` (Who is `{Name, node()}` for a
    /// monitor set up by registered name).
    fn send_down(&self, watcher: Term, reference: Term, name: Term, pid: Term, reason: Term) {
        let mut f = beamos_gc::heap::Fragment::with_capacity(
            beamos_gc::collect::size_of_term(reason) + beamos_gc::collect::size_of_term(reference) + 9,
        );
        let r = terms::copy_into(&mut f, reason);
        let rf = terms::copy_into(&mut f, reference);
        let who = if name.is_atom() { terms::tuple(&mut f, &[name, am::NONODE]) } else { pid };
        let msg = terms::tuple(&mut f, &[am::DOWN, rf, am::PROCESS, who, r]);
        self.send_signal(watcher, Signal::Down { reference: rf, msg, frag: f });
    }

    /// A system task that will never be served: `{garbage_collect, ReqId, false}`, as ERTS
    /// answers for a process that is not alive.
    fn refuse_system_task(&self, from: Term, request: Term) {
        if let Some(e) = terms::tuple_elems(request).filter(|e| e.len() >= 2) {
            let mut f = beamos_gc::heap::Fragment::with_capacity(beamos_gc::collect::size_of_term(e[1]) + 4);
            let id = terms::copy_into(&mut f, e[1]);
            let reply = terms::tuple(&mut f, &[e[0], id, am::FALSE]);
            self.send_signal(from, Signal::Message(reply, Some(f)));
        }
    }

    /// Answers signal `s`, which process `pid` (exiting with `reason`) will never handle:
    /// a link gets its exit signal, a monitor its 'DOWN', a system task its refusal; the
    /// rest is dropped.
    fn answer_for_exited(&self, pid: Term, s: Signal, reason: Term) {
        match s {
            Signal::Link { from } => {
                let (r, f) = copy_to_fragment(reason);
                self.send_signal(from, Signal::Exit { from: pid, reason: r, frag: Some(f), link: true });
            }
            Signal::Monitor { from, reference, name, .. } => self.send_down(from, reference, name, pid, reason),
            Signal::SystemTask { from, request, .. } => self.refuse_system_task(from, request),
            _ => {}
        }
    }

    /// ERTS's report of a process past its `max_heap_size` (through the logger in ERTS; to
    /// stderr in bare mode).
    fn report_max_heap(&self, p: &Process, total: u64) {
        let m = p.max_heap_size;
        let mut msg = Vec::new();
        msg.extend_from_slice(b"=ERROR REPORT====\n     Process:          ");
        crate::print::display(p.pid, &mut msg);
        let rest = format!(
            " on node nonode@nohost\n     Context:          maximum heap size reached\n     Max Heap Size:    {}\n     Total Heap Size:  {}\n     Kill:             {}\n     Error Logger:     true\n     Message Queue Len: {}\n\n",
            m.size,
            total,
            m.kill,
            p.mailbox.len() + p.shared.inbox.lock().len(),
        );
        msg.extend_from_slice(rest.as_bytes());
        self.platform.write_stderr(&msg);
    }

    /// The emulator's report of a process ended by an uncaught error (ERTS prints it through
    /// the logger; in bare mode there is none, so it goes to stderr).
    pub fn report_crash(&self, pid: Term, reason: Term) {
        let mut msg = Vec::new();
        msg.extend_from_slice(b"=ERROR REPORT==== Error in process ");
        crate::print::display(pid, &mut msg);
        msg.extend_from_slice(b" with exit value:\n");
        crate::print::display(reason, &mut msg);
        msg.extend_from_slice(b"\n\n");
        self.platform.write_stderr(&msg);
    }

    /// How process `pid` (spawned through [`Vm::spawn_mfa`]) ended: its return value or its
    /// exit reason, printed as erlang:display prints it.
    pub fn result_string(&self, pid: Term) -> Option<String> {
        let r = self.results.lock();
        let (ok, t, _) = r.get(&pid.pid_number())?;
        let mut out = Vec::new();
        if !ok {
            out.extend_from_slice(b"exit:");
        }
        crate::print::display(*t, &mut out);
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    /// The return value of process `pid` (spawned through [`Vm::spawn_mfa`]), as a term
    /// valid while `f` runs. `None` if it has not returned normally.
    pub fn with_result<R>(&self, pid: Term, f: impl FnOnce(Term) -> R) -> Option<R> {
        let r = self.results.lock();
        match r.get(&pid.pid_number()) {
            Some((true, t, _)) => Some(f(*t)),
            _ => None,
        }
    }
}

