//! Differential tests of `erlang:phash2/1,2` and `erlang:phash/2` against the real BEAM.
//!
//! Every case is one small term description ([`T`]) that is both built on our heap and
//! written out as an Erlang expression. One `erl -noshell` run evaluates all the expressions
//! and reports, per case, `phash2(T)`, `phash2(T, 1 bsl 32)`, `phash(T, 1 bsl 32)`,
//! `phash2(T, 1000)` and `phash(T, 1000)`; we compute the same five numbers and compare.
//! Local funs come from a module the same run compiles. Without `erl` the differential test
//! is skipped with a loud message; the deep-term tests always run.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use beamos_gc::heap::Fragment;
use beamos_vm::hash::{phash, phash2, phash2_range};
use beamos_vm::module::CodeTable;
use beamos_vm::{atom, map, terms, Term};
use num_bigint::BigInt;

/// A term description, buildable on both sides.
#[derive(Clone)]
enum T {
    Int(BigInt),
    /// A float given by its bits (so -0.0 and subnormals survive the trip to Erlang).
    Float(f64),
    Atom(String),
    Nil,
    List(Vec<T>, Box<T>),
    Tuple(Vec<T>),
    Map(Vec<(T, T)>),
    /// Bytes and a bit size (`bytes.len() * 8 - 7 ..= bytes.len() * 8`).
    Bits(Vec<u8>, usize),
    /// `bit_size` bits of `bytes` starting at bit `offset` (an unaligned sub-binary).
    SubBits(Vec<u8>, usize, usize),
    Pid(u64),
    Port(u64),
    Ref(u32, u32, u32),
    Export(String, String, u32),
    /// `[[[...[]...]]]`, `depth` levels.
    DeepList(usize),
    /// `{{{...[]...}}}`, `depth` levels.
    DeepTuple(usize),
}

fn int(v: i128) -> T {
    T::Int(BigInt::from(v))
}
fn big(s: &str) -> T {
    T::Int(s.parse().expect("decimal"))
}
fn pow2(n: u32) -> BigInt {
    BigInt::from(1) << n
}
fn atom_t(s: &str) -> T {
    T::Atom(s.to_string())
}
fn list(v: Vec<T>) -> T {
    T::List(v, Box::new(T::Nil))
}
fn string(s: &str) -> T {
    list(s.chars().map(|c| int(c as i128)).collect())
}
fn bytes_list(b: &[u8]) -> T {
    list(b.iter().map(|&c| int(c as i128)).collect())
}
fn bin(b: &[u8]) -> T {
    T::Bits(b.to_vec(), b.len() * 8)
}

/// Deterministic pseudo-random bytes.
fn noise(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect()
}

// ---------------------------------------------------------------- building on our heap

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
        T::SubBits(bytes, offset, size) => {
            let whole = terms::binary(h, bytes);
            terms::sub_binary(h, whole, *offset, *size)
        }
        T::Pid(n) => Term::pid(*n),
        T::Port(n) => Term::port(*n),
        T::Ref(a, b, c) => terms::reference(h, (*c as u128) | (*b as u128) << 32 | (*a as u128) << 64),
        T::Export(m, f, a) => {
            let table: &'static CodeTable = Box::leak(Box::new(CodeTable::new()));
            terms::export_fun(h, table.export(atom::atom(m), atom::atom(f), *a))
        }
        T::DeepList(n) => (0..*n).fold(Term::NIL, |acc, _| terms::cons(h, acc, Term::NIL)),
        T::DeepTuple(n) => (0..*n).fold(Term::NIL, |acc, _| terms::tuple(h, &[acc])),
    }
}

// ---------------------------------------------------------------- writing as Erlang

fn erl_bytes(b: &[u8]) -> String {
    b.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
}

fn erl_atom(s: &str) -> String {
    format!("binary_to_atom(<<{}>>, utf8)", erl_bytes(s.as_bytes()))
}

/// `bits` bits of `bytes` as an Erlang bitstring constructor.
fn erl_bits(bytes: &[u8], bits: usize) -> String {
    let whole = bits / 8;
    let rest = bits % 8;
    let mut parts: Vec<String> = bytes[..whole].iter().map(|x| x.to_string()).collect();
    if rest > 0 {
        parts.push(format!("{}:{}", bytes[whole] >> (8 - rest), rest));
    }
    format!("<<{}>>", parts.join(","))
}

