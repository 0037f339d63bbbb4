#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
%% Lays out and compiles OTP's test suites the way their Makefiles do, on the host erl:
%%
%%   build.escript SRC CACHE TIER...
%%
%% For each tier, CACHE/tests/<name>_test/ gets a copy of every .erl of the OTP test directory,
%% the build variants (a copy of Foo_SUITE.erl as Foo_<variant>_SUITE.erl with the -module line
%% renamed, as the Makefiles' sed rules do), symlinks to everything else (the *_SUITE_data
%% directories), and the .beam files, compiled with the Makefile's flags. CACHE/manifest-<tier>.txt
%% lists `tier name/Suite dir` for every suite that compiled. Up-to-date .beam files are kept.
-mode(compile).

main([Src, Cache | Tiers]) ->
    Jobs = erlang:system_info(schedulers_online),
    Results = [build_tier(list_to_integer(T), Src, Cache, Jobs) || T <- Tiers],
    case lists:sum(Results) of
        0 -> ok;
        Errors -> io:format("build: ~p files failed to compile~n", [Errors])
    end;
main(_) ->
    io:format("usage: build.escript OTP_SRC CACHE TIER...~n"),
    halt(2).

%% --- what each tier is, from the Makefiles of OTP 25.2.3 ---------------------------------

%% lib/compiler/test/Makefile
compiler_no_opt() ->
    [andor, apply, beam_block, beam_except, beam_jump, beam_reorder, beam_ssa, beam_type,
     beam_utils, bif, bs_construct, bs_bincomp, bs_match, bs_size_expr, bs_utf, core_fold,
     float, 'fun', guard, lc, map, match, 'maybe', misc, overridden_bif, 'receive', record,
     trycatch].
compiler_inline() ->
    [andor, apply, beam_block, beam_ssa, beam_utils, bif, bs_bincomp, bs_bit_binaries,
     bs_construct, bs_match, bs_size_expr, bs_utf, core_fold, float, 'fun', guard, lc, map,
     match, 'maybe', misc, overridden_bif, 'receive', record].

tier(1) ->
    Base = [debug_info, clint, clint0, ssalint],
    DisableSsaOpt = [no_bool_opt, no_share_opt, no_bsm_opt, no_fun_opt, no_ssa_opt, no_recv_opt],
    NoOpt = compiler_no_opt(),
    #{name => "compiler", dir => "lib/compiler/test", base_opts => Base,
      suites => all_suites,
      helpers => [test_lib],
      variants =>
          [{"no_opt", [no_copt | DisableSsaOpt] ++ [no_postopt], NoOpt},
           {"no_ssa_opt", DisableSsaOpt, NoOpt},
           {"post_opt", [no_copt | DisableSsaOpt], NoOpt},
           {"no_copt", [no_copt], NoOpt},
           {"inline", [inline], compiler_inline()},
           {"r23", [r23], ['fun']},
           {"r24", [r24], [bs_construct, bs_utf, bs_bincomp]},
           {"no_module_opt", [no_module_opt], NoOpt},
           {"no_type_opt", [no_type_opt], NoOpt},
           {"dialyzer", [dialyzer], [bs_match]}],
      core => [lfe_andor_SUITE, lfe_guard_SUITE]};
%% erts/emulator/test/Makefile (its ERL_COMPILE_FLAGS line expands to nothing, so the suites get
%% no flags of their own; debug_info is harmless and keeps beam_lib happy)
tier(2) ->
    #{name => "emulator", dir => "erts/emulator/test", base_opts => [debug_info],
      suites =>
          [bs_bincomp, bs_bit_binaries, bs_construct, bs_match_bin, bs_match_int, bs_match_tail,
           bs_match_misc, bs_utf, guard, map, op, big, float, num_bif, small, exception, 'fun',
           'receive', 'after', tuple, list_bif, bif, beam, beam_literals, nested, ref, register,
           prim_eval, evil, gc, hibernate, decode_packet, unique, counters, atomics,
           persistent_term, module_info, code, binary, process, erl_link, monitor, signal,
           message_queue_data, match_spec, trace],
      helpers => [erts_test_utils, erts_test_destructor, random_iolist, ignore_cores,
                  literal_area_collector_test, tracer_test, long_timers_test, dgawd_handler,
                  crypto_reference],
      variants =>
          [{"no_opt", [no_copt, no_postopt, no_ssa_opt, no_bsm_opt],
            [bs_bincomp, bs_bit_binaries, bs_construct, bs_match_bin, bs_match_int,
             bs_match_tail, bs_match_misc, bs_utf, guard, map]}],
      core => []};
%% lib/stdlib/test/Makefile
tier(3) ->
    #{name => "stdlib", dir => "lib/stdlib/test",
      base_opts => [debug_info, {i, "lib/kernel/include"}, {i, "lib/stdlib/include"}],
      suites =>
          [lists, maps, binary_module, string, unicode, base64, array, dict, sets, queue,
           proplists, sofs, digraph, calendar, math, rand, uri_string, io, ets, gen_server,
           gen_statem, gen_event, supervisor, sys, proc_lib, timer, erl_eval, erl_scan, erl_pp,
           erl_lint, epp, ms_transform, qlc, filename, filelib, beam_lib, zip],
      helpers => [binref, dict_test_lib, dummy1_h, dummy_h, dummy_via, error_info_lib,
                  error_logger_forwarder, naughty_child, random_iolist, random_unicode_list,
                  sets_test_lib, supervisor_1, supervisor_2, supervisor_3, supervisor_4,
                  supervisor_deadlock, sys_sp1, sys_sp2,
                  {"erts/emulator/test", erts_test_utils}],
      variants => [],
      core => []}.

