//! The `unicode` module's BIFs (erts/emulator/beam/erl_unicode.c): `characters_to_binary/2`,
//! `characters_to_list/2` and `bin_is_7bit/1`.
//!
//! As in ERTS, the BIFs convert from `latin1`, `unicode` and `utf8` themselves and hand every
//! other encoding (utf16, utf32, with endianness) to the Erlang code of unicode.erl
//! (`characters_to_binary_int/2`, `characters_to_list_int/2`), which is built on these.
//! `characters_to_binary/1,3` and `characters_to_list/1` are Erlang code too.
//!
//! The conversion walks the chardata in order, like ERTS's `do_build_utf8`, so the `Rest` of
//! `{error, Converted, Rest}` has ERTS's exact shape: the unconverted tail of each list level
//! around the failing element, and a partial UTF-8 character carried over from the end of a
//! binary put in front of it.
//!
//! Like ERTS, the BIFs trap (`emu::trap`): the input is checked in one go (ERTS's
//! `utf8_need`), then converted in chunks of ERTS's size (10 units per reduction left, at most
//! 40,000; the first chunk less the check's cost, at least 1), each chunk leaving the rest in
//! ERTS's shape (a binary split at a character boundary, a carried partial character as a
//! binary in front), so `{error, ...}` and `{incomplete, ...}` rests are ERTS's whatever the
//! chunking. `characters_to_list` then builds its list from the end of the UTF-8 in chunks;
//! for a UTF-8 binary it measures the valid prefix in chunks first. All state between chunks
//! is terms and byte buffers, so the process may collect meanwhile.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::vec::Vec;
use beamos_gc::Term;

use super::{badarg_r, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::emu::interp::SLICE_REDUCTIONS;
use crate::terms::{self, bit_view, BitView};

pub const BIFS: &[BifEntry] = &[
    bif("unicode", "characters_to_binary", 2, characters_to_binary_2),
    bif("unicode", "characters_to_list", 2, characters_to_list_2),
    bif("unicode", "bin_is_7bit", 1, bin_is_7bit_1),
];

/// Units of work (characters, bytes of binaries) per reduction (ERTS's `LOOP_FACTOR`), and
/// per reduction when only checking the input (`LOOP_FACTOR_SIMPLE`).
const LOOP_FACTOR: usize = 10;
const LOOP_FACTOR_SIMPLE: usize = 50;
/// The most units one chunk does (ERTS's `max_loop_limit`: a whole slice's worth).
const MAX_LOOP_LIMIT: usize = SLICE_REDUCTIONS as usize * LOOP_FACTOR;

/// Units this chunk may do (ERTS's `allowed_iterations`).
fn allowed_iterations(ctx: &Ctx) -> usize {
    (ctx.reds_left() * LOOP_FACTOR).min(MAX_LOOP_LIMIT)
}

/// Bytes `from..to` of a whole-byte view, borrowed when aligned.
fn byte_range<'a>(v: &BitView<'a>, from: usize, to: usize) -> Cow<'a, [u8]> {
    if v.bit_offset.is_multiple_of(8) {
        let s = v.bit_offset / 8;
        Cow::Borrowed(&v.bytes[s + from..s + to])
    } else {
        let mut out = alloc::vec![0u8; to - from];
        terms::copy_bits(v.bytes, v.bit_offset + from * 8, &mut out, 0, (to - from) * 8);
        Cow::Owned(out)
    }
}

/// The bytes of a bitstring view that is a whole number of bytes.
fn view_bytes(v: &BitView) -> Option<Vec<u8>> {
    v.bit_size.is_multiple_of(8).then(|| v.to_vec())
}

/// `true` for latin1, `false` for unicode/utf8, `None` for encodings left to Erlang code.
fn native_encoding(t: Term) -> Option<bool> {
    if t == am::LATIN1 {
        Some(true)
    } else if t == am::UNICODE || t == am::UTF8 {
        Some(false)
    } else {
        None
    }
}

// ---------------------------------------------------------------- checking the input

