//! BIFs whose work grows with their input trap (emu::trap) instead of running unbounded.
//!
//! Each test is an Erlang module run twice: under erl (at test time) and on our VM through the
//! embedding API; the `erlang:display` output must match line for line.
//!
//! - `by_values`: results and errors (exception, reason and stack trace, with long lists
//!   summarised) of every trapping BIF, on short inputs and on inputs long enough to trap many
//!   times, with bad arguments at the start, in the middle and at the end. Where erl's stack
//!   trace shows arguments that depend on where the last chunk started (lists:reverse/2 and
//!   lists:member/2 trap to themselves with the rest of the list, chunked by reductions left),
//!   the module prints whether the arguments are a consistent intermediate state instead.
//! - `by_more`: the same for the unicode conversions (whose `{error | incomplete, _, Rest}`
//!   must not depend on the chunking), `binary:match/matches/split/replace/copy/list_to_bin`,
//!   `list_to_tuple`, `tuple_to_list`, `bitstring_to_list`, `list_to_bitstring` and `phash2`.
//! - `by_fair` (erl with one scheduler, `+S 1`, as we have): while a process runs one long BIF
//!   on a 5,000,000-element list, a ticker process gets to send many ticks, and
//!   `process_info(P, current_function)` of a process trapped in `lists:reverse/2`, `'++'/2` or
//!   `'--'/2` names the BIF. `list_to_tuple` and `tuple_to_list` run to completion in ERTS, so
//!   only our side of their lines is checked (the ticker runs).
//! - `by_gc`: a process with a small heap runs the BIFs on large inputs; the results are right
//!   (compared with erl), and on our VM the process collected while the BIF was trapped (its
//!   minor collection count grew during the call), so the continuation state survived being
//!   moved.

mod common;

use std::path::PathBuf;
use std::process::Command;

use beamos_vm::vm::{RunEnd, Vm};

