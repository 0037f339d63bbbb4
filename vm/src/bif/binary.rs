//! The `binary` module's BIFs (erts/emulator/beam/erl_bif_binary.c).
//!
//! Only what OTP 25 implements natively: `bin_to_list/1,2,3`, `replace/3,4`, `encode_hex/1`
//! and `decode_hex/1` are Erlang code in stdlib's binary.erl and run on top of these.
//!
//! Searching follows ERTS: one pattern is searched for directly (Boyer-Moore there), several
//! by the same rules as its Aho-Corasick automaton: the first match is the one that starts
//! first (the longest of those), and `matches`/`split ... [global]` keep ERTS's
//! non-overlapping selection (see [`find_all_multi`]).
//!
//! Differences from ERTS, by design:
//! - `compile_pattern/1` returns `{bm, Binary}` or `{ac, [Binary]}` instead of a tag and a
//!   magic reference (we have no magic references). Every function taking a pattern accepts
//!   these, so a hand-made `{bm, <<"x">>}` works here where ERTS says badarg.
//!
//! `match/2,3`, `matches/2,3`, `split/2,3` (so `replace/3,4`, Erlang code on `matches`) and
//! `copy/2` trap (`emu::trap`) as ERTS's do: they search or copy a chunk (10 positions, 100
//! bytes per reduction left) and continue later; their errors are all found before the first
//! chunk. `list_to_bin/1` is `list_to_binary/1`'s trapping walk.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::vec::Vec;
use beamos_gc::bin::HEAP_BIN_LIMIT;
use beamos_gc::{header_tag, Term};
use num_bigint::BigUint;

use super::{badarg, badarg_r, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::emu::interp::SLICE_REDUCTIONS;
use crate::terms::{self, bit_view, BitView};

pub const BIFS: &[BifEntry] = &[
    bif("binary", "at", 2, at_2),
    bif("binary", "compile_pattern", 1, compile_pattern_1),
    bif("binary", "copy", 1, copy_1),
    bif("binary", "copy", 2, copy_2),
    bif("binary", "decode_unsigned", 1, decode_unsigned_1),
    bif("binary", "decode_unsigned", 2, decode_unsigned_2),
    bif("binary", "encode_unsigned", 1, encode_unsigned_1),
    bif("binary", "encode_unsigned", 2, encode_unsigned_2),
    bif("binary", "first", 1, first_1),
    bif("binary", "last", 1, last_1),
    bif("binary", "list_to_bin", 1, list_to_bin_1),
    bif("binary", "longest_common_prefix", 1, longest_common_prefix_1),
    bif("binary", "longest_common_suffix", 1, longest_common_suffix_1),
    bif("binary", "match", 2, match_2),
    bif("binary", "match", 3, match_3),
    bif("binary", "matches", 2, matches_2),
    bif("binary", "matches", 3, matches_3),
    bif("binary", "part", 2, part_2),
    bif("binary", "part", 3, part_3),
    bif("binary", "referenced_byte_size", 1, referenced_byte_size_1),
    bif("binary", "split", 2, split_2),
    bif("binary", "split", 3, split_3),
];

/// Bytes of work per reduction charged (ERTS's loop factors are 10..100).
const BYTES_PER_REDUCTION: usize = 20;
/// The largest result `binary:copy/2` builds (ERTS would try and fail to allocate).
const COPY_LIMIT_BYTES: u64 = 1 << 40;

fn charge(ctx: &mut Ctx, work: usize) {
    ctx.proc.reductions += (work / BYTES_PER_REDUCTION) as u64;
}

// ---------------------------------------------------------------- term readers

/// The bytes of a whole-byte binary, copied only when it starts off a byte boundary.
fn bytes_of<'a>(v: &BitView<'a>) -> Option<Cow<'a, [u8]>> {
    if !v.bit_size.is_multiple_of(8) {
        return None;
    }
    Some(match v.as_bytes() {
        Some(b) => Cow::Borrowed(b),
        None => Cow::Owned(v.to_vec()),
    })
}

/// A binary (not a bitstring) as bytes.
fn binary_arg<'a>(t: Term) -> Option<Cow<'a, [u8]>> {
    bytes_of(&bit_view(t)?)
}

