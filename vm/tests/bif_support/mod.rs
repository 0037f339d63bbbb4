//! Differential harness for BIF tests: the same table of calls runs on erl and on our BIFs.
//!
//! A case is an Erlang term, as text:
//!
//! ```text
//! Case := Call | {shape, Call} | {near, Tolerance, Call} | {ulps, N, Call}
//! Call := {Module, Function, Args} | {pipe, Call, Module, Function}
//! ```
//!
//! `{pipe, C, M, F}` calls `M:F(Result of C)`. In `Args` (and lists in them), `{'$cp', P}` stands for
//! `binary:compile_pattern(P)` and `{'$unaligned', B}` for a sub-binary with B's bits that
//! starts one bit into its binary. A call ends as `{ok, Value}` or `{Class, Reason}`;
//! `{shape, C}` compares only the shape (integers become `int`, floats `float`, binaries
//! `binary`, lists the sorted set of their elements' shapes); `{near, T, C}` compares two
//! integer results within `T`; `{ulps, N, C}` lets float results differ by N units in the last
//! place (our libm is not glibc's) and prints how many did.
//!
//! erl runs once per table (`erl -noshell`), writing for each case the external format of
//! the case and of its outcome. We decode both with our `binary_to_term`, run the case on
//! our BIFs, and compare with `=:=` and by `erlang:display` text. A case may carry the
//! display text we expect instead of erl's (a deliberate difference, with its reason next
//! to the case). Without erl the test is skipped with a loud message. `BIF_VERBOSE=1` prints
//! every case with our outcome.

#![allow(dead_code, reason = "each test file uses a part of the harness")]

use std::process::Command;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use beamos_gc::Term;
use beamos_vm::atom;
use beamos_vm::bif::{self, Ctx, Exc};
use beamos_vm::platform::Platform;
use beamos_vm::process::Process;
use beamos_vm::terms;
use beamos_vm::vm::Vm;

pub struct TestPlatform {
    start: Instant,
    pub out: Mutex<Vec<u8>>,
}

impl TestPlatform {
    pub fn new() -> TestPlatform {
        TestPlatform { start: Instant::now(), out: Mutex::new(Vec::new()) }
    }
}

