//! ETS: term storage shared between processes.
//!
//! A table holds copies of tuples, each in its own heap fragment, so a table outlives any
//! process heap and lookups copy objects into the caller's heap (as ERTS does). `set`, `bag`
//! and `duplicate_bag` keep their keys in a hash index over slots in insertion order (so
//! `first/next` walk a stable order); `ordered_set` is a B-tree in term order (where 1 and
//! 1.0 are the same key). Keys of the hashed kinds compare with `=:=`.
//!
//! Match specifications (`select`, `match`, `match_object`, `select_count`, `select_delete`)
//! are interpreted by [`MatchSpec`]: patterns with `'_'` and `'$N'` variables, guards and
//! bodies whose function calls are the VM's own BIFs.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::hash::{BuildHasher, Hash, Hasher};
use core::sync::atomic::{AtomicUsize, Ordering as AtOrd};

use beamos_gc::collect::copy_to_fragment;
use beamos_gc::heap::Fragment;
use beamos_gc::Term;
use hashbrown::HashMap;
use spin::{Mutex, RwLock};

use crate::compare;
use crate::terms;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Set,
    OrderedSet,
    Bag,
    DuplicateBag,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Access {
    Public,
    Protected,
    Private,
}

/// A term copied out of a process heap, with the fragment that holds it.
pub struct Stored {
    pub term: Term,
    _frag: Option<Fragment>,
}

// SAFETY: the term points only into its own fragment, which moves with it.
unsafe impl Send for Stored {}
// SAFETY: stored terms are mutated only by `KeyLock::update_in_place`, under a write lock
// that keeps every other thread away from them.
unsafe impl Sync for Stored {}

impl Stored {
    pub fn new(t: Term) -> Stored {
        if t.is_immediate() {
            return Stored { term: t, _frag: None };
        }
        let (term, f) = copy_to_fragment(t);
        Stored { term, _frag: Some(f) }
    }
}

/// A key in the hash index: its `=:=` identity and phash2.
struct HKey {
    term: Term,
    hash: u32,
}

impl PartialEq for HKey {
    fn eq(&self, o: &HKey) -> bool {
        self.hash == o.hash && compare::eq_exact(self.term, o.term)
    }
}
impl Eq for HKey {}
impl Hash for HKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u32(self.hash);
    }
}

/// Passes the precomputed phash2 through (spread over 64 bits).
#[derive(Default, Clone, Copy)]
struct PassHasher(u64);
impl Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = (v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}
#[derive(Default, Clone, Copy)]
struct PassBuild;
impl BuildHasher for PassBuild {
    type Hasher = PassHasher;
    fn build_hasher(&self) -> PassHasher {
        PassHasher(0)
    }
}

/// A key of an ordered_set, in term order (`==`).
struct OKey(Stored);
impl PartialEq for OKey {
    fn eq(&self, o: &OKey) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for OKey {}
impl PartialOrd for OKey {
    fn partial_cmp(&self, o: &OKey) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for OKey {
    fn cmp(&self, o: &OKey) -> Ordering {
        compare::cmp(self.0.term, o.0.term)
    }
}

struct Slot {
    key: Stored,
    objs: Vec<Stored>,
}

/// How many parts (each behind its own lock) a hash table with `write_concurrency` has:
/// ERTS's default count of lock stripes.
pub const WRITE_PARTS: usize = 64;

/// One part of a hash table: keys in a hash index over slots kept in insertion order.
///
/// While the table is fixed (safe_fixtable), a deleted key keeps its slot with no objects (a
/// pseudo-deleted slot, as ERTS keeps deleted objects of a fixed table), so `next` of it
/// goes on from where it was; lookups and traversals skip such slots, and they go when the
/// table is no longer fixed ([`HashPart::purge`]).
struct HashPart {
    slots: Vec<Option<Slot>>,
    index: HashMap<HKey, usize, PassBuild>,
    /// Slots holding objects.
    live: usize,
    /// Pseudo-deleted slots.
    kept: usize,
}

impl HashPart {
    fn new() -> HashPart {
        HashPart { slots: Vec::new(), index: HashMap::with_hasher(PassBuild), live: 0, kept: 0 }
    }

