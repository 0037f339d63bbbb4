//! Term hashing: `erlang:phash2/1,2` and `erlang:phash/2`, bit-exact with ERTS.
//!
//! Three functions, as in erts/emulator/beam/utils.c:
//! - [`phash2`] is `make_hash2`: Bob Jenkins' `MIX` over 32-bit pairs, with `block_hash` for
//!   binaries. Maps are hashed order-independently (each key-value pair from a zero hash, the
//!   pair hashes XOR-ed), so a flat map and a HAMT with the same pairs hash alike.
//! - [`phash`] is `make_hash`: the older multiply-and-add hash (`H = H*C + X mod 2^32`), used
//!   by `erlang:phash/2` and through it by `dict` and `sets` (v1), whose iteration order
//!   therefore depends on it. It hashes maps with `make_hash2`.
//! - [`internal_hash`] is `make_internal_hash`, and [`map_hash`] its salted form
//!   `make_map_hash`: the hash that places keys in a HAMT map (see `map.rs`). It hashes
//!   immediates by their raw word, as ERTS does (see its doc for what that means for atoms).
//!
//! Atoms hash through the `hashpjw` value of their UTF-8 name ([`atom_hash`], atom.c
//! `atom_hash`); ERTS caches it in the atom table, we compute it when needed.
//!
//! All walk terms with an explicit stack (ERTS's ESTACK/WSTACK), never recursing on the
//! guest's nesting depth.
//!
//! Identity terms are hashed as ERTS hashes a local one: a pid `Term::pid(n)` as ERTS pid data
//! `n` (only the low 15 bits, the "number" of `<0.N.S>`), a port as port number `n`, a
//! reference by the low 32 bits of its id (ERTS's `numbers[0]`). External pids, ports and refs
//! have no layout in this VM yet; they (and other objects that are never values) hash by their
//! header word only, deterministically but not as ERTS.
//!
//! Known gap: ERTS's `phash2` traps (yields) on huge terms; these functions run to completion.

use alloc::vec::Vec;
use beamos_gc::term::{header_arity, header_tag_of};
use beamos_gc::{header_tag, Term};

use crate::{atom, map, terms};

// ---------------------------------------------------------------- BIF entry points

/// `make_hash2`: the full 32-bit hash (`erlang:phash2/1` returns it masked to 27 bits).
pub fn phash2(t: Term) -> u32 {
    make_hash2(t)
}

/// `erlang:phash2(T, Range)` for `1 <= range <= 2^32`: the hash modulo `range`.
pub fn phash2_range(t: Term, range: u64) -> u64 {
    debug_assert!((1..=1u64 << 32).contains(&range));
    make_hash2(t) as u64 % range
}

/// `erlang:phash(T, Range)` for `1 <= range <= 2^32`: `1 + make_hash(T) mod range`.
pub fn phash(t: Term, range: u64) -> u64 {
    debug_assert!((1..=1u64 << 32).contains(&range));
    1 + make_hash(t) as u64 % range
}

/// The `hashpjw` hash ERTS keeps for an atom (atom.c `atom_hash`), over its UTF-8 name. A
/// two-byte UTF-8 sequence for U+0080..U+00FF counts as its Latin-1 byte ("latin1 clutch").
pub fn atom_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 0;
    let mut i = 0;
    while i < name.len() {
        let mut v = name[i];
        i += 1;
        if i < name.len() && (v & 0xFE) == 0xC2 && (name[i] & 0xC0) == 0x80 {
            v = (v << 6) | (name[i] & 0x3F);
            i += 1;
        }
        h = (h << 4).wrapping_add(v as u32);
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
            h ^= g;
        }
    }
    h
}

fn atom_hvalue(a: Term) -> u32 {
    atom_hash(atom::name(a).as_bytes())
}

/// Low 15 bits of the pid data: ERTS's `internal_pid_number`.
fn pid_number(t: Term) -> u32 {
    (t.pid_number() & 0x7fff) as u32
}

/// ERTS's `internal_port_number` (28 bits of port data in ERTS; we keep all 60).
fn port_number(t: Term) -> u64 {
    t.port_number()
}

/// ERTS's `internal_ref_numbers(t)[0]`.
fn ref_number0(t: Term) -> u32 {
    terms::ref_id(t).unwrap_or(0) as u32
}

// ---------------------------------------------------------------- make_hash2