/// ERTS's cost of a binary in `utf8_need`: its latin1 need (bytes, plus one per byte that
/// takes two in UTF-8) for latin1, else 1.
fn binary_cost(v: &BitView, latin1: bool) -> usize {
    if !latin1 {
        return 1;
    }
    let n = v.bit_size / 8;
    match v.as_bytes() {
        Some(b) => n + b.iter().filter(|&&c| c >= 0x80).count(),
        None => n + v.to_vec().iter().filter(|&&c| c >= 0x80).count(),
    }
}

/// ERTS's `utf8_need`, for its verdict and cost only (in one go, as in ERTS): walks in order;
/// an element that is not an integer, binary or list (or a bitstring) is badarg (`None`),
/// unless a bignum came first, which ends the walk and leaves the error to the conversion
/// (`{error, ...}` rather than badarg). The cost counts integers, and binaries as
/// [`binary_cost`].
fn check_chardata(t: Term, latin1: bool) -> Option<usize> {
    if t.is_nil() {
        return Some(0);
    }
    if let Some(v) = bit_view(t) {
        return v.bit_size.is_multiple_of(8).then(|| binary_cost(&v, latin1));
    }
    if !t.is_list() {
        return None;
    }
    let mut cost = 0;
    let mut stack = alloc::vec![t];
    while let Some(mut l) = stack.pop() {
        while let Some((h, tl)) = terms::cons_parts(l) {
            if h.is_small() {
                cost += 1;
            } else if h.is_nil() {
                // fine
            } else if h.is_list() {
                stack.push(tl);
                stack.push(h);
                break;
            } else if let Some(v) = bit_view(h) {
                if !v.bit_size.is_multiple_of(8) {
                    return None;
                }
                cost += binary_cost(&v, latin1);
            } else if h.is_bignum() {
                return Some(cost);
            } else {
                return None;
            }
            l = tl;
        }
        if !l.is_list() && !l.is_nil() {
            match bit_view(l) {
                Some(v) if v.bit_size.is_multiple_of(8) => cost += binary_cost(&v, latin1),
                _ => return None,
            }
        }
    }
    Some(cost)
}

// ---------------------------------------------------------------- UTF-8 rules

/// Length of the UTF-8 sequence a lead byte announces (ERTS's `utf8_len`).
fn utf8_len(first: u8) -> Option<usize> {
    match first {
        _ if first & 0x80 == 0 => Some(1),
        _ if first & 0xE0 == 0xC0 => Some(2),
        _ if first & 0xF0 == 0xE0 => Some(3),
        _ if first & 0xF8 == 0xF0 => Some(4),
        _ => None,
    }
}

/// Whether the complete sequence `s` (of its announced length) is valid: continuation bytes,
/// no overlong forms, no surrogates, nothing above U+10FFFF.
fn valid_sequence(s: &[u8]) -> bool {
    let cont = |b: u8| b & 0xC0 == 0x80;
    match s.len() {
        1 => true,
        2 => cont(s[1]) && s[0] >= 0xC2,
        3 => cont(s[1]) && cont(s[2]) && !(s[0] == 0xE0 && s[1] < 0xA0) && !(s[0] & 0x0F == 0x0D && s[1] & 0x20 != 0),
        4 => {
            cont(s[1])
                && cont(s[2])
                && cont(s[3])
                && !(s[0] == 0xF0 && s[1] < 0x90)
                && !(s[0] & 0x07 > 4 || (s[0] & 0x07 == 4 && s[1] & 0x3F > 0x0F))
        }
        _ => false,
    }
}

/// ERTS's `check_leftovers`: could these bytes at the end of the input still begin a valid
/// character? (`true` means incomplete rather than an error.)
fn could_continue(s: &[u8]) -> bool {
    let cont = |b: u8| b & 0xC0 == 0x80;
    let n = s.len();
    match s[0] {
        b if b & 0xE0 == 0xC0 => true,
        b if b & 0xF0 == 0xE0 => n < 2 || (n < 3 && cont(s[1])),
        b if b & 0xF8 == 0xF0 => n < 2 || (n < 3 && cont(s[1])) || (n < 4 && cont(s[1]) && cont(s[2])),
        _ => false,
    }
}

