//! Maps, in ERTS's two representations (erts/emulator/beam/erl_map.c, erl_map.h).
//!
//! A map of at most [`SMALL_MAP_LIMIT`] (32) keys is **flat**:
//! `[header(MAP, n + 1), keys tuple, values...]`, keys sorted in map-key order (exact term
//! order, in which every integer sorts before every float).
//!
//! A larger map is a **HAMT** (hash array mapped trie) shaped exactly as ERTS's, because its
//! shape is observable (iteration order, `erlang:display`, `term_to_binary`, the paths of
//! `maps:iterator`). The layout (see `gc/src/term.rs`):
//!
//! ```text
//! head:  [header(MAP, 2 + c), small(size), small(bitmap), child_0 .. child_c-1]
//! node:  [header(HASHMAP_NODE, 1 + c), small(bitmap), child_0 .. child_c-1]
//! child: a leaf, a list term pointing at a cons cell [K|V]; or a boxed HASHMAP_NODE
//! ```
//!
//! Word 1 of a flat map is its keys tuple (boxed), of a HAMT head a small: that is how the two
//! are told apart. Bitmaps have one bit per occupied slot of 16; children are in slot order.
//! The slot of a key at level `l` is nibble `l % 8` of `hash::map_hash(key, l / 8)`, the
//! internal hash salted once every eight levels (erl_map.h `hashmap_restore_hash`,
//! `hashmap_shift_hash`). Every key sits at the shallowest level where its slot is not shared
//! with another key, and a node exists exactly where two or more keys share a path, so the
//! shape depends only on the key set, whatever sequence of puts, removes and merges built it;
//! every operation here keeps it so, as ERTS's do.
//!
//! Iteration orders, as ERTS:
//! - [`iter`]: flat maps in key order; HAMTs depth-first in slot order. This is the order of
//!   `maps:iterator/1` + `maps:next/1` (hence `maps:fold/3`, `io_lib` printing).
//! - [`pairs_list_order`]: flat maps in key order; HAMTs in *reverse* depth-first order. This is
//!   `maps:keys/1`, `maps:values/1`, `maps:to_list/1` and `term_to_binary/1`.
//!
//! Beyond ERTS: two distinct keys whose salted hashes agree for [`MAX_LEVEL`] levels (eight
//! salts) would make ERTS 25 loop; here they go to a *collision node* at that level (bitmap
//! [`COLLISION`], leaves in exact term order, searched linearly).
//!
//! Building many keys at once goes through a [`Builder`] (a trie in Rust memory, emitted onto
//! the heap when complete); single puts and removes copy the path from the root.

use alloc::vec;
use alloc::vec::Vec;
use beamos_gc::term::header_arity;
use beamos_gc::{header_tag, make_header, Term};
use core::cmp::Ordering;

use crate::compare::{compare, eq_exact, Mode};
use crate::hash::map_hash;
use crate::terms::{self, Alloc};

/// Maps with more keys than this are HAMTs (erl_map.h `MAP_SMALL_MAP_LIMIT`).
pub const SMALL_MAP_LIMIT: usize = 32;

/// The level at which keys still sharing their path go to a collision node.
pub const MAX_LEVEL: u32 = 64;

/// The bitmap word of a collision node.
pub const COLLISION: u32 = 0x1_0000;

// ---------------------------------------------------------------- representation

/// What a map object (or one HAMT node) holds.
pub enum NodeView<'a> {
    /// A flat map (also returned, empty, for terms that are not maps).
    Flat { keys: &'a [Term], vals: &'a [Term] },
    /// A HAMT head (`size` is `Some`) or inner node.
    Hamt { size: Option<usize>, bitmap: u32, children: &'a [Term] },
}

fn small_u(t: Term) -> usize {
    t.as_small().unwrap_or(0) as usize
}

/// The view of a map term or of a HASHMAP_NODE.
pub fn node_view<'a>(t: Term) -> NodeView<'a> {
    let empty = NodeView::Flat { keys: &[], vals: &[] };
    let Some(tag) = t.box_tag() else { return empty };
    let p = t.ptr();
    // SAFETY: the layouts in the module comment; word counts come from the header.
    unsafe {
        let arity = header_arity(*p);
        match tag {
            header_tag::MAP if arity >= 1 => {
                let w1 = Term(*p.add(1));
                if w1.is_small() {
                    if arity < 2 {
                        return empty;
                    }
                    let children = core::slice::from_raw_parts(p.add(3) as *const Term, arity - 2);
                    NodeView::Hamt { size: Some(small_u(w1)), bitmap: small_u(Term(*p.add(2))) as u32, children }
                } else {
                    let keys = terms::tuple_elems(w1).unwrap_or(&[]);
                    let vals = core::slice::from_raw_parts(p.add(2) as *const Term, arity - 1);
                    NodeView::Flat { keys: &keys[..keys.len().min(vals.len())], vals }
                }
            }
            header_tag::HASHMAP_NODE if arity >= 1 => {
                let children = core::slice::from_raw_parts(p.add(2) as *const Term, arity - 1);
                NodeView::Hamt { size: None, bitmap: small_u(Term(*p.add(1))) as u32, children }
            }
            _ => empty,
        }
    }
}

