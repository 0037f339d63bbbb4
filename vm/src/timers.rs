//! Timers: a hierarchical timer wheel per scheduler (ERTS keeps one per scheduler too).
//!
//! A timer is armed in the wheel of the scheduler running the process that arms it, under
//! that wheel's own lock, so schedulers arming timers never contend. Any scheduler may fire
//! any wheel's due timers (a sleeping scheduler's timers still fire) and cancel any timer: a
//! message timer's reference names its wheel (`TIMER_REF_TAG | wheel` in the word erl prints
//! second) and its serial in that wheel, so `cancel_timer` goes straight to it.
//!
//! Each wheel has two levels of 4,096 slots: level 0 one millisecond per slot (the current
//! rotation of 4.096 s), level 1 one rotation per slot (about 4.7 hours); later timers wait in
//! a heap until they come within range. Arming and cancelling are constant time (a timer knows
//! its slot and its place in it), a bitmap per level finds the next occupied slot, and moving
//! the clock forward touches only occupied slots.

use alloc::boxed::Box;
use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::sync::atomic::{AtomicU64, Ordering};

use beamos_gc::Term;
use hashbrown::HashMap;
use spin::Mutex;

/// What a timer does when it fires.
pub enum Timer {
    /// The `after` of a receive in process `pid`; stale when the sequence moved on.
    Receive { pid: u64, seq: u64 },
    /// erlang:send_after / start_timer: `msg` goes to `dest` (pid or registered name).
    Send { dest: Term, msg: Term, frag: Option<beamos_gc::heap::Fragment> },
}

/// The word (bits 64..96 of a reference id) that marks a timer reference; the wheel's index
/// is added to it.
pub const TIMER_REF_TAG: u64 = 0x3000_0000;
const MAX_WHEELS: usize = 0x1_0000;

const TICK_NS: u64 = 1_000_000;
const BITS: u32 = 12;
const SLOTS: usize = 1 << BITS;
const MASK: u64 = SLOTS as u64 - 1;
const WORDS: usize = SLOTS / 64;

/// Where an armed timer waits.
#[derive(Clone, Copy)]
enum Place {
    Slot { level: u8, slot: u16, pos: u32 },
    Far,
}

struct Entry {
    deadline: u64,
    /// The serial of a message timer's reference (0 for receive timers).
    serial: u64,
    place: Place,
    timer: Timer,
}

struct SlabSlot {
    gen: u32,
    entry: Option<Entry>,
}

/// One level: slots of timer indices, and a bitmap of the occupied ones.
struct Level {
    slots: Box<[Vec<u32>]>,
    bits: [u64; WORDS],
}

impl Level {
    fn new() -> Level {
        Level { slots: (0..SLOTS).map(|_| Vec::new()).collect(), bits: [0; WORDS] }
    }
    /// The first occupied slot in `from..=to` (within one rotation).
    fn next_in(&self, from: usize, to: usize) -> Option<usize> {
        let mut w = from / 64;
        let mut word = self.bits[w] & (!0u64 << (from % 64));
        loop {
            if word != 0 {
                let s = w * 64 + word.trailing_zeros() as usize;
                return (s <= to).then_some(s);
            }
            w += 1;
            if w * 64 > to || w == WORDS {
                return None;
            }
            word = self.bits[w];
        }
    }
    /// The first occupied slot at `from` or after it, going round: its distance from `from`.
    fn next_cyclic(&self, from: usize) -> Option<usize> {
        if let Some(s) = self.next_in(from, SLOTS - 1) {
            return Some(s - from);
        }
        if from > 0 {
            if let Some(s) = self.next_in(0, from - 1) {
                return Some(s + SLOTS - from);
            }
        }
        None
    }
    fn set(&mut self, s: usize) {
        self.bits[s / 64] |= 1 << (s % 64);
    }
    fn clear(&mut self, s: usize) {
        self.bits[s / 64] &= !(1 << (s % 64));
    }
}

/// One scheduler's timers.
pub struct Wheel {
    index: u64,
    slab: Vec<SlabSlot>,
    free: Vec<u32>,
    /// Message timers by the serial their reference carries.
    by_serial: HashMap<u64, u32>,
    levels: [Level; 2],
    far: BinaryHeap<Reverse<(u64, u32, u32)>>,
    far_live: usize,
    live: usize,
    /// Every tick before this one has been fired.
    cur: u64,
}