fn push_utf8(out: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        out.push(c as u8);
    } else if c < 0x800 {
        out.extend_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]);
    } else if c < 0x10000 {
        out.extend_from_slice(&[0xE0 | (c >> 12) as u8, 0x80 | ((c >> 6) & 0x3F) as u8, 0x80 | (c & 0x3F) as u8]);
    } else {
        out.extend_from_slice(&[
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]);
    }
}

/// Decodes well-formed UTF-8 into code points.
fn decode_utf8(bytes: &[u8]) -> Vec<Term> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i] as u32;
        let (c, n) = match utf8_len(bytes[i]) {
            Some(1) => (b, 1),
            Some(2) => (((b & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F), 2),
            Some(3) => (((b & 0x0F) << 12) | ((bytes[i + 1] as u32 & 0x3F) << 6) | (bytes[i + 2] as u32 & 0x3F), 3),
            _ => (
                ((b & 0x07) << 18)
                    | ((bytes[i + 1] as u32 & 0x3F) << 12)
                    | ((bytes[i + 2] as u32 & 0x3F) << 6)
                    | (bytes[i + 3] as u32 & 0x3F),
                4,
            ),
        };
        out.push(Term::small(c as i64));
        i += n;
    }
    out
}

/// How far `bytes` is valid UTF-8: (valid prefix length, state at its end).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Utf8State {
    Ok,
    Error,
    Incomplete,
}

fn analyze_utf8(bytes: &[u8]) -> (usize, Utf8State) {
    let mut i = 0;
    while i < bytes.len() {
        let Some(n) = utf8_len(bytes[i]) else { return (i, Utf8State::Error) };
        if bytes.len() - i < n {
            return (i, Utf8State::Incomplete);
        }
        if !valid_sequence(&bytes[i..i + n]) {
            return (i, Utf8State::Error);
        }
        i += n;
    }
    (i, Utf8State::Ok)
}

// ---------------------------------------------------------------- the conversion

/// The UTF-8 being built, and a partial character carried from the end of a binary.
struct Builder {
    latin1: bool,
    out: Vec<u8>,
    leftover: [u8; 4],
    n_leftover: usize,
}

/// How a chunk of conversion ended.
enum Built {
    /// All converted.
    Done,
    /// Out of units: the chardata still to convert.
    More(Term),
    /// The first element that cannot be converted, with the list levels open around it.
    Error(Term),
}

impl Builder {
    fn new(latin1: bool, out: Vec<u8>) -> Builder {
        Builder { latin1, out, leftover: [0; 4], n_leftover: 0 }
    }

    /// ERTS's `copy_utf8_bin` with a leftover buffer: copies valid UTF-8 from `src`; the
    /// offset of the first bad byte on error (0 when completing the carried character fails).
    fn copy_utf8(&mut self, src: &[u8]) -> Result<(), usize> {
        let mut src_at = 0;
        if self.n_leftover > 0 {
            let Some(need) = utf8_len(self.leftover[0]) else { return Err(0) };
            let from_src = need - self.n_leftover;
            if src.len() < from_src {
                self.leftover[self.n_leftover..self.n_leftover + src.len()].copy_from_slice(src);
                self.n_leftover += src.len();
                return Ok(());
            }
            self.leftover[self.n_leftover..need].copy_from_slice(&src[..from_src]);
            if !valid_sequence(&self.leftover[..need]) {
                return Err(0);
            }
            self.out.extend_from_slice(&self.leftover[..need]);
            self.n_leftover = 0;
            src_at = from_src;
        }
        let rest = &src[src_at..];
        let (valid, state) = analyze_utf8(rest);
        self.out.extend_from_slice(&rest[..valid]);
        match state {
            Utf8State::Ok => Ok(()),
            Utf8State::Error => Err(src_at + valid),
            Utf8State::Incomplete => {
                // Carried over unchecked, as ERTS does; checked when completed or at the end.
                let tail = &rest[valid..];
                self.leftover[..tail.len()].copy_from_slice(tail);
                self.n_leftover = tail.len();
                Ok(())
            }
        }
    }

