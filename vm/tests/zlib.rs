//! The `zlib` module (bif/zlib.rs) against erl, across the two implementations:
//!
//! 1. Our deflate, erl's inflate: `zl_deflate` compresses a set of inputs on beamos in every
//!    way the API offers (compress, zip, gzip, levels, strategies, window sizes, memory
//!    levels, sync and full flushes, dictionaries, deflateParams, resets, iolists). Each case
//!    prints as an Erlang term `{Name, How, Size, Crc32, Compressed}`; the terms become the
//!    module `zl_cases`, and erl runs `zl_check` over them, inflating each as `How` says and
//!    comparing size and CRC with the input's. After every sync or full flush the stream so
//!    far must inflate to exactly the input so far. Compressed bytes need not equal zlib's.
//! 2. erl's deflate, our inflate, exactly: the same cases compressed by erl (real zlib: dynamic
//!    Huffman blocks, its flush markers and headers) are inflated by `zl_inflate` on erl and on
//!    beamos in several ways (one shot, safeInflate chunk by chunk, input in pieces of 1, 7
//!    and 5000 bytes, inflateChunk with a 3000-byte buffer, window contents, checksums); every
//!    line must be the same. `zl_check` must also pass on beamos. Compressed external term
//!    format (`term_to_binary(T, [compressed])`) crosses over the same way.
//! 3. Corrupt input: `zl_inflate:corrupt/0` mutates the smaller of erl's streams (bit flips,
//!    replaced, inserted and dropped bytes, truncation; a deterministic generator in Erlang)
//!    and inflates each mutant; results and errors must match erl's line for line.
//!
//! Our side runs in a fresh in-process VM. Without erl/erlc the tests are skipped loudly.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use beamos_vm::vm::{RunEnd, Vm};

const DEFLATE_SRC: &str = r#"
-module(zl_deflate).
-export([main/0]).

main() -> [erlang:display(C) || C <- cases()], ok.

rand_bytes(N, Seed) -> rand_bytes(N, Seed, []).
rand_bytes(0, _, Acc) -> list_to_binary(Acc);
rand_bytes(N, S, Acc) ->
    S1 = (S * 1103515245 + 12345) band 16#7fffffff,
    rand_bytes(N - 1, S1, [(S1 bsr 16) band 255 | Acc]).

text(N) ->
    Words = [<<"alpha ">>, <<"beta ">>, <<"gamma ">>, <<"delta ">>, <<"epsilon\n">>, <<"zeta, ">>],
    iolist_to_binary([lists:nth(1 + (I * 7 + I div 3 + I div 11) rem 6, Words) || I <- lists:seq(1, N)]).

split(B, N) when byte_size(B) =< N -> [B];
split(B, N) -> <<H:N/binary, T/binary>> = B, [H | split(T, N)].

datas() ->
    [{empty, <<>>}, {one, <<"a">>}, {text_1k, text(180)}, {text_70k, text(12000)},
     {rand_20k, rand_bytes(20000, 9)}, {zeros_300k, binary:copy(<<0>>, 300000)},
     {mixed_100k, iolist_to_binary([text(3000), rand_bytes(5000, 3), binary:copy(<<"ab">>, 20000),
                                    text(3000)])},
     {text_1m, text(170000)}].

small() -> iolist_to_binary([text(300), rand_bytes(500, 5), binary:copy(<<"ab">>, 2000), text(200)]).

mk(Name, How, Data, Compressed) ->
    D = iolist_to_binary(Data),
    {Name, How, byte_size(D), erlang:crc32(D), iolist_to_binary(Compressed)}.