impl Wheel {
    fn new(index: usize) -> Wheel {
        Wheel {
            index: index as u64,
            slab: Vec::new(),
            free: Vec::new(),
            by_serial: HashMap::new(),
            levels: [Level::new(), Level::new()],
            far: BinaryHeap::new(),
            far_live: 0,
            live: 0,
            cur: 0,
        }
    }

    /// Arms `timer`; `serial` is its reference's (0 for a receive timer). Returns its id.
    fn arm(&mut self, now: u64, deadline: u64, timer: Timer, serial: u64) -> u64 {
        let message = serial != 0;
        if self.live == 0 {
            // Nothing waits: the wheel may jump to the present.
            self.cur = now / TICK_NS;
            self.far.clear();
        }
        let idx = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slab.push(SlabSlot { gen: 0, entry: None });
                (self.slab.len() - 1) as u32
            }
        };
        self.slab[idx as usize].entry = Some(Entry { deadline, serial, place: Place::Far, timer });
        self.place(idx);
        if message {
            self.by_serial.insert(serial, idx);
        }
        self.live += 1;
        let gen = self.slab[idx as usize].gen;
        self.index << 48 | (gen as u64 & 0xffff) << 32 | idx as u64
    }

    /// Puts timer `idx` in the slot its deadline falls in, as seen from the current tick.
    fn place(&mut self, idx: u32) {
        let s = &self.slab[idx as usize];
        let deadline = s.entry.as_ref().expect("placed timers exist").deadline;
        let t = (deadline / TICK_NS).max(self.cur);
        let (rot, cur_rot) = (t >> BITS, self.cur >> BITS);
        let (level, slot) = if rot == cur_rot {
            (0, (t & MASK) as usize)
        } else if rot - cur_rot < SLOTS as u64 {
            (1, (rot & MASK) as usize)
        } else {
            self.far.push(Reverse((deadline, idx, s.gen)));
            self.far_live += 1;
            self.set_place(idx, Place::Far);
            return;
        };
        let l = &mut self.levels[level];
        let pos = l.slots[slot].len() as u32;
        l.slots[slot].push(idx);
        l.set(slot);
        self.set_place(idx, Place::Slot { level: level as u8, slot: slot as u16, pos });
    }

    fn set_place(&mut self, idx: u32, place: Place) {
        if let Some(e) = &mut self.slab[idx as usize].entry {
            e.place = place;
        }
    }

    /// Takes timer `idx` out of its slot and the slab.
    fn remove(&mut self, idx: u32) -> Entry {
        let s = &mut self.slab[idx as usize];
        let e = s.entry.take().expect("removed timers exist");
        s.gen = s.gen.wrapping_add(1);
        self.free.push(idx);
        self.live -= 1;
        match e.place {
            Place::Slot { level, slot, pos } => {
                let l = &mut self.levels[level as usize];
                let v = &mut l.slots[slot as usize];
                v.swap_remove(pos as usize);
                if let Some(&moved) = v.get(pos as usize) {
                    if let Some(Entry { place: Place::Slot { pos: p, .. }, .. }) = &mut self.slab[moved as usize].entry {
                        *p = pos;
                    }
                }
                if v.is_empty() {
                    l.clear(slot as usize);
                }
            }
            Place::Far => {
                // Its heap entry goes stale (the generation moved on).
                self.far_live -= 1;
                if self.far.len() > 2 * self.far_live + 1024 {
                    let slab = &self.slab;
                    self.far.retain(|Reverse((_, i, g))| slab[*i as usize].gen == *g);
                }
            }
        }
        if e.serial != 0 {
            self.by_serial.remove(&e.serial);
        }
        e
    }

    fn lookup(&self, id: u64) -> Option<u32> {
        let idx = id as u32;
        let s = self.slab.get(idx as usize)?;
        (s.entry.is_some() && (s.gen as u64 & 0xffff) == (id >> 32) & 0xffff).then_some(idx)
    }

    /// Moves the clock to `now`, taking every due timer into `out`.
    fn advance(&mut self, now: u64, out: &mut Vec<Timer>) {
        if self.live == 0 {
            return;
        }
        let now_t = now / TICK_NS;
        if now_t < self.cur {
            return; // a clock read before another scheduler's arm moved the wheel on
        }
        loop {
            let rot = self.cur >> BITS;
            let end = now_t.min(rot << BITS | MASK);
            while let Some(s) = self.levels[0].next_in((self.cur & MASK) as usize, (end & MASK) as usize) {
                self.cur = rot << BITS | s as u64;
                self.fire_slot(s, now, out);
                if !self.levels[0].slots[s].is_empty() {
                    return; // the rest of this millisecond is not due yet
                }
            }
            if now_t >> BITS == rot {
                self.cur = now_t;
                return;
            }
            // On to the next rotation holding anything, or the present's.
            let mut target = now_t >> BITS;
            if let Some(d) = self.levels[1].next_cyclic(((rot + 1) & MASK) as usize) {
                target = target.min(rot + 1 + d as u64);
            }
            if let Some(Reverse((d, _, _))) = self.far.peek() {
                target = target.min((d / TICK_NS) >> BITS);
            }
            let target = target.max(rot + 1);
            self.cur = target << BITS;
            self.cascade(target);
        }
    }

    /// The present enters rotation `rot`: its level-1 slot and the heap's timers within
    /// range move down.
    fn cascade(&mut self, rot: u64) {
        let s = (rot & MASK) as usize;
        let moving = core::mem::take(&mut self.levels[1].slots[s]);
        self.levels[1].clear(s);
        for idx in moving {
            self.place(idx);
        }
        while let Some(&Reverse((d, idx, gen))) = self.far.peek() {
            if (d / TICK_NS) >> BITS >= rot + SLOTS as u64 {
                break;
            }
            self.far.pop();
            if self.slab[idx as usize].gen == gen && self.slab[idx as usize].entry.is_some() {
                self.far_live -= 1;
                self.place(idx);
            }
        }
    }

    fn fire_slot(&mut self, s: usize, now: u64, out: &mut Vec<Timer>) {
        let mut i = 0;
        while i < self.levels[0].slots[s].len() {
            let idx = self.levels[0].slots[s][i];
            let due = self.slab[idx as usize].entry.as_ref().is_some_and(|e| e.deadline <= now);
            if due {
                out.push(self.remove(idx).timer); // swap_remove: look at `i` again
            } else {
                i += 1;
            }
        }
    }

    /// The earliest deadline, or a lower bound of it (the start of a later rotation, where
    /// waking up moves its timers down to be looked at exactly); u64::MAX when none.
    fn next_deadline(&self) -> u64 {
        if self.live == 0 {
            return u64::MAX;
        }
        if let Some(s) = self.levels[0].next_in((self.cur & MASK) as usize, SLOTS - 1) {
            let slab = &self.slab;
            return self.levels[0].slots[s]
                .iter()
                .filter_map(|&i| slab[i as usize].entry.as_ref().map(|e| e.deadline))
                .min()
                .unwrap_or(u64::MAX);
        }
        let rot = self.cur >> BITS;
        if let Some(d) = self.levels[1].next_cyclic(((rot + 1) & MASK) as usize) {
            return ((rot + 1 + d as u64) << BITS) * TICK_NS;
        }
        self.far.iter().filter(|Reverse((_, i, g))| self.slab[*i as usize].gen == *g).map(|Reverse((d, _, _))| *d).min().unwrap_or(u64::MAX)
    }
}

