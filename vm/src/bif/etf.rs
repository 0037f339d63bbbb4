//! The external term format: `term_to_binary/1,2`, `binary_to_term/1,2`, and literal decoding.
//!
//! Both directions are loops over an explicit work list. Decoding untrusted bytes never panics:
//! every length is checked against the remaining input before anything is allocated.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use beamos_gc::{header_tag, Term};
use num_bigint::{BigInt, BigUint, Sign};

use super::{bif, BifEntry, BifResult, Ctx, Exc, Trap};
use crate::atom::{self, am};
use crate::map;
use crate::module::CodeTable;
use crate::resource;
use crate::terms::{self, Alloc};

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "term_to_binary", 1, term_to_binary_1),
    bif("erlang", "term_to_binary", 2, term_to_binary_2),
    bif("erlang", "binary_to_term", 1, binary_to_term_1),
    bif("erlang", "binary_to_term", 2, binary_to_term_2),
    bif("erlang", "term_to_iovec", 1, term_to_binary_1),
    bif("erlang", "term_to_iovec", 2, term_to_binary_2),
    bif("erlang", "external_size", 1, external_size_1),
];

const VERSION: u8 = 131;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn err(&self) -> DecodeError {
        DecodeError { offset: self.pos }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.b.len() - self.pos < n {
            return Err(self.err());
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let s = self.take(2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let s = self.take(4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn remaining(&self) -> usize {
        self.b.len() - self.pos
    }
}

/// Decodes a whole external term (with or without the leading version byte).
pub fn decode(h: &mut impl Alloc, bytes: &[u8], code: &CodeTable) -> Result<Term, DecodeError> {
    decode_opts(h, bytes, code, false).map(|(t, _)| t)
}

/// Decodes; returns the term and the number of bytes used. `safe` refuses new atoms.
pub fn decode_opts(h: &mut impl Alloc, bytes: &[u8], code: &CodeTable, safe: bool) -> Result<(Term, usize), DecodeError> {
    let mut d = Decoding::start(bytes)?;
    d.run(h, bytes, code, None, safe, usize::MAX)?;
    d.finish(h)
}

/// The maps whose pairs must be sorted once their keys are complete.
struct MapFix {
    slot: *mut u64,
    pairs: Term,
}

/// A decoding in progress, resumable (binary_to_term traps between chunks): the words still
/// to fill in (innermost last) inside the objects built so far, and the maps to finish. It
/// points into those objects, so no collection may run until it is finished.
pub struct Decoding {
    root: Box<u64>,
    slots: Vec<*mut u64>,
    fixes: Vec<MapFix>,
    /// How far the body has been read.
    pos: usize,
    /// The decompressed body of a compressed term (else the body is the input).
    raw: Option<Vec<u8>>,
    /// The input's length.
    len: usize,
}

impl Decoding {
    /// Starts decoding `bytes` (with or without the version byte); inflates a compressed term.
    pub fn start(bytes: &[u8]) -> Result<Decoding, DecodeError> {
        let mut r = Reader { b: bytes, pos: 0 };
        if bytes.first() == Some(&VERSION) {
            r.pos = 1;
        }
        let mut raw = None;
        if r.b.get(r.pos) == Some(&80) {
            r.pos += 1;
            let size = r.u32()? as usize;
            let data = &r.b[r.pos..];
            let v = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, size).map_err(|_| r.err())?;
            if v.len() != size {
                return Err(r.err());
            }
            raw = Some(v);
            r.pos = 0;
        }
        let mut root = Box::new(Term::NIL.raw());
        let slot: *mut u64 = &mut *root;
        Ok(Decoding { root, slots: vec![slot], fixes: Vec::new(), pos: r.pos, raw, len: bytes.len() })
    }

    /// Decodes up to `budget` terms; `bytes` is the input given to [`Decoding::start`]. Returns
    /// whether every term is decoded, and how many this call decoded. With `resources`, a local
    /// reference naming a live resource decodes as a magic reference to it (see
    /// [`crate::resource`]).
    pub fn run(
        &mut self,
        h: &mut impl Alloc,
        bytes: &[u8],
        code: &CodeTable,
        resources: Option<&resource::Table>,
        safe: bool,
        budget: usize,
    ) -> Result<(bool, usize), DecodeError> {
        let Decoding { slots, fixes, raw, pos, .. } = self;
        let mut r = Reader { b: raw.as_deref().unwrap_or(bytes), pos: *pos };
        let mut n = 0;
        while n < budget {
            let Some(slot) = slots.pop() else { break };
            let t = decode_one(h, &mut r, code, resources, safe, slots, fixes, slot)?;
            // SAFETY: slot points at a word reserved for this term (root or inside a new object).
            unsafe { *slot = t.raw() };
            n += 1;
        }
        *pos = r.pos;
        Ok((slots.is_empty(), n))
    }

    /// After `run` decoded every term: builds the maps; the term and the bytes used.
    pub fn finish(mut self, h: &mut impl Alloc) -> Result<(Term, usize), DecodeError> {
        let r = Reader { b: &[], pos: self.pos };
        if !self.slots.is_empty() {
            return Err(r.err());
        }
        let fixes = &mut self.fixes;
        // Inner maps were recorded after outer ones: finish them first.
        while let Some(f) = fixes.pop() {
            let kv = terms::tuple_elems(f.pairs).unwrap_or(&[]).to_vec();
            let pairs: Vec<(Term, Term)> = kv.chunks(2).map(|c| (c[0], c[1])).collect();
            // Duplicate keys are an error; above 32 keys the map is a HAMT.
            let m = map::from_pairs_unique(h, &pairs).map_err(|_| r.err())?;
            // SAFETY: the slot was reserved for the map.
            unsafe { *f.slot = m.raw() };
        }
        let root = Term(*self.root);
        match &self.raw {
            Some(v) if self.pos != v.len() => Err(r.err()),
            Some(_) => Ok((root, self.len)),
            None => Ok((root, self.pos)),
        }
    }
}

fn atom_from(bytes: &[u8], latin1: bool, safe: bool, r: &Reader) -> Result<Term, DecodeError> {
    let name: alloc::string::String = if latin1 {
        bytes.iter().map(|&b| b as char).collect()
    } else {
        core::str::from_utf8(bytes).map_err(|_| r.err())?.into()
    };
    if safe {
        return atom::lookup(&name).ok_or(r.err());
    }
    atom::intern(&name).map_err(|_| r.err())
}

fn read_atom(r: &mut Reader, safe: bool) -> Result<Term, DecodeError> {
    let tag = r.u8()?;
    match tag {
        100 | 118 => {
            let n = r.u16()? as usize;
            let b = r.take(n)?;
            atom_from(b, tag == 100, safe, r)
        }
        115 | 119 => {
            let n = r.u8()? as usize;
            let b = r.take(n)?;
            atom_from(b, tag == 115, safe, r)
        }
        _ => Err(r.err()),
    }
}

fn read_small_int(r: &mut Reader) -> Result<i64, DecodeError> {
    match r.u8()? {
        97 => Ok(r.u8()? as i64),
        98 => Ok(r.u32()? as i32 as i64),
        _ => Err(r.err()),
    }
}

/// Reads a local pid (NEW_PID_EXT / PID_EXT of this node).
fn read_pid(r: &mut Reader, tag: u8) -> Result<Term, DecodeError> {
    let node = read_atom(r, false)?;
    let id = r.u32()?;
    let _serial = r.u32()?;
    if tag == 88 {
        r.u32()?;
    } else {
        r.u8()?;
    }
    if node != am::NONODE {
        return Err(r.err());
    }
    Ok(Term::pid(id as u64))
}

#[allow(clippy::too_many_arguments, reason = "the decoder's state, passed apart for borrowing")]
fn decode_one(
    h: &mut impl Alloc,
    r: &mut Reader,
    code: &CodeTable,
    resources: Option<&resource::Table>,
    safe: bool,
    slots: &mut Vec<*mut u64>,
    fixes: &mut Vec<MapFix>,
    slot: *mut u64,
) -> Result<Term, DecodeError> {
    let tag = r.u8()?;
    Ok(match tag {
        97 => Term::small(r.u8()? as i64),
        98 => Term::small(r.u32()? as i32 as i64),
        70 => {
            let b = r.take(8)?;
            let f = f64::from_be_bytes(b.try_into().map_err(|_| r.err())?);
            if !f.is_finite() {
                return Err(r.err());
            }
            terms::float(h, f)
        }
        99 => {
            let b = r.take(31)?;
            let end = b.iter().position(|&c| c == 0).unwrap_or(31);
            let s = core::str::from_utf8(&b[..end]).map_err(|_| r.err())?;
            let f: f64 = s.trim().parse().map_err(|_| r.err())?;
            terms::float(h, f)
        }
        100 | 118 | 115 | 119 => {
            r.pos -= 1;
            read_atom(r, safe)?
        }
        104 | 105 => {
            let n = if tag == 104 { r.u8()? as usize } else { r.u32()? as usize };
            if n > r.remaining() {
                return Err(r.err());
            }
            let t = terms::tuple(h, &vec![Term::NIL; n]);
            let p = t.ptr();
            for i in (0..n).rev() {
                // SAFETY: element slots of the new tuple.
                slots.push(unsafe { p.add(1 + i) });
            }
            t
        }
        106 => Term::NIL,
        107 => {
            let n = r.u16()? as usize;
            let b = r.take(n)?;
            terms::byte_string(h, b)
        }
        108 => {
            let n = r.u32()? as usize;
            if n > r.remaining() {
                return Err(r.err());
            }
            if n == 0 {
                // Only the tail follows.
                slots.push(slot);
                return Ok(Term::NIL);
            }
            let cells = h.alloc_words(2 * n);
            // SAFETY: 2n fresh words linked as a list; the slots are filled in order.
            unsafe {
                for i in 0..n {
                    let c = cells.add(2 * i);
                    *c = Term::NIL.raw();
                    *c.add(1) = if i + 1 < n { Term::list_ptr(c.add(2)).raw() } else { Term::NIL.raw() };
                }
                slots.push(cells.add(2 * n - 1)); // the tail, decoded last
                for i in (0..n).rev() {
                    slots.push(cells.add(2 * i));
                }
            }
            Term::list_ptr(cells)
        }
        109 => {
            let n = r.u32()? as usize;
            let b = r.take(n)?;
            terms::binary(h, b)
        }
        77 => {
            let n = r.u32()? as usize;
            let bits = r.u8()? as usize;
            // An empty bitstring has 0 bits in its last byte; otherwise 1..=8.
            if bits > 8 || (n == 0) != (bits == 0) {
                return Err(r.err());
            }
            let b = r.take(n)?;
            terms::bitstring(h, b, (n.max(1) - 1) * 8 + bits)
        }
        110 | 111 => {
            let n = if tag == 110 { r.u8()? as usize } else { r.u32()? as usize };
            let sign = r.u8()?;
            let digits = r.take(n)?;
            let mag = BigUint::from_bytes_le(digits);
            let b = BigInt::from_biguint(if sign == 0 { Sign::Plus } else { Sign::Minus }, mag);
            terms::bignum(h, &b)
        }
        116 => {
            let n = r.u32()? as usize;
            if n > r.remaining() {
                return Err(r.err());
            }
            let pairs = terms::tuple(h, &vec![Term::NIL; 2 * n]);
            let p = pairs.ptr();
            for i in (0..2 * n).rev() {
                // SAFETY: element slots of the pairs tuple.
                slots.push(unsafe { p.add(1 + i) });
            }
            fixes.push(MapFix { slot, pairs });
            Term::NIL
        }
        113 => {
            let m = read_atom(r, safe)?;
            let f = read_atom(r, safe)?;
            let a = read_small_int(r)?;
            if !(0..=255).contains(&a) {
                return Err(r.err());
            }
            terms::export_fun(h, code.export(m, f, a as u32))
        }
        112 => {
            let _size = r.u32()?;
            let _arity = r.u8()?;
            let _uniq = r.take(16)?;
            let index = r.u32()?;
            let num_free = r.u32()? as usize;
            let module = read_atom(r, safe)?;
            let _old_index = read_small_int(r)?;
            let _old_uniq = read_small_int(r)?;
            let ptag = r.u8()?;
            read_pid(r, ptag)?;
            if num_free > r.remaining() {
                return Err(r.err());
            }
            let m = code.module(module).ok_or(r.err())?;
            let entry = *m.lambdas.get(index as usize).ok_or(r.err())?;
            if entry.num_free as usize != num_free {
                return Err(r.err());
            }
            let f = terms::closure(h, entry, &vec![Term::NIL; num_free]);
            let p = f.ptr();
            for i in (0..num_free).rev() {
                // SAFETY: free-variable slots of the new closure.
                slots.push(unsafe { p.add(2 + i) });
            }
            f
        }
        88 | 103 => read_pid(r, tag)?,
        90 | 114 => {
            let n = r.u16()? as usize;
            let node = read_atom(r, safe)?;
            if tag == 90 {
                r.u32()?;
            } else {
                r.u8()?;
            }
            if n == 0 || n > 5 {
                return Err(r.err());
            }
            let mut ids = [0u32; 5];
            for id in ids.iter_mut().take(n) {
                *id = r.u32()?;
            }
            if node != am::NONODE {
                return Err(r.err());
            }
            let id = ids[0] as u128 | (ids[1] as u128) << 32 | (ids[2] as u128) << 64;
            match resources.and_then(|t| t.lookup(id)) {
                // The lookup's count goes to the new magic reference.
                Some(res) => terms::magic_ref(h, res),
                None => terms::reference(h, id),
            }
        }
        _ => return Err(r.err()),
    })
}

// ------------------------------------------------------------------ encoding

#[derive(Clone, Copy)]
pub struct EncodeOpts {
    pub minor_version: u8,
    pub compressed: Option<u32>,
    /// Map pairs in key order (a HAMT otherwise encodes in its iteration order).
    pub deterministic: bool,
}

impl Default for EncodeOpts {
    fn default() -> Self {
        EncodeOpts { minor_version: 1, compressed: None, deterministic: false }
    }
}

enum Work {
    Term(Term),
    /// The rest of a list whose `n` elements so far are encoded; `at`: where its count goes.
    List { rest: Term, n: u32, at: usize },
    /// The free variables of the fun whose NEW_FUN_EXT starts at `start` are encoded: its
    /// size goes in now.
    FunSize { start: usize },
}

fn put_atom(out: &mut Vec<u8>, a: Term, minor: u8) {
    let name = atom::name(a);
    let latin1 = name.chars().all(|c| (c as u32) < 256);
    if latin1 && minor < 2 {
        let bytes: Vec<u8> = name.chars().map(|c| c as u8).collect();
        out.push(100);
        out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
        out.extend_from_slice(&bytes);
    } else if name.len() < 256 {
        out.push(119);
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
    } else {
        out.push(118);
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
    }
}

fn put_big(out: &mut Vec<u8>, b: &BigInt) {
    let (sign, mag) = b.to_bytes_le();
    if mag.len() < 256 {
        out.push(110);
        out.push(mag.len() as u8);
    } else {
        out.push(111);
        out.extend_from_slice(&(mag.len() as u32).to_be_bytes());
    }
    out.push(if sign == Sign::Minus { 1 } else { 0 });
    out.extend_from_slice(&mag);
}

fn put_int(out: &mut Vec<u8>, v: i64) {
    if (0..=255).contains(&v) {
        out.push(97);
        out.push(v as u8);
    } else if v >= i32::MIN as i64 && v <= i32::MAX as i64 {
        out.push(98);
        out.extend_from_slice(&(v as i32).to_be_bytes());
    } else {
        put_big(out, &BigInt::from(v));
    }
}

/// A byte list short enough for STRING_EXT.
fn as_string_ext(t: Term) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    let mut t = t;
    while let Some((h, tl)) = terms::cons_parts(t) {
        match h.as_small() {
            Some(b @ 0..=255) if v.len() < 65535 => v.push(b as u8),
            _ => return None,
        }
        t = tl;
    }
    if t.is_nil() {
        Some(v)
    } else {
        None
    }
}

/// Encodes `t` (without the version byte).
pub fn encode_body(t: Term, opts: EncodeOpts, out: &mut Vec<u8>) {
    let mut work = vec![Work::Term(t)];
    encode_steps(&mut work, opts, out, usize::MAX);
}

/// Runs the encoder over `work` for at most `budget` terms (term_to_binary traps between
/// chunks); returns how many it encoded. The encoding is complete when `work` is empty.
fn encode_steps(work: &mut Vec<Work>, opts: EncodeOpts, out: &mut Vec<u8>, budget: usize) -> usize {
    let mut steps = 0;
    while steps < budget {
        let Some(w) = work.pop() else { break };
        steps += 1;
        let t = match w {
            Work::Term(t) => t,
            Work::FunSize { start } => {
                let size = (out.len() - start - 1) as u32;
                out[start + 1..start + 5].copy_from_slice(&size.to_be_bytes());
                steps -= 1;
                continue;
            }
            Work::List { rest, n, at } => match terms::cons_parts(rest) {
                Some((h, tl)) => {
                    work.push(Work::List { rest: tl, n: n + 1, at });
                    h
                }
                None => {
                    // The elements are done: their count, then the tail.
                    out[at..at + 4].copy_from_slice(&n.to_be_bytes());
                    rest
                }
            },
        };
        if let Some(v) = t.as_small() {
            put_int(out, v);
        } else if t.is_atom() {
            put_atom(out, t, opts.minor_version);
        } else if t.is_nil() {
            out.push(106);
        } else if t.is_local_pid() {
            out.push(88);
            put_atom(out, am::NONODE, opts.minor_version);
            out.extend_from_slice(&(t.pid_number() as u32).to_be_bytes());
            out.extend_from_slice(&0u32.to_be_bytes());
            out.extend_from_slice(&0u32.to_be_bytes());
        } else if t.is_local_port() {
            out.push(89);
            put_atom(out, am::NONODE, opts.minor_version);
            out.extend_from_slice(&(t.port_number() as u32).to_be_bytes());
            out.extend_from_slice(&0u32.to_be_bytes());
        } else if t.is_list() {
            if let Some(s) = as_string_ext(t) {
                out.push(107);
                out.extend_from_slice(&(s.len() as u16).to_be_bytes());
                out.extend_from_slice(&s);
                continue;
            }
            // LIST_EXT: the count is patched in when the tail is reached.
            out.push(108);
            let at = out.len();
            out.extend_from_slice(&[0; 4]);
            work.push(Work::List { rest: t, n: 0, at });
        } else if t.is_boxed() {
            // SAFETY: boxed terms point at live objects.
            let hdr = unsafe { t.boxed_header() };
            match beamos_gc::term::header_tag_of(hdr) {
                header_tag::TUPLE => {
                    let el = terms::tuple_elems(t).unwrap_or(&[]);
                    if el.len() < 256 {
                        out.push(104);
                        out.push(el.len() as u8);
                    } else {
                        out.push(105);
                        out.extend_from_slice(&(el.len() as u32).to_be_bytes());
                    }
                    for &e in el.iter().rev() {
                        work.push(Work::Term(e));
                    }
                }
                header_tag::FLOAT => {
                    let f = terms::float_value(t).unwrap_or(0.0);
                    if opts.minor_version == 0 {
                        out.push(99);
                        let s = alloc::format!("{:.20e}", f);
                        let s = fix_exponent(&s);
                        let mut b = [0u8; 31];
                        let n = s.len().min(31);
                        b[..n].copy_from_slice(&s.as_bytes()[..n]);
                        out.extend_from_slice(&b);
                    } else {
                        out.push(70);
                        out.extend_from_slice(&f.to_be_bytes());
                    }
                }
                header_tag::POS_BIG | header_tag::NEG_BIG => put_big(out, &terms::to_bigint(t).unwrap_or_default()),
                header_tag::MAP => {
                    // Pairs in ERTS's order: a HAMT's reverse depth-first, or sorted by key.
                    let mut pairs = map::pairs_list_order(t);
                    if opts.deterministic && map::is_hamt(t) {
                        pairs.sort_by(|a, b| crate::compare::compare(a.0, b.0, crate::compare::Mode::Exact));
                    }
                    out.push(116);
                    out.extend_from_slice(&(pairs.len() as u32).to_be_bytes());
                    for &(k, v) in pairs.iter().rev() {
                        work.push(Work::Term(v));
                        work.push(Work::Term(k));
                    }
                }
                header_tag::HEAP_BIN | header_tag::REFC_BIN | header_tag::SUB_BIN => {
                    let v = terms::bit_view(t).expect("bitstring");
                    let bytes = v.to_vec();
                    if v.bit_size % 8 == 0 {
                        out.push(109);
                        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                    } else {
                        out.push(77);
                        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                        out.push((v.bit_size % 8) as u8);
                    }
                    out.extend_from_slice(&bytes);
                }
                header_tag::EXPORT => {
                    let e = terms::export_of_fun(t).expect("export");
                    out.push(113);
                    put_atom(out, e.module, opts.minor_version);
                    put_atom(out, e.function, opts.minor_version);
                    put_int(out, e.arity as i64);
                }
                header_tag::FUN => {
                    let (e, free) = terms::closure_parts(t).expect("fun");
                    // NEW_FUN_EXT, with the size patched in at the end.
                    let start = out.len();
                    out.push(112);
                    out.extend_from_slice(&[0; 4]);
                    out.push((e.arity + e.num_free) as u8);
                    out.extend_from_slice(&e.md5_uniq);
                    out.extend_from_slice(&e.index.to_be_bytes());
                    out.extend_from_slice(&(free.len() as u32).to_be_bytes());
                    put_atom(out, e.module, opts.minor_version);
                    put_int(out, e.index as i64);
                    put_int(out, e.old_uniq as i64);
                    out.push(88);
                    put_atom(out, am::NONODE, opts.minor_version);
                    out.extend_from_slice(&[0; 12]);
                    // The free variables go through the work stack (a fun nested a million
                    // deep must not recurse), then the size.
                    work.push(Work::FunSize { start });
                    work.extend(free.iter().rev().map(|&f| Work::Term(f)));
                }
                header_tag::REF => {
                    let id = terms::ref_id(t).unwrap_or(0);
                    out.push(90);
                    out.extend_from_slice(&3u16.to_be_bytes());
                    put_atom(out, am::NONODE, opts.minor_version);
                    out.extend_from_slice(&0u32.to_be_bytes());
                    out.extend_from_slice(&(id as u32).to_be_bytes());
                    out.extend_from_slice(&((id >> 32) as u32).to_be_bytes());
                    out.extend_from_slice(&((id >> 64) as u32).to_be_bytes());
                }
                _ => out.push(106),
            }
        } else {
            out.push(106);
        }
    }
    steps
}

/// `1.50000000000000000000e+00` as C's `%.20e` writes it (two-digit exponent at least).
fn fix_exponent(s: &str) -> alloc::string::String {
    let Some(i) = s.find('e') else { return s.into() };
    let (m, e) = s.split_at(i);
    let e = &e[1..];
    let (sign, digits) = if let Some(d) = e.strip_prefix('-') { ('-', d) } else { ('+', e) };
    alloc::format!("{}e{}{:0>2}", m, sign, digits)
}

pub fn encode(t: Term, opts: EncodeOpts) -> Vec<u8> {
    let mut body = Vec::new();
    encode_body(t, opts, &mut body);
    with_header(body, opts)
}

/// An encoded body with the version byte in front, compressed if asked and smaller.
fn with_header(body: Vec<u8>, opts: EncodeOpts) -> Vec<u8> {
    if let Some(level) = opts.compressed {
        if level > 0 {
            let z = miniz_oxide::deflate::compress_to_vec_zlib(&body, level.min(9) as u8);
            if z.len() + 5 < body.len() {
                let mut out = vec![VERSION, 80];
                out.extend_from_slice(&(body.len() as u32).to_be_bytes());
                out.extend_from_slice(&z);
                return out;
            }
        }
    }
    let mut out = Vec::with_capacity(body.len() + 1);
    out.push(VERSION);
    out.extend_from_slice(&body);
    out
}

fn parse_encode_opts(opts: Term) -> Option<EncodeOpts> {
    let mut o = EncodeOpts::default();
    for opt in terms::list_to_vec(opts)? {
        if opt == am::COMPRESSED {
            o.compressed = Some(6);
        } else if opt == am::DETERMINISTIC {
            o.deterministic = true;
        } else if opt == atom::atom("local") {
        } else if let Some(e) = terms::tuple_elems(opt) {
            match (e.len(), e.first().copied()) {
                (2, Some(k)) if k == am::COMPRESSED => {
                    let l = e[1].as_small().filter(|l| (0..=9).contains(l))?;
                    o.compressed = Some(l as u32);
                }
                (2, Some(k)) if k == am::MINOR_VERSION => {
                    let v = e[1].as_small().filter(|v| (0..=2).contains(v))?;
                    o.minor_version = v as u8;
                }
                _ => return None,
            }
        } else {
            return None;
        }
    }
    Some(o)
}

/// Terms encoded per reduction (ERTS's TERM_TO_BINARY_LOOP_FACTOR).
const ENCODE_TERMS_PER_RED: usize = 32;

/// A term_to_binary in progress. Its work list holds the terms still to encode, so no
/// collection may run while it is pending.
struct Encoding {
    work: Vec<Work>,
    opts: EncodeOpts,
    body: Vec<u8>,
}

fn term_to_binary_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let e = Encoding { work: vec![Work::Term(a[0])], opts: EncodeOpts::default(), body: Vec::new() };
    encode_chunk(ctx, Box::new(e))
}

