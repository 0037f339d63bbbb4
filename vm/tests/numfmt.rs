//! Differential tests of the number <-> text conversions against the real BEAM.
//!
//! Every expected output is produced at test time by one `erl` run that evaluates all the cases
//! (float_to_list/1,2, erts_debug:display/1, io_lib:format ~p/~w, list_to_float/1,
//! binary_to_float/1, list_to_integer/2, binary_to_integer/2, integer_to_list/2). Without `erl`
//! on the PATH the differential tests print a loud SKIPPED message and pass; the proptest round
//! trips run regardless. `NUMFMT_SCALE=N` multiplies the number of random cases (default 1).

#![allow(clippy::approx_constant)]

use beamos_vm::bif::numfmt::*;

use num_bigint::BigInt;
use proptest::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// deterministic case generation

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn finite_bits(&mut self) -> f64 {
        loop {
            let f = f64::from_bits(self.next());
            if f.is_finite() {
                return f;
            }
        }
    }
}

fn scale() -> usize {
    std::env::var("NUMFMT_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1)
}

fn hand_floats() -> Vec<f64> {
    let mut v = vec![
        0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 0.5, 1.5, 2.5, 3.5, -2.5, 3.14, -3.14, 2.0 / 3.0,
        1.0 / 3.0, 0.125, 0.375, 0.625, 1.005, 2.675, 1e100, -1e100, 1e-10, 1e-100, 1e-300,
        5e-324, -5e-324, 1e-323, 2.2250738585072014e-308, 2.225073858507201e-308, f64::MAX,
        -f64::MAX, f64::MIN_POSITIVE, f64::EPSILON, 123456789012345680.0, 9007199254740991.0,
        9007199254740992.0, 9007199254740994.0, 9007199254740996.0, 4503599627370495.5,
        4503599627370497.0, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 100.0,
        1000.0, 1234.0, 12340.0, 123400.0, 1230.0, 12300.0, 1.234e9, 1.234e10, 1e9, 1e10, 1e11,
        1e-4, 1e-5, 1.234e-4, 1.234e-5, 0.001234, 0.0001234, 5.960464477539063e-8,
        1337252251690571.2, 26227339311938.562, 0.999999, 0.9999995, 9.9999995, 99.5, 0.05,
        0.005, 0.0005, 0.45, 0.55, 1.45, 1e308, 1.7976931348623157e308, 1e-7, 2e-7, 5e-7,
        123.456, -123.456, 1e2, 1e3, 42.0, 0.7, 7e-3, 6.02214076e23, 1.602176634e-19,
        299792458.0, 4294967296.0, 18446744073709551616.0, 9.223372036854776e18,
        576460752303423488.0, 0.1 + 0.2, 1.0 - 1e-16, 1.0 + f64::EPSILON, 1e-20, 1e-19, 1e-18,
        3.0e-5, 1.0e-6, 0.5e-6, 999999999999999.9, 99999999999999.99, 1e300, 1e250, 1e200,
        1e280, 1e250 * 7.0, 2.0f64.powi(60), 2.0f64.powi(-60), 2.0f64.powi(100), 0.3e-310,
        3.0e-320,
    ];
    for e in [-1074, -1073, -1022, -100, -24, -10, -1, 0, 1, 10, 52, 53, 54, 63, 64, 100, 1023] {
        v.push(2.0f64.powi(e));
        v.push(-(2.0f64.powi(e)));
    }
    for k in -20..=23 {
        v.push(10.0f64.powi(k));
    }
    v
}

/// Hand-picked values plus seeded pseudo-random ones of several shapes.
fn float_cases(seed: u64, n_random: usize) -> Vec<f64> {
    let mut r = Rng(seed);
    let mut v = hand_floats();
    for i in 0..n_random {
        let f = match i % 6 {
            0 | 1 => r.finite_bits(),
            // m * 2^e with small e: the range where shortest-digit ties occur
            2 => ((1u64 << 52) | r.below(1 << 52)) as f64 * 2.0f64.powi(r.range(-60, 12) as i32),
            // "nice" decimals
            3 => r.range(-1_000_000, 1_000_000) as f64 / 10f64.powi(r.range(0, 9) as i32),
            // any magnitude with a random mantissa
            4 => {
                let m = (r.below(1 << 53) as f64) / (1u64 << 53) as f64 + 0.5;
                m * 10f64.powi(r.range(-30, 30) as i32) * if r.below(2) == 0 { 1.0 } else { -1.0 }
            }
            // subnormals and tiny
            _ => f64::from_bits(r.below(1 << 53)),
        };
        v.push(f);
    }
    v
}

fn fmt_code(fmt: FloatFormat) -> String {
    match fmt {
        FloatFormat::Default => "d".into(),
        FloatFormat::Short => "h".into(),
        FloatFormat::Scientific(n) => format!("s{n}"),
        FloatFormat::Decimals { n, compact: false } => format!("f{n}"),
        FloatFormat::Decimals { n, compact: true } => format!("c{n}"),
    }
}

fn float_to_string_cases() -> Vec<(f64, FloatFormat)> {
    let s = scale();
    let mut r = Rng(0xF2);
    let mut out = Vec::new();
    for f in float_cases(1, 400 * s) {
        out.push((f, FloatFormat::Default));
        out.push((f, FloatFormat::Short));
    }
    let ns: [u8; 22] = [0, 1, 2, 3, 4, 5, 6, 10, 15, 16, 17, 18, 19, 20, 25, 50, 100, 200, 248, 249, 250, 255];
    for f in hand_floats() {
        for &n in &ns {
            if r.below(3) == 0 {
                out.push((f, FloatFormat::Scientific(n)));
            }
            for compact in [false, true] {
                if r.below(3) == 0 {
                    out.push((f, FloatFormat::Decimals { n, compact }));
                }
            }
        }
    }
    for f in float_cases(2, 800 * s) {
        let n = match r.below(4) {
            0 => r.below(256) as u8,
            _ => r.below(21) as u8,
        };
        out.push((f, FloatFormat::Scientific(n)));
        // decimals: mostly the fast path (|f| <= 2^53, n < 19)
        let g = if r.below(4) == 0 { f } else { f % 1e17 };
        let n = match r.below(5) {
            0 => r.below(256) as u8,
            _ => r.below(19) as u8,
        };
        out.push((g, FloatFormat::Decimals { n, compact: r.below(2) == 0 }));
    }
    out
}

fn parse_float_cases() -> Vec<Vec<u8>> {
    let s = scale();
    let mut r = Rng(0xF10A7);
    let mut out: Vec<Vec<u8>> = [
        "1.0", "-1.0", "+1.0", "0.0", "-0.0", "1.5", "1,5", "1,0e4", "1.0,5", "1e10", "1.0e400",
        "-1.0e400", "1.0e308", "1.7976931348623157e308", "1.7976931348623159e308",
        "1.797693134862315807e308", "1.0e-400", "1.0e-320", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "4.9e-324", " 1.0", "1.0 ", "1.", ".5", "1.0e", "1.0e+",
        "1.0e-", "1.0E+5", "1.0E5", "1.0e+5", "01.50", "1.0e-0005", "0.0e999999999999",
        "1.0e999999999999999999999", "1.0e-999999999999999999999", "1.0e5.0", "", "-", "+",
        ".", "1", "-1", "1.0e5e5", "1.0f", "1.0d0", "0x1.0p3", "inf", "nan", "Infinity",
        "1.0e+-5", "+-1.0", "--1.0", "1..0", "1.0.0", "1_0.0", "１.0", "1.0\u{0}5",
        "1.0\u{0}", "\u{0}1.0", "1.0e\u{0}", "9007199254740993.0", "9007199254740993.00001",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.10000000000000000555111512312578270211815834045410156250000001",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "123456789012345678901234567890.0",
        "00000000000000000000000000000000000000000001.0", "1.0e0000000000000000000000000000001",
        "3.14", "3,14", "-3,14e-2", "1.0E-2", "6.02214076e23", "1.0e22", "1.0e23",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    // Long digit strings (correct rounding of many digits).
    for len in [20, 40, 100, 400, 800] {
        let mut t = String::from("0.");
        for _ in 0..len {
            t.push((b'0' + r.below(10) as u8) as char);
        }
        out.push(t.clone().into_bytes());
        t.push_str("e-300");
        out.push(t.into_bytes());
    }
    let mut long = String::from("1");
    for _ in 0..320 {
        long.push('0');
    }
    out.push(format!("{long}.0").into_bytes()); // 1e320: overflow
    out.push(format!("0.{long}e-10").into_bytes());
    // Our own outputs in several formats read back.
    for f in float_cases(3, 100 * s) {
        out.push(float_to_string(f, FloatFormat::Short).unwrap().into_bytes());
        out.push(float_to_string(f, FloatFormat::Default).unwrap().into_bytes());
    }
    // Random strings from the grammar, sometimes mutated.
    let pieces: [&[u8]; 12] = [b"+", b"-", b".", b",", b"e", b"E", b" ", b"x", b"0", b"\0", b"5", b"a"];
    for _ in 0..400 * s {
        let mut t = Vec::new();
        match r.below(3) {
            0 => t.push(b'-'),
            1 => t.push(b'+'),
            _ => {}
        }
        for _ in 0..r.range(1, 20) {
            t.push(b'0' + r.below(10) as u8);
        }
        t.push(if r.below(5) == 0 { b',' } else { b'.' });
        for _ in 0..r.range(1, 20) {
            t.push(b'0' + r.below(10) as u8);
        }
        if r.below(2) == 0 {
            t.push(if r.below(2) == 0 { b'e' } else { b'E' });
            match r.below(3) {
                0 => t.push(b'-'),
                1 => t.push(b'+'),
                _ => {}
            }
            for _ in 0..r.range(1, 4) {
                t.push(b'0' + r.below(10) as u8);
            }
        }
        if r.below(3) == 0 {
            let pos = r.below(t.len() as u64 + 1) as usize;
            match r.below(3) {
                0 => t.insert(pos, pieces[r.below(12) as usize][0]),
                1 if pos < t.len() => {
                    t.remove(pos);
                }
                _ if pos < t.len() => t[pos] = pieces[r.below(12) as usize][0],
                _ => {}
            }
        }
        out.push(t);
    }
    out
}

fn parse_integer_cases() -> Vec<(Vec<u8>, u32)> {
    let s = scale();
    let mut r = Rng(0x1A7);
    let mut out: Vec<(Vec<u8>, u32)> = Vec::new();
    let hand: [(&str, u32); 44] = [
        ("0", 10), ("-0", 10), ("+0", 10), ("00", 10), ("-", 10), ("+", 10), ("", 10),
        ("+-1", 10), ("--1", 10), ("1-", 10), (" 1", 10), ("1 ", 10), ("1.0", 10),
        ("9223372036854775807", 10), ("9223372036854775808", 10), ("-9223372036854775808", 10),
        ("-9223372036854775809", 10), ("576460752303423487", 10), ("576460752303423488", 10),
        ("-576460752303423488", 10), ("-576460752303423489", 10), ("ff", 16), ("FF", 16),
        ("fF", 16), ("g", 16), ("z", 36), ("Z", 36), ("zz", 35), ("9", 9), ("8", 9), ("2", 2),
        ("1", 2), ("-1010", 2), ("7FFFFFFFFFFFFFFF", 16), ("8000000000000000", 16),
        ("-8000000000000000", 16), ("-8000000000000001", 16), ("10", 1), ("10", 37), ("10", 0),
        ("1_000", 10), ("0x10", 16), ("١", 10), ("1\u{0}", 10),
    ];
    for (t, b) in hand {
        out.push((t.as_bytes().to_vec(), b));
    }
    const DIG: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for _ in 0..600 * s {
        let base = r.range(2, 36) as u32;
        let mut t = Vec::new();
        match r.below(4) {
            0 => t.push(b'-'),
            1 => t.push(b'+'),
            _ => {}
        }
        let len = match r.below(10) {
            0 => r.range(0, 400),
            1..=3 => r.range(10, 30),
            _ => r.range(0, 14),
        };
        for _ in 0..len {
            // a valid digit of the base, either case
            let d = r.below(base as u64) as usize;
            let c = DIG[d];
            t.push(if r.below(2) == 0 { c.to_ascii_uppercase() } else { c });
        }
        if r.below(6) == 0 {
            let pos = r.below(t.len() as u64 + 1) as usize;
            let junk = [b' ', b'-', b'+', b'.', b'_', DIG[r.below(62) as usize], b'\0', 0xff];
            t.insert(pos, junk[r.below(junk.len() as u64) as usize]);
        }
        out.push((t, base));
    }
    out
}

fn int_value_of(text: &str) -> IntValue {
    match text.parse::<i64>() {
        Ok(i) => IntValue::Small(i),
        Err(_) => IntValue::Big(BigInt::parse_bytes(text.as_bytes(), 10).unwrap()),
    }
}

fn integer_to_string_cases() -> Vec<(String, u32)> {
    let s = scale();
    let mut r = Rng(0x1275);
    let mut out = Vec::new();
    let hand = [
        "0", "1", "-1", "9", "10", "35", "36", "-36", "255", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "576460752303423487", "-576460752303423488", "18446744073709551616",
        "340282366920938463463374607431768211456",
    ];
    for h in hand {
        for b in [2, 8, 10, 16, 36] {
            out.push((h.to_string(), b));
        }
    }
    for i in 0..400 * s {
        let base = r.range(2, 36) as u32;
        let v = match i % 4 {
            0 => (r.next() as i64).to_string(),
            1 => (r.next() as i64 >> r.below(64)).to_string(),
            _ => {
                let mut t = String::new();
                if r.below(2) == 0 {
                    t.push('-');
                }
                t.push((b'1' + r.below(9) as u8) as char);
                for _ in 0..r.range(18, if i % 4 == 2 { 40 } else { 300 }) {
                    t.push((b'0' + r.below(10) as u8) as char);
                }
                t
            }
        };
        out.push((v, base));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// one erl run for everything

const ERL_PROG: &str = r#"
[In, Out] = init:get_plain_arguments(),
{ok, B} = file:read_file(In),
Ls = binary:split(B, <<"\n">>, [global, trim_all]),
Fl = fun(Bits) -> <<X/float>> = <<(binary_to_integer(Bits)):64>>, X end,
Unhex = fun(H) -> binary:decode_hex(H) end,
Catch = fun(G) -> try G() catch error:badarg -> <<"badarg">> end end,
FBits = fun(X) -> <<I:64>> = <<X:64/float>>, integer_to_binary(I) end,
Opts = fun(<<"d">>) -> none;
          (<<"h">>) -> [short];
          (<<"s", N/binary>>) -> [{scientific, binary_to_integer(N)}];
          (<<"f", N/binary>>) -> [{decimals, binary_to_integer(N)}];
          (<<"c", N/binary>>) -> [{decimals, binary_to_integer(N)}, compact]
       end,
Eval = fun(L) ->
  case binary:split(L, <<" ">>, [global]) of
    [<<"ds">>, Bits] ->
        S = erts_debug:display(Fl(Bits)),
        list_to_binary(lists:droplast(S));
    [<<"fl">>, Bits, Code] ->
        X = Fl(Bits),
        case Opts(Code) of
          none ->
            R = float_to_list(X),
            R = binary_to_list(float_to_binary(X)),
            list_to_binary(R);
          O ->
            R = Catch(fun() -> list_to_binary(float_to_list(X, O)) end),
            R = Catch(fun() -> float_to_binary(X, O) end),
            R
        end;
    [<<"io">>, Bits] ->
        X = Fl(Bits),
        P = iolist_to_binary(io_lib:format("~p", [X])),
        P = iolist_to_binary(io_lib:format("~w", [X])),
        P;
    [<<"pf">>, Hex] ->
        Bin = Unhex(Hex),
        R1 = Catch(fun() -> FBits(list_to_float(binary_to_list(Bin))) end),
        R2 = Catch(fun() -> FBits(binary_to_float(Bin)) end),
        case Bin of <<>> -> ok; _ -> R1 = R2 end,
        R1;
    [<<"pi">>, Base, Hex] ->
        Bin = Unhex(Hex),
        Bs = binary_to_integer(Base),
        R1 = Catch(fun() -> integer_to_binary(list_to_integer(binary_to_list(Bin), Bs)) end),
        R2 = Catch(fun() -> integer_to_binary(binary_to_integer(Bin, Bs)) end),
        R1 = R2,
        R1;
    [<<"is">>, Base, Dec] ->
        I = binary_to_integer(Dec),
        R = integer_to_list(I, binary_to_integer(Base)),
        R = binary_to_list(integer_to_binary(I, binary_to_integer(Base))),
        list_to_binary(R)
  end
end,
ok = file:write_file(Out, [[Eval(L), $\n] || L <- Ls]),
halt(0).
"#;

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        write!(s, "{x:02X}").unwrap();
    }
    s
}

/// Runs erl once on every case of every test; `None` when erl is absent.
fn erl_answers() -> Option<&'static HashMap<String, String>> {
    static ANSWERS: OnceLock<Option<HashMap<String, String>>> = OnceLock::new();
    ANSWERS.get_or_init(run_erl).as_ref()
}

fn all_queries() -> Vec<String> {
    let mut q = Vec::new();
    for f in float_cases(4, 300 * scale()) {
        q.push(format!("ds {}", f.to_bits()));
        q.push(format!("io {}", f.to_bits()));
    }
    for (f, fmt) in float_to_string_cases() {
        q.push(format!("fl {} {}", f.to_bits(), fmt_code(fmt)));
    }
    for s in parse_float_cases() {
        q.push(format!("pf {}", hex(&s)));
    }
    for (s, b) in parse_integer_cases() {
        q.push(format!("pi {} {}", b, hex(&s)));
    }
    for (v, b) in integer_to_string_cases() {
        q.push(format!("is {} {}", b, v));
    }
    q.sort();
    q.dedup();
    q
}

fn run_erl() -> Option<HashMap<String, String>> {
    let probe = Command::new("erl").arg("-version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if probe.is_err() {
        eprintln!("\n!!!!!!!!!! SKIPPED: `erl` not found on PATH; numfmt differential tests did NOT run !!!!!!!!!!\n");
        return None;
    }
    let queries = all_queries();
    let dir = std::env::temp_dir().join(format!("numfmt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let inp = dir.join("in.txt");
    let outp = dir.join("out.txt");
    std::fs::write(&inp, queries.join("\n") + "\n").unwrap();
    let st = Command::new("erl")
        .args(["-noshell", "-eval", ERL_PROG, "-extra"])
        .arg(&inp)
        .arg(&outp)
        .stdout(Stdio::null())
        .status()
        .expect("running erl");
    assert!(st.success(), "erl failed: {st}");
    let out = std::fs::read_to_string(&outp).unwrap();
    let answers: Vec<&str> = out.lines().collect();
    assert_eq!(answers.len(), queries.len(), "erl answered a different number of lines");
    let _ = std::fs::remove_dir_all(&dir);
    Some(queries.into_iter().zip(answers.into_iter().map(String::from)).collect())
}

fn check<F: Fn(&str) -> Option<String>>(what: &str, queries: Vec<String>, ours: F) {
    let Some(ans) = erl_answers() else { return };
    let mut bad = Vec::new();
    let n = queries.len();
    for q in &queries {
        let want = &ans[q];
        let got = ours(q).unwrap_or_else(|| "badarg".into());
        if &got != want {
            bad.push(format!("{q}: erl={want:?} ours={got:?}"));
        }
    }
    assert!(n >= 200, "{what}: only {n} cases");
    assert!(bad.is_empty(), "{what}: {} of {n} differ:\n{}", bad.len(), bad[..bad.len().min(30)].join("\n"));
    eprintln!("{what}: {n} cases agree with erl");
}

fn bits_of(q: &str, i: usize) -> f64 {
    f64::from_bits(q.split(' ').nth(i).unwrap().parse().unwrap())
}

// ---------------------------------------------------------------------------------------------
// the differential tests

#[test]
fn display_float_matches_erl() {
    let qs = float_cases(4, 300 * scale()).into_iter().map(|f| format!("ds {}", f.to_bits())).collect();
    check("display_float", qs, |q| Some(display_float(bits_of(q, 1))));
}

#[test]
fn io_lib_short_float_matches_erl() {
    let qs = float_cases(4, 300 * scale()).into_iter().map(|f| format!("io {}", f.to_bits())).collect();
    check("io_lib_short_float", qs, |q| Some(io_lib_short_float(bits_of(q, 1))));
}

#[test]
fn float_to_string_matches_erl() {
    let cases = float_to_string_cases();
    let by_query: HashMap<String, (f64, FloatFormat)> =
        cases.iter().map(|&(f, fmt)| (format!("fl {} {}", f.to_bits(), fmt_code(fmt)), (f, fmt))).collect();
    for fmt in ["d", "h", "s", "f", "c"] {
        let qs: Vec<String> = by_query.keys().filter(|q| q.split(' ').nth(2).unwrap().starts_with(fmt)).cloned().collect();
        check(&format!("float_to_string {fmt}"), qs, |q| {
            let (f, fmt) = by_query[q];
            float_to_string(f, fmt).ok()
        });
    }
    // float_to_string_default is FloatFormat::Default.
    for (f, _) in &cases {
        assert_eq!(float_to_string_default(*f), float_to_string(*f, FloatFormat::Default).unwrap());
    }
}

#[test]
fn parse_float_matches_erl() {
    let cases = parse_float_cases();
    let by_query: HashMap<String, Vec<u8>> = cases.into_iter().map(|s| (format!("pf {}", hex(&s)), s)).collect();
    check("parse_float", by_query.keys().cloned().collect(), |q| {
        parse_float(&by_query[q]).map(|f| f.to_bits().to_string())
    });
}

#[test]
fn parse_integer_matches_erl() {
    let cases = parse_integer_cases();
    let by_query: HashMap<String, (Vec<u8>, u32)> =
        cases.into_iter().map(|(s, b)| (format!("pi {} {}", b, hex(&s)), (s, b))).collect();
    check("parse_integer", by_query.keys().cloned().collect(), |q| {
        let (s, b) = &by_query[q];
        parse_integer(s, *b).map(|v| match v {
            IntValue::Small(i) => i.to_string(),
            IntValue::Big(b) => {
                // Big only for values outside i64.
                assert!(i64::try_from(&b).is_err(), "{b} should be Small");
                b.to_string()
            }
        })
    });
}

#[test]
fn integer_to_string_matches_erl() {
    let cases = integer_to_string_cases();
    let by_query: HashMap<String, (String, u32)> =
        cases.into_iter().map(|(v, b)| (format!("is {} {}", b, v), (v, b))).collect();
    check("integer_to_string", by_query.keys().cloned().collect(), |q| {
        let (v, b) = &by_query[q];
        let s = integer_to_string(&int_value_of(v), *b);
        // A Big holding a small value prints the same.
        let big = IntValue::Big(BigInt::parse_bytes(v.as_bytes(), 10).unwrap());
        assert_eq!(integer_to_string(&big, *b), s);
        Some(s)
    });
}

// ---------------------------------------------------------------------------------------------
// rules that need no erl

#[test]
fn fixed_examples() {
    assert_eq!(display_float(3.14), "3.140000e+00");
    assert_eq!(display_float(1.0e100), "1.000000e+100");
    assert_eq!(display_float(-0.0), "-0.000000e+00");
    assert_eq!(float_to_string(3.14, FloatFormat::Default).unwrap(), "3.14000000000000012434e+00");
    assert_eq!(float_to_string(3.14, FloatFormat::Short).unwrap(), "3.14");
    assert_eq!(float_to_string(1e100, FloatFormat::Short).unwrap(), "1.0e100");
    assert_eq!(float_to_string(1e-10, FloatFormat::Short).unwrap(), "1.0e-10");
    assert_eq!(float_to_string(-0.0, FloatFormat::Short).unwrap(), "-0.0");
    assert_eq!(float_to_string(123456789012345680.0, FloatFormat::Short).unwrap(), "1.2345678901234568e17");
    assert_eq!(float_to_string(0.125, FloatFormat::Decimals { n: 2, compact: false }).unwrap(), "0.13");
    assert_eq!(float_to_string(1e20, FloatFormat::Decimals { n: 0, compact: true }).unwrap(), "1");
    assert_eq!(float_to_string(-0.0, FloatFormat::Decimals { n: 253, compact: false }), Err(()));
    assert_eq!(float_to_string(1.0, FloatFormat::Scientific(250)), Err(()));
    assert_eq!(float_to_string(f64::NAN, FloatFormat::Short), Err(()));
    assert_eq!(parse_float(b"1,5"), Some(1.5));
    assert_eq!(parse_float(b"1e10"), None);
    assert_eq!(parse_float(b"1.0e400"), None);
    assert_eq!(parse_integer(b"-ff", 16), Some(IntValue::Small(-255)));
    assert_eq!(parse_integer(b"", 10), None);
    assert_eq!(parse_integer(b"1", 37), None);
    assert_eq!(integer_to_string(&IntValue::Small(-255), 16), "-FF");
    assert_eq!(integer_to_string(&IntValue::Small(i64::MIN), 2).len(), 65);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn short_round_trips(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        prop_assume!(f.is_finite());
        let s = float_to_string(f, FloatFormat::Short).unwrap();
        prop_assert_eq!(parse_float(s.as_bytes()).map(f64::to_bits), Some(bits), "{}", s);
        prop_assert_eq!(io_lib_short_float(f), s);
    }

    #[test]
    fn default_and_scientific17_round_trip(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        prop_assume!(f.is_finite());
        for fmt in [FloatFormat::Default, FloatFormat::Scientific(16)] {
            let s = float_to_string(f, fmt).unwrap();
            prop_assert_eq!(parse_float(s.as_bytes()).map(f64::to_bits), Some(bits), "{}", s);
        }
    }

    #[test]
    fn small_integers_round_trip(v in any::<i64>(), base in 2u32..=36) {
        let s = integer_to_string(&IntValue::Small(v), base);
        prop_assert_eq!(parse_integer(s.as_bytes(), base), Some(IntValue::Small(v)));
        prop_assert_eq!(parse_integer(s.to_ascii_lowercase().as_bytes(), base), Some(IntValue::Small(v)));
    }

    #[test]
    fn big_integers_round_trip(digits in "[1-9][0-9]{19,120}", neg in any::<bool>(), base in 2u32..=36) {
        let mut b = BigInt::parse_bytes(digits.as_bytes(), 10).unwrap();
        if neg { b = -b; }
        let v = IntValue::Big(b);
        let s = integer_to_string(&v, base);
        prop_assert_eq!(parse_integer(s.as_bytes(), base), Some(v));
    }
}