cases() ->
    Simple = lists:append([[mk({N, compress}, {uncompress}, D, zlib:compress(D)),
                            mk({N, zip}, {unzip}, D, zlib:zip(D)),
                            mk({N, gzip}, {gunzip}, D, zlib:gzip(D))] || {N, D} <- datas()]),
    S = small(),
    Options = [mk({opts, L, W, M, St}, {stream, inflate_bits(W), none}, S, deflate_all(S, L, W, M, St))
               || L <- [0, 1, 6, 9], St <- [default, filtered, huffman_only, rle],
                  W <- [-15, -9, 9, 15, 31], M <- [8]]
        ++ [mk({opts, default, W, M, default}, {stream, inflate_bits(W), none}, S,
               deflate_all(S, default, W, M, default))
            || W <- [-12, 8, 10, 25], M <- [1, 9]],
    Simple ++ Options ++ flushes() ++ dicts() ++ params() ++ resets() ++ iolists() ++ etf().

%% term_to_binary(T, [compressed]): binary_to_term must give T back.
etf() ->
    [begin
         T = {etf, text(N), lists:seq(1, N), rand_bytes(N, N)},
         mk({etf, N, L}, {b2t}, term_to_binary(T), term_to_binary(T, [{compressed, L}]))
     end || N <- [10, 300, 5000], L <- [1, 6, 9]].

%% zlib makes windowBits 8 into 9 for deflate.
inflate_bits(8) -> 9;
inflate_bits(W) -> W.

deflate_all(Data, L, W, M, St) ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z, L, deflated, W, M, St),
    C = zlib:deflate(Z, Data, finish),
    ok = zlib:deflateEnd(Z),
    ok = zlib:close(Z),
    C.

flushes() ->
    Data = iolist_to_binary([text(400), rand_bytes(2000, 1), text(600)]),
    Pieces = split(Data, byte_size(Data) div 8),
    lists:append([flush_cases(Pieces, W, P) || W <- [15, -15], P <- [[sync], [none, full], [sync, none, full]]]).

flush_cases(Pieces, W, Pattern) ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z, default, deflated, W, 8, default),
    {Cases, AccC, AccD, _} =
        lists:foldl(
          fun(P, {Cs, C0, D0, [F | Fs]}) ->
                  C1 = <<C0/binary, (iolist_to_binary(zlib:deflate(Z, P, F)))/binary>>,
                  D1 = <<D0/binary, P/binary>>,
                  Cs1 = case F of
                            none -> Cs;
                            _ -> [mk({flush, W, Pattern, byte_size(D1)}, {prefix, W, none}, D1, C1) | Cs]
                        end,
                  {Cs1, C1, D1, Fs ++ [F]}
          end, {[], <<>>, <<>>, Pattern}, Pieces),
    Last = zlib:deflate(Z, <<>>, finish),
    ok = zlib:deflateEnd(Z),
    ok = zlib:close(Z),
    lists:reverse(Cases) ++ [mk({flush, W, Pattern, all}, {stream, W, none}, AccD, [AccC, Last])].

dicts() ->
    Dict = text(100),
    Data = iolist_to_binary([text(400), Dict]),
    [begin
         Z = zlib:open(),
         ok = zlib:deflateInit(Z, default, deflated, W, 8, default),
         _ = zlib:deflateSetDictionary(Z, Dict),
         C = zlib:deflate(Z, Data, finish),
         ok = zlib:deflateEnd(Z),
         ok = zlib:close(Z),
         mk({dict, W}, {stream, W, Dict}, Data, C)
     end || W <- [15, -15, 9, -10]].

params() ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z, 1),
    Parts = [text(1000), rand_bytes(2000, 4), text(1500), binary:copy(<<"xy">>, 3000)],
    Settings = [{9, filtered}, {0, default}, {6, huffman_only}, {default, rle}],
    C = [begin Out = zlib:deflate(Z, P), ok = zlib:deflateParams(Z, L, St), Out end
         || {P, {L, St}} <- lists:zip(Parts, Settings)],
    Last = zlib:deflate(Z, <<>>, finish),
    ok = zlib:close(Z),
    [mk(params, {stream, 15, none}, Parts, [C, Last])].

resets() ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z, default, deflated, 31, 8, default),
    C1 = zlib:deflate(Z, text(100), finish),
    ok = zlib:deflateReset(Z),
    C2 = zlib:deflate(Z, text(200), finish),
    ok = zlib:close(Z),
    [mk(reset1, {stream, 31, none}, text(100), C1), mk(reset2, {stream, 31, none}, text(200), C2),
     mk(gzip_members, {gunzip}, [text(100), text(200)], [C1, C2])].