impl Platform for TestPlatform {
    fn monotonic_ns(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }
    fn system_time_ns(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
    }
    fn write_stdout(&self, bytes: &[u8]) {
        self.out.lock().unwrap().extend_from_slice(bytes);
    }
    fn sleep_until(&self, _deadline_ns: u64) {}
    fn getenv(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// One row of a table: the case, and the display text we expect when it is not erl's.
pub type Case = (&'static str, Option<&'static str>);

const ERL_SCRIPT: &str = r#"
Prep = fun P({'$cp', X}) -> binary:compile_pattern(X);
           P({'$unaligned', B}) -> <<_:1, R/bitstring>> = <<0:1, B/bitstring>>, R;
           P([H | T]) -> [P(H) | P(T)];
           P(X) -> X end,
Call = fun Call({pipe, C, M, F}) ->
               case Call(C) of {ok, V} -> Call({M, F, [V]}); Other -> Other end;
           Call({M, F, A}) ->
               A1 = [Prep(X) || X <- A],
               try {ok, apply(M, F, A1)} catch Class:Reason -> {Class, Reason} end
       end,
Shape = fun S(X) when is_integer(X) -> int;
            S(X) when is_float(X) -> float;
            S(X) when is_binary(X) -> binary;
            S(X) when is_tuple(X) -> list_to_tuple([S(E) || E <- tuple_to_list(X)]);
            S(X) when is_list(X) -> lists:usort([S(E) || E <- X]);
            S(X) -> X end,
Norm = fun({ok, {T, R}}) when is_atom(T), is_reference(R) -> {ok, {T, '$opaque'}};
          (X) -> X end,
Run = fun({shape, C}) -> case Call(C) of {ok, V} -> {ok, Shape(V)}; E -> E end;
         ({near, _, C}) -> Call(C);
         ({ulps, _, C}) -> Call(C);
         (C) -> Norm(Call(C)) end,
Line = fun(C) -> [binary:encode_hex(term_to_binary(C)), " ",
                  binary:encode_hex(term_to_binary(Run(C))), "\n"] end,
ok = file:write_file(OUT, [Line(C) || C <- CASES]),
halt().
"#;

/// Runs the cases on erl: (case, outcome) in external term format, or None without erl.
fn erl_outcomes(cases: &[Case]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let out = std::env::temp_dir().join(format!("beamos_bif_{}_{:?}.txt", std::process::id(), std::thread::current().id()));
    let list: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let script = ERL_SCRIPT
        .replace("OUT", &format!("{:?}", out.to_str().unwrap()))
        .replace("CASES", &format!("[{}]", list.join(",\n")));
    let status = Command::new("erl").args(["-noshell", "-eval", &script]).status();
    match status {
        Err(e) => {
            eprintln!("\n*** SKIPPED: cannot run erl ({e}); these BIF tests need Erlang/OTP 25 ***\n");
            return None;
        }
        Ok(s) => assert!(s.success(), "erl failed on the case table ({s})"),
    }
    let text = std::fs::read_to_string(&out).expect("erl wrote its outcomes");
    let _ = std::fs::remove_file(&out);
    let lines: Vec<(Vec<u8>, Vec<u8>)> = text
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(' ').expect("two fields");
            (unhex(a), unhex(b))
        })
        .collect();
    assert_eq!(lines.len(), cases.len(), "erl gave one line per case");
    Some(lines)
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

pub struct Harness {
    pub vm: Vm,
    pub p: Process,
}

impl Harness {
    pub fn new() -> Harness {
        Harness { vm: Vm::new(Box::new(TestPlatform::new())), p: Process::new(0, Default::default()) }
    }

    pub fn call(&mut self, m: &str, f: &str, args: &[Term]) -> Result<Term, Exc> {
        let fun = bif::lookup(atom::atom(m), atom::atom(f), args.len() as u32)
            .unwrap_or_else(|| panic!("no BIF {m}:{f}/{}", args.len()));
        let mut ctx = Ctx { proc: &mut self.p, vm: &self.vm };
        beamos_vm::emu::trap::call_to_end(&mut ctx, fun, args)
    }

    fn decode(&mut self, etf: &[u8]) -> Term {
        let b = terms::binary(&mut self.p.heap, etf);
        self.call("erlang", "binary_to_term", &[b]).expect("our binary_to_term decodes erl's output")
    }

    fn tuple(&mut self, elems: &[Term]) -> Term {
        terms::tuple(&mut self.p.heap, elems)
    }

    fn prep(&mut self, arg: Term) -> Term {
        match terms::tuple_elems(arg) {
            Some(&[tag, x]) if tag == atom::atom("$cp") => {
                self.call("binary", "compile_pattern", &[x]).expect("compile_pattern in a case")
            }
            Some(&[tag, b]) if tag == atom::atom("$unaligned") => {
                let v = terms::bit_view(b).expect("a bitstring");
                let mut bytes = vec![0u8; (v.bit_size + 1).div_ceil(8)];
                terms::copy_bits(v.bytes, v.bit_offset, &mut bytes, 1, v.bit_size);
                let whole = terms::binary(&mut self.p.heap, &bytes);
                terms::sub_binary(&mut self.p.heap, whole, 1, v.bit_size)
            }
            _ => match terms::cons_parts(arg) {
                Some((h, t)) => {
                    let (h, t) = (self.prep(h), self.prep(t));
                    terms::cons(&mut self.p.heap, h, t)
                }
                None => arg,
            },
        }
    }

