//! What the kernel runs once the machine is up: self-checks of alloc, floats (SSE) and the
//! allocator, then the BEAM VM in bare mode running `kdemo:main()` from a .beam embedded in
//! the image, started through bare mode's `init` exactly as `beamos -s kdemo main` does.

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

    check("allocator churn (alloc/free/realloc, 1 B .. 1 MiB)", churn(), out);
    check("mem functions", mem_functions(), out);

    let t = beamos_gc::Term::small(42);
    let size = core::mem::size_of::<beamos_gc::Term>();
    let _ = writeln!(out, "  beamos_gc::Term::small(42).small_value() = {}", t.small_value());
    let _ = writeln!(out, "  size_of::<beamos_gc::Term>() = {size}");
    check("beamos-gc links", t.small_value() == 42 && size == 8, out);

    let _ = writeln!(out, "  starting the VM: init:boot([[kdemo, main]])");
    let status = run_vm();
    check("VM ran kdemo:main() and halted with status 0", status == Some(0), out);
    ok
}

/// Bare mode's init (shared with the hosted beamos binary) and the demo program.
const INIT_BEAM: &[u8] = include_bytes!("../../erl/init.beam");
const KDEMO_BEAM: &[u8] = include_bytes!("../erl/kdemo.beam");

/// Boots the VM on the bare-metal platform; returns the halt status, if it halted.
fn run_vm() -> Option<i32> {
    use beamos_vm::vm::{RunEnd, Vm};
    use beamos_vm::{atom, terms};
    let vm = Vm::new(alloc_crate::boxed::Box::new(crate::platform::BareMetal));
    vm.add_module_bytes("init", INIT_BEAM.to_vec());
    vm.add_module_bytes("kdemo", KDEMO_BEAM.to_vec());
    let mut f = beamos_gc::heap::Fragment::with_capacity(64);
    let mfa = terms::list(&mut f, &[atom::atom("kdemo"), atom::atom("main")]);
    let start = terms::list(&mut f, &[mfa]);
    vm.spawn_process(atom::atom("init"), atom::atom("boot"), &[start, beamos_gc::Term::NIL, beamos_gc::Term::NIL], None, |_| {});
    match vm.run() {
        RunEnd::Halt(s) => Some(s),
        RunEnd::Idle => None,
    }
}

/// Many live blocks of mixed sizes, every other one freed and re-made, some grown by realloc;
/// each block's contents are checked, so overlapping blocks would be caught.
fn churn() -> bool {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let fill = |i: usize, n: usize| (0..n).map(|j| (i * 31 + j) as u8).collect::<Vec<u8>>();
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    for i in 0..3000 {
        let n = match next() % 100 { 0 => 1 << 20, 1..=9 => 4096 + (next() % 60000) as usize, _ => 1 + (next() % 3000) as usize };
        blocks.push(fill(i, n));
    }
    for round in 0..3 {
        for i in (round % 2..blocks.len()).step_by(2) {
            blocks[i] = fill(i, 1 + (next() % 5000) as usize);
        }
        for i in (0..blocks.len()).step_by(7) {
            let extra = (next() % 9000) as usize;
            let start = blocks[i].len();
            blocks[i].extend((start..start + extra).map(|j| (i * 31 + j) as u8));
        }
    }
    blocks.iter().enumerate().all(|(i, b)| b.iter().enumerate().all(|(j, &x)| x == (i * 31 + j) as u8))
}

/// memmove both ways, memset, and memcmp/bcmp through slice comparisons.
fn mem_functions() -> bool {
    let mut a: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
    let b = a.clone();
    let eq = core::hint::black_box(&a[..]) == core::hint::black_box(&b[..]);
    a.copy_within(0..9000, 1000); // overlapping, dst above src: backward copy
    let fwd = a[1000..10_000] == b[0..9000];
    a.copy_within(1000..10_000, 0); // overlapping, dst below src: forward copy
    let back = a[0..9000] == b[0..9000];
    let mut z = core::hint::black_box(vec_of(4096, 0xAB));
    z.fill(0);
    let zeroed = z.iter().all(|&x| x == 0);
    let ord = core::hint::black_box(&b"abcdefghij0"[..]) < core::hint::black_box(&b"abcdefghij1"[..]);
    eq && fwd && back && zeroed && ord && a[..] != b[..]
}

fn vec_of(n: usize, v: u8) -> Vec<u8> {
    alloc_crate::vec![v; n]
}
