//! Run queues, and how scheduler threads share work, sleep and agree that the VM is done.
//!
//! Each scheduler has a run queue with a queue per priority (ERTS's: `max` and `high` run
//! before anything else; `normal` and `low` share turns, a low process getting every eighth
//! one). A process made runnable joins the queue of the scheduler that last ran it (a new
//! process, its parent's); a scheduler whose queue is empty steals from the fullest other
//! queue, but only from one holding more than the process its owner will take next, so a
//! process just spawned runs after its parent's slice, on its parent's scheduler, as in
//! ERTS (where `spawn` then `monitor` finds the child alive). A sleeping scheduler is woken
//! when its own queue gets work, or when another queue has work to spare.
//!
//! Two counters carry the coordination:
//! - `pending`: processes runnable or running. A process is counted from the moment it is
//!   queued until the scheduler that ran it has put it somewhere again (queued, parked or
//!   exited), so `pending == 0` means nothing can run until a timer fires.
//! - `epoch`: bumped by every enqueue and timer arm. Idle schedulers sleep while it stays
//!   unchanged ([`Platform::scheduler_wait`]), and the end of the run (nothing pending, no
//!   timer that can wake anyone) is declared only when it did not move during the check.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};

use spin::Mutex;

use crate::platform::Platform;
use crate::process::{Priority, Process};
use crate::vm::RunEnd;

/// ERTS runs a low-priority process once for every eight normal ones (`RESCHEDULE_LOW`).
const LOW_TURN: u32 = 8;

#[derive(Default)]
struct Queues {
    max: VecDeque<Box<Process>>,
    high: VecDeque<Box<Process>>,
    normal: VecDeque<Box<Process>>,
    low: VecDeque<Box<Process>>,
    /// Normal processes picked since the last low one.
    normal_turns: u32,
}

impl Queues {
    fn push(&mut self, p: Box<Process>) {
        match p.priority {
            Priority::Max => self.max.push_back(p),
            Priority::High => self.high.push_back(p),
            Priority::Normal => self.normal.push_back(p),
            Priority::Low => self.low.push_back(p),
        }
    }

    /// With a seed (the deterministic mode): a process picked by the seeded generator among
    /// those of the highest non-empty priority (normal and low together).
    fn pop_seeded(&mut self, state: &mut u64) -> Option<Box<Process>> {
        let q = if !self.max.is_empty() {
            &mut self.max
        } else if !self.high.is_empty() {
            &mut self.high
        } else {
            let (n, l) = (self.normal.len(), self.low.len());
            if n + l == 0 {
                return None;
            }
            let i = (next_random(state) % (n + l) as u64) as usize;
            return if i < n { self.normal.remove(i) } else { self.low.remove(i - n) };
        };
        let i = (next_random(state) % q.len() as u64) as usize;
        q.remove(i)
    }

    fn pop(&mut self) -> Option<Box<Process>> {
        if let Some(p) = self.max.pop_front() {
            return Some(p);
        }
        if let Some(p) = self.high.pop_front() {
            return Some(p);
        }
        if self.normal_turns >= LOW_TURN || self.normal.is_empty() {
            if let Some(p) = self.low.pop_front() {
                self.normal_turns = 0;
                return Some(p);
            }
        }
        let p = self.normal.pop_front()?;
        self.normal_turns += 1;
        Some(p)
    }

    /// The first process in priority order that is not bound to its scheduler.
    fn steal(&mut self) -> Option<Box<Process>> {
        for q in [&mut self.max, &mut self.high, &mut self.normal, &mut self.low] {
            if let Some(i) = q.iter().position(|p| p.bound == 0) {
                return q.remove(i);
            }
        }
        None
    }

    fn iter(&self) -> impl Iterator<Item = &Box<Process>> {
        self.max.iter().chain(self.high.iter()).chain(self.normal.iter()).chain(self.low.iter())
    }
}

