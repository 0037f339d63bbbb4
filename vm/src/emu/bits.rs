//! Bit syntax: building binaries (`bs_create_bin` and the older `bs_init`/`bs_put_*`) and
//! matching them through match contexts.
//!
//! A match context is `[header(MATCH_STATE, 2 + slots), binary, position, saved...]`; the
//! binary term (heap, refc or sub-binary) is its only term word, so the collector keeps it.

use alloc::vec::Vec;
use beamos_gc::term::header_arity;
use beamos_gc::{header_tag, make_header, Term};
use num_bigint::{BigInt, Sign};

use crate::atom::am;
use crate::emu::exception::Raised;
use crate::emu::instr::{bsflags, Dst, Instr, MatchCmd, SegType, Segment, Src};
use crate::emu::interp::gc_test;
use crate::process::Process;
use crate::terms::{self, bit_view, BitView};
use crate::vm::Vm;

pub enum Next {
    Continue,
    Fail(usize),
    Error(Term),
    Raise(Raised),
}

#[inline(always)]
fn read(p: &Process, x: &[Term], s: Src) -> Term {
    match s {
        Src::X(i) => x[i as usize],
        Src::Y(i) => p.stack[p.stack.len() - 1 - i as usize],
        Src::Lit(t) => t,
    }
}

#[inline(always)]
fn write(p: &mut Process, x: &mut [Term], d: Dst, v: Term) {
    match d {
        Dst::X(i) => x[i as usize] = v,
        Dst::Y(i) => {
            let k = p.stack.len() - 1 - i as usize;
            p.stack[k] = v
        }
    }
}

// ------------------------------------------------------------------ match contexts

const CTX_BIN: usize = 1;
const CTX_POS: usize = 2;
const CTX_SAVE: usize = 3;

fn is_ctx(t: Term) -> bool {
    t.box_tag() == Some(header_tag::MATCH_STATE)
}

fn ctx_word(ctx: Term, i: usize) -> u64 {
    // SAFETY: ctx is a live match context with at least 3 words.
    unsafe { *ctx.ptr().add(i) }
}
fn set_ctx_word(ctx: Term, i: usize, v: u64) {
    // SAFETY: as above; match contexts are private to their process and mutable.
    unsafe { *ctx.ptr().add(i) = v }
}

/// The view of the context's binary, and the current position.
fn ctx_view<'a>(ctx: Term) -> (BitView<'a>, usize) {
    let bin = Term(ctx_word(ctx, CTX_BIN));
    let v = bit_view(bin).expect("match context holds a bitstring");
    (v, ctx_word(ctx, CTX_POS) as usize)
}

fn new_ctx(p: &mut Process, bin: Term, slots: usize) -> Term {
    let n = CTX_SAVE + slots;
    let w = p.heap.alloc(n);
    // SAFETY: n fresh words.
    unsafe {
        *w = make_header(header_tag::MATCH_STATE, n - 1);
        *w.add(CTX_BIN) = bin.raw();
        *w.add(CTX_POS) = 0;
        for i in 0..slots {
            *w.add(CTX_SAVE + i) = 0;
        }
    }
    Term::boxed_ptr(w)
}

fn ctx_slots(ctx: Term) -> usize {
    // SAFETY: a live match context.
    header_arity(unsafe { ctx.boxed_header() }) + 1 - CTX_SAVE
}

/// Reads `n <= 64` bits at bit `pos` as an unsigned big-endian number.
fn read_u64(v: &BitView, pos: usize, n: usize) -> u64 {
    let mut r: u64 = 0;
    let start = v.bit_offset + pos;
    if start % 8 == 0 && n % 8 == 0 {
        for i in 0..n / 8 {
            r = (r << 8) | v.bytes[start / 8 + i] as u64;
        }
        return r;
    }
    for i in 0..n {
        r = (r << 1) | v.bit(pos + i) as u64;
    }
    r
}

/// Reads `n` bits as bytes (big-endian, the first byte holding the leading `n % 8` bits
/// right-aligned).
fn read_bytes_be(v: &BitView, pos: usize, n: usize) -> Vec<u8> {
    let nbytes = n.div_ceil(8);
    let mut out = alloc::vec![0u8; nbytes];
    let lead = nbytes * 8 - n;
    terms::copy_bits(v.bytes, v.bit_offset + pos, &mut out, lead, n);
    out
}

fn get_integer(p: &mut Process, v: &BitView, pos: usize, n: usize, flags: u32) -> Term {
    let signed = flags & bsflags::SIGNED != 0;
    let little = flags & bsflags::LITTLE != 0;
    if n <= 64 && !little {
        let raw = read_u64(v, pos, n);
        let val: i128 = if signed && n > 0 && (raw >> (n - 1)) & 1 == 1 {
            raw as i128 - (1i128 << n)
        } else {
            raw as i128
        };
        return terms::int_from_i128(&mut p.heap, val);
    }
    if little {
        // The bits in order, left-aligned; whole bytes are little-endian and a trailing
        // partial byte holds the most significant bits.
        let mut be = alloc::vec![0u8; n.div_ceil(8)];
        terms::copy_bits(v.bytes, v.bit_offset + pos, &mut be, 0, n);
        let rem = n % 8;
        if rem != 0 {
            let last = be.len() - 1;
            be[last] >>= 8 - rem;
        }
        let mag = BigInt::from_bytes_le(Sign::Plus, &be);
        let val = if signed && n > 0 && mag.bit((n - 1) as u64) { mag - (BigInt::from(1) << n) } else { mag };
        return terms::bignum(&mut p.heap, &val);
    }
    let bytes = read_bytes_be(v, pos, n);
    let mag = BigInt::from_bytes_be(Sign::Plus, &bytes);
    let val = if signed && n > 0 && mag.bit((n - 1) as u64) { mag - (BigInt::from(1) << n) } else { mag };
    terms::bignum(&mut p.heap, &val)
}

