//! The `string` module's BIFs (`string:list_to_integer/1`, `string:list_to_float/1`, which
//! `string:to_integer/1` and `string:to_float/1` call), and the list scanning they share with
//! `erlang:list_to_integer/1,2`.
//!
//! ERTS reads a character list one small integer at a time and keeps only its low 8 bits
//! (`list_to_integer([305])` is 1 in OTP 25); any other element ends the text.

use alloc::vec::Vec;
use beamos_gc::Term;

use super::numfmt;
use super::{bif, BifEntry, BifResult, Ctx};
use crate::atom::{self, am};
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("string", "list_to_integer", 1, list_to_integer_1),
    bif("string", "list_to_float", 1, list_to_float_1),
];

/// The longest prefix of list `t` whose elements are small integers, as bytes (low 8 bits),
/// with the list cell (or tail) after each byte: `tails[i]` is what follows `bytes[..=i]`.
fn scan_prefix(mut t: Term) -> (Vec<u8>, Vec<Term>) {
    let (mut bytes, mut tails) = (Vec::new(), Vec::new());
    while let Some((h, tl)) = terms::cons_parts(t) {
        let Some(c) = h.as_small() else { break };
        bytes.push(c as u8);
        tails.push(tl);
        t = tl;
    }
    (bytes, tails)
}

/// All of list `t` as bytes (low 8 bits of each small integer), `None` if an element is not a
/// small integer or the list is improper: what `erlang:list_to_integer/1,2` accepts.
pub fn low_byte_list(t: Term) -> Option<Vec<u8>> {
    let (bytes, tails) = scan_prefix(t);
    let end = tails.last().copied().unwrap_or(t);
    end.is_nil().then_some(bytes)
}

fn error(ctx: &mut Ctx, why: Term) -> BifResult {
    Ok(terms::tuple(ctx.heap(), &[am::ERROR, why]))
}

fn digits(s: &[u8], from: usize) -> usize {
    s[from..].iter().take_while(|c| c.is_ascii_digit()).count()
}

fn sign(s: &[u8]) -> usize {
    usize::from(matches!(s.first(), Some(b'+' | b'-')))
}

fn list_to_integer_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_list_or_nil() {
        return error(ctx, atom::atom("not_a_list"));
    }
    let (s, tails) = scan_prefix(a[0]);
    let n = sign(&s);
    let d = digits(&s, n);
    if d == 0 {
        return error(ctx, atom::atom("no_integer"));
    }
    let Some(v) = numfmt::parse_integer(&s[..n + d], 10) else { return error(ctx, atom::atom("no_integer")) };
    let i = terms::int_term(ctx.heap(), &v);
    Ok(terms::tuple(ctx.heap(), &[i, tails[n + d - 1]]))
}

fn list_to_float_1(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if !a[0].is_list_or_nil() {
        return error(ctx, atom::atom("not_a_list"));
    }
    let (s, tails) = scan_prefix(a[0]);
    // [+-]D+[.,]D+([eE][+-]?D+)?, the exponent only when complete.
    let mut end = sign(&s);
    let ip = digits(&s, end);
    end += ip;
    let point = matches!(s.get(end), Some(b'.' | b','));
    let fp = if point { digits(&s, end + 1) } else { 0 };
    if ip == 0 || fp == 0 {
        return error(ctx, atom::atom("no_float"));
    }
    end += 1 + fp;
    if matches!(s.get(end), Some(b'e' | b'E')) {
        let es = end + 1 + sign(&s[end + 1..]);
        let ed = digits(&s, es);
        if ed > 0 {
            end = es + ed;
        }
    }
    let Some(f) = numfmt::parse_float(&s[..end]) else { return error(ctx, atom::atom("no_float")) };
    let ft = terms::float(ctx.heap(), f);
    Ok(terms::tuple(ctx.heap(), &[ft, tails[end - 1]]))
}
