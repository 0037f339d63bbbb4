-module(c_timers).
-export([main/0]).

%% erlang:send_after/start_timer/cancel_timer/read_timer and receive-after timing order.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    Self = self(),
    erlang:send_after(200, Self, late),
    erlang:send_after(20, Self, early),
    D(receive M1 -> M1 end),
    D(receive M2 -> M2 end),
    T = erlang:start_timer(30, Self, payload),
    D(receive {timeout, T, P} -> {timeout_with_ref, P} end),
    T2 = erlang:send_after(10000, Self, never),
    R = erlang:read_timer(T2),
    D(is_integer(R) andalso R > 5000 andalso R =< 10000),
    C = erlang:cancel_timer(T2),
    D(is_integer(C) andalso C > 5000),
    D(erlang:cancel_timer(T2)),
    D(erlang:read_timer(T2)),
    D(receive never -> got_cancelled_msg after 50 -> cancelled end),
    T3 = erlang:send_after(0, Self, zero),
    D(receive zero -> zero end),
    D(erlang:cancel_timer(T3)),
    T4 = erlang:start_timer(10000, Self, x),
    D(erlang:cancel_timer(T4, [{async, false}, {info, false}])),
    [erlang:send_after(D1, Self, {tick, D1}) || D1 <- [90, 10, 50, 30, 70]],
    D([receive {tick, X} -> X end || _ <- lists:seq(1, 5)]),
    Start = erlang:monotonic_time(millisecond),
    receive after 100 -> ok end,
    Elapsed = erlang:monotonic_time(millisecond) - Start,
    D(Elapsed >= 100),
    D(t(fun() -> erlang:send_after(-1, Self, x) end)),
    D(t(fun() -> erlang:send_after(10, Self, x, [bogus]) end)),
    D(t(fun() -> erlang:start_timer(id(a), Self, x) end)),
    D(t(fun() -> erlang:cancel_timer(id(notaref)) end)),
    Registered = erlang:send_after(10, c_timers_nobody, lost),
    D(is_reference(Registered)),
    ok.

id(X) -> X.
t(F) -> try {ok, F()} catch C:R -> {C, R} end.