fn get_float(p: &mut Process, v: &BitView, pos: usize, n: usize, flags: u32) -> Option<Term> {
    let little = flags & bsflags::LITTLE != 0;
    let mut raw = read_u64(v, pos, n);
    if little {
        raw = match n {
            16 => (raw as u16).swap_bytes() as u64,
            32 => (raw as u32).swap_bytes() as u64,
            64 => raw.swap_bytes(),
            _ => return None,
        };
    }
    let f = match n {
        16 => f16_to_f64(raw as u16),
        32 => f32::from_bits(raw as u32) as f64,
        64 => f64::from_bits(raw),
        _ => return None,
    };
    if !f.is_finite() {
        return None;
    }
    Some(terms::float(&mut p.heap, f))
}

fn f16_to_f64(h: u16) -> f64 {
    let sign = if h >> 15 == 1 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    if exp == 0 {
        sign * frac * libm::pow(2.0, -24.0)
    } else if exp == 31 {
        if frac == 0.0 {
            sign * f64::INFINITY
        } else {
            f64::NAN
        }
    } else {
        sign * (1.0 + frac / 1024.0) * libm::pow(2.0, (exp - 15) as f64)
    }
}

/// A double as IEEE half precision, rounded to nearest even straight from the double (as C's
/// `(_Float16)x`); too large is an infinity.
fn f64_to_f16(f: f64) -> u16 {
    let bits = f.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    let a = f.abs();
    if a.is_nan() {
        return sign | 0x7e00;
    }
    let round = |m: u64, shift: u32| -> u64 {
        let (q, rem, half) = (m >> shift, m & ((1u64 << shift) - 1), 1u64 << (shift - 1));
        if rem > half || (rem == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    let e = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mant = bits & ((1u64 << 52) - 1);
    let h = if e < -14 {
        // Subnormal (or zero): units of 2^-24, from the full 53-bit significand.
        if e < -25 {
            0
        } else {
            round(mant | (1u64 << 52), (28 - e) as u32)
        }
    } else {
        // Normal: 10 fraction bits; a carry out of the fraction bumps the exponent.
        (((e + 15) as u64) << 10) + round(mant, 42)
    };
    sign | h.min(0x7c00) as u16
}

/// Decodes one UTF-8 code point at bit `pos` (byte aligned or not).
fn get_utf8(v: &BitView, pos: usize) -> Option<(u32, usize)> {
    let rem = v.bit_size - pos;
    if rem < 8 {
        return None;
    }
    let b0 = read_u64(v, pos, 8) as u32;
    let (len, init) = match b0 {
        0x00..=0x7f => return Some((b0, 8)),
        0xc2..=0xdf => (2, b0 & 0x1f),
        0xe0..=0xef => (3, b0 & 0x0f),
        0xf0..=0xf4 => (4, b0 & 0x07),
        _ => return None,
    };
    if rem < len * 8 {
        return None;
    }
    let mut c = init;
    for i in 1..len {
        let b = read_u64(v, pos + i * 8, 8) as u32;
        if b & 0xc0 != 0x80 {
            return None;
        }
        c = (c << 6) | (b & 0x3f);
    }
    let min = [0, 0, 0x80, 0x800, 0x10000][len];
    if c < min || c > 0x10ffff || (0xd800..=0xdfff).contains(&c) {
        return None;
    }
    Some((c, len * 8))
}

fn get_utf16(v: &BitView, pos: usize, flags: u32) -> Option<(u32, usize)> {
    let little = flags & bsflags::LITTLE != 0;
    let rd = |at: usize| -> Option<u32> {
        if v.bit_size - at < 16 || at > v.bit_size {
            return None;
        }
        let w = read_u64(v, at, 16) as u16;
        Some(if little { w.swap_bytes() } else { w } as u32)
    };
    let w1 = rd(pos)?;
    if !(0xd800..=0xdfff).contains(&w1) {
        return Some((w1, 16));
    }
    if w1 > 0xdbff {
        return None;
    }
    let w2 = rd(pos + 16)?;
    if !(0xdc00..=0xdfff).contains(&w2) {
        return None;
    }
    Some((0x10000 + ((w1 - 0xd800) << 10) + (w2 - 0xdc00), 32))
}

fn get_utf32(v: &BitView, pos: usize, flags: u32) -> Option<(u32, usize)> {
    if v.bit_size - pos < 32 {
        return None;
    }
    let mut w = read_u64(v, pos, 32) as u32;
    if flags & bsflags::LITTLE != 0 {
        w = w.swap_bytes();
    }
    if w > 0x10ffff || (0xd800..=0xdfff).contains(&w) {
        return None;
    }
    Some((w, 32))
}

/// The largest size of a constructed segment, in bits (see `construction_error`).
const MAX_SEGMENT_BITS: usize = 1 << 56;

/// Size operand `s` in bits (see [`size_bits`]). Only a literal `all` means "the rest": the
/// atom in a register is a bad size (the unoptimised compiler can put it there).
fn seg_size(p: &Process, x: &[Term], s: Src, unit: u32) -> Option<Option<usize>> {
    let t = read(p, x, s);
    if t == am::ALL && !matches!(s, Src::Lit(_)) {
        return None;
    }
    size_bits(t, unit)
}

/// Size operand in bits: `None` if invalid (negative, not an integer), `Some(None)` for `all`.
fn size_bits(t: Term, unit: u32) -> Option<Option<usize>> {
    if t == am::ALL {
        return Some(None);
    }
    let n = t.as_small()?;
    if n < 0 {
        return None;
    }
    (n as usize).checked_mul(unit as usize).map(Some)
}

// ------------------------------------------------------------------ construction

/// Appends bits to a growing bit buffer.
/// Bytes of a binary under construction; the first `INLINE_BYTES` live on the Rust stack, so
/// building a small binary (or appending a few bytes in place) allocates nothing.
struct BitWriter {
    inline: [u8; INLINE_BYTES],
    /// Used instead of `inline` once the binary outgrows it.
    spill: Option<Vec<u8>>,
    /// Bytes in use (in `inline` until spilled).
    len: usize,
    bits: usize,
}

const INLINE_BYTES: usize = 64;

impl BitWriter {
    fn new() -> BitWriter {
        BitWriter { inline: [0; INLINE_BYTES], spill: None, len: 0, bits: 0 }
    }
    fn with_capacity(bits: usize) -> BitWriter {
        let mut w = BitWriter::new();
        if bits.div_ceil(8) > INLINE_BYTES {
            w.spill = Some(Vec::with_capacity(bits.div_ceil(8)));
        }
        w
    }
    /// Continues a construction from earlier bytes (old-style `bs_put_*`).
    fn from_parts(bytes: Vec<u8>, bits: usize) -> BitWriter {
        BitWriter { inline: [0; INLINE_BYTES], len: bytes.len(), spill: Some(bytes), bits }
    }
    fn bytes(&self) -> &[u8] {
        match &self.spill {
            Some(v) => v,
            None => &self.inline[..self.len],
        }
    }
    fn into_vec(self) -> Vec<u8> {
        match self.spill {
            Some(v) => v,
            None => self.inline[..self.len].to_vec(),
        }
    }
    /// The buffer, zero-extended to at least `need` bytes.
    fn grow_to(&mut self, need: usize) -> &mut [u8] {
        if self.spill.is_none() && need > INLINE_BYTES {
            let mut v = Vec::with_capacity(need.max(2 * INLINE_BYTES));
            v.extend_from_slice(&self.inline[..self.len]);
            self.spill = Some(v);
        }
        match &mut self.spill {
            Some(v) => {
                if v.len() < need {
                    v.resize(need, 0);
                }
                self.len = v.len();
                v
            }
            None => {
                // Bytes past `len` are still zero: nothing is written beyond it.
                self.len = self.len.max(need);
                &mut self.inline[..self.len]
            }
        }
    }
    fn push_bits(&mut self, src: &[u8], src_off: usize, n: usize) {
        let need = (self.bits + n).div_ceil(8);
        let at = self.bits;
        terms::copy_bits(src, src_off, self.grow_to(need), at, n);
        self.bits += n;
    }
    fn push_u64(&mut self, v: u64, n: usize) {
        // n <= 64, big-endian
        let bytes = v.to_be_bytes();
        let total = 64;
        self.push_bits(&bytes, total - n, n);
    }
}

fn put_integer(w: &mut BitWriter, val: Term, n: usize, flags: u32) -> bool {
    let little = flags & bsflags::LITTLE != 0;
    if let Some(v) = val.as_small() {
        if n <= 64 {
            if !little {
                w.push_u64(v as u64, n);
                return true;
            }
            if n % 8 == 0 {
                let le = (v as u64).to_le_bytes();
                w.push_bits(&le, 0, n);
                return true;
            }
        }
    }
    let Some(b) = terms::to_bigint(val) else { return false };
    // Two's complement bytes, little-endian, padded to n bits.
    let nbytes = n.div_ceil(8);
    let mut le = b.to_signed_bytes_le();
    let pad = if b.sign() == Sign::Minus { 0xff } else { 0 };
    le.resize(nbytes.max(le.len()), pad);
    le.truncate(nbytes);
    if little {
        if n % 8 == 0 {
            w.push_bits(&le, 0, n);
        } else {
            // Whole bytes little-endian, then the remaining high bits.
            let rem = n % 8;
            let whole = n / 8;
            w.push_bits(&le[..whole], 0, whole * 8);
            let last = [le[whole] << (8 - rem)];
            w.push_bits(&last, 0, rem);
        }
    } else {
        let mut be = le;
        be.reverse();
        let lead = nbytes * 8 - n;
        w.push_bits(&be, lead, n);
    }
    true
}

fn put_float(w: &mut BitWriter, val: Term, n: usize, flags: u32) -> bool {
    let Some(f) = crate::bif::arith::to_f64(val) else { return false };
    let little = flags & bsflags::LITTLE != 0;
    let raw: u64 = match n {
        64 => f.to_bits(),
        // Too large for the size is an infinity, not an error (as ERTS: its check is a no-op).
        32 => (f as f32).to_bits() as u64,
        16 => f64_to_f16(f) as u64,
        _ => return false,
    };
    let raw = if little {
        match n {
            16 => (raw as u16).swap_bytes() as u64,
            32 => (raw as u32).swap_bytes() as u64,
            _ => raw.swap_bytes(),
        }
    } else {
        raw
    };
    w.push_u64(raw, n);
    true
}

fn utf8_bytes(c: u32) -> Option<Vec<u8>> {
    let ch = char::from_u32(c)?;
    let mut buf = [0u8; 4];
    Some(ch.encode_utf8(&mut buf).as_bytes().to_vec())
}

fn utf16_units(c: u32, little: bool) -> Option<Vec<u8>> {
    let ch = char::from_u32(c)?;
    let mut buf = [0u16; 2];
    let units = ch.encode_utf16(&mut buf);
    let mut out = Vec::new();
    for u in units.iter() {
        let b = if little { u.to_le_bytes() } else { u.to_be_bytes() };
        out.extend_from_slice(&b);
    }
    Some(out)
}

fn codepoint(t: Term) -> Option<u32> {
    let c = t.as_small()?;
    if (0..=0x10ffff).contains(&c) && !(0xd800..=0xdfff).contains(&c) {
        Some(c as u32)
    } else {
        None
    }
}

/// Writes one segment; false on a bad value or size.
fn put_segment(p: &Process, x: &[Term], w: &mut BitWriter, seg: &Segment) -> bool {
    let val = read(p, x, seg.src);
    let size = read(p, x, seg.size);
    match seg.ty {
        SegType::Integer => {
            let Some(Some(n)) = seg_size(p, x, seg.size, seg.unit) else { return false };
            // Past this, `construction_error` reports system_limit (as ERTS, whose sizes
            // overflow there); never try to allocate it.
            if n >= MAX_SEGMENT_BITS || !val.is_integer() {
                return false;
            }
            put_integer(w, val, n, seg.flags)
        }
        SegType::Float => {
            let Some(Some(n)) = seg_size(p, x, seg.size, seg.unit) else { return false };
            put_float(w, val, n, seg.flags)
        }
        SegType::Binary | SegType::Append | SegType::PrivateAppend | SegType::String => {
            let Some(v) = bit_view(val) else { return false };
            let n = match seg_size(p, x, seg.size, seg.unit) {
                Some(None) => v.bit_size,
                Some(Some(n)) if n <= v.bit_size => n,
                _ => return false,
            };
            // `all` of a binary (or the bitstring appended to) must be a whole number of units.
            let whole = matches!(seg.ty, SegType::Binary | SegType::Append | SegType::PrivateAppend);
            if whole && size == am::ALL && seg.unit > 1 && v.bit_size % seg.unit as usize != 0 {
                return false;
            }
            w.push_bits(v.bytes, v.bit_offset, n);
            true
        }
        SegType::Utf8 => match codepoint(val).and_then(utf8_bytes) {
            Some(b) => {
                w.push_bits(&b, 0, b.len() * 8);
                true
            }
            None => false,
        },
        SegType::Utf16 => match codepoint(val).and_then(|c| utf16_units(c, seg.flags & bsflags::LITTLE != 0)) {
            Some(b) => {
                w.push_bits(&b, 0, b.len() * 8);
                true
            }
            None => false,
        },
        SegType::Utf32 => match codepoint(val) {
            Some(c) => {
                let b = if seg.flags & bsflags::LITTLE != 0 { c.to_le_bytes() } else { c.to_be_bytes() };
                w.push_bits(&b, 0, 32);
                true
            }
            None => false,
        },
    }
}

/// Why a construction failed, as ERTS reports it: `{Segment, Op, Info, Value}` in the frame's
/// error_info (`#{cause => ..., function => format_bs_fail, module => erl_erts_errors}`).
/// ERTS first computes every segment's size (so size errors come first), then writes the
/// values in order.
fn construction_error(p: &mut Process, x: &[Term], segs: &[Segment]) -> Next {
    let op = |s: &Segment| match s.ty {
        SegType::Integer => "integer",
        SegType::Float => "float",
        SegType::Utf8 => "utf8",
        SegType::Utf16 => "utf16",
        SegType::Utf32 => "utf32",
        _ => "binary",
    };
    let is_nonneg_int = |t: Term| t.is_integer() && crate::compare::cmp(t, Term::small(0)) != core::cmp::Ordering::Less;
    let mut found: Option<(&Segment, &str, Term, bool)> = None;
    // Sizes.
    for s in segs {
        let (val, size) = (read(p, x, s.src), read(p, x, s.size));
        match s.ty {
            SegType::Append | SegType::PrivateAppend | SegType::String => {}
            SegType::Utf8 | SegType::Utf16 | SegType::Utf32 => {
                if codepoint(val).is_none() {
                    found = Some((s, "type", val, false));
                }
            }
            SegType::Binary if size == am::ALL => {
                if !val.is_bitstring() {
                    found = Some((s, "type", val, false));
                }
            }
            _ => match size.as_small() {
                Some(n) if n >= 0 && (n as u64).checked_mul(s.unit as u64).is_some_and(|b| b < MAX_SEGMENT_BITS as u64) => {}
                Some(n) if n >= 0 => found = Some((s, "size", size, true)),
                _ => found = Some((s, "size", size, is_nonneg_int(size))),
            },
        }
        if found.is_some() {
            break;
        }
    }
    // Values.
    if found.is_none() {
        for s in segs {
            let (val, size) = (read(p, x, s.src), read(p, x, s.size));
            let bad = match s.ty {
                SegType::Integer => (!val.is_integer()).then_some(("type", val)),
                SegType::Float => {
                    if !val.is_number() {
                        Some(("type", val))
                    } else if crate::bif::arith::to_f64(val).is_none() {
                        Some(("no_float", val))
                    } else if !matches!(size.as_small().map(|n| n * s.unit as i64), Some(16 | 32 | 64)) {
                        Some(("invalid", size))
                    } else {
                        None
                    }
                }
                SegType::Binary | SegType::Append | SegType::PrivateAppend => match bit_view(val) {
                    None => Some(("type", val)),
                    Some(v) => match size_bits(size, s.unit) {
                        Some(Some(n)) if n > v.bit_size => Some(("short", val)),
                        Some(None) if s.unit > 1 && v.bit_size % s.unit as usize != 0 => Some(("unit", val)),
                        _ => None,
                    },
                },
                _ => None,
            };
            if let Some((info, v)) = bad {
                found = Some((s, info, v, false));
                break;
            }
        }
    }
    let Some((s, info, value, system_limit)) = found else { return Next::Error(am::BADARG) };
    let h = &mut p.heap;
    let cause = terms::tuple(h, &[Term::small(s.num as i64), crate::atom::atom(op(s)), crate::atom::atom(info), value]);
    let map = crate::map::from_pairs(
        h,
        &[
            (crate::atom::atom("cause"), cause),
            (crate::atom::atom("function"), crate::atom::atom("format_bs_fail")),
            (am::MODULE, crate::atom::atom("erl_erts_errors")),
        ],
    );
    let reason = if system_limit { am::SYSTEM_LIMIT } else { am::BADARG };
    Next::Raise(Raised::here_with_args(reason, Term::NON_VALUE, map))
}

/// `<<Bin/binary, Rest...>>` where `Bin` is a byte-aligned view that ends where its off-heap
/// buffer ends: the rest is written into the buffer's spare room and the result is a new view
/// of the same buffer (see `BinData::try_append`). `None` means build a copy as usual (also
/// for every error, which the copying path reports).
fn append_in_place(p: &mut Process, x: &[Term], segs: &[Segment]) -> Option<Term> {
    let first = segs.first()?;
    if !matches!(first.ty, SegType::Append | SegType::PrivateAppend) {
        return None;
    }
    let val = read(p, x, first.src);
    // The refc object, and the view's bit offset and size relative to it.
    let (obj, bit_off, bit_size) = match val.box_tag()? {
        // SAFETY: word 1 of a refc binary object is its byte size.
        header_tag::REFC_BIN => (val, 0, unsafe { *val.ptr().add(1) } as usize * 8),
        header_tag::SUB_BIN => {
            // SAFETY: a sub-binary is [header, orig, bit offset, bit size].
            let (orig, off, size) = unsafe { (Term(*val.ptr().add(1)), *val.ptr().add(2), *val.ptr().add(3)) };
            (orig, off as usize, size as usize)
        }
        _ => return None,
    };
    if obj.box_tag() != Some(header_tag::REFC_BIN) || bit_off % 8 != 0 || bit_size % 8 != 0 {
        return None;
    }
    if first.unit > 1 && bit_size % first.unit as usize != 0 {
        return None;
    }
    // SAFETY: obj is a live refc binary object: [header, byte size, BinData, byte offset].
    let (data, obj_off) = unsafe { (beamos_gc::bin::refc_bin_data(obj.ptr()), *obj.ptr().add(3) as usize) };
    let start = obj_off + bit_off / 8;
    let at = start + bit_size / 8;
    // SAFETY: the BinData outlives the object referring to it.
    let d = unsafe { &*data };
    if at != d.len() {
        return None;
    }
    let mut w = BitWriter::new();
    for seg in &segs[1..] {
        if !put_segment(p, x, &mut w, seg) {
            return None;
        }
    }
    if w.bits % 8 != 0 || !d.try_append(at, w.bytes()) {
        return None;
    }
    let size = bit_size / 8 + w.bytes().len();
    let o = p.heap.alloc(beamos_gc::bin::REFC_BIN_WORDS);
    // SAFETY: fresh words; the new object owns the reference taken here.
    unsafe {
        beamos_gc::bin::BinData::inc_ref(data);
        beamos_gc::bin::write_refc_bin(o, data, start, size);
    }
    p.heap.note_off_heap(o);
    Some(Term::boxed_ptr(o))
}

fn finish(p: &mut Process, w: BitWriter) -> Term {
    terms::bitstring(&mut p.heap, w.bytes(), w.bits)
}

/// Executes a bit-syntax instruction.
pub fn exec(_vm: &Vm, p: &mut Process, x: &mut [Term], instr: &Instr) -> Next {
    match instr {
        Instr::BsCreateBin { fail, alloc: _, live, unit: _, dst, segs } => {
            gc_test(p, x, 0, *live as usize);
            if let Some(t) = append_in_place(p, x, segs) {
                write(p, x, *dst, t);
                return Next::Continue;
            }
            let mut w = BitWriter::new();
            for seg in segs.iter() {
                if !put_segment(p, x, &mut w, seg) {
                    if *fail != 0 {
                        return Next::Fail(*fail);
                    }
                    return construction_error(p, x, segs);
                }
            }
            let appending = matches!(segs.first().map(|s| s.ty), Some(SegType::Append | SegType::PrivateAppend));
            let t = if appending && w.bits % 8 == 0 && w.bytes().len() > beamos_gc::bin::HEAP_BIN_LIMIT {
                // The start of an accumulated binary: give it room so the next appends are in place.
                let mut v = w.into_vec();
                v.reserve(v.len().max(256));
                terms::refc_binary(&mut p.heap, v)
            } else {
                finish(p, w)
            };
            write(p, x, *dst, t);
            Next::Continue
        }
        Instr::BsStartMatch { fail, live: _, src, dst } => {
            let t = read(p, x, *src);
            if is_ctx(t) {
                write(p, x, *dst, t);
                return Next::Continue;
            }
            if !t.is_bitstring() {
                return if *fail != 0 { Next::Fail(*fail) } else { Next::Error(badmatch(p, t)) };
            }
            let c = new_ctx(p, t, 2);
            write(p, x, *dst, c);
            Next::Continue
        }
        Instr::BsGetPosition { ctx, dst, live: _ } => {
            let c = read(p, x, *ctx);
            write(p, x, *dst, Term::small(ctx_word(c, CTX_POS) as i64));
            Next::Continue
        }
        Instr::BsSetPosition { ctx, pos } => {
            let c = read(p, x, *ctx);
            let v = read(p, x, *pos).as_small().unwrap_or(0);
            set_ctx_word(c, CTX_POS, v as u64);
            Next::Continue
        }
        Instr::BsGetTail { ctx, dst, live: _ } => {
            let c = read(p, x, *ctx);
            let t = tail_of(p, c);
            write(p, x, *dst, t);
            Next::Continue
        }
        Instr::BsContextToBinary { .. } => Next::Continue,
        Instr::BsSave { ctx, slot } => {
            let c = read(p, x, *ctx);
            if (*slot as usize) < ctx_slots(c) {
                set_ctx_word(c, CTX_SAVE + *slot as usize, ctx_word(c, CTX_POS));
            }
            Next::Continue
        }
        Instr::BsRestore { ctx, slot } => {
            let c = read(p, x, *ctx);
            if (*slot as usize) < ctx_slots(c) {
                set_ctx_word(c, CTX_POS, ctx_word(c, CTX_SAVE + *slot as usize));
            }
            Next::Continue
        }
        Instr::BsGetInteger { fail, ctx, live: _, size, unit, flags, dst } => {
            let c = read(p, x, *ctx);
            let (v, pos) = ctx_view(c);
            let Some(Some(n)) = seg_size(p, x, *size, *unit) else { return Next::Fail(*fail) };
            if v.bit_size - pos < n {
                return Next::Fail(*fail);
            }
            let t = get_integer(p, &v, pos, n, *flags);
            set_ctx_word(c, CTX_POS, (pos + n) as u64);
            write(p, x, *dst, t);
            Next::Continue
        }
        Instr::BsGetFloat { fail, ctx, live: _, size, unit, flags, dst } => {
            let c = read(p, x, *ctx);
            let (v, pos) = ctx_view(c);
            let Some(Some(n)) = seg_size(p, x, *size, *unit) else { return Next::Fail(*fail) };
            if v.bit_size - pos < n {
                return Next::Fail(*fail);
            }
            match get_float(p, &v, pos, n, *flags) {
                Some(t) => {
                    set_ctx_word(c, CTX_POS, (pos + n) as u64);
                    write(p, x, *dst, t);
                    Next::Continue
                }
                None => Next::Fail(*fail),
            }
        }
        Instr::BsGetBinary { fail, ctx, live: _, size, unit, flags: _, dst } => {
            let c = read(p, x, *ctx);
            let (v, pos) = ctx_view(c);
            let rest = v.bit_size - pos;
            let n = match seg_size(p, x, *size, *unit) {
                Some(None) => {
                    if *unit > 1 && rest % *unit as usize != 0 {
                        return Next::Fail(*fail);
                    }
                    rest
                }
                Some(Some(n)) if n <= rest => n,
                _ => return Next::Fail(*fail),
            };
            let bin = Term(ctx_word(c, CTX_BIN));
            let t = terms::sub_binary(&mut p.heap, bin, pos, n);
            set_ctx_word(c, CTX_POS, (pos + n) as u64);
            write(p, x, *dst, t);
            Next::Continue
        }
        Instr::BsSkipBits { fail, ctx, size, unit, flags: _ } => {
            let c = read(p, x, *ctx);
            let (v, pos) = ctx_view(c);
            let rest = v.bit_size - pos;
            match seg_size(p, x, *size, *unit) {
                Some(None) => {
                    set_ctx_word(c, CTX_POS, v.bit_size as u64);
                    Next::Continue
                }
                Some(Some(n)) if n <= rest => {
                    set_ctx_word(c, CTX_POS, (pos + n) as u64);
                    Next::Continue
                }
                _ => Next::Fail(*fail),
            }
        }
        Instr::BsTestTail { fail, ctx, bits } => {
            let c = read(p, x, *ctx);
            let (v, pos) = ctx_view(c);
            if (v.bit_size - pos) as u64 == *bits {
                Next::Continue
            } else {
                Next::Fail(*fail)
            }
        }
        Instr::BsTestUnit { fail, ctx, unit } => {
            let c = read(p, x, *ctx);
            let (v, pos) = ctx_view(c);
            if (v.bit_size - pos) % (*unit as usize).max(1) == 0 {
                Next::Continue
            } else {
                Next::Fail(*fail)
            }
        }
        Instr::BsMatchString { fail, ctx, bits, bytes } => {
            let c = read(p, x, *ctx);
            let (v, pos) = ctx_view(c);
            let n = *bits as usize;
            if v.bit_size - pos < n {
                return Next::Fail(*fail);
            }
            let want = BitView { bytes, bit_offset: 0, bit_size: n };
            for i in 0..n {
                if v.bit(pos + i) != want.bit(i) {
                    return Next::Fail(*fail);
                }
            }
            set_ctx_word(c, CTX_POS, (pos + n) as u64);
            Next::Continue
        }
        Instr::BsGetUtf8 { fail, ctx, dst } => utf_get(p, x, *fail, *ctx, Some(*dst), |v, pos| get_utf8(v, pos)),
        Instr::BsSkipUtf8 { fail, ctx } => utf_get(p, x, *fail, *ctx, None, |v, pos| get_utf8(v, pos)),
        Instr::BsGetUtf16 { fail, ctx, flags, dst } => {
            let f = *flags;
            utf_get(p, x, *fail, *ctx, Some(*dst), move |v, pos| get_utf16(v, pos, f))
        }
        Instr::BsSkipUtf16 { fail, ctx, flags } => {
            let f = *flags;
            utf_get(p, x, *fail, *ctx, None, move |v, pos| get_utf16(v, pos, f))
        }
        Instr::BsGetUtf32 { fail, ctx, flags, dst } => {
            let f = *flags;
            utf_get(p, x, *fail, *ctx, Some(*dst), move |v, pos| get_utf32(v, pos, f))
        }
        Instr::BsSkipUtf32 { fail, ctx, flags } => {
            let f = *flags;
            utf_get(p, x, *fail, *ctx, None, move |v, pos| get_utf32(v, pos, f))
        }
        Instr::BsMatch { fail, ctx, cmds } => bs_match(p, x, *fail, *ctx, cmds),
        Instr::BsInit { fail, size, live, dst, bits } => {
            gc_test(p, x, 0, *live as usize);
            let n = read(p, x, *size).as_small();
            let Some(n) = n.filter(|&n| n >= 0) else { return fail_or(*fail, am::BADARG) };
            let nbits = if *bits { n as usize } else { n as usize * 8 };
            if nbits >= MAX_SEGMENT_BITS {
                return fail_or(*fail, am::SYSTEM_LIMIT);
            }
            p.bs_building = Some(BitWriter::with_capacity(nbits).into_parts());
            p.bs_target = *dst;
            Next::Continue
        }
        Instr::BsPut { fail, seg } => {
            let (bytes, nbits) = p.bs_building.take().unwrap_or_default();
            let mut w = BitWriter::from_parts(bytes, nbits);
            let ok = put_segment(p, x, &mut w, seg);
            if !ok {
                return fail_or(*fail, am::BADARG);
            }
            // Complete when the expected size is reached: we finish lazily at every put.
            let t = terms::bitstring(&mut p.heap, w.bytes(), w.bits);
            let d = p.bs_target;
            write(p, x, d, t);
            let bits = w.bits;
            p.bs_building = Some((w.into_vec(), bits));
            Next::Continue
        }
        Instr::BsAdd { fail, a, b, unit, dst } => {
            let (va, vb) = (read(p, x, *a).as_small(), read(p, x, *b).as_small());
            match (va, vb) {
                (Some(a), Some(b)) if a >= 0 && b >= 0 => {
                    write(p, x, *dst, Term::small(a + b * *unit as i64));
                    Next::Continue
                }
                _ => fail_or(*fail, am::BADARG),
            }
        }
        Instr::BsAppend { fail, size, unit, bin, dst, .. } | Instr::BsPrivateAppend { fail, size, unit, bin, dst } => {
            let b = read(p, x, *bin);
            let Some(v) = bit_view(b) else { return fail_or(*fail, am::BADARG) };
            // `unit` is the unit of the binary appended to; the size to add is in bits.
            if *unit > 1 && v.bit_size % *unit as usize != 0 {
                return fail_or(*fail, am::BADARG);
            }
            let Some(Some(extra)) = seg_size(p, x, *size, 1) else { return fail_or(*fail, am::BADARG) };
            let mut w = BitWriter::with_capacity(v.bit_size + extra);
            w.push_bits(v.bytes, v.bit_offset, v.bit_size);
            let bits = w.bits;
            p.bs_building = Some((w.into_vec(), bits));
            p.bs_target = *dst;
            let t = terms::bitstring(&mut p.heap, &p.bs_building.as_ref().expect("set").0.clone(), v.bit_size);
            write(p, x, *dst, t);
            Next::Continue
        }
        Instr::BsUtfSize { fail, src, dst, utf16 } => {
            let Some(c) = codepoint(read(p, x, *src)) else { return fail_or(*fail, am::BADARG) };
            let n = if *utf16 {
                if c >= 0x10000 {
                    4
                } else {
                    2
                }
            } else {
                char::from_u32(c).map(|ch| ch.len_utf8()).unwrap_or(4)
            };
            write(p, x, *dst, Term::small(n as i64));
            Next::Continue
        }
        _ => Next::Error(am::BADARG),
    }
}

impl BitWriter {
    fn into_parts(self) -> (Vec<u8>, usize) {
        let bits = self.bits;
        (self.into_vec(), bits)
    }
}

fn fail_or(fail: usize, reason: Term) -> Next {
    if fail != 0 {
        Next::Fail(fail)
    } else {
        Next::Error(reason)
    }
}

fn badmatch(p: &mut Process, t: Term) -> Term {
    terms::tuple(&mut p.heap, &[am::BADMATCH, t])
}

fn tail_of(p: &mut Process, c: Term) -> Term {
    let (v, pos) = ctx_view(c);
    let bin = Term(ctx_word(c, CTX_BIN));
    if pos == 0 {
        return bin;
    }
    terms::sub_binary(&mut p.heap, bin, pos, v.bit_size - pos)
}

fn utf_get(
    p: &mut Process,
    x: &mut [Term],
    fail: usize,
    ctx: Src,
    dst: Option<Dst>,
    f: impl Fn(&BitView, usize) -> Option<(u32, usize)>,
) -> Next {
    let c = read(p, x, ctx);
    let (v, pos) = ctx_view(c);
    if pos > v.bit_size {
        return Next::Fail(fail);
    }
    match f(&v, pos) {
        Some((cp, n)) => {
            set_ctx_word(c, CTX_POS, (pos + n) as u64);
            if let Some(d) = dst {
                write(p, x, d, Term::small(cp as i64));
            }
            Next::Continue
        }
        None => Next::Fail(fail),
    }
}

fn bs_match(p: &mut Process, x: &mut [Term], fail: usize, ctx: Src, cmds: &[MatchCmd]) -> Next {
    let c = read(p, x, ctx);
    for cmd in cmds {
        let (v, pos) = ctx_view(c);
        let rest = v.bit_size - pos;
        match *cmd {
            MatchCmd::EnsureAtLeast { bits, unit } => {
                if rest < bits as usize || (unit > 1 && (rest - bits as usize) % unit as usize != 0) {
                    return Next::Fail(fail);
                }
            }
            MatchCmd::EnsureExactly { bits } => {
                if rest != bits as usize {
                    return Next::Fail(fail);
                }
            }
            MatchCmd::Integer { live: _, flags, size, unit, dst } => {
                let n = (size * unit) as usize;
                if rest < n {
                    return Next::Fail(fail);
                }
                let t = get_integer(p, &v, pos, n, flags);
                set_ctx_word(c, CTX_POS, (pos + n) as u64);
                write(p, x, dst, t);
            }
            MatchCmd::Binary { live: _, flags: _, size, unit, dst } => {
                let n = (size * unit) as usize;
                if rest < n {
                    return Next::Fail(fail);
                }
                let bin = Term(ctx_word(c, CTX_BIN));
                let t = terms::sub_binary(&mut p.heap, bin, pos, n);
                set_ctx_word(c, CTX_POS, (pos + n) as u64);
                write(p, x, dst, t);
            }
            MatchCmd::Skip { bits } => {
                if rest < bits as usize {
                    return Next::Fail(fail);
                }
                set_ctx_word(c, CTX_POS, (pos + bits as usize) as u64);
            }
            MatchCmd::GetTail { live: _, unit: _, dst } => {
                let t = tail_of(p, c);
                set_ctx_word(c, CTX_POS, v.bit_size as u64);
                write(p, x, dst, t);
            }
            MatchCmd::EqualInt { size, value } => {
                let n = size as usize;
                if rest < n || read_u64(&v, pos, n) != value {
                    return Next::Fail(fail);
                }
                set_ctx_word(c, CTX_POS, (pos + n) as u64);
            }
        }
    }
    Next::Continue
}