const HCONST: u32 = 0x9e37_79b9;
/// `HCONST * n mod 2^32`, the constants utils.c names `HCONST_n`.
const fn hconst(n: u32) -> u32 {
    HCONST.wrapping_mul(n)
}
const HCONST_2: u32 = hconst(2);
const HCONST_3: u32 = hconst(3);
const HCONST_4: u32 = hconst(4);
const HCONST_5: u32 = hconst(5);
const HCONST_6: u32 = hconst(6);
const HCONST_7: u32 = hconst(7);
const HCONST_9: u32 = hconst(9);
const HCONST_10: u32 = hconst(10);
const HCONST_11: u32 = hconst(11);
const HCONST_12: u32 = hconst(12);
const HCONST_13: u32 = hconst(13);
const HCONST_14: u32 = hconst(14);
const HCONST_15: u32 = hconst(15);
const HCONST_16: u32 = hconst(16);
const HCONST_19: u32 = hconst(19);
const _: () = assert!(HCONST_2 == 0x3c6e_f372 && HCONST_13 == 0x08d1_2e65 && HCONST_19 == 0xbe1e_08bb);

/// The hash of `[]` when it is the first thing hashed.
const NIL_FIRST_HASH: u32 = 3_468_870_702;
/// ERTS's `NIL_DEF` tag number, mixed in when `[]` is not first.
const NIL_DEF: u32 = 2;

/// Bob Jenkins' `MIX` (utils.c).
#[inline(always)]
fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    macro_rules! step {
        ($x:ident, $y:ident, $z:ident, $op:tt, $s:expr) => {
            *$x = $x.wrapping_sub(*$y).wrapping_sub(*$z);
            *$x ^= *$z $op $s;
        };
    }
    step!(a, b, c, >>, 13);
    step!(b, c, a, <<, 8);
    step!(c, a, b, >>, 13);
    step!(a, b, c, >>, 12);
    step!(b, c, a, <<, 16);
    step!(c, a, b, >>, 5);
    step!(a, b, c, >>, 3);
    step!(b, c, a, <<, 10);
    step!(c, a, b, >>, 15);
}

/// `UINT32_HASH_2(x, y, k)`: mixes two words into `hash`.
#[inline(always)]
fn hash_2(hash: &mut u32, x: u32, y: u32, k: u32) {
    let mut a = k.wrapping_add(x);
    let mut b = k.wrapping_add(y);
    mix(&mut a, &mut b, hash);
}

/// `UINT32_HASH(x, k)`.
#[inline(always)]
fn hash_1(hash: &mut u32, x: u32, k: u32) {
    hash_2(hash, x, 0, k);
}

#[inline(always)]
fn le32(k: &[u8]) -> u32 {
    u32::from_le_bytes([k[0], k[1], k[2], k[3]])
}

/// `block_hash`: Jenkins' lookup2 over `bytes`, seeded with `initval`.
fn block_hash(bytes: &[u8], initval: u32) -> u32 {
    let (mut a, mut b, mut c) = (HCONST, HCONST, initval);
    let mut chunks = bytes.chunks_exact(12);
    for k in &mut chunks {
        a = a.wrapping_add(le32(&k[0..4]));
        b = b.wrapping_add(le32(&k[4..8]));
        c = c.wrapping_add(le32(&k[8..12]));
        mix(&mut a, &mut b, &mut c);
    }
    let k = chunks.remainder();
    c = c.wrapping_add(bytes.len() as u32);
    // The first byte of c is reserved for the length.
    let word = |k: &[u8], shift0: u32| k.iter().enumerate().fold(0u32, |w, (i, &x)| w.wrapping_add((x as u32) << (shift0 + 8 * i as u32)));
    a = a.wrapping_add(word(&k[..k.len().min(4)], 0));
    if k.len() > 4 {
        b = b.wrapping_add(word(&k[4..k.len().min(8)], 0));
    }
    if k.len() > 8 {
        c = c.wrapping_add(word(&k[8..], 8));
    }
    mix(&mut a, &mut b, &mut c);
    c
}

/// A bitstring as whole bytes plus a trailing partial byte (`bits` of it, right-aligned).
struct BinBytes<'a> {
    bytes: alloc::borrow::Cow<'a, [u8]>,
    /// Whole bytes.
    size: usize,
    /// Bits in the trailing partial byte (0..8).
    bits: u32,
}

impl BinBytes<'_> {
    /// The trailing partial byte, shifted right so its `bits` bits are the low ones.
    fn last(&self) -> u32 {
        (self.bytes[self.size] >> (8 - self.bits)) as u32
    }
}

fn bin_bytes<'a>(t: Term) -> Option<BinBytes<'a>> {
    let v = terms::bit_view(t)?;
    let (size, bits) = (v.bit_size / 8, (v.bit_size % 8) as u32);
    let bytes = if v.bit_offset % 8 == 0 {
        let s = v.bit_offset / 8;
        alloc::borrow::Cow::Borrowed(&v.bytes[s..s + v.bit_size.div_ceil(8)])
    } else {
        alloc::borrow::Cow::Owned(v.to_vec())
    };
    Some(BinBytes { bytes, size, bits })
}

