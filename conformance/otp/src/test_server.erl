%% The part of test_server (common_test) that OTP's test suites call directly or through
%% ct.hrl's macros (?config, ?CT_PEER), for otp_runner. Timetraps are messages to the runner,
%% which owns the case's time limit. Peer nodes and shielded nodes are not supported: asking for
%% one skips the case. Written for this project, not copied.
-module(test_server).
-export([lookup_config/2, timetrap/1, timetrap_cancel/0, timetrap_cancel/1,
         timetrap_scale_factor/0, get_timetrap_info/0, adjusted_sleep/1, sleep/1,
         hours/1, minutes/1, seconds/1, fail/0, fail/1, do_times/2, do_times/4,
         is_cover/0, is_debug/0, is_valgrind/0, is_asan/0, is_native/1, temp_name/1,
         run_on_shielded_node/2, start_peer/3, start_peer/5, peer_name/2, start_node/3,
         stop_node/1, app_test/1, app_test/2, appup_test/1, format/1, format/2, format/3,
         timecall/3, os_type/0, is_release_available/1, comment/1, make_priv_dir/0,
         break/1, break/2]).

-define(TC_KEY, '$otp_runner_tc').

lookup_config(Key, Config) ->
    case lists:keyfind(Key, 1, Config) of
        {Key, Val} -> Val;
        false ->
            io:format("Could not find element ~tp in Config.~n", [Key]),
            undefined
    end.

%% A timetrap resets the running case's time limit (the runner caps it).
timetrap(Time) ->
    Ms = to_ms(Time),
    case get(?TC_KEY) of
        {Runner, Ref, _} -> Runner ! {Ref, timetrap, Ms}, put(?TC_KEY, {Runner, Ref, Ms});
        undefined -> ok
    end,
    {otp_runner_timetrap, Ms}.

timetrap_cancel() -> ok.
timetrap_cancel(_Handle) -> ok.
timetrap_scale_factor() -> 1.

get_timetrap_info() ->
    case get(?TC_KEY) of
        {_, _, Ms} -> {Ms, {true, 1}};
        undefined -> {30000, {true, 1}}
    end.

to_ms({hours, N}) -> trunc(N * 3600000);
to_ms({minutes, N}) -> trunc(N * 60000);
to_ms({seconds, N}) -> trunc(N * 1000);
to_ms({M, F, A}) -> to_ms(apply(M, F, A));
to_ms(F) when is_function(F, 0) -> to_ms(F());
to_ms(infinity) -> 1 bsl 40;
to_ms(N) when is_integer(N) -> N.

adjusted_sleep(infinity) -> receive after infinity -> ok end;
adjusted_sleep(Ms) -> receive after trunc(Ms) -> ok end.
sleep(Ms) -> adjusted_sleep(Ms).

hours(N) -> trunc(N * 3600000).
minutes(N) -> trunc(N * 60000).
seconds(N) -> trunc(N * 1000).

fail() -> fail(suite_failed).
fail(Reason) ->
    try exit({suite_failed, Reason})
    catch exit:R:S -> erlang:raise(exit, R, tl(S))
    end.

do_times(N, M, F, A) when N > 0 -> apply(M, F, A), do_times(N - 1, M, F, A);
do_times(0, _, _, _) -> ok.
do_times(N, Fun) when N > 0 -> Fun(), do_times(N - 1, Fun);
do_times(0, _) -> ok.

is_cover() -> false.
is_debug() -> false.
is_valgrind() -> false.
is_asan() -> false.
is_native(_Mod) -> false.
is_release_available(_) -> false.
os_type() -> os:type().

temp_name(Stem) -> Stem ++ integer_to_list(erlang:unique_integer([positive])).

no_peer() -> exit({skip, "otp_runner: peer nodes are not supported"}).
run_on_shielded_node(_Fun, _CArgs) -> no_peer().
start_peer(_Opts, _Module, _TestCase) -> no_peer().
start_peer(_Opts, _Module, _TestCase, _Release, _OutDir) -> no_peer().
start_node(_Name, _Type, _Options) -> no_peer().
stop_node(_) -> true.
peer_name(Module, TestCase) ->
    lists:concat([Module, "-", TestCase, "-", erlang:unique_integer([positive])]).

app_test(_) -> exit({skip, "otp_runner: app_test is not supported"}).
app_test(_, _) -> exit({skip, "otp_runner: app_test is not supported"}).
appup_test(_) -> exit({skip, "otp_runner: appup_test is not supported"}).

format(Format) -> format(Format, []).
format(Detail, Format) when is_atom(Detail); is_integer(Detail) -> format(Format, []);
format(Format, Args) -> catch io:format(Format, Args), ok.
format(_Detail, Format, Args) -> format(Format, Args).

timecall(M, F, A) ->
    Before = erlang:monotonic_time(microsecond),
    Value = apply(M, F, A),
    After = erlang:monotonic_time(microsecond),
    {(After - Before) / 1000000, Value}.

comment(_) -> ok.
make_priv_dir() -> {error, not_supported}.
break(_) -> ok.
break(_, _) -> ok.
