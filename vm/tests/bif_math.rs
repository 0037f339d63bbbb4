//! The `math` module's BIFs against erl, float results compared bit for bit (see bif_support).

mod bif_support;

use bif_support::{check, check_generated, Case};

/// Functions with their allowed error in ulps: exact ones, and exp/pow/log/log2 (glibc's own
/// algorithms, see math/arm.rs), must agree bit for bit; the others come from the libm crate,
/// which may round differently from glibc in the last place, so 1 ulp is allowed there and
/// each such case is listed.
const ONE_ARG: &[(&str, u32)] = &[
    ("cos", 1), ("cosh", 1), ("sin", 1), ("sinh", 1), ("tan", 1), ("tanh", 1), ("acos", 1), ("acosh", 1),
    ("asin", 1), ("asinh", 1), ("atan", 1), ("atanh", 1), ("erf", 1), ("erfc", 1), ("exp", 0), ("log", 0),
    ("log2", 0), ("log10", 1), ("sqrt", 0), ("ceil", 0), ("floor", 0),
];
const TWO_ARGS: &[(&str, u32)] = &[("atan2", 1), ("pow", 0), ("fmod", 0)];

/// Arguments: typical values, domain edges, integers, bignums (one beyond a float), non-numbers.
const VALUES: &[&str] = &[
    "0", "1", "-1", "2", "7", "-3", "0.0", "-0.0", "0.5", "-0.5", "0.999", "1.0e-300", "3.141592653589793",
    "1.5707963267948966", "100.25", "-100.25", "710.0", "1.0e10", "-1.0e10", "1.0e300", "(1 bsl 70)",
    "-(1 bsl 70) - 1", "(1 bsl 1030)", "foo", "\"1\"",
];

const SPOT: &[Case] = &[
    ("{math, sqrt, [-1]}", None),
    ("{math, log, [0]}", None),
    ("{math, pow, [0, -1]}", None),
    ("{math, pow, [-8, 0.3333333333333333]}", None),
    ("{math, pow, [2, 1024]}", None),
    ("{math, pow, [foo, 1 bsl 1030]}", None),
    ("{math, pow, [1 bsl 1030, foo]}", None),
    ("{math, fmod, [5.5, 0]}", None),
    ("{math, fmod, [-7, 3]}", None),
    ("{math, exp, [-1000]}", None),
    ("{math, atan2, [0.0, -0.0]}", None),
    ("{math, atan2, [-0.0, -1]}", None),
    ("{math, floor, [-0.5]}", None),
    ("{math, ceil, [-0.5]}", None),
    ("{math, acos, [2]}", None),
    ("{math, atanh, [1]}", None),
    ("{math, sqrt, [(1 bsl 1023) * 2 - 1]}", None),
    ("{math, sqrt, [179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368]}", None),
    ("{math, log2, [1 bsl 1000]}", None),
    ("{math, sin, [{1}]}", None),
    // ERTS folds bignum limbs into a float one rounding at a time (not correctly rounded).
    ("{math, floor, [(1 bsl 64) + (1 bsl 63) + 2049]}", None),
    ("{math, floor, [-((1 bsl 64) + (1 bsl 63) + 2049)]}", None),
];

#[test]
fn math_spot_cases_match_erl() {
    check(SPOT);
}

#[test]
fn math_functions_over_value_grid_match_erl() {
    let mut cases = Vec::new();
    for (f, ulps) in ONE_ARG {
        for v in VALUES {
            cases.push(format!("{{ulps, {ulps}, {{math, {f}, [{v}]}}}}"));
        }
    }
    for (f, ulps) in TWO_ARGS {
        for x in VALUES.iter().step_by(2) {
            for y in VALUES.iter().skip(1).step_by(3) {
                cases.push(format!("{{ulps, {ulps}, {{math, {f}, [{x}, {y}]}}}}"));
            }
        }
    }
    assert!(cases.len() >= 40);
    check_generated(cases);
}

/// Random arguments for the functions that must agree with glibc bit for bit.
#[test]
fn exp_pow_log_random_match_erl_exactly() {
    let mut rng = bif_support::Rng(0xe4b);
    let mut unit = move || rng.next() as f64 / u64::MAX as f64;
    let mut cases = Vec::new();
    for i in 0..400 {
        let x = match i % 4 {
            0 => unit() * 1400.0 - 700.0,
            1 => unit() * 4.0 - 2.0,
            2 => 0.9 + unit() * 0.2,
            _ => unit() * 1.0e6,
        };
        let y = unit() * 40.0 - 20.0;
        let ax = x.abs().max(1.0e-300);
        cases.push(format!("{{ulps, 0, {{math, exp, [{x:.17e}]}}}}"));
        cases.push(format!("{{ulps, 0, {{math, log, [{ax:.17e}]}}}}"));
        cases.push(format!("{{ulps, 0, {{math, log2, [{ax:.17e}]}}}}"));
        cases.push(format!("{{ulps, 0, {{math, pow, [{ax:.17e}, {y:.17e}]}}}}"));
    }
    check_generated(cases);
}
