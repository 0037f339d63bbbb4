//! exp, pow, log and log2 as glibc computes them: ARM's optimized-routines (glibc ≥ 2.28,
//! sysdeps/ieee754/dbl-64/e_{exp,pow,log,log2}.c; the same code is in musl), in the variant
//! glibc builds for CPUs with fused multiply-add (every aarch64 CPU, x86-64 since Haswell).
//! That variant uses `fma` where the C source says `__builtin_fma`, and GCC fuses each
//! `a * b + c` whose product is used only by additions in the same block; we fuse exactly
//! those, so results agree with glibc bit for bit (checked on millions of random inputs
//! against glibc 2.36; the libm crate differs in 5-10% of them). Special values follow the C
//! code; the callers turn NaN and infinities into badarith anyway.
//!
//! Copyright (c) 2018, Arm Limited. SPDX-License-Identifier: MIT (the algorithms and data).

use super::arm_tables::*;
use libm::fma;

const TABLE_BITS: u32 = 7;
const N: u64 = 1 << TABLE_BITS;
const SIGN_BIAS: u64 = 0x800 << TABLE_BITS;
const POW_OFF: u64 = 0x3fe6_9555_0000_0000;
const LOG_OFF: u64 = 0x3fe6_0000_0000_0000;
const TWO_P52: f64 = 4503599627370496.0; // 0x1p52
const TWO_P1009: u64 = 0x7F00_0000_0000_0000;
const TWO_M1022: u64 = 0x0010_0000_0000_0000;
const TWO_M54: u64 = 0x3C90_0000_0000_0000;

#[inline(always)]
fn top12(x: f64) -> u32 {
    (x.to_bits() >> 52) as u32
}

#[inline(always)]
fn top16(x: f64) -> u32 {
    (x.to_bits() >> 48) as u32
}

/// scale * (1 + tmp) when the exponent of `scale` (in `sbits`) may have over- or underflowed.
fn specialcase(tmp: f64, sbits: u64, ki: u64) -> f64 {
    if ki & 0x8000_0000 == 0 {
        let scale = f64::from_bits(sbits.wrapping_sub(1009u64 << 52));
        return f64::from_bits(TWO_P1009) * fma(scale, tmp, scale);
    }
    let sbits = sbits.wrapping_add(1022u64 << 52);
    let scale = f64::from_bits(sbits);
    // scale * tmp is also used in the branch below (another block), so GCC fuses neither.
    let st = scale * tmp;
    let mut y = scale + st;
    if libm::fabs(y) < 1.0 {
        let one = if y < 0.0 { -1.0 } else { 1.0 };
        let lo = scale - y + st;
        let hi = one + y;
        let lo = one - hi + y + lo;
        y = (hi + lo) - one;
        if y == 0.0 {
            y = f64::from_bits(sbits & 0x8000_0000_0000_0000);
        }
    }
    f64::from_bits(TWO_M1022) * y
}

/// sign * exp(x + xtail) once the special inputs are handled.
fn exp_core(x: f64, xtail: f64, sign_bias: u64, special: bool) -> f64 {
    // kd = round(x * N/ln2) through the 1.5*2^52 shift; k in the low bits of its pattern.
    let shifted = fma(INVLN2N, x, SHIFT);
    let ki = shifted.to_bits();
    let kd = shifted - SHIFT;
    let r = fma(kd, NEGLN2LON, fma(kd, NEGLN2HIN, x)) + xtail;
    let idx = (2 * (ki % N)) as usize;
    let top = ki.wrapping_add(sign_bias) << (52 - TABLE_BITS);
    let tail = f64::from_bits(EXP_TAB[idx]);
    let sbits = EXP_TAB[idx + 1].wrapping_add(top);
    let r2 = r * r;
    let [c2, c3, c4, c5] = EXP_POLY;
    let tmp = fma(r2 * r2, fma(r, c5, c4), fma(r2, fma(r, c3, c2), tail + r));
    if special {
        return specialcase(tmp, sbits, ki);
    }
    let scale = f64::from_bits(sbits);
    fma(scale, tmp, scale)
}