/// ERTS's `term_to_Uint`: a non-negative integer that fits 64 bits.
pub(crate) fn term_to_u64(t: Term) -> Option<u64> {
    use num_traits::ToPrimitive;
    if let Some(v) = t.as_small() {
        return u64::try_from(v).ok();
    }
    if t.is_bignum() {
        return terms::to_bigint(t)?.to_u64();
    }
    None
}

/// ERTS's `term_to_Sint`: an integer that fits 64 bits signed.
pub(crate) fn term_to_i64(t: Term) -> Option<i64> {
    use num_traits::ToPrimitive;
    if let Some(v) = t.as_small() {
        return Some(v);
    }
    if t.is_bignum() {
        return terms::to_bigint(t)?.to_i64();
    }
    None
}

/// `big` or `little`.
fn endianness(t: Term) -> Option<bool> {
    if t == am::BIG {
        Some(true)
    } else if t == am::LITTLE {
        Some(false)
    } else {
        None
    }
}

/// Bytes `[off, off+len)` of binary `bin` as a new term: copied into a heap binary when small,
/// else a sub-binary (ERTS's `erts_extract_sub_binary`).
fn extract(ctx: &mut Ctx, bin: Term, off: usize, len: usize) -> Term {
    if len <= HEAP_BIN_LIMIT {
        let v = bit_view(bin).expect("extract from a binary");
        let mut out = alloc::vec![0u8; len];
        terms::copy_bits(v.bytes, v.bit_offset + off * 8, &mut out, 0, len * 8);
        terms::binary(ctx.heap(), &out)
    } else {
        terms::sub_binary(ctx.heap(), bin, off * 8, len * 8)
    }
}

/// A new binary owning `bytes` (on the heap when small).
fn new_binary(ctx: &mut Ctx, bytes: Vec<u8>) -> Term {
    if bytes.len() <= HEAP_BIN_LIMIT {
        terms::binary(ctx.heap(), &bytes)
    } else {
        terms::refc_binary(ctx.heap(), bytes)
    }
}

// ---------------------------------------------------------------- single bytes

/// Byte `i` of a binary: badarg for bitstrings, empty binaries and indices past the end.
fn byte_at(t: Term, index: Option<u64>) -> BifResult {
    let Some(v) = bit_view(t) else { return badarg_r() };
    let size = v.bit_size / 8;
    if size == 0 {
        return badarg_r();
    }
    let i = match index {
        Some(i) if i < size as u64 => i as usize,
        _ => return badarg_r(),
    };
    if !v.bit_size.is_multiple_of(8) {
        return badarg_r();
    }
    let mut b = [0u8];
    terms::copy_bits(v.bytes, v.bit_offset + i * 8, &mut b, 0, 8);
    Ok(Term::small(b[0] as i64))
}

fn at_2(_c: &mut Ctx, a: &[Term]) -> BifResult {
    byte_at(a[0], term_to_u64(a[1]))
}

fn first_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    byte_at(a[0], Some(0))
}

fn last_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(v) = bit_view(a[0]) else { return badarg_r() };
    byte_at(a[0], Some(((v.bit_size / 8) as u64).wrapping_sub(1)))
}

// ---------------------------------------------------------------- part, copy, sizes

/// `binary:part/2,3` (ERTS's `erts_binary_part`): bitstrings are allowed, the part is taken
/// from their whole bytes.
fn part(ctx: &mut Ctx, bin: Term, pos: Term, len: Term) -> BifResult {
    let Some(v) = bit_view(bin) else { return badarg_r() };
    let (Some(mut pos), Some(len)) = (term_to_u64(pos), term_to_i64(len)) else { return badarg_r() };
    let mut len = len as u64;
    if (len as i64) < 0 {
        let abs = (len as i64).unsigned_abs();
        if (abs as i64) < 0 || abs > pos {
            return badarg_r();
        }
        len = abs;
        pos -= len;
    }
    let end = pos.wrapping_add(len);
    let size = (v.bit_size / 8) as u64;
    if end < pos || size < pos || size < end {
        return badarg_r();
    }
    Ok(extract(ctx, bin, pos as usize, len as usize))
}