/// Every scheduler's wheel, and the earliest deadline of them all.
pub struct Timers {
    wheels: Box<[Wheel_]>,
    /// The earliest deadline (or a lower bound), read without a lock before every slice.
    next: AtomicU64,
}

/// A wheel behind its lock, with its own earliest deadline readable without it.
struct Wheel_ {
    wheel: Mutex<Wheel>,
    next: AtomicU64,
    /// The serial of the next message timer's reference.
    serial: AtomicU64,
}

impl Timers {
    pub fn new(n: usize) -> Timers {
        let n = n.clamp(1, MAX_WHEELS);
        Timers {
            wheels: (0..n).map(|i| Wheel_ { wheel: Mutex::new(Wheel::new(i)), next: AtomicU64::new(u64::MAX), serial: AtomicU64::new(1) }).collect(),
            next: AtomicU64::new(u64::MAX),
        }
    }

    /// A set of at least `n` wheels keeping these ones (and their timers).
    pub fn resized(self, n: usize) -> Timers {
        let mut wheels: Vec<Wheel_> = self.wheels.into_vec();
        while wheels.len() < n.min(MAX_WHEELS) {
            let i = wheels.len();
            wheels.push(Wheel_ { wheel: Mutex::new(Wheel::new(i)), next: AtomicU64::new(u64::MAX), serial: AtomicU64::new(1) });
        }
        Timers { wheels: wheels.into_boxed_slice(), next: self.next }
    }

