//! The `math` module's BIFs (erts/emulator/beam/erl_math.c).
//!
//! An argument that is not a number is `badarg`; a bignum too large for a float, or a result
//! that is not finite (NaN or an infinity: `math:log(0)`, `math:sqrt(-1)`, `math:pow(0, -1)`)
//! is `badarith`. Arguments are checked left to right. `math:pi/0` is Erlang code in math.erl.
//!
//! ERTS calls the C library, so results are glibc's. With the `system-libm` feature (the
//! hosted beamos) we call the C library too and agree bit for bit. Without it (the no_std
//! kernel), `exp`, `pow`, `log` and `log2` are glibc's own algorithms ([`arm`]) and agree with
//! it bit for bit; the others come from the `libm` crate (musl's algorithms; glibc uses IBM's and Sun's), which differs from glibc in
//! the last bit for a few percent of inputs (measured on random inputs: sin/cos ~3%,
//! atan2 ~18%, atanh ~30%; sqrt, ceil, floor and fmod are exact everywhere). The tests
//! compare each case with erl and list those 1-ulp differences.

// Used by the no_std build; the hosted one calls the C library instead.
#[cfg_attr(feature = "system-libm", allow(dead_code))]
mod arm;
#[cfg_attr(feature = "system-libm", allow(dead_code))]
mod arm_tables;

/// The functions math.erl's BIFs use: the C library's when it is there (as ERTS), else the
/// `libm` crate's.
#[cfg(feature = "system-libm")]
mod cm {
    mod ffi {
        extern "C" {
            pub fn cos(x: f64) -> f64;
            pub fn cosh(x: f64) -> f64;
            pub fn sin(x: f64) -> f64;
            pub fn sinh(x: f64) -> f64;
            pub fn tan(x: f64) -> f64;
            pub fn tanh(x: f64) -> f64;
            pub fn acos(x: f64) -> f64;
            pub fn acosh(x: f64) -> f64;
            pub fn asin(x: f64) -> f64;
            pub fn asinh(x: f64) -> f64;
            pub fn atan(x: f64) -> f64;
            pub fn atanh(x: f64) -> f64;
            pub fn erf(x: f64) -> f64;
            pub fn erfc(x: f64) -> f64;
            pub fn exp(x: f64) -> f64;
            pub fn log(x: f64) -> f64;
            pub fn log2(x: f64) -> f64;
            pub fn log10(x: f64) -> f64;
            pub fn atan2(y: f64, x: f64) -> f64;
            pub fn pow(x: f64, y: f64) -> f64;
        }
    }
    macro_rules! one {
        ($($n:ident),*) => {$(
            pub fn $n(x: f64) -> f64 {
                // SAFETY: a pure C math function of one double; no pointers, no state.
                unsafe { ffi::$n(x) }
            }
        )*};
    }
    one!(cos, cosh, sin, sinh, tan, tanh, acos, acosh, asin, asinh, atan, atanh, erf, erfc, exp, log, log2, log10);
    pub fn atan2(y: f64, x: f64) -> f64 {
        // SAFETY: as above.
        unsafe { ffi::atan2(y, x) }
    }
    pub fn pow(x: f64, y: f64) -> f64 {
        // SAFETY: as above.
        unsafe { ffi::pow(x, y) }
    }
}

#[cfg(not(feature = "system-libm"))]
mod cm {
    pub use super::arm::{exp, log, log2, pow};
    pub use libm::{acos, acosh, asin, asinh, atan, atan2, atanh, cos, cosh, erf, erfc, log10, sin, sinh, tan, tanh};
}

use beamos_gc::Term;

use super::{bif, BifEntry, BifResult, Ctx, Exc};
use crate::atom::am;
use crate::terms;