fn erl(t: &T, out: &mut String) {
    match t {
        T::Int(b) => write!(out, "({b})").unwrap(),
        T::Float(f) => write!(out, "Fl({})", f.to_bits()).unwrap(),
        T::Atom(s) => out.push_str(&erl_atom(s)),
        T::Nil => out.push_str("[]"),
        T::List(elems, tail) => {
            out.push('[');
            for (i, e) in elems.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                erl(e, out);
            }
            out.push('|');
            erl(tail, out);
            out.push(']');
        }
        T::Tuple(elems) => {
            out.push('{');
            for (i, e) in elems.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                erl(e, out);
            }
            out.push('}');
        }
        T::Map(pairs) => {
            out.push_str("#{");
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                erl(k, out);
                out.push_str("=>");
                erl(v, out);
            }
            out.push('}');
        }
        T::Bits(bytes, bits) => out.push_str(&erl_bits(bytes, *bits)),
        T::SubBits(bytes, offset, size) => {
            write!(out, "Sub(<<{}>>,{offset},{size})", erl_bytes(bytes)).unwrap()
        }
        T::Pid(n) => write!(out, "list_to_pid(\"<0.{n}.0>\")").unwrap(),
        T::Port(n) => write!(out, "list_to_port(\"#Port<0.{n}>\")").unwrap(),
        T::Ref(a, b, c) => write!(out, "list_to_ref(\"#Ref<0.{a}.{b}.{c}>\")").unwrap(),
        T::Export(m, f, a) => write!(out, "erlang:make_fun({},{},{a})", erl_atom(m), erl_atom(f)).unwrap(),
        T::DeepList(n) => write!(out, "Nest(fun(A) -> [A] end, {n})").unwrap(),
        T::DeepTuple(n) => write!(out, "Nest(fun(A) -> {{A}} end, {n})").unwrap(),
    }
}

// ---------------------------------------------------------------- the cases

fn int_cases() -> Vec<T> {
    let mut v: Vec<T> = [0i128, 1, -1, 2, 42, -42, 255, 256, -255, -256, 65535, 1_000_000, -1_000_000]
        .into_iter()
        .map(int)
        .collect();
    for n in [27u32, 28, 31, 32, 33, 48, 59, 60, 63, 64, 65, 96, 128, 200] {
        for d in [-1i32, 0, 1] {
            let b = pow2(n) + d;
            v.push(T::Int(b.clone()));
            v.push(T::Int(-b));
        }
    }
    v.push(big("10000000000000000000000000000000000000000"));
    v.push(big("-123456789012345678901234567890123456789012345678901234567890"));
    v.push(T::Int(BigInt::from(3).pow(300)));
    v
}

fn float_cases() -> Vec<T> {
    [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        core::f64::consts::PI,
        -core::f64::consts::E,
        1e300,
        -1e-300,
        5e-324,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        9007199254740992.0,
        1.0e15 + 0.3,
        123.456,
        134217728.0,
        4294967296.0,
    ]
    .into_iter()
    .map(T::Float)
    .collect()
}

fn atom_cases() -> Vec<T> {
    let long: String = (0..255).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    let long_uni: String = "日本語é".chars().cycle().take(255).collect();
    [
        "", "a", "ok", "true", "false", "undefined", "nonode@nohost", "hello world", "Hello", "é", "ünïcödé",
        "ÿ", "\u{80}", "Ω", "日本語", "🎉", "aé日🎉", "\u{1}",
    ]
    .into_iter()
    .map(atom_t)
    .chain([T::Atom(long), T::Atom(long_uni)])
    .collect()
}