    /// One binary, up to `left` bytes of it (ERTS's `do_build_utf8` on a binary): for UTF-8
    /// the split point moves past continuation bytes, and what is left over is a sub-binary.
    fn binary(&mut self, ctx: &mut Ctx, bin: Term, left: &mut usize) -> Built {
        let Some(v) = bit_view(bin) else { return Built::Error(bin) };
        if !v.bit_size.is_multiple_of(8) {
            return Built::Error(bin);
        }
        let orig_size = v.bit_size / 8;
        let mut size = orig_size;
        if !self.latin1 {
            // Find a character boundary (so a split does not make a rest that fails later).
            while size > *left && byte_range(&v, *left, *left + 1)[0] & 0xC0 == 0x80 {
                *left += 1;
            }
        }
        let mut more = None;
        if size > *left {
            more = Some((*left, size - *left));
            size = *left;
        }
        let bytes = byte_range(&v, 0, size);
        if self.latin1 {
            for &b in bytes.iter() {
                push_utf8(&mut self.out, b as u32);
            }
        } else if let Err(at) = self.copy_utf8(&bytes) {
            return Built::Error(terms::sub_binary(ctx.heap(), bin, at * 8, (orig_size - at) * 8));
        }
        *left -= size;
        match more {
            Some((at, n)) => Built::More(terms::sub_binary(ctx.heap(), bin, at * 8, n * 8)),
            None => Built::Done,
        }
    }

    /// One integer element: `false` when it cannot be converted.
    fn char(&mut self, h: Term) -> bool {
        if self.n_leftover > 0 {
            return false;
        }
        let Some(c) = h.as_small() else { return false };
        let c = c as u64; // negative integers become huge, as ERTS's unsigned_val
        if (self.latin1 && c > 255) || (0xD800..=0xDFFF).contains(&c) || c >= 0x11_0000 {
            return false;
        }
        push_utf8(&mut self.out, c as u32);
        true
    }

    /// ERTS's `do_build_utf8`: converts up to `left` units (characters, bytes of binaries) of
    /// `t`. What remains (on error or when out of units) is rebuilt from the list levels
    /// still open around it, so converting the remainder continues exactly where this
    /// stopped.
    fn build(&mut self, ctx: &mut Ctx, t: Term, left: &mut usize) -> Built {
        if *left == 0 || t.is_nil() {
            return if t.is_nil() { Built::Done } else { Built::More(t) };
        }
        if bit_view(t).is_some() {
            return self.binary(ctx, t, left);
        }
        if !t.is_list() {
            return Built::Error(t);
        }
        // Each entry: the rest of an enclosing list level, to resume after the inner one.
        let mut stack: Vec<Term> = alloc::vec![t];
        let mut io = Term::NIL;
        let mut err = false;
        'levels: while *left > 0 {
            let Some(top) = stack.pop() else { break };
            io = top;
            if !io.is_list() {
                continue; // nil: an empty level
            }
            'flat: loop {
                let Some((h, tl)) = terms::cons_parts(io) else { break };
                if h.is_small() {
                    if !self.char(h) {
                        err = true;
                        break 'levels;
                    }
                    *left -= 1;
                    io = tl;
                } else if h.is_nil() {
                    io = tl;
                } else if h.is_list() {
                    stack.push(tl);
                    io = h;
                    continue 'flat;
                } else if bit_view(h).is_some() {
                    match self.binary(ctx, h, left) {
                        Built::Done => io = tl,
                        Built::More(rest) => {
                            io = terms::cons(ctx.heap(), rest, tl);
                            *left = 0;
                            break 'flat;
                        }
                        Built::Error(rest) => {
                            io = terms::cons(ctx.heap(), rest, tl);
                            err = true;
                            break 'levels;
                        }
                    }
                } else {
                    err = true;
                    break 'levels;
                }
                if *left == 0 {
                    break;
                }
            }
            if *left > 0 && !io.is_list() && !io.is_nil() {
                // An improper list end: a binary, or an error.
                if bit_view(io).is_none() {
                    err = true;
                    break;
                }
                match self.binary(ctx, io, left) {
                    Built::Done => io = Term::NIL,
                    Built::More(rest) => io = rest,
                    Built::Error(rest) => {
                        io = rest;
                        err = true;
                        break;
                    }
                }
            }
        }
        let mut rest = io;
        while let Some(outer) = stack.pop() {
            rest = terms::cons(ctx.heap(), rest, outer);
        }
        if err {
            Built::Error(rest)
        } else if rest.is_nil() {
            Built::Done
        } else {
            Built::More(rest)
        }
    }

    /// How a chunk ends (ERTS's `build_utf8_return` / `build_list_return`): the rest to
    /// convert next (with a carried partial character in front of it), or the final tag and
    /// rest (`None` for success).
    fn finish(&self, ctx: &mut Ctx, built: Built) -> Result<Option<(Term, Term)>, Term> {
        let left = |ctx: &mut Ctx| terms::binary(ctx.heap(), &self.leftover[..self.n_leftover]);
        match built {
            Built::Error(rest) => {
                let rest = if self.n_leftover > 0 {
                    let lb = left(ctx);
                    terms::list(ctx.heap(), &[lb, rest])
                } else {
                    rest
                };
                Ok(Some((am::ERROR, rest)))
            }
            Built::Done if self.n_leftover > 0 => {
                let tag = if could_continue(&self.leftover[..self.n_leftover]) { am::INCOMPLETE } else { am::ERROR };
                Ok(Some((tag, left(ctx))))
            }
            Built::Done => Ok(None),
            Built::More(rest) if self.n_leftover > 0 => {
                let lb = left(ctx);
                Err(terms::cons(ctx.heap(), lb, rest))
            }
            Built::More(rest) => Err(rest),
        }
    }
}

