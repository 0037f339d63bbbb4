%% The bundled example: run with `bash scripts/run-example.sh`.
-module(hello).
-export([main/0]).

main() ->
    erlang:display(hello_from_beamos),
    erlang:display(lists:sum(lists:seq(1, 100))),
    erlang:display(fib(25)),
    Parent = self(),
    Pids = [spawn(fun() -> Parent ! {self(), N * N} end) || N <- lists:seq(1, 10)],
    erlang:display([receive {P, Sq} -> Sq end || P <- Pids]),
    erlang:display(lists:sort([{b, 2}, {a, 1}, {c, 3}])),
    erlang:halt().

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
