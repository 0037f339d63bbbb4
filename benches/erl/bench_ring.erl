-module(bench_ring).
-export([run/1]).
%% Message passing: a hop-counting token goes round a ring of 10,000 processes, then a stop.
run(small) -> ring(100, 5);
run(full) -> ring(10000, 20).

ring(N, Laps) ->
    Self = self(),
    First = lists:foldl(fun(_, Next) -> spawn(fun() -> loop(Next) end) end, Self, lists:seq(1, N)),
    First ! {token, 0},
    relay(First, Laps).

relay(First, 1) ->
    Hops = receive {token, H} -> H end,
    First ! stop,
    receive stop -> Hops end;
relay(First, Laps) ->
    receive {token, H} -> First ! {token, H} end,
    relay(First, Laps - 1).

loop(Next) ->
    receive
        {token, H} -> Next ! {token, H + 1}, loop(Next);
        stop -> Next ! stop
    end.
