-module(c_spawn_many).
-export([main/0]).

%% 100,000 processes each sending a result back; a ring of 10,000 processes passing a token.
main() ->
    {Pid, Ref} = spawn_monitor(fun body/0),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    erlang:halt().

body() ->
    D = fun erlang:display/1,
    Self = self(),
    N = 100000,
    [spawn(fun() -> Self ! {result, I, I * I} end) || I <- lists:seq(1, N)],
    {Count, Sum, SumSq} = collect(N, 0, 0, 0),
    D({Count, Sum, SumSq}),
    %% results collected in order of index via selective receive
    Ps = [spawn(fun() -> Self ! {idx, I, I rem 7} end) || I <- lists:seq(1, 1000)],
    D(length(Ps)),
    D(lists:sum([receive {idx, I, V} -> V end || I <- lists:seq(1, 1000)])),
    %% ring
    Ring = 10000,
    First = ring(Ring, Self),
    First ! {token, 0},
    D(receive {token, T} -> T end),
    %% many monitors all fire
    Ms = [spawn_monitor(fun() -> exit({done, I}) end) || I <- lists:seq(1, 1000)],
    D(lists:sum([receive {'DOWN', M, process, P, {done, I}} -> I end || {P, M} <- Ms])),
    ok.

collect(0, C, S, Q) -> {C, S, Q};
collect(K, C, S, Q) ->
    receive {result, I, Sq} -> collect(K - 1, C + 1, S + I, Q + Sq) end.

ring(0, Last) -> Last;
ring(K, Next) ->
    P = spawn(fun() -> receive {token, T} -> Next ! {token, T + 1} end end),
    ring(K - 1, P).
