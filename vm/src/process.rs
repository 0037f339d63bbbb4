//! Processes: heap, stack, mailbox, dictionary, links and monitors, and the signals between them.
//!
//! A process's body ([`Process`]) is touched only by the scheduler thread running it. Others
//! reach it through its [`ProcShared`]: a locked inbox of [`Signal`]s and a parking slot.
//! Architecture Invariant: a message is copied into a fragment by the sender and joins the
//! receiver's heap only when the receiver moves it from the inbox into its mailbox.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use beamos_gc::collect::{self, Roots};
use beamos_gc::heap::{Fragment, GcSettings, Heap};
use beamos_gc::Term;
use spin::Mutex;

use crate::emu::instr::Instr;

/// A signal from another process (or the VM), in arrival order.
pub enum Signal {
    Message(Term, Option<Fragment>),
    /// An exit signal. `link` is true when it comes from a broken link.
    Exit { from: Term, reason: Term, frag: Option<Fragment>, link: bool },
    Link { from: Term },
    Unlink { from: Term },
    /// `from` now monitors this process under `reference`.
    Monitor { from: Term, reference: Term, name: Term, frag: Option<Fragment> },
    Demonitor { from: Term, reference: Term, frag: Option<Fragment> },
    /// A monitored process ended: `msg` is the `{'DOWN', reference, ...}` message, and the
    /// receiver's monitor under `reference` is gone.
    Down { reference: Term, msg: Term, frag: Fragment },
    /// The receive timer with this sequence number fired.
    Timeout { seq: u64 },
    /// A message sent to a process alias (`Alias ! Msg`): dropped on arrival unless `alias` is
    /// still active in the receiver.
    AliasMessage { alias: u128, msg: Term, frag: Option<Fragment> },
    /// `erts_internal:request_system_task/3` from `from`: `request` is
    /// `{garbage_collect, ReqId, major | minor}`, answered with `{garbage_collect, ReqId, true}`.
    SystemTask { from: Term, request: Term, frag: Option<Fragment> },
    /// `group_leader(Leader, ThisProcess)` from another process.
    GroupLeader { leader: Term },
}

/// The part of a process that other threads may touch.
pub struct ProcShared {
    pub id: u64,
    pub inbox: Mutex<VecDeque<Signal>>,
    /// The body while the process waits for a signal (None while running or runnable).
    pub parked: Mutex<Option<Box<Process>>>,
    pub exited: AtomicBool,
    /// `erlang:suspend_process/1,2` count: while above zero the scheduler does not run the
    /// process (it still handles its signals, so it can be killed).
    pub suspended: AtomicU32,
}

// SAFETY: terms inside signals and results point into the fragments travelling with them.
unsafe impl Send for ProcShared {}
// SAFETY: all mutable state is behind locks or atomics.
unsafe impl Sync for ProcShared {}

/// Exception state of a process: the last raised exception, for `build_stacktrace`/`raw_raise`.
#[derive(Clone, Copy)]
pub struct ExcState {
    pub class: Term,
    pub reason: Term,
    pub stacktrace: Term,
}

/// Monitors (either side) of a process, found by their reference in constant time: a
/// process may hold tens of thousands (a server monitored by every client), and each
/// `'DOWN'` or demonitor looks one up. Order is not kept (removal swaps the last in).
pub struct ByRef<T: HasRef> {
    items: Vec<T>,
    index: hashbrown::HashMap<u128, usize>,
}

/// An entry of [`ByRef`]: its reference term (a heap reference; collections move it, its
/// id stays).
pub trait HasRef {
    fn reference(&self) -> Term;
}

impl<T: HasRef> Default for ByRef<T> {
    fn default() -> Self {
        ByRef { items: Vec::new(), index: hashbrown::HashMap::new() }
    }
}

impl<T: HasRef> ByRef<T> {
    pub fn push(&mut self, m: T) {
        if let Some(id) = crate::terms::ref_id(m.reference()) {
            self.index.insert(id, self.items.len());
        }
        self.items.push(m);
    }

    /// The position of the entry whose reference is `r` (any term; non-references find none).
    pub fn position(&self, r: Term) -> Option<usize> {
        self.position_by_id(crate::terms::ref_id(r)?)
    }

    pub fn position_by_id(&self, id: u128) -> Option<usize> {
        self.index.get(&id).copied()
    }

    pub fn swap_remove(&mut self, i: usize) -> T {
        let m = self.items.swap_remove(i);
        if let Some(id) = crate::terms::ref_id(m.reference()) {
            self.index.remove(&id);
        }
        if let Some(moved) = self.items.get(i) {
            if let Some(id) = crate::terms::ref_id(moved.reference()) {
                self.index.insert(id, i);
            }
        }
        m
    }

