//! What the kernel runs once the machine is up. The BEAM VM will be started here; for now it
//! checks that alloc, float formatting (SSE) and the no_std BeamOS crates work on bare metal.

use alloc_crate::collections::BTreeMap;
use alloc_crate::format;
use alloc_crate::string::String;
use alloc_crate::vec::Vec;
use core::fmt::Write;

/// Run the kernel's workload, writing a report to `out`; true on success.
pub fn run(out: &mut dyn Write) -> bool {
    let mut ok = true;
    let mut check = |name: &str, pass: bool, out: &mut dyn Write| {
        let _ = writeln!(out, "  {} {}", if pass { "ok  " } else { "FAIL" }, name);
        ok &= pass;
    };

    let v: Vec<u64> = (0..5000u64).map(|i| i * i).collect();
    let sum: u64 = v.iter().sum();
    check("vec of 5000 squares", sum == 41_654_167_500, out);

    let mut m = BTreeMap::new();
    for i in 0..5000u32 {
        m.insert(format!("key-{:05}", (i * 7919) % 5000), i);
    }
    for i in (0..5000u32).step_by(2) {
        m.remove(&format!("key-{:05}", i));
    }
    let first = m.keys().next().cloned().unwrap_or_default();
    check("btreemap insert 5000 / remove 2500", m.len() == 2500 && first == "key-00001", out);

    let mut s = String::new();
    let _ = write!(s, "{} {:e} {:.3}", 1.5f64 * 2.25, 6.02214076e23f64, core::f64::consts::PI);
    let _ = writeln!(out, "  floats: {s}");
    check("float formatting (SSE)", s == "3.375 6.02214076e23 3.142", out);

    let t = beamos_gc::Term::small(42);
    let size = core::mem::size_of::<beamos_gc::Term>();
    let _ = writeln!(out, "  beamos_gc::Term::small(42).small_value() = {}", t.small_value());
    let _ = writeln!(out, "  size_of::<beamos_gc::Term>() = {size}");
    check("beamos-gc links", t.small_value() == 42 && size == 8, out);

    ok
}