/// The bytes as a binary (off-heap above the heap-binary limit, without copying).
fn make_binary(ctx: &mut Ctx, out: Vec<u8>) -> Term {
    if out.len() <= beamos_gc::bin::HEAP_BIN_LIMIT {
        terms::binary(ctx.heap(), &out)
    } else {
        terms::refc_binary(ctx.heap(), out)
    }
}

fn call_erlang(module_fun: &str, a: &[Term]) -> BifResult {
    Err(Exc::CallMfa { module: am::UNICODE, function: atom::atom(module_fun), args: a.to_vec() })
}

/// The units the first chunk may do after checking input of cost `cost` (ERTS charges the
/// check, then takes its cost again from the allowance, leaving at least one unit).
fn first_left(ctx: &mut Ctx, cost: usize) -> usize {
    ctx.bump_reds(cost / LOOP_FACTOR_SIMPLE);
    let check = cost / (LOOP_FACTOR_SIMPLE / LOOP_FACTOR);
    allowed_iterations(ctx).saturating_sub(check).max(1)
}

/// Runs one chunk of conversion: `Err(rest)` when more remains.
fn convert_chunk(ctx: &mut Ctx, b: &mut Builder, t: Term, mut left: usize) -> Result<Option<(Term, Term)>, Term> {
    let start = left;
    let built = b.build(ctx, t, &mut left);
    ctx.bump_reds(start.saturating_sub(left) / LOOP_FACTOR);
    b.finish(ctx, built)
}

fn characters_to_binary_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(latin1) = native_encoding(a[1]) else { return call_erlang("characters_to_binary_int", a) };
    // A list of one binary is taken as that binary.
    let subject = match terms::cons_parts(a[0]) {
        Some((h, t)) if t.is_nil() && bit_view(h).is_some() => h,
        _ => a[0],
    };
    let Some(cost) = check_chardata(subject, latin1) else { return badarg_r() };
    if let Some(v) = bit_view(subject) {
        // Already valid UTF-8 (or 7-bit ASCII for latin1): the binary itself.
        if let Some(bytes) = v.as_bytes().map(Cow::Borrowed).or_else(|| view_bytes(&v).map(Cow::Owned)) {
            let same = if latin1 { bytes.is_ascii() } else { analyze_utf8(&bytes).1 == Utf8State::Ok };
            if same {
                ctx.bump_reds(cost / LOOP_FACTOR_SIMPLE);
                return Ok(subject);
            }
        }
    }
    let left = first_left(ctx, cost);
    c2b_chunk(ctx, subject, a[1], Vec::new(), left)
}