pub const BIFS: &[BifEntry] = &[
    bif("math", "cos", 1, cos_1),
    bif("math", "cosh", 1, cosh_1),
    bif("math", "sin", 1, sin_1),
    bif("math", "sinh", 1, sinh_1),
    bif("math", "tan", 1, tan_1),
    bif("math", "tanh", 1, tanh_1),
    bif("math", "acos", 1, acos_1),
    bif("math", "acosh", 1, acosh_1),
    bif("math", "asin", 1, asin_1),
    bif("math", "asinh", 1, asinh_1),
    bif("math", "atan", 1, atan_1),
    bif("math", "atanh", 1, atanh_1),
    bif("math", "erf", 1, erf_1),
    bif("math", "erfc", 1, erfc_1),
    bif("math", "exp", 1, exp_1),
    bif("math", "log", 1, log_1),
    bif("math", "log2", 1, log2_1),
    bif("math", "log10", 1, log10_1),
    bif("math", "sqrt", 1, sqrt_1),
    bif("math", "ceil", 1, ceil_1),
    bif("math", "floor", 1, floor_1),
    bif("math", "atan2", 2, atan2_2),
    bif("math", "pow", 2, pow_2),
    bif("math", "fmod", 2, fmod_2),
];

/// ERTS's `big_to_double`: the limbs folded from the most significant, each step rounded;
/// `None` when the value overflows.
pub fn big_to_f64(negative: bool, limbs: &[u64]) -> Option<f64> {
    const BASE: f64 = 18446744073709551616.0; // 2^64
    let mut d = 0.0f64;
    for &limb in limbs.iter().rev() {
        d = d * BASE + limb as f64;
        if !d.is_finite() {
            return None;
        }
    }
    Some(if negative { -d } else { d })
}

/// A number argument as a float: badarg for non-numbers, badarith for huge bignums.
fn arg(t: Term) -> Result<f64, Exc> {
    if let Some(v) = t.as_small() {
        return Ok(v as f64);
    }
    if let Some(f) = terms::float_value(t) {
        return Ok(f);
    }
    match terms::big_parts(t) {
        Some((negative, limbs)) => big_to_f64(negative, limbs).ok_or(Exc::Error(am::BADARITH)),
        None => Err(Exc::Error(am::BADARG)),
    }
}

fn result(ctx: &mut Ctx, f: f64) -> BifResult {
    if f.is_finite() {
        Ok(terms::float(ctx.heap(), f))
    } else {
        Err(Exc::Error(am::BADARITH))
    }
}

macro_rules! math1 {
    ($($name:ident => $f:path),* $(,)?) => {$(
        fn $name(ctx: &mut Ctx, a: &[Term]) -> BifResult {
            let x = arg(a[0])?;
            result(ctx, $f(x))
        }
    )*};
}

macro_rules! math2 {
    ($($name:ident => $f:path),* $(,)?) => {$(
        fn $name(ctx: &mut Ctx, a: &[Term]) -> BifResult {
            let x = arg(a[0])?;
            let y = arg(a[1])?;
            result(ctx, $f(x, y))
        }
    )*};
}

math1! {
    cos_1 => cm::cos, cosh_1 => cm::cosh, sin_1 => cm::sin, sinh_1 => cm::sinh,
    tan_1 => cm::tan, tanh_1 => cm::tanh, acos_1 => cm::acos, acosh_1 => cm::acosh,
    asin_1 => cm::asin, asinh_1 => cm::asinh, atan_1 => cm::atan, atanh_1 => cm::atanh,
    erf_1 => cm::erf, erfc_1 => cm::erfc, exp_1 => cm::exp, log_1 => cm::log,
    log2_1 => cm::log2, log10_1 => cm::log10, sqrt_1 => libm::sqrt, ceil_1 => libm::ceil,
    floor_1 => libm::floor,
}

math2! {
    atan2_2 => cm::atan2, pow_2 => cm::pow, fmod_2 => libm::fmod,
}

#[cfg(test)]
mod tests {
    use super::big_to_f64;

    #[test]
    fn bignum_folding_rounds_each_step() {
        assert_eq!(big_to_f64(false, &[0, 1]), Some(18446744073709551616.0));
        assert_eq!(big_to_f64(true, &[5]), Some(-5.0));
        let huge = [u64::MAX; 17]; // about 2^1088
        assert_eq!(big_to_f64(false, &huge), None);
    }
}