%% --- layout and compilation -----------------------------------------------------------------

build_tier(Tier, Src, Cache, Jobs) ->
    #{name := Name, dir := Dir, base_opts := Base0, helpers := Helpers,
      variants := Variants, core := Core} = Spec = tier(Tier),
    SrcDir = filename:join(Src, Dir),
    Out = filename:join([Cache, "tests", Name ++ "_test"]),
    ok = filelib:ensure_path(Out),
    Base = [expand_include(O, Src) || O <- Base0] ++
        [{i, filename:join(Src, "lib")}, {i, Out}, report_errors, {outdir, Out}],
    Suites = case maps:get(suites, Spec) of
                 all_suites ->
                     lists:sort([list_to_atom(filename:basename(F, ".erl"))
                                 || F <- filelib:wildcard(filename:join(SrcDir, "*_SUITE.erl"))]);
                 Short -> [suite_name(S) || S <- Short]
             end,
    link_others(SrcDir, Out),
    Plain = [{copy(SrcDir, Out, S, S), Base} || S <- Suites] ++
        [{copy(helper_dir(H, Src, SrcDir), Out, helper(H), helper(H)), Base} || H <- Helpers],
    Var = [{copy(SrcDir, Out, suite_name(S), variant_name(S, V)), VOpts ++ Base}
           || {V, VOpts, Ss} <- Variants, S <- Ss],
    CoreFiles = [{filename:join(SrcDir, atom_to_list(C) ++ ".core"), [from_core | Base]}
                 || C <- Core],
    Todo = [J || {File, _} = J <- Plain ++ Var ++ CoreFiles, stale(File, Out)],
    io:format("build: tier ~p (~s): ~p suites, ~p files to compile~n",
              [Tier, Name, length(Suites) + length(Var) + length(Core), length(Todo)]),
    Failed = pmap(fun compile_one/1, Todo, Jobs),
    Bad = [F || {F, error} <- Failed],
    All = Suites ++ [variant_name(S, V) || {V, _, Ss} <- Variants, S <- Ss] ++ Core,
    Compiled = [S || S <- All, filelib:is_regular(filename:join(Out, atom_to_list(S) ++ ".beam"))],
    Manifest = [io_lib:format("~p ~s/~s ~s~n", [Tier, Name, S, Out]) || S <- Compiled],
    ok = file:write_file(filename:join(Cache, "manifest-" ++ integer_to_list(Tier) ++ ".txt"),
                         Manifest),
    length(Bad).

expand_include({i, Rel}, Src) -> {i, filename:join(Src, Rel)};
expand_include(O, _) -> O.

suite_name(S) -> list_to_atom(atom_to_list(S) ++ "_SUITE").
variant_name(S, V) -> list_to_atom(atom_to_list(S) ++ "_" ++ V ++ "_SUITE").
helper({_Dir, M}) -> M;
helper(M) -> M.
helper_dir({Dir, _}, Src, _) -> filename:join(Src, Dir);
helper_dir(_, _, SrcDir) -> SrcDir.

%% Copies Dir/From.erl to Out/To.erl, renaming the module as the Makefiles' sed does.
copy(Dir, Out, From, To) ->
    In = filename:join(Dir, atom_to_list(From) ++ ".erl"),
    Dest = filename:join(Out, atom_to_list(To) ++ ".erl"),
    {ok, Text} = file:read_file(In),
    New = case From =:= To of
              true -> Text;
              false -> binary:replace(Text, <<"-module(", (atom_to_binary(From))/binary, ")">>,
                                      <<"-module(", (atom_to_binary(To))/binary, ")">>)
          end,
    case file:read_file(Dest) of
        {ok, New} -> ok;
        _ -> ok = file:write_file(Dest, New)
    end,
    Dest.

%% Everything in the test directory that is not an .erl file (data directories, .hrl files,
%% .core files, property tests) is reachable from Out by the same name.
link_others(SrcDir, Out) ->
    {ok, Names} = file:list_dir(SrcDir),
    [begin
         Link = filename:join(Out, N),
         _ = file:delete(Link),
         ok = file:make_symlink(filename:join(SrcDir, N), Link)
     end || N <- Names, filename:extension(N) =/= ".erl"],
    ok.

stale(File, Out) ->
    Beam = filename:join(Out, filename:rootname(filename:basename(File)) ++ ".beam"),
    filelib:last_modified(Beam) < filelib:last_modified(File).

compile_one({File, Opts}) ->
    case compile:file(File, Opts) of
        {ok, _} -> {File, ok};
        _ -> {File, error}
    end.

%% Parallel map over Jobs workers.
pmap(F, Items, Jobs) ->
    Parent = self(),
    Queue = spawn_link(fun() -> queue_loop(Items) end),
    Workers = [spawn_link(fun() -> worker(F, Queue, Parent) end) || _ <- lists:seq(1, Jobs)],
    collect(length(Workers), []).

queue_loop([]) ->
    receive {next, W} -> W ! done, queue_loop([]) end;
queue_loop([I | Is]) ->
    receive {next, W} -> W ! {item, I}, queue_loop(Is) end.

worker(F, Queue, Parent) ->
    Queue ! {next, self()},
    receive
        {item, I} -> Parent ! {result, F(I)}, worker(F, Queue, Parent);
        done -> Parent ! worker_done
    end.

collect(0, Acc) -> Acc;
collect(N, Acc) ->
    receive
        {result, R} -> collect(N, [R | Acc]);
        worker_done -> collect(N - 1, Acc)
    end.