pub fn exp(x: f64) -> f64 {
    let abstop = top12(x) & 0x7ff;
    let tiny = top12(f64::from_bits(TWO_M54));
    let mut special = false;
    if abstop.wrapping_sub(tiny) >= top12(512.0) - tiny {
        if abstop.wrapping_sub(tiny) >= 0x8000_0000 {
            return 1.0 + x;
        }
        if abstop >= top12(1024.0) {
            if x.to_bits() == f64::NEG_INFINITY.to_bits() {
                return 0.0;
            }
            if abstop >= top12(f64::INFINITY) {
                return 1.0 + x;
            }
            return if x.to_bits() >> 63 != 0 { 0.0 } else { f64::INFINITY };
        }
        special = true;
    }
    exp_core(x, 0.0, 0, special)
}

/// log(x) as a head and a tail with about 15 more bits (`ix`: x's bits, subnormals normalized).
fn pow_log(ix: u64) -> (f64, f64) {
    let tmp = ix.wrapping_sub(POW_OFF);
    let i = ((tmp >> (52 - TABLE_BITS)) % N) as usize;
    let k = (tmp as i64) >> 52;
    let z = f64::from_bits(ix.wrapping_sub(tmp & (0xfffu64 << 52)));
    let kd = k as f64;
    let [invc, logc, logctail] = POW_TAB[i].map(f64::from_bits);
    let r = fma(z, invc, -1.0);
    let t1 = fma(kd, POW_LN2HI, logc);
    let t2 = t1 + r;
    let lo1 = fma(kd, POW_LN2LO, logctail);
    let lo2 = t1 - t2 + r;
    let a = POW_POLY;
    let ar = a[0] * r;
    let ar2 = r * ar;
    let ar3 = r * ar2;
    let hi = t2 + ar2;
    let lo3 = fma(ar, r, -ar2);
    let lo4 = t2 - hi + ar2;
    let q = fma(ar2, fma(r, a[6], a[5]), fma(r, a[4], a[3]));
    let q = fma(ar2, q, fma(r, a[2], a[1]));
    let lo = fma(ar3, q, lo1 + lo2 + lo3 + lo4);
    let y = hi + lo;
    (y, hi - y + lo)
}

fn exp_inline(x: f64, xtail: f64, sign_bias: u64) -> f64 {
    let abstop = top12(x) & 0x7ff;
    let tiny = top12(f64::from_bits(TWO_M54));
    let mut special = false;
    if abstop.wrapping_sub(tiny) >= top12(512.0) - tiny {
        if abstop.wrapping_sub(tiny) >= 0x8000_0000 {
            let one = 1.0 + x;
            return if sign_bias != 0 { -one } else { one };
        }
        if abstop >= top12(1024.0) {
            let r = if x.to_bits() >> 63 != 0 { 0.0 } else { f64::INFINITY };
            return if sign_bias != 0 { -r } else { r };
        }
        special = true;
    }
    exp_core(x, xtail, sign_bias, special)
}

/// 0: not an integer, 1: odd, 2: even (of a finite non-zero value's bits).
fn checkint(iy: u64) -> u32 {
    let e = (iy >> 52 & 0x7ff) as i64;
    if e < 0x3ff {
        return 0;
    }
    if e > 0x3ff + 52 {
        return 2;
    }
    if iy & ((1u64 << (0x3ff + 52 - e)) - 1) != 0 {
        return 0;
    }
    if iy & (1u64 << (0x3ff + 52 - e)) != 0 {
        return 1;
    }
    2
}

fn is_signaling(x: f64) -> bool {
    x.is_nan() && x.to_bits() & (1 << 51) == 0
}