fn term_to_binary_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(o) = parse_encode_opts(a[1]) else { return super::badarg_r() };
    encode_chunk(ctx, Box::new(Encoding { work: vec![Work::Term(a[0])], opts: o, body: Vec::new() }))
}

fn encode_cont(ctx: &mut Ctx, _a: &[Term]) -> BifResult {
    let Some(e) = ctx.take_trap_data::<Encoding>() else { return super::badarg_r() };
    encode_chunk(ctx, e)
}

fn encode_chunk(ctx: &mut Ctx, mut e: Box<Encoding>) -> BifResult {
    let budget = ctx.reds_left() * ENCODE_TERMS_PER_RED;
    let n = encode_steps(&mut e.work, e.opts, &mut e.body, budget);
    ctx.bump_reds(n / ENCODE_TERMS_PER_RED);
    if !e.work.is_empty() {
        return Err(ctx.trap_with(Trap { f: encode_cont, args: Vec::new(), data: Some(e), restart: false, gc: false }));
    }
    let Encoding { body, opts, .. } = *e;
    let bytes = with_header(body, opts);
    if bytes.len() <= beamos_gc::bin::HEAP_BIN_LIMIT {
        Ok(terms::binary(ctx.heap(), &bytes))
    } else {
        Ok(terms::refc_binary(ctx.heap(), bytes))
    }
}