    fn get(&self, hk: &HKey) -> Option<&Slot> {
        self.index.get(hk).and_then(|&i| self.slots[i].as_ref()).filter(|s| !s.objs.is_empty())
    }

    /// Inserts a copy of `obj` under `key`; returns how many objects were added.
    fn insert(&mut self, kind: Kind, hk: HKey, obj: Term) -> usize {
        if let Some(&i) = self.index.get(&hk) {
            let slot = self.slots[i].as_mut().expect("indexed slot");
            if slot.objs.is_empty() {
                // A pseudo-deleted key comes back.
                slot.objs.push(Stored::new(obj));
                self.kept -= 1;
                self.live += 1;
                return 1;
            }
            return match kind {
                Kind::Set | Kind::OrderedSet => {
                    slot.objs[0] = Stored::new(obj);
                    0
                }
                Kind::Bag => {
                    if slot.objs.iter().any(|o| compare::eq_exact(o.term, obj)) {
                        0
                    } else {
                        slot.objs.push(Stored::new(obj));
                        1
                    }
                }
                Kind::DuplicateBag => {
                    slot.objs.push(Stored::new(obj));
                    1
                }
            };
        }
        let k = Stored::new(hk.term);
        let hk = HKey { term: k.term, hash: hk.hash };
        self.slots.push(Some(Slot { key: k, objs: alloc::vec![Stored::new(obj)] }));
        self.index.insert(hk, self.slots.len() - 1);
        self.live += 1;
        1
    }

    /// Empties slot `i`: pseudo-deleted when `fixed`, else gone.
    fn empty_slot(&mut self, i: usize, fixed: bool) {
        self.live -= 1;
        if fixed {
            if let Some(s) = self.slots[i].as_mut() {
                s.objs.clear();
            }
            self.kept += 1;
        } else if let Some(s) = self.slots[i].take() {
            self.index.remove(&Table::hkey(s.key.term));
            self.maybe_compact();
        }
    }

    fn delete_key(&mut self, hk: &HKey, fixed: bool) -> usize {
        let Some(&i) = self.index.get(hk) else { return 0 };
        let n = self.slots[i].as_ref().map_or(0, |s| s.objs.len());
        if n > 0 {
            self.empty_slot(i, fixed);
        }
        n
    }

    fn delete_object(&mut self, hk: &HKey, obj: Term, fixed: bool) -> usize {
        let Some(i) = self.index.get(hk).copied() else { return 0 };
        let slot = self.slots[i].as_mut().expect("indexed slot");
        let before = slot.objs.len();
        slot.objs.retain(|o| !compare::eq_exact(o.term, obj));
        let n = before - slot.objs.len();
        if n > 0 && slot.objs.is_empty() {
            self.empty_slot(i, fixed);
        }
        n
    }

    /// Every object gone (delete_all_objects): pseudo-deleted when `fixed`.
    fn clear(&mut self, fixed: bool) {
        if !fixed {
            *self = HashPart::new();
            return;
        }
        for s in self.slots.iter_mut().flatten() {
            if !s.objs.is_empty() {
                s.objs.clear();
                self.kept += 1;
            }
        }
        self.live = 0;
    }

    /// The table is no longer fixed: pseudo-deleted slots go.
    fn purge(&mut self) {
        if self.kept == 0 {
            return;
        }
        for i in 0..self.slots.len() {
            if self.slots[i].as_ref().is_some_and(|s| s.objs.is_empty()) {
                let s = self.slots[i].take().expect("checked");
                self.index.remove(&Table::hkey(s.key.term));
            }
        }
        self.kept = 0;
        self.maybe_compact();
    }

    fn replace(&mut self, hk: &HKey, obj: Term) {
        if let Some(&i) = self.index.get(hk) {
            if let Some(s) = self.slots[i].as_mut().filter(|s| !s.objs.is_empty()) {
                s.objs[0] = Stored::new(obj);
            }
        }
    }

    /// Drops emptied slots once they are the majority (renumbering the index); never while
    /// slots are pseudo-deleted (positions must stay).
    fn maybe_compact(&mut self) {
        if self.kept > 0 || self.slots.len() < 64 || self.live * 2 > self.slots.len() {
            return;
        }
        self.slots.retain(|s| s.is_some());
        self.index.clear();
        for (i, s) in self.slots.iter().enumerate() {
            if let Some(s) = s {
                self.index.insert(Table::hkey(s.key.term), i);
            }
        }
    }

