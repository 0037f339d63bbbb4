//! Number <-> text conversions exactly as OTP 25's BIFs do them.
//!
//! Pure functions on Rust strings and bytes; no terms. Every rule here was checked against
//! `erl` (OTP 25.2.3); the differential tests in `vm/tests/numfmt.rs` re-check them at test time.
//!
//! * [`display_float`]: `erlang:display/1` of a float (C's `%.6e`).
//! * [`float_to_string`]: `float_to_list/1,2` and `float_to_binary/1,2`.
//! * [`parse_float`]: `list_to_float/1`, `binary_to_float/1`.
//! * [`parse_integer`]: `list_to_integer/1,2`, `binary_to_integer/1,2`.
//! * [`integer_to_string`]: `integer_to_list/1,2`, `integer_to_binary/1,2`.
//! * [`io_lib_short_float`]: `io_lib:format("~p"/"~w", [F])` (= `float_to_list(F, [short])`).
//!
//! Formatting goes through `core::fmt` (shortest round-trip for `{:e}`, exact decimal expansion
//! with round-half-even for `{:.N}`/`{:.Ne}`, the same digits glibc's `printf` and OTP's Ryu
//! give) into a fixed stack buffer, then is post-processed; the only allocation is the result.
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};
use num_bigint::{BigInt, BigUint, Sign};

/// An integer result (the VM's [`crate::terms::Int`]): here `Small` whenever the value fits
/// in an `i64`, `Big` otherwise (so `Big` never holds a value that fits in `i64`).
pub use crate::terms::Int as IntValue;

/// The formats of `float_to_list/2` once its option list is resolved.
///
/// Resolving the option list is the caller's job and has quirks (checked in OTP 25): the options
/// are read left to right, the *last* `short`/`{decimals,N}`/`{scientific,N}` wins, `compact` may
/// stand anywhere and only matters for `decimals` (`[compact]` alone is the default format).
/// An empty list is [`FloatFormat::Default`]. Any other element, an improper list, or a non-small N is badarg.
/// A negative N is badarg for `decimals`, but `{scientific,N}` with N < 0 behaves as
/// `{scientific,6}` (C's `%.*e` with a negative precision); N > 255 is always badarg for
/// `decimals` and for `scientific` (the 256-byte buffer overflows), so `u8` loses nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatFormat {
    /// `float_to_list/1`: `[{scientific,20}]`.
    Default,
    /// `{scientific, N}`: C's `%.Ne` (exponent sign always, at least two exponent digits).
    Scientific(u8),
    /// `{decimals, N}`, optionally with `compact` (trailing zeros after the point removed).
    Decimals { n: u8, compact: bool },
    /// `short`: the shortest string that reads back as the same float (OTP's Ryu variant).
    Short,
}

/// ERTS formats into a 256-byte buffer and fails when the text (plus NUL) does not fit.
const ERTS_FBUF: usize = 256;

/// A `fmt::Write` sink over a stack array; writing past the end is an error.
struct StackBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackBuf<N> {
    #[inline]
    fn new() -> Self {
        StackBuf { buf: [0; N], len: 0 }
    }
    #[inline]
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    #[inline]
    fn push(&mut self, b: u8) {
        // Callers size N so that this cannot overflow; stay panic-free regardless.
        if self.len < N {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }
    #[inline]
    fn push_slice(&mut self, s: &[u8]) {
        for &b in s {
            self.push(b);
        }
    }
}

impl<const N: usize> Write for StackBuf<N> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let b = s.as_bytes();
        if self.len + b.len() > N {
            return Err(fmt::Error);
        }
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
        Ok(())
    }
}