/// Work items of `make_hash2`'s stack (ERTS pushes terms and three marker words).
enum Work2 {
    Term(Term),
    /// End of one key-value pair of a map: fold it into the XOR of pairs.
    MapPair,
    /// End of a map: restore the outer hash and XOR, mix the pairs in.
    MapTail { hash: u32, xor_pairs: u32 },
}

/// State of one `make_hash2` run.
struct Hash2 {
    hash: u32,
    xor_pairs: u32,
    stack: Vec<Work2>,
    /// Steps left before a [`Hash2Run`] stops (list elements, terms, 32 bytes of a binary).
    budget: usize,
}

/// Bytes of a binary per step of the budget (ERTS's `BLOCK_HASH_BYTES_PER_ITER`).
const HASH2_BYTES_PER_STEP: usize = 32;

/// A `make_hash2` that stops after a number of steps and resumes (`erlang:phash2` traps
/// with it, as ERTS's `trapping_make_hash2`). Its stack holds terms: they must not move
/// while it is stopped.
pub struct Hash2Run {
    st: Hash2,
    next: Option<Term>,
}

impl Hash2Run {
    pub fn new(t: Term) -> Hash2Run {
        Hash2Run { st: Hash2 { hash: 0, xor_pairs: 0, stack: Vec::new(), budget: 0 }, next: Some(t) }
    }

    /// Hashes for up to about `budget` steps: the hash if done, and the steps taken. A run of
    /// bytes in a list stops only after a whole word, so the hash does not depend on where
    /// the runs stopped.
    pub fn run(&mut self, budget: usize) -> (Option<u32>, usize) {
        let budget = budget.max(1);
        self.st.budget = budget;
        let mut term = match self.next.take() {
            Some(t) => t,
            None => match self.st.pop() {
                Some(t) => t,
                None => return (Some(self.st.hash), 0),
            },
        };
        loop {
            if self.st.budget == 0 {
                self.next = Some(term);
                return (None, budget);
            }
            self.st.budget -= 1;
            match self.st.term(term) {
                Step::Next(next) => term = next,
                Step::Common => match self.st.pop() {
                    Some(next) => term = next,
                    None => return (Some(self.st.hash), budget - self.st.budget),
                },
            }
        }
    }
}

/// What to do after hashing one term: hash `next` right away, or take the next stack item.
enum Step {
    Next(Term),
    Common,
}

fn make_hash2(t: Term) -> u32 {
    let mut st = Hash2 { hash: 0, xor_pairs: 0, stack: Vec::new(), budget: usize::MAX };
    let mut term = t;
    loop {
        match st.term(term) {
            Step::Next(next) => term = next,
            Step::Common => match st.pop() {
                Some(next) => term = next,
                None => return st.hash,
            },
        }
    }
}

impl Hash2 {
    /// `hash2_common`: applies markers until a term to hash turns up.
    fn pop(&mut self) -> Option<Term> {
        loop {
            match self.stack.pop()? {
                Work2::Term(t) => return Some(t),
                Work2::MapPair => {
                    self.xor_pairs ^= self.hash;
                    self.hash = 0;
                }
                Work2::MapTail { hash, xor_pairs } => {
                    self.hash = hash;
                    hash_1(&mut self.hash, self.xor_pairs, HCONST_19);
                    self.xor_pairs = xor_pairs;
                }
            }
        }
    }

    fn term(&mut self, t: Term) -> Step {
        if t.is_list() {
            return self.list(t);
        }
        if t.is_boxed() {
            return self.boxed(t);
        }
        let h = &mut self.hash;
        if t.is_small() {
            small2(h, t.small_value());
        } else if t.is_atom() {
            if *h == 0 {
                *h = atom_hvalue(t);
            } else {
                hash_1(h, atom_hvalue(t), HCONST_3);
            }
        } else if t.is_nil() {
            if *h == 0 {
                *h = NIL_FIRST_HASH;
            } else {
                hash_1(h, NIL_DEF, HCONST_2);
            }
        } else if t.is_local_pid() {
            hash_1(h, pid_number(t), HCONST_5);
        } else if t.is_local_port() {
            let n = port_number(t);
            hash_2(h, n as u32, (n >> 32) as u32, HCONST_6);
        } else {
            // Catch tags and non-values are never hashed by well-formed code.
            hash_1(h, t.raw() as u32, HCONST_2);
        }
        Step::Common
    }