    /// The slots holding objects, in order.
    fn keys(&self) -> impl DoubleEndedIterator<Item = &Slot> {
        self.slots.iter().flatten().filter(|s| !s.objs.is_empty())
    }
}

enum Store {
    /// One part, or [`WRITE_PARTS`] with `write_concurrency`; a key's part is chosen by its
    /// hash. Traversals walk the parts in order, each in insertion order.
    Hashed(Box<[RwLock<HashPart>]>),
    Ordered(BTreeMap<OKey, Stored>),
}

/// ETS's table. Its lock (`TableRef`) is held for reading by lookups and traversals, which
/// copy objects out before releasing it, and for writing by writes, except on a hash table
/// with `write_concurrency`: there a write to one key holds the table's lock for reading and
/// its key's part for writing ([`Table::lock_key`]), so writers of keys in different parts
/// run in parallel, and readers of the whole table hold every part ([`Table::freeze`]).
pub struct Table {
    pub id: u64,
    pub name: Term,
    pub named: bool,
    pub kind: Kind,
    pub keypos: usize,
    pub access: Access,
    pub owner: Term,
    pub heir: Option<(Term, Stored)>,
    pub read_concurrency: bool,
    pub write_concurrency: bool,
    /// How write_concurrency was asked for, as `ets:info/2` reports it: `auto`, or the lock
    /// count of `{debug_hash_fixed_number_of_locks, N}` (0: a plain boolean).
    pub write_concurrency_auto: bool,
    pub fixed_locks: u32,
    pub decentralized_counters: bool,
    pub compressed: bool,
    /// Made with more than one scheduler (read_concurrency then has locks of its own, as
    /// ERTS's memory figure shows).
    pub multi_scheduler: bool,
    /// safe_fixtable: the fixing processes and their counts, newest first, and when the
    /// first fixation was made (monotonic and system time, ns).
    pub fixations: Vec<(Term, u32)>,
    pub fixed_at: (i64, i64),
    store: Store,
    count: AtomicUsize,
}

/// A hash table's parts held for reading, so objects read from them stay valid while a
/// traversal copies them out (writers of single keys may otherwise run alongside).
pub struct Frozen<'a> {
    _parts: Vec<spin::RwLockReadGuard<'a, HashPart>>,
}

/// One key's part of a table, held for writing.
pub struct KeyLock<'a> {
    /// The key it was taken for, and its hash.
    hk: (Term, u32),
    /// The table is fixed (deleted keys stay pseudo-deleted).
    fixed: bool,
    count: &'a AtomicUsize,
    kind: Kind,
    keypos: usize,
    inner: KeyInner<'a>,
}

/// One key's part of a table, held for reading.
pub struct KeyRead<'a> {
    table: &'a Table,
    part: Option<spin::RwLockReadGuard<'a, HashPart>>,
}

impl KeyRead<'_> {
    /// The objects with `key` (valid while this is held).
    pub fn lookup(&self, key: Term) -> Vec<Term> {
        match &self.part {
            Some(p) => p.get(&Table::hkey(key)).map(|s| s.objs.iter().map(|o| o.term).collect()).unwrap_or_default(),
            None => self.table.lookup(key),
        }
    }
}