    /// Runs a Call on our BIFs: `{ok, V}`, `{Class, Reason}`, or `{'$trap', M, F, Args}` when
    /// the BIF continues in Erlang code.
    fn run_call(&mut self, call: Term) -> Term {
        let e = terms::tuple_elems(call).expect("a call tuple").to_vec();
        if e.len() == 4 && e[0] == atom::atom("pipe") {
            let inner = self.run_call(e[1]);
            let ie = terms::tuple_elems(inner).unwrap().to_vec();
            if ie[0] != atom::atom("ok") {
                return inner;
            }
            let args = terms::list(&mut self.p.heap, &[ie[1]]);
            let c = self.tuple(&[e[2], e[3], args]);
            return self.run_call(c);
        }
        let (m, f) = (atom::name(e[0]), atom::name(e[1]));
        let args: Vec<Term> = terms::list_to_vec(e[2]).expect("args list").into_iter().map(|a| self.prep(a)).collect();
        let r = self.call(m, f, &args);
        self.outcome(r)
    }

    pub fn outcome(&mut self, r: Result<Term, Exc>) -> Term {
        let a = atom::atom;
        match r {
            Ok(v) => self.tuple(&[a("ok"), v]),
            Err(Exc::Error(reason)) | Err(Exc::ErrorHere { reason, .. }) | Err(Exc::ErrorCause { reason, .. }) => {
                self.tuple(&[a("error"), reason])
            }
            Err(Exc::Exit(reason)) => self.tuple(&[a("exit"), reason]),
            Err(Exc::Throw(reason)) => self.tuple(&[a("throw"), reason]),
            Err(Exc::CallMfa { module, function, args }) => {
                let l = terms::list(&mut self.p.heap, &args);
                self.tuple(&[a("$trap"), module, function, l])
            }
            Err(other) => panic!("unexpected BIF end {other:?}"),
        }
    }

    fn shape(&mut self, t: Term) -> Term {
        if t.is_integer() {
            atom::atom("int")
        } else if t.is_float() {
            atom::atom("float")
        } else if terms::is_binary(t) {
            atom::atom("binary")
        } else if let Some(e) = terms::tuple_elems(t) {
            let s: Vec<Term> = e.iter().copied().map(|x| self.shape(x)).collect();
            self.tuple(&s)
        } else if let Some(items) = terms::list_to_vec(t) {
            let mut s: Vec<Term> = items.into_iter().map(|x| self.shape(x)).collect();
            s.sort_by(|&x, &y| beamos_vm::compare::cmp(x, y));
            s.dedup_by(|x, y| beamos_vm::compare::eq_exact(*x, *y));
            terms::list(&mut self.p.heap, &s)
        } else {
            t
        }
    }

