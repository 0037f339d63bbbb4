-module(c_hibernate).
-export([main/0, restart/2, bar/0, count/2]).

%% erlang:hibernate/3 reached by a tail call (call_ext_last / call_ext_only), with messages
%% already queued or arriving later, and to an undefined function.
bar() -> ok.

restart(Parent, Expected) -> receive Expected -> Parent ! done end.

count(Parent, N) ->
    receive
        stop -> Parent ! {count, N};
        _ -> erlang:hibernate(?MODULE, count, [Parent, N + 1])
    end.

main() ->
    D = fun(T) -> io:format("~p~n", [T]) end,
    Self = self(),
    Msg = {Self, make_ref(), a, message},
    Pid = spawn_link(fun() -> receive go_ahead -> ok end, erlang:hibernate(?MODULE, restart, [Self, Msg]) end),
    Pid ! Msg,
    Pid ! go_ahead,
    D(receive done -> done after 2000 -> timeout end),
    Later = spawn(fun() -> bar(), erlang:hibernate(?MODULE, restart, [Self, later]) end),
    timer:sleep(20),
    D(process_info(Later, current_function)),
    Later ! later,
    D(receive done -> done_later after 2000 -> timeout end),
    C = spawn(fun() -> count(Self, 0) end),
    [C ! {tick, I} || I <- lists:seq(1, 100)],
    C ! stop,
    D(receive {count, N} -> N after 2000 -> timeout end),
    process_flag(trap_exit, true),
    P2 = spawn_link(fun() -> erlang:hibernate(?MODULE, blarf, []) end),
    P2 ! {a, message},
    D(receive {'EXIT', P2, {undef, U}} -> U after 2000 -> timeout end),
    P3 = spawn_link(fun() -> bar(), erlang:hibernate(?MODULE, blarf, []) end),
    P3 ! {another, message},
    D(receive {'EXIT', P3, {undef, U3}} -> U3 after 2000 -> timeout end),
    D(catch erlang:hibernate(?MODULE, restart, not_a_list) =:= x),
    halt().