enum KeyInner<'a> {
    Part(spin::RwLockWriteGuard<'a, HashPart>),
    /// An ordered_set's tree (the table's lock is held for writing).
    Tree(&'a mut BTreeMap<OKey, Stored>),
}

impl Table {
    pub fn new(id: u64, name: Term, kind: Kind) -> Table {
        Table {
            id,
            name,
            named: false,
            kind,
            keypos: 1,
            access: Access::Protected,
            owner: Term::NIL,
            heir: None,
            read_concurrency: false,
            write_concurrency: false,
            write_concurrency_auto: false,
            fixed_locks: 0,
            decentralized_counters: false,
            compressed: false,
            multi_scheduler: false,
            fixations: Vec::new(),
            fixed_at: (0, 0),
            store: Store::Hashed(alloc::vec![RwLock::new(HashPart::new())].into_boxed_slice()),
            count: AtomicUsize::new(0),
        }
    }

    /// Sets the table type (while it is still empty, after `write_concurrency` is known).
    pub fn set_kind(&mut self, kind: Kind) {
        self.kind = kind;
        self.clear();
    }

    /// A hash table whose single-key writes lock only their key's part.
    pub fn striped(&self) -> bool {
        matches!(&self.store, Store::Hashed(parts) if parts.len() > 1)
    }

    /// Number of objects.
    pub fn size(&self) -> usize {
        self.count.load(AtOrd::Relaxed)
    }

    /// The key of an object (a tuple of at least `keypos` elements, checked by the caller).
    pub fn key_of(&self, obj: Term) -> Term {
        terms::tuple_elems(obj).map_or(Term::NIL, |e| e[self.keypos - 1])
    }

    fn hkey(t: Term) -> HKey {
        HKey { term: t, hash: crate::hash::phash2(t) }
    }

    fn part_of(parts: &[RwLock<HashPart>], hk: &HKey) -> usize {
        if parts.len() == 1 {
            0
        } else {
            (hk.hash as usize).wrapping_mul(0x9E37_79B9) >> 7 & (parts.len() - 1)
        }
    }

    /// Holds every part for reading (see [`Frozen`]).
    pub fn freeze(&self) -> Frozen<'_> {
        match &self.store {
            Store::Hashed(parts) if parts.len() > 1 => Frozen { _parts: parts.iter().map(|p| p.read()).collect() },
            _ => Frozen { _parts: Vec::new() },
        }
    }

    /// Locks the part holding `key` for writing, the table's lock being held for reading
    /// (a striped table). None for an ordered_set.
    pub fn lock_key(&self, key: Term) -> Option<KeyLock<'_>> {
        match &self.store {
            Store::Hashed(parts) => {
                let hk = Self::hkey(key);
                let i = Self::part_of(parts, &hk);
                let fixed = !self.fixations.is_empty();
                Some(KeyLock { hk: (key, hk.hash), fixed, count: &self.count, kind: self.kind, keypos: self.keypos, inner: KeyInner::Part(parts[i].write()) })
            }
            Store::Ordered(_) => None,
        }
    }

    /// The part holding `key`, the table's lock being held for writing.
    pub fn lock_key_mut(&mut self, key: Term) -> KeyLock<'_> {
        let hk = Self::hkey(key);
        let fixed = !self.fixations.is_empty();
        let inner = match &mut self.store {
            Store::Hashed(parts) => {
                let i = Self::part_of(parts, &hk);
                KeyInner::Part(parts[i].write())
            }
            Store::Ordered(m) => KeyInner::Tree(m),
        };
        KeyLock { hk: (key, hk.hash), fixed, count: &self.count, kind: self.kind, keypos: self.keypos, inner }
    }

    /// Inserts (a copy of) `obj`, which must be a tuple with the key position.
    pub fn insert(&mut self, obj: Term) {
        let key = self.key_of(obj);
        self.lock_key_mut(key).insert(obj);
    }

    /// The objects with key `key` (in the table's memory: valid while the table is held,
    /// for a striped table frozen or the key's part locked).
    pub fn lookup(&self, key: Term) -> Vec<Term> {
        match &self.store {
            Store::Ordered(m) => {
                let probe = OKey(Stored { term: key, _frag: None });
                m.get(&probe).map(|o| alloc::vec![o.term]).unwrap_or_default()
            }
            Store::Hashed(parts) => {
                let hk = Self::hkey(key);
                let part = parts[Self::part_of(parts, &hk)].read();
                part.get(&hk).map(|s| s.objs.iter().map(|o| o.term).collect()).unwrap_or_default()
            }
        }
    }

    /// `key`'s part held for reading (a lookup's objects stay valid while it is held).
    pub fn read_key(&self, key: Term) -> KeyRead<'_> {
        match &self.store {
            Store::Hashed(parts) => {
                let hk = Self::hkey(key);
                KeyRead { table: self, part: Some(parts[Self::part_of(parts, &hk)].read()) }
            }
            Store::Ordered(_) => KeyRead { table: self, part: None },
        }
    }

    pub fn member(&self, key: Term) -> bool {
        match &self.store {
            Store::Ordered(m) => m.contains_key(&OKey(Stored { term: key, _frag: None })),
            Store::Hashed(parts) => {
                let hk = Self::hkey(key);
                parts[Self::part_of(parts, &hk)].read().get(&hk).is_some()
            }
        }
    }

    /// Removes every object with key `key`; returns how many.
    pub fn delete_key(&mut self, key: Term) -> usize {
        self.lock_key_mut(key).delete_key(key)
    }

    /// Removes the objects `=:=` to `obj`; returns how many.
    pub fn delete_object(&mut self, obj: Term) -> usize {
        let key = self.key_of(obj);
        let fixed = !self.fixations.is_empty();
        let n = match &mut self.store {
            Store::Ordered(m) => {
                let probe = OKey(Stored { term: key, _frag: None });
                match m.get(&probe) {
                    Some(o) if compare::eq_exact(o.term, obj) => {
                        m.remove(&probe);
                        1
                    }
                    _ => 0,
                }
            }
            Store::Hashed(parts) => {
                let hk = Self::hkey(key);
                let i = Self::part_of(parts, &hk);
                parts[i].get_mut().delete_object(&hk, obj, fixed)
            }
        };
        add_count(&self.count, 0, n);
        n
    }

    pub fn clear(&mut self) -> usize {
        let n = self.size();
        if let (Store::Hashed(parts), false) = (&mut self.store, self.fixations.is_empty()) {
            // A fixed table's objects are pseudo-deleted: `next` still finds their keys.
            for p in parts.iter_mut() {
                p.get_mut().clear(true);
            }
            self.count.store(0, AtOrd::Relaxed);
            return n;
        }
        self.store = match self.kind {
            Kind::OrderedSet => Store::Ordered(BTreeMap::new()),
            _ => {
                let parts = match (self.write_concurrency, self.fixed_locks) {
                    (false, _) => 1,
                    (true, 0) => WRITE_PARTS,
                    (true, n) => n as usize,
                };
                Store::Hashed((0..parts).map(|_| RwLock::new(HashPart::new())).collect())
            }
        };
        self.count.store(0, AtOrd::Relaxed);
        n
    }

    /// Runs `f` over every slot of a hash table, parts in order.
    fn each_slot(parts: &[RwLock<HashPart>], mut f: impl FnMut(&Slot)) {
        for p in parts {
            p.read().keys().for_each(&mut f);
        }
    }

    /// Every object, in the table's order.
    pub fn objects(&self) -> Vec<Term> {
        match &self.store {
            Store::Ordered(m) => m.values().map(|o| o.term).collect(),
            Store::Hashed(parts) => {
                let mut v = Vec::with_capacity(self.size());
                Self::each_slot(parts, |s| v.extend(s.objs.iter().map(|o| o.term)));
                v
            }
        }
    }

    /// The buckets ERTS would report for a hash table of this size (see `ets:info(T, stats)`).
    pub fn buckets(&self) -> usize {
        self.size().next_power_of_two().max(256)
    }

    /// `ets:slot/2`: the objects of slot `i` (an ordered_set's `i`-th object; a hash table's
    /// `i`-th key, out of `buckets()` slots); `Ok(None)` one past the last slot, `Err` beyond.
    pub fn slot(&self, i: usize) -> Result<Option<Vec<Term>>, ()> {
        match &self.store {
            Store::Ordered(m) => match i.cmp(&m.len()) {
                Ordering::Less => Ok(Some(m.values().nth(i).map(|o| alloc::vec![o.term]).unwrap_or_default())),
                Ordering::Equal => Ok(None),
                Ordering::Greater => Err(()),
            },
            Store::Hashed(parts) => {
                let total: usize = parts.iter().map(|p| p.read().slots.len()).sum();
                let n = self.buckets().max(total);
                match i.cmp(&n) {
                    Ordering::Less => {
                        let mut j = i;
                        for p in parts.iter() {
                            let p = p.read();
                            if j < p.slots.len() {
                                return Ok(Some(p.slots[j].as_ref().map(|s| s.objs.iter().map(|o| o.term).collect()).unwrap_or_default()));
                            }
                            j -= p.slots.len();
                        }
                        Ok(Some(Vec::new()))
                    }
                    Ordering::Equal => Ok(None),
                    Ordering::Greater => Err(()),
                }
            }
        }
    }

    /// The keys in the table's order.
    pub fn keys(&self) -> Vec<Term> {
        match &self.store {
            Store::Ordered(m) => m.keys().map(|k| k.0.term).collect(),
            Store::Hashed(parts) => {
                let mut v = Vec::new();
                Self::each_slot(parts, |s| v.push(s.key.term));
                v
            }
        }
    }

    pub fn first(&self) -> Option<Term> {
        match &self.store {
            Store::Ordered(m) => m.keys().next().map(|k| k.0.term),
            Store::Hashed(parts) => parts.iter().find_map(|p| p.read().keys().next().map(|s| s.key.term)),
        }
    }

    pub fn last(&self) -> Option<Term> {
        match &self.store {
            Store::Ordered(m) => m.keys().next_back().map(|k| k.0.term),
            Store::Hashed(parts) => parts.iter().rev().find_map(|p| p.read().keys().next_back().map(|s| s.key.term)),
        }
    }

    /// The key after `key`: `Err(())` if `key` is not in a hashed table (badarg in ERTS);
    /// an ordered_set finds the next key even when `key` is absent.
    pub fn next(&self, key: Term) -> Result<Option<Term>, ()> {
        match &self.store {
            Store::Ordered(m) => {
                use core::ops::Bound;
                let probe = OKey(Stored { term: key, _frag: None });
                Ok(m.range((Bound::Excluded(probe), Bound::Unbounded)).next().map(|(k, _)| k.0.term))
            }
            Store::Hashed(parts) => {
                let hk = Self::hkey(key);
                let pi = Self::part_of(parts, &hk);
                let here = {
                    let p = parts[pi].read();
                    let &i = p.index.get(&hk).ok_or(())?;
                    p.slots[i + 1..].iter().flatten().find(|s| !s.objs.is_empty()).map(|s| s.key.term)
                };
                Ok(here.or_else(|| parts[pi + 1..].iter().find_map(|p| p.read().keys().next().map(|s| s.key.term))))
            }
        }
    }

    pub fn prev(&self, key: Term) -> Result<Option<Term>, ()> {
        match &self.store {
            Store::Ordered(m) => {
                use core::ops::Bound;
                let probe = OKey(Stored { term: key, _frag: None });
                Ok(m.range((Bound::Unbounded, Bound::Excluded(probe))).next_back().map(|(k, _)| k.0.term))
            }
            Store::Hashed(parts) => {
                let hk = Self::hkey(key);
                let pi = Self::part_of(parts, &hk);
                let here = {
                    let p = parts[pi].read();
                    let &i = p.index.get(&hk).ok_or(())?;
                    p.slots[..i].iter().flatten().rfind(|s| !s.objs.is_empty()).map(|s| s.key.term)
                };
                Ok(here.or_else(|| parts[..pi].iter().rev().find_map(|p| p.read().keys().next_back().map(|s| s.key.term))))
            }
        }
    }

    /// Replaces the single object with key `key` (set and ordered_set only).
    pub fn replace(&mut self, key: Term, obj: Term) {
        self.lock_key_mut(key).replace(key, obj);
    }

    /// The last fixation went: pseudo-deleted keys go.
    pub fn unfixed(&mut self) {
        if let Store::Hashed(parts) = &mut self.store {
            for p in parts.iter_mut() {
                p.get_mut().purge();
            }
        }
    }

    /// Pseudo-deleted keys (ets:info(T, stats)'s kept objects).
    pub fn kept(&self) -> usize {
        match &self.store {
            Store::Hashed(parts) => parts.iter().map(|p| p.read().kept).sum(),
            Store::Ordered(_) => 0,
        }
    }

    /// Memory in words (ets:info(T, memory)), counted as ERTS counts it: the table
    /// structure (a hash table's locks, an ordered_set's tree or contention-adapting tree)
    /// plus each object's words and its node's.
    pub fn memory_words(&self) -> usize {
        let (base, per_object) = match (&self.store, self.write_concurrency) {
            (Store::Ordered(_), false) => (139, 5),
            (Store::Ordered(_), true) => (if self.decentralized_counters { 133 } else { 99 }, 5),
            (Store::Hashed(parts), _) if parts.len() > 1 => (305 + parts.len() * 33 / 2, 4),
            (Store::Hashed(_), _) => (if self.read_concurrency && self.multi_scheduler { 337 } else { 305 }, 4),
        };
        let objs: usize = self.objects().iter().map(|&o| beamos_gc::collect::size_of_term(o) + per_object).sum();
        base + objs
    }
}