    /// A run of bytes is packed four to a word; any other element goes through the stack.
    fn list(&mut self, t: Term) -> Step {
        let (mut c, mut sh) = (0u32, 0u32);
        let mut cell = t;
        loop {
            // SAFETY: `cell` is a list term (checked before every iteration).
            let (head, tail) = unsafe { cell.cons_parts() };
            let Some(byte) = head.as_small().filter(|b| (0..=255).contains(b)) else {
                if c > 0 {
                    hash_1(&mut self.hash, sh, HCONST_4);
                }
                self.stack.push(Work2::Term(tail));
                return Step::Next(head);
            };
            sh = (sh << 8).wrapping_add(byte as u32);
            self.budget = self.budget.saturating_sub(1);
            if c == 3 {
                hash_1(&mut self.hash, sh, HCONST_4);
                c = 0;
                sh = 0;
                if self.budget == 0 && tail.is_list() {
                    // Out of steps after a whole word: the rest of the run hashes the same
                    // when started afresh.
                    return Step::Next(tail);
                }
            } else {
                c += 1;
            }
            if !tail.is_list() {
                if c > 0 {
                    hash_1(&mut self.hash, sh, HCONST_4);
                }
                return Step::Next(tail);
            }
            cell = tail;
        }
    }

    fn boxed(&mut self, t: Term) -> Step {
        // SAFETY: boxed terms point at live objects.
        let hdr = unsafe { t.boxed_header() };
        let h = &mut self.hash;
        match header_tag_of(hdr) {
            header_tag::TUPLE => return self.tuple(t),
            header_tag::MAP => return self.map(t),
            header_tag::FUN | header_tag::EXPORT => return self.fun(t),
            header_tag::REFC_BIN | header_tag::HEAP_BIN | header_tag::SUB_BIN => self.binary(t),
            header_tag::POS_BIG | header_tag::NEG_BIG => {
                let (neg, limbs) = terms::big_parts(t).expect("bignum");
                let con = if neg { HCONST_10 } else { HCONST_11 };
                for &d in limbs {
                    hash_2(h, d as u32, (d >> 32) as u32, con);
                }
            }
            header_tag::FLOAT => {
                let f = terms::float_value(t).expect("float");
                // -0.0 hashes as 0.0.
                let bits = if f == 0.0 { 0 } else { f.to_bits() };
                hash_2(h, (bits >> 32) as u32, bits as u32, HCONST_12);
            }
            header_tag::REF => hash_1(h, ref_number0(t), HCONST_7),
            _ => hash_1(h, hdr as u32, HCONST_7),
        }
        Step::Common
    }

    fn tuple(&mut self, t: Term) -> Step {
        let elems = terms::tuple_elems(t).expect("tuple");
        hash_1(&mut self.hash, elems.len() as u32, HCONST_9);
        if elems.iter().all(|e| e.is_immediate()) {
            // The common ETS key ({a, 1}): hashed in place, in the order the stack would take.
            for &e in elems {
                self.term(e);
            }
            self.budget = self.budget.saturating_sub(elems.len().saturating_sub(1));
            return Step::Common;
        }
        let Some((first, rest)) = elems.split_first() else { return Step::Common };
        self.stack.extend(rest.iter().rev().map(|&e| Work2::Term(e)));
        Step::Next(*first)
    }

    fn map(&mut self, t: Term) -> Step {
        let n = map::size(t);
        hash_1(&mut self.hash, n as u32, HCONST_16);
        if n == 0 {
            return Step::Common;
        }
        self.stack.push(Work2::MapTail { hash: self.hash, xor_pairs: self.xor_pairs });
        self.hash = 0;
        self.xor_pairs = 0;
        // The pair hashes are XOR-ed: the order of the pairs does not matter.
        for (k, v) in map::iter(t) {
            self.stack.extend([Work2::MapPair, Work2::Term(v), Work2::Term(k)]);
        }
        Step::Common
    }

    fn fun(&mut self, t: Term) -> Step {
        let h = &mut self.hash;
        if let Some(e) = terms::export_of_fun(t) {
            hash_2(h, e.arity, atom_hvalue(e.module), HCONST);
            hash_1(h, atom_hvalue(e.function), HCONST_14);
            return Step::Common;
        }
        let (fe, env) = terms::closure_parts(t).expect("closure");
        hash_2(h, env.len() as u32, atom_hvalue(fe.module), HCONST);
        hash_2(h, fe.index, fe.old_uniq, HCONST);
        let Some((first, rest)) = env.split_first() else { return Step::Common };
        self.stack.extend(rest.iter().rev().map(|&e| Work2::Term(e)));
        Step::Next(*first)
    }