pub fn is_map(t: Term) -> bool {
    t.is_map()
}

/// A map above [`SMALL_MAP_LIMIT`] keys.
pub fn is_hamt(m: Term) -> bool {
    matches!(node_view(m), NodeView::Hamt { size: Some(_), .. })
}

pub fn size(m: Term) -> usize {
    match node_view(m) {
        NodeView::Flat { keys, .. } => keys.len(),
        NodeView::Hamt { size, .. } => size.unwrap_or(0),
    }
}

fn leaf_parts(c: Term) -> (Term, Term) {
    terms::cons_parts(c).unwrap_or((Term::NIL, Term::NIL))
}

/// Builds a HAMT head or node.
fn alloc_node(h: &mut impl Alloc, size: Option<usize>, bitmap: u32, children: &[Term]) -> Term {
    let extra = if size.is_some() { 2 } else { 1 };
    let p = h.alloc_words(1 + extra + children.len());
    // SAFETY: fresh words, as many as written.
    unsafe {
        let mut q = p;
        match size {
            Some(n) => {
                *q = make_header(header_tag::MAP, 2 + children.len());
                *q.add(1) = Term::small(n as i64).raw();
                q = q.add(1);
            }
            None => *q = make_header(header_tag::HASHMAP_NODE, 1 + children.len()),
        }
        *q.add(1) = Term::small(bitmap as i64).raw();
        core::ptr::copy_nonoverlapping(children.as_ptr() as *const u64, q.add(2), children.len());
    }
    Term::boxed_ptr(p)
}

// ---------------------------------------------------------------- hashing of keys

/// A key's salted hashes, computed as levels need them.
struct KeyHash {
    key: Term,
    salt: u32,
    h: u32,
}

impl KeyHash {
    fn new(key: Term) -> KeyHash {
        KeyHash { key, salt: 0, h: map_hash(key, 0) }
    }
    /// The slot (0..16) of the key at `level`.
    fn digit(&mut self, level: u32) -> u32 {
        let s = level / 8;
        if s != self.salt {
            self.salt = s;
            self.h = map_hash(self.key, s);
        }
        (self.h >> (4 * (level % 8))) & 0xf
    }
}

/// A hash with its nibbles reversed, so that unsigned order is slot order (erl_map.c
/// `swizzle32`).
fn swizzle(h: u32) -> u32 {
    let b = h.swap_bytes();
    ((b & 0x0f0f_0f0f) << 4) | ((b >> 4) & 0x0f0f_0f0f)
}

/// Order of two keys in a HAMT's iteration (erl_map.c `hashmap_key_hash_cmp`): by slots from
/// the root down; `None` (an iterator at its end) sorts last.
pub fn key_hash_cmp(a: Option<Term>, b: Option<Term>) -> Ordering {
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (Some(_), None) => return Ordering::Less,
        (None, _) => return Ordering::Greater,
    };
    for s in 0..MAX_LEVEL / 8 {
        let o = swizzle(map_hash(a, s)).cmp(&swizzle(map_hash(b, s)));
        if o != Ordering::Equal {
            return o;
        }
    }
    // Same collision node: its leaves are in exact term order.
    compare(a, b, Mode::Exact)
}

// ---------------------------------------------------------------- flat maps

fn key_cmp(a: Term, b: Term) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        return x.cmp(&y);
    }
    compare(a, b, Mode::Exact)
}

fn find(keys: &[Term], k: Term) -> Result<usize, usize> {
    // An immediate key is equal to no other word (ERTS's flatmap lookup scans the same way).
    if k.is_immediate() {
        if let Some(i) = keys.iter().position(|&x| x == k) {
            return Ok(i);
        }
    }
    if keys.len() <= 8 {
        for (i, &x) in keys.iter().enumerate() {
            match key_cmp(x, k) {
                Ordering::Equal => return Ok(i),
                Ordering::Greater => return Err(i),
                Ordering::Less => {}
            }
        }
        return Err(keys.len());
    }
    keys.binary_search_by(|&x| key_cmp(x, k))
}