iolists() ->
    L = [[integer_to_binary(I), $,] || I <- lists:seq(1, 5000)],
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    C1 = [zlib:deflate(Z, X) || X <- [L, [rand_bytes(9000, 2), <<"tail">>]]],
    C = [C1, zlib:deflate(Z, [], finish)],
    ok = zlib:close(Z),
    [mk(iolist, {uncompress}, [L, rand_bytes(9000, 2), <<"tail">>], C)].
"#;

const CHECK_SRC: &str = r#"
-module(zl_check).
-export([main/0, inflate/2]).

main() -> [erlang:display(check(C)) || C <- zl_cases:cases()], ok.

check({Name, How, Size, Crc, Bin}) ->
    case catch inflate(How, Bin) of
        Out when is_binary(Out) ->
            case {byte_size(Out), erlang:crc32(Out)} of
                {Size, Crc} -> {Name, ok};
                Got -> {Name, bad, Got, {Size, Crc}}
            end;
        Other -> {Name, error, Other}
    end.

inflate({uncompress}, B) -> zlib:uncompress(B);
inflate({unzip}, B) -> zlib:unzip(B);
inflate({gunzip}, B) -> zlib:gunzip(B);
inflate({stream, W, Dict}, B) -> stream(W, Dict, B, true);
inflate({prefix, W, Dict}, B) -> stream(W, Dict, B, false);
inflate({b2t}, B) -> term_to_binary(binary_to_term(B)).

stream(W, Dict, B, End) ->
    Z = zlib:open(),
    ok = zlib:inflateInit(Z, W),
    W < 0 andalso Dict =/= none andalso zlib:inflateSetDictionary(Z, Dict),
    Out = case zlib:inflate(Z, B, [{exception_on_need_dict, false}]) of
              {need_dictionary, _, O1} -> ok = zlib:inflateSetDictionary(Z, Dict), [O1 | zlib:inflate(Z, [])];
              O -> O
          end,
    End andalso (ok = zlib:inflateEnd(Z)),
    ok = zlib:close(Z),
    iolist_to_binary(Out).
"#;

const INFLATE_SRC: &str = r#"
-module(zl_inflate).
-export([main/0, corrupt/0]).
-compile(nowarn_deprecated_function).

main() -> [exact(C) || C <- zl_cases:cases()], ok.

res(F) -> try F() catch C:R -> {C, R} end.

exact({Name, {b2t} = How, _Size, _Crc, Bin}) ->
    erlang:display({Name, {oneshot, res(fun() -> Out = zl_check:inflate(How, Bin), {byte_size(Out), erlang:crc32(Out)} end)}});
exact({Name, How, _Size, _Crc, Bin}) ->
    D = fun(X) -> erlang:display({Name, X}) end,
    P = params(How),
    D({oneshot, res(fun() -> Out = zl_check:inflate(How, Bin), {byte_size(Out), erlang:crc32(Out)} end)}),
    D({safe, res(fun() -> safe(P, Bin) end)}),
    byte_size(Bin) < 3000 andalso D({pieces1, res(fun() -> pieces(P, Bin, 1) end)}),
    byte_size(Bin) < 30000 andalso D({pieces7, res(fun() -> pieces(P, Bin, 7) end)}),
    D({pieces5000, res(fun() -> pieces(P, Bin, 5000) end)}),
    D({chunk, res(fun() -> chunks(P, Bin) end)}).

params({uncompress}) -> {15, none, cut};
params({unzip}) -> {-15, none, cut};
params({gunzip}) -> {31, none, reset};
params({stream, W, Dict}) -> {W, Dict, cut};
params({prefix, W, Dict}) -> {W, Dict, cut}.

init({W, Dict, Eos}) ->
    Z = zlib:open(),
    ok = zlib:inflateInit(Z, W, Eos),
    W < 0 andalso Dict =/= none andalso zlib:inflateSetDictionary(Z, Dict),
    Z.

