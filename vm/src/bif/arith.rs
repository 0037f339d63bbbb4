//! Arithmetic BIFs: integers (small fast paths, bignums through num-bigint) and floats.

use beamos_gc::Term;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::am;
use crate::terms::{self, float_value, to_bigint};

pub const BIFS: &[BifEntry] = &[
    bif("erlang", "+", 2, add),
    bif("erlang", "-", 2, sub),
    bif("erlang", "*", 2, mul),
    bif("erlang", "/", 2, fdiv),
    bif("erlang", "div", 2, idiv),
    bif("erlang", "rem", 2, rem),
    bif("erlang", "band", 2, band),
    bif("erlang", "bor", 2, bor),
    bif("erlang", "bxor", 2, bxor),
    bif("erlang", "bsl", 2, bsl),
    bif("erlang", "bsr", 2, bsr),
    bif("erlang", "bnot", 1, bnot),
    bif("erlang", "-", 1, neg),
    bif("erlang", "+", 1, plus),
    bif("erlang", "abs", 1, abs),
    bif("erlang", "float", 1, float),
    bif("erlang", "round", 1, round),
    bif("erlang", "trunc", 1, trunc),
    bif("erlang", "ceil", 1, ceil),
    bif("erlang", "floor", 1, floor),
];

#[inline]
fn badarith<T>() -> Result<T, Exc> {
    Err(Exc::Error(am::BADARITH))
}

/// A number as f64 (integers converted), or None for non-numbers.
pub fn to_f64(t: Term) -> Option<f64> {
    if let Some(v) = t.as_small() {
        return Some(v as f64);
    }
    if let Some(f) = float_value(t) {
        return Some(f);
    }
    // ERTS's big_to_double (rounding at each 64-bit step); None when too large for a float.
    let (negative, limbs) = terms::big_parts(t)?;
    super::math::big_to_f64(negative, limbs)
}

fn float_result(ctx: &mut Ctx, f: f64) -> BifResult {
    if f.is_finite() {
        Ok(terms::float(ctx.heap(), f))
    } else {
        badarith()
    }
}

/// The largest integer has this many bits (ERTS's limit on a 64-bit emulator: 524,287 words
/// of magnitude); a result beyond it is `system_limit`.
pub const MAX_INT_BITS: u64 = 524_287 * 64;

/// An integer result, unless it is beyond [`MAX_INT_BITS`].
fn big_result(ctx: &mut Ctx, r: &BigInt) -> BifResult {
    if r.bits() > MAX_INT_BITS {
        return Err(Exc::Error(am::SYSTEM_LIMIT));
    }
    Ok(terms::bignum(ctx.heap(), r))
}

/// Applies an integer op (small fast path, else BigInt) or a float op.
fn numeric(
    ctx: &mut Ctx,
    a: Term,
    b: Term,
    small: fn(i64, i64) -> Option<i64>,
    big: fn(BigInt, BigInt) -> BigInt,
    flt: fn(f64, f64) -> f64,
) -> BifResult {
    if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
        if let Some(r) = small(x, y) {
            return Ok(terms::int(ctx.heap(), r));
        }
    }
    if a.is_integer() && b.is_integer() {
        let r = big(to_bigint(a).unwrap_or_default(), to_bigint(b).unwrap_or_default());
        return big_result(ctx, &r);
    }
    match (to_f64(a), to_f64(b)) {
        (Some(x), Some(y)) if a.is_number() && b.is_number() => float_result(ctx, flt(x, y)),
        _ => badarith(),
    }
}

pub fn add(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    numeric(ctx, a[0], a[1], |x, y| x.checked_add(y), |x, y| x + y, |x, y| x + y)
}
pub fn sub(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    numeric(ctx, a[0], a[1], |x, y| x.checked_sub(y), |x, y| x - y, |x, y| x - y)
}
pub fn mul(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    numeric(ctx, a[0], a[1], |x, y| x.checked_mul(y), |x, y| x * y, |x, y| x * y)
}

fn fdiv(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    match (to_f64(a[0]), to_f64(a[1])) {
        (Some(x), Some(y)) if a[0].is_number() && a[1].is_number() => {
            if y == 0.0 {
                return badarith();
            }
            float_result(ctx, x / y)
        }
        _ => badarith(),
    }
}

fn ints(a: Term, b: Term) -> Option<(BigInt, BigInt)> {
    Some((to_bigint(a)?, to_bigint(b)?))
}

fn idiv(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if let (Some(x), Some(y)) = (a[0].as_small(), a[1].as_small()) {
        if y == 0 {
            return badarith();
        }
        return Ok(terms::int(ctx.heap(), x / y));
    }
    let Some((x, y)) = ints(a[0], a[1]) else { return badarith() };
    if y.is_zero() {
        return badarith();
    }
    // Truncating division, as Erlang's div.
    let q = &x / &y;
    Ok(terms::bignum(ctx.heap(), &q))
}

fn rem(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if let (Some(x), Some(y)) = (a[0].as_small(), a[1].as_small()) {
        if y == 0 {
            return badarith();
        }
        return Ok(terms::int(ctx.heap(), x % y));
    }
    let Some((x, y)) = ints(a[0], a[1]) else { return badarith() };
    if y.is_zero() {
        return badarith();
    }
    Ok(terms::bignum(ctx.heap(), &(&x % &y)))
}