/// Continuation: `[Rest, Encoding]`, with the UTF-8 so far as data.
fn c2b_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(out) = ctx.take_trap_data::<Vec<u8>>() else { return badarg_r() };
    let left = allowed_iterations(ctx);
    c2b_chunk(ctx, a[0], a[1], *out, left)
}

fn c2b_chunk(ctx: &mut Ctx, t: Term, enc: Term, out: Vec<u8>, left: usize) -> BifResult {
    let mut b = Builder::new(enc == am::LATIN1, out);
    match convert_chunk(ctx, &mut b, t, left) {
        Err(rest) => Err(ctx.trap(c2b_cont, alloc::vec![rest, enc], Some(Box::new(b.out)))),
        Ok(end) => {
            let bin = make_binary(ctx, b.out);
            Ok(match end {
                None => bin,
                Some((tag, rest)) => terms::tuple(ctx.heap(), &[tag, bin, rest]),
            })
        }
    }
}

fn characters_to_list_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(latin1) = native_encoding(a[1]) else { return call_erlang("characters_to_list_int", a) };
    if let (Some(v), false) = (bit_view(a[0]), latin1) {
        if !v.bit_size.is_multiple_of(8) {
            return badarg_r();
        }
        return u2l_analyze(ctx, a[0], U2l { analyzed: 0, state: None });
    }
    let Some(cost) = check_chardata(a[0], latin1) else { return badarg_r() };
    let left = first_left(ctx, cost);
    c2l_chunk(ctx, a[0], a[1], Vec::new(), left)
}

/// Continuation: `[Rest, Encoding]`, with the UTF-8 so far as data.
fn c2l_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(out) = ctx.take_trap_data::<Vec<u8>>() else { return badarg_r() };
    let left = allowed_iterations(ctx);
    c2l_chunk(ctx, a[0], a[1], *out, left)
}

fn c2l_chunk(ctx: &mut Ctx, t: Term, enc: Term, out: Vec<u8>, left: usize) -> BifResult {
    let mut b = Builder::new(enc == am::LATIN1, out);
    match convert_chunk(ctx, &mut b, t, left) {
        Err(rest) => Err(ctx.trap(c2l_cont, alloc::vec![rest, enc], Some(Box::new(b.out)))),
        Ok(end) => {
            let (tag, rest) = end.unwrap_or((Term::NIL, Term::NIL));
            let end = b.out.len();
            list_chunk(ctx, ListBuild { bytes: b.out, end }, tag, rest, Term::NIL)
        }
    }
}

/// Turning the UTF-8 buffer into a list, from its end back (ERTS's `finalize_list_to_list`).
struct ListBuild {
    bytes: Vec<u8>,
    /// Bytes `..end` are still to turn into list cells.
    end: usize,
}

/// Continuation: `[Tag, Rest, ListSoFar]` (Tag `[]` for success), with the buffer as data.
fn list_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(lb) = ctx.take_trap_data::<ListBuild>() else { return badarg_r() };
    list_chunk(ctx, *lb, a[0], a[1], a[2])
}

fn list_chunk(ctx: &mut Ctx, mut lb: ListBuild, tag: Term, rest: Term, mut acc: Term) -> BifResult {
    let budget = allowed_iterations(ctx);
    let from = char_start_after(&lb.bytes, lb.end.saturating_sub(budget));
    for c in decode_utf8(&lb.bytes[from..lb.end]).into_iter().rev() {
        acc = terms::cons(ctx.heap(), c, acc);
    }
    ctx.bump_reds((lb.end - from) / LOOP_FACTOR);
    lb.end = from;
    if from > 0 {
        return Err(ctx.trap(list_cont, alloc::vec![tag, rest, acc], Some(Box::new(lb))));
    }
    Ok(if tag.is_nil() { acc } else { terms::tuple(ctx.heap(), &[tag, acc, rest]) })
}

/// The first character boundary at or after `i` in well-formed UTF-8.
fn char_start_after(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
        i += 1;
    }
    i
}