fn zeroinfnan(i: u64) -> bool {
    (2 * i).wrapping_sub(1) >= 2 * f64::INFINITY.to_bits() - 1
}

pub fn pow(x: f64, y: f64) -> f64 {
    let one = 1f64.to_bits();
    let inf = f64::INFINITY.to_bits();
    let mut sign_bias = 0;
    let mut ix = x.to_bits();
    let iy = y.to_bits();
    let mut topx = top12(x);
    let topy = top12(y);
    if topx.wrapping_sub(0x001) >= 0x7ff - 0x001 || (topy & 0x7ff).wrapping_sub(0x3be) >= 0x43e - 0x3be {
        if zeroinfnan(iy) {
            if iy << 1 == 0 {
                return if is_signaling(x) { x + y } else { 1.0 };
            }
            if ix == one {
                return if is_signaling(y) { x + y } else { 1.0 };
            }
            if ix << 1 > inf << 1 || iy << 1 > inf << 1 {
                return x + y;
            }
            if ix << 1 == one << 1 {
                return 1.0;
            }
            if (ix << 1 < one << 1) == (iy >> 63 == 0) {
                return 0.0;
            }
            return y * y;
        }
        if zeroinfnan(ix) {
            let mut x2 = x * x;
            if ix >> 63 != 0 && checkint(iy) == 1 {
                x2 = -x2;
            }
            return if iy >> 63 != 0 { 1.0 / x2 } else { x2 };
        }
        if ix >> 63 != 0 {
            match checkint(iy) {
                0 => return f64::NAN,
                1 => sign_bias = SIGN_BIAS,
                _ => {}
            }
            ix &= 0x7fff_ffff_ffff_ffff;
            topx &= 0x7ff;
        }
        if (topy & 0x7ff).wrapping_sub(0x3be) >= 0x43e - 0x3be {
            if ix == one {
                return 1.0;
            }
            if (topy & 0x7ff) < 0x3be {
                return if ix > one { 1.0 + y } else { 1.0 - y };
            }
            return if (ix > one) == (topy < 0x800) { f64::INFINITY } else { 0.0 };
        }
        if topx == 0 {
            ix = (x * TWO_P52).to_bits() & 0x7fff_ffff_ffff_ffff;
            ix = ix.wrapping_sub(52u64 << 52);
        }
    }
    let (hi, lo) = pow_log(ix);
    let ehi = y * hi;
    let elo = fma(y, lo, fma(y, hi, -ehi));
    exp_inline(ehi, elo, sign_bias)
}

/// log and log2 of zero, negatives, infinities and NaN; `None` to go on (normalizing
/// subnormals into `ix`).
fn log_special(x: f64, ix: &mut u64) -> Option<f64> {
    let top = top16(x);
    if top.wrapping_sub(0x0010) >= 0x7ff0 - 0x0010 {
        if *ix << 1 == 0 {
            return Some(f64::NEG_INFINITY);
        }
        if *ix == f64::INFINITY.to_bits() {
            return Some(x);
        }
        if top & 0x8000 != 0 || top & 0x7ff0 == 0x7ff0 {
            return Some(f64::NAN);
        }
        *ix = (x * TWO_P52).to_bits().wrapping_sub(52u64 << 52);
    }
    None
}