safe({_, Dict, _} = P, Bin) ->
    Z = init(P),
    R = safe_loop(Z, Dict, zlib:safeInflate(Z, Bin), [], []),
    zlib:close(Z),
    R.

safe_loop(Z, Dict, {continue, O}, Sizes, Acc) ->
    safe_loop(Z, Dict, zlib:safeInflate(Z, []), [iolist_size(O) | Sizes], [Acc, O]);
safe_loop(Z, _, {finished, O}, Sizes, Acc) ->
    {lists:reverse([iolist_size(O) | Sizes]), erlang:crc32([Acc, O]),
     erlang:crc32(zlib:inflateGetDictionary(Z)), zlib:crc32(Z)};
safe_loop(Z, Dict, {need_dictionary, A, O}, Sizes, Acc) ->
    ok = zlib:inflateSetDictionary(Z, Dict),
    safe_loop(Z, Dict, zlib:safeInflate(Z, []), [{nd, A, iolist_size(O)} | Sizes], [Acc, O]).

pieces({_, Dict, _} = P, Bin, N) ->
    Z = init(P),
    {Sizes, Outs} = lists:unzip([feed(Z, Dict, Piece) || Piece <- split(Bin, N)]),
    R = {lists:sum(Sizes), length(Sizes), [S || S <- Sizes, S > 0], erlang:crc32(Outs),
         zlib:crc32(Z), res(fun() -> zlib:inflateEnd(Z) end)},
    zlib:close(Z),
    R.

feed(Z, Dict, Piece) ->
    case zlib:inflate(Z, Piece, [{exception_on_need_dict, false}]) of
        {need_dictionary, _, O1} ->
            ok = zlib:inflateSetDictionary(Z, Dict),
            O = [O1 | zlib:inflate(Z, [])],
            {iolist_size(O), O};
        O -> {iolist_size(O), O}
    end.

chunks(P, Bin) ->
    Z = init(P),
    ok = zlib:setBufSize(Z, 3000),
    R = chunk_loop(Z, zlib:inflateChunk(Z, Bin), []),
    zlib:close(Z),
    R.

chunk_loop(_, Out, Acc) when is_list(Out) -> lists:reverse([iolist_size(Out) | Acc]);
chunk_loop(Z, {more, Out}, Acc) -> chunk_loop(Z, zlib:inflateChunk(Z), [iolist_size(Out) | Acc]).

split(<<>>, _) -> [];
split(B, N) when byte_size(B) =< N -> [B];
split(B, N) -> <<H:N/binary, T/binary>> = B, [H | split(T, N)].

%% Mutants of the smaller streams.
corrupt() ->
    Cs = list_to_tuple([C || {_, _, _, _, B} = C <- zl_cases:cases(), byte_size(B) < 8000]),
    [mutant(I, element(1 + I rem tuple_size(Cs), Cs)) || I <- lists:seq(1, 2500)],
    ok.

next(S) -> (S * 1103515245 + 12345) band 16#7fffffff.

mutant(I, {Name, How, _, _, Bin}) ->
    S1 = next(I * 7919), S2 = next(S1), S3 = next(S2),
    Sz = byte_size(Bin),
    Pos = case (S1 bsr 8) rem 3 of
              0 -> (S2 bsr 4) rem max(1, min(Sz, 24));
              _ -> (S2 bsr 4) rem max(1, Sz)
          end,
    Bad = case I rem 6 of
              0 -> flip(Bin, Pos, 1 bsl ((S3 bsr 4) rem 8));
              1 -> put_byte(Bin, Pos, (S3 bsr 4) band 255);
              2 -> binary:part(Bin, 0, Pos);
              3 -> <<(binary:part(Bin, 0, Pos))/binary, ((S3 bsr 4) band 255),
                     (binary:part(Bin, Pos, Sz - Pos))/binary>>;
              4 -> drop(Bin, Pos, 1 + (S3 bsr 4) rem 4);
              5 -> flip(flip(Bin, Pos, 1 bsl ((S3 bsr 4) rem 8)), (Pos * 3 + 5) rem max(1, Sz), 16)
          end,
    erlang:display({I, Name,
                    res(fun() -> Out = zl_check:inflate(How, Bad), {byte_size(Out), erlang:crc32(Out)} end),
                    case How of
                        {b2t} -> b2t;
                        _ -> res(fun() -> safe(params(How), Bad) end)
                    end}).