/// xorshift64* (the deterministic mode's choices).
fn next_random(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

struct RunQueue {
    q: Mutex<Queues>,
    /// Length, readable without the lock (for stealing and idle checks).
    len: AtomicUsize,
    /// Its scheduler is in [`Schedulers::sleep`].
    asleep: AtomicBool,
    /// Queued processes not bound to this scheduler (others may steal them).
    stealable: AtomicUsize,
    /// Its scheduler is running a process (`statistics(active_tasks)`).
    busy: AtomicBool,
}

impl RunQueue {
    /// Takes the process `pick` chooses, keeping the lock-free counts right.
    fn take(&self, pick: impl FnOnce(&mut Queues) -> Option<Box<Process>>) -> Option<Box<Process>> {
        let p = pick(&mut self.q.lock())?;
        if p.bound == 0 {
            self.stealable.fetch_sub(1, SeqCst);
        }
        self.len.fetch_sub(1, SeqCst);
        Some(p)
    }
}

pub struct Schedulers {
    queues: Box<[RunQueue]>,
    online: AtomicU32,
    /// `system_flag(multi_scheduling, block)`: only the first scheduler runs.
    blocked: AtomicBool,
    pending: AtomicUsize,
    epoch: AtomicU32,
    sleepers: AtomicU32,
    end: Mutex<Option<RunEnd>>,
    stopped: AtomicBool,
    /// The deterministic mode's generator state (0: none, queues are FIFO). It has one
    /// scheduler, so the state is read and advanced under that queue's lock only.
    seed: AtomicU64,
}

impl Schedulers {
    pub fn new(n: usize) -> Schedulers {
        let n = n.max(1);
        Schedulers {
            queues: (0..n).map(|_| RunQueue { q: Mutex::new(Queues::default()), len: AtomicUsize::new(0), asleep: AtomicBool::new(false), stealable: AtomicUsize::new(0), busy: AtomicBool::new(false) }).collect(),
            online: AtomicU32::new(n as u32),
            blocked: AtomicBool::new(false),
            pending: AtomicUsize::new(0),
            epoch: AtomicU32::new(0),
            sleepers: AtomicU32::new(0),
            end: Mutex::new(None),
            stopped: AtomicBool::new(false),
            seed: AtomicU64::new(0),
        }
    }

    /// The deterministic mode (with one scheduler and a simulated clock, a run is a
    /// function of its seed): every pick from a run queue is the seeded generator's choice.
    pub fn set_seed(&self, seed: u64) {
        // splitmix64 spreads nearby seeds apart; xorshift must not start from zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        self.seed.store(if z == 0 { 1 } else { z }, SeqCst);
    }

    /// Scheduler threads the VM was made for (`+S`).
    pub fn count(&self) -> usize {
        self.queues.len()
    }

    pub fn online(&self) -> usize {
        self.online.load(SeqCst) as usize
    }

    /// Schedulers that take work now (1 while multi-scheduling is blocked).
    fn running(&self) -> usize {
        if self.blocked.load(SeqCst) {
            1
        } else {
            self.online()
        }
    }

    /// Blocks (only the first scheduler runs) or unblocks multi-scheduling.
    pub fn set_blocked(&self, blocked: bool, platform: &dyn Platform) {
        self.blocked.store(blocked, SeqCst);
        self.bump(platform);
    }

    /// Schedulers not asleep (`system_info(schedulers_state)`'s third element).
    pub fn active(&self) -> usize {
        self.count().saturating_sub(self.sleepers.load(SeqCst) as usize).max(1)
    }

    /// `erlang:system_flag(schedulers_online, N)`; returns the old value. Schedulers at or
    /// above `n` stop taking work (the others steal what is left in their queues).
    pub fn set_online(&self, n: usize, platform: &dyn Platform) -> usize {
        let old = self.online.swap(n.clamp(1, self.count()) as u32, SeqCst);
        self.bump(platform);
        old as usize
    }

    /// Makes `p` runnable on its scheduler's queue (or an online one).
    pub fn push(&self, p: Box<Process>, platform: &dyn Platform) {
        let online = self.running();
        let mut i = if p.bound != 0 { p.bound as usize - 1 } else { p.sched as usize };
        if i >= online {
            i %= online;
        }
        let stealable = p.bound == 0;
        self.pending.fetch_add(1, SeqCst);
        let rq = &self.queues[i];
        let before = {
            let mut q = rq.q.lock();
            q.push(p);
            if stealable {
                rq.stealable.fetch_add(1, SeqCst);
            }
            rq.len.fetch_add(1, SeqCst)
        };
        self.epoch.fetch_add(1, SeqCst);
        if self.sleepers.load(SeqCst) > 0 && (rq.asleep.load(SeqCst) || before >= 1) {
            platform.scheduler_wake();
        }
    }

    /// Something changed that an idle scheduler may be waiting for (new work, a new timer).
    pub fn bump(&self, platform: &dyn Platform) {
        self.epoch.fetch_add(1, SeqCst);
        if self.sleepers.load(SeqCst) > 0 {
            platform.scheduler_wake();
        }
    }

    /// The next process for scheduler `me`: from its own queue, else stolen from the fullest
    /// other one. The process stays counted as pending until [`Schedulers::done`].
    pub fn pop(&self, me: usize) -> Option<Box<Process>> {
        if me >= self.running() {
            return None;
        }
        if let Some(p) = self.pop_from(me) {
            return Some(p);
        }
        let victim = self.victim(me)?;
        self.queues[victim].take(Queues::steal)
    }

    /// The queue scheduler `me` may steal from: the fullest with work to spare (more than
    /// the one process its owner takes next; any work if its owner is out of use).
    fn victim(&self, me: usize) -> Option<usize> {
        let running = self.running();
        (0..self.queues.len())
            .filter(|&i| i != me)
            .map(|i| (i, self.queues[i].len.load(SeqCst), self.queues[i].stealable.load(SeqCst)))
            .filter(|&(i, len, stealable)| stealable >= 1 && len >= if i < running { 2 } else { 1 })
            .map(|(i, _, stealable)| (i, stealable))
            .max_by_key(|&(_, len)| len)
            .map(|(i, _)| i)
    }

    fn pop_from(&self, i: usize) -> Option<Box<Process>> {
        let rq = &self.queues[i];
        if rq.len.load(SeqCst) == 0 {
            return None;
        }
        rq.take(|q| match self.seed.load(Relaxed) {
            0 => q.pop(),
            mut state => {
                let p = q.pop_seeded(&mut state);
                self.seed.store(state, Relaxed);
                p
            }
        })
    }

    /// The process a scheduler took has been put back (queued again, parked or gone).
    pub fn done(&self) {
        self.pending.fetch_sub(1, SeqCst);
    }

    /// Counts something in flight that may make a process runnable (a timer being fired),
    /// so no scheduler declares the end meanwhile; undone by [`Schedulers::done`].
    pub fn hold(&self) {
        self.pending.fetch_add(1, SeqCst);
    }

    /// Runs `f` on the queued process `id`, if it is in a run queue.
    pub fn with_queued<R>(&self, id: u64, f: impl FnOnce(&Process) -> R) -> Option<R> {
        for rq in self.queues.iter() {
            let q = rq.q.lock();
            let found = q.iter().find(|p| p.id == id);
            if let Some(p) = found {
                let r = f(p);
                return Some(r);
            }
        }
        None
    }

    /// Whether scheduler `i` sleeps (or has no thread taking work: offline or blocked).
    pub fn is_asleep(&self, i: usize) -> bool {
        i >= self.running() || self.queues.get(i).is_some_and(|rq| rq.asleep.load(SeqCst))
    }

    /// Whether scheduler `me` may find work in the queues now.
    pub fn pop_possible(&self, me: usize) -> bool {
        me < self.running() && (self.queues[me].len.load(SeqCst) > 0 || self.victim(me).is_some())
    }

    /// Processes waiting in run queues.
    pub fn queued(&self) -> usize {
        self.queues.iter().map(|rq| rq.len.load(SeqCst)).sum()
    }

    /// Per-scheduler queue lengths (`statistics(run_queue_lengths)`).
    pub fn queue_lengths(&self) -> Vec<usize> {
        self.queues.iter().map(|rq| rq.len.load(SeqCst)).collect()
    }

    /// Per-scheduler processes queued or running (`statistics(active_tasks)`).
    pub fn active_tasks(&self) -> Vec<usize> {
        self.queues.iter().map(|rq| rq.len.load(SeqCst) + rq.busy.load(SeqCst) as usize).collect()
    }

    /// Scheduler `me` starts (true) or ends (false) a slice.
    pub fn set_busy(&self, me: usize, busy: bool) {
        self.queues[me].busy.store(busy, core::sync::atomic::Ordering::Relaxed);
    }

    pub fn epoch(&self) -> u32 {
        self.epoch.load(SeqCst)
    }

    pub fn pending(&self) -> usize {
        self.pending.load(SeqCst)
    }

    /// Sleeps until the epoch moves past `seen` or the deadline passes.
    pub fn sleep(&self, me: usize, platform: &dyn Platform, seen: u32, deadline: Option<u64>) {
        let rq = &self.queues[me];
        rq.asleep.store(true, SeqCst);
        self.sleepers.fetch_add(1, SeqCst);
        // Queued to it after the caller looked (and before `asleep` showed)? Then the epoch
        // moved and the wait returns at once.
        platform.scheduler_wait(&self.epoch, seen, deadline);
        self.sleepers.fetch_sub(1, SeqCst);
        rq.asleep.store(false, SeqCst);
    }

    /// Ends the run for every scheduler (the first end wins).
    pub fn finish(&self, e: RunEnd, platform: &dyn Platform) -> RunEnd {
        let e = *self.end.lock().get_or_insert(e);
        self.stopped.store(true, SeqCst);
        self.epoch.fetch_add(1, SeqCst);
        platform.scheduler_wake();
        e
    }

    /// How the run ended, once one scheduler has ended it.
    pub fn ended(&self) -> Option<RunEnd> {
        if self.stopped.load(SeqCst) {
            *self.end.lock()
        } else {
            None
        }
    }

    /// Makes a finished VM runnable again (the embedding API may spawn and run again);
    /// called before the scheduler threads start.
    pub fn restart(&self) {
        *self.end.lock() = None;
        self.stopped.store(false, SeqCst);
    }
}