pub fn log(x: f64) -> f64 {
    let mut ix = x.to_bits();
    let (near_lo, near_hi) = (0x3FEE_0000_0000_0000u64, 0x3FF1_0900_0000_0000u64); // 1 - 2^-4, 1 + 0x1.09p-4
    if ix.wrapping_sub(near_lo) < near_hi - near_lo {
        if ix == 1f64.to_bits() {
            return 0.0;
        }
        let b = LOG_POLY1;
        let r = x - 1.0;
        let r2 = r * r;
        let r3 = r * r2;
        let inner = fma(r3, b[10], fma(r2, b[9], fma(r, b[8], b[7])));
        let mid = fma(r3, inner, fma(r2, b[6], fma(r, b[5], b[4])));
        let outer = fma(r3, mid, fma(r2, b[3], fma(r, b[2], b[1])));
        // Products of exact halves: fusing them or not gives the same values.
        let w = r * 134217728.0; // 0x1p27
        let rhi = r + w - w;
        let rlo = r - rhi;
        let w = rhi * rhi * b[0];
        let hi = r + w;
        let lo = r - hi + w;
        let lo = fma(b[0] * rlo, rhi + r, lo);
        return fma(r3, outer, lo) + hi;
    }
    if let Some(v) = log_special(x, &mut ix) {
        return v;
    }
    let tmp = ix.wrapping_sub(LOG_OFF);
    let i = ((tmp >> (52 - TABLE_BITS)) % N) as usize;
    let k = (tmp as i64) >> 52;
    let z = f64::from_bits(ix.wrapping_sub(tmp & (0xfffu64 << 52)));
    let [invc, logc] = LOG_TAB[i].map(f64::from_bits);
    let r = fma(z, invc, -1.0);
    let kd = k as f64;
    let w = fma(kd, LOG_LN2HI, logc);
    let hi = w + r;
    let lo = fma(kd, LOG_LN2LO, w - hi + r);
    let a = LOG_POLY;
    let r2 = r * r;
    let p = fma(r2, fma(r, a[4], a[3]), fma(r, a[2], a[1]));
    fma(r * r2, p, fma(r2, a[0], lo)) + hi
}

pub fn log2(x: f64) -> f64 {
    const LOG2_TABLE_BITS: u32 = 6;
    let mut ix = x.to_bits();
    let (near_lo, near_hi) = (0x3FEE_A4AF_0000_0000u64, 0x3FF0_B559_0000_0000u64); // 1 - 0x1.5b51p-5, 1 + 0x1.6ab2p-5
    if ix.wrapping_sub(near_lo) < near_hi - near_lo {
        if ix == 1f64.to_bits() {
            return 0.0;
        }
        let b = LOG2_POLY1;
        let r = x - 1.0;
        let hi = r * LOG2_INVLN2HI;
        let mut lo = fma(r, LOG2_INVLN2LO, fma(r, LOG2_INVLN2HI, -hi));
        let r2 = r * r;
        let r4 = r2 * r2;
        // p = r2 * q is used only by two additions, so GCC fuses it into both.
        let q = fma(r, b[1], b[0]);
        let y = fma(r2, q, hi);
        lo += fma(r2, q, hi - y);
        let inner2 = fma(r2, fma(r, b[9], b[8]), fma(r, b[7], b[6]));
        let inner1 = fma(r4, inner2, fma(r2, fma(r, b[5], b[4]), fma(r, b[3], b[2])));
        lo = fma(r4, inner1, lo);
        return y + lo;
    }
    if let Some(v) = log_special(x, &mut ix) {
        return v;
    }
    let tmp = ix.wrapping_sub(LOG_OFF);
    let i = ((tmp >> (52 - LOG2_TABLE_BITS)) % (1 << LOG2_TABLE_BITS)) as usize;
    let k = (tmp as i64) >> 52;
    let z = f64::from_bits(ix.wrapping_sub(tmp & (0xfffu64 << 52)));
    let [invc, logc] = LOG2_TAB[i].map(f64::from_bits);
    let kd = k as f64;
    let r = fma(z, invc, -1.0);
    let t1 = r * LOG2_INVLN2HI;
    let t2 = fma(r, LOG2_INVLN2LO, fma(r, LOG2_INVLN2HI, -t1));
    let t3 = kd + logc;
    let hi = t3 + t1;
    let lo = t3 - hi + t1 + t2;
    let a = LOG2_POLY;
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = fma(r4, fma(r, a[5], a[4]), fma(r2, fma(r, a[3], a[2]), fma(r, a[1], a[0])));
    fma(r2, p, lo) + hi
}