flip(B, _, _) when byte_size(B) =:= 0 -> B;
flip(B, Pos, Mask) ->
    <<H:Pos/binary, X, T/binary>> = B,
    <<H/binary, (X bxor Mask), T/binary>>.

put_byte(B, _, _) when byte_size(B) =:= 0 -> B;
put_byte(B, Pos, V) ->
    <<H:Pos/binary, _, T/binary>> = B,
    <<H/binary, V, T/binary>>.

drop(B, Pos, N) ->
    N1 = min(N, byte_size(B) - Pos),
    <<H:Pos/binary, _:N1/binary, T/binary>> = B,
    <<H/binary, T/binary>>.
"#;

/// A fresh directory with the given modules compiled by erlc; None (loudly) without erlc.
fn compile_dir(tag: &str, modules: &[(&str, &str)]) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("beamos-zlib-{}-{}", tag, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new("erlc");
    cmd.arg("-o").arg(&dir);
    for (name, src) in modules {
        let path = dir.join(format!("{name}.erl"));
        std::fs::write(&path, src).unwrap();
        cmd.arg(path);
    }
    match cmd.output() {
        Ok(o) if o.status.success() => Some(dir),
        Ok(o) => panic!("erlc failed: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            eprintln!("\n*** SKIPPED: cannot run erlc ({e}); this test needs Erlang/OTP 25 ***\n");
            None
        }
    }
}

/// `Module:Function()` under erl, its output.
fn erl_run(dirs: &[&Path], module: &str, function: &str) -> Option<String> {
    let mut cmd = Command::new("erl");
    // A crash dump, if any, lands next to the modules.
    cmd.current_dir(dirs[0]).arg("-noshell");
    for d in dirs {
        cmd.arg("-pa").arg(d);
    }
    let out = cmd.arg("-eval").arg(format!("ok = {module}:{function}(), halt().")).output();
    match out {
        Err(e) => {
            eprintln!("\n*** SKIPPED: cannot run erl ({e}); this test needs Erlang/OTP 25 ***\n");
            None
        }
        Ok(o) => {
            assert!(o.status.success(), "erl failed: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
            Some(String::from_utf8_lossy(&o.stdout).replace('\r', ""))
        }
    }
}

/// `Module:Function()` in a fresh in-process VM, its output; it must return `ok`.
fn our_run(dirs: &[&Path], module: &str, function: &str) -> String {
    let (platform, out) = common::TestPlatform::new();
    let vm = Vm::new(Box::new(platform));
    for d in dirs {
        vm.add_code_path(&d.to_string_lossy());
    }
    for p in common::otp_paths() {
        vm.add_code_path(&p);
    }
    let pid = vm.spawn_mfa(module, function, &[]).unwrap();
    let end = vm.run();
    let text = String::from_utf8_lossy(&out.lock().unwrap()).replace('\r', "");
    let result = vm.result_string(pid).unwrap_or_default();
    assert!(end == RunEnd::Idle && result == "ok", "{module}:{function}() ended with {result} ({end:?}); output:\n{}", cut(&text));
    text
}

fn cut(s: &str) -> String {
    if s.len() > 3000 {
        format!("{}...", &s[..s.char_indices().nth(3000).map_or(s.len(), |(i, _)| i)])
    } else {
        s.to_string()
    }
}

/// The module `zl_cases` whose `cases/0` lists the terms printed one per line.
fn cases_module(printed: &str) -> (String, usize) {
    let lines: Vec<&str> = printed.lines().filter(|l| !l.is_empty()).collect();
    let src = format!("-module(zl_cases).\n-export([cases/0]).\ncases() -> [\n{}\n].\n", lines.join(",\n"));
    (src, lines.len())
}

/// Compresses the cases with `zl_deflate` (on erl or ours) and compiles them as `zl_cases`
/// next to `zl_check` and `zl_inflate`.
fn cases_dir(tag: &str, tools: &Path, ours: bool) -> Option<(PathBuf, usize)> {
    let printed = if ours { our_run(&[tools], "zl_deflate", "main") } else { erl_run(&[tools], "zl_deflate", "main")? };
    let (src, n) = cases_module(&printed);
    assert!(n > 100, "zl_deflate printed {n} cases:\n{}", cut(&printed));
    let dir = compile_dir(tag, &[("zl_cases", &src)])?;
    Some((dir, n))
}

fn tools(tag: &str) -> Option<PathBuf> {
    compile_dir(&format!("tools-{tag}"), &[("zl_deflate", DEFLATE_SRC), ("zl_check", CHECK_SRC), ("zl_inflate", INFLATE_SRC)])
}

/// Every line `{Name, ok}`.
fn assert_all_ok(what: &str, out: &str, n: usize) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), n, "{what}: one line per case:\n{}", cut(out));
    let bad: Vec<&&str> = lines.iter().filter(|l| !l.ends_with(",ok}")).collect();
    assert!(bad.is_empty(), "{what}: {} of {n} cases fail:\n{}", bad.len(), cut(&bad.iter().map(|l| format!("{l}\n")).collect::<String>()));
}

