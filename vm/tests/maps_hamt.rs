//! Maps above 32 keys are HAMTs shaped as ERTS's: differential tests against the real BEAM.
//!
//! Each case is an Erlang module whose `main/0` prints with `erlang:display/1`. It is compiled
//! with erlc, run by `erl` (the expected output, produced now) and by our VM, and the two
//! outputs must be byte-identical. `erlang:display/1` prints a HAMT's internal structure
//! (`#<bitmap>{<bitmap>{[K|V],...},...}`), so these also pin the trie's shape, not only the
//! iteration order of `maps:keys/1`, `maps:to_list/1`, `maps:fold/3`, `maps:iterator/1`.
//!
//! Atom keys hash by their atom-table index (in ERTS as here), which differs between the two
//! VMs, so maps with atom keys are only checked through order-independent results (size,
//! lookups, sorted pairs, `phash2`, equality, term order).
//!
//! Without `erl`/`erlc` the tests are skipped with a loud message.

mod common;

use std::path::PathBuf;
use std::process::Command;

use beamos_vm::vm::{RunEnd, Vm};

/// Compiles `source` into a fresh directory; `None` (with a message) without erlc.
fn compile(name: &str, source: &str) -> Option<(PathBuf, Vec<u8>)> {
    let dir = std::env::temp_dir().join(format!("beamos-maps-hamt-{}-{}", name, std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{}.erl", name));
    std::fs::write(&src, source).unwrap();
    match Command::new("erlc").arg("-o").arg(&dir).arg(&src).output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!("erlc failed on {}: {}", name, String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("SKIPPED: erlc not found; install erlang-nox to run this test");
            return None;
        }
    }
    let beam = std::fs::read(dir.join(format!("{}.beam", name))).unwrap();
    Some((dir, beam))
}

/// The module's output under the real BEAM.
fn run_erl(dir: &PathBuf, name: &str) -> Option<Vec<u8>> {
    let eval = format!("{}:main(), halt().", name);
    let out = match Command::new("erl").arg("-noshell").arg("-pa").arg(dir).arg("-eval").arg(&eval).output() {
        Ok(o) => o,
        Err(_) => {
            eprintln!("SKIPPED: erl not found; install erlang-nox to run this test");
            return None;
        }
    };
    assert!(out.status.success(), "erl failed on {}: {}", name, String::from_utf8_lossy(&out.stderr));
    Some(out.stdout)
}

/// The module's output under our VM.
fn run_ours(name: &str, beam: &[u8]) -> Vec<u8> {
    let (platform, out) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    for p in common::otp_paths() {
        vm.add_code_path(&p);
    }
    vm.load_module(beam).expect("module loads");
    let pid = vm.spawn_mfa(name, "main", &[]).unwrap();
    assert_eq!(vm.run(), RunEnd::Idle);
    let result = vm.result_string(pid).unwrap_or_default();
    assert_eq!(result, "ok", "{}:main() ended with {}", name, result);
    let bytes = out.lock().unwrap().clone();
    bytes
}

/// Runs `source` on both VMs and requires identical output (reporting the first line that
/// differs).
fn differential(name: &str, source: &str) {
    let Some((dir, beam)) = compile(name, source) else { return };
    let Some(expected) = run_erl(&dir, name) else { return };
    let ours = run_ours(name, &beam);
    assert!(expected.len() > 10, "erl printed almost nothing for {}", name);
    if ours == expected {
        return;
    }
    let (e, o) = (String::from_utf8_lossy(&expected), String::from_utf8_lossy(&ours));
    let (el, ol): (Vec<&str>, Vec<&str>) = (e.lines().collect(), o.lines().collect());
    let i = el.iter().zip(&ol).position(|(a, b)| a != b).unwrap_or(el.len().min(ol.len()));
    let cut = |s: Option<&&str>| s.map_or("<end of output>".to_string(), |s| s.chars().take(600).collect());
    panic!(
        "{}: output differs from erl's at line {} ({} vs {} lines)\n  erl:    {}\n  beamos: {}",
        name,
        i + 1,
        el.len(),
        ol.len(),
        cut(el.get(i)),
        cut(ol.get(i))
    );
}

#[test]
fn sizes_0_to_100_and_1000_iterate_and_print_as_erl() {
    differential(
        "hamt_sizes",
        r#"
-module(hamt_sizes).
-export([main/0]).
main() ->
    D = fun erlang:display/1,
    lists:foreach(
      fun(N) ->
          M = maps:from_list([{I, I * 3} || I <- lists:seq(1, N)]),
          D({N, map_size(M)}),
          D(M),
          D(maps:keys(M)),
          D(maps:values(M)),
          D(maps:to_list(M)),
          D(maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], M)),
          D(iter(maps:iterator(M))),
          D({erlang:phash2(M), erlang:phash(M, 1 bsl 32)}),
          D(term_to_binary(M)),
          S = maps:from_list([{integer_to_list(I), I} || I <- lists:seq(1, N)]),
          D(maps:keys(S)),
          D(S)
      end, lists:seq(0, 100) ++ [1000]),
    ok.
iter(I) ->
    case maps:next(I) of
        none -> [];
        {K, V, I2} -> [{K, V} | iter(I2)]
    end.
"#,
    );
}

