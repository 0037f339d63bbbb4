-module(c_send_order).
-export([main/0]).

%% Ordering guarantees: messages between one pair of processes arrive in send order.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    Self = self(),
    [Self ! I || I <- lists:seq(1, 1000)],
    D(drain([]) =:= lists:seq(1, 1000)),
    Senders = [spawn(fun() -> [Self ! {S, I} || I <- lists:seq(1, 500)] end) || S <- lists:seq(1, 8)],
    D(length(Senders)),
    All = collect(8 * 500, []),
    D(length(All)),
    D([[I || {S2, I} <- All, S2 =:= S] =:= lists:seq(1, 500) || S <- lists:seq(1, 8)]),
    D(lists:sort(All) =:= [{S, I} || S <- lists:seq(1, 8), I <- lists:seq(1, 500)]),
    %% request/response with tagged replies out of order
    Workers = [spawn(fun() -> receive {go, From, X} -> From ! {reply, X, X * X} end end) || _ <- lists:seq(1, 20)],
    [W ! {go, Self, X} || {W, X} <- lists:zip(Workers, lists:seq(1, 20))],
    D([receive {reply, X, R} -> R end || X <- lists:reverse(lists:seq(1, 20))]),
    %% forwarding chain preserves order
    Fwd = spawn(fun Loop() -> receive {fwd, M} -> Self ! {fwded, M}, Loop(); stop -> ok end end),
    [Fwd ! {fwd, I} || I <- lists:seq(1, 100)],
    Fwd ! stop,
    D([receive {fwded, M} -> M end || _ <- lists:seq(1, 100)] =:= lists:seq(1, 100)),
    ok.

drain(Acc) -> receive M -> drain([M | Acc]) after 0 -> lists:reverse(Acc) end.

collect(0, Acc) -> lists:reverse(Acc);
collect(N, Acc) -> receive M -> collect(N - 1, [M | Acc]) end.