impl KeyLock<'_> {
    /// `key`'s hash key (computed once for the key the lock was taken for).
    fn hkey(&self, key: Term) -> HKey {
        if key == self.hk.0 {
            HKey { term: key, hash: self.hk.1 }
        } else {
            Table::hkey(key)
        }
    }

    /// The single object with `key` of a set or ordered_set (valid while this is held).
    pub fn get_one(&self, key: Term) -> Option<Term> {
        match &self.inner {
            KeyInner::Part(part) => part.get(&self.hkey(key)).and_then(|s| s.objs.first()).map(|o| o.term),
            KeyInner::Tree(m) => m.get(&OKey(Stored { term: key, _frag: None })).map(|o| o.term),
        }
    }

    /// Writes immediate `values` over elements of the stored object with `key` (set and
    /// ordered_set: update_counter and update_element without a copy, as ERTS updates in
    /// place). Nobody else can read the object meanwhile: its part (or the table) is held
    /// for writing. False, writing nothing, if there is no such object or a value is not
    /// immediate.
    pub fn update_in_place(&mut self, key: Term, values: &[(usize, Term)]) -> bool {
        if values.iter().any(|(_, v)| !v.is_immediate()) {
            return false;
        }
        let Some(obj) = self.get_one(key) else { return false };
        let arity = terms::tuple_elems(obj).map_or(0, |e| e.len());
        if values.iter().any(|&(i, _)| i >= arity) {
            return false;
        }
        for &(i, v) in values {
            // SAFETY: `obj` is a tuple of `arity` elements in its own fragment, which this
            // lock keeps every other reader and writer away from.
            unsafe { *(obj.ptr() as *mut Term).add(1 + i) = v };
        }
        true
    }

    /// The objects with `key` (valid while this lock is held).
    pub fn lookup(&self, key: Term) -> Vec<Term> {
        match &self.inner {
            KeyInner::Part(part) => part.get(&self.hkey(key)).map(|s| s.objs.iter().map(|o| o.term).collect()).unwrap_or_default(),
            KeyInner::Tree(m) => m.get(&OKey(Stored { term: key, _frag: None })).map(|o| alloc::vec![o.term]).unwrap_or_default(),
        }
    }

    pub fn member(&self, key: Term) -> bool {
        match &self.inner {
            KeyInner::Part(part) => part.get(&self.hkey(key)).is_some(),
            KeyInner::Tree(m) => m.contains_key(&OKey(Stored { term: key, _frag: None })),
        }
    }

    /// The key of an object (a tuple of at least `keypos` elements).
    pub fn key_of(&self, obj: Term) -> Term {
        terms::tuple_elems(obj).map_or(Term::NIL, |e| e[self.keypos - 1])
    }

    /// Inserts a copy of `obj` (whose key is this lock's).
    pub fn insert(&mut self, obj: Term) {
        let (key, kind) = (self.key_of(obj), self.kind);
        let (added, removed) = match &mut self.inner {
            KeyInner::Part(_) => {
                let hk = self.hkey(key);
                let KeyInner::Part(part) = &mut self.inner else { unreachable!() };
                (part.insert(kind, hk, obj), 0)
            }
            KeyInner::Tree(m) => {
                let k = OKey(Stored::new(key));
                // Replace the key too (3.0 replaces 3: the stored key is the new one's).
                let removed = usize::from(m.remove(&k).is_some());
                m.insert(k, Stored::new(obj));
                (1, removed)
            }
        };
        add_count(self.count, added, removed);
    }

    /// Removes every object with `key`; returns how many.
    pub fn delete_key(&mut self, key: Term) -> usize {
        let (hk, fixed) = (self.hkey(key), self.fixed);
        let n = match &mut self.inner {
            KeyInner::Part(part) => part.delete_key(&hk, fixed),
            KeyInner::Tree(m) => usize::from(m.remove(&OKey(Stored { term: key, _frag: None })).is_some()),
        };
        add_count(self.count, 0, n);
        n
    }

    /// Replaces the single object with `key` (set and ordered_set only).
    pub fn replace(&mut self, key: Term, obj: Term) {
        let hk = self.hkey(key);
        match &mut self.inner {
            KeyInner::Part(part) => part.replace(&hk, obj),
            KeyInner::Tree(m) => {
                if let Some(o) = m.get_mut(&OKey(Stored { term: key, _frag: None })) {
                    *o = Stored::new(obj);
                }
            }
        }
    }
}