fn part_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match terms::tuple_elems(a[1]) {
        Some(&[p, l]) => part(ctx, a[0], p, l),
        _ => badarg_r(),
    }
}

fn part_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    part(ctx, a[0], a[1], a[2])
}

/// Bytes copied per reduction (ERTS's `BINARY_COPY_LOOP_FACTOR`).
const COPY_LOOP_FACTOR: usize = 100;

fn copy(ctx: &mut Ctx, bin: Term, n: Term) -> BifResult {
    if bit_view(bin).is_none() {
        return badarg_r();
    }
    let Some(n) = term_to_u64(n) else { return badarg_r() };
    if n == 0 {
        return Ok(terms::binary(ctx.heap(), &[]));
    }
    let Some(v) = bit_view(bin).filter(|v| v.bit_size.is_multiple_of(8)) else { return badarg_r() };
    let total = ((v.bit_size / 8) as u64).checked_mul(n).filter(|&t| t <= COPY_LIMIT_BYTES);
    let Some(total) = total else { return Err(Exc::Error(am::SYSTEM_LIMIT)) };
    copy_chunk(ctx, bin, Box::new(CopyState { out: Vec::with_capacity(total as usize), total: total as usize }))
}

/// The copies built so far (`binary:copy/2` traps with it).
struct CopyState {
    out: Vec<u8>,
    total: usize,
}

/// Continuation: `[Bin, N]`, with the [`CopyState`] as data.
fn copy_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(st) = ctx.take_trap_data::<CopyState>() else { return badarg_r() };
    copy_chunk(ctx, a[0], st)
}

fn copy_chunk(ctx: &mut Ctx, bin: Term, mut st: Box<CopyState>) -> BifResult {
    let Some(v) = bit_view(bin) else { return badarg_r() };
    let size = v.bit_size / 8;
    let budget = (ctx.reds_left() * COPY_LOOP_FACTOR).min(SLICE_REDUCTIONS as usize * COPY_LOOP_FACTOR);
    let stop = st.total.min(st.out.len() + budget);
    while st.out.len() < stop {
        let pos = st.out.len();
        let off = pos % size;
        let k = (size - off).min(stop - pos);
        st.out.resize(pos + k, 0);
        terms::copy_bits(v.bytes, v.bit_offset + off * 8, &mut st.out[pos..], 0, k * 8);
    }
    ctx.bump_reds(budget.min(st.total) / COPY_LOOP_FACTOR);
    if st.out.len() < st.total {
        let n = Term::small((st.total / size.max(1)) as i64);
        return Err(ctx.trap(copy_cont, alloc::vec![bin, n], Some(st)));
    }
    Ok(new_binary(ctx, core::mem::take(&mut st.out)))
}

fn copy_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    copy(ctx, a[0], Term::small(1))
}

fn copy_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    copy(ctx, a[0], a[1])
}

/// The size of the binary that `t`'s bytes live in (the whole off-heap binary for parts).
fn referenced_byte_size_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    if bit_view(a[0]).is_none() {
        return badarg_r();
    }
    let mut base = a[0];
    if base.box_tag() == Some(header_tag::SUB_BIN) {
        // SAFETY: word 1 of a sub-binary is the heap or refc binary it refers to.
        base = Term(unsafe { *base.ptr().add(1) });
    }
    let size = if base.box_tag() == Some(header_tag::REFC_BIN) {
        // SAFETY: base is a live refc binary object; its BinData outlives it.
        unsafe { (*beamos_gc::bin::refc_bin_data(base.ptr())).len() }
    } else {
        bit_view(base).map_or(0, |v| v.bit_size / 8)
    };
    Ok(Term::small(size as i64))
}

fn list_to_bin_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0].is_nil() {
        return Ok(terms::binary(ctx.heap(), &[]));
    }
    if !a[0].is_list() {
        return badarg_r();
    }
    // ERTS's erts_list_to_binary_bif: list_to_binary's trapping walk.
    super::yielding::list_to_binary_1(ctx, a)
}

// ---------------------------------------------------------------- unsigned integers