#[test]
fn ten_thousand_mixed_keys() {
    differential(
        "hamt_mixed",
        r#"
-module(hamt_mixed).
-export([main/0]).
main() ->
    D = fun erlang:display/1,
    N = 10000,
    Keys = [key(I) || I <- lists:seq(1, N)],
    M = maps:from_list([{K, I} || {K, I} <- lists:zip(Keys, lists:seq(1, N))]),
    D(map_size(M)),
    D(M),
    D(maps:keys(M)),
    D(maps:to_list(M)),
    D(maps:fold(fun(K, _, A) -> [K | A] end, [], M)),
    D(erlang:phash2(M)),
    B = term_to_binary(M),
    D(B),
    D(binary_to_term(B) =:= M),
    D(term_to_binary(binary_to_term(B)) =:= B),
    D(lists:all(fun({K, I}) -> maps:get(K, M) =:= I end, lists:zip(Keys, lists:seq(1, N)))),
    D([maps:find(K, M) || K <- [0, 1.0, <<"nope">>, {nope}, 1 bsl 200, "x"]]),
    %% Removing every other key, one by one, then putting them back.
    Half = [K || {K, I} <- lists:zip(Keys, lists:seq(1, N)), I rem 2 =:= 0],
    M2 = lists:foldl(fun(K, A) -> maps:remove(K, A) end, M, Half),
    D(M2),
    M3 = lists:foldl(fun(K, A) -> A#{K => maps:get(K, M)} end, M2, lists:reverse(Half)),
    D(M3 =:= M),
    D(term_to_binary(M3) =:= B),
    %% The same keys with atoms mixed in: only order-independent results.
    A = maps:merge(M, maps:from_list([{list_to_atom("k" ++ integer_to_list(I)), I} || I <- lists:seq(1, 3000)])),
    D(map_size(A)),
    D(lists:sort(maps:to_list(A)) =:= lists:sort(maps:to_list(M) ++ [{list_to_atom("k" ++ integer_to_list(I)), I} || I <- lists:seq(1, 3000)])),
    D(erlang:phash2(A)),
    D(erlang:phash2(lists:sort(maps:keys(A)))),
    D(maps:get(k2999, A)),
    D(binary_to_term(term_to_binary(A)) =:= A),
    D(maps:remove(k1, A) < A),
    D(lists:sort(maps:to_list(maps:filter(fun(K, _) -> is_atom(K) andalso K < k11 end, A)))),
    ok.

key(I) ->
    case I rem 7 of
        0 -> I;
        1 -> I * 1.5;
        2 -> <<I:24>>;
        3 -> {I, [I]};
        4 -> (1 bsl 70) + I;
        5 -> integer_to_list(I);
        6 -> -I
    end.
"#,
    );
}

#[test]
fn put_and_remove_around_the_32_33_boundary() {
    differential(
        "hamt_boundary",
        r#"
-module(hamt_boundary).
-export([main/0]).
main() ->
    D = fun erlang:display/1,
    %% Growing key by key through the limit (put, the map syntax, maps:put/3).
    Up = lists:foldl(fun(I, A) -> M = A#{I => I}, D(M), M end, #{}, lists:seq(1, 40)),
    Up2 = lists:foldl(fun(I, A) -> M = maps:put(I * 1.0, x, A), D(M), M end, #{}, lists:seq(1, 40)),
    %% Shrinking through it (maps:remove/2, maps:take/2), in two different orders.
    lists:foldl(fun(I, A) -> M = maps:remove(I, A), D(M), M end, Up, lists:seq(1, 40)),
    lists:foldl(fun(I, A) -> {V, M} = maps:take(I, A), D({V, M}), M end, Up, lists:reverse(lists:seq(1, 40))),
    lists:foldl(fun(I, A) -> M = maps:remove(I * 1.0, A), D(M), M end, Up2, lists:seq(1, 40, 3)),
    M33 = maps:from_list([{I, I} || I <- lists:seq(1, 33)]),
    M32 = maps:from_list([{I, I} || I <- lists:seq(1, 32)]),
    D({M32, M33}),
    D(maps:remove(33, M33)),
    D(maps:remove(34, M33) =:= M33),
    D(maps:take(34, M33)),
    D(M32#{33 => 33} =:= M33),
    D(M32#{33 => 33, 34 => 34, 1 => one}),
    D(M33#{1 := uno, 33 := tres}),
    D(t(fun() -> M33#{99 := x} end)),
    D(maps:update(5, five, M33)),
    D(t(fun() -> maps:update(50, five, M33) end)),
    D(maps:put(1, 1, M33) =:= M33),
    D(maps:from_list([{I rem 33, I} || I <- lists:seq(1, 99)])),
    D(maps:from_list([{I rem 30, I} || I <- lists:seq(1, 99)])),
    D(maps:from_keys(lists:seq(1, 50), k)),
    D(maps:from_keys(lists:seq(1, 20) ++ lists:seq(1, 20), k)),
    %% merge: flat+flat crossing the limit, flat+HAMT both ways, HAMT+HAMT, self.
    D(maps:merge(M32, #{<<"a">> => 1})),
    D(maps:merge(M32, maps:from_list([{I, m} || I <- lists:seq(20, 40)]))),
    D(maps:merge(#{1 => left, 100 => left}, M33)),
    D(maps:merge(M33, #{1 => right, 100 => right})),
    H1 = maps:from_list([{I, h1} || I <- lists:seq(1, 300)]),
    H2 = maps:from_list([{I, h2} || I <- lists:seq(200, 600, 2)]),
    D(maps:merge(H1, H2)),
    D(maps:merge(H2, H1)),
    D(maps:merge(H1, H1) =:= H1),
    D(maps:merge(H1, #{}) =:= H1),
    D(maps:with(lists:seq(1, 300, 7), H1)),
    D(maps:without(lists:seq(1, 300, 7), H1)),
    D(maps:map(fun(K, _) -> K * 2 end, H2)),
    D(maps:filter(fun(K, _) -> K rem 3 =:= 0 end, H1)),
    %% Literal maps above 32 keys become HAMTs when the module loads.
    D(lit()),
    D(lit() =:= maps:from_list([{I, I * I} || I <- lists:seq(1, 40)])),
    D((lit())#{41 => 1681}),
    ok.

lit() ->
    #{1 => 1, 2 => 4, 3 => 9, 4 => 16, 5 => 25, 6 => 36, 7 => 49, 8 => 64, 9 => 81, 10 => 100,
      11 => 121, 12 => 144, 13 => 169, 14 => 196, 15 => 225, 16 => 256, 17 => 289, 18 => 324,
      19 => 361, 20 => 400, 21 => 441, 22 => 484, 23 => 529, 24 => 576, 25 => 625, 26 => 676,
      27 => 729, 28 => 784, 29 => 841, 30 => 900, 31 => 961, 32 => 1024, 33 => 1089,
      34 => 1156, 35 => 1225, 36 => 1296, 37 => 1369, 38 => 1444, 39 => 1521, 40 => 1600}.

%% Errors without stack traces (erl's -eval adds frames of its own).
t(F) -> try F() catch C:R -> {C, R} end.
"#,
    );
}

#[test]
fn equality_order_hashes_and_external_format_of_big_maps() {
    differential(
        "hamt_compare",
        r#"
-module(hamt_compare).
-export([main/0]).
main() ->
    D = fun erlang:display/1,
    R = lists:seq(1, 40),
    Ms = [maps:from_list([{I, 1} || I <- R]),
          maps:from_list([{I, 2} || I <- R]),
          maps:from_list([{I, 1.0} || I <- R]),
          maps:from_list([{float(I), 1} || I <- R]),
          maps:from_list([{I, 1} || I <- lists:seq(2, 41)]),
          maps:from_list([{I, 1} || I <- lists:seq(0, 39)]),
          maps:from_list([{I, 1} || I <- R] ++ [{41, 1}]),
          maps:from_list([{I, case I of 17 -> 0; _ -> 1 end} || I <- R]),
          maps:from_list([{I, case I of 3 -> 0; 30 -> 5; _ -> 1 end} || I <- R]),
          maps:from_list([{integer_to_list(I), 1} || I <- R]),
          maps:from_list([{{I}, 1} || I <- R]),
          maps:from_list([{I, 1} || I <- lists:seq(1, 32)]),
          #{1 => a, 2.0 => b, 3 => c}],
    D(lists:sort(Ms)),
    D([[{A < B, A == B, A =:= B} || B <- Ms] || A <- Ms]),
    D([erlang:phash2(M) || M <- Ms]),
    D([erlang:phash(M, 1000000) || M <- Ms]),
    D([term_to_binary(M) || M <- Ms]),
    D([binary_to_term(term_to_binary(M)) =:= M || M <- Ms]),
    D([term_to_binary(M, [deterministic]) || M <- Ms]),
    %% Big maps as keys and values of big maps (the internal hash of a map).
    Nested = maps:from_list([{maps:from_list([{I, J} || I <- R]), J} || J <- lists:seq(1, 50)]
                            ++ [{maps:from_list([{J, I} || I <- lists:seq(1, 5)]), J} || J <- R]),
    D(Nested),
    D(maps:keys(Nested)),
    D(erlang:phash2(Nested)),
    D(term_to_binary(Nested)),
    D(binary_to_term(term_to_binary(Nested)) =:= Nested),
    D(maps:get(maps:from_list([{I, 7} || I <- R]), Nested)),
    D(maps:is_key(maps:from_list([{I, 7.0} || I <- R]), Nested)),
    %% Keys equal by == but not =:= are distinct keys.
    Mix = maps:from_list([{I, int} || I <- lists:seq(1, 40)] ++ [{float(I), flt} || I <- lists:seq(1, 40)]),
    D(Mix),
    D(maps:keys(Mix)),
    D(lists:sort(maps:keys(Mix))),
    %% The first chunk of an iterator (at most 32 pairs from path 0) and its path.
    D(maps:next(maps:iterator(maps:from_list([{I, x} || I <- lists:seq(1, 500)])))),
    D(erts_internal:map_next(0, maps:from_list([{I, x} || I <- lists:seq(1, 40)]), [])),
    D(t(fun() -> erts_internal:map_next(16#ff, maps:from_list([{I, x} || I <- lists:seq(1, 40)]), []) end)),
    D(t(fun() -> erts_internal:map_next(-1, maps:from_list([{I, x} || I <- lists:seq(1, 40)]), []) end)),
    D(t(fun() -> erts_internal:map_next(3, #{a => 1}, []) end)),
    D(t(fun() -> erts_internal:map_next(1 bsl 70, maps:from_list([{I, x} || I <- lists:seq(1, 40)]), []) end)),
    ok.

t(F) -> try F() catch C:R -> {C, R} end.
"#,
    );
}

/// `make_internal_hash(T, 0)` as erl computes it (`erts_debug:get_internal_state`), for terms
/// of every type whose hash does not depend on VM-local identities (atoms, pids, refs, funs).
#[test]
fn internal_hash_matches_erl() {
    use beamos_gc::heap::Fragment;
    use beamos_vm::module::CodeTable;
    let terms = r#"[0, 1, -1, 42, 255, 256, (1 bsl 59) - 1, -(1 bsl 59), 1 bsl 59, 1 bsl 64, -(1 bsl 64),
        1 bsl 200, -(1 bsl 200) + 7, 0.0, 1.5, -2.25e-300, 1.0e300, 3.14159, -1.0,
        [], "", "a", "ab", "abc", "abcd", "abcde", "hello world!", [256], [1 | 2], [[]], [1, 2, 3 | 4],
        [300, 1, 2], [1, 300], ["ab" | "cd"], [1.5, <<"x">>], {}, {1}, {1, 2, 3}, {{}}, {[], {1.5}},
        <<>>, <<1>>, <<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13>>, <<1:1>>, <<255, 3:3>>,
        binary:copy(<<7, 9>>, 1000), #{}, #{1 => 2}, #{1.0 => 2, 1 => 3}, #{"k" => [1, 2], {} => <<>>},
        maps:from_list([{I, I} || I <- lists:seq(1, 40)]),
        maps:from_list([{[I], {I, -I}} || I <- lists:seq(1, 100)]),
        [#{1 => "x"} | {}], {maps:from_list([{<<I>>, I} || I <- lists:seq(1, 60)])}]"#;
    let eval = format!(
        "erts_debug:set_internal_state(available_internal_state, true), \
         L = [{{T, erts_debug:get_internal_state({{internal_hash, T}})}} || T <- {}], \
         io:format(\"~s\", [binary:encode_hex(term_to_binary(L))]), halt().",
        terms
    );
    let out = match Command::new("erl").args(["-noshell", "-eval", &eval]).output() {
        Ok(o) if o.status.success() => o.stdout,
        Ok(o) => panic!("erl failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("SKIPPED: erl not found; install erlang-nox to run this test");
            return;
        }
    };
    let hex = String::from_utf8(out).unwrap();
    let bytes: Vec<u8> = (0..hex.trim().len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
    let code = CodeTable::new();
    let mut f = Fragment::with_capacity(1 << 20);
    let list = beamos_vm::bif::etf::decode(&mut f, &bytes, &code).expect("decodes erl's term_to_binary");
    let pairs = beamos_vm::terms::list_to_vec(list).unwrap();
    assert!(pairs.len() > 50);
    let mut bad = Vec::new();
    for p in pairs {
        let e = beamos_vm::terms::tuple_elems(p).unwrap();
        let want = e[1].as_small().unwrap() as u32;
        let ours = beamos_vm::hash::internal_hash(e[0], 0);
        if ours != want {
            let mut s = Vec::new();
            beamos_vm::print::display(e[0], &mut s);
            bad.push(format!("{}: erl {} ours {}", String::from_utf8_lossy(&s), want, ours));
        }
    }
    assert!(bad.is_empty(), "internal hashes differ:\n{}", bad.join("\n"));
}

/// Integer keys whose level-0 hashes are equal in all 32 bits: ERTS pushes them down eight
/// levels and goes on with the hash salted with 1. Found with our hash; erl's display of the
/// same maps shows whether the shape (hence the hash) agrees.
#[test]
fn full_hash_collisions_go_down_to_the_next_salt() {
    let mut seen: std::collections::HashMap<u32, i64> = std::collections::HashMap::new();
    let mut colliding: Vec<i64> = Vec::new();
    for i in 1..=600_000i64 {
        let h = beamos_vm::hash::map_hash(beamos_vm::Term::small(i), 0);
        if let Some(&j) = seen.get(&h) {
            colliding.extend([j, i]);
            if colliding.len() >= 16 {
                break;
            }
        } else {
            seen.insert(h, i);
        }
    }
    assert!(colliding.len() >= 4, "no full 32-bit collisions among 600,000 integers");
    let keys: Vec<String> = colliding.iter().map(|k| k.to_string()).collect();
    let src = format!(
        r#"
-module(hamt_collide).
-export([main/0]).
main() ->
    D = fun erlang:display/1,
    C = [{}],
    M = maps:from_list([{{K, K}} || K <- C ++ lists:seq(1, 60)]),
    D(M),
    D(maps:keys(M)),
    D(term_to_binary(M)),
    D([maps:get(K, M) || K <- C]),
    Small = maps:from_list([{{K, K}} || K <- C]),
    D(Small),
    D(maps:merge(Small, maps:from_list([{{K, x}} || K <- lists:seq(1, 40)]))),
    lists:foldl(fun(K, A) -> A2 = maps:remove(K, A), D(A2), A2 end, M, C),
    lists:foldl(fun(K, A) -> A2 = A#{{K => y}}, D(A2), A2 end, maps:from_list([{{K, K}} || K <- lists:seq(1, 40)]), C),
    D(lists:sort([M, maps:remove(hd(C), M), maps:put(hd(C), 0, M)])),
    ok.
"#,
        keys.join(", ")
    );
    differential("hamt_collide", &src);
}

/// `erts_internal:map_next/3` directly: following the returned paths visits every pair once,
/// in `maps:iterator` order, across many chunks; arbitrary paths give pairs or badarg, never
/// a panic.
#[test]
fn map_next_paths_resume_and_never_panic() {
    use beamos_gc::Term;
    use beamos_vm::bif::{self, Ctx};
    use beamos_vm::process::Process;
    use beamos_vm::{atom, map, terms};
    let (platform, _) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    let mut p = Process::new(0, Default::default());
    let next = bif::lookup(atom::atom("erts_internal"), atom::atom("map_next"), 3).expect("map_next/3");
    for n in [33usize, 100, 5000] {
        let pairs: Vec<(Term, Term)> = (0..n as i64).map(|i| (Term::small(i * 31 - 7), Term::small(i))).collect();
        let m = map::from_pairs(&mut p.heap, &pairs);
        let want: Vec<(Term, Term)> = map::iter(m).collect();
        // iterator mode: {K, V, {K, V, ... [Path | Map] | none}}
        let mut got = Vec::new();
        let mut path = Term::small(0);
        loop {
            let mut ctx = Ctx { proc: &mut p, vm: &vm };
            let mut r = next(&mut ctx, &[path, m, atom::atom("iterator")]).expect("valid path");
            while let Some(e) = terms::tuple_elems(r) {
                got.push((e[0], e[1]));
                r = e[2];
            }
            if r == atom::atom("none") {
                break;
            }
            let (pth, mm) = terms::cons_parts(r).expect("[Path | Map]");
            assert_eq!(mm, m);
            path = pth;
        }
        assert_eq!(got, want, "{} keys, iterator mode", n);
        // list mode: [Path, Map | Acc] until only the accumulated pairs are left.
        let mut acc = Term::NIL;
        let mut path = Term::small(0);
        loop {
            let mut ctx = Ctx { proc: &mut p, vm: &vm };
            let r = next(&mut ctx, &[path, m, acc]).expect("valid path");
            let (h, t) = terms::cons_parts(r).expect("a list");
            if terms::tuple_elems(h).is_some() {
                acc = r;
                break;
            }
            path = h;
            let (mm, rest) = terms::cons_parts(t).unwrap();
            assert_eq!(mm, m);
            acc = rest;
        }
        let listed: Vec<(Term, Term)> = terms::list_to_vec(acc)
            .unwrap()
            .into_iter()
            .map(|t| {
                let e = terms::tuple_elems(t).unwrap();
                (e[0], e[1])
            })
            .collect();
        assert_eq!(listed, map::pairs_list_order(m), "{} keys, list mode", n);
        // Arbitrary paths, small and big, positive and negative.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let path = match x % 4 {
                0 => Term::small((x >> 40) as i64 - (1 << 23)),
                1 => Term::small((x & 0xff) as i64),
                2 => terms::int_from_i128(&mut p.heap, (x as i128) << (x % 64)),
                _ => terms::int_from_i128(&mut p.heap, -((x >> 3) as i128) << 62),
            };
            let acc = if x % 5 == 0 { atom::atom("iterator") } else { Term::NIL };
            let mut ctx = Ctx { proc: &mut p, vm: &vm };
            let _ = next(&mut ctx, &[path, m, acc]);
        }
    }
}