/// Builds a flat map from sorted, distinct keys and their values (at most 32 of them).
pub fn from_sorted(h: &mut impl Alloc, keys: &[Term], vals: &[Term]) -> Term {
    debug_assert_eq!(keys.len(), vals.len());
    let kt = terms::tuple(h, keys);
    with_keys_tuple(h, kt, vals)
}

fn with_keys_tuple(h: &mut impl Alloc, kt: Term, vals: &[Term]) -> Term {
    let p = h.alloc_words(2 + vals.len());
    // SAFETY: fresh words.
    unsafe {
        *p = make_header(header_tag::MAP, vals.len() + 1);
        *p.add(1) = kt.raw();
        core::ptr::copy_nonoverlapping(vals.as_ptr() as *const u64, p.add(2), vals.len());
    }
    Term::boxed_ptr(p)
}

/// A flat map from distinct pairs in any order.
fn flat_from_unique(h: &mut impl Alloc, mut pairs: Vec<(Term, Term)>) -> Term {
    pairs.sort_by(|a, b| key_cmp(a.0, b.0));
    let keys: Vec<Term> = pairs.iter().map(|p| p.0).collect();
    let vals: Vec<Term> = pairs.iter().map(|p| p.1).collect();
    from_sorted(h, &keys, &vals)
}

pub fn empty(h: &mut impl Alloc) -> Term {
    from_sorted(h, &[], &[])
}

// ---------------------------------------------------------------- lookup

pub fn get(m: Term, k: Term) -> Option<Term> {
    match node_view(m) {
        NodeView::Flat { keys, vals } => find(keys, k).ok().map(|i| vals[i]),
        NodeView::Hamt { size: Some(_), .. } => hamt_get(m, k),
        NodeView::Hamt { .. } => None,
    }
}

fn hamt_get(m: Term, k: Term) -> Option<Term> {
    let mut kh = KeyHash::new(k);
    let mut node = m;
    let mut level = 0;
    loop {
        let NodeView::Hamt { bitmap, children, .. } = node_view(node) else { return None };
        if bitmap == COLLISION {
            return children.iter().map(|&c| leaf_parts(c)).find(|&(ck, _)| eq_exact(ck, k)).map(|(_, v)| v);
        }
        let bit = 1u32 << kh.digit(level);
        if bitmap & bit == 0 {
            return None;
        }
        let child = *children.get((bitmap & (bit - 1)).count_ones() as usize)?;
        if child.is_list() {
            let (ck, cv) = leaf_parts(child);
            return if eq_exact(ck, k) { Some(cv) } else { None };
        }
        node = child;
        level += 1;
    }
}

// ---------------------------------------------------------------- iteration

/// Pairs in iteration order (see the module comment).
pub struct Iter<'a> {
    keys: &'a [Term],
    vals: &'a [Term],
    i: usize,
    /// HAMT: the nodes on the path to the next leaf, each with its next child index.
    stack: Vec<(&'a [Term], usize)>,
}

pub fn iter<'a>(m: Term) -> Iter<'a> {
    match node_view(m) {
        NodeView::Flat { keys, vals } => Iter { keys, vals, i: 0, stack: Vec::new() },
        NodeView::Hamt { children, .. } => Iter { keys: &[], vals: &[], i: 0, stack: vec![(children, 0)] },
    }
}

impl Iterator for Iter<'_> {
    type Item = (Term, Term);
    fn next(&mut self) -> Option<(Term, Term)> {
        if self.i < self.keys.len() {
            self.i += 1;
            return Some((self.keys[self.i - 1], self.vals[self.i - 1]));
        }
        loop {
            let top = self.stack.last_mut()?;
            if top.1 >= top.0.len() {
                self.stack.pop();
                continue;
            }
            let c = top.0[top.1];
            top.1 += 1;
            if c.is_list() {
                return Some(leaf_parts(c));
            }
            if let NodeView::Hamt { children, .. } = node_view(c) {
                self.stack.push((children, 0));
            }
        }
    }
}

/// All pairs in the order of `maps:to_list/1`, `maps:keys/1` and `term_to_binary/1`.
pub fn pairs_list_order(m: Term) -> Vec<(Term, Term)> {
    let mut v: Vec<(Term, Term)> = iter(m).collect();
    if is_hamt(m) {
        v.reverse();
    }
    v
}

// ---------------------------------------------------------------- building many keys

const EMPTY: u32 = u32::MAX;
const NODE: u32 = 1 << 31;

struct BNode {
    children: [u32; 16],
    /// Pair indices of a collision node.
    collision: Option<Vec<u32>>,
}

