//! The embedding API: create a VM, load module bytes, spawn M:F(Args), run, read the result.

mod common;

use beamos_gc::heap::Fragment;
use beamos_vm::vm::{RunEnd, Vm};
use beamos_vm::{atom, terms};

const CALC: &str = r#"
-module(calc).
-export([add/2, fact/1, boom/0, hello/0, sum_list/1]).
add(A, B) -> A + B.
fact(0) -> 1;
fact(N) -> N * fact(N - 1).
boom() -> erlang:error(kaboom).
hello() -> erlang:display({hello, [1, 2.5, <<"bin">>]}), done.
sum_list(L) -> lists:sum(L).
"#;

fn vm() -> Option<(Vm, std::sync::Arc<std::sync::Mutex<Vec<u8>>>)> {
    let beam = common::compile("calc", CALC)?;
    let (platform, out) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    for p in common::otp_paths() {
        vm.add_code_path(&p);
    }
    assert_eq!(atom::name(vm.load_module(&beam).expect("loads")), "calc");
    Some((vm, out))
}

#[test]
fn spawn_run_and_read_results() {
    let Some((vm, out)) = vm() else { return };
    let a = vm.spawn_mfa("calc", "add", &[beamos_vm::Term::small(40), beamos_vm::Term::small(2)]).unwrap();
    let f = vm.spawn_mfa("calc", "fact", &[beamos_vm::Term::small(25)]).unwrap();
    let b = vm.spawn_mfa("calc", "boom", &[]).unwrap();
    let h = vm.spawn_mfa("calc", "hello", &[]).unwrap();
    let mut frag = Fragment::with_capacity(16);
    let list = terms::list(&mut frag, &[beamos_vm::Term::small(1), beamos_vm::Term::small(2), beamos_vm::Term::small(3)]);
    let s = vm.spawn_mfa("calc", "sum_list", &[list]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    assert_eq!(vm.result_string(a).as_deref(), Some("42"));
    assert_eq!(vm.result_string(f).as_deref(), Some("15511210043330985984000000"));
    assert_eq!(vm.result_string(h).as_deref(), Some("done"));
    assert_eq!(vm.result_string(s).as_deref(), Some("6"));
    let boom = vm.result_string(b).unwrap();
    assert!(boom.starts_with("exit:{kaboom,[{calc,boom,0,"), "{}", boom);
    assert_eq!(String::from_utf8_lossy(&out.lock().unwrap()), "{hello,[1,2.500000e+00,<<\"bin\">>]}\r\n");
    assert_eq!(vm.with_result(a, |t| t.as_small()), Some(Some(42)));
}

#[test]
fn corrupt_modules_are_named_errors() {
    let Some((vm, _)) = vm() else { return };
    let beam = common::compile("calc", CALC).unwrap();
    // Truncations and bit flips never panic; they give an error (or, rarely, still load).
    for cut in [0, 4, 12, 20, beam.len() / 2, beam.len() - 1] {
        let e = vm.load_module(&beam[..cut]);
        assert!(e.is_err(), "truncated at {} loaded", cut);
        let msg = e.err().unwrap().to_string();
        assert!(!msg.is_empty());
    }
    let mut bad = beam.clone();
    bad[0] = b'X';
    assert_eq!(vm.load_module(&bad).err().unwrap().to_string(), "not a BEAM file (no FOR1/BEAM header)");
}

#[test]
fn halt_status_and_undef() {
    let Some((vm, _)) = vm() else { return };
    let beam = common::compile(
        "halter",
        "-module(halter).\n-export([go/0]).\ngo() -> catch nosuch:fn(1), erlang:halt(3).\n",
    )
    .unwrap();
    vm.load_module(&beam).unwrap();
    vm.spawn_mfa("halter", "go", &[]).unwrap();
    assert_eq!(vm.run(), RunEnd::Halt(3));
}
