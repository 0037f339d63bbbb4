//! Property tests of the standard term order and of integer (bignum) arithmetic.
//!
//! 1. Term order, on the VM's own comparison (`compare::cmp`, `eq`, `eq_exact`, `compare` in
//!    both modes): antisymmetry, transitivity on all triples, totality, `==` agrees with
//!    `cmp == Equal`, `=:=` agrees with exact compare and implies `==`; structurally equal
//!    copies compare equal. The terms are random families: base terms plus near-miss mutations
//!    (an int turned into the equal float, a bit flipped, an element dropped ...) so that many
//!    pairs are close.
//! 2. Term order, differential against erl: batches of such terms are written as Erlang source
//!    into one module per batch, which sorts them (`lists:sort/1`, `lists:sort/2` with `=<`,
//!    `lists:usort/1`, `maps:keys/1` of a small map) printing the resulting permutations, and
//!    prints `<`, `==`, `=:=`, ... `min`, `max` for adjacent pairs. erl and beamos must print
//!    the same lines.
//! 3. Bignum arithmetic, differential against erl: random integers from small to ~2000 bits,
//!    both signs, through `+ - * div rem band bor bxor bnot bsl bsr abs -`, `/`, `apply`,
//!    `integer_to_list/1,2`, `integer_to_binary/2`, `list_to_integer/1,2`,
//!    `binary_to_integer/2`, `float/1`, `trunc round ceil floor` of floats, comparisons of
//!    integers with floats (nearest, next, equal-valued), mixed int/float arithmetic,
//!    `phash2`/`phash`. Errors print as `{error, Class, Reason}`; floats as their bits.
//! 4. The arithmetic BIFs called directly from Rust agree with results computed independently
//!    with num-bigint (two's complement bit operations done limb by limb here).
//!
//! The differential tests write all batches' modules into one directory, compile them with one
//! erlc call and run them in one erl run (the expected output, produced now). Our side runs
//! each module in a fresh in-process VM (the code under test, not a possibly stale binary); set
//! `BEAMOS_BIN=target/release/beamos` to run that binary instead
//! (`beamos -noshell -pa DIR -s mod main -s init stop`). Set `PROPS_SEED=<u64>` to replay a
//! run (the seed is printed). Without erl/erlc the differential tests are skipped loudly.
//!
//! Known divergences from erl are listed in [`KNOWN_GAPS`]: generated cases they match are
//! excluded (and counted) instead of failing the run.

mod common;

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use beamos_gc::heap::Fragment;
use beamos_vm::bif::{self, Ctx, Exc};
use beamos_vm::compare::{cmp, compare, eq, eq_exact, Mode};
use beamos_vm::process::Process;
use beamos_vm::vm::{RunEnd, Vm};
use beamos_vm::{atom, map, terms, Term};
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

// ================================================================ known gaps

/// What a known gap excludes: order-test terms or arithmetic cases.
enum GapMatch {
    /// A term of the order batches (tested deep: the predicate sees every subterm).
    Term(fn(&T) -> bool),
    /// An arithmetic case.
    #[allow(dead_code, reason = "no arithmetic gap is known at the moment")]
    Case(fn(&Case) -> bool),
}

/// A known divergence from erl: the generated inputs it matches are excluded and counted.
struct Gap {
    name: &'static str,
    reason: &'static str,
    matches: GapMatch,
}

/// Divergences of beamos from erl found by these tests, not fixed yet. Each entry excludes
/// what it matches from the differential tests (the generators still produce such inputs;
/// the run prints how many were excluded). Remove an entry once the VM is fixed.
const KNOWN_GAPS: &[Gap] = &[Gap {
    name: "list_to_pid_with_serial",
    reason: "beamos pids have no serial: list_to_pid(\"<0.10.1>\") is badarg (bif/erlang.rs list_to_pid_1 \
             requires the serial 0), erl returns the pid",
    matches: GapMatch::Term(|t| matches!(t, T::Pid(_, s) if *s != 0)),
}];

/// Counts and reports exclusions by known gaps.
struct GapCounts(Vec<usize>);

impl GapCounts {
    fn new() -> GapCounts {
        GapCounts(vec![0; KNOWN_GAPS.len()])
    }
    fn term_excluded(&mut self, t: &T) -> bool {
        for (i, g) in KNOWN_GAPS.iter().enumerate() {
            if let GapMatch::Term(p) = g.matches {
                if t.any(&mut |s| p(s)) {
                    self.0[i] += 1;
                    return true;
                }
            }
        }
        false
    }
    fn case_excluded(&mut self, c: &Case) -> bool {
        for (i, g) in KNOWN_GAPS.iter().enumerate() {
            if let GapMatch::Case(p) = g.matches {
                if p(c) {
                    self.0[i] += 1;
                    return true;
                }
            }
        }
        false
    }
    fn report(&self, what: &str) {
        let total: usize = self.0.iter().sum();
        eprintln!("{}: {} generated inputs excluded by KNOWN_GAPS", what, total);
        for (g, n) in KNOWN_GAPS.iter().zip(&self.0) {
            if *n > 0 {
                eprintln!("  {}: {} excluded ({})", g.name, n, g.reason);
            }
        }
    }
}

// ================================================================ randomness helpers