impl BNode {
    fn new() -> BNode {
        BNode { children: [EMPTY; 16], collision: None }
    }
}

/// A HAMT built in Rust memory, then emitted onto a heap.
pub struct Builder {
    pairs: Vec<(Term, Term)>,
    hashes: Vec<KeyHash>,
    nodes: Vec<BNode>,
    count: usize,
    /// Level of collision nodes ([`MAX_LEVEL`]; lower in tests, to reach them).
    max_level: u32,
}

/// A key was given twice to [`Builder::insert`] with `reject_duplicates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateKey;

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    pub fn new() -> Builder {
        Builder::with_max_level(MAX_LEVEL)
    }

    fn with_max_level(max_level: u32) -> Builder {
        Builder { pairs: Vec::new(), hashes: Vec::new(), nodes: vec![BNode::new()], count: 0, max_level }
    }

    /// Distinct keys so far.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds a pair; an equal key already present is replaced (or, with `reject_duplicates`,
    /// an error).
    pub fn insert(&mut self, k: Term, v: Term, reject_duplicates: bool) -> Result<(), DuplicateKey> {
        let i = self.pairs.len() as u32;
        self.pairs.push((k, v));
        self.hashes.push(KeyHash::new(k));
        let mut node = 0usize;
        let mut level = 0u32;
        loop {
            if let Some(list) = &mut self.nodes[node].collision {
                for slot in list.iter_mut() {
                    if eq_exact(self.pairs[*slot as usize].0, k) {
                        if reject_duplicates {
                            return Err(DuplicateKey);
                        }
                        *slot = i;
                        return Ok(());
                    }
                }
                list.push(i);
                self.count += 1;
                return Ok(());
            }
            let d = self.hashes[i as usize].digit(level) as usize;
            let c = self.nodes[node].children[d];
            if c == EMPTY {
                self.nodes[node].children[d] = i;
                self.count += 1;
                return Ok(());
            }
            if c & NODE != 0 {
                node = (c & !NODE) as usize;
                level += 1;
                continue;
            }
            let j = c;
            if eq_exact(self.pairs[j as usize].0, k) {
                if reject_duplicates {
                    return Err(DuplicateKey);
                }
                self.nodes[node].children[d] = i;
                return Ok(());
            }
            // Two keys share this slot: push both down until their slots differ.
            let mut d = d;
            loop {
                level += 1;
                let n = self.nodes.len();
                self.nodes.push(BNode::new());
                self.nodes[node].children[d] = NODE | n as u32;
                node = n;
                if level >= self.max_level {
                    self.nodes[node].collision = Some(vec![j, i]);
                    self.count += 1;
                    return Ok(());
                }
                let dj = self.hashes[j as usize].digit(level) as usize;
                let di = self.hashes[i as usize].digit(level) as usize;
                if dj != di {
                    self.nodes[node].children[dj] = j;
                    self.nodes[node].children[di] = i;
                    self.count += 1;
                    return Ok(());
                }
                d = di;
            }
        }
    }

    /// The distinct pairs, in no particular order.
    fn unique_pairs(&self) -> Vec<(Term, Term)> {
        let mut out = Vec::with_capacity(self.count);
        for n in &self.nodes {
            if let Some(list) = &n.collision {
                out.extend(list.iter().map(|&i| self.pairs[i as usize]));
            }
            out.extend(n.children.iter().filter(|&&c| c != EMPTY && c & NODE == 0).map(|&i| self.pairs[i as usize]));
        }
        out
    }

    /// The map: flat when it has at most 32 keys, else the HAMT.
    pub fn finish(self, h: &mut impl Alloc) -> Term {
        if self.count <= SMALL_MAP_LIMIT {
            return flat_from_unique(h, self.unique_pairs());
        }
        self.emit(h, 0, 0)
    }

    /// Emits node `n` at `level` (recursion bounded by [`MAX_LEVEL`]).
    fn emit(&self, h: &mut impl Alloc, n: usize, level: u32) -> Term {
        let node = &self.nodes[n];
        if let Some(list) = &node.collision {
            let mut leaves: Vec<(Term, Term)> = list.iter().map(|&i| self.pairs[i as usize]).collect();
            leaves.sort_by(|a, b| compare(a.0, b.0, Mode::Exact));
            let cells: Vec<Term> = leaves.iter().map(|&(k, v)| terms::cons(h, k, v)).collect();
            return alloc_node(h, None, COLLISION, &cells);
        }
        let mut bitmap = 0u32;
        let mut cells = Vec::with_capacity(16);
        for (d, &c) in node.children.iter().enumerate() {
            if c == EMPTY {
                continue;
            }
            bitmap |= 1 << d;
            cells.push(if c & NODE != 0 {
                self.emit(h, (c & !NODE) as usize, level + 1)
            } else {
                let (k, v) = self.pairs[c as usize];
                terms::cons(h, k, v)
            });
        }
        alloc_node(h, if level == 0 { Some(self.count) } else { None }, bitmap, &cells)
    }
}