    /// Removes the entry whose reference is `r`, if any.
    pub fn remove(&mut self, r: Term) -> Option<T> {
        let i = self.position(r)?;
        Some(self.swap_remove(i))
    }

    /// Mutable access for collections (which move the terms, never change the ids).
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }
}

impl<T: HasRef> core::ops::Deref for ByRef<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl HasRef for MonitorOut {
    fn reference(&self) -> Term {
        self.reference
    }
}

impl HasRef for MonitorIn {
    fn reference(&self) -> Term {
        self.reference
    }
}

/// A monitor this process holds on another (`erlang:monitor/2`).
#[derive(Clone, Copy)]
pub struct MonitorOut {
    pub reference: Term,
    pub target: Term,
    /// The registered name if the monitor was set up by name.
    pub name: Term,
    /// The first element of the 'DOWN' message (`'DOWN'`, or the `{tag, Tag}` of monitor/3).
    pub tag: Term,
}

/// How an alias (`alias/0,1`, `monitor/3`'s `{alias, _}`) is deactivated besides `unalias/1`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AliasMode {
    /// Only by `unalias/1` (or the owner's exit).
    Explicit,
    /// When the first message sent through it arrives (`alias([reply])`).
    Reply,
    /// When its monitor goes (demonitor, or the 'DOWN' message).
    Demonitor,
    /// Either of the two above; a reply through it also removes the monitor.
    ReplyDemonitor,
}

/// A monitor another process holds on this one.
#[derive(Clone, Copy)]
pub struct MonitorIn {
    pub reference: Term,
    pub watcher: Term,
    /// The registered name the watcher used (an atom), or nil: the 'DOWN' message then names
    /// the process as `{Name, Node}`.
    pub name: Term,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Priority {
    Low,
    Normal,
    High,
    Max,
}

pub struct Process {
    pub id: u64,
    pub pid: Term,
    pub shared: Arc<ProcShared>,
    pub heap: Heap,
    pub stack: Vec<Term>,
    pub ip: *const Instr,
    pub cp: *const Instr,
    /// Live x registers while the process is not running.
    pub saved_x: Vec<Term>,
    pub mailbox: VecDeque<Term>,
    /// Index of the next message `loop_rec` looks at.
    pub save: usize,
    /// Receive markers: (reference id, mailbox position); see `receive::marker_bind`.
    pub markers: Vec<(u128, usize)>,
    pub dict: Vec<(Term, Term)>,
    pub links: Vec<Term>,
    pub monitors_out: ByRef<MonitorOut>,
    pub monitors_in: ByRef<MonitorIn>,
    /// Active aliases of this process, by reference id (also in the VM's alias table).
    pub aliases: Vec<(u128, AliasMode)>,
    /// System tasks received and not yet served: (requester, request). Served where the live
    /// registers are known (`receive::serve_system_tasks`).
    pub system_tasks: Vec<(Term, Term)>,
    /// Processes this one has suspended, and how many times (released when it exits).
    pub suspending: Vec<(u64, u32)>,
    pub trap_exit: bool,
    pub priority: Priority,
    /// The scheduler whose run queue takes the process when it becomes runnable (the last
    /// one that ran it; work stealing moves it).
    pub sched: u32,
    /// `process_flag(scheduler, N)` / spawn_opt `{scheduler, N}`: runs only on scheduler N
    /// (1-based; 0: any).
    pub bound: u32,
    /// `message_queue_data`: `off_heap` when true. Then a queued message stays in the
    /// fragment it arrived in (`mail_frags`, beside `mailbox`), outside the heap, which a
    /// collection leaves alone, until a receive takes it; on_heap attaches it on arrival.
    pub off_heap_msgq: bool,
    pub mail_frags: VecDeque<Option<Fragment>>,
    /// `process_flag(save_calls, N)` (stored and reported back; no calls are saved).
    pub save_calls: u32,
    /// Set (to the total heap size) when a collection found the heap past `max_heap_size`
    /// with `error_logger` on: the scheduler reports it.
    pub max_heap_reached: Option<u64>,
    pub sensitive: bool,
    pub reductions: u64,
    /// Deadline of the active `receive ... after` timer, in platform nanoseconds.
    pub timer_deadline: Option<u64>,
    pub timer_seq: u64,
    /// The VM's id of the armed receive timer.
    pub timer_id: Option<u64>,
    pub timed_out: bool,
    pub registered_name: Option<Term>,
    pub group_leader: Term,
    pub initial_call: (Term, Term, u32),
    pub exc: Option<ExcState>,
    /// Set when an exit signal killed the process while it was not running.
    pub pending_exit: Option<Term>,
    pub error_handler: Term,
    /// Keep the return value after exit (processes spawned through the embedding API).
    pub keep_result: bool,
    /// Reported by process_info (not enforced).
    pub max_heap_size: crate::bif::system_flag::MaxHeapSize,
    /// A system process (erts_internal:spawn_system_process/3): does not keep the VM alive.
    pub system: bool,
    /// A binary under construction by the old `bs_init2`/`bs_put_*` instructions.
    pub bs_building: Option<(Vec<u8>, usize)>,
    pub bs_target: crate::emu::instr::Dst,
    /// A BIF that trapped and is still to finish, and reduction bookkeeping for BIFs.
    pub trap: crate::emu::trap::TrapState,
}

// SAFETY: a process body moves between scheduler threads but is used by one at a time; its
// raw instruction pointers point into modules kept alive by the code table.
unsafe impl Send for Process {}

impl Process {
    pub fn new(id: u64, settings: GcSettings) -> Process {
        let shared = Arc::new(ProcShared {
            id,
            inbox: Mutex::new(VecDeque::new()),
            parked: Mutex::new(None),
            exited: AtomicBool::new(false),
            suspended: AtomicU32::new(0),
        });
        Process {
            id,
            pid: Term::pid(id),
            shared,
            heap: Heap::new(settings),
            stack: Vec::new(),
            ip: core::ptr::null(),
            cp: core::ptr::null(),
            saved_x: Vec::new(),
            mailbox: VecDeque::new(),
            save: 0,
            markers: Vec::new(),
            dict: Vec::new(),
            links: Vec::new(),
            monitors_out: ByRef::default(),
            monitors_in: ByRef::default(),
            aliases: Vec::new(),
            system_tasks: Vec::new(),
            suspending: Vec::new(),
            trap_exit: false,
            priority: Priority::Normal,
            sched: 0,
            bound: 0,
            off_heap_msgq: false,
            mail_frags: VecDeque::new(),
            save_calls: 0,
            max_heap_reached: None,
            sensitive: false,
            reductions: 0,
            timer_deadline: None,
            timer_seq: 0,
            timer_id: None,
            timed_out: false,
            registered_name: None,
            group_leader: Term::pid(0),
            initial_call: (Term::NIL, Term::NIL, 0),
            exc: None,
            pending_exit: None,
            error_handler: crate::atom::am::ERROR_HANDLER,
            system: false,
            keep_result: false,
            max_heap_size: Default::default(),
            bs_building: None,
            bs_target: crate::emu::instr::Dst::X(0),
            trap: Default::default(),
        }
    }