/// The run's seed: `PROPS_SEED` or the clock.
fn seed() -> u64 {
    let s = std::env::var("PROPS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!("PROPS_SEED={}", s);
    s
}

fn runner(seed: u64, salt: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    for (i, c) in bytes.chunks_mut(8).enumerate() {
        c.copy_from_slice(&(seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_add(i as u64).to_le_bytes());
    }
    TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

fn sample<S: Strategy>(r: &mut TestRunner, s: &S) -> S::Value {
    s.new_tree(r).expect("strategy").current()
}

/// A small deterministic generator for the mutations (seeded by proptest).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A random integer of exactly `bits` bits (a pattern chosen by `style`), negated if `neg`.
fn rand_big(bits: usize, seed: u64, neg: bool, style: u8) -> BigInt {
    let bits = bits.max(1);
    let mut r = Rng(seed);
    let mag: BigUint = match style {
        // all ones
        1 => (BigUint::one() << bits) - 1u32,
        // a single bit
        2 => BigUint::one() << (bits - 1),
        // sparse: a few bits
        3 => {
            let mut m = BigUint::one() << (bits - 1);
            for _ in 0..r.below(5) {
                m |= BigUint::one() << r.below(bits);
            }
            m
        }
        // dense with a run of zeros or ones in the middle
        4 => {
            let words: Vec<u32> = (0..bits.div_ceil(32)).map(|_| r.next() as u32).collect();
            let mut m = BigUint::new(words) & ((BigUint::one() << bits) - 1u32);
            let lo = r.below(bits);
            let len = r.below(bits - lo + 1);
            let run = ((BigUint::one() << len) - 1u32) << lo;
            if r.next() & 1 == 0 {
                m |= run;
            } else {
                m = (m | &run) ^ run;
            }
            m | (BigUint::one() << (bits - 1))
        }
        _ => {
            let words: Vec<u32> = (0..bits.div_ceil(32)).map(|_| r.next() as u32).collect();
            (BigUint::new(words) & ((BigUint::one() << bits) - 1u32)) | (BigUint::one() << (bits - 1))
        }
    };
    BigInt::from_biguint(if neg { Sign::Minus } else { Sign::Plus }, mag)
}

const EDGE_BITS: &[usize] =
    &[0, 1, 7, 26, 27, 31, 32, 52, 53, 54, 58, 59, 60, 61, 62, 63, 64, 65, 127, 128, 129, 191, 192, 1000, 1023, 1024, 1025, 1999];

/// `±(2^k + d)` for edge exponents k.
fn edge_int() -> impl Strategy<Value = BigInt> {
    (proptest::sample::select(EDGE_BITS), -2i64..=2, any::<bool>()).prop_map(|(k, d, n)| {
        let v = (BigInt::one() << k) + d;
        if n {
            -v
        } else {
            v
        }
    })
}

/// Integers from small to about `max_bits` bits, both signs.
fn arb_int(max_bits: usize) -> impl Strategy<Value = BigInt> {
    prop_oneof![
        2 => (-1000i64..1000).prop_map(BigInt::from),
        2 => any::<i64>().prop_map(BigInt::from),
        5 => (1usize..=max_bits, any::<u64>(), any::<bool>(), 0u8..6).prop_map(|(b, s, n, st)| rand_big(b, s, n, st)),
        2 => edge_int(),
    ]
}

fn next_up(f: f64) -> f64 {
    if f == 0.0 {
        return f64::from_bits(1);
    }
    let b = f.to_bits();
    let g = f64::from_bits(if f > 0.0 { b + 1 } else { b - 1 });
    // stay finite
    if g.is_finite() {
        g
    } else {
        f
    }
}

fn next_down(f: f64) -> f64 {
    -next_up(-f)
}

/// 2^k as a float, exactly (-1022 <= k <= 1023).
fn pow2f(k: i32) -> f64 {
    f64::from_bits(((1023 + k) as u64) << 52)
}

/// Finite floats of all magnitudes, with integral values, halves and powers of two.
fn arb_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<f64>().prop_filter("finite", |f| f.is_finite()),
        1 => proptest::sample::select(vec![0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1.0e21, -1.0e21, f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, 4503599627370495.5, 9007199254740993.0]),
        2 => (-(1i64 << 53)..(1i64 << 53)).prop_map(|v| v as f64 + 0.5),
        2 => -1.0e6f64..1.0e6,
        2 => (0i32..1024, -2i64..=2, any::<bool>()).prop_map(|(k, d, n)| {
            let mut f = pow2f(k);
            for _ in 0..d.abs() {
                f = if d > 0 { next_up(f) } else { next_down(f) };
            }
            if n { -f } else { f }
        }),
        2 => (1i64 << 52..1i64 << 53, 0i32..970, any::<bool>()).prop_map(|(m, k, n)| {
            let f = m as f64 * pow2f(k);
            if n { -f } else { f }
        }),
    ]
}

// ================================================================ terms

const ATOMS: &[&str] = &["a", "b", "ab", "abc", "z", "false", "true", "nil", "", "é", "ü", "ok", "A", "a b", "zz\u{1F600}"];

/// A term description, built on our heap and written as Erlang source.
#[derive(Clone, Debug)]
enum T {
    Int(BigInt),
    Float(f64),
    Atom(&'static str),
    Nil,
    List(Vec<T>, Box<T>),
    Tuple(Vec<T>),
    /// Keys distinct (see [`map_of`]).
    Map(Vec<(T, T)>),
    /// Bytes and a bit size (`bytes.len() * 8 - 7 ..= bytes.len() * 8`).
    Bits(Vec<u8>, usize),
    /// A local pid `<0.Number.Serial>`.
    Pid(u32, u32),
    /// A local reference `#Ref<0.A.B.C>`.
    Ref(u32, u32, u32),
}

impl T {
    /// Whether `p` holds for this term or a subterm.
    fn any(&self, p: &mut dyn FnMut(&T) -> bool) -> bool {
        if p(self) {
            return true;
        }
        match self {
            T::List(v, t) => v.iter().any(|e| e.any(p)) || t.any(p),
            T::Tuple(v) => v.iter().any(|e| e.any(p)),
            T::Map(kv) => kv.iter().any(|(k, v)| k.any(p) || v.any(p)),
            _ => false,
        }
    }
}

fn int(v: i64) -> T {
    T::Int(BigInt::from(v))
}

/// A map with distinct keys: -0.0 in keys becomes 0.0 (OTP 25 maps conflate them, unlike
/// `=:=` on containers in places), and later duplicates (by source text) are dropped.
fn map_of(kv: Vec<(T, T)>) -> T {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (k, v) in kv {
        let k = no_negzero(&k);
        if seen.insert(erl(&k)) {
            out.push((k, v));
        }
    }
    T::Map(out)
}

fn no_negzero(t: &T) -> T {
    match t {
        T::Float(f) if *f == 0.0 => T::Float(0.0),
        T::List(v, tl) => T::List(v.iter().map(no_negzero).collect(), Box::new(no_negzero(tl))),
        T::Tuple(v) => T::Tuple(v.iter().map(no_negzero).collect()),
        T::Map(kv) => map_of(kv.iter().map(|(k, v)| (k.clone(), no_negzero(v))).collect()),
        other => other.clone(),
    }
}

/// A map of more than 32 keys (a HAMT): integer keys from `offset`, some as floats.
fn big_map(offset: i64, n: usize, values: Vec<T>, seed: u64) -> T {
    let mut r = Rng(seed);
    let kv = (0..n)
        .map(|i| {
            let k = offset + i as i64 * (1 + (seed % 3) as i64);
            let key = match r.below(4) {
                0 => T::Float(k as f64),
                1 => T::Tuple(vec![int(k)]),
                _ => int(k),
            };
            (key, values[i % values.len().max(1)].clone())
        })
        .collect();
    map_of(kv)
}

fn leaf() -> impl Strategy<Value = T> {
    prop_oneof![
        3 => (-300i64..300).prop_map(int),
        1 => any::<i64>().prop_map(int),
        2 => (1usize..200, any::<u64>(), any::<bool>(), 0u8..6).prop_map(|(b, s, n, st)| T::Int(rand_big(b, s, n, st))),
        1 => edge_int().prop_map(T::Int),
        3 => arb_float().prop_map(T::Float),
        1 => (-300i64..300).prop_map(|v| T::Float(v as f64)),
        2 => proptest::sample::select(ATOMS).prop_map(T::Atom),
        1 => Just(T::Nil),
        2 => (proptest::collection::vec(any::<u8>(), 0..6), 0usize..8).prop_map(|(b, cut)| {
            let bits = if b.is_empty() { 0 } else { b.len() * 8 - cut };
            T::Bits(b, bits)
        }),
        1 => (0u32..40, prop_oneof![6 => Just(0u32), 1 => 1u32..3]).prop_map(|(n, s)| T::Pid(n, s)),
        // (the middle number 3 is not a valid local reference for list_to_ref/1)
        1 => (0u32..3, 0u32..3, 0u32..3).prop_map(|(a, b, c)| T::Ref(a, b, c)),
    ]
}

fn term() -> impl Strategy<Value = T> {
    leaf().prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            4 => (proptest::collection::vec(inner.clone(), 0..6), proptest::option::weighted(0.25, inner.clone()))
                .prop_map(|(v, t)| T::List(v, Box::new(t.unwrap_or(T::Nil)))),
            4 => proptest::collection::vec(inner.clone(), 0..6).prop_map(T::Tuple),
            2 => proptest::collection::vec((inner.clone(), inner.clone()), 0..5).prop_map(map_of),
            1 => (-100i64..100, 33usize..41, proptest::collection::vec(inner, 1..4), any::<u64>())
                .prop_map(|(o, n, v, s)| big_map(o, n, v, s)),
        ]
    })
}

