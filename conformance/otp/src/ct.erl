%% The part of common_test's `ct` API that OTP's test suites call, for otp_runner: failing,
%% logging (to the case's group leader, captured by otp_runner_io), timetraps (a message to
%% the runner) and sleeping. Configuration is empty. Written for this project, not copied.
%% Not exported on purpose: ct:error/1 (fun_SUITE expects it to be undefined).
-module(ct).
-export([fail/1, fail/2, log/1, log/2, log/3, log/4, log/5, pal/1, pal/2, pal/3, pal/4, pal/5,
         print/1, print/2, print/3, print/4, print/5, comment/1, comment/2,
         timetrap/1, get_timetrap_info/0, sleep/1, get_config/1, get_config/2, get_config/3,
         require/1, require/2, capture_start/0, capture_stop/0, capture_get/0, capture_get/1,
         get_progname/0, get_status/0, abort_current_testcase/1, make_priv_dir/0,
         remaining_test_procs/0, get_target_name/1, listenv/1, break/1, break/2]).

fail(Reason) ->
    try exit({test_case_failed, Reason})
    catch exit:R:S -> erlang:raise(exit, R, tl(S))
    end.

fail(Format, Args) ->
    Str = try lists:flatten(io_lib:format(Format, Args))
          catch _:BadArgs -> exit({BadArgs, {?MODULE, fail, [Format, Args]}})
          end,
    try exit({test_case_failed, Str})
    catch exit:R:S -> erlang:raise(exit, R, tl(S))
    end.

%% ct:log goes to the HTML log in common_test: not shown here.
log(_) -> ok.
log(_, _) -> ok.
log(_, _, _) -> ok.
log(_, _, _, _) -> ok.
log(_, _, _, _, _) -> ok.

pal(Format) -> pal(Format, []).
pal(X1, X2) -> {Format, Args} = format_args([X1, X2]), emit(Format, Args).
pal(X1, X2, X3) -> {Format, Args} = format_args([X1, X2, X3]), emit(Format, Args).
pal(X1, X2, X3, X4) -> {Format, Args} = format_args([X1, X2, X3, X4]), emit(Format, Args).
pal(_Category, _Importance, Format, Args, _Opts) -> emit(Format, Args).

print(Format) -> pal(Format).
print(X1, X2) -> pal(X1, X2).
print(X1, X2, X3) -> pal(X1, X2, X3).
print(X1, X2, X3, X4) -> pal(X1, X2, X3, X4).
print(C, I, F, A, O) -> pal(C, I, F, A, O).

%% The optional Category (atom) and Importance (integer) in front; Opts (list of atoms) after.
format_args(Xs) ->
    Rest = lists:dropwhile(fun(X) -> is_atom(X) orelse is_integer(X) end, Xs),
    case Rest of
        [Format] -> {Format, []};
        [Format, Args | _] -> {Format, Args};
        [] -> {"~p", [Xs]}
    end.

emit(Format, Args) ->
    catch io:format(Format ++ "\n", Args),
    ok.

comment(_) -> ok.
comment(_, _) -> ok.

timetrap(Time) -> test_server:timetrap_cancel(), test_server:timetrap(Time), ok.
get_timetrap_info() -> test_server:get_timetrap_info().

sleep({hours, N}) -> sleep(trunc(N * 3600000));
sleep({minutes, N}) -> sleep(trunc(N * 60000));
sleep({seconds, N}) -> sleep(trunc(N * 1000));
sleep(Ms) -> test_server:adjusted_sleep(Ms).

get_config(_Key) -> undefined.
get_config(_Key, Default) -> Default.
get_config(_Key, Default, _Opts) -> Default.

require(Key) -> {error, {not_available, Key}}.
require(_Name, Key) -> {error, {not_available, Key}}.

capture_start() -> group_leader() ! {capture, self()}, ok.
capture_stop() -> group_leader() ! {capture, undefined}, ok.
capture_get() -> capture_get([]).
capture_get(_ExcludeCategories) -> captured([]).

captured(Acc) ->
    receive {captured, Str} -> captured([Str | Acc])
    after 0 -> lists:reverse(Acc)
    end.

get_progname() ->
    case init:get_argument(progname) of
        {ok, [[Prog]]} -> Prog;
        _ -> "no_prog_name"
    end.

get_status() -> no_tests_running.
abort_current_testcase(Reason) -> exit({testcase_aborted, Reason}).
make_priv_dir() -> {error, not_supported}.
remaining_test_procs() -> {[], [], []}.
get_target_name(_) -> {error, no_target}.
listenv(_) -> {error, not_supported}.
break(_) -> {error, 'enable break with release_shell option'}.
break(_, _) -> {error, 'enable break with release_shell option'}.