fn list_cases() -> Vec<T> {
    let long_bytes = noise(5000, 1);
    let mut v = vec![
        T::Nil,
        string("a"),
        string("ab"),
        string("abc"),
        string("abcd"),
        string("abcde"),
        string("hello world"),
        bytes_list(&[0]),
        bytes_list(&[255]),
        bytes_list(&[0, 0, 0, 0, 0]),
        list(vec![int(256)]),
        list(vec![int(-1)]),
        T::List(vec![int(1)], Box::new(int(2))),
        T::List(vec![atom_t("a")], Box::new(atom_t("b"))),
        T::List(vec![int(1), int(2)], Box::new(int(3))),
        T::List(vec![int(1), int(2), int(3)], Box::new(bin(b""))),
        list(vec![atom_t("a"), int(1), int(2), atom_t("b")]),
        list(vec![int(1), int(2), int(300), int(3), int(4), int(5), int(6), int(7)]),
        list(vec![string("ab"), string("cd"), T::Nil]),
        list(vec![T::Nil, T::Nil]),
        string("€uro ünïcode 日本"),
        bytes_list(&long_bytes[..1000]),
        bytes_list(&long_bytes),
        list((0..300).map(|i| int(i * 7919 - 1000)).collect()),
        list(vec![T::Float(1.5), atom_t("x"), bin(b"xyz"), T::Tuple(vec![])]),
    ];
    v.push(T::List(vec![int(65), int(66), T::Float(0.0)], Box::new(int(67))));
    v
}

fn tuple_cases() -> Vec<T> {
    vec![
        T::Tuple(vec![]),
        T::Tuple(vec![atom_t("a")]),
        T::Tuple(vec![int(1), int(2)]),
        T::Tuple(vec![atom_t("a"), T::Tuple(vec![atom_t("b"), T::Tuple(vec![atom_t("c")])])]),
        T::Tuple(vec![T::Nil, T::Nil, T::Nil]),
        T::Tuple((0..100).map(|i| int(i * i)).collect()),
        T::Tuple(vec![T::Float(1.0), T::Float(-0.0)]),
        T::Tuple(vec![
            atom_t("person"),
            string("Bob"),
            int(42),
            T::Map(vec![(atom_t("age"), int(1))]),
        ]),
        T::Tuple(vec![T::Tuple(vec![]), T::Tuple(vec![T::Tuple(vec![])])]),
    ]
}

fn map_cases() -> Vec<T> {
    let ints = |n: i128| T::Map((0..n).map(|i| (int(i), int(i * 3))).collect());
    vec![
        T::Map(vec![]),
        T::Map(vec![(atom_t("a"), int(1))]),
        T::Map(vec![(int(1), atom_t("a"))]),
        T::Map(vec![(atom_t("a"), int(1)), (atom_t("b"), int(2))]),
        T::Map(vec![(atom_t("b"), int(2)), (atom_t("a"), int(1))]),
        T::Map(vec![(int(1), T::Float(1.0)), (T::Float(1.0), int(1))]),
        T::Map(vec![(atom_t("m"), T::Map(vec![])), (T::Nil, T::Nil)]),
        T::Map(vec![(T::Map(vec![(atom_t("k"), atom_t("v"))]), T::Map(vec![]))]),
        ints(31),
        ints(32),
        ints(33),
        ints(64),
        ints(100),
        ints(1000),
        T::Map((0..40).map(|i| (T::Atom(format!("key{i}")), string(&format!("v{i}")))).collect()),
        T::Map((0..50).map(|i| (T::Tuple(vec![int(i), T::Float(i as f64)]), list(vec![int(i)]))).collect()),
        T::Map((0..35).map(|i| (bin(format!("bin{i}").as_bytes()), T::Pid(i as u64))).collect()),
    ]
}

fn binary_cases() -> Vec<T> {
    let data = noise(100_000, 7);
    let mut v: Vec<T> = (0..=70).map(|n| bin(&data[..n])).collect();
    v.push(bin(&data[..1000]));
    v.push(bin(&data));
    v.push(bin(&[0u8; 12]));
    for (nbytes, bits) in [(1, 1), (1, 2), (1, 3), (1, 7), (2, 9), (2, 13), (3, 20), (4, 31), (13, 100), (65, 519)] {
        v.push(T::Bits(data[..nbytes].to_vec(), bits));
    }
    for (offset, size) in [(3, 0), (3, 8), (3, 20), (1, 101), (5, 96), (7, 1000)] {
        v.push(T::SubBits(data[..200].to_vec(), offset, size));
    }
    v
}