/// erl's and our output, line by line.
fn assert_same(what: &str, erl: &str, ours: &str) {
    let (e, o): (Vec<&str>, Vec<&str>) = (erl.lines().collect(), ours.lines().collect());
    let mut diffs = Vec::new();
    for i in 0..e.len().max(o.len()) {
        let (a, b) = (e.get(i).copied().unwrap_or("<none>"), o.get(i).copied().unwrap_or("<none>"));
        if a != b {
            diffs.push(format!("line {}:\n  erl:    {}\n  beamos: {}\n", i + 1, cut(a), cut(b)));
        }
    }
    eprintln!("{what}: {} lines compared, {} differ", e.len(), diffs.len());
    assert!(diffs.is_empty(), "{what}: {} lines differ from erl's\n{}", diffs.len(), diffs.iter().take(20).cloned().collect::<String>());
}

#[test]
fn our_deflate_output_inflates_in_erl() {
    let Some(tools) = tools("ours") else { return };
    let Some((cases, n)) = cases_dir("ours", &tools, true) else { return };
    let Some(out) = erl_run(&[&tools, &cases], "zl_check", "main") else { return };
    assert_all_ok("erl inflating beamos's deflate output", &out, n);
    // And our own inflate agrees.
    let out = our_run(&[&tools, &cases], "zl_check", "main");
    assert_all_ok("beamos inflating its own deflate output", &out, n);
    let _ = (std::fs::remove_dir_all(&tools), std::fs::remove_dir_all(&cases));
}

#[test]
fn erl_deflate_output_inflates_alike() {
    let Some(tools) = tools("erl") else { return };
    let Some((cases, n)) = cases_dir("erl", &tools, false) else { return };
    let out = our_run(&[&tools, &cases], "zl_check", "main");
    assert_all_ok("beamos inflating erl's deflate output", &out, n);
    let Some(theirs) = erl_run(&[&tools, &cases], "zl_inflate", "main") else { return };
    let ours = our_run(&[&tools, &cases], "zl_inflate", "main");
    assert_same("inflate of erl's deflate output", &theirs, &ours);
    let Some(theirs) = erl_run(&[&tools, &cases], "zl_inflate", "corrupt") else { return };
    let ours = our_run(&[&tools, &cases], "zl_inflate", "corrupt");
    assert!(theirs.lines().count() == 2500, "one line per mutant");
    let errors = theirs.lines().filter(|l| l.contains("data_error")).count();
    assert!(errors > 500, "the mutants mostly fail ({errors} of 2500 do)");
    assert_same("inflate of corrupt streams", &theirs, &ours);
    let _ = (std::fs::remove_dir_all(&tools), std::fs::remove_dir_all(&cases));
}