fn external_size_1(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    Ok(Term::small(encode(a[0], EncodeOpts::default()).len() as i64))
}

/// Terms decoded per reduction.
const DECODE_TERMS_PER_RED: usize = 32;

/// A binary_to_term in progress (no collection may run while it is pending: it points into
/// the objects it is filling in).
struct B2t {
    d: Decoding,
    safe: bool,
    used: bool,
}

fn decode_bif(ctx: &mut Ctx, bin: Term, safe: bool, used: bool) -> BifResult {
    let Some(bytes) = terms::binary_bytes(bin) else { return super::badarg_r() };
    if bytes.first() != Some(&VERSION) {
        return super::badarg_r();
    }
    let Ok(d) = Decoding::start(&bytes) else { return super::badarg_r() };
    decode_chunk(ctx, bin, Box::new(B2t { d, safe, used }))
}

/// Continuation: `[Bin]`, with the [`B2t`] as data.
fn decode_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(st) = ctx.take_trap_data::<B2t>() else { return super::badarg_r() };
    decode_chunk(ctx, a[0], st)
}

fn decode_chunk(ctx: &mut Ctx, bin: Term, mut st: Box<B2t>) -> BifResult {
    // The binary does not move: no collection runs while the decoding is pending.
    let Some(bytes) = terms::binary_bytes(bin) else { return super::badarg_r() };
    let budget = ctx.reds_left() * DECODE_TERMS_PER_RED;
    let code = &ctx.vm.code;
    let resources = Some(&ctx.vm.resources);
    let Ok((done, n)) = st.d.run(&mut ctx.proc.heap, &bytes, code, resources, st.safe, budget) else { return super::badarg_r() };
    ctx.bump_reds(n / DECODE_TERMS_PER_RED);
    if !done {
        return Err(ctx.trap_with(Trap { f: decode_cont, args: vec![bin], data: Some(st), restart: false, gc: false }));
    }
    let B2t { d, used, .. } = *st;
    let Ok((t, n)) = d.finish(&mut ctx.proc.heap) else { return super::badarg_r() };
    if used {
        let u = Term::small(n as i64);
        Ok(terms::tuple(ctx.heap(), &[t, u]))
    } else {
        // Like ERTS, bytes after the term are ignored.
        Ok(t)
    }
}

fn binary_to_term_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    decode_bif(ctx, a[0], false, false)
}

fn binary_to_term_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(opts) = terms::list_to_vec(a[1]) else { return super::badarg_r() };
    let mut safe = false;
    let mut used = false;
    for o in opts {
        if o == am::SAFE {
            safe = true;
        } else if o == am::USED {
            used = true;
        } else {
            return Err(Exc::Error(am::BADARG));
        }
    }
    decode_bif(ctx, a[0], safe, used)
}