/// `t` with every integer that a float represents exactly replaced by that float.
fn floatify(t: &T) -> T {
    match t {
        T::Int(v) => match v.to_f64() {
            Some(f) if f.is_finite() && BigInt::from_f64(f).as_ref() == Some(v) => T::Float(f),
            _ => t.clone(),
        },
        T::List(v, tl) => T::List(v.iter().map(floatify).collect(), Box::new(floatify(tl))),
        T::Tuple(v) => T::Tuple(v.iter().map(floatify).collect()),
        T::Map(kv) => map_of(kv.iter().map(|(k, v)| (floatify(k), floatify(v))).collect()),
        other => other.clone(),
    }
}

/// A near-miss variant of `t`: one small change somewhere inside.
fn mutate(t: &T, r: &mut Rng) -> T {
    match t {
        T::Int(v) => match r.below(6) {
            0 => T::Int(v + 1),
            1 => T::Int(v - 1),
            2 => T::Int(-v),
            3 => T::Int(v << 1),
            _ => floatify(t),
        },
        T::Float(f) => match r.below(6) {
            0 => T::Float(next_up(*f)),
            1 => T::Float(next_down(*f)),
            2 => T::Float(-*f),
            _ if f.trunc() == *f => T::Int(BigInt::from_f64(*f).unwrap()),
            _ => T::Float(f.trunc()),
        },
        T::Atom(_) => T::Atom(ATOMS[r.below(ATOMS.len())]),
        T::Nil => match r.below(3) {
            0 => T::Tuple(vec![]),
            1 => T::Bits(vec![], 0),
            _ => T::List(vec![T::Nil], Box::new(T::Nil)),
        },
        T::Bits(b, n) => {
            let (mut b, mut n) = (b.clone(), *n);
            match r.below(3) {
                0 if n > 0 => {
                    let i = r.below(n);
                    b[i / 8] ^= 0x80 >> (i % 8);
                }
                1 if n > 0 => {
                    n -= 1;
                    if n % 8 == 0 {
                        b.pop();
                    }
                }
                _ => {
                    if n % 8 == 0 {
                        b.push(0);
                    }
                    n += 1;
                    if r.next() & 1 == 1 {
                        b[(n - 1) / 8] |= 0x80 >> ((n - 1) % 8);
                    }
                }
            }
            // keep the unused low bits of the last byte zero
            if n % 8 != 0 {
                let last = b.len() - 1;
                b[last] &= 0xffu8 << (8 - n % 8);
            }
            T::Bits(b, n)
        }
        T::Pid(n, s) => match r.below(3) {
            0 => T::Pid(n + 1, *s),
            1 => T::Pid(n.saturating_sub(1), s + 1),
            _ => T::Pid(*n, s.saturating_sub(1)),
        },
        T::Ref(a, b, c) => match r.below(3) {
            0 => T::Ref(a + 1, *b, *c),
            1 => T::Ref(*a, (b + 1) % 3, *c),
            _ => T::Ref(*a, *b, c.saturating_sub(1)),
        },
        T::List(v, tl) => {
            let mut v = v.clone();
            let mut tl = (**tl).clone();
            match r.below(5) {
                0 if !v.is_empty() => {
                    v.remove(r.below(v.len()));
                }
                1 => v.push(T::Atom("a")),
                2 => tl = mutate(&tl, r),
                _ if !v.is_empty() => {
                    let i = r.below(v.len());
                    v[i] = mutate(&v[i], r);
                }
                _ => v.push(int(0)),
            }
            T::List(v, Box::new(tl))
        }
        T::Tuple(v) => {
            let mut v = v.clone();
            match r.below(4) {
                0 if !v.is_empty() => {
                    v.pop();
                }
                1 => v.push(T::Nil),
                _ if !v.is_empty() => {
                    let i = r.below(v.len());
                    v[i] = mutate(&v[i], r);
                }
                _ => v.push(int(1)),
            }
            T::Tuple(v)
        }
        T::Map(kv) => {
            let mut kv = kv.clone();
            match r.below(5) {
                0 if !kv.is_empty() => {
                    kv.remove(r.below(kv.len()));
                }
                1 => kv.push((int(r.below(50) as i64), T::Atom("a"))),
                2 if !kv.is_empty() => {
                    let i = r.below(kv.len());
                    kv[i].0 = mutate(&kv[i].0, r);
                }
                _ if !kv.is_empty() => {
                    let i = r.below(kv.len());
                    kv[i].1 = mutate(&kv[i].1, r);
                }
                _ => kv.push((T::Atom("k"), int(0))),
            }
            map_of(kv)
        }
    }
}

/// Base terms plus mutations and float versions of some of them, shuffled.
fn family(base: &[T], seed: u64, extra: usize) -> Vec<T> {
    let mut r = Rng(seed);
    let mut v: Vec<T> = base.to_vec();
    for _ in 0..extra {
        let mut t = base[r.below(base.len())].clone();
        for _ in 0..1 + r.below(2) {
            t = mutate(&t, &mut r);
        }
        v.push(t);
    }
    for _ in 0..extra / 3 {
        v.push(floatify(&base[r.below(base.len())]));
    }
    // an exact copy, so some pairs are =:=
    v.push(base[r.below(base.len())].clone());
    for i in (1..v.len()).rev() {
        v.swap(i, r.below(i + 1));
    }
    v
}

fn build(h: &mut Fragment, t: &T) -> Term {
    match t {
        T::Int(b) => terms::bignum(h, b),
        T::Float(f) => terms::float(h, *f),
        T::Atom(s) => atom::atom(s),
        T::Nil => Term::NIL,
        T::List(elems, tail) => {
            let tail = build(h, tail);
            let elems: Vec<Term> = elems.iter().map(|e| build(h, e)).collect();
            terms::list_with_tail(h, &elems, tail)
        }
        T::Tuple(elems) => {
            let elems: Vec<Term> = elems.iter().map(|e| build(h, e)).collect();
            terms::tuple(h, &elems)
        }
        T::Map(pairs) => {
            let pairs: Vec<(Term, Term)> = pairs.iter().map(|(k, v)| (build(h, k), build(h, v))).collect();
            map::from_pairs(h, &pairs)
        }
        T::Bits(bytes, bits) => terms::bitstring(h, bytes, *bits),
        T::Pid(n, s) => Term::pid((*s as u64) << 15 | *n as u64),
        T::Ref(a, b, c) => terms::reference(h, (*c as u128) | (*b as u128) << 32 | (*a as u128) << 64),
    }
}

// ---------------------------------------------------------------- writing as Erlang

/// A float literal that reads back as exactly `f` (the shortest round-trip digits).
fn erl_float(f: f64) -> String {
    let s = format!("{:e}", f);
    let (m, e) = s.split_once('e').unwrap();
    if m.contains('.') {
        format!("{}e{}", m, e)
    } else {
        format!("{}.0e{}", m, e)
    }
}

fn erl_bits(bytes: &[u8], bits: usize) -> String {
    let whole = bits / 8;
    let rest = bits % 8;
    let mut parts: Vec<String> = bytes[..whole].iter().map(|x| x.to_string()).collect();
    if rest > 0 {
        parts.push(format!("{}:{}", bytes[whole] >> (8 - rest), rest));
    }
    format!("<<{}>>", parts.join(","))
}

fn erl(t: &T) -> String {
    let mut s = String::new();
    erl_into(t, &mut s);
    s
}