/// A map from pairs; later pairs win for equal keys.
pub fn from_pairs(h: &mut impl Alloc, pairs: &[(Term, Term)]) -> Term {
    if pairs.len() <= SMALL_MAP_LIMIT {
        let mut v: Vec<(usize, Term, Term)> = pairs.iter().enumerate().map(|(i, &(k, x))| (i, k, x)).collect();
        v.sort_by(|a, b| key_cmp(a.1, b.1).then(b.0.cmp(&a.0)));
        v.dedup_by(|later, first| key_cmp(later.1, first.1) == Ordering::Equal);
        let keys: Vec<Term> = v.iter().map(|e| e.1).collect();
        let vals: Vec<Term> = v.iter().map(|e| e.2).collect();
        return from_sorted(h, &keys, &vals);
    }
    let mut b = Builder::new();
    for &(k, v) in pairs {
        let _ = b.insert(k, v, false);
    }
    b.finish(h)
}

/// A map from pairs whose keys must be distinct (`binary_to_term/1`).
pub fn from_pairs_unique(h: &mut impl Alloc, pairs: &[(Term, Term)]) -> Result<Term, DuplicateKey> {
    let mut b = Builder::new();
    for &(k, v) in pairs {
        b.insert(k, v, true)?;
    }
    Ok(b.finish(h))
}

// ---------------------------------------------------------------- put / update

/// `M#{K => V, ...}`, `maps:put/3`: inserts or replaces; later pairs win.
pub fn put_many(h: &mut impl Alloc, m: Term, pairs: &[(Term, Term)]) -> Term {
    if pairs.is_empty() {
        return m;
    }
    if is_hamt(m) {
        if pairs.len() * 8 <= size(m) {
            let mut r = m;
            for &(k, v) in pairs {
                r = hamt_insert(h, r, k, v, Insert::Always, MAX_LEVEL).unwrap_or(r);
            }
            return r;
        }
        return rebuild(h, m, pairs);
    }
    let NodeView::Flat { keys, vals } = node_view(m) else { return m };
    if pairs.len() == 1 {
        let (k, v) = pairs[0];
        match find(keys, k) {
            Ok(i) => {
                if vals[i] == v {
                    return m;
                }
                let mut nv = vals.to_vec();
                nv[i] = v;
                // Share the keys tuple.
                // SAFETY: word 1 of a flat map is its keys tuple.
                let kt = Term(unsafe { *m.ptr().add(1) });
                return with_keys_tuple(h, kt, &nv);
            }
            Err(i) if keys.len() < SMALL_MAP_LIMIT => {
                let mut nk = Vec::with_capacity(keys.len() + 1);
                nk.extend_from_slice(&keys[..i]);
                nk.push(k);
                nk.extend_from_slice(&keys[i..]);
                let mut nv = Vec::with_capacity(vals.len() + 1);
                nv.extend_from_slice(&vals[..i]);
                nv.push(v);
                nv.extend_from_slice(&vals[i..]);
                return from_sorted(h, &nk, &nv);
            }
            Err(_) => {}
        }
    }
    rebuild(h, m, pairs)
}

/// The map of `m`'s pairs followed by `pairs` (later wins).
fn rebuild(h: &mut impl Alloc, m: Term, pairs: &[(Term, Term)]) -> Term {
    let mut all: Vec<(Term, Term)> = iter(m).collect();
    all.extend_from_slice(pairs);
    from_pairs(h, &all)
}