fn bitop(ctx: &mut Ctx, a: &[Term], small: fn(i64, i64) -> i64, big: fn(&BigInt, &BigInt) -> BigInt) -> BifResult {
    if let (Some(x), Some(y)) = (a[0].as_small(), a[1].as_small()) {
        return Ok(terms::int(ctx.heap(), small(x, y)));
    }
    let Some((x, y)) = ints(a[0], a[1]) else { return badarith() };
    Ok(terms::bignum(ctx.heap(), &big(&x, &y)))
}

fn band(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    bitop(ctx, a, |x, y| x & y, |x, y| x & y)
}
fn bor(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    bitop(ctx, a, |x, y| x | y, |x, y| x | y)
}
fn bxor(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    bitop(ctx, a, |x, y| x ^ y, |x, y| x ^ y)
}

/// Shifts left by `n` (right when negative), for any integer size.
fn shift(ctx: &mut Ctx, v: Term, n: Term, left: bool) -> BifResult {
    if let (Some(i), Some(k)) = (v.as_small(), n.as_small()) {
        if let Some(t) = crate::emu::instr::small_shift(i, if left { k } else { -k }).and_then(Term::try_small) {
            return Ok(t);
        }
    }
    let Some(n) = n.as_small().or_else(|| if n.is_integer() { Some(if to_bigint(n).is_some_and(|b| b.is_negative()) { i64::MIN / 2 } else { i64::MAX / 2 }) } else { None }) else {
        return badarith();
    };
    if !v.is_integer() {
        return badarith();
    }
    let n = if left { n } else { n.saturating_neg() };
    let x = to_bigint(v).unwrap_or_default();
    if n >= 0 {
        if x.is_zero() {
            return Ok(Term::small(0));
        }
        if n as u64 + x.bits() > MAX_INT_BITS {
            return Err(Exc::Error(am::SYSTEM_LIMIT));
        }
        if let Some(s) = v.as_small() {
            if n < 62 && (s.unsigned_abs() >> (62 - n)) == 0 {
                return Ok(terms::int(ctx.heap(), s << n));
            }
        }
        Ok(terms::bignum(ctx.heap(), &(x << n as usize)))
    } else {
        let m = n.unsigned_abs();
        // Shifting out every bit leaves the sign: 0 or -1.
        if m > x.bits() {
            return Ok(Term::small(if x.is_negative() { -1 } else { 0 }));
        }
        // Arithmetic shift right (rounds toward negative infinity, as `bsr` does).
        Ok(terms::bignum(ctx.heap(), &(x >> m as usize)))
    }
}

fn bsl(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    shift(ctx, a[0], a[1], true)
}
fn bsr(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    shift(ctx, a[0], a[1], false)
}

fn bnot(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if let Some(x) = a[0].as_small() {
        return Ok(Term::small(!x));
    }
    match to_bigint(a[0]) {
        Some(b) => big_result(ctx, &(-b - 1)),
        None => badarith(),
    }
}

fn neg(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if let Some(x) = a[0].as_small() {
        return Ok(terms::int(ctx.heap(), -x));
    }
    if let Some(f) = float_value(a[0]) {
        return Ok(terms::float(ctx.heap(), -f));
    }
    match to_bigint(a[0]) {
        Some(b) => big_result(ctx, &(-b)),
        None => badarith(),
    }
}

fn plus(_ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0].is_number() {
        Ok(a[0])
    } else {
        badarith()
    }
}

fn abs(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if let Some(x) = a[0].as_small() {
        return Ok(terms::int(ctx.heap(), x.abs()));
    }
    if let Some(f) = float_value(a[0]) {
        // ERTS negates only values below zero, so abs(-0.0) stays -0.0.
        return Ok(terms::float(ctx.heap(), if f < 0.0 { -f } else { f }));
    }
    match to_bigint(a[0]) {
        Some(b) => big_result(ctx, &b.abs()),
        None => super::badarg_r(),
    }
}

fn float(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    if a[0].is_float() {
        return Ok(a[0]);
    }
    match to_f64(a[0]) {
        Some(f) if a[0].is_integer() && f.is_finite() => Ok(terms::float(ctx.heap(), f)),
        Some(_) if a[0].is_integer() => super::badarg_r(),
        _ => super::badarg_r(),
    }
}

/// An integer term from a float that is integral.
fn int_of_float(ctx: &mut Ctx, f: f64) -> BifResult {
    if f.abs() < 9.0e15 {
        return Ok(terms::int(ctx.heap(), f as i64));
    }
    let b: BigInt = num_traits::FromPrimitive::from_f64(f).unwrap_or_default();
    Ok(terms::bignum(ctx.heap(), &b))
}

fn rounding(ctx: &mut Ctx, a: &[Term], f: fn(f64) -> f64) -> BifResult {
    if a[0].is_integer() {
        return Ok(a[0]);
    }
    match float_value(a[0]) {
        Some(x) => int_of_float(ctx, f(x)),
        None => super::badarg_r(),
    }
}

fn round(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    rounding(ctx, a, libm::round)
}
fn trunc(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    rounding(ctx, a, libm::trunc)
}
fn ceil(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    rounding(ctx, a, libm::ceil)
}
fn floor(ctx: &mut Ctx, a: &[Term]) -> BifResult {
    rounding(ctx, a, libm::floor)
}
