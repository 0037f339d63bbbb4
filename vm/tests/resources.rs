//! Resources (atomics arrays) live exactly as long as some term refers to them: collections
//! free the ones no process holds; ETS tables, persistent_term and messages keep theirs.

mod common;

use beamos_vm::vm::{RunEnd, Vm};
use beamos_vm::{atom, Term};

const RES: &str = r#"
-module(res).
-export([churn/1, churn_and_wait/1, keep_in_ets/1, drop_table/1, in_flight/0]).

%% Makes N arrays, dropping each; collects every 1000.
churn(0) -> erlang:garbage_collect(), ok;
churn(N) ->
    R = atomics:new(128, []),
    atomics:put(R, 1, N),
    N = atomics:get(R, 1),
    case N rem 1000 of 0 -> erlang:garbage_collect(); _ -> ok end,
    churn(N - 1).

%% churn/1, then stays alive (the VM goes idle) holding one array.
churn_and_wait(N) ->
    Keep = atomics:new(1, []),
    churn(N),
    receive stop -> Keep end.

%% A process makes an array, puts it in a public table and dies; the table's owner waits.
keep_in_ets(Name) ->
    T = ets:new(Name, [named_table, public]),
    Self = self(),
    spawn(fun() -> ets:insert(T, {k, atomics:new(4, [])}), Self ! done end),
    receive done -> ok end,
    receive stop -> ok end.

drop_table(Name) -> ets:delete(Name).

%% A message holding an array, sent to a process that never takes it, then killed.
in_flight() ->
    P = spawn(fun() -> receive never -> ok end end),
    P ! {msg, atomics:new(8, [])},
    erlang:garbage_collect(),
    exit(P, kill),
    ok.
"#;

fn vm() -> Option<Vm> {
    let beam = common::compile("res", RES)?;
    let (platform, _out) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    for p in common::otp_paths() {
        vm.add_code_path(&p);
    }
    assert_eq!(atom::name(vm.load_module(&beam).expect("loads")), "res");
    Some(vm)
}

#[test]
fn collections_free_dropped_arrays() {
    let Some(vm) = vm() else { return };
    vm.spawn_mfa("res", "churn_and_wait", &[Term::small(100_000)]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    // The waiting process holds one array; its last collection freed all the others.
    assert_eq!(vm.resources.live(), 1);
}

#[test]
fn a_dead_process_releases_its_arrays() {
    let Some(vm) = vm() else { return };
    let p = vm.spawn_mfa("res", "churn", &[Term::small(500)]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    assert_eq!(vm.result_string(p).as_deref(), Some("ok"));
    assert_eq!(vm.resources.live(), 0);
}

#[test]
fn ets_keeps_an_array_until_the_table_goes() {
    let Some(vm) = vm() else { return };
    let name = atom::atom("res_table");
    vm.spawn_mfa("res", "keep_in_ets", &[name]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    assert_eq!(vm.resources.live(), 1, "the maker died; the table holds the array");
    let d = vm.spawn_mfa("res", "drop_table", &[name]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    assert_eq!(vm.result_string(d).as_deref(), Some("true"));
    assert_eq!(vm.resources.live(), 0);
}

#[test]
fn an_undelivered_message_releases_its_array() {
    let Some(vm) = vm() else { return };
    let p = vm.spawn_mfa("res", "in_flight", &[]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    assert_eq!(vm.result_string(p).as_deref(), Some("ok"));
    assert_eq!(vm.resources.live(), 0);
}