    fn binary(&mut self, t: Term) {
        let b = bin_bytes(t).expect("bitstring");
        self.budget = self.budget.saturating_sub(b.size / HASH2_BYTES_PER_STEP);
        // As ERTS: the byte size is truncated to 32 bits (binaries over 4 GiB hash a prefix).
        let size = b.size & 0xffff_ffff;
        let con = HCONST_13.wrapping_add(self.hash);
        if size == 0 && b.bits == 0 {
            self.hash = con;
            return;
        }
        self.hash = block_hash(&b.bytes[..size], con);
        if b.bits > 0 {
            let last = if size == b.size { b.last() } else { (b.bytes[size] >> (8 - b.bits)) as u32 };
            hash_2(&mut self.hash, b.bits, last, HCONST_15);
        }
    }
}

/// A small integer: `SINT32_HASH` within 28 signed bits, else as a one-digit bignum.
fn small2(h: &mut u32, v: i64) {
    if (-(1 << 27)..(1 << 27)).contains(&v) {
        let y = v as i32;
        if y < 0 {
            hash_1(h, y.wrapping_neg() as u32, HCONST);
        }
        hash_1(h, y as u32, HCONST);
    } else {
        let (con, m) = if v < 0 { (HCONST_10, v.unsigned_abs()) } else { (HCONST_11, v as u64) };
        hash_2(h, m as u32, (m >> 32) as u32, con);
    }
}

// ---------------------------------------------------------------- make_internal_hash

const HCONST_8: u32 = hconst(8);
const HCONST_17: u32 = hconst(17);
const HCONST_18: u32 = hconst(18);
const HCONST_20: u32 = hconst(20);
const HCONST_21: u32 = hconst(21);
const HCONST_22: u32 = hconst(22);
const _: () = assert!(HCONST_17 == 0x81af_1549 && HCONST_18 == 0x1fe6_8f02 && HCONST_22 == 0x98c4_75e6);

/// utils.c `INTERNAL_HASH_SALT`, a 32-bit prime.
const INTERNAL_HASH_SALT: u32 = 3_432_918_353;

/// `CONST_HASH`: light mixing of a type constant.
#[inline(always)]
fn const_hash(hash: &mut u32, k: u32) {
    *hash ^= k;
    *hash = hash.rotate_left(17);
}

/// The map hash of `key` at `depth` (erl_map.c `make_map_hash`): the internal hash salted with
/// the depth (the HAMT uses salt `level / 8` for the nibbles of level `level`).
pub fn map_hash(key: Term, depth: u32) -> u32 {
    let mut salt = 0u32;
    if depth > 0 {
        hash_2(&mut salt, depth, 1, HCONST_22);
    }
    internal_hash(key, salt)
}

/// Work items of `make_internal_hash`'s stack.
enum WorkI {
    Term(Term),
    /// After the head of a cons cell whose tail is not a list: mix the "CDR" constant.
    Cdr,
}

/// `make_internal_hash(term, salt)` (utils.c), the hash that places keys in a HAMT.
///
/// Immediates hash by their raw word, as ERTS does; small integers, `[]` and the tags of
/// every compound term are encoded as in ERTS, so integer, float, binary, bignum, list, tuple
/// and map keys hash exactly as in erl. Atoms hash by their atom-table index (ERTS: the same),
/// which depends on the order atoms were created, so maps keyed by atoms iterate in an order
/// that depends on the VM run in both systems. Local pids and ports hash by our raw word;
/// exports by module, function and arity (ERTS: the export entry's address).
pub fn internal_hash(t: Term, salt: u32) -> u32 {
    let mut hash = salt ^ INTERNAL_HASH_SALT;
    if t.is_immediate() {
        hash_2(&mut hash, t.raw() as u32, (t.raw() >> 32) as u32, HCONST);
        return hash;
    }
    let mut stack: Vec<WorkI> = Vec::new();
    let mut term = t;
    loop {
        if let Some(next) = ihash_term(&mut hash, &mut stack, term) {
            term = next;
            continue;
        }
        // pop_next
        loop {
            match stack.pop() {
                None => return hash,
                Some(WorkI::Cdr) => const_hash(&mut hash, HCONST_18),
                Some(WorkI::Term(t)) => {
                    term = t;
                    break;
                }
            }
        }
    }
}