/// Bytes known to be ASCII into a `String` (one allocation of the exact size).
#[inline]
fn ascii_string(b: &[u8]) -> String {
    String::from(core::str::from_utf8(b).unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// C-style %e

/// Writes `f` as C's `%.{prec}e` (glibc output: exact digits, round-half-even, exponent with
/// sign and at least two digits) into `out`. Errors if `out` is too small.
fn write_c_exp<const N: usize>(out: &mut StackBuf<N>, f: f64, prec: usize) -> fmt::Result {
    if !f.is_finite() {
        // glibc's spellings; Erlang floats are always finite.
        let s: &str = if f.is_nan() {
            if f.is_sign_negative() {
                "-nan"
            } else {
                "nan"
            }
        } else if f < 0.0 {
            "-inf"
        } else {
            "inf"
        };
        return out.write_str(s);
    }
    // Rust writes e.g. "-1.500e-7" / "1.500e12"; rewrite the exponent C's way.
    let mut tmp = StackBuf::<{ ERTS_FBUF + 16 }>::new();
    write!(tmp, "{:.*e}", prec, f)?;
    let b = tmp.bytes();
    let epos = b.iter().rposition(|&c| c == b'e').ok_or(fmt::Error)?;
    let exp = &b[epos + 1..];
    let (sign, digits) = match exp.first() {
        Some(b'-') => (b'-', &exp[1..]),
        _ => (b'+', exp),
    };
    if out.len + epos + 2 + digits.len().max(2) > N {
        return Err(fmt::Error);
    }
    out.push_slice(&b[..epos]);
    out.push(b'e');
    out.push(sign);
    if digits.len() < 2 {
        out.push(b'0');
    }
    out.push_slice(digits);
    Ok(())
}

/// What `erlang:display/1` prints for a float: C's `%.6e`, e.g. `3.140000e+00`,
/// `-0.000000e+00`, `4.940656e-324`, `1.797693e+308`.
pub fn display_float(f: f64) -> String {
    let mut out = StackBuf::<32>::new();
    let _ = write_c_exp(&mut out, f, 6);
    ascii_string(out.bytes())
}

// ---------------------------------------------------------------------------------------------
// float_to_list/2

/// `float_to_list/1`: `float_to_string(f, FloatFormat::Default)`, infallible for finite `f`.
pub fn float_to_string_default(f: f64) -> String {
    float_to_string(f, FloatFormat::Default).unwrap_or_default()
}

/// `float_to_list(F, Opts)` / `float_to_binary(F, Opts)` for the resolved options `fmt`.
/// `Err(())` is the BIF's badarg: the text would not fit ERTS's 256-byte buffer (e.g.
/// `{decimals,0}` of 1.0e300, `{decimals,253}` of -0.0, `{scientific,250}`), or `f` is not finite.
#[allow(clippy::result_unit_err)]
pub fn float_to_string(f: f64, fmt: FloatFormat) -> Result<String, ()> {
    if !f.is_finite() {
        return Err(());
    }
    match fmt {
        FloatFormat::Default => scientific(f, 20),
        FloatFormat::Scientific(n) => scientific(f, n as usize),
        FloatFormat::Decimals { n, compact } => decimals(f, n as u32, compact),
        FloatFormat::Short => Ok(short(f)),
    }
}

fn scientific(f: f64, prec: usize) -> Result<String, ()> {
    // sys_double_to_chars_ext: fails when snprintf's length >= 256.
    let mut out = StackBuf::<{ ERTS_FBUF - 1 }>::new();
    write_c_exp(&mut out, f, prec).map_err(|_| ())?;
    Ok(ascii_string(out.bytes()))
}

const POW10: [f64; 19] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18,
];

/// `find_first_trailing_zero` of erl_sys_common_misc.c: drop trailing '0's, but keep one
/// after a '.'. (On an integer string such as "100" it drops them all: "1".)
fn strip_trailing_zeros(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && b[end - 1] == b'0' {
        end -= 1;
    }
    if end > 0 && b[end - 1] == b'.' {
        end += 1;
    }
    &b[..end]
}

/// `sys_double_to_chars_fast` (erl_sys_common_misc.c), including its own (not exact) rounding
/// for |f| <= 2^53 and fewer than 19 decimals.
fn decimals(f: f64, decimals: u32, compact: bool) -> Result<String, ()> {
    let neg = f.is_sign_negative();
    let af = libm::fabs(f);
    if af > 9007199254740992.0 || decimals as usize >= POW10.len() {
        // snprintf("%.*f") into the 256-byte buffer: exact digits, round-half-even.
        let mut out = StackBuf::<{ ERTS_FBUF - 1 }>::new();
        write!(out, "{:.*}", decimals as usize, f).map_err(|_| ())?;
        let b = if compact { strip_trailing_zeros(out.bytes()) } else { out.bytes() };
        return Ok(ascii_string(b));
    }
    let (int_part, frac_part) = if decimals != 0 {
        let p = POW10[decimals as usize];
        let int_f = libm::floor(af);
        let frac_f = libm::round((af - int_f) * p);
        if frac_f >= p {
            (int_f as u64 + 1, 0u64)
        } else {
            (int_f as u64, frac_f as u64)
        }
    } else {
        // lround: half away from zero.
        (libm::round(af) as u64, 0)
    };
    // At most "-" + 16 digits + "." + 18 digits.
    let mut out = StackBuf::<40>::new();
    if neg {
        out.push(b'-');
    }
    push_u64(&mut out, int_part);
    if decimals != 0 {
        out.push(b'.');
        let mut digits = [b'0'; 18];
        let mut v = frac_part;
        let mut i = decimals as usize;
        while v != 0 && i > 0 {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.push_slice(&digits[..decimals as usize]);
        if compact {
            let l = strip_trailing_zeros(out.bytes()).len();
            out.len = l;
        }
    }
    Ok(ascii_string(out.bytes()))
}

fn push_u64<const N: usize>(out: &mut StackBuf<N>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_slice(&tmp[i..]);
}

// ---------------------------------------------------------------------------------------------
// short (Ryu, OTP flavour)

/// core's shortest round-trip digits of a finite, nonzero `af`: (digits, count, scientific
/// exponent), i.e. af ~ d1.d2...dn * 10^exp. Digits have no trailing zeros.
fn shortest_digits(af: f64) -> (u64, i32, i32) {
    let mut tmp = StackBuf::<32>::new();
    let _ = write!(tmp, "{:e}", af);
    let b = tmp.bytes();
    let mut mant: u64 = 0;
    let mut len = 0i32;
    let mut i = 0;
    while i < b.len() && b[i] != b'e' {
        if b[i].is_ascii_digit() {
            mant = mant * 10 + (b[i] - b'0') as u64;
            len += 1;
        }
        i += 1;
    }
    let mut exp: i32 = 0;
    let mut negexp = false;
    i += 1;
    if i < b.len() && b[i] == b'-' {
        negexp = true;
        i += 1;
    }
    while i < b.len() {
        exp = exp * 10 + (b[i] - b'0') as i32;
        i += 1;
    }
    if negexp {
        exp = -exp;
    }
    (mant, len, exp)
}

/// Ryu's shortest digits for a finite, nonzero `af`: `(digits, count, scientific exponent)`.
///
/// `core::fmt`'s `{:e}` gives the shortest digits that round-trip and, among those, the closest
/// to the exact value; Ryu agrees except when two shortest candidates are exactly equally close
/// (e.g. 1337252251690571.25, whose neighbours .2 and .3 are both shortest): core rounds up, Ryu
/// picks the even one. Such ties need the exact binary value to end in a decimal 5 right after
/// the candidate's last digit, which is checked here with exact integer arithmetic.
fn ryu_shortest(af: f64) -> (u64, i32, i32) {
    let (mut output, mut olength, sci_exp) = shortest_digits(af);
    if output & 1 == 1 {
        let ryu_exp = sci_exp - (olength - 1);
        let bits = af.to_bits();
        let frac = bits & ((1u64 << 52) - 1);
        let bexp = ((bits >> 52) & 0x7ff) as i32;
        let (m, e) = if bexp == 0 { (frac, -1074) } else { (frac | (1u64 << 52), bexp - 1075) };
        let tz = m.trailing_zeros() as i32;
        // af = (m >> tz) * 2^(e + tz); af * 10^k ends in a lone 5 iff k >= 1 and e + tz + k == 0.
        let k = 1 - ryu_exp;
        if (1..=27).contains(&k) && e + tz + k == 0 {
            let n = ((m >> tz) as u128) * 5u128.pow(k as u32); // af * 10^k, ends in 5
            let lo = (n - 5) / 10;
            let out = output as u128;
            let want = if out == lo + 1 {
                Some(lo) // core rounded up to an odd digit; Ryu takes the even lo
            } else if out == lo {
                Some(lo + 1)
            } else {
                None
            };
            // Ryu only takes the even neighbour when it is inside the rounding interval too
            // (not so for e.g. 2^-24, whose interval is narrower below): it must read back as af.
            let want = want.filter(|&w| {
                let mut t = StackBuf::<48>::new();
                write!(t, "{}e{}", w, ryu_exp).is_ok()
                    && core::str::from_utf8(t.bytes()).ok().and_then(|s| s.parse::<f64>().ok())
                        == Some(af)
            });
            if let Some(w) = want {
                let mut w = w as u64;
                let mut exp_adj = 0;
                while w != 0 && w.is_multiple_of(10) {
                    w /= 10;
                    exp_adj += 1;
                }
                let new_len = decimal_len(w);
                let new_ryu_exp = ryu_exp + exp_adj;
                output = w;
                olength = new_len;
                return (output, olength, new_ryu_exp + new_len - 1);
            }
        }
    }
    (output, olength, sci_exp)
}

fn decimal_len(mut v: u64) -> i32 {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// `float_to_list(F, [short])` (erts/emulator/ryu/d2s.c `d2s_buffered_n` + its `to_chars`).
fn short(f: f64) -> String {
    let mut out = StackBuf::<32>::new();
    write_short(&mut out, f);
    ascii_string(out.bytes())
}

fn write_short<const N: usize>(out: &mut StackBuf<N>, f: f64) {
    let neg = f.is_sign_negative();
    if f.is_nan() {
        out.push_slice(b"NaN");
        return;
    }
    if neg {
        out.push(b'-');
    }
    if f.is_infinite() {
        out.push_slice(b"Infinity");
        return;
    }
    if f == 0.0 {
        out.push_slice(b"0.0");
        return;
    }
    let (output, olength, sci_exp) = ryu_shortest(libm::fabs(f));
    let ryu_exp = sci_exp - (olength - 1);
    let (lower, upper) = if olength == 1 {
        (-4, 2)
    } else if sci_exp >= 10 {
        (-(olength + 2), 2)
    } else {
        (-(olength + 2), 1)
    };
    let fixed = lower <= ryu_exp
        && ryu_exp <= upper
        && !((output >= (1u64 << 53) && ryu_exp == 0)
            || (output > (1u64 << 52) / 5 && ryu_exp == 1)
            || (output > (1u64 << 51) / 25 && ryu_exp == 2));
    let mut dbuf = [0u8; 20];
    let mut di = dbuf.len();
    let mut v = output;
    loop {
        di -= 1;
        dbuf[di] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = &dbuf[di..];
    if fixed {
        let whole = olength + ryu_exp;
        if ryu_exp >= 0 {
            out.push_slice(digits);
            for _ in 0..ryu_exp {
                out.push(b'0');
            }
            out.push_slice(b".0");
        } else if whole > 0 {
            out.push_slice(&digits[..whole as usize]);
            out.push(b'.');
            out.push_slice(&digits[whole as usize..]);
        } else {
            out.push_slice(b"0.");
            for _ in 0..-whole {
                out.push(b'0');
            }
            out.push_slice(digits);
        }
    } else {
        out.push(digits[0]);
        out.push(b'.');
        if digits.len() > 1 {
            out.push_slice(&digits[1..]);
        } else {
            out.push(b'0');
        }
        out.push(b'e');
        let mut e = sci_exp;
        if e < 0 {
            out.push(b'-');
            e = -e;
        }
        push_u64(out, e as u64);
    }
}

/// What `io_lib:format("~p", [F])` and `~w` print for a float in OTP 25: `io_lib_format:fwrite_g/1`
/// is `float_to_list(F, [short])`, so this is the same text (e.g. "0.1", "1.0e100", "-0.0").
/// Non-finite values (which Erlang never has) give Ryu's "NaN", "Infinity", "-Infinity".
pub fn io_lib_short_float(f: f64) -> String {
    short(f)
}

// ---------------------------------------------------------------------------------------------
// list_to_float / binary_to_float

/// `list_to_float/1` / `binary_to_float/1` (`sys_chars_to_double`): `[+-]D+[.,]D+([eE][+-]?D+)?`
/// with D an ASCII digit, nothing else (no whitespace, no "1e10", no "1.", no ".5"). A ','
/// is accepted in place of the '.' ("1,5" is 1.5). A NUL byte ends the text early, as the C
/// string does ("1.0\0junk" is 1.0). Overflow to infinity is `None`; underflow gives 0.0 or a
/// subnormal. For a list, the caller turns it into bytes first (a non-byte element is badarg).
pub fn parse_float(s: &[u8]) -> Option<f64> {
    let s = match s.iter().position(|&c| c == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let mut i = 0;
    let n = s.len();
    if i < n && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    let start = i;
    while i < n && s[i].is_ascii_digit() {
        i += 1;
    }
    if i == start || i >= n || (s[i] != b'.' && s[i] != b',') {
        return None;
    }
    let point = i;
    i += 1;
    let start = i;
    while i < n && s[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return None;
    }
    if i < n && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < n && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < n && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != n {
        return None;
    }
    // All ASCII by now.
    let v: f64 = if s[point] == b',' {
        let mut copy: Vec<u8> = Vec::from(s);
        copy[point] = b'.';
        core::str::from_utf8(&copy).ok()?.parse().ok()?
    } else {
        core::str::from_utf8(s).ok()?.parse().ok()?
    };
    if v.is_finite() {
        Some(v)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// integers

#[inline]
fn digit_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'a'..=b'z' => (c - b'a') as u32 + 10,
        b'A'..=b'Z' => (c - b'A') as u32 + 10,
        _ => 99,
    }
}

/// `list_to_integer/1,2` / `binary_to_integer/1,2`: an optional single '+' or '-', then at least
/// one digit of `base` (0-9, then a-z or A-Z), nothing else. `None` is badarg, also for a base
/// outside 2..=36. Leading zeros are fine; "-0" is 0; a NUL byte is just an invalid digit.
/// For a list the caller makes the bytes: `list_to_integer/1,2` keeps only the low 8 bits of
/// each (small integer) element, so `list_to_integer([305])` is 1 (OTP 25 really does this),
/// while `list_to_float/1` is badarg on any element outside 0..=255.
pub fn parse_integer(s: &[u8], base: u32) -> Option<IntValue> {
    if !(2..=36).contains(&base) {
        return None;
    }
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulate towards the sign so i64::MIN is reachable; on overflow switch to bignum.
    let b = base as i64;
    let mut acc: i64 = 0;
    for (k, &c) in digits.iter().enumerate() {
        let d = digit_value(c);
        if d >= base {
            return None;
        }
        let next = acc.checked_mul(b).and_then(|a| {
            if neg {
                a.checked_sub(d as i64)
            } else {
                a.checked_add(d as i64)
            }
        });
        match next {
            Some(a) => acc = a,
            None => return parse_big(neg, digits, k, base),
        }
    }
    Some(IntValue::Small(acc))
}

#[cold]
fn parse_big(neg: bool, digits: &[u8], checked: usize, base: u32) -> Option<IntValue> {
    let mut vals: Vec<u8> = Vec::with_capacity(digits.len());
    for (k, &c) in digits.iter().enumerate() {
        let d = digit_value(c);
        if k >= checked && d >= base {
            return None;
        }
        vals.push(d as u8);
    }
    let mag = BigUint::from_radix_be(&vals, base)?;
    let v = BigInt::from_biguint(if neg { Sign::Minus } else { Sign::Plus }, mag);
    Some(IntValue::Big(v))
}

/// `integer_to_list(I, Base)` / `integer_to_binary(I, Base)`: digits in `base` with uppercase
/// letters and a leading '-' for negatives. `base` must be 2..=36 (the BIF's badarg otherwise;
/// this returns an empty string rather than panic).
pub fn integer_to_string(v: &IntValue, base: u32) -> String {
    if !(2..=36).contains(&base) {
        return String::new();
    }
    match v {
        IntValue::Small(i) => {
            let mut buf = [0u8; 65];
            let mut p = buf.len();
            let mut m = i.unsigned_abs();
            let b = base as u64;
            loop {
                p -= 1;
                let d = (m % b) as u8;
                buf[p] = if d < 10 { b'0' + d } else { b'A' + d - 10 };
                m /= b;
                if m == 0 {
                    break;
                }
            }
            if *i < 0 {
                p -= 1;
                buf[p] = b'-';
            }
            ascii_string(&buf[p..])
        }
        IntValue::Big(b) => {
            let mut s = b.to_str_radix(base);
            s.make_ascii_uppercase();
            s
        }
    }
}