fn erl_into(t: &T, out: &mut String) {
    match t {
        T::Int(v) => write!(out, "{}", v).unwrap(),
        T::Float(f) => out.push_str(&erl_float(*f)),
        T::Atom(a) => write!(out, "'{}'", a).unwrap(),
        T::Nil => out.push_str("[]"),
        T::List(v, tl) => {
            if v.is_empty() {
                return erl_into(tl, out);
            }
            out.push('[');
            for (i, e) in v.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                erl_into(e, out);
            }
            if !matches!(**tl, T::Nil) {
                out.push('|');
                erl_into(tl, out);
            }
            out.push(']');
        }
        T::Tuple(v) => {
            out.push('{');
            for (i, e) in v.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                erl_into(e, out);
            }
            out.push('}');
        }
        T::Map(kv) => {
            out.push_str("#{");
            for (i, (k, v)) in kv.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                erl_into(k, out);
                out.push_str("=>");
                erl_into(v, out);
            }
            out.push('}');
        }
        T::Bits(b, n) => out.push_str(&erl_bits(b, *n)),
        T::Pid(n, s) => write!(out, "list_to_pid(\"<0.{}.{}>\")", n, s).unwrap(),
        T::Ref(a, b, c) => write!(out, "list_to_ref(\"#Ref<0.{}.{}.{}>\")", a, b, c).unwrap(),
    }
}

// ================================================================ 1. the VM's own order