/// `M#{K := V, ...}`: every key must exist; returns the failing key otherwise.
pub fn update_many(h: &mut impl Alloc, m: Term, pairs: &[(Term, Term)]) -> Result<Term, Term> {
    if is_hamt(m) {
        let mut r = m;
        for &(k, v) in pairs {
            r = hamt_insert(h, r, k, v, Insert::UpdateOnly, MAX_LEVEL).ok_or(k)?;
        }
        return Ok(r);
    }
    let NodeView::Flat { keys, vals } = node_view(m) else { return Err(pairs.first().map_or(Term::NIL, |p| p.0)) };
    for &(k, _) in pairs {
        if find(keys, k).is_err() {
            return Err(k);
        }
    }
    // SAFETY: word 1 of a flat map is its keys tuple.
    let kt = Term(unsafe { *m.ptr().add(1) });
    let r = with_keys_tuple(h, kt, vals);
    // SAFETY: `r` is a fresh flat map with the same keys; its values follow the keys word.
    let nv = unsafe { core::slice::from_raw_parts_mut(r.ptr().add(2) as *mut Term, vals.len()) };
    for &(k, v) in pairs {
        if let Ok(i) = find(keys, k) {
            nv[i] = v;
        }
    }
    Ok(r)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Insert {
    /// Insert or replace.
    Always,
    /// Replace only (`:=`); `None` when the key is absent.
    UpdateOnly,
    /// Insert only; an existing key keeps its value.
    IfAbsent,
}

/// Copy of node `node` with the child of slot `d` set to `child` (inserted when the slot was
/// free); a head's size grows by `grow`.
fn node_with_child(h: &mut impl Alloc, node: Term, d: u32, child: Term, grow: usize) -> Term {
    let NodeView::Hamt { size, bitmap, children } = node_view(node) else { return node };
    let bit = 1u32 << d;
    let slot = (bitmap & (bit - 1)).count_ones() as usize;
    let mut v = children.to_vec();
    if bitmap & bit != 0 {
        v[slot] = child;
    } else {
        v.insert(slot, child);
    }
    alloc_node(h, size.map(|s| s + grow), bitmap | bit, &v)
}

/// Puts one key into a HAMT, copying the path (erl_map.c `erts_hashmap_insert`). `None` when
/// `mode` forbids the change (update of an absent key); the same map when nothing changes.
/// Keys still sharing their path at `max_level` go to a collision node.
fn hamt_insert(h: &mut impl Alloc, m: Term, k: Term, v: Term, mode: Insert, max_level: u32) -> Option<Term> {
    let mut kh = KeyHash::new(k);
    let mut path: Vec<(Term, u32)> = Vec::new();
    let mut node = m;
    let mut level = 0u32;
    let (mut res, grow) = loop {
        let NodeView::Hamt { bitmap, children, .. } = node_view(node) else { return None };
        if bitmap == COLLISION {
            let mut leaves: Vec<Term> = children.to_vec();
            if let Some(i) = leaves.iter().position(|&c| eq_exact(leaf_parts(c).0, k)) {
                if mode == Insert::IfAbsent || leaf_parts(leaves[i]).1 == v {
                    return Some(m);
                }
                leaves[i] = terms::cons(h, k, v);
                break (alloc_node(h, None, COLLISION, &leaves), 0);
            }
            if mode == Insert::UpdateOnly {
                return None;
            }
            let at = leaves.iter().position(|&c| compare(leaf_parts(c).0, k, Mode::Exact) == Ordering::Greater);
            let leaf = terms::cons(h, k, v);
            leaves.insert(at.unwrap_or(leaves.len()), leaf);
            break (alloc_node(h, None, COLLISION, &leaves), 1);
        }
        let d = kh.digit(level);
        let bit = 1u32 << d;
        path.push((node, d));
        if bitmap & bit == 0 {
            if mode == Insert::UpdateOnly {
                return None;
            }
            break (terms::cons(h, k, v), 1);
        }
        let child = *children.get((bitmap & (bit - 1)).count_ones() as usize)?;
        if child.is_list() {
            let (ck, cv) = leaf_parts(child);
            if eq_exact(ck, k) {
                if mode == Insert::IfAbsent || cv == v {
                    return Some(m);
                }
                break (terms::cons(h, k, v), 0);
            }
            if mode == Insert::UpdateOnly {
                return None;
            }
            let leaf = terms::cons(h, k, v);
            break (split(h, child, ck, leaf, &mut kh, level + 1, max_level), 1);
        }
        node = child;
        level += 1;
    };
    while let Some((node, d)) = path.pop() {
        res = node_with_child(h, node, d, res, grow);
    }
    Some(res)
}

/// The subtree, rooted at `level`, holding leaf `old` (key `old_key`) and leaf `new` (key of
/// `kh`): single-child nodes while their slots agree, then a node with both.
fn split(h: &mut impl Alloc, old: Term, old_key: Term, new: Term, kh: &mut KeyHash, level: u32, max_level: u32) -> Term {
    let mut oh = KeyHash::new(old_key);
    let mut chain: Vec<u32> = Vec::new();
    let mut lvl = level;
    let mut res = loop {
        if lvl >= max_level {
            let mut pair = [old, new];
            pair.sort_by(|a, b| compare(leaf_parts(*a).0, leaf_parts(*b).0, Mode::Exact));
            break alloc_node(h, None, COLLISION, &pair);
        }
        let (dold, dnew) = (oh.digit(lvl), kh.digit(lvl));
        if dold != dnew {
            let children = if dold < dnew { [old, new] } else { [new, old] };
            break alloc_node(h, None, (1 << dold) | (1 << dnew), &children);
        }
        chain.push(dold);
        lvl += 1;
    };
    while let Some(d) = chain.pop() {
        res = alloc_node(h, None, 1 << d, &[res]);
    }
    res
}

// ---------------------------------------------------------------- remove

pub fn remove(h: &mut impl Alloc, m: Term, k: Term) -> Term {
    take(h, m, k).map_or(m, |(_, m2)| m2)
}

/// `maps:take/2`: the value of `k` and the map without it.
pub fn take(h: &mut impl Alloc, m: Term, k: Term) -> Option<(Term, Term)> {
    match node_view(m) {
        NodeView::Flat { keys, vals } => {
            let i = find(keys, k).ok()?;
            let mut nk = keys.to_vec();
            let mut nv = vals.to_vec();
            nk.remove(i);
            let v = nv.remove(i);
            Some((v, from_sorted(h, &nk, &nv)))
        }
        NodeView::Hamt { size: Some(_), .. } => hamt_remove(h, m, k),
        NodeView::Hamt { .. } => None,
    }
}

/// erl_map.c `hashmap_delete`: nodes left with a single leaf fold into their parent; a map
/// left with 32 keys becomes flat.
fn hamt_remove(h: &mut impl Alloc, m: Term, k: Term) -> Option<(Term, Term)> {
    let mut kh = KeyHash::new(k);
    let mut path: Vec<(Term, u32)> = Vec::new();
    let mut node = m;
    let mut level = 0u32;
    // The replacement of the deepest node touched (None: the slot empties).
    let (value, mut res): (Term, Option<Term>) = loop {
        let NodeView::Hamt { bitmap, children, .. } = node_view(node) else { return None };
        if bitmap == COLLISION {
            let i = children.iter().position(|&c| eq_exact(leaf_parts(c).0, k))?;
            let value = leaf_parts(children[i]).1;
            let mut rest = children.to_vec();
            rest.remove(i);
            break (value, Some(if rest.len() == 1 { rest[0] } else { alloc_node(h, None, COLLISION, &rest) }));
        }
        let d = kh.digit(level);
        let bit = 1u32 << d;
        if bitmap & bit == 0 {
            return None;
        }
        let child = *children.get((bitmap & (bit - 1)).count_ones() as usize)?;
        path.push((node, d));
        if child.is_list() {
            let (ck, cv) = leaf_parts(child);
            if !eq_exact(ck, k) {
                return None;
            }
            break (cv, None);
        }
        node = child;
        level += 1;
    };
    let n = size(m) - 1;
    if n <= SMALL_MAP_LIMIT {
        let pairs: Vec<(Term, Term)> = iter(m).filter(|&(ck, _)| !eq_exact(ck, k)).collect();
        return Some((value, flat_from_unique(h, pairs)));
    }
    while let Some((node, d)) = path.pop() {
        let NodeView::Hamt { size, bitmap, children } = node_view(node) else { return None };
        let bit = 1u32 << d;
        let slot = (bitmap & (bit - 1)).count_ones() as usize;
        let mut v = children.to_vec();
        if let Some(sz) = size {
            // The head: never folds.
            let nb = match res {
                Some(r) => {
                    v[slot] = r;
                    bitmap
                }
                None => {
                    v.remove(slot);
                    bitmap ^ bit
                }
            };
            res = Some(alloc_node(h, Some(sz - 1), nb, &v));
            break;
        }
        res = match res {
            None if v.len() == 1 => None,
            None if v.len() == 2 => {
                let other = v[1 - slot];
                if other.is_list() {
                    Some(other)
                } else {
                    Some(alloc_node(h, None, bitmap ^ bit, &[other]))
                }
            }
            None => {
                v.remove(slot);
                Some(alloc_node(h, None, bitmap ^ bit, &v))
            }
            Some(r) if r.is_list() && v.len() == 1 => Some(r),
            Some(r) => {
                v[slot] = r;
                Some(alloc_node(h, None, bitmap, &v))
            }
        };
    }
    Some((value, res?))
}

// ---------------------------------------------------------------- merge

/// `maps:merge/2`: the pairs of both, `b`'s values winning.
pub fn merge(h: &mut impl Alloc, a: Term, b: Term) -> Term {
    let (na, nb) = (size(a), size(b));
    if a == b || nb == 0 {
        return a;
    }
    if na == 0 {
        return b;
    }
    if is_hamt(b) && na * 8 <= nb {
        let mut r = b;
        for (k, v) in iter(a) {
            r = hamt_insert(h, r, k, v, Insert::IfAbsent, MAX_LEVEL).unwrap_or(r);
        }
        return r;
    }
    let pairs: Vec<(Term, Term)> = iter(b).collect();
    if is_hamt(a) && nb * 8 <= na {
        return put_many(h, a, &pairs);
    }
    rebuild(h, a, &pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use beamos_gc::heap::Fragment;

    fn shown(t: Term) -> alloc::string::String {
        let mut v = Vec::new();
        crate::print::display(t, &mut v);
        alloc::string::String::from_utf8(v).unwrap()
    }

    /// Collision nodes (unreachable with real hashes: 64 levels of agreement) exercised with
    /// the limit at level 2, where 300 keys share 256 two-nibble prefixes.
    #[test]
    fn collision_nodes_hold_keys_that_share_every_level() {
        let mut h = Fragment::with_capacity(1 << 20);
        let keys: Vec<Term> = (0..300).map(|i| Term::small(i * 7 - 100)).collect();
        let mut b = Builder::with_max_level(2);
        for &k in &keys {
            b.insert(k, k, false).unwrap();
        }
        assert_eq!(b.insert(keys[5], keys[5], true), Err(DuplicateKey));
        let built = b.finish(&mut h);
        assert!(shown(built).contains("<10000>{"), "collision nodes present: {}", shown(built));
        // The same map by single inserts, in another order.
        let mut b = Builder::with_max_level(2);
        for &k in keys[..40].iter().rev() {
            b.insert(k, k, false).unwrap();
        }
        let mut m = b.finish(&mut h);
        let (mut i, n) = (keys.len(), keys.len());
        while i > 40 {
            i -= 1;
            m = hamt_insert(&mut h, m, keys[i], keys[i], Insert::Always, 2).unwrap();
        }
        assert_eq!(size(m), n);
        assert_eq!(shown(m), shown(built));
        assert_eq!(compare(m, built, Mode::Exact), Ordering::Equal);
        assert_eq!(iter(m).count(), n);
        // Replacing, updating and inserting-if-absent inside collision nodes.
        let m2 = hamt_insert(&mut h, m, keys[7], Term::NIL, Insert::UpdateOnly, 2).unwrap();
        assert_eq!(get(m2, keys[7]), Some(Term::NIL));
        assert_eq!(hamt_insert(&mut h, m, Term::small(-1_000_000), Term::NIL, Insert::UpdateOnly, 2), None);
        let m3 = hamt_insert(&mut h, m, keys[7], Term::NIL, Insert::IfAbsent, 2).unwrap();
        assert_eq!(get(m3, keys[7]), Some(keys[7]));
        // Every key is found; removing them one by one keeps the others and ends flat.
        for &k in &keys {
            assert_eq!(get(m, k), Some(k));
        }
        let mut left = n;
        for &k in keys.iter().rev() {
            let (v, m2) = take(&mut h, m, k).unwrap();
            assert_eq!(v, k);
            m = m2;
            left -= 1;
            assert_eq!(size(m), left);
            assert_eq!(get(m, k), None);
            assert_eq!(iter(m).count(), left);
            assert_eq!(is_hamt(m), left > SMALL_MAP_LIMIT);
        }
    }

    /// Whatever the sequence of puts and removes, the trie equals the one built at once.
    #[test]
    fn shape_depends_only_on_the_key_set() {
        let mut h = Fragment::with_capacity(1 << 22);
        let mut x: u64 = 88172645463325252;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut m = empty(&mut h);
        let mut present: alloc::collections::BTreeSet<i64> = alloc::collections::BTreeSet::new();
        for step in 0..3000 {
            let k = (rnd() % 400) as i64;
            if rnd() % 3 == 0 {
                m = remove(&mut h, m, Term::small(k));
                present.remove(&k);
            } else {
                m = put_many(&mut h, m, &[(Term::small(k), Term::small(k))]);
                present.insert(k);
            }
            if step % 50 == 0 {
                let pairs: Vec<(Term, Term)> = present.iter().map(|&k| (Term::small(k), Term::small(k))).collect();
                let fresh = from_pairs(&mut h, &pairs);
                assert_eq!(shown(m), shown(fresh), "after step {}", step);
                assert_eq!(size(m), present.len());
            }
        }
    }

    #[test]
    fn swizzle_reverses_nibbles() {
        assert_eq!(swizzle(0x1234_5678), 0x8765_4321);
        assert_eq!(swizzle(0xf), 0xf000_0000);
    }
}