    /// Collects the heap; `x` holds the live x registers.
    pub fn gc(&mut self, x: &mut [Term], need: usize, full: bool) {
        // ERTS keeps the stack in the heap block, so a deep stack means a big heap and rare
        // collections. Sizing the young generation by the stack too keeps the cost of
        // scanning a deep stack amortised over as many allocations.
        let need = need + self.stack.len();
        let Process {
            heap,
            stack,
            mailbox,
            dict,
            saved_x,
            monitors_out,
            monitors_in,
            exc,
            pending_exit,
            links,
            initial_call,
            trap,
            system_tasks,
            ..
        } = self;
        let p = ProcFields {
            stack,
            mailbox,
            dict,
            saved_x,
            monitors_out,
            monitors_in,
            exc,
            pending_exit,
            links,
            initial_call,
            trap,
            system_tasks,
        };
        let mut roots = ProcRoots { x, p };
        collect::collect(heap, &mut roots, need, full);
        self.check_max_heap_size();
    }

    /// ERTS's `max_heap_size` check after a collection: past the limit (heap, old heap,
    /// fragments and stack, in words), the process is marked to be killed (it exits with
    /// `killed` when the scheduler next has it) and/or to have the event reported.
    fn check_max_heap_size(&mut self) {
        let m = self.max_heap_size;
        if m.size == 0 || self.pending_exit.is_some() {
            return;
        }
        let total = (self.heap.total_size() + self.stack.len()) as u64;
        if total > m.size {
            if m.error_logger {
                self.max_heap_reached = Some(total);
            }
            if m.kill {
                self.pending_exit = Some(crate::atom::am::KILLED);
            }
        }
    }

    pub fn is_linked(&self, pid: Term) -> bool {
        self.links.contains(&pid)
    }

    /// Queues message `t`, built in `frag` (if not immediate).
    pub fn push_message(&mut self, t: Term, frag: Option<Fragment>) {
        if self.off_heap_msgq {
            self.mail_frags.push_back(frag);
        } else if let Some(f) = frag {
            self.heap.attach_fragment(f);
        }
        self.mailbox.push_back(t);
    }