fn encode_unsigned(ctx: &mut Ctx, n: Term, endian: Term) -> BifResult {
    if !n.is_integer() {
        return badarg_r();
    }
    let Some(big) = endianness(endian) else { return badarg_r() };
    let Some(v) = terms::to_bigint(n) else { return badarg_r() };
    let Some(u) = v.to_biguint() else { return badarg_r() };
    let mut bytes = if big { u.to_bytes_be() } else { u.to_bytes_le() };
    if bytes.is_empty() {
        bytes.push(0);
    }
    Ok(terms::binary(ctx.heap(), &bytes))
}

fn encode_unsigned_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    encode_unsigned(ctx, a[0], am::BIG)
}

fn encode_unsigned_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    encode_unsigned(ctx, a[0], a[1])
}

fn decode_unsigned(ctx: &mut Ctx, bin: Term, endian: Term) -> BifResult {
    let Some(v) = bit_view(bin) else { return badarg_r() };
    let Some(big) = endianness(endian) else { return badarg_r() };
    let Some(bytes) = bytes_of(&v) else { return badarg_r() };
    let u = if big { BigUint::from_bytes_be(&bytes) } else { BigUint::from_bytes_le(&bytes) };
    charge(ctx, bytes.len());
    Ok(terms::bignum(ctx.heap(), &num_bigint::BigInt::from(u)))
}

fn decode_unsigned_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    decode_unsigned(ctx, a[0], am::BIG)
}

fn decode_unsigned_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    decode_unsigned(ctx, a[0], a[1])
}

// ---------------------------------------------------------------- longest common

fn longest_common(ctx: &mut Ctx, list: Term, suffix: bool) -> BifResult {
    let Some(items) = terms::list_to_vec(list) else { return badarg_r() };
    if items.is_empty() || items.iter().any(|&b| bit_view(b).is_none()) {
        return badarg_r();
    }
    let mut bins = Vec::with_capacity(items.len());
    for &b in &items {
        bins.push(binary_arg(b).ok_or_else(badarg)?);
    }
    let shortest = bins.iter().map(|b| b.len()).min().unwrap_or(0);
    let at = |b: &[u8], i: usize| if suffix { b[b.len() - 1 - i] } else { b[i] };
    let mut n = 0;
    while n < shortest && bins.iter().all(|b| at(b, n) == at(&bins[0], n)) {
        n += 1;
    }
    charge(ctx, n * bins.len());
    Ok(Term::small(n as i64))
}

fn longest_common_prefix_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    longest_common(ctx, a[0], false)
}

fn longest_common_suffix_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    longest_common(ctx, a[0], true)
}

// ---------------------------------------------------------------- patterns

/// A search pattern: one needle (ERTS's `bm`) or several (`ac`), all non-empty.
enum Pattern<'a> {
    One(Cow<'a, [u8]>),
    Many(Vec<Cow<'a, [u8]>>),
}

/// ERTS's `do_binary_match_compile`: a non-empty binary, or a proper non-empty list of
/// non-empty binaries. Also returns the term kept in the compiled form.
fn compile<'a>(t: Term) -> Option<(Pattern<'a>, Term)> {
    if t.is_list() {
        let items = terms::list_to_vec(t)?;
        let mut needles = Vec::with_capacity(items.len());
        for &b in &items {
            let bytes = binary_arg(b).filter(|b| !b.is_empty())?;
            needles.push(bytes);
        }
        if needles.len() == 1 {
            let one = needles.pop()?;
            Some((Pattern::One(one), items[0]))
        } else {
            Some((Pattern::Many(needles), t))
        }
    } else {
        let bytes = binary_arg(t).filter(|b| !b.is_empty())?;
        Some((Pattern::One(bytes), t))
    }
}

/// A pattern argument: a compiled `{bm, _}` / `{ac, _}` tuple, or anything `compile` takes.
fn pattern_arg<'a>(t: Term) -> Option<Pattern<'a>> {
    if let Some(e) = terms::tuple_elems(t) {
        let &[tag, body] = <&[Term; 2]>::try_from(e).ok()?;
        let (p, _) = compile(body)?;
        let bm = atom::atom("bm");
        let ac = atom::atom("ac");
        return match p {
            Pattern::One(_) if tag == bm => Some(p),
            Pattern::Many(_) if tag == ac => Some(p),
            _ => None,
        };
    }
    compile(t).map(|(p, _)| p)
}

