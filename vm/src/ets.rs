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

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::hash::{BuildHasher, Hash, Hasher};

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
// SAFETY: stored terms are never mutated.
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

enum Store {
    Hashed { slots: Vec<Option<Slot>>, index: HashMap<HKey, usize, PassBuild>, live: usize },
    Ordered(BTreeMap<OKey, Stored>),
}

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
    store: Store,
    count: usize,
}

impl Table {
    pub fn new(id: u64, name: Term, kind: Kind) -> Table {
        let store = match kind {
            Kind::OrderedSet => Store::Ordered(BTreeMap::new()),
            _ => Store::Hashed { slots: Vec::new(), index: HashMap::with_hasher(PassBuild), live: 0 },
        };
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
            store,
            count: 0,
        }
    }

    /// Sets the table type (while it is still empty).
    pub fn set_kind(&mut self, kind: Kind) {
        self.kind = kind;
        self.clear();
    }

    /// Number of objects.
    pub fn size(&self) -> usize {
        self.count
    }

    /// The key of an object (a tuple of at least `keypos` elements, checked by the caller).
    pub fn key_of(&self, obj: Term) -> Term {
        terms::tuple_elems(obj).map_or(Term::NIL, |e| e[self.keypos - 1])
    }

    fn hkey(t: Term) -> HKey {
        HKey { term: t, hash: crate::hash::phash2(t) }
    }

    /// Inserts (a copy of) `obj`, which must be a tuple with the key position.
    pub fn insert(&mut self, obj: Term) {
        let key = self.key_of(obj);
        let kind = self.kind;
        match &mut self.store {
            Store::Ordered(m) => {
                let k = OKey(Stored::new(key));
                // Replace the key too (3.0 replaces 3: the stored key is the new one's).
                if m.remove(&k).is_some() {
                    self.count -= 1;
                }
                m.insert(k, Stored::new(obj));
                self.count += 1;
            }
            Store::Hashed { slots, index, live } => {
                if let Some(&i) = index.get(&Self::hkey(key)) {
                    let slot = slots[i].as_mut().expect("indexed slot");
                    match kind {
                        Kind::Set => slot.objs[0] = Stored::new(obj),
                        Kind::Bag => {
                            if !slot.objs.iter().any(|o| compare::eq_exact(o.term, obj)) {
                                slot.objs.push(Stored::new(obj));
                                self.count += 1;
                            }
                        }
                        _ => {
                            slot.objs.push(Stored::new(obj));
                            self.count += 1;
                        }
                    }
                    return;
                }
                let k = Stored::new(key);
                let hk = Self::hkey(k.term);
                slots.push(Some(Slot { key: k, objs: alloc::vec![Stored::new(obj)] }));
                index.insert(hk, slots.len() - 1);
                *live += 1;
                self.count += 1;
            }
        }
    }

    /// The objects with key `key` (in the table's memory).
    pub fn lookup(&self, key: Term) -> Vec<Term> {
        match &self.store {
            Store::Ordered(m) => {
                let probe = OKey(Stored { term: key, _frag: None });
                m.get(&probe).map(|o| alloc::vec![o.term]).unwrap_or_default()
            }
            Store::Hashed { slots, index, .. } => match index.get(&Self::hkey(key)) {
                Some(&i) => slots[i].as_ref().map(|s| s.objs.iter().map(|o| o.term).collect()).unwrap_or_default(),
                None => Vec::new(),
            },
        }
    }

    pub fn member(&self, key: Term) -> bool {
        !self.lookup(key).is_empty()
    }

    /// Removes every object with key `key`; returns how many.
    pub fn delete_key(&mut self, key: Term) -> usize {
        let n = match &mut self.store {
            Store::Ordered(m) => {
                let probe = OKey(Stored { term: key, _frag: None });
                usize::from(m.remove(&probe).is_some())
            }
            Store::Hashed { slots, index, live } => match index.remove(&Self::hkey(key)) {
                Some(i) => {
                    let n = slots[i].take().map_or(0, |s| s.objs.len());
                    *live -= 1;
                    Self::maybe_compact(slots, index, *live);
                    n
                }
                None => 0,
            },
        };
        self.count -= n;
        n
    }

    /// Removes the objects `=:=` to `obj`; returns how many.
    pub fn delete_object(&mut self, obj: Term) -> usize {
        let key = self.key_of(obj);
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
            Store::Hashed { slots, index, live } => match index.get(&Self::hkey(key)).copied() {
                Some(i) => {
                    let slot = slots[i].as_mut().expect("indexed slot");
                    let before = slot.objs.len();
                    slot.objs.retain(|o| !compare::eq_exact(o.term, obj));
                    let n = before - slot.objs.len();
                    if slot.objs.is_empty() {
                        let k = slots[i].take().expect("slot");
                        index.remove(&Self::hkey(k.key.term));
                        *live -= 1;
                        Self::maybe_compact(slots, index, *live);
                    }
                    n
                }
                None => 0,
            },
        };
        self.count -= n;
        n
    }

    /// Drops emptied slots once they are the majority (renumbering the index).
    fn maybe_compact(slots: &mut Vec<Option<Slot>>, index: &mut HashMap<HKey, usize, PassBuild>, live: usize) {
        if slots.len() < 64 || live * 2 > slots.len() {
            return;
        }
        slots.retain(|s| s.is_some());
        index.clear();
        for (i, s) in slots.iter().enumerate() {
            if let Some(s) = s {
                index.insert(Self::hkey(s.key.term), i);
            }
        }
    }

    pub fn clear(&mut self) -> usize {
        let n = self.count;
        self.store = match self.kind {
            Kind::OrderedSet => Store::Ordered(BTreeMap::new()),
            _ => Store::Hashed { slots: Vec::new(), index: HashMap::with_hasher(PassBuild), live: 0 },
        };
        self.count = 0;
        n
    }

    /// Every object, in the table's order.
    pub fn objects(&self) -> Vec<Term> {
        match &self.store {
            Store::Ordered(m) => m.values().map(|o| o.term).collect(),
            Store::Hashed { slots, .. } => {
                slots.iter().flatten().flat_map(|s| s.objs.iter().map(|o| o.term)).collect()
            }
        }
    }

    /// The buckets ERTS would report for a hash table of this size (see `ets:info(T, stats)`).
    pub fn buckets(&self) -> usize {
        self.count.next_power_of_two().max(256)
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
            Store::Hashed { slots, .. } => {
                let n = self.buckets().max(slots.len());
                match i.cmp(&n) {
                    Ordering::Less => Ok(Some(
                        slots.get(i).and_then(|s| s.as_ref()).map(|s| s.objs.iter().map(|o| o.term).collect()).unwrap_or_default(),
                    )),
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
            Store::Hashed { slots, .. } => slots.iter().flatten().map(|s| s.key.term).collect(),
        }
    }

    pub fn first(&self) -> Option<Term> {
        match &self.store {
            Store::Ordered(m) => m.keys().next().map(|k| k.0.term),
            Store::Hashed { slots, .. } => slots.iter().flatten().next().map(|s| s.key.term),
        }
    }

    pub fn last(&self) -> Option<Term> {
        match &self.store {
            Store::Ordered(m) => m.keys().next_back().map(|k| k.0.term),
            Store::Hashed { slots, .. } => slots.iter().flatten().next_back().map(|s| s.key.term),
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
            Store::Hashed { slots, index, .. } => {
                let &i = index.get(&Self::hkey(key)).ok_or(())?;
                Ok(slots[i + 1..].iter().flatten().next().map(|s| s.key.term))
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
            Store::Hashed { slots, index, .. } => {
                let &i = index.get(&Self::hkey(key)).ok_or(())?;
                Ok(slots[..i].iter().flatten().next_back().map(|s| s.key.term))
            }
        }
    }

    /// Replaces the single object with key `key` (set and ordered_set only).
    pub fn replace(&mut self, key: Term, obj: Term) {
        match &mut self.store {
            Store::Ordered(m) => {
                let probe = OKey(Stored { term: key, _frag: None });
                if let Some(o) = m.get_mut(&probe) {
                    *o = Stored::new(obj);
                }
            }
            Store::Hashed { slots, index, .. } => {
                if let Some(&i) = index.get(&Self::hkey(key)) {
                    if let Some(s) = slots[i].as_mut() {
                        s.objs[0] = Stored::new(obj);
                    }
                }
            }
        }
    }

    /// Approximate memory in words (ets:info(T, memory)).
    pub fn memory_words(&self) -> usize {
        let objs: usize = self.objects().iter().map(|&o| beamos_gc::collect::size_of_term(o) + 3).sum();
        objs + 100
    }
}

pub type TableRef = Arc<RwLock<Table>>;

/// Every table, by id and by name.
#[derive(Default)]
pub struct Registry {
    tables: RwLock<HashMap<u64, TableRef>>,
    names: RwLock<HashMap<Term, u64>>,
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
        self.tables.write().insert(id, Arc::new(RwLock::new(t)));
        true
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
        let (named, name) = {
            let g = t.read();
            (g.named, g.name)
        };
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

    /// Tables owned by `pid` (deleted or handed to their heir when it exits).
    pub fn owned_by(&self, pid: Term) -> Vec<TableRef> {
        self.tables.read().values().filter(|t| t.read().owner == pid).cloned().collect()
    }
}