    /// Sets `message_queue_data` (true: off_heap); returns the old setting.
    pub fn set_off_heap_msgq(&mut self, off: bool) -> bool {
        let old = core::mem::replace(&mut self.off_heap_msgq, off);
        if off && !old {
            self.mail_frags = self.mailbox.iter().map(|_| None).collect();
        } else if old && !off {
            for f in core::mem::take(&mut self.mail_frags).into_iter().flatten() {
                self.heap.attach_fragment(f);
            }
        }
        old
    }

    /// Takes message `i` out of the mailbox; receive markers after it move down one. An
    /// off-heap message's fragment joins the heap (the receiver now holds its terms).
    pub fn remove_message_at(&mut self, i: usize) {
        if self.off_heap_msgq {
            if let Some(Some(f)) = self.mail_frags.remove(i) {
                self.heap.attach_fragment(f);
            }
        }
        if self.mailbox.remove(i).is_some() {
            for m in self.markers.iter_mut() {
                if m.1 > i {
                    m.1 -= 1;
                }
            }
        }
    }

    /// The mode of `alias` if it is one of this process's active aliases.
    pub fn alias_mode(&self, alias: u128) -> Option<AliasMode> {
        self.aliases.iter().find(|a| a.0 == alias).map(|a| a.1)
    }

    /// Deactivates `alias` here; the caller removes it from the VM's table.
    pub fn drop_alias(&mut self, alias: u128) -> bool {
        let n = self.aliases.len();
        self.aliases.retain(|a| a.0 != alias);
        self.aliases.len() != n
    }
}

/// The term-holding fields of a process, borrowed apart from its heap.
struct ProcFields<'a> {
    stack: &'a mut Vec<Term>,
    mailbox: &'a mut VecDeque<Term>,
    dict: &'a mut Vec<(Term, Term)>,
    saved_x: &'a mut Vec<Term>,
    monitors_out: &'a mut ByRef<MonitorOut>,
    monitors_in: &'a mut ByRef<MonitorIn>,
    exc: &'a mut Option<ExcState>,
    pending_exit: &'a mut Option<Term>,
    links: &'a mut Vec<Term>,
    initial_call: &'a mut (Term, Term, u32),
    trap: &'a mut crate::emu::trap::TrapState,
    system_tasks: &'a mut Vec<(Term, Term)>,
}

struct ProcRoots<'a> {
    x: &'a mut [Term],
    p: ProcFields<'a>,
}

impl Roots for ProcRoots<'_> {
    fn for_each(&mut self, f: &mut dyn FnMut(&mut Term)) {
        self.x.iter_mut().for_each(&mut *f);
        self.p.stack.iter_mut().for_each(&mut *f);
        self.p.mailbox.iter_mut().for_each(&mut *f);
        for (k, v) in self.p.dict.iter_mut() {
            f(k);
            f(v);
        }
        self.p.saved_x.iter_mut().for_each(&mut *f);
        for m in self.p.monitors_out.iter_mut() {
            f(&mut m.reference);
            f(&mut m.target);
            f(&mut m.name);
            f(&mut m.tag);
        }
        for m in self.p.monitors_in.iter_mut() {
            f(&mut m.reference);
        }
        if let Some(e) = self.p.exc.as_mut() {
            f(&mut e.class);
            f(&mut e.reason);
            f(&mut e.stacktrace);
        }
        if let Some(r) = self.p.pending_exit.as_mut() {
            f(r);
        }
        self.p.links.iter_mut().for_each(&mut *f);
        f(&mut self.p.initial_call.0);
        f(&mut self.p.initial_call.1);
        if let Some(t) = self.p.trap.pending.as_mut() {
            t.roots().for_each(&mut *f);
        }
        for (from, req) in self.p.system_tasks.iter_mut() {
            f(from);
            f(req);
        }
    }
}

impl ProcShared {
    /// Delivers a signal; wakes the process if it is parked. Returns the body to make runnable.
    pub fn deliver(&self, s: Signal) -> Result<Option<Box<Process>>, Signal> {
        let mut inbox = self.inbox.lock();
        if self.exited.load(Ordering::Acquire) {
            return Err(s);
        }
        inbox.push_back(s);
        Ok(self.parked.lock().take())
    }

    /// Marks the process as exiting and takes the signals it will never handle (new ones are
    /// refused from now on: [`ProcShared::deliver`] gives them back).
    pub fn close_inbox(&self) -> VecDeque<Signal> {
        let mut inbox = self.inbox.lock();
        self.exited.store(true, Ordering::Release);
        core::mem::take(&mut *inbox)
    }
}