fn compile_pattern_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some((p, kept)) = compile(a[0]) else { return badarg_r() };
    let tag = match p {
        Pattern::One(_) => atom::atom("bm"),
        Pattern::Many(_) => atom::atom("ac"),
    };
    Ok(terms::tuple(ctx.heap(), &[tag, kept]))
}

// ---------------------------------------------------------------- searching

/// First occurrence of `needle` in `hay[start..end]`.
fn find_one(hay: &[u8], start: usize, end: usize, needle: &[u8]) -> Option<usize> {
    let n = needle.len();
    if end < start + n {
        return None;
    }
    let first = needle[0];
    let mut i = start;
    while i + n <= end {
        match hay[i..end - n + 1].iter().position(|&b| b == first) {
            None => return None,
            Some(k) => i += k,
        }
        if &hay[i..i + n] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The lengths of the needles that occur in `hay` at `pos` and end by `end`, longest first.
fn lengths_at(hay: &[u8], pos: usize, end: usize, needles: &[Cow<[u8]>], out: &mut Vec<usize>) {
    out.clear();
    for n in needles {
        if pos + n.len() <= end && hay[pos..pos + n.len()] == **n {
            out.push(n.len());
        }
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    out.dedup();
}

/// The first match at a position in `from..to`: the one starting first, the longest of
/// those (matches may end past `to`, up to `end`).
fn first_many(hay: &[u8], from: usize, to: usize, end: usize, needles: &[Cow<[u8]>]) -> Option<(usize, usize)> {
    let mut firsts = [false; 256];
    for n in needles {
        firsts[n[0] as usize] = true;
    }
    let mut lens = Vec::new();
    for pos in from..to {
        if firsts[hay[pos] as usize] {
            lengths_at(hay, pos, end, needles, &mut lens);
            if let Some(&l) = lens.first() {
                return Some((pos, l));
            }
        }
    }
    None
}

/// ERTS's `ac_find_all_non_overlapping`, replayed without the automaton, for the match ends
/// `from..=to` (`from` > `start`): matches are met in order of their end, longest first at
/// each end. A match evicts kept matches that start after it (or at the same place and are
/// shorter), and is kept if it then overlaps nothing; otherwise the evicted ones are restored.
/// `out[..*m]` are the matches kept so far.
fn all_many_step(hay: &[u8], start: usize, from: usize, to: usize, needles: &[Cow<[u8]>], out: &mut Vec<(usize, usize)>, m: &mut usize) {
    let mut lasts = [false; 256];
    for n in needles {
        lasts[n[n.len() - 1] as usize] = true;
    }
    let mut lens = Vec::new();
    for i in from..=to {
        if !lasts[hay[i - 1] as usize] {
            continue;
        }
        // Needles ending at i, longest first.
        lens.clear();
        for n in needles {
            let l = n.len();
            if l <= i - start && hay[i - l..i] == **n {
                lens.push(l);
            }
        }
        if lens.is_empty() {
            continue;
        }
        lens.sort_unstable_by(|a, b| b.cmp(a));
        lens.dedup();
        for &l in &lens {
            let rstart = i - l;
            let save_m = *m;
            while *m > 0 && (out[*m - 1].0 > rstart || (out[*m - 1].0 == rstart && out[*m - 1].1 < l)) {
                *m -= 1;
            }
            if *m == 0 || out[*m - 1].0 + out[*m - 1].1 <= rstart {
                if *m < out.len() {
                    out[*m] = (rstart, l);
                } else {
                    out.push((rstart, l));
                }
                *m += 1;
            } else {
                *m = save_m;
            }
        }
    }
}

/// A search of `match`, `matches` or `split`, done in chunks (ERTS's `binary_find_trap`).
struct Search {
    global: bool,
    /// The scope.
    start: usize,
    end: usize,
    /// The next position to look at (for all matches of several needles: the next match end).
    at: usize,
    /// Matches found (for several needles, global: the first `m` are those kept so far).
    found: Vec<(usize, usize)>,
    m: usize,
    /// The subject's bytes when it does not start on a byte boundary.
    copy: Option<Vec<u8>>,
    split: Option<SplitOpts>,
}

/// Positions examined per reduction (ERTS's `BM_LOOP_FACTOR`, `AC_LOOP_FACTOR`).
const SEARCH_LOOP_FACTOR: usize = 10;

/// One chunk of search over at most `budget` positions: whether the search is over.
fn search_step(hay: &[u8], p: &Pattern, s: &mut Search, budget: usize) -> bool {
    match p {
        Pattern::One(needle) => {
            let n = needle.len();
            let chunk_end = s.at.saturating_add(budget);
            loop {
                if s.at + n > s.end {
                    return true;
                }
                // Matches starting before chunk_end.
                let lim = s.end.min(chunk_end + n - 1);
                match find_one(hay, s.at, lim, needle) {
                    Some(pos) => {
                        s.found.push((pos, n));
                        s.at = pos + n;
                        if !s.global {
                            return true;
                        }
                    }
                    None => {
                        if lim == s.end {
                            return true;
                        }
                        s.at = s.at.max(lim + 1 - n);
                        return false;
                    }
                }
            }
        }
        Pattern::Many(needles) if !s.global => {
            let to = s.end.min(s.at.saturating_add(budget));
            if let Some(f) = first_many(hay, s.at, to, s.end, needles) {
                s.found.push(f);
                return true;
            }
            s.at = to;
            to == s.end
        }
        Pattern::Many(needles) => {
            let from = s.at.max(s.start + 1);
            let to = s.end.min(from.saturating_add(budget - 1));
            if from <= to {
                all_many_step(hay, s.start, from, to, needles, &mut s.found, &mut s.m);
            }
            s.at = to + 1;
            if s.at > s.end {
                s.found.truncate(s.m);
                return true;
            }
            false
        }
    }
}

/// All matches in `hay[start..end]`, left to right, not overlapping (or the first only).
#[cfg(test)]
fn find_with(hay: &[u8], start: usize, end: usize, p: &Pattern, global: bool) -> Vec<(usize, usize)> {
    let mut s = Search { global, start, end, at: start, found: Vec::new(), m: 0, copy: None, split: None };
    while !search_step(hay, p, &mut s, 7) {}
    s.found
}

/// Starts a search of `pattern` in `subject` (whose options were checked).
fn search(ctx: &mut Ctx, subject: Term, pattern: Term, mut s: Search) -> BifResult {
    let Some(v) = bit_view(subject) else { return badarg_r() };
    if v.as_bytes().is_none() {
        s.copy = Some(v.to_vec());
    }
    search_run(ctx, subject, pattern, Box::new(s))
}

/// Continuation: `[Subject, Pattern]`, with the [`Search`] as data.
fn search_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(s) = ctx.take_trap_data::<Search>() else { return badarg_r() };
    search_run(ctx, a[0], a[1], s)
}

fn search_run(ctx: &mut Ctx, subject: Term, pattern: Term, mut s: Box<Search>) -> BifResult {
    let Some(p) = pattern_arg(pattern) else { return badarg_r() };
    let Some(v) = bit_view(subject) else { return badarg_r() };
    let budget = (ctx.reds_left() * SEARCH_LOOP_FACTOR).min(SLICE_REDUCTIONS as usize * SEARCH_LOOP_FACTOR);
    let at0 = s.at;
    let copy = s.copy.take();
    let hay: &[u8] = match &copy {
        Some(c) => &c[..],
        None => v.as_bytes().unwrap_or(&[]),
    };
    let done = search_step(hay, &p, &mut s, budget);
    s.copy = copy;
    ctx.bump_reds(s.at.saturating_sub(at0) / SEARCH_LOOP_FACTOR);
    if !done {
        return Err(ctx.trap(search_cont, alloc::vec![subject, pattern], Some(s)));
    }
    let size = v.bit_size / 8;
    match s.split {
        Some(o) => {
            if !s.global {
                return Ok(match s.found.first() {
                    None => split_not_found(ctx, subject, size, o),
                    Some(&(pos, len)) => split_once(ctx, subject, size, pos, len, o),
                });
            }
            if s.found.is_empty() {
                return Ok(split_not_found(ctx, subject, size, o));
            }
            Ok(split_all(ctx, subject, size, &s.found, o))
        }
        None => {
            let mk = |ctx: &mut Ctx, (pos, len): (usize, usize)| terms::tuple(ctx.heap(), &[Term::small(pos as i64), Term::small(len as i64)]);
            if s.global {
                let mut items = Vec::with_capacity(s.found.len());
                for &f in &s.found {
                    items.push(mk(ctx, f));
                }
                Ok(terms::list(ctx.heap(), &items))
            } else {
                Ok(match s.found.first() {
                    Some(&f) => mk(ctx, f),
                    None => atom::atom("nomatch"),
                })
            }
        }
    }
}

// ---------------------------------------------------------------- options

/// A `{scope, {Pos, Len}}` option: the byte range `[pos, end)` within a `size`-byte subject,
/// with ERTS's unsigned arithmetic (a negative length counts backwards from `Pos`).
fn scope_opt(t: Term, size: usize) -> Option<(usize, usize)> {
    let e = terms::tuple_elems(t)?;
    let &[tag, range] = <&[Term; 2]>::try_from(e).ok()?;
    if tag != am::SCOPE {
        return None;
    }
    let r = terms::tuple_elems(range)?;
    let &[p, l] = <&[Term; 2]>::try_from(r).ok()?;
    let mut pos = term_to_u64(p)?;
    let mut len = term_to_i64(l)? as u64;
    if (len as i64) < 0 {
        let abs = (len as i64).unsigned_abs();
        if (abs as i64) < 0 {
            return None;
        }
        len = abs;
        pos = pos.wrapping_sub(len);
    }
    let end = pos.wrapping_add(len);
    if end < pos || (len > 0 && end == pos) {
        return None;
    }
    if (size as u64) < pos || (size as u64) < end {
        return None;
    }
    Some((pos as usize, end as usize))
}

/// Search options of `match/3` and `matches/3`: a list of scopes (the last wins). A list's
/// improper tail is ignored, as in ERTS.
fn match_opts(mut l: Term, size: usize) -> Option<(usize, usize)> {
    let mut range = (0, size);
    if l.is_nil() {
        return Some(range);
    }
    if !l.is_list() {
        return None;
    }
    while let Some((h, t)) = terms::cons_parts(l) {
        range = scope_opt(h, size)?;
        l = t;
    }
    Some(range)
}

#[derive(Clone, Copy, Default)]
struct SplitOpts {
    global: bool,
    trim: bool,
    trim_all: bool,
}

fn split_opts(mut l: Term, size: usize) -> Option<((usize, usize), SplitOpts)> {
    let mut range = (0, size);
    let mut o = SplitOpts::default();
    if l.is_nil() {
        return Some((range, o));
    }
    if !l.is_list() {
        return None;
    }
    let (trim, trim_all) = (atom::atom("trim"), atom::atom("trim_all"));
    while let Some((h, t)) = terms::cons_parts(l) {
        if h == am::GLOBAL {
            o.global = true;
        } else if h == trim {
            o.trim = true;
        } else if h == trim_all {
            o.trim_all = true;
        } else {
            range = scope_opt(h, size)?;
        }
        l = t;
    }
    Some((range, o))
}

// ---------------------------------------------------------------- match, matches

fn binary_match(ctx: &mut Ctx, subject: Term, pattern: Term, opts: Term, global: bool) -> BifResult {
    let Some(v) = bit_view(subject).filter(|v| v.bit_size.is_multiple_of(8)) else { return badarg_r() };
    let Some((start, end)) = match_opts(opts, v.bit_size / 8) else { return badarg_r() };
    let not_found = if global { Term::NIL } else { atom::atom("nomatch") };
    if end == 0 {
        // ERTS answers before looking at the pattern.
        return Ok(not_found);
    }
    if pattern_arg(pattern).is_none() {
        return badarg_r();
    }
    search(ctx, subject, pattern, Search { global, start, end, at: start, found: Vec::new(), m: 0, copy: None, split: None })
}

fn match_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    binary_match(ctx, a[0], a[1], Term::NIL, false)
}

fn match_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    binary_match(ctx, a[0], a[1], a[2], false)
}

