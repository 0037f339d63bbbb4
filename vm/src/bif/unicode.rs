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
//! binary put in front of it. ERTS stops and resumes long conversions between time slices;
//! results are the same in one go (the split points only matter for inputs so long that an
//! error lies past a yield, where ERTS's rest is shaped by the yield; we ignore that).

use alloc::vec::Vec;
use beamos_gc::Term;

use super::{badarg_r, bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::{self, am};
use crate::terms::{self, bit_view, BitView};

pub const BIFS: &[BifEntry] = &[
    bif("unicode", "characters_to_binary", 2, characters_to_binary_2),
    bif("unicode", "characters_to_list", 2, characters_to_list_2),
    bif("unicode", "bin_is_7bit", 1, bin_is_7bit_1),
];

/// Bytes per reduction charged for a conversion.
const BYTES_PER_REDUCTION: usize = 16;

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

enum Need {
    /// Well-formed (or a bignum ended the walk early, as in ERTS).
    Ok,
    /// Not chardata: badarg.
    Bad,
}

/// ERTS's `utf8_need`, for its verdict only: walks in order; an element that is not an
/// integer, binary or list (or a bitstring) is badarg, unless a bignum came first, which
/// ends the walk and leaves the error to the conversion (`{error, ...}` rather than badarg).
fn check_chardata(t: Term) -> Need {
    if t.is_nil() {
        return Need::Ok;
    }
    if let Some(v) = bit_view(t) {
        return if v.bit_size.is_multiple_of(8) { Need::Ok } else { Need::Bad };
    }
    if !t.is_list() {
        return Need::Bad;
    }
    let mut stack = alloc::vec![t];
    while let Some(mut l) = stack.pop() {
        while let Some((h, tl)) = terms::cons_parts(l) {
            if h.is_small() || h.is_nil() {
                // fine
            } else if h.is_list() {
                stack.push(tl);
                stack.push(h);
                break;
            } else if let Some(v) = bit_view(h) {
                if !v.bit_size.is_multiple_of(8) {
                    return Need::Bad;
                }
            } else if h.is_bignum() {
                return Need::Ok;
            } else {
                return Need::Bad;
            }
            l = tl;
        }
        if !l.is_list() && !l.is_nil() {
            match bit_view(l) {
                Some(v) if v.bit_size.is_multiple_of(8) => {}
                _ => return Need::Bad,
            }
        }
    }
    Need::Ok
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

impl Builder {
    /// ERTS's `copy_utf8_bin` with a leftover buffer: copies valid UTF-8 from `src`; the
    /// offset of the first bad byte on error (0 when completing the carried character fails).
    fn copy_utf8(&mut self, src: &[u8]) -> Result<(), usize> {
        let mut src_at = 0;
        if self.n_leftover > 0 {
            let need = utf8_len(self.leftover[0]).expect("leftovers start with a lead byte");
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

    /// Converts one binary: `Err(rest)` with the unconverted part on error.
    fn binary(&mut self, ctx: &mut Ctx, bin: Term, v: &BitView) -> Result<(), Term> {
        let Some(bytes) = view_bytes(v) else { return Err(bin) };
        if self.latin1 {
            for &b in &bytes {
                push_utf8(&mut self.out, b as u32);
            }
            return Ok(());
        }
        match self.copy_utf8(&bytes) {
            Ok(()) => Ok(()),
            Err(at) => Err(terms::sub_binary(ctx.heap(), bin, at * 8, (bytes.len() - at) * 8)),
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

    /// ERTS's `do_build_utf8` without time limits: `Err(rest)` on the first element that
    /// cannot be converted, `rest` rebuilt from the list levels still open around it.
    fn build(&mut self, ctx: &mut Ctx, t: Term) -> Result<(), Term> {
        if t.is_nil() {
            return Ok(());
        }
        if let Some(v) = bit_view(t) {
            return self.binary(ctx, t, &v);
        }
        if !t.is_list() {
            return Err(t);
        }
        // Each entry: the rest of an enclosing list level, to resume after the inner one.
        let mut stack: Vec<Term> = alloc::vec![t];
        let failed: Term = 'walk: loop {
            let Some(mut l) = stack.pop() else { return Ok(()) };
            while let Some((h, tl)) = terms::cons_parts(l) {
                if h.is_small() {
                    if !self.char(h) {
                        break 'walk l;
                    }
                } else if h.is_nil() {
                } else if h.is_list() {
                    stack.push(tl);
                    stack.push(h);
                    continue 'walk;
                } else if let Some(v) = bit_view(h) {
                    if let Err(rest) = self.binary(ctx, h, &v) {
                        break 'walk terms::cons(ctx.heap(), rest, tl);
                    }
                } else {
                    break 'walk l;
                }
                l = tl;
            }
            if !l.is_nil() {
                match bit_view(l) {
                    Some(v) => {
                        if let Err(rest) = self.binary(ctx, l, &v) {
                            break 'walk rest;
                        }
                    }
                    None => break 'walk l,
                }
            }
        };
        let mut rest = failed;
        while let Some(outer) = stack.pop() {
            rest = terms::cons(ctx.heap(), rest, outer);
        }
        Err(rest)
    }

    /// The final tag and rest (ERTS's `build_utf8_return` / `build_list_return`): `None` on
    /// success, else `(error | incomplete, Rest)`.
    fn finish(&self, ctx: &mut Ctx, built: Result<(), Term>) -> Option<(Term, Term)> {
        match built {
            Err(rest) => {
                let rest = if self.n_leftover > 0 {
                    let lb = terms::binary(ctx.heap(), &self.leftover[..self.n_leftover]);
                    terms::list(ctx.heap(), &[lb, rest])
                } else {
                    rest
                };
                Some((am::ERROR, rest))
            }
            Ok(()) if self.n_leftover > 0 => {
                let left = &self.leftover[..self.n_leftover];
                let tag = if could_continue(left) { am::INCOMPLETE } else { am::ERROR };
                Some((tag, terms::binary(ctx.heap(), left)))
            }
            Ok(()) => None,
        }
    }
}

/// Converts chardata into UTF-8: the bytes and, unless all went well, the tag and rest.
fn convert(ctx: &mut Ctx, data: Term, latin1: bool) -> (Vec<u8>, Option<(Term, Term)>) {
    let mut b = Builder { latin1, out: Vec::new(), leftover: [0; 4], n_leftover: 0 };
    let built = b.build(ctx, data);
    let end = b.finish(ctx, built);
    ctx.proc.reductions += (b.out.len() / BYTES_PER_REDUCTION) as u64;
    (b.out, end)
}

fn trap(module_fun: &str, a: &[Term]) -> BifResult {
    Err(Exc::CallMfa { module: am::UNICODE, function: atom::atom(module_fun), args: a.to_vec() })
}

fn characters_to_binary_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(latin1) = native_encoding(a[1]) else { return trap("characters_to_binary_int", a) };
    // A list of one binary is taken as that binary.
    let subject = match terms::cons_parts(a[0]) {
        Some((h, t)) if t.is_nil() && bit_view(h).is_some() => h,
        _ => a[0],
    };
    if let Need::Bad = check_chardata(subject) {
        return badarg_r();
    }
    if let Some(v) = bit_view(subject) {
        // Already valid UTF-8 (or 7-bit ASCII for latin1): the binary itself.
        if let Some(bytes) = view_bytes(&v) {
            let same = if latin1 { bytes.is_ascii() } else { analyze_utf8(&bytes).1 == Utf8State::Ok };
            if same {
                return Ok(subject);
            }
        }
    }
    let (bytes, end) = convert(ctx, subject, latin1);
    let bin = terms::binary(ctx.heap(), &bytes);
    Ok(match end {
        None => bin,
        Some((tag, rest)) => terms::tuple(ctx.heap(), &[tag, bin, rest]),
    })
}

fn characters_to_list_2(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    let Some(latin1) = native_encoding(a[1]) else { return trap("characters_to_list_int", a) };
    if let (Some(v), false) = (bit_view(a[0]), latin1) {
        return utf8_binary_to_list(ctx, a[0], &v);
    }
    if let Need::Bad = check_chardata(a[0]) {
        return badarg_r();
    }
    let (bytes, end) = convert(ctx, a[0], latin1);
    let chars = decode_utf8(&bytes);
    let list = terms::list(ctx.heap(), &chars);
    Ok(match end {
        None => list,
        Some((tag, rest)) => terms::tuple(ctx.heap(), &[tag, list, rest]),
    })
}

/// ERTS's `utf8_to_list`: a UTF-8 binary decoded directly; the rest is a part of it.
fn utf8_binary_to_list(ctx: &mut Ctx, bin: Term, v: &BitView) -> BifResult {
    let Some(bytes) = view_bytes(v) else { return badarg_r() };
    let (valid, mut state) = analyze_utf8(&bytes);
    let chars = decode_utf8(&bytes[..valid]);
    ctx.proc.reductions += (bytes.len() / BYTES_PER_REDUCTION) as u64;
    let list = terms::list(ctx.heap(), &chars);
    if state == Utf8State::Ok {
        return Ok(list);
    }
    let rest = terms::sub_binary(ctx.heap(), bin, valid * 8, (bytes.len() - valid) * 8);
    if state == Utf8State::Incomplete && !could_continue(&bytes[valid..]) {
        state = Utf8State::Error;
    }
    let tag = if state == Utf8State::Incomplete { am::INCOMPLETE } else { am::ERROR };
    Ok(terms::tuple(ctx.heap(), &[tag, list, rest]))
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