/// Adds and removes objects from a table's count.
fn add_count(count: &AtomicUsize, added: usize, removed: usize) {
    if added > 0 {
        count.fetch_add(added, AtOrd::Relaxed);
    }
    if removed > 0 {
        count.fetch_sub(removed, AtOrd::Relaxed);
    }
}

pub type TableRef = Arc<RwLock<Table>>;

/// Every table, by id and by name.
#[derive(Default)]
pub struct Registry {
    /// How many tables are fixed (safe_fixtable): a process's exit looks for its fixations
    /// only when some table is.
    pub fixed_tables: core::sync::atomic::AtomicUsize,
    tables: RwLock<HashMap<u64, TableRef>>,
    names: RwLock<HashMap<Term, u64>>,
    /// Table ids by owner, so a process's exit finds its tables without looking at all.
    owners: Mutex<HashMap<Term, Vec<u64>>>,
    next: Mutex<u64>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn next_id(&self) -> u64 {
        let mut n = self.next.lock();
        *n += 1;
        *n
    }

    /// Adds a table; false if it is named and the name is taken.
    pub fn add(&self, t: Table) -> bool {
        let (id, name, named) = (t.id, t.name, t.named);
        if named {
            let mut names = self.names.write();
            if names.contains_key(&name) {
                return false;
            }
            names.insert(name, id);
        }
        self.owners.lock().entry(t.owner).or_default().push(id);
        self.tables.write().insert(id, Arc::new(RwLock::new(t)));
        true
    }