/// Hashes the top level of `t`; returns the term to hash next, if any, before popping.
fn ihash_term(hash: &mut u32, stack: &mut Vec<WorkI>, t: Term) -> Option<Term> {
    if t.is_list() {
        let (mut c, mut sh) = (0u32, 0u32);
        let mut cell = t;
        loop {
            // SAFETY: `cell` is a list term (checked before every iteration).
            let (head, tail) = unsafe { cell.cons_parts() };
            let Some(byte) = head.as_small().filter(|b| (0..=255).contains(b)) else {
                if c > 0 {
                    hash_2(hash, sh, c, HCONST_22);
                }
                const_hash(hash, HCONST_17);
                stack.push(WorkI::Term(tail));
                if !tail.is_list() {
                    stack.push(WorkI::Cdr);
                }
                return Some(head);
            };
            sh = (sh << 8).wrapping_add(byte as u32);
            if c == 3 {
                hash_1(hash, sh, HCONST_4);
                c = 0;
                sh = 0;
            } else {
                c += 1;
            }
            if !tail.is_list() {
                if c > 0 {
                    hash_2(hash, sh, c, HCONST_22);
                }
                return Some(tail);
            }
            cell = tail;
        }
    }
    if !t.is_boxed() {
        hash_2(hash, t.raw() as u32, (t.raw() >> 32) as u32, HCONST);
        return None;
    }
    // SAFETY: boxed terms point at live objects.
    let hdr = unsafe { t.boxed_header() };
    match header_tag_of(hdr) {
        header_tag::TUPLE => {
            let elems = terms::tuple_elems(t).expect("tuple");
            hash_1(hash, elems.len() as u32, HCONST_9);
            let (first, rest) = elems.split_first()?;
            stack.extend(rest.iter().rev().map(|&e| WorkI::Term(e)));
            Some(*first)
        }
        header_tag::MAP | header_tag::HASHMAP_NODE => {
            match map::node_view(t) {
                map::NodeView::Flat { keys, vals } => {
                    hash_1(hash, keys.len() as u32, HCONST_16);
                    for (&k, &v) in keys.iter().zip(vals).rev() {
                        stack.push(WorkI::Term(v));
                        stack.push(WorkI::Term(k));
                    }
                }
                map::NodeView::Hamt { size, children, .. } => {
                    if let Some(size) = size {
                        hash_1(hash, size as u32, HCONST_16);
                    }
                    for &c in children {
                        if c.is_list() {
                            // SAFETY: a leaf is a cons cell [K|V].
                            let (k, v) = unsafe { c.cons_parts() };
                            stack.push(WorkI::Term(v));
                            stack.push(WorkI::Term(k));
                        } else {
                            stack.push(WorkI::Term(c));
                        }
                    }
                }
            }
            None
        }
        header_tag::FUN => {
            let (fe, env) = terms::closure_parts(t).expect("closure");
            hash_2(hash, env.len() as u32, fe.module.raw() as u32, HCONST_20);
            hash_2(hash, fe.index, fe.old_uniq, HCONST_21);
            let (first, rest) = env.split_first()?;
            stack.extend(rest.iter().rev().map(|&e| WorkI::Term(e)));
            Some(*first)
        }
        header_tag::EXPORT => {
            let e = terms::export_of_fun(t).expect("export");
            hash_2(hash, e.module.raw() as u32, e.function.raw() as u32, HCONST_14);
            hash_1(hash, e.arity, HCONST_14);
            None
        }
        header_tag::REFC_BIN | header_tag::HEAP_BIN | header_tag::SUB_BIN => {
            let b = bin_bytes(t).expect("bitstring");
            let con = HCONST_13.wrapping_add(*hash);
            if b.size == 0 && b.bits == 0 {
                *hash = con;
            } else {
                *hash = block_hash(&b.bytes[..b.size], con);
                if b.bits > 0 {
                    hash_2(hash, b.bits, b.last(), HCONST_15);
                }
            }
            None
        }
        header_tag::POS_BIG | header_tag::NEG_BIG => {
            let (neg, limbs) = terms::big_parts(t).expect("bignum");
            let con = if neg { HCONST_10 } else { HCONST_11 };
            for &d in limbs {
                hash_2(hash, d as u32, (d >> 32) as u32, con);
            }
            None
        }
        header_tag::FLOAT => {
            let f = terms::float_value(t).expect("float");
            // -0.0 hashes as 0.0; the low word first (ERTS's `fw[0]` on little-endian hosts).
            let bits = if f == 0.0 { 0 } else { f.to_bits() };
            hash_2(hash, bits as u32, (bits >> 32) as u32, HCONST_12);
            None
        }
        header_tag::REF => {
            let id = terms::ref_id(t).unwrap_or(0);
            hash_1(hash, id as u32, HCONST_7);
            hash_2(hash, (id >> 32) as u32, (id >> 64) as u32, HCONST_8);
            None
        }
        _ => {
            // External identities have no layout yet: their words, deterministically.
            let (total, _, _) = beamos_gc::term::object_layout(hdr);
            let p = t.ptr();
            for i in 0..total {
                // SAFETY: `total` words of the object.
                let w = unsafe { *p.add(i) };
                hash_2(hash, w as u32, (w >> 32) as u32, HCONST_7);
            }
            None
        }
    }
}

// ---------------------------------------------------------------- make_hash