fn matches_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    binary_match(ctx, a[0], a[1], Term::NIL, true)
}

fn matches_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    binary_match(ctx, a[0], a[1], a[2], true)
}

// ---------------------------------------------------------------- split

fn split(ctx: &mut Ctx, subject: Term, pattern: Term, opts: Term) -> BifResult {
    let Some(v) = bit_view(subject).filter(|v| v.bit_size.is_multiple_of(8)) else { return badarg_r() };
    let size = v.bit_size / 8;
    let Some(((start, end), o)) = split_opts(opts, size) else { return badarg_r() };
    if end == 0 {
        return Ok(split_not_found(ctx, subject, size, o));
    }
    if pattern_arg(pattern).is_none() {
        return badarg_r();
    }
    let s = Search { global: o.global, start, end, at: start, found: Vec::new(), m: 0, copy: None, split: Some(o) };
    search(ctx, subject, pattern, s)
}

/// The result of a split that found nothing.
fn split_not_found(ctx: &mut Ctx, subject: Term, size: usize, o: SplitOpts) -> Term {
    if (o.trim || o.trim_all) && size == 0 {
        Term::NIL
    } else {
        terms::list(ctx.heap(), &[subject])
    }
}

/// ERTS's `do_split_single_result`: the parts before and after one match.
fn split_once(ctx: &mut Ctx, subject: Term, size: usize, pos: usize, len: usize, o: SplitOpts) -> Term {
    let rest_len = size - pos - len;
    if (o.trim || o.trim_all) && rest_len == 0 {
        if pos == 0 {
            return Term::NIL;
        }
        let first = extract(ctx, subject, 0, pos);
        return terms::list(ctx.heap(), &[first]);
    }
    let rest = extract(ctx, subject, pos + len, rest_len);
    if o.trim_all && pos == 0 {
        return terms::list(ctx.heap(), &[rest]);
    }
    let first = extract(ctx, subject, 0, pos);
    terms::list(ctx.heap(), &[first, rest])
}