    /// The earliest deadline of any timer (a lower bound), u64::MAX when none is armed.
    pub fn next_deadline(&self) -> u64 {
        self.next.load(Ordering::SeqCst)
    }

    /// Arms `timer` in wheel `wheel` (the arming process's scheduler); `serial` is its
    /// reference's, 0 for a receive timer. Returns the timer's id and whether it is now the
    /// earliest of all.
    pub fn arm(&self, wheel: usize, now: u64, deadline: u64, timer: Timer, serial: u64) -> (u64, bool) {
        let w = &self.wheels[wheel.min(self.wheels.len() - 1)];
        let id = {
            let mut g = w.wheel.lock();
            let id = g.arm(now, deadline, timer, serial);
            w.next.fetch_min(deadline, Ordering::SeqCst);
            id
        };
        (id, self.next.fetch_min(deadline, Ordering::SeqCst) > deadline)
    }

    /// A fresh reference id for a message timer in wheel `wheel`.
    pub fn new_ref(&self, wheel: usize) -> u128 {
        let i = wheel.min(self.wheels.len() - 1);
        let serial = self.wheels[i].serial.fetch_add(1, Ordering::Relaxed);
        ((TIMER_REF_TAG + i as u64) as u128) << 64 | serial as u128
    }

    /// Arms message timer `ref_id` (from [`Timers::new_ref`]); whether it is now the
    /// earliest of all.
    pub fn arm_ref(&self, ref_id: u128, now: u64, deadline: u64, timer: Timer) -> bool {
        let i = ((ref_id >> 64) as u64 - TIMER_REF_TAG) as usize;
        self.arm(i, now, deadline, timer, ref_id as u64).1
    }

    /// The wheel and serial a timer reference names.
    fn by_ref(&self, ref_id: u128) -> Option<(&Wheel_, u64)> {
        let word = (ref_id >> 64) as u64;
        let i = word.checked_sub(TIMER_REF_TAG)? as usize;
        (i < MAX_WHEELS).then_some(())?;
        Some((self.wheels.get(i)?, ref_id as u64))
    }

    /// Cancels (or only reads) the message timer named by `ref_id`: the nanoseconds that were
    /// left, None if it is not armed.
    pub fn cancel(&self, ref_id: u128, now: u64, read_only: bool) -> Option<u64> {
        let (w, serial) = self.by_ref(ref_id)?;
        let mut g = w.wheel.lock();
        let idx = *g.by_serial.get(&serial)?;
        let deadline = g.slab[idx as usize].entry.as_ref()?.deadline;
        if !read_only {
            // The wheel's earliest deadline may now be later; leaving it early only means
            // a look at the wheel that finds nothing due. An empty wheel says so at once
            // (the run ends when nothing can run and no timer is armed).
            g.remove(idx);
            if g.live == 0 {
                drop(g);
                self.emptied(w);
            }
        }
        Some(deadline.saturating_sub(now))
    }

    /// Drops process `pid`'s receive timer `id` (its receive took a message).
    pub fn drop_receive(&self, id: u64, pid: u64) {
        let Some(w) = self.wheels.get((id >> 48) as usize) else { return };
        let mut g = w.wheel.lock();
        if let Some(idx) = g.lookup(id) {
            if matches!(g.slab[idx as usize].entry, Some(Entry { timer: Timer::Receive { pid: p, .. }, .. }) if p == pid) {
                g.remove(idx);
                if g.live == 0 {
                    drop(g);
                    self.emptied(w);
                }
            }
        }
    }

