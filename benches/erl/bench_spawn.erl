-module(bench_spawn).
-export([run/1]).
%% Process creation and exit: spawn short-lived processes that each send one reply; collect all.
run(small) -> spawn_collect(500);
run(full) -> spawn_collect(100000).

spawn_collect(N) ->
    Parent = self(),
    lists:foreach(fun(I) -> spawn(fun() -> Parent ! {done, I * I rem 1009} end) end,
                  lists:seq(1, N)),
    collect(N, 0).

collect(0, Sum) -> Sum;
collect(N, Sum) ->
    receive
        {done, V} -> collect(N - 1, Sum + V)
    end.