    /// Runs a Case: our outcome, and the tolerance when it is a `near` or `ulps` case.
    fn run_case(&mut self, case: Term) -> (Term, Option<Tolerance>) {
        let e = terms::tuple_elems(case).unwrap().to_vec();
        if e.len() == 3 && e[0] == atom::atom("ulps") {
            return (self.run_call(e[2]), e[1].as_small().map(Tolerance::Ulps));
        }
        if e.len() == 2 && e[0] == atom::atom("shape") {
            let r = self.run_call(e[1]);
            let re = terms::tuple_elems(r).unwrap().to_vec();
            if re[0] == atom::atom("ok") {
                let s = self.shape(re[1]);
                return (self.tuple(&[re[0], s]), None);
            }
            return (r, None);
        }
        if e.len() == 3 && e[0] == atom::atom("near") {
            return (self.run_call(e[2]), e[1].as_small().map(Tolerance::Int));
        }
        let r = self.run_call(case);
        let re = terms::tuple_elems(r).unwrap().to_vec();
        if re[0] == atom::atom("ok") && atom::name(e[1]) == "compile_pattern" {
            if let Some(&[tag, _]) = terms::tuple_elems(re[1]) {
                let opaque = self.tuple(&[tag, atom::atom("$opaque")]);
                return (self.tuple(&[re[0], opaque]), None);
            }
        }
        (r, None)
    }
}

#[derive(Clone, Copy)]
enum Tolerance {
    Int(i64),
    Ulps(i64),
}

/// `{ok, F}` outcomes with floats N units in the last place apart (None when not such).
fn ulps_apart(ours: Term, theirs: Term) -> Option<i64> {
    match (terms::tuple_elems(ours), terms::tuple_elems(theirs)) {
        (Some(&[oa, o]), Some(&[ta, t])) if oa == ta => {
            let (x, y) = (terms::float_value(o)?, terms::float_value(t)?);
            if x.is_sign_negative() != y.is_sign_negative() {
                return None;
            }
            Some((x.to_bits() as i64 - y.to_bits() as i64).abs())
        }
        _ => None,
    }
}

fn near(ours: Term, theirs: Term, tolerance: i64) -> bool {
    let (Some(o), Some(t)) = (terms::tuple_elems(ours), terms::tuple_elems(theirs)) else { return false };
    match (o, t) {
        (&[oa, ov], &[ta, tv]) if oa == ta => match (terms::to_bigint(ov), terms::to_bigint(tv)) {
            (Some(x), Some(y)) => {
                let d = if x > y { x - y } else { y - x };
                d <= num_bigint::BigInt::from(tolerance)
            }
            _ => beamos_vm::compare::eq_exact(ov, tv),
        },
        _ => false,
    }
}

/// Floats in `{ok, F}` outcomes compare bit for bit (`=:=` takes 0.0 and -0.0 as equal).
fn same_float_bits(ours: Term, theirs: Term) -> bool {
    match (terms::tuple_elems(ours), terms::tuple_elems(theirs)) {
        (Some(&[_, o]), Some(&[_, t])) => match (terms::float_value(o), terms::float_value(t)) {
            (Some(x), Some(y)) => x.to_bits() == y.to_bits(),
            _ => true,
        },
        _ => true,
    }
}

/// Runs every case on erl and on our BIFs; panics listing each difference.
pub fn check(cases: &[Case]) {
    let Some(expected) = erl_outcomes(cases) else { return };
    let mut h = Harness::new();
    let mut failures = Vec::new();
    let verbose = std::env::var_os("BIF_VERBOSE").is_some();
    let mut inexact = Vec::new();
    for (i, ((case_etf, erl_etf), (text, ours_expected))) in expected.iter().zip(cases).enumerate() {
        let case = h.decode(case_etf);
        let theirs = h.decode(erl_etf);
        let (ours, tolerance) = h.run_case(case);
        let (o, t) = (beamos_vm::print::to_string(ours), beamos_vm::print::to_string(theirs));
        let ok = match (ours_expected, tolerance) {
            (Some(want), _) => o == *want,
            (None, Some(Tolerance::Int(tol))) => near(ours, theirs, tol),
            (None, Some(Tolerance::Ulps(n))) => match ulps_apart(ours, theirs) {
                Some(0) => true,
                Some(d) if d <= n => {
                    inexact.push(format!("{text}: {d} ulp"));
                    true
                }
                Some(_) => false,
                None => o == t && beamos_vm::compare::eq_exact(ours, theirs),
            },
            (None, None) => o == t && beamos_vm::compare::eq_exact(ours, theirs) && same_float_bits(ours, theirs),
        };
        if verbose {
            eprintln!("{} {text}\n    -> {o}", if ok { "ok  " } else { "FAIL" });
        }
        if !ok {
            failures.push(format!("case {i}: {text}\n   erl:  {t}\n   ours: {o}\n   want: {}", ours_expected.unwrap_or("(erl's)")));
        }
    }
    if !inexact.is_empty() {
        eprintln!("{} float results within tolerance but not bit-exact:\n  {}", inexact.len(), inexact.join("\n  "));
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    eprintln!("{} cases agree with erl", cases.len());
}

/// A deterministic generator for random cases (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// [`check`] for generated cases, all compared with erl.
pub fn check_generated(cases: Vec<String>) {
    let cases: Vec<Case> = cases.into_iter().map(|s| (&*Box::leak(s.into_boxed_str()), None)).collect();
    check(&cases);
}
