-module(bench_fib).
-export([main/0]).
%% Tight recursion: naive fib(27), no allocation.
main() -> bench_util:report(fun() -> fib(27) end).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
