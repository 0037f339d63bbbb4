-module(bench_pingpong).
-export([run/1]).
%% Message round trips between two processes (send, receive, context switch).
run(small) -> pingpong(1000);
run(full) -> pingpong(200000).

pingpong(N) ->
    Pong = spawn(fun pong/0),
    Sum = ping(Pong, N, 0),
    Ref = monitor(process, Pong),
    Pong ! stop,
    receive {'DOWN', Ref, process, Pong, normal} -> ok end,
    Sum.

ping(_, 0, Sum) -> Sum;
ping(Pong, N, Sum) ->
    Pong ! {ping, self(), N},
    receive
        {pong, Reply} -> ping(Pong, N - 1, Sum + Reply)
    end.

pong() ->
    receive
        {ping, From, N} -> From ! {pong, N rem 7}, pong();
        stop -> ok
    end.