fn identity_cases() -> Vec<T> {
    vec![
        T::Pid(0),
        T::Pid(1),
        T::Pid(85),
        T::Pid(32767),
        T::Port(0),
        T::Port(5),
        T::Port(12345),
        T::Ref(0, 0, 0),
        T::Ref(1, 2, 3),
        T::Ref(4_294_967_295, 2, 262_143),
        T::Ref(0x2000_0000, 1, 99_999),
        T::Export("lists".into(), "map".into(), 2),
        T::Export("erlang".into(), "self".into(), 0),
        T::Export("ünï".into(), "f".into(), 255),
        T::Tuple(vec![T::Pid(85), T::Port(5), T::Ref(1, 2, 3)]),
    ]
}

fn nested_cases() -> Vec<T> {
    vec![
        T::DeepList(1),
        T::DeepList(10_000),
        T::DeepTuple(10_000),
        T::Map(vec![(atom_t("deep"), T::DeepList(500)), (T::DeepTuple(300), T::Nil)]),
        list(vec![T::DeepTuple(50), T::DeepList(50), T::Map((0..40).map(|i| (int(i), T::DeepList(i as usize))).collect())]),
    ]
}

fn all_cases() -> Vec<T> {
    [int_cases(), float_cases(), atom_cases(), list_cases(), tuple_cases(), map_cases(), binary_cases(), identity_cases(), nested_cases()]
        .concat()
}

// ---------------------------------------------------------------- running erl

const FUN_MODULE: &str = "beamos_hash_funs";
const FUN_SOURCE: &str = "-module(beamos_hash_funs).
-export([f0/0, f1/1, f2/2, f3/3]).
f0() -> fun(X) -> X end.
f1(A) -> fun(X) -> X + A end.
f2(A, B) -> fun(X, Y) -> {X + A, Y - B} end.
f3(A, B, C) -> fun() -> [A, B, C] end.
";
/// Calls producing local funs, with integer free variables only.
const FUN_CALLS: &[&str] = &["f0()", "f1(7)", "f2(3, 1000000)", "f3(-5, 300, 134217728)", "f1(0)"];

const SCRIPT_HEAD: &str = "Fl = fun(B) -> <<X:64/float>> = <<B:64>>, X end.
Sub = fun(Bin, Off, Sz) -> <<_:Off, X:Sz/bitstring, _/bitstring>> = Bin, X end.
Nest = fun(F, N) -> lists:foldl(fun(_, A) -> F(A) end, [], lists:seq(1, N)) end.
Hashes = fun(T) -> io_lib:format(\"~w ~w ~w ~w ~w\", [erlang:phash2(T), erlang:phash2(T, 1 bsl 32),
    erlang:phash(T, 1 bsl 32), erlang:phash2(T, 1000), erlang:phash(T, 1000)]) end.
";

/// Runs erl once; returns the output lines, or `None` when erl is missing.
fn run_erl(cases: &[T]) -> Option<Vec<String>> {
    let dir: PathBuf = std::env::temp_dir().join(format!("beamos-hash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{FUN_MODULE}.erl"));
    std::fs::write(&src, FUN_SOURCE).unwrap();
    let out = dir.join("out.txt");
    let mut script = String::from(SCRIPT_HEAD);
    writeln!(script, "{{ok, M, Beam}} = compile:file(\"{}\", [binary]).", src.display()).unwrap();
    script.push_str("{module, M} = code:load_binary(M, \"beamos_hash_funs.beam\", Beam).\n");
    script.push_str("Funs = [");
    for (i, c) in FUN_CALLS.iter().enumerate() {
        write!(script, "{}{FUN_MODULE}:{c}", if i > 0 { "," } else { "" }).unwrap();
    }
    script.push_str("].\nFunLines = [io_lib:format(\"fun ~w ~w ~w \", [element(2, erlang:fun_info(F, new_index)), \
        element(2, erlang:fun_info(F, uniq)), element(2, erlang:fun_info(F, env))]) ++ Hashes(F) || F <- Funs].\n");
    script.push_str("Cases = [\n");
    for (i, c) in cases.iter().enumerate() {
        if i > 0 {
            script.push_str(",\n");
        }
        erl(c, &mut script);
    }
    script.push_str("].\n");
    writeln!(
        script,
        "ok = file:write_file(\"{}\", lists:join(\"\\n\", [Hashes(T) || T <- Cases] ++ FunLines)).",
        out.display()
    )
    .unwrap();
    let script_path = dir.join("cases.script");
    std::fs::write(&script_path, &script).unwrap();
    let eval = format!(
        "case file:script(\"{}\") of {{ok, _}} -> halt(0); E -> io:format(\"~p~n\", [E]), halt(1) end.",
        script_path.display()
    );
    let status = match Command::new("erl").args(["-noshell", "-eval", &eval]).status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("\n!!!!! erl NOT FOUND ({e}): SKIPPING the phash/phash2 differential test !!!!!\n");
            return None;
        }
    };
    assert!(status.success(), "erl failed on {}", script_path.display());
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Some(text.lines().map(str::to_string).collect())
}

