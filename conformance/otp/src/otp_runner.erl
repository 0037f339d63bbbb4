%% Runs one OTP *_SUITE module the way common_test would, closely enough to compare verdicts
%% between erl and beamos, and prints one line per verdict on stdout:
%%
%%   @@> Suite Idx Id Ms                   a case (or conf function, Idx "-") starts, time limit
%%   @@~ Suite timetrap Ms                 the running case set a new time limit
%%   @@ Suite Idx Id Verdict Reason        its verdict: passed | failed | skipped | auto_skipped
%%   @@ Suite end Passed Failed Skipped AutoSkipped
%%   @@.                                   a heartbeat, every second (a VM that stops printing
%%                                         them is hung: the driver kills it)
%%
%% Id is the group path and the case name joined by "/" (`p/t_case`); conf functions are
%% `init_per_suite`, `end_per_suite`, `Group/init_per_group` and `Group/end_per_group`.
%% Idx numbers the cases of the expanded all()/groups() tree in run order.
%%
%% Started with arguments key=value (atoms, as `-s otp_runner main ...` passes them):
%%   suite=S        the suite module (required)
%%   dir=D          the directory holding S_data/ (data_dir); default: where S.beam is
%%   priv=P         a writable directory for priv_dir; default: /tmp
%%   from=N         run only the cases with Idx >= N (conf functions around them still run)
%%   noconf=A,B     conf function ids not to call (they crashed the VM before): reported as
%%                  failed
%%   init=lenient   when init_per_suite/init_per_group crashes, report that and run the cases
%%                  under it anyway with the configuration it was given (default: strict,
%%                  common_test's behaviour: those cases are auto_skipped)
%%   timeout=Ms     default per-case time limit (30000); cap=Ms the largest (60000)
%%
%% What it does not do: logs, hooks, ct config files, repeat properties (groups run once),
%% parallel groups (run in sequence), distribution (?CT_PEER skips). Uses no file I/O itself.
-module(otp_runner).
-export([main/1, run/1]).

-record(opts, {suite, dir, priv = "/tmp", from = 0, noconf = [], lenient = false,
               timeout = 30000, cap = 60000}).
-record(st, {opts, counts = #{}, conf}).

-define(TC_KEY, '$otp_runner_tc').

main(Args) ->
    Code = try run(parse_args(Args, #opts{}))
           catch Class:Reason:Stack ->
                   out("@@ runner_error ~ts~n", [short({Class, Reason, Stack})]),
                   3
           end,
    erlang:halt(Code).

parse_args([], #opts{suite = undefined}) -> error(no_suite_given);
parse_args([], O) -> O;
parse_args([A | As], O) ->
    S = if is_atom(A) -> atom_to_list(A); true -> A end,
    {K, [$= | V]} = lists:splitwith(fun(C) -> C =/= $= end, S),
    parse_args(As, case K of
                       "suite" -> O#opts{suite = list_to_atom(V)};
                       "dir" -> O#opts{dir = V};
                       "priv" -> O#opts{priv = V};
                       "from" -> O#opts{from = list_to_integer(V)};
                       "noconf" -> O#opts{noconf = string:lexemes(V, ",")};
                       "init" -> O#opts{lenient = V =:= "lenient"};
                       "timeout" -> O#opts{timeout = list_to_integer(V)};
                       "cap" -> O#opts{cap = list_to_integer(V)}
                   end).

%% --- the tree -------------------------------------------------------------------------------

%% Node = {tc, Idx, Id, Case} | {group, Name, Props, Path, [Node]}
run(#opts{suite = Suite} = O) ->
    Suite = Suite:module_info(module),             % loads it (beamos has no code server)
    Dir = case O#opts.dir of
              undefined -> filename:dirname(code:which(Suite));
              D -> D
          end,
    Config0 = [{data_dir, filename:join(Dir, atom_to_list(Suite) ++ "_data") ++ "/"},
               {priv_dir, O#opts.priv ++ "/"}],
    St0 = #st{opts = O#opts{dir = Dir}},
    spawn_link(fun heartbeat/0),
    case catch Suite:all() of
        {skip, Reason} ->
            verdict(St0, "-", "all", skipped, Reason),
            finish(St0);
        All when is_list(All) ->
            Groups = case erlang:function_exported(Suite, groups, 0) of
                         true -> Suite:groups();
                         false -> []
                     end,
            {Tree, _} = expand(All, Groups, [], 0),
            St = run_suite(Tree, Config0, St0),
            finish(St);
        Other ->
            verdict(St0, "-", "all", failed, {bad_all, Other}),
            finish(St0)
    end.

%% At priority max, so that cases running busy processes at high priority do not starve it.
heartbeat() ->
    process_flag(priority, max),
    heartbeat_loop().

heartbeat_loop() ->
    receive after 1000 -> out("@@.~n", []) end,
    heartbeat_loop().

finish(#st{opts = #opts{suite = Suite}, counts = C}) ->
    out("@@ ~s end ~p ~p ~p ~p~n",
        [Suite, maps:get(passed, C, 0), maps:get(failed, C, 0), maps:get(skipped, C, 0),
         maps:get(auto_skipped, C, 0)]),
    0.

expand([], _Groups, _Path, Idx) -> {[], Idx};
expand([E | Es], Groups, Path, Idx0) ->
    {Nodes, Idx1} = expand_one(E, Groups, Path, Idx0),
    {Rest, Idx2} = expand(Es, Groups, Path, Idx1),
    {Nodes ++ Rest, Idx2}.

expand_one(Case, _Groups, Path, Idx) when is_atom(Case) ->
    {[{tc, Idx, id(Path, Case), Case}], Idx + 1};
expand_one({testcase, Case, _Repeat}, Groups, Path, Idx) ->
    expand_one(Case, Groups, Path, Idx);
expand_one({group, Name}, Groups, Path, Idx) ->
    expand_group(Name, undefined, Groups, Path, Idx);
expand_one({group, Name, Props}, Groups, Path, Idx) ->
    expand_group(Name, Props, Groups, Path, Idx);
expand_one({group, Name, Props, _SubSpec}, Groups, Path, Idx) ->
    expand_group(Name, Props, Groups, Path, Idx);
expand_one(Other, _Groups, Path, Idx) ->
    {[{tc, Idx, id(Path, bad_entry), {bad_entry, Other}}], Idx + 1}.

expand_group(Name, Props0, Groups, Path, Idx) ->
    case lists:keyfind(Name, 1, Groups) of
        {Name, Props1, Cases} when is_list(Props1) -> ok;
        {Name, Cases} -> Props1 = [];
        false -> Props1 = [], Cases = [{bad_group, Name}]
    end,
    Props = case Props0 of undefined -> Props1; _ -> Props0 end,
    Path1 = Path ++ [Name],
    {Children, Idx1} = expand(Cases, Groups, Path1, Idx),
    {[{group, Name, Props, Path1, Children}], Idx1}.

id(Path, Case) ->
    lists:flatten(lists:join("/", [atom_to_list(P) || P <- Path] ++ [io_lib:format("~w", [Case])])).

%% --- running --------------------------------------------------------------------------------

run_suite(Tree, Config0, #st{opts = #opts{suite = Suite}} = St0) ->
    case wanted(Tree, St0) of
        false -> St0;
        true ->
            Info = suite_info(Suite),
            St = St0#st{conf = Info},
            case conf(St, "init_per_suite", init_per_suite, [Config0], Config0) of
                {ok, Config} ->
                    St1 = run_nodes(Tree, Config, St),
                    _ = conf(St1, "end_per_suite", end_per_suite, [Config], Config),
                    St1;
                {skip, Verdict, Reason, Config} ->
                    St1 = skip_nodes(Tree, Verdict, Reason, St),
                    _ = Config,
                    St1;
                {lenient, Config} ->
                    St1 = run_nodes(Tree, Config, St),
                    _ = conf(St1, "end_per_suite", end_per_suite, [Config], Config),
                    St1
            end
    end.

suite_info(Suite) ->
    case erlang:function_exported(Suite, suite, 0) of
        true -> case catch Suite:suite() of L when is_list(L) -> L; _ -> [] end;
        false -> []
    end.

wanted(Nodes, #st{opts = #opts{from = From}}) ->
    lists:any(fun({tc, Idx, _, _}) -> Idx >= From;
                 ({group, _, _, _, Ch}) -> wanted(Ch, #st{opts = #opts{from = From}})
              end, Nodes).

run_nodes(Nodes, Config, St) -> run_nodes(Nodes, Config, [], St).

%% Props: the enclosing group's properties (for `sequence`).
run_nodes([], _Config, _Props, St) -> St;
run_nodes([Node | Nodes], Config, Props, St0) ->
    {St, Result} = run_node(Node, Config, St0),
    case Result =:= failed andalso lists:member(sequence, Props) of
        true -> skip_nodes(Nodes, auto_skipped, {sequence_failed, Node}, St);
        false -> run_nodes(Nodes, Config, Props, St)
    end.

run_node({tc, Idx, _, _} = Tc, Config, #st{opts = #opts{from = From}} = St) ->
    case Idx >= From of
        true -> run_case(Tc, Config, St);
        false -> {St, not_run}
    end;
run_node({group, Name, Props, Path, Children} = G, Config0, #st{opts = #opts{suite = Suite}} = St) ->
    case wanted(Children, St) of
        false -> {St, not_run};
        true ->
            Prefix = lists:flatten(lists:join("/", [atom_to_list(P) || P <- Path])),
            Config = [{tc_group_properties, [{name, Name} | Props]},
                      {tc_group_path, [[{name, P}] || P <- lists:reverse(Path) -- [Name]]}
                      | lists:keydelete(tc_group_properties, 1,
                                        lists:keydelete(tc_group_path, 1, Config0))],
            Exported = erlang:function_exported(Suite, init_per_group, 2),
            Init = case Exported of
                       true -> conf(St, Prefix ++ "/init_per_group", init_per_group,
                                    [Name, Config], Config);
                       false -> {ok, Config}
                   end,
            case Init of
                {skip, Verdict, Reason, _} ->
                    {skip_nodes(Children, Verdict, Reason, St), skipped};
                {Ok, GConfig} when Ok =:= ok; Ok =:= lenient ->
                    St1 = run_nodes(Children, GConfig, Props, St),
                    case erlang:function_exported(Suite, end_per_group, 2) of
                        true ->
                            _ = conf(St1, Prefix ++ "/end_per_group", end_per_group,
                                     [Name, [{tc_group_result, []} | GConfig]], GConfig);
                        false -> ok
                    end,
                    _ = G,
                    {St1, ok}
            end
    end.

skip_nodes(Nodes, Verdict, Reason, St0) ->
    lists:foldl(fun({tc, Idx, Id, _}, St) when Idx >= St#st.opts#opts.from ->
                        verdict(St, Idx, Id, Verdict, Reason);
                   ({tc, _, _, _}, St) -> St;
                   ({group, _, _, _, Ch}, St) -> skip_nodes(Ch, Verdict, Reason, St)
                end, St0, Nodes).

%% A conf function (init_per_suite, ...) in its own process. Returns {ok, Config},
%% {skip, Verdict, Reason, Config} or, in lenient mode after a failure, {lenient, Config}.
conf(#st{opts = #opts{suite = Suite} = O} = St, Id, Fun, Args, Config) ->
    Arity = length(Args),
    IsInit = lists:prefix("init", atom_to_list(Fun)),
    case lists:member(Id, O#opts.noconf) of
        true ->
            verdict(St, "-", Id, failed, vm_crashed_here_before),
            conf_failed(St, IsInit, {Fun, vm_crashed}, Config);
        false ->
          case erlang:function_exported(Suite, Fun, Arity) of
            false -> {ok, Config};
            true ->
                Limit = limit(St#st.conf, O#opts.timeout, O),
                out("@@> ~s - ~s ~p~n", [Suite, Id, Limit]),
                Result = in_process(fun() -> apply(Suite, Fun, Args) end, Limit, O),
                case {IsInit, Result} of
                    {true, {returned, {Skip, Why}}} when Skip =:= skip; Skip =:= skipped ->
                        verdict(St, "-", Id, skipped, Why),
                        {skip, skipped, Why, Config};
                    {true, {returned, {fail, Why}}} ->
                        verdict(St, "-", Id, failed, Why),
                        conf_failed(St, IsInit, {Fun, Why}, Config);
                    {true, {returned, New}} when is_list(New) ->
                        verdict(St, "-", Id, passed, ""),
                        {ok, New};
                    {true, {returned, Other}} ->
                        verdict(St, "-", Id, failed, {bad_return, Other}),
                        conf_failed(St, IsInit, {Fun, bad_return}, Config);
                    {false, {returned, _}} ->
                        verdict(St, "-", Id, passed, ""),
                        {ok, Config};
                    {_, {skipped, Why}} ->
                        verdict(St, "-", Id, skipped, Why),
                        {skip, skipped, Why, Config};
                    {_, {failed, Why, Output}} ->
                        verdict(St, "-", Id, failed, Why),
                        print_output(Output),
                        conf_failed(St, IsInit, {Fun, Why}, Config)
                end
          end
    end.

conf_failed(_St, false, _Why, Config) -> {ok, Config};
conf_failed(#st{opts = #opts{lenient = true}}, true, _Why, Config) -> {lenient, Config};
conf_failed(#st{opts = #opts{suite = Suite}}, true, {Fun, Why}, Config) ->
    {skip, auto_skipped, {failed, {Suite, Fun, Why}}, Config}.

run_case({tc, Idx, Id, {bad_entry, Other}}, _Config, St) ->
    {verdict(St, Idx, Id, failed, {bad_entry, Other}), failed};
run_case({tc, Idx, Id, Case}, Config0, #st{opts = #opts{suite = Suite} = O} = St) ->
    Info = case erlang:function_exported(Suite, Case, 0) of
               true -> case catch Suite:Case() of L when is_list(L) -> L; _ -> [] end;
               false -> []
           end,
    Limit = limit(Info, limit(St#st.conf, O#opts.timeout, O), O),
    out("@@> ~s ~p ~s ~p~n", [Suite, Idx, Id, Limit]),
    HasInit = erlang:function_exported(Suite, init_per_testcase, 2),
    HasEnd = erlang:function_exported(Suite, end_per_testcase, 2),
    Body = fun() -> tc_body(Suite, Case, Config0, HasInit, HasEnd) end,
    {Verdict, Reason, Output} =
        case in_process(Body, Limit, O) of
            {returned, {'$otp_runner_failed', Why}} ->
                {failed, Why, otp_runner_io:take(get(otp_runner_gl))};
            {returned, {Skip, Why}} when Skip =:= skip; Skip =:= skipped -> {skipped, Why, []};
            {returned, {fail, Why}} -> {failed, Why, otp_runner_io:take(get(otp_runner_gl))};
            {returned, _} -> {passed, "", []};
            {skipped, Why} -> {skipped, Why, []};
            {init_failed, V, Why} -> {V, Why, []};
            {failed, Why, Out} ->
                %% The case process died (a link, a timeout): end_per_testcase in a new one.
                case HasEnd of
                    true -> in_process(fun() -> Suite:end_per_testcase(
                                                  Case, [{tc_status, {failed, Why}} | Config0])
                                       end, 10000, O);
                    false -> ok
                end,
                {failed, Why, Out}
        end,
    St1 = verdict(St, Idx, Id, Verdict, Reason),
    case Verdict of
        failed -> print_output(Output), print_reason(Reason);
        _ -> ok
    end,
    {St1, Verdict}.

%% In the case's process: init_per_testcase, the case, end_per_testcase, as test_server does.
tc_body(Suite, Case, Config0, HasInit, HasEnd) ->
    Config = case HasInit of
                 true ->
                     case init_tc(Suite, Case, Config0) of
                         {ok, C} -> C;
                         {skip, R1} -> exit({'$otp_runner_init', skipped, R1});
                         {fail, R2} -> exit({'$otp_runner_init', failed, R2});
                         {auto_skip, R3} -> exit({'$otp_runner_init', auto_skipped, R3})
                     end;
                 false -> Config0
             end,
    Result = try apply(Suite, Case, [Config])
             catch throw:{S1, R4} when S1 =:= skip; S1 =:= skipped -> {skip, R4};
                   exit:{S2, R5} when S2 =:= skip; S2 =:= skipped -> {skip, R5};
                   throw:R6:Stk6 -> {'$otp_runner_failed', {thrown, {R6, Stk6}}};
                   error:R7:Stk7 -> {'$otp_runner_failed', {R7, Stk7}};
                   exit:R8 -> {'$otp_runner_failed', R8}
             end,
    Status = case Result of
                 {'$otp_runner_failed', Why} -> {failed, Why};
                 {S3, Why} when S3 =:= skip; S3 =:= skipped -> {skipped, Why};
                 _ -> ok
             end,
    End = case HasEnd of
              true -> catch Suite:end_per_testcase(Case, [{tc_status, Status} | Config]);
              false -> ok
          end,
    case {Status, End} of
        {ok, {fail, EndWhy}} -> {'$otp_runner_failed', {end_per_testcase, EndWhy}};
        _ -> Result
    end.

init_tc(Suite, Case, Config) ->
    try Suite:init_per_testcase(Case, Config) of
        {Skip, R} when Skip =:= skip; Skip =:= skipped -> {skip, R};
        {fail, R} -> {fail, R};
        New when is_list(New) -> {ok, New};
        _ -> {auto_skip, {failed, {Suite, init_per_testcase, bad_return}}}
    catch
        throw:{Skip, R} when Skip =:= skip; Skip =:= skipped -> {skip, R};
        exit:{Skip, R} when Skip =:= skip; Skip =:= skipped -> {skip, R};
        Class:R:Stk -> {auto_skip, {failed, {Suite, init_per_testcase, {Class, R, Stk}}}}
    end.

%% Runs Fun in a fresh process with its own group leader (capturing the output) under a time
%% limit that the process may change with ct:timetrap/1.
%% -> {returned, Value} | {skipped, Why} | {init_failed, Verdict, Why} | {failed, Why, Output}
in_process(Fun, Limit, O) ->
    Self = self(),
    Ref = make_ref(),
    Gl = otp_runner_io:start(),
    put(otp_runner_gl, Gl),
    {Pid, MRef} = spawn_monitor(
                    fun() ->
                            group_leader(Gl, self()),
                            put(?TC_KEY, {Self, Ref, Limit}),
                            Self ! {Ref, value, Fun()}
                    end),
    Deadline = erlang:monotonic_time(millisecond) + Limit,
    wait(Pid, MRef, Ref, Gl, {Deadline, Limit}, O).

wait(Pid, MRef, Ref, Gl, {Deadline, Limit} = Trap, O) ->
    Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
    receive
        {Ref, value, Value} ->
            erlang:demonitor(MRef, [flush]),
            {returned, Value};
        {Ref, timetrap_info, From} ->
            From ! {Ref, timetrap_info, Limit},
            wait(Pid, MRef, Ref, Gl, Trap, O);
        {Ref, timetrap, Ms} ->
            Ms1 = min(Ms, O#opts.cap),
            out("@@~~ ~s timetrap ~p~n", [O#opts.suite, Ms1]),
            wait(Pid, MRef, Ref, Gl, {erlang:monotonic_time(millisecond) + Ms1, Ms1}, O);
        {'DOWN', MRef, process, Pid, {'$otp_runner_init', V, Why}} ->
            {init_failed, V, Why};
        {'DOWN', MRef, process, Pid, {Skip, Why}} when Skip =:= skip; Skip =:= skipped ->
            {skipped, Why};
        {'DOWN', MRef, process, Pid, Why} ->
            {failed, Why, otp_runner_io:take(Gl)}
    after Left ->
            exit(Pid, kill),
            receive {'DOWN', MRef, process, Pid, _} -> ok end,
            {failed, {timetrap_timeout, Limit}, otp_runner_io:take(Gl)}
    end.

%% The time limit from a suite()/case info list, capped.
limit(Info, Default, #opts{cap = Cap}) ->
    case lists:keyfind(timetrap, 1, Info) of
        {timetrap, T} -> min(otp_ms(T), Cap);
        false -> min(Default, Cap)
    end.

otp_ms({hours, N}) -> round(N * 3600000);
otp_ms({minutes, N}) -> round(N * 60000);
otp_ms({seconds, N}) -> round(N * 1000);
otp_ms({M, F, A}) -> catch otp_ms(apply(M, F, A));
otp_ms(F) when is_function(F, 0) -> catch otp_ms(F());
otp_ms(infinity) -> 1 bsl 40;
otp_ms(N) when is_integer(N) -> N;
otp_ms(_) -> 30000.

%% --- output ---------------------------------------------------------------------------------

verdict(#st{opts = #opts{suite = Suite}, counts = C} = St, Idx, Id, Verdict, Reason0) ->
    Reason = tame(Reason0, 20),
    out("@@ ~s ~s ~s ~s~ts~n", [Suite, idx(Idx), Id, Verdict,
                                [[$\s | R] || R <- [short(Reason)], R =/= ""]]),
    case Idx of
        "-" -> St;
        _ -> St#st{counts = maps:update_with(Verdict, fun(N) -> N + 1 end, 1, C)}
    end.

idx(I) when is_integer(I) -> integer_to_list(I);
idx(S) -> S.

%% A reason on one line: the term, depth-limited; for {Reason, Stack} the reason and the
%% innermost frame of the suite (or the innermost frame).
short("") -> "";
short(R) when is_list(R) ->
    case io_lib:printable_unicode_list(R) of
        true -> clip(R);
        false -> clip(io_lib:write(R, 12))
    end;
short({R, [{_, _, _, _} | _] = Stk}) ->
    clip(io_lib:format("~ts at ~ts", [io_lib:write(R, 12), frame(Stk)]));
short({thrown, {R, [{_, _, _, _} | _] = Stk}}) ->
    clip(io_lib:format("thrown ~ts at ~ts", [io_lib:write(R, 12), frame(Stk)]));
short(R) -> clip(io_lib:write(R, 12)).

%% The frames that raised (up to three, innermost first, down to the suite) and the
%% innermost frame of the suite: `at erlang:'!'/2 < code_server:call/1 < code:which/1 via
%% andor_SUITE:init_per_suite/1:40`.
frame(Stk) ->
    IsSuite = fun({M, _, _, _}) -> lists:suffix("_SUITE", atom_to_list(M)) end,
    {Inner, Rest} = lists:splitwith(fun(F) -> not IsSuite(F) end, Stk),
    Top = lists:join(" < ", [mfa(F) || F <- lists:sublist(Inner, 3)]),
    case {Inner, Rest} of
        {[], [S | _]} -> mfa(S);
        {_, [S | _]} -> [Top, " via ", mfa(S)];
        {_, []} -> Top
    end.

mfa({M, F, A, Loc}) ->
    Arity = if is_list(A) -> length(A); true -> A end,
    case lists:keyfind(line, 1, Loc) of
        {line, L} -> io_lib:format("~w:~w/~w:~w", [M, F, Arity, L]);
        false -> io_lib:format("~w:~w/~w", [M, F, Arity])
    end.

clip(Chars) ->
    S = [case C of $\n -> $\s; $\r -> $\s; $\t -> $\s; _ -> C end
         || C <- lists:flatten(Chars)],
    case length(S) > 400 of
        true -> lists:sublist(S, 400) ++ "...";
        false -> S
    end.

%% The whole reason, for the log (the verdict line has a short form).
print_reason(Reason0) ->
    Reason = tame(Reason0, 40),
    Text = lists:flatten(io_lib:format("~tP", [Reason, 40])),
    [out("   | ~ts~n", [L]) || L <- lists:sublist(string:split(Text, "\n", all), 40)],
    ok.

%% Huge integers (a case failing on a 30-million-bit bignum) would take minutes to print: they
%% are replaced by their size, down to the depth the reason is printed to.
tame(I, _) when is_integer(I), (I > 1 bsl 4096 orelse I < -(1 bsl 4096)) ->
    list_to_atom("<integer of " ++ integer_to_list(bit_size(binary:encode_unsigned(abs(I)))) ++
                 " bits>");
tame(_, 0) -> '...';
tame(T, D) when is_tuple(T) -> list_to_tuple(tame(tuple_to_list(T), D));
tame(L, D) when is_list(L) -> tame_list(L, D, 50);
tame(M, D) when is_map(M) -> maps:from_list(tame(maps:to_list(M), D - 1));
tame(T, _) -> T.

tame_list([], _, _) -> [];
tame_list(_, _, 0) -> ['...'];
tame_list([H | T], D, N) -> [tame(H, D - 1) | tame_list(T, D, N - 1)];
tame_list(Improper, D, _) -> tame(Improper, D - 1).

print_output([]) -> ok;
print_output(Output) ->
    Lines = string:split(Output, "\n", all),
    Last = lists:nthtail(max(0, length(Lines) - 15), Lines),
    [out("   | ~ts~n", [string:slice(L, 0, 200)]) || L <- Last, L =/= []],
    ok.

out(Format, Args) ->
    io:put_chars(user, unicode:characters_to_binary(io_lib:format(Format, Args))).