/// ERTS's `utf8_to_list` (a UTF-8 binary decoded directly; the rest is a part of it): first
/// the valid prefix is measured, then decoded from its end back, both in chunks.
struct U2l {
    /// Bytes found valid so far.
    analyzed: usize,
    /// How the valid prefix ended, once known.
    state: Option<Utf8State>,
}

/// Continuation of the analysis: `[Bin]`, with the [`U2l`] as data.
fn u2l_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(u) = ctx.take_trap_data::<U2l>() else { return badarg_r() };
    u2l_analyze(ctx, a[0], *u)
}

fn u2l_analyze(ctx: &mut Ctx, bin: Term, mut u: U2l) -> BifResult {
    let Some(v) = bit_view(bin) else { return badarg_r() };
    let size = v.bit_size / 8;
    let budget = allowed_iterations(ctx);
    // Up to `budget` characters of at most four bytes: look at that many bytes.
    let to = size.min(u.analyzed + budget * 4);
    let window = byte_range(&v, u.analyzed, to);
    let (valid, state) = analyze_utf8(&window);
    ctx.bump_reds(valid / LOOP_FACTOR);
    u.analyzed += valid;
    if to < size && state != Utf8State::Error {
        // The window ended (maybe inside a character): more to look at.
        return Err(ctx.trap(u2l_cont, alloc::vec![bin], Some(Box::new(u))));
    }
    u.state = Some(state);
    let end = u.analyzed;
    u2l_build(ctx, bin, u, end, Term::NIL)
}

/// Continuation of the decoding: `[Bin, ListSoFar]`, with `(U2l, End)` as data.
fn u2l_build_cont(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(d) = ctx.take_trap_data::<(U2l, usize)>() else { return badarg_r() };
    let (u, end) = *d;
    u2l_build(ctx, a[0], u, end, a[1])
}

fn u2l_build(ctx: &mut Ctx, bin: Term, u: U2l, end: usize, mut acc: Term) -> BifResult {
    let Some(v) = bit_view(bin) else { return badarg_r() };
    let budget = allowed_iterations(ctx);
    let lo = end.saturating_sub(budget);
    let window = byte_range(&v, lo, end);
    let from = char_start_after(&window, 0);
    for c in decode_utf8(&window[from..]).into_iter().rev() {
        acc = terms::cons(ctx.heap(), c, acc);
    }
    ctx.bump_reds((end - lo - from) / LOOP_FACTOR);
    let start = lo + from;
    if start > 0 {
        return Err(ctx.trap(u2l_build_cont, alloc::vec![bin, acc], Some(Box::new((u, start)))));
    }
    let mut state = u.state.unwrap_or(Utf8State::Ok);
    if state == Utf8State::Ok {
        return Ok(acc);
    }
    let size = v.bit_size / 8;
    let tail = byte_range(&v, u.analyzed, size);
    if state == Utf8State::Incomplete && !could_continue(&tail) {
        state = Utf8State::Error;
    }
    let rest = terms::sub_binary(ctx.heap(), bin, u.analyzed * 8, (size - u.analyzed) * 8);
    let tag = if state == Utf8State::Incomplete { am::INCOMPLETE } else { am::ERROR };
    Ok(terms::tuple(ctx.heap(), &[tag, acc, rest]))
}

fn bin_is_7bit_1(_c: &mut Ctx, a: &[Term]) -> BifResult {
    let ascii = bit_view(a[0]).and_then(|v| view_bytes(&v)).is_some_and(|b| b.is_ascii());
    Ok(atom::bool_atom(ascii))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_validation_follows_erts() {
        assert!(valid_sequence(&[0xC2, 0x80]));
        assert!(!valid_sequence(&[0xC1, 0xBF])); // overlong
        assert!(!valid_sequence(&[0xED, 0xA0, 0x80])); // surrogate
        assert!(!valid_sequence(&[0xF4, 0x90, 0x80, 0x80])); // above U+10FFFF
        assert!(could_continue(&[0xE2, 0x82]));
        assert!(!could_continue(&[0xE2, 0x41]));
        assert_eq!(analyze_utf8(b"ab\xE2\x82"), (2, Utf8State::Incomplete));
    }
}