/// ERTS's `do_split_global_result`: built from the end; `trim` drops empty parts until the
/// first non-empty one from the end, `trim_all` drops every empty part.
fn split_all(ctx: &mut Ctx, subject: Term, size: usize, found: &[(usize, usize)], o: SplitOpts) -> Term {
    let mut trim = o.trim;
    let mut parts = Vec::with_capacity(found.len() + 1);
    let mut end_pos = size;
    for &(pos, len) in found.iter().rev() {
        let from = pos + len;
        let n = end_pos - from;
        if !(n == 0 && (trim || o.trim_all)) {
            parts.push(extract(ctx, subject, from, n));
            trim = false;
        }
        end_pos = pos;
    }
    let n = found[0].0;
    if !(n == 0 && (trim || o.trim_all)) {
        parts.push(extract(ctx, subject, 0, n));
    }
    parts.reverse();
    terms::list(ctx.heap(), &parts)
}

fn split_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    split(ctx, a[0], a[1], Term::NIL)
}

fn split_3(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    split(ctx, a[0], a[1], a[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles(v: &[&'static [u8]]) -> Vec<Cow<'static, [u8]>> {
        v.iter().map(|&b| Cow::Borrowed(b)).collect()
    }

    #[test]
    fn first_match_prefers_earliest_then_longest() {
        let p = Pattern::Many(needles(&[b"bc", b"abcd", b"ab"]));
        assert_eq!(find_with(b"xabcd", 0, 5, &p, false), [(1, 4)]);
        assert_eq!(find_with(b"xabcd", 2, 5, &p, false), [(2, 2)]);
    }

    #[test]
    fn all_matches_do_not_overlap() {
        let n = needles(&[b"bcd", b"abc", b"cde", b"de"]);
        assert_eq!(find_with(b"abcde", 0, 5, &Pattern::Many(n), true), [(0, 3), (3, 2)]);
        let n = needles(&[b"aa"]);
        assert_eq!(find_with(b"aaaaa", 0, 5, &Pattern::One(n[0].clone()), true), [(0, 2), (2, 2)]);
        assert_eq!(find_with(b"xaaaaaaaaaaaaaaaaaaa", 3, 20, &Pattern::One(n[0].clone()), true).len(), 8);
    }
}