const FUNNY_NUMBER1: u32 = 268_440_163;
const FUNNY_NUMBER2: u32 = 268_439_161;
const FUNNY_NUMBER3: u32 = 268_435_459;
const FUNNY_NUMBER4: u32 = 268_436_141;
const FUNNY_NUMBER5: u32 = 268_438_633;
const FUNNY_NUMBER6: u32 = 268_437_017;
const FUNNY_NUMBER8: u32 = 268_437_511;
const FUNNY_NUMBER9: u32 = 268_439_627;
const FUNNY_NUMBER10: u32 = 268_440_479;
const FUNNY_NUMBER11: u32 = 268_440_577;
const FUNNY_NUMBER12: u32 = 268_440_581;
const FUNNY_NUMBER13: u32 = 268_440_593;
const FUNNY_NUMBER14: u32 = 268_440_611;

/// `h*p + x` modulo 2^32.
#[inline(always)]
fn mul_add(h: u32, p: u32, x: u32) -> u32 {
    h.wrapping_mul(p).wrapping_add(x)
}

/// `UINT32_HASH_STEP`: the four bytes of `x`, least significant first.
#[inline(always)]
fn step32(h: u32, x: u32, p: u32) -> u32 {
    x.to_le_bytes().iter().fold(h, |h, &b| mul_add(h, p, b as u32))
}

/// Work items of `make_hash`'s stack.
enum Work1<'a> {
    /// The rest of a tuple's elements (then `hash*F9 + arity`) or of a fun's free variables.
    Elems { rest: &'a [Term], tuple_arity: Option<u32> },
    /// After the head of a cons: hash the tail.
    CdrPre(Term),
    /// After the non-list tail of a list.
    CdrPost,
}

fn make_hash(t: Term) -> u32 {
    let mut hash: u32 = 0;
    let mut stack: Vec<Work1<'_>> = Vec::new();
    let mut term = t;
    'next: loop {
        if let Some(next) = hash1_term(&mut hash, &mut stack, term) {
            term = next;
            continue;
        }
        loop {
            match stack.pop() {
                None => return hash,
                Some(Work1::CdrPost) => hash = hash.wrapping_mul(FUNNY_NUMBER8),
                Some(Work1::CdrPre(tail)) => {
                    if !tail.is_list() {
                        stack.push(Work1::CdrPost);
                    }
                    term = tail;
                    continue 'next;
                }
                Some(Work1::Elems { rest, tuple_arity }) => {
                    if let Some((first, rest)) = rest.split_first() {
                        stack.push(Work1::Elems { rest, tuple_arity });
                        term = *first;
                        continue 'next;
                    }
                    if let Some(arity) = tuple_arity {
                        hash = mul_add(hash, FUNNY_NUMBER9, arity);
                    }
                }
            }
        }
    }
}

/// Hashes one term into `h`; returns the term to hash next, if any, before popping the stack.
fn hash1_term<'a>(h: &mut u32, stack: &mut Vec<Work1<'a>>, t: Term) -> Option<Term> {
    if t.is_list() {
        return hash1_list(h, stack, t);
    }
    if t.is_boxed() {
        return hash1_boxed(h, stack, t);
    }
    *h = if t.is_small() {
        int1(*h, t.small_value() < 0, &t.small_value().unsigned_abs().to_le_bytes(), 1)
    } else if t.is_atom() {
        mul_add(*h, FUNNY_NUMBER1, atom_hvalue(t))
    } else if t.is_nil() {
        mul_add(*h, FUNNY_NUMBER3, 1)
    } else if t.is_local_pid() {
        step32(*h, pid_number(t), FUNNY_NUMBER5).wrapping_mul(FUNNY_NUMBER6)
    } else if t.is_local_port() {
        let n = port_number(t);
        let high = (n >> 32) as u32;
        let h1 = if high != 0 { step32(*h, high, FUNNY_NUMBER11) } else { *h };
        step32(h1, n as u32, FUNNY_NUMBER9).wrapping_mul(FUNNY_NUMBER10)
    } else {
        mul_add(*h, FUNNY_NUMBER3, t.raw() as u32)
    };
    None
}

/// An integer as ERTS digits (64-bit words, least significant first): every byte of all but
/// the last word, and 4 or 8 bytes of the last, then the sign.
fn int1(mut h: u32, neg: bool, le_bytes: &[u8], n_words: usize) -> u32 {
    let last = &le_bytes[8 * (n_words - 1)..8 * n_words];
    let last_len = if last[4..].iter().all(|&b| b == 0) { 4 } else { 8 };
    for &b in le_bytes[..8 * (n_words - 1)].iter().chain(&last[..last_len]) {
        h = mul_add(h, FUNNY_NUMBER2, b as u32);
    }
    h.wrapping_mul(if neg { FUNNY_NUMBER4 } else { FUNNY_NUMBER3 })
}