    /// Takes every timer due at `now` (of all wheels) into `out`.
    pub fn take_due(&self, now: u64, out: &mut Vec<Timer>) {
        for w in self.wheels.iter() {
            if w.next.load(Ordering::SeqCst) <= now {
                let mut g = w.wheel.lock();
                g.advance(now, out);
                w.next.store(g.next_deadline(), Ordering::SeqCst);
            }
        }
        self.refresh();
    }

    /// Wheel `w` holds no timer any more.
    fn emptied(&self, w: &Wheel_) {
        let g = w.wheel.lock();
        if g.live == 0 {
            w.next.store(u64::MAX, Ordering::SeqCst);
        }
        drop(g);
        self.refresh();
    }

    /// Recomputes the earliest deadline of all wheels. An arm racing with this lowers its
    /// wheel's `next` before the global one, so looking at the wheels again after the store
    /// catches it.
    fn refresh(&self) {
        let min = self.wheels.iter().map(|w| w.next.load(Ordering::SeqCst)).min().unwrap_or(u64::MAX);
        self.next.store(min, Ordering::SeqCst);
        for w in self.wheels.iter() {
            self.next.fetch_min(w.next.load(Ordering::SeqCst), Ordering::SeqCst);
        }
    }

    /// How many timers are armed (all wheels).
    pub fn count(&self) -> usize {
        self.wheels.iter().map(|w| w.wheel.lock().live).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn recv(pid: u64) -> Timer {
        Timer::Receive { pid, seq: 0 }
    }
    fn pid_of(t: &Timer) -> u64 {
        match t {
            Timer::Receive { pid, .. } => *pid,
            Timer::Send { .. } => u64::MAX,
        }
    }

    /// Timers at deadlines spread over every level fire exactly when due, in no other
    /// order than their deadlines allow, each once.
    #[test]
    fn fires_each_timer_once_when_due() {
        let ms = TICK_NS;
        let t = Timers::new(2);
        let base = 5 * ms + 123;
        let deadlines: Vec<u64> = [0, 1, 2, 999, 4095, 4096, 4097, 10_000, 4096 * 4096 - 1, 4096 * 4096 + 5, 4096 * 4096 * 3, 7]
            .iter()
            .map(|d| base + d * ms + 17)
            .collect();
        for (i, &d) in deadlines.iter().enumerate() {
            t.arm(i % 2, base, d, recv(i as u64), 0);
        }
        let mut fired = vec![None; deadlines.len()];
        let mut sorted = deadlines.clone();
        sorted.sort();
        let mut out = Vec::new();
        for &d in &sorted {
            // Just before: nothing new; at the deadline: it fires.
            out.clear();
            t.take_due(d - 1, &mut out);
            for x in &out {
                assert!(deadlines[pid_of(x) as usize] <= d - 1, "fired early");
                fired[pid_of(x) as usize].get_or_insert(d - 1);
            }
            assert!(t.next_deadline() <= d, "the next deadline is a lower bound");
            out.clear();
            t.take_due(d, &mut out);
            for x in &out {
                let i = pid_of(x) as usize;
                assert!(deadlines[i] <= d);
                assert!(fired[i].replace(d).is_none(), "fired twice");
            }
        }
        assert!(fired.iter().all(|f| f.is_some()));
        assert_eq!(t.count(), 0);
        assert_eq!(t.next_deadline(), u64::MAX);
    }

    #[test]
    fn cancel_and_drop_are_exact() {
        let ms = TICK_NS;
        let t = Timers::new(1);
        let mut ids = Vec::new();
        for i in 0..1000u64 {
            ids.push(t.arm(0, 0, (i % 50 + 1) * ms, recv(i), 0).0);
        }
        let r = t.new_ref(0);
        t.arm_ref(r, 0, 20 * ms, Timer::Send { dest: Term::NIL, msg: Term::NIL, frag: None });
        assert_eq!(t.cancel(r, 5 * ms, true), Some(15 * ms));
        assert_eq!(t.cancel(r, 5 * ms, false), Some(15 * ms));
        assert_eq!(t.cancel(r, 5 * ms, false), None, "a cancelled timer is gone");
        assert_eq!(t.cancel(r ^ (1u128 << 90), 0, false), None, "a foreign reference names none");
        for (i, &id) in ids.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            t.drop_receive(id, i as u64 + 1); // wrong owner: kept
            t.drop_receive(id, i as u64);
        }
        let mut out = Vec::new();
        t.take_due(100 * ms, &mut out);
        let mut got: Vec<u64> = out.iter().map(pid_of).collect();
        got.sort();
        let want: Vec<u64> = (0..1000).filter(|i| i % 3 != 0).collect();
        assert_eq!(got, want);
        // A stale id (its slot reused) drops nothing.
        let (a, _) = t.arm(0, 100 * ms, 200 * ms, recv(1), 0);
        t.drop_receive(a, 1);
        t.arm(0, 100 * ms, 200 * ms, recv(1), 0);
        t.drop_receive(a, 1);
        assert_eq!(t.count(), 1);
    }

