#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
%% Runs OTP test suites with otp_runner on erl and on beamos, each suite in its own OS process,
%% and compares the verdicts case by case. See conformance/otp/README.md; run.sh is the entry.
%%
%%   driver.escript CACHE [--tier 1,2,3] [--filter SUBSTR]... [--suites FILE] [--jobs N]
%%       [--beamos PATH] [--erl PATH] [--known FILE] [--update-known] [--strict-init]
%%       [--fresh-erl] [--stall SECONDS] [--quiet]
%%
%% A beamos process that dies before printing its suite's end line crashed: the case it had
%% started is counted as crashed and the suite goes on in a new process from the next case
%% (`from=`; a conf function that crashed is not called again, `noconf=`).
%% Exit status: 1 when a case passing on erl does not pass on beamos and is not listed in the
%% known-failures file (or is listed but now crashes the VM), 0 otherwise.
-mode(compile).

-record(o, {cache, tiers = [1], filters = [], suites_file, jobs = 2, beamos, erl = "erl",
            known, update_known = false, strict_init = false, fresh_erl = false,
            stall = 10, quiet = false}).

main([Cache | Args]) ->
    O = parse(Args, #o{cache = Cache, jobs = erlang:system_info(logical_processors_available),
                       beamos = filename:absname("target/release/beamos")}),
    T0 = erlang:monotonic_time(millisecond),
    Suites = select(O),
    Suites =:= [] andalso fail("no suites selected"),
    Results = filename:join(Cache, "results"),
    [ok = filelib:ensure_path(filename:join(Results, V)) || V <- ["erl", "beamos"]],
    Durations = read_durations(Results),
    Jobs = schedule(Suites, O, Results, Durations),
    io:format("otp: ~p suites, ~p VM runs (~p jobs at a time)~n",
              [length(Suites), length(Jobs), O#o.jobs]),
    Done = pmap(fun(J) -> run_job(J, O, Results) end, Jobs, O#o.jobs),
    write_durations(Results, Durations, Done),
    ByKey = maps:from_list([{{Vm, S}, R} || {Vm, S, R} <- Done]),
    Cached = [{{erl, S}, load_erl(Results, S)} || {S, _} <- Suites,
                                                 not maps:is_key({erl, S}, ByKey)],
    All = maps:merge(maps:from_list(Cached), ByKey),
    Rows = compare(Suites, All),
    Secs = (erlang:monotonic_time(millisecond) - T0) div 1000,
    halt(report(Suites, Rows, All, O, Results, Secs)).

fail(Msg) -> io:format(standard_error, "otp: ~s~n", [Msg]), halt(2).

parse([], O) -> O;
parse(["--tier", T | As], O) ->
    parse(As, O#o{tiers = [list_to_integer(X) || X <- string:lexemes(T, ",")]});
parse(["--filter", F | As], O) -> parse(As, O#o{filters = [F | O#o.filters]});
parse(["--suites", F | As], O) -> parse(As, O#o{suites_file = F});
parse(["--jobs", N | As], O) -> parse(As, O#o{jobs = list_to_integer(N)});
parse(["--beamos", P | As], O) -> parse(As, O#o{beamos = filename:absname(P)});
parse(["--erl", P | As], O) -> parse(As, O#o{erl = P});
parse(["--known", P | As], O) -> parse(As, O#o{known = P});
parse(["--update-known" | As], O) -> parse(As, O#o{update_known = true});
parse(["--strict-init" | As], O) -> parse(As, O#o{strict_init = true});
parse(["--fresh-erl" | As], O) -> parse(As, O#o{fresh_erl = true});
parse(["--stall", N | As], O) -> parse(As, O#o{stall = list_to_integer(N)});
parse(["--quiet" | As], O) -> parse(As, O#o{quiet = true});
parse([A | _], _) -> fail("unknown option " ++ A).

%% --- which suites ---------------------------------------------------------------------------

%% [{Key, Dir}], Key = "compiler/andor_SUITE"
select(#o{cache = Cache, tiers = Tiers, filters = Filters, suites_file = SF}) ->
    Listed = [{Key, Dir} || T <- Tiers,
                            {ok, Bin} <- [file:read_file(filename:join(Cache, "manifest-" ++
                                                                           integer_to_list(T) ++ ".txt"))],
                            Line <- string:lexemes(binary_to_list(Bin), "\n"),
                            [_, Key, Dir] <- [string:lexemes(Line, " ")]],
    Only = case SF of
               undefined -> all;
               _ -> {ok, B} = file:read_file(SF),
                    [hd(string:lexemes(L, " \t")) || L <- string:lexemes(binary_to_list(B), "\n"),
                                                     hd(L) =/= $#]
           end,
    [S || {Key, _} = S <- Listed,
          Only =:= all orelse lists:member(Key, Only),
          Filters =:= [] orelse lists:any(fun(F) -> string:find(Key, F) =/= nomatch end, Filters)].

%% --- running --------------------------------------------------------------------------------

%% Jobs {Vm, Key, Dir}, longest first (by the last run's durations).
schedule(Suites, O, Results, Durations) ->
    Erl = [{erl, K, D} || {K, D} <- Suites,
                          O#o.fresh_erl orelse load_erl(Results, K) =:= undefined],
    Beam = [{beamos, K, D} || {K, D} <- Suites],
    Jobs = Erl ++ Beam,
    Keyed = [{-maps:get({Vm, K}, Durations, 1000000), I, J}
             || {I, {Vm, K, _} = J} <- lists:zip(lists:seq(1, length(Jobs)), Jobs)],
    [J || {_, _, J} <- lists:sort(Keyed)].

%% -> {Vm, Key, #{verdicts => [{Idx, Id, Verdict, Reason}], crashes => [...], complete => bool,
%%                ms => Duration}}
run_job({Vm, Key, Dir}, O, Results) ->
    T0 = erlang:monotonic_time(millisecond),
    [_, Suite] = string:split(Key, "/"),
    Log = filename:join([Results, atom_to_list(Vm), flat(Key) ++ ".log"]),
    Priv = filename:join([Results, atom_to_list(Vm), "priv", flat(Key)]),
    Cwd = filename:join([Results, atom_to_list(Vm), "cwd", flat(Key)]),
    [begin os:cmd("rm -rf '" ++ D ++ "'"), ok = filelib:ensure_path(D) end || D <- [Priv, Cwd]],
    {ok, Fd} = file:open(Log, [write, binary]),
    R = attempts(Vm, Key, Suite, Dir, {Priv, Cwd}, O, Fd, 0, [], #{verdicts => [], crashes => []}, 0),
    file:close(Fd),
    Ms = erlang:monotonic_time(millisecond) - T0,
    Res = R#{ms => Ms},
    Vm =:= erl andalso save_erl(Results, Key, Res),
    O#o.quiet orelse progress(Vm, Key, Res),
    {Vm, Key, Res}.

flat(Key) -> lists:map(fun($/) -> $+; (C) -> C end, Key).

progress(Vm, Key, #{verdicts := Vs, crashes := Cs, ms := Ms}) ->
    Count = fun(V) -> length([x || {I, _, V1, _} <- Vs, I =/= "-", V1 =:= V]) end,
    io:format("  ~-7s ~-44s ~4b passed ~4b failed ~4b skipped~s ~6.1fs~n",
              [Vm, Key, Count(passed), Count(failed), Count(skipped) + Count(auto_skipped),
               case Cs of [] -> ""; _ -> io_lib:format(" ~b CRASHED", [length(Cs)]) end,
               Ms / 1000]).

-define(MAX_RESTARTS, 200).

attempts(Vm, Key, Suite, Dir, {Priv, Cwd} = Dirs, O, Fd, From, NoConf, Acc, N) ->
    Args = ["suite=" ++ Suite, "dir=" ++ Dir, "priv=" ++ Priv, "from=" ++ integer_to_list(From)]
        ++ [case O#o.strict_init of true -> "init=strict"; false -> "init=lenient" end]
        ++ ["noconf=" ++ lists:join(",", NoConf) || NoConf =/= []],
    Exe = case Vm of erl -> O#o.erl; beamos -> O#o.beamos end,
    %% As OTP's compiler and stdlib Makefiles run their tests (maybe_SUITE needs it).
    Features = case lists:prefix("emulator/", Key) of
                   true -> [];
                   false -> ["-enable-feature", "maybe_expr"]
               end,
    Cmd = [Exe | Features] ++ ["-noshell", "-pa", filename:join(O#o.cache, "ebin"), "-pa", Dir,
           "-s", "otp_runner", "main" | Args],
    ok = file:write(Fd, ["### ", lists:join(" ", Cmd), $\n]),
    {Lines, Status} = run_vm(Cmd, Cwd, O, Fd),
    {Started, Verdicts, Ended} = parse_lines(Lines),
    Acc1 = Acc#{verdicts := merge(maps:get(verdicts, Acc), Verdicts)},
    case {Ended, Status} of
        {true, {exit, 0}} ->
            Acc1#{complete => true};
        _ ->
            Why = crash_reason(Status, crash_lines(Lines)),
            Done = [{I, Id} || {I, Id, _, _} <- Verdicts],
            case [S || S <- Started, not lists:member(S, Done)] of
                [] ->
                    %% Died outside any case (or before printing anything): nothing to resume.
                    Acc1#{complete => false,
                          crashes => maps:get(crashes, Acc) ++ [{"-", "(runner)", Why}]};
                Open ->
                    {I, Id} = lists:last(Open),
                    Crashes = maps:get(crashes, Acc) ++ [{I, Id, Why}],
                    Acc2 = Acc1#{crashes := Crashes},
                    LastIdx = lists:max([From - 1 | [X || {X, _, _, _} <- Verdicts, X =/= "-"]]),
                    {From1, NoConf1} = case I of
                                           "-" -> {LastIdx + 1, NoConf ++ [Id]};
                                           _ -> {I + 1, NoConf}
                                       end,
                    case N >= ?MAX_RESTARTS of
                        true -> Acc2#{complete => false};
                        false -> attempts(Vm, Key, Suite, Dir, Dirs, O, Fd, From1, NoConf1, Acc2, N + 1)
                    end
            end
    end.

%% What the VM said as it died: a Rust panic message (and the line after it, the message), an
%% abort's reason, else the last lines of output.
crash_lines(Lines) ->
    Other = [L || L <- Lines, not lists:prefix("@@", L), not lists:prefix("   |", L)],
    Marks = ["panicked at", "memory allocation of", "fatal runtime error", "overflowed its stack",
             "Segmentation", "Aborted"],
    IsMark = fun(L) -> lists:any(fun(M) -> string:find(L, M) =/= nomatch end, Marks) end,
    case lists:dropwhile(fun(L) -> not IsMark(L) end, Other) of
        [] -> lists:nthtail(max(0, length(Other) - 4), Other);
        [M | More] -> [M | [L || L <- lists:sublist(More, 1), not lists:prefix("stack backtrace", L)]]
    end.

crash_reason({exit, 124}, _) -> "killed: outer time limit";
crash_reason(stalled, _) -> "hung: no heartbeat, or the case ran 25 s past its time limit";
crash_reason({exit, S}, Tail) ->
    Sig = case S > 128 of true -> io_lib:format(" (signal ~b)", [S - 128]); false -> "" end,
    lists:flatten(io_lib:format("exit status ~b~s: ~ts", [S, Sig, oneline(lists:join(" | ", Tail))])).

oneline(Chars) ->
    S = [case C of $\n -> $\s; $\t -> $\s; _ -> C end || C <- lists:flatten(Chars)],
    lists:sublist(S, 300).

%% Verdicts are {Idx | "-", Id, Verdict, Reason}; the first verdict for an id is kept (a restart
%% runs the conf functions again).
merge(Old, New) ->
    Seen = [{I, Id} || {I, Id, _, _} <- Old],
    Old ++ [V || {I, Id, _, _} = V <- New, not lists:member({I, Id}, Seen)].

parse_lines(Lines) ->
    {S, V, E} = lists:foldl(fun(L, Acc) ->
                                    case string:find(L, "@@") of
                                        nomatch -> Acc;
                                        Rest -> parse_line(string:lexemes(Rest, " "), Rest, Acc)
                                    end
                            end, {[], [], false}, Lines),
    {lists:reverse(S), lists:reverse(V), E}.

parse_line(["@@>", _Suite, I, Id | _], _, {S, V, E}) ->
    {[{idx(I), Id} | S], V, E};
parse_line(["@@", _Suite, "end" | _], _, {S, V, _}) -> {S, V, true};
parse_line(["@@", _Suite, I, Id, Verdict | _], Line, {S, V, E}) ->
    Reason = reason_after(Line, 5),
    {S, [{idx(I), Id, list_to_atom(Verdict), Reason} | V], E};
parse_line(_, _, Acc) -> Acc.

idx("-") -> "-";
idx(I) -> list_to_integer(I).

%% The text after the first N space-separated fields.
reason_after(Line, 0) -> string:trim(Line);
reason_after(Line, N) ->
    case string:split(string:trim(Line, leading), " ") of
        [_, Rest] -> reason_after(Rest, N - 1);
        [_] -> ""
    end.

%% Runs one VM under `timeout`, logging every line. The VM is hung, and killed, when it prints
%% nothing (not even the runner's heartbeat) for the stall limit, or when a case runs 25 s past
%% the time limit the runner announced for it (the runner enforces that limit itself).
%% -> {Lines, {exit, Status} | stalled}
%% The working directory is a scratch directory per suite and VM: suites write files relative to
%% it (common_test runs them in its log directory), never into the checkout.
run_vm([Exe | Args], Cwd, O, Fd) ->
    Timeout = os:find_executable("timeout"),
    Port = open_port({spawn_executable, Timeout},
                     [{args, ["-k", "5", "3600", Exe | Args]}, {cd, Cwd}, {line, 8192},
                      exit_status, stderr_to_stdout, binary, use_stdio, hide]),
    collect(Port, O#o.stall * 1000, Fd, [], [], infinity).

now_ms() -> erlang:monotonic_time(millisecond).

deadline(Line, Deadline) ->
    case string:lexemes(Line, " ") of
        ["@@>", _, _, _, Ms] -> now_ms() + list_to_integer(Ms) + 25000;
        ["@@~", _, "timetrap", Ms] -> now_ms() + list_to_integer(Ms) + 25000;
        _ -> Deadline
    end.

collect(Port, Stall, Fd, Part, Acc, Deadline) ->
    Wait = case Deadline of
               infinity -> Stall;
               _ -> max(0, min(Stall, Deadline - now_ms()))
           end,
    receive
        {Port, {data, {noeol, B}}} -> collect(Port, Stall, Fd, [B | Part], Acc, Deadline);
        {Port, {data, {eol, <<"@@.">>}}} when Part =:= [] ->
            collect(Port, Stall, Fd, [], Acc, Deadline);
        {Port, {data, {eol, B}}} ->
            Bin = iolist_to_binary(lists:reverse([B | Part])),
            L = case unicode:characters_to_list(Bin) of
                    Chars when is_list(Chars) -> Chars;
                    _ -> binary_to_list(Bin)
                end,
            ok = file:write(Fd, [Bin, $\n]),
            collect(Port, Stall, Fd, [], [L | Acc], deadline(L, Deadline));
        {Port, {exit_status, S}} ->
            {lists:reverse(Acc), {exit, S}}
    after Wait ->
            {os_pid, Pid} = erlang:port_info(Port, os_pid),
            os:cmd("kill -TERM " ++ integer_to_list(Pid)),
            drain(Port),
            ok = file:write(Fd, "### hung: killed\n"),
            {lists:reverse(Acc), stalled}
    end.

drain(Port) ->
    receive
        {Port, {exit_status, _}} -> ok;
        {Port, _} -> drain(Port)
    after 20000 -> catch port_close(Port), ok
    end.

%% The erl baseline is kept between runs (delete cache/results/erl, or --fresh-erl).
save_erl(Results, Key, Res) ->
    File = filename:join([Results, "erl", flat(Key) ++ ".term"]),
    ok = file:write_file(File, term_to_binary(Res)).

load_erl(Results, Key) ->
    File = filename:join([Results, "erl", flat(Key) ++ ".term"]),
    case file:read_file(File) of
        {ok, B} -> binary_to_term(B);
        _ -> undefined
    end.

read_durations(Results) ->
    case file:consult(filename:join(Results, "durations.eterm")) of
        {ok, [M]} -> M;
        _ -> #{}
    end.

write_durations(Results, Old, Done) ->
    New = maps:merge(Old, maps:from_list([{{Vm, K}, maps:get(ms, R)} || {Vm, K, R} <- Done])),
    file:write_file(filename:join(Results, "durations.eterm"), io_lib:format("~p.~n", [New])).

%% Parallel map over N workers.
pmap(F, Items, N) ->
    Parent = self(),
    Queue = spawn_link(fun() -> queue_loop(Items) end),
    _ = [spawn_link(fun() -> worker(F, Queue, Parent) end) || _ <- lists:seq(1, max(1, N))],
    gather(max(1, N), []).

queue_loop([]) -> receive {next, W} -> W ! done, queue_loop([]) end;
queue_loop([I | Is]) -> receive {next, W} -> W ! {item, I}, queue_loop(Is) end.

worker(F, Queue, Parent) ->
    Queue ! {next, self()},
    receive
        {item, I} -> Parent ! {result, F(I)}, worker(F, Queue, Parent);
        done -> Parent ! worker_done
    end.

gather(0, Acc) -> lists:reverse(Acc);
gather(N, Acc) ->
    receive
        {result, R} -> gather(N, [R | Acc]);
        worker_done -> gather(N - 1, Acc)
    end.

%% --- comparing ------------------------------------------------------------------------------

%% Row = {Key, Id, Conf, ErlVerdict, BeamVerdict, Class, BeamReason}
%% Class: match | differ | crash | excluded (erl failed) | skip (erl skipped) | extra
compare(Suites, All) ->
    lists:append([compare_suite(K, maps:get({erl, K}, All), maps:get({beamos, K}, All))
                   || {K, _} <- Suites]).

compare_suite(Key, Erl, Beam) ->
    EV = maps:get(verdicts, Erl),
    BV = maps:get(verdicts, Beam),
    Crashes = maps:get(crashes, Beam),
    Complete = maps:get(complete, Beam),
    CrashIds = [Id || {_, Id, _} <- Crashes],
    Rows = [row(Key, Id, I =:= "-", EVd, beam_verdict(Id, BV, Crashes, Complete))
            || {I, Id, EVd, _} <- EV],
    %% (a conf function missing after a crash: the resumed run had no case left under it)
    ErlIds = [Id || {_, Id, _, _} <- EV],
    Extra = [{Key, Id, I =:= "-", missing, Vd, extra, R}
             || {I, Id, Vd, R} <- BV, not lists:member(Id, ErlIds)]
        ++ [{Key, Id, I =:= "-", missing, crashed, crash, Why}
            || {I, Id, Why} <- Crashes, not lists:member(Id, ErlIds)],
    _ = CrashIds,
    Rows ++ Extra.

beam_verdict(Id, BV, Crashes, Complete) ->
    case lists:keyfind(Id, 2, Crashes) of
        {_, _, Why} -> {crashed, Why};
        false ->
            case lists:keyfind(Id, 2, BV) of
                {_, _, V, R} -> {V, R};
                false when Complete, Crashes =/= [] -> {crashed, "not run: the VM crashed earlier"};
                false when Complete -> {missing, ""};
                false -> {crashed, "not run: the VM crashed earlier"}
            end
    end.

row(Key, Id, Conf, ErlV, {BeamV, R}) ->
    Class = case {ErlV, BeamV} of
                {_, crashed} -> crash;
                {passed, passed} -> match;
                {passed, _} -> differ;
                {skipped, _} -> skip;
                {_, _} -> excluded
            end,
    {Key, Id, Conf, ErlV, BeamV, Class, R}.

%% --- reporting ------------------------------------------------------------------------------

report(Suites, Rows, All, O, Results, Secs) ->
    Cases = [R || {_, _, false, _, _, _, _} = R <- Rows],
    Confs = [R || {_, _, true, _, _, _, _} = R <- Rows],
    io:format("~n~-44s ~5s ~5s ~6s ~5s ~5s ~5s ~5s  ~s~n",
              ["suite", "cases", "match", "differ", "crash", "excl", "skip", "conf", "erl p/f/s"]),
    Line = fun(Label, Rs, Cs) ->
                   C = fun(Cl) -> length([x || {_, _, _, _, _, Cl1, _} <- Rs, Cl1 =:= Cl]) end,
                   E = fun(Vs) -> length([x || {_, _, _, V, _, _, _} <- Rs, lists:member(V, Vs)]) end,
                   ConfBad = length([x || {_, _, _, passed, BV, _, _} <- Cs, BV =/= passed]),
                   io:format("~-44s ~5b ~5b ~6b ~5b ~5b ~5b ~5b  ~b/~b/~b~n",
                             [Label, length(Rs), C(match), C(differ), C(crash), C(excluded),
                              C(skip), ConfBad, E([passed]), E([failed]),
                              E([skipped, auto_skipped])])
           end,
    [Line(K, [R || {K1, _, _, _, _, _, _} = R <- Cases, K1 =:= K],
          [R || {K1, _, _, _, _, _, _} = R <- Confs, K1 =:= K]) || {K, _} <- Suites],
    io:format("~s~n", [lists:duplicate(100, $-)]),
    Line("TOTAL (" ++ integer_to_list(length(Suites)) ++ " suites)", Cases, Confs),
    io:format("  match: passes on both; differ: passes on erl, not on beamos; crash: the beamos~n"
              "  process died (any erl verdict); excl: erl failed it; skip: erl skipped it;~n"
              "  conf: init/end_per_* functions passing on erl but not on beamos~n"
              "  (init failures do not skip cases here unless --strict-init)~n"),
    write_summary(Results, Rows, All),
    io:format("~nsummary: ~s (~b s)~n", [filename:join(Results, "summary.tsv"), Secs]),
    known(Rows, O).

write_summary(Results, Rows, _All) ->
    Head = "suite\tcase\tconf\terl\tbeamos\tclass\tbeamos_reason\n",
    Body = [io_lib:format("~s\t~s\t~p\t~p\t~p\t~p\t~ts~n", [K, Id, C, E, B, Cl, tabless(R)])
            || {K, Id, C, E, B, Cl, R} <- Rows],
    ok = file:write_file(filename:join(Results, "summary.tsv"),
                         unicode:characters_to_binary([Head | Body])).

tabless(R) -> [case C of $\t -> $\s; _ -> C end || C <- lists:flatten(R)].

%% --- the known-failures list ----------------------------------------------------------------

%% Lines `suite case verdict  # reason`; suite may use * (a glob); case may be *.
known(Rows, #o{known = undefined}) -> known_verdict(Rows, []);
known(Rows, #o{known = File, update_known = true}) ->
    %% Also the cases erl fails here and beamos does not pass: timing-dependent ones may pass on
    %% erl elsewhere.
    Bad = [R || {_, _, _, E, B, Cl, _} = R <- Rows,
                (E =:= passed andalso (Cl =:= differ orelse Cl =:= crash))
                    orelse (Cl =:= excluded andalso B =/= passed)],
    Old = read_known(File),
    Keys = lists:usort([K || {K, _, _, _, _, _, _} <- Rows]),
    %% Entries for suites not run this time are kept.
    Kept = [E || {SP, _, _, _, Text} = E <- Old, not lists:any(fun(K) -> glob(SP, K) end, Keys),
                 Text =/= ""],
    Head = "# Cases beamos does not pass that pass on erl, or that erl fails here too (OTP's own test\n"
        "# suites, conformance/otp).\n"
        "# `suite case beamos-verdict  # reason`; regenerate with conformance/otp/run.sh "
        "--update-known.\n# Remove a line as soon as its case passes; run.sh reports those.\n",
    Lines = [T || {_, _, _, _, T} <- Kept] ++
        [io_lib:format("~s ~s ~p  # ~ts~n", [K, Id, B, lists:sublist(tabless(R), 160)])
         || {K, Id, _, _, B, _, R} <- lists:sort(Bad)],
    ok = file:write_file(File, unicode:characters_to_binary([Head | lists:sort(Lines)])),
    io:format("known failures: wrote ~b entries to ~s~n", [length(Lines), File]),
    0;
known(Rows, #o{known = File}) ->
    known_verdict(Rows, read_known(File)).

read_known(File) ->
    case file:read_file(File) of
        {ok, B} ->
            [{S, C, V, R, L ++ "\n"} || L <- string:lexemes(unicode:characters_to_list(B), "\n"),
                                       hd(string:trim(L)) =/= $#,
                                       {S, C, V, R} <- [known_line(L)]];
        _ -> []
    end.

known_line(L) ->
    {Fields, Reason} = case string:split(L, "#") of
                           [F, R] -> {F, string:trim(R)};
                           [F] -> {F, ""}
                       end,
    case string:lexemes(Fields, " \t") of
        [S, C, V | _] -> {S, C, V, Reason};
        [S, C] -> {S, C, "*", Reason}
    end.

glob(Pattern, Key) ->
    Re = "^" ++ lists:append([case C of $* -> ".*"; $. -> "\\."; $+ -> "\\+"; _ -> [C] end
                              || C <- Pattern]) ++ "$",
    re:run(Key, Re, [{capture, none}]) =:= match.

%% A listed case is covered whatever its verdict, except that a case listed as failing that now
%% crashes the VM is a regression.
covers({S, C, V, _, _}, Key, Id, BeamV) ->
    glob(S, Key) andalso (C =:= "*" orelse C =:= Id)
        andalso (V =:= "*" orelse V =:= "crashed" orelse BeamV =/= crashed).

known_verdict(Rows, Known) ->
    Bad = [R || {_, _, _, passed, _, Cl, _} = R <- Rows, Cl =:= differ orelse Cl =:= crash],
    New = [R || {K, Id, _, _, B, _, _} = R <- Bad,
                not lists:any(fun(E) -> covers(E, K, Id, B) end, Known)],
    Matched = [R || {_, _, _, passed, passed, match, _} = R <- Rows],
    Stale = [E || {S, C, _, _, _} = E <- Known, C =/= "*", not lists:member($*, S),
                  lists:any(fun({K, Id, _, _, _, _, _}) -> K =:= S andalso Id =:= C end, Matched)],
    StaleGlob = [E || {S, C, _, _, _} = E <- Known, C =:= "*" orelse lists:member($*, S),
                      lists:any(fun({K, _, _, _, _, _, _}) -> glob(S, K) end, Rows),
                      not lists:any(fun({K, Id, _, _, B, _, _}) -> covers(E, K, Id, B) end, Bad)],
    [io:format("now passing: remove from list: ~s ~s~n", [S, C]) || {S, C, _, _, _} <- Stale ++ StaleGlob],
    case New of
        [] ->
            io:format("otp: no regressions (~b known failures)~n", [length(Bad)]),
            0;
        _ ->
            [io:format("REGRESSION: ~s ~s ~p (erl passed): ~ts~n", [K, Id, B, R])
             || {K, Id, _, _, B, _, R} <- New],
            io:format("otp: ~b cases pass on erl but not on beamos and are not in the known list~n",
                      [length(New)]),
            1
    end.