fn check_order_laws(ts: &[T]) -> Result<(), TestCaseError> {
    let mut h = Fragment::with_capacity(1 << 21);
    let a: Vec<Term> = ts.iter().map(|t| build(&mut h, t)).collect();
    let copies: Vec<Term> = ts.iter().map(|t| build(&mut h, t)).collect();
    let n = a.len();
    let ord = |i: usize, j: usize| cmp(a[i], a[j]);
    let ordx = |i: usize, j: usize| compare(a[i], a[j], Mode::Exact);
    for i in 0..n {
        // reflexive, also for a structurally equal copy at another address
        prop_assert_eq!(ord(i, i), Ordering::Equal, "cmp(T, T) for {}", erl(&ts[i]));
        prop_assert!(eq_exact(a[i], copies[i]), "T =:= copy of T for {}", erl(&ts[i]));
        prop_assert!(eq(a[i], copies[i]), "T == copy of T for {}", erl(&ts[i]));
        prop_assert_eq!(cmp(a[i], copies[i]), Ordering::Equal, "cmp(T, copy) for {}", erl(&ts[i]));
        for j in 0..n {
            let (o, ox) = (ord(i, j), ordx(i, j));
            let ctx = || format!("A = {}\nB = {}", erl(&ts[i]), erl(&ts[j]));
            // antisymmetry (and totality: exactly one of <, ==, > holds, both ways round)
            prop_assert_eq!(ord(j, i), o.reverse(), "cmp antisymmetry\n{}", ctx());
            prop_assert_eq!(ordx(j, i), ox.reverse(), "exact compare antisymmetry\n{}", ctx());
            prop_assert_eq!(cmp(a[i], copies[j]), o, "cmp of a copy\n{}", ctx());
            // == is compare == Equal; =:= is exact compare == Equal; =:= implies ==
            prop_assert_eq!(eq(a[i], a[j]), o == Ordering::Equal, "== vs cmp\n{}", ctx());
            prop_assert_eq!(eq_exact(a[i], a[j]), ox == Ordering::Equal, "=:= vs exact compare\n{}", ctx());
            if eq_exact(a[i], a[j]) {
                prop_assert!(eq(a[i], a[j]), "=:= without ==\n{}", ctx());
            }
            // the arithmetic compare of small integers agrees with the generic path
            prop_assert_eq!(compare(a[i], a[j], Mode::Arith), o, "cmp fast path vs compare\n{}", ctx());
        }
    }
    // transitivity on all triples, in both modes
    for (mode, name) in [(Mode::Arith, "cmp"), (Mode::Exact, "exact compare")] {
        let c = |i: usize, j: usize| compare(a[i], a[j], mode);
        for i in 0..n {
            for j in 0..n {
                let ij = c(i, j);
                if ij == Ordering::Greater {
                    continue;
                }
                for k in 0..n {
                    let jk = c(j, k);
                    if jk == Ordering::Greater {
                        continue;
                    }
                    let ik = c(i, k);
                    let want = if ij == Ordering::Less || jk == Ordering::Less { Ordering::Less } else { Ordering::Equal };
                    prop_assert_eq!(
                        ik,
                        want,
                        "{} transitivity: A {:?} B, B {:?} C\nA = {}\nB = {}\nC = {}",
                        name,
                        ij,
                        jk,
                        erl(&ts[i]),
                        erl(&ts[j]),
                        erl(&ts[k])
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_shrink_iters: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn vm_term_order_is_a_total_order(base in proptest::collection::vec(term(), 2..6), seed in any::<u64>()) {
        let ts = family(&base, seed, 6);
        check_order_laws(&ts)?;
    }

    #[test]
    fn vm_number_order_is_a_total_order(
        ints in proptest::collection::vec(arb_int(300), 2..6),
        floats in proptest::collection::vec(arb_float(), 1..5),
        seed in any::<u64>(),
    ) {
        let mut base: Vec<T> = ints.into_iter().map(T::Int).collect();
        base.extend(floats.into_iter().map(T::Float));
        let ts = family(&base, seed, 6);
        check_order_laws(&ts)?;
    }
}

// ================================================================ running erl and beamos

/// Compiles the modules (name, source) into one fresh directory with one erlc call.
fn compile_all(tag: &str, modules: &[(String, String)]) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("beamos-props-{}-{}", tag, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new("erlc");
    cmd.current_dir(&dir).arg("-o").arg(&dir);
    for (name, src) in modules {
        let path = dir.join(format!("{}.erl", name));
        std::fs::write(&path, src).unwrap();
        cmd.arg(path);
    }
    match cmd.output() {
        Ok(o) if o.status.success() => Some(dir),
        Ok(o) => panic!("erlc failed: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("SKIPPED: erlc not found; install erlang-nox to run this test");
            None
        }
    }
}

/// Each module's `main/0` output under erl, from one erl run.
fn run_erl(dir: &Path, names: &[String]) -> Option<Vec<String>> {
    let mut eval = String::new();
    for n in names {
        write!(eval, "erlang:display('=====BATCH {}'), {}:main(), ", n, n).unwrap();
    }
    eval.push_str("erlang:display('=====END'), halt().");
    let out = match Command::new("erl").current_dir(dir).arg("-noshell").arg("-pa").arg(dir).arg("-eval").arg(&eval).output() {
        Ok(o) => o,
        Err(_) => {
            eprintln!("SKIPPED: erl not found; install erlang-nox to run this test");
            return None;
        }
    };
    assert!(out.status.success(), "erl failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let mut per: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("'=====BATCH ") {
            per.push(String::new());
        } else if line.starts_with("'=====END'") {
            break;
        } else {
            per.last_mut().expect("output before the first batch").push_str(line);
        }
    }
    assert_eq!(per.len(), names.len(), "erl ran every batch");
    Some(per)
}

/// A module's `main/0` output under beamos, or the reason it did not finish with `ok`.
fn run_ours(dir: &Path, name: &str) -> Result<String, String> {
    if let Ok(bin) = std::env::var("BEAMOS_BIN") {
        let out = Command::new(&bin)
            .args(["-noshell", "-pa"])
            .arg(dir)
            .args(["-s", name, "main", "-s", "init", "stop"])
            .output()
            .map_err(|e| format!("{}: {}", bin, e))?;
        let s = String::from_utf8_lossy(&out.stdout).into_owned();
        return if out.status.success() { Ok(s) } else { Err(format!("exit {}: {}", out.status, String::from_utf8_lossy(&out.stderr))) };
    }
    let beam = std::fs::read(dir.join(format!("{}.beam", name))).unwrap();
    let (platform, out) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    for p in common::otp_paths() {
        vm.add_code_path(&p);
    }
    vm.load_module(&beam).map_err(|e| format!("load: {:?}", e))?;
    let pid = vm.spawn_mfa(name, "main", &[]).map_err(|e| format!("spawn: {:?}", e))?;
    let end = vm.run();
    let text = String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
    let result = vm.result_string(pid).unwrap_or_default();
    if end != RunEnd::Idle || result != "ok" {
        return Err(format!("main() ended with {} ({:?}); output so far:\n{}", result, end, text));
    }
    Ok(text)
}

/// One line that differs between erl and beamos.
struct Mismatch {
    what: String,
    erl: String,
    ours: String,
}

fn cut(s: &str) -> String {
    if s.chars().count() > 700 {
        format!("{}...", s.chars().take(700).collect::<String>())
    } else {
        s.to_string()
    }
}

fn report(what: &str, total_lines: usize, mismatches: &[Mismatch]) {
    eprintln!("{}: {} lines compared, {} differ", what, total_lines, mismatches.len());
    if mismatches.is_empty() {
        return;
    }
    let mut msg = format!("{}: {} lines differ from erl's\n", what, mismatches.len());
    for m in mismatches.iter().take(25) {
        write!(msg, "\n{}\n  erl:    {}\n  beamos: {}\n", cut(&m.what), cut(&m.erl), cut(&m.ours)).unwrap();
    }
    panic!("{}", msg);
}

// ================================================================ 2. term order against erl

const ORDER_BATCHES: usize = 16;

fn order_module(name: &str, ts: &[T]) -> String {
    let mut s = String::new();
    writeln!(s, "-module({}).\n-export([main/0]).\n", name).unwrap();
    s.push_str("terms() -> [\n");
    for (i, t) in ts.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        erl_into(t, &mut s);
    }
    s.push_str("].\n\n");
    s.push_str(
        r#"idx(Sorted, L) -> [idx1(X, L, 0) || X <- Sorted].
idx1(X, [Y | T], I) -> case X =:= Y of true -> I; false -> idx1(X, T, I + 1) end.

pairs([A, B | T]) ->
    erlang:display({A < B, A == B, A =:= B, A =< B, A >= B, A > B, A /= B, A =/= B,
                    erlang:min(A, B) =:= A, erlang:max(A, B) =:= A}),
    pairs([B | T]);
pairs(_) -> ok.

main() ->
    L = terms(),
    S = lists:sort(L),
    erlang:display(idx(S, L)),
    erlang:display(idx(lists:sort(fun(A, B) -> A =< B end, L), L)),
    erlang:display(idx(lists:usort(L), L)),
    Small = lists:sublist(L, 30),
    erlang:display(idx(maps:keys(maps:from_list([{X, 1} || X <- Small])), Small)),
    pairs(L),
    pairs(S),
    ok.
"#,
    );
    s
}

fn parse_idx(line: &str) -> Vec<usize> {
    line.trim().trim_start_matches('[').trim_end_matches(']').split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

#[test]
fn term_order_matches_erl() {
    let seed = seed();
    let mut r = runner(seed, 1);
    let strat = (proptest::collection::vec(term(), 18..26), any::<u64>());
    let mut gaps = GapCounts::new();
    let mut batches: Vec<Vec<T>> = Vec::new();
    for _ in 0..ORDER_BATCHES {
        let (base, s) = sample(&mut r, &strat);
        let ts: Vec<T> = family(&base, s, 24).into_iter().filter(|t| !gaps.term_excluded(t)).collect();
        batches.push(ts);
    }
    gaps.report("term_order_matches_erl");
    let names: Vec<String> = (0..batches.len()).map(|i| format!("props_order_{}", i)).collect();
    let modules: Vec<(String, String)> = names.iter().zip(&batches).map(|(n, ts)| (n.clone(), order_module(n, ts))).collect();
    let Some(dir) = compile_all("order", &modules) else { return };
    let Some(expected) = run_erl(&dir, &names) else { return };
    let mut mismatches = Vec::new();
    let mut lines = 0;
    for ((name, ts), exp) in names.iter().zip(&batches).zip(&expected) {
        let ours = match run_ours(&dir, name) {
            Ok(o) => o,
            Err(e) => {
                mismatches.push(Mismatch { what: format!("{}: main() failed", name), erl: "ok".into(), ours: e });
                continue;
            }
        };
        let (el, ol): (Vec<&str>, Vec<&str>) = (exp.lines().collect(), ours.lines().collect());
        let n = ts.len();
        let sorted = parse_idx(el.first().copied().unwrap_or(""));
        lines += el.len();
        for i in 0..el.len().max(ol.len()) {
            let (e, o) = (el.get(i).copied().unwrap_or("<none>"), ol.get(i).copied().unwrap_or("<none>"));
            if e == o {
                continue;
            }
            let what = match i {
                0..=3 => {
                    let label = ["lists:sort/1", "lists:sort/2 with =<", "lists:usort/1", "maps:keys/1 of the first 30"][i];
                    let (ei, oi) = (parse_idx(e), parse_idx(o));
                    let p = ei.iter().zip(&oi).position(|(a, b)| a != b).unwrap_or(ei.len().min(oi.len()));
                    let show = |v: &[usize], k: usize| v.get(k).map_or("<end>".to_string(), |&x| format!("#{} {}", x, erl(&ts[x])));
                    format!(
                        "{} {}: first difference at position {}\n  erl has    {}\n  beamos has {}\n  (after {})",
                        name,
                        label,
                        p,
                        show(&ei, p),
                        show(&oi, p),
                        if p > 0 { show(&ei, p - 1) } else { "nothing".into() }
                    )
                }
                _ => {
                    let k = i - 4;
                    let (a, b) = if k < n - 1 {
                        (&ts[k], &ts[k + 1])
                    } else {
                        let k = k - (n - 1);
                        (&ts[sorted[k]], &ts[sorted[k + 1]])
                    };
                    format!(
                        "{} line {}: {{A < B, A == B, A =:= B, A =< B, A >= B, A > B, A /= B, A =/= B, min(A,B) =:= A, max(A,B) =:= A}}\n  A = {}\n  B = {}",
                        name,
                        i + 1,
                        erl(a),
                        erl(b)
                    )
                }
            };
            mismatches.push(Mismatch { what, erl: e.into(), ours: o.into() });
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    report("term_order_matches_erl", lines, &mismatches);
}

// ================================================================ 3. bignum arithmetic against erl

/// An argument of an arithmetic case.
#[derive(Clone, Debug)]
enum Arg {
    I(BigInt),
    F(f64),
    /// A string (a list of characters), for `list_to_integer`.
    S(String),
    /// An atom (the operator of `apply`).
    A(&'static str),
    L(Vec<Arg>),
}

/// One expression: an operation of [`EV`] and its arguments.
#[derive(Clone, Debug)]
struct Case {
    op: &'static str,
    args: Vec<Arg>,
}

impl Case {
    fn new(op: &'static str, args: Vec<Arg>) -> Case {
        Case { op, args }
    }
    #[allow(dead_code, reason = "for arithmetic gap predicates")]
    fn int(&self, i: usize) -> Option<&BigInt> {
        match self.args.get(i) {
            Some(Arg::I(v)) => Some(v),
            _ => None,
        }
    }
    /// The expression as Erlang, for reports.
    fn text(&self) -> String {
        let a: Vec<String> = self.args.iter().map(arg_src).collect();
        let bin = |o: &str| format!("({}) {} ({})", a[0], o, a[1]);
        match self.op {
            "add" => bin("+"),
            "sub" => bin("-"),
            "mul" => bin("*"),
            "idiv" => bin("div"),
            "irem" => bin("rem"),
            "band" => bin("band"),
            "bor" => bin("bor"),
            "bxor" => bin("bxor"),
            "bsl" => bin("bsl"),
            "bsr" => bin("bsr"),
            "fdiv" => bin("/"),
            "bnot" => format!("bnot ({})", a[0]),
            "neg" => format!("-({})", a[0]),
            "apply" => format!("erlang:apply(erlang, {}, {})", a[0], a[1]),
            "itl" => format!("integer_to_list({}, {})", a[0], a[1]),
            "itl1" => format!("integer_to_list({})", a[0]),
            "itb" => format!("integer_to_binary({}, {})", a[0], a[1]),
            "lti" => format!("list_to_integer({}, {})", a[0], a[1]),
            "lti1" => format!("list_to_integer({})", a[0]),
            "bti" => format!("binary_to_integer(list_to_binary({}), {})", a[0], a[1]),
            "cmp" => format!("{{A < F, A == F, A =:= F, A > F, A =< F, A >= F, F < A, F == A, A /= F, A =/= F, lists:sort([F, A]), max(A, F) =:= A}} with A = {}, F = {}", a[0], a[1]),
            "phash" => format!("{{erlang:phash2(A), erlang:phash2(A, 1 bsl 32), erlang:phash2({{A, [A]}}, 1000), erlang:phash(A, 1 bsl 32)}} with A = {}", a[0]),
            op => format!("{}({})", op, a.join(", ")),
        }
    }
}

fn arg_src(a: &Arg) -> String {
    match a {
        Arg::I(v) => v.to_string(),
        Arg::F(f) => erl_float(*f),
        Arg::S(s) => format!("\"{}\"", s),
        Arg::A(s) => format!("'{}'", s),
        Arg::L(v) => format!("[{}]", v.iter().map(arg_src).collect::<Vec<_>>().join(", ")),
    }
}

/// The evaluator: one clause per operation; the operands are data, so erlc cannot fold.
const EV: &str = r#"
ev('add', [A, B]) -> A + B;
ev('sub', [A, B]) -> A - B;
ev('mul', [A, B]) -> A * B;
ev('idiv', [A, B]) -> A div B;
ev('irem', [A, B]) -> A rem B;
ev('band', [A, B]) -> A band B;
ev('bor', [A, B]) -> A bor B;
ev('bxor', [A, B]) -> A bxor B;
ev('bsl', [A, B]) -> A bsl B;
ev('bsr', [A, B]) -> A bsr B;
ev('fdiv', [A, B]) -> A / B;
ev('bnot', [A]) -> bnot A;
ev('neg', [A]) -> -A;
ev('abs', [A]) -> abs(A);
ev('apply', [Op, Args]) -> erlang:apply(erlang, Op, Args);
ev('itl', [A, B]) -> integer_to_list(A, B);
ev('itl1', [A]) -> integer_to_list(A);
ev('itb', [A, B]) -> integer_to_binary(A, B);
ev('lti', [S, B]) -> list_to_integer(S, B);
ev('lti1', [S]) -> list_to_integer(S);
ev('bti', [S, B]) -> binary_to_integer(list_to_binary(S), B);
ev('float', [A]) -> float(A);
ev('trunc', [F]) -> trunc(F);
ev('round', [F]) -> round(F);
ev('ceil', [F]) -> ceil(F);
ev('floor', [F]) -> floor(F);
ev('cmp', [A, F]) ->
    {A < F, A == F, A =:= F, A > F, A =< F, A >= F, F < A, F == A, A /= F, A =/= F,
     lists:sort([F, A]), max(A, F) =:= A};
ev('phash', [A]) ->
    {erlang:phash2(A), erlang:phash2(A, 1 bsl 32), erlang:phash2({A, [A]}, 1000), erlang:phash(A, 1 bsl 32)}.

run(Op, Args) -> try ev(Op, Args) catch C:R -> {error, C, R} end.

show(F) when is_float(F) -> <<B:64>> = <<F/float>>, {float, B};
show(T) when is_tuple(T) -> list_to_tuple([show(X) || X <- tuple_to_list(T)]);
show([H | T]) -> [show(H) | show(T)];
show(X) -> X.

main() ->
    lists:foreach(fun({Op, Args}) -> erlang:display(show(run(Op, Args))) end, cases()),
    ok.
"#;

fn ints_case(op: &'static str, a: BigInt, b: BigInt) -> Case {
    Case::new(op, vec![Arg::I(a), Arg::I(b)])
}

/// Shift amounts: moderate both ways, and huge (erl gives 0, -1 or system_limit).
fn shift_amount() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        6 => (-2100i64..2100).prop_map(BigInt::from),
        2 => proptest::sample::select(vec![0i64, 1, -1, 59, 60, 63, 64, 65, -59, -60, -63, -64, -65, 1 << 40, -(1 << 40), 1 << 59, -(1 << 59), i64::MAX, i64::MIN])
            .prop_map(BigInt::from),
        1 => (proptest::sample::select(vec![64usize, 70, 200]), any::<bool>()).prop_map(|(k, n)| {
            let v = BigInt::one() << k;
            if n { -v } else { v }
        }),
    ]
}

/// A string of `v` in `base`, maybe with a sign, leading zeros, mixed case or a bad character.
fn int_string(v: &BigInt, base: u32, style: u8, seed: u64) -> String {
    let mut r = Rng(seed);
    let digits = v.magnitude().to_str_radix(base);
    let mut d: String = digits.chars().map(|c| if r.next() & 1 == 0 { c.to_ascii_uppercase() } else { c }).collect();
    match style {
        1 => d = format!("{}{}", "0".repeat(1 + r.below(30)), d),
        2 => {
            // a character that is not a digit of this base
            let bad = ['_', '.', ' ', 'z', '9', '1', '+'][r.below(7)];
            let i = r.below(d.len() + 1);
            d.insert(i, bad);
        }
        3 => d = String::new(),
        _ => {}
    }
    let sign = if v.is_negative() { "-" } else if style == 4 { "+" } else { "" };
    format!("{}{}", sign, d)
}

fn base() -> impl Strategy<Value = u32> {
    prop_oneof![10 => 2u32..=36, 1 => proptest::sample::select(vec![0u32, 1, 37, 100])]
}

/// A float near an integer: nearest, one ulp away, or exactly equal (m * 2^k).
fn int_float_pair() -> impl Strategy<Value = (BigInt, f64)> {
    prop_oneof![
        (arb_int(1100), 0u8..4, arb_float()).prop_map(|(a, style, rf)| {
            let f = a.to_f64().unwrap_or(f64::INFINITY);
            let f = if f.is_finite() { f } else if a.is_negative() { f64::MIN } else { f64::MAX };
            let f = match style {
                0 => f,
                1 => next_up(f),
                2 => next_down(f),
                _ => rf,
            };
            (a, if f.is_finite() { f } else { 0.0 })
        }),
        ((-(1i64 << 53)..(1i64 << 53)), 0i32..971, -1i64..=1).prop_map(|(m, k, d)| {
            let a = (BigInt::from(m) << k as usize) + d;
            (a, m as f64 * pow2f(k))
        }),
    ]
}

fn arith_case() -> impl Strategy<Value = Case> {
    let i = || arb_int(2000);
    let divisor = || prop_oneof![6 => arb_int(2000), 3 => arb_int(130), 1 => Just(BigInt::zero())];
    let binop = proptest::sample::select(vec!["add", "sub", "mul", "band", "bor", "bxor"]);
    prop_oneof![
        12 => (binop, i(), i()).prop_map(|(op, a, b)| ints_case(op, a, b)),
        // a - a, a + (-a), a band (bnot a) ...: results near zero
        2 => (binop_sel(), i()).prop_map(|(op, a)| ints_case(op, a.clone(), if op == "add" { -a } else { a })),
        6 => (proptest::sample::select(vec!["idiv", "irem"]), i(), divisor()).prop_map(|(op, a, b)| ints_case(op, a, b)),
        5 => (proptest::sample::select(vec!["bsl", "bsr"]), i(), shift_amount()).prop_map(|(op, a, s)| ints_case(op, a, s)),
        3 => (proptest::sample::select(vec!["bnot", "neg", "abs"]), i()).prop_map(|(op, a)| Case::new(op, vec![Arg::I(a)])),
        2 => (proptest::sample::select(vec!["+", "-", "*", "div", "rem", "band", "bor", "bxor", "bsl", "bsr"]), arb_int(300), arb_int(300))
            .prop_map(|(op, a, b)| {
                let b = if op == "bsl" || op == "bsr" { b % 700 } else { b };
                Case::new("apply", vec![Arg::A(op), Arg::L(vec![Arg::I(a), Arg::I(b)])])
            }),
        2 => (arb_int(1200), prop_oneof![arb_int(1200), Just(BigInt::zero())]).prop_map(|(a, b)| ints_case("fdiv", a, b)),
        3 => (i(), base()).prop_map(|(a, b)| Case::new("itl", vec![Arg::I(a), Arg::I(b.into())])),
        1 => i().prop_map(|a| Case::new("itl1", vec![Arg::I(a)])),
        1 => (i(), base()).prop_map(|(a, b)| Case::new("itb", vec![Arg::I(a), Arg::I(b.into())])),
        3 => (i(), 2u32..=36, base(), 0u8..8, any::<u64>()).prop_map(|(a, digits_base, b, style, s)| {
            // mostly the string's own base; sometimes another one
            let b = if style < 6 { digits_base } else { b };
            Case::new("lti", vec![Arg::S(int_string(&a, digits_base, style, s)), Arg::I(b.into())])
        }),
        1 => (i(), 0u8..8, any::<u64>()).prop_map(|(a, style, s)| Case::new("lti1", vec![Arg::S(int_string(&a, 10, style, s))])),
        1 => (i(), 2u32..=36, 0u8..8, any::<u64>()).prop_map(|(a, b, style, s)| {
            Case::new("bti", vec![Arg::S(int_string(&a, b, style, s)), Arg::I(b.into())])
        }),
        4 => arb_int(1100).prop_map(|a| Case::new("float", vec![Arg::I(a)])),
        4 => (proptest::sample::select(vec!["trunc", "round", "ceil", "floor"]), arb_float()).prop_map(|(op, f)| Case::new(op, vec![Arg::F(f)])),
        5 => int_float_pair().prop_map(|(a, f)| Case::new("cmp", vec![Arg::I(a), Arg::F(f)])),
        2 => (proptest::sample::select(vec!["add", "sub", "mul", "fdiv"]), int_float_pair(), any::<bool>()).prop_map(|(op, (a, f), swap)| {
            if swap {
                Case::new(op, vec![Arg::F(f), Arg::I(a)])
            } else {
                Case::new(op, vec![Arg::I(a), Arg::F(f)])
            }
        }),
        2 => i().prop_map(|a| Case::new("phash", vec![Arg::I(a)])),
    ]
}

fn binop_sel() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec!["add", "sub", "band", "bor", "bxor"])
}

/// Cases in every batch: the boundaries the brief names.
fn fixed_cases() -> Vec<Case> {
    let p = |k: usize| BigInt::one() << k;
    let mut v = vec![
        Case::new("cmp", vec![Arg::I(p(70)), Arg::F(1.0e21)]),
        Case::new("cmp", vec![Arg::I(p(1024)), Arg::F(f64::MAX)]),
        Case::new("cmp", vec![Arg::I(-p(1024)), Arg::F(f64::MIN)]),
        Case::new("cmp", vec![Arg::I(p(53) + 1), Arg::F(9007199254740992.0)]),
        Case::new("cmp", vec![Arg::I(p(59) - 1), Arg::F(pow2f(59))]),
        Case::new("cmp", vec![Arg::I(-p(59)), Arg::F(-pow2f(59))]),
        Case::new("cmp", vec![Arg::I(p(64)), Arg::F(pow2f(64))]),
        Case::new("float", vec![Arg::I(p(1024))]),
        Case::new("float", vec![Arg::I(p(1024) - 1)]),
        Case::new("float", vec![Arg::I(p(53) + 1)]),
        Case::new("float", vec![Arg::I(p(53) + 3)]),
        Case::new("float", vec![Arg::I(p(1023) + p(970) - 1)]),
        Case::new("float", vec![Arg::I(p(1023) + p(970))]),
        Case::new("float", vec![Arg::I(p(1023) + p(970) + 1)]),
        ints_case("idiv", p(100), BigInt::zero()),
        ints_case("irem", p(100), BigInt::zero()),
        ints_case("idiv", BigInt::from(5), BigInt::zero()),
        ints_case("bsl", BigInt::one(), p(70)),
        ints_case("bsl", BigInt::zero(), p(70)),
        ints_case("bsr", -p(100), p(70)),
        ints_case("bsr", p(100), p(70)),
        ints_case("bsl", -p(100), -p(70)),
        ints_case("fdiv", p(1030), BigInt::one()),
        ints_case("fdiv", p(1030), p(1029)),
        Case::new("trunc", vec![Arg::F(1.0e300)]),
        Case::new("round", vec![Arg::F(-2.5)]),
        Case::new("round", vec![Arg::F(4503599627370495.5)]),
        Case::new("itl", vec![Arg::I(-p(200) + 1), Arg::I(36.into())]),
        Case::new("lti", vec![Arg::S("-zZ".into()), Arg::I(36.into())]),
    ];
    for k in [58usize, 59, 60, 63, 64] {
        for d in [-1i64, 0, 1] {
            v.push(Case::new("neg", vec![Arg::I(p(k) + d)]));
            v.push(Case::new("abs", vec![Arg::I(-p(k) + d)]));
            v.push(ints_case("add", p(k) + d, BigInt::from(1)));
            v.push(ints_case("sub", -p(k) + d, BigInt::from(1)));
            v.push(ints_case("mul", p(k / 2) + d, p(k - k / 2)));
            v.push(ints_case("idiv", -p(k) + d, BigInt::from(-1)));
        }
    }
    v
}

fn arith_module(name: &str, cases: &[Case]) -> String {
    let mut s = String::new();
    writeln!(s, "-module({}).\n-export([main/0]).\n-compile(nowarn_deprecated_function).\n", name).unwrap();
    s.push_str("cases() -> [\n");
    for (i, c) in cases.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        write!(s, "{{'{}', [{}]}}", c.op, c.args.iter().map(arg_src).collect::<Vec<_>>().join(", ")).unwrap();
    }
    s.push_str("].\n");
    s.push_str(EV);
    s
}

const ARITH_BATCHES: usize = 8;
const ARITH_CASES: usize = 600;

#[test]
fn bignum_arithmetic_matches_erl() {
    let seed = seed();
    let mut r = runner(seed, 2);
    let strat = arith_case();
    let mut gaps = GapCounts::new();
    let mut batches: Vec<Vec<Case>> = Vec::new();
    for b in 0..ARITH_BATCHES {
        let mut cases = if b == 0 { fixed_cases() } else { Vec::new() };
        for _ in 0..ARITH_CASES {
            cases.push(sample(&mut r, &strat));
        }
        cases.retain(|c| !gaps.case_excluded(c));
        batches.push(cases);
    }
    gaps.report("bignum_arithmetic_matches_erl");
    let names: Vec<String> = (0..batches.len()).map(|i| format!("props_arith_{}", i)).collect();
    let modules: Vec<(String, String)> = names.iter().zip(&batches).map(|(n, c)| (n.clone(), arith_module(n, c))).collect();
    let Some(dir) = compile_all("arith", &modules) else { return };
    let Some(expected) = run_erl(&dir, &names) else { return };
    let mut mismatches = Vec::new();
    let mut lines = 0;
    for ((name, cases), exp) in names.iter().zip(&batches).zip(&expected) {
        let ours = match run_ours(&dir, name) {
            Ok(o) => o,
            Err(e) => {
                mismatches.push(Mismatch { what: format!("{}: main() failed", name), erl: "ok".into(), ours: e });
                continue;
            }
        };
        let (el, ol): (Vec<&str>, Vec<&str>) = (exp.lines().collect(), ours.lines().collect());
        assert_eq!(el.len(), cases.len(), "erl printed one line per case");
        lines += el.len();
        for (i, c) in cases.iter().enumerate() {
            let (e, o) = (el[i], ol.get(i).copied().unwrap_or("<none>"));
            if e != o {
                mismatches.push(Mismatch { what: format!("{} case {}: {}", name, i, c.text()), erl: e.into(), ours: o.into() });
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    report("bignum_arithmetic_matches_erl", lines, &mismatches);
}

// ================================================================ 4. the BIFs against num-bigint

/// `x` in two's complement over `n` 64-bit limbs (little-endian).
fn twos(x: &BigInt, n: usize) -> Vec<u64> {
    let m = BigInt::one() << (64 * n);
    let u = if x.is_negative() { &m + x } else { x.clone() };
    let mut v = u.to_biguint().unwrap().to_u64_digits();
    v.resize(n, 0);
    v
}

fn from_twos(v: &[u64]) -> BigInt {
    let u = BigInt::from_biguint(Sign::Plus, BigUint::from_slice(&v.iter().flat_map(|&l| [l as u32, (l >> 32) as u32]).collect::<Vec<_>>()));
    if v.last().is_some_and(|&l| l >> 63 == 1) {
        u - (BigInt::one() << (64 * v.len()))
    } else {
        u
    }
}

fn bitwise(a: &BigInt, b: &BigInt, f: fn(u64, u64) -> u64) -> BigInt {
    let n = (a.bits().max(b.bits()) as usize) / 64 + 2;
    let (x, y) = (twos(a, n), twos(b, n));
    from_twos(&x.iter().zip(&y).map(|(&p, &q)| f(p, q)).collect::<Vec<_>>())
}

fn call(p: &mut Process, vm: &Vm, name: &str, args: &[Term]) -> Result<Term, Exc> {
    let f = bif::lookup(atom::atom("erlang"), atom::atom(name), args.len() as u32).unwrap_or_else(|| panic!("erlang:{}/{}", name, args.len()));
    let mut ctx = Ctx { proc: p, vm };
    f(&mut ctx, args)
}

fn is_error(r: &Result<Term, Exc>, reason: &str) -> bool {
    matches!(r, Err(Exc::Error(t)) if *t == atom::atom(reason))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, max_shrink_iters: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arith_bifs_agree_with_num_bigint(a in arb_int(1100), b in arb_int(1100), s in -1500i64..1500) {
        let (platform, _) = common::TestPlatform::new();
        let vm = Vm::new(Box::new(platform));
        let mut p = Process::new(0, Default::default());
        let mut h = Fragment::with_capacity(1 << 12);
        let (ta, tb, ts) = (terms::bignum(&mut h, &a), terms::bignum(&mut h, &b), terms::int(&mut h, s));
        let expect: Vec<(&str, Vec<Term>, Option<BigInt>)> = vec![
            ("+", vec![ta, tb], Some(&a + &b)),
            ("-", vec![ta, tb], Some(&a - &b)),
            ("*", vec![ta, tb], Some(&a * &b)),
            // truncating division; the remainder takes the dividend's sign
            ("div", vec![ta, tb], if b.is_zero() { None } else {
                let q = a.abs().div_floor(&b.abs());
                Some(if a.is_negative() != b.is_negative() { -q } else { q })
            }),
            ("rem", vec![ta, tb], if b.is_zero() { None } else {
                let r = a.abs().mod_floor(&b.abs());
                Some(if a.is_negative() { -r } else { r })
            }),
            ("band", vec![ta, tb], Some(bitwise(&a, &b, |x, y| x & y))),
            ("bor", vec![ta, tb], Some(bitwise(&a, &b, |x, y| x | y))),
            ("bxor", vec![ta, tb], Some(bitwise(&a, &b, |x, y| x ^ y))),
            ("bnot", vec![ta], Some(bitwise(&a, &BigInt::zero(), |x, _| !x))),
            ("-", vec![ta], Some(-&a)),
            ("abs", vec![ta], Some(a.abs())),
            ("bsl", vec![ta, ts], Some(if s >= 0 { &a * (BigInt::one() << s as usize) } else { a.div_floor(&(BigInt::one() << (-s) as usize)) })),
            ("bsr", vec![ta, ts], Some(if s <= 0 { &a * (BigInt::one() << (-s) as usize) } else { a.div_floor(&(BigInt::one() << s as usize)) })),
        ];
        for (name, args, want) in expect {
            let got = call(&mut p, &vm, name, &args);
            let what = || format!("erlang:'{}'({})", name, args.iter().map(|t| terms::to_bigint(*t).unwrap().to_string()).collect::<Vec<_>>().join(", "));
            match want {
                Some(w) => {
                    let t = got.map_err(|e| format!("{:?}", e));
                    prop_assert!(t.is_ok(), "{} raised {:?}", what(), t);
                    let t = t.unwrap();
                    prop_assert_eq!(terms::to_bigint(t), Some(w.clone()), "{}", what());
                    // canonical: small when it fits a small
                    let fits = w.to_i64().is_some_and(|v| (beamos_gc::term::MIN_SMALL..=beamos_gc::term::MAX_SMALL).contains(&v));
                    prop_assert_eq!(t.as_small().is_some(), fits, "{}: small/big representation", what());
                }
                None => prop_assert!(is_error(&got, "badarith"), "{} should raise badarith", what()),
            }
        }
    }
}