    #[derive(Debug, Clone)]
    enum Op {
        /// Arm a timer `delay` ns from now in wheel `w` (a message timer when `msg`).
        Arm { w: usize, delay: u64, msg: bool },
        /// Cancel (or drop) the `k`-th timer armed so far.
        Cancel(usize),
        /// Move the clock on and fire what is due.
        Advance(u64),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        // Delays spread over every level: within a millisecond, a rotation, hours, far.
        let delay = prop_oneof![0u64..2_000_000, 0u64..5_000_000_000, 0u64..20_000_000_000_000, 0u64..200_000_000_000_000];
        prop_oneof![
            (0usize..3, delay, any::<bool>()).prop_map(|(w, delay, msg)| Op::Arm { w, delay, msg }),
            (0usize..64).prop_map(Op::Cancel),
            prop_oneof![0u64..3_000_000, 0u64..10_000_000_000, 0u64..30_000_000_000_000].prop_map(Op::Advance),
        ]
    }

    proptest::proptest! {
        /// Against a model: every armed timer that is not cancelled fires exactly once, never
        /// before its deadline, and by the first look at or after it; the earliest deadline
        /// reported is never later than the earliest armed.
        #[test]
        fn wheel_matches_model(ops in proptest::collection::vec(op(), 1..200)) {
            let t = Timers::new(3);
            let mut now = 987_654_321u64;
            // k -> (deadline, cancel handle, fired)
            let mut armed: Vec<(u64, Result<u128, u64>, bool, bool)> = Vec::new();
            let mut out = Vec::new();
            for o in ops {
                match o {
                    Op::Arm { w, delay, msg } => {
                        let k = armed.len() as u64;
                        let d = now + delay;
                        let h = if msg {
                            let r = t.new_ref(w);
                            t.arm_ref(r, now, d, Timer::Send { dest: Term::small(k as i64), msg: Term::NIL, frag: None });
                            Ok(r)
                        } else {
                            Err(t.arm(w, now, d, recv(k), 0).0)
                        };
                        armed.push((d, h, false, false));
                    }
                    Op::Cancel(i) => {
                        if let Some(a) = armed.get_mut(i) {
                            let live = !a.2 && !a.3;
                            match a.1 {
                                Ok(r) => {
                                    let left = t.cancel(r, now, false);
                                    proptest::prop_assert_eq!(left.is_some(), live);
                                }
                                Err(id) => t.drop_receive(id, i as u64),
                            }
                            a.3 = true;
                        }
                    }
                    Op::Advance(dt) => {
                        now += dt;
                        out.clear();
                        t.take_due(now, &mut out);
                        for x in &out {
                            let k = match x {
                                Timer::Receive { pid, .. } => *pid,
                                Timer::Send { dest, .. } => dest.as_small().unwrap() as u64,
                            } as usize;
                            let a = &mut armed[k];
                            proptest::prop_assert!(a.0 <= now, "fired early");
                            proptest::prop_assert!(!a.2 && !a.3, "fired twice or after cancel");
                            a.2 = true;
                        }
                        for a in &armed {
                            proptest::prop_assert!(a.2 || a.3 || a.0 > now, "a due timer did not fire");
                        }
                    }
                }
                let earliest = armed.iter().filter(|a| !a.2 && !a.3).map(|a| a.0).min();
                match earliest {
                    Some(e) => proptest::prop_assert!(t.next_deadline() <= e),
                    None => proptest::prop_assert_eq!(t.count(), 0),
                }
            }
        }
    }
}