/// Our five numbers for `t`, formatted as erl prints them.
fn ours(t: Term) -> String {
    let p2 = phash2(t);
    format!(
        "{} {} {} {} {}",
        p2 & ((1 << 27) - 1),
        phash2_range(t, 1 << 32),
        phash(t, 1 << 32),
        phash2_range(t, 1000),
        phash(t, 1000)
    )
}

fn parse_ints(s: &str) -> Vec<i64> {
    s.trim_matches(|c| c == '[' || c == ']').split(',').filter(|x| !x.is_empty()).map(|x| x.parse().unwrap()).collect()
}

/// Builds the local fun erl described (`fun Index Uniq [Env...] hashes...`); returns hashes.
fn check_fun_line(line: &str, call: &str, h: &mut Fragment) -> Result<(), String> {
    let mut words = line.splitn(5, ' ');
    assert_eq!(words.next(), Some("fun"));
    let index: u32 = words.next().unwrap().parse().unwrap();
    let old_uniq: u32 = words.next().unwrap().parse().unwrap();
    let env: Vec<Term> = parse_ints(words.next().unwrap()).into_iter().map(|v| terms::int(h, v)).collect();
    let expected = words.next().unwrap();
    let module = atom::atom(FUN_MODULE);
    let name = atom::atom(&format!("-{call}-fun-0-"));
    let entry = CodeTable::new_fun_entry(module, name, 1, env.len() as u32, index, old_uniq, [0; 16]);
    let got = ours(terms::closure(h, entry, &env));
    if got == expected {
        Ok(())
    } else {
        Err(format!("fun {call}: erl {expected}, ours {got}"))
    }
}

#[test]
fn phash_and_phash2_match_erl() {
    let cases = all_cases();
    let Some(lines) = run_erl(&cases) else { return };
    assert_eq!(lines.len(), cases.len() + FUN_CALLS.len(), "erl output lines");
    let mut h = Fragment::with_capacity(1 << 22);
    let mut failures = Vec::new();
    for (case, expected) in cases.iter().zip(&lines) {
        let got = ours(build(&mut h, case));
        if &got != expected {
            let mut text = String::new();
            erl(case, &mut text);
            text.truncate(160);
            failures.push(format!("{text}\n    erl  {expected}\n    ours {got}"));
        }
    }
    for (call, line) in FUN_CALLS.iter().zip(&lines[cases.len()..]) {
        if let Err(e) = check_fun_line(line, call, &mut h) {
            failures.push(e);
        }
    }
    let total = cases.len() + FUN_CALLS.len();
    eprintln!("hash differential: {} of {total} cases match erl", total - failures.len());
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn case_count_is_large() {
    assert!(all_cases().len() + FUN_CALLS.len() >= 150);
}

/// A million levels of nesting must not recurse on the native stack.
#[test]
fn deep_terms_do_not_overflow() {
    const DEPTH: usize = 1_000_000;
    let mut h = Fragment::with_capacity(2 * DEPTH + 16);
    let deep_list = build(&mut h, &T::DeepList(DEPTH));
    let mut h2 = Fragment::with_capacity(2 * DEPTH + 16);
    let deep_tuple = build(&mut h2, &T::DeepTuple(DEPTH));
    let run = move || {
        let l = (phash2(deep_list), phash(deep_list, 1 << 32));
        let t = (phash2(deep_tuple), phash(deep_tuple, 1 << 32));
        (l, t)
    };
    // A small thread stack makes any recursion on depth fail loudly.
    let (l, t) = std::thread::Builder::new().stack_size(256 * 1024).spawn(run).unwrap().join().unwrap();
    assert_ne!(l, t);
    drop((h, h2));
}
