-module(bench_ring).
-export([main/0]).
%% Message passing: a ring of 1000 processes (the caller closes it) passing a token
%% 100 times around, then a stop that goes around once.
main() -> bench_util:report(fun() -> ring(1000, 100) end).
ring(N, Laps) ->
    Self = self(),
    First = lists:foldl(fun(_, Next) -> spawn(fun() -> loop(Next) end) end, Self, lists:seq(1, N)),
    First ! token,
    relay(First, Laps).
relay(First, 1) ->
    receive token -> First ! stop end,
    receive stop -> done end;
relay(First, Laps) ->
    receive token -> First ! token end,
    relay(First, Laps - 1).
loop(Next) ->
    receive
        token -> Next ! token, loop(Next);
        stop -> Next ! stop
    end.