/// erl's output for `module:main()`, or None (with a loud message) without erl.
fn erl_output(module: &str, beam: &[u8], erl_flags: &[&str]) -> Option<String> {
    let dir: PathBuf = std::env::temp_dir().join(format!("beamos-bif-yield-{}-{}", module, std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{module}.beam")), beam).unwrap();
    let out = Command::new("erl")
        .args(erl_flags)
        .args(["-noshell", "-pa"])
        .arg(&dir)
        .args(["-s", module, "main"])
        .output();
    match out {
        Err(e) => {
            eprintln!("\n*** SKIPPED: cannot run erl ({e}); these tests need Erlang/OTP 25 ***\n");
            None
        }
        Ok(o) => {
            assert!(o.status.success(), "erl failed: {}", String::from_utf8_lossy(&o.stderr));
            Some(String::from_utf8_lossy(&o.stdout).replace('\r', ""))
        }
    }
}

/// Our output for `module:main()`.
fn our_output(module: &str, beam: &[u8]) -> String {
    let (platform, out) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    for p in common::otp_paths() {
        vm.add_code_path(&p);
    }
    vm.load_module(beam).expect("loads");
    vm.spawn_mfa(module, "main", &[]).unwrap();
    let end = vm.run();
    let text = String::from_utf8_lossy(&out.lock().unwrap()).replace('\r', "");
    assert_eq!(end, RunEnd::Halt(0), "{module} did not halt; output so far:\n{text}");
    text
}

/// Runs `module` on both and compares the lines (except those `skip` accepts); returns ours.
fn compare(module: &str, source: &str, erl_flags: &[&str], skip: impl Fn(&str) -> bool) -> Option<String> {
    let beam = common::compile(module, source)?;
    let theirs = erl_output(module, &beam, erl_flags)?;
    let ours = our_output(module, &beam);
    let t: Vec<&str> = theirs.lines().filter(|l| !skip(l)).collect();
    let o: Vec<&str> = ours.lines().filter(|l| !skip(l)).collect();
    let mut bad = 0;
    for i in 0..t.len().max(o.len()) {
        let (a, b) = (t.get(i).copied().unwrap_or("<none>"), o.get(i).copied().unwrap_or("<none>"));
        if a != b {
            eprintln!("line {}:\n  erl:  {}\n  ours: {}", i + 1, a, b);
            bad += 1;
        }
    }
    assert!(t.len() > 10, "erl printed too little:\n{theirs}");
    assert_eq!(bad, 0, "{bad} lines differ from erl");
    Some(ours)
}

/// Helpers shared by the modules: summaries of long terms and of exceptions.
const HELPERS: &str = r#"
%% A summary of a term: long lists and binaries by size and hash.
sum(L) when is_list(L) ->
    case cells(L) of
        N when N =< 12 -> [sum(X) || X <- proper(L)] ++ tail_of(L);
        N -> {list, N, erlang:phash2(L), tail(L)}
    end;
sum(B) when is_binary(B), byte_size(B) > 24 -> {bin, byte_size(B), erlang:phash2(B)};
sum(T) when is_tuple(T) -> list_to_tuple([sum(X) || X <- tuple_to_list(T)]);
sum(X) -> X.

cells(L) -> cells(L, 0).
cells([_ | T], N) -> cells(T, N + 1);
cells(_, N) -> N.
tail([_ | T]) -> tail(T);
tail(T) -> T.
proper([H | T]) -> [H | proper(T)];
proper(_) -> [].
tail_of(L) -> case tail(L) of [] -> []; T -> [{tail, T}] end.

%% Runs F: the value's summary, or the exception with the stack trace's frames of this module
%% and the first one (the failing BIF), arguments summarised.
t(Label, F) ->
    R = try F() of
            V -> {ok, sum(V)}
        catch
            C:E:S -> {C, sum(E), frames(S)}
        end,
    erlang:display({Label, R}).

frames([First | Rest]) -> [frame(First) | [frame(Fr) || Fr = {M, _, _, _} <- Rest, M =:= ?MODULE]].
frame({M, F, A, L}) when is_list(A) -> {M, F, [sum(X) || X <- A], L};
frame(Fr) -> Fr.

%% Runs F, which must fail in BIF M:F; Check(Args) says whether the arguments erl's trace
%% shows are acceptable (they depend on where the BIF's last chunk started).
tc(Label, F, Check) ->
    R = try F() of
            V -> {ok, sum(V)}
        catch
            C:E:S ->
                [{M, Fn, A, Info} | Rest] = S,
                {C, E, {M, Fn, length(A), Check(A), Info}, [frame(Fr) || Fr = {Mod, _, _, _} <- Rest, Mod =:= ?MODULE]}
        end,
    erlang:display({Label, R}).

%% Takes K elements: {ReversedPrefix, Rest}.
take(0, L, Acc) -> {Acc, L};
take(K, [H | T], Acc) -> take(K - 1, T, [H | Acc]).

%% Args of lists:reverse(Orig, T) after some chunks: [Rest, Reversed prefix ++ T].
rev_ok(Orig, T, [A1, A2]) ->
    K = cells(Orig) - cells(A1),
    K >= 0 andalso begin {Pre, Rest} = take(K, Orig, []), Rest =:= A1 andalso A2 =:= Pre ++ T end.

%% Args of lists:member(X, Orig) after some chunks: [X, a suffix of Orig].
mem_ok(X, Orig, [A1, A2]) ->
    K = cells(Orig) - cells(A2),
    A1 =:= X andalso K >= 0 andalso element(2, take(K, Orig, [])) =:= A2.
"#;

const BY_VALUES: &str = r#"
-module(by_values).
-export([main/0]).

g(L) when length(L) > 10 -> long;
g(_) -> short.

deep_len(L) -> {depth, length(L)}.

main() ->
    N = 1000000,
    Long = lists:seq(1, N),
    ImpEnd = Long ++ foo,
    ImpMid = lists:seq(1, N div 2) ++ bar,
    ImpStart = [1 | foo],

    %% length/1: gc_bif in a body, in a guard (fail label), through apply and a fun.
    t(len_long, fun() -> length(Long) end),
    t(len_empty, fun() -> length([]) end),
    t(len_end, fun() -> length(ImpEnd) end),
    t(len_mid, fun() -> length(ImpMid) end),
    t(len_start, fun() -> length(ImpStart) end),
    t(len_atom, fun() -> length(foo) end),
    t(len_guard_ok, fun() -> g(Long) end),
    t(len_guard_bad, fun() -> g(ImpEnd) end),
    t(len_guard_short, fun() -> g([1, 2]) end),
    t(len_apply, fun() -> apply(erlang, length, [ImpEnd]) end),
    t(len_fun, fun() -> F = fun erlang:length/1, F(ImpEnd) end),
    t(len_fun_ok, fun() -> F = fun erlang:length/1, F(Long) end),
    t(len_nested, fun() -> deep_len(ImpMid) end),
    t(len_if, fun() -> if length(ImpEnd) > 3 -> yes; true -> no end end),

    %% lists:reverse/2
    t(rev_long, fun() -> lists:reverse(Long, []) end),
    t(rev_tail, fun() -> lists:reverse(Long, [a | b]) end),
    t(rev_check, fun() -> lists:reverse(Long, []) =:= lists:foldl(fun(X, A) -> [X | A] end, [], Long) end),
    t(rev_1, fun() -> lists:reverse(Long) end),
    t(rev_empty, fun() -> lists:reverse([], x) end),
    t(rev_atom, fun() -> lists:reverse(foo, x) end),
    t(rev_start, fun() -> lists:reverse(ImpStart, x) end),
    t(rev_short_bad, fun() -> lists:reverse([1, 2, 3 | z], [y]) end),
    tc(rev_end, fun() -> lists:reverse(ImpEnd, [t]) end, fun(A) -> rev_ok(ImpEnd, [t], A) end),
    tc(rev_mid, fun() -> lists:reverse(ImpMid, []) end, fun(A) -> rev_ok(ImpMid, [], A) end),

    %% lists:member/2
    t(mem_absent, fun() -> lists:member(x, Long) end),
    t(mem_first, fun() -> lists:member(1, Long) end),
    t(mem_mid, fun() -> lists:member(N div 2, Long) end),
    t(mem_last, fun() -> lists:member(N, Long) end),
    t(mem_float, fun() -> lists:member(1.0, Long) end),
    t(mem_big, fun() -> lists:member({N}, [{X} || X <- Long]) end),
    t(mem_before_bad, fun() -> lists:member(N, ImpEnd) end),
    t(mem_atom, fun() -> lists:member(x, foo) end),
    t(mem_start, fun() -> lists:member(x, ImpStart) end),
    t(mem_empty, fun() -> lists:member(x, []) end),
    tc(mem_end, fun() -> lists:member(x, ImpEnd) end, fun(A) -> mem_ok(x, ImpEnd, A) end),
    tc(mem_mid_bad, fun() -> lists:member(y, ImpMid) end, fun(A) -> mem_ok(y, ImpMid, A) end),

    %% lists:keyfind/3, keymember/3, keysearch/3 (40,000 elements per chunk in ERTS and here,
    %% so erl's traces show the same remainder as ours)
    TL = [{I, I * 2} || I <- Long],
    TLImp = TL ++ tl,
    t(kf_last, fun() -> lists:keyfind(N, 1, TL) end),
    t(kf_float, fun() -> lists:keyfind(500000.0, 1, TL) end),
    t(kf_second, fun() -> lists:keyfind(4, 2, TL) end),
    t(kf_absent, fun() -> lists:keyfind(x, 1, TL) end),
    t(kf_pos3, fun() -> lists:keyfind(x, 3, TL) end),
    t(kf_pos0, fun() -> lists:keyfind(x, 0, TL) end),
    t(kf_end, fun() -> lists:keyfind(x, 1, TLImp) end),
    t(kf_found_before_bad, fun() -> lists:keyfind(7, 1, TLImp) end),
    t(kf_atom, fun() -> lists:keyfind(x, 1, foo) end),
    t(km_last, fun() -> lists:keymember(N, 1, TL) end),
    t(km_absent, fun() -> lists:keymember(x, 1, TL) end),
    t(km_end, fun() -> lists:keymember(x, 1, TLImp) end),
    t(ks_last, fun() -> lists:keysearch(N, 1, TL) end),
    t(ks_absent, fun() -> lists:keysearch(x, 1, TL) end),
    t(ks_end, fun() -> lists:keysearch(x, 1, TLImp) end),
    t(ks_badpos, fun() -> lists:keysearch(x, a, TL) end),

    %% ++
    t(app_long, fun() -> Long ++ [x] end),
    t(app_nil, fun() -> Long ++ [] end),
    t(app_same, fun() -> (Long ++ []) =:= Long end),
    t(app_improper_rhs, fun() -> Long ++ foo end),
    t(app_nil_lhs, fun() -> [] ++ foo end),
    t(app_short, fun() -> [1, 2] ++ [3] end),
    t(app_end, fun() -> ImpEnd ++ [x] end),
    t(app_end_nil, fun() -> ImpEnd ++ [] end),
    t(app_mid, fun() -> ImpMid ++ Long end),
    t(app_atom, fun() -> foo ++ [] end),
    t(app_fun, fun() -> erlang:append(ImpStart, [x]) end),
    t(app_twice, fun() -> (Long ++ Long) ++ Long end),

    %% --
    t(sub_small_rhs, fun() -> Long -- [3, 2, 1, N] end),
    t(sub_all, fun() -> Long -- Long end),
    t(sub_rev, fun() -> Long -- lists:reverse(Long) end),
    t(sub_exact, fun() -> [1, 1.0, 2, 1] -- [1, 1] end),
    t(sub_small_lhs, fun() -> [5, x, 7, 5] -- Long end),
    t(sub_dups, fun() -> (Long ++ Long) -- lists:seq(1, N, 2) end),
    t(sub_mixed, fun() -> [1, 1.0, 2.0, 2, a, "s", {t} | Long] -- [1.0, 2, {t}, "s" | lists:seq(10, 100)] end),
    t(sub_keep_tail, fun() -> R = Long -- [1], tl(Long) =:= R end),
    t(sub_empty_rhs, fun() -> Long -- [] end),
    t(sub_lhs_end, fun() -> ImpEnd -- [x] end),
    t(sub_rhs_end, fun() -> Long -- ImpEnd end),
    t(sub_rhs_mid, fun() -> Long -- ImpMid end),
    t(sub_small_lhs_bad_rhs, fun() -> [1, 2] -- ImpEnd end),
    t(sub_empty_bad_rhs, fun() -> [] -- [1 | 2] end),
    t(sub_atom, fun() -> foo -- [] end),
    t(sub_atom_rhs, fun() -> [1] -- foo end),
    t(sub_fun, fun() -> erlang:subtract(Long, [1, 2]) end),

    %% list_to_binary/1, iolist_to_binary/1, iolist_size/1
    Bytes = [X band 255 || X <- Long],
    Lists = [[X band 255] || X <- Long],
    Left = lists:foldl(fun(X, A) -> [A, X band 255] end, [], lists:seq(1, N div 2)),
    Right = lists:foldr(fun(X, A) -> [X band 255, A] end, [], lists:seq(1, N div 2)),
    SmallLeft = lists:foldl(fun(X, A) -> [A, X band 255] end, [], lists:seq(1, 50000)),
    SmallRight = lists:foldr(fun(X, A) -> [X band 255, A] end, [], lists:seq(1, 50000)),
    <<_:1, Unaligned:300/binary, _:7>> = <<0:1, (list_to_binary(lists:seq(1, 250)))/binary, 0:400, 0:7>>,
    Mixed = [<<"abc">>, Bytes, [], <<1, 2, 3>>, [[]], binary:copy(<<"xy">>, 300000), Unaligned | <<4, 5>>],
    Cases = [{bytes, Bytes}, {lists, Lists}, {left, Left}, {right, Right}, {mixed, Mixed},
             {empty, []}, {nested_empty, [[], [[]]]}, {bin_tail, [1 | <<2>>]}],
    Bad = [{b256, Bytes ++ [256]}, {bneg, [1, -1]}, {bimp, Bytes ++ foo}, {bbits, [Bytes | <<1:3>>]},
           {bbits_elem, [<<1:3>>]}, {batom_elem, [Bytes, a]}, {bfloat, [1.0]}, {bdeep_bad, [SmallLeft, 300]},
           {bright_bad, [SmallRight | x]}, {atom, foo}, {bin, <<1, 2>>}, {bits, <<1:3>>}],
    [begin
         t({l2b, K}, fun() -> list_to_binary(V) end),
         t({io2b, K}, fun() -> iolist_to_binary(V) end),
         t({iosize, K}, fun() -> iolist_size(V) end)
     end || {K, V} <- Cases ++ Bad],
    t(l2b_roundtrip, fun() -> binary_to_list(list_to_binary(Bytes)) =:= Bytes end),

    %% binary_to_list/1,3
    Bin = binary:copy(<<1, 2, 3, 4, 5, 6, 7, 8, 9>>, 200000),
    Sz = byte_size(Bin),
    <<_:3, UBin:Sz/binary, _:5>> = <<0:3, Bin/binary, 0:5>>,
    t(b2l_long, fun() -> binary_to_list(Bin) end),
    t(b2l_unaligned, fun() -> binary_to_list(UBin) =:= binary_to_list(Bin) end),
    t(b2l_3, fun() -> binary_to_list(Bin, 5, 1000000) end),
    t(b2l_3_all, fun() -> binary_to_list(Bin, 1, Sz) end),
    t(b2l_3_one, fun() -> binary_to_list(Bin, Sz, Sz) end),
    t(b2l_3_unaligned, fun() -> binary_to_list(UBin, 7, Sz - 3) end),
    t(b2l_3_bits, fun() -> binary_to_list(<<1, 2, 3:4>>, 1, 2) end),
    t(b2l_3_zero, fun() -> binary_to_list(Bin, 0, 5) end),
    t(b2l_3_rev, fun() -> binary_to_list(Bin, 5, 4) end),
    t(b2l_3_past, fun() -> binary_to_list(Bin, 1, Sz + 1) end),
    t(b2l_3_big, fun() -> binary_to_list(Bin, 1, 1 bsl 70) end),
    t(b2l_bits, fun() -> binary_to_list(<<1:3>>) end),
    t(b2l_atom, fun() -> binary_to_list(foo) end),
    t(b2l_empty, fun() -> binary_to_list(<<>>) end),

    %% term_to_binary/1,2 and binary_to_term/1,2 (compressed output is compared through a round
    %% trip only: our deflate is not zlib's byte for byte)
    Nested = [{I, [I], <<I:32>>, #{I => I}, float(I), -I * 1000000000000} || I <- lists:seq(1, 100000)],
    Deep = lists:foldl(fun(X, A) -> [A | X] end, [], lists:seq(1, 200000)),
    Terms = [{long, Long}, {nested, Nested}, {deep, Deep}, {str, lists:duplicate(65535, $a)},
             {str_long, lists:duplicate(65536, $a)}, {imp, ImpEnd}, {bin, Bin}, {tuple, list_to_tuple(Long)},
             {small, {a, "b", <<"c">>, 1.5}}],
    [begin
         t({t2b, K}, fun() -> term_to_binary(V) end),
         t({t2b_v0, K}, fun() -> term_to_binary(V, [{minor_version, 0}]) end),
         t({rt, K}, fun() -> binary_to_term(term_to_binary(V)) =:= V end),
         t({rt_c, K}, fun() -> binary_to_term(term_to_binary(V, [compressed])) =:= V end),
         t({rt_used, K}, fun() -> {T, U} = binary_to_term(<<(term_to_binary(V))/binary, "junk">>, [used]),
                                   {T =:= V, U} end)
     end || {K, V} <- Terms],
    LongB = term_to_binary(Long),
    t(t2b_badopt, fun() -> term_to_binary(Long, [bad]) end),
    t(t2b_badopts, fun() -> term_to_binary(Long, foo) end),
    t(b2t_truncated, fun() -> binary_to_term(binary:part(LongB, 0, byte_size(LongB) - 1)) end),
    t(b2t_truncated_used, fun() -> binary_to_term(binary:part(LongB, 0, byte_size(LongB) - 3), [used]) end),
    t(b2t_bad_mid, fun() -> <<H:500000/binary, _, T/binary>> = LongB, binary_to_term(<<H/binary, 200, T/binary>>) end),
    t(b2t_claims, fun() -> binary_to_term(<<131, 108, N:32, (binary:copy(<<97, 1>>, N))/binary>>) end),
    t(b2t_unsafe, fun() -> binary_to_term(<<131, 100, 0, 11, "zzqq_nonatom">>, [safe]) end),
    t(b2t_atom, fun() -> binary_to_term(foo) end),
    t(b2t_version, fun() -> binary_to_term(<<130, 106>>) end),
    erlang:halt().
"#;

#[test]
fn values_and_errors_match_erl() {
    let src = format!("{}{}", BY_VALUES, HELPERS);
    compare("by_values", &src, &[], |_| false);
}

const BY_FAIR: &str = r#"
-module(by_fair).
-export([main/0]).

%% Increments a counter and sends it, once per time it is scheduled, until told to stop.
ticker(Main, N) ->
    receive
        stop -> ok
    after 0 ->
        Main ! {tick, N},
        erlang:yield(),
        ticker(Main, N + 1)
    end.

%% Counts ticks until the worker is done; the first tick also samples the worker's
%% current function.
wait(W, N, CF) ->
    receive
        {done, R} -> {N, R, CF};
        {tick, _} when CF =:= none -> wait(W, N + 1, process_info(W, current_function));
        {tick, _} -> wait(W, N + 1, CF)
    end.

%% Prep builds the input in the worker; F is the one long BIF call.
run(Name, Prep, F, ShowCF) ->
    Main = self(),
    W = spawn(fun() ->
                  In = Prep(),
                  Main ! ready,
                  receive go -> ok end,
                  R = F(In),
                  Main ! {done, erlang:phash2(R)}
              end),
    receive ready -> ok end,
    T = spawn(fun() -> receive go -> ticker(Main, 0) end end),
    W ! go,
    T ! go,
    {N, R, CF} = wait(W, 0, none),
    T ! stop,
    erlang:display({Name, ticks_over_20, N > 20, R, case ShowCF of true -> CF; false -> '-' end}).

%% The same for BIFs that trap here but run to completion in ERTS (so erl's line would differ).
run_ours(Name, Prep, F) ->
    Main = self(),
    W = spawn(fun() -> In = Prep(), Main ! ready, receive go -> ok end, R = F(In), Main ! {done, erlang:phash2(R)} end),
    receive ready -> ok end,
    T = spawn(fun() -> receive go -> ticker(Main, 0) end end),
    W ! go,
    T ! go,
    {N, _, _} = wait(W, 0, none),
    T ! stop,
    erlang:display({ours_only, Name, ticks_over_20, N > 20}).

main() ->
    N = 5000000,
    Seq = fun() -> lists:seq(1, N) end,
    run(length, Seq, fun(L) -> length(L) end, false),
    run(reverse, Seq, fun(L) -> lists:reverse(L, []) end, true),
    run(member, Seq, fun(L) -> lists:member(x, L) end, false),
    run(keyfind, fun() -> [{I} || I <- lists:seq(1, N)] end, fun(L) -> lists:keyfind(x, 1, L) end, false),
    run(append, Seq, fun(L) -> L ++ [x] end, true),
    run(subtract, Seq, fun(L) -> L -- [3, 2, 1] end, true),
    run(subtract_set, Seq, fun(L) -> L -- lists:seq(1, 100) end, true),
    run(list_to_binary, fun() -> [X band 255 || X <- lists:seq(1, N)] end, fun(L) -> list_to_binary(L) end, false),
    run(iolist_size, fun() -> [[X band 255] || X <- lists:seq(1, N)] end, fun(L) -> iolist_size(L) end, false),
    run(binary_to_list, fun() -> binary:copy(<<1, 2, 3, 4, 5, 6, 7, 8>>, N) end, fun(B) -> binary_to_list(B) end, false),
    run(term_to_binary, Seq, fun(L) -> term_to_binary(L) end, false),
    run(binary_to_term, fun() -> term_to_binary(lists:seq(1, N)) end, fun(B) -> binary_to_term(B) end, false),
    Text = fun() -> [X rem 1000 + 32 || X <- lists:seq(1, N)] end,
    run(characters_to_binary, Text, fun(L) -> unicode:characters_to_binary(L) end, false),
    run(characters_to_list, Text, fun(L) -> unicode:characters_to_list(L) end, false),
    run(characters_to_list_bin, fun() -> binary:copy(<<"abcd", 16#20AC/utf8>>, N div 7) end,
        fun(B) -> unicode:characters_to_list(B) end, false),
    Csv = fun() -> binary:copy(<<"abcdefghi,">>, N div 10) end,
    run(split, Csv, fun(B) -> binary:split(B, <<",">>, [global]) end, false),
    run(matches, Csv, fun(B) -> binary:matches(B, [<<",">>, <<"e">>]) end, false),
    run(copy, fun() -> <<"ab">> end, fun(B) -> binary:copy(B, N) end, false),
    run(phash2, Seq, fun(L) -> erlang:phash2(L) end, true),
    run(bitstring_to_list, fun() -> <<(binary:copy(<<1, 2, 3, 4, 5>>, N div 5))/binary, 1:3>> end,
        fun(B) -> bitstring_to_list(B) end, false),
    run(list_to_bitstring, fun() -> [<<X:7>> || X <- lists:seq(1, N)] end, fun(L) -> list_to_bitstring(L) end, false),
    run_ours(list_to_tuple, Seq, fun(L) -> list_to_tuple(L) end),
    run_ours(tuple_to_list, fun() -> list_to_tuple(lists:seq(1, N)) end, fun(T) -> tuple_to_list(T) end),
    erlang:halt().
"#;

#[test]
fn long_bifs_let_others_run() {
    // One scheduler on both sides: interleaving comes from trapping, not from parallelism.
    let ours_only = |l: &str| l.starts_with("{ours_only,");
    let Some(ours) = compare("by_fair", BY_FAIR, &["+S", "1"], ours_only) else { return };
    // BIFs that ERTS runs to completion (so erl's ticker starves) but that trap here.
    for name in ["list_to_tuple", "tuple_to_list"] {
        let line = format!("{{ours_only,{name},ticks_over_20,true}}");
        assert!(ours.lines().any(|l| l == line), "{name} did not let the ticker run:\n{ours}");
    }
}

const BY_GC: &str = r#"
-module(by_gc).
-export([main/0]).

minor() ->
    {garbage_collection, G} = process_info(self(), garbage_collection),
    proplists:get_value(minor_gcs, G).

%% Runs F(In) and Check(In, Result) in a fresh process with a small heap, which gets its input
%% in a message (so its heap is small until the call); prints whether the result is right, and
%% (on a line of its own) how many minor collections ran during the call.
run(Name, Prep, F, Check) ->
    Main = self(),
    In = Prep(),
    W = spawn_opt(fun() ->
                      receive {input, I} -> ok end,
                      M0 = minor(),
                      R = F(I),
                      M1 = minor(),
                      Main ! {Name, Check(I, R), M1 - M0}
                  end, [{min_heap_size, 233}]),
    W ! {input, In},
    receive
        {Name, Ok, Gcs} ->
            erlang:display({Name, Ok}),
            erlang:display({gcs, Name, Gcs})
    end.

main() ->
    N = 1000000,
    Seq = fun() -> lists:seq(1, N) end,
    run(reverse, Seq, fun(L) -> lists:reverse(L, [end_]) end,
        fun(L, R) -> R =:= lists:foldl(fun(X, A) -> [X | A] end, [end_], L) end),
    run(b2l, fun() -> binary:copy(<<7, 8, 9, 10>>, N) end, fun(B) -> binary_to_list(B) end,
        fun(B, R) -> length(R) =:= byte_size(B) andalso R =:= lists:append(lists:duplicate(N, [7, 8, 9, 10])) end),
    run(b2l_3, fun() -> binary:copy(<<7, 8, 9, 10>>, N) end, fun(B) -> binary_to_list(B, 3, 4 * N - 2) end,
        fun(B, R) -> R =:= binary_to_list(binary:part(B, 2, 4 * N - 4)) end),
    Deep = fun() -> lists:foldl(fun(X, A) -> [A, [X band 255]] end, [], lists:seq(1, N)) end,
    Flat = fun(L) -> lists:flatten(L) end,
    run(l2b_deep, Deep, fun(L) -> list_to_binary(L) end, fun(L, R) -> binary_to_list(R) =:= Flat(L) end),
    run(io2b_deep, Deep, fun(L) -> iolist_to_binary(L) end, fun(L, R) -> binary_to_list(R) =:= Flat(L) end),
    run(iosize_deep, Deep, fun(L) -> iolist_size(L) end, fun(_, R) -> R =:= N end),
    run(length, Seq, fun(L) -> length(L) end, fun(_, R) -> R =:= N end),
    run(member, Seq, fun(L) -> lists:member(N, L) end, fun(_, R) -> R end),
    run(append, Seq, fun(L) -> L ++ [x] end, fun(L, R) -> length(R) =:= N + 1 andalso lists:last(R) =:= x andalso lists:droplast(R) =:= L end),
    run(subtract, Seq, fun(L) -> L -- lists:seq(2, N, 2) end, fun(_, R) -> R =:= lists:seq(1, N, 2) end),
    run(t2b, Seq, fun(L) -> term_to_binary(L) end, fun(L, R) -> binary_to_term(R) =:= L end),
    run(b2t, fun() -> term_to_binary([{I, [I]} || I <- lists:seq(1, N)]) end, fun(B) -> binary_to_term(B) end,
        fun(_, R) -> R =:= [{I, [I]} || I <- lists:seq(1, N)] end),
    run(t2l, fun() -> list_to_tuple(lists:seq(1, N)) end, fun(T) -> tuple_to_list(T) end,
        fun(_, R) -> R =:= lists:seq(1, N) end),
    run(bs2l, fun() -> <<(binary:copy(<<7, 8, 9, 10>>, N))/binary, 3:2>> end, fun(B) -> bitstring_to_list(B) end,
        fun(_, R) -> R =:= lists:append(lists:duplicate(N, [7, 8, 9, 10])) ++ [<<3:2>>] end),
    run(c2l, fun() -> [<<"ab">>, [X rem 1000 + 32 || X <- lists:seq(1, N)]] end, fun(L) -> unicode:characters_to_list(L) end,
        fun(L, R) -> R =:= lists:flatten([binary_to_list(hd(L)) | tl(L)]) end),
    run(c2l_bin, fun() -> binary:copy(<<"ab", 16#20AC/utf8>>, N) end, fun(B) -> unicode:characters_to_list(B) end,
        fun(_, R) -> R =:= lists:append(lists:duplicate(N, [$a, $b, 16#20AC])) end),
    run(split, fun() -> binary:copy(<<"abc,">>, N) end, fun(B) -> binary:split(B, <<",">>, [global]) end,
        fun(_, R) -> R =:= lists:duplicate(N, <<"abc">>) ++ [<<>>] end),
    erlang:halt().
"#;

#[test]
fn continuation_state_survives_collections() {
    let is_gc_line = |l: &str| l.starts_with("{gcs,");
    let Some(ours) = compare("by_gc", BY_GC, &[], is_gc_line) else { return };
    // The BIFs whose state is all terms let the process collect between chunks: on a 233-word
    // heap they must have collected while trapped.
    for name in ["reverse", "b2l", "b2l_3", "l2b_deep", "io2b_deep", "iosize_deep", "t2l", "bs2l", "c2l", "c2l_bin"] {
        let line = ours
            .lines()
            .find(|l| l.starts_with(&format!("{{gcs,{name},")))
            .unwrap_or_else(|| panic!("no gcs line for {name}:\n{ours}"));
        let n: u64 = line.trim_end_matches('}').rsplit(',').next().unwrap().parse().unwrap();
        assert!(n > 0, "{name}: no collection while trapped ({line})");
    }
}

/// The BIFs made to trap after the first ones: unicode, binary module, tuples, bitstrings,
/// phash2. Unicode rests (`{error | incomplete, Converted, Rest}`) must be erl's whatever the
/// chunking: the lists are long enough (over 200,000 elements) that ERTS's first chunk is one
/// unit and the others 40,000, as ours.
const BY_MORE: &str = r#"
-module(by_more).
-export([main/0]).

main() ->
    N = 250000,
    Long = lists:seq(1, N),
    Str = [X rem 1000 + 32 || X <- Long],
    Latin = [X band 255 || X <- Long],
    Wide = [X rem 16#10000 + 16#E000 || X <- lists:seq(1, N div 4)] ++ [16#10400 + X || X <- lists:seq(1, 5000)],
    Deep = lists:foldl(fun(X, A) -> [A, X rem 500 + 32] end, [], lists:seq(1, N div 2)),
    Chunky = [[<<"héllo wörld €"/utf8>>, X rem 2000, [<<"ab">>]] || X <- lists:seq(1, N div 10)],
    Utf8Bin = unicode:characters_to_binary(Str),
    Half = byte_size(Utf8Bin) div 2,
    {A1, B1} = lists:split(N div 2, Str),
    UCases = [{str, Str}, {latin, Latin}, {wide, Wide}, {deep, Deep}, {chunky, Chunky},
              {bin, Utf8Bin}, {bin_list, [Utf8Bin]}, {bins, [Utf8Bin, Utf8Bin | Utf8Bin]},
              {bad_start, [16#D800 | Str]}, {bad_mid, A1 ++ [-1 | B1]}, {bad_end, Str ++ [16#110000]},
              {big_mid, A1 ++ [1 bsl 70 | B1]}, {atom_mid, A1 ++ [foo | B1]}, {atom_end, Str ++ foo},
              {bits_mid, [Utf8Bin, <<1:3>>, Str]},
              {bin_bad_mid, <<(binary:part(Utf8Bin, 0, Half))/binary, 255, (binary:part(Utf8Bin, Half, 1000))/binary>>},
              {bin_incomplete, <<Utf8Bin/binary, 16#E2, 16#82>>},
              {bin_bad_incomplete, <<Utf8Bin/binary, 16#E2, 16#41>>},
              {list_bin_incomplete, [Str, <<16#E2, 16#82>>]},
              {list_split_char, [Str, <<16#E2, 16#82>>, <<16#AC, "x">>, Str]},
              {list_split_bad, [Str, <<16#E2, 16#82>>, 65, Str]},
              {list_split_bad2, [Str, <<16#E2>>, <<16#82, 16#41>>, Str]},
              {nested_bad, [[Str, [[Deep, [1, 2, -5, 3]], 4]], 5]},
              {latin_bin, list_to_binary(Latin)}, {latin_bins, [list_to_binary(Latin), Latin]},
              {empty, []}, {empty_bin, <<>>}, {atom, foo}],
    [begin
         t({c2b, K}, fun() -> unicode:characters_to_binary(V) end),
         t({c2b_latin1, K}, fun() -> unicode:characters_to_binary(V, latin1) end),
         t({c2b_3, K}, fun() -> unicode:characters_to_binary(V, unicode, unicode) end),
         t({c2l, K}, fun() -> unicode:characters_to_list(V) end),
         t({c2l_latin1, K}, fun() -> unicode:characters_to_list(V, latin1) end)
     end || {K, V} <- UCases],
    t(u_rt, fun() -> unicode:characters_to_list(unicode:characters_to_binary(Wide)) =:= Wide end),
    t(u_rt_deep, fun() -> unicode:characters_to_list(Deep) =:= lists:flatten(Deep) end),

    %% binary:match/matches/split/replace/copy/list_to_bin
    M = 400000,
    Bin = binary:copy(<<"abcdefghij, klmnop; qrstu">>, M div 25),
    Sz = byte_size(Bin),
    <<_:3, UBin:Sz/binary, _:5>> = <<0:3, Bin/binary, 0:5>>,
    NoSep = binary:copy(<<"x">>, M),
    Pats = [{one, <<", ">>}, {many, [<<", ">>, <<"; ">>, <<"klm">>, <<"k">>]}, {aa, <<"aa">>}, {aas, [<<"aa">>, <<"aaa">>]}],
    Subjects = [{bin, Bin}, {ubin, UBin}, {nosep, NoSep}, {tail, <<NoSep/binary, ", end">>},
                {aa, binary:copy(<<"a">>, M + 1)}, {empty, <<>>}],
    [begin
         t({match, SK, PK}, fun() -> binary:match(S, P) end),
         t({matches, SK, PK}, fun() -> binary:matches(S, P) end),
         t({matches_scope, SK, PK}, fun() -> binary:matches(S, P, [{scope, {byte_size(S) div 3, byte_size(S) div 2}}]) end),
         t({split, SK, PK}, fun() -> binary:split(S, P) end),
         t({split_g, SK, PK}, fun() -> binary:split(S, P, [global]) end),
         t({split_trim, SK, PK}, fun() -> binary:split(S, P, [global, trim_all | [{scope, {7, byte_size(S) - 14}} || byte_size(S) > 14]]) end),
         t({replace, SK, PK}, fun() -> binary:replace(S, P, <<"=">>, [global]) end)
     end || {SK, S} <- Subjects, {PK, P} <- Pats],
    t(match_cp, fun() -> binary:matches(Bin, binary:compile_pattern([<<"op">>, <<"p;">>])) end),
    t(match_badpat, fun() -> binary:match(Bin, <<>>) end),
    t(match_badscope, fun() -> binary:match(Bin, <<"a">>, [{scope, {0, Sz + 1}}]) end),
    t(split_bits, fun() -> binary:split(<<1:3>>, <<"a">>) end),
    t(matches_atom, fun() -> binary:matches(foo, <<"a">>) end),
    t(copy, fun() -> binary:copy(Bin, 5) end),
    t(copy_u, fun() -> binary:copy(UBin, 3) =:= binary:copy(Bin, 3) end),
    t(copy_small, fun() -> binary:copy(<<"ab">>, 1000000) end),
    t(copy_0, fun() -> binary:copy(Bin, 0) end),
    t(copy_empty, fun() -> binary:copy(<<>>, 1000000) end),
    t(copy_bits, fun() -> binary:copy(<<1:3>>, 2) end),
    t(copy_neg, fun() -> binary:copy(Bin, -1) end),
    Bytes = [X band 255 || X <- lists:seq(1, M)],
    t(l2bin, fun() -> binary:list_to_bin(Bytes) end),
    t(l2bin_bad_end, fun() -> binary:list_to_bin(Bytes ++ [256]) end),
    t(l2bin_bad_mid, fun() -> binary:list_to_bin([Bytes, foo, Bytes]) end),
    t(l2bin_atom, fun() -> binary:list_to_bin(foo) end),

    %% list_to_tuple/1, tuple_to_list/1
    LongM = lists:seq(1, M),
    Tup = list_to_tuple(LongM),
    t(l2t, fun() -> T = list_to_tuple(LongM), {tuple_size(T), element(M, T), erlang:phash2(T)} end),
    t(l2t_eq, fun() -> list_to_tuple(LongM) =:= Tup end),
    t(l2t_elem, fun() -> T = list_to_tuple([{X} || X <- LongM]), {element(1, T), element(M, T), element(M div 2, T)} end),
    t(l2t_end, fun() -> list_to_tuple(LongM ++ foo) end),
    t(l2t_mid, fun() -> list_to_tuple(lists:seq(1, M div 2) ++ bar) end),
    t(l2t_start, fun() -> list_to_tuple([1 | x]) end),
    t(l2t_atom, fun() -> list_to_tuple(x) end),
    t(l2t_empty, fun() -> list_to_tuple([]) end),
    t(l2t_apply, fun() -> apply(erlang, list_to_tuple, [LongM ++ foo]) end),
    t(t2l, fun() -> tuple_to_list(Tup) end),
    t(t2l_eq, fun() -> tuple_to_list(Tup) =:= LongM end),
    t(t2l_empty, fun() -> tuple_to_list({}) end),
    t(t2l_atom, fun() -> tuple_to_list(x) end),

    %% bitstring_to_list/1, list_to_bitstring/1
    B4 = binary:copy(<<1, 2, 3, 250>>, M),
    Bits = <<B4/binary, 5:3>>,
    <<_:5, UBits/bitstring>> = <<0:5, Bits/bitstring>>,
    t(bs2l, fun() -> bitstring_to_list(Bits) end),
    t(bs2l_last, fun() -> lists:last(bitstring_to_list(Bits)) end),
    t(bs2l_u, fun() -> bitstring_to_list(UBits) =:= bitstring_to_list(Bits) end),
    t(bs2l_bin, fun() -> bitstring_to_list(B4) end),
    t(bs2l_small, fun() -> bitstring_to_list(<<1:3>>) end),
    t(bs2l_atom, fun() -> bitstring_to_list(x) end),
    Bl = [<<X:7>> || X <- lists:seq(1, M div 4)],
    t(l2bs, fun() -> B = list_to_bitstring(Bl), {bit_size(B), erlang:phash2(B)} end),
    t(l2bs_mix, fun() -> B = list_to_bitstring([Bl, 1, <<2:1>>, [B4], 255 | <<1:5>>]), {bit_size(B), erlang:phash2(B)} end),
    t(l2bs_eq, fun() -> list_to_bitstring([B4 | <<5:3>>]) =:= Bits end),
    t(l2bs_bad_end, fun() -> list_to_bitstring([Bl, 256]) end),
    t(l2bs_bad_mid, fun() -> list_to_bitstring([Bl, foo, Bl]) end),
    t(l2bs_imp, fun() -> list_to_bitstring(Bl ++ x) end),
    t(l2bs_atom, fun() -> list_to_bitstring(x) end),
    t(l2bs_empty, fun() -> list_to_bitstring([]) end),
    t(l2bs_one, fun() -> list_to_bitstring([<<1:3>>]) end),

    %% phash2/1,2 (the summaries above hash with it too)
    HTerms = [{bytes, Bytes}, {bytes_odd, [7 | Bytes]}, {ints, LongM},
              {mixed, [case X rem 7 of 0 -> 300; 1 -> a; _ -> X band 255 end || X <- LongM]},
              {imp, Bytes ++ foo}, {deep, lists:foldl(fun(X, A) -> [A | X] end, [], lists:seq(1, M div 5))},
              {nested, [{X, [X], <<X:32>>, #{X => [X]}, float(X)} || X <- lists:seq(1, M div 10)]},
              {map, maps:from_list([{X, integer_to_list(X)} || X <- lists:seq(1, M div 10)])},
              {bin, B4}, {tuple, Tup}],
    [t({phash2, K}, fun() -> {erlang:phash2(V), erlang:phash2(V, 1000), erlang:phash2(V, 1 bsl 32)} end) || {K, V} <- HTerms],
    t(phash2_range0, fun() -> erlang:phash2(LongM, 0) end),
    t(phash2_range_atom, fun() -> erlang:phash2(LongM, a) end),
    erlang:halt().
"#;

#[test]
fn more_values_and_errors_match_erl() {
    let src = format!("{}{}", BY_MORE, HELPERS);
    compare("by_more", &src, &[], |_| false);
}