    /// Table `id` passed from `old` to `new` (give_away, heir).
    pub fn set_owner(&self, id: u64, old: Term, new: Term) {
        let mut owners = self.owners.lock();
        self.drop_owned(&mut owners, old, id);
        owners.entry(new).or_default().push(id);
    }

    fn drop_owned(&self, owners: &mut HashMap<Term, Vec<u64>>, owner: Term, id: u64) {
        if let Some(v) = owners.get_mut(&owner) {
            v.retain(|&i| i != id);
            if v.is_empty() {
                owners.remove(&owner);
            }
        }
    }

    pub fn by_id(&self, id: u64) -> Option<TableRef> {
        self.tables.read().get(&id).cloned()
    }

    pub fn by_name(&self, name: Term) -> Option<TableRef> {
        let id = *self.names.read().get(&name)?;
        self.by_id(id)
    }

    pub fn id_of_name(&self, name: Term) -> Option<u64> {
        self.names.read().get(&name).copied()
    }

    pub fn remove(&self, id: u64) -> Option<TableRef> {
        let t = self.tables.write().remove(&id)?;
        let (named, name, owner) = {
            let g = t.read();
            (g.named, g.name, g.owner)
        };
        self.drop_owned(&mut self.owners.lock(), owner, id);
        if named {
            self.names.write().remove(&name);
        }
        Some(t)
    }

    pub fn rename(&self, id: u64, old: Term, new: Term) -> bool {
        let mut names = self.names.write();
        if names.contains_key(&new) {
            return false;
        }
        names.remove(&old);
        names.insert(new, id);
        true
    }

    pub fn all_ids(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.tables.read().keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// Every table.
    pub fn all(&self) -> Vec<TableRef> {
        self.tables.read().values().cloned().collect()
    }

    /// Tables owned by `pid` (deleted or handed to their heir when it exits).
    pub fn owned_by(&self, pid: Term) -> Vec<TableRef> {
        let Some(ids) = self.owners.lock().get(&pid).cloned() else { return Vec::new() };
        let tables = self.tables.read();
        ids.iter().filter_map(|id| tables.get(id).cloned()).collect()
    }
}