fn hash1_list<'a>(h: &mut u32, stack: &mut Vec<Work1<'a>>, t: Term) -> Option<Term> {
    let mut cell = t;
    loop {
        // SAFETY: `cell` is a list term (checked before every iteration).
        let (head, tail) = unsafe { cell.cons_parts() };
        let Some(byte) = head.as_small().filter(|b| (0..=255).contains(b)) else {
            stack.push(Work1::CdrPre(tail));
            return Some(head);
        };
        *h = mul_add(*h, FUNNY_NUMBER2, byte as u32);
        if !tail.is_list() {
            stack.push(Work1::CdrPost);
            return Some(tail);
        }
        cell = tail;
    }
}

fn hash1_boxed<'a>(h: &mut u32, stack: &mut Vec<Work1<'a>>, t: Term) -> Option<Term> {
    // SAFETY: boxed terms point at live objects.
    let hdr = unsafe { t.boxed_header() };
    match header_tag_of(hdr) {
        header_tag::TUPLE => {
            let elems: &'a [Term] = terms::tuple_elems(t).expect("tuple");
            stack.push(Work1::Elems { rest: elems, tuple_arity: Some(elems.len() as u32) });
            None
        }
        header_tag::FUN | header_tag::EXPORT => hash1_fun(h, stack, t),
        header_tag::REFC_BIN | header_tag::HEAP_BIN | header_tag::SUB_BIN => {
            let b = bin_bytes(t).expect("bitstring");
            let mut x = b.bytes[..b.size].iter().fold(*h, |h, &c| mul_add(h, FUNNY_NUMBER1, c as u32));
            if b.bits > 0 {
                x = mul_add(mul_add(x, FUNNY_NUMBER1, b.last()), FUNNY_NUMBER12, b.bits);
            }
            *h = mul_add(x, FUNNY_NUMBER4, b.size as u32);
            None
        }
        header_tag::POS_BIG | header_tag::NEG_BIG => {
            let (neg, limbs) = terms::big_parts(t).expect("bignum");
            let bytes: Vec<u8> = limbs.iter().flat_map(|d| d.to_le_bytes()).collect();
            *h = int1(*h, neg, &bytes, limbs.len());
            None
        }
        header_tag::FLOAT => {
            let f = terms::float_value(t).expect("float");
            let bits = if f == 0.0 { 0 } else { f.to_bits() };
            *h = mul_add(*h, FUNNY_NUMBER6, (bits as u32) ^ ((bits >> 32) as u32));
            None
        }
        header_tag::MAP => {
            *h = mul_add(*h, FUNNY_NUMBER13, FUNNY_NUMBER14).wrapping_add(make_hash2(t));
            None
        }
        header_tag::REF => {
            *h = step32(*h, ref_number0(t), FUNNY_NUMBER9).wrapping_mul(FUNNY_NUMBER10);
            None
        }
        _ => {
            *h = mul_add(*h, FUNNY_NUMBER9, header_arity(hdr) as u32);
            None
        }
    }
}

fn hash1_fun<'a>(h: &mut u32, stack: &mut Vec<Work1<'a>>, t: Term) -> Option<Term> {
    if let Some(e) = terms::export_of_fun(t) {
        let x = mul_add(*h, FUNNY_NUMBER11, e.arity);
        let x = mul_add(x, FUNNY_NUMBER1, atom_hvalue(e.module));
        *h = mul_add(x, FUNNY_NUMBER1, atom_hvalue(e.function));
        return None;
    }
    let (fe, env): (_, &'a [Term]) = terms::closure_parts(t).expect("closure");
    let x = mul_add(*h, FUNNY_NUMBER10, env.len() as u32);
    let x = mul_add(x, FUNNY_NUMBER1, atom_hvalue(fe.module));
    let x = mul_add(x, FUNNY_NUMBER2, fe.index);
    *h = mul_add(x, FUNNY_NUMBER2, fe.old_uniq);
    let (first, rest) = env.split_first()?;
    if !rest.is_empty() {
        stack.push(Work1::Elems { rest, tuple_arity: None });
    }
    Some(*first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_hash_is_hashpjw_with_latin1_clutch() {
        assert_eq!(atom_hash(b""), 0);
        assert_eq!(atom_hash(b"a"), 97);
        // "é" in UTF-8 hashes as its Latin-1 byte.
        assert_eq!(atom_hash("é".as_bytes()), atom_hash(&[0xE9]));
    }

    #[test]
    fn block_hash_tail_lengths() {
        // Every tail length goes through a distinct path; all must differ.
        let data: Vec<u8> = (0..30u8).collect();
        let hs: Vec<u32> = (0..30).map(|n| block_hash(&data[..n], 7)).collect();
        for i in 0..hs.len() {
            for j in 0..i {
                assert_ne!(hs[i], hs[j]);
            }
        }
    }
}
